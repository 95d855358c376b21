//! `cordon customers import FILE`: load the customer register from CSV
//! (`id,name[,dob][,country][,type][,identifiers]`, identifiers separated by
//! `;`) or JSON lines, all or nothing.

use anyhow::Result;
use clap::Subcommand;
use cordon_engine::register::import_customers;
use cordon_engine::Indexed;
use cordon_match::DEFAULT_THRESHOLD;
use cordon_model::Schema;
use cordon_store::Customer;
use serde_json::json;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::{tabular, InputError};

/// The `customers` subcommands.
#[derive(Subcommand)]
pub enum CustomersCommand {
    /// Insert or update customers from a CSV or JSON-lines file (one transaction).
    Import {
        /// `.csv`, or `.jsonl` / `.ndjson` with the same fields.
        file: PathBuf,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Show alerts raised by rescreening the register when a list changed.
    Alerts {
        /// Only alerts in this status (open, false_positive, pending_confirmation, true_match).
        #[arg(long)]
        status: Option<String>,
        /// Most alerts to show, newest first.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// JSON lines output.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `customers` subcommand.
pub fn run(command: CustomersCommand, data_dir: &Path) -> Result<()> {
    match command {
        CustomersCommand::Alerts {
            status,
            limit,
            json,
        } => show_alerts(data_dir, status.as_deref(), limit, json),
        CustomersCommand::Import { file, json } => import(&file, json, data_dir),
    }
}

/// Stores the customers (all or nothing), then screens each against the
/// current lists at once: a listed customer raises an alert now, not at the
/// next list change.
fn import(file: &Path, json: bool, data_dir: &Path) -> Result<()> {
    let customers = read_customers(file)?;
    let store = crate::store_open::open_store_settled(data_dir)?;
    let lists = Indexed::current(&*store)?;
    let imported = import_customers(
        &*store,
        &customers,
        &lists,
        DEFAULT_THRESHOLD,
        &crate::local_caller(),
    )
    .map_err(|e| match e {
        cordon_engine::Error::Store(cordon_store::Error::Invalid(m)) => {
            anyhow::Error::new(InputError::new(format!("{}: {m}", file.display())))
        }
        other => anyhow::Error::new(other),
    })?;
    let (upserted, screening) = (imported.upserted, imported.screening);
    if json {
        outln!(
            "{}",
            json!({"inserted": upserted.inserted, "updated": upserted.updated})
        );
    } else {
        outln!(
            "imported {} customers from {} ({} new, {} updated)",
            customers.len(),
            file.display(),
            upserted.inserted,
            upserted.updated
        );
    }
    if screening.screened > 0 {
        eprintln!(
            "screened {} customers against {}: {} new alerts, {} suppressed by standing decisions",
            screening.screened,
            lists.labels.join(", "),
            screening.alerts.len(),
            screening.suppressed
        );
    }
    Ok(())
}

fn read_customers(path: &Path) -> Result<Vec<Customer>> {
    let reader = tabular::open(path)?;
    if tabular::is_json_lines(path) {
        read_jsonl(reader, path)
    } else {
        read_csv(reader, path)
    }
}

fn read_jsonl(reader: impl BufRead, path: &Path) -> Result<Vec<Customer>> {
    let mut customers = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line
            .map_err(|e| InputError::new(format!("{}: line {}: {e}", path.display(), index + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let customer: Customer = cordon_engine::json::parse_line(index + 1, line.as_bytes())
            .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
        customers.push(customer);
    }
    Ok(customers)
}

fn read_csv(reader: impl std::io::Read, path: &Path) -> Result<Vec<Customer>> {
    let mut csv = tabular::csv_reader(reader);
    let header = tabular::Header::read(&mut csv, path)?;
    let (Some(id_col), Some(name_col)) = (header.column(&["id"]), header.column(&["name"])) else {
        return Err(InputError::new(format!(
            "{}: the header needs `id` and `name` columns (id,name[,dob][,country][,type][,identifiers])",
            path.display()
        ))
        .into());
    };
    let (dob_col, country_col) = (header.column(&["dob"]), header.column(&["country"]));
    let ids_col = header.column(&["identifiers"]);
    let type_col = header.column(&["type", "schema"]);
    let mut customers = Vec::new();
    for (index, record) in csv.records().enumerate() {
        let line = index + 2;
        let record =
            record.map_err(|e| InputError::new(format!("{}: line {line}: {e}", path.display())))?;
        let get = |col: Option<usize>| tabular::field(&record, col);
        let schema = match get(type_col) {
            None => None,
            Some(text) => Some(Schema::parse(&text).ok_or_else(|| {
                InputError::new(format!("{}: line {line}: type {text:?} is not person, organization, vessel or aircraft", path.display()))
            })?),
        };
        customers.push(Customer {
            id: get(Some(id_col)).ok_or_else(|| {
                InputError::new(format!("{}: line {line}: empty id", path.display()))
            })?,
            name: get(Some(name_col)).ok_or_else(|| {
                InputError::new(format!("{}: line {line}: empty name", path.display()))
            })?,
            dob: get(dob_col),
            country: get(country_col),
            schema,
            identifiers: get(ids_col)
                .map(|s| {
                    s.split(';')
                        .map(|i| i.trim().to_string())
                        .filter(|i| !i.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Ok(customers)
}

fn show_alerts(data_dir: &Path, status: Option<&str>, limit: usize, json: bool) -> Result<()> {
    let store = crate::store_open::open_store(data_dir)?;
    let alerts = store.alerts(status, limit)?;
    for alert in &alerts {
        if json {
            outln!("{}", serde_json::to_string(alert)?);
        } else {
            outln!(
                "#{} {} customer {} ~ {} score {:.3} ({})",
                alert.id,
                alert.status,
                alert.customer_id,
                alert.entity_id,
                alert.score,
                alert.list_version
            );
        }
    }
    if !json && alerts.is_empty() {
        outln!("no alerts");
    }
    Ok(())
}
