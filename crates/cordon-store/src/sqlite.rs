//! The embedded SQLite backend.

use crate::{now, Error, ImportOutcome, ImportRequest, Result, Store, UpdateStatus, VersionInfo};
use cordon_model::{Entity, ListCounts, ParsedList};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Migrations, applied in order; never edit one once released, add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: list versions and their entities.
    "CREATE TABLE list_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        publisher_version TEXT,
        content_hash TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        persons INTEGER NOT NULL,
        organizations INTEGER NOT NULL,
        vessels INTEGER NOT NULL,
        aircraft INTEGER NOT NULL,
        names INTEGER NOT NULL,
        warnings TEXT NOT NULL
     );
     CREATE UNIQUE INDEX list_versions_content ON list_versions(source, content_hash);
     CREATE TABLE list_entities (
        version_id INTEGER NOT NULL REFERENCES list_versions(id),
        position INTEGER NOT NULL,
        source_id TEXT NOT NULL,
        entity TEXT NOT NULL,
        PRIMARY KEY (version_id, position)
     );
     CREATE TABLE list_updates (
        source TEXT PRIMARY KEY,
        last_attempt TEXT NOT NULL,
        last_success TEXT,
        last_error TEXT
     );",
    // 2: the hash-chained audit log; `audit_head` holds the newest entry so a
    // cut-off tail is detected too.
    "CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        caller TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL
     );
     CREATE INDEX audit_log_at ON audit_log(at);
     CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        entry_hash TEXT NOT NULL
     );",
    // 3: analyst decisions on hits.
    "CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        party_key TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        entity_hash TEXT NOT NULL,
        verdict TEXT NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_by_person TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        confirmed_by TEXT,
        confirmed_by_person TEXT,
        confirmed_at TEXT,
        expires_at TEXT
     );
     CREATE INDEX decisions_party ON decisions(party_key, entity_id);",
    // 4: API keys, stored as SHA-256 of the secret only.
    "CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        person TEXT NOT NULL,
        role TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
     );",
    // 5: the customer register and the alerts raised against it.
    "CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        dob TEXT,
        country TEXT,
        schema TEXT,
        identifiers TEXT NOT NULL,
        updated_at TEXT NOT NULL
     );
     CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        entity_hash TEXT NOT NULL,
        list_version TEXT NOT NULL,
        score REAL NOT NULL,
        reason TEXT NOT NULL,
        details TEXT NOT NULL,
        status TEXT NOT NULL,
        raised_at TEXT NOT NULL
     );
     CREATE UNIQUE INDEX alerts_once ON alerts(customer_id, entity_id, entity_hash);",
    // 6: alerts raised by transfer screening, tied to the screening's audit entry.
    "CREATE TABLE transfer_alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        transfer_id TEXT,
        kind TEXT NOT NULL,
        rule TEXT NOT NULL,
        message TEXT NOT NULL,
        details TEXT NOT NULL,
        audit_seq INTEGER NOT NULL,
        raised_at TEXT NOT NULL
     );",
    // 7: a status on transfer alerts, the list versions they were screened
    // against (taken from their screening's audit entry for older alerts),
    // and the analysts' decisions on them.
    "ALTER TABLE transfer_alerts ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
     ALTER TABLE transfer_alerts ADD COLUMN list_versions TEXT NOT NULL DEFAULT '[]';
     UPDATE transfer_alerts SET list_versions = COALESCE(
        (SELECT json_extract(payload, '$.lists') FROM audit_log
          WHERE audit_log.seq = transfer_alerts.audit_seq
            AND json_type(payload, '$.lists') = 'array'),
        '[]');
     CREATE INDEX transfer_alerts_status ON transfer_alerts(status, id);
     CREATE TABLE transfer_alert_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id INTEGER NOT NULL REFERENCES transfer_alerts(id),
        verdict TEXT NOT NULL,
        reason TEXT NOT NULL,
        status_before TEXT NOT NULL,
        status_after TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_by_person TEXT NOT NULL,
        decided_by_role TEXT NOT NULL,
        list_versions TEXT NOT NULL,
        decided_at TEXT NOT NULL
     );
     CREATE INDEX transfer_alert_decisions_alert ON transfer_alert_decisions(alert_id, id);",
    // 8: the latest snapshot of the typology monitor's windows (one row, replaced on every
    // save), so that a pattern straddling a restart is still found. `IF NOT EXISTS`: a
    // database whose user_version was set back (tests that replay migration 7) keeps it.
    "CREATE TABLE IF NOT EXISTS monitor_snapshot (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pack_version TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        saved_at TEXT NOT NULL
     );",
    // 9: decisions and api_keys rows anchored in the audit chain: from now on
    // their entries carry row hashes, and the rows already present are
    // anchored by one `rows_anchored` entry written with this migration
    // (see `ROWS_ANCHORED_MIGRATION`). No schema change.
    "-- rows anchored in the audit chain",
    // 10: import jobs: a list version, its `list_imported` audit entry and this
    // row are written in one transaction; the row is finished when the
    // customer rescreen it owes is done, so an interrupted import resumes.
    "CREATE TABLE IF NOT EXISTS list_import_jobs (
        version_id INTEGER PRIMARY KEY REFERENCES list_versions(id),
        previous_id INTEGER,
        caller TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT
     );
     CREATE INDEX IF NOT EXISTS list_import_jobs_pending ON list_import_jobs(finished_at, version_id);",
    // 11: the typology monitor's journal: what each batch of transfers changed
    // (the windows it touched, the delivery keys it added), appended after the
    // batch, so a crash loses nothing acknowledged; a full snapshot save empties
    // it in the same transaction (compaction).
    "CREATE TABLE IF NOT EXISTS monitor_journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        pack_version TEXT NOT NULL,
        changes TEXT NOT NULL,
        saved_at TEXT NOT NULL
     );",
    // 12: transfers already recorded, by delivery key (UETR, else message id,
    // transaction ids and amount), with how many repeats of each were seen, so
    // that a repeated delivery is recognised across processes and restarts.
    "CREATE TABLE IF NOT EXISTS transfer_deliveries (
        delivery_key TEXT PRIMARY KEY,
        audit_seq INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        repeats INTEGER NOT NULL DEFAULT 0
     );",
    // 13: the alert queue (`queue.rs`): one narrow row per customer or transfer
    // alert with what the queue filters and sorts on, its rules and list labels
    // in side tables keyed for look-up by value, kept by triggers on both alert
    // tables and filled from the alerts present. The views hold the one reading
    // of the alerts' JSON (guarded: a malformed value reads as nothing, never an
    // error that would refuse the alert's write). `IF NOT EXISTS`, `OR REPLACE`:
    // tests that replay earlier migrations run this one again.
    "CREATE TABLE IF NOT EXISTS alert_queue (
        kind TEXT NOT NULL,
        alert_id INTEGER NOT NULL,
        source TEXT NOT NULL,
        subject TEXT NOT NULL,
        what TEXT NOT NULL,
        lists TEXT NOT NULL,
        rules TEXT NOT NULL,
        status TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        score REAL,
        PRIMARY KEY (kind, alert_id)
     );
     CREATE INDEX IF NOT EXISTS alert_queue_time ON alert_queue(raised_at, alert_id, kind);
     CREATE INDEX IF NOT EXISTS alert_queue_status ON alert_queue(status, raised_at, alert_id, kind);
     CREATE INDEX IF NOT EXISTS alert_queue_source ON alert_queue(source, raised_at, alert_id, kind);
     CREATE INDEX IF NOT EXISTS alert_queue_score ON alert_queue(score, raised_at, alert_id, kind);
     CREATE TABLE IF NOT EXISTS alert_queue_rules (
        kind TEXT NOT NULL,
        alert_id INTEGER NOT NULL,
        rule TEXT NOT NULL,
        PRIMARY KEY (kind, alert_id, rule)
     ) WITHOUT ROWID;
     CREATE INDEX IF NOT EXISTS alert_queue_rules_rule ON alert_queue_rules(rule, kind, alert_id);
     CREATE TABLE IF NOT EXISTS alert_queue_lists (
        kind TEXT NOT NULL,
        alert_id INTEGER NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (kind, alert_id, label)
     ) WITHOUT ROWID;
     CREATE INDEX IF NOT EXISTS alert_queue_lists_label ON alert_queue_lists(label, kind, alert_id);
     CREATE INDEX IF NOT EXISTS transfer_alerts_screening ON transfer_alerts(audit_seq, id);
     CREATE VIEW IF NOT EXISTS alert_queue_customer_rules AS
        SELECT 'customer' AS kind, a.id AS alert_id, json_extract(j.value, '$.rule') AS rule
          FROM alerts a,
               json_each(CASE WHEN json_valid(a.details) THEN a.details ELSE '{}' END,
                         '$.explanation.name.alignment') j
         WHERE j.type = 'object' AND json_type(j.value, '$.rule') = 'text';
     CREATE VIEW IF NOT EXISTS alert_queue_transfer_rules AS
        SELECT 'transfer' AS kind, t.id AS alert_id, t.kind AS rule FROM transfer_alerts t
        UNION ALL
        -- a sanctions alert's rule is the listed entity's id: not a rule.
        SELECT 'transfer', t.id, t.rule FROM transfer_alerts t WHERE t.kind <> 'sanctions'
        UNION ALL
        SELECT 'transfer', t.id, json_extract(j.value, '$.rule')
          FROM transfer_alerts t,
               json_each(CASE WHEN json_valid(t.details) THEN t.details ELSE '{}' END,
                         '$.match.explanation.name.alignment') j
         WHERE j.type = 'object' AND json_type(j.value, '$.rule') = 'text';
     CREATE VIEW IF NOT EXISTS alert_queue_transfer_lists AS
        SELECT 'transfer' AS kind, t.id AS alert_id, j.value AS label
          FROM transfer_alerts t,
               json_each(CASE WHEN json_valid(t.list_versions) THEN t.list_versions ELSE '[]' END) j
         WHERE j.type = 'text';
     CREATE VIEW IF NOT EXISTS alert_queue_customer_rows AS
        SELECT 'customer' AS kind, a.id AS alert_id, a.reason AS source, a.customer_id AS subject,
               a.entity_id AS what, json_array(a.list_version) AS lists,
               (SELECT json_group_array(rule) FROM (SELECT rule FROM alert_queue_rules r
                   WHERE r.kind = 'customer' AND r.alert_id = a.id ORDER BY rule)) AS rules,
               a.status AS status, a.raised_at AS raised_at, a.score AS score
          FROM alerts a;
     CREATE VIEW IF NOT EXISTS alert_queue_transfer_rows AS
        SELECT 'transfer' AS kind, t.id AS alert_id, 'transfer' AS source,
               COALESCE(t.transfer_id, '(no id)') AS subject, t.message AS what,
               (SELECT json_group_array(label) FROM (SELECT label FROM alert_queue_lists l
                   WHERE l.kind = 'transfer' AND l.alert_id = t.id ORDER BY label)) AS lists,
               (SELECT json_group_array(rule) FROM (SELECT rule FROM alert_queue_rules r
                   WHERE r.kind = 'transfer' AND r.alert_id = t.id ORDER BY rule)) AS rules,
               t.status AS status, t.raised_at AS raised_at,
               CASE WHEN NOT json_valid(t.details) THEN NULL
                    WHEN json_type(t.details, '$.match.score') IN ('real', 'integer')
                    THEN json_extract(t.details, '$.match.score') END AS score
          FROM transfer_alerts t;
     CREATE TRIGGER IF NOT EXISTS alert_queue_alerts_insert AFTER INSERT ON alerts BEGIN
        INSERT OR IGNORE INTO alert_queue_rules SELECT * FROM alert_queue_customer_rules WHERE alert_id = NEW.id;
        INSERT OR IGNORE INTO alert_queue_lists VALUES ('customer', NEW.id, NEW.list_version);
        INSERT OR REPLACE INTO alert_queue SELECT * FROM alert_queue_customer_rows WHERE alert_id = NEW.id;
     END;
     CREATE TRIGGER IF NOT EXISTS alert_queue_alerts_update AFTER UPDATE ON alerts BEGIN
        DELETE FROM alert_queue_rules WHERE kind = 'customer' AND alert_id = OLD.id;
        DELETE FROM alert_queue_lists WHERE kind = 'customer' AND alert_id = OLD.id;
        DELETE FROM alert_queue WHERE kind = 'customer' AND alert_id = OLD.id;
        INSERT OR IGNORE INTO alert_queue_rules SELECT * FROM alert_queue_customer_rules WHERE alert_id = NEW.id;
        INSERT OR IGNORE INTO alert_queue_lists VALUES ('customer', NEW.id, NEW.list_version);
        INSERT OR REPLACE INTO alert_queue SELECT * FROM alert_queue_customer_rows WHERE alert_id = NEW.id;
     END;
     CREATE TRIGGER IF NOT EXISTS alert_queue_alerts_delete AFTER DELETE ON alerts BEGIN
        DELETE FROM alert_queue_rules WHERE kind = 'customer' AND alert_id = OLD.id;
        DELETE FROM alert_queue_lists WHERE kind = 'customer' AND alert_id = OLD.id;
        DELETE FROM alert_queue WHERE kind = 'customer' AND alert_id = OLD.id;
     END;
     CREATE TRIGGER IF NOT EXISTS alert_queue_transfer_insert AFTER INSERT ON transfer_alerts BEGIN
        INSERT OR IGNORE INTO alert_queue_rules SELECT * FROM alert_queue_transfer_rules WHERE alert_id = NEW.id;
        INSERT OR IGNORE INTO alert_queue_lists SELECT * FROM alert_queue_transfer_lists WHERE alert_id = NEW.id;
        INSERT OR REPLACE INTO alert_queue SELECT * FROM alert_queue_transfer_rows WHERE alert_id = NEW.id;
     END;
     CREATE TRIGGER IF NOT EXISTS alert_queue_transfer_update AFTER UPDATE ON transfer_alerts BEGIN
        DELETE FROM alert_queue_rules WHERE kind = 'transfer' AND alert_id = OLD.id;
        DELETE FROM alert_queue_lists WHERE kind = 'transfer' AND alert_id = OLD.id;
        DELETE FROM alert_queue WHERE kind = 'transfer' AND alert_id = OLD.id;
        INSERT OR IGNORE INTO alert_queue_rules SELECT * FROM alert_queue_transfer_rules WHERE alert_id = NEW.id;
        INSERT OR IGNORE INTO alert_queue_lists SELECT * FROM alert_queue_transfer_lists WHERE alert_id = NEW.id;
        INSERT OR REPLACE INTO alert_queue SELECT * FROM alert_queue_transfer_rows WHERE alert_id = NEW.id;
     END;
     CREATE TRIGGER IF NOT EXISTS alert_queue_transfer_delete AFTER DELETE ON transfer_alerts BEGIN
        DELETE FROM alert_queue_rules WHERE kind = 'transfer' AND alert_id = OLD.id;
        DELETE FROM alert_queue_lists WHERE kind = 'transfer' AND alert_id = OLD.id;
        DELETE FROM alert_queue WHERE kind = 'transfer' AND alert_id = OLD.id;
     END;
     INSERT OR IGNORE INTO alert_queue_rules SELECT * FROM alert_queue_customer_rules;
     INSERT OR IGNORE INTO alert_queue_rules SELECT * FROM alert_queue_transfer_rules;
     INSERT OR IGNORE INTO alert_queue_lists SELECT 'customer', id, list_version FROM alerts;
     INSERT OR IGNORE INTO alert_queue_lists SELECT * FROM alert_queue_transfer_lists;
     INSERT OR REPLACE INTO alert_queue SELECT * FROM alert_queue_customer_rows;
     INSERT OR REPLACE INTO alert_queue SELECT * FROM alert_queue_transfer_rows;",

    // 14 (issue 14): the claim on an import job's customer rescreen, a lease
    // its runner renews, so that of the processes sharing the store one runs it and
    // another takes it over only when the runner died. A table of its own, so that
    // the migration can be replayed (SQLite has no ADD COLUMN IF NOT EXISTS).
    "CREATE TABLE IF NOT EXISTS list_import_claims (
        version_id INTEGER PRIMARY KEY REFERENCES list_import_jobs(version_id),
        claimed_by TEXT NOT NULL,
        claimed_until TEXT NOT NULL
     );",

    // 15 (issue 16): the last checkpoint imported from each trusted publisher
    // of signed list publications, so that a rolled-back log is refused across
    // restarts (`cordon_store::publisher_checkpoints`).
    "CREATE TABLE IF NOT EXISTS publisher_checkpoints (
        key_id TEXT PRIMARY KEY,
        size INTEGER NOT NULL CHECK (size >= 0),
        checkpoint TEXT NOT NULL,
        saved_at TEXT NOT NULL
     );",

    // 16 (issue 11): each customer's retrieval tokens, derived by the matcher under
    // a stamp, so that a delta rescreen prepares only the customers the changed
    // designations can reach. A table of its own (no ADD COLUMN) so that the
    // migration can be replayed; a customer's upsert deletes its row.
    "CREATE TABLE IF NOT EXISTS customer_match_tokens (
        customer_id TEXT PRIMARY KEY,
        stamp TEXT NOT NULL,
        tokens TEXT NOT NULL
     ) WITHOUT ROWID;",
];

