//! Alerts raised while screening payment transfers (FATF R16 errors,
//! sanctions hits, typology rule alerts), stored with the audit entry of the
//! screening that raised them, and the analysts' decisions on them.
//!
//! An alert starts `open`. An analyst (or above) may close it as a
//! `false_positive`, `escalate` it to a supervisor, or find it a
//! `true_match`, which (like a true match on a customer hit) stays
//! `pending_confirmation` until a supervisor who is a different person
//! confirms it (four eyes). Only a supervisor decides an `escalated` alert,
//! and only a supervisor other than the one who proposed the true match
//! settles a `pending_confirmation` one (confirming it, or overturning it as
//! a false positive). `false_positive` and `true_match` are closed: nothing
//! more may be decided on them. Every decision is kept, with who made it,
//! their role, why, and the list versions the alert was raised on, and is
//! written in the same transaction as its audit entry.

use crate::audit::{AuditEntry, NewAuditEntry};
use crate::decisions::Actor;
use crate::keys::Role;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
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

/// Where a transfer alert stands (the statuses of customer alerts, plus `escalated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferAlertStatus {
    /// Raised, not decided yet.
    Open,
    /// Handed to a supervisor.
    Escalated,
    /// Found a true match, waiting for a second person's confirmation.
    PendingConfirmation,
    /// Closed: not what it looked like.
    FalsePositive,
    /// Closed: a confirmed true match.
    TrueMatch,
}

impl TransferAlertStatus {
    /// Every status, in the order an alert moves through them.
    pub const ALL: [TransferAlertStatus; 5] = [
        TransferAlertStatus::Open,
        TransferAlertStatus::Escalated,
        TransferAlertStatus::PendingConfirmation,
        TransferAlertStatus::FalsePositive,
        TransferAlertStatus::TrueMatch,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransferAlertStatus::Open => "open",
            TransferAlertStatus::Escalated => "escalated",
            TransferAlertStatus::PendingConfirmation => "pending_confirmation",
            TransferAlertStatus::FalsePositive => "false_positive",
            TransferAlertStatus::TrueMatch => "true_match",
        }
    }

    /// Reads a status name; the error names the `status` field and the accepted values.
    pub fn parse(text: &str) -> Result<TransferAlertStatus> {
        TransferAlertStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = TransferAlertStatus::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect();
                Error::Invalid(format!(
                    "status {text:?}: expected one of {}",
                    names.join(", ")
                ))
            })
    }

    /// True when no further decision may be recorded.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            TransferAlertStatus::FalsePositive | TransferAlertStatus::TrueMatch
        )
    }

    /// The status after `actor` decides `verdict` on an alert in this status.
    /// `proposer` is the person whose true match is pending, if one is.
    ///
    /// ```
    /// use cordon_store::{Actor, Role, TransferAlertStatus as S, TransferVerdict as V};
    /// let analyst = Actor { key_id: "k1".into(), person: "alice".into(), role: Role::Analyst };
    /// let supervisor = Actor { key_id: "k2".into(), person: "bob".into(), role: Role::Supervisor };
    /// assert_eq!(S::Open.after(V::TrueMatch, &analyst, None).unwrap(), S::PendingConfirmation);
    /// assert!(S::PendingConfirmation.after(V::TrueMatch, &analyst, Some("alice")).is_err());
    /// assert_eq!(S::PendingConfirmation.after(V::TrueMatch, &supervisor, Some("alice")).unwrap(), S::TrueMatch);
    /// ```
    pub fn after(
        self,
        verdict: TransferVerdict,
        actor: &Actor,
        proposer: Option<&str>,
    ) -> Result<TransferAlertStatus> {
        use TransferAlertStatus as S;
        use TransferVerdict as V;
        require(actor, Role::Analyst, "decide on transfer alerts")?;
        if self.is_closed() {
            return Err(Error::Conflict(format!(
                "the alert is closed ({}); no further decision may be recorded",
                self.as_str()
            )));
        }
        if verdict == V::Escalate && self != S::Open {
            return Err(Error::Conflict(format!(
                "only an open alert may be escalated; this one is {}",
                self.as_str()
            )));
        }
        match self {
            S::Escalated => require(actor, Role::Supervisor, "decide on an escalated alert")?,
            S::PendingConfirmation => {
                require(actor, Role::Supervisor, "settle a pending true match")?;
                if proposer == Some(actor.person.as_str()) {
                    return Err(Error::Forbidden(format!(
                        "four eyes: {} proposed this true match and cannot also settle it",
                        actor.person
                    )));
                }
            }
            _ => {}
        }
        Ok(match (self, verdict) {
            (_, V::FalsePositive) => S::FalsePositive,
            (_, V::Escalate) => S::Escalated,
            (S::PendingConfirmation, V::TrueMatch) => S::TrueMatch,
            (_, V::TrueMatch) => S::PendingConfirmation,
        })
    }
}

