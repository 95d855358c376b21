//! Rows anchored in the audit chain: every write to `decisions` and
//! `api_keys` appends an entry carrying the row's content hash, so a row
//! inserted or edited behind the store's back (a forged admin key, a
//! cleared true match) no longer matches the chain and
//! [`crate::AuditLog::verify_audit`] reports it.
//!
//! The [`RowLedger`] replays the chain: the newest entry naming a row gives
//! the hash the row must have now. Entries that carry rows:
//! `decision` / `decision_confirmed` (`payload.decision`, `payload.row_hash`),
//! `key_created` / `key_revoked` (`payload.key_id`, `payload.row_hash`), and
//! `rows_anchored` / `checkpoint` (`payload.rows`: every row at that point —
//! written when an older database is upgraded and by every purge, so rows
//! whose entries were purged stay anchored).

use crate::decisions::Decision;
use crate::{canonical_json, sha256_hex};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The kind of the entry that anchors the rows present when a database is upgraded.
pub const ROWS_ANCHORED_KIND: &str = "rows_anchored";

/// The ledger key of a decision row.
pub fn decision_key(id: i64) -> String {
    format!("decision:{id}")
}

/// The ledger key of an API key row.
pub fn api_key_key(id: &str) -> String {
    format!("key:{id}")
}

/// The content hash of a decision row: SHA-256 of its canonical JSON.
pub fn decision_row_hash(decision: &Decision) -> String {
    let value = serde_json::to_value(decision).unwrap_or(Value::Null);
    sha256_hex(canonical_json(&value).as_bytes())
}

/// An `api_keys` row as stored (the secret's hash included: a key whose
/// hash was swapped for one the attacker knows is an edited row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    /// Key id.
    pub id: String,
    /// The person.
    pub person: String,
    /// The role as stored.
    pub role: String,
    /// SHA-256 of the secret.
    pub key_hash: String,
    /// When created.
    pub created_at: String,
    /// When revoked.
    pub revoked_at: Option<String>,
}

impl KeyRow {
    /// The content hash of the row: SHA-256 of its canonical JSON.
    pub fn row_hash(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        sha256_hex(canonical_json(&value).as_bytes())
    }
}

/// A decisions or api_keys row that does not match the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// `decisions` or `api_keys`.
    pub table: String,
    /// The row's id.
    pub id: String,
    /// What is wrong.
    pub reason: String,
}

/// Row hashes as the chain has them, built by replaying entries in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowLedger {
    rows: BTreeMap<String, String>,
}

impl RowLedger {
    /// Takes in one verified entry.
    pub fn apply(&mut self, kind: &str, payload: &Value) {
        match kind {
            "decision" | "decision_confirmed" => {
                let Some(id) = payload["decision"]["id"].as_i64() else {
                    return;
                };
                let hash = match payload["row_hash"].as_str() {
                    Some(hash) => hash.to_string(),
                    // Entries written before rows were anchored carry the whole row.
                    None => {
                        match serde_json::from_value::<DecisionRow>(payload["decision"].clone()) {
                            Ok(row) => row.hash(),
                            Err(_) => return,
                        }
                    }
                };
                self.rows.insert(decision_key(id), hash);
            }
            "key_created" | "key_revoked" => {
                // Older entries lack the row hash; the upgrade's `rows_anchored` covers them.
                if let (Some(id), Some(hash)) =
                    (payload["key_id"].as_str(), payload["row_hash"].as_str())
                {
                    self.rows.insert(api_key_key(id), hash.to_string());
                }
            }
            ROWS_ANCHORED_KIND | crate::audit::CHECKPOINT_KIND => {
                if let Some(rows) = payload["rows"].as_object() {
                    self.rows = rows
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect();
                }
            }
            _ => {}
        }
    }

    /// The hash the chain has for a row.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.rows.get(key).map(String::as_str)
    }

    /// Every row as a JSON object (for `rows_anchored` and checkpoint payloads).
    pub fn to_json(&self) -> Value {
        let rows: Map<String, Value> = self
            .rows
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        Value::Object(rows)
    }

    /// True when no row is anchored.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Records a row's hash directly (rows present at an upgrade).
    pub fn insert(&mut self, key: String, hash: String) {
        self.rows.insert(key, hash);
    }

    /// Compares the rows found in the tables (ledger key, hash) with the
    /// chain: a row unknown to the chain was inserted, a row with another
    /// hash was edited, a row the chain has but the table lacks was deleted.
    pub fn compare(&self, found: &BTreeMap<String, String>) -> Vec<RowProblem> {
        let mut problems = Vec::new();
        for (key, hash) in found {
            let reason = match self.rows.get(key) {
                None => "is not in the audit chain (inserted behind the store's back)",
                Some(expected) if expected != hash => {
                    "differs from its audit entry (edited behind the store's back)"
                }
                Some(_) => continue,
            };
            problems.push(problem(key, reason));
        }
        for key in self.rows.keys().filter(|k| !found.contains_key(*k)) {
            problems.push(problem(
                key,
                "is in the audit chain but not in its table (deleted behind the store's back)",
            ));
        }
        problems
    }
}

fn problem(key: &str, reason: &str) -> RowProblem {
    let (kind, id) = key.split_once(':').unwrap_or(("row", key));
    let (table, noun) = match kind {
        "decision" => ("decisions", "decision"),
        "key" => ("api_keys", "API key"),
        other => (other, other),
    };
    RowProblem {
        table: table.to_string(),
        id: id.to_string(),
        reason: format!("{noun} {id} {reason}"),
    }
}

/// A decision as written in older entries: hashed the same way as a row.
#[derive(serde::Deserialize)]
struct DecisionRow(Value);

impl DecisionRow {
    fn hash(&self) -> String {
        sha256_hex(canonical_json(&self.0).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_entry_naming_a_row_wins_and_anchors_replace_all() {
        let mut ledger = RowLedger::default();
        ledger.apply("key_created", &json!({"key_id": "key_a", "row_hash": "h1"}));
        ledger.apply("key_revoked", &json!({"key_id": "key_a", "row_hash": "h2"}));
        ledger.apply("decision", &json!({"decision": {"id": 3, "x": 1}}));
        assert_eq!(ledger.get("key:key_a"), Some("h2"));
        let legacy = sha256_hex(canonical_json(&json!({"id": 3, "x": 1})).as_bytes());
        assert_eq!(ledger.get("decision:3"), Some(legacy.as_str()));
        ledger.apply("checkpoint", &json!({"rows": {"key:key_b": "h9"}}));
        assert_eq!(ledger.get("key:key_a"), None);
        let found: BTreeMap<String, String> = [
            ("key:key_b".to_string(), "h8".to_string()),
            ("decision:1".to_string(), "h".to_string()),
        ]
        .into();
        let problems = ledger.compare(&found);
        let reasons: Vec<&str> = problems.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "decision 1 is not in the audit chain (inserted behind the store's back)",
                "API key key_b differs from its audit entry (edited behind the store's back)",
            ]
        );
        assert_eq!(problems[0].table, "decisions");
        assert!(ledger.compare(&BTreeMap::new())[0]
            .reason
            .contains("deleted"));
    }
}
