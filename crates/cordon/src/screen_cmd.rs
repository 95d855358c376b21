//! `cordon screen`, `cordon compare` and `cordon batch`.

use anyhow::{Context, Result};
use cordon_engine::batch::{BatchRow, BatchScreener, RowFields};
use cordon_engine::query::Field;
use cordon_engine::screening::{screen_and_audit, ScreenRequest, ScreeningLists};
use cordon_engine::QueryInput;
use cordon_lists::ParsedList;
use cordon_match::{Index, Match, Query, ScreenOptions, DEFAULT_THRESHOLD};
use cordon_model::Schema;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

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
        // Read side by side (a batch waits for them), reported in the given order.
        let all: Vec<Result<sources::LoadedList>> =
            specs.par_iter().map(|spec| sources::load(spec)).collect();
        for loaded in all {
            let loaded = loaded?;
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
    if crate::store_open::store_url_given() || data_dir.join("cordon.db").exists() {
        let store = crate::store_open::open_store(data_dir)?;
        let latest = cordon_engine::indexed::current_lists(&*store)?;
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

fn check_threshold(threshold: Option<f64>) -> Result<f64> {
    let t = threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&t) {
        return Err(InputError::new(format!("--threshold {t}: must be between 0 and 1")).into());
    }
    Ok(t)
}

/// The query of `cordon screen`, through the engine's one validation; a
/// bad field is named as its option (`--dob`).
fn screen_query(args: &ScreenArgs) -> Result<Query> {
    let input = QueryInput {
        name: &args.name,
        dob: args.dob.as_deref(),
        country: args.country.as_deref(),
        schema: args.schema.as_deref(),
        identifiers: &args.identifiers,
    };
    input.validate().map_err(|e| {
        let option = match e.field {
            Field::Name => "NAME".to_string(),
            field => format!("--{}", field.as_str()),
        };
        InputError::new(format!("{option}: {}", e.reason)).into()
    })
}

/// Runs `cordon screen`.
pub fn screen(args: ScreenArgs, data_dir: &Path) -> Result<()> {
    let query = screen_query(&args)?;
    let options = ScreenOptions {
        threshold: check_threshold(args.threshold)?,
        limit: args.limit,
    };
    let (lists, labels) = screening_lists(&args.lists, data_dir)?;
    let index = build_index(lists);
    let request = json!({"name": args.name, "dob": query.birth_date, "country": query.country,
                         "type": query.schema, "identifiers": query.identifiers});
    let store = crate::store_open::open_store(data_dir)?;
    let hashes = HashMap::new();
    let lists = ScreeningLists {
        index: &index,
        labels: &labels,
        hashes: &hashes,
    };
    let screen_request = ScreenRequest {
        query: &query,
        options,
        party_key: None,
        request: &request,
    };
    // Nothing is shown that is not recorded.
    let (screened, _) = screen_and_audit(&*store, lists, &screen_request, &crate::local_caller())
        .context("writing the audit log")?;
    let matches = screened.matches;
    if args.json {
        let out = json!({
            "query": request,
            "lists": labels,
            "threshold": options.threshold,
            "matches": matches,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    outln!("screened {:?} against {}", args.name, labels.join(", "));
    if matches.is_empty() {
        outln!("no match at or above {:.2}", options.threshold);
    }
    for m in &matches {
        print_match(m)?;
    }
    Ok(())
}

fn print_match(m: &Match) -> Result<()> {
    outln!(
        "{:.3}  {}:{}  {}  (matched {:?}, {})",
        m.score,
        m.source,
        m.source_id,
        m.name,
        m.matched_name,
        m.schema
    );
    outln!("       {}", m.explanation.summary);
    Ok(())
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
        outln!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        let verdict = if score >= DEFAULT_THRESHOLD {
            "match"
        } else {
            "no match"
        };
        outln!("{score:.3} ({verdict} at the default threshold {DEFAULT_THRESHOLD:.2})");
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

fn read_batch_input(path: &Path) -> Result<Vec<BatchRow>> {
    let reader = tabular::open(path)?;
    if tabular::is_json_lines(path) {
        read_jsonl(reader, path)
    } else {
        read_csv(reader, path)
    }
}

/// JSON lines: each non-blank line a row (the engine reads it, refusing
/// duplicate keys); a line that cannot be read from the file stops the run.
fn read_jsonl(reader: impl BufRead, path: &Path) -> Result<Vec<BatchRow>> {
    let mut rows = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line_no = index + 1;
        let line =
            line.map_err(|e| InputError::new(format!("{}: line {line_no}: {e}", path.display())))?;
        if !line.trim().is_empty() {
            rows.push(BatchRow::from_json(line_no, line.as_bytes()));
        }
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
                let fields = get(Some(name_col)).map(|name| RowFields {
                    name,
                    dob: get(dob_col),
                    country: get(country_col),
                    schema: get(type_col),
                });
                BatchRow::new(id, line, fields)
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

/// Runs `cordon batch`: the engine's batch use case between the input file
/// and an output file that appears whole or not at all.
pub fn batch(args: BatchArgs, data_dir: &Path) -> Result<()> {
    let threshold = check_threshold(args.threshold)?;
    let started = Instant::now();
    // The input is read on one thread while the lists are read and indexed beside
    // it: neither uses both cores throughout (200,000 rows are read and checked in
    // about 0.2 s, the four lists indexed in about 0.5 s). An unreadable input is
    // still reported first.
    let (rows, indexed) = rayon::join(
        || read_batch_input(&args.input),
        || {
            let (lists, labels) = screening_lists(&args.lists, data_dir)?;
            anyhow::Ok((build_index(lists), labels))
        },
    );
    let rows = rows?;
    let (index, labels) = indexed?;
    tracing::info!(rows = rows.len(), elapsed = ?started.elapsed(), "input read and index built");
    let screener = BatchScreener::new(&index, threshold, &labels, &crate::local_caller());
    let store = crate::store_open::open_store(data_dir)?;
    let mut output = AtomicFile::create(&args.output)?;
    let progress = indicatif::ProgressBar::with_draw_target(
        Some(rows.len() as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let input = args.input.display().to_string();
    let writer = output.writer();
    let outcome = cordon_engine::batch::run(&rows, &screener, &*store, |line, warnings| {
        for warning in warnings {
            progress.suspend(|| eprintln!("warning: {input}: {warning}"));
        }
        progress.inc(1);
        writeln!(writer, "{line}")
    });
    progress.finish_and_clear();
    let outcome = outcome.map_err(|e| match e {
        cordon_engine::Error::Output(io) => {
            anyhow::Error::new(io).context(format!("writing {}", args.output.display()))
        }
        other => anyhow::Error::new(other).context("writing the audit log"),
    })?;
    let begun = Instant::now();
    output.commit()?;
    tracing::info!(elapsed = ?started.elapsed(), screening = ?outcome.screening, audit = ?outcome.audit,
                   output = ?(outcome.output + begun.elapsed()), "rows screened, audited and written");
    eprintln!(
        "screened {} rows against {} ({} rows with errors); wrote {}",
        rows.len(),
        labels.join(", "),
        outcome.errors,
        args.output.display()
    );
    Ok(())
}

/// A file written through a temporary sibling and renamed into place by
/// [`AtomicFile::commit`], so a failure or a kill never leaves a half-written
/// output; dropped without a commit, the temporary file is removed.
pub(crate) struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    out: BufWriter<std::fs::File>,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary sibling of `path`.
    pub(crate) fn create(path: &Path) -> Result<AtomicFile> {
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
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
            out: BufWriter::new(file),
            committed: false,
        })
    }

    /// Where to write the content.
    pub(crate) fn writer(&mut self) -> &mut BufWriter<std::fs::File> {
        &mut self.out
    }

    /// Flushes, syncs and renames the file into place.
    pub(crate) fn commit(mut self) -> Result<()> {
        let path = self.path.clone();
        self.out
            .flush()
            .and_then(|()| self.out.get_ref().sync_all())
            .with_context(|| format!("writing {}", path.display()))?;
        std::fs::rename(&self.temp, &path)
            .with_context(|| format!("writing {}", path.display()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}
