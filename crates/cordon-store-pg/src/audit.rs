//! [`AuditLog`] on PostgreSQL. Appends run inside a write transaction (which
//! holds the store's advisory lock), so the head read, the new entries and
//! the new head commit together and no other process can append in between.

use crate::{big, get, DbResult, PgStore};
use cordon_store::audit::{
    entry_hash, AppendedRange, AuditEntry, AuditLog, AuditVerification, NewAuditEntry,
    PreparedAuditEntry, PurgeOutcome, CHECKPOINT_KIND, GENESIS_HASH,
};
use cordon_store::chain::{ChainWalk, RawEntry, VERIFY_CHUNK};
use cordon_store::rows::RowLedger;
use cordon_store::{canonical_json, timestamp_now, Result, VerifyProgress};
use postgres::types::ToSql;
use postgres::{GenericClient, Row};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const ENTRY_COLUMNS: &str = "seq, at, kind, caller, payload, prev_hash, entry_hash";

/// Entries written per INSERT by a batch append: a batch screening appends
/// thousands, and one round trip per 500 keeps the lock short while staying
/// far under PostgreSQL's 65,535 parameters (7 per entry).
const ENTRIES_PER_INSERT: usize = 500;

/// Appends one entry inside the caller's write transaction.
pub(crate) fn append(tx: &mut impl GenericClient, entry: &NewAuditEntry) -> Result<AuditEntry> {
    append_all(tx, &[entry])?
        .pop()
        .ok_or_else(|| cordon_store::Error::Corrupt {
            what: "the audit log".into(),
            message: "an append wrote no entry".into(),
        })
}

/// Appends entries inside the caller's write transaction and returns them as
/// stored: the head is read and written once and the entries go in
/// [`ENTRIES_PER_INSERT`] a statement, so a worker's batch of transfers costs
/// a few round trips, not a few per transfer.
pub(crate) fn append_all(
    tx: &mut impl GenericClient,
    entries: &[&NewAuditEntry],
) -> Result<Vec<AuditEntry>> {
    let texts = entries.iter().map(|e| {
        (
            e.kind.as_str(),
            e.caller.as_str(),
            canonical_json(&e.payload),
        )
    });
    let raws = append_texts(tx, texts)?;
    Ok(raws
        .into_iter()
        .zip(entries)
        .map(|(raw, entry)| AuditEntry {
            seq: raw.seq,
            at: raw.at,
            kind: raw.kind,
            caller: raw.caller,
            payload: entry.payload.clone(),
            prev_hash: raw.prev_hash,
            entry_hash: raw.entry_hash,
        })
        .collect())
}

/// Appends prepared entries inside the caller's write transaction, as
/// [`append_all`] does (nobody sees the entries before the head moves).
pub(crate) fn append_prepared(
    tx: &mut impl GenericClient,
    entries: &[PreparedAuditEntry],
) -> Result<AppendedRange> {
    let texts = entries
        .iter()
        .map(|e| (e.kind(), e.caller(), e.payload_text().to_string()));
    let raws = append_texts(tx, texts)?;
    Ok(AppendedRange {
        first_seq: raws.first().map(|r| r.seq),
        last_seq: raws.last().map(|r| r.seq),
        last_hash: raws.last().map(|r| r.entry_hash.clone()),
    })
}

/// Chains entries given as (kind, caller, canonical payload) after the head,
/// inserts them [`ENTRIES_PER_INSERT`] a statement, the last statement moving
/// the head, and returns them as stored.
fn append_texts<'a>(
    tx: &mut impl GenericClient,
    entries: impl Iterator<Item = (&'a str, &'a str, String)>,
) -> Result<Vec<RawEntry>> {
    let (mut seq, mut prev_hash) = read_head(tx)?;
    let mut raws = Vec::new();
    for (kind, caller, payload) in entries {
        seq += 1;
        let raw = chained(seq, &prev_hash, kind, caller, payload);
        prev_hash.clone_from(&raw.entry_hash);
        raws.push(raw);
    }
    let chunks = raws.chunks(ENTRIES_PER_INSERT).count();
    for (n, chunk) in raws.chunks(ENTRIES_PER_INSERT).enumerate() {
        match n + 1 == chunks {
            true => insert_entries_moving_head(tx, chunk)?,
            false => insert_entries(tx, chunk)?,
        }
    }
    Ok(raws)
}

