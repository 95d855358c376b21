//! Two FIUs on loopback (issue 16): one publishes its list as signed
//! publications, the other verifies and imports them and refuses every kind
//! of tampering; then one asks the other which subjects it holds through the
//! OPRF query.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};

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
    // The entry carries the publication's leaf and its inclusion proof in the
    // signed root, so an auditor can check it from the entry alone.
    let entry: serde_json::Value = serde_json::from_str(entry).unwrap();
    let payload = &entry["payload"];
    let hash = |v: &serde_json::Value| -> [u8; 32] {
        let text = v.as_str().unwrap();
        let bytes: Vec<u8> = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect();
        bytes.try_into().unwrap()
    };
    let proof: Vec<[u8; 32]> = payload["inclusion_proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(hash)
        .collect();
    let root = hash(&payload["checkpoint"]["root"]);
    let leaf = hash(&payload["leaf_hash"]);
    assert!(
        cordon_exchange::merkle::verify_inclusion(&leaf, 1, 2, &proof, &root),
        "{payload}"
    );
    assert!(!cordon_exchange::merkle::verify_inclusion(
        &leaf, 0, 2, &proof, &root
    ));
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

/// One CSV row of a subjects file.
/// Starts `exchange serve` on a free loopback port answering `queries`
/// queries; returns the child, its stderr after the first line, and the
/// address it listens on.
fn start_server(
    data_dir: &Path,
    subjects: &Path,
    queries: usize,
    extra: &[&str],
) -> (Child, BufReader<ChildStderr>, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["exchange", "serve", "--listen", "127.0.0.1:0"])
        .args(["--max-queries", &queries.to_string(), "--subjects"])
        .arg(subjects)
        .args(extra)
        .env_remove("CORDON_DATA_DIR")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server_err = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    server_err.read_line(&mut line).unwrap();
    let address = line
        .split(" on ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (server, server_err, address)
}

fn subject_row(id: &str, name: &str, dob: &str, country: &str) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    format!(
        "{},{},{},{}\n",
        quote(id),
        quote(name),
        quote(dob),
        quote(country)
    )
}

/// A UN person: (id, Latin primary name, original-script name if any,
/// birth date, first nationality).
type UnPerson = (String, String, Option<String>, (i32, u8, u8), String);

/// The UN persons with an exact full birth date.
fn un_persons() -> Vec<UnPerson> {
    let bytes = std::fs::read(data("lists/un/un_consolidated_2026-02-27.xml")).unwrap();
    let list = cordon_lists::read_bytes(cordon_lists::Format::UnXml, &bytes).unwrap();
    let mut persons = Vec::new();
    for entity in &list.entities {
        let Some(birth) = entity
            .birth_dates
            .iter()
            .find(|b| b.qualifier == cordon_model::DateQualifier::Exact)
        else {
            continue;
        };
        let (Some(month), Some(day)) = (birth.date.month, birth.date.day) else {
            continue;
        };
        let primary = entity
            .names
            .iter()
            .find(|n| n.kind == cordon_model::NameKind::Primary);
        let original = entity
            .names
            .iter()
            .find(|n| n.kind == cordon_model::NameKind::OriginalScript);
        let Some(primary) = primary else { continue };
        let nationality = entity.nationalities.first().cloned().unwrap_or_default();
        persons.push((
            entity.designation.source_id.clone(),
            primary.full.clone(),
            original.map(|n| n.full.clone()),
            (birth.date.year, month, day),
            nationality,
        ));
    }
    persons
}

