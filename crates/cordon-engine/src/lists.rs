//! Importing a list version: read (upload bytes), hash, refuse an older
//! version, diff against the current one, store the version with its
//! `list_imported` audit entry and a pending rescreen job in one transaction,
//! rescreen the customer register, finish the job. An import interrupted
//! after the commit is finished by [`resume_imports`] at the next start, or by
//! any process sharing the store once the importer's claim on the job lapses:
//! the rescreen runs once, by whoever holds the claim, never once per process.

use crate::hash::ContentHash;
use crate::indexed::{current_version, is_older};
use crate::register::{rescreen_customers, Rescreen};
use crate::Error;
use cordon_lists::{Format, ListDiff};
use cordon_model::ParsedList;
use cordon_store::{
    Customers, Decisions, ImportJobs, ImportRequest, JobClaim, NewAuditEntry, Store, VersionInfo,
};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::Duration;

/// How long a claim on a rescreen holds without renewal. A rescreen of a
/// million customers takes under 10 s, and the runner renews its claim every
/// [`RENEW_EVERY`], so only a runner that died (or hangs a minute) loses it;
/// its job is then taken over within this long.
pub const CLAIM_LEASE: Duration = Duration::from_secs(60);

/// How often a runner renews its claim: a third of the lease, so two renewals
/// can fail (a busy database) before the claim lapses.
pub const RENEW_EVERY: Duration = Duration::from_secs(20);

/// A fresh claim: the process id and a counter make each attempt a claimant
/// of its own, so that a process never takes over a job it is running.
pub fn new_claim() -> JobClaim {
    static ATTEMPTS: AtomicU64 = AtomicU64::new(0);
    JobClaim {
        claimant: format!(
            "pid {} attempt {} at {}",
            std::process::id(),
            ATTEMPTS.fetch_add(1, Ordering::Relaxed),
            cordon_store::timestamp_now()
        ),
        lease: CLAIM_LEASE,
    }
}

/// Reads list bytes (an upload, a download) in the format named, or the one
/// detected from the content; errors name `origin` and the place.
pub fn read_list(bytes: &[u8], format: Option<&str>, origin: &str) -> Result<ParsedList, Error> {
    let format = match format {
        Some(name) => Format::from_name(name).ok_or_else(|| Error::ListFile {
            origin: origin.to_string(),
            message: format!("format: unknown format {name:?}"),
        })?,
        None => cordon_lists::detect(bytes).map_err(|e| Error::ListFile {
            origin: origin.to_string(),
            message: e.to_string(),
        })?,
    };
    cordon_lists::read_bytes(format, bytes).map_err(|e| Error::ListFile {
        origin: origin.to_string(),
        message: format!("({format}) {e}"),
    })
}

/// A list to import, as read.
#[derive(Debug, Clone, Copy)]
pub struct NewVersion<'a> {
    /// The parsed list.
    pub list: &'a ParsedList,
    /// Its content hash (see [`ContentHash`]).
    pub hash: &'a ContentHash,
    /// Where it came from (path or URL), for the record.
    pub origin: &'a str,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The stored version (the one already holding the content when `created` is false).
    pub version: VersionInfo,
    /// False when the content was already stored: nothing was written.
    pub created: bool,
    /// The version it replaced, if any.
    pub previous: Option<VersionInfo>,
    /// What changed against the version it replaced (for a new version).
    pub diff: Option<ListDiff>,
    /// The customer rescreen it triggered (for a new version).
    pub rescreen: Option<Rescreen>,
}

/// Everything an import needs from a store (`Sync`: the claim is renewed
/// from a thread of its own while the rescreen runs).
pub trait ImportStore: Store + ImportJobs + Customers + Decisions + Sync {}
impl<S: Store + ImportJobs + Customers + Decisions + Sync + ?Sized> ImportStore for S {}

