//! Alerts raised while screening payment transfers (FATF R16 errors,
//! sanctions hits, typology rule alerts), stored with the audit entry of the
//! screening that raised them.

use crate::audit::{AuditEntry, NewAuditEntry};
use crate::Result;
use serde::Serialize;
use serde_json::Value;

/// An alert to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTransferAlert {
    /// The transfer's id (UETR, message id...), when it has one.
    pub transfer_id: Option<String>,
    /// `r16`, `sanctions` or `typology`.
    pub kind: String,
    /// What fired: the R16 rule, the listed entity id or the typology rule id.
    pub rule: String,
    /// One line for a person.
    pub message: String,
    /// The finding, hit or alert as reported.
    pub details: Value,
}

/// A stored transfer alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferAlert {
    /// Its id (increasing).
    pub id: i64,
    /// The transfer's id, when it has one.
    pub transfer_id: Option<String>,
    /// `r16`, `sanctions` or `typology`.
    pub kind: String,
    /// What fired.
    pub rule: String,
    /// One line for a person.
    pub message: String,
    /// The finding, hit or alert as reported.
    pub details: Value,
    /// Sequence number of the audit entry of the screening that raised it.
    pub audit_seq: i64,
    /// When it was stored (fixed-width RFC 3339 UTC).
    pub raised_at: String,
}

/// One screened transfer to record: its audit entry and the alerts it raised.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenedTransfer {
    /// The audit entry (kind `transfer_screening`).
    pub audit: NewAuditEntry,
    /// The alerts raised, possibly none.
    pub alerts: Vec<NewTransferAlert>,
}

/// What was stored for one screened transfer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedTransfer {
    /// The audit entry as stored.
    pub audit: AuditEntry,
    /// The alerts as stored.
    pub alerts: Vec<TransferAlert>,
}

/// Storage of transfer screenings and their alerts.
pub trait TransferAlerts {
    /// Appends the audit entry and alerts of every screened transfer, in
    /// order, in one transaction: either all are stored or none.
    fn record_transfers(&self, screened: &[ScreenedTransfer]) -> Result<Vec<RecordedTransfer>>;
    /// Stored transfer alerts, newest first, at most `limit`.
    fn transfer_alerts(&self, limit: usize) -> Result<Vec<TransferAlert>>;
}
