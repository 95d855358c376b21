//! Screening, comparing and batches.

use crate::support::{cordon, data, json_lines, ok, stderr};
use serde_json::Value;

fn un() -> String {
    data("lists/un/un_consolidated_2026-02-27.xml")
}

#[test]
fn screen_falls_back_to_the_demo_list_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let output = cordon(dir.path(), &["screen", "Гулмурод Ҳалимов", "--json"]);
    let warning = stderr(&output);
    assert!(warning.contains("DEMO"), "{warning}");
    let result: Value = serde_json::from_str(&ok(output)).unwrap();
    assert_eq!(result["lists"][0], "demo@built-in");
    let best = &result["matches"][0];
    assert_eq!(best["source"], "demo");
    assert_eq!(best["source_id"], "DMi.001");
}

#[test]
fn screen_finds_listed_people_across_scripts_with_explanations() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(
        dir.path(),
        &[
            "lists",
            "import",
            &un(),
            &data("lists/ofac/sdn_legacy_csv_2021"),
        ],
    ));
    for (query, source, id) in [
        ("Умаров Доку Хаматович", "un", "QDi.290"),
        ("Doku Umarov", "un", "QDi.290"),
        ("陈全国", "ofac", "29220"),
    ] {
        let out = ok(cordon(dir.path(), &["screen", query, "--json"]));
        let result: Value = serde_json::from_str(&out).unwrap();
        let matches = result["matches"].as_array().unwrap();
        let found = matches
            .iter()
            .find(|m| m["source"] == source && m["source_id"] == id)
            .unwrap_or_else(|| panic!("{query}: {source}:{id} not found in {out}"));
        let score = found["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        assert!(found["explanation"].is_object(), "{found}");
        assert!(!found["matched_name"].as_str().unwrap().is_empty());
        assert_eq!(found["entity_id"], format!("{source}:{id}"));
    }
}