/// The first half of an import: checks, diff, and the one transaction that
/// stores the version, its `list_imported` audit entry and the pending
/// rescreen job, held by `claim`. Public so that tests can stop between the
/// two halves.
pub fn store_version<S: ImportStore + ?Sized>(
    store: &S,
    new: NewVersion<'_>,
    caller: &str,
    claim: &JobClaim,
) -> Result<Imported, Error> {
    let list = new.list;
    let known = store
        .versions()?
        .into_iter()
        .find(|v| v.source == list.source && v.content_hash == new.hash.as_str());
    let current = current_version(store, &list.source)?;
    if let Some(version) = known {
        return Ok(Imported {
            version,
            created: false,
            previous: current,
            diff: None,
            rescreen: None,
        });
    }
    if let Some(current) = current
        .as_ref()
        .filter(|c| is_older(list.version.as_deref(), c))
    {
        return Err(Error::OlderVersion {
            offered: format!(
                "{}@{} ({})",
                list.source,
                list.version.as_deref().unwrap_or("-"),
                new.origin
            ),
            current: current.label(),
        });
    }
    let previous = match &current {
        Some(v) => store.load(v.id)?,
        None => empty_like(list),
    };
    let diff = cordon_lists::diff(&previous, list);
    let audit = NewAuditEntry {
        kind: "list_imported".into(),
        caller: caller.into(),
        payload: json!({
            "content_hash": new.hash.as_str(), "origin": new.origin,
            "previous": current.as_ref().map(VersionInfo::label),
            "added": diff.added.len(), "removed": diff.removed.len(), "changed": diff.changed.len(),
        }),
    };
    let request = ImportRequest {
        list,
        content_hash: new.hash.as_str(),
        origin: new.origin,
    };
    let previous_id = current.as_ref().map(|v| v.id);
    let outcome = store.import_with_job(&request, previous_id, &audit, claim)?;
    Ok(Imported {
        version: outcome.version,
        created: outcome.created,
        previous: current,
        diff: outcome.created.then_some(diff),
        rescreen: None,
    })
}

fn empty_like(list: &ParsedList) -> ParsedList {
    ParsedList {
        source: list.source.clone(),
        ..ParsedList::default()
    }
}

/// The second half, by the holder of `claim`: rescreens the register against
/// what the version added or changed (renewing the claim meanwhile) and
/// finishes its job with a `customers_rescreened` audit entry.
fn finish<S: ImportStore + ?Sized>(
    store: &S,
    version: &VersionInfo,
    list: &ParsedList,
    diff: &ListDiff,
    threshold: f64,
    caller: &str,
    claim: &JobClaim,
) -> Result<Rescreen, Error> {
    let label = version.label();
    let rescreen = holding_claim(store, version.id, claim, || {
        rescreen_customers(store, list, diff, &label, threshold, caller)
    })?;
    let finished = store.finish_import(
        version.id,
        &NewAuditEntry {
            kind: "customers_rescreened".into(),
            caller: caller.into(),
            payload: json!({
                "version": label, "customers_screened": rescreen.screened,
                "alerts": rescreen.alerts.len(), "suppressed": rescreen.suppressed,
            }),
        },
    );
    match finished {
        Ok(_) => Ok(rescreen),
        // Our claim lapsed (a rescreen stalled past the lease) and the
        // process that took the job over finished it first: its entry stands.
        Err(cordon_store::Error::NotFound(_)) => {
            tracing::warn!(
                version = label,
                "the import job was finished by another process"
            );
            Ok(rescreen)
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs `work` while a thread of its own renews `claim` on the job of
/// `version_id` every [`RENEW_EVERY`], so that no other process takes the
/// job over while it runs.
fn holding_claim<S: ImportStore + ?Sized, T>(
    store: &S,
    version_id: i64,
    claim: &JobClaim,
    work: impl FnOnce() -> T,
) -> T {
    let (done, finished) = channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(RENEW_EVERY) {
                match store.claim_import(version_id, claim) {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(version_id, "the claim on the import job was lost");
                        return;
                    }
                    Err(e) => tracing::warn!(version_id, "renewing the import job's claim: {e}"),
                }
            }
        });
        let outcome = work();
        drop(done);
        outcome
    })
}

