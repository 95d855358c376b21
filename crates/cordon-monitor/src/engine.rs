//! The stream evaluator: per-rule, per-party windows on transaction time.

use crate::facts::{is_identified, Facts};
use crate::money::{is_multiple_of, FxTable, Threshold};
use crate::places::{has_legal_form, BorderIndex, WordSet};
use crate::rules::{ChainRole, Rule, RuleKind, RulePack, Side};
use crate::time::{format_timestamp, DAY, HOUR};
use ahash::{AHashMap, AHashSet};
use cordon_model::transfer::{Amount, Transfer};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use std::sync::Arc;

/// Most events kept per party and rule: a hot account cannot grow the state without bound.
pub const MAX_EVENTS_PER_PARTY: usize = 512;

/// One alert: a rule fired for a party on a set of transfers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// The rule id.
    pub rule_id: String,
    /// The rule's version.
    pub rule_version: u32,
    /// The version of the rules pack.
    pub pack_version: String,
    /// The rule kind (`structuring`, ...).
    pub kind: String,
    /// The rule title.
    pub title: String,
    /// The FATF red flag the rule implements.
    pub fatf: String,
    /// The party key the rule followed (`acct:...`, `bic:...`, `name:...@BIC`).
    pub party: String,
    /// The transfers that made the rule fire, oldest first.
    pub transfer_ids: Vec<String>,
    /// Transaction time of the transfer that completed the pattern.
    pub time: String,
    /// Why, in words.
    pub explanation: String,
}

/// Counters of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Transfers observed (repeats and too-late ones included).
    pub observed: u64,
    /// Transfers without a usable date (placed at the latest time seen).
    pub undated: u64,
    /// Transfers whose currency has no rate (amount rules skipped them).
    pub unconverted: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// Events held in windows now.
    pub events_held: usize,
    /// Most events held at once.
    pub peak_events_held: usize,
    /// Transfers older than the latest time already seen, evaluated at their own time.
    #[serde(default)]
    pub late: u64,
    /// Transfers older than the lateness bound allows: not evaluated (see [`Delivery::TooLate`]).
    #[serde(default)]
    pub too_late: u64,
    /// Repeated deliveries of a transfer already observed: not evaluated again.
    #[serde(default)]
    pub duplicates: u64,
}

/// What became of one observed transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Evaluated in its place: at or after the latest transaction time seen.
    InOrder,
    /// Evaluated at its own time, older than the latest time seen but within the bound.
    Late,
    /// A repeat of a transfer already observed (same UETR, else same message id, transaction
    /// ids and amount): not evaluated again, counted in [`Stats::duplicates`].
    Duplicate,
    /// Older than the latest time seen by more than the pack's `max_lateness_hours`: the
    /// windows it belongs to may be gone and a repeat of it could no longer be recognised, so
    /// no rule evaluates it. Counted in [`Stats::too_late`]; the caller should route it to a
    /// person.
    TooLate,
}

/// The outcome of [`Monitor::observe_delivery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observation {
    /// The alerts the transfer completed.
    pub alerts: Vec<Alert>,
    /// How it was taken.
    pub delivery: Delivery,
}

#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) time: i64,
    /// Shared by the rules that keep this transfer.
    pub(crate) id: Arc<str>,
    pub(crate) base: i128,
    /// The other party (fan rules), or the direction of a flow (flow rules: [`OUT`] for money
    /// sent, anything else for money received, the originator's hash when it counts).
    pub(crate) other: u64,
}

/// `Event::other` of money sent by the account (flow rules).
const OUT: u64 = 0;

/// `Event::other` of money received from the originator whose hash is `hash`: never [`OUT`].
fn inbound(hash: u64) -> u64 {
    hash | 1
}

/// The events one rule keeps for one party, oldest first. Most parties hold a single event
/// (a customer pays or is paid a few times a month, windows last days), so one is kept
/// inline: no allocation for them.
pub(crate) type PartyEvents = SmallVec<[Event; 1]>;

/// Events per party, oldest first. Parties are keyed by the transfer's shared party key
/// ([`Facts::debtor`], [`Facts::creditor`]): every rule holding a party points at one string.
#[derive(Debug, Default)]
pub(crate) struct Windows {
    pub(crate) parties: AHashMap<Arc<str>, PartyEvents>,
    pub(crate) held: usize,
    /// The parties whose events changed since the last [`Monitor::take_changes`], when
    /// changes are tracked (a sweep is recorded apart, not per party).
    pub(crate) dirty: Option<AHashSet<Arc<str>>>,
}

