//! A list import and the customer rescreen it owes, kept as one durable job:
//! the version, its `list_imported` audit entry and a pending job row commit
//! together, and the job is finished (with its own audit entry) once the
//! rescreen is done. A process killed in between leaves a pending job that
//! the next start resumes, never a version that serves unannounced.
//!
//! Several processes share one store, so the rescreen is claimed: the job is
//! created claimed by its importer, the claim is a lease the runner renews,
//! and another process takes a pending job only when it is unclaimed or its
//! lease lapsed (the runner died). The rescreen thus runs once, not once per
//! process, and a dead runner's job is taken over.

use crate::audit::{AuditEntry, NewAuditEntry};
use crate::{ImportOutcome, ImportRequest, Result, VersionInfo};
use serde::Serialize;
use std::time::Duration;

/// Who runs an import job's rescreen, and how long the claim holds unless renewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobClaim {
    /// A token naming one attempt of one process (never shared by two
    /// attempts, so a process does not take over its own running job).
    pub claimant: String,
    /// How long the claim holds from now.
    pub lease: Duration,
}

impl JobClaim {
    /// When the claim lapses, as a stored fixed-width timestamp.
    pub fn until(&self) -> String {
        let lease = time::Duration::try_from(self.lease).unwrap_or(time::Duration::DAY);
        crate::timestamp(time::OffsetDateTime::now_utc() + lease)
    }
}

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
    /// job held by `claim` in one transaction. Content already stored for the
    /// source writes nothing and answers `created: false` with the stored version.
    fn import_with_job(
        &self,
        request: &ImportRequest<'_>,
        previous_id: Option<i64>,
        audit: &NewAuditEntry,
        claim: &JobClaim,
    ) -> Result<ImportOutcome>;
    /// Jobs not finished, oldest first (claimed or not).
    fn pending_imports(&self) -> Result<Vec<PendingImport>>;
    /// Claims the pending job of a version for `claim.claimant` until
    /// `claim.lease` from now: true when the job was unclaimed, its lease had
    /// lapsed, or the claimant already held it (a renewal); false when another
    /// claimant holds it or it is finished.
    fn claim_import(&self, version_id: i64, claim: &JobClaim) -> Result<bool>;
    /// Finishes the job of a version and appends `audit` (the rescreen's
    /// summary), in one transaction; `NotFound` when no pending job exists.
    fn finish_import(&self, version_id: i64, audit: &NewAuditEntry) -> Result<AuditEntry>;
}
