//! Storage for Cordon behind the [`Store`] trait (list versions) and its
//! sibling traits: [`AuditLog`] (a hash-chained, append-only record of every
//! screening and decision), [`Decisions`] (analyst decisions with four eyes on
//! true matches), [`ApiKeys`] (hashed API keys with roles) and [`Customers`]
//! (the customer register and its alerts), [`TransferAlerts`] (alerts raised
//! by transfer screening, stored with their audit entry, and the analysts'
//! decisions on them, four eyes on true matches), [`MonitorSnapshots`] (the
//! typology monitor's latest state, so its windows outlive a restart),
//! [`ImportJobs`] (a list import, its audit entry and the customer rescreen it
//! owes, committed together and resumed after a crash), [`PublisherCheckpoints`]
//! (the last checkpoint imported from each trusted list publisher). SQLite
//! ([`SqliteStore`]) is the embedded default and implements them all.
//!
//! Every import is one transaction: a failure or a kill leaves the previous
//! version intact and serving. Re-importing identical content is recognised by
//! its content hash and stores nothing new.
//!
//! ```
//! use cordon_model::{Entity, Name, NameKind, ParsedList, Schema};
//! use cordon_store::{ImportRequest, SqliteStore, Store};
//!
//! let store = SqliteStore::open_in_memory().unwrap();
//! let mut list = ParsedList { source: "un".into(), version: Some("2026-02-27".into()), ..Default::default() };
//! let mut entity = Entity::new("un", "QDi.1", Schema::Person);
//! entity.names.push(Name::new("JOHN DOE", NameKind::Primary));
//! list.entities.push(entity);
//! let outcome = store.import(&ImportRequest { list: &list, content_hash: "abc", origin: "demo.xml" }).unwrap();
//! assert!(outcome.created);
//! let again = store.import(&ImportRequest { list: &list, content_hash: "abc", origin: "demo.xml" }).unwrap();
//! assert!(!again.created);
//! assert_eq!(store.latest_lists().unwrap()[0].1.entities.len(), 1);
//! ```

use cordon_model::{Entity, ListCounts, ParsedList};
use serde::Serialize;

pub mod audit;
mod canonical;
pub mod chain;
pub mod checkpoint;
#[cfg(feature = "conformance")]
#[doc(hidden)]
pub mod conformance;
pub mod customers;
pub mod decisions;
pub mod import_jobs;
pub mod keys;
pub mod publisher_checkpoints;
pub mod queue;
pub mod rows;
mod sqlite;
mod sqlite_audit;
mod sqlite_customers;
mod sqlite_decisions;
mod sqlite_import_jobs;
mod sqlite_keys;
mod sqlite_monitor;
mod sqlite_publisher_checkpoints;
mod sqlite_queue;
mod sqlite_transfers;
pub mod transfers;

pub use audit::{
    AuditEntry, AuditLog, AuditVerification, BrokenEntry, NewAuditEntry, PurgeOutcome,
    VerifyProgress,
};
pub use canonical::{canonical_json, sha256_hex};
pub use customers::{Alert, Customer, Customers, MatchTokens, NewAlert, UpsertOutcome};
pub use decisions::{Actor, Decision, DecisionState, Decisions, NewDecision, Verdict};
pub use import_jobs::{ImportJobs, JobClaim, PendingImport};
pub use keys::{ApiKeyInfo, ApiKeys, NewApiKey, Role};
pub use publisher_checkpoints::{PublisherCheckpoints, StoredPublisherCheckpoint};
pub use queue::{
    AlertKind, AlertQueue, QueueFacets, QueueFilter, QueueOrder, QueuePage, QueueRequest, QueueRow,
};
pub use rows::RowProblem;
pub use sqlite::SqliteStore;
pub use sqlite_monitor::{MonitorSnapshots, StoredMonitorChanges, StoredMonitorSnapshot};
pub use transfers::{
    DeliveredTransfer, NewTransferAlert, NewTransferAlertDecision, RecordedTransfer,
    ScreenedTransfer, TransferAlert, TransferAlertDecision, TransferAlertHistory,
    TransferAlertStatus, TransferAlerts, TransferCounts, TransferVerdict,
};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed or is damaged.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A stored record could not be decoded.
    #[error("stored record {what} is unreadable: {message}")]
    Corrupt {
        /// Which record.
        what: String,
        /// Why.
        message: String,
    },
    /// The database was written by a newer Cordon.
    #[error("the data directory's schema version {found} is newer than this Cordon understands ({supported}); upgrade Cordon")]
    SchemaTooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// A requested version does not exist.
    #[error("no stored version matches {0}")]
    NotFound(String),
    /// The caller may not do this (wrong role, or the same person confirming their own decision).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request conflicts with the stored state (confirming a confirmed decision...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input is not acceptable (empty name, bad field); the message names the field.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// A database backend other than the embedded SQLite failed (PostgreSQL:
    /// unreachable, refused, or a statement failed); the message names the statement.
    #[error("database error: {0}")]
    Backend(String),
    /// The data directory could not be prepared.
    #[error("data directory {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// A stored version of one list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionInfo {
    /// Store-wide version number (increasing).
    pub id: i64,
    /// The list's source (`un`, `ofac`, ...).
    pub source: String,
    /// The publisher's version (generation date), when it gives one.
    pub version: Option<String>,
    /// SHA-256 of the imported file(s).
    pub content_hash: String,
    /// When it was imported (RFC 3339, UTC).
    pub imported_at: String,
    /// Where it came from (path or URL).
    pub origin: String,
    /// Entity and name counts.
    pub counts: ListCounts,
    /// Warnings the reader raised.
    pub warnings: Vec<String>,
}

