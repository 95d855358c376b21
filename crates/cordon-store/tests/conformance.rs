//! Conformance of the SQLite store to the audit, decision, key and customer
//! contracts, including tampering with the file behind the store's back.
//!
//! The parts that speak only through the store traits (decisions, four eyes,
//! expiry, customers and alerts, list versions, import jobs) are generic
//! functions gathered in [`generic::backend_contract`], which a second
//! backend (PostgreSQL, issue 14) runs on its own fresh stores; the tests
//! that edit the SQLite file behind the store's back or run its migrations
//! stay SQLite's own.

use cordon_store::{
    Actor, AlertQueue, ApiKeys, AuditLog, Decisions, Error, NewAuditEntry, NewDecision,
    QueueRequest, Role, SqliteStore, Verdict,
};
use rusqlite::{params, Connection};
use serde_json::json;
use std::path::PathBuf;

struct FileStore {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: SqliteStore,
}

fn file_store() -> FileStore {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cordon.db");
    let store = SqliteStore::open(&path).unwrap();
    FileStore {
        _dir: dir,
        path,
        store,
    }
}

fn append(store: &SqliteStore, n: usize) {
    for i in 0..n {
        store
            .append_audit(&NewAuditEntry {
                kind: "screening".into(),
                caller: format!("key_{i}"),
                payload: json!({"request_hash": format!("{i:064}"), "results": [{"entity_id": "un:QDi.1", "score": 0.9}]}),
            })
            .unwrap();
    }
}

fn tamper(path: &PathBuf, sql: &str) {
    let connection = Connection::open(path).unwrap();
    connection.execute_batch(sql).unwrap();
}

#[test]
fn intact_chain_verifies_and_counts_every_entry() {
    let fs = file_store();
    assert_eq!(fs.store.verify_audit().unwrap().checked, 0);
    append(&fs.store, 25);
    let report = fs.store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, 25);
    assert_eq!(report.head_seq, Some(25));
    let entries = fs.store.audit_entries(0, 100).unwrap();
    assert_eq!(entries.len(), 25);
    assert_eq!(entries[0].prev_hash, cordon_store::audit::GENESIS_HASH);
    for pair in entries.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].entry_hash);
    }
    // The documented formula, computed independently.
    for e in &entries {
        let canonical = cordon_store::canonical_json(&json!({
            "seq": e.seq, "at": e.at, "kind": e.kind, "caller": e.caller, "payload": e.payload,
        }));
        let expected = cordon_store::sha256_hex(format!("{}{canonical}", e.prev_hash).as_bytes());
        assert_eq!(e.entry_hash, expected);
    }
    assert_eq!(
        report.head_hash.as_deref(),
        Some(entries[24].entry_hash.as_str())
    );
    let batch: Vec<_> = (0..3)
        .map(|i| NewAuditEntry {
            kind: "screening".into(),
            caller: "key_batch".into(),
            payload: json!({ "row": i }),
        })
        .collect();
    let stored = fs.store.append_audits(&batch).unwrap();
    assert_eq!(
        stored.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![26, 27, 28]
    );
    assert_eq!(stored[0].prev_hash, entries[24].entry_hash);
    // Reopening the file keeps the chain going.
    drop(fs.store);
    let store = SqliteStore::open(&fs.path).unwrap();
    append(&store, 1);
    assert_eq!(store.verify_audit().unwrap().checked, 29);
    assert!(store.verify_audit().unwrap().is_intact());
}

fn broken_after(sql: &str) -> cordon_store::BrokenEntry {
    let fs = file_store();
    append(&fs.store, 10);
    tamper(&fs.path, sql);
    let report = fs.store.verify_audit().unwrap();
    report
        .broken
        .clone()
        .unwrap_or_else(|| panic!("tampering `{sql}` went unnoticed: {report:?}"))
}

#[test]
fn an_edited_payload_is_named() {
    let broken = broken_after("UPDATE audit_log SET payload = '{\"results\":[]}' WHERE seq = 4");
    assert_eq!(broken.seq, 4);
    assert!(broken.reason.contains("hash mismatch"), "{}", broken.reason);
}

#[test]
fn an_edited_caller_or_time_is_named() {
    assert_eq!(
        broken_after("UPDATE audit_log SET caller = 'someone' WHERE seq = 7").seq,
        7
    );
    assert_eq!(
        broken_after("UPDATE audit_log SET at = '2000-01-01T00:00:00.000000Z' WHERE seq = 2").seq,
        2
    );
}

#[test]
fn an_edited_hash_column_is_named() {
    let broken = broken_after(
        "UPDATE audit_log SET entry_hash = 'ab' || substr(entry_hash, 3) WHERE seq = 5",
    );
    assert_eq!(broken.seq, 5);
}

#[test]
fn a_rehashed_entry_breaks_the_link_to_the_next() {
    // Whoever edits an entry and recomputes its hash still breaks the next link.
    let fs = file_store();
    append(&fs.store, 6);
    let entries = fs.store.audit_entries(0, 10).unwrap();
    let e = &entries[2];
    let payload = cordon_store::canonical_json(&json!({"forged": true}));
    let hash =
        cordon_store::audit::entry_hash(&e.prev_hash, e.seq, &e.at, &e.kind, &e.caller, &payload);
    let connection = Connection::open(&fs.path).unwrap();
    connection
        .execute(
            "UPDATE audit_log SET payload = ?1, entry_hash = ?2 WHERE seq = 3",
            params![payload, hash],
        )
        .unwrap();
    let broken = fs.store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, 4);
    assert!(broken.reason.contains("entry 3"), "{}", broken.reason);
}

#[test]
fn a_deleted_entry_is_named() {
    let broken = broken_after("DELETE FROM audit_log WHERE seq = 6");
    assert_eq!(broken.seq, 7);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
}

#[test]
fn deleted_first_entries_and_a_cut_tail_are_named() {
    assert_eq!(broken_after("DELETE FROM audit_log WHERE seq <= 2").seq, 3);
    let tail = broken_after("DELETE FROM audit_log WHERE seq >= 9");
    assert_eq!(tail.seq, 9);
    assert!(tail.reason.contains("missing"), "{}", tail.reason);
}