/// The migration after which the rows present are anchored in the audit chain.
const ROWS_ANCHORED_MIGRATION: usize = 9;

/// Read-only connections of a file store. Readers in WAL mode never wait for
/// the writer nor it for them, so a few let authentication, suppression
/// look-ups and listings go on while a write (a batch's audit entries, an
/// import) holds the writer; each costs its page cache (2 MB at most).
const READERS: usize = 4;

/// How long a reader waits for a lock: WAL readers wait only while the file
/// is being recovered or checkpointed in truncate mode, which is short.
const READER_BUSY: Duration = Duration::from_secs(5);

/// A [`Store`] in one SQLite file (WAL mode), or in memory for tests.
///
/// Writes are serialised on one connection; reads go to a small pool of
/// read-only connections (file stores only), and audit verification reads
/// a snapshot on a connection of its own, so neither waits for the other.
pub struct SqliteStore {
    connection: Mutex<Connection>,
    /// Read-only connections (none in memory, where reads use the writer).
    readers: Vec<Mutex<Connection>>,
    /// Where the next reader search starts (spreads waits when all are busy).
    next_reader: AtomicUsize,
    /// The database file (none in memory).
    path: Option<PathBuf>,
    /// The longest a decision may stand, in days (see [`SqliteStore::with_max_decision_days`]).
    max_decision_days: u32,
}

