//! A durable copy of a [`Monitor`]'s state, so that a pattern straddling a restart is still
//! found.
//!
//! A [`MonitorSnapshot`] holds every window (per rule, per party, oldest event first), the
//! watermark, the time of the last sweep and the counters, plus the pack it was taken under:
//! its version and its id ([`pack_id`]: the enabled rules as `id@version`). Windows are only
//! meaningful under the rules that filled them, so [`Monitor::restore`] refuses a snapshot
//! taken under another pack. Parties are written in key order, so the same state always gives
//! the same snapshot.

use crate::engine::{Event, Monitor, PartyEvents, Stats, MAX_EVENTS_PER_PARTY};
use crate::rules::RulePack;
use ahash::AHashMap;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The snapshot layout this build writes. Layout 2 added the delivery keys ([`SeenKey`]);
/// a layout-1 snapshot is still read (with no keys: repeats of the transfers it saw are not
/// recognised).
pub const SNAPSHOT_FORMAT: u32 = 2;

/// The oldest layout this build reads.
const OLDEST_FORMAT: u32 = 1;

/// The state of a [`Monitor`], serializable (JSON in the service's store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorSnapshot {
    /// The layout ([`SNAPSHOT_FORMAT`]).
    pub format: u32,
    /// The [`pack_id`] of the pack the monitor ran.
    pub pack_id: String,
    /// The version of that pack.
    pub pack_version: String,
    /// The latest transaction time seen (seconds since the epoch), if any.
    pub watermark: Option<i64>,
    /// Transaction time of the last sweep of old events.
    pub last_sweep: i64,
    /// The counters so far.
    pub stats: Stats,
    /// The windows of each rule, in pack order.
    pub rules: Vec<RuleWindows>,
    /// The delivery keys of the transfers within the lateness bound, in key order, so that a
    /// repeat after a restart is still recognised.
    #[serde(default)]
    pub seen: Vec<SeenKey>,
}

/// The delivery key of one observed transfer (see [`crate::facts::delivery_key`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeenKey {
    /// The key.
    pub key: String,
    /// The transfer's transaction time, seconds since the epoch.
    pub time: i64,
}

/// The windows of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleWindows {
    /// The rule id.
    pub rule_id: String,
    /// The rule's version.
    pub rule_version: u32,
    /// The parties with events in the window, in key order.
    pub parties: Vec<PartyWindow>,
}

/// The events one rule keeps for one party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyWindow {
    /// The party key (`acct:...`, `bic:...`, `name:...@BIC`).
    pub party: String,
    /// Its events, oldest first.
    pub events: Vec<WindowEvent>,
}

/// One transfer held in a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowEvent {
    /// Transaction time, seconds since the epoch.
    pub time: i64,
    /// The transfer id.
    pub transfer_id: String,
    /// The amount in 10^-12 units of the pack's base currency (0 when unknown).
    pub base: i128,
    /// The counterparty's hash (fan rules) or the direction (pass-through: 1 in, 0 out).
    pub other: u64,
}

/// Why a snapshot was refused: what in it does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SnapshotError {
    /// What is wrong, naming the rule and party when it is about one.
    pub message: String,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "monitor snapshot refused: {}", self.message)
    }
}

fn refuse<T>(message: String) -> Result<T, SnapshotError> {
    Err(SnapshotError { message })
}

/// The id of a pack: its enabled rules as `id@version`, in file order, joined by commas.
/// A rule's version is raised whenever its parameters change, so two packs with the same id
/// fill the same windows the same way.
pub fn pack_id(pack: &RulePack) -> String {
    rules_id(pack.rules.iter().map(|r| (r.id.as_str(), r.version)))
}

