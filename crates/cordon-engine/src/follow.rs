//! Following the lists of a store that several processes share: when one
//! process imports a version (`cordon lists import`, `POST /v1/lists`), every
//! `serve` and `worker` on the store indexes it and swaps its index. The
//! backend pushes the news where it can (PostgreSQL LISTEN/NOTIFY, at once);
//! every process also compares the stored current versions with its index
//! every [`CHECK_EVERY`], which serves SQLite and any missed notification.
//!
//! Only the index is swapped here: the customer rescreen a new version owes
//! is its importer's job, claimed through the store ([`crate::lists`]); a
//! follower finishes one only when the importer died and its claim lapsed.

use crate::indexed::current_labels;
use crate::lists::{resume_imports, ImportStore, Resumed};
use crate::{Error, Indexed};
use cordon_store::{ListWatcher, Store};
use std::time::Duration;

/// How often a process compares the stored versions with its index when no
/// news comes: a version imported elsewhere serves here within this long plus
/// the time to index it (a second for the UN, EU, UK and OFAC lists together
/// in a release build), inside the five seconds promised; the look is one
/// small query on the versions' records.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// One process's watch on the store's lists.
pub struct ListFollower {
    watcher: Option<Box<dyn ListWatcher>>,
    period: Duration,
}

/// What one round found.
pub struct Round {
    /// The current lists, indexed, when they differ from the caller's index.
    pub indexed: Option<Indexed>,
    /// Imports whose runner died, finished by this process.
    pub resumed: Vec<Resumed>,
}

impl ListFollower {
    /// Starts listening (when the backend can push news) before the caller
    /// indexes the lists, so that nothing stored after this call is missed;
    /// without a watcher (SQLite, or the listener failed to start, which is
    /// logged) the periodic look serves alone.
    pub fn start<S: Store + ?Sized>(store: &S, period: Duration) -> ListFollower {
        let watcher = match store.list_watcher() {
            Ok(watcher) => watcher,
            Err(e) => {
                tracing::warn!("listening for new list versions failed, checking every {period:?} instead: {e}");
                None
            }
        };
        ListFollower { watcher, period }
    }

    /// Waits for news of a stored version or for the period to pass.
    pub fn wait(&mut self) {
        let Some(watcher) = self.watcher.as_mut() else {
            return std::thread::sleep(self.period);
        };
        if let Err(e) = watcher.wait(self.period) {
            // The connection is gone; the watcher reconnects at the next wait.
            // Pause so that a database that is down is not asked in a loop.
            tracing::warn!("listening for new list versions: {e}");
            std::thread::sleep(self.period);
        }
    }

    /// Waits ([`ListFollower::wait`]), then indexes the stored lists again
    /// when their current versions are not `indexed_labels` (the caller's
    /// index's [`Indexed::labels`]), and finishes the rescreens owed by
    /// importers that died.
    pub fn round<S: ImportStore + ?Sized>(
        &mut self,
        store: &S,
        indexed_labels: &[String],
        threshold: f64,
    ) -> Result<Round, Error> {
        self.wait();
        let indexed = if current_labels(store)? == indexed_labels {
            None
        } else {
            Some(Indexed::current(store)?)
        };
        let resumed = resume_imports(store, threshold)?;
        Ok(Round { indexed, resumed })
    }
}

/// Follows the store's lists for as long as the process runs: each round
/// hands a new index to `swap`; `indexed_labels` gives the labels of the
/// index in use. Errors (a database down) are logged and the next round tries again.
pub fn follow_lists<S: ImportStore + ?Sized>(
    store: &S,
    mut follower: ListFollower,
    threshold: f64,
    indexed_labels: impl Fn() -> Vec<String>,
    mut swap: impl FnMut(Indexed),
) {
    loop {
        match follower.round(store, &indexed_labels(), threshold) {
            Ok(round) => {
                for resumed in &round.resumed {
                    tracing::warn!(
                        version = resumed.version.label(),
                        screened = resumed.rescreen.screened,
                        "finished the customer rescreen of an import whose process died"
                    );
                }
                if let Some(indexed) = round.indexed {
                    tracing::info!(lists = ?indexed.labels, "a new list version is served");
                    swap(indexed);
                }
            }
            Err(e) => tracing::warn!("following the store's lists: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::tests::un;
    use crate::lists::{import_list, NewVersion};
    use cordon_store::{AuditLog, SqliteStore};

    fn import(store: &SqliteStore, date: &str) {
        let (list, hash) = un(date);
        let new = NewVersion {
            list: &list,
            hash: &hash,
            origin: date,
        };
        import_list(store, new, 0.7, "test").unwrap();
    }

    #[test]
    fn a_version_imported_through_another_handle_is_indexed_at_the_next_look() {
        let dir = tempfile::tempdir().unwrap();
        let importer = SqliteStore::open_dir(dir.path()).unwrap();
        let follower_store = SqliteStore::open_dir(dir.path()).unwrap();
        import(&importer, "2025-04-19");
        let mut follower = ListFollower::start(&follower_store, Duration::from_millis(10));
        let first = follower.round(&follower_store, &[], 0.7).unwrap();
        let labels = first.indexed.unwrap().labels;
        assert!(labels[0].starts_with("un@2025-04-19"), "{labels:?}");
        // Nothing new: nothing indexed again.
        assert!(follower
            .round(&follower_store, &labels, 0.7)
            .unwrap()
            .indexed
            .is_none());
        import(&importer, "2026-02-27");
        let next = follower.round(&follower_store, &labels, 0.7).unwrap();
        let indexed = next.indexed.unwrap();
        assert!(indexed.labels[0].starts_with("un@2026-02-27"));
        assert!(indexed.hashes.contains_key("un:IRi.001"));
        // The importer rescreened; the follower did not do it again.
        assert!(next.resumed.is_empty());
        let rescreens = follower_store
            .audit_entries(0, 100)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "customers_rescreened")
            .count();
        assert_eq!(rescreens, 2);
    }
}
