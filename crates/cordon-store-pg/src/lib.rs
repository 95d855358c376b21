//! The PostgreSQL backend of the Cordon store: [`PgStore`] implements every
//! trait of `cordon-store` that the SQLite store implements, with the same
//! semantics, so that several Cordon processes (`serve`, workers, the command
//! line) share one database.
//!
//! Every write runs in a transaction that first takes one transaction-scoped
//! advisory lock of the store (`pg_advisory_xact_lock`): writes are
//! serialised in the database, not in a process, exactly as SQLite's
//! `BEGIN IMMEDIATE` serialises them on one file. The audit chain thus stays
//! gapless and verifiable with any number of writer processes, and the
//! read-then-write rules (four eyes, a standing true match, a closed alert)
//! see no concurrent change. Reads take no lock. Hashing, canonical entries,
//! row anchoring and chain verification are `cordon-store`'s, shared with
//! SQLite.
//!
//! The schema is versioned in `cordon_migrations` and migrated at open; a
//! database written by a newer Cordon is refused. A store lives in one
//! PostgreSQL schema: the URL's default one, or a named one
//! ([`PgStore::open_in_schema`]), so that tests and tenants can share a server.

mod audit;
mod checkpoints;
mod customers;
mod decisions;
mod jobs;
mod keys;
mod leases;
mod lists;
mod pool;
mod queue;
mod schema;
mod signals;
mod transfers;

pub use leases::PartitionLeases;

use cordon_store::decisions::DEFAULT_MAX_DECISION_DAYS;
use cordon_store::{Error, Result};
use pool::Pool;
use postgres::types::FromSql;
use postgres::{Client, Row, Transaction};
use std::time::Duration;

/// Connections one process keeps at most: the service's CPU pool runs four
/// jobs per core and each holds a connection only for its statements, so a
/// handful serves a 2 to 8 core host without crowding PostgreSQL's default
/// 100 connections when several processes share it.
const MAX_CONNECTIONS: usize = 16;

/// How long a caller waits for a free connection or a new one, and how long
/// connecting may take: long enough for a busy moment, short enough that a
/// dead server surfaces as an error rather than a hang.
const CONNECTION_WAIT: Duration = Duration::from_secs(30);

/// A store in a PostgreSQL database (one schema of it).
pub struct PgStore {
    pool: std::sync::Arc<Pool>,
    /// The schema the store's tables live in.
    schema: String,
    /// The advisory lock key every write takes (derived from the schema, so
    /// stores in different schemas do not wait for each other).
    lock_key: i64,
    max_decision_days: u32,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Opens the store at `url` (`postgres://user@host:port/db`) in the
    /// connection's default schema (`public`), migrating it.
    pub fn open(url: &str) -> Result<PgStore> {
        PgStore::open_schema(url, None)
    }

    /// Opens the store in `schema` of the database at `url`, creating the
    /// schema when it does not exist, and migrates it.
    pub fn open_in_schema(url: &str, schema: &str) -> Result<PgStore> {
        PgStore::open_schema(url, Some(schema))
    }

