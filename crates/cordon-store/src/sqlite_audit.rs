//! [`AuditLog`] on SQLite.

use crate::audit::{
    entry_hash, AppendedRange, AuditEntry, AuditLog, AuditVerification, NewAuditEntry,
    PreparedAuditEntry, PurgeOutcome, VerifyProgress, CHECKPOINT_KIND, GENESIS_HASH,
};
use crate::chain::{ChainWalk, RawEntry, VERIFY_CHUNK};
use crate::rows::{RowLedger, ROWS_ANCHORED_KIND};
use crate::{canonical_json, timestamp_now, Result, SqliteStore};
use rusqlite::{params, CachedStatement, Connection, OptionalExtension};
use serde_json::{json, Value};

/// Appends inside the caller's transaction, so an event and its audit entry
/// are written together or not at all.
pub(crate) fn append(connection: &Connection, entry: &NewAuditEntry) -> Result<AuditEntry> {
    let (prev_seq, prev_hash) = read_head(connection)?;
    let seq = prev_seq + 1;
    let at = timestamp_now();
    // Stored canonically; the stored text is exactly what is hashed.
    let payload_text = canonical_json(&entry.payload);
    let hash = insert_entry(
        &mut insert_statement(connection)?,
        seq,
        &at,
        &entry.kind,
        &entry.caller,
        &payload_text,
        &prev_hash,
    )?;
    write_head(connection, seq, &hash)?;
    Ok(AuditEntry {
        seq,
        at,
        kind: entry.kind.clone(),
        caller: entry.caller.clone(),
        payload: entry.payload.clone(),
        prev_hash,
        entry_hash: hash,
    })
}

/// Appends prepared entries inside the caller's transaction. The head row is
/// written once at the end: inside one transaction nobody else sees the
/// entries in between, so the committed head still names the newest entry.
pub(crate) fn append_prepared(
    connection: &Connection,
    entries: &[PreparedAuditEntry],
) -> Result<AppendedRange> {
    let (mut seq, mut prev_hash) = read_head(connection)?;
    let mut range = AppendedRange::default();
    let mut insert = insert_statement(connection)?;
    for entry in entries {
        seq += 1;
        let at = timestamp_now();
        prev_hash = insert_entry(
            &mut insert,
            seq,
            &at,
            entry.kind(),
            entry.caller(),
            entry.payload_text(),
            &prev_hash,
        )?;
        range.first_seq.get_or_insert(seq);
    }
    if range.first_seq.is_some() {
        write_head(connection, seq, &prev_hash)?;
        range.last_seq = Some(seq);
        range.last_hash = Some(prev_hash);
    }
    Ok(range)
}

/// The newest entry's sequence number and hash (0 and the genesis hash when empty).
fn read_head(connection: &Connection) -> Result<(i64, String)> {
    // Every screening is audited (batches append thousands per transaction):
    // the statements stay compiled in the connection's cache.
    let head: Option<(i64, String)> = connection
        .prepare_cached("SELECT seq, entry_hash FROM audit_head WHERE id = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(head.unwrap_or((0, GENESIS_HASH.to_string())))
}

fn insert_statement(connection: &Connection) -> Result<CachedStatement<'_>> {
    Ok(connection.prepare_cached(
        "INSERT INTO audit_log (seq, at, kind, caller, payload, prev_hash, entry_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?)
}

/// Hashes and inserts one entry after `prev_hash`; returns its hash.
fn insert_entry(
    insert: &mut CachedStatement<'_>,
    seq: i64,
    at: &str,
    kind: &str,
    caller: &str,
    payload_text: &str,
    prev_hash: &str,
) -> Result<String> {
    let hash = entry_hash(prev_hash, seq, at, kind, caller, payload_text);
    insert.execute(params![
        seq,
        at,
        kind,
        caller,
        payload_text,
        prev_hash,
        hash
    ])?;
    Ok(hash)
}

fn write_head(connection: &Connection, seq: i64, hash: &str) -> Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO audit_head (id, seq, entry_hash) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash",
        )?
        .execute(params![seq, hash])?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "seq, at, kind, caller, payload, prev_hash, entry_hash";

fn raw_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok(RawEntry {
        seq: row.get(0)?,
        at: row.get(1)?,
        kind: row.get(2)?,
        caller: row.get(3)?,
        payload: row.get(4)?,
        prev_hash: row.get(5)?,
        entry_hash: row.get(6)?,
    })
}

