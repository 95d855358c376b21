//! The conformance story every backend of the store traits must pass,
//! written once over the traits: SQLite's tests (`tests/conformance.rs`) and
//! PostgreSQL's (`cordon-store-pg`) call [`backend_contract`] with a factory
//! of fresh stores. Tests that edit a database behind the store's back, or
//! replay migrations, stay each backend's own. Test code: it panics on
//! failure, and is compiled only with the `conformance` feature.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use crate::queue::{AlertKind, QueueFilter, QueueOrder, QueueRequest};
use crate::{
    Actor, AuditLog, Customer, DecisionState, DeliveredTransfer, Error, ImportRequest, JobClaim,
    NewAlert, NewAuditEntry, NewDecision, NewTransferAlert, Role, ScreenedTransfer, Verdict,
};
use cordon_model::{Entity, Name, NameKind, ParsedList, Schema};
use serde_json::json;

/// Every trait a full backend implements (the crate's [`FullStore`]).
pub use crate::FullStore as Backend;

/// A claim for `who`, holding for `seconds`.
pub fn claim(who: &str, seconds: u64) -> JobClaim {
    JobClaim {
        claimant: who.into(),
        lease: std::time::Duration::from_secs(seconds),
    }
}

/// A UN list version with one person per id.
pub fn list(version: &str, ids: &[&str]) -> ParsedList {
    let mut list = ParsedList {
        source: "un".into(),
        version: Some(version.into()),
        ..ParsedList::default()
    };
    for id in ids {
        let mut entity = Entity::new("un", id, Schema::Person);
        entity
            .names
            .push(Name::new(format!("PERSON {id}"), NameKind::Primary));
        list.entities.push(entity);
    }
    list
}

/// An audit entry of `kind` for import jobs.
pub fn announced(kind: &str) -> NewAuditEntry {
    NewAuditEntry {
        kind: kind.into(),
        caller: "test".into(),
        payload: json!({"added": 2}),
    }
}

pub fn list_versions(store: &impl Backend) {
    let first = list("2025-04-19", &["A", "B"]);
    let request = |list, hash| ImportRequest {
        list,
        content_hash: hash,
        origin: "test",
    };
    let v1 = store.import(&request(&first, "h1")).unwrap();
    assert!(v1.created);
    assert!(!store.import(&request(&first, "h1")).unwrap().created);
    let second = list("2026-02-27", &["A", "C", "D"]);
    let v2 = store.import(&request(&second, "h2")).unwrap();
    assert_eq!(store.load(v2.version.id).unwrap().entities.len(), 3);
    assert_eq!(store.find("un@2025-04-19").unwrap().id, v1.version.id);
    assert_eq!(store.versions().unwrap().len(), 2);
    assert!(matches!(store.find("eu"), Err(Error::NotFound(_))));
}

pub fn import_jobs(store: &impl Backend) {
    let first = list("2025-04-19", &["A", "B"]);
    let request = ImportRequest {
        list: &first,
        content_hash: "j1",
        origin: "test",
    };
    let outcome = store
        .import_with_job(
            &request,
            None,
            &announced("list_imported"),
            &claim("importer", 60),
        )
        .unwrap();
    assert!(outcome.created);
    // The version, its audit entry (naming it) and the job came together.
    let entries = store.audit_entries(0, 10).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, "list_imported");
    assert_eq!(entries[0].payload["version"], outcome.version.label());
    assert_eq!(entries[0].payload["added"], 2);
    let pending = store.pending_imports().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].version.id, outcome.version.id);
    assert_eq!(pending[0].caller, "test");
    // The same content again writes nothing: no second entry, no second job.
    let again = store
        .import_with_job(
            &request,
            None,
            &announced("list_imported"),
            &claim("other", 60),
        )
        .unwrap();
    assert!(!again.created);
    assert_eq!(store.audit_entries(0, 10).unwrap().len(), 1);
    // The importer holds the job: another process cannot take it while the
    // lease runs; the importer renews it.
    let id = outcome.version.id;
    assert!(!store.claim_import(id, &claim("other", 60)).unwrap());
    assert!(store.claim_import(id, &claim("importer", 60)).unwrap());
    // Finishing appends its entry once; a second finish is refused.
    let done = store
        .finish_import(outcome.version.id, &announced("customers_rescreened"))
        .unwrap();
    assert_eq!(done.kind, "customers_rescreened");
    assert!(store.pending_imports().unwrap().is_empty());
    assert!(matches!(
        store.finish_import(outcome.version.id, &announced("customers_rescreened")),
        Err(Error::NotFound(_))
    ));
    assert!(!store.claim_import(id, &claim("importer", 60)).unwrap());
    assert!(store.verify_audit().unwrap().is_intact());
}

/// A job whose runner stopped renewing its claim (it died) is taken over by
/// the first process that asks, and by one only.
pub fn lapsed_import_claims_are_taken_over_once(store: &impl Backend) {
    let first = list("2025-04-19", &["A"]);
    let request = ImportRequest {
        list: &first,
        content_hash: "c1",
        origin: "test",
    };
    let lapsed = claim("dead", 0);
    let outcome = store
        .import_with_job(&request, None, &announced("list_imported"), &lapsed)
        .unwrap();
    let id = outcome.version.id;
    // Timestamps have microseconds: let the zero lease be in the past.
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert!(store.claim_import(id, &claim("second", 60)).unwrap());
    assert!(!store.claim_import(id, &claim("third", 60)).unwrap());
    assert!(!store.claim_import(id + 1000, &claim("third", 60)).unwrap());
}

