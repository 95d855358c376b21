//! Transfer screening shared by `cordon transfers screen` and
//! `POST /v1/transfers`: a [`TransferScreener`] checks one parsed payment
//! message for FATF R16 information, screens its party and agent names
//! against the index and its free texts with the text scanner, and feeds it
//! to the typology rules; the result is a [`TransferReport`].

use cordon_match::textscan::{TextHit, TextScanner};
use cordon_match::{Index, Match, Query, ScreenOptions};
use cordon_model::transfer::{Agent, Party, Transfer};
use cordon_monitor::{Alert, Monitor};
use cordon_payments::{check_r16, Finding, R16Config};
use serde::Serialize;
use serde_json::{json, Value};

/// Names shown per screened party or agent.
pub const MATCHES_PER_NAME: usize = 5;

/// One name or free text of a transfer that found listed entities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameHit {
    /// Where in the transfer: `debtor`, `creditor_agent`, `underlying.remittance`...
    pub role: String,
    /// The screened name (party or agent hits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The scanned text (free-text hits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Index matches of the name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<Match>,
    /// Listed names found in the text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub text_hits: Vec<TextHit>,
}

impl NameHit {
    /// Ids of the listed entities this hit names.
    pub fn entity_ids(&self) -> impl Iterator<Item = &str> {
        self.matches
            .iter()
            .map(|m| m.entity_id.as_str())
            .chain(self.text_hits.iter().map(|h| h.entity_id.as_str()))
    }
}

/// Everything found on one transfer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferReport {
    /// The transfer's id: UETR, else message, instruction or end-to-end id.
    pub id: Option<String>,
    /// Format, type, amount, parties and agents, for a person.
    pub summary: Value,
    /// FATF R16 findings.
    pub r16: Vec<Finding>,
    /// Names and texts that found listed entities.
    pub hits: Vec<NameHit>,
    /// Typology rule alerts raised when this transfer arrived.
    pub alerts: Vec<Alert>,
}

impl TransferReport {
    /// Ids of every listed entity hit, in report order, each once.
    pub fn hit_entity_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for id in self.hits.iter().flat_map(NameHit::entity_ids) {
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_string());
            }
        }
        ids
    }
}

/// The stateless part of transfer screening: names, texts and R16. Cheap to
/// share between threads; the typology [`Monitor`] is passed separately
/// because it must see transfers one at a time, in arrival order.
pub struct TransferScreener<'a> {
    /// The name index.
    pub index: &'a Index,
    /// The free-text scanner built from the same entities.
    pub scanner: &'a TextScanner,
    /// Threshold and matches per name.
    pub options: ScreenOptions,
    /// R16 threshold and rates.
    pub r16: R16Config,
}

