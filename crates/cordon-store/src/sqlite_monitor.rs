//! [`MonitorSnapshots`] on SQLite: the latest state of the typology monitor, one row
//! replaced on every save, and the journal of what changed since (one row per batch of
//! transfers, emptied by the next save).
//!
//! The store keeps the snapshot as opaque JSON text with the rules pack version it was taken
//! under; reading it back and checking that it fits the pack is the monitor's business
//! (`cordon_monitor::Monitor::restore`), so this crate does not depend on the monitor.

use crate::sqlite::write_transaction;
use crate::{timestamp_now, Error, Result, SqliteStore};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// The stored snapshot of the typology monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMonitorSnapshot {
    /// The version of the rules pack the snapshot was taken under.
    pub pack_version: String,
    /// The snapshot, as JSON text.
    pub snapshot: String,
    /// When it was saved (fixed-width RFC 3339, UTC).
    pub saved_at: String,
}

/// One entry of the monitor's journal: what a batch of transfers changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMonitorChanges {
    /// Its place in the journal (increasing).
    pub seq: i64,
    /// The version of the rules pack the changes were taken under.
    pub pack_version: String,
    /// The changes, as JSON text.
    pub changes: String,
    /// When they were appended (fixed-width RFC 3339, UTC).
    pub saved_at: String,
}

/// Storage of the typology monitor's latest snapshot and of the journal after it.
pub trait MonitorSnapshots {
    /// Replaces the stored snapshot and empties the journal, in one transaction (the snapshot
    /// holds everything the journal did); `snapshot` is JSON text, refused when empty.
    fn save_monitor_snapshot(&self, pack_version: &str, snapshot: &str) -> Result<()>;
    /// The stored snapshot, if one was ever saved.
    fn monitor_snapshot(&self) -> Result<Option<StoredMonitorSnapshot>>;
    /// Appends what a batch changed (JSON text, refused when empty) to the journal.
    fn append_monitor_changes(&self, pack_version: &str, changes: &str) -> Result<()>;
    /// The journal since the last snapshot save, oldest first.
    fn monitor_changes(&self) -> Result<Vec<StoredMonitorChanges>>;
}

impl MonitorSnapshots for SqliteStore {
    fn save_monitor_snapshot(&self, pack_version: &str, snapshot: &str) -> Result<()> {
        if snapshot.trim().is_empty() {
            return Err(Error::Invalid("monitor snapshot: empty".into()));
        }
        let mut connection = self.conn();
        let tx = write_transaction(&mut connection)?;
        tx.execute(
            "INSERT INTO monitor_snapshot (id, pack_version, snapshot, saved_at)
             VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET pack_version = excluded.pack_version,
                snapshot = excluded.snapshot, saved_at = excluded.saved_at",
            params![pack_version, snapshot, timestamp_now()],
        )?;
        tx.execute("DELETE FROM monitor_journal", [])?;
        tx.commit()?;
        Ok(())
    }

    fn append_monitor_changes(&self, pack_version: &str, changes: &str) -> Result<()> {
        if changes.trim().is_empty() {
            return Err(Error::Invalid("monitor changes: empty".into()));
        }
        self.conn().execute(
            "INSERT INTO monitor_journal (pack_version, changes, saved_at) VALUES (?1, ?2, ?3)",
            params![pack_version, changes, timestamp_now()],
        )?;
        Ok(())
    }

    fn monitor_changes(&self) -> Result<Vec<StoredMonitorChanges>> {
        let connection = self.conn();
        let mut statement = connection.prepare(
            "SELECT seq, pack_version, changes, saved_at FROM monitor_journal ORDER BY seq",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(StoredMonitorChanges {
                seq: row.get(0)?,
                pack_version: row.get(1)?,
                changes: row.get(2)?,
                saved_at: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    fn monitor_snapshot(&self) -> Result<Option<StoredMonitorSnapshot>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT pack_version, snapshot, saved_at FROM monitor_snapshot WHERE id = 1",
                [],
                |row| {
                    Ok(StoredMonitorSnapshot {
                        pack_version: row.get(0)?,
                        snapshot: row.get(1)?,
                        saved_at: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }
}