pub fn customers(store: &impl Backend) {
    let customer = Customer {
        id: "c1".into(),
        name: "Jane Roe".into(),
        dob: None,
        country: None,
        schema: None,
        identifiers: Vec::new(),
    };
    let outcome = store
        .upsert_customers(std::slice::from_ref(&customer))
        .unwrap();
    assert_eq!((outcome.inserted, outcome.updated), (1, 0));
    let outcome = store.upsert_customers(&[customer]).unwrap();
    assert_eq!((outcome.inserted, outcome.updated), (0, 1));
    assert_eq!(store.customers().unwrap().len(), 1);
}

/// Retrieval tokens are kept per customer under a stamp, forgotten when the
/// customer changes, and not kept when derived from a record since replaced.
pub fn match_tokens_follow_the_customer(store: &impl Backend) {
    let customer = |id: &str, name: &str| Customer {
        id: id.into(),
        name: name.into(),
        dob: None,
        country: None,
        schema: None,
        identifiers: Vec::new(),
    };
    let (jane, ali) = (customer("c1", "Jane Roe"), customer("c2", "Ali Vali"));
    store
        .upsert_customers(&[jane.clone(), ali.clone()])
        .unwrap();
    let ids = |cs: Vec<Customer>| cs.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.customers_without_match_tokens("s1").unwrap()),
        ["c1", "c2"]
    );
    store
        .keep_match_tokens("s1", &[(&jane, "jane roe janeroe"), (&ali, "ali vali")])
        .unwrap();
    let kept = store.match_tokens("s1").unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        (kept[0].customer_id.as_str(), kept[0].tokens.as_str()),
        ("c1", "jane roe janeroe")
    );
    assert!(store
        .customers_without_match_tokens("s1")
        .unwrap()
        .is_empty());
    // Another stamp (another matcher) sees none.
    assert!(store.match_tokens("s2").unwrap().is_empty());
    assert_eq!(store.customers_without_match_tokens("s2").unwrap().len(), 2);
    // Kept again: replaced, not doubled.
    store.keep_match_tokens("s1", &[(&ali, "ali")]).unwrap();
    assert_eq!(store.match_tokens("s1").unwrap()[1].tokens, "ali");
    // An update forgets the customer's tokens; tokens of the old record are refused.
    store
        .upsert_customers(&[customer("c2", "Vali Aliyev")])
        .unwrap();
    assert_eq!(
        ids(store.customers_without_match_tokens("s1").unwrap()),
        ["c2"]
    );
    store
        .keep_match_tokens("s1", &[(&ali, "ali vali")])
        .unwrap();
    assert_eq!(store.match_tokens("s1").unwrap().len(), 1);
    // Look-up by id: sorted, unknown and repeated ids skipped.
    let wanted = ["c2".to_string(), "nobody".into(), "c1".into(), "c2".into()];
    assert_eq!(ids(store.customers_by_id(&wanted).unwrap()), ["c1", "c2"]);
}

/// The whole generic contract, each part on a fresh store.
pub fn backend_contract<S: Backend>(fresh: impl Fn() -> S) {
    list_versions(&fresh());
    import_jobs(&fresh());
    lapsed_import_claims_are_taken_over_once(&fresh());
    customers(&fresh());
    match_tokens_follow_the_customer(&fresh());
    false_positives_are_remembered_until_the_designation_changes_or_expiry(&fresh());
    clearing_a_true_match_needs_a_second_person(&fresh());
    decision_expiry_is_capped_and_never_is_refused(&fresh());
    a_lapsed_false_positive_alerts_again(&fresh());
    true_matches_need_a_second_supervisor(&fresh());
    customers_upsert_and_alerts_are_raised_once(&fresh());
    audit_chain_and_purge(&fresh());
    repeated_deliveries_are_recorded_once(&fresh());
    the_alert_queue_filters_sorts_and_pages_both_kinds(&fresh());
    verification_reports_its_position(&fresh());
    publisher_checkpoints_only_grow(&fresh());
}

