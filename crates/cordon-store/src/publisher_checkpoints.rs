//! The last checkpoint imported from each trusted publisher of signed list
//! publications (issue 16, `cordon lists import PUBDIR --trust`). The next
//! import must extend it: a log rolled back or forked behind it is refused,
//! across restarts and whichever process imports. The store keeps the
//! checkpoint as opaque JSON text with its log size; checking signatures and
//! consistency proofs is `cordon-exchange`'s business, so this crate does not
//! depend on it. What the store does enforce is that the kept size never goes
//! down: a checkpoint of a smaller log than the one kept is refused.

use crate::Result;
use serde::Serialize;

/// The kept checkpoint of one publisher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPublisherCheckpoint {
    /// The trusted key's id (the trust store entry the import ran under).
    pub key_id: String,
    /// The number of publications the checkpoint covers.
    pub size: u64,
    /// The signed checkpoint, as JSON text.
    pub checkpoint: String,
    /// When it was kept (fixed-width RFC 3339, UTC).
    pub saved_at: String,
}

/// Storage of the last imported checkpoint per trusted publisher key.
pub trait PublisherCheckpoints {
    /// The checkpoint kept for `key_id`, if an import under it ever succeeded.
    fn publisher_checkpoint(&self, key_id: &str) -> Result<Option<StoredPublisherCheckpoint>>;
    /// Keeps `checkpoint` (JSON text of a log of `size` publications) for
    /// `key_id`, replacing the one kept. Refused with [`crate::Error::Conflict`]
    /// when the kept one covers more publications (a rolled-back log), and with
    /// [`crate::Error::Invalid`] when the key id or the checkpoint is empty.
    fn keep_publisher_checkpoint(&self, key_id: &str, size: u64, checkpoint: &str) -> Result<()>;
}

/// The checks both backends make before writing: the inputs' own validity.
pub fn check_new_checkpoint(key_id: &str, checkpoint: &str) -> Result<()> {
    if key_id.trim().is_empty() {
        return Err(crate::Error::Invalid(
            "publisher checkpoint: empty key id".into(),
        ));
    }
    if checkpoint.trim().is_empty() {
        return Err(crate::Error::Invalid(format!(
            "publisher checkpoint of key {key_id}: empty"
        )));
    }
    Ok(())
}

/// The refusal when the kept checkpoint covers more publications than the new one.
pub fn rolled_back(key_id: &str, kept: u64, size: u64) -> crate::Error {
    crate::Error::Conflict(format!(
        "publisher key {key_id}: the kept checkpoint covers {kept} publications, the new one {size} (rolled-back log)"
    ))
}
