//! The audit log: an append-only chain of entries, each hashed together with
//! the hash of the one before it, so that editing, deleting or reordering a
//! stored entry (or its hash) is detected by [`AuditLog::verify_audit`].
//!
//! `entry_hash = SHA-256(prev_hash_hex || canonical_json({seq, at, kind, caller, payload}))`
//! (the payload is stored as its canonical JSON text and hashed as stored),
//! with `prev_hash` of the first entry being 64 zeros. Sequence numbers have
//! no gaps, and the newest entry is also kept in a one-row head table, so a
//! deleted tail is detected too (an attacker who also rewrites the head can
//! cut the tail: export signed checkpoints with `cordon audit checkpoint`
//! regularly to close that gap).
//!
//! Rows of `decisions` and `api_keys` are anchored in the chain (see
//! [`crate::rows`]): verification also compares each row with its newest
//! entry. The head can be signed and kept elsewhere (see
//! [`crate::checkpoint`]) so that truncation and rewrites are detected even by
//! someone who controls the whole file.
//!
//! Retention: [`AuditLog::purge_audit`] deletes the oldest entries up to a
//! cutoff and appends a `checkpoint` entry recording the last purged
//! sequence number and its hash. A chain whose first entry is not number 1
//! verifies only when a checkpoint inside the (verified) chain vouches for the
//! first entry's `prev_hash`.

use crate::Result;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;

/// The `prev_hash` of the very first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The kind of the entry a purge writes.
pub const CHECKPOINT_KIND: &str = "checkpoint";

/// What to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// `screening`, `decision`, `decision_confirmed`, `key_created`, ...
    pub kind: String,
    /// Who caused it: an API key id, or `cli:<user>`.
    pub caller: String,
    /// The facts recorded (stored as canonical JSON).
    pub payload: Value,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When it was written (fixed-width RFC 3339 UTC).
    pub at: String,
    /// What kind of event.
    pub kind: String,
    /// Who caused it.
    pub caller: String,
    /// The facts recorded.
    pub payload: Value,
    /// The hash of the entry before (64 zeros for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub entry_hash: String,
}

/// The first entry that does not verify, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrokenEntry {
    /// Its sequence number.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: String,
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditVerification {
    /// Entries checked (up to and including a broken one).
    pub checked: u64,
    /// Sequence number of the first stored entry.
    pub first_seq: Option<i64>,
    /// Hash of the newest entry: keep a copy elsewhere to detect a rewritten tail.
    pub head_hash: Option<String>,
    /// Sequence number of the newest entry.
    pub head_seq: Option<i64>,
    /// The first broken entry, if any.
    pub broken: Option<BrokenEntry>,
    /// `decisions` and `api_keys` rows that do not match their audit entries
    /// (checked when the chain itself is intact).
    pub rows: Vec<crate::rows::RowProblem>,
}

impl AuditVerification {
    /// True when every entry verified and every anchored row matches the chain.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none() && self.rows.is_empty()
    }
}

/// The result of a purge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PurgeOutcome {
    /// Entries deleted.
    pub purged: u64,
    /// The checkpoint entry written (none when nothing was old enough).
    pub checkpoint: Option<AuditEntry>,
}

/// The hash of an entry's content given the hash before it.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    kind: &str,
    caller: &str,
    payload_text: &str,
) -> String {
    // The canonical JSON of {at, caller, kind, payload, seq} (keys sorted),
    // built around the payload's stored text so that verifying never depends
    // on re-printing parsed numbers.
    let text = |s: &str| Value::String(s.to_string()).to_string();
    let canonical = format!(
        "{{\"at\":{},\"caller\":{},\"kind\":{},\"payload\":{payload_text},\"seq\":{seq}}}",
        text(at),
        text(caller),
        text(kind)
    );
    let mut bytes = Vec::with_capacity(prev_hash.len() + canonical.len());
    bytes.extend_from_slice(prev_hash.as_bytes());
    bytes.extend_from_slice(canonical.as_bytes());
    crate::sha256_hex(&bytes)
}