/// The last checkpoint per publisher key: kept, replaced by a larger or equal
/// log, never by a smaller one (a rolled-back log), and kept apart per key.
pub fn publisher_checkpoints_only_grow(store: &impl Backend) {
    assert_eq!(store.publisher_checkpoint("k1").unwrap(), None);
    store
        .keep_publisher_checkpoint("k1", 2, r#"{"size":2}"#)
        .unwrap();
    store
        .keep_publisher_checkpoint("k2", 9, r#"{"size":9}"#)
        .unwrap();
    let kept = store.publisher_checkpoint("k1").unwrap().unwrap();
    assert_eq!((kept.key_id.as_str(), kept.size), ("k1", 2));
    assert_eq!(kept.checkpoint, r#"{"size":2}"#);
    assert!(!kept.saved_at.is_empty());
    match store.keep_publisher_checkpoint("k1", 1, r#"{"size":1}"#) {
        Err(Error::Conflict(message)) => assert!(message.contains("rolled-back"), "{message}"),
        other => panic!("a smaller log must be refused, got {other:?}"),
    }
    assert_eq!(store.publisher_checkpoint("k1").unwrap().unwrap().size, 2);
    // The same size again (a re-import, or the same head from another member) is kept.
    store
        .keep_publisher_checkpoint("k1", 2, r#"{"size":2,"again":true}"#)
        .unwrap();
    store
        .keep_publisher_checkpoint("k1", 5, r#"{"size":5}"#)
        .unwrap();
    assert_eq!(store.publisher_checkpoint("k1").unwrap().unwrap().size, 5);
    assert_eq!(store.publisher_checkpoint("k2").unwrap().unwrap().size, 9);
    assert!(matches!(
        store.keep_publisher_checkpoint("", 1, "{}"),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        store.keep_publisher_checkpoint("k3", 1, " "),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        store.keep_publisher_checkpoint("k3", u64::MAX, "{}"),
        Err(Error::Invalid(_))
    ));
}

/// A verification tells its position at the start and after each chunk of
/// the walk: checked of the snapshot's total, never going back.
pub fn verification_reports_its_position(store: &impl Backend) {
    let chunk = usize::try_from(crate::chain::VERIFY_CHUNK).unwrap();
    let entries: Vec<NewAuditEntry> = (0..chunk + 1)
        .map(|i| NewAuditEntry {
            kind: "screening".into(),
            caller: "test".into(),
            payload: json!({"request_hash": format!("{i:064}")}),
        })
        .collect();
    store.append_audits(&entries).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let report = store
        .verify_audit_reporting(&|p| seen.lock().unwrap().push((p.checked, p.total)))
        .unwrap();
    assert!(report.is_intact(), "{report:?}");
    let total = chunk as u64 + 1;
    assert_eq!(
        seen.into_inner().unwrap(),
        [(0, total), (total - 1, total), (total, total)]
    );
}

/// A screened transfer with a delivery key and one sanctions alert.
fn delivered(key: Option<&str>, transfer_id: &str) -> DeliveredTransfer {
    DeliveredTransfer {
        delivery_key: key.map(str::to_string),
        screened: ScreenedTransfer {
            audit: NewAuditEntry {
                kind: "transfer_screening".into(),
                caller: "test".into(),
                payload: json!({"transfer_id": transfer_id}),
            },
            list_versions: vec!["un@2026-02-27#1".into()],
            alerts: vec![NewTransferAlert {
                transfer_id: Some(transfer_id.into()),
                kind: "sanctions".into(),
                rule: "un:QDi.1".into(),
                message: "creditor matches".into(),
                details: json!({}),
            }],
        },
    }
}

/// A transfer whose delivery key was recorded (in an earlier call, or
/// earlier in the same one) is not recorded again but counted as a repeat;
/// one without a key is always recorded; the counts add up.
pub fn repeated_deliveries_are_recorded_once(store: &impl Backend) {
    let first = store
        .record_transfers_once(&[delivered(Some("uetr:a"), "A"), delivered(None, "N")])
        .unwrap();
    assert!(first.iter().all(Option::is_some));
    let again = store
        .record_transfers_once(&[
            delivered(Some("uetr:a"), "A"),
            delivered(Some("uetr:b"), "B"),
            delivered(Some("uetr:b"), "B"),
            delivered(None, "N"),
        ])
        .unwrap();
    let stored: Vec<bool> = again.iter().map(Option::is_some).collect();
    assert_eq!(stored, [false, true, false, true]);
    assert_eq!(
        store
            .note_repeats(&["uetr:b".into(), "uetr:c".into()])
            .unwrap(),
        [true, false]
    );
    let counts = store.transfer_counts().unwrap();
    assert_eq!(counts.screened, 4, "A, N, B and N again");
    assert_eq!(counts.alerts, 4);
    assert_eq!(counts.alerts_by_kind.get("sanctions"), Some(&4));
    assert_eq!(counts.transfers_with_sanctions_alerts, 4);
    assert_eq!(
        counts.duplicates, 3,
        "A and B once each in the second call, B noted"
    );
    // Each recorded transfer's alerts point at its own audit entry.
    for recorded in again.iter().flatten() {
        assert!(recorded
            .alerts
            .iter()
            .all(|alert| alert.audit_seq == recorded.audit.seq));
    }
    // A key named twice in one call is counted twice.
    assert_eq!(
        store
            .note_repeats(&["uetr:a".into(), "uetr:a".into()])
            .unwrap(),
        [true, true]
    );
    assert_eq!(store.transfer_counts().unwrap().duplicates, 5);
    assert!(store.verify_audit().unwrap().is_intact());
}

/// Appends, verifies against the documented formula, purges and verifies again.
pub fn audit_chain_and_purge(store: &impl Backend) {
    assert_eq!(store.verify_audit().unwrap().checked, 0);
    append(store, "key", 5);
    let entries = store.audit_entries(0, 100).unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0].prev_hash, crate::audit::GENESIS_HASH);
    for e in &entries {
        let canonical = crate::canonical_json(&json!({
            "seq": e.seq, "at": e.at, "kind": e.kind, "caller": e.caller, "payload": e.payload,
        }));
        let expected = crate::sha256_hex(format!("{}{canonical}", e.prev_hash).as_bytes());
        assert_eq!(e.entry_hash, expected);
    }
    assert_eq!(
        store.audit_hash_at(3).unwrap(),
        Some(entries[2].entry_hash.clone())
    );
    let cutoff = crate::timestamp_now();
    append(store, "key", 2);
    let purge = store.purge_audit(&cutoff, "cli:test").unwrap();
    assert_eq!(purge.purged, 5);
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.first_seq, report.head_seq), (Some(6), Some(8)));
}

/// Appends `n` screening entries, one transaction each.
pub fn append(store: &(impl AuditLog + ?Sized), caller: &str, n: usize) {
    for i in 0..n {
        store
            .append_audit(&NewAuditEntry {
                kind: "screening".into(),
                caller: format!("{caller}_{i}"),
                payload: json!({"request_hash": format!("{i:064}"), "results": [{"entity_id": "un:QDi.1", "score": 0.9}]}),
            })
            .unwrap();
    }
}

/// Several handles on one database (each its own connections, as separate
/// processes have) append concurrently: the chain stays one, gapless and
/// verifiable, with every entry of every writer in it.
pub fn concurrent_writers_keep_one_chain<S: Backend + Sync>(handles: &[S], per_writer: usize) {
    std::thread::scope(|scope| {
        for (i, handle) in handles.iter().enumerate() {
            scope.spawn(move || {
                for round in 0..per_writer {
                    // Alternate single appends and small batches, so both paths race.
                    if round % 2 == 0 {
                        append(handle, &format!("writer{i}"), 1);
                    } else {
                        let entry = NewAuditEntry {
                            kind: "screening".into(),
                            caller: format!("writer{i}_batch"),
                            payload: json!({"round": round}),
                        };
                        let batch = vec![entry; 2];
                        handle.append_audits(&batch).unwrap();
                    }
                }
            });
        }
    });
    let per = per_writer / 2 * 2 + per_writer.div_ceil(2);
    let expected = (handles.len() * per) as u64;
    let report = handles[0].verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, expected);
    assert_eq!(report.head_seq, Some(expected as i64));
    let entries = handles[0].audit_entries(0, expected as usize + 1).unwrap();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.seq, i as i64 + 1, "a gap or a repeat in the sequence");
    }
}