/// The head row (sequence number and hash of the newest entry), if written.
fn stored_head(connection: &Connection) -> Result<Option<(i64, String)>> {
    Ok(connection
        .prepare_cached("SELECT seq, entry_hash FROM audit_head WHERE id = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

/// Walks the chain in chunks, stopping at the first broken entry.
fn walk_chain(
    connection: &Connection,
    walk: &mut ChainWalk,
    progress: &dyn Fn(VerifyProgress),
    total: u64,
) -> Result<()> {
    let mut statement = connection.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"
    ))?;
    let mut after = i64::MIN;
    loop {
        let mut rows = statement.query(params![after, VERIFY_CHUNK])?;
        let mut read = 0;
        while let Some(row) = rows.next()? {
            let raw = raw_from_row(row)?;
            read += 1;
            after = raw.seq;
            if !walk.step(&raw) {
                return Ok(());
            }
        }
        progress(VerifyProgress {
            checked: walk.checked(),
            total,
        });
        if read < VERIFY_CHUNK {
            return Ok(());
        }
    }
}

/// The decisions and api_keys rows as stored, by ledger key and hash.
fn stored_rows(connection: &Connection) -> Result<std::collections::BTreeMap<String, String>> {
    let mut rows = crate::sqlite_decisions::row_hashes(connection)?;
    rows.extend(crate::sqlite_keys::row_hashes(connection)?);
    Ok(rows)
}

/// Verifies the chain, its head and the anchored rows on one connection
/// (inside the caller's read transaction).
fn verify_on(
    connection: &Connection,
    progress: &dyn Fn(VerifyProgress),
) -> Result<AuditVerification> {
    let total: i64 =
        connection.query_row("SELECT COUNT(*) FROM audit_log", [], |row| row.get(0))?;
    let total = u64::try_from(total).unwrap_or_default();
    progress(VerifyProgress { checked: 0, total });
    let mut walk = ChainWalk::default();
    walk_chain(connection, &mut walk, progress, total)?;
    walk.finish(stored_head(connection)?, || stored_rows(connection))
}

/// The rows as the whole chain has them (for a purge's checkpoint, which
/// must keep them anchored once their entries are gone).
fn replay_rows(connection: &Connection) -> Result<RowLedger> {
    let mut ledger = RowLedger::default();
    let mut statement = connection.prepare("SELECT kind, payload FROM audit_log ORDER BY seq")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let payload: String = row.get(1)?;
        if let Ok(payload) = serde_json::from_str::<Value>(&payload) {
            ledger.apply(&kind, &payload);
        }
    }
    Ok(ledger)
}

/// Anchors the decisions and api_keys rows present when an older database is
/// upgraded (their entries did not carry row hashes): one `rows_anchored`
/// entry, in the upgrade's transaction. Nothing when there are no rows.
pub(crate) fn anchor_existing_rows(connection: &Connection) -> Result<()> {
    let mut ledger = RowLedger::default();
    for (key, hash) in stored_rows(connection)? {
        ledger.insert(key, hash);
    }
    if ledger.is_empty() {
        return Ok(());
    }
    append(
        connection,
        &NewAuditEntry {
            kind: ROWS_ANCHORED_KIND.into(),
            caller: "cordon:upgrade".into(),
            payload: json!({"rows": ledger.to_json()}),
        },
    )?;
    Ok(())
}

