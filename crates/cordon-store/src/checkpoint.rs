//! Signed checkpoints of the audit chain, for an auditor to keep outside
//! the database. Whoever controls the database file can delete the oldest
//! entries and append a forged purge checkpoint, or rewrite history and
//! recompute every hash after it: the chain alone cannot tell. A
//! [`SignedCheckpoint`] records the head (sequence number and hash) and the
//! first stored entry at one moment, signed with an ed25519 key the database
//! never sees; [`SignedCheckpoint::check_chain`] then names any truncation
//! or rewrite at or before that head.
//!
//! ```
//! use cordon_store::checkpoint::{CheckpointKey, SignedCheckpoint};
//! let key = CheckpointKey::generate().unwrap();
//! let checkpoint = SignedCheckpoint::sign(&key, 42, "ab".repeat(32).as_str(), 1, "2026-12-03T10:00:00.000000Z");
//! assert!(checkpoint.verify_signature(Some(&key.public_hex())).is_ok());
//! let mut forged = checkpoint.clone();
//! forged.head_seq = 41;
//! assert!(forged.verify_signature(Some(&key.public_hex())).is_err());
//! ```

use crate::{canonical_json, sha256_hex, Error, Result};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The `format` of a checkpoint file; a different one is refused.
pub const CHECKPOINT_FORMAT: &str = "cordon-audit-checkpoint/1";

/// An ed25519 key pair that signs checkpoints (kept by the auditor, outside
/// the data directory).
pub struct CheckpointKey {
    signing: SigningKey,
}

impl CheckpointKey {
    /// A new random key.
    pub fn generate() -> Result<CheckpointKey> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::Invalid(format!("the system random source failed: {e}")))?;
        Ok(CheckpointKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// Reads a key file's text: the 32-byte secret seed as 64 hex digits.
    pub fn from_hex(text: &str) -> Result<CheckpointKey> {
        let seed: [u8; 32] = decode_32(text.trim())
            .map_err(|why| Error::Invalid(format!("checkpoint key: {why}")))?;
        Ok(CheckpointKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// The secret seed as 64 hex digits (the key file's content).
    pub fn secret_hex(&self) -> String {
        hex::encode(self.signing.to_bytes())
    }

    /// The public key as 64 hex digits (the `.pub` file's content).
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// A short id of the public key: the first 16 hex digits of its SHA-256.
    pub fn key_id(&self) -> String {
        key_id(&self.public_hex())
    }
}

fn key_id(public_hex: &str) -> String {
    sha256_hex(public_hex.as_bytes())[..16].to_string()
}

fn decode_32(text: &str) -> std::result::Result<[u8; 32], String> {
    let bytes = hex::decode(text).map_err(|e| format!("not hex ({e})"))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| format!("{} bytes where 32 were expected", b.len()))
}

/// The chain's head at one moment, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// [`CHECKPOINT_FORMAT`].
    pub format: String,
    /// Sequence number of the newest entry.
    pub head_seq: i64,
    /// Its hash.
    pub head_hash: String,
    /// Sequence number of the oldest stored entry then (entries from here to
    /// the head must stay).
    pub first_seq: i64,
    /// When the checkpoint was taken.
    pub at: String,
    /// [`CheckpointKey::key_id`] of the signer.
    pub key_id: String,
    /// The signer's public key (64 hex digits).
    pub public_key: String,
    /// ed25519 signature (128 hex digits) over the canonical JSON of every
    /// other field.
    pub signature: String,
}

impl SignedCheckpoint {
    /// Signs a head.
    pub fn sign(
        key: &CheckpointKey,
        head_seq: i64,
        head_hash: &str,
        first_seq: i64,
        at: &str,
    ) -> SignedCheckpoint {
        let mut checkpoint = SignedCheckpoint {
            format: CHECKPOINT_FORMAT.to_string(),
            head_seq,
            head_hash: head_hash.to_string(),
            first_seq,
            at: at.to_string(),
            key_id: key.key_id(),
            public_key: key.public_hex(),
            signature: String::new(),
        };
        let signature = key.signing.sign(checkpoint.message().as_bytes());
        checkpoint.signature = hex::encode(signature.to_bytes());
        checkpoint
    }

    /// What is signed: every field but the signature, as canonical JSON.
    fn message(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let Some(map) = value.as_object_mut() {
            map.remove("signature");
        }
        canonical_json(&value)
    }

