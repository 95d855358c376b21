//! Publisher keys: an ed25519 key pair with a key id, the public key a
//! member puts in its trust store, and rotation statements (the old key
//! signs the new one, so a member that trusts the old key follows the
//! rotation without being told out of band).

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The format tag of a public key file.
pub const PUBLIC_KEY_FORMAT: &str = "cordon-exchange-public-key/1";
/// The format tag of a secret key file.
pub const SECRET_KEY_FORMAT: &str = "cordon-exchange-secret-key/1";
/// The format tag of a rotation statement.
pub const ROTATION_FORMAT: &str = "cordon-exchange-rotation/1";

/// The key id of a public key: the first 16 hex digits of the SHA-256 of
/// its 32 bytes (64 bits: enough to name a key among a publisher's few,
/// never used as the key itself).
pub fn key_id(public: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(public.as_bytes())[..8])
}

/// A publisher's signing key (kept by the publishing FIU only).
pub struct PublisherKey {
    signing: SigningKey,
}

impl PublisherKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<PublisherKey> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::Random(e.to_string()))?;
        Ok(PublisherKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// The key id (see [`key_id`]).
    pub fn id(&self) -> String {
        key_id(&self.signing.verifying_key())
    }

    /// The public half, as a trust store holds it.
    pub fn public(&self) -> PublicKey {
        PublicKey {
            format: PUBLIC_KEY_FORMAT.into(),
            key_id: self.id(),
            public_key: hex::encode(self.signing.verifying_key().as_bytes()),
        }
    }

    /// Signs a message (64-byte signature, hex).
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }

    /// The secret key file's content (JSON).
    pub fn to_secret_json(&self) -> Result<Vec<u8>> {
        let file = SecretKeyFile {
            format: SECRET_KEY_FORMAT.into(),
            key_id: self.id(),
            secret_key: hex::encode(self.signing.to_bytes()),
        };
        Ok(serde_json::to_vec_pretty(&file)?)
    }

    /// Reads a secret key file; `origin` names it in errors.
    pub fn from_secret_json(bytes: &[u8], origin: &str) -> Result<PublisherKey> {
        let file: SecretKeyFile = parse_json(bytes, origin)?;
        check_format(&file.format, SECRET_KEY_FORMAT, origin)?;
        let seed: [u8; 32] = decode_fixed(&file.secret_key, origin, "secret_key")?;
        let key = PublisherKey {
            signing: SigningKey::from_bytes(&seed),
        };
        if key.id() != file.key_id {
            return Err(Error::invalid(
                origin,
                format!(
                    "key_id {} does not belong to the secret key (its id is {})",
                    file.key_id,
                    key.id()
                ),
            ));
        }
        Ok(key)
    }

    /// A rotation statement: this (old) key vouches for `new`.
    pub fn rotate_to(&self, new: &PublicKey, at: &str) -> Rotation {
        let mut rotation = Rotation {
            format: ROTATION_FORMAT.into(),
            old_key_id: self.id(),
            old_public_key: self.public().public_key,
            new_key_id: new.key_id.clone(),
            new_public_key: new.public_key.clone(),
            at: at.into(),
            signature: String::new(),
        };
        rotation.signature = self.sign(rotation.signed_message().as_bytes());
        rotation
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretKeyFile {
    format: String,
    key_id: String,
    secret_key: String,
}

/// A publisher's public key, as a member's trust store keeps it
/// (`public.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKey {
    /// Always [`PUBLIC_KEY_FORMAT`].
    pub format: String,
    /// See [`key_id`].
    pub key_id: String,
    /// The 32-byte ed25519 public key, hex.
    pub public_key: String,
}

impl PublicKey {
    /// Reads a public key file, checking that the id matches the key.
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<PublicKey> {
        let key: PublicKey = parse_json(bytes, origin)?;
        check_format(&key.format, PUBLIC_KEY_FORMAT, origin)?;
        let verifying = key.verifying_key(origin)?;
        if key_id(&verifying) != key.key_id {
            return Err(Error::invalid(
                origin,
                format!("key_id {} does not belong to public_key", key.key_id),
            ));
        }
        Ok(key)
    }

    /// The ed25519 key.
    pub fn verifying_key(&self, origin: &str) -> Result<VerifyingKey> {
        let bytes: [u8; 32] = decode_fixed(&self.public_key, origin, "public_key")?;
        VerifyingKey::from_bytes(&bytes)
            .map_err(|_| Error::invalid(origin, "public_key is not an ed25519 public key"))
    }

