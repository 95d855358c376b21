//! Two FIUs on loopback (issue 16): one publishes its list as signed
//! publications, the other verifies and imports them and refuses every kind
//! of tampering; then one asks the other which subjects it holds through the
//! OPRF query.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{cordon, data, ok, stderr, stdout};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `exchange verify` and returns (exit code, stderr).
fn verify(dir: &Path, pubdir: &Path, trust: &Path, seen: Option<&Path>) -> (Option<i32>, String) {
    let (pubdir, trust) = (pubdir.display().to_string(), trust.display().to_string());
    let mut args = vec!["exchange", "verify", &pubdir, "--trust", &trust];
    let seen = seen.map(|s| s.display().to_string());
    if let Some(seen) = &seen {
        args.extend(["--seen", seen]);
    }
    let output = cordon(dir, &args);
    (output.status.code(), stderr(&output))
}

struct Publisher {
    root: tempfile::TempDir,
}

impl Publisher {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    fn publish(&self, key: &str, list: &str) {
        let (key, out) = (
            self.path(key).display().to_string(),
            self.path("pub").display().to_string(),
        );
        ok(cordon(
            &self.path("data"),
            &[
                "exchange", "publish", "--key", &key, "--list", list, "--out", &out, "--name",
                "fiu-a",
            ],
        ));
    }
}

fn publisher_with_two_publications() -> Publisher {
    let publisher = Publisher {
        root: tempfile::tempdir().unwrap(),
    };
    let key = publisher.path("key").display().to_string();
    ok(cordon(
        &publisher.path("data"),
        &["exchange", "keygen", "--out", &key],
    ));
    publisher.publish(
        "key",
        &data("lists/public/ftm/opensanctions_targets.simple_eu_cor_2022-08-08.csv"),
    );
    std::fs::create_dir_all(publisher.path("after-one")).unwrap();
    copy_dir(&publisher.path("pub"), &publisher.path("after-one"));
    publisher.publish(
        "key",
        &data("lists/public/ftm/opensanctions_yente_fixture_t1_eu_fsf_2024-06.ftm.json"),
    );
    publisher
}

