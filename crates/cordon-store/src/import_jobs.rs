//! A list import and the customer rescreen it owes, kept as one durable job:
//! the version, its `list_imported` audit entry and a pending job row commit
//! together, and the job is finished (with its own audit entry) once the
//! rescreen is done. A process killed in between leaves a pending job that
//! the next start resumes, never a version that serves unannounced.

use crate::audit::{AuditEntry, NewAuditEntry};
use crate::{ImportOutcome, ImportRequest, Result, VersionInfo};
use serde::Serialize;

/// An import whose customer rescreen has not finished.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingImport {
    /// The version imported.
    pub version: VersionInfo,
    /// The version of the same source it replaced (the diff's old side), if any.
    pub previous_id: Option<i64>,
    /// Who imported it.
    pub caller: String,
    /// When the import committed (RFC 3339).
    pub started_at: String,
}

/// Durable import jobs.
pub trait ImportJobs {
    /// Stores a new version, `audit` (its `list_imported` entry; the store adds
    /// `version` — the label — and `version_id` to the payload) and a pending
    /// job in one transaction. Content already stored for the source writes
    /// nothing and answers `created: false` with the stored version.
    fn import_with_job(
        &self,
        request: &ImportRequest<'_>,
        previous_id: Option<i64>,
        audit: &NewAuditEntry,
    ) -> Result<ImportOutcome>;
    /// Jobs not finished, oldest first.
    fn pending_imports(&self) -> Result<Vec<PendingImport>>;
    /// Finishes the job of a version and appends `audit` (the rescreen's
    /// summary), in one transaction; `NotFound` when no pending job exists.
    fn finish_import(&self, version_id: i64, audit: &NewAuditEntry) -> Result<AuditEntry>;
}