/// The entry `seq` after `prev_hash`, stamped now and hashed.
fn chained(seq: i64, prev_hash: &str, kind: &str, caller: &str, payload: String) -> RawEntry {
    let at = timestamp_now();
    let hash = entry_hash(prev_hash, seq, &at, kind, caller, &payload);
    RawEntry {
        seq,
        at,
        kind: kind.to_string(),
        caller: caller.to_string(),
        payload,
        prev_hash: prev_hash.to_string(),
        entry_hash: hash,
    }
}

/// The newest entry's sequence number and hash (0 and the genesis hash when empty).
fn read_head(tx: &mut impl GenericClient) -> Result<(i64, String)> {
    Ok(stored_head(tx)?.unwrap_or((0, GENESIS_HASH.to_string())))
}

/// The head row, if written.
fn stored_head(client: &mut impl GenericClient) -> Result<Option<(i64, String)>> {
    client
        .query_opt("SELECT seq, entry_hash FROM audit_head WHERE id = 1", &[])
        .db("reading the audit head")?
        .map(|row| {
            Ok((
                get(&row, 0, "audit_head.seq")?,
                get(&row, 1, "audit_head.entry_hash")?,
            ))
        })
        .transpose()
}

fn insert_entries(tx: &mut impl GenericClient, raws: &[RawEntry]) -> Result<()> {
    if raws.is_empty() {
        return Ok(());
    }
    let (sql, params) = insert_statement(raws);
    tx.execute(sql.as_str(), &params)
        .db(&format!("appending audit entry {}", raws[0].seq))?;
    Ok(())
}

/// [`insert_entries`] and the head moved to the last of them in one statement
/// (a data-modifying WITH always runs to completion): one round trip less for
/// every append, which the service makes for every screening.
fn insert_entries_moving_head(tx: &mut impl GenericClient, raws: &[RawEntry]) -> Result<()> {
    let Some(last) = raws.last() else {
        return Ok(());
    };
    let (insert, mut params) = insert_statement(raws);
    let n = params.len();
    params.extend([&last.seq as &(dyn ToSql + Sync), &last.entry_hash]);
    let sql = format!(
        "WITH appended AS ({insert} RETURNING seq)
         INSERT INTO audit_head (id, seq, entry_hash) VALUES (1, ${}, ${})
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash",
        n + 1,
        n + 2
    );
    tx.execute(sql.as_str(), &params)
        .db(&format!("appending audit entry {}", raws[0].seq))?;
    Ok(())
}

/// The INSERT of `raws` into the log and its parameters (7 per entry).
fn insert_statement(raws: &[RawEntry]) -> (String, Vec<&(dyn ToSql + Sync)>) {
    let mut sql = format!("INSERT INTO audit_log ({ENTRY_COLUMNS}) VALUES ");
    let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(raws.len() * 7 + 2);
    for (i, raw) in raws.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        let n = i * 7;
        sql.push('(');
        for column in 1..=7 {
            if column > 1 {
                sql.push(',');
            }
            sql.push('$');
            sql.push_str(&(n + column).to_string());
        }
        sql.push(')');
        params.extend([
            &raw.seq as &(dyn ToSql + Sync),
            &raw.at,
            &raw.kind,
            &raw.caller,
            &raw.payload,
            &raw.prev_hash,
            &raw.entry_hash,
        ]);
    }
    (sql, params)
}

fn raw_from_row(row: &Row) -> Result<RawEntry> {
    Ok(RawEntry {
        seq: get(row, 0, "audit_log.seq")?,
        at: get(row, 1, "audit_log.at")?,
        kind: get(row, 2, "audit_log.kind")?,
        caller: get(row, 3, "audit_log.caller")?,
        payload: get(row, 4, "audit_log.payload")?,
        prev_hash: get(row, 5, "audit_log.prev_hash")?,
        entry_hash: get(row, 6, "audit_log.entry_hash")?,
    })
}

/// Walks the chain in chunks, stopping at the first broken entry.
fn walk_chain(
    client: &mut impl GenericClient,
    walk: &mut ChainWalk,
    progress: &dyn Fn(VerifyProgress),
    total: u64,
) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = client
            .query(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
                ),
                &[&after, &VERIFY_CHUNK],
            )
            .db("reading the audit chain")?;
        for row in &rows {
            let raw = raw_from_row(row)?;
            after = raw.seq;
            if !walk.step(&raw) {
                return Ok(());
            }
        }
        progress(VerifyProgress {
            checked: walk.checked(),
            total,
        });
        if big(rows.len()) < VERIFY_CHUNK {
            return Ok(());
        }
    }
}