impl Windows {
    /// Inserts `event` at its time in `key`'s events after dropping those older than `horizon`
    /// (and the oldest beyond [`MAX_EVENTS_PER_PARTY`]); returns the events, oldest first,
    /// with the new one's index, or `None` when the cap dropped the new event itself.
    fn insert(&mut self, key: &Arc<str>, event: Event, horizon: i64) -> Option<(&[Event], usize)> {
        let time = event.time;
        self.touch(key);
        // One lookup; cloning the shared key only counts a reference.
        let events = self.parties.entry(Arc::clone(key)).or_default();
        let expired = events.partition_point(|e| e.time < horizon);
        events.drain(..expired);
        let mut at = events.partition_point(|e| e.time <= time);
        events.insert(at, event);
        let over = events.len().saturating_sub(MAX_EVENTS_PER_PARTY);
        events.drain(..over);
        self.held = self.held + 1 - expired - over;
        at = at.checked_sub(over)?;
        Some((events.as_slice(), at))
    }

    /// Drops `key`'s events up to index `last` (the events of an alert and older ones), so
    /// the next alert needs fresh transfers.
    fn clear_through(&mut self, key: &Arc<str>, last: usize) {
        self.touch(key);
        let Some(events) = self.parties.get_mut(&**key) else {
            return;
        };
        let dropped = (last + 1).min(events.len());
        events.drain(..dropped);
        self.held -= dropped;
        if events.is_empty() {
            self.parties.remove(&**key);
        }
    }

    /// Notes that `key`'s events change, when changes are tracked.
    fn touch(&mut self, key: &Arc<str>) {
        if let Some(dirty) = self.dirty.as_mut() {
            if !dirty.contains(&**key) {
                dirty.insert(Arc::clone(key));
            }
        }
    }

    /// Drops every event older than `horizon` and every party left empty.
    pub(crate) fn sweep(&mut self, horizon: i64) {
        let mut dropped = 0;
        self.parties.retain(|_, events| {
            let expired = events.partition_point(|e| e.time < horizon);
            events.drain(..expired);
            dropped += expired;
            !events.is_empty()
        });
        self.held -= dropped;
    }
}

/// The spans of `events` that hold the event at `at` and last at most `window` seconds, as
/// `(first, last)` indices, by increasing `last`. In time order the new event is the last one
/// and this is the single span `[time - window, time]`; a late event also completes the spans
/// that end at the later events within `window` of it.
fn spans(events: &[Event], at: usize, window: i64) -> impl Iterator<Item = (usize, usize)> + '_ {
    let time = events.get(at).map_or(i64::MAX, |e| e.time);
    events
        .iter()
        .enumerate()
        .skip(at)
        .take_while(move |(_, e)| e.time <= time.saturating_add(window))
        .map(move |(last, end)| {
            let first = events.partition_point(|e| e.time < end.time - window);
            (first, last)
        })
}

/// A rule with its amounts resolved and its window state.
pub(crate) struct Compiled {
    pub(crate) rule: Rule,
    window: i64,
    /// The rule's threshold, minimum or (small-transfer rules) maximum amount, converted with
    /// the pack's FX table.
    limit: Option<Threshold>,
    /// The round unit of a round-amount rule.
    unit: Option<Amount>,
    /// The non-profit name words of an NPO rule.
    words: WordSet,
    /// Whether a name holds one of `words`, remembered (see [`WordSet::matches_cached`]).
    named: AHashMap<String, bool>,
    pub(crate) windows: Windows,
}