#[test]
fn a_private_query_finds_exactly_the_shared_subjects_across_scripts() {
    let persons = un_persons();
    let work = tempfile::tempdir().unwrap();
    // FIU B holds every UN person, under the original-script name where the list has one.
    let mut holder = String::from("id,name,dob,country\n");
    for (id, latin, original, (y, m, d), country) in &persons {
        holder += &subject_row(
            id,
            original.as_deref().unwrap_or(latin),
            &format!("{y:04}-{m:02}-{d:02}"),
            country,
        );
    }
    // FIU A asks about 1,000 subjects: 37 of B's persons by their Latin name
    // (every other one of those B holds in another script, so 20 meet across
    // scripts) and 963 people on no list.
    let cross: Vec<_> = persons.iter().filter(|p| p.2.is_some()).collect();
    let latin: Vec<_> = persons.iter().filter(|p| p.2.is_none()).collect();
    assert!(
        cross.len() >= 40 && latin.len() >= 34,
        "{} cross-script, {} Latin",
        cross.len(),
        latin.len()
    );
    let shared: Vec<_> = cross
        .iter()
        .step_by(2)
        .take(20)
        .chain(latin.iter().step_by(2).take(17))
        .collect();
    let mut asker = String::from("id,name,dob,country\n");
    for (id, latin, _, (y, m, d), country) in &shared {
        asker += &subject_row(
            &format!("shared-{id}"),
            latin,
            &format!("{d:02}.{m:02}.{y:04}"),
            country,
        );
    }
    let negatives = std::fs::read_to_string(data("eval/yente/negatives_global.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(negatives.as_bytes());
    for (index, record) in reader.records().take(1000 - shared.len()).enumerate() {
        let record = record.unwrap();
        asker += &subject_row(
            &format!("other-{index}"),
            &record[0],
            &record[5],
            &record[7],
        );
    }
    std::fs::write(work.path().join("b.csv"), holder).unwrap();
    std::fs::write(work.path().join("a.csv"), asker).unwrap();

    let (b_dir, a_dir) = (work.path().join("fiu-b"), work.path().join("fiu-a"));
    let (mut server, mut server_err, address) =
        start_server(&b_dir, &work.path().join("b.csv"), 1, &[]);

    let subjects = work.path().join("a.csv").display().to_string();
    let output = ok(cordon(
        &a_dir,
        &[
            "exchange",
            "query",
            "--peer",
            &address,
            "--subjects",
            &subjects,
            "--json",
        ],
    ));
    let answers = crate::support::json_lines(&output);
    assert_eq!(answers.len(), 1000);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut server_err, &mut rest).unwrap();
    assert!(server.wait().unwrap().success(), "{rest}");
    // B's CPU per subject, as the server measured its own answer.
    let micros: f64 = rest
        .split(" keys, answered, ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no timing in {rest:?}"));
    eprintln!(
        "holder ({} subjects) CPU for 1,000 asked: {micros} us ({:.1} us per subject; {rest})",
        persons.len(),
        micros / 1000.0
    );

    let known: Vec<&str> = answers
        .iter()
        .filter(|a| a["known"] == true)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let missed: Vec<_> = shared
        .iter()
        .map(|p| format!("shared-{}", p.0))
        .filter(|id| !known.contains(&id.as_str()))
        .collect();
    assert!(missed.is_empty(), "shared subjects not found: {missed:?}");
    assert_eq!(
        known.len(),
        37,
        "only the shared subjects are known: {known:?}"
    );

    // Both sides audit counts, never names.
    let b_audit = ok(cordon(&b_dir, &["audit", "show"]));
    let entry = b_audit
        .lines()
        .find(|l| l.contains("exchange_query_answered"))
        .expect("B audits the query");
    assert!(entry.contains("\"outcome\":\"answered\""), "{entry}");
    let a_audit = ok(cordon(&a_dir, &["audit", "show"]));
    let entry = a_audit
        .lines()
        .find(|l| l.contains("exchange_query_sent"))
        .expect("A audits the query");
    assert!(
        entry.contains("\"subjects\":1000") && entry.contains("\"known\":37"),
        "{entry}"
    );
    for (_, latin, _, _, _) in &shared {
        assert!(
            !a_audit.contains(latin.as_str()) && !b_audit.contains(latin.as_str()),
            "a name reached an audit entry"
        );
    }
}