#[test]
fn corroborating_qualifiers_rank_above_a_bare_name_and_generic_words_never_match() {
    let dir = tempfile::tempdir().unwrap();
    let list = un();
    let score = |args: &[&str]| -> f64 {
        let mut all = vec!["screen", "--list", &list, "--json"];
        all.extend_from_slice(args);
        let result: Value = serde_json::from_str(&ok(cordon(dir.path(), &all))).unwrap();
        result["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["source_id"] == "QDi.290")
            .and_then(|m| m["score"].as_f64())
            .unwrap_or(0.0)
    };
    let bare = score(&["Doku Khamatovich Umarov"]);
    let corroborated = score(&[
        "Doku Khamatovich Umarov",
        "--dob",
        "13.04.1964",
        "--country",
        "Russia",
    ]);
    assert!(bare > 0.0 && bare < 1.0, "{bare}");
    assert!(corroborated > bare, "{corroborated} <= {bare}");
    let conflicting = score(&["Doku Khamatovich Umarov", "--dob", "1990"]);
    assert!(conflicting < bare, "{conflicting} >= {bare}");

    let generic: Value = serde_json::from_str(&ok(cordon(
        dir.path(),
        &["screen", "--list", &list, "--json", "TRADING COMPANY LLC"],
    )))
    .unwrap();
    assert!(
        generic["matches"].as_array().unwrap().is_empty(),
        "{generic}"
    );
}

#[test]
fn screen_rejects_bad_options_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["screen", "X", "--dob", "yesterday"],
        vec!["screen", "X", "--country", "Atlantis"],
        vec!["screen", "X", "--type", "boat"],
        vec!["screen", "  "],
        vec!["screen", "X", "--list", "/nonexistent.xml"],
        vec!["frobnicate"],
    ] {
        let output = cordon(dir.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn compare_pairs_prints_one_line_per_pair_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.csv");
    std::fs::write(
        &pairs,
        "name1,name2,schema\nTohir Yoʻldoshev,Тахир Юлдашев,person\nACME CORP,BETA CORP,organization\n,missing,\nMuhammad Ali,Mohammed Ali,\nA,B,spaceship\n",
    )
    .unwrap();
    let lines = json_lines(&ok(cordon(
        dir.path(),
        &["compare", "--pairs", pairs.to_str().unwrap(), "--json"],
    )));
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["match"], true, "{}", lines[0]);
    assert_eq!(lines[1]["match"], false, "{}", lines[1]);
    assert!(lines[2]["error"].is_string());
    assert_eq!(lines[3]["match"], true, "{}", lines[3]);
    assert!(lines[4]["error"].as_str().unwrap().contains("spaceship"));
    for line in [&lines[0], &lines[1], &lines[3]] {
        let score = line["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
    }
}

#[test]
fn batch_screens_every_row_keeps_order_and_survives_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    std::fs::write(
        &input,
        "id,name,dob,country,type\n\
         c1,Doku Umarov,1964,RU,person\n\
         c2,Jane Example,not-a-date,GB,person\n\
         c3,,1970,,\n\
         c4,Умаров Доку,13.04.1964,,\n\
         c5,Ayman al-Zawahiri,1951,Egypt,\n",
    )
    .unwrap();
    let output_path = dir.path().join("out.jsonl");
    let output = batch_un(dir.path(), &input, &output_path);
    let warnings = stderr(&output);
    ok(output);
    assert!(warnings.contains("not-a-date"), "{warnings}");
    let lines = json_lines(&std::fs::read_to_string(&output_path).unwrap());
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
    let best = |i: usize| {
        lines[i]["matches"][0]["source_id"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(best(0), "QDi.290");
    assert!(
        lines[1]["matches"].as_array().unwrap().is_empty(),
        "{}",
        lines[1]
    );
    assert!(
        lines[2]["error"].as_str().unwrap().contains("line 4"),
        "{}",
        lines[2]
    );
    assert_eq!(best(3), "QDi.290");
    assert_eq!(best(4), "QDi.006");
    for line in lines.iter().filter(|l| l["matches"].is_array()) {
        for m in line["matches"].as_array().unwrap() {
            for key in [
                "source",
                "source_id",
                "entity_id",
                "name",
                "matched_name",
                "score",
                "explanation",
            ] {
                assert!(!m[key].is_null(), "{key} missing in {m}");
            }
        }
    }
}

#[test]
fn batch_reads_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\": 1, \"name\": \"Doku Umarov\"}\nnot json\n{\"id\": 3, \"name\": \"Nobody Inparticular\"}\n\
         {\"id\": 4, \"name\": \"Jane Roe\", \"name\": \"Doku Umarov\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    ok(batch_un(dir.path(), &input, &out));
    let lines = json_lines(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["matches"][0]["source_id"], "QDi.290");
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2"));
    assert_eq!(lines[2]["id"], 3);
    // A key named twice: which name would count is anyone's guess, so the row is refused.
    let refused = lines[3]["error"].as_str().unwrap();
    assert!(
        refused.starts_with("line 4: duplicate key \"name\""),
        "{refused}"
    );
}

#[test]
fn serve_refuses_a_zero_decision_cap_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = cordon(
        dir.path(),
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--max-decision-days",
            "0",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--max-decision-days"));
    let help = ok(cordon(dir.path(), &["serve", "--help"]));
    assert!(
        help.contains("--max-decision-days") && help.contains("[default: 365]"),
        "{help}"
    );
    assert!(
        help.contains("--workers") && help.contains("[default: 0]"),
        "{help}"
    );
}

#[test]
fn command_line_screenings_are_audited_in_the_hash_chain() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(dir.path(), &["screen", "Tohir Yoʻldoshev"]));
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "id,name\na,Bakyt Osmonaliev\nb,\nc,Nobody Special\n",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    ok(cordon(
        dir.path(),
        &[
            "batch",
            "--input",
            input.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    ));
    let verified: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["audit", "verify", "--json"]))).unwrap();
    // One screen and two screened batch rows (the row without a name screens nothing).
    assert_eq!(verified["checked"], 3, "{verified}");
    assert_eq!(verified["intact"], true);
}

/// SHA-256 of the canonical request of a batch row given only an id and a
/// name: what an investigator recomputes from the input file.
fn batch_request_hash(id: &str, name: &str) -> String {
    use sha2::Digest;
    let canonical = format!(
        r#"{{"country":null,"dob":null,"id":{},"name":{},"type":null}}"#,
        Value::from(id),
        Value::from(name)
    );
    hex::encode(sha2::Sha256::digest(canonical.as_bytes()))
}

