//! `cordon lists ...`: inspect, import, show, diff and update lists.

use anyhow::{Context, Result};
use clap::Subcommand;
use cordon_engine::indexed::find_version;
use cordon_engine::lists::{import_list, Imported, NewVersion};
use cordon_lists::ParsedList;
use cordon_match::DEFAULT_THRESHOLD;
use cordon_store::SqliteStore;
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

/// A store of any backend: every store trait the commands and the service use.
pub type AnyStore = Box<dyn cordon_server::ServerStore>;

/// The `--store` URL, chosen once per process by the global flag (it is
/// global configuration, like the data directory, read by every command
/// that opens the store).
static STORE_URL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Records the global `--store` flag (or `CORDON_STORE`) for [`open_store`].
pub fn choose_store(url: Option<String>) {
    let _ = STORE_URL.set(url.filter(|u| !u.trim().is_empty()));
}

/// The `--store` URL, when one was given.
pub fn store_url() -> Option<&'static str> {
    STORE_URL.get().and_then(Option::as_deref)
}

/// True when `--store` names a database (so there is a store even without a data directory).
pub fn store_url_given() -> bool {
    STORE_URL.get().is_some_and(Option::is_some)
}

/// Opens the store: PostgreSQL when `--store postgres://...` was given,
/// else SQLite in the data directory. The one place a backend is chosen.
pub fn open_store(data_dir: &Path) -> Result<AnyStore> {
    open_store_with(data_dir, cordon_store::decisions::DEFAULT_MAX_DECISION_DAYS)
}

/// [`open_store`] with the longest a decision may stand, in days (`serve --max-decision-days`).
pub fn open_store_with(data_dir: &Path, max_decision_days: u32) -> Result<AnyStore> {
    match STORE_URL.get().and_then(Option::as_deref) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let store = cordon_store_pg::PgStore::open(url).map_err(|e| match e {
                cordon_store::Error::Invalid(m) => anyhow::Error::new(InputError::new(m)),
                other => anyhow::Error::new(other).context("opening the PostgreSQL store"),
            })?;
            Ok(Box::new(store.with_max_decision_days(max_decision_days)))
        }
        Some(other) => Err(InputError::new(format!(
            "--store {other:?}: expected a postgres://user@host:port/database URL \
             (leave it out to use SQLite in --data-dir)"
        ))
        .into()),
        None => Ok(Box::new(
            SqliteStore::open_dir(data_dir)
                .with_context(|| format!("opening the data directory {}", data_dir.display()))?
                .with_max_decision_days(max_decision_days),
        )),
    }
}

/// Opens the store for a command that writes, first finishing any list
/// import a crash interrupted.
pub fn open_store_settled(data_dir: &Path) -> Result<AnyStore> {
    let store = open_store(data_dir)?;
    resume_imports(store.as_ref())?;
    Ok(store)
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

/// Tells on stderr what the customer rescreen of a new version did.
pub fn report_rescreen(imported: &Imported) {
    let (Some(diff), Some(rescreen)) = (&imported.diff, &imported.rescreen) else {
        return;
    };
    if rescreen.screened > 0 {
        eprintln!(
            "rescreened {} customers against {} added and {} changed designations of {}: {} new alerts, {} suppressed by standing decisions",
            rescreen.screened,
            diff.added.len(),
            diff.changed.len(),
            imported.version.label(),
            rescreen.alerts.len(),
            rescreen.suppressed
        );
    }
}

/// Finishes list imports a crash interrupted (their customer rescreen), so
/// that every command that writes starts from a settled store.
pub fn resume_imports(store: &dyn cordon_server::ServerStore) -> Result<()> {
    for resumed in cordon_engine::lists::resume_imports(store, DEFAULT_THRESHOLD)? {
        eprintln!(
            "finished the interrupted import of {}: rescreened {} customers, {} new alerts",
            resumed.version.label(),
            resumed.rescreen.screened,
            resumed.rescreen.alerts.len()
        );
    }
    Ok(())
}
