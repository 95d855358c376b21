//! The publication log: each publication (a list snapshot, its delta from
//! the previous one) is described by a manifest, the manifest is a leaf of
//! an RFC 6962 Merkle tree, and a checkpoint signs the tree's size and root.
//! Pure types and checks; [`crate::pubdir`] reads and writes them.

use serde::{Deserialize, Serialize};

use crate::keys::{parse_json, PublicKey, PublisherKey};
use crate::merkle::Hash;
use crate::Result;

/// The format tag of a publication manifest.
pub const MANIFEST_FORMAT: &str = "cordon-exchange-publication/1";
/// The format tag of a checkpoint.
pub const CHECKPOINT_FORMAT: &str = "cordon-exchange-checkpoint/1";

/// One file of a publication, by path inside the publication directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Path relative to the publication directory (`data/000001-un.xml`).
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its length in bytes.
    pub bytes: u64,
}

/// One publication: a leaf of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Position in the log, from 1.
    pub seq: u64,
    /// When it was published (RFC 3339 UTC); never earlier than the previous one.
    pub published_at: String,
    /// The key that signed the checkpoint made with it.
    pub key_id: String,
    /// The list as the publisher holds it (FollowTheMoney JSON or CSV).
    pub snapshot: FileRef,
    /// What changed since the previous publication (`cordon lists diff --json`), if any.
    pub delta: Option<FileRef>,
}

impl Manifest {
    /// Reads a manifest, naming the file on error.
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<Manifest> {
        let manifest: Manifest = parse_json(bytes, origin)?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(crate::Error::invalid(
                origin,
                format!("format {:?}, expected {MANIFEST_FORMAT:?}", manifest.format),
            ));
        }
        Ok(manifest)
    }
}

/// A signed statement of the log's size and root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Always [`CHECKPOINT_FORMAT`].
    pub format: String,
    /// The log's name (chosen by the publisher at its first publication), so
    /// a checkpoint of one log is never taken for another's.
    pub log: String,
    /// Number of publications.
    pub size: u64,
    /// Merkle root of their manifests, hex.
    pub root: String,
    /// When it was signed (RFC 3339 UTC).
    pub at: String,
    /// The signing key.
    pub key_id: String,
    /// ed25519 signature of [`Checkpoint::signed_message`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// Signs a new checkpoint.
    pub fn sign(key: &PublisherKey, log: &str, size: u64, root: &Hash, at: &str) -> Checkpoint {
        let mut checkpoint = Checkpoint {
            format: CHECKPOINT_FORMAT.into(),
            log: log.into(),
            size,
            root: hex::encode(root),
            at: at.into(),
            key_id: key.id(),
            signature: String::new(),
        };
        checkpoint.signature = key.sign(checkpoint.signed_message().as_bytes());
        checkpoint
    }

    /// Reads a checkpoint, naming the file on error.
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<Checkpoint> {
        let checkpoint: Checkpoint = parse_json(bytes, origin)?;
        if checkpoint.format != CHECKPOINT_FORMAT {
            return Err(crate::Error::invalid(
                origin,
                format!(
                    "format {:?}, expected {CHECKPOINT_FORMAT:?}",
                    checkpoint.format
                ),
            ));
        }
        Ok(checkpoint)
    }

    /// The exact bytes signed: a tag line, then one field per line (as in
    /// C2SP signed notes), so checking needs no JSON canonicalisation.
    pub fn signed_message(&self) -> String {
        format!(
            "cordon-exchange checkpoint v1\n{}\n{}\n{}\n{}\n{}\n",
            self.log, self.size, self.root, self.at, self.key_id
        )
    }

    /// True when `key` signed it.
    pub fn signed_by(&self, key: &PublicKey) -> bool {
        key.key_id == self.key_id && key.verifies(self.signed_message().as_bytes(), &self.signature)
    }

    /// The root as bytes, when it is 32 bytes of hex.
    pub fn root_hash(&self) -> Option<Hash> {
        hex::decode(&self.root).ok()?.try_into().ok()
    }
}

/// The file name of publication `seq`'s manifest inside `log/`.
pub fn manifest_name(seq: u64) -> String {
    format!("{seq:06}.json")
}

/// The file name of the checkpoint signed with publication `seq` inside `log/`.
pub fn checkpoint_name(seq: u64) -> String {
    format!("{seq:06}.checkpoint.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_signature_covers_every_field() {
        let key = PublisherKey::generate().unwrap();
        let checkpoint = Checkpoint::sign(&key, "kz-fiu", 3, &[7u8; 32], "2026-12-04T00:00:00Z");
        assert!(checkpoint.signed_by(&key.public()));
        for change in 0..4 {
            let mut c = checkpoint.clone();
            match change {
                0 => c.size = 2,
                1 => c.root = hex::encode([8u8; 32]),
                2 => c.at = "2026-12-03T00:00:00Z".into(),
                _ => c.log = "other".into(),
            }
            assert!(
                !c.signed_by(&key.public()),
                "change {change} went unnoticed"
            );
        }
        let other = PublisherKey::generate().unwrap();
        assert!(!checkpoint.signed_by(&other.public()));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_without_panicking(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = Manifest::from_json(&bytes, "m");
            if let Ok(checkpoint) = Checkpoint::from_json(&bytes, "c") {
                let _ = checkpoint.root_hash();
            }
        }
    }
}