/// The amount a rule compares with: `threshold` for structuring, `max_amount` for the
/// small-transfer rules, `min_amount` otherwise.
fn rule_limit(kind: &RuleKind, fx: &FxTable) -> Option<Threshold> {
    let (amount, currency) = match kind {
        RuleKind::Structuring {
            threshold,
            currency,
            ..
        } => (Some(threshold), Some(currency)),
        RuleKind::RapidPassThrough {
            min_amount,
            currency,
            ..
        }
        | RuleKind::RoundAmount {
            min_amount,
            currency,
            ..
        }
        | RuleKind::ConflictBorder {
            min_amount,
            currency,
        } => (Some(min_amount), Some(currency)),
        RuleKind::CollectForward {
            max_amount,
            currency,
            ..
        }
        | RuleKind::NpoPayout {
            max_amount,
            currency,
            ..
        } => (Some(max_amount), Some(currency)),
        RuleKind::FanIn(fan) | RuleKind::FanOut(fan) => {
            (fan.min_amount.as_ref(), fan.currency.as_ref())
        }
        RuleKind::HighRiskJurisdiction {
            min_amount,
            currency,
            ..
        } => (min_amount.as_ref(), currency.as_ref()),
    };
    Threshold::parse(amount?, currency?, fx).ok()
}

/// Evaluates a [`RulePack`] over a stream of transfers.
///
/// Time is the transfers' own transaction time. A transfer older than the latest time seen
/// (late: batches, other channels, retries) is evaluated at its own time, within the pack's
/// `max_lateness_hours`: every rule sees it where it belongs, and an alert it completes says
/// so. Windows are evicted by transaction time, so the memory held depends on the window
/// lengths, the lateness bound and the traffic inside them, not on the stream length. A
/// repeated delivery (same UETR, else same ids and amount) is recognised and never counted
/// twice. The same transfers in the same order always give the same alerts. After a rule
/// fires for a party the events of the alert (and older ones) leave its window, so the next
/// alert needs a fresh pattern. The state can be saved with [`Monitor::snapshot`] and taken up
/// again with [`Monitor::restore`]: a stream cut by a snapshot and a restore gives the same
/// alerts as the stream read at once.
pub struct Monitor {
    pub(crate) pack_version: String,
    fx: FxTable,
    pub(crate) rules: Vec<Compiled>,
    /// The lateness bound, in seconds.
    pub(crate) lateness: i64,
    border: Option<BorderIndex>,
    pub(crate) watermark: Option<i64>,
    pub(crate) last_sweep: i64,
    pub(crate) stats: Stats,
    /// Delivery keys of the transfers observed within the lateness bound, with their time.
    pub(crate) seen: AHashMap<String, i64>,
    /// Delivery keys added since the last [`Monitor::take_changes`], when changes are tracked.
    pub(crate) seen_added: Option<Vec<String>>,
    hasher: ahash::RandomState,
}