/// A connection holding a read snapshot: its own (file stores) or the
/// writer's (in memory).
pub(crate) enum ReadSnapshot<'a> {
    /// A connection opened for this read.
    Own(Connection),
    /// The writer, locked.
    Shared(MutexGuard<'a, Connection>),
}

impl std::ops::Deref for ReadSnapshot<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            ReadSnapshot::Own(connection) => connection,
            ReadSnapshot::Shared(guard) => guard,
        }
    }
}

fn open_reader(path: &Path) -> Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(READER_BUSY)?;
    Ok(connection)
}

fn lock(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave SQLite inconsistent
    // (transactions roll back), so a poisoned lock is safe to reuse.
    connection
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SqliteStore {
    /// Opens (creating if needed) `cordon.db` in a data directory.
    pub fn open_dir(dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        SqliteStore::open(&dir.join("cordon.db"))
    }

    /// Opens (creating if needed) a database file.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = SqliteStore::with_connection(connection)?;
        // Opened after the migrations, so they see the current schema.
        store.readers = (0..READERS)
            .map(|_| open_reader(path).map(Mutex::new))
            .collect::<Result<_>>()?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// A private in-memory database.
    pub fn open_in_memory() -> Result<SqliteStore> {
        SqliteStore::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(mut connection: Connection) -> Result<SqliteStore> {
        migrate(&mut connection)?;
        Ok(SqliteStore {
            connection: Mutex::new(connection),
            readers: Vec::new(),
            next_reader: AtomicUsize::new(0),
            path: None,
            max_decision_days: crate::decisions::DEFAULT_MAX_DECISION_DAYS,
        })
    }

    /// A read-only connection: a free one from the pool, else the next one
    /// in turn (reads are short); the writer in memory.
    pub(crate) fn reader(&self) -> MutexGuard<'_, Connection> {
        if self.readers.is_empty() {
            return self.conn();
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let count = self.readers.len();
        for i in 0..count {
            match self.readers[(start + i) % count].try_lock() {
                Ok(guard) => return guard,
                Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        lock(&self.readers[start % count])
    }

    /// A connection of its own for a long read (audit verification), so that
    /// pooled readers and the writer go on meanwhile; the writer in memory.
    pub(crate) fn snapshot(&self) -> Result<ReadSnapshot<'_>> {
        Ok(match &self.path {
            Some(path) => ReadSnapshot::Own(open_reader(path)?),
            None => ReadSnapshot::Shared(self.conn()),
        })
    }

    /// Checks that the database can be read and written within `timeout`
    /// (for readiness probes): takes the write lock and releases it at once,
    /// on a connection of its own so that it never waits behind this
    /// process's queue of writes for longer than `timeout`.
    pub fn probe(&self, timeout: Duration) -> Result<()> {
        let Some(path) = &self.path else {
            // In memory there is no other process: the writer answers when free.
            return self
                .conn()
                .execute_batch("SELECT 1 FROM audit_head LIMIT 0")
                .map_err(Error::from);
        };
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(timeout)?;
        connection.execute_batch("BEGIN IMMEDIATE; SELECT 1 FROM audit_head LIMIT 0; ROLLBACK;")?;
        Ok(())
    }

    /// Caps how long a decision may stand: `expires_at` further ahead is
    /// refused, and a false positive without one lapses after `days`.
    pub fn with_max_decision_days(mut self, days: u32) -> SqliteStore {
        self.max_decision_days = days;
        self
    }

    /// The longest a decision may stand, in days.
    pub fn max_decision_days(&self) -> u32 {
        self.max_decision_days
    }

    /// The writer (every write, and reads in memory).
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        lock(&self.connection)
    }
}

/// A transaction that takes the write lock at once, so that two processes on
/// the same file (the server and a `cordon keys create`) queue behind the
/// busy timeout instead of failing when both read the audit head and then
/// try to write.
pub(crate) fn write_transaction(connection: &mut Connection) -> Result<rusqlite::Transaction<'_>> {
    Ok(connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

fn migrate(connection: &mut Connection) -> Result<()> {
    let current: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if current > supported {
        return Err(Error::SchemaTooNew {
            found: current,
            supported,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = connection.transaction()?;
        tx.execute_batch(sql)?;
        if index + 1 == ROWS_ANCHORED_MIGRATION {
            crate::sqlite_audit::anchor_existing_rows(&tx)?;
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

const VERSION_COLUMNS: &str = "id, source, publisher_version, content_hash, imported_at, origin,
    persons, organizations, vessels, aircraft, names, warnings";

fn version_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<VersionInfo> {
    let warnings: String = row.get(11)?;
    Ok(VersionInfo {
        id: row.get(0)?,
        source: row.get(1)?,
        version: row.get(2)?,
        content_hash: row.get(3)?,
        imported_at: row.get(4)?,
        origin: row.get(5)?,
        counts: ListCounts {
            persons: row.get::<_, i64>(6)? as usize,
            organizations: row.get::<_, i64>(7)? as usize,
            vessels: row.get::<_, i64>(8)? as usize,
            aircraft: row.get::<_, i64>(9)? as usize,
            names: row.get::<_, i64>(10)? as usize,
        },
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
    })
}

pub(crate) fn version_by_id(connection: &Connection, id: i64) -> Result<Option<VersionInfo>> {
    Ok(connection
        .query_row(
            &format!("SELECT {VERSION_COLUMNS} FROM list_versions WHERE id = ?1"),
            params![id],
            version_from_row,
        )
        .optional()?)
}

fn latest_ids(connection: &Connection) -> Result<Vec<i64>> {
    let mut statement =
        connection.prepare("SELECT MAX(id) FROM list_versions GROUP BY source ORDER BY source")?;
    let ids = statement
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

fn load_entities(connection: &Connection, version: &VersionInfo) -> Result<ParsedList> {
    let mut statement = connection
        .prepare("SELECT entity FROM list_entities WHERE version_id = ?1 ORDER BY position")?;
    let mut rows = statement.query(params![version.id])?;
    let mut entities = Vec::new();
    while let Some(row) = rows.next()? {
        let json: String = row.get(0)?;
        let entity: Entity = serde_json::from_str(&json).map_err(|e| Error::Corrupt {
            what: format!("entity of version {}", version.label()),
            message: e.to_string(),
        })?;
        entities.push(entity);
    }
    Ok(ParsedList {
        source: version.source.clone(),
        version: version.version.clone(),
        entities,
        warnings: version.warnings.clone(),
    })
}

/// The stored version holding exactly this content, if any.
pub(crate) fn stored_content(
    connection: &Connection,
    request: &ImportRequest<'_>,
) -> Result<Option<VersionInfo>> {
    let existing: Option<i64> = connection
        .query_row(
            "SELECT id FROM list_versions WHERE source = ?1 AND content_hash = ?2",
            params![request.list.source, request.content_hash],
            |row| row.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => Ok(Some(
            version_by_id(connection, id)?.ok_or_else(|| Error::NotFound(format!("#{id}")))?,
        )),
        None => Ok(None),
    }
}

/// Writes a new version row and its entities inside the caller's transaction.
pub(crate) fn insert_version(
    tx: &rusqlite::Transaction<'_>,
    request: &ImportRequest<'_>,
) -> Result<VersionInfo> {
    let list = request.list;
    let counts = list.counts();
    tx.execute(
        "INSERT INTO list_versions (source, publisher_version, content_hash, imported_at, origin,
            persons, organizations, vessels, aircraft, names, warnings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            list.source,
            list.version,
            request.content_hash,
            now(),
            request.origin,
            counts.persons as i64,
            counts.organizations as i64,
            counts.vessels as i64,
            counts.aircraft as i64,
            counts.names as i64,
            serde_json::to_string(&list.warnings).unwrap_or_else(|_| "[]".into()),
        ],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut insert = tx.prepare(
            "INSERT INTO list_entities (version_id, position, source_id, entity) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (position, entity) in list.entities.iter().enumerate() {
            let json = serde_json::to_string(entity).map_err(|e| Error::Corrupt {
                what: entity.id.clone(),
                message: e.to_string(),
            })?;
            insert.execute(params![
                id,
                position as i64,
                entity.designation.source_id,
                json
            ])?;
        }
    }
    version_by_id(tx, id)?.ok_or_else(|| Error::NotFound(format!("#{id}")))
}

impl Store for SqliteStore {
    fn probe(&self, timeout: Duration) -> Result<()> {
        SqliteStore::probe(self, timeout)
    }

    fn import(&self, request: &ImportRequest<'_>) -> Result<ImportOutcome> {
        let mut connection = self.conn();
        if let Some(version) = stored_content(&connection, request)? {
            return Ok(ImportOutcome {
                version,
                created: false,
            });
        }
        let tx = connection.transaction()?;
        let version = insert_version(&tx, request)?;
        tx.commit()?;
        Ok(ImportOutcome {
            version,
            created: true,
        })
    }

    fn versions(&self) -> Result<Vec<VersionInfo>> {
        let connection = self.reader();
        let mut statement = connection.prepare(&format!(
            "SELECT {VERSION_COLUMNS} FROM list_versions ORDER BY id"
        ))?;
        let versions = statement
            .query_map([], version_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(versions)
    }

    fn load(&self, version_id: i64) -> Result<ParsedList> {
        let connection = self.reader();
        let version = version_by_id(&connection, version_id)?
            .ok_or_else(|| Error::NotFound(format!("#{version_id}")))?;
        load_entities(&connection, &version)
    }

    fn latest_lists(&self) -> Result<Vec<(VersionInfo, ParsedList)>> {
        let connection = self.reader();
        let mut lists = Vec::new();
        for id in latest_ids(&connection)? {
            if let Some(version) = version_by_id(&connection, id)? {
                let list = load_entities(&connection, &version)?;
                lists.push((version, list));
            }
        }
        Ok(lists)
    }

    fn find(&self, spec: &str) -> Result<VersionInfo> {
        let connection = self.reader();
        let not_found = || Error::NotFound(spec.to_string());
        if let Some(id) = spec.strip_prefix('#') {
            let id: i64 = id.parse().map_err(|_| not_found())?;
            return version_by_id(&connection, id)?.ok_or_else(not_found);
        }
        let (source, version) = match spec.split_once('@') {
            Some((source, version)) => (source, Some(version)),
            None => (spec, None),
        };
        let found = match version {
            Some(version) => connection
                .query_row(
                    &format!(
                        "SELECT {VERSION_COLUMNS} FROM list_versions
                         WHERE source = ?1 AND publisher_version = ?2 ORDER BY id DESC LIMIT 1"
                    ),
                    params![source, version],
                    version_from_row,
                )
                .optional()?,
            None => connection
                .query_row(
                    &format!(
                        "SELECT {VERSION_COLUMNS} FROM list_versions
                         WHERE source = ?1 ORDER BY id DESC LIMIT 1"
                    ),
                    params![source],
                    version_from_row,
                )
                .optional()?,
        };
        found.ok_or_else(not_found)
    }

    fn record_update(&self, source: &str, error: Option<&str>) -> Result<()> {
        let connection = self.conn();
        let at = now();
        connection.execute(
            "INSERT INTO list_updates (source, last_attempt, last_success, last_error)
             VALUES (?1, ?2, CASE WHEN ?3 IS NULL THEN ?2 END, ?3)
             ON CONFLICT(source) DO UPDATE SET
                last_attempt = excluded.last_attempt,
                last_success = COALESCE(excluded.last_success, list_updates.last_success),
                last_error = excluded.last_error",
            params![source, at, error],
        )?;
        Ok(())
    }

    fn update_statuses(&self) -> Result<Vec<UpdateStatus>> {
        let connection = self.reader();
        let mut statement = connection.prepare(
            "SELECT source, last_attempt, last_success, last_error FROM list_updates ORDER BY source",
        )?;
        let statuses = statement
            .query_map([], |row| {
                Ok(UpdateStatus {
                    source: row.get(0)?,
                    last_attempt: row.get(1)?,
                    last_success: row.get(2)?,
                    last_error: row.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(statuses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Name, NameKind, Schema};

    fn list(source: &str, version: &str, ids: &[&str]) -> ParsedList {
        let entities = ids
            .iter()
            .map(|id| {
                let mut e = Entity::new(source, id, Schema::Person);
                e.names
                    .push(Name::new(format!("NAME {id}"), NameKind::Primary));
                e
            })
            .collect();
        ParsedList {
            source: source.into(),
            version: Some(version.into()),
            entities,
            warnings: vec!["a warning".into()],
        }
    }

    fn import(store: &SqliteStore, list: &ParsedList, hash: &str) -> ImportOutcome {
        store
            .import(&ImportRequest {
                list,
                content_hash: hash,
                origin: "test",
            })
            .unwrap()
    }

    #[test]
    fn versions_round_trip_and_latest_wins() {
        let store = SqliteStore::open_in_memory().unwrap();
        let v1 = import(&store, &list("un", "2025-04-19", &["A", "B"]), "h1");
        let v2 = import(&store, &list("un", "2026-02-27", &["A", "C", "D"]), "h2");
        import(&store, &list("ofac", "x", &["1"]), "h3");
        assert!(v2.version.id > v1.version.id);
        let latest = store.latest_lists().unwrap();
        assert_eq!(latest.len(), 2);
        let un = latest.iter().find(|(v, _)| v.source == "un").unwrap();
        assert_eq!(un.1.entities.len(), 3);
        assert_eq!(un.0.warnings, vec!["a warning".to_string()]);
        assert_eq!(store.load(v1.version.id).unwrap().entities.len(), 2);
        assert_eq!(store.find("un@2025-04-19").unwrap().id, v1.version.id);
        assert_eq!(store.find("un").unwrap().id, v2.version.id);
        assert_eq!(
            store.find(&format!("#{}", v1.version.id)).unwrap().source,
            "un"
        );
        assert!(matches!(store.find("eu"), Err(Error::NotFound(_))));
        assert_eq!(store.versions().unwrap().len(), 3);
    }

    #[test]
    fn same_content_is_not_stored_twice() {
        let store = SqliteStore::open_in_memory().unwrap();
        let l = list("un", "1", &["A"]);
        assert!(import(&store, &l, "h").created);
        let again = import(&store, &l, "h");
        assert!(!again.created);
        assert_eq!(store.versions().unwrap().len(), 1);
    }

    #[test]
    fn update_status_keeps_last_success() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.record_update("un", None).unwrap();
        store.record_update("un", Some("HTTP 503")).unwrap();
        let status = &store.update_statuses().unwrap()[0];
        assert!(status.is_stale());
        assert!(status.last_success.is_some());
        assert_eq!(status.last_error.as_deref(), Some("HTTP 503"));
    }

    #[test]
    fn file_store_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SqliteStore::open_dir(dir.path()).unwrap();
            import(&store, &list("un", "1", &["A"]), "h");
        }
        let store = SqliteStore::open_dir(dir.path()).unwrap();
        assert_eq!(store.latest_lists().unwrap()[0].1.entities.len(), 1);
    }
}
