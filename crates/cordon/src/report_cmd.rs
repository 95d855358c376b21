//! `cordon report goaml`: a suspicious transaction report for the FIU, in UNODC goAML 5.0.2
//! XML, on a confirmed transfer alert or straight from a payment file. The engine picks the
//! transfers and audits the report; this module reads the files and writes the XML whole or
//! not at all.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};
use cordon_engine::goaml::{report_alert, report_transfers, ReportContext};
use cordon_report::ReportingEntity;
use std::io::Write as _;

use crate::screen_cmd::AtomicFile;
use crate::store_open::open_store_settled;
use crate::InputError;

/// The `report` subcommands.
#[derive(Subcommand)]
pub enum ReportCommand {
    /// A goAML 5.0.2 suspicious transaction report (STR) as XML.
    Goaml(GoamlArgs),
}

/// What to report and where.
#[derive(Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["alert", "transfer"])))]
pub struct GoamlArgs {
    /// A transfer alert confirmed as a true match (with --payment, the file it was screened from).
    #[arg(long, requires = "payment")]
    alert: Option<i64>,
    /// The payment file the alert's transfer was screened from (the store keeps screenings, not
    /// message bodies; its SHA-256 must be the screening's).
    #[arg(long, requires = "alert")]
    payment: Option<PathBuf>,
    /// Report every transfer of this payment file (pacs.008, pacs.009, pain.001, MT103, MT202COV...).
    #[arg(long, requires = "reason", conflicts_with = "alert")]
    transfer: Option<PathBuf>,
    /// Why the transfers are suspicious (with --transfer; an alert's reason is its decisions).
    #[arg(long)]
    reason: Option<String>,
    /// The reporting entity's settings (TOML, see docs/goaml.md).
    #[arg(long, env = "CORDON_GOAML_CONFIG")]
    config: PathBuf,
    /// Where to write the XML.
    #[arg(long)]
    out: PathBuf,
}

/// Runs a `report` subcommand.
pub fn run(command: ReportCommand, data_dir: &Path) -> Result<()> {
    match command {
        ReportCommand::Goaml(args) => goaml(&args, data_dir),
    }
}

fn goaml(args: &GoamlArgs, data_dir: &Path) -> Result<()> {
    let entity = read_entity(&args.config)?;
    let submission_date = now()?;
    let caller = crate::local_caller();
    let context = ReportContext {
        entity: &entity,
        submission_date: &submission_date,
        caller: &caller,
    };
    let mut out = AtomicFile::create(&args.out)?;
    let store = open_store_settled(data_dir)?;
    let report = match (&args.alert, &args.payment, &args.transfer) {
        (Some(id), Some(payment), _) => {
            report_alert(store.as_ref(), *id, &read(payment)?, &context)?
        }
        (_, _, Some(file)) => {
            let origin = file.display().to_string();
            let reason = args.reason.as_deref().unwrap_or_default();
            report_transfers(store.as_ref(), &read(file)?, &origin, reason, &context)?
        }
        _ => {
            return Err(
                InputError::new("give --alert ID --payment FILE, or --transfer FILE").into(),
            )
        }
    };
    out.writer().write_all(report.xml.as_bytes())?;
    out.commit()?;
    outln!(
        "wrote {} ({} transaction(s), STR {}); audit entry {}",
        args.out.display(),
        report.transactions,
        report.audit.payload["entity_reference"]
            .as_str()
            .unwrap_or_default(),
        report.audit.seq
    );
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| InputError::new(format!("{}: {e}", path.display())).into())
}

fn read_entity(path: &Path) -> Result<ReportingEntity> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(format!("goAML config {}: {e}", path.display())))?;
    ReportingEntity::from_toml(&text, &path.display().to_string())
        .map_err(|e| InputError::new(e.to_string()).into())
}

/// The submission date: now, UTC, to the second, as goAML writes it.
fn now() -> Result<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    Ok(time::OffsetDateTime::now_utc().format(&format)?)
}