    /// True when `signature` (hex) is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Ok(key) = self.verifying_key("") else {
            return false;
        };
        let Ok(bytes) = decode_fixed::<64>(signature, "", "signature") else {
            return false;
        };
        key.verify(message, &Signature::from_bytes(&bytes)).is_ok()
    }
}

/// The old key's signed statement that the new key replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// Always [`ROTATION_FORMAT`].
    pub format: String,
    /// The key that signs this statement.
    pub old_key_id: String,
    /// Its public key, hex.
    pub old_public_key: String,
    /// The key it hands over to.
    pub new_key_id: String,
    /// Its public key, hex.
    pub new_public_key: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// The old key's signature of [`Rotation::signed_message`], hex.
    pub signature: String,
}

impl Rotation {
    /// Reads a rotation statement (`rotation.json`), checking its format tag;
    /// `origin` names it in errors. The signature is checked by [`Rotation::verify`].
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<Rotation> {
        let rotation: Rotation = parse_json(bytes, origin)?;
        check_format(&rotation.format, ROTATION_FORMAT, origin)?;
        Ok(rotation)
    }

    /// The exact bytes the old key signs: one field per line after a tag, so
    /// no JSON canonicalisation is needed to check it.
    pub fn signed_message(&self) -> String {
        format!(
            "cordon-exchange rotation v1\n{}\n{}\n{}\n{}\n{}\n",
            self.old_key_id, self.old_public_key, self.new_key_id, self.new_public_key, self.at
        )
    }

    /// The new public key.
    pub fn new_key(&self) -> PublicKey {
        PublicKey {
            format: PUBLIC_KEY_FORMAT.into(),
            key_id: self.new_key_id.clone(),
            public_key: self.new_public_key.clone(),
        }
    }

    /// Checks the statement against the old key the verifier trusts.
    pub fn verify(&self, old: &PublicKey, origin: &str) -> Result<PublicKey> {
        if old.key_id != self.old_key_id || old.public_key != self.old_public_key {
            return Err(Error::invalid(
                origin,
                format!(
                    "the rotation is from key {}, not {}",
                    self.old_key_id, old.key_id
                ),
            ));
        }
        if !old.verifies(self.signed_message().as_bytes(), &self.signature) {
            return Err(Error::invalid(
                origin,
                format!(
                    "the rotation's signature does not verify under key {}",
                    old.key_id
                ),
            ));
        }
        let new = self.new_key();
        let verifying = new.verifying_key(origin)?;
        if key_id(&verifying) != new.key_id {
            return Err(Error::invalid(
                origin,
                "new_key_id does not belong to new_public_key",
            ));
        }
        Ok(new)
    }
}

/// Parses JSON, naming the input, line and column on failure.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], origin: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::invalid(
            origin,
            format!("line {}, column {}: {e}", e.line(), e.column()),
        )
    })
}

fn check_format(found: &str, expected: &str, origin: &str) -> Result<()> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::invalid(
            origin,
            format!("format {found:?}, expected {expected:?}"),
        ))
    }
}

/// Decodes a hex field of exactly `N` bytes.
pub(crate) fn decode_fixed<const N: usize>(
    text: &str,
    origin: &str,
    field: &str,
) -> Result<[u8; N]> {
    let bytes =
        hex::decode(text).map_err(|e| Error::invalid(origin, format!("{field}: not hex: {e}")))?;
    bytes
        .try_into()
        .map_err(|_| Error::invalid(origin, format!("{field}: expected {N} bytes")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_and_signs() {
        let key = PublisherKey::generate().unwrap();
        let again = PublisherKey::from_secret_json(&key.to_secret_json().unwrap(), "k").unwrap();
        assert_eq!(again.id(), key.id());
        let public =
            PublicKey::from_json(&serde_json::to_vec(&key.public()).unwrap(), "p").unwrap();
        let signature = key.sign(b"hello");
        assert!(public.verifies(b"hello", &signature));
        assert!(!public.verifies(b"hellp", &signature));
    }

    #[test]
    fn a_rotation_verifies_only_under_the_old_key() {
        let old = PublisherKey::generate().unwrap();
        let new = PublisherKey::generate().unwrap();
        let other = PublisherKey::generate().unwrap();
        let rotation = old.rotate_to(&new.public(), "2026-12-04T00:00:00Z");
        assert_eq!(rotation.verify(&old.public(), "r").unwrap(), new.public());
        assert!(rotation.verify(&other.public(), "r").is_err());
        let mut forged = rotation.clone();
        forged.new_public_key = other.public().public_key;
        assert!(forged.verify(&old.public(), "r").is_err());
    }
}