impl Monitor {
    /// A monitor for the enabled rules of `pack`.
    pub fn new(pack: RulePack) -> Monitor {
        let rules = pack
            .rules
            .into_iter()
            .map(|rule| Compiled {
                window: i64::from(window_days(&rule.kind)) * DAY,
                limit: rule_limit(&rule.kind, &pack.fx),
                unit: match &rule.kind {
                    RuleKind::RoundAmount { unit, .. } => Amount::parse(unit, b'.').ok(),
                    _ => None,
                },
                words: match &rule.kind {
                    RuleKind::NpoPayout { words, .. } => WordSet::new(words),
                    _ => WordSet::default(),
                },
                named: AHashMap::new(),
                rule,
                windows: Windows::default(),
            })
            .collect();
        Monitor {
            pack_version: pack.version,
            fx: pack.fx,
            rules,
            lateness: i64::from(pack.max_lateness_hours) * HOUR,
            border: pack.border_areas.as_ref().map(BorderIndex::new),
            watermark: None,
            last_sweep: i64::MIN,
            stats: Stats::default(),
            seen: AHashMap::new(),
            seen_added: None,
            // Fixed seeds: party hashes (used to count distinct counterparties) are the same
            // on every run.
            hasher: ahash::RandomState::with_seeds(1, 2, 3, 4),
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Evaluates one transfer and returns the alerts it completes.
    pub fn observe(&mut self, transfer: &Transfer) -> Vec<Alert> {
        self.observe_delivery(transfer).alerts
    }

    /// Evaluates one transfer; says also whether it was late, a repeat or too late.
    pub fn observe_delivery(&mut self, transfer: &Transfer) -> Observation {
        let mut facts = Facts::of(transfer, self.stats.observed, &self.fx);
        if let Some(border) = &self.border {
            facts.border = border.locate(transfer);
        }
        self.observe_facts(facts)
    }

    /// Evaluates facts already read (see [`Facts::of`]; [`Facts::border`] is the caller's to
    /// fill).
    pub fn observe_facts(&mut self, mut facts: Facts) -> Observation {
        self.stats.observed += 1;
        let time = match facts.time {
            Some(t) => t,
            None => {
                self.stats.undated += 1;
                self.watermark.unwrap_or(0)
            }
        };
        if let Some(delivery) = self.refuse(&facts, time) {
            return Observation {
                alerts: Vec::new(),
                delivery,
            };
        }
        if facts.money.is_some() && facts.base.is_none() {
            self.stats.unconverted += 1;
        }
        if let Some(key) = facts.delivery_key.take() {
            if let Some(added) = self.seen_added.as_mut() {
                added.push(key.clone());
            }
            self.seen.insert(key, time);
        }
        let late_by = self.watermark.map_or(0, |w| w - time).max(0);
        if late_by > 0 {
            self.stats.late += 1;
        }
        let watermark = self.watermark.map_or(time, |w| w.max(time));
        self.watermark = Some(watermark);
        let event = Ev {
            facts: &facts,
            time,
            id: Arc::from(facts.id.as_str()),
            late_by,
        };
        let lateness = self.lateness;
        let mut alerts = Vec::new();
        for compiled in &mut self.rules {
            // Events older than this can no longer be in a window with a transfer still
            // within the lateness bound.
            let horizon = watermark - compiled.window - lateness;
            for raw in evaluate(compiled, &event, horizon, &self.hasher) {
                alerts.push(finish(&self.pack_version, raw, &compiled.rule, &event));
            }
        }
        self.stats.alerts += alerts.len() as u64;
        self.maybe_sweep(watermark);
        Observation {
            alerts,
            delivery: if late_by > 0 {
                Delivery::Late
            } else {
                Delivery::InOrder
            },
        }
    }

    /// `Some` when the transfer is a repeat or too late to evaluate, counted.
    fn refuse(&mut self, facts: &Facts, time: i64) -> Option<Delivery> {
        if facts
            .delivery_key
            .as_ref()
            .is_some_and(|k| self.seen.contains_key(k))
        {
            self.stats.duplicates += 1;
            return Some(Delivery::Duplicate);
        }
        if self
            .watermark
            .is_some_and(|w| time < w.saturating_sub(self.lateness))
        {
            self.stats.too_late += 1;
            return Some(Delivery::TooLate);
        }
        None
    }
}

fn finish(pack_version: &str, raw: RawAlert, rule: &Rule, ev: &Ev<'_>) -> Alert {
    let mut explanation = raw.explanation;
    if ev.late_by > 0 {
        explanation.push_str(&format!(
            "; completed by a late transfer ({} dated {}, which arrived after transfers up to {} newer)",
            ev.facts.id,
            format_timestamp(ev.time),
            duration(ev.late_by)
        ));
    }
    Alert {
        rule_id: rule.id.clone(),
        rule_version: rule.version,
        pack_version: pack_version.to_string(),
        kind: rule.kind.name().to_string(),
        title: rule.title.clone(),
        fatf: rule.fatf.clone(),
        party: raw.party,
        transfer_ids: raw.ids,
        time: format_timestamp(ev.time),
        explanation,
    }
}

/// `2 d 4 h`, `5 h`, `40 min`.
fn duration(seconds: i64) -> String {
    let (days, hours, minutes) = (seconds / DAY, seconds % DAY / HOUR, seconds % HOUR / 60);
    match (days, hours) {
        (0, 0) => format!("{} min", minutes.max(1)),
        (0, h) => format!("{h} h"),
        (d, 0) => format!("{d} d"),
        (d, h) => format!("{d} d {h} h"),
    }
}

impl Monitor {
    /// Once per day of transaction time, drops what no window can see any more and the
    /// delivery keys of transfers past the lateness bound (a repeat of one is too late).
    pub(crate) fn maybe_sweep(&mut self, watermark: i64) {
        let held: usize = self.rules.iter().map(|r| r.windows.held).sum();
        self.stats.peak_events_held = self.stats.peak_events_held.max(held);
        if watermark.saturating_sub(self.last_sweep) < DAY {
            self.stats.events_held = held;
            return;
        }
        self.last_sweep = watermark;
        self.sweep_to(watermark);
        self.stats.events_held = self.rules.iter().map(|r| r.windows.held).sum();
    }

    /// Drops the events and delivery keys no transfer within the lateness bound of
    /// `watermark` can need.
    pub(crate) fn sweep_to(&mut self, watermark: i64) {
        let lateness = self.lateness;
        for compiled in &mut self.rules {
            compiled
                .windows
                .sweep(watermark - compiled.window - lateness);
        }
        self.seen.retain(|_, time| *time >= watermark - lateness);
    }
}

fn window_days(kind: &RuleKind) -> u32 {
    match kind {
        RuleKind::Structuring { window_days, .. }
        | RuleKind::RapidPassThrough { window_days, .. }
        | RuleKind::RoundAmount { window_days, .. }
        | RuleKind::CollectForward { window_days, .. }
        | RuleKind::NpoPayout { window_days, .. } => *window_days,
        RuleKind::FanIn(fan) | RuleKind::FanOut(fan) => fan.window_days,
        RuleKind::HighRiskJurisdiction { .. } | RuleKind::ConflictBorder { .. } => 0,
    }
}

/// The transfer being evaluated.
struct Ev<'a> {
    facts: &'a Facts,
    time: i64,
    id: Arc<str>,
    /// How much older it is than the latest time seen before it (0 when in order).
    late_by: i64,
}

struct RawAlert {
    party: String,
    ids: Vec<String>,
    explanation: String,
}

fn evaluate(
    compiled: &mut Compiled,
    ev: &Ev<'_>,
    horizon: i64,
    hasher: &ahash::RandomState,
) -> Vec<RawAlert> {
    let alert = match &compiled.rule.kind {
        RuleKind::Structuring { .. } => structuring(compiled, ev, horizon),
        RuleKind::FanIn(_) | RuleKind::FanOut(_) => fan(compiled, ev, horizon, hasher),
        RuleKind::HighRiskJurisdiction { .. } => high_risk(compiled, ev),
        RuleKind::RoundAmount { .. } => round_amount(compiled, ev, horizon),
        RuleKind::ConflictBorder { .. } => conflict_border(compiled, ev),
        RuleKind::RapidPassThrough { .. }
        | RuleKind::CollectForward { .. }
        | RuleKind::NpoPayout { .. } => return flows(compiled, ev, horizon, hasher),
    };
    alert.into_iter().collect()
}

fn structuring(compiled: &mut Compiled, ev: &Ev<'_>, horizon: i64) -> Option<RawAlert> {
    let RuleKind::Structuring {
        margin_percent,
        min_count,
        side,
        ..
    } = &compiled.rule.kind
    else {
        return None;
    };
    let base = ev.facts.base?;
    let limit = compiled.limit?;
    let lower = limit.percent_of(100 - margin_percent);
    if base < lower || base >= limit.base {
        return None;
    }
    let key = ev.facts.key(*side)?;
    let (ids, last) = repeated(
        &mut compiled.windows,
        key,
        event(ev, base, 0),
        (compiled.window, horizon),
        *min_count,
    )?;
    let explanation = format!(
        "{} transfers by {} within {} days, each between {}% of and just below the {} threshold",
        ids.len(),
        side_name(*side),
        compiled.window / DAY,
        100 - margin_percent,
        limit.money
    );
    Some(fire(&mut compiled.windows, key, (ids, last), explanation))
}

fn fan(
    compiled: &mut Compiled,
    ev: &Ev<'_>,
    horizon: i64,
    hasher: &ahash::RandomState,
) -> Option<RawAlert> {
    let (fan, incoming) = match &compiled.rule.kind {
        RuleKind::FanIn(fan) => (fan, true),
        RuleKind::FanOut(fan) => (fan, false),
        _ => return None,
    };
    let (min_parties, cross_border_only) = (fan.min_parties, fan.cross_border_only);
    if cross_border_only && !ev.facts.is_cross_border() {
        return None;
    }
    if !above_minimum(compiled.limit, ev) {
        return None;
    }
    let (hub, spoke) = if incoming {
        (ev.facts.creditor.as_ref()?, ev.facts.debtor.as_ref()?)
    } else {
        (ev.facts.debtor.as_ref()?, ev.facts.creditor.as_ref()?)
    };
    if fan.identified_only && !is_identified(hub) {
        return None;
    }
    let other = hasher.hash_one(&**spoke);
    let base = ev.facts.base.unwrap_or(0);
    let window = compiled.window;
    let (events, at) = compiled
        .windows
        .insert(hub, event(ev, base, other), horizon)?;
    let (span, distinct) = spans(events, at, window).find_map(|(first, last)| {
        // A span of fewer transfers than parties needed cannot hold enough distinct ones.
        if last + 1 - first < min_parties {
            return None;
        }
        let span = events.get(first..=last)?;
        let distinct = distinct_others(span.iter());
        (distinct >= min_parties).then_some(((span, last), distinct))
    })?;
    let ids = ids(span.0);
    let (spokes, hub_name) = if incoming {
        ("originators paid", "one beneficiary")
    } else {
        ("beneficiaries were paid by", "one originator")
    };
    let explanation = format!(
        "{distinct} distinct {spokes} {hub_name} in {} transfers within {} days{}",
        ids.len(),
        window / DAY,
        if cross_border_only {
            " (cross-border only)"
        } else {
            ""
        }
    );
    let last = span.1;
    Some(fire(&mut compiled.windows, hub, (ids, last), explanation))
}

fn distinct_others<'a>(events: impl Iterator<Item = &'a Event>) -> usize {
    // Spans are short (the parties a rule needs, a few more): on the stack.
    let mut others: SmallVec<[u64; 32]> = events.map(|e| e.other).collect();
    others.sort_unstable();
    others.dedup();
    others.len()
}