/// The decisions and api_keys rows as stored, by ledger key and hash.
fn stored_rows(client: &mut impl GenericClient) -> Result<BTreeMap<String, String>> {
    let mut rows = crate::decisions::row_hashes(client)?;
    rows.extend(crate::keys::row_hashes(client)?);
    Ok(rows)
}

/// The rows as the whole chain has them (for a purge's checkpoint).
fn replay_rows(client: &mut impl GenericClient) -> Result<RowLedger> {
    let mut ledger = RowLedger::default();
    for row in client
        .query("SELECT kind, payload FROM audit_log ORDER BY seq", &[])
        .db("replaying the audit chain")?
    {
        let kind: String = get(&row, 0, "audit_log.kind")?;
        let payload: String = get(&row, 1, "audit_log.payload")?;
        if let Ok(payload) = serde_json::from_str::<Value>(&payload) {
            ledger.apply(&kind, &payload);
        }
    }
    Ok(ledger)
}

impl AuditLog for PgStore {
    fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry> {
        self.write(|tx| append(tx, entry))
    }

    fn append_audits(&self, entries: &[NewAuditEntry]) -> Result<Vec<AuditEntry>> {
        self.write(|tx| entries.iter().map(|entry| append(tx, entry)).collect())
    }

    fn append_prepared_audits(&self, entries: &[PreparedAuditEntry]) -> Result<AppendedRange> {
        self.write(|tx| append_prepared(tx, entries))
    }

    fn audit_entries(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read(|client| {
            client
                .query(
                    &format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"),
                    &[&after, &big(limit)],
                )
                .db("reading audit entries")?
                .iter()
                .map(|row| raw_from_row(row)?.parse())
                .collect()
        })
    }

    fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        self.read(|client| {
            client
                .query_opt("SELECT entry_hash FROM audit_log WHERE seq = $1", &[&seq])
                .db(&format!("reading the hash of audit entry {seq}"))?
                .map(|row| get(&row, 0, "audit_log.entry_hash"))
                .transpose()
        })
    }

    fn verify_audit(&self) -> Result<AuditVerification> {
        self.verify_audit_reporting(&|_| {})
    }

    fn verify_audit_reporting(
        &self,
        progress: &dyn Fn(VerifyProgress),
    ) -> Result<AuditVerification> {
        self.read(|client| {
            // One snapshot for the chain, the head and the rows, while writers go on.
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .db("starting the verification")?;
            let total: i64 = get(
                &tx.query_one("SELECT COUNT(*) FROM audit_log", &[])
                    .db("counting the audit chain")?,
                0,
                "count",
            )?;
            let total = u64::try_from(total).unwrap_or_default();
            progress(VerifyProgress { checked: 0, total });
            let mut walk = ChainWalk::default();
            walk_chain(&mut tx, &mut walk, progress, total)?;
            let head = stored_head(&mut tx)?;
            let verification = walk.finish(head, || stored_rows(&mut tx))?;
            tx.commit().db("ending the verification")?;
            Ok(verification)
        })
    }

    fn purge_audit(&self, cutoff: &str, caller: &str) -> Result<PurgeOutcome> {
        self.write(|tx| {
            let last_old: Option<(i64, String)> = tx
                .query_opt(
                    "SELECT seq, entry_hash FROM audit_log
                     WHERE seq = (SELECT MAX(seq) FROM audit_log WHERE at < $1)",
                    &[&cutoff],
                )
                .db("finding the entries to purge")?
                .map(|row| {
                    Ok::<_, cordon_store::Error>((
                        get(&row, 0, "seq")?,
                        get(&row, 1, "entry_hash")?,
                    ))
                })
                .transpose()?;
            let Some((through, anchor)) = last_old else {
                return Ok(PurgeOutcome {
                    purged: 0,
                    checkpoint: None,
                });
            };
            let rows = replay_rows(tx)?;
            let purged = tx
                .execute("DELETE FROM audit_log WHERE seq <= $1", &[&through])
                .db("purging audit entries")?;
            let checkpoint = append(
                tx,
                &NewAuditEntry {
                    kind: CHECKPOINT_KIND.into(),
                    caller: caller.into(),
                    payload: json!({
                        "purged_through_seq": through, "anchor_hash": anchor,
                        "purged_entries": purged, "cutoff": cutoff, "rows": rows.to_json(),
                    }),
                },
            )?;
            Ok(PurgeOutcome {
                purged,
                checkpoint: Some(checkpoint),
            })
        })
    }
}
