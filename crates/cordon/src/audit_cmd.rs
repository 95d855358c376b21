//! `cordon audit ...`: verify the hash chain (and its anchored rows, and
//! against a signed checkpoint), export signed checkpoints, show entries,
//! purge old ones.

use anyhow::{Context, Result};
use clap::Subcommand;
use cordon_store::checkpoint::{CheckpointKey, SignedCheckpoint};
use serde_json::json;
use std::path::{Path, PathBuf};

use crate::{Finding, InputError};

/// The `audit` subcommands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and check the decisions and api_keys rows against
    /// it; exit 1 naming the first broken entry or every mismatched row.
    Verify {
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// A signed checkpoint (from `audit checkpoint`): also fail when
        /// entries it vouched for were deleted or rewritten.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// The signer's public key file (`KEY.pub`); without it the signature
        /// is checked with the key the checkpoint names.
        #[arg(long, value_name = "FILE", requires = "checkpoint")]
        pubkey: Option<PathBuf>,
    },
    /// Create a checkpoint signing key: FILE (secret, mode 0600) and FILE.pub.
    Keygen {
        /// Where to write the secret key; keep it outside the data directory.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Verify the chain, then write its head (sequence number, hash, oldest
    /// entry, time) signed with ed25519 to a file kept outside the database.
    Checkpoint {
        /// The signing key (created with FILE.pub when it does not exist).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Where to write the checkpoint (JSON).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print entries as JSON lines, oldest first.
    Show {
        /// Only entries after this sequence number.
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// Most entries to print.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Delete entries older than N days; a checkpoint entry keeps the rest verifiable.
    Purge {
        /// Retention in days (entries written earlier are deleted).
        #[arg(long, value_name = "DAYS")]
        older_than_days: u32,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
}

/// Who runs the command, as recorded in the audit log.
pub fn cli_caller() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    format!("cli:{}", if user.is_empty() { "unknown" } else { &user })
}

/// Runs an `audit` subcommand.
pub fn run(command: AuditCommand, data_dir: &Path) -> Result<()> {
    let store = crate::store_open::open_store(data_dir)?;
    match command {
        AuditCommand::Verify {
            json,
            checkpoint,
            pubkey,
        } => {
            let checkpoint = checkpoint
                .map(|path| read_checkpoint(&path, pubkey.as_deref()))
                .transpose()?;
            verify(&*store, json, checkpoint.as_ref())
        }
        AuditCommand::Keygen { key } => {
            let created = create_key(&key)?;
            println!(
                "created checkpoint key {} in {} (public key in {})",
                created.key_id(),
                key.display(),
                public_path(&key).display()
            );
            Ok(())
        }
        AuditCommand::Checkpoint { key, out } => checkpoint(&*store, &key, &out),
        AuditCommand::Show { after, limit } => {
            for entry in store.audit_entries(after, limit)? {
                outln!("{}", serde_json::to_string(&entry)?);
            }
            Ok(())
        }
        AuditCommand::Purge {
            older_than_days,
            json,
        } => purge(&*store, older_than_days, json),
    }
}

/// A checkpoint read and its signature checked (exit 1 when the signature is wrong).
struct CheckedCheckpoint {
    checkpoint: SignedCheckpoint,
    path: PathBuf,
}

fn read_checkpoint(path: &Path, pubkey: Option<&Path>) -> Result<CheckedCheckpoint> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(format!("--checkpoint {}: {e}", path.display())))?;
    let checkpoint: SignedCheckpoint = serde_json::from_str(&text).map_err(|e| {
        InputError::new(format!(
            "--checkpoint {}: not a Cordon audit checkpoint: {e}",
            path.display()
        ))
    })?;
    let public = pubkey
        .map(|p| {
            std::fs::read_to_string(p)
                .map_err(|e| InputError::new(format!("--pubkey {}: {e}", p.display())))
        })
        .transpose()?;
    if public.is_none() {
        eprintln!(
            "note: no --pubkey: the signature is checked with the key the checkpoint names ({}), \
             which shows the file is unaltered but not who signed it",
            checkpoint.key_id
        );
    }
    checkpoint
        .verify_signature(public.as_deref())
        .map_err(|why| Finding(format!("checkpoint {}: {why}", path.display())))?;
    Ok(CheckedCheckpoint {
        checkpoint,
        path: path.to_path_buf(),
    })
}

