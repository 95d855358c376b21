//! `cordon screen`, `cordon compare` and `cordon batch`.

use anyhow::{Context, Result};
use cordon_lists::ParsedList;
use cordon_match::{Index, Match, Query, ScreenOptions, DEFAULT_THRESHOLD};
use cordon_model::{country, dates, Schema};
use cordon_store::audit::screening_payload;
use cordon_store::{AuditLog, NewAuditEntry, Store};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::{sources, tabular, InputError};

/// Options of `cordon screen`.
#[derive(clap::Args)]
pub struct ScreenArgs {
    /// The name to screen, in any script.
    pub name: String,
    /// Date of birth (1969, 1969-07, 1969-07-16, 16.07.1969, 16 Jul 1969...).
    #[arg(long)]
    pub dob: Option<String>,
    /// Nationality or country (ISO code or name).
    #[arg(long)]
    pub country: Option<String>,
    /// person, organization, vessel or aircraft.
    #[arg(long = "type", value_name = "TYPE")]
    pub schema: Option<String>,
    /// An identifier (passport, registration number); may repeat.
    #[arg(long = "id", value_name = "NUMBER")]
    pub identifiers: Vec<String>,
    /// Lists to screen against instead of the stored ones (`PATH` or `FORMAT:PATH`); may repeat.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<String>,
    /// Alert threshold (default: the documented default).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Most matches to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Options of `cordon compare`.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// First name.
    #[arg(required_unless_present = "pairs")]
    pub name1: Option<String>,
    /// Second name.
    #[arg(required_unless_present = "pairs")]
    pub name2: Option<String>,
    /// A CSV file of pairs: `name1,name2[,schema]` (a header row is optional).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["name1", "name2"])]
    pub pairs: Option<PathBuf>,
    /// person, organization, vessel or aircraft (for a single pair).
    #[arg(long = "type", value_name = "TYPE")]
    pub schema: Option<String>,
    /// JSON output (always JSON lines with --pairs).
    #[arg(long)]
    pub json: bool,
}

/// Options of `cordon batch`.
#[derive(clap::Args)]
pub struct BatchArgs {
    /// Input: CSV (`id,name[,dob][,country][,type]`) or JSON lines (`.jsonl`, `.ndjson`).
    #[arg(long)]
    pub input: PathBuf,
    /// Output JSON lines, one per input row (written whole or not at all).
    #[arg(long)]
    pub output: PathBuf,
    /// Lists to screen against instead of the stored ones; may repeat.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<String>,
    /// Alert threshold (default: the documented default).
    #[arg(long)]
    pub threshold: Option<f64>,
}

/// The lists to screen against: `--list` files, else the stored versions,
/// else the demo list with a warning.
pub fn screening_lists(
    specs: &[String],
    data_dir: &Path,
) -> Result<(Vec<ParsedList>, Vec<String>)> {
    if !specs.is_empty() {
        let mut lists = Vec::new();
        let mut labels = Vec::new();
        for spec in specs {
            let loaded = sources::load(spec)?;
            // Reader warnings are the list's business, not the screening's:
            // one line points to where the details are.
            if !loaded.list.warnings.is_empty() {
                eprintln!(
                    "note: {}: {} warnings while reading (see `cordon lists inspect`)",
                    loaded.origin,
                    loaded.list.warnings.len()
                );
            }
            labels.push(format!(
                "{}@{} ({})",
                loaded.list.source,
                loaded.list.version.as_deref().unwrap_or("-"),
                loaded.origin
            ));
            lists.push(loaded.list);
        }
        return Ok((lists, labels));
    }
    if data_dir.join("cordon.db").exists() {
        let store = crate::lists_cmd::open_store(data_dir)?;
        let latest = store.latest_lists()?;
        if !latest.is_empty() {
            let labels = latest.iter().map(|(v, _)| v.label()).collect();
            return Ok((latest.into_iter().map(|(_, l)| l).collect(), labels));
        }
    }
    eprintln!(
        "warning: no list imported in {} and no --list given: screening against the built-in DEMO list of made-up entries. \
         Import real lists with `cordon lists import PATH` or `cordon lists update`.",
        data_dir.display()
    );
    Ok((vec![sources::demo()?], vec!["demo@built-in".into()]))
}

