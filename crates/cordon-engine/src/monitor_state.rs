//! The typology monitor kept in the store: at start it takes up the windows
//! saved under the same rules pack and replays the journal appended after
//! that save; after every batch it appends what the batch changed to the
//! journal (before the caller answers, so a crash loses nothing
//! acknowledged), and now and then it saves every window, which empties the
//! journal. The service holds one behind a lock; the store traits do the I/O.

use cordon_model::transfer::Transfer;
use cordon_monitor::snapshot::MonitorChanges;
use cordon_monitor::{Monitor, MonitorSnapshot, Observation, RulePack, Stats};
use cordon_store::MonitorSnapshots;
use std::time::{Duration, Instant};

/// Least time between two full saves of the windows after batches. A save
/// rewrites every window (tens of MB for a busy stream); the journal already
/// holds every change, so the interval only bounds how much journal a restart
/// replays. A graceful stop saves everything.
pub const SAVE_INTERVAL: Duration = Duration::from_secs(60);

/// A typology monitor whose windows live in the store.
pub struct StoredMonitor {
    version: String,
    monitor: Monitor,
    /// When this process last saved the windows.
    saved_at: Option<Instant>,
}

impl StoredMonitor {
    /// A monitor for `pack`, going on from the store's snapshot when it was
    /// taken under the same pack, with the journal after it replayed;
    /// otherwise empty, with a warning (the monitor is never refused: the
    /// transfers still need their rules).
    pub fn start<S: MonitorSnapshots + ?Sized>(store: &S, pack: RulePack) -> StoredMonitor {
        let version = pack.version.clone();
        let restored = stored_snapshot(store, &pack).and_then(|saved| match saved {
            Some(snapshot) => Monitor::restore(pack.clone(), snapshot)
                .map(Some)
                .map_err(|e| e.to_string()),
            None => Ok(None),
        });
        let mut monitor = match restored {
            Ok(Some(monitor)) => {
                let held = monitor.stats().events_held;
                tracing::info!(pack = version, held, "typology monitor windows restored");
                monitor
            }
            Ok(None) => Monitor::new(pack),
            Err(e) => {
                tracing::warn!(
                    pack = version,
                    "starting the typology monitor with empty windows: {e}"
                );
                Monitor::new(pack)
            }
        };
        replay_journal(store, &version, &mut monitor);
        monitor.track_changes();
        StoredMonitor {
            version,
            monitor,
            saved_at: None,
        }
    }

    /// The rules pack version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Evaluates transfers in order; what the rules made of each (alerts, and
    /// whether it came late, repeated or too late).
    pub fn observe(&mut self, transfers: &[Transfer]) -> Vec<Observation> {
        transfers
            .iter()
            .map(|t| self.monitor.observe_delivery(t))
            .collect()
    }

    /// The monitor's counters (observed, late, too late, repeats...).
    pub fn stats(&self) -> Stats {
        self.monitor.stats()
    }

    /// After a batch: appends what it changed to the journal, and saves every
    /// window when this process has not for [`SAVE_INTERVAL`] (or ever).
    pub fn keep<S: MonitorSnapshots + ?Sized>(&mut self, store: &S) -> Result<(), String> {
        let journalled = self.journal(store);
        let due = self.saved_at.is_none_or(|at| at.elapsed() >= SAVE_INTERVAL);
        let saved = if due { self.save(store) } else { Ok(()) };
        journalled.and(saved)
    }

    /// Appends what changed since the last call to the store's journal.
    pub fn journal<S: MonitorSnapshots + ?Sized>(&mut self, store: &S) -> Result<(), String> {
        let changes = self.monitor.take_changes();
        let json = serde_json::to_string(&changes).map_err(|e| e.to_string())?;
        store
            .append_monitor_changes(&self.version, &json)
            .map_err(|e| format!("journalling the typology monitor's changes: {e}"))
    }

