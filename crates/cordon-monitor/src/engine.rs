//! The stream evaluator: per-rule, per-party windows on transaction time.

use crate::facts::Facts;
use crate::money::{is_multiple_of, FxTable, Threshold};
use crate::rules::{ChainRole, Rule, RuleKind, RulePack, Side};
use crate::time::{format_timestamp, DAY};
use ahash::AHashMap;
use cordon_model::transfer::{Amount, Transfer};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
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
    /// Transfers observed.
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
}

#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) time: i64,
    /// Shared by the rules that keep this transfer.
    pub(crate) id: Arc<str>,
    pub(crate) base: i128,
    /// The other party (fan rules) or the direction (pass-through: 1 in, 0 out).
    pub(crate) other: u64,
}

/// Events per party, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Windows {
    pub(crate) parties: AHashMap<String, VecDeque<Event>>,
    pub(crate) held: usize,
}

impl Windows {
    /// Adds an event and returns the party's events inside `[time - window, time]`, oldest
    /// first (a prefix of the queue: later events can only come from out-of-order input).
    fn push(&mut self, key: &str, event: Event, window: i64) -> Vec<&Event> {
        let time = event.time;
        if !self.parties.contains_key(key) {
            self.parties.insert(key.to_string(), VecDeque::new());
        }
        let Some(queue) = self.parties.get_mut(key) else {
            return Vec::new();
        };
        let at = queue.partition_point(|e| e.time <= time);
        queue.insert(at, event);
        self.held += 1;
        while queue.len() > MAX_EVENTS_PER_PARTY
            || queue.front().is_some_and(|e| e.time < time - window)
        {
            queue.pop_front();
            self.held -= 1;
        }
        let upto = queue.partition_point(|e| e.time <= time);
        queue.range(..upto).collect()
    }

    fn clear(&mut self, key: &str) {
        if let Some(q) = self.parties.remove(key) {
            self.held -= q.len();
        }
    }

    /// Drops every event older than `horizon` and every party left empty.
    fn sweep(&mut self, horizon: i64) {
        let mut dropped = 0;
        self.parties.retain(|_, q| {
            while q.front().is_some_and(|e| e.time < horizon) {
                q.pop_front();
                dropped += 1;
            }
            !q.is_empty()
        });
        self.held -= dropped;
    }
}

/// A rule with its amounts resolved and its window state.
pub(crate) struct Compiled {
    pub(crate) rule: Rule,
    window: i64,
    /// The rule's threshold or minimum amount, converted with the pack's FX table.
    limit: Option<Threshold>,
    /// The round unit of a round-amount rule.
    unit: Option<Amount>,
    pub(crate) windows: Windows,
}

/// The amount a rule compares with: `threshold` for structuring, `min_amount` otherwise.
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
        } => (Some(min_amount), Some(currency)),
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

/// Evaluates a [`RulePack`] over a stream of transfers, in the order given.
///
/// Time is the transfers' own transaction time; windows are evicted by it, so the memory held
/// depends on the window lengths and the traffic inside them, not on the stream length. The
/// same transfers in the same order always give the same alerts. After a rule fires for a
/// party its window is emptied, so the next alert needs a fresh pattern. The state can be
/// saved with [`Monitor::snapshot`] and taken up again with [`Monitor::restore`]: a stream
/// cut by a snapshot and a restore gives the same alerts as the stream read at once.
pub struct Monitor {
    pub(crate) pack_version: String,
    fx: FxTable,
    pub(crate) rules: Vec<Compiled>,
    pub(crate) watermark: Option<i64>,
    pub(crate) last_sweep: i64,
    pub(crate) stats: Stats,
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
                rule,
                windows: Windows::default(),
            })
            .collect();
        Monitor {
            pack_version: pack.version,
            fx: pack.fx,
            rules,
            watermark: None,
            last_sweep: i64::MIN,
            stats: Stats::default(),
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
        let facts = Facts::of(transfer, self.stats.observed, &self.fx);
        self.observe_facts(facts)
    }

    /// Evaluates facts already read (see [`Facts::of`]).
    pub fn observe_facts(&mut self, facts: Facts) -> Vec<Alert> {
        self.stats.observed += 1;
        if facts.money.is_some() && facts.base.is_none() {
            self.stats.unconverted += 1;
        }
        let time = match facts.time {
            Some(t) => t,
            None => {
                self.stats.undated += 1;
                self.watermark.unwrap_or(0)
            }
        };
        let watermark = self.watermark.map_or(time, |w| w.max(time));
        self.watermark = Some(watermark);
        let event = Ev {
            facts: &facts,
            time,
            id: Arc::from(facts.id.as_str()),
        };
        let mut alerts = Vec::new();
        for compiled in &mut self.rules {
            if let Some(alert) = evaluate(compiled, &event, &self.hasher) {
                alerts.push(finish(&self.pack_version, alert, &compiled.rule, time));
            }
        }
        self.stats.alerts += alerts.len() as u64;
        self.maybe_sweep(watermark);
        alerts
    }
}