    /// Checks the signature with `public_hex` (the auditor's `.pub` file) or,
    /// without one, with the key the checkpoint names (which proves the file
    /// was not altered, not who signed it). `Err` says what is wrong.
    pub fn verify_signature(&self, public_hex: Option<&str>) -> std::result::Result<(), String> {
        if self.format != CHECKPOINT_FORMAT {
            return Err(format!(
                "the checkpoint's format is {:?}, not {CHECKPOINT_FORMAT:?}",
                self.format
            ));
        }
        let public = public_hex.unwrap_or(&self.public_key).trim();
        if public != self.public_key {
            return Err(format!(
                "the checkpoint was signed by key {}, not by the given public key {}",
                self.key_id,
                key_id(public)
            ));
        }
        let key = decode_32(public)
            .ok()
            .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
            .ok_or_else(|| "the public key is not an ed25519 key".to_string())?;
        let signature: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| "the signature is not 64 bytes of hex".to_string())?;
        key.verify(self.message().as_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| {
                "the signature does not match the checkpoint (the file was altered or signed by another key)"
                    .to_string()
            })
    }

    /// Compares the stored chain with the checkpoint: `first_stored` is the
    /// sequence number of the oldest stored entry and `hash_at_head` the hash
    /// stored at [`SignedCheckpoint::head_seq`] (the chain itself verified
    /// intact). `Err` names the truncation or the rewrite.
    pub fn check_chain(
        &self,
        first_stored: Option<i64>,
        hash_at_head: Option<&str>,
    ) -> std::result::Result<(), String> {
        match first_stored {
            Some(first) if first <= self.first_seq => {}
            Some(first) => {
                return Err(format!(
                    "entries {} to {} were deleted after the checkpoint of {} vouched for them (the oldest stored entry is now {first})",
                    self.first_seq,
                    (first - 1).min(self.head_seq),
                    self.at
                ))
            }
            None => {
                return Err(format!(
                    "the audit log is empty but the checkpoint of {} saw entries {} to {}",
                    self.at, self.first_seq, self.head_seq
                ))
            }
        }
        match hash_at_head {
            Some(hash) if hash == self.head_hash => Ok(()),
            Some(_) => Err(format!(
                "entry {} differs from the checkpoint of {} (the chain up to it was rewritten)",
                self.head_seq, self.at
            )),
            None => Err(format!(
                "entry {} named by the checkpoint of {} is missing (the chain was cut)",
                self.head_seq, self.at
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> (CheckpointKey, SignedCheckpoint) {
        let key = CheckpointKey::generate().unwrap();
        let checkpoint = SignedCheckpoint::sign(&key, 10, &"a".repeat(64), 3, "t");
        (key, checkpoint)
    }

    #[test]
    fn a_key_survives_its_file_and_signatures_bind_every_field() {
        let (key, checkpoint) = signed();
        let again = CheckpointKey::from_hex(&format!("{}\n", key.secret_hex())).unwrap();
        assert_eq!(again.public_hex(), key.public_hex());
        assert!(checkpoint.verify_signature(None).is_ok());
        assert!(checkpoint.verify_signature(Some(&key.public_hex())).is_ok());
        let other = CheckpointKey::generate().unwrap();
        let wrong_key = checkpoint
            .verify_signature(Some(&other.public_hex()))
            .unwrap_err();
        assert!(
            wrong_key.contains("not by the given public key"),
            "{wrong_key}"
        );
        for edit in [
            |c: &mut SignedCheckpoint| c.head_hash = "b".repeat(64),
            |c: &mut SignedCheckpoint| c.first_seq = 1,
            |c: &mut SignedCheckpoint| c.at = "u".into(),
        ] {
            let mut forged = checkpoint.clone();
            edit(&mut forged);
            assert!(forged.verify_signature(None).is_err());
        }
        // Re-signed with another key but claiming the auditor's key id: caught by --pubkey.
        let mut resigned = SignedCheckpoint::sign(&other, 10, &"a".repeat(64), 3, "t");
        resigned.key_id = key.key_id();
        assert!(resigned.verify_signature(Some(&key.public_hex())).is_err());
        assert!(CheckpointKey::from_hex("xyz").is_err());
    }

    #[test]
    fn truncation_and_rewrites_before_the_head_are_named() {
        let (_, checkpoint) = signed();
        let head = "a".repeat(64);
        assert!(checkpoint.check_chain(Some(3), Some(&head)).is_ok());
        assert!(checkpoint.check_chain(Some(1), Some(&head)).is_ok());
        let cut = checkpoint.check_chain(Some(7), Some(&head)).unwrap_err();
        assert!(cut.contains("entries 3 to 6 were deleted"), "{cut}");
        let rewritten = checkpoint
            .check_chain(Some(3), Some(&"b".repeat(64)))
            .unwrap_err();
        assert!(rewritten.contains("entry 10 differs"), "{rewritten}");
        assert!(checkpoint.check_chain(Some(3), None).is_err());
        assert!(checkpoint.check_chain(None, None).is_err());
    }
}
