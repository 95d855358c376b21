//! `cordon lists ...`: inspect, import, show, diff and update lists.

use anyhow::{Context, Result};
use clap::Subcommand;
use cordon_lists::ParsedList;
use cordon_store::{ImportRequest, SqliteStore, Store};
use serde_json::json;
use std::path::Path;

use crate::sources::{self, LoadedList};
use crate::InputError;

/// The `lists` subcommands.
#[derive(Subcommand)]
pub enum ListsCommand {
    /// Read list files and report what they hold, without importing.
    Inspect {
        /// List files or OFAC CSV folders (`FORMAT:PATH` forces a format).
        #[arg(required = true)]
        paths: Vec<String>,
        /// One JSON object per list, one per line.
        #[arg(long)]
        json: bool,
    },
    /// Store list files as new versions in the data directory.
    Import {
        /// List files or OFAC CSV folders (`FORMAT:PATH` forces a format).
        #[arg(required = true)]
        paths: Vec<String>,
        /// Print the stored versions as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Show the stored versions and the update status of each list.
    Show {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Say exactly what changed between two versions (files or stored versions).
    Diff {
        /// Old version: a file, or a stored version (`un`, `un@2025-04-19`, `#3`).
        old: String,
        /// New version: a file, or a stored version.
        new: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Download the publishers' official lists, verify and import them.
    Update(crate::update::UpdateArgs),
}

/// Runs a `lists` subcommand.
pub fn run(command: ListsCommand, data_dir: &Path) -> Result<()> {
    match command {
        ListsCommand::Inspect { paths, json } => inspect(&paths, json),
        ListsCommand::Import { paths, json } => import(&paths, json, data_dir),
        ListsCommand::Show { json } => show(json, data_dir),
        ListsCommand::Diff { old, new, json } => diff(&old, &new, json, data_dir),
        ListsCommand::Update(args) => crate::update::run(args, data_dir),
    }
}

fn print_warnings(origin: &str, list: &ParsedList) {
    for warning in &list.warnings {
        eprintln!("warning: {origin}: {warning}");
    }
}

fn summary_json(loaded: &LoadedList) -> serde_json::Value {
    let counts = loaded.list.counts();
    json!({
        "path": loaded.origin,
        "format": loaded.format.name(),
        "source": loaded.list.source,
        "version": loaded.list.version,
        "entities": loaded.list.entities.len(),
        "persons": counts.persons,
        "organizations": counts.organizations,
        "vessels": counts.vessels,
        "aircraft": counts.aircraft,
        "names": counts.names,
        "content_hash": loaded.content_hash,
        "warnings": loaded.list.warnings,
    })
}

fn inspect(paths: &[String], json: bool) -> Result<()> {
    for path in paths {
        let loaded = sources::load(path)?;
        print_warnings(&loaded.origin, &loaded.list);
        if json {
            println!("{}", summary_json(&loaded));
        } else {
            let c = loaded.list.counts();
            println!(
                "{}: {} list, version {}: {} persons, {} organizations, {} vessels, {} aircraft, {} names ({} warnings)",
                loaded.origin,
                loaded.list.source,
                loaded.list.version.as_deref().unwrap_or("unknown"),
                c.persons,
                c.organizations,
                c.vessels,
                c.aircraft,
                c.names,
                loaded.list.warnings.len()
            );
        }
    }
    Ok(())
}

/// Opens the store in the data directory.
pub fn open_store(data_dir: &Path) -> Result<SqliteStore> {
    SqliteStore::open_dir(data_dir)
        .with_context(|| format!("opening the data directory {}", data_dir.display()))
}

fn import(paths: &[String], json: bool, data_dir: &Path) -> Result<()> {
    // Read everything first: a bad file imports nothing.
    let loaded = paths
        .iter()
        .map(|p| sources::load(p))
        .collect::<Result<Vec<_>>>()?;
    let store = open_store(data_dir)?;
    for list in &loaded {
        print_warnings(&list.origin, &list.list);
        let previous = store.find(&list.list.source).ok();
        let outcome = store.import(&ImportRequest {
            list: &list.list,
            content_hash: &list.content_hash,
            origin: &list.origin,
        })?;
        if outcome.created {
            rescreen_after_import(&store, previous.as_ref(), &list.list, &outcome.version)?;
        }
        if json {
            println!(
                "{}",
                json!({"created": outcome.created, "version": outcome.version})
            );
        } else if outcome.created {
            println!(
                "imported {} ({} entities, {} names)",
                outcome.version.label(),
                list.list.entities.len(),
                outcome.version.counts.names
            );
        } else {
            println!(
                "unchanged: {} already holds this content",
                outcome.version.label()
            );
        }
    }
    Ok(())
}

fn show(json: bool, data_dir: &Path) -> Result<()> {
    let store = open_store(data_dir)?;
    let versions = store.versions()?;
    let statuses = store.update_statuses()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"versions": versions, "updates": statuses}))?
        );
        return Ok(());
    }
    if versions.is_empty() {
        println!(
            "no lists imported in {} (commands fall back to the demo list)",
            data_dir.display()
        );
    }
    for v in &versions {
        println!(
            "{:<28} imported {}  {} persons, {} organizations, {} vessels, {} aircraft  sha256 {}  from {}",
            v.label(),
            v.imported_at,
            v.counts.persons,
            v.counts.organizations,
            v.counts.vessels,
            v.counts.aircraft,
            &v.content_hash[..v.content_hash.len().min(12)],
            v.origin
        );
    }
    for status in &statuses {
        match &status.last_error {
            Some(error) => println!(
                "{}: STALE: last update attempt {} failed ({error}); last success {}",
                status.source,
                status.last_attempt,
                status.last_success.as_deref().unwrap_or("never")
            ),
            None => println!(
                "{}: up to date as of {}",
                status.source, status.last_attempt
            ),
        }
    }
    Ok(())
}