fn finish(pack_version: &str, raw: RawAlert, rule: &Rule, time: i64) -> Alert {
    Alert {
        rule_id: rule.id.clone(),
        rule_version: rule.version,
        pack_version: pack_version.to_string(),
        kind: rule.kind.name().to_string(),
        title: rule.title.clone(),
        fatf: rule.fatf.clone(),
        party: raw.party,
        transfer_ids: raw.ids,
        time: format_timestamp(time),
        explanation: raw.explanation,
    }
}

impl Monitor {
    /// Once per day of transaction time, drops what no window can see any more.
    fn maybe_sweep(&mut self, watermark: i64) {
        let held: usize = self.rules.iter().map(|r| r.windows.held).sum();
        self.stats.peak_events_held = self.stats.peak_events_held.max(held);
        if watermark.saturating_sub(self.last_sweep) < DAY {
            self.stats.events_held = held;
            return;
        }
        self.last_sweep = watermark;
        for compiled in &mut self.rules {
            compiled.windows.sweep(watermark - compiled.window);
        }
        self.stats.events_held = self.rules.iter().map(|r| r.windows.held).sum();
    }
}

fn window_days(kind: &RuleKind) -> u32 {
    match kind {
        RuleKind::Structuring { window_days, .. }
        | RuleKind::RapidPassThrough { window_days, .. }
        | RuleKind::RoundAmount { window_days, .. } => *window_days,
        RuleKind::FanIn(fan) | RuleKind::FanOut(fan) => fan.window_days,
        RuleKind::HighRiskJurisdiction { .. } => 0,
    }
}

struct Ev<'a> {
    facts: &'a Facts,
    time: i64,
    id: Arc<str>,
}

struct RawAlert {
    party: String,
    ids: Vec<String>,
    explanation: String,
}

fn evaluate(compiled: &mut Compiled, ev: &Ev<'_>, hasher: &ahash::RandomState) -> Option<RawAlert> {
    match &compiled.rule.kind {
        RuleKind::Structuring { .. } => structuring(compiled, ev),
        RuleKind::FanIn(_) | RuleKind::FanOut(_) => fan(compiled, ev, hasher),
        RuleKind::HighRiskJurisdiction { .. } => high_risk(compiled, ev),
        RuleKind::RapidPassThrough { .. } => pass_through(compiled, ev),
        RuleKind::RoundAmount { .. } => round_amount(compiled, ev),
    }
}