fn high_risk(compiled: &Compiled, ev: &Ev<'_>) -> Option<RawAlert> {
    let RuleKind::HighRiskJurisdiction {
        countries, roles, ..
    } = &compiled.rule.kind
    else {
        return None;
    };
    if !above_minimum(compiled.limit, ev) {
        return None;
    }
    let found: Vec<String> = ev
        .facts
        .chain
        .iter()
        .filter(|(role, c)| (roles.is_empty() || roles.contains(role)) && countries.contains(c))
        .map(|(role, c)| format!("{} in {c}", role_name(*role)))
        .collect();
    if found.is_empty() {
        return None;
    }
    single(
        ev,
        ev.facts.debtor.as_ref(),
        format!("high-risk jurisdiction: {}", found.join(", ")),
    )
}

fn conflict_border(compiled: &Compiled, ev: &Ev<'_>) -> Option<RawAlert> {
    let place = ev.facts.border.as_deref()?;
    let min = compiled.limit?;
    if ev.facts.base? < min.base {
        return None;
    }
    single(
        ev,
        ev.facts.creditor.as_ref(),
        format!(
            "{place}; {} is at least {}",
            ev.facts.money.map(|m| m.to_string()).unwrap_or_default(),
            min.money
        ),
    )
}

/// An alert on one transfer, for `party`, else the originator, else the beneficiary.
fn single(ev: &Ev<'_>, party: Option<&Arc<str>>, explanation: String) -> Option<RawAlert> {
    let party = party
        .or(ev.facts.debtor.as_ref())
        .or(ev.facts.creditor.as_ref())?
        .to_string();
    Some(RawAlert {
        party,
        ids: vec![ev.facts.id.clone()],
        explanation,
    })
}