/// Who ran a command-line screening, as the audit log records it.
fn cli_caller() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// The engine and its configuration, as recorded in the audit log.
fn engine(threshold: f64) -> String {
    format!("{}; threshold={threshold}", cordon_server::ENGINE)
}

/// The audit entry of one screening.
fn audit_entry(
    request: &Value,
    lists: &[String],
    threshold: f64,
    matches: &[Match],
) -> NewAuditEntry {
    let results: Vec<(String, f64)> = matches
        .iter()
        .map(|m| (m.entity_id.clone(), m.score))
        .collect();
    NewAuditEntry {
        kind: "screening".into(),
        caller: cli_caller(),
        payload: screening_payload(request, lists, &engine(threshold), &results),
    }
}

/// Rows of a batch audited per transaction.
const AUDIT_CHUNK: usize = 4096;

/// Appends screening entries to the data directory's hash-chained audit log.
fn record_audit(data_dir: &Path, entries: &[NewAuditEntry]) -> Result<()> {
    let store = crate::lists_cmd::open_store(data_dir)?;
    for chunk in entries.chunks(AUDIT_CHUNK) {
        store
            .append_audits(chunk)
            .context("writing the audit log")?;
    }
    Ok(())
}

fn build_index(lists: Vec<ParsedList>) -> Index {
    Index::build(lists.into_iter().flat_map(|l| l.entities).collect())
}

fn parse_schema(text: &str) -> Result<Schema> {
    Schema::parse(text).ok_or_else(|| {
        InputError::new(format!(
            "--type {text}: expected person, organization, vessel or aircraft"
        ))
        .into()
    })
}

fn parse_country(text: &str) -> Result<String> {
    country::to_code(text).map(str::to_string).ok_or_else(|| {
        InputError::new(format!("--country {text}: not a country name or ISO code")).into()
    })
}

fn check_threshold(threshold: Option<f64>) -> Result<f64> {
    let t = threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&t) {
        return Err(InputError::new(format!("--threshold {t}: must be between 0 and 1")).into());
    }
    Ok(t)
}

