//! The customer register (who the institution serves) and the alerts raised
//! when a customer matches a designation, for example when a new list version
//! adds one.

use crate::{Error, Result};
use cordon_model::Schema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The institution's own customer id.
    pub id: String,
    /// Full name, in any script.
    pub name: String,
    /// Date of birth (or registration date) as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    /// Nationality or country (ISO code or name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Person, organization, vessel or aircraft.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
    /// Passport, national id or registration numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct UpsertOutcome {
    /// New customers.
    pub inserted: u64,
    /// Customers whose record was replaced.
    pub updated: u64,
}

/// An alert to raise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAlert {
    /// The customer.
    pub customer_id: String,
    /// The listed entity.
    pub entity_id: String,
    /// The entity's content hash (one alert per customer, entity and content).
    pub entity_hash: String,
    /// The list version label that raised it.
    pub list_version: String,
    /// The match score.
    pub score: f64,
    /// Why: `rescreen` (a new list version), `screening`, ...
    pub reason: String,
    /// The match with its explanation.
    pub details: Value,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Its id.
    pub id: i64,
    /// The customer.
    pub customer_id: String,
    /// The listed entity.
    pub entity_id: String,
    /// The entity's content hash.
    pub entity_hash: String,
    /// The list version label.
    pub list_version: String,
    /// The match score.
    pub score: f64,
    /// Why it was raised.
    pub reason: String,
    /// The match with its explanation.
    pub details: Value,
    /// `open`; then `false_positive`, `pending_confirmation` or `true_match`
    /// as decisions on the same customer and entity are recorded.
    pub status: String,
    /// When.
    pub raised_at: String,
}

/// A customer's retrieval tokens as the register keeps them: the texts through
/// which screening the customer can reach a listed entity (derived by the
/// matcher, space-separated), so that a rescreen against a few changed
/// designations need not prepare every customer's name again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchTokens {
    /// The customer.
    pub customer_id: String,
    /// The tokens, space-separated.
    pub tokens: String,
}

/// Storage of customers and alerts.
pub trait Customers {
    /// Inserts or replaces customers by id, all in one transaction.
    fn upsert_customers(&self, customers: &[Customer]) -> Result<UpsertOutcome>;
    /// Every customer, by id.
    fn customers(&self) -> Result<Vec<Customer>>;
    /// Raises alerts, skipping any already raised for the same customer,
    /// entity and content; returns how many are new. Audited as one entry.
    fn raise_alerts(&self, alerts: &[NewAlert], caller: &str) -> Result<Vec<Alert>>;
    /// Alerts, newest first, optionally only those with a status.
    fn alerts(&self, status: Option<&str>, limit: usize) -> Result<Vec<Alert>>;
    /// One customer by id (the primary key), if registered.
    fn customer(&self, id: &str) -> Result<Option<Customer>>;
    /// One alert by id, if raised.
    fn alert(&self, id: i64) -> Result<Option<Alert>>;
    /// The customers with these ids, by id; ids not registered are skipped.
    fn customers_by_id(&self, ids: &[String]) -> Result<Vec<Customer>>;
    /// The retrieval tokens kept for customers under `stamp` (the matcher's
    /// derivation); a customer changed since its tokens were derived has none.
    fn match_tokens(&self, stamp: &str) -> Result<Vec<MatchTokens>>;
    /// The customers without retrieval tokens under `stamp`, by id.
    fn customers_without_match_tokens(&self, stamp: &str) -> Result<Vec<Customer>>;
    /// Keeps each customer's tokens derived under `stamp` (replacing what was
    /// kept), in one transaction; tokens of a customer whose stored name or
    /// identifiers are no longer those given are not kept (it changed meanwhile).
    fn keep_match_tokens(&self, stamp: &str, derived: &[(&Customer, &str)]) -> Result<()>;
}

/// A customer's identifiers as both backends store them (a JSON array).
pub fn stored_identifiers(customer: &Customer) -> String {
    serde_json::to_string(&customer.identifiers).unwrap_or_else(|_| "[]".into())
}

/// Refuses a customer without an id or a name; `position` (from 0) is named from 1.
pub fn check_customer(customer: &Customer, position: usize) -> Result<()> {
    if customer.id.trim().is_empty() {
        return Err(Error::Invalid(format!(
            "customer {}: empty id",
            position + 1
        )));
    }
    if customer.name.trim().is_empty() {
        return Err(Error::Invalid(format!(
            "customer {} ({}): empty name",
            position + 1,
            customer.id
        )));
    }
    Ok(())
}