fn verify(
    store: &dyn cordon_engine::EngineStore,
    json: bool,
    checkpoint: Option<&CheckedCheckpoint>,
) -> Result<()> {
    let report = store.verify_audit()?;
    let against = match checkpoint {
        Some(c) if report.broken.is_none() => {
            let hash = store.audit_hash_at(c.checkpoint.head_seq)?;
            c.checkpoint
                .check_chain(report.first_seq, hash.as_deref())
                .err()
                .map(|why| format!("against checkpoint {}: {why}", c.path.display()))
        }
        _ => None,
    };
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "intact": report.is_intact() && against.is_none(), "checked": report.checked,
                "first_seq": report.first_seq, "head_seq": report.head_seq,
                "head_hash": report.head_hash, "broken": report.broken, "rows": report.rows,
                "checkpoint": checkpoint.map(|c| json!({"head_seq": c.checkpoint.head_seq,
                    "key_id": c.checkpoint.key_id, "problem": against})),
            }))?
        );
    } else {
        outln!("checked {} audit entries", report.checked);
        if let (Some(seq), Some(hash)) = (report.head_seq, &report.head_hash) {
            outln!("head: entry {seq}, hash {hash}");
        }
    }
    if let Some(broken) = &report.broken {
        return Err(Finding(format!(
            "audit entry {} is broken: {} (checked {} entries)",
            broken.seq, broken.reason, report.checked
        ))
        .into());
    }
    let mut problems: Vec<String> = report.rows.iter().map(|p| p.reason.clone()).collect();
    problems.extend(against);
    if !problems.is_empty() {
        return Err(Finding(problems.join("; ")).into());
    }
    if !json {
        match checkpoint {
            Some(c) => outln!(
                "the audit chain is intact and matches checkpoint {} (entry {}, key {})",
                c.path.display(),
                c.checkpoint.head_seq,
                c.checkpoint.key_id
            ),
            None => outln!("the audit chain is intact"),
        }
    }
    Ok(())
}

/// The public key's file next to a key file: `FILE.pub`.
fn public_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_os_string();
    name.push(".pub");
    PathBuf::from(name)
}

/// Writes a new key to `path` (refusing to overwrite one) and its public key to `path.pub`.
fn create_key(path: &Path) -> Result<CheckpointKey> {
    let key = CheckpointKey::generate()?;
    crate::secret_file::write_new_secret(path, format!("{}\n", key.secret_hex()).as_bytes())
        .map_err(|e| InputError::new(format!("--key {}: {e}", path.display())))?;
    let public = public_path(path);
    std::fs::write(&public, format!("{}\n", key.public_hex()))
        .with_context(|| format!("writing {}", public.display()))?;
    Ok(key)
}

/// The key in `path`, created (with a note) when the file does not exist.
fn load_or_create_key(path: &Path) -> Result<CheckpointKey> {
    if !path.exists() {
        let key = create_key(path)?;
        eprintln!(
            "created checkpoint key {} in {} (public key in {}); keep both outside the data directory",
            key.key_id(),
            path.display(),
            public_path(path).display()
        );
        return Ok(key);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(format!("--key {}: {e}", path.display())))?;
    Ok(CheckpointKey::from_hex(&text)
        .map_err(|e| InputError::new(format!("--key {}: {e}", path.display())))?)
}

fn checkpoint(store: &dyn cordon_engine::EngineStore, key: &Path, out: &Path) -> Result<()> {
    let key = load_or_create_key(key)?;
    let report = store.verify_audit()?;
    if !report.is_intact() {
        return Err(Finding(
            "the audit chain does not verify; run `cordon audit verify` (a broken chain is not signed)"
                .into(),
        )
        .into());
    }
    let (Some(head_seq), Some(head_hash), Some(first_seq)) = (
        report.head_seq,
        report.head_hash.as_deref(),
        report.first_seq,
    ) else {
        return Err(Finding("the audit log is empty: nothing to checkpoint".into()).into());
    };
    let signed = SignedCheckpoint::sign(
        &key,
        head_seq,
        head_hash,
        first_seq,
        &cordon_store::timestamp_now(),
    );
    // Written whole to a temporary file and renamed: never a half-written checkpoint.
    let partial = out.with_extension("partial");
    std::fs::write(&partial, serde_json::to_string_pretty(&signed)? + "\n")
        .map_err(|e| InputError::new(format!("--out {}: {e}", out.display())))?;
    std::fs::rename(&partial, out).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "checkpoint of entry {head_seq} (entries {first_seq} to {head_seq}) signed with key {} written to {}",
        signed.key_id,
        out.display()
    );
    Ok(())
}

fn purge(store: &dyn cordon_engine::EngineStore, days: u32, json: bool) -> Result<()> {
    if days == 0 {
        return Err(InputError::new(
            "--older-than-days 0 would delete everything; give at least 1",
        )
        .into());
    }
    let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(days));
    let cutoff = cordon_store::timestamp(cutoff);
    let outcome = store.purge_audit(&cutoff, &cli_caller())?;
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"cutoff": cutoff, "purge": outcome}))?
        );
    } else if let Some(checkpoint) = &outcome.checkpoint {
        outln!(
            "purged {} entries written before {cutoff}; checkpoint entry {} keeps the chain verifiable",
            outcome.purged, checkpoint.seq
        );
    } else {
        outln!("no entry is older than {cutoff}; nothing purged");
    }
    Ok(())
}