/// Runs `cordon screen`.
pub fn screen(args: ScreenArgs, data_dir: &Path) -> Result<()> {
    if args.name.trim().is_empty() {
        return Err(InputError::new("the name to screen is empty").into());
    }
    let mut query = Query::name(&args.name);
    if let Some(dob) = &args.dob {
        query.birth_date = Some(dates::parse_loose(dob).ok_or_else(|| {
            InputError::new(format!(
                "--dob {dob}: not a date (try 1969, 1969-07-16, 16.07.1969)"
            ))
        })?);
    }
    if let Some(c) = &args.country {
        query.country = Some(parse_country(c)?);
    }
    if let Some(s) = &args.schema {
        query.schema = Some(parse_schema(s)?);
    }
    query.identifiers = args.identifiers.clone();
    let options = ScreenOptions {
        threshold: check_threshold(args.threshold)?,
        limit: args.limit,
    };
    let (lists, labels) = screening_lists(&args.lists, data_dir)?;
    let index = build_index(lists);
    let matches = index.screen(&query, &options);
    let request = json!({"name": args.name, "dob": query.birth_date, "country": query.country,
                         "type": query.schema, "identifiers": query.identifiers});
    // Nothing is shown that is not recorded.
    record_audit(
        data_dir,
        &[audit_entry(&request, &labels, options.threshold, &matches)],
    )?;
    if args.json {
        let out = json!({
            "query": request,
            "lists": labels,
            "threshold": options.threshold,
            "matches": matches,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("screened {:?} against {}", args.name, labels.join(", "));
    if matches.is_empty() {
        println!("no match at or above {:.2}", options.threshold);
    }
    for m in &matches {
        print_match(m);
    }
    Ok(())
}

fn print_match(m: &Match) {
    println!(
        "{:.3}  {}:{}  {}  (matched {:?}, {})",
        m.score, m.source, m.source_id, m.name, m.matched_name, m.schema
    );
    println!("       {}", m.explanation.summary);
}

/// Runs `cordon compare`.
pub fn compare(args: CompareArgs) -> Result<()> {
    if let Some(path) = &args.pairs {
        return compare_pairs(path);
    }
    let (Some(a), Some(b)) = (&args.name1, &args.name2) else {
        return Err(InputError::new("compare needs NAME1 NAME2 or --pairs FILE").into());
    };
    let schema = args.schema.as_deref().map(parse_schema).transpose()?;
    let comparison = cordon_match::compare(a, b, schema);
    let score = comparison.score;
    if args.json {
        let value = json!({"name1": a, "name2": b, "score": score,
                           "match": score >= DEFAULT_THRESHOLD, "explanation": comparison.explanation});
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        let verdict = if score >= DEFAULT_THRESHOLD {
            "match"
        } else {
            "no match"
        };
        println!("{score:.3} ({verdict} at the default threshold {DEFAULT_THRESHOLD:.2})");
    }
    Ok(())
}

fn compare_pairs(path: &Path) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(tabular::open(path)?);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let value = match record {
            Err(e) => {
                json!({"line": line, "error": format!("{}: line {line}: {e}", path.display())})
            }
            Ok(record) => {
                let field = |i: usize| record.get(i).map(str::trim).unwrap_or("");
                if index == 0 && field(0).eq_ignore_ascii_case("name1") {
                    continue;
                }
                pair_line(line, field(0), field(1), field(2))
            }
        };
        writeln!(out, "{value}")?;
    }
    out.flush()?;
    Ok(())
}

fn pair_line(line: usize, name1: &str, name2: &str, schema: &str) -> Value {
    if name1.is_empty() || name2.is_empty() {
        return json!({"line": line, "name1": name1, "name2": name2,
                      "error": format!("line {line}: name1 and name2 are both required")});
    }
    let schema = if schema.is_empty() {
        None
    } else {
        match Schema::parse(schema) {
            Some(s) => Some(s),
            None => {
                return json!({"line": line, "name1": name1, "name2": name2,
                              "error": format!("line {line}: unknown schema {schema:?}")})
            }
        }
    };
    let comparison = cordon_match::compare(name1, name2, schema);
    json!({"line": line, "name1": name1, "name2": name2, "score": comparison.score,
           "match": comparison.score >= DEFAULT_THRESHOLD, "explanation": comparison.explanation})
}

/// One input row of a batch.
struct BatchRow {
    id: Value,
    line: usize,
    fields: Result<RowFields, String>,
}

#[derive(Default)]
struct RowFields {
    name: String,
    dob: Option<String>,
    country: Option<String>,
    schema: Option<String>,
}

fn read_batch_input(path: &Path) -> Result<Vec<BatchRow>> {
    let reader = tabular::open(path)?;
    if tabular::is_json_lines(path) {
        read_jsonl(reader)
    } else {
        read_csv(reader, path)
    }
}

fn read_jsonl(reader: impl BufRead) -> Result<Vec<BatchRow>> {
    let mut rows = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line_no = index + 1;
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let row = match serde_json::from_str::<Value>(&line) {
            Err(e) => BatchRow {
                id: Value::Null,
                line: line_no,
                fields: Err(format!("line {line_no}: invalid JSON: {e}")),
            },
            Ok(value) => {
                let text = |key: &str| match value.get(key) {
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                let id = value.get("id").cloned().unwrap_or(Value::Null);
                let fields = match text("name") {
                    None => Err(format!("line {line_no}: missing name")),
                    Some(name) => Ok(RowFields {
                        name,
                        dob: text("dob"),
                        country: text("country"),
                        schema: text("type").or_else(|| text("schema")),
                    }),
                };
                BatchRow {
                    id,
                    line: line_no,
                    fields,
                }
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

fn read_csv(reader: impl std::io::Read, path: &Path) -> Result<Vec<BatchRow>> {
    let mut csv = tabular::csv_reader(reader);
    let header = tabular::Header::read(&mut csv, path)?;
    let name_col = header.column(&["name"]).ok_or_else(|| {
        InputError::new(format!(
            "{}: no `name` column in the header (expected id,name[,dob][,country][,type])",
            path.display()
        ))
    })?;
    let (id_col, dob_col) = (header.column(&["id"]), header.column(&["dob"]));
    let country_col = header.column(&["country"]);
    let type_col = header.column(&["type", "schema"]);
    let mut rows = Vec::new();
    for (index, record) in csv.records().enumerate() {
        let line = index + 2;
        let row = match record {
            Err(e) => BatchRow {
                id: Value::Null,
                line,
                fields: Err(format!("line {line}: {e}")),
            },
            Ok(record) => {
                let get = |col: Option<usize>| tabular::field(&record, col);
                let id = get(id_col).map_or(Value::Null, Value::String);
                let fields = match get(Some(name_col)) {
                    None => Err(format!("line {line}: empty name")),
                    Some(name) => Ok(RowFields {
                        name,
                        dob: get(dob_col),
                        country: get(country_col),
                        schema: get(type_col),
                    }),
                };
                BatchRow { id, line, fields }
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

/// Builds the query of a row; unreadable optional fields are dropped with a warning.
fn row_query(row: &RowFields, line: usize, warnings: &mut Vec<String>) -> Query {
    let mut query = Query::name(&row.name);
    if let Some(dob) = &row.dob {
        match dates::parse_loose(dob) {
            Some(date) => query.birth_date = Some(date),
            None => warnings.push(format!("line {line}: dob {dob:?} is not a date; ignored")),
        }
    }
    if let Some(c) = &row.country {
        match country::to_code(c) {
            Some(code) => query.country = Some(code.to_string()),
            None => warnings.push(format!(
                "line {line}: country {c:?} not recognised; ignored"
            )),
        }
    }
    if let Some(s) = &row.schema {
        match Schema::parse(s) {
            Some(schema) => query.schema = Some(schema),
            None => warnings.push(format!("line {line}: type {s:?} not recognised; ignored")),
        }
    }
    query
}

/// Runs `cordon batch`.
pub fn batch(args: BatchArgs, data_dir: &Path) -> Result<()> {
    let threshold = check_threshold(args.threshold)?;
    let started = std::time::Instant::now();
    let rows = read_batch_input(&args.input)?;
    let (lists, labels) = screening_lists(&args.lists, data_dir)?;
    tracing::info!(rows = rows.len(), elapsed = ?started.elapsed(), "input and lists read");
    let index = build_index(lists);
    tracing::info!(elapsed = ?started.elapsed(), "index built");
    let options = ScreenOptions {
        threshold,
        limit: 10,
    };
    let progress = indicatif::ProgressBar::with_draw_target(
        Some(rows.len() as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let results: Vec<(String, Vec<String>, Option<NewAuditEntry>)> = rows
        .par_iter()
        .map(|row| {
            let mut warnings = Vec::new();
            let (value, audit) = match &row.fields {
                Err(error) => (json!({"id": row.id, "error": error}), None),
                Ok(fields) => {
                    let query = row_query(fields, row.line, &mut warnings);
                    let matches = index.screen(&query, &options);
                    let request = json!({"id": row.id, "name": query.name, "dob": query.birth_date,
                                         "country": query.country, "type": query.schema});
                    let audit = audit_entry(&request, &labels, threshold, &matches);
                    (json!({"id": row.id, "matches": matches}), Some(audit))
                }
            };
            progress.inc(1);
            (value.to_string(), warnings, audit)
        })
        .collect();
    progress.finish_and_clear();
    tracing::info!(elapsed = ?started.elapsed(), "rows screened");
    let audits: Vec<NewAuditEntry> = results.iter().filter_map(|(_, _, a)| a.clone()).collect();
    record_audit(data_dir, &audits)?;
    tracing::info!(elapsed = ?started.elapsed(), "audit written");
    write_atomically(&args.output, |out| {
        for (line, warnings, _) in &results {
            for warning in warnings {
                eprintln!("warning: {}: {warning}", args.input.display());
            }
            writeln!(out, "{line}")?;
        }
        Ok(())
    })?;
    let errors = results
        .iter()
        .filter(|(_, _, audit)| audit.is_none())
        .count();
    eprintln!(
        "screened {} rows against {} ({} rows with errors); wrote {}",
        results.len(),
        labels.join(", "),
        errors,
        args.output.display()
    );
    Ok(())
}

/// Writes a file through a temporary sibling renamed into place, so a
/// failure or a kill never leaves a half-written output.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let file = std::fs::File::create(&temp)
        .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
    let mut out = BufWriter::new(file);
    let result = write(&mut out)
        .and_then(|()| out.flush())
        .and_then(|()| out.get_ref().sync_all());
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    std::fs::rename(&temp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
