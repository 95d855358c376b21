//! Batch screening: a file of parties screened row by row, every row audited,
//! one output line per row in input order. `cordon batch` is an adapter over
//! it (reading CSV or JSON lines into [`BatchRow`]s, writing the lines to a
//! file that appears whole or not at all).
//!
//! Rows are screened in steps of [`BATCH_STEP`], each step in parallel; while
//! one step is screened, the previous one is chained into the audit log and
//! handed to the output on another thread, so the serial audit work does not
//! add to the wall time. Nothing reaches the output that is not recorded.
//!
//! ```
//! use cordon_engine::batch::{run, BatchRow, BatchScreener};
//! use cordon_match::Index;
//! use cordon_model::{Entity, Name, NameKind, Schema};
//! use cordon_store::SqliteStore;
//!
//! let mut entity = Entity::new("un", "QDi.290", Schema::Person);
//! entity.names.push(Name::new("Doku Khamatovich Umarov", NameKind::Primary));
//! let index = Index::build(vec![entity]);
//! let rows = vec![
//!     BatchRow::from_json(1, br#"{"id": "c1", "name": "Umarov Doku"}"#),
//!     BatchRow::from_json(2, br#"{"id": "c2", "name": "Jane Roe", "name": "Doku Umarov"}"#),
//! ];
//! let screener = BatchScreener::new(&index, 0.7, &["un@2026-02-27".into()], "local:demo");
//! let store = SqliteStore::open_in_memory().unwrap();
//! let mut out = Vec::new();
//! let outcome = run(&rows, &screener, &store, |line, _warnings| {
//!     out.push(line.to_string());
//!     Ok(())
//! })
//! .unwrap();
//! assert_eq!((outcome.rows, outcome.errors), (2, 1));
//! assert!(out[0].contains("un:QDi.290"));
//! assert!(out[1].contains("line 2: duplicate key"));
//! ```

use crate::query::QueryInput;
use crate::screening::engine_label;
use crate::Error;
use cordon_match::{Index, Match, Query, ScreenOptions};
use cordon_store::audit::{PreparedAuditEntry, ScreeningPayloads};
use cordon_store::AuditLog;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Rows screened per step: large enough that a step keeps every core busy
/// and its audit transaction amortises the fsync, small enough that the two
/// steps in flight stay a few megabytes.
pub const BATCH_STEP: usize = 4096;

/// Matches kept per row (the CLI contract: `{"id", "matches": [...]}`).
pub const MATCHES_PER_ROW: usize = 10;

/// One input row: the caller's id, its line in the input, and its fields or
/// why it cannot be screened (the message names the line).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    /// The caller's id for the row, echoed back (`null` when none).
    pub id: Value,
    /// 1-based line of the input.
    pub line: usize,
    /// The party, or why the row cannot be screened.
    pub fields: Result<RowFields, String>,
}

/// The party of a row, as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowFields {
    /// The name (has a letter or digit).
    pub name: String,
    /// Date of birth, loosely written.
    pub dob: Option<String>,
    /// Country, as a code or a name.
    pub country: Option<String>,
    /// `type` (person, organization, vessel, aircraft).
    pub schema: Option<String>,
}

impl BatchRow {
    /// A row from its fields: a missing name or one without a letter or digit
    /// makes the row an error naming its line.
    pub fn new(id: Value, line: usize, fields: Option<RowFields>) -> BatchRow {
        let fields = match fields {
            None => Err(format!("line {line}: missing name")),
            Some(f) if !cordon_names::has_name_content(&f.name) => Err(format!(
                "line {line}: name {:?} has no letter or digit",
                f.name
            )),
            Some(f) => Ok(f),
        };
        BatchRow { id, line, fields }
    }

    /// A row from one line of JSON lines input (`id`, `name`, `dob`,
    /// `country`, `type` or `schema`); text that is not JSON, or an object
    /// that names a key twice, makes the row an error naming the line.
    pub fn from_json(line: usize, text: &[u8]) -> BatchRow {
        let value = match crate::json::parse_line::<Value>(line, text) {
            Ok(value) => value,
            Err(error) => {
                return BatchRow {
                    id: Value::Null,
                    line,
                    fields: Err(error),
                }
            }
        };
        let text = |key: &str| match value.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let id = value.get("id").cloned().unwrap_or(Value::Null);
        let fields = text("name").map(|name| RowFields {
            name,
            dob: text("dob"),
            country: text("country"),
            schema: text("type").or_else(|| text("schema")),
        });
        BatchRow::new(id, line, fields)
    }
}

/// One screened row: its output line, its warnings, and its audit entry
/// (none for a row that could not be screened).
#[derive(Debug, Clone)]
pub struct ScreenedRow {
    /// The output line (`{"id", "matches"}` or `{"id", "error"}`).
    pub line: String,
    /// Optional fields that could not be read and were ignored, naming the line.
    pub warnings: Vec<String>,
    audit: Option<PreparedAuditEntry>,
}

