//! The audit chain's anchors: a signed checkpoint kept outside the database
//! catches a truncated chain behind a forged purge, and decisions and keys
//! inserted behind the store's back are named by `cordon audit verify`.

use crate::support::{cordon, ok, stderr, stdout};
use rusqlite::{params, Connection};
use serde_json::json;
use std::path::Path;

/// What someone with the database file can do: delete the oldest entries and
/// append a purge checkpoint that vouches for the new first entry.
fn truncate_behind_a_forged_purge(db: &Path, through: i64) {
    let connection = Connection::open(db).unwrap();
    let anchor: String = connection
        .query_row(
            "SELECT prev_hash FROM audit_log WHERE seq = ?1",
            [through + 1],
            |r| r.get(0),
        )
        .unwrap();
    connection
        .execute("DELETE FROM audit_log WHERE seq <= ?1", [through])
        .unwrap();
    let (seq, prev): (i64, String) = connection
        .query_row("SELECT seq, entry_hash FROM audit_head", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let payload = cordon_store::canonical_json(&json!({
        "purged_through_seq": through, "anchor_hash": anchor, "purged_entries": through, "cutoff": "x",
    }));
    let at = cordon_store::timestamp_now();
    let hash =
        cordon_store::audit::entry_hash(&prev, seq + 1, &at, "checkpoint", "cli:root", &payload);
    connection
        .execute(
            "INSERT INTO audit_log (seq, at, kind, caller, payload, prev_hash, entry_hash)
             VALUES (?1, ?2, 'checkpoint', 'cli:root', ?3, ?4, ?5)",
            params![seq + 1, at, payload, prev, hash],
        )
        .unwrap();
    connection
        .execute(
            "UPDATE audit_head SET seq = ?1, entry_hash = ?2",
            params![seq + 1, hash],
        )
        .unwrap();
}

#[test]
fn a_signed_checkpoint_catches_a_truncated_chain_that_verifies_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = dir.path().join("auditor").join("checkpoint.key");
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    let (key, public) = (key.display().to_string(), format!("{}.pub", key.display()));
    let file = dir.path().join("auditor").join("head.json");
    let file = file.display().to_string();
    for name in [
        "Gulmurod Khalimov",
        "Tohir Yoʻldoshev",
        "Jane Roe",
        "Ali Vali",
    ] {
        ok(cordon(&data, &["screen", name]));
    }
    ok(cordon(&data, &["audit", "keygen", "--key", &key]));
    assert!(Path::new(&public).exists());
    // keygen never overwrites a key.
    assert_eq!(
        cordon(&data, &["audit", "keygen", "--key", &key])
            .status
            .code(),
        Some(2)
    );
    ok(cordon(
        &data,
        &["audit", "checkpoint", "--key", &key, "--out", &file],
    ));
    let checkpoint: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        (
            checkpoint["head_seq"].as_i64(),
            checkpoint["first_seq"].as_i64()
        ),
        (Some(4), Some(1))
    );
    // Later entries do not disturb it.
    ok(cordon(&data, &["screen", "Bakyt Osmonaliev"]));
    let verify = [
        "audit",
        "verify",
        "--checkpoint",
        &file,
        "--pubkey",
        &public,
    ];
    assert!(ok(cordon(&data, &verify)).contains("matches checkpoint"));

    truncate_behind_a_forged_purge(&data.join("cordon.db"), 2);
    // The chain alone still verifies: that is the hole the checkpoint closes.
    ok(cordon(&data, &["audit", "verify"]));
    let output = cordon(&data, &verify);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("entries 1 to 2 were deleted"),
        "{}",
        stderr(&output)
    );

    // An altered checkpoint file, or another signer's key, fails on the signature.
    let forged = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"first_seq\": 1", "\"first_seq\": 3");
    let forged_file = dir.path().join("forged.json");
    std::fs::write(&forged_file, forged).unwrap();
    let forged_file = forged_file.display().to_string();
    let output = cordon(
        &data,
        &[
            "audit",
            "verify",
            "--checkpoint",
            &forged_file,
            "--pubkey",
            &public,
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("signature"), "{}", stderr(&output));
    let other = dir.path().join("other.key").display().to_string();
    ok(cordon(&data, &["audit", "keygen", "--key", &other]));
    let output = cordon(
        &data,
        &[
            "audit",
            "verify",
            "--checkpoint",
            &file,
            "--pubkey",
            &format!("{other}.pub"),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not by the given public key"),
        "{}",
        stderr(&output)
    );
    // A file that is no checkpoint is bad input.
    let output = cordon(&data, &["audit", "verify", "--checkpoint", &public]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_forged_admin_key_is_named_by_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    ok(cordon(
        dir.path(),
        &["keys", "create", "--role", "analyst", "--person", "alice"],
    ));
    ok(cordon(dir.path(), &["audit", "verify"]));
    Connection::open(dir.path().join("cordon.db"))
        .unwrap()
        .execute(
            "INSERT INTO api_keys (id, person, role, key_hash, created_at)
             VALUES ('key_forged', 'mallory', 'admin', ?1, '2026-01-01T00:00:00.000000Z')",
            [cordon_store::sha256_hex(b"cordon_forged")],
        )
        .unwrap();
    let output = cordon(dir.path(), &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("API key key_forged is not in the audit chain"),
        "{}",
        stderr(&output)
    );
}