impl std::fmt::Display for TransferAlertStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn require(actor: &Actor, needed: Role, what: &str) -> Result<()> {
    if actor.role.allows(needed) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "a {} key may not {what} ({needed} role needed)",
            actor.role
        )))
    }
}

/// What an analyst concluded about a transfer alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferVerdict {
    /// The alert is real (needs a second person to take effect).
    TrueMatch,
    /// The alert is not what it looked like.
    FalsePositive,
    /// A supervisor should decide.
    Escalate,
}

impl TransferVerdict {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransferVerdict::TrueMatch => "true_match",
            TransferVerdict::FalsePositive => "false_positive",
            TransferVerdict::Escalate => "escalate",
        }
    }

    /// Reads a verdict name.
    pub fn parse(text: &str) -> Result<TransferVerdict> {
        [
            TransferVerdict::TrueMatch,
            TransferVerdict::FalsePositive,
            TransferVerdict::Escalate,
        ]
        .into_iter()
        .find(|v| v.as_str() == text.trim())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "verdict {text:?}: expected true_match, false_positive or escalate"
            ))
        })
    }
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
    /// Where it stands after the decisions recorded on it.
    pub status: TransferAlertStatus,
    /// Labels of the list versions it was screened against (`un@2026-02-27#3`).
    pub list_versions: Vec<String>,
}

/// A decision to record on a transfer alert.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewTransferAlertDecision {
    /// True match, false positive or escalate.
    pub verdict: TransferVerdict,
    /// Why (required: decisions must explain themselves).
    pub reason: String,
}

impl NewTransferAlertDecision {
    /// Refuses a key below analyst and a blank reason, naming the field.
    pub fn check(&self, actor: &Actor) -> Result<()> {
        require(actor, Role::Analyst, "decide on transfer alerts")?;
        if self.reason.trim().is_empty() {
            return Err(Error::Invalid("reason: must not be empty".into()));
        }
        Ok(())
    }
}

/// A decision recorded on a transfer alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferAlertDecision {
    /// Its id (increasing).
    pub id: i64,
    /// The alert decided on.
    pub alert_id: i64,
    /// What was concluded.
    pub verdict: TransferVerdict,
    /// Why.
    pub reason: String,
    /// The alert's status before.
    pub status_before: TransferAlertStatus,
    /// The alert's status after.
    pub status_after: TransferAlertStatus,
    /// Key id of the decider (the audit entry's caller).
    pub decided_by: String,
    /// The person behind the key (four eyes compare persons).
    pub decided_by_person: String,
    /// The key's role when deciding.
    pub decided_by_role: Role,
    /// The list versions the alert was raised on.
    pub list_versions: Vec<String>,
    /// When (fixed-width RFC 3339 UTC).
    pub decided_at: String,
}

/// An alert with every decision recorded on it, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferAlertHistory {
    /// The alert as it stands.
    #[serde(flatten)]
    pub alert: TransferAlert,
    /// Its decisions, oldest first.
    pub decisions: Vec<TransferAlertDecision>,
}