/// Screens rows against one index and prepares their audit entries: what
/// every entry of a batch shares (caller, engine, threshold, list versions)
/// is worked out once.
pub struct BatchScreener<'a> {
    index: &'a Index,
    options: ScreenOptions,
    caller: String,
    payloads: ScreeningPayloads,
}

impl<'a> BatchScreener<'a> {
    /// A screener at `threshold` ([`MATCHES_PER_ROW`] matches per row), whose
    /// audit entries name `lists` and `caller`.
    pub fn new(index: &'a Index, threshold: f64, lists: &[String], caller: &str) -> Self {
        BatchScreener {
            index,
            options: ScreenOptions {
                threshold,
                limit: MATCHES_PER_ROW,
            },
            caller: caller.to_string(),
            payloads: ScreeningPayloads::new(lists, &engine_label(threshold)),
        }
    }

    /// Screens one row and prepares its output line and audit entry (the
    /// payload already canonical, so the serial part only chains it).
    pub fn screen_row(&self, row: &BatchRow) -> ScreenedRow {
        let mut warnings = Vec::new();
        let query = row
            .fields
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|fields| row_query(fields, row.line, &mut warnings));
        let (value, audit) = match query {
            Err(error) => (json!({"id": row.id, "error": error}), None),
            Ok(query) => {
                let matches = self.index.screen(&query, &self.options);
                let request = json!({"id": row.id, "name": query.name, "dob": query.birth_date,
                                     "country": query.country, "type": query.schema});
                let entry = self.audit_entry(&request, &matches);
                (json!({"id": row.id, "matches": matches}), Some(entry))
            }
        };
        ScreenedRow {
            line: value.to_string(),
            warnings,
            audit,
        }
    }

    /// Screens a step of rows in parallel, in input order.
    pub fn screen_step(&self, rows: &[BatchRow]) -> Vec<ScreenedRow> {
        rows.par_iter().map(|row| self.screen_row(row)).collect()
    }

    fn audit_entry(&self, request: &Value, matches: &[Match]) -> PreparedAuditEntry {
        let results = matches.iter().map(|m| (m.entity_id.as_str(), m.score));
        self.payloads.entry(&self.caller, request, results)
    }
}

/// The query of a row through the engine's one (lenient) validation: an
/// unreadable optional field is dropped with a warning, a name with no
/// letters or digits makes the row an error.
fn row_query(row: &RowFields, line: usize, warnings: &mut Vec<String>) -> Result<Query, String> {
    let input = QueryInput {
        name: &row.name,
        dob: row.dob.as_deref(),
        country: row.country.as_deref(),
        schema: row.schema.as_deref(),
        identifiers: &[],
    };
    let (query, dropped) = input
        .validate_lenient()
        .map_err(|e| format!("line {line}: {e}"))?;
    for e in dropped {
        warnings.push(format!("line {line}: {e}; ignored"));
    }
    Ok(query)
}

/// What a batch did and where its time went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchOutcome {
    /// Rows read.
    pub rows: usize,
    /// Rows that could not be screened (their output line says why).
    pub errors: usize,
    /// Time spent screening.
    pub screening: Duration,
    /// Time spent chaining entries into the audit log.
    pub audit: Duration,
    /// Time spent handing lines to the output.
    pub output: Duration,
}

/// Screens `rows`, records every screened row in the audit log, then hands
/// each row's line and warnings to `output`, in input order, step by step.
/// Stops at the first audit or output failure; the lines of a step reach
/// `output` only once the step's entries are stored.
pub fn run<S>(
    rows: &[BatchRow],
    screener: &BatchScreener<'_>,
    store: &S,
    output: impl FnMut(&str, &[String]) -> std::io::Result<()> + Send,
) -> Result<BatchOutcome, Error>
where
    S: AuditLog + Sync + ?Sized,
{
    let mut screening = Duration::ZERO;
    let mut recorder = StepRecorder {
        store,
        output,
        outcome: BatchOutcome::default(),
    };
    let recorded = std::thread::scope(|scope| {
        // One step waits in the channel at most: memory stays a few steps.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<ScreenedRow>>(1);
        let handle = scope.spawn(move || {
            for step in receiver {
                recorder.record(step)?;
            }
            Ok::<_, Error>(recorder.outcome)
        });
        for step in rows.chunks(BATCH_STEP) {
            let begun = Instant::now();
            let screened = screener.screen_step(step);
            screening += begun.elapsed();
            if sender.send(screened).is_err() {
                break; // the recorder stopped on an error, returned by join below
            }
        }
        drop(sender);
        handle
            .join()
            .map_err(|_| Error::Output(std::io::Error::other("the audit writer thread panicked")))?
    })?;
    Ok(BatchOutcome {
        rows: rows.len(),
        screening,
        ..recorded
    })
}

