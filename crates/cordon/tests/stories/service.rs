//! The screening service end to end: the real `cordon serve` binary on a free
//! port, driven over HTTP with keys from `cordon keys create`, customers from
//! `cordon customers import`, four-eyes decisions, a newer UN snapshot that
//! raises rescreen alerts, and an audit chain that `cordon audit verify`
//! checks before and after someone edits the database file.

use crate::support::{cordon, data, ok, stderr, stdout};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `cordon serve`, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(data_dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("CORDON_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cordon serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("cordon listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    let server = Server { child, base };
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    while client
        .get(format!("{}/readyz", server.base))
        .send()
        .map(|r| r.status().as_u16())
        .ok()
        != Some(200)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server never became ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

fn create_key(data_dir: &Path, role: &str, person: &str) -> String {
    let out = ok(cordon(
        data_dir,
        &["keys", "create", "--role", role, "--person", person],
    ));
    out.lines().last().unwrap().trim().to_string()
}

struct Http {
    client: reqwest::blocking::Client,
    base: String,
}

impl Http {
    fn call(&self, method: &str, path: &str, key: &str, body: Option<Vec<u8>>) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut request = match method {
            "GET" => self.client.get(url),
            _ => self.client.post(url),
        }
        .bearer_auth(key);
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let text = response.text().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn json(&self, method: &str, path: &str, key: &str, body: Value) -> (u16, Value) {
        self.call(method, path, key, Some(body.to_string().into_bytes()))
    }
}

#[test]
fn screening_service_story() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path();
    ok(cordon(
        data_dir,
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2025-04-19.xml"),
        ],
    ));
    let admin = create_key(data_dir, "admin", "root");
    let screener = create_key(data_dir, "screener", "sam");
    let analyst = create_key(data_dir, "analyst", "alice");
    let alice_supervisor = create_key(data_dir, "supervisor", "alice");
    let bob = create_key(data_dir, "supervisor", "bob");
    let auditor = create_key(data_dir, "auditor", "audrey");
    assert!(
        analyst.starts_with("cordon_") && analyst.len() == 71,
        "{analyst}"
    );
    assert_eq!(
        cordon(data_dir, &["keys", "create", "--role", "root"])
            .status
            .code(),
        Some(2)
    );

    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "id,name,dob,country,type\nc-1,Kempes Sanon,,HT,person\nc-2,Maria Gonzalez Ortega,1980-02-03,ES,person\nc-3,Doku Umarov,1964,RU,person\n",
    )
    .unwrap();
    let out = ok(cordon(
        data_dir,
        &["customers", "import", customers.to_str().unwrap(), "--json"],
    ));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"inserted": 3, "updated": 0})
    );

    let server = start_server(data_dir);
    let http = Http {
        client: reqwest::blocking::Client::new(),
        base: server.base.clone(),
    };

    // Screening needs a key; a match names the UN reference and explains itself.
    let (status, body) = http.json(
        "POST",
        "/v1/screen",
        "cordon_wrong",
        json!({"name": "Doku Umarov"}),
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("invalid_api_key"))
    );
    let (status, body) = http.json(
        "POST",
        "/v1/screen",
        &screener,
        json!({"name": "Doku Khamatovich Umarov", "dob": "1964"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["matches"][0]["source_id"], "QDi.290");
    // A name of invisible characters and punctuation is no name: 400 naming the field.
    let (status, refused) = http.json(
        "POST",
        "/v1/screen",
        &screener,
        json!({"name": "\u{200B}.\u{202E}"}),
    );
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid_request", "{refused}");
    assert!(
        refused.to_string().contains("name: has no letter or digit"),
        "{refused}"
    );
    let entity_id = body["matches"][0]["entity_id"]
        .as_str()
        .unwrap()
        .to_string();

    // Four eyes: the analyst's true match waits for a different supervisor.
    let decision = json!({"party_key": "c-3", "entity_id": entity_id, "verdict": "true_match", "reason": "same name and birth year"});
    let (status, body) = http.json("POST", "/v1/decisions", &analyst, decision);
    assert_eq!(
        (status, body["state"].as_str()),
        (201, Some("pending")),
        "{body}"
    );
    let confirm = format!("/v1/decisions/{}/confirm", body["id"]);
    let (status, body) = http.call("POST", &confirm, &alice_supervisor, None);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("four eyes"));
    let (status, body) = http.call("POST", &confirm, &bob, None);
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("confirmed")),
        "{body}"
    );

    // A newer UN snapshot adds Kempes Sanon: his customer record is alerted at once.
    let snapshot = std::fs::read(data("lists/un/un_consolidated_2026-02-27.xml")).unwrap();
    let (status, body) = http.call("POST", "/v1/lists", &admin, Some(snapshot));
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["diff"]["added"], 130);
    let (status, body) = http.call("GET", "/v1/alerts?status=open", &analyst, None);
    assert_eq!(status, 200);
    let alerted: Vec<(&str, &str)> = body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["customer_id"].as_str().unwrap(),
                a["details"]["source_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(alerted.contains(&("c-1", "HTi.009")), "{alerted:?}");
    assert!(!alerted.iter().any(|(c, _)| *c == "c-2"), "{alerted:?}");

    // The chain verifies over HTTP and from the command line.
    let (status, body) = http.call("GET", "/v1/audit?verify=true&limit=1000", &auditor, None);
    assert_eq!(status, 200);
    assert!(body["verification"]["broken"].is_null(), "{body}");
    let screening = body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "screening")
        .cloned()
        .unwrap();
    drop(server);
    let out = ok(cordon(data_dir, &["audit", "verify", "--json"]));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["intact"], true);
    let checked = report["checked"].as_u64().unwrap();
    // The command-line list import and its (empty) register rescreen, 6 keys
    // created, the alert for c-3 raised when the customers were imported (he
    // is listed), 1 screening, a decision and its confirmation, then the
    // upload: its import, the rescreen alerts and the rescreen's summary.
    assert_eq!(checked, 15, "{report}");

    // Someone edits a screening's recorded results in the database file.
    let seq = screening["seq"].as_i64().unwrap();
    let db = rusqlite::Connection::open(data_dir.join("cordon.db")).unwrap();
    db.execute(
        "UPDATE audit_log SET payload = replace(payload, 'QDi.290', 'QDi.999') WHERE seq = ?1",
        [seq],
    )
    .unwrap();
    drop(db);
    let output = cordon(data_dir, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("audit entry {seq} is broken")),
        "{message}"
    );
    assert!(stdout(&output).contains("checked"), "{}", stdout(&output));
}

#[test]
fn audit_chain_survives_kill_9_during_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path();
    ok(cordon(
        data_dir,
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2025-04-19.xml"),
        ],
    ));
    let screener = create_key(data_dir, "screener", "sam");
    let mut server = start_server(data_dir);
    let lines: String = (0..4000)
        .map(|i| format!("{{\"id\": {i}, \"name\": \"Doku Umarov {i}\"}}\n"))
        .collect();
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/v1/screen/batch", server.base))
        .bearer_auth(&screener)
        .body(lines)
        .send()
        .unwrap();
    // Read the first results, then kill the server mid-batch (SIGKILL).
    let mut reader = BufReader::new(response);
    let mut received = 0;
    let mut line = String::new();
    while received < 300 && reader.read_line(&mut line).unwrap() > 0 {
        received += 1;
        line.clear();
    }
    assert_eq!(received, 300);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let out = ok(cordon(data_dir, &["audit", "verify", "--json"]));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["intact"], true, "{report}");
    // Every result the client received was audited before it was sent.
    let checked = report["checked"].as_u64().unwrap();
    assert!(checked > 300, "{report}");
    // Backpressure held the rest: the kill really came mid-batch.
    assert!(checked < 1 + 4000, "{report}");
}