/// A side of a diff: a file on disk, else a stored version.
fn diff_side(spec: &str, data_dir: &Path) -> Result<ParsedList> {
    let (_, path) = sources::split_spec(spec);
    if Path::new(path).exists() {
        return Ok(sources::load(spec)?.list);
    }
    let store = open_store(data_dir)?;
    let version = store.find(spec).map_err(|_| {
        InputError::new(format!(
            "{spec}: neither a file nor a stored version (use SOURCE, SOURCE@VERSION or #ID; see `cordon lists show`)"
        ))
    })?;
    Ok(store.load(version.id)?)
}

fn diff(old: &str, new: &str, json: bool, data_dir: &Path) -> Result<()> {
    let old_list = diff_side(old, data_dir)?;
    let new_list = diff_side(new, data_dir)?;
    if old_list.source != new_list.source {
        eprintln!(
            "warning: comparing different sources ({} and {}): every entry will differ",
            old_list.source, new_list.source
        );
    }
    let diff = cordon_lists::diff(&old_list, &new_list);
    if json {
        println!("{}", serde_json::to_string_pretty(&diff)?);
        return Ok(());
    }
    println!(
        "{} {} -> {}: {} added, {} removed, {} changed, {} unchanged",
        diff.source,
        diff.from.as_deref().unwrap_or("?"),
        diff.to.as_deref().unwrap_or("?"),
        diff.added.len(),
        diff.removed.len(),
        diff.changed.len(),
        diff.unchanged
    );
    for e in &diff.added {
        println!("+ {} {} ({})", e.source_id, e.name, e.schema);
    }
    for e in &diff.removed {
        println!("- {} {} ({})", e.source_id, e.name, e.schema);
    }
    for e in &diff.changed {
        let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        println!("~ {} {}: {}", e.source_id, e.name, fields.join(", "));
    }
    Ok(())
}

/// "Freeze without delay": after a new version is stored, screens every
/// customer in the register against the designations it added or changed
/// (all of them for a first import) and raises alerts.
pub fn rescreen_after_import(
    store: &SqliteStore,
    previous: Option<&cordon_store::VersionInfo>,
    list: &ParsedList,
    version: &cordon_store::VersionInfo,
) -> Result<()> {
    let old = match previous {
        Some(previous) => store.load(previous.id)?,
        None => ParsedList {
            source: list.source.clone(),
            ..ParsedList::default()
        },
    };
    let diff = cordon_lists::diff(&old, list);
    let rescreen = cordon_server::rescreen_customers(
        store,
        list,
        &diff,
        &version.label(),
        cordon_match::DEFAULT_THRESHOLD,
        "cli:lists-import",
    )?;
    if rescreen.screened > 0 {
        eprintln!(
            "rescreened {} customers against {} added and {} changed designations of {}: {} new alerts, {} suppressed by standing decisions",
            rescreen.screened,
            diff.added.len(),
            diff.changed.len(),
            version.label(),
            rescreen.alerts.len(),
            rescreen.suppressed
        );
    }
    Ok(())
}
