//! Reading, importing, diffing and updating lists.

use crate::support::{cordon, data, json_lines, ok, stderr};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;

#[test]
fn inspect_reports_exact_counts_for_un_and_ofac() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(cordon(
        dir.path(),
        &[
            "lists",
            "inspect",
            &data("lists/un/un_consolidated_2026-02-27.xml"),
            &data("lists/ofac/sdn_legacy_csv_2021"),
            "--json",
        ],
    ));
    let lists = json_lines(&out);
    assert_eq!(lists.len(), 2);
    assert_eq!(lists[0]["source"], "un");
    assert_eq!(lists[0]["version"], "2026-02-27");
    assert_eq!(lists[0]["persons"], 730);
    assert_eq!(lists[0]["organizations"], 273);
    assert_eq!(lists[1]["source"], "ofac");
    assert_eq!(lists[1]["persons"], 4620);
    assert_eq!(lists[1]["vessels"], 406);
    assert_eq!(lists[1]["aircraft"], 277);
    assert_eq!(lists[1]["organizations"], 3673);
}

#[test]
fn inspect_reads_sdn_csv_file_with_its_siblings() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(cordon(
        dir.path(),
        &[
            "lists",
            "inspect",
            &data("lists/ofac/sdn_legacy_csv_2021/sdn.csv"),
            "--json",
        ],
    ));
    let list = &json_lines(&out)[0];
    // alt.csv aliases are read too: far more names than entries.
    assert!(list["names"].as_u64().unwrap() > 8976 + 10_000, "{list}");
}

#[test]
fn every_shared_list_parses() {
    let dir = tempfile::tempdir().unwrap();
    let paths = [
        "lists/un/un_consolidated_2017-06-20.xml",
        "lists/un/un_consolidated_2017-07-03.xml",
        "lists/un/un_consolidated_2018-08-24.xml",
        "lists/un/un_consolidated_2024-09-26.xml",
        "lists/un/un_consolidated_2025-04-19.xml",
        "lists/ofac/sdn_legacy_csv_2019",
        "lists/ofac/cons_nonsdn_csv",
        "lists/ofac/ofac_cons_nonsdn_2024-05-06.xml",
        "lists/ofac/ofac_cons_nonsdn_2025-03-28.xml",
        "lists/uk/uk_hmt_conlist_2018-04-13.csv",
        "lists/eu/eu_fsf_short_2018-07-04.csv",
        "lists/ca/ca_sema_autonomous_2025.xml",
        "lists/us/csl_sample.csv",
        "lists/us/csl_consolidated_sample13.csv",
    ];
    let args: Vec<String> = paths.iter().map(|p| data(p)).collect();
    let mut all = vec!["lists", "inspect", "--json"];
    all.extend(args.iter().map(String::as_str));
    let out = ok(cordon(dir.path(), &all));
    let lists = json_lines(&out);
    assert_eq!(lists.len(), paths.len());
    for (list, path) in lists.iter().zip(paths) {
        assert!(list["entities"].as_u64().unwrap() > 0, "{path}: {list}");
    }
}

#[test]
fn diff_un_snapshots_reports_exact_additions_and_removals() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(cordon(
        dir.path(),
        &[
            "lists",
            "diff",
            &data("lists/un/un_consolidated_2025-04-19.xml"),
            &data("lists/un/un_consolidated_2026-02-27.xml"),
            "--json",
        ],
    ));
    let diff: Value = serde_json::from_str(&out).unwrap();
    let ids = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["source_id"].as_str().unwrap().to_string())
            .collect()
    };
    // Checked independently with Python's ElementTree on REFERENCE_NUMBER.
    let removed = ids("removed");
    assert_eq!(removed, ["IQi.074", "QDi.317", "QDi.328", "QDi.336"]);
    let added = ids("added");
    assert_eq!(added.len(), 130);
    assert_eq!(added.iter().filter(|id| id.starts_with("IRe.")).count(), 78);
    assert_eq!(added.iter().filter(|id| id.starts_with("IRi.")).count(), 43);
    for id in [
        "HTe.001", "HTe.002", "HTi.008", "HTi.009", "QDi.436", "SDi.007", "SDi.010",
    ] {
        assert!(added.contains(&id.to_string()), "{id} missing from added");
    }
    let changed = diff["changed"].as_array().unwrap();
    assert!(!changed.is_empty());
    for entry in changed {
        assert!(!entry["fields"].as_array().unwrap().is_empty());
    }
}

