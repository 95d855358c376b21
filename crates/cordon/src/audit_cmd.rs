//! `cordon audit ...`: verify the hash chain, show entries, purge old ones.

use anyhow::Result;
use clap::Subcommand;
use cordon_store::AuditLog;
use serde_json::json;
use std::path::Path;

use crate::{Finding, InputError};

/// The `audit` subcommands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; exit 1 naming the first broken entry.
    Verify {
        /// JSON output.
        #[arg(long)]
        json: bool,
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
    let store = crate::lists_cmd::open_store(data_dir)?;
    match command {
        AuditCommand::Verify { json } => verify(&store, json),
        AuditCommand::Show { after, limit } => {
            for entry in store.audit_entries(after, limit)? {
                outln!("{}", serde_json::to_string(&entry)?);
            }
            Ok(())
        }
        AuditCommand::Purge {
            older_than_days,
            json,
        } => purge(&store, older_than_days, json),
    }
}

fn verify(store: &cordon_store::SqliteStore, json: bool) -> Result<()> {
    let report = store.verify_audit()?;
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "intact": report.is_intact(), "checked": report.checked, "first_seq": report.first_seq,
                "head_seq": report.head_seq, "head_hash": report.head_hash, "broken": report.broken,
            }))?
        );
    } else {
        outln!("checked {} audit entries", report.checked);
        if let (Some(seq), Some(hash)) = (report.head_seq, &report.head_hash) {
            outln!("head: entry {seq}, hash {hash}");
        }
    }
    match &report.broken {
        None => {
            if !json {
                outln!("the audit chain is intact");
            }
            Ok(())
        }
        Some(broken) => Err(Finding(format!(
            "audit entry {} is broken: {} (checked {} entries)",
            broken.seq, broken.reason, report.checked
        ))
        .into()),
    }
}

fn purge(store: &cordon_store::SqliteStore, days: u32, json: bool) -> Result<()> {
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