/// The payload of a screening entry: the request's hash (SHA-256 of its
/// canonical JSON), the list versions and engine used, and the results.
pub fn screening_payload(
    request: &Value,
    lists: &[String],
    engine: &str,
    results: &[(String, f64)],
) -> Value {
    serde_json::json!({
        "request_hash": crate::sha256_hex(crate::canonical_json(request).as_bytes()),
        "lists": lists,
        "engine": engine,
        "results": results.iter().map(|(id, score)| serde_json::json!({"entity_id": id, "score": score})).collect::<Vec<_>>(),
    })
}

/// [`screening_payload`] for many screenings against the same lists and
/// engine, written straight to its canonical text: the shared part is
/// rendered once, so a batch pays per row only for its request hash and
/// results. The text is exactly `canonical_json(&screening_payload(..))`.
#[derive(Debug, Clone)]
pub struct ScreeningPayloads {
    /// `{"engine":..,"lists":[..],"request_hash":"` (keys in canonical order).
    head: String,
}

impl ScreeningPayloads {
    /// Renders the part every payload shares.
    pub fn new(lists: &[String], engine: &str) -> ScreeningPayloads {
        let lists: Vec<Value> = lists.iter().map(|l| Value::String(l.clone())).collect();
        let head = format!(
            "{{\"engine\":{},\"lists\":{},\"request_hash\":\"",
            crate::canonical_json(&Value::String(engine.to_string())),
            crate::canonical_json(&Value::Array(lists)),
        );
        ScreeningPayloads { head }
    }

    /// The canonical payload text of one screening: the request's hash and
    /// every returned entity with its score.
    pub fn text<'r>(
        &self,
        request: &Value,
        results: impl IntoIterator<Item = (&'r str, f64)>,
    ) -> String {
        let request_hash = crate::sha256_hex(crate::canonical_json(request).as_bytes());
        let mut text = String::with_capacity(self.head.len() + 96);
        text.push_str(&self.head);
        text.push_str(&request_hash);
        text.push_str("\",\"results\":[");
        for (i, (entity_id, score)) in results.into_iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            // As `json!` and `canonical_json` write them: a non-finite score is null.
            let id = Value::String(entity_id.to_string());
            // Writing to a String cannot fail.
            let _ = write!(
                text,
                "{{\"entity_id\":{id},\"score\":{}}}",
                Value::from(score)
            );
        }
        text.push_str("]}");
        text
    }

    /// A prepared `screening` entry.
    pub fn entry<'r>(
        &self,
        caller: &str,
        request: &Value,
        results: impl IntoIterator<Item = (&'r str, f64)>,
    ) -> PreparedAuditEntry {
        PreparedAuditEntry {
            kind: "screening".into(),
            caller: caller.to_string(),
            payload_text: self.text(request, results),
        }
    }
}

/// An entry whose payload is already in its stored form (canonical JSON), so
/// that a batch can build payloads in parallel and the serial part of an
/// append is left with chaining: timestamp, hash, insert.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedAuditEntry {
    kind: String,
    caller: String,
    // Private: only [`PreparedAuditEntry::new`] and [`ScreeningPayloads`]
    // write it, so it is always the canonical JSON that verification re-hashes.
    payload_text: String,
}

impl PreparedAuditEntry {
    /// Prepares an entry: its payload is written as canonical JSON once, here.
    pub fn new(entry: &NewAuditEntry) -> PreparedAuditEntry {
        PreparedAuditEntry {
            kind: entry.kind.clone(),
            caller: entry.caller.clone(),
            payload_text: crate::canonical_json(&entry.payload),
        }
    }

    /// What kind of event.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Who caused it.
    pub fn caller(&self) -> &str {
        &self.caller
    }

    /// The payload exactly as it is stored and hashed.
    pub fn payload_text(&self) -> &str {
        &self.payload_text
    }
}

/// The entries an append of prepared entries wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppendedRange {
    /// Sequence number of the first entry written (none when nothing was).
    pub first_seq: Option<i64>,
    /// Sequence number of the last entry written.
    pub last_seq: Option<i64>,
    /// Hash of the last entry written: the chain's head right after the append.
    pub last_hash: Option<String>,
}