#[test]
fn import_show_and_diff_stored_versions() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2025-04-19.xml"),
        ],
    ));
    ok(cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2026-02-27.xml"),
        ],
    ));
    // The same content again stores nothing new.
    let again = ok(cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2026-02-27.xml"),
        ],
    ));
    assert!(again.contains("unchanged"), "{again}");
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    let versions = shown["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["version"], "2026-02-27");
    assert_eq!(versions[1]["counts"]["persons"], 730);
    assert_eq!(versions[1]["content_hash"].as_str().unwrap().len(), 64);
    let diff: Value = serde_json::from_str(&ok(cordon(
        dir.path(),
        &["lists", "diff", "un@2025-04-19", "un@2026-02-27", "--json"],
    )))
    .unwrap();
    assert_eq!(diff["added"].as_array().unwrap().len(), 130);
    assert_eq!(diff["removed"].as_array().unwrap().len(), 4);
}

#[test]
fn bad_input_exits_2_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("truncated.xml");
    let bytes = std::fs::read(data("lists/un/un_consolidated_2026-02-27.xml")).unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let good = data("lists/un/un_consolidated_2025-04-19.xml");
    let output = cordon(
        dir.path(),
        &["lists", "import", &good, bad.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("truncated.xml"), "{message}");
    assert!(message.contains("byte"), "{message}");
    // Nothing was imported, not even the good file given first.
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    assert!(shown["versions"].as_array().unwrap().is_empty());

    let not_a_list = dir.path().join("notes.txt");
    std::fs::write(&not_a_list, "hello\nworld\n").unwrap();
    let output = cordon(
        dir.path(),
        &["lists", "inspect", not_a_list.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("notes.txt"));

    let missing = cordon(dir.path(), &["lists", "inspect", "/nonexistent/list.xml"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn invalid_utf8_list_is_recovered_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let output = cordon(
        dir.path(),
        &[
            "lists",
            "inspect",
            &data("lists/un/malformed/un_consolidated_2025-08-16_invalid_utf8.xml"),
            "--json",
        ],
    );
    let out = ok(output.clone());
    assert!(stderr(&output).contains("UTF-8"), "{}", stderr(&output));
    let list = &json_lines(&out)[0];
    assert!(list["persons"].as_u64().unwrap() > 600);
    assert!(!list["warnings"].as_array().unwrap().is_empty());
}

/// A minimal HTTP/1.1 server on loopback serving files from a map of paths,
/// answering 404 for anything else; it stops after `requests` requests.
fn serve(files: Vec<(String, Vec<u8>)>, requests: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let n = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let body = files
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, b)| b.clone());
            let (status, body) = match body {
                Some(body) => ("200 OK", body),
                None => ("404 Not Found", b"not found".to_vec()),
            };
            let header = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(header.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (base, handle)
}

/// One loopback response of any status, `requests` times.
fn serve_status(
    status: &'static str,
    body: &'static str,
    requests: usize,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let header = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(header.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    (base, handle)
}

#[test]
fn update_uk_reads_the_fcdo_list_and_an_error_page_keeps_the_last_good_version() {
    let dir = tempfile::tempdir().unwrap();
    let uk = std::fs::read(data(
        "lists/public/uk/uk_sanctions_list_xml_2026-03-26_PREFIX4.xml",
    ))
    .unwrap();
    let (base, server) = serve(vec![("/uk.xml".into(), uk)], 1);
    let url = format!("uk={base}/uk.xml");
    let out = ok(cordon(
        dir.path(),
        &["lists", "update", "--source", "uk", "--url", &url],
    ));
    assert!(out.contains("imported uk@2026-03-26"), "{out}");
    server.join().unwrap();

    // Outage pages, with a success status or not: each is a failure, never an import.
    for (status, body, said) in [
        (
            "200 OK",
            "<!DOCTYPE html><html><body>Service unavailable</body></html>",
            "HTML page",
        ),
        ("200 OK", "{\"error\": \"quota exceeded\"}", "JSON document"),
        (
            "500 Internal Server Error",
            "{\"error\": \"internal\"}",
            "500",
        ),
    ] {
        let (base, server) = serve_status(status, body, 1);
        let url = format!("uk={base}/uk.xml");
        let output = cordon(
            dir.path(),
            &["lists", "update", "--source", "uk", "--url", &url],
        );
        server.join().unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains("uk: STALE"), "{err}");
        assert!(err.contains(said), "{err}");
        assert!(err.contains("still serving uk@2026-03-26"), "{err}");
    }
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 1);
    assert!(shown["updates"][0]["last_error"]
        .as_str()
        .unwrap()
        .contains("500"));
}

/// The OFAC entries of a legacy `sdn.csv`, counted without the reader: the
/// distinct numeric ids of its first column (the file ends with a DOS EOF byte).
fn ofac_ids(sdn_csv: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(sdn_csv);
    let ids: std::collections::BTreeSet<u64> = reader
        .records()
        .filter_map(|r| r.ok()?.get(0)?.trim().parse().ok())
        .collect();
    ids.len()
}

/// Where OFAC's Sanctions List Service publishes its exports, as a mirror
/// given with `--mirror` serves them.
const OFAC_EXPORTS: &str = "/sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports";

#[test]
fn update_ofac_falls_back_to_the_legacy_csv_set_when_the_advanced_xml_is_an_error_page() {
    let dir = tempfile::tempdir().unwrap();
    let folder = data("lists/ofac/sdn_legacy_csv_2021");
    let read = |name: &str| std::fs::read(format!("{folder}/{name}")).unwrap();
    let expected = ofac_ids(&read("sdn.csv"));
    // The main file answers 200 with an outage page; the CSV set is served
    // under OFAC's upper-case names, as the service publishes them.
    let outage = b"<!DOCTYPE html><html><body>Service unavailable</body></html>".to_vec();
    let mut files = vec![(format!("{OFAC_EXPORTS}/SDN_ADVANCED.XML"), outage)];
    for name in ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"] {
        files.push((
            format!("{OFAC_EXPORTS}/{}", name.to_uppercase()),
            read(name),
        ));
    }
    let (base, server) = serve(files, 5);
    let out = ok(cordon(
        dir.path(),
        &["lists", "update", "--source", "ofac", "--mirror", &base],
    ));
    server.join().unwrap();
    // The legacy CSV set carries no publication date: the label is `ofac@-#1`.
    assert!(
        out.contains(&format!(
            "ofac: imported ofac@-#1 ({expected} entities) from the fallback"
        )),
        "{out}"
    );
    assert!(
        out.contains("SDN_ADVANCED.XML answered with an HTML page"),
        "{out}"
    );
    // The set is kept as downloaded, and no temporary file is left.
    let kept = dir.path().join("downloads/ofac");
    assert_eq!(
        std::fs::read(kept.join("SDN.CSV")).unwrap(),
        read("sdn.csv")
    );
    assert_eq!(
        std::fs::read(kept.join("ALT.CSV")).unwrap(),
        read("alt.csv")
    );
    let loose: Vec<_> = std::fs::read_dir(dir.path().join("downloads"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".download-"))
        .collect();
    assert!(loose.is_empty(), "{loose:?}");

    // Now both fail: a JSON error with 200 for the XML, nothing for the set
    // (SDN.CSV asked under both spellings). The last good version serves on.
    let (base, server) = serve(
        vec![(
            format!("{OFAC_EXPORTS}/SDN_ADVANCED.XML"),
            b"{\"error\": \"rate limited\"}".to_vec(),
        )],
        3,
    );
    let output = cordon(
        dir.path(),
        &["lists", "update", "--source", "ofac", "--mirror", &base],
    );
    server.join().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("ofac: STALE"), "{err}");
    assert!(err.contains("JSON document"), "{err}");
    assert!(err.contains("then the fallback"), "{err}");
    assert!(err.contains("sdn.csv: HTTP 404"), "{err}");
    assert!(err.contains("still serving ofac@-#1"), "{err}");
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 1);
}

