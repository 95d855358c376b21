//! The integrity holes of issue 11: list rollbacks, unaudited imports and
//! transfers, unscreened new customers, the content hash, closed pipes, exit
//! codes and the recorded caller.

use crate::support::{cordon, data, json_lines, ok, stderr};
use serde_json::Value;
use sha2::Digest;
use std::io::Read;

const UN_2025: &str = "lists/un/un_consolidated_2025-04-19.xml";
const UN_2026: &str = "lists/un/un_consolidated_2026-02-27.xml";

fn audit(dir: &std::path::Path) -> Vec<Value> {
    json_lines(&ok(cordon(dir, &["audit", "show", "--limit", "1000"])))
}

#[test]
fn an_older_list_never_replaces_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(dir.path(), &["lists", "import", &data(UN_2026)]));
    let older = cordon(dir.path(), &["lists", "import", &data(UN_2025)]);
    assert_eq!(older.status.code(), Some(2), "{}", stderr(&older));
    assert!(stderr(&older).contains("older"), "{}", stderr(&older));
    let again = ok(cordon(dir.path(), &["lists", "import", &data(UN_2026)]));
    assert!(again.contains("unchanged"), "{again}");
    // Kempes Sanon (HTi.009) was added in 2026: he is still screened for.
    let found = ok(cordon(dir.path(), &["screen", "Kempes Sanon", "--json"]));
    assert!(found.contains("HTi.009"), "{found}");
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 1);
}

#[test]
fn the_stored_content_hash_is_the_files_sha256() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(dir.path(), &["lists", "import", &data(UN_2026)]));
    let shown: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["lists", "show", "--json"]))).unwrap();
    let bytes = std::fs::read(data(UN_2026)).unwrap();
    let expected = hex::encode(sha2::Sha256::digest(&bytes));
    assert_eq!(shown["versions"][0]["content_hash"], expected.as_str());
}

#[test]
fn a_command_line_import_is_audited_with_an_unauthenticated_local_caller() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(dir.path(), &["lists", "import", &data(UN_2025)]));
    let entries = audit(dir.path());
    let imported = entries
        .iter()
        .find(|e| e["kind"] == "list_imported")
        .unwrap_or_else(|| panic!("no list_imported entry: {entries:?}"));
    assert!(imported["payload"]["version"]
        .as_str()
        .unwrap()
        .starts_with("un@2025-04-19"));
    let caller = imported["caller"].as_str().unwrap();
    assert!(
        caller.starts_with("local:") && caller.contains("unauthenticated"),
        "{caller}"
    );
}

#[test]
fn a_new_customer_whose_name_is_listed_raises_an_alert_at_once() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(dir.path(), &["lists", "import", &data(UN_2025)]));
    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "id,name,dob,country,type\nc-1,Doku Umarov,1964,RU,person\nc-2,Maria Example,1980,DE,person\n",
    )
    .unwrap();
    ok(cordon(
        dir.path(),
        &["customers", "import", customers.to_str().unwrap()],
    ));
    let alerts = json_lines(&ok(cordon(dir.path(), &["customers", "alerts", "--json"])));
    assert!(
        alerts
            .iter()
            .any(|a| a["customer_id"] == "c-1" && a["entity_id"] == "un:QDi.290"),
        "{alerts:?}"
    );
    assert!(
        !alerts.iter().any(|a| a["customer_id"] == "c-2"),
        "{alerts:?}"
    );
}

#[test]
fn command_line_transfer_screening_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let first = data("payments/cbpr_c_53_5_MT103_A_to_B.fin");
    let lines = json_lines(&ok(cordon(
        dir.path(),
        &["transfers", "screen", &first, "--json"],
    )));
    let reports: Vec<&Value> = lines.iter().filter(|l| l.get("error").is_none()).collect();
    assert!(!reports.is_empty(), "{lines:?}");
    for report in &reports {
        assert!(report["audit"]["seq"].as_i64().unwrap() > 0, "{report}");
    }
    let entries = audit(dir.path());
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["kind"] == "transfer_screening")
            .count(),
        reports.len()
    );
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("--data-dir")
        .arg(dir.path())
        // Nearly 1 MB of JSON: far more than a pipe buffers, so the writer
        // is still writing when the reader leaves.
        .args([
            "lists",
            "diff",
            &data("lists/un/un_consolidated_2017-06-20.xml"),
            &data(UN_2026),
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(output.status.code(), Some(0), "{err}");
}

#[test]
fn an_internal_fault_is_not_reported_as_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cordon.db"), vec![0x5a; 8192]).unwrap();
    let output = cordon(dir.path(), &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    // Bad input keeps exit code 2.
    let output = cordon(dir.path(), &["screen", "--", "--"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}