#[test]
fn reordered_entries_are_named() {
    let broken = broken_after(
        "UPDATE audit_log SET seq = -1 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 4;
         UPDATE audit_log SET seq = 4 WHERE seq = -1;",
    );
    assert_eq!(broken.seq, 3);
}

#[test]
fn purge_keeps_the_chain_verifiable() {
    let fs = file_store();
    append(&fs.store, 8);
    let entries = fs.store.audit_entries(0, 100).unwrap();
    // Everything strictly before entry 6's time goes.
    let cutoff = entries[5].at.clone();
    let outcome = fs.store.purge_audit(&cutoff, "cli:test").unwrap();
    assert!(outcome.purged >= 1 && outcome.purged <= 5, "{outcome:?}");
    let checkpoint = outcome.checkpoint.unwrap();
    assert_eq!(checkpoint.seq, 9);
    assert_eq!(checkpoint.kind, "checkpoint");
    let report = fs.store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.first_seq, Some(outcome.purged as i64 + 1));
    assert_eq!(report.checked, 9 - outcome.purged);

    // A second purge of everything leaves only its checkpoint, which verifies.
    let later = cordon_store::timestamp(time::OffsetDateTime::now_utc() + time::Duration::days(1));
    let second = fs.store.purge_audit(&later, "cli:test").unwrap();
    assert_eq!(second.purged, 9 - outcome.purged);
    let report = fs.store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, 1);

    // Nothing old enough: nothing purged, no checkpoint.
    let none = fs
        .store
        .purge_audit("1970-01-01T00:00:00.000000Z", "cli:test")
        .unwrap();
    assert_eq!(none.purged, 0);
    assert!(none.checkpoint.is_none());
}

#[test]
fn deleting_after_a_purge_is_still_detected() {
    let fs = file_store();
    append(&fs.store, 6);
    let cutoff = fs.store.audit_entries(0, 10).unwrap()[3].at.clone();
    let purged = fs.store.purge_audit(&cutoff, "cli:test").unwrap().purged as i64;
    append(&fs.store, 2);
    tamper(
        &fs.path,
        &format!("DELETE FROM audit_log WHERE seq = {}", purged + 1),
    );
    let broken = fs.store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, purged + 2);
}

fn actor<S: ApiKeys + ?Sized>(store: &S, role: Role, person: &str) -> Actor {
    let key = store.create_key(role, Some(person), "cli:test").unwrap();
    Actor::from(&key.info)
}

fn fp(party: &str, hash: &str, expires_at: Option<&str>) -> NewDecision {
    NewDecision {
        party_key: party.into(),
        entity_id: "un:QDi.290".into(),
        entity_hash: hash.into(),
        verdict: Verdict::FalsePositive,
        reason: "different date of birth and nationality".into(),
        expires_at: expires_at.map(String::from),
    }
}

#[test]
fn false_positives_are_remembered_until_the_designation_changes_or_expiry() {
    cordon_store::conformance::false_positives_are_remembered_until_the_designation_changes_or_expiry(
        &SqliteStore::open_in_memory().unwrap(),
    );
}

fn days_from_now(days: i64) -> String {
    cordon_store::timestamp(time::OffsetDateTime::now_utc() + time::Duration::days(days))
}

fn tm(party: &str) -> NewDecision {
    NewDecision {
        verdict: Verdict::TrueMatch,
        ..fp(party, "h1", None)
    }
}

#[test]
fn clearing_a_true_match_needs_a_second_person() {
    cordon_store::conformance::clearing_a_true_match_needs_a_second_person(
        &SqliteStore::open_in_memory().unwrap(),
    );
}

#[test]
fn decision_expiry_is_capped_and_never_is_refused() {
    cordon_store::conformance::decision_expiry_is_capped_and_never_is_refused(
        &SqliteStore::open_in_memory().unwrap(),
    );
}

#[test]
fn the_sqlite_decision_cap_is_configurable() {
    let short = SqliteStore::open_in_memory()
        .unwrap()
        .with_max_decision_days(30);
    let alice = actor(&short, Role::Analyst, "alice");
    assert!(matches!(
        short.record_decision(&fp("cust-1", "h1", Some(&days_from_now(31))), &alice),
        Err(Error::Invalid(_))
    ));
    let capped = short
        .record_decision(&fp("cust-1", "h1", None), &alice)
        .unwrap();
    assert!(capped.expires_at.unwrap() <= days_from_now(31));
}

#[test]
fn a_lapsed_false_positive_alerts_again() {
    cordon_store::conformance::a_lapsed_false_positive_alerts_again(
        &SqliteStore::open_in_memory().unwrap(),
    );
}

#[test]
fn true_matches_need_a_second_supervisor() {
    cordon_store::conformance::true_matches_need_a_second_supervisor(
        &SqliteStore::open_in_memory().unwrap(),
    );
}

#[test]
fn keys_are_stored_hashed_and_can_be_revoked() {
    let fs = file_store();
    let key = fs
        .store
        .create_key(Role::Analyst, Some("alice"), "cli:test")
        .unwrap();
    assert!(key.secret.starts_with("cordon_") && key.secret.len() == 7 + 64);
    let found = fs.store.authenticate(&key.secret).unwrap().unwrap();
    assert_eq!(found.id, key.info.id);
    assert_eq!(found.role, Role::Analyst);
    assert_eq!(found.person, "alice");
    assert!(fs.store.authenticate("cordon_00").unwrap().is_none());
    assert!(fs.store.authenticate("").unwrap().is_none());
    // The secret is nowhere in the file.
    drop(fs.store);
    let bytes = std::fs::read(&fs.path).unwrap();
    let wal = std::fs::read(fs.path.with_extension("db-wal")).unwrap_or_default();
    let needle = key.secret.as_bytes();
    for haystack in [&bytes, &wal] {
        assert!(!haystack.windows(needle.len()).any(|w| w == needle));
    }
    let store = SqliteStore::open(&fs.path).unwrap();
    let other = store.create_key(Role::Screener, None, "cli:test").unwrap();
    assert_eq!(other.info.person, other.info.id);
    store.revoke_key(&key.info.id, "cli:test").unwrap();
    assert!(store.authenticate(&key.secret).unwrap().is_none());
    assert!(matches!(
        store.revoke_key(&key.info.id, "cli:test"),
        Err(Error::NotFound(_))
    ));
    assert_eq!(store.keys().unwrap().len(), 2);
    assert!(store.verify_audit().unwrap().is_intact());
}

