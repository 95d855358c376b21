//! Names written to slip past screening, and names that are no names (issue 9).

use crate::support::{cordon, data, json_lines, ok, stderr};
use serde_json::Value;

fn un() -> String {
    data("lists/un/un_consolidated_2026-02-27.xml")
}

#[test]
fn disguised_names_still_alert_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    for (query, evidence) in [
        (
            "D\u{200B}o\u{200B}k\u{200B}u U\u{200B}m\u{200B}a\u{200B}r\u{200B}o\u{200B}v",
            None,
        ),
        ("\u{202E}voramU ukoD\u{202C}", None),
        ("D0ku Um4r0v", None),
        ("D. O. K. U.  U. M. A. R. O. V.", None),
        ("Dоku Umаrоv", None),
        // The whole listed name inside a longer one (a part of it would not do:
        // the run must cover the listed name).
        (
            "Global Trade Doku Khamatovich Umarov Holding",
            Some("listed name found as words 3-5 of 6"),
        ),
    ] {
        let out = ok(cordon(
            dir.path(),
            &["screen", query, "--list", &un(), "--json"],
        ));
        let result: Value = serde_json::from_str(&out).unwrap();
        let found = result["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["source_id"] == "QDi.290")
            .unwrap_or_else(|| panic!("{query:?}: QDi.290 not found in {out}"));
        if let Some(evidence) = evidence {
            let summary = found["explanation"]["summary"].as_str().unwrap();
            assert!(summary.contains(evidence), "{summary}");
        }
    }
}

#[test]
fn names_without_letters_or_digits_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["...", "\u{200B}\u{202E}\u{FEFF}", "./,;"] {
        let output = cordon(dir.path(), &["screen", name, "--list", &un()]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{name:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("no letter or digit"),
            "{}",
            stderr(&output)
        );
    }
    let input = dir.path().join("parties.csv");
    std::fs::write(&input, "id,name\np1,Doku Umarov\np2,\u{200B}.\u{200B}\n").unwrap();
    let output_path = dir.path().join("out.jsonl");
    ok(cordon(
        dir.path(),
        &[
            "batch",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output_path.to_str().unwrap(),
            "--list",
            &un(),
        ],
    ));
    let lines = json_lines(&std::fs::read_to_string(&output_path).unwrap());
    assert!(lines[0]["matches"].is_array(), "{}", lines[0]);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(
        error.contains("line 3") && error.contains("no letter or digit"),
        "{error}"
    );
}