fn round_amount(compiled: &mut Compiled, ev: &Ev<'_>, horizon: i64) -> Option<RawAlert> {
    let RuleKind::RoundAmount {
        unit,
        min_count,
        side,
        ..
    } = &compiled.rule.kind
    else {
        return None;
    };
    let money = ev.facts.money?;
    let base = ev.facts.base?;
    let unit_amount = compiled.unit?;
    let min = compiled.limit?;
    if base < min.base || !is_multiple_of(&money.amount, &unit_amount) {
        return None;
    }
    let key = ev.facts.key(*side)?;
    let found = repeated(
        &mut compiled.windows,
        key,
        event(ev, base, 0),
        (compiled.window, horizon),
        *min_count,
    )?;
    let explanation = format!(
        "{} transfer(s) by {} in exact multiples of {unit} {} (at least {}), latest {money}",
        found.0.len(),
        side_name(*side),
        money.currency,
        min.money
    );
    Some(fire(&mut compiled.windows, key, found, explanation))
}

/// Adds `event` to `key`'s window; the ids of the first span of at most `window` seconds
/// holding it and `min_count` events, with the index of the span's last event.
fn repeated(
    windows: &mut Windows,
    key: &Arc<str>,
    event: Event,
    (window, horizon): (i64, i64),
    min_count: usize,
) -> Option<(Vec<String>, usize)> {
    let (events, at) = windows.insert(key, event, horizon)?;
    spans(events, at, window)
        .find(|(first, last)| last + 1 - first >= min_count)
        .and_then(|(first, last)| Some((ids(events.get(first..=last)?), last)))
}

