//! [`ImportJobs`] on SQLite.

use crate::audit::{AuditEntry, NewAuditEntry};
use crate::import_jobs::{ImportJobs, JobClaim, PendingImport};
use crate::sqlite::{insert_version, stored_content, version_by_id, write_transaction};
use crate::{
    now, sqlite_audit, timestamp_now, Error, ImportOutcome, ImportRequest, Result, SqliteStore,
};
use rusqlite::params;
use serde_json::{json, Value};

impl ImportJobs for SqliteStore {
    fn import_with_job(
        &self,
        request: &ImportRequest<'_>,
        previous_id: Option<i64>,
        audit: &NewAuditEntry,
        claim: &JobClaim,
    ) -> Result<ImportOutcome> {
        let mut connection = self.conn();
        let tx = write_transaction(&mut connection)?;
        if let Some(version) = stored_content(&tx, request)? {
            return Ok(ImportOutcome {
                version,
                created: false,
            });
        }
        let version = insert_version(&tx, request)?;
        let mut entry = audit.clone();
        if let Value::Object(map) = &mut entry.payload {
            map.insert("version".into(), json!(version.label()));
            map.insert("version_id".into(), json!(version.id));
        }
        sqlite_audit::append(&tx, &entry)?;
        tx.execute(
            "INSERT INTO list_import_jobs (version_id, previous_id, caller, started_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![version.id, previous_id, audit.caller, now()],
        )?;
        tx.execute(
            "INSERT INTO list_import_claims (version_id, claimed_by, claimed_until)
             VALUES (?1, ?2, ?3)",
            params![version.id, claim.claimant, claim.until()],
        )?;
        tx.commit()?;
        Ok(ImportOutcome {
            version,
            created: true,
        })
    }

    fn pending_imports(&self) -> Result<Vec<PendingImport>> {
        let connection = self.conn();
        let mut statement = connection.prepare(
            "SELECT version_id, previous_id, caller, started_at FROM list_import_jobs
             WHERE finished_at IS NULL ORDER BY version_id",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Option<i64>>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut pending = Vec::with_capacity(rows.len());
        for (id, previous_id, caller, started_at) in rows {
            let version = version_by_id(&connection, id)?
                .ok_or_else(|| Error::NotFound(format!("#{id} (import job)")))?;
            pending.push(PendingImport {
                version,
                previous_id,
                caller,
                started_at,
            });
        }
        Ok(pending)
    }

    fn claim_import(&self, version_id: i64, claim: &JobClaim) -> Result<bool> {
        let mut connection = self.conn();
        let tx = write_transaction(&mut connection)?;
        // Inserted when the job has no claim; replaced when the claimant renews
        // its own or the last claim lapsed; left alone otherwise (0 rows).
        let claimed = tx.execute(
            "INSERT INTO list_import_claims (version_id, claimed_by, claimed_until)
             SELECT version_id, ?2, ?3 FROM list_import_jobs
             WHERE version_id = ?1 AND finished_at IS NULL
             ON CONFLICT (version_id) DO UPDATE
                SET claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
                WHERE list_import_claims.claimed_by = excluded.claimed_by
                   OR list_import_claims.claimed_until < ?4",
            params![version_id, claim.claimant, claim.until(), timestamp_now()],
        )?;
        tx.commit()?;
        Ok(claimed == 1)
    }

    fn finish_import(&self, version_id: i64, audit: &NewAuditEntry) -> Result<AuditEntry> {
        let mut connection = self.conn();
        let tx = write_transaction(&mut connection)?;
        let updated = tx.execute(
            "UPDATE list_import_jobs SET finished_at = ?2
             WHERE version_id = ?1 AND finished_at IS NULL",
            params![version_id, now()],
        )?;
        if updated == 0 {
            return Err(Error::NotFound(format!(
                "pending import job of version #{version_id}"
            )));
        }
        let entry = sqlite_audit::append(&tx, audit)?;
        tx.commit()?;
        Ok(entry)
    }
}
