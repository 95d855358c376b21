//! `cordon keys ...`: create, list and revoke API keys.

use anyhow::Result;
use clap::Subcommand;
use cordon_store::Role;
use std::path::Path;

use crate::audit_cmd::cli_caller;
use crate::InputError;

/// The `keys` subcommands.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key; the secret is printed once, alone on the last line.
    Create {
        /// screener, analyst, supervisor, auditor or admin.
        #[arg(long)]
        role: String,
        /// The person it belongs to (four eyes compare persons). Default: the key id.
        #[arg(long)]
        person: Option<String>,
    },
    /// List keys (never their secrets).
    List {
        /// JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by id.
    Revoke {
        /// The key id (`key_...`).
        id: String,
    },
}

/// Runs a `keys` subcommand.
pub fn run(command: KeysCommand, data_dir: &Path) -> Result<()> {
    let store = crate::store_open::open_store(data_dir)?;
    match command {
        KeysCommand::Create { role, person } => {
            let role = Role::parse(&role).map_err(|e| InputError::new(format!("--role: {e}")))?;
            let key = store
                .create_key(role, person.as_deref(), &cli_caller())
                .map_err(|e| InputError::new(format!("--person: {e}")))?;
            outln!(
                "created {} key {} for {}",
                key.info.role,
                key.info.id,
                key.info.person
            );
            outln!("the secret below is shown once; Cordon keeps only its SHA-256");
            outln!("{}", key.secret);
        }
        KeysCommand::List { json } => {
            for key in store.keys()? {
                if json {
                    outln!("{}", serde_json::to_string(&key)?);
                } else {
                    let state = key
                        .revoked_at
                        .as_deref()
                        .map_or("active".to_string(), |at| format!("revoked {at}"));
                    outln!(
                        "{}  {:<10}  {}  created {}  {state}",
                        key.id,
                        key.role,
                        key.person,
                        key.created_at
                    );
                }
            }
        }
        KeysCommand::Revoke { id } => {
            store
                .revoke_key(&id, &cli_caller())
                .map_err(|e| InputError::new(e.to_string()))?;
            outln!("revoked {id}");
        }
    }
    Ok(())
}