/// Writes `text` to the file `name` in `dir`; returns its path as text.
fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Subject files in `dir`: B holds Гулмурод Ҳалимов (Cyrillic, 1975-05-14,
/// TJ); A asks about him in Latin with the birth date written `asked_dob`,
/// then about the CSV rows `more`. Returns (B's file, A's file).
fn khalimov_files(dir: &Path, asked_dob: &str, more: &str) -> (String, String) {
    let header = "id,name,dob,country\n";
    let held = subject_row("b1", "Гулмурод Ҳалимов", "1975-05-14", "TJ");
    let asked = subject_row("a1", "Gulmurod Khalimov", asked_dob, "TJ");
    (
        write_file(dir, "b.csv", &format!("{header}{held}")),
        write_file(dir, "a.csv", &format!("{header}{asked}{more}")),
    )
}

/// A self-signed certificate for the loopback address, as PEM (certificate, key).
fn self_signed() -> (String, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .unwrap();
    (certified.cert.pem(), certified.key_pair.serialize_pem())
}

#[test]
fn a_private_query_runs_over_tls_and_trusts_only_the_given_certificate() {
    let work = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| write_file(work.path(), name, text);
    let (cert, key) = self_signed();
    let (cert, key) = (file("b.crt", &cert), file("b.key", &key));
    let stranger = file("stranger.crt", &self_signed().0);
    let (holder, asker) = khalimov_files(
        work.path(),
        "14.05.1975",
        &subject_row("a2", "Aziz Karimov", "1975-05-14", "UZ"),
    );
    let (b_dir, a_dir) = (work.path().join("fiu-b"), work.path().join("fiu-a"));
    let (mut server, mut server_err, address) = start_server(
        &b_dir,
        Path::new(&holder),
        3,
        &["--tls-cert", &cert, "--tls-key", &key],
    );
    let query = |peer: &str, ca: Option<&str>| {
        let mut args = vec![
            "exchange",
            "query",
            "--peer",
            peer,
            "--subjects",
            &asker,
            "--json",
        ];
        if let Some(ca) = ca {
            args.extend(["--peer-ca", ca]);
        }
        cordon(&a_dir, &args)
    };

    let tls_peer = format!("tls://{address}");
    let answers = crate::support::json_lines(&ok(query(&tls_peer, Some(&cert))));
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["id"], "a1");
    assert_eq!(answers[0]["known"], true);
    assert_eq!(answers[1]["known"], false);

    // A certificate the asker was not given is refused before anything is sent.
    let refused = query(&tls_peer, Some(&stranger));
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).to_lowercase().contains("certificate"),
        "{}",
        stderr(&refused)
    );
    // Plain TCP to a TLS server gets no answer.
    let plain = query(&address, None);
    assert!(!plain.status.success(), "{}", stdout(&plain));

    let mut rest = String::new();
    std::io::Read::read_to_string(&mut server_err, &mut rest).unwrap();
    assert!(server.wait().unwrap().success(), "{rest}");
    assert!(rest.contains("answered"), "{rest}");
    // A tls:// peer without a certificate to trust is bad input.
    assert_eq!(query(&tls_peer, None).status.code(), Some(2));
}

/// The keys a served query asked, from the holder's line about it.
fn keys_in(server_err: &str) -> usize {
    server_err
        .lines()
        .find(|line| line.starts_with("query from "))
        .and_then(|line| line.split(": ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no key count in {server_err:?}"))
}

#[test]
fn subjects_in_json_lines_meet_and_an_asker_beyond_its_allowance_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = work.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let holder = file(
        "b.jsonl",
        concat!(
            r#"{"id": "b1", "name": "Гулмурод Ҳалимов", "dob": "1975-05-14", "country": "TJ"}"#,
            "\n\n",
            r#"{"id": 7, "name": "عبد الرحمن محمد", "dob": "1970-01-01", "country": "SA"}"#,
            "\n"
        ),
    );
    let asker = file(
        "a.jsonl",
        concat!(
            r#"{"id": 1, "name": "Gulmurod Khalimov", "dob": "14.05.1975", "country": "TJ"}"#,
            "\n",
            r#"{"id": "a2", "name": "Aziz Karimov", "dob": "1975-05-14"}"#,
            "\n"
        ),
    );
    let (b_dir, a_dir) = (work.path().join("fiu-b"), work.path().join("fiu-a"));
    let asker = asker.display().to_string();
    let query = |address: &str| {
        let args = [
            "exchange",
            "query",
            "--peer",
            address,
            "--subjects",
            &asker,
            "--json",
        ];
        cordon(&a_dir, &args)
    };

    // JSON lines on both sides; a numeric id comes back as written.
    let (mut server, mut server_err, address) = start_server(&b_dir, &holder, 1, &[]);
    let answers = crate::support::json_lines(&ok(query(&address)));
    let mut served = String::new();
    std::io::Read::read_to_string(&mut server_err, &mut served).unwrap();
    assert!(server.wait().unwrap().success(), "{served}");
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_eq!(answers[0]["id"], "1");
    assert_eq!(answers[0]["known"], true, "{answers:?}");
    assert_eq!(answers[1]["known"], false);
    let keys = keys_in(&served);
    assert!(keys >= 2, "{served}");

    // An allowance of exactly one such query per hour: the second is refused,
    // and the holder says so.
    let allowance = keys.to_string();
    let (mut server, mut server_err, address) =
        start_server(&b_dir, &holder, 2, &["--max-keys-per-hour", &allowance]);
    ok(query(&address));
    let refused = query(&address);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("refused"), "{}", stderr(&refused));
    assert_eq!(stdout(&refused), "", "nothing answered");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut server_err, &mut rest).unwrap();
    assert!(server.wait().unwrap().success(), "{rest}");
    assert!(
        rest.contains(", answered") && rest.contains(", refused"),
        "{rest}"
    );
}