impl TransferScreener<'_> {
    /// A screener with the default R16 configuration and
    /// [`MATCHES_PER_NAME`] matches per name.
    pub fn new<'a>(
        index: &'a Index,
        scanner: &'a TextScanner,
        threshold: f64,
    ) -> TransferScreener<'a> {
        TransferScreener {
            index,
            scanner,
            options: ScreenOptions {
                threshold,
                limit: MATCHES_PER_NAME,
            },
            r16: R16Config::default(),
        }
    }

    /// Screens one transfer and evaluates the rules on it.
    pub fn screen(&self, transfer: &Transfer, monitor: &mut Monitor) -> TransferReport {
        let mut report = self.check(transfer);
        report.alerts = monitor.observe(transfer);
        report
    }

    /// Everything but the typology rules (`alerts` is left empty): safe to
    /// run on many transfers in parallel.
    pub fn check(&self, transfer: &Transfer) -> TransferReport {
        TransferReport {
            id: cordon_monitor::facts::transfer_id(transfer),
            summary: summary(transfer),
            r16: check_r16(transfer, &self.r16),
            hits: self.name_hits(transfer),
            alerts: Vec::new(),
        }
    }

    /// Names of parties and agents through the index, free texts through the
    /// scanner, for the transfer and the customer transfer it covers.
    fn name_hits(&self, transfer: &Transfer) -> Vec<NameHit> {
        let mut hits = Vec::new();
        for (prefix, t) in std::iter::once(("", transfer))
            .chain(transfer.underlying.as_deref().map(|u| ("underlying.", u)))
        {
            for (role, party) in t.parties() {
                let Some(name) = non_blank(party.name.as_deref()) else {
                    continue;
                };
                let mut query = Query::name(name);
                query.country = party_country(party);
                let matches = self.index.screen(&query, &self.options);
                push_matches(
                    &mut hits,
                    format!("{prefix}{}", role_name(&role)),
                    name,
                    matches,
                );
            }
            for (role, agent) in t.agents() {
                if let Some(name) = agent_name(agent) {
                    let matches = self.index.screen(&Query::name(name), &self.options);
                    push_matches(
                        &mut hits,
                        format!("{prefix}{}", role_name(&role)),
                        name,
                        matches,
                    );
                }
            }
            for (field, text) in free_texts(t) {
                let found = self.scanner.scan(&text);
                if !found.is_empty() {
                    hits.push(NameHit {
                        role: format!("{prefix}{field}"),
                        name: None,
                        text: Some(text),
                        matches: Vec::new(),
                        text_hits: found,
                    });
                }
            }
        }
        hits
    }
}

fn push_matches(hits: &mut Vec<NameHit>, role: String, name: &str, matches: Vec<Match>) {
    if !matches.is_empty() {
        hits.push(NameHit {
            role,
            name: Some(name.to_string()),
            text: None,
            matches,
            text_hits: Vec::new(),
        });
    }
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|n| !n.trim().is_empty())
}

fn agent_name(agent: &Agent) -> Option<&str> {
    non_blank(agent.name.as_deref())
}

/// The summary of a transfer: for a cover payment, the money and parties of
/// the customer transfer it covers.
fn summary(t: &Transfer) -> Value {
    let customer = t.underlying.as_deref().unwrap_or(t);
    let money = t.amount.or(customer.amount);
    let agents: Vec<Value> = t
        .agents()
        .filter_map(|(role, a)| a.bic.as_ref().map(|bic| json!({"role": role, "bic": bic})))
        .collect();
    json!({
        "format": t.format,
        "message_type": t.message_type,
        "uetr": t.uetr,
        "message_id": t.message_id,
        "amount": money.map(|m| m.amount.to_string()),
        "currency": money.map(|m| m.currency.as_str().to_string()),
        "settlement_date": t.settlement_date,
        "debtor": party_summary(customer.debtor.as_ref()),
        "creditor": party_summary(customer.creditor.as_ref()),
        "agents": agents,
    })
}

fn party_summary(party: Option<&Party>) -> Value {
    let Some(p) = party else { return Value::Null };
    json!({
        "name": p.name,
        "country": party_country(p),
        "account": p.account.as_ref().map(|a| a.id.clone()),
    })
}

fn party_country(p: &Party) -> Option<String> {
    p.address
        .as_ref()
        .and_then(|a| a.country.clone())
        .or_else(|| p.country_of_residence.clone())
}

/// Free texts worth scanning: remittance lines (joined, as a name may wrap a
/// line) and instructions to the next agents.
fn free_texts(t: &Transfer) -> Vec<(&'static str, String)> {
    let mut texts = Vec::new();
    let remittance: Vec<&str> = t
        .remittance
        .unstructured
        .iter()
        .chain(&t.remittance.structured)
        .map(String::as_str)
        .collect();
    if !remittance.is_empty() {
        texts.push(("remittance", remittance.join(" ")));
    }
    if !t.instructions.is_empty() {
        texts.push(("instructions", t.instructions.join(" ")));
    }
    texts
}

fn role_name<T: Serialize>(role: &T) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
