//! [`MonitorSnapshots`] on SQLite: the latest state of the typology monitor, one row
//! replaced on every save.
//!
//! The store keeps the snapshot as opaque JSON text with the rules pack version it was taken
//! under; reading it back and checking that it fits the pack is the monitor's business
//! (`cordon_monitor::Monitor::restore`), so this crate does not depend on the monitor.

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

/// Storage of the typology monitor's latest snapshot.
pub trait MonitorSnapshots {
    /// Replaces the stored snapshot; `snapshot` is JSON text, refused when empty.
    fn save_monitor_snapshot(&self, pack_version: &str, snapshot: &str) -> Result<()>;
    /// The stored snapshot, if one was ever saved.
    fn monitor_snapshot(&self) -> Result<Option<StoredMonitorSnapshot>>;
}

impl MonitorSnapshots for SqliteStore {
    fn save_monitor_snapshot(&self, pack_version: &str, snapshot: &str) -> Result<()> {
        if snapshot.trim().is_empty() {
            return Err(Error::Invalid("monitor snapshot: empty".into()));
        }
        self.conn().execute(
            "INSERT INTO monitor_snapshot (id, pack_version, snapshot, saved_at)
             VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET pack_version = excluded.pack_version,
                snapshot = excluded.snapshot, saved_at = excluded.saved_at",
            params![pack_version, snapshot, timestamp_now()],
        )?;
        Ok(())
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