fn actor(store: &impl Backend, role: Role, person: &str) -> Actor {
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

fn days_from_now(days: i64) -> String {
    crate::timestamp(time::OffsetDateTime::now_utc() + time::Duration::days(days))
}

fn tm(party: &str) -> NewDecision {
    NewDecision {
        verdict: Verdict::TrueMatch,
        ..fp(party, "h1", None)
    }
}

fn customer(id: &str, name: &str) -> Customer {
    Customer {
        id: id.into(),
        name: name.into(),
        dob: Some("1967".into()),
        country: Some("UZ".into()),
        schema: Some(cordon_model::Schema::Person),
        identifiers: vec!["AB123".into()],
    }
}

/// Part of the contract (moved from the SQLite conformance test).
pub fn false_positives_are_remembered_until_the_designation_changes_or_expiry(
    store: &impl Backend,
) {
    let analyst = actor(store, Role::Analyst, "alice");
    let now = crate::timestamp_now();
    let decision = store
        .record_decision(&fp("cust-1", "h1", None), &analyst)
        .unwrap();
    assert_eq!(decision.state, DecisionState::Confirmed);
    assert_eq!(decision.decided_by, analyst.key_id);
    let standing = store
        .standing_false_positive("cust-1", "un:QDi.290", "h1", &now)
        .unwrap();
    assert_eq!(standing.map(|d| d.id), Some(decision.id));
    // Changed designation content, another party or entity: not covered.
    assert!(store
        .standing_false_positive("cust-1", "un:QDi.290", "h2", &now)
        .unwrap()
        .is_none());
    assert!(store
        .standing_false_positive("cust-2", "un:QDi.290", "h1", &now)
        .unwrap()
        .is_none());
    assert!(store
        .standing_false_positive("cust-1", "un:QDi.291", "h1", &now)
        .unwrap()
        .is_none());
    // An expiring decision lapses.
    let expires = days_from_now(30);
    store
        .record_decision(&fp("cust-3", "h1", Some(&expires)), &analyst)
        .unwrap();
    assert!(store
        .standing_false_positive("cust-3", "un:QDi.290", "h1", &now)
        .unwrap()
        .is_some());
    let after = days_from_now(31);
    let after = after.as_str();
    assert!(store
        .standing_false_positive("cust-3", "un:QDi.290", "h1", after)
        .unwrap()
        .is_none());
}

/// Part of the contract (moved from the SQLite conformance test).
pub fn clearing_a_true_match_needs_a_second_person(store: &impl Backend) {
    let alice = actor(store, Role::Analyst, "alice");
    let alice_supervisor = actor(store, Role::Supervisor, "alice");
    let bob = actor(store, Role::Supervisor, "bob");
    let now = crate::timestamp_now();
    let standing = |party: &str| {
        store
            .standing_false_positive(party, "un:QDi.290", "h1", &now)
            .unwrap()
    };
    // Alice records a true match, then alone a false positive: the clearing waits.
    let true_match = store.record_decision(&tm("cust-1"), &alice).unwrap();
    let clearing = store
        .record_decision(&fp("cust-1", "h1", None), &alice)
        .unwrap();
    assert_eq!(clearing.state, DecisionState::Pending);
    assert!(
        standing("cust-1").is_none(),
        "a pending clearing hid the hit"
    );
    match store.confirm_decision(clearing.id, &alice_supervisor) {
        Err(Error::Forbidden(message)) => assert!(message.contains("four eyes"), "{message}"),
        other => panic!("the same person confirmed her own clearing: {other:?}"),
    }
    let confirmed = store.confirm_decision(clearing.id, &bob).unwrap();
    assert_eq!(confirmed.state, DecisionState::Confirmed);
    assert_eq!(standing("cust-1").map(|d| d.id), Some(clearing.id));
    let entry = store
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "decision" && e.payload["decision"]["id"] == clearing.id)
        .unwrap();
    assert_eq!(entry.payload["clears_true_match"], true_match.id);
    // The case history: both decisions on cust-1, oldest first, none of another party.
    let history = store.decisions_for("cust-1", "un:QDi.290").unwrap();
    let ids: Vec<i64> = history.iter().map(|d| d.id).collect();
    assert_eq!(ids, vec![true_match.id, clearing.id]);
    assert_eq!(history[1].confirmed_by_person.as_deref(), Some("bob"));
    assert!(store
        .decisions_for("cust-1", "un:QDi.999")
        .unwrap()
        .is_empty());

    // A confirmed true match needs a second person to clear too.
    let confirmed_match = store.record_decision(&tm("cust-2"), &alice).unwrap();
    store.confirm_decision(confirmed_match.id, &bob).unwrap();
    let clearing = store
        .record_decision(&fp("cust-2", "h1", None), &alice)
        .unwrap();
    assert_eq!(clearing.state, DecisionState::Pending);
    assert!(standing("cust-2").is_none());

    // Without a true match (another party) a false positive is in force at once.
    let plain = store
        .record_decision(&fp("cust-3", "h1", None), &alice)
        .unwrap();
    assert_eq!(plain.state, DecisionState::Confirmed);
    assert!(standing("cust-3").is_some());
    assert!(store.verify_audit().unwrap().is_intact());
}