#[test]
fn customers_upsert_and_alerts_are_raised_once() {
    cordon_store::conformance::customers_upsert_and_alerts_are_raised_once(
        &SqliteStore::open_in_memory().unwrap(),
    );
}

#[test]
fn roles_parse_and_order() {
    assert_eq!(Role::parse("Supervisor").unwrap(), Role::Supervisor);
    assert!(matches!(Role::parse("root"), Err(Error::Invalid(_))));
    assert!(Role::Admin.allows(Role::Supervisor));
    assert!(!Role::Screener.allows(Role::Analyst));
    assert!(!Role::Auditor.allows(Role::Analyst));
    assert!(Role::Auditor.allows(Role::Auditor));
}

#[test]
fn two_handles_on_one_file_append_without_forking_the_chain() {
    let fs = file_store();
    let second = SqliteStore::open(&fs.path).unwrap();
    std::thread::scope(|scope| {
        scope.spawn(|| append(&fs.store, 40));
        scope.spawn(|| append(&second, 40));
    });
    let report = fs.store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, 80);
}

/// The list version labels the test transfers are screened against.
const TRANSFER_LISTS: [&str; 2] = ["ofac@2021-01-01#2", "un@2026-02-27#1"];

fn screened_transfer(id: &str, alerts: &[(&str, &str)]) -> cordon_store::ScreenedTransfer {
    cordon_store::ScreenedTransfer {
        audit: NewAuditEntry {
            kind: "transfer_screening".into(),
            caller: "key_t".into(),
            payload: json!({"transfer_id": id, "lists": TRANSFER_LISTS, "alerts": alerts.iter().map(|(_, rule)| rule).collect::<Vec<_>>()}),
        },
        list_versions: TRANSFER_LISTS.iter().map(|l| l.to_string()).collect(),
        alerts: alerts
            .iter()
            .map(|(kind, rule)| cordon_store::NewTransferAlert {
                transfer_id: Some(id.into()),
                kind: (*kind).into(),
                rule: (*rule).into(),
                message: format!("{kind} {rule} on {id}"),
                details: json!({"rule": rule}),
            })
            .collect(),
    }
}

#[test]
fn transfer_alerts_are_stored_with_their_audit_entry_newest_first() {
    use cordon_store::TransferAlerts;
    let fs = file_store();
    append(&fs.store, 2);
    let recorded = fs
        .store
        .record_transfers(&[
            screened_transfer("T1", &[("r16", "R16.originator.name")]),
            screened_transfer("T2", &[]),
            screened_transfer(
                "T3",
                &[("sanctions", "un:QDi.1"), ("typology", "TF-STRUCT-01")],
            ),
        ])
        .unwrap();
    assert_eq!(recorded.len(), 3);
    let seqs: Vec<i64> = recorded.iter().map(|r| r.audit.seq).collect();
    assert_eq!(seqs, vec![3, 4, 5]);
    assert!(recorded[1].alerts.is_empty());
    assert_eq!(recorded[2].alerts[1].audit_seq, 5);

    let stored = fs.store.transfer_alerts(None, 10).unwrap();
    let rules: Vec<&str> = stored.iter().map(|a| a.rule.as_str()).collect();
    assert_eq!(rules, ["TF-STRUCT-01", "un:QDi.1", "R16.originator.name"]);
    assert_eq!(stored[2].transfer_id.as_deref(), Some("T1"));
    assert_eq!(stored[2].audit_seq, 3);
    assert_eq!(stored[0].details, json!({"rule": "TF-STRUCT-01"}));
    assert_eq!(fs.store.transfer_alerts(None, 1).unwrap().len(), 1);
    let entries = fs.store.audit_entries(2, 10).unwrap();
    assert!(entries.iter().all(|e| e.kind == "transfer_screening"));
    assert!(fs.store.verify_audit().unwrap().is_intact());

    // Reopening keeps them (migration 6 is applied once).
    let reopened = SqliteStore::open(&fs.path).unwrap();
    assert_eq!(reopened.transfer_alerts(None, 10).unwrap(), stored);
}

#[test]
fn a_failed_transfer_record_stores_neither_audit_nor_alerts() {
    use cordon_store::TransferAlerts;
    let fs = file_store();
    tamper(&fs.path, "CREATE TRIGGER no_typology BEFORE INSERT ON transfer_alerts WHEN NEW.kind = 'typology' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    let result = fs.store.record_transfers(&[
        screened_transfer("T1", &[("r16", "R16.originator.name")]),
        screened_transfer("T2", &[("typology", "TF-FANIN-01")]),
    ]);
    assert!(result.is_err());
    assert!(fs.store.transfer_alerts(None, 10).unwrap().is_empty());
    assert!(fs.store.audit_entries(0, 10).unwrap().is_empty());
}

// Decisions on transfer alerts.

fn dismiss(reason: &str) -> cordon_store::NewTransferAlertDecision {
    decision(cordon_store::TransferVerdict::FalsePositive, reason)
}

fn decision(
    verdict: cordon_store::TransferVerdict,
    reason: &str,
) -> cordon_store::NewTransferAlertDecision {
    cordon_store::NewTransferAlertDecision {
        verdict,
        reason: reason.into(),
    }
}

/// A file store holding three transfer alerts; returns their ids, oldest first.
fn store_with_transfer_alerts() -> (FileStore, Vec<i64>) {
    use cordon_store::TransferAlerts;
    let fs = file_store();
    let recorded = fs
        .store
        .record_transfers(&[
            screened_transfer("T1", &[("r16", "R16.originator.name")]),
            screened_transfer(
                "T2",
                &[("sanctions", "un:QDi.1"), ("typology", "TF-STRUCT-01")],
            ),
        ])
        .unwrap();
    let ids = recorded
        .iter()
        .flat_map(|r| r.alerts.iter().map(|a| a.id))
        .collect();
    (fs, ids)
}