fn rules_id<'a>(rules: impl Iterator<Item = (&'a str, u32)>) -> String {
    rules
        .map(|(id, version)| format!("{id}@{version}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl Monitor {
    /// The [`pack_id`] of the pack this monitor runs.
    pub fn pack_id(&self) -> String {
        rules_id(
            self.rules
                .iter()
                .map(|c| (c.rule.id.as_str(), c.rule.version)),
        )
    }

    /// The version of the pack this monitor runs.
    pub fn pack_version(&self) -> &str {
        &self.pack_version
    }

    /// A copy of the whole state; parties in key order, so equal states give equal snapshots.
    pub fn snapshot(&self) -> MonitorSnapshot {
        MonitorSnapshot {
            format: SNAPSHOT_FORMAT,
            pack_id: self.pack_id(),
            pack_version: self.pack_version.clone(),
            watermark: self.watermark,
            last_sweep: self.last_sweep,
            stats: self.stats,
            rules: self
                .rules
                .iter()
                .map(|c| RuleWindows {
                    rule_id: c.rule.id.clone(),
                    rule_version: c.rule.version,
                    parties: party_windows(&c.windows.parties),
                })
                .collect(),
            seen: seen_keys(&self.seen),
        }
    }

    /// A monitor for `pack` that goes on from `snapshot`. Refused when the snapshot was taken
    /// under another pack (id or version), has another layout, or its windows are
    /// inconsistent (events out of time order, a party twice, more events than a window holds).
    pub fn restore(pack: RulePack, snapshot: MonitorSnapshot) -> Result<Monitor, SnapshotError> {
        check_pack(&pack, &snapshot)?;
        let mut monitor = Monitor::new(pack);
        // One shared id per transfer and one shared key per party, as when the events were
        // first observed.
        let mut ids: AHashMap<String, Arc<str>> = AHashMap::new();
        let mut keys: AHashMap<String, Arc<str>> = AHashMap::new();
        for (compiled, saved) in monitor.rules.iter_mut().zip(snapshot.rules) {
            for party in saved.parties {
                let events = restore_events(&saved.rule_id, &party, &mut ids)?;
                compiled.windows.held += events.len();
                if compiled
                    .windows
                    .parties
                    .insert(shared(&mut keys, &party.party), events)
                    .is_some()
                {
                    return refuse(format!(
                        "rule {}: party {:?} appears twice",
                        saved.rule_id, party.party
                    ));
                }
            }
        }
        monitor.seen = snapshot.seen.into_iter().map(|s| (s.key, s.time)).collect();
        monitor.watermark = snapshot.watermark;
        monitor.last_sweep = snapshot.last_sweep;
        monitor.stats = Stats {
            events_held: monitor.rules.iter().map(|c| c.windows.held).sum(),
            ..snapshot.stats
        };
        Ok(monitor)
    }
}

/// What changed in a [`Monitor`] since its last [`Monitor::take_changes`]: the whole window of
/// every party whose events changed (no events: the party left the window), the delivery keys
/// added, the time of the last sweep (which drops old events of every party, so it is replayed
/// rather than listed) and the counters. Appended to a journal after each batch of transfers,
/// the changes make the saved state complete at the cost of what the batch touched, instead of
/// a rewrite of every window; [`Monitor::apply_changes`] replays them over the last snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorChanges {
    /// The [`pack_id`] of the pack the monitor ran.
    pub pack_id: String,
    /// The latest transaction time seen, if any.
    pub watermark: Option<i64>,
    /// Transaction time of the last sweep of old events.
    pub last_sweep: i64,
    /// The counters.
    pub stats: Stats,
    /// Per rule, in pack order, the windows of the parties touched.
    pub rules: Vec<RuleWindows>,
    /// The delivery keys added and still held.
    pub seen: Vec<SeenKey>,
}

impl Monitor {
    /// From now on, notes what changes, for [`Monitor::take_changes`]. Costs a copy of the
    /// party key per touched window and per batch.
    pub fn track_changes(&mut self) {
        for compiled in &mut self.rules {
            compiled.windows.dirty.get_or_insert_with(Default::default);
        }
        self.seen_added.get_or_insert_with(Vec::new);
    }

    /// What changed since the last call (or since [`Monitor::track_changes`]); empty lists
    /// when changes are not tracked.
    pub fn take_changes(&mut self) -> MonitorChanges {
        let pack_id = self.pack_id();
        let rules = self
            .rules
            .iter_mut()
            .map(|compiled| {
                let mut touched: Vec<Arc<str>> = compiled
                    .windows
                    .dirty
                    .as_mut()
                    .map(|d| d.drain().collect())
                    .unwrap_or_default();
                touched.sort_unstable();
                let parties = touched
                    .into_iter()
                    .map(|party| {
                        let events = compiled
                            .windows
                            .parties
                            .get(&party)
                            .map(|q| q.iter().map(window_event).collect())
                            .unwrap_or_default();
                        PartyWindow {
                            party: party.to_string(),
                            events,
                        }
                    })
                    .collect();
                RuleWindows {
                    rule_id: compiled.rule.id.clone(),
                    rule_version: compiled.rule.version,
                    parties,
                }
            })
            .collect();
        let added = self
            .seen_added
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let mut seen: Vec<SeenKey> = added
            .into_iter()
            .filter_map(|key| {
                let time = *self.seen.get(&key)?;
                Some(SeenKey { key, time })
            })
            .collect();
        seen.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        seen.dedup_by(|a, b| a.key == b.key);
        MonitorChanges {
            pack_id,
            watermark: self.watermark,
            last_sweep: self.last_sweep,
            stats: self.stats,
            rules,
            seen,
        }
    }

    /// Replays `changes` (taken by a monitor of the same pack, in order, after the snapshot
    /// this monitor was restored from). Refused, leaving this monitor as it was, when they were
    /// taken under another pack or a window in them is inconsistent.
    pub fn apply_changes(&mut self, changes: MonitorChanges) -> Result<(), SnapshotError> {
        let id = self.pack_id();
        if changes.pack_id != id {
            return refuse(format!(
                "changes taken under rules [{}], the pack now has [{id}]",
                changes.pack_id
            ));
        }
        let saved = rules_id(
            changes
                .rules
                .iter()
                .map(|r| (r.rule_id.as_str(), r.rule_version)),
        );
        if saved != id {
            return refuse(format!(
                "changes hold windows for rules [{saved}], their pack id says [{id}]"
            ));
        }
        let mut ids: AHashMap<String, Arc<str>> = AHashMap::new();
        let mut replaced: Vec<Vec<(String, Option<PartyEvents>)>> = Vec::new();
        for rule in &changes.rules {
            let mut windows = Vec::new();
            for party in &rule.parties {
                let events = if party.events.is_empty() {
                    None
                } else {
                    Some(restore_events(&rule.rule_id, party, &mut ids)?)
                };
                windows.push((party.party.clone(), events));
            }
            replaced.push(windows);
        }
        if changes.last_sweep > self.last_sweep {
            self.sweep_to(changes.last_sweep);
        }
        for (compiled, windows) in self.rules.iter_mut().zip(replaced) {
            for (party, events) in windows {
                let held = compiled
                    .windows
                    .parties
                    .get(party.as_str())
                    .map_or(0, |events| events.len());
                compiled.windows.held -= held;
                match events {
                    Some(events) => {
                        compiled.windows.held += events.len();
                        compiled.windows.parties.insert(Arc::from(party), events);
                    }
                    None => {
                        compiled.windows.parties.remove(party.as_str());
                    }
                }
            }
        }
        for key in changes.seen {
            self.seen.insert(key.key, key.time);
        }
        self.watermark = changes.watermark;
        self.last_sweep = changes.last_sweep;
        self.stats = Stats {
            events_held: self.rules.iter().map(|c| c.windows.held).sum(),
            ..changes.stats
        };
        Ok(())
    }
}

fn window_event(e: &Event) -> WindowEvent {
    WindowEvent {
        time: e.time,
        transfer_id: e.id.to_string(),
        base: e.base,
        other: e.other,
    }
}

fn seen_keys(seen: &AHashMap<String, i64>) -> Vec<SeenKey> {
    let mut keys: Vec<SeenKey> = seen
        .iter()
        .map(|(key, time)| SeenKey {
            key: key.clone(),
            time: *time,
        })
        .collect();
    keys.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    keys
}

/// The one shared copy of `key`.
fn shared(keys: &mut AHashMap<String, Arc<str>>, key: &str) -> Arc<str> {
    Arc::clone(
        keys.entry(key.to_string())
            .or_insert_with(|| Arc::from(key)),
    )
}

fn party_windows(parties: &AHashMap<Arc<str>, PartyEvents>) -> Vec<PartyWindow> {
    let mut keys: Vec<&Arc<str>> = parties.keys().collect();
    keys.sort_unstable();
    keys.into_iter()
        .filter_map(|key| {
            let events = parties.get(key)?;
            Some(PartyWindow {
                party: key.to_string(),
                events: events.iter().map(window_event).collect(),
            })
        })
        .collect()
}

fn check_pack(pack: &RulePack, snapshot: &MonitorSnapshot) -> Result<(), SnapshotError> {
    if !(OLDEST_FORMAT..=SNAPSHOT_FORMAT).contains(&snapshot.format) {
        return refuse(format!(
            "layout {} is not understood (this build reads {OLDEST_FORMAT} to {SNAPSHOT_FORMAT})",
            snapshot.format
        ));
    }
    if snapshot.pack_version != pack.version {
        return refuse(format!(
            "taken under rules pack version {:?}, the pack now is version {:?}",
            snapshot.pack_version, pack.version
        ));
    }
    let id = pack_id(pack);
    if snapshot.pack_id != id {
        return refuse(format!(
            "taken under rules [{}], the pack now has [{id}]",
            snapshot.pack_id
        ));
    }
    // The windows themselves must follow the pack's rules one for one.
    let saved = rules_id(
        snapshot
            .rules
            .iter()
            .map(|r| (r.rule_id.as_str(), r.rule_version)),
    );
    if saved != id {
        return refuse(format!(
            "holds windows for rules [{saved}], its pack id says [{id}]"
        ));
    }
    Ok(())
}

fn restore_events(
    rule_id: &str,
    party: &PartyWindow,
    ids: &mut AHashMap<String, Arc<str>>,
) -> Result<PartyEvents, SnapshotError> {
    let place = || format!("rule {rule_id}, party {:?}", party.party);
    if party.events.is_empty() {
        return refuse(format!("{}: no events", place()));
    }
    if party.events.len() > MAX_EVENTS_PER_PARTY {
        return refuse(format!(
            "{}: {} events, more than a window holds ({MAX_EVENTS_PER_PARTY})",
            place(),
            party.events.len()
        ));
    }
    if let Some(at) = party.events.windows(2).position(|w| match w {
        [a, b] => a.time > b.time,
        _ => false,
    }) {
        return refuse(format!(
            "{}: event {} is older than the one before it",
            place(),
            at + 1
        ));
    }
    Ok(party
        .events
        .iter()
        .map(|e| Event {
            time: e.time,
            id: Arc::clone(
                ids.entry(e.transfer_id.clone())
                    .or_insert_with(|| Arc::from(e.transfer_id.as_str())),
            ),
            base: e.base,
            other: e.other,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Generated, Generator, Pattern};
    use crate::rules::DEFAULT_RULES;
    use crate::Alert;
    use proptest::prelude::*;

    fn default_pack() -> RulePack {
        RulePack::default_pack().unwrap()
    }

    fn stream(seed: u64, count: usize) -> Vec<Generated> {
        Generator::new(seed).take(count).collect()
    }

    fn observe_all(monitor: &mut Monitor, items: &[Generated]) -> Vec<Alert> {
        items
            .iter()
            .flat_map(|g| monitor.observe(&g.transfer))
            .collect()
    }

    /// Alerts of A then B read at once, and of A, snapshot through JSON, restore, then B;
    /// with the final snapshots of both runs.
    fn both_ways(
        items: &[Generated],
        cut: usize,
    ) -> ((Vec<Alert>, MonitorSnapshot), (Vec<Alert>, MonitorSnapshot)) {
        let (first, second) = items.split_at(cut.min(items.len()));
        let mut straight = Monitor::new(default_pack());
        let mut alerts = observe_all(&mut straight, items);
        let whole = (std::mem::take(&mut alerts), straight.snapshot());

        let mut before = Monitor::new(default_pack());
        let mut split_alerts = observe_all(&mut before, first);
        let json = serde_json::to_string(&before.snapshot()).unwrap();
        drop(before);
        let saved: MonitorSnapshot = serde_json::from_str(&json).unwrap();
        let mut after = Monitor::restore(default_pack(), saved).unwrap();
        split_alerts.extend(observe_all(&mut after, second));
        (whole, (split_alerts, after.snapshot()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]
        #[test]
        fn a_restart_anywhere_gives_the_same_alerts(seed in 0u64..1_000, cut in 0usize..40_000) {
            // Long enough for every pattern to complete (the slowest spans ~90 hours).
            let items = stream(seed, 40_000);
            let (whole, split) = both_ways(&items, cut);
            prop_assert_eq!(&whole.0, &split.0);
            prop_assert_eq!(&whole.1, &split.1);
        }
    }

    #[test]
    fn a_structuring_pattern_cut_by_a_restart_is_still_found() {
        // Structuring transfers are 30 hours (~18,000 transfers) apart.
        let items = stream(42, 60_000);
        // Cut right after the first transfer of the first complete structuring injection.
        let complete = items
            .iter()
            .find(|g| g.pattern == Some(Pattern::Structuring) && g.completes)
            .unwrap();
        let instance = complete.instance;
        let first = items.iter().position(|g| g.instance == instance).unwrap();
        let cut = first + 1;
        let (whole, split) = both_ways(&items, cut);
        assert!(!whole.0.is_empty());
        assert_eq!(whole.0, split.0);
        assert_eq!(whole.1, split.1);
        let ids_before: Vec<String> = items[..cut]
            .iter()
            .filter(|g| g.instance == instance)
            .filter_map(|g| g.transfer.uetr.clone())
            .collect();
        let straddling = split.0.iter().find(|a| {
            a.rule_id == "TF-STRUCT-01" && a.transfer_ids.iter().any(|id| ids_before.contains(id))
        });
        let alert = straddling.expect("the structuring alert spans the restart");
        assert!(alert.transfer_ids.len() >= 3, "{alert:?}");
        // Without the snapshot the same party alerts only later (on its fourth transfer),
        // if at all: the restart cost the alert on the third.
        let mut fresh = Monitor::new(default_pack());
        let without = observe_all(&mut fresh, &items[cut..]);
        assert!(without
            .iter()
            .filter(|a| a.rule_id == "TF-STRUCT-01" && a.party == alert.party)
            .all(|a| a.time > alert.time));
    }

    #[test]
    fn a_snapshot_and_the_changes_after_it_give_the_whole_state() {
        let items = stream(11, 40_000);
        let mut live = Monitor::new(default_pack());
        observe_all(&mut live, &items[..5_000]);
        let base = serde_json::to_string(&live.snapshot()).unwrap();
        live.track_changes();
        let mut journal: Vec<String> = Vec::new();
        let mut journal_bytes = 0;
        // Batches of 25 transfers, as a service's requests, each journalled.
        for batch in items[5_000..].chunks(25) {
            observe_all(&mut live, batch);
            let changes = serde_json::to_string(&live.take_changes()).unwrap();
            journal_bytes += changes.len();
            journal.push(changes);
        }
        let mut replayed =
            Monitor::restore(default_pack(), serde_json::from_str(&base).unwrap()).unwrap();
        for changes in &journal {
            replayed
                .apply_changes(serde_json::from_str(changes).unwrap())
                .unwrap();
        }
        let whole = live.snapshot();
        assert_eq!(replayed.snapshot(), whole);
        // Each batch writes what it touched, not every window.
        let full = serde_json::to_string(&whole).unwrap().len();
        assert!(
            journal_bytes / journal.len() < full / 20,
            "{} bytes per batch, {full} for a full save",
            journal_bytes / journal.len()
        );
        // Both go on alike.
        let more = stream(12, 2_000);
        assert_eq!(
            observe_all(&mut live, &more),
            observe_all(&mut replayed, &more)
        );
    }

    #[test]
    fn changes_of_another_pack_are_refused() {
        let mut live = Monitor::new(default_pack());
        live.track_changes();
        observe_all(&mut live, &stream(1, 500));
        let changes = live.take_changes();
        let text = DEFAULT_RULES.replacen("version = 1", "version = 2", 1);
        let mut other = Monitor::new(RulePack::parse(&text).unwrap());
        let message = other.apply_changes(changes).unwrap_err().to_string();
        assert!(message.contains("TF-STRUCT-01@1"), "{message}");
    }

    #[test]
    fn equal_states_give_equal_snapshots_and_counters_carry_over() {
        let items = stream(7, 3_000);
        let mut monitor = Monitor::new(default_pack());
        observe_all(&mut monitor, &items);
        let snapshot = monitor.snapshot();
        assert_eq!(snapshot.stats, monitor.stats());
        assert!(snapshot.stats.events_held > 0);
        let restored = Monitor::restore(default_pack(), snapshot.clone()).unwrap();
        assert_eq!(restored.stats(), monitor.stats());
        assert_eq!(restored.snapshot(), snapshot);
        let held: usize = snapshot
            .rules
            .iter()
            .flat_map(|r| &r.parties)
            .map(|p| p.events.len())
            .sum();
        assert_eq!(held, snapshot.stats.events_held);
        assert_eq!(snapshot.pack_version, "2025.1");
        assert!(
            snapshot.pack_id.starts_with("TF-STRUCT-01@1,"),
            "{}",
            snapshot.pack_id
        );
    }

    fn used_snapshot() -> MonitorSnapshot {
        let mut monitor = Monitor::new(default_pack());
        observe_all(&mut monitor, &stream(3, 30_000));
        monitor.snapshot()
    }

    fn refused(pack: RulePack, snapshot: MonitorSnapshot) -> String {
        match Monitor::restore(pack, snapshot) {
            Ok(_) => panic!("restored"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_snapshot_of_another_pack_version_is_refused() {
        let pack = RulePack::parse(&DEFAULT_RULES.replacen("\"2025.1\"", "\"2026.1\"", 1)).unwrap();
        let message = refused(pack, used_snapshot());
        assert!(message.contains("\"2025.1\""), "{message}");
        assert!(message.contains("\"2026.1\""), "{message}");
    }

    #[test]
    fn a_snapshot_of_other_rules_under_the_same_version_is_refused() {
        // TF-STRUCT-01 raised to version 2 (its first `version = 1` line).
        let text = DEFAULT_RULES.replacen("version = 1", "version = 2", 1);
        let message = refused(RulePack::parse(&text).unwrap(), used_snapshot());
        assert!(message.contains("TF-STRUCT-01@1"), "{message}");
        assert!(message.contains("TF-STRUCT-01@2"), "{message}");
    }

    #[test]
    fn inconsistent_windows_are_refused_naming_the_rule_and_party() {
        let mut snapshot = used_snapshot();
        let rule = snapshot
            .rules
            .iter_mut()
            .find(|r| !r.parties.is_empty())
            .unwrap();
        let rule_id = rule.rule_id.clone();
        let party = rule.parties.iter_mut().find(|p| p.events.len() >= 2);
        let party = party.unwrap();
        party.events.reverse();
        if let Some(last) = party.events.last_mut() {
            last.time -= 1;
        }
        let key = party.party.clone();
        let message = refused(default_pack(), snapshot.clone());
        assert!(
            message.contains(&rule_id) && message.contains(&key),
            "{message}"
        );
        assert!(message.contains("older"), "{message}");

        let mut wrong_format = used_snapshot();
        wrong_format.format = 99;
        assert!(refused(default_pack(), wrong_format).contains("99"));

        let mut missing_rule = used_snapshot();
        missing_rule.rules.pop();
        assert!(refused(default_pack(), missing_rule).contains("holds windows for rules"));
    }
}
