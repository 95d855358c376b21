//! List fan-out on PostgreSQL: several processes (here, store handles with
//! pools of their own) on one store. A version imported through one is
//! indexed by the others within 5 s, pushed by LISTEN/NOTIFY (the followers'
//! periodic look is set far longer than that, so only the notification can
//! be in time); the customer rescreen runs once, by its importer, and a dead
//! importer's rescreen is finished by one follower only.
//!
//! Set `CORDON_TEST_POSTGRES` (e.g. `postgres://postgres@127.0.0.1:5432/postgres`)
//! to run them; unset, each prints a note and passes, so a plain
//! `cargo test` needs no server; set and unreachable, they fail.

use cordon_engine::follow::ListFollower;
use cordon_engine::lists::{import_list, store_version, NewVersion};
use cordon_engine::{ContentHash, Indexed};
use cordon_model::ParsedList;
use cordon_store::{AuditLog, Customer, Customers, ImportJobs, JobClaim};
use cordon_store_pg::PgStore;
use std::time::{Duration, Instant};

const URL_VAR: &str = "CORDON_TEST_POSTGRES";
const THRESHOLD: f64 = cordon_match::DEFAULT_THRESHOLD;
/// Far longer than the 5 s promised: a follower in time was told.
const SLOW_LOOK: Duration = Duration::from_secs(60);

/// A fresh schema, dropped at the end (also on failure).
struct Schema {
    url: String,
    name: String,
}

impl Schema {
    fn fresh() -> Option<Schema> {
        let url = match std::env::var(URL_VAR) {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                eprintln!("note: {URL_VAR} is not set; the PostgreSQL test does not run");
                return None;
            }
        };
        let name = format!("cordon_test_{}", cordon_store::keys::random_hex(6).unwrap());
        Some(Schema { url, name })
    }

    /// One more process on the store.
    fn process(&self) -> PgStore {
        PgStore::open_in_schema(&self.url, &self.name).unwrap()
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ =
                client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
        }
    }
}

fn un(date: &str) -> (ParsedList, ContentHash) {
    let path = format!(
        "{}/../../../shared/data/lists/un/un_consolidated_{date}.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap();
    (
        cordon_lists::un::read(&bytes[..]).unwrap(),
        ContentHash::of_bytes(&bytes),
    )
}

/// A customer listed in 2026 (IRi.001) but not in 2025.
fn abbasi() -> Customer {
    Customer {
        id: "cust-1".into(),
        name: "Fereydoun Abbasi Davani".into(),
        dob: None,
        country: Some("IR".into()),
        schema: None,
        identifiers: Vec::new(),
    }
}

fn count(store: &PgStore, kind: &str) -> usize {
    store
        .audit_entries(0, 1000)
        .unwrap()
        .iter()
        .filter(|e| e.kind == kind)
        .count()
}

/// The store with the 2025 UN list imported and one customer, through `importer`.
fn with_2025(importer: &PgStore) {
    let (old, hash) = un("2025-04-19");
    let new = NewVersion {
        list: &old,
        hash: &hash,
        origin: "2025",
    };
    import_list(importer, new, THRESHOLD, "test").unwrap();
    importer.upsert_customers(&[abbasi()]).unwrap();
}

#[test]
fn a_version_imported_by_one_process_is_served_by_the_others_within_five_seconds_and_rescreened_once(
) {
    let Some(schema) = Schema::fresh() else {
        return;
    };
    let importer = schema.process();
    let followers = [schema.process(), schema.process()];
    with_2025(&importer);
    let mut watching: Vec<(ListFollower, Vec<String>)> = followers
        .iter()
        .map(|store| {
            let follower = ListFollower::start(store, SLOW_LOOK);
            (follower, Indexed::current(store).unwrap().labels)
        })
        .collect();

    let (list, hash) = un("2026-02-27");
    let new = NewVersion {
        list: &list,
        hash: &hash,
        origin: "2026",
    };
    let imported = import_list(&importer, new, THRESHOLD, "test").unwrap();
    let committed = Instant::now();
    for ((follower, labels), store) in watching.iter_mut().zip(&followers) {
        let round = follower.round(store, labels, THRESHOLD).unwrap();
        let indexed = round.indexed.expect("the new version is indexed");
        assert_eq!(indexed.labels, vec![imported.version.label()]);
        assert!(indexed.hashes.contains_key("un:IRi.001"));
        assert!(
            round.resumed.is_empty(),
            "the importer's rescreen is not done again"
        );
    }
    let took = committed.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
    // One rescreen per import, by the importer; the customer alerted once.
    assert_eq!(count(&importer, "customers_rescreened"), 2);
    let alerts = importer.alerts(None, 10).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].entity_id, "un:IRi.001");
}

#[test]
fn a_dead_importers_rescreen_is_finished_by_one_follower_and_a_live_ones_by_none() {
    let Some(schema) = Schema::fresh() else {
        return;
    };
    let importer = schema.process();
    let followers = [schema.process(), schema.process()];
    with_2025(&importer);
    let (list, hash) = un("2026-02-27");
    // The importer stores the version and is still rescreening (its claim holds).
    let live = JobClaim {
        claimant: "importer".into(),
        lease: Duration::from_secs(60),
    };
    let new = NewVersion {
        list: &list,
        hash: &hash,
        origin: "2026",
    };
    let stored = store_version(&importer, new, "test", &live).unwrap();
    let mut follower = ListFollower::start(&followers[0], Duration::from_millis(10));
    let round = follower.round(&followers[0], &[], THRESHOLD).unwrap();
    assert!(round.indexed.is_some());
    assert!(
        round.resumed.is_empty(),
        "a running import is left to its importer"
    );
    // The importer dies: its last renewal's lease runs out.
    let lapsing = JobClaim {
        claimant: "importer".into(),
        lease: Duration::ZERO,
    };
    assert!(importer.claim_import(stored.version.id, &lapsing).unwrap());
    std::thread::sleep(Duration::from_millis(5));
    let mut finished = Vec::new();
    for store in &followers {
        let mut follower = ListFollower::start(store, Duration::from_millis(10));
        let labels = Indexed::current(store).unwrap().labels;
        finished.extend(follower.round(store, &labels, THRESHOLD).unwrap().resumed);
    }
    assert_eq!(
        finished.len(),
        1,
        "one follower finishes it, the other finds it done"
    );
    assert_eq!(finished[0].version.id, stored.version.id);
    assert_eq!(finished[0].rescreen.alerts.len(), 1);
    assert_eq!(count(&importer, "customers_rescreened"), 2);
    assert_eq!(importer.alerts(None, 10).unwrap().len(), 1);
}