impl AuditLog for SqliteStore {
    fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let stored = append(&tx, entry)?;
        tx.commit()?;
        Ok(stored)
    }

    fn append_audits(&self, entries: &[NewAuditEntry]) -> Result<Vec<AuditEntry>> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let stored = entries
            .iter()
            .map(|entry| append(&tx, entry))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(stored)
    }

    fn append_prepared_audits(&self, entries: &[PreparedAuditEntry]) -> Result<AppendedRange> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let range = append_prepared(&tx, entries)?;
        tx.commit()?;
        Ok(range)
    }

    fn audit_entries(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        let connection = self.reader();
        let mut statement = connection.prepare(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let raws = statement
            .query_map(
                params![after, limit.min(i64::MAX as usize) as i64],
                raw_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter().map(RawEntry::parse).collect()
    }

    fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        let connection = self.reader();
        Ok(connection
            .query_row(
                "SELECT entry_hash FROM audit_log WHERE seq = ?1",
                params![seq],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn verify_audit(&self) -> Result<AuditVerification> {
        self.verify_audit_reporting(&|_| {})
    }

    fn verify_audit_reporting(
        &self,
        progress: &dyn Fn(VerifyProgress),
    ) -> Result<AuditVerification> {
        // A connection of its own and one read transaction: a consistent
        // snapshot, walked in chunks, while readers and the writer go on (WAL).
        let connection = self.snapshot()?;
        let tx = connection.unchecked_transaction()?;
        verify_on(&tx, progress)
    }

    fn purge_audit(&self, cutoff: &str, caller: &str) -> Result<PurgeOutcome> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let last_old: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, entry_hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log WHERE at < ?1)",
                params![cutoff],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((through, anchor)) = last_old else {
            return Ok(PurgeOutcome {
                purged: 0,
                checkpoint: None,
            });
        };
        let rows = replay_rows(&tx)?;
        let purged = tx.execute("DELETE FROM audit_log WHERE seq <= ?1", params![through])? as u64;
        let checkpoint = append(
            &tx,
            &NewAuditEntry {
                kind: CHECKPOINT_KIND.into(),
                caller: caller.into(),
                payload: json!({
                    "purged_through_seq": through, "anchor_hash": anchor,
                    "purged_entries": purged, "cutoff": cutoff, "rows": rows.to_json(),
                }),
            },
        )?;
        tx.commit()?;
        Ok(PurgeOutcome {
            purged,
            checkpoint: Some(checkpoint),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screening(i: u32) -> NewAuditEntry {
        NewAuditEntry {
            kind: "screening".into(),
            caller: "cli:test".into(),
            payload: json!({"request_hash": format!("{i:064}"), "lists": ["un@2026-02-27"],
                            "results": [{"entity_id": "un:QDi.290", "score": 0.91}]}),
        }
    }

    fn prepared(range: std::ops::Range<u32>) -> Vec<PreparedAuditEntry> {
        range
            .map(|i| PreparedAuditEntry::new(&screening(i)))
            .collect()
    }

    #[test]
    fn prepared_entries_continue_the_chain_like_single_appends() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.append_audit(&screening(0)).unwrap();
        let range = store.append_prepared_audits(&prepared(1..4)).unwrap();
        store.append_audit(&screening(4)).unwrap();
        let entries = store.audit_entries(0, 10).unwrap();
        assert_eq!(range.first_seq, Some(2));
        assert_eq!(range.last_seq, Some(4));
        assert_eq!(
            range.last_hash.as_deref(),
            Some(entries[3].entry_hash.as_str())
        );
        for (i, entry) in entries.iter().enumerate() {
            assert_eq!(entry.seq, i as i64 + 1);
            assert_eq!(entry.payload, screening(i as u32).payload);
        }
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!((report.checked, report.head_seq), (5, Some(5)));
        // Nothing to append writes nothing and leaves the head alone.
        assert_eq!(
            store.append_prepared_audits(&[]).unwrap(),
            AppendedRange::default()
        );
        assert_eq!(store.verify_audit().unwrap().head_seq, Some(5));
    }

    #[test]
    fn a_changed_prepared_entry_or_a_cut_tail_is_detected() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.append_prepared_audits(&prepared(0..5)).unwrap();
        let sql = |statement: &str| store.conn().execute(statement, []).unwrap();
        sql("UPDATE audit_log SET payload = replace(payload, '0.91', '0.19') WHERE seq = 2");
        assert_eq!(store.verify_audit().unwrap().broken.unwrap().seq, 2);

        let store = SqliteStore::open_in_memory().unwrap();
        store.append_prepared_audits(&prepared(0..5)).unwrap();
        // The head is written once per append, and names the last entry.
        store
            .conn()
            .execute("DELETE FROM audit_log WHERE seq = 5", [])
            .unwrap();
        let broken = store.verify_audit().unwrap().broken.unwrap();
        assert_eq!(broken.seq, 5, "{broken:?}");
    }

    /// A backend that relies on the trait's default for prepared entries.
    struct Plain(SqliteStore);

    impl AuditLog for Plain {
        fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry> {
            self.0.append_audit(entry)
        }
        fn append_audits(&self, entries: &[NewAuditEntry]) -> Result<Vec<AuditEntry>> {
            self.0.append_audits(entries)
        }
        fn audit_entries(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
            self.0.audit_entries(after, limit)
        }
        fn verify_audit(&self) -> Result<AuditVerification> {
            self.0.verify_audit()
        }
        fn purge_audit(&self, cutoff: &str, caller: &str) -> Result<PurgeOutcome> {
            self.0.purge_audit(cutoff, caller)
        }
    }

    #[test]
    fn the_default_for_prepared_entries_stores_the_same_entries() {
        let plain = Plain(SqliteStore::open_in_memory().unwrap());
        let fast = SqliteStore::open_in_memory().unwrap();
        let by_default = plain.append_prepared_audits(&prepared(0..3)).unwrap();
        let by_sqlite = fast.append_prepared_audits(&prepared(0..3)).unwrap();
        assert_eq!(
            (by_default.first_seq, by_default.last_seq),
            (by_sqlite.first_seq, by_sqlite.last_seq)
        );
        let strip = |entries: Vec<AuditEntry>| -> Vec<(i64, String, Value)> {
            entries
                .into_iter()
                .map(|e| (e.seq, e.kind, e.payload))
                .collect()
        };
        assert_eq!(
            strip(plain.audit_entries(0, 10).unwrap()),
            strip(fast.audit_entries(0, 10).unwrap())
        );
        assert!(plain.verify_audit().unwrap().is_intact());
    }
}
