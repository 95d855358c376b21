//! [`ImportJobs`] and [`MonitorSnapshots`] on PostgreSQL.

use crate::lists::{insert_version, stored_content, version_by_id};
use crate::{audit, get, DbResult, PgStore};
use cordon_store::audit::{AuditEntry, NewAuditEntry};
use cordon_store::import_jobs::{ImportJobs, JobClaim, PendingImport};
use cordon_store::{
    now, timestamp_now, Error, ImportOutcome, ImportRequest, MonitorSnapshots, Result,
    StoredMonitorChanges, StoredMonitorSnapshot,
};
use serde_json::{json, Value};

impl ImportJobs for PgStore {
    fn import_with_job(
        &self,
        request: &ImportRequest<'_>,
        previous_id: Option<i64>,
        audit: &NewAuditEntry,
        claim: &JobClaim,
    ) -> Result<ImportOutcome> {
        self.write(|tx| {
            if let Some(version) = stored_content(tx, request)? {
                return Ok(ImportOutcome {
                    version,
                    created: false,
                });
            }
            let version = insert_version(tx, request)?;
            let mut entry = audit.clone();
            if let Value::Object(map) = &mut entry.payload {
                map.insert("version".into(), json!(version.label()));
                map.insert("version_id".into(), json!(version.id));
            }
            audit::append(tx, &entry)?;
            tx.execute(
                "INSERT INTO list_import_jobs (version_id, previous_id, caller, started_at)
                 VALUES ($1, $2, $3, $4)",
                &[&version.id, &previous_id, &audit.caller, &now()],
            )
            .db(&format!("storing the import job of {}", version.label()))?;
            tx.execute(
                "INSERT INTO list_import_claims (version_id, claimed_by, claimed_until)
                 VALUES ($1, $2, $3)",
                &[&version.id, &claim.claimant, &claim.until()],
            )
            .db(&format!("claiming the import job of {}", version.label()))?;
            Ok(ImportOutcome {
                version,
                created: true,
            })
        })
    }

    fn pending_imports(&self) -> Result<Vec<PendingImport>> {
        self.read(|client| {
            let rows = client
                .query(
                    "SELECT version_id, previous_id, caller, started_at FROM list_import_jobs
                     WHERE finished_at IS NULL ORDER BY version_id",
                    &[],
                )
                .db("listing pending import jobs")?;
            let mut pending = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: i64 = get(row, 0, "list_import_jobs.version_id")?;
                let version = version_by_id(client, id)?
                    .ok_or_else(|| Error::NotFound(format!("#{id} (import job)")))?;
                pending.push(PendingImport {
                    version,
                    previous_id: get(row, 1, "list_import_jobs.previous_id")?,
                    caller: get(row, 2, "list_import_jobs.caller")?,
                    started_at: get(row, 3, "list_import_jobs.started_at")?,
                });
            }
            Ok(pending)
        })
    }

    fn claim_import(&self, version_id: i64, claim: &JobClaim) -> Result<bool> {
        self.write(|tx| {
            // Inserted when the job has no claim; replaced when the claimant
            // renews its own or the last claim lapsed; left alone otherwise (0 rows).
            let claimed = tx
                .execute(
                    "INSERT INTO list_import_claims (version_id, claimed_by, claimed_until)
                     SELECT version_id, $2, $3 FROM list_import_jobs
                     WHERE version_id = $1 AND finished_at IS NULL
                     ON CONFLICT (version_id) DO UPDATE
                        SET claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
                        WHERE list_import_claims.claimed_by = excluded.claimed_by
                           OR list_import_claims.claimed_until < $4",
                    &[
                        &version_id,
                        &claim.claimant,
                        &claim.until(),
                        &timestamp_now(),
                    ],
                )
                .db(&format!("claiming the import job of #{version_id}"))?;
            Ok(claimed == 1)
        })
    }

    fn finish_import(&self, version_id: i64, audit: &NewAuditEntry) -> Result<AuditEntry> {
        self.write(|tx| {
            let updated = tx
                .execute(
                    "UPDATE list_import_jobs SET finished_at = $2
                     WHERE version_id = $1 AND finished_at IS NULL",
                    &[&version_id, &now()],
                )
                .db(&format!("finishing the import job of #{version_id}"))?;
            if updated == 0 {
                return Err(Error::NotFound(format!(
                    "pending import job of version #{version_id}"
                )));
            }
            audit::append(tx, audit)
        })
    }
}

impl MonitorSnapshots for PgStore {
    fn save_monitor_snapshot(&self, pack_version: &str, snapshot: &str) -> Result<()> {
        if snapshot.trim().is_empty() {
            return Err(Error::Invalid("monitor snapshot: empty".into()));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO monitor_snapshot (id, pack_version, snapshot, saved_at)
                 VALUES (1, $1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET pack_version = excluded.pack_version,
                    snapshot = excluded.snapshot, saved_at = excluded.saved_at",
                &[&pack_version, &snapshot, &timestamp_now()],
            )
            .db("saving the monitor snapshot")?;
            // The snapshot holds everything the journal did (compaction).
            tx.execute("DELETE FROM monitor_journal", &[])
                .db("emptying the monitor journal")?;
            Ok(())
        })
    }

    fn append_monitor_changes(&self, pack_version: &str, changes: &str) -> Result<()> {
        if changes.trim().is_empty() {
            return Err(Error::Invalid("monitor changes: empty".into()));
        }
        self.read(|client| {
            client
                .execute(
                    "INSERT INTO monitor_journal (pack_version, changes, saved_at)
                     VALUES ($1, $2, $3)",
                    &[&pack_version, &changes, &timestamp_now()],
                )
                .db("appending to the monitor journal")?;
            Ok(())
        })
    }

    fn monitor_changes(&self) -> Result<Vec<StoredMonitorChanges>> {
        self.read(|client| {
            client
                .query(
                    "SELECT seq, pack_version, changes, saved_at FROM monitor_journal ORDER BY seq",
                    &[],
                )
                .db("reading the monitor journal")?
                .iter()
                .map(|row| {
                    Ok(StoredMonitorChanges {
                        seq: get(row, 0, "monitor_journal.seq")?,
                        pack_version: get(row, 1, "monitor_journal.pack_version")?,
                        changes: get(row, 2, "monitor_journal.changes")?,
                        saved_at: get(row, 3, "monitor_journal.saved_at")?,
                    })
                })
                .collect()
        })
    }

    fn monitor_snapshot(&self) -> Result<Option<StoredMonitorSnapshot>> {
        self.read(|client| {
            client
                .query_opt(
                    "SELECT pack_version, snapshot, saved_at FROM monitor_snapshot WHERE id = 1",
                    &[],
                )
                .db("reading the monitor snapshot")?
                .map(|row| {
                    Ok(StoredMonitorSnapshot {
                        pack_version: get(&row, 0, "monitor_snapshot.pack_version")?,
                        snapshot: get(&row, 1, "monitor_snapshot.snapshot")?,
                        saved_at: get(&row, 2, "monitor_snapshot.saved_at")?,
                    })
                })
                .transpose()
        })
    }
}