/// One loopback response that promises `declared` bytes and sends only
/// `body`, then closes: a connection cut mid-download.
fn serve_cut(body: Vec<u8>, declared: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        if let Some(Ok(mut stream)) = listener.incoming().next() {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let header = format!("HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n");
            let _ = stream.write_all(header.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (base, handle)
}

#[test]
fn update_cut_mid_download_leaves_nothing_written_and_the_list_stale() {
    let dir = tempfile::tempdir().unwrap();
    let un = std::fs::read(data("lists/un/un_consolidated_2026-02-27.xml")).unwrap();
    let half = un[..un.len() / 2].to_vec();
    let (base, server) = serve_cut(half, un.len());
    let url = format!("un={base}/un.xml");
    let output = cordon(
        dir.path(),
        &["lists", "update", "--source", "un", "--url", &url],
    );
    server.join().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("un: STALE"), "{err}");
    assert!(err.contains("no earlier version stored"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("downloads"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 0);
}

#[test]
fn update_jp_mof_finds_the_newest_workbook_on_the_ministrys_page() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = std::fs::read(data(
        "lists/public/jp/jp_mof_asset_freeze_list_2026-03-05.xlsx",
    ))
    .unwrap();
    // The Ministry's page links every release by date; only the newest is fetched.
    let page = r#"<html><body><ul>
        <li><a href="shisantouketsu20251120.xlsx">2025-11-20</a></li>
        <li><a href="./shisantouketsu20260305.xlsx">2026-03-05</a></li>
        <li><a href="shisantouketsu20260305.pdf">PDF</a></li>
        </ul></body></html>"#;
    let (base, server) = serve(
        vec![
            ("/sanctions/list.html".into(), page.as_bytes().to_vec()),
            ("/sanctions/shisantouketsu20260305.xlsx".into(), workbook),
        ],
        2,
    );
    let url = format!("jp_mof={base}/sanctions/list.html");
    let out = ok(cordon(
        dir.path(),
        &["lists", "update", "--source", "jp_mof", "--url", &url],
    ));
    server.join().unwrap();
    // The version is the publication date in the workbook's name on the page.
    assert!(out.contains("jp_mof: imported jp_mof@2026-03-05"), "{out}");

    // A page that no longer links a workbook is a failure, reported stale.
    let (base, server) = serve(
        vec![(
            "/sanctions/list.html".into(),
            b"<html><p>moved</p></html>".to_vec(),
        )],
        1,
    );
    let url = format!("jp_mof={base}/sanctions/list.html");
    let output = cordon(
        dir.path(),
        &["lists", "update", "--source", "jp_mof", "--url", &url],
    );
    server.join().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("jp_mof: STALE"), "{err}");
    assert!(err.contains("links to no shisantouketsu*.xlsx"), "{err}");
    assert!(err.contains("still serving jp_mof@"), "{err}");
}

#[test]
fn update_downloads_verifies_imports_and_goes_stale_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let un = std::fs::read(data("lists/un/un_consolidated_2026-02-27.xml")).unwrap();
    let (base, server) = serve(vec![("/un.xml".into(), un)], 1);
    let url = format!("un={base}/un.xml");
    let out = ok(cordon(
        dir.path(),
        &["lists", "update", "--source", "un", "--url", &url],
    ));
    assert!(out.contains("imported un@2026-02-27"), "{out}");
    server.join().unwrap();

    // The publisher now fails: the last good version keeps serving, the list is stale.
    let (base, server) = serve(vec![], 1);
    let url = format!("un={base}/un.xml");
    let output = cordon(
        dir.path(),
        &["lists", "update", "--source", "un", "--url", &url],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("STALE"), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("still serving un@2026-02-27"),
        "{}",
        stderr(&output)
    );
    server.join().unwrap();
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 1);
    assert!(shown["updates"][0]["last_error"]
        .as_str()
        .unwrap()
        .contains("404"));
    assert!(shown["updates"][0]["last_success"].is_string());
}