/// One screened transfer to record: its audit entry and the alerts it raised.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenedTransfer {
    /// The audit entry (kind `transfer_screening`).
    pub audit: NewAuditEntry,
    /// Labels of the list versions it was screened against, kept on its alerts.
    pub list_versions: Vec<String>,
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

/// One screened transfer and what tells a repeated delivery of it (the
/// monitor's delivery key: UETR, else message id, transaction ids and amount).
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveredTransfer {
    /// The delivery key; `None` when the message carries no id (then it is
    /// always recorded: it cannot be told from another).
    pub delivery_key: Option<String>,
    /// The audit entry and alerts to record the first time.
    pub screened: ScreenedTransfer,
}

/// Counts over every transfer screening the store holds (`cordon transfers stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TransferCounts {
    /// Transfers screened and recorded (`transfer_screening` audit entries).
    pub screened: u64,
    /// Transfer alerts stored, of every kind.
    pub alerts: u64,
    /// Stored alerts per kind (`r16`, `sanctions`, `typology`).
    pub alerts_by_kind: std::collections::BTreeMap<String, u64>,
    /// Transfers with at least one `sanctions` alert.
    pub transfers_with_sanctions_alerts: u64,
    /// Repeated deliveries recognised and not recorded again.
    pub duplicates: u64,
}

/// Storage of transfer screenings, their alerts and the decisions on them.
pub trait TransferAlerts {
    /// Appends the audit entry and alerts of every screened transfer, in
    /// order, in one transaction: either all are stored or none.
    fn record_transfers(&self, screened: &[ScreenedTransfer]) -> Result<Vec<RecordedTransfer>>;
    /// Like [`TransferAlerts::record_transfers`], but a transfer whose
    /// delivery key was recorded before (by any process, in any run, or
    /// earlier in `delivered`) is not recorded again: it is counted as a
    /// repeat and its place in the answer is `None`. Keys and records commit
    /// in one transaction, so a redelivery after a crash never makes a
    /// second audit entry or alert.
    fn record_transfers_once(
        &self,
        delivered: &[DeliveredTransfer],
    ) -> Result<Vec<Option<RecordedTransfer>>>;
    /// For each key, whether a transfer with it was recorded before; each
    /// one that was is counted as a repeated delivery. Lets a caller skip
    /// the screening and the typology rules of a repeat.
    fn note_repeats(&self, delivery_keys: &[String]) -> Result<Vec<bool>>;
    /// Counts of screened transfers, alerts and repeats.
    fn transfer_counts(&self) -> Result<TransferCounts>;
    /// Stored transfer alerts, newest first, at most `limit`, optionally
    /// only those with a status.
    fn transfer_alerts(
        &self,
        status: Option<TransferAlertStatus>,
        limit: usize,
    ) -> Result<Vec<TransferAlert>>;
    /// One alert with its decisions ([`Error::NotFound`] when unknown).
    fn transfer_alert(&self, id: i64) -> Result<TransferAlertHistory>;
    /// Records a decision on an alert and moves its status (see
    /// [`TransferAlertStatus::after`]), in one transaction with a
    /// `transfer_alert_decision` audit entry. A blank reason is
    /// [`Error::Invalid`], an unknown alert [`Error::NotFound`], a closed one
    /// [`Error::Conflict`], a missing role or four eyes [`Error::Forbidden`].
    fn decide_transfer_alert(
        &self,
        alert_id: i64,
        decision: &NewTransferAlertDecision,
        actor: &Actor,
    ) -> Result<TransferAlertDecision>;
}

/// Reads stored list version labels (a JSON array of strings).
pub fn labels(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt {
        what: "list versions of a transfer alert".into(),
        message: e.to_string(),
    })
}

/// The person whose true match the alert is waiting on, if any.
pub fn proposer(decisions: &[TransferAlertDecision]) -> Option<&str> {
    decisions
        .iter()
        .rev()
        .find(|d| d.status_after == TransferAlertStatus::PendingConfirmation)
        .map(|d| d.decided_by_person.as_str())
}
