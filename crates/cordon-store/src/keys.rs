//! API keys: a random 32-byte secret shown once, stored only as its SHA-256,
//! with one [`Role`] per key.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// What a key may do. Screener < analyst < supervisor form a ladder (each may
/// do what the ones below may); the auditor only reads the audit log; the
/// admin may do everything (keys, lists, customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Screens names and reads lists.
    Screener,
    /// Also decides on hits and reads alerts.
    Analyst,
    /// Also confirms true matches (the second pair of eyes) and reads the audit log.
    Supervisor,
    /// Reads and verifies the audit log only.
    Auditor,
    /// Everything, including keys, list uploads and the customer register.
    Admin,
}

impl Role {
    /// Every role, in ladder order.
    pub const ALL: [Role; 5] = [
        Role::Screener,
        Role::Analyst,
        Role::Supervisor,
        Role::Auditor,
        Role::Admin,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Screener => "screener",
            Role::Analyst => "analyst",
            Role::Supervisor => "supervisor",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// Reads a role name.
    pub fn parse(text: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "role {text:?}: expected screener, analyst, supervisor, auditor or admin"
                ))
            })
    }

    /// True when a key with this role may do what `needed` may.
    ///
    /// ```
    /// use cordon_store::Role;
    /// assert!(Role::Supervisor.allows(Role::Analyst));
    /// assert!(!Role::Analyst.allows(Role::Supervisor));
    /// assert!(!Role::Auditor.allows(Role::Screener));
    /// assert!(Role::Supervisor.allows(Role::Auditor));
    /// ```
    pub fn allows(self, needed: Role) -> bool {
        let rank = |r: Role| match r {
            Role::Screener => 1,
            Role::Analyst => 2,
            Role::Supervisor => 3,
            Role::Auditor | Role::Admin => 0,
        };
        match (self, needed) {
            (Role::Admin, _) => true,
            (have, Role::Auditor) => matches!(have, Role::Auditor | Role::Supervisor),
            (Role::Auditor, _) | (_, Role::Admin) => false,
            (have, need) => rank(have) >= rank(need),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored key, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiKeyInfo {
    /// Public id (`key_` + 12 hex digits); recorded as the caller in the audit log.
    pub id: String,
    /// The person the key belongs to (four eyes compare persons, not keys).
    pub person: String,
    /// What it may do.
    pub role: Role,
    /// When it was created.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A key just created: the secret is shown this once and never stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewApiKey {
    /// The stored part.
    pub info: ApiKeyInfo,
    /// The bearer secret (`cordon_` + 64 hex digits).
    pub secret: String,
}

/// Storage of API keys.
pub trait ApiKeys {
    /// Creates a key for a person (the key id when `person` is `None`) and
    /// records it in the audit log.
    fn create_key(&self, role: Role, person: Option<&str>, caller: &str) -> Result<NewApiKey>;
    /// The key a secret belongs to, unless unknown or revoked.
    fn authenticate(&self, secret: &str) -> Result<Option<ApiKeyInfo>>;
    /// Every key, oldest first.
    fn keys(&self) -> Result<Vec<ApiKeyInfo>>;
    /// Revokes a key by id (recorded in the audit log).
    fn revoke_key(&self, id: &str, caller: &str) -> Result<()>;
}

/// `bytes` random bytes from the system source, as hex (key ids and secrets).
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::Invalid(format!("the system random source failed: {e}")))?;
    Ok(hex::encode(buf))
}