#[test]
fn update_refuses_a_truncated_download() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2026-02-27.xml"),
        ],
    ));
    let demo = include_bytes!("../../demo/demo_un.xml").to_vec();
    let (base, server) = serve(vec![("/un.xml".into(), demo)], 1);
    let url = format!("un={base}/un.xml");
    let output = cordon(
        dir.path(),
        &["lists", "update", "--source", "un", "--url", &url],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("less than half"),
        "{}",
        stderr(&output)
    );
    server.join().unwrap();
}

#[test]
fn importing_a_newer_list_rescreens_the_customer_register_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "id,name,dob,country,type\n\
         cust-1,Fereydoun Abbasi Davani,,IR,person\n\
         cust-2,Maria Example,1980,DE,person\n\
         cust-3,Doku Umarov,,,person\n",
    )
    .unwrap();
    ok(cordon(
        dir.path(),
        &["customers", "import", customers.to_str().unwrap()],
    ));
    ok(cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2025-04-19.xml"),
        ],
    ));
    let first = json_lines(&ok(cordon(dir.path(), &["customers", "alerts", "--json"])));
    // The first import screens the whole register: Umarov is listed in both snapshots.
    assert!(first
        .iter()
        .any(|a| a["customer_id"] == "cust-3" && a["entity_id"] == "un:QDi.290"));
    assert!(
        !first.iter().any(|a| a["customer_id"] == "cust-1"),
        "{first:?}"
    );

    let output = cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2026-02-27.xml"),
        ],
    );
    assert!(stderr(&output).contains("130 added"), "{}", stderr(&output));
    ok(output);
    let alerts = json_lines(&ok(cordon(dir.path(), &["customers", "alerts", "--json"])));
    let fresh: Vec<&Value> = alerts
        .iter()
        .filter(|a| a["customer_id"] == "cust-1")
        .collect();
    assert_eq!(fresh.len(), 1, "{alerts:?}");
    assert_eq!(fresh[0]["entity_id"], "un:IRi.001");
    assert_eq!(fresh[0]["status"], "open");
    assert!(fresh[0]["list_version"]
        .as_str()
        .unwrap()
        .starts_with("un@2026-02-27"));
    assert!(!alerts.iter().any(|a| a["customer_id"] == "cust-2"));
    // Umarov did not change: no second alert for him.
    assert_eq!(
        alerts
            .iter()
            .filter(|a| a["customer_id"] == "cust-3")
            .count(),
        1
    );
}