fn structuring(compiled: &mut Compiled, ev: &Ev<'_>) -> Option<RawAlert> {
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
    let ids = repeated(
        &mut compiled.windows,
        key,
        event(ev, base, 0),
        compiled.window,
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
    Some(fire(&mut compiled.windows, key, ids, explanation))
}

fn fan(compiled: &mut Compiled, ev: &Ev<'_>, hasher: &ahash::RandomState) -> Option<RawAlert> {
    let (min_parties, cross_border_only, incoming) = match &compiled.rule.kind {
        RuleKind::FanIn(fan) => (fan.min_parties, fan.cross_border_only, true),
        RuleKind::FanOut(fan) => (fan.min_parties, fan.cross_border_only, false),
        _ => return None,
    };
    if cross_border_only && !ev.facts.is_cross_border() {
        return None;
    }
    if !above_minimum(compiled.limit, ev) {
        return None;
    }
    let (hub, spoke) = if incoming {
        (ev.facts.creditor.as_deref()?, ev.facts.debtor.as_deref()?)
    } else {
        (ev.facts.debtor.as_deref()?, ev.facts.creditor.as_deref()?)
    };
    let other = hasher.hash_one(spoke);
    let base = ev.facts.base.unwrap_or(0);
    let in_window = compiled
        .windows
        .push(hub, event(ev, base, other), compiled.window);
    let mut distinct: Vec<u64> = in_window.iter().map(|e| e.other).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < min_parties {
        return None;
    }
    let ids = ids(&in_window);
    let (spokes, hub_name) = if incoming {
        ("originators paid", "one beneficiary")
    } else {
        ("beneficiaries were paid by", "one originator")
    };
    let explanation = format!(
        "{} distinct {spokes} {hub_name} in {} transfers within {} days{}",
        distinct.len(),
        ids.len(),
        compiled.window / DAY,
        if cross_border_only {
            " (cross-border only)"
        } else {
            ""
        }
    );
    Some(fire(&mut compiled.windows, hub, ids, explanation))
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
    let party = ev
        .facts
        .debtor
        .clone()
        .or_else(|| ev.facts.creditor.clone())?;
    Some(RawAlert {
        party,
        ids: vec![ev.facts.id.clone()],
        explanation: format!("high-risk jurisdiction: {}", found.join(", ")),
    })
}

fn pass_through(compiled: &mut Compiled, ev: &Ev<'_>) -> Option<RawAlert> {
    let RuleKind::RapidPassThrough { min_percent, .. } = &compiled.rule.kind else {
        return None;
    };
    let base = ev.facts.base?;
    let (debtor, creditor) = (ev.facts.debtor.as_deref(), ev.facts.creditor.as_deref());
    if debtor.is_some() && debtor == creditor {
        return None;
    }
    if let Some(receiver) = creditor {
        compiled
            .windows
            .push(receiver, event(ev, base, 1), compiled.window);
    }
    let sender = debtor?;
    let min = compiled.limit?;
    let in_window = compiled
        .windows
        .push(sender, event(ev, base, 0), compiled.window);
    let first_in = in_window.iter().position(|e| e.other == 1)?;
    let flows = in_window.get(first_in..)?;
    let received: i128 = flows.iter().filter(|e| e.other == 1).map(|e| e.base).sum();
    let sent: i128 = flows.iter().filter(|e| e.other == 0).map(|e| e.base).sum();
    if received < min.base
        || sent.saturating_mul(100) < received.saturating_mul(i128::from(*min_percent))
    {
        return None;
    }
    let ids = ids(flows);
    let explanation = format!(
        "account received funds and sent on {}% of them within {} days (at least {}% required, at least {} received)",
        sent.saturating_mul(100) / received.max(1),
        compiled.window / DAY,
        min_percent,
        min.money
    );
    Some(fire(&mut compiled.windows, sender, ids, explanation))
}

fn round_amount(compiled: &mut Compiled, ev: &Ev<'_>) -> Option<RawAlert> {
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
    let ids = repeated(
        &mut compiled.windows,
        key,
        event(ev, base, 0),
        compiled.window,
        *min_count,
    )?;
    let explanation = format!(
        "{} transfer(s) by {} in exact multiples of {unit} {} (at least {}), latest {money}",
        ids.len(),
        side_name(*side),
        money.currency,
        min.money
    );
    Some(fire(&mut compiled.windows, key, ids, explanation))
}

/// Adds `event` to `key`'s window; the ids in the window once it holds `min_count` events.
fn repeated(
    windows: &mut Windows,
    key: &str,
    event: Event,
    window: i64,
    min_count: usize,
) -> Option<Vec<String>> {
    let in_window = windows.push(key, event, window);
    (in_window.len() >= min_count).then(|| ids(&in_window))
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

fn ids(events: &[&Event]) -> Vec<String> {
    events.iter().map(|e| e.id.to_string()).collect()
}

fn fire(windows: &mut Windows, key: &str, ids: Vec<String>, explanation: String) -> RawAlert {
    windows.clear(key);
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
