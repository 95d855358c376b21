//! `cordon transfers screen`: payment messages through parsing, FATF R16 checks, name and
//! free-text screening and the typology rules, one JSON line per transaction,
//! each transaction audited with its alerts (as `POST /v1/transfers` does).

use anyhow::{Context, Result};
use cordon_engine::transfer_audit::{record_once, TransferBatch, TransferContext};
use cordon_engine::{TransferReport, TransferScreener};
use cordon_match::textscan::TextScanner;
use cordon_match::{Index, DEFAULT_THRESHOLD};
use cordon_monitor::{Monitor, RulePack};
use cordon_payments::MessageError;
use cordon_store::RecordedTransfer;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::screen_cmd::screening_lists;
use crate::InputError;

/// `cordon transfers ...`.
#[derive(clap::Subcommand)]
pub enum TransfersCommand {
    /// Screen payment messages (ISO 20022 XML, SWIFT MT FIN or RJE): R16, names, free text, rules.
    Screen(ScreenTransfersArgs),
    /// Publish payment message files to NATS JetStream for `cordon worker` (one message per file).
    Publish(crate::transfers_stream::PublishArgs),
    /// Count the screened transfers, alerts and repeated deliveries in the store.
    Stats(crate::transfers_stream::StatsArgs),
    /// Delete a JetStream stream with its consumers (tests and benchmarks clean up with it).
    DropStream(crate::transfers_stream::DropStreamArgs),
}

/// Options of `cordon transfers screen`.
#[derive(clap::Args)]
pub struct ScreenTransfersArgs {
    /// Message files, or `-` for standard input. Transfers are evaluated in the order given.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Lists to screen against instead of the stored ones (`PATH` or `FORMAT:PATH`); may repeat.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<String>,
    /// A TOML rules file instead of the built-in default pack.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Name-screening alert threshold (default: the documented default).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// JSON lines output (one line per transaction or per unreadable message).
    #[arg(long)]
    pub json: bool,
}

/// Runs a `cordon transfers` command. Exit 0 when every input was read, whatever was found.
pub fn run(command: TransfersCommand, data_dir: &Path) -> Result<()> {
    match command {
        TransfersCommand::Screen(args) => screen(args, data_dir),
        TransfersCommand::Publish(args) => crate::transfers_stream::publish(args),
        TransfersCommand::Stats(args) => crate::transfers_stream::stats(args, data_dir),
        TransfersCommand::DropStream(args) => crate::transfers_stream::drop_stream(args),
    }
}