/// What a flow rule counts: money in, money out, and the test of a span of them.
struct FlowTest {
    /// Money in that counts (already filtered): the originator's hash marks it.
    incoming: Option<u64>,
    /// Money out that counts.
    outgoing: bool,
}

/// The flow rules (rapid pass-through, collection and forwarding, NPO payout) keep, per
/// account, the money it received and sent; a pattern is a span that starts with money in and
/// ends with money out.
fn flows(
    compiled: &mut Compiled,
    ev: &Ev<'_>,
    horizon: i64,
    hasher: &ahash::RandomState,
) -> Vec<RawAlert> {
    let Some(base) = ev.facts.base else {
        return Vec::new();
    };
    let (debtor, creditor) = (ev.facts.debtor.as_ref(), ev.facts.creditor.as_ref());
    if debtor.is_some() && debtor == creditor {
        return Vec::new();
    }
    let test = flow_test(compiled, ev, base, hasher);
    let mut alerts = Vec::new();
    let sides = [
        (creditor, test.incoming.map(inbound)),
        (debtor, test.outgoing.then_some(OUT)),
    ];
    for (party, other) in sides {
        let (Some(party), Some(other)) = (party, other) else {
            continue;
        };
        if let Some(alert) = flow_alert(compiled, party, event(ev, base, other), horizon) {
            alerts.push(alert);
        }
    }
    alerts
}

/// Which side of the transfer each flow rule keeps.
fn flow_test(
    compiled: &mut Compiled,
    ev: &Ev<'_>,
    base: i128,
    hasher: &ahash::RandomState,
) -> FlowTest {
    let facts = ev.facts;
    let originator = || hasher.hash_one(facts.debtor.as_deref().unwrap_or_default());
    let small = compiled
        .limit
        .is_some_and(|max| base > 0 && base <= max.base);
    let Compiled {
        rule, words, named, ..
    } = compiled;
    match &rule.kind {
        RuleKind::RapidPassThrough { .. } => FlowTest {
            // Pass-through counts every amount; only the direction matters.
            incoming: Some(0),
            outgoing: true,
        },
        RuleKind::CollectForward { countries, .. } => FlowTest {
            incoming: small.then(originator),
            outgoing: facts.is_cross_border() && to_risky_place(facts, countries),
        },
        RuleKind::NpoPayout { countries, .. } => {
            let mut is_npo = |name: &Option<String>| {
                name.as_deref()
                    .is_some_and(|n| words.matches_cached(n, named))
            };
            // Cheapest tests first: the name is normalised only for a cross-border payment.
            let pays_out = || to_risky_place(facts, countries) || to_individual(facts);
            FlowTest {
                incoming: (small && is_npo(&facts.creditor_name)).then(originator),
                outgoing: facts.is_cross_border() && is_npo(&facts.debtor_name) && pays_out(),
            }
        }
        _ => FlowTest {
            incoming: None,
            outgoing: false,
        },
    }
}

/// The beneficiary or its bank is in a listed country or a border area.
fn to_risky_place(facts: &Facts, countries: &[String]) -> bool {
    facts.border.is_some()
        || facts.chain.iter().any(|(role, country)| {
            matches!(role, ChainRole::Creditor | ChainRole::CreditorAgent)
                && countries.contains(country)
        })
}

/// The beneficiary reads as a person: a private identifier, or no organisation identifier
/// and no legal form in its name.
fn to_individual(facts: &Facts) -> bool {
    facts.creditor_is_person
        || (!facts.creditor_is_organisation
            && facts
                .creditor_name
                .as_deref()
                .is_some_and(|n| !has_legal_form(n)))
}