/// The serial half of a batch: chains each step into the audit log, then
/// hands its lines to the output.
struct StepRecorder<'s, S: ?Sized, O> {
    store: &'s S,
    output: O,
    outcome: BatchOutcome,
}

impl<S, O> StepRecorder<'_, S, O>
where
    S: AuditLog + ?Sized,
    O: FnMut(&str, &[String]) -> std::io::Result<()>,
{
    fn record(&mut self, step: Vec<ScreenedRow>) -> Result<(), Error> {
        let begun = Instant::now();
        let entries: Vec<PreparedAuditEntry> =
            step.iter().filter_map(|row| row.audit.clone()).collect();
        self.outcome.errors += step.len() - entries.len();
        self.store.append_prepared_audits(&entries)?;
        let audited = Instant::now();
        self.outcome.audit += audited - begun;
        for row in &step {
            (self.output)(&row.line, &row.warnings).map_err(Error::Output)?;
        }
        self.outcome.output += audited.elapsed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Entity, Name, NameKind, Schema};
    use cordon_store::SqliteStore;

    fn index() -> Index {
        let mut entity = Entity::new("un", "QDi.290", Schema::Person);
        entity
            .names
            .push(Name::new("Doku Khamatovich Umarov", NameKind::Primary));
        Index::build(vec![entity])
    }

    fn rows(count: usize) -> Vec<BatchRow> {
        (1..=count)
            .map(|line| {
                let name = if line % 3 == 0 {
                    "Doku Umarov"
                } else {
                    "Jane Roe"
                };
                let text = format!(r#"{{"id": {line}, "name": "{name}"}}"#);
                BatchRow::from_json(line, text.as_bytes())
            })
            .collect()
    }

    #[test]
    fn rows_from_json_name_their_line_when_unreadable() {
        let row = BatchRow::from_json(4, br#"{"id": 7, "name": "Jane Roe", "dob": 1970}"#);
        assert_eq!(row.id, json!(7));
        assert_eq!(
            row.fields.as_ref().map(|f| f.dob.clone()),
            Ok(Some("1970".into()))
        );
        let cases: [(&[u8], &str); 4] = [
            (b"not json", "line 9: "),
            (br#"{"id": 1}"#, "line 9: missing name"),
            (
                br#"{"name": "--"}"#,
                "line 9: name \"--\" has no letter or digit",
            ),
            (
                br#"{"name": "A", "name": "B"}"#,
                "line 9: duplicate key \"name\"",
            ),
        ];
        for (text, start) in cases {
            let row = BatchRow::from_json(9, text);
            let error = row.fields.unwrap_err();
            assert!(error.starts_with(start), "{error}");
        }
    }

    /// Across several steps: one line per row in input order, one audit entry
    /// per screened row, and errors counted, not audited.
    #[test]
    fn every_screened_row_is_audited_and_written_in_input_order() {
        let index = index();
        let mut input = rows(BATCH_STEP + 10);
        input.push(BatchRow::from_json(input.len() + 1, b"{broken"));
        let screener = BatchScreener::new(&index, 0.7, &["un@test".into()], "local:test");
        let store = SqliteStore::open_in_memory().unwrap();
        let mut lines = Vec::new();
        let outcome = run(&input, &screener, &store, |line, _| {
            lines.push(line.to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!((outcome.rows, outcome.errors), (input.len(), 1));
        assert_eq!(lines.len(), input.len());
        let ids: Vec<Value> = lines
            .iter()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone())
            .collect();
        let expected: Vec<Value> = input.iter().map(|r| r.id.clone()).collect();
        assert_eq!(ids, expected);
        let third: Value = serde_json::from_str(&lines[2]).unwrap();
        assert_eq!(third["matches"][0]["entity_id"], "un:QDi.290");
        let audited = store.audit_entries(0, 100_000).unwrap();
        assert_eq!(audited.len(), input.len() - 1);
        assert_eq!(audited[0].caller, "local:test");
    }

    #[test]
    fn an_output_failure_stops_the_batch_after_its_step_is_audited() {
        let index = index();
        let input = rows(BATCH_STEP * 2);
        let screener = BatchScreener::new(&index, 0.7, &[], "local:test");
        let store = SqliteStore::open_in_memory().unwrap();
        let result = run(&input, &screener, &store, |_, _| {
            Err(std::io::Error::other("disk full"))
        });
        assert!(matches!(result, Err(Error::Output(_))), "{result:?}");
        // The first step was recorded before its lines were refused; the
        // second was never recorded.
        assert_eq!(store.audit_entries(0, 100_000).unwrap().len(), BATCH_STEP);
    }
}