/// Part of the contract (moved from the SQLite conformance test).
pub fn a_lapsed_false_positive_alerts_again(store: &impl Backend) {
    store
        .upsert_customers(&[customer("c1", "Tohir Yuldashev")])
        .unwrap();
    let alert = NewAlert {
        customer_id: "c1".into(),
        entity_id: "un:QDi.290".into(),
        entity_hash: "h1".into(),
        list_version: "un@2026-02-27#2".into(),
        score: 0.91,
        reason: "rescreen".into(),
        details: json!({}),
    };
    store
        .raise_alerts(std::slice::from_ref(&alert), "system")
        .unwrap();
    let alice = actor(store, Role::Analyst, "alice");
    let expires = days_from_now(10);
    store
        .record_decision(&fp("c1", "h1", Some(&expires)), &alice)
        .unwrap();
    assert_eq!(store.alerts(Some("false_positive"), 10).unwrap().len(), 1);
    // Before the expiry the clearing stands; after it, it suppresses nothing...
    let now = crate::timestamp_now();
    assert!(store
        .standing_false_positive("c1", "un:QDi.290", "h1", &now)
        .unwrap()
        .is_some());
    let later = days_from_now(11);
    assert!(store
        .standing_false_positive("c1", "un:QDi.290", "h1", &later)
        .unwrap()
        .is_none());
    // ...so the hit is raised again, and the cleared alert opens again (audited).
    let raised = store
        .raise_alerts(std::slice::from_ref(&alert), "system")
        .unwrap();
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].status, "open");
    assert_eq!(store.alerts(Some("open"), 10).unwrap().len(), 1);
    // An alert still open is not raised twice.
    assert!(store
        .raise_alerts(std::slice::from_ref(&alert), "system")
        .unwrap()
        .is_empty());
}