#[test]
fn a_transfer_alert_decision_is_stored_with_its_audit_entry() {
    use cordon_store::{TransferAlertStatus as S, TransferAlerts, TransferVerdict};
    let (fs, ids) = store_with_transfer_alerts();
    let analyst = actor(&fs.store, Role::Analyst, "alice");
    let before = fs.store.audit_entries(0, 100).unwrap().len();
    let alert = fs.store.transfer_alert(ids[1]).unwrap();
    assert_eq!(alert.alert.status, S::Open);
    assert_eq!(alert.alert.list_versions, TRANSFER_LISTS);
    assert!(alert.decisions.is_empty());

    let stored = fs
        .store
        .decide_transfer_alert(
            ids[1],
            &dismiss("beneficiary is a namesake, dob differs"),
            &analyst,
        )
        .unwrap();
    assert_eq!(stored.alert_id, ids[1]);
    assert_eq!(stored.verdict, TransferVerdict::FalsePositive);
    assert_eq!(
        (stored.status_before, stored.status_after),
        (S::Open, S::FalsePositive)
    );
    assert_eq!(stored.decided_by, analyst.key_id);
    assert_eq!(stored.decided_by_person, "alice");
    assert_eq!(stored.decided_by_role, Role::Analyst);
    assert_eq!(stored.list_versions, TRANSFER_LISTS);
    assert_eq!(stored.decided_at.len(), "2026-02-27T10:00:00.000000Z".len());

    // Exactly one new audit entry, carrying the decision, by the analyst's key.
    let entries = fs.store.audit_entries(0, 100).unwrap();
    assert_eq!(entries.len(), before + 1);
    let entry = entries.last().unwrap();
    assert_eq!(entry.kind, "transfer_alert_decision");
    assert_eq!(entry.caller, analyst.key_id);
    assert_eq!(
        entry.payload["decision"],
        serde_json::to_value(&stored).unwrap()
    );
    assert_eq!(entry.payload["alert"]["rule"], "un:QDi.1");
    assert!(fs.store.verify_audit().unwrap().is_intact());

    let history = fs.store.transfer_alert(ids[1]).unwrap();
    assert_eq!(history.alert.status, S::FalsePositive);
    assert_eq!(history.decisions, vec![stored]);
    let open: Vec<i64> = fs
        .store
        .transfer_alerts(Some(S::Open), 10)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(open, vec![ids[2], ids[0]]);
    let closed = fs
        .store
        .transfer_alerts(Some(S::FalsePositive), 10)
        .unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].id, ids[1]);
    assert_eq!(fs.store.transfer_alerts(None, 10).unwrap().len(), 3);
}