impl VersionInfo {
    /// A label that names this version for humans and on the command line: `un@2026-02-27#3`.
    pub fn label(&self) -> String {
        format!(
            "{}@{}#{}",
            self.source,
            self.version.as_deref().unwrap_or("-"),
            self.id
        )
    }
}

/// What to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    /// The parsed list.
    pub list: &'a ParsedList,
    /// SHA-256 (hex) of the source bytes.
    pub content_hash: &'a str,
    /// Path or URL it came from.
    pub origin: &'a str,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportOutcome {
    /// The version now current for that source.
    pub version: VersionInfo,
    /// False when the same content was already stored (nothing new written).
    pub created: bool,
}

/// The state of automatic updates for one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateStatus {
    /// The list's source.
    pub source: String,
    /// Last attempt (RFC 3339).
    pub last_attempt: String,
    /// Last successful download (RFC 3339), if any.
    pub last_success: Option<String>,
    /// The error of the last attempt, if it failed.
    pub last_error: Option<String>,
}

impl UpdateStatus {
    /// A list is stale when its last update attempt failed.
    pub fn is_stale(&self) -> bool {
        self.last_error.is_some()
    }
}

/// Every trait of this crate in one bound: what a full backend implements
/// (SQLite here, PostgreSQL in `cordon-store-pg`), what the conformance story
/// runs over and what the engine's use cases hold.
pub trait FullStore:
    Store
    + AuditLog
    + Decisions
    + ApiKeys
    + Customers
    + TransferAlerts
    + MonitorSnapshots
    + ImportJobs
    + AlertQueue
    + PublisherCheckpoints
{
}

impl<S> FullStore for S where
    S: Store
        + AuditLog
        + Decisions
        + ApiKeys
        + Customers
        + TransferAlerts
        + MonitorSnapshots
        + ImportJobs
        + AlertQueue
        + PublisherCheckpoints
        + ?Sized
{
}

/// Storage of list versions. Implementations must make [`Store::import`] atomic.
pub trait Store {
    /// Checks that the store can be read and written within `timeout`, for
    /// readiness probes. A backend with nothing to wait on answers at once.
    fn probe(&self, timeout: std::time::Duration) -> Result<()> {
        let _ = timeout;
        Ok(())
    }
    /// Stores a list version atomically (or recognises it as already stored).
    fn import(&self, request: &ImportRequest<'_>) -> Result<ImportOutcome>;
    /// All stored versions, oldest first.
    fn versions(&self) -> Result<Vec<VersionInfo>>;
    /// Loads the entities of one stored version.
    fn load(&self, version_id: i64) -> Result<ParsedList>;
    /// The newest version of every source, with its entities.
    fn latest_lists(&self) -> Result<Vec<(VersionInfo, ParsedList)>>;
    /// Finds a version by `#ID`, `SOURCE@VERSION` or `SOURCE` (newest).
    fn find(&self, spec: &str) -> Result<VersionInfo>;
    /// Records an update attempt for a source.
    fn record_update(&self, source: &str, error: Option<&str>) -> Result<()>;
    /// Update status of every source that was ever updated.
    fn update_statuses(&self) -> Result<Vec<UpdateStatus>>;
    /// A watcher woken when any process stores a list version, for a backend
    /// that can push it (PostgreSQL's LISTEN/NOTIFY); `None` when it cannot
    /// (SQLite): the caller's periodic look at the versions then serves alone.
    fn list_watcher(&self) -> Result<Option<Box<dyn ListWatcher>>> {
        Ok(None)
    }
}

/// News that a list version was stored, pushed by the backend. A watcher may
/// miss news (a dropped connection): callers also look at the stored versions
/// now and then, and treat a reconnection as news.
pub trait ListWatcher: Send {
    /// Waits up to `timeout`: true when a version was stored meanwhile (or
    /// news may have been lost while reconnecting), false when the time passed
    /// quietly. An error says the backend cannot be reached; the caller waits
    /// its period before asking again.
    fn wait(&mut self, timeout: std::time::Duration) -> Result<bool>;
}

/// Entities of a list with their store-side identity, for convenience.
pub fn entity_ids(list: &ParsedList) -> impl Iterator<Item = &str> {
    list.entities.iter().map(|e: &Entity| e.id.as_str())
}

/// Now, as RFC 3339 UTC.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// A timestamp with a fixed width (`2026-02-27T10:00:00.000000Z`), so that
/// stored times sort as text in time order.
pub fn timestamp(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000000Z".to_string())
}

/// Now, as a fixed-width [`timestamp`].
pub fn timestamp_now() -> String {
    timestamp(time::OffsetDateTime::now_utc())
}

/// SHA-256 of an entity's canonical JSON: changes whenever its designation
/// (names, dates, remarks, ...) changes, which lifts false-positive decisions.
pub fn entity_hash(entity: &Entity) -> String {
    let value = serde_json::to_value(entity).unwrap_or(serde_json::Value::Null);
    sha256_hex(canonical_json(&value).as_bytes())
}