/// Part of the contract (moved from the SQLite conformance test).
pub fn true_matches_need_a_second_supervisor(store: &impl Backend) {
    let screener = actor(store, Role::Screener, "sam");
    let analyst = actor(store, Role::Analyst, "alice");
    let supervisor_alice = actor(store, Role::Supervisor, "alice");
    let supervisor_bob = actor(store, Role::Supervisor, "bob");
    let mut new = fp("cust-1", "h1", None);
    new.verdict = Verdict::TrueMatch;
    assert!(matches!(
        store.record_decision(&new, &screener),
        Err(Error::Forbidden(_))
    ));
    let decision = store.record_decision(&new, &analyst).unwrap();
    assert_eq!(decision.state, DecisionState::Pending);
    // The analyst cannot confirm (role), nor can the same person with a supervisor key.
    assert!(matches!(
        store.confirm_decision(decision.id, &analyst),
        Err(Error::Forbidden(_))
    ));
    match store.confirm_decision(decision.id, &supervisor_alice) {
        Err(Error::Forbidden(message)) => assert!(message.contains("four eyes"), "{message}"),
        other => panic!("same person confirmed: {other:?}"),
    }
    let confirmed = store
        .confirm_decision(decision.id, &supervisor_bob)
        .unwrap();
    assert_eq!(confirmed.state, DecisionState::Confirmed);
    assert_eq!(confirmed.confirmed_by_person.as_deref(), Some("bob"));
    assert!(matches!(
        store.confirm_decision(decision.id, &supervisor_bob),
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        store.confirm_decision(9999, &supervisor_bob),
        Err(Error::NotFound(_))
    ));
    // Empty reasons are refused.
    new.reason = " ".into();
    assert!(matches!(
        store.record_decision(&new, &analyst),
        Err(Error::Invalid(_))
    ));
    // Every decision and confirmation is in the audit log, by key id.
    let entries = store.audit_entries(0, 100).unwrap();
    let kinds: Vec<_> = entries.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "decision").count(), 1);
    assert_eq!(
        kinds.iter().filter(|k| **k == "decision_confirmed").count(),
        1
    );
    let confirmation = entries
        .iter()
        .find(|e| e.kind == "decision_confirmed")
        .unwrap();
    assert_eq!(confirmation.caller, supervisor_bob.key_id);
    assert!(store.verify_audit().unwrap().is_intact());
}

/// Part of the contract (moved from the SQLite conformance test).
pub fn customers_upsert_and_alerts_are_raised_once(store: &impl Backend) {
    let outcome = store
        .upsert_customers(&[
            customer("c1", "Tohir Yuldashev"),
            customer("c2", "Jane Roe"),
        ])
        .unwrap();
    assert_eq!((outcome.inserted, outcome.updated), (2, 0));
    let outcome = store
        .upsert_customers(&[customer("c2", "Jane Q. Roe"), customer("c3", "Ali Vali")])
        .unwrap();
    assert_eq!((outcome.inserted, outcome.updated), (1, 1));
    let all = store.customers().unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].name, "Jane Q. Roe");
    assert_eq!(all[0], customer("c1", "Tohir Yuldashev"));
    // A bad record in a batch writes nothing.
    match store.upsert_customers(&[customer("c4", "Ok"), customer("c5", " ")]) {
        Err(Error::Invalid(message)) => assert!(message.contains("customer 2 (c5)"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.customers().unwrap().len(), 3);

    let alert = NewAlert {
        customer_id: "c1".into(),
        entity_id: "un:QDi.290".into(),
        entity_hash: "h1".into(),
        list_version: "un@2026-02-27#2".into(),
        score: 0.91,
        reason: "rescreen".into(),
        details: json!({"matched_name": "Tohir Yuldashev"}),
    };
    assert_eq!(
        store
            .raise_alerts(std::slice::from_ref(&alert), "system")
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .raise_alerts(std::slice::from_ref(&alert), "system")
            .unwrap()
            .len(),
        0
    );
    let changed = NewAlert {
        entity_hash: "h2".into(),
        ..alert
    };
    assert_eq!(store.raise_alerts(&[changed], "system").unwrap().len(), 1);
    let alerts = store.alerts(Some("open"), 10).unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0].entity_hash, "h2");
    assert_eq!(alerts[1].details["matched_name"], "Tohir Yuldashev");
    assert!(store.alerts(Some("closed"), 10).unwrap().is_empty());
    let audit = store.audit_entries(0, 10).unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.kind == "alerts_raised").count(),
        2
    );

    // Decisions settle the customer's alerts on that entity.
    let analyst = actor(store, Role::Analyst, "alice");
    let bob = actor(store, Role::Supervisor, "bob");
    let mut decision = fp("c1", "h2", None);
    decision.verdict = Verdict::TrueMatch;
    let pending = store.record_decision(&decision, &analyst).unwrap();
    assert!(store.alerts(Some("open"), 10).unwrap().is_empty());
    assert_eq!(
        store
            .alerts(Some("pending_confirmation"), 10)
            .unwrap()
            .len(),
        2
    );
    store.confirm_decision(pending.id, &bob).unwrap();
    assert_eq!(store.alerts(Some("true_match"), 10).unwrap().len(), 2);
}

/// Decision expiry: `never`, the past and beyond the cap are refused; no expiry means the cap.
pub fn decision_expiry_is_capped_and_never_is_refused<S: Backend>(store: &S) {
    let alice = actor(store, Role::Analyst, "alice");
    let refused = |store: &S, expires: &str| match store
        .record_decision(&fp("cust-1", "h1", Some(expires)), &alice)
    {
        Err(Error::Invalid(message)) => {
            assert!(message.starts_with("expires_at:"), "{message}");
            message
        }
        other => panic!("expires_at {expires:?} was accepted: {other:?}"),
    };
    refused(store, "never");
    assert!(refused(store, &days_from_now(366)).contains("365 days"));
    refused(store, "2020-01-01T00:00:00Z");
    // Within the cap; any RFC 3339 form is stored in the fixed-width form.
    let in_range = days_from_now(200);
    let decision = store
        .record_decision(&fp("cust-1", "h1", Some(&in_range)), &alice)
        .unwrap();
    assert_eq!(decision.expires_at.as_deref(), Some(in_range.as_str()));
    // A false positive without an expiry lapses after the cap.
    let defaulted = store
        .record_decision(&fp("cust-2", "h1", None), &alice)
        .unwrap();
    let expires = defaulted.expires_at.unwrap();
    assert!(
        expires > days_from_now(364) && expires <= days_from_now(366),
        "{expires}"
    );
}