/// How far a verification of the chain has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VerifyProgress {
    /// Entries checked so far.
    pub checked: u64,
    /// Entries in the snapshot being verified.
    pub total: u64,
}

/// An append-only, hash-chained audit log. There is deliberately no method to
/// edit or delete a single entry.
pub trait AuditLog {
    /// Appends one entry atomically and returns it as stored.
    fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry>;
    /// Appends several entries in one transaction (a batch screening), in order.
    fn append_audits(&self, entries: &[NewAuditEntry]) -> Result<Vec<AuditEntry>>;
    /// Appends prepared entries in one transaction, in order, and returns the
    /// range written rather than the entries (a large batch does not need them
    /// back). The stored entries are those [`AuditLog::append_audits`] writes.
    fn append_prepared_audits(&self, entries: &[PreparedAuditEntry]) -> Result<AppendedRange> {
        let parsed = entries
            .iter()
            .map(|e| {
                let payload = serde_json::from_str(e.payload_text()).map_err(|err| {
                    crate::Error::Corrupt {
                        what: "a prepared audit payload".into(),
                        message: err.to_string(),
                    }
                })?;
                Ok(NewAuditEntry {
                    kind: e.kind().to_string(),
                    caller: e.caller().to_string(),
                    payload,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let stored = self.append_audits(&parsed)?;
        Ok(AppendedRange {
            first_seq: stored.first().map(|e| e.seq),
            last_seq: stored.last().map(|e| e.seq),
            last_hash: stored.last().map(|e| e.entry_hash.clone()),
        })
    }
    /// Entries with `seq > after`, oldest first, at most `limit`.
    fn audit_entries(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>>;
    /// The stored hash of entry `seq`, if it is stored (to compare with a
    /// signed checkpoint).
    fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        Ok(self
            .audit_entries(seq - 1, 1)?
            .into_iter()
            .find(|e| e.seq == seq)
            .map(|e| e.entry_hash))
    }
    /// Walks the whole chain and reports the first broken entry.
    fn verify_audit(&self) -> Result<AuditVerification>;
    /// Like [`AuditLog::verify_audit`], telling `progress` how many entries
    /// are checked of how many the snapshot holds, at the start and after each
    /// chunk, so that a person watching sees a position rather than a clock.
    /// The default (a backend that walks in one go) tells it once, at the end.
    fn verify_audit_reporting(
        &self,
        progress: &dyn Fn(VerifyProgress),
    ) -> Result<AuditVerification> {
        let verification = self.verify_audit()?;
        progress(VerifyProgress {
            checked: verification.checked,
            total: verification.checked,
        });
        Ok(verification)
    }
    /// Deletes entries written before `cutoff` (a [`crate::timestamp`]) and
    /// appends a checkpoint so the rest still verifies.
    fn purge_audit(&self, cutoff: &str, caller: &str) -> Result<PurgeOutcome>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn screening_payload_text_is_the_canonical_payload() {
        let lists = vec![
            "un@2026-02-27 (/data/un \"consolidated\".xml)".to_string(),
            "ofac@- (C:\\lists\\sdn)".to_string(),
            "ca@2025 (листы/ca.xml)".to_string(),
        ];
        let engine = "cordon-match 0.1.0; threshold=0.75";
        let payloads = ScreeningPayloads::new(&lists, engine);
        let request = json!({"id": "r1", "name": "Доку \"Умаров\"", "dob": null, "country": "RU"});
        let results = [
            ("un:QDi.290".to_string(), 0.912_345_678_9),
            ("ofac:12345\u{1}".to_string(), 1.0),
            ("ca:x".to_string(), 0.75),
            ("uk:nan".to_string(), f64::NAN),
        ];
        for n in 0..=results.len() {
            let expected =
                crate::canonical_json(&screening_payload(&request, &lists, engine, &results[..n]));
            let text = payloads.text(
                &request,
                results[..n].iter().map(|(id, s)| (id.as_str(), *s)),
            );
            assert_eq!(text, expected);
        }
        assert!(ScreeningPayloads::new(&[], engine)
            .text(&request, [])
            .contains("\"lists\":[],"));
    }
}
