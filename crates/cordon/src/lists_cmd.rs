//! `cordon lists ...`: inspect, import, show, diff and update lists.

use anyhow::Result;
use clap::Subcommand;
use cordon_engine::indexed::find_version;
use cordon_engine::lists::{import_list, NewVersion};
use cordon_lists::ParsedList;
use cordon_match::DEFAULT_THRESHOLD;
use serde_json::json;
use std::path::Path;

use crate::sources::{self, LoadedList};
use crate::store_open::{open_store, open_store_settled, report_rescreen};
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
        /// List files or OFAC CSV folders (`FORMAT:PATH` forces a format);
        /// with `--trust`, publication directories.
        #[arg(required = true)]
        paths: Vec<String>,
        /// The publisher's public key (public.json): PATHs are publication
        /// directories, imported only when they verify (`cordon exchange verify`).
        #[arg(long, value_name = "PUBKEY")]
        trust: Option<std::path::PathBuf>,
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
        ListsCommand::Import {
            paths,
            json,
            trust: Some(trust),
        } => crate::exchange_cmd::import_publications(&paths, &trust, json, data_dir),
        ListsCommand::Import {
            paths,
            json,
            trust: None,
        } => import(&paths, json, data_dir),
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
        "content_hash": loaded.content_hash.as_str(),
        "warnings": loaded.list.warnings,
    })
}

fn inspect(paths: &[String], json: bool) -> Result<()> {
    for path in paths {
        let loaded = sources::load(path)?;
        print_warnings(&loaded.origin, &loaded.list);
        if json {
            outln!("{}", summary_json(&loaded));
        } else {
            let c = loaded.list.counts();
            outln!(
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

fn import(paths: &[String], json: bool, data_dir: &Path) -> Result<()> {
    // Read everything first: a bad file imports nothing.
    let loaded = paths
        .iter()
        .map(|p| sources::load(p))
        .collect::<Result<Vec<_>>>()?;
    let store = open_store_settled(data_dir)?;
    let caller = crate::local_caller();
    for list in &loaded {
        print_warnings(&list.origin, &list.list);
        let new = NewVersion {
            list: &list.list,
            hash: &list.content_hash,
            origin: &list.origin,
        };
        let imported = import_list(&*store, new, DEFAULT_THRESHOLD, &caller)?;
        report_rescreen(&imported);
        if json {
            outln!(
                "{}",
                json!({"created": imported.created, "version": imported.version})
            );
        } else if imported.created {
            outln!(
                "imported {} ({} entities, {} names)",
                imported.version.label(),
                list.list.entities.len(),
                imported.version.counts.names
            );
        } else {
            outln!(
                "unchanged: {} already holds this content",
                imported.version.label()
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
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"versions": versions, "updates": statuses}))?
        );
        return Ok(());
    }
    if versions.is_empty() {
        outln!(
            "no lists imported in {} (commands fall back to the demo list)",
            data_dir.display()
        );
    }
    for v in &versions {
        outln!(
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
            Some(error) => outln!(
                "{}: STALE: last update attempt {} failed ({error}); last success {}",
                status.source,
                status.last_attempt,
                status.last_success.as_deref().unwrap_or("never")
            ),
            None => outln!(
                "{}: up to date as of {}",
                status.source,
                status.last_attempt
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
    let version = find_version(&*store, spec).map_err(|_| {
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
        outln!("{}", serde_json::to_string_pretty(&diff)?);
        return Ok(());
    }
    outln!(
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
        outln!("+ {} {} ({})", e.source_id, e.name, e.schema);
    }
    for e in &diff.removed {
        outln!("- {} {} ({})", e.source_id, e.name, e.schema);
    }
    for e in &diff.changed {
        let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        outln!("~ {} {}: {}", e.source_id, e.name, fields.join(", "));
    }
    Ok(())
}
