//! Between financial intelligence units, without a central database: signed
//! list publications in an append-only Merkle log, and a private subject
//! query over an oblivious PRF.
//!
//! - [`keys`]: a publisher's ed25519 key, its key id, its public key file
//!   (what a member's trust store holds) and key rotation (the old key signs
//!   the new one).
//! - [`merkle`]: the RFC 6962 tree with inclusion and consistency proofs.
//! - [`log`] and [`pubdir`]: publications (snapshot, delta, manifest) as
//!   leaves of the tree, signed checkpoints, and [`pubdir::verify`], which
//!   names what is wrong (a changed byte, a removed or reordered
//!   publication, a wrong key, a rolled-back or forked log).
//! - [`match_keys`]: the normalised keys under which two FIUs can meet on a
//!   subject (document number + country; transliterated name + birth date;
//!   name + birth year + nationality), the same across scripts.
//! - [`oprf`]: the RFC 9497 OPRF (ristretto255-SHA512) query protocol: the
//!   asker learns which of its own subjects the holder holds, the holder
//!   learns how many were asked.
//!
//! ```
//! use cordon_exchange::{keys::PublisherKey, log::Checkpoint, merkle};
//!
//! let key = PublisherKey::generate()?;
//! let leaves: Vec<_> = ["first list", "second list"].iter().map(|m| merkle::leaf_hash(m.as_bytes())).collect();
//! let head = Checkpoint::sign(&key, "demo-fiu", 2, &merkle::root(&leaves), "2026-12-04T00:00:00Z");
//! assert!(head.signed_by(&key.public()));
//! // A member that saw one publication checks the log only grew.
//! let proof = merkle::consistency_proof(&leaves, 1).unwrap();
//! assert!(merkle::verify_consistency(1, 2, &leaves[0], &merkle::root(&leaves), &proof));
//! # Ok::<(), cordon_exchange::Error>(())
//! ```

pub mod keys;
pub mod log;
pub mod match_keys;
pub mod merkle;
pub mod oprf;
pub mod pubdir;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a file or message that is not what it should be.
    #[error("{origin}: {message}")]
    Invalid {
        /// The file, field or message.
        origin: String,
        /// What is wrong with it.
        message: String,
    },
    /// A publication does not verify: the message names the file and the fault.
    #[error("{0}")]
    Verification(String),
    /// A query was refused because the asker used up its allowance.
    #[error("rate limit: {0}")]
    RateLimited(String),
    /// Reading or writing a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The operating system's random generator failed.
    #[error("random generator: {0}")]
    Random(String),
    /// Writing JSON failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// An [`Error::Invalid`] naming the input.
    pub fn invalid(origin: &str, message: impl Into<String>) -> Error {
        Error::Invalid {
            origin: origin.into(),
            message: message.into(),
        }
    }
}

/// This crate's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