/// A CA certificate (PEM) with its key pair, for mutual TLS.
fn certificate_authority() -> (rcgen::Certificate, rcgen::KeyPair) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    (params.self_signed(&key).unwrap(), key)
}

/// A client certificate signed by `ca`, as PEM (certificate, key).
fn client_certificate(ca: &(rcgen::Certificate, rcgen::KeyPair)) -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["fiu-a.example".to_string()]).unwrap();
    let certificate = params.signed_by(&key, &ca.0, &ca.1).unwrap();
    (certificate.pem(), key.serialize_pem())
}

#[test]
fn under_mutual_tls_only_askers_certified_by_the_trusted_ca_are_answered() {
    let work = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| write_file(work.path(), name, text);
    let (server_cert, server_key) = self_signed();
    let (server_cert, server_key) = (file("b.crt", &server_cert), file("b.key", &server_key));
    let members = certificate_authority();
    let client_ca = file("members.crt", &members.0.pem());
    let (a_cert, a_key) = client_certificate(&members);
    let (a_cert, a_key) = (file("a.crt", &a_cert), file("a.key", &a_key));
    let (s_cert, s_key) = client_certificate(&certificate_authority());
    let (s_cert, s_key) = (file("s.crt", &s_cert), file("s.key", &s_key));
    let (holder, asker) = khalimov_files(work.path(), "1975-05-14", "");
    let (b_dir, a_dir) = (work.path().join("fiu-b"), work.path().join("fiu-a"));
    let (mut server, mut server_err, address) = start_server(
        &b_dir,
        Path::new(&holder),
        3,
        &[
            "--tls-cert",
            &server_cert,
            "--tls-key",
            &server_key,
            "--client-ca",
            &client_ca,
        ],
    );
    let peer = format!("tls://{address}");
    let query = |identity: Option<(&str, &str)>| {
        let mut args = vec![
            "exchange",
            "query",
            "--peer",
            &peer,
            "--peer-ca",
            &server_cert,
            "--subjects",
            &asker,
            "--json",
        ];
        if let Some((cert, key)) = identity {
            args.extend(["--tls-cert", cert, "--tls-key", key]);
        }
        cordon(&a_dir, &args)
    };

    // A member certified by the trusted CA is answered.
    let answers = crate::support::json_lines(&ok(query(Some((&a_cert, &a_key)))));
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["known"], true, "{answers:?}");
    // No client certificate, or one from another CA: no answer.
    let anonymous = query(None);
    assert!(!anonymous.status.success(), "{}", stdout(&anonymous));
    let stranger = query(Some((&s_cert, &s_key)));
    assert!(!stranger.status.success(), "{}", stdout(&stranger));

    let mut rest = String::new();
    std::io::Read::read_to_string(&mut server_err, &mut rest).unwrap();
    assert!(server.wait().unwrap().success(), "{rest}");
    assert_eq!(rest.matches(", answered").count(), 1, "{rest}");
    // The holder audits the member by its certificate.
    let b_audit = ok(cordon(&b_dir, &["audit", "show"]));
    let answered: Vec<&str> = b_audit
        .lines()
        .filter(|l| l.contains("exchange_query_answered"))
        .collect();
    assert_eq!(answered.len(), 1, "{b_audit}");
    assert!(answered[0].contains("cert:"), "{b_audit}");
}