#[test]
fn a_member_verifies_and_imports_only_what_the_trusted_key_signed() {
    let a = publisher_with_two_publications();
    let (pubdir, trust) = (a.path("pub"), a.path("key/public.json"));
    assert!(
        pubdir.join("data/000002.delta.json").exists(),
        "the second publication carries a delta"
    );
    let member = tempfile::tempdir().unwrap();
    let (code, err) = verify(member.path(), &pubdir, &trust, None);
    assert_eq!(code, Some(0), "{err}");

    let imported = ok(cordon(
        member.path(),
        &[
            "lists",
            "import",
            &pubdir.display().to_string(),
            "--trust",
            &trust.display().to_string(),
        ],
    ));
    assert!(
        imported.contains("from publication 2 of log \"fiu-a\""),
        "{imported}"
    );
    let audit = ok(cordon(member.path(), &["audit", "show"]));
    let key_id: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&trust).unwrap()).unwrap();
    let entry = audit
        .lines()
        .find(|l| l.contains("exchange_list_imported"))
        .expect("the import is audited");
    assert!(
        entry.contains(key_id["key_id"].as_str().unwrap()),
        "{entry}"
    );
    assert!(
        entry.contains("\"size\":2"),
        "the checkpoint is recorded: {entry}"
    );
    let versions_before = ok(cordon(member.path(), &["lists", "show", "--json"]));

    // The publisher's older copy of the log (one publication) is a rollback
    // for a member that already imported two.
    let old = a.path("after-one");
    let output = cordon(
        member.path(),
        &[
            "lists",
            "import",
            &old.display().to_string(),
            "--trust",
            &trust.display().to_string(),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("rolled-back log"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        ok(cordon(member.path(), &["lists", "show", "--json"])),
        versions_before,
        "nothing imported"
    );
    let (code, err) = verify(
        member.path(),
        &old,
        &trust,
        Some(&pubdir.join("checkpoint.json")),
    );
    assert_eq!(code, Some(1));
    assert!(
        err.contains("rolled-back log: it holds 1 publications, but a checkpoint of 2"),
        "{err}"
    );
}

/// Each tampering of a copy of the publication directory, and the words the
/// verifier must use for it.
#[test]
fn every_tampering_fails_verification_naming_the_fault() {
    let a = publisher_with_two_publications();
    let trust = a.path("key/public.json");
    type Tamper = fn(&Path);
    let cases: [(&str, Tamper, &str); 6] = [
        ("a changed byte in a snapshot", |d| flip_byte(&d.join("data/000002-opensanctions_yente_fixture_t1_eu_fsf_2024-06.ftm.json")), "data/000002-opensanctions_yente_fixture_t1_eu_fsf_2024-06.ftm.json: its content differs"),
        ("a changed byte in a manifest", |d| replace_in(&d.join("log/000001.json"), "\"seq\": 1", "\"seq\": 1 "), "log/000001.json: the manifest was changed"),
        ("a removed publication", |d| std::fs::remove_file(d.join("log/000001.json")).unwrap(), "publication 1 (log/000001.json) is missing"),
        ("reordered publications", |d| {
            std::fs::rename(d.join("log/000001.json"), d.join("swap")).unwrap();
            std::fs::rename(d.join("log/000002.json"), d.join("log/000001.json")).unwrap();
            std::fs::rename(d.join("swap"), d.join("log/000002.json")).unwrap();
        }, "log/000001.json holds publication 2 where publication 1 belongs (reordered publications)"),
        ("a forged head", |d| replace_in(&d.join("checkpoint.json"), "\"size\": 2", "\"size\": 1"), "checkpoint.json: the signature does not verify"),
        ("a delta removed", |d| std::fs::remove_file(d.join("data/000002.delta.json")).unwrap(), "data/000002.delta.json: named by log/000002.json, is missing"),
    ];
    for (what, tamper, expected) in cases {
        let copy = tempfile::tempdir().unwrap();
        copy_dir(&a.path("pub"), copy.path());
        tamper(copy.path());
        let (code, err) = verify(copy.path(), copy.path(), &trust, None);
        assert_eq!(code, Some(1), "{what}: {err}");
        assert!(
            err.contains(expected),
            "{what}: expected {expected:?} in {err}"
        );
        let member = tempfile::tempdir().unwrap();
        let output = cordon(
            member.path(),
            &[
                "lists",
                "import",
                &copy.path().display().to_string(),
                "--trust",
                &trust.display().to_string(),
            ],
        );
        assert_eq!(
            output.status.code(),
            Some(1),
            "{what}: the import is refused"
        );
        assert!(
            !stdout(&output).contains("imported"),
            "{what}: nothing imported"
        );
    }
    let stranger = a.path("stranger");
    ok(cordon(
        &a.path("data"),
        &[
            "exchange",
            "keygen",
            "--out",
            &stranger.display().to_string(),
        ],
    ));
    let (code, err) = verify(
        a.root.path(),
        &a.path("pub"),
        &stranger.join("public.json"),
        None,
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("(wrong key)"), "{err}");
}

#[test]
fn a_rotated_key_continues_the_log_for_members_trusting_either_key() {
    let a = publisher_with_two_publications();
    let (old, new) = (
        a.path("key").display().to_string(),
        a.path("key2").display().to_string(),
    );
    ok(cordon(
        &a.path("data"),
        &["exchange", "keygen", "--out", &new, "--rotate-from", &old],
    ));
    a.publish(
        "key2",
        &data("lists/public/ftm/opensanctions_targets.simple_eu_cor_2022-08-08.csv"),
    );
    for trust in ["key/public.json", "key2/public.json"] {
        let (code, err) = verify(a.root.path(), &a.path("pub"), &a.path(trust), None);
        assert_eq!(code, Some(0), "trusting {trust}: {err}");
    }
    // The retired key may no longer extend the log.
    let (key, out) = (
        a.path("key").display().to_string(),
        a.path("pub").display().to_string(),
    );
    let list = data("lists/public/ftm/opensanctions_targets.simple_eu_cor_2022-08-08.csv");
    let output = cordon(
        &a.path("data"),
        &[
            "exchange", "publish", "--key", &key, "--list", &list, "--out", &out,
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

fn flip_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}