fn flow_alert(
    compiled: &mut Compiled,
    party: &Arc<str>,
    event: Event,
    horizon: i64,
) -> Option<RawAlert> {
    let Compiled {
        rule,
        window,
        limit,
        windows,
        ..
    } = compiled;
    let (events, at) = windows.insert(party, event, horizon)?;
    let (flows, last, explanation) = spans(events, at, *window).find_map(|(first, last)| {
        if events.get(last)?.other != OUT {
            return None;
        }
        let start = first
            + events
                .get(first..=last)?
                .iter()
                .position(|e| e.other != OUT)?;
        // A span the new event is not part of was evaluated when its own events came.
        if start > at {
            return None;
        }
        let flows = events.get(start..=last)?;
        let explanation = flow_pattern(&rule.kind, *limit, flows, *window)?;
        Some((ids(flows), last, explanation))
    })?;
    Some(fire(windows, party, (flows, last), explanation))
}

/// The explanation when `flows` (money in first, money out last) make the rule's pattern.
fn flow_pattern(
    kind: &RuleKind,
    limit: Option<Threshold>,
    flows: &[Event],
    window: i64,
) -> Option<String> {
    let received: i128 = flows
        .iter()
        .filter(|e| e.other != OUT)
        .map(|e| e.base)
        .sum();
    let sent: i128 = flows
        .iter()
        .filter(|e| e.other == OUT)
        .map(|e| e.base)
        .sum();
    let percent = sent.saturating_mul(100) / received.max(1);
    let sent_on = |min_percent: u8| {
        sent.saturating_mul(100) >= received.saturating_mul(i128::from(min_percent))
    };
    let originators = || distinct_others(flows.iter().filter(|e| e.other != OUT));
    let days = window / DAY;
    let limit = limit?;
    match kind {
        RuleKind::RapidPassThrough {
            min_percent,
            max_percent,
            ..
        } => {
            let passed_on = max_percent.is_none_or(|max| {
                sent.saturating_mul(100) <= received.saturating_mul(i128::from(max))
            });
            let most = max_percent
                .map(|max| format!(", at most {max}%"))
                .unwrap_or_default();
            (received >= limit.base && sent_on(*min_percent) && passed_on).then(|| format!(
                "account received funds and sent on {percent}% of them within {days} days (at least {min_percent}%{most} required, at least {} received)",
                limit.money
            ))
        }
        RuleKind::CollectForward {
            min_originators,
            min_percent,
            ..
        } => {
            let count = originators();
            (count >= *min_originators && sent_on(*min_percent)).then(|| format!(
                "{count} distinct originators sent small amounts (each at most {}) to one account, which forwarded {percent}% of them abroad to a higher-risk jurisdiction or border area within {days} days (at least {min_originators} originators and {min_percent}% required)",
                limit.money
            ))
        }
        RuleKind::NpoPayout {
            min_originators, ..
        } => {
            let count = originators();
            (count >= *min_originators).then(|| format!(
                "an account named as a non-profit received small amounts (each at most {}) from {count} distinct originators and paid out abroad to a higher-risk area or an individual within {days} days (at least {min_originators} originators required)",
                limit.money
            ))
        }
        _ => None,
    }
}

/// True without a minimum, else when the amount is known and at least the minimum.
fn above_minimum(limit: Option<Threshold>, ev: &Ev<'_>) -> bool {
    match limit {
        Some(min) => ev.facts.base.is_some_and(|base| base >= min.base),
        None => true,
    }
}

fn event(ev: &Ev<'_>, base: i128, other: u64) -> Event {
    Event {
        time: ev.time,
        id: Arc::clone(&ev.id),
        base,
        other,
    }
}

fn ids(events: &[Event]) -> Vec<String> {
    events.iter().map(|e| e.id.to_string()).collect()
}

/// The alert for `key`; its events and older ones leave the window.
fn fire(
    windows: &mut Windows,
    key: &Arc<str>,
    (ids, last): (Vec<String>, usize),
    explanation: String,
) -> RawAlert {
    windows.clear_through(key, last);
    RawAlert {
        party: key.to_string(),
        ids,
        explanation,
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Debtor => "one originator",
        Side::Creditor => "one beneficiary",
    }
}

fn role_name(role: ChainRole) -> &'static str {
    match role {
        ChainRole::Debtor => "originator",
        ChainRole::Creditor => "beneficiary",
        ChainRole::DebtorAgent => "originator's bank",
        ChainRole::CreditorAgent => "beneficiary's bank",
        ChainRole::Intermediary => "intermediary bank",
    }
}
