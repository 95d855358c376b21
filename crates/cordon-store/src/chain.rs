//! Verification of the audit chain, shared by every backend: a backend reads
//! its `audit_log` rows in sequence order (in chunks of [`VERIFY_CHUNK`]) and
//! its head row, and [`ChainWalk`] decides what is broken, so that SQLite and
//! PostgreSQL judge a chain by the same rules.

use crate::audit::{
    entry_hash, AuditEntry, AuditVerification, BrokenEntry, CHECKPOINT_KIND, GENESIS_HASH,
};
use crate::rows::RowLedger;
use crate::{Error, Result};
use serde_json::Value;
use std::collections::BTreeMap;

/// Entries read per step of a verification: each step is one short query on
/// the snapshot, so a long chain is walked with bounded memory.
pub const VERIFY_CHUNK: i64 = 10_000;

/// A row as stored, before its payload is parsed: what every backend reads
/// from its `audit_log` table and hands to the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// Sequence number.
    pub seq: i64,
    /// When written.
    pub at: String,
    /// Kind of event.
    pub kind: String,
    /// Who caused it.
    pub caller: String,
    /// The payload's stored (canonical JSON) text.
    pub payload: String,
    /// The hash of the entry before.
    pub prev_hash: String,
    /// This entry's stored hash.
    pub entry_hash: String,
}

impl RawEntry {
    /// The entry with its payload parsed; a payload that is not JSON is [`Error::Corrupt`].
    pub fn parse(self) -> Result<AuditEntry> {
        let payload = serde_json::from_str(&self.payload).map_err(|e| Error::Corrupt {
            what: format!("audit entry {}", self.seq),
            message: e.to_string(),
        })?;
        Ok(AuditEntry {
            seq: self.seq,
            at: self.at,
            kind: self.kind,
            caller: self.caller,
            payload,
            prev_hash: self.prev_hash,
            entry_hash: self.entry_hash,
        })
    }
}

/// The state carried along a walk of the chain, oldest entry first. A
/// backend feeds it the stored rows with [`ChainWalk::step`] until it answers
/// `false` (a broken entry) or the rows run out, then calls
/// [`ChainWalk::finish`] with the stored head and rows.
#[derive(Debug, Default)]
pub struct ChainWalk {
    checked: u64,
    first: Option<(i64, String)>,
    last: Option<(i64, String)>,
    /// (purged_through_seq, anchor_hash) of every checkpoint seen.
    checkpoints: Vec<(i64, String)>,
    broken: Option<BrokenEntry>,
    /// The decisions and api_keys rows as the verified entries have them.
    ledger: RowLedger,
}

impl ChainWalk {
    /// Entries taken in so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// Takes in the next stored entry; false when it is broken (stop walking:
    /// nothing after a broken entry can be trusted).
    pub fn step(&mut self, raw: &RawEntry) -> bool {
        match self.check(raw) {
            None => true,
            Some(broken) => {
                self.broken = Some(broken);
                false
            }
        }
    }

    fn check(&mut self, raw: &RawEntry) -> Option<BrokenEntry> {
        self.checked += 1;
        let broken = |reason: String| {
            Some(BrokenEntry {
                seq: raw.seq,
                reason,
            })
        };
        match &self.last {
            None => {
                self.first = Some((raw.seq, raw.prev_hash.clone()));
                if raw.seq == 1 && raw.prev_hash != GENESIS_HASH {
                    return broken("the first entry does not start the chain (prev_hash is not the genesis hash)".into());
                }
            }
            Some((last_seq, last_hash)) => {
                if raw.seq != last_seq + 1 {
                    return broken(format!(
                        "entries {} to {} are missing",
                        last_seq + 1,
                        raw.seq - 1
                    ));
                }
                if &raw.prev_hash != last_hash {
                    return broken(format!(
                        "prev_hash does not match the hash of entry {last_seq}"
                    ));
                }
            }
        }
        let Ok(payload) = serde_json::from_str::<Value>(&raw.payload) else {
            return broken("the payload is not valid JSON".into());
        };
        let expected = entry_hash(
            &raw.prev_hash,
            raw.seq,
            &raw.at,
            &raw.kind,
            &raw.caller,
            &raw.payload,
        );
        if expected != raw.entry_hash {
            return broken("the entry's content or its hash was changed (hash mismatch)".into());
        }
        self.ledger.apply(&raw.kind, &payload);
        if raw.kind == CHECKPOINT_KIND {
            if let (Some(through), Some(anchor)) = (
                payload["purged_through_seq"].as_i64(),
                payload["anchor_hash"].as_str(),
            ) {
                self.checkpoints.push((through, anchor.to_string()));
            }
        }
        self.last = Some((raw.seq, raw.entry_hash.clone()));
        None
    }

    /// A chain that does not start at 1 must be vouched for by a checkpoint.
    fn anchor_problem(&self) -> Option<BrokenEntry> {
        let (first_seq, first_prev) = self.first.as_ref()?;
        if *first_seq == 1 {
            return None;
        }
        let vouched = self
            .checkpoints
            .iter()
            .any(|(through, anchor)| through + 1 == *first_seq && anchor == first_prev);
        (!vouched).then(|| BrokenEntry {
            seq: *first_seq,
            reason: format!(
                "entries before {first_seq} were deleted and no checkpoint vouches for it"
            ),
        })
    }

    /// The verification: the first broken entry (a gap at the start that no
    /// checkpoint vouches for first, then an entry that failed its step, then
    /// a head row that does not name the newest entry), and, when the chain
    /// is intact, the `decisions` and `api_keys` rows (by ledger key and
    /// hash, read by `stored_rows`) that differ from it.
    pub fn finish(
        mut self,
        head: Option<(i64, String)>,
        stored_rows: impl FnOnce() -> Result<BTreeMap<String, String>>,
    ) -> Result<AuditVerification> {
        let broken = match self.anchor_problem() {
            Some(anchor) => Some(anchor),
            None => match self.broken.take() {
                Some(b) => Some(b),
                None => head_problem(head, self.last.as_ref()),
            },
        };
        // Rows are compared only with an intact chain: a broken one says nothing about them.
        let rows = match broken {
            None => self.ledger.compare(&stored_rows()?),
            Some(_) => Vec::new(),
        };
        Ok(AuditVerification {
            checked: self.checked,
            first_seq: self.first.map(|(seq, _)| seq),
            head_seq: self.last.as_ref().map(|(seq, _)| *seq),
            head_hash: self.last.map(|(_, hash)| hash),
            broken,
            rows,
        })
    }
}

/// What is wrong with the head row (sequence number and hash of the newest
/// entry) given the newest entry found.
fn head_problem(head: Option<(i64, String)>, last: Option<&(i64, String)>) -> Option<BrokenEntry> {
    match (head, last) {
        (None, None) => None,
        (Some((seq, hash)), Some((last_seq, last_hash)))
            if seq == *last_seq && &hash == last_hash =>
        {
            None
        }
        (Some((seq, _)), Some((last_seq, _))) if seq > *last_seq => Some(BrokenEntry {
            seq: last_seq + 1,
            reason: format!(
                "entries {} to {seq} are missing (the head says {seq})",
                last_seq + 1
            ),
        }),
        (Some((seq, _)), None) => Some(BrokenEntry {
            seq,
            reason: format!("all entries are missing (the head says {seq})"),
        }),
        (head, Some((last_seq, _))) => Some(BrokenEntry {
            seq: *last_seq,
            reason: format!(
                "the newest entry does not match the recorded head ({})",
                head.map_or("none".to_string(), |(s, _)| format!("entry {s}"))
            ),
        }),
    }
}