/// A customer alert whose match aligned names through `rules`.
fn queue_alert(
    customer: &str,
    entity: &str,
    list: &str,
    score: f64,
    reason: &str,
    rules: &[&str],
) -> NewAlert {
    let alignment: Vec<_> = rules.iter().map(|r| json!({"rule": r})).collect();
    NewAlert {
        customer_id: customer.into(),
        entity_id: entity.into(),
        entity_hash: format!("{entity}-h"),
        list_version: list.into(),
        score,
        reason: reason.into(),
        details: json!({"explanation": {"name": {"alignment": alignment}}}),
    }
}

/// A screened transfer raising an R16 alert and a sanctions alert (score 0.88, typo alignment).
fn queue_transfer(transfer_id: &str) -> ScreenedTransfer {
    ScreenedTransfer {
        audit: NewAuditEntry {
            kind: "transfer_screening".into(),
            caller: "test".into(),
            payload: json!({"transfer_id": transfer_id}),
        },
        list_versions: vec!["un@2026-02-27#1".into(), "ofac@2026-03-01#2".into()],
        alerts: vec![
            NewTransferAlert {
                transfer_id: Some(transfer_id.into()),
                kind: "r16".into(),
                rule: "R16-ORIGINATOR-NAME".into(),
                message: "originator name missing".into(),
                details: json!({"field": "Dbtr/Nm"}),
            },
            NewTransferAlert {
                transfer_id: Some(transfer_id.into()),
                kind: "sanctions".into(),
                rule: "un:QDi.290".into(),
                message: "creditor matches".into(),
                // a malformed alignment (not an array) reads as no rules, never an error
                details: json!({"match": {"score": 0.88, "explanation": {"name": {"alignment": [{"rule": "typo"}, {"x": 1}, "odd"]}}}}),
            },
        ],
    }
}

fn page(
    store: &impl Backend,
    filter: QueueFilter,
    order: QueueOrder,
    offset: u64,
    limit: u64,
) -> crate::QueuePage {
    store
        .alert_page(&QueueRequest {
            filter,
            order,
            offset,
            limit,
        })
        .unwrap()
}

fn keys(page: &crate::QueuePage) -> Vec<(AlertKind, i64)> {
    page.rows.iter().map(|r| (r.kind, r.id)).collect()
}

