//! The PostgreSQL store against the conformance story every backend passes,
//! several writer processes on one chain, tampering and schema versions.
//!
//! These tests need a server: set `CORDON_TEST_POSTGRES` (for example
//! `postgres://postgres@127.0.0.1:5432/postgres`). Unset, each test prints a
//! note and passes, so a plain `cargo test` runs without PostgreSQL; set and
//! unreachable, they fail. Each store lives in a fresh schema of a random
//! name, dropped at the end.

use cordon_store::conformance::{backend_contract, concurrent_writers_keep_one_chain};
use cordon_store::{AuditLog, Error, ImportRequest, Store};
use cordon_store_pg::PgStore;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const URL_VAR: &str = "CORDON_TEST_POSTGRES";

fn server() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!("note: {URL_VAR} is not set; the PostgreSQL test does not run");
            None
        }
    }
}

/// Fresh schemas created by a test, dropped when it ends (also on failure).
struct Schemas {
    url: String,
    names: Mutex<Vec<String>>,
}

impl Schemas {
    fn new(url: &str) -> Schemas {
        Schemas {
            url: url.to_string(),
            names: Mutex::new(Vec::new()),
        }
    }

    fn fresh_name(&self) -> String {
        let name = format!("cordon_test_{}", cordon_store::keys::random_hex(6).unwrap());
        self.names.lock().unwrap().push(name.clone());
        name
    }

    fn fresh(&self) -> PgStore {
        PgStore::open_in_schema(&self.url, &self.fresh_name()).unwrap()
    }

    /// SQL run behind the store's back, in its schema.
    fn tamper(&self, schema: &str, sql: &str) {
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("SET search_path TO \"{schema}\"; {sql}"))
            .unwrap();
    }
}

impl Drop for Schemas {
    fn drop(&mut self) {
        let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) else {
            return;
        };
        for name in self.names.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"));
        }
    }
}

#[test]
fn postgres_passes_the_backend_contract() {
    let Some(url) = server() else { return };
    let schemas = Schemas::new(&url);
    backend_contract(|| schemas.fresh());
}

#[test]
fn several_writer_processes_keep_one_gapless_chain() {
    let Some(url) = server() else { return };
    let schemas = Schemas::new(&url);
    let schema = schemas.fresh_name();
    // Four handles, each with its own pool of connections: as four processes.
    let handles: Vec<PgStore> = (0..4)
        .map(|_| PgStore::open_in_schema(&url, &schema).unwrap())
        .collect();
    concurrent_writers_keep_one_chain(&handles, 40);
}

#[test]
fn an_edited_entry_or_a_cut_tail_is_named() {
    let Some(url) = server() else { return };
    let schemas = Schemas::new(&url);
    let store = schemas.fresh();
    cordon_store::conformance::append(&store, "key", 6);
    schemas.tamper(
        store.schema(),
        "UPDATE audit_log SET payload = replace(payload, '0.9', '0.1') WHERE seq = 3",
    );
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, 3, "{broken:?}");

    let store = schemas.fresh();
    cordon_store::conformance::append(&store, "key", 6);
    schemas.tamper(store.schema(), "DELETE FROM audit_log WHERE seq = 6");
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert!(broken.reason.contains("missing"), "{broken:?}");
}

/// The kept publisher checkpoint outlives the process (migration 6): a store
/// opened again on the schema still refuses a rolled-back log.
#[test]
fn a_publisher_checkpoint_survives_reopening_the_schema() {
    use cordon_store::PublisherCheckpoints;
    let Some(url) = server() else { return };
    let schemas = Schemas::new(&url);
    let store = schemas.fresh();
    store
        .keep_publisher_checkpoint("k1", 3, r#"{"size":3}"#)
        .unwrap();
    let reopened = PgStore::open_in_schema(&url, store.schema()).unwrap();
    drop(store);
    assert_eq!(
        reopened.publisher_checkpoint("k1").unwrap().unwrap().size,
        3
    );
    assert!(matches!(
        reopened.keep_publisher_checkpoint("k1", 2, r#"{"size":2}"#),
        Err(Error::Conflict(_))
    ));
}

#[test]
fn a_database_of_a_newer_cordon_is_refused_and_reopening_migrates_once() {
    let Some(url) = server() else { return };
    let schemas = Schemas::new(&url);
    let store = schemas.fresh();
    cordon_store::conformance::append(&store, "key", 2);
    // Reopening applies nothing again and keeps the data.
    let again = PgStore::open_in_schema(&url, store.schema()).unwrap();
    assert_eq!(again.verify_audit().unwrap().checked, 2);
    schemas.tamper(
        store.schema(),
        "INSERT INTO cordon_migrations (version, applied_at) VALUES (999, 'future')",
    );
    match PgStore::open_in_schema(&url, store.schema()) {
        Err(Error::SchemaTooNew { found, .. }) => assert_eq!(found, 999),
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[test]
fn an_unreachable_server_is_an_error_naming_it() {
    // A port nothing listens on, on this machine.
    match PgStore::open("postgres://cordon:secret@127.0.0.1:1/none?connect_timeout=2") {
        Err(Error::Backend(message)) => {
            assert!(message.contains("127.0.0.1"), "{message}");
            assert!(!message.contains("secret"), "{message}");
        }
        other => panic!("expected a backend error, got {other:?}"),
    }
}

#[test]
fn a_version_stored_by_one_process_is_announced_to_the_others_of_its_schema_only() {
    let Some(url) = server() else { return };
    let schemas = Schemas::new(&url);
    let schema = schemas.fresh_name();
    let importer = PgStore::open_in_schema(&url, &schema).unwrap();
    let follower = PgStore::open_in_schema(&url, &schema).unwrap();
    let stranger = schemas.fresh();
    let mut hears = follower.list_watcher().unwrap().unwrap();
    let mut deaf = stranger.list_watcher().unwrap().unwrap();
    // Nothing stored yet: the wait runs its time out.
    assert!(!hears.wait(Duration::from_millis(50)).unwrap());
    let list = cordon_store::conformance::list("2026-02-27", &["A"]);
    let request = ImportRequest {
        list: &list,
        content_hash: "n1",
        origin: "test",
    };
    let started = Instant::now();
    importer.import(&request).unwrap();
    assert!(hears.wait(Duration::from_secs(5)).unwrap());
    // Told at the commit, not at the end of the wait.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(!deaf.wait(Duration::from_millis(200)).unwrap());
    // Content already stored is no news.
    importer.import(&request).unwrap();
    assert!(!hears.wait(Duration::from_millis(200)).unwrap());
}