#[test]
fn batch_audit_names_each_row_its_lists_threshold_and_results_and_detects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    // More rows than one audit step (4,096), so the chain crosses steps.
    let names = [
        "Doku Umarov",
        "Jane Example",
        "Ayman al-Zawahiri",
        "Умаров Доку",
    ];
    let mut csv = String::from("id,name\n");
    let mut screened = Vec::new();
    for i in 0..4500 {
        let name = if i % 997 == 5 {
            ""
        } else {
            names[i % names.len()]
        };
        csv.push_str(&format!("r{i},{name}\n"));
        if !name.is_empty() {
            screened.push((format!("r{i}"), name));
        }
    }
    let input = dir.path().join("in.csv");
    std::fs::write(&input, csv).unwrap();
    let out = dir.path().join("out.jsonl");
    let list = un();
    let summary = stderr(&cordon(
        dir.path(),
        &[
            "batch",
            "--input",
            input.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--list",
            &list,
            "--threshold",
            "0.8",
        ],
    ));
    assert!(summary.contains("(5 rows with errors)"), "{summary}");
    let lines = json_lines(&std::fs::read_to_string(&out).unwrap());
    let outputs: Vec<&Value> = lines.iter().filter(|l| l["matches"].is_array()).collect();
    let entries = json_lines(&ok(cordon(
        dir.path(),
        &["audit", "show", "--limit", "10000"],
    )));
    assert_eq!(entries.len(), screened.len());
    assert_eq!(outputs.len(), screened.len());
    for ((entry, (id, name)), output) in entries.iter().zip(&screened).zip(&outputs) {
        assert_eq!(output["id"], id.as_str());
        let payload = &entry["payload"];
        assert_eq!(entry["kind"], "screening");
        assert_eq!(
            payload["request_hash"],
            batch_request_hash(id, name),
            "{id}"
        );
        assert!(payload["lists"][0]
            .as_str()
            .unwrap()
            .starts_with("un@2026-02-27"));
        assert!(payload["engine"]
            .as_str()
            .unwrap()
            .ends_with("threshold=0.8"));
        // The investigator sees which entities were returned, with which scores.
        let returned: Vec<(&Value, &Value)> = output["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (&m["entity_id"], &m["score"]))
            .collect();
        let recorded: Vec<(&Value, &Value)> = payload["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (&r["entity_id"], &r["score"]))
            .collect();
        assert_eq!(recorded, returned, "{id}");
    }
    assert!(entries[0]["payload"]["results"][0]["entity_id"] == "un:QDi.290");
    let verified: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["audit", "verify", "--json"]))).unwrap();
    assert_eq!(verified["checked"], screened.len(), "{verified}");
    assert_eq!(verified["intact"], true);

    // Someone swaps a returned entity of a row after the first step.
    let seq = entries[4096..]
        .iter()
        .find(|e| !e["payload"]["results"].as_array().unwrap().is_empty())
        .map(|e| e["seq"].as_i64().unwrap())
        .unwrap();
    let db = rusqlite::Connection::open(dir.path().join("cordon.db")).unwrap();
    let changed = db
        .execute(
            "UPDATE audit_log SET payload = replace(payload, '\"un:', '\"un:X') WHERE seq = ?1",
            [seq],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let payload: String = db
        .query_row("SELECT payload FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(payload.contains("\"un:X"), "{payload}");
    drop(db);
    let output = cordon(dir.path(), &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!("audit entry {seq} is broken")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn batch_with_an_unwritable_output_fails_before_screening_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "id,name\na,Doku Umarov\n").unwrap();
    let out = dir.path().join("missing").join("out.jsonl");
    let output = batch_un(dir.path(), &input, &out);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("missing"), "{message}");
    let verified: Value =
        serde_json::from_str(&ok(cordon(dir.path(), &["audit", "verify", "--json"]))).unwrap();
    assert_eq!(verified["checked"], 0, "{verified}");
}

/// `cordon batch --input INPUT --output OUTPUT --list <UN 2026-02-27>` in `dir`.
fn batch_un(
    dir: &std::path::Path,
    input: &std::path::Path,
    output: &std::path::Path,
) -> std::process::Output {
    cordon(
        dir,
        &[
            "batch",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--list",
            &un(),
        ],
    )
}