fn screen(args: ScreenTransfersArgs, data_dir: &Path) -> Result<()> {
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(
            InputError::new(format!("--threshold {threshold}: must be between 0 and 1")).into(),
        );
    }
    let pack = load_rules(args.rules.as_deref())?;
    let inputs = read_inputs(&args.paths)?;
    let (lists, labels) = screening_lists(&args.lists, data_dir)?;
    let entities: Vec<_> = lists.into_iter().flat_map(|l| l.entities).collect();
    let scanner = TextScanner::build(&entities);
    let index = Index::build(entities);
    let screener = TransferScreener::new(&index, &scanner, threshold);
    let pack_version = pack.version.clone();
    let mut monitor = Monitor::new(pack);
    let store = crate::store_open::open_store(data_dir)?;
    let caller = crate::local_caller();
    let context = TransferContext {
        lists: &labels,
        threshold,
        pack_version: &pack_version,
        caller: &caller,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if !args.json {
        writeln!(out, "screening against {}", labels.join(", "))?;
    }
    for (origin, bytes) in &inputs {
        // Names, texts and R16 in parallel; the rules in arrival order; every
        // transaction audited (with its alerts) before anything is shown.
        let mut batches = [TransferBatch::check(&screener, bytes)];
        // A transfer recorded before (in this run or an earlier one, by any
        // process on the store) is reported as a repeat and not recorded again.
        let recorded = record_once(store.as_ref(), &mut monitor, &mut batches, &context)
            .context("writing the audit log")?;
        let [batch] = batches;
        let recorded: Vec<Option<RecordedTransfer>> = recorded.into_iter().flatten().collect();
        let mut recorded = recorded.iter();
        for result in &batch.checked {
            let line = match result {
                Ok(report) => transaction_line(origin, report, recorded.next()),
                Err(error) => error_line(origin, error),
            };
            if args.json {
                writeln!(out, "{}", serde_json::to_string(&line)?)?;
            } else {
                writeln!(out, "{}", text_line(&line))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The rules pack: the file given (errors name its line) or the built-in default.
pub fn load_rules(path: Option<&Path>) -> Result<RulePack> {
    let Some(path) = path else {
        return RulePack::default_pack().context("the built-in rules pack");
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(format!("--rules {}: {e}", path.display())))?;
    RulePack::parse(&text)
        .map_err(|e| InputError::new(format!("--rules {}: {e}", path.display())).into())
}

/// Every input read up front, so an unreadable path stops the run before any output.
fn read_inputs(paths: &[String]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = if path == "-" {
            let mut buffer = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buffer)
                .map_err(|e| InputError::new(format!("standard input: {e}")))?;
            buffer
        } else {
            std::fs::read(path).map_err(|e| InputError::new(format!("{path}: {e}")))?
        };
        let origin = if path == "-" {
            "<stdin>".to_string()
        } else {
            path.clone()
        };
        inputs.push((origin, bytes));
    }
    Ok(inputs)
}

fn error_line(origin: &str, error: &MessageError) -> Value {
    json!({
        "file": origin,
        "index": error.index,
        "line": error.position.line,
        "offset": error.position.offset,
        "error": format!("{origin}: {error}"),
    })
}

/// The report with the file it came from, its audit entry and the ids of
/// the alerts stored for it.
fn transaction_line(
    origin: &str,
    report: &TransferReport,
    recorded: Option<&Option<RecordedTransfer>>,
) -> Value {
    let mut line = json!({ "file": origin });
    if let (Value::Object(map), Ok(Value::Object(fields))) =
        (&mut line, serde_json::to_value(report))
    {
        map.extend(fields);
        if let Some(None) = recorded {
            map.insert("repeat".into(), json!(true));
        }
        if let Some(Some(recorded)) = recorded {
            map.insert(
                "audit".into(),
                json!({"seq": recorded.audit.seq, "entry_hash": recorded.audit.entry_hash}),
            );
            let ids: Vec<i64> = recorded.alerts.iter().map(|a| a.id).collect();
            map.insert("alert_ids".into(), json!(ids));
        }
    }
    line
}

/// A human summary of a JSON result line: one line, then one indented line
/// per reader warning.
fn text_line(line: &Value) -> String {
    if let Some(error) = line.get("error").and_then(Value::as_str) {
        return format!("ERROR {error}");
    }
    let s = &line["summary"];
    let count = |key: &str| line.get(key).and_then(Value::as_array).map_or(0, Vec::len);
    let mut text = format!(
        "{} {} {} {}{} {} -> {}: {} R16 finding(s), {} hit(s), {} alert(s)",
        line["id"].as_str().unwrap_or("-"),
        s["message_type"].as_str().unwrap_or("-"),
        s["amount"].as_str().unwrap_or("-"),
        s["currency"].as_str().unwrap_or(""),
        instructed(s),
        s["debtor"]["name"].as_str().unwrap_or("?"),
        s["creditor"]["name"].as_str().unwrap_or("?"),
        count("r16"),
        count("hits"),
        count("alerts"),
    );
    let warnings = line.get("warnings").and_then(Value::as_array);
    for warning in warnings.into_iter().flatten() {
        text.push_str("\n  warning: ");
        text.push_str(warning.as_str().unwrap_or(""));
    }
    text
}

/// ` (instructed 500000.00 EUR)` when the summary has an instructed amount.
fn instructed(summary: &Value) -> String {
    match summary["instructed_amount"].as_str() {
        Some(amount) => format!(
            " (instructed {amount} {})",
            summary["instructed_currency"].as_str().unwrap_or("")
        ),
        None => String::new(),
    }
}
