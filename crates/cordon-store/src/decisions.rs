//! Analyst decisions on hits. A false positive is remembered for the party,
//! the entity and the entity's content hash, so the same hit is not raised
//! again until the designation changes or the decision expires. A true match
//! needs a second, different person with the supervisor role to confirm it
//! (four eyes): it stays `pending` until then. Clearing works the same way: a
//! false positive recorded for a party and entity with a pending or confirmed
//! true match stays `pending` (and suppresses nothing) until a second person
//! confirms it. Every decision lapses: `expires_at` may be at most
//! [`DEFAULT_MAX_DECISION_DAYS`] ahead (configurable per store), and a false
//! positive given without one lapses then; a lapsed decision no longer
//! suppresses the hit.

use crate::keys::{ApiKeyInfo, Role};
use crate::{timestamp, Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The longest a decision may stand unless the store is configured otherwise:
/// one year, the usual periodic-review cycle for customer due diligence.
pub const DEFAULT_MAX_DECISION_DAYS: u32 = 365;

/// What the analyst concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The party is the listed entity.
    TrueMatch,
    /// The party is not the listed entity.
    FalsePositive,
}

impl Verdict {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::TrueMatch => "true_match",
            Verdict::FalsePositive => "false_positive",
        }
    }
}

/// Where a decision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionState {
    /// Waiting for a supervisor's confirmation.
    Pending,
    /// In force.
    Confirmed,
}

/// Who acts: the key used and the person behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The key id (recorded as the caller).
    pub key_id: String,
    /// The person (four eyes compare persons).
    pub person: String,
    /// The key's role.
    pub role: Role,
}

impl From<&ApiKeyInfo> for Actor {
    fn from(key: &ApiKeyInfo) -> Actor {
        Actor {
            key_id: key.id.clone(),
            person: key.person.clone(),
            role: key.role,
        }
    }
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// The screened party: a customer id or the caller's own reference.
    pub party_key: String,
    /// The listed entity (`un:QDi.290`).
    pub entity_id: String,
    /// SHA-256 of the entity's content when it was decided (see [`crate::entity_hash`]).
    pub entity_hash: String,
    /// True match or false positive.
    pub verdict: Verdict,
    /// Why (required: decisions must explain themselves).
    pub reason: String,
    /// When the decision lapses (RFC 3339, at most the store's maximum ahead;
    /// default for a false positive: that maximum).
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// A stored decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Its id.
    pub id: i64,
    /// The screened party.
    pub party_key: String,
    /// The listed entity.
    pub entity_id: String,
    /// The entity's content hash when decided.
    pub entity_hash: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub reason: String,
    /// Pending or confirmed.
    pub state: DecisionState,
    /// Key id of the analyst.
    pub decided_by: String,
    /// The analyst.
    pub decided_by_person: String,
    /// When.
    pub decided_at: String,
    /// Key id of the confirming supervisor.
    pub confirmed_by: Option<String>,
    /// The confirming supervisor.
    pub confirmed_by_person: Option<String>,
    /// When confirmed.
    pub confirmed_at: Option<String>,
    /// When it lapses.
    pub expires_at: Option<String>,
}

/// Storage of decisions. Every write is also an audit entry, in the same transaction.
pub trait Decisions {
    /// Records a decision by an analyst (or above). False positives are in
    /// force at once unless a true match stands for the same party and
    /// entity; true matches, and such clearings, wait for confirmation.
    fn record_decision(&self, decision: &NewDecision, actor: &Actor) -> Result<Decision>;
    /// Confirms a pending decision (a true match or a clearing): the actor
    /// must be a supervisor and a different person from the analyst.
    fn confirm_decision(&self, id: i64, actor: &Actor) -> Result<Decision>;
    /// One decision.
    fn decision(&self, id: i64) -> Result<Decision>;
    /// The false-positive decision in force for this party, entity and entity
    /// content at time `now`, if any.
    fn standing_false_positive(
        &self,
        party_key: &str,
        entity_id: &str,
        entity_hash: &str,
        now: &str,
    ) -> Result<Option<Decision>>;
    /// Every decision recorded for a party and entity, oldest first: the
    /// history a case view shows, and the pending one a supervisor confirms.
    fn decisions_for(&self, party_key: &str, entity_id: &str) -> Result<Vec<Decision>>;
}

/// What a decision's audit entry carries: the decision as stored and its
/// row hash, against which verification checks the row.
pub fn decision_payload(decision: &Decision) -> serde_json::Value {
    json!({ "decision": decision, "row_hash": crate::rows::decision_row_hash(decision) })
}

/// Refuses a decision by a key below analyst, or with an empty field (named).
pub fn check_new(decision: &NewDecision, actor: &Actor) -> Result<()> {
    if !actor.role.allows(Role::Analyst) {
        return Err(Error::Forbidden(format!(
            "a {} key may not decide on hits (analyst or supervisor needed)",
            actor.role
        )));
    }
    for (field, value) in [
        ("party_key", &decision.party_key),
        ("entity_id", &decision.entity_id),
        ("entity_hash", &decision.entity_hash),
        ("reason", &decision.reason),
    ] {
        if value.trim().is_empty() {
            return Err(Error::Invalid(format!("{field}: must not be empty")));
        }
    }
    Ok(())
}

/// The stored expiry of a new decision: `expires_at` read as RFC 3339, in the
/// future and at most `max_days` ahead (a clearing that never lapses would
/// hide a listed person for good); a false positive without one lapses after
/// `max_days`, a true match without one stands until it is decided again.
pub fn expiry(
    decision: &NewDecision,
    max_days: u32,
    now: OffsetDateTime,
) -> Result<Option<String>> {
    let latest = now + time::Duration::days(i64::from(max_days));
    let Some(text) = decision.expires_at.as_deref() else {
        return Ok(match decision.verdict {
            Verdict::FalsePositive => Some(timestamp(latest)),
            Verdict::TrueMatch => None,
        });
    };
    let at = OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| {
        Error::Invalid(format!(
            "expires_at: {text:?} is not an RFC 3339 time such as 2027-01-01T00:00:00Z \
             (decisions lapse at most {max_days} days after they are made)"
        ))
    })?;
    if at <= now {
        return Err(Error::Invalid(format!(
            "expires_at: {text} is not in the future"
        )));
    }
    if at > latest {
        return Err(Error::Invalid(format!(
            "expires_at: {text} is more than {max_days} days ahead, the longest a decision may stand"
        )));
    }
    Ok(Some(timestamp(at)))
}