    fn open_schema(url: &str, schema: Option<&str>) -> Result<PgStore> {
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e| Error::Invalid(format!("--store {}: {e}", redact(url))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECTION_WAIT);
        }
        let mut first = config
            .connect(postgres::NoTls)
            .db(&format!("connecting to {}", redact(url)))?;
        let schema = match schema {
            Some(name) => {
                first
                    .batch_execute(&format!(
                        "CREATE SCHEMA IF NOT EXISTS {}",
                        quote_ident(name)
                    ))
                    .db(&format!("creating schema {name}"))?;
                name.to_string()
            }
            None => first
                .query_one("SELECT current_schema()", &[])
                .db("reading the current schema")
                .and_then(|row| get::<Option<String>>(&row, 0, "current_schema"))?
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "--store {}: the connection has no current schema (search_path)",
                        redact(url)
                    ))
                })?,
        };
        let setup = format!("SET search_path TO {}", quote_ident(&schema));
        first.batch_execute(&setup).db("setting the schema")?;
        let store = PgStore {
            pool: std::sync::Arc::new(Pool::new(config, setup, MAX_CONNECTIONS, CONNECTION_WAIT)),
            lock_key: lock_key(&schema),
            schema,
            max_decision_days: DEFAULT_MAX_DECISION_DAYS,
        };
        schema::migrate(&store, &mut first)?;
        Ok(store)
    }

    /// Caps how long a decision may stand (see `SqliteStore::with_max_decision_days`).
    pub fn with_max_decision_days(mut self, days: u32) -> PgStore {
        self.max_decision_days = days;
        self
    }

    /// The longest a decision may stand, in days.
    pub fn max_decision_days(&self) -> u32 {
        self.max_decision_days
    }

    /// The schema the store lives in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// A transaction holding the store's write lock: every write of every
    /// process waits here for the one before it, so audit appends are
    /// serialised in the database and the chain cannot fork.
    pub(crate) fn write_transaction<'c>(&self, client: &'c mut Client) -> Result<Transaction<'c>> {
        let mut tx = client.transaction().db("starting a transaction")?;
        tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({})", self.lock_key))
            .db("taking the store's write lock")?;
        Ok(tx)
    }

    /// Runs `work` in a write transaction (see [`PgStore::write_transaction`])
    /// and commits it when `work` succeeds; otherwise nothing is written.
    pub(crate) fn write<T>(
        &self,
        work: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.pool.with(|client| {
            let mut tx = self.write_transaction(client)?;
            let value = work(&mut tx)?;
            tx.commit().db("committing")?;
            Ok(value)
        })
    }

    /// Runs `work` on a connection outside any explicit transaction (reads).
    pub(crate) fn read<T>(&self, work: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        self.pool.with(work)
    }

    /// Checks within `timeout` that the database answers and the write lock
    /// can be taken (readiness), then releases it.
    pub fn probe(&self, timeout: Duration) -> Result<()> {
        self.pool.with_within(timeout, |client| {
            let mut tx = client.transaction().db("starting the probe")?;
            let millis = timeout.as_millis().max(1);
            tx.batch_execute(&format!(
                "SET LOCAL lock_timeout = {millis}; SELECT pg_advisory_xact_lock({});
                 SELECT 1 FROM audit_head LIMIT 0",
                self.lock_key
            ))
            .db("probing the store's write lock")?;
            tx.rollback().db("ending the probe")
        })
    }
}

/// The advisory lock key of a schema: the first 8 bytes of
/// SHA-256("cordon-store:" + schema).
fn lock_key(schema: &str) -> i64 {
    let hash = cordon_store::sha256_hex(format!("cordon-store:{schema}").as_bytes());
    let high = u64::from_str_radix(&hash[..16], 16).unwrap_or(0);
    i64::from_ne_bytes(high.to_ne_bytes())
}

/// An identifier quoted for SQL (`"my""schema"`).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// PostgreSQL errors as the store's, naming what was being done.
pub(crate) trait DbResult<T> {
    /// The error as [`Error::Backend`], prefixed with `what`.
    fn db(self, what: &str) -> Result<T>;
}

impl<T> DbResult<T> for std::result::Result<T, postgres::Error> {
    fn db(self, what: &str) -> Result<T> {
        self.map_err(|e| {
            let detail = match e.as_db_error() {
                Some(db) => format!("{} ({})", db.message(), db.code().code()),
                None => e.to_string(),
            };
            Error::Backend(format!("{what}: {detail}"))
        })
    }
}

/// Column `index` of a row, an unreadable value naming the column.
pub(crate) fn get<'a, T: FromSql<'a>>(row: &'a Row, index: usize, column: &str) -> Result<T> {
    row.try_get(index).map_err(|e| Error::Corrupt {
        what: format!("column {column}"),
        message: e.to_string(),
    })
}

/// A count or limit as PostgreSQL's BIGINT.
pub(crate) fn big(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown_in_messages() {
        assert_eq!(
            redact("postgres://cordon:s3cret@db:5432/cordon"),
            "postgres://cordon:***@db:5432/cordon"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }

    #[test]
    fn schemas_have_distinct_lock_keys_and_identifiers_are_quoted() {
        assert_ne!(lock_key("public"), lock_key("tenant_a"));
        assert_eq!(lock_key("public"), lock_key("public"));
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
