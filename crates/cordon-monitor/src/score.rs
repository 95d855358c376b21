//! Precision and recall of each rule over a generated stream whose planted patterns and near
//! misses are known ([`crate::generate`]).
//!
//! An alert of a rule is right when one of its transfers belongs to an injection that should
//! raise that rule ([`Generated::expects`]); otherwise it is wrong, on a near miss or on
//! background traffic. A rule's recall is the share of the injections that should raise it
//! which an alert of it touches; its precision is the share of its alerts that are right.

use crate::generate::Generated;
use crate::Alert;
use ahash::{AHashMap, AHashSet};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The score of one rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleScore {
    /// Alerts raised.
    pub alerts: usize,
    /// Alerts on an injection that should raise the rule.
    pub right: usize,
    /// Wrong alerts touching a near miss.
    pub on_near_misses: usize,
    /// Wrong alerts on background traffic (or on other patterns).
    pub elsewhere: usize,
    /// Complete injections that should raise the rule.
    pub expected: usize,
    /// Of those, the ones an alert of the rule touched.
    pub found: usize,
}

impl RuleScore {
    /// Right alerts / alerts (1 when there is no alert).
    pub fn precision(&self) -> f64 {
        ratio(self.right, self.alerts)
    }

    /// Found / expected (1 when nothing was expected).
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.expected)
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

struct Injection {
    expects: Vec<&'static str>,
    near_miss: bool,
    complete: bool,
}

/// Collects the generated transfers and the alerts, then scores every rule.
#[derive(Default)]
pub struct Scorer {
    instance_of: AHashMap<String, u64>,
    injections: AHashMap<u64, Injection>,
    scores: BTreeMap<String, RuleScore>,
    found: AHashSet<(String, u64)>,
}

impl Scorer {
    /// An empty scorer for the rules `rule_ids` (every rule of the pack, so that a rule that
    /// never fires is scored too).
    pub fn new<'a>(rule_ids: impl IntoIterator<Item = &'a str>) -> Scorer {
        Scorer {
            scores: rule_ids
                .into_iter()
                .map(|id| (id.to_string(), RuleScore::default()))
                .collect(),
            ..Scorer::default()
        }
    }

    /// Notes a generated transfer (before its alerts).
    pub fn transfer(&mut self, generated: &Generated) {
        let (Some(instance), Some(id)) = (generated.instance, generated.transfer.reference())
        else {
            return;
        };
        self.instance_of.insert(id.to_string(), instance);
        let injection = self
            .injections
            .entry(instance)
            .or_insert_with(|| Injection {
                expects: generated.expects.clone(),
                near_miss: generated.near_miss,
                complete: false,
            });
        injection.complete |= generated.completes;
    }

    /// Notes an alert.
    pub fn alert(&mut self, alert: &Alert) {
        let touched: Vec<u64> = alert
            .transfer_ids
            .iter()
            .filter_map(|id| self.instance_of.get(id).copied())
            .collect();
        let right: Vec<u64> = touched
            .iter()
            .copied()
            .filter(|i| {
                self.injections
                    .get(i)
                    .is_some_and(|inj| inj.expects.contains(&alert.rule_id.as_str()))
            })
            .collect();
        let near_miss = touched
            .iter()
            .any(|i| self.injections.get(i).is_some_and(|inj| inj.near_miss));
        let score = self.scores.entry(alert.rule_id.clone()).or_default();
        score.alerts += 1;
        if !right.is_empty() {
            score.right += 1;
        } else if near_miss {
            score.on_near_misses += 1;
        } else {
            score.elsewhere += 1;
        }
        for instance in right {
            self.found.insert((alert.rule_id.clone(), instance));
        }
    }

    /// The score of every rule, by rule id.
    pub fn scores(&self) -> BTreeMap<String, RuleScore> {
        let mut scores = self.scores.clone();
        for (instance, injection) in &self.injections {
            if !injection.complete {
                continue;
            }
            for rule in &injection.expects {
                let score = scores.entry(rule.to_string()).or_default();
                score.expected += 1;
                if self.found.contains(&(rule.to_string(), *instance)) {
                    score.found += 1;
                }
            }
        }
        scores
    }
}

/// The scores as a Markdown table (rule, planted found, alerts, wrong on near misses and
/// elsewhere, precision, recall).
pub fn table(scores: &BTreeMap<String, RuleScore>) -> String {
    let mut out = String::from(
        "| rule | found / expected | alerts | wrong: near misses | wrong: elsewhere | precision | recall |\n|---|---|---|---|---|---|---|\n",
    );
    for (rule, s) in scores {
        let _ = writeln!(
            out,
            "| {rule} | {} / {} | {} | {} | {} | {:.3} | {:.3} |",
            s.found,
            s.expected,
            s.alerts,
            s.on_near_misses,
            s.elsewhere,
            s.precision(),
            s.recall()
        );
    }
    out
}