    /// Saves every window to the store (replacing the last save and emptying
    /// the journal), so that a restart takes them up again.
    pub fn save<S: MonitorSnapshots + ?Sized>(&mut self, store: &S) -> Result<(), String> {
        self.saved_at = Some(Instant::now());
        let json = serde_json::to_string(&self.monitor.snapshot()).map_err(|e| e.to_string())?;
        store
            .save_monitor_snapshot(&self.version, &json)
            .map_err(|e| format!("saving the typology monitor's windows: {e}"))
    }
}

/// Replays the journal appended after the last full save, oldest first; an entry
/// of another pack or one that does not fit is skipped with a warning (the monitor
/// refuses it whole, so it stays as it was).
fn replay_journal<S: MonitorSnapshots + ?Sized>(store: &S, version: &str, monitor: &mut Monitor) {
    let entries = match store.monitor_changes() {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!(pack = version, "reading the monitor journal failed: {e}");
            return;
        }
    };
    let mut replayed = 0usize;
    for entry in entries.iter().filter(|e| e.pack_version == version) {
        let applied = serde_json::from_str::<MonitorChanges>(&entry.changes)
            .map_err(|e| e.to_string())
            .and_then(|changes| monitor.apply_changes(changes).map_err(|e| e.to_string()));
        match applied {
            Ok(()) => replayed += 1,
            Err(e) => tracing::warn!(
                pack = version,
                seq = entry.seq,
                "skipping a monitor journal entry: {e}"
            ),
        }
    }
    if replayed > 0 {
        tracing::info!(
            pack = version,
            replayed,
            "typology monitor journal replayed"
        );
    }
}

/// The stored snapshot of the monitor, read back; `Err` says why it cannot
/// be used with `pack` (the version is compared before the JSON is parsed).
fn stored_snapshot<S: MonitorSnapshots + ?Sized>(
    store: &S,
    pack: &RulePack,
) -> Result<Option<MonitorSnapshot>, String> {
    let Some(stored) = store
        .monitor_snapshot()
        .map_err(|e| format!("reading the stored monitor snapshot: {e}"))?
    else {
        return Ok(None);
    };
    if stored.pack_version != pack.version {
        return Err(format!(
            "the monitor snapshot saved at {} was taken under rules pack version {:?}, the pack now is version {:?}",
            stored.saved_at, stored.pack_version, pack.version
        ));
    }
    serde_json::from_str(&stored.snapshot)
        .map(Some)
        .map_err(|e| {
            format!(
                "the monitor snapshot saved at {} is unreadable: {e}",
                stored.saved_at
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_monitor::generate::Generator;
    use cordon_store::SqliteStore;

    /// A seeded stream of 2,000 transfers (patterns planted among background).
    fn transfers() -> Vec<Transfer> {
        Generator::new(7).take(2000).map(|g| g.transfer).collect()
    }

    #[test]
    fn a_restart_takes_up_the_saved_windows_and_the_journal_after_them() {
        let store = SqliteStore::open_in_memory().unwrap();
        let pack = RulePack::default_pack().unwrap();
        let all = transfers();
        let (first, rest) = all.split_at(all.len() / 2);
        let mut live = StoredMonitor::start(&store, pack.clone());
        live.observe(first);
        live.keep(&store).unwrap(); // the first batch saves everything
        live.observe(rest);
        live.keep(&store).unwrap(); // within the interval: journal only
        assert_eq!(store.monitor_changes().unwrap().len(), 1);
        let restarted = StoredMonitor::start(&store, pack);
        assert_eq!(restarted.stats().events_held, live.stats().events_held);
        assert!(live.stats().events_held > 0);
    }

    #[test]
    fn windows_saved_under_another_pack_are_not_taken_up() {
        let store = SqliteStore::open_in_memory().unwrap();
        let pack = RulePack::default_pack().unwrap();
        let mut live = StoredMonitor::start(&store, pack.clone());
        live.observe(&transfers());
        live.save(&store).unwrap();
        let other = RulePack {
            version: format!("{}-other", pack.version),
            ..pack
        };
        let fresh = StoredMonitor::start(&store, other);
        assert_eq!(fresh.stats().events_held, 0);
    }
}