#[test]
fn a_failed_audit_append_stores_no_transfer_alert_decision() {
    use cordon_store::{TransferAlertStatus as S, TransferAlerts};
    let (fs, ids) = store_with_transfer_alerts();
    let analyst = actor(&fs.store, Role::Analyst, "alice");
    tamper(&fs.path, "CREATE TRIGGER no_decisions BEFORE INSERT ON audit_log WHEN NEW.kind = 'transfer_alert_decision' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    let result =
        fs.store
            .decide_transfer_alert(ids[0], &dismiss("originator name present"), &analyst);
    assert!(matches!(result, Err(Error::Database(_))), "{result:?}");
    let history = fs.store.transfer_alert(ids[0]).unwrap();
    assert_eq!(history.alert.status, S::Open);
    assert!(history.decisions.is_empty());
    assert!(fs.store.verify_audit().unwrap().is_intact());
}

#[test]
fn transfer_alert_decisions_need_a_reason_a_role_and_an_open_alert() {
    use cordon_store::{TransferAlerts, TransferVerdict};
    let (fs, ids) = store_with_transfer_alerts();
    let analyst = actor(&fs.store, Role::Analyst, "alice");
    let supervisor = actor(&fs.store, Role::Supervisor, "bob");
    let audit_len = || fs.store.audit_entries(0, 1000).unwrap().len();
    let before = audit_len();
    for reason in ["", "  \n"] {
        let result = fs
            .store
            .decide_transfer_alert(ids[0], &dismiss(reason), &analyst);
        assert!(
            matches!(&result, Err(Error::Invalid(m)) if m.starts_with("reason")),
            "{result:?}"
        );
    }
    for role in [Role::Screener, Role::Auditor] {
        let someone = actor(&fs.store, role, "sam");
        let result = fs
            .store
            .decide_transfer_alert(ids[0], &dismiss("x"), &someone);
        assert!(
            matches!(result, Err(Error::Forbidden(_))),
            "{role}: {result:?}"
        );
    }
    let before_keys = audit_len() - before;
    let result = fs
        .store
        .decide_transfer_alert(9999, &dismiss("x"), &analyst);
    assert!(matches!(result, Err(Error::NotFound(_))), "{result:?}");

    fs.store
        .decide_transfer_alert(ids[0], &dismiss("name is present in field 50K"), &analyst)
        .unwrap();
    for (verdict, who) in [
        (TransferVerdict::FalsePositive, &analyst),
        (TransferVerdict::TrueMatch, &supervisor),
        (TransferVerdict::Escalate, &analyst),
    ] {
        let result = fs
            .store
            .decide_transfer_alert(ids[0], &decision(verdict, "again"), who);
        assert!(matches!(result, Err(Error::Conflict(_))), "{result:?}");
    }
    // Refusals write nothing: the keys created above and one decision.
    assert_eq!(audit_len(), before + before_keys + 1);
    assert_eq!(fs.store.transfer_alert(ids[0]).unwrap().decisions.len(), 1);
}

#[test]
fn a_true_match_on_a_transfer_alert_needs_a_second_person() {
    use cordon_store::{TransferAlertStatus as S, TransferAlerts, TransferVerdict as V};
    let (fs, ids) = store_with_transfer_alerts();
    let alice = actor(&fs.store, Role::Analyst, "alice");
    let alice_supervisor = actor(&fs.store, Role::Supervisor, "alice");
    let carol = actor(&fs.store, Role::Analyst, "carol");
    let bob = actor(&fs.store, Role::Supervisor, "bob");
    let decide = |who: &Actor, verdict: V| {
        fs.store
            .decide_transfer_alert(ids[1], &decision(verdict, "same person as un:QDi.1"), who)
    };
    assert_eq!(
        decide(&alice, V::TrueMatch).unwrap().status_after,
        S::PendingConfirmation
    );
    // Not the proposer (even with a supervisor key), not an analyst.
    assert!(
        matches!(decide(&alice_supervisor, V::TrueMatch), Err(Error::Forbidden(m)) if m.contains("four eyes"))
    );
    assert!(matches!(
        decide(&alice_supervisor, V::FalsePositive),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        decide(&carol, V::TrueMatch),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(decide(&bob, V::Escalate), Err(Error::Conflict(_))));
    let confirmed = decide(&bob, V::TrueMatch).unwrap();
    assert_eq!(
        (confirmed.status_before, confirmed.status_after),
        (S::PendingConfirmation, S::TrueMatch)
    );
    assert_eq!(confirmed.decided_by_role, Role::Supervisor);
    assert!(matches!(
        decide(&bob, V::FalsePositive),
        Err(Error::Conflict(_))
    ));
    let history = fs.store.transfer_alert(ids[1]).unwrap();
    assert_eq!(history.alert.status, S::TrueMatch);
    let people: Vec<&str> = history
        .decisions
        .iter()
        .map(|d| d.decided_by_person.as_str())
        .collect();
    assert_eq!(people, ["alice", "bob"]);

    // Escalated: only a supervisor decides, and a true match still needs another person.
    let escalate = |who: &Actor, verdict: V| {
        fs.store.decide_transfer_alert(
            ids[2],
            &decision(verdict, "structuring pattern unclear"),
            who,
        )
    };
    assert_eq!(
        escalate(&carol, V::Escalate).unwrap().status_after,
        S::Escalated
    );
    assert!(matches!(
        escalate(&carol, V::Escalate),
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        escalate(&alice, V::FalsePositive),
        Err(Error::Forbidden(_))
    ));
    assert_eq!(
        escalate(&bob, V::TrueMatch).unwrap().status_after,
        S::PendingConfirmation
    );
    assert!(matches!(
        escalate(&bob, V::TrueMatch),
        Err(Error::Forbidden(_))
    ));
    let overturned = escalate(&alice_supervisor, V::FalsePositive).unwrap();
    assert_eq!(overturned.status_after, S::FalsePositive);
    assert_eq!(fs.store.transfer_alert(ids[2]).unwrap().decisions.len(), 3);
    assert!(fs.store.verify_audit().unwrap().is_intact());
}

/// Removes migration 13's alert queue, as in a database written before it.
const WITHOUT_ALERT_QUEUE: &str = "
    DROP TRIGGER alert_queue_alerts_insert; DROP TRIGGER alert_queue_alerts_update;
    DROP TRIGGER alert_queue_alerts_delete; DROP TRIGGER alert_queue_transfer_insert;
    DROP TRIGGER alert_queue_transfer_update; DROP TRIGGER alert_queue_transfer_delete;
    DROP VIEW alert_queue_customer_rows; DROP VIEW alert_queue_transfer_rows;
    DROP VIEW alert_queue_customer_rules; DROP VIEW alert_queue_transfer_rules;
    DROP VIEW alert_queue_transfer_lists; DROP INDEX transfer_alerts_screening;
    DROP TABLE alert_queue; DROP TABLE alert_queue_rules; DROP TABLE alert_queue_lists;";

#[test]
fn migration_7_opens_older_transfer_alerts_with_their_screening_lists() {
    use cordon_store::{TransferAlertStatus as S, TransferAlerts};
    let (fs, ids) = store_with_transfer_alerts();
    drop(fs.store);
    // Back to schema 6: as a database written before alert decisions existed
    // (and before the alert queue of migration 13, whose views read the columns).
    tamper(&fs.path, WITHOUT_ALERT_QUEUE);
    tamper(
        &fs.path,
        "DROP TABLE transfer_alert_decisions; DROP INDEX transfer_alerts_status;
         ALTER TABLE transfer_alerts DROP COLUMN status;
         ALTER TABLE transfer_alerts DROP COLUMN list_versions;
         PRAGMA user_version = 6;",
    );
    let store = SqliteStore::open(&fs.path).unwrap();
    let alerts = store.transfer_alerts(None, 10).unwrap();
    assert_eq!(alerts.len(), ids.len());
    for alert in &alerts {
        assert_eq!(alert.status, S::Open);
        assert_eq!(alert.list_versions, TRANSFER_LISTS, "alert {}", alert.id);
    }
    // Migration 13 fills the queue from the alerts present.
    let queue = store
        .alert_page(&QueueRequest {
            limit: 50,
            ..QueueRequest::default()
        })
        .unwrap();
    assert_eq!(queue.total, ids.len() as u64);
    for row in &queue.rows {
        let mut lists = TRANSFER_LISTS.map(String::from).to_vec();
        lists.sort();
        assert_eq!(row.lists, lists, "alert {}", row.id);
    }
    let analyst = actor(&store, Role::Analyst, "alice");
    store
        .decide_transfer_alert(ids[0], &dismiss("originator name present"), &analyst)
        .unwrap();
    assert!(store.verify_audit().unwrap().is_intact());
}

#[test]
fn the_monitor_snapshot_is_replaced_and_outlives_a_reopen() {
    use cordon_store::MonitorSnapshots;
    let fs = file_store();
    assert_eq!(fs.store.monitor_snapshot().unwrap(), None);
    let first = r#"{"format":1,"pack_version":"2025.1","rules":[]}"#;
    fs.store.save_monitor_snapshot("2025.1", first).unwrap();
    let saved = fs.store.monitor_snapshot().unwrap().unwrap();
    assert_eq!(
        (saved.pack_version.as_str(), saved.snapshot.as_str()),
        ("2025.1", first)
    );
    let second = r#"{"format":1,"pack_version":"2026.1","rules":[{"rule_id":"TF-STRUCT-01"}]}"#;
    fs.store.save_monitor_snapshot("2026.1", second).unwrap();
    drop(fs.store);
    let reopened = SqliteStore::open(&fs.path).unwrap();
    let latest = reopened.monitor_snapshot().unwrap().unwrap();
    assert_eq!(latest.pack_version, "2026.1");
    assert_eq!(latest.snapshot, second);
    assert!(latest.saved_at >= saved.saved_at, "{latest:?} {saved:?}");
    // One row only: the latest.
    let rows: i64 = Connection::open(&fs.path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM monitor_snapshot", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    assert!(matches!(
        reopened.save_monitor_snapshot("2026.1", "  "),
        Err(Error::Invalid(_))
    ));
    assert_eq!(
        reopened.monitor_snapshot().unwrap().unwrap().snapshot,
        second
    );
}

#[test]
fn the_monitor_journal_is_appended_in_order_and_emptied_by_a_snapshot_save() {
    use cordon_store::MonitorSnapshots;
    let fs = file_store();
    assert!(fs.store.monitor_changes().unwrap().is_empty());
    fs.store
        .save_monitor_snapshot("2025.1", "{\"base\":1}")
        .unwrap();
    for batch in ["{\"batch\":1}", "{\"batch\":2}", "{\"batch\":3}"] {
        fs.store.append_monitor_changes("2025.1", batch).unwrap();
    }
    assert!(matches!(
        fs.store.append_monitor_changes("2025.1", " "),
        Err(Error::Invalid(_))
    ));
    drop(fs.store);
    // Appended entries outlive a crash (a reopen), oldest first.
    let reopened = SqliteStore::open(&fs.path).unwrap();
    let journal = reopened.monitor_changes().unwrap();
    let texts: Vec<&str> = journal.iter().map(|c| c.changes.as_str()).collect();
    assert_eq!(texts, ["{\"batch\":1}", "{\"batch\":2}", "{\"batch\":3}"]);
    assert!(journal.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(journal[0].pack_version, "2025.1");
    // A full save holds everything: the journal is compacted away with it.
    reopened
        .save_monitor_snapshot("2025.1", "{\"base\":2}")
        .unwrap();
    assert!(reopened.monitor_changes().unwrap().is_empty());
    assert_eq!(
        reopened.monitor_snapshot().unwrap().unwrap().snapshot,
        "{\"base\":2}"
    );
}

#[test]
fn migration_8_adds_the_monitor_snapshot_to_an_older_database() {
    use cordon_store::{MonitorSnapshots, TransferAlerts};
    let (fs, ids) = store_with_transfer_alerts();
    drop(fs.store);
    // Back to schema 7: as a database written before monitor snapshots existed.
    tamper(
        &fs.path,
        "DROP TABLE monitor_snapshot; PRAGMA user_version = 7;",
    );
    let store = SqliteStore::open(&fs.path).unwrap();
    assert_eq!(store.monitor_snapshot().unwrap(), None);
    store.save_monitor_snapshot("2025.1", "{}").unwrap();
    assert_eq!(store.transfer_alerts(None, 10).unwrap().len(), ids.len());
    assert!(store.verify_audit().unwrap().is_intact());
}

fn rows_problems(fs: &FileStore) -> Vec<String> {
    let report = fs.store.verify_audit().unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    report.rows.iter().map(|p| p.reason.clone()).collect()
}

/// A store with keys (one revoked) and decisions (a confirmed true match, a false positive).
fn store_with_rows() -> (FileStore, Actor, String) {
    let fs = file_store();
    let alice = actor(&fs.store, Role::Analyst, "alice");
    let bob = actor(&fs.store, Role::Supervisor, "bob");
    let revoked = fs
        .store
        .create_key(Role::Screener, Some("sam"), "cli:test")
        .unwrap();
    fs.store.revoke_key(&revoked.info.id, "cli:test").unwrap();
    let pending = fs.store.record_decision(&tm("cust-1"), &alice).unwrap();
    fs.store.confirm_decision(pending.id, &bob).unwrap();
    fs.store
        .record_decision(&fp("cust-2", "h1", None), &alice)
        .unwrap();
    assert!(fs.store.verify_audit().unwrap().is_intact());
    (fs, alice, revoked.info.id)
}

/// SQL that tampers with a store, given the analyst and the revoked key's id.
type Tampering = dyn Fn(&Actor, &str) -> String;

#[test]
fn inserted_or_edited_decision_and_key_rows_are_reported() {
    let (fs, _, _) = store_with_rows();
    // A forged admin key, inserted behind the store's back, authenticates...
    tamper(
        &fs.path,
        &format!(
            "INSERT INTO api_keys (id, person, role, key_hash, created_at)
             VALUES ('key_forged', 'mallory', 'admin', '{}', '2026-01-01T00:00:00.000000Z')",
            cordon_store::sha256_hex(b"cordon_forged")
        ),
    );
    assert!(fs.store.authenticate("cordon_forged").unwrap().is_some());
    // ...but verification names it.
    assert_eq!(
        rows_problems(&fs),
        ["API key key_forged is not in the audit chain (inserted behind the store's back)"]
    );
    tamper(&fs.path, "DELETE FROM api_keys WHERE id = 'key_forged'");
    assert!(fs.store.verify_audit().unwrap().is_intact());

    // A revoked key brought back, a role raised, a decision inserted, edited or deleted.
    let edits: [(&Tampering, &str); 5] = [
        (
            &|_, revoked| format!("UPDATE api_keys SET revoked_at = NULL WHERE id = '{revoked}'"),
            "differs from its audit entry",
        ),
        (
            &|alice, _| {
                format!(
                    "UPDATE api_keys SET role = 'admin' WHERE id = '{}'",
                    alice.key_id
                )
            },
            "differs from its audit entry",
        ),
        (
            &|_, _| {
                "INSERT INTO decisions (party_key, entity_id, entity_hash, verdict, reason, state,
                    decided_by, decided_by_person, decided_at)
                 SELECT party_key, entity_id, entity_hash, 'false_positive', 'cleared', 'confirmed',
                    decided_by, decided_by_person, decided_at FROM decisions WHERE id = 1"
                    .to_string()
            },
            "decision 3 is not in the audit chain",
        ),
        (
            &|_, _| {
                "UPDATE decisions SET expires_at = '2099-01-01T00:00:00.000000Z' WHERE id = 2"
                    .to_string()
            },
            "decision 2 differs",
        ),
        (
            &|_, _| "DELETE FROM decisions WHERE id = 1".to_string(),
            "decision 1 is in the audit chain but not in its table",
        ),
    ];
    for (edit, expected) in edits {
        let (fs, alice, revoked) = store_with_rows();
        let sql = edit(&alice, &revoked);
        tamper(&fs.path, &sql);
        let problems = rows_problems(&fs);
        assert!(
            problems.len() == 1 && problems[0].contains(expected),
            "`{sql}`: {problems:?}"
        );
    }
}

#[test]
fn rows_stay_anchored_across_a_purge() {
    let fs = file_store();
    let alice = actor(&fs.store, Role::Analyst, "alice");
    fs.store
        .record_decision(&fp("cust-1", "h1", None), &alice)
        .unwrap();
    append(&fs.store, 3);
    let later = cordon_store::timestamp(time::OffsetDateTime::now_utc() + time::Duration::days(1));
    let outcome = fs.store.purge_audit(&later, "cli:test").unwrap();
    assert!(outcome.purged >= 5, "{outcome:?}");
    assert!(fs.store.verify_audit().unwrap().is_intact());
    tamper(&fs.path, "UPDATE decisions SET reason = 'x' WHERE id = 1");
    assert_eq!(rows_problems(&fs).len(), 1);
}

#[test]
fn an_older_database_has_its_rows_anchored_on_upgrade() {
    let fs = file_store();
    let alice = actor(&fs.store, Role::Analyst, "alice");
    fs.store
        .record_decision(&fp("cust-1", "h1", None), &alice)
        .unwrap();
    drop(fs.store);
    tamper(&fs.path, "PRAGMA user_version = 8;");
    let store = SqliteStore::open(&fs.path).unwrap();
    let entries = store.audit_entries(0, 100).unwrap();
    let anchor = entries.last().unwrap();
    assert_eq!(anchor.kind, "rows_anchored");
    assert_eq!(anchor.payload["rows"].as_object().unwrap().len(), 2);
    assert!(store.verify_audit().unwrap().is_intact());
    // Reopening does not anchor again.
    drop(store);
    let store = SqliteStore::open(&fs.path).unwrap();
    assert_eq!(store.audit_entries(0, 100).unwrap().len(), entries.len());
}

/// Appends a forged entry at the head, hashing it as the store would, and
/// moves the head row to it: what someone with the file can do.
fn forge_append(path: &PathBuf, kind: &str, payload: serde_json::Value) {
    let connection = Connection::open(path).unwrap();
    let (seq, prev): (i64, String) = connection
        .query_row("SELECT seq, entry_hash FROM audit_head", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let at = cordon_store::timestamp_now();
    let text = cordon_store::canonical_json(&payload);
    let hash = cordon_store::audit::entry_hash(&prev, seq + 1, &at, kind, "cli:root", &text);
    connection
        .execute(
            "INSERT INTO audit_log (seq, at, kind, caller, payload, prev_hash, entry_hash)
             VALUES (?1, ?2, ?3, 'cli:root', ?4, ?5, ?6)",
            params![seq + 1, at, kind, text, prev, hash],
        )
        .unwrap();
    connection
        .execute(
            "UPDATE audit_head SET seq = ?1, entry_hash = ?2",
            params![seq + 1, hash],
        )
        .unwrap();
}

/// Rewrites entry `from`'s payload and recomputes every hash after it.
fn forge_rewrite(path: &PathBuf, from: i64) {
    let connection = Connection::open(path).unwrap();
    let rows: Vec<(i64, String, String, String, String, String)> = connection
        .prepare("SELECT seq, at, kind, caller, payload, prev_hash FROM audit_log WHERE seq >= ?1 ORDER BY seq")
        .unwrap()
        .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = rows[0].5.clone();
    for (seq, at, kind, caller, payload, _) in rows {
        let payload = if seq == from {
            cordon_store::canonical_json(&json!({"results": []}))
        } else {
            payload
        };
        let hash = cordon_store::audit::entry_hash(&prev, seq, &at, &kind, &caller, &payload);
        connection
            .execute(
                "UPDATE audit_log SET payload = ?2, prev_hash = ?3, entry_hash = ?4 WHERE seq = ?1",
                params![seq, payload, prev, hash],
            )
            .unwrap();
        connection
            .execute(
                "UPDATE audit_head SET seq = ?1, entry_hash = ?2",
                params![seq, hash],
            )
            .unwrap();
        prev = hash;
    }
}

fn checkpoint_of(
    store: &SqliteStore,
    key: &cordon_store::checkpoint::CheckpointKey,
) -> cordon_store::checkpoint::SignedCheckpoint {
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact());
    cordon_store::checkpoint::SignedCheckpoint::sign(
        key,
        report.head_seq.unwrap(),
        report.head_hash.as_deref().unwrap(),
        report.first_seq.unwrap(),
        &cordon_store::timestamp_now(),
    )
}

fn against(
    store: &SqliteStore,
    checkpoint: &cordon_store::checkpoint::SignedCheckpoint,
) -> Result<(), String> {
    let report = store.verify_audit().unwrap();
    assert!(
        report.is_intact(),
        "the chain alone should verify: {report:?}"
    );
    let hash = store.audit_hash_at(checkpoint.head_seq).unwrap();
    checkpoint.check_chain(report.first_seq, hash.as_deref())
}

#[test]
fn a_signed_checkpoint_catches_truncation_behind_a_forged_purge_and_rewrites() {
    let key = cordon_store::checkpoint::CheckpointKey::generate().unwrap();
    let fs = file_store();
    append(&fs.store, 20);
    let checkpoint = checkpoint_of(&fs.store, &key);
    append(&fs.store, 5);
    assert_eq!(against(&fs.store, &checkpoint), Ok(()));

    // The oldest ten deleted, a forged purge checkpoint appended: the chain verifies...
    let anchor: String = Connection::open(&fs.path)
        .unwrap()
        .query_row("SELECT prev_hash FROM audit_log WHERE seq = 11", [], |r| {
            r.get(0)
        })
        .unwrap();
    tamper(&fs.path, "DELETE FROM audit_log WHERE seq <= 10");
    forge_append(
        &fs.path,
        "checkpoint",
        json!({"purged_through_seq": 10, "anchor_hash": anchor, "purged_entries": 10, "cutoff": "x"}),
    );
    // ...but not against the checkpoint.
    let cut = against(&fs.store, &checkpoint).unwrap_err();
    assert!(cut.contains("entries 1 to 10 were deleted"), "{cut}");

    // Rewriting entry 5 and rehashing everything after it.
    let fs = file_store();
    append(&fs.store, 20);
    let checkpoint = checkpoint_of(&fs.store, &key);
    forge_rewrite(&fs.path, 5);
    let rewritten = against(&fs.store, &checkpoint).unwrap_err();
    assert!(rewritten.contains("entry 20 differs"), "{rewritten}");

    // Entries after the checkpoint may be rewritten without it knowing: the
    // next checkpoint covers them. A chain cut back below the checkpoint is named.
    let fs = file_store();
    append(&fs.store, 20);
    let checkpoint = checkpoint_of(&fs.store, &key);
    tamper(&fs.path, "DELETE FROM audit_log WHERE seq > 15; UPDATE audit_head SET seq = 15, entry_hash = (SELECT entry_hash FROM audit_log WHERE seq = 15);");
    let cut = against(&fs.store, &checkpoint).unwrap_err();
    assert!(cut.contains("entry 20"), "{cut}");
}

#[test]
fn verifying_a_long_chain_holds_up_neither_reads_nor_writes() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    let fs = file_store();
    let key = fs
        .store
        .create_key(Role::Screener, Some("sam"), "cli:test")
        .unwrap();
    // A long chain: verifying it takes a good fraction of a second or more.
    let entries: Vec<_> = (0..300_000)
        .map(|i| {
            cordon_store::audit::PreparedAuditEntry::new(&NewAuditEntry {
                kind: "screening".into(),
                caller: "key_batch".into(),
                payload: json!({"request_hash": format!("{i:064}"), "results": []}),
            })
        })
        .collect();
    fs.store.append_prepared_audits(&entries).unwrap();
    let store = std::sync::Arc::new(fs.store);
    let done = std::sync::Arc::new(AtomicBool::new(false));
    // Screenings start only once the verifier runs: on a loaded host the
    // thread may start late, and appends made before it began are rightly in
    // its snapshot.
    let started = std::sync::Arc::new(std::sync::Barrier::new(2));
    let verifier = {
        let (store, done, started) = (store.clone(), done.clone(), started.clone());
        std::thread::spawn(move || {
            started.wait();
            let report = store.verify_audit().unwrap();
            done.store(true, Ordering::SeqCst);
            report
        })
    };
    // While it runs, a screening's reads (authentication, suppression) and
    // its audit append each answer promptly.
    let (mut rounds, mut slowest) = (0, Duration::ZERO);
    started.wait();
    while !done.load(Ordering::SeqCst) {
        let started = Instant::now();
        assert!(store.authenticate(&key.secret).unwrap().is_some());
        store
            .standing_false_positive("c1", "un:QDi.290", "h1", "2026-01-01")
            .unwrap();
        store
            .append_audit(&NewAuditEntry {
                kind: "screening".into(),
                caller: key.info.id.clone(),
                payload: json!({"during": rounds}),
            })
            .unwrap();
        slowest = slowest.max(started.elapsed());
        rounds += 1;
    }
    let report = verifier.join().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(
        rounds >= 3,
        "only {rounds} screenings completed while verifying (the slowest took {slowest:?})"
    );
    assert!(
        slowest < Duration::from_millis(500),
        "a screening waited {slowest:?} for the verification"
    );
    // The snapshot saw the chain as it was when verification began.
    assert!(report.head_seq.unwrap() <= 300_002, "{report:?}");
}