/// The alert queue: both kinds in one list, each filter applied in the
/// database, three orders, pages that neither overlap nor skip, a total that
/// counts every page, status changes followed, and the look-ups by id.
pub fn the_alert_queue_filters_sorts_and_pages_both_kinds(store: &impl Backend) {
    let empty = page(store, QueueFilter::default(), QueueOrder::Newest, 0, 50);
    assert_eq!((empty.total, empty.rows.len()), (0, 0));
    store
        .upsert_customers(&[
            customer("c1", "Tohir Yuldashev"),
            customer("c2", "Jane Roe"),
        ])
        .unwrap();
    let raised = store
        .raise_alerts(
            &[
                queue_alert(
                    "c1",
                    "un:QDi.290",
                    "un@2026-02-27#1",
                    0.93,
                    "rescreen",
                    &["transliteration", "exact", "transliteration"],
                ),
                queue_alert(
                    "c2",
                    "un:QDi.1",
                    "eu@2026-01-10#4",
                    0.71,
                    "onboarding",
                    &["typo"],
                ),
            ],
            "system",
        )
        .unwrap();
    let recorded = store
        .record_transfers(&[queue_transfer("T1"), queue_transfer("T2")])
        .unwrap();
    let all = page(store, QueueFilter::default(), QueueOrder::Newest, 0, 50);
    assert_eq!(all.total, 6);
    assert_eq!(all.rows.len(), 6);
    let mut times: Vec<&str> = all.rows.iter().map(|r| r.raised_at.as_str()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    times.clear();
    let c1 = all
        .rows
        .iter()
        .find(|r| r.kind == AlertKind::Customer && r.id == raised[0].id)
        .unwrap();
    assert_eq!(c1.rules, ["exact", "transliteration"]);
    assert_eq!(c1.lists, ["un@2026-02-27#1"]);
    assert_eq!(
        (c1.source.as_str(), c1.subject.as_str(), c1.what.as_str()),
        ("rescreen", "c1", "un:QDi.290")
    );
    assert_eq!(c1.score, Some(0.93));
    let sanction = &recorded[0].alerts[1];
    let t1 = all
        .rows
        .iter()
        .find(|r| r.kind == AlertKind::Transfer && r.id == sanction.id)
        .unwrap();
    assert_eq!(
        t1.rules,
        ["sanctions", "typo"],
        "a sanctions alert's entity id is not a rule"
    );
    assert_eq!(t1.lists, ["ofac@2026-03-01#2", "un@2026-02-27#1"]);
    assert_eq!(
        (t1.source.as_str(), t1.subject.as_str(), t1.status.as_str()),
        ("transfer", "T1", "open")
    );
    assert_eq!(t1.score, Some(0.88));
    let r16 = all
        .rows
        .iter()
        .find(|r| r.id == recorded[0].alerts[0].id && r.kind == AlertKind::Transfer)
        .unwrap();
    assert_eq!(r16.rules, ["R16-ORIGINATOR-NAME", "r16"]);
    assert_eq!(r16.score, None);

    // Pages: two of two, then the rest; together exactly the whole list, in its order.
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        let p = page(store, QueueFilter::default(), QueueOrder::Newest, offset, 2);
        assert_eq!(p.total, 6, "the total counts every page");
        assert_eq!(p.rows.len(), 2);
        paged.extend(keys(&p));
    }
    assert_eq!(paged, keys(&all));
    assert!(
        page(store, QueueFilter::default(), QueueOrder::Newest, 6, 2)
            .rows
            .is_empty()
    );
    let oldest = page(store, QueueFilter::default(), QueueOrder::Oldest, 0, 50);
    let mut reversed = keys(&oldest);
    reversed.reverse();
    assert_eq!(reversed, keys(&all));
    let by_score = page(
        store,
        QueueFilter::default(),
        QueueOrder::HighestScore,
        0,
        50,
    );
    let scores: Vec<Option<f64>> = by_score.rows.iter().map(|r| r.score).collect();
    assert_eq!(
        scores,
        [Some(0.93), Some(0.88), Some(0.88), Some(0.71), None, None]
    );

    // Each filter, alone and together.
    let only = |filter: QueueFilter| page(store, filter, QueueOrder::Newest, 0, 50);
    let transfers = only(QueueFilter {
        source: Some("transfer".into()),
        ..QueueFilter::default()
    });
    assert_eq!(transfers.total, 4);
    assert!(transfers.rows.iter().all(|r| r.kind == AlertKind::Transfer));
    let typo = only(QueueFilter {
        rule: Some("typo".into()),
        ..QueueFilter::default()
    });
    assert_eq!(
        typo.total, 3,
        "a rule filters customer and transfer alerts alike"
    );
    let eu = only(QueueFilter {
        list: Some("eu@2026-01-10#4".into()),
        ..QueueFilter::default()
    });
    assert_eq!(keys(&eu), [(AlertKind::Customer, raised[1].id)]);
    let un = only(QueueFilter {
        list: Some("un@2026-02-27#1".into()),
        ..QueueFilter::default()
    });
    assert_eq!(un.total, 5);
    let both = only(QueueFilter {
        rule: Some("typo".into()),
        list: Some("un@2026-02-27#1".into()),
        source: Some("transfer".into()),
        status: Some("open".into()),
        raised_since: Some(days_from_now(-1)),
    });
    assert_eq!(both.total, 2);
    let future = only(QueueFilter {
        raised_since: Some(days_from_now(1)),
        ..QueueFilter::default()
    });
    assert_eq!(future.total, 0);
    let injected = only(QueueFilter {
        rule: Some("x' OR '1'='1".into()),
        ..QueueFilter::default()
    });
    assert_eq!(injected.total, 0);

    // Status changes (a decision, a transfer decision) are followed.
    let analyst = actor(store, Role::Analyst, "alice");
    store
        .decide_transfer_alert(
            sanction.id,
            &crate::NewTransferAlertDecision {
                verdict: crate::TransferVerdict::FalsePositive,
                reason: "other person".into(),
            },
            &analyst,
        )
        .unwrap();
    let closed = only(QueueFilter {
        status: Some("false_positive".into()),
        ..QueueFilter::default()
    });
    assert_eq!(keys(&closed), [(AlertKind::Transfer, sanction.id)]);
    assert_eq!(
        closed.rows[0].rules,
        ["sanctions", "typo"],
        "an update keeps the rules"
    );
    let mut decision = fp("c1", "un:QDi.290-h", None);
    decision.verdict = Verdict::TrueMatch;
    store.record_decision(&decision, &analyst).unwrap();
    let pending = only(QueueFilter {
        status: Some("pending_confirmation".into()),
        ..QueueFilter::default()
    });
    assert_eq!(keys(&pending), [(AlertKind::Customer, raised[0].id)]);

    let facets = store.alert_facets().unwrap();
    assert_eq!(facets.sources, ["onboarding", "rescreen", "transfer"]);
    assert_eq!(
        facets.lists,
        ["eu@2026-01-10#4", "ofac@2026-03-01#2", "un@2026-02-27#1"]
    );
    assert_eq!(
        facets.rules,
        [
            "R16-ORIGINATOR-NAME",
            "exact",
            "r16",
            "sanctions",
            "transliteration",
            "typo"
        ]
    );

    assert_eq!(store.customer("c2").unwrap().unwrap().name, "Jane Roe");
    assert!(store.customer("nobody").unwrap().is_none());
    assert_eq!(
        store.alert(raised[1].id).unwrap().unwrap().entity_id,
        "un:QDi.1"
    );
    assert!(store.alert(raised[1].id + 100).unwrap().is_none());
    let siblings = store
        .transfer_alerts_of_screening(recorded[1].audit.seq)
        .unwrap();
    let ids: Vec<i64> = siblings.iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        recorded[1].alerts.iter().map(|a| a.id).collect::<Vec<_>>()
    );
}
