//! `cordon transfers screen`: payment messages through parsing, FATF R16 checks, name and
//! free-text screening and the typology rules, one JSON line per transaction.

use anyhow::{Context, Result};
use cordon_match::textscan::{TextHit, TextScanner};
use cordon_match::{Index, Match, Query, ScreenOptions, DEFAULT_THRESHOLD};
use cordon_model::transfer::{Agent, Party, Transfer};
use cordon_monitor::{Alert, Monitor, RulePack};
use cordon_payments::{check_r16, MessageError, R16Config};
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
    }
}

/// Everything a transaction is checked with, built once per run.
struct Screening {
    index: Index,
    scanner: TextScanner,
    options: ScreenOptions,
    r16: R16Config,
    monitor: Monitor,
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
    let mut screening = Screening {
        index: Index::build(entities),
        scanner,
        options: ScreenOptions {
            threshold,
            limit: 5,
        },
        r16: R16Config::default(),
        monitor: Monitor::new(pack),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if !args.json {
        writeln!(out, "screening against {}", labels.join(", "))?;
    }
    for (origin, bytes) in &inputs {
        for result in cordon_payments::parse(bytes) {
            let line = match result {
                Ok(transfer) => transaction_line(origin, &transfer, &mut screening),
                Err(error) => error_line(origin, &error),
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
fn load_rules(path: Option<&Path>) -> Result<RulePack> {
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

fn transaction_line(origin: &str, transfer: &Transfer, screening: &mut Screening) -> Value {
    let alerts: Vec<Alert> = screening.monitor.observe(transfer);
    json!({
        "file": origin,
        "id": cordon_monitor::facts::transfer_id(transfer),
        "summary": summary(transfer),
        "r16": check_r16(transfer, &screening.r16),
        "hits": name_hits(transfer, screening),
        "alerts": alerts,
    })
}

fn summary(t: &Transfer) -> Value {
    let customer = t.underlying.as_deref().unwrap_or(t);
    let money = t.amount.or(customer.amount);
    json!({
        "format": t.format,
        "message_type": t.message_type,
        "uetr": t.uetr,
        "message_id": t.message_id,
        "amount": money.map(|m| m.amount.to_string()),
        "currency": money.map(|m| m.currency.as_str().to_string()),
        "settlement_date": t.settlement_date,
        "debtor": party_summary(customer.debtor.as_ref()),
        "creditor": party_summary(customer.creditor.as_ref()),
        "agents": t.agents().filter_map(|(role, a)| a.bic.as_ref().map(|bic| json!({"role": role, "bic": bic}))).collect::<Vec<_>>(),
    })
}

fn party_summary(party: Option<&Party>) -> Value {
    let Some(p) = party else { return Value::Null };
    json!({
        "name": p.name,
        "country": party_country(p),
        "account": p.account.as_ref().map(|a| a.id.clone()),
    })
}

fn party_country(p: &Party) -> Option<String> {
    p.address
        .as_ref()
        .and_then(|a| a.country.clone())
        .or_else(|| p.country_of_residence.clone())
}

/// Names of parties and agents through the index, free texts through the scanner.
fn name_hits(transfer: &Transfer, screening: &Screening) -> Vec<Value> {
    let mut hits = Vec::new();
    for (prefix, t) in std::iter::once(("", transfer))
        .chain(transfer.underlying.as_deref().map(|u| ("underlying.", u)))
    {
        for (role, party) in t.parties() {
            let Some(name) = party.name.as_deref().filter(|n| !n.trim().is_empty()) else {
                continue;
            };
            let mut query = Query::name(name);
            query.country = party_country(party);
            push_matches(
                &mut hits,
                &format!("{prefix}{}", role_name(&role)),
                name,
                screening.index.screen(&query, &screening.options),
            );
        }
        for (role, agent) in t.agents() {
            if let Some(name) = agent_name(agent) {
                let matches = screening
                    .index
                    .screen(&Query::name(name), &screening.options);
                push_matches(
                    &mut hits,
                    &format!("{prefix}{}", role_name(&role)),
                    name,
                    matches,
                );
            }
        }
        for (field, text) in free_texts(t) {
            let found: Vec<TextHit> = screening.scanner.scan(&text);
            if !found.is_empty() {
                hits.push(
                    json!({"role": format!("{prefix}{field}"), "text": text, "text_hits": found}),
                );
            }
        }
    }
    hits
}

fn push_matches(hits: &mut Vec<Value>, role: &str, name: &str, matches: Vec<Match>) {
    if !matches.is_empty() {
        hits.push(json!({"role": role, "name": name, "matches": matches}));
    }
}

fn agent_name(agent: &Agent) -> Option<&str> {
    agent.name.as_deref().filter(|n| !n.trim().is_empty())
}

/// Free texts worth scanning: remittance lines (joined, as a name may wrap a line) and
/// instructions to the next agents.
fn free_texts(t: &Transfer) -> Vec<(&'static str, String)> {
    let mut texts = Vec::new();
    let remittance: Vec<&str> = t
        .remittance
        .unstructured
        .iter()
        .chain(&t.remittance.structured)
        .map(String::as_str)
        .collect();
    if !remittance.is_empty() {
        texts.push(("remittance", remittance.join(" ")));
    }
    if !t.instructions.is_empty() {
        texts.push(("instructions", t.instructions.join(" ")));
    }
    texts
}

fn role_name<T: serde::Serialize>(role: &T) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A one-line human summary of a JSON result line.
fn text_line(line: &Value) -> String {
    if let Some(error) = line.get("error").and_then(Value::as_str) {
        return format!("ERROR {error}");
    }
    let s = &line["summary"];
    let count = |key: &str| line.get(key).and_then(Value::as_array).map_or(0, Vec::len);
    format!(
        "{} {} {} {} {} -> {}: {} R16 finding(s), {} hit(s), {} alert(s)",
        line["id"].as_str().unwrap_or("-"),
        s["message_type"].as_str().unwrap_or("-"),
        s["amount"].as_str().unwrap_or("-"),
        s["currency"].as_str().unwrap_or(""),
        s["debtor"]["name"].as_str().unwrap_or("?"),
        s["creditor"]["name"].as_str().unwrap_or("?"),
        count("r16"),
        count("hits"),
        count("alerts"),
    )
}