/// SQLite passes the contract written once over the traits
/// (`cordon_store::conformance`); every other backend calls it too.
mod generic {
    use cordon_store::conformance::{announced, backend_contract, list};
    use cordon_store::{AuditLog, ImportJobs, ImportRequest, SqliteStore, Store};

    /// One test per contract part on a fresh in-memory SQLite store, so a
    /// failure names its part.
    macro_rules! sqlite_contract {
        ($($part:path => $test:ident),* $(,)?) => {
            $(
                #[test]
                fn $test() {
                    $part(&SqliteStore::open_in_memory().unwrap());
                }
            )*
        };
    }

    sqlite_contract! {
        cordon_store::conformance::list_versions => sqlite_keeps_list_versions,
        cordon_store::conformance::import_jobs => sqlite_keeps_import_jobs,
        cordon_store::conformance::customers => sqlite_keeps_customers,
        cordon_store::conformance::repeated_deliveries_are_recorded_once => sqlite_records_a_repeated_delivery_once,
        cordon_store::conformance::publisher_checkpoints_only_grow => sqlite_keeps_publisher_checkpoints,
    }

    /// The kept checkpoint outlives the process: a reopened file still refuses
    /// a rolled-back log (migration 15).
    #[test]
    fn a_publisher_checkpoint_survives_reopening_the_file() {
        use cordon_store::PublisherCheckpoints;
        let fs = super::file_store();
        fs.store
            .keep_publisher_checkpoint("k1", 3, r#"{"size":3}"#)
            .unwrap();
        drop(fs.store);
        let reopened = SqliteStore::open(&fs.path).unwrap();
        assert_eq!(
            reopened.publisher_checkpoint("k1").unwrap().unwrap().size,
            3
        );
        assert!(reopened
            .keep_publisher_checkpoint("k1", 2, r#"{"size":2}"#)
            .is_err());
    }

    /// `backend_contract` itself runs (a second backend calls it the same way).
    #[test]
    fn sqlite_passes_the_whole_backend_contract() {
        backend_contract(|| SqliteStore::open_in_memory().unwrap());
    }

    #[test]
    fn a_failed_job_row_leaves_no_version_and_no_audit_entry() {
        let fs = super::file_store();
        super::tamper(
            &fs.path,
            "CREATE TRIGGER no_jobs BEFORE INSERT ON list_import_jobs BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        );
        let list = list("2025-04-19", &["A"]);
        let request = ImportRequest {
            list: &list,
            content_hash: "k1",
            origin: "test",
        };
        assert!(fs
            .store
            .import_with_job(
                &request,
                None,
                &announced("list_imported"),
                &cordon_store::conformance::claim("test", 60)
            )
            .is_err());
        assert!(fs.store.versions().unwrap().is_empty());
        assert!(fs.store.audit_entries(0, 10).unwrap().is_empty());
        assert!(fs.store.pending_imports().unwrap().is_empty());
    }
}