#[test]
fn kill_9_during_an_import_leaves_the_previous_version_serving() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &data("lists/un/un_consolidated_2025-04-19.xml"),
        ],
    ));
    // Kill imports at several moments; whatever moment it hits, every stored
    // version must be complete and the previous one must keep serving.
    for delay_ms in [5u64, 40, 120, 300] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cordon"))
            .arg("--data-dir")
            .arg(dir.path())
            .args([
                "lists",
                "import",
                &data("lists/un/un_consolidated_2026-02-27.xml"),
                &data("lists/ofac/sdn_legacy_csv_2021"),
                &data("lists/ca/ca_sema_autonomous_2025.xml"),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let shown: Value =
            serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
        for version in shown["versions"].as_array().unwrap() {
            let spec = format!("#{}", version["id"]);
            // Loading a version reads every stored entity: it must hold all of them.
            let diff: Value = serde_json::from_str(&ok(cordon(
                dir.path(),
                &["lists", "diff", &spec, &spec, "--json"],
            )))
            .unwrap();
            let counts = &version["counts"];
            let total: u64 = ["persons", "organizations", "vessels", "aircraft"]
                .iter()
                .map(|k| counts[k].as_u64().unwrap())
                .sum();
            assert_eq!(diff["unchanged"].as_u64().unwrap(), total, "{version}");
        }
        let un = ok(cordon(dir.path(), &["screen", "Doku Umarov", "--json"]));
        assert!(un.contains("QDi.290"), "{un}");
    }
}
