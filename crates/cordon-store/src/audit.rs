//! The audit log: an append-only chain of entries, each hashed together with
//! the hash of the one before it, so that editing, deleting or reordering a
//! stored entry (or its hash) is detected by [`AuditLog::verify_audit`].
//!
//! `entry_hash = SHA-256(prev_hash_hex || canonical_json({seq, at, kind, caller, payload}))`
//! (the payload is stored as its canonical JSON text and hashed as stored),
//! with `prev_hash` of the first entry being 64 zeros. Sequence numbers have
//! no gaps, and the newest entry is also kept in a one-row head table, so a
//! deleted tail is detected too (an attacker who also rewrites the head can
//! cut the tail: export `head_hash` from `cordon audit verify` to somewhere
//! else regularly to close that gap).
//!
//! Retention: [`AuditLog::purge_audit`] deletes the oldest entries up to a
//! cutoff and appends a `checkpoint` entry recording the last purged
//! sequence number and its hash. A chain whose first entry is not number 1
//! verifies only when a checkpoint inside the (verified) chain vouches for the
//! first entry's `prev_hash`.

use crate::Result;
use serde::Serialize;
use serde_json::Value;

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
}

impl AuditVerification {
    /// True when every entry verified.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
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

/// An append-only, hash-chained audit log. There is deliberately no method to
/// edit or delete a single entry.
pub trait AuditLog {
    /// Appends one entry atomically and returns it as stored.
    fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry>;
    /// Appends several entries in one transaction (a batch screening), in order.
    fn append_audits(&self, entries: &[NewAuditEntry]) -> Result<Vec<AuditEntry>>;
    /// Entries with `seq > after`, oldest first, at most `limit`.
    fn audit_entries(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>>;
    /// Walks the whole chain and reports the first broken entry.
    fn verify_audit(&self) -> Result<AuditVerification>;
    /// Deletes entries written before `cutoff` (a [`crate::timestamp`]) and
    /// appends a checkpoint so the rest still verifies.
    fn purge_audit(&self, cutoff: &str, caller: &str) -> Result<PurgeOutcome>;
}
