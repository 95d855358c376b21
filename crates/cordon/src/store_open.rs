//! Opening the store, the one place a backend is chosen, and the reports of
//! what an import did: shared by every command that reads or writes the store
//! (its own module so that `lists` and `lists update` do not depend on each
//! other).

use anyhow::{Context, Result};
use cordon_engine::lists::Imported;
use cordon_match::DEFAULT_THRESHOLD;
use cordon_store::SqliteStore;
use std::path::Path;

use crate::InputError;

/// A store of any backend: every store trait the commands and the service use.
pub type AnyStore = Box<dyn cordon_engine::EngineStore>;

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
pub fn resume_imports(store: &dyn cordon_engine::EngineStore) -> Result<()> {
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