/// Imports a list version: refuses one older than the current version of its
/// source, recognises content already stored (nothing written), and otherwise
/// stores it, audits it and rescreens the customer register (see the module
/// documentation for what survives a crash).
pub fn import_list<S: ImportStore + ?Sized>(
    store: &S,
    new: NewVersion<'_>,
    threshold: f64,
    caller: &str,
) -> Result<Imported, Error> {
    let claim = new_claim();
    let mut imported = store_version(store, new, caller, &claim)?;
    if let (true, Some(diff)) = (imported.created, &imported.diff) {
        imported.rescreen = Some(finish(
            store,
            &imported.version,
            new.list,
            diff,
            threshold,
            caller,
            &claim,
        )?);
    }
    Ok(imported)
}

/// An interrupted import finished at start.
#[derive(Debug, Clone, PartialEq)]
pub struct Resumed {
    /// The version whose rescreen was owed.
    pub version: VersionInfo,
    /// The rescreen done now.
    pub rescreen: Rescreen,
}

/// Finishes every import whose rescreen did not complete and that no live
/// process holds (its runner died after the version committed, and its claim
/// lapsed): called before serving or importing, and now and then by every
/// process following the store's lists. A job another process runs is left to it.
pub fn resume_imports<S: ImportStore + ?Sized>(
    store: &S,
    threshold: f64,
) -> Result<Vec<Resumed>, Error> {
    let mut resumed = Vec::new();
    for job in store.pending_imports()? {
        let claim = new_claim();
        if !store.claim_import(job.version.id, &claim)? {
            continue;
        }
        let list = store.load(job.version.id)?;
        let previous = match job.previous_id {
            Some(id) => store.load(id)?,
            None => empty_like(&list),
        };
        let diff = cordon_lists::diff(&previous, &list);
        tracing::warn!(
            version = job.version.label(),
            "finishing an interrupted list import"
        );
        let rescreen = finish(
            store,
            &job.version,
            &list,
            &diff,
            threshold,
            &job.caller,
            &claim,
        )?;
        resumed.push(Resumed {
            version: job.version,
            rescreen,
        });
    }
    Ok(resumed)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::indexed::{current_lists, current_version};
    use cordon_store::{AuditLog, Customer, SqliteStore};

    const THRESHOLD: f64 = cordon_match::DEFAULT_THRESHOLD;

    /// A shared UN list of `date` and its content hash (other modules' tests use it too).
    pub(crate) fn un(date: &str) -> (ParsedList, ContentHash) {
        let path = format!(
            "{}/../../../shared/data/lists/un/un_consolidated_{date}.xml",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        (
            cordon_lists::un::read(&bytes[..]).unwrap(),
            ContentHash::of_bytes(&bytes),
        )
    }

    fn import(store: &SqliteStore, date: &str) -> Result<Imported, Error> {
        let (list, hash) = un(date);
        import_list(
            store,
            NewVersion {
                list: &list,
                hash: &hash,
                origin: date,
            },
            THRESHOLD,
            "test",
        )
    }

    fn kinds(store: &SqliteStore) -> Vec<String> {
        store
            .audit_entries(0, 1000)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    /// A customer listed in 2026 (IRi.001) but not in 2025.
    fn abbasi() -> Customer {
        Customer {
            id: "cust-1".into(),
            name: "Fereydoun Abbasi Davani".into(),
            dob: None,
            country: Some("IR".into()),
            schema: None,
            identifiers: Vec::new(),
        }
    }

    #[test]
    fn an_older_version_is_refused_and_the_newer_keeps_serving() {
        let store = SqliteStore::open_in_memory().unwrap();
        assert!(import(&store, "2026-02-27").unwrap().created);
        let refused = import(&store, "2025-04-19").unwrap_err();
        assert!(matches!(refused, Error::OlderVersion { .. }), "{refused}");
        assert!(refused.is_bad_input());
        assert!(refused.to_string().contains("un@2026-02-27"), "{refused}");
        let again = import(&store, "2026-02-27").unwrap();
        assert!(!again.created);
        let current = current_version(&store, "un").unwrap().unwrap();
        assert_eq!(current.version.as_deref(), Some("2026-02-27"));
        assert_eq!(store.versions().unwrap().len(), 1);
    }

    #[test]
    fn a_store_that_took_an_older_version_last_serves_the_newest_content() {
        // What the old code left behind: 2026, then 2025 imported after it.
        let store = SqliteStore::open_in_memory().unwrap();
        for date in ["2026-02-27", "2025-04-19"] {
            let (list, hash) = un(date);
            store
                .import(&ImportRequest {
                    list: &list,
                    content_hash: hash.as_str(),
                    origin: date,
                })
                .unwrap();
        }
        assert!(!import(&store, "2026-02-27").unwrap().created);
        let lists = current_lists(&store).unwrap();
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].0.version.as_deref(), Some("2026-02-27"));
        // The 130 designations added in 2026 are served.
        assert!(lists[0].1.entities.iter().any(|e| e.id == "un:IRi.001"));
    }

    #[test]
    fn an_import_is_audited_and_rescreens_the_register() {
        let store = SqliteStore::open_in_memory().unwrap();
        import(&store, "2025-04-19").unwrap();
        store.upsert_customers(&[abbasi()]).unwrap();
        let imported = import(&store, "2026-02-27").unwrap();
        let diff = imported.diff.unwrap();
        assert_eq!(diff.added.len(), 130);
        let rescreen = imported.rescreen.unwrap();
        assert_eq!(rescreen.alerts.len(), 1);
        assert_eq!(rescreen.alerts[0].entity_id, "un:IRi.001");
        let entries = store.audit_entries(0, 100).unwrap();
        let announced = entries
            .iter()
            .find(|e| e.kind == "list_imported" && e.payload["version"] == imported.version.label())
            .unwrap();
        assert_eq!(announced.payload["added"], 130);
        assert_eq!(
            announced.payload["content_hash"],
            imported.version.content_hash
        );
        assert!(kinds(&store).contains(&"customers_rescreened".to_string()));
        assert!(store.pending_imports().unwrap().is_empty());
    }

    #[test]
    fn an_import_interrupted_after_its_commit_is_finished_at_the_next_start() {
        let store = SqliteStore::open_in_memory().unwrap();
        import(&store, "2025-04-19").unwrap();
        store.upsert_customers(&[abbasi()]).unwrap();
        // The process dies right after the version commits.
        let (list, hash) = un("2026-02-27");
        let stored = store_version(
            &store,
            NewVersion {
                list: &list,
                hash: &hash,
                origin: "x",
            },
            "test",
            &JobClaim {
                claimant: "died".into(),
                lease: Duration::ZERO,
            },
        )
        .unwrap();
        assert!(stored.created);
        // The version never serves unannounced: its audit entry committed with it.
        assert_eq!(
            kinds(&store)
                .iter()
                .filter(|k| *k == "list_imported")
                .count(),
            2
        );
        assert_eq!(store.pending_imports().unwrap().len(), 1);
        assert!(store.alerts(None, 10).unwrap().is_empty());
        // Importing the same file again reports it stored, and the start resumes the
        // rescreen (the dead importer's claim has lapsed).
        assert!(!import(&store, "2026-02-27").unwrap().created);
        std::thread::sleep(Duration::from_millis(5));
        let resumed = resume_imports(&store, THRESHOLD).unwrap();
        assert_eq!(resumed.len(), 1);
        assert_eq!(resumed[0].version.id, stored.version.id);
        let alerts = store.alerts(None, 10).unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].entity_id, "un:IRi.001");
        assert!(alerts[0].list_version.starts_with("un@2026-02-27"));
        assert!(store.pending_imports().unwrap().is_empty());
        assert!(resume_imports(&store, THRESHOLD).unwrap().is_empty());
    }

    #[test]
    fn unreadable_list_bytes_name_their_origin() {
        let error = read_list(b"<not a list", None, "upload").unwrap_err();
        assert!(error.to_string().starts_with("upload: "), "{error}");
        assert!(error.is_bad_input());
        let error = read_list(b"x", Some("nope"), "upload").unwrap_err();
        assert!(error.to_string().contains("unknown format"), "{error}");
    }
}
