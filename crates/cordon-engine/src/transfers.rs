//! Transfer screening shared by `cordon transfers screen` and
//! `POST /v1/transfers`: a [`TransferScreener`] checks one parsed payment
//! message for FATF R16 information, screens its party and agent names
//! against the index and its free texts with the text scanner, and feeds it
//! to the typology rules; the result is a [`TransferReport`].

use crate::name_cache::{NameCache, NameKey};
use crate::Indexed;
use cordon_match::textscan::{self, TextHit, TextScanner};
use cordon_match::{Explanation, Index, Match, Query, ScreenOptions};
use cordon_model::transfer::{Agent, Party, PostalAddress, Transfer};
use cordon_model::Entity;
use cordon_monitor::{Alert, Delivery, Monitor, Observation};
use cordon_payments::{check_r16, Finding, R16Config};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashSet;

/// Names shown per screened party or agent.
pub const MATCHES_PER_NAME: usize = 5;

/// Matches looked through when re-scoring the span of a free-text hit.
const RESCORE_LIMIT: usize = 32;
/// Most words a text hit's span is widened by on each side.
const MAX_WIDEN: usize = 6;

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
    /// Listed names found in the text, each confirmed by the matching engine.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub text_hits: Vec<TextMatch>,
}

/// A listed name found in a free text by the scanner, re-scored by the
/// matching engine like a party name: the scanner only says which listed
/// tokens stand close together, the engine says how well the span of text
/// holding them matches the entity's names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextMatch {
    /// What the scanner found (its fields are serialized inline).
    #[serde(flatten)]
    pub found: TextHit,
    /// The text screened: the span, widened to adjacent words of the entity's names.
    pub screened: String,
    /// Its score against the entity, in [0, 1], on the name scale.
    pub score: f64,
    /// The listed name the span matched best, as published.
    pub matched_name: String,
    /// Why the span scores as it does (token alignment, adjustments).
    pub match_explanation: Explanation,
}

/// A text match reads as the scanner's hit (`entity_id`, `name`, `span`...).
impl std::ops::Deref for TextMatch {
    type Target = TextHit;

    fn deref(&self) -> &TextHit {
        &self.found
    }
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
    /// How the typology rules took it, when not in order: `late` (evaluated
    /// at its own time), `duplicate` (a repeat, not counted again) or
    /// `too_late` (beyond the pack's lateness bound: not evaluated, so a
    /// person must look at it; see [`crate::transfer_audit::transfer_alerts`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// Faults the reader worked around (`Transfer::warnings`, with those of
    /// the customer transfer a cover payment carries): the transfer was read
    /// and screened, but a person should look at these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl TransferReport {
    /// Takes what the typology rules made of the transfer: their alerts, and
    /// how it was delivered when that was not in order.
    pub fn observed(&mut self, observation: Observation) {
        self.alerts = observation.alerts;
        self.delivery = (observation.delivery != Delivery::InOrder).then_some(observation.delivery);
    }

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
    /// What names and texts screened gave, its own or the lists' (see
    /// [`TransferScreener::for_lists`]).
    memory: Memory<'a>,
}

/// What screening against one index gave for the party and agent names and
/// free texts a stream of transfers repeats. Results depend on the index, so
/// a memory belongs with it: [`Indexed`] holds one, so that a worker's or the
/// service's batches after the first find the names the earlier ones screened,
/// and a new list version starts with an empty memory.
#[derive(Debug)]
pub struct TransferMemory {
    /// What each party or agent name screened gave.
    names: NameCache<Option<NameHit>>,
    /// What each free text scanned gave (a regular party's address lines, a
    /// standing order's purpose); apart from `names`, so that one-off
    /// remittance texts never push a name out.
    texts: NameCache<Vec<TextMatch>>,
}

impl Default for TransferMemory {
    fn default() -> Self {
        TransferMemory::with_generation(crate::name_cache::GENERATION)
    }
}

impl TransferMemory {
    /// A memory keeping at most `2 * names` names and as many free texts (0: none).
    pub fn with_generation(names: usize) -> TransferMemory {
        TransferMemory {
            names: NameCache::with_generation(names),
            texts: NameCache::with_generation(names),
        }
    }

    /// Names and texts remembered now.
    pub fn len(&self) -> usize {
        self.names.len() + self.texts.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A screener's memory: its own, or one it shares with the other screeners of
/// the same lists.
enum Memory<'a> {
    Own(Box<TransferMemory>),
    Shared(&'a TransferMemory),
}

impl std::ops::Deref for Memory<'_> {
    type Target = TransferMemory;

    fn deref(&self) -> &TransferMemory {
        match self {
            Memory::Own(memory) => memory,
            Memory::Shared(memory) => memory,
        }
    }
}

impl<'a> TransferScreener<'a> {
    /// A screener with the default R16 configuration and
    /// [`MATCHES_PER_NAME`] matches per name.
    pub fn new(index: &'a Index, scanner: &'a TextScanner, threshold: f64) -> TransferScreener<'a> {
        TransferScreener {
            index,
            scanner,
            options: ScreenOptions {
                threshold,
                limit: MATCHES_PER_NAME,
            },
            r16: R16Config::default(),
            memory: Memory::Own(Box::default()),
        }
    }

    /// A screener of `lists` sharing their memory of names and texts with every
    /// other screener of the same lists (a worker's next batch, the service's
    /// next request).
    pub fn for_lists(lists: &'a Indexed, threshold: f64) -> TransferScreener<'a> {
        TransferScreener {
            memory: Memory::Shared(&lists.transfer_memory),
            ..TransferScreener::new(&lists.index, &lists.scanner, threshold)
        }
    }

    /// The same screener with a memory of its own remembering at most
    /// `2 * names` party and agent names, and as many free texts (0: none,
    /// every name and text is screened every time).
    pub fn with_name_memory(mut self, names: usize) -> Self {
        self.memory = Memory::Own(Box::new(TransferMemory::with_generation(names)));
        self
    }

    /// Screens one transfer and evaluates the rules on it.
    pub fn screen(&self, transfer: &Transfer, monitor: &mut Monitor) -> TransferReport {
        let mut report = self.check(transfer);
        report.observed(monitor.observe_delivery(transfer));
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
            delivery: None,
            warnings: warnings(transfer),
        }
    }

    /// Names of parties and agents through the index, free texts through the
    /// scanner, for the transfer and the customer transfer it covers.
    fn name_hits(&self, transfer: &Transfer) -> Vec<NameHit> {
        let mut hits = Vec::new();
        let mut screened = ScreenedNames::default();
        for (prefix, t) in std::iter::once(("", transfer))
            .chain(transfer.underlying.as_deref().map(|u| ("underlying.", u)))
        {
            for (role, party) in t.parties() {
                if let Some(name) = non_blank(party.name.as_deref()) {
                    let hit = screened.once(name, party_country(party), |name, country| {
                        self.name_hit(name, country)
                    });
                    push_hit(&mut hits, || format!("{prefix}{}", role_name(&role)), hit);
                }
            }
            for (role, agent) in t.agents() {
                if let Some(name) = agent_name(agent) {
                    let country = agent.country().map(str::to_string);
                    let hit =
                        screened.once(name, country, |name, country| self.name_hit(name, country));
                    push_hit(&mut hits, || format!("{prefix}{}", role_name(&role)), hit);
                }
            }
            for free in free_texts(t) {
                let found = self.free_text_matches(&free.text);
                if !found.is_empty() {
                    hits.push(NameHit {
                        role: format!("{prefix}{}", free.field),
                        name: None,
                        text: Some(free.text),
                        matches: Vec::new(),
                        text_hits: found,
                    });
                }
            }
        }
        hits
    }

    /// A party's or agent's name through both paths: whole through the index
    /// (with the party's country), and through the text scanner, which finds
    /// a listed name inside a longer one ("Doku Umarov c/o Green River
    /// Trading"): the index weighs every word of the field, so the padding
    /// words pull the whole-name score under the threshold. `None` when
    /// neither path finds anything. An entity found by both stays in both
    /// lists, so the hit explains both; [`transfer_alerts`](crate::transfer_audit::transfer_alerts)
    /// raises one alert for it.
    ///
    /// A name screened before with the same country is not screened again: the
    /// screener remembers the last few thousand ([`crate::name_cache`]).
    fn name_hit(&self, name: &str, country: Option<String>) -> Option<NameHit> {
        if !self.memory.names.remembers() {
            return self.screen_name(name, country);
        }
        let key = NameKey {
            name: name.to_string(),
            country: country.clone(),
            threshold: self.options.threshold.to_bits(),
            limit: self.options.limit,
        };
        self.memory
            .names
            .get_or_compute(key, || self.screen_name(name, country))
    }

    /// [`TransferScreener::name_hit`] without the memory.
    fn screen_name(&self, name: &str, country: Option<String>) -> Option<NameHit> {
        let mut query = Query::name(name);
        query.country = country;
        let matches = self.index.screen(&query, &self.options);
        let text_hits = self.text_matches(name);
        if matches.is_empty() && text_hits.is_empty() {
            return None;
        }
        Some(NameHit {
            role: String::new(),
            name: Some(name.to_string()),
            text: None,
            matches,
            text_hits,
        })
    }

    /// [`TransferScreener::text_matches`] of a free text, remembered like a name
    /// (the same text with the same options gives the same matches).
    fn free_text_matches(&self, text: &str) -> Vec<TextMatch> {
        if !self.memory.texts.remembers() {
            return self.text_matches(text);
        }
        let key = NameKey {
            name: text.to_string(),
            country: None,
            threshold: self.options.threshold.to_bits(),
            limit: self.options.limit,
        };
        self.memory
            .texts
            .get_or_compute(key, || self.text_matches(text))
    }

    /// The scanner's candidates in `text` that the matching engine confirms
    /// (see [`TransferScreener::rescore`]), one per entity: the best scored
    /// when several of its names were found.
    fn text_matches(&self, text: &str) -> Vec<TextMatch> {
        let found = self.scanner.scan(text);
        if found.is_empty() {
            return Vec::new();
        }
        let words = textscan::words(text);
        let mut kept: Vec<TextMatch> = Vec::new();
        for confirmed in found
            .into_iter()
            .filter_map(|hit| self.rescore(hit, &words))
        {
            match kept.iter_mut().find(|k| k.entity_id == confirmed.entity_id) {
                Some(known) if known.score < confirmed.score => *known = confirmed,
                Some(_) => {}
                None => kept.push(confirmed),
            }
        }
        kept
    }

    /// Screens the hit's span as a name through the index (same weights and
    /// threshold as a party name, no country: the text does not say where the
    /// named person is) and keeps the hit when its entity is among the
    /// matches. The scanner's span runs from the first to the last token it
    /// matched, so adjacent words of the entity's names it does not index
    /// ("al", "bin", a third name) are added back first: "PAYMENT FOR AKRIN
    /// SALEH AKRIN" is screened whole, not as "akrin saleh".
    fn rescore(&self, found: TextHit, words: &[String]) -> Option<TextMatch> {
        let options = ScreenOptions {
            threshold: self.options.threshold,
            limit: RESCORE_LIMIT,
        };
        let entity_match = |text: &str| {
            self.index
                .screen(&Query::name(text), &options)
                .into_iter()
                .find(|m| m.entity_id == found.entity_id)
        };
        let widened = self
            .index
            .entity(&found.entity_id)
            .and_then(|entity| widen(&found.span, words, entity));
        let (screened, best) = match widened {
            Some(wide) => match entity_match(&wide) {
                Some(m) => (wide, m),
                None => (found.span.clone(), entity_match(&found.span)?),
            },
            None => (found.span.clone(), entity_match(&found.span)?),
        };
        Some(TextMatch {
            screened,
            score: best.score,
            matched_name: best.matched_name,
            match_explanation: best.explanation,
            found,
        })
    }
}

/// The span widened to the adjacent words of `words` (the text's tokens)
/// that are tokens of the entity's names, at most [`MAX_WIDEN`] on each side;
/// `None` when the span is not found among the words (another script) or
/// nothing is added.
fn widen(span: &str, words: &[String], entity: &Entity) -> Option<String> {
    let span: Vec<&str> = span.split(' ').collect();
    let start = words
        .windows(span.len())
        .position(|w| w.iter().zip(&span).all(|(a, b)| a == b))?;
    let end = start + span.len();
    let listed: HashSet<String> = entity
        .names
        .iter()
        .flat_map(|n| textscan::words(&n.full))
        .collect();
    let of_entity = |i: &usize| words.get(*i).is_some_and(|w| listed.contains(w));
    let before = (start.saturating_sub(MAX_WIDEN)..start)
        .rev()
        .take_while(of_entity)
        .count();
    let after = (end..end + MAX_WIDEN).take_while(of_entity).count();
    if before + after == 0 {
        return None;
    }
    words.get(start - before..end + after).map(|w| w.join(" "))
}

/// The party and agent names one message has had screened, with their country and
/// result: a message often writes a name twice (the debtor again as ultimate debtor or
/// initiating party, a cover payment's agents again in the customer transfer it
/// carries), and the second is not screened again, whether or not the screener
/// remembers names across messages. A message names a handful, so a list is enough.
#[derive(Default)]
struct ScreenedNames<'t> {
    seen: Vec<(&'t str, Option<String>, Option<NameHit>)>,
}

impl<'t> ScreenedNames<'t> {
    /// The result for `name` with `country`: as screened before in this message, else
    /// `screen`'s.
    fn once(
        &mut self,
        name: &'t str,
        country: Option<String>,
        screen: impl FnOnce(&str, Option<String>) -> Option<NameHit>,
    ) -> Option<NameHit> {
        let before = self
            .seen
            .iter()
            .find(|(n, c, _)| *n == name && *c == country);
        if let Some((_, _, hit)) = before {
            return hit.clone();
        }
        let hit = screen(name, country.clone());
        self.seen.push((name, country, hit.clone()));
        hit
    }
}

/// Adds the hit of a name, if any; the role is only spelled out when there is one.
fn push_hit(hits: &mut Vec<NameHit>, role: impl FnOnce() -> String, hit: Option<NameHit>) {
    if let Some(mut hit) = hit {
        hit.role = role();
        hits.push(hit);
    }
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|n| !n.trim().is_empty())
}

fn agent_name(agent: &Agent) -> Option<&str> {
    non_blank(agent.name.as_deref())
}

/// The reader's warnings of a transfer and of the customer transfer it covers
/// (prefixed `underlying: `), each once.
fn warnings(t: &Transfer) -> Vec<String> {
    let mut all = t.warnings.clone();
    if let Some(underlying) = t.underlying.as_deref() {
        for warning in &underlying.warnings {
            let warning = format!("underlying: {warning}");
            if !all.contains(&warning) {
                all.push(warning);
            }
        }
    }
    all
}

/// The summary of a transfer: for a cover payment, the money and parties of
/// the customer transfer it covers. `amount` is the settled amount;
/// `instructed_amount` what the customer ordered (`InstdAmt`, MT 33B), which
/// may be in another currency, and which R16 weighs when present.
fn summary(t: &Transfer) -> Value {
    let customer = t.underlying.as_deref().unwrap_or(t);
    let money = t.amount.or(customer.amount);
    let instructed = t.instructed_amount.or(customer.instructed_amount);
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
        "instructed_amount": instructed.map(|m| m.amount.to_string()),
        "instructed_currency": instructed.map(|m| m.currency.as_str().to_string()),
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

/// One free text of a transfer and the field it came from.
struct FreeText {
    /// `remittance`, `purpose`, `instructions`, `debtor.address`, ...
    field: String,
    text: String,
}

/// Free texts worth scanning: remittance lines (joined, as a name may wrap a
/// line), a proprietary purpose, instructions to the next agents and the
/// unstructured address lines of every party and agent (MT 50K/59 and option
/// D keep every line after the name there, so a second name written on line
/// 2 is only seen here).
fn free_texts(t: &Transfer) -> Vec<FreeText> {
    let mut texts = Vec::new();
    let mut push = |field: String, lines: &mut dyn Iterator<Item = &str>| {
        let text = joined(lines);
        if !text.is_empty() {
            texts.push(FreeText { field, text });
        }
    };
    push(
        "remittance".into(),
        &mut t
            .remittance
            .unstructured
            .iter()
            .chain(&t.remittance.structured)
            .map(String::as_str),
    );
    if let Some(purpose) = t.purpose.as_deref().filter(|p| !is_purpose_code(p)) {
        push("purpose".into(), &mut std::iter::once(purpose));
    }
    push(
        "instructions".into(),
        &mut t.instructions.iter().map(String::as_str),
    );
    for (role, party) in t.parties() {
        if let Some(lines) = address_lines(party.address.as_ref()) {
            push(
                format!("{}.address", role_name(&role)),
                &mut lines.iter().map(String::as_str),
            );
        }
    }
    for (role, agent) in t.agents() {
        if let Some(lines) = address_lines(agent.address.as_ref()) {
            push(
                format!("{}.address", role_name(&role)),
                &mut lines.iter().map(String::as_str),
            );
        }
    }
    texts
}

/// The non-blank lines joined by one space (a name may wrap from one line to the next).
fn joined(lines: &mut dyn Iterator<Item = &str>) -> String {
    let mut text = String::new();
    for line in lines.map(str::trim).filter(|l| !l.is_empty()) {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(line);
    }
    text
}

fn address_lines(address: Option<&PostalAddress>) -> Option<&[String]> {
    address
        .map(|a| a.lines.as_slice())
        .filter(|lines| !lines.is_empty())
}

/// An ISO 20022 external purpose code (`SALA`, `GDDS`): four letters or
/// digits, no text to scan. `Purp/Prtry` is free text up to 35 characters.
fn is_purpose_code(purpose: &str) -> bool {
    let code = purpose.trim();
    code.len() == 4 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn role_name<T: Serialize>(role: &T) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::NameQuality;
    use std::sync::OnceLock;

    fn data(rel: &str) -> String {
        format!("{}/../../../shared/data/{rel}", env!("CARGO_MANIFEST_DIR"))
    }

    /// The UN list of 2026, indexed once for every test.
    fn un() -> &'static (Index, TextScanner) {
        static UN: OnceLock<(Index, TextScanner)> = OnceLock::new();
        UN.get_or_init(|| {
            let bytes =
                std::fs::read(data("lists/un/un_consolidated_2026-02-27.xml")).unwrap_or_default();
            let entities = cordon_lists::un::read(&bytes)
                .map(|l| l.entities)
                .unwrap_or_default();
            assert!(entities.len() > 900, "the UN list is read");
            let scanner = TextScanner::build(&entities);
            (Index::build(entities), scanner)
        })
    }

    fn screener() -> TransferScreener<'static> {
        let (index, scanner) = un();
        TransferScreener::new(index, scanner, cordon_match::DEFAULT_THRESHOLD)
    }

    fn sample(name: &str) -> String {
        std::fs::read_to_string(data(&format!("payments/{name}"))).unwrap_or_default()
    }

    /// The transfers of one message, parse errors failing the test.
    fn parse(message: &str) -> Vec<Transfer> {
        cordon_payments::parse(message.as_bytes())
            .into_iter()
            .map(|t| t.unwrap_or_else(|e| panic!("{e}: {message}")))
            .collect()
    }

    fn hit<'r>(report: &'r TransferReport, role: &str) -> Option<&'r NameHit> {
        report.hits.iter().find(|h| h.role == role)
    }

    const PACS008: &str = "cbpr_p_2_1_1_pacs.008.001.08_C_to_D.xml";
    const MT103: &str = "cbpr_p_2_1_1_MT103_C_to_D.fin";

    /// The MT103 sample as a new transfer of another day (its own UETR and reference).
    fn mt103_on(day: &str, reference: &str) -> Transfer {
        let mut transfer = parse(&sample(MT103)).remove(0);
        transfer.uetr = Some(format!("00000000-0000-4000-8000-{reference:0>12}"));
        transfer.message_id = Some(reference.to_string());
        transfer.creation_time = Some(format!("{day}T09:00"));
        transfer.settlement_date = Some(day.to_string());
        transfer
    }

    #[test]
    fn a_transfer_recorded_once_is_a_repeat_later_and_no_rule_sees_it_again() {
        use crate::transfer_audit::{record_once, TransferBatch, TransferContext};
        use cordon_store::TransferAlerts;
        let s = screener();
        let store = cordon_store::SqliteStore::open_in_memory().expect("a store");
        let mut monitor =
            Monitor::new(cordon_monitor::RulePack::default_pack().expect("the default pack"));
        let lists = vec!["un:test".to_string()];
        let context = TransferContext {
            lists: &lists,
            threshold: cordon_match::DEFAULT_THRESHOLD,
            pack_version: "test",
            caller: "test",
        };
        let message = sample(MT103);
        let mut first = [TransferBatch::check(&s, message.as_bytes())];
        let recorded = record_once(&store, &mut monitor, &mut first, &context).expect("recorded");
        assert!(!recorded[0].is_empty());
        assert!(recorded[0].iter().all(Option::is_some));
        let observed = monitor.stats().observed;
        let mut again = [TransferBatch::check(&s, message.as_bytes())];
        let repeated = record_once(&store, &mut monitor, &mut again, &context).expect("recorded");
        assert_eq!(repeated[0].len(), recorded[0].len());
        assert!(repeated[0].iter().all(Option::is_none));
        assert_eq!(monitor.stats().observed, observed);
        let counts = store.transfer_counts().expect("counts");
        assert_eq!(counts.screened, recorded[0].len() as u64);
        assert_eq!(counts.duplicates, recorded[0].len() as u64);
    }

    #[test]
    fn late_repeated_and_too_late_deliveries_are_said_and_too_late_ones_go_to_a_person() {
        let s = screener();
        let mut monitor =
            Monitor::new(cordon_monitor::RulePack::default_pack().expect("the default pack"));
        let first = mt103_on("2026-03-14", "1");
        let in_order = s.screen(&first, &mut monitor);
        assert_eq!(in_order.delivery, None);
        let repeat = s.screen(&first, &mut monitor);
        assert_eq!(repeat.delivery, Some(Delivery::Duplicate));
        // One day older than the latest: within the 72-hour default bound.
        let late = s.screen(&mt103_on("2026-03-13", "2"), &mut monitor);
        assert_eq!(late.delivery, Some(Delivery::Late));
        // Five days older: beyond it, so no rule saw it and a person must.
        let too_late = s.screen(&mt103_on("2026-03-09", "3"), &mut monitor);
        assert_eq!(too_late.delivery, Some(Delivery::TooLate));
        let json = serde_json::to_value(&too_late).expect("a report is JSON");
        assert_eq!(json["delivery"], "too_late");
        assert!(serde_json::to_value(&in_order)
            .expect("JSON")
            .get("delivery")
            .is_none());

        let routed = |report: &TransferReport| {
            crate::transfer_audit::transfer_alerts(report)
                .iter()
                .filter(|a| a.rule == crate::transfer_audit::TOO_LATE_RULE)
                .count()
        };
        assert_eq!(routed(&too_late), 1);
        assert_eq!(routed(&late) + routed(&repeat) + routed(&in_order), 0);
        let stats = monitor.stats();
        assert_eq!((stats.late, stats.too_late, stats.duplicates), (1, 1, 1));
    }

    #[test]
    fn shared_samples_are_clean_and_their_address_lines_are_scanned() {
        let s = screener();
        let dir = data("payments");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| {
            p.extension()
                .is_some_and(|e| e == "xml" || e == "fin" || e == "rje")
        });
        files.sort();
        assert!(files.len() >= 13, "{files:?}");
        let mut address_texts = 0;
        for path in &files {
            let bytes = std::fs::read(path).unwrap_or_default();
            for transfer in cordon_payments::parse(&bytes).into_iter().flatten() {
                let report = s.check(&transfer);
                assert!(report.hits.is_empty(), "{path:?}: {:?}", report.hits);
                address_texts += free_texts(&transfer)
                    .iter()
                    .filter(|f| f.field.ends_with(".address"))
                    .count();
            }
        }
        assert!(address_texts >= 10, "{address_texts}");
        let transfers = parse(&sample(PACS008));
        let texts: Vec<(String, String)> = free_texts(&transfers[0])
            .into_iter()
            .map(|f| (f.field, f.text))
            .collect();
        assert!(
            texts.contains(&("debtor.address".into(), "High Street".into())),
            "{texts:?}"
        );
        assert!(texts.contains(&("creditor.address".into(), "Aleksanterinkatu 19".into())));
    }

    #[test]
    fn listed_name_in_mt103_remittance_is_confirmed_with_a_score() {
        let s = screener();
        let message = sample(MT103).replace(
            ":70:/ROC/pacs008EndToEndId-001",
            ":70:/ROC/pacs008EndToEndId-001\nPAYMENT FOR UMAR PATEK",
        );
        let report = s.check(&parse(&message)[0]);
        let remittance = hit(&report, "remittance").expect("a remittance hit");
        let found = &remittance.text_hits[0];
        assert_eq!(found.entity_id, "un:QDi.294");
        assert_eq!(found.screened, "umar patek");
        assert!(found.score >= s.options.threshold && found.score <= 1.0);
        assert_eq!(found.score, found.match_explanation.score);
        assert!(!found.match_explanation.name.alignment.is_empty());
        assert_eq!(report.hit_entity_ids(), vec!["un:QDi.294".to_string()]);
        // The serialized hit carries the scanner's fields and the engine's score.
        let json = serde_json::to_value(remittance).unwrap_or_default();
        let first = &json["text_hits"][0];
        assert_eq!(first["span"], "umar patek");
        assert!(first["score"].as_f64().is_some() && first["match_explanation"].is_object());
    }

    #[test]
    fn listed_name_on_the_second_line_of_50k_or_50f_is_found_in_the_address() {
        let s = screener();
        let rje = sample("prowide_MT103-bulk-with-ack.rje");
        let edited = rje.replacen("NO. 62/64 FOO ROAD BENIN CITY", "C/O UMAR PATEK", 1);
        let transfers = parse(&edited);
        assert_eq!(transfers.len(), 3);
        let report = s.check(&transfers[0]);
        let address = hit(&report, "debtor.address").expect("an address hit");
        assert_eq!(address.text.as_deref(), Some("C/O UMAR PATEK EDO STATE"));
        assert_eq!(address.text_hits[0].entity_id, "un:QDi.294");
        assert!(s.check(&transfers[1]).hits.is_empty());

        // 50F: line 2/ is an address line; 59F too.
        let message = sample(MT103)
            .replace("2/High Street", "2/AL RASHID TRUST")
            .replace("2/Aleksanterinkatu 19", "2/UMAR PATEK");
        let report = s.check(&parse(&message)[0]);
        let debtor = hit(&report, "debtor.address").expect("debtor address hit");
        assert_eq!(debtor.text_hits[0].entity_id, "un:QDe.005");
        let creditor = hit(&report, "creditor.address").expect("creditor address hit");
        assert_eq!(creditor.text_hits[0].entity_id, "un:QDi.294");
    }

    #[test]
    fn iso_address_lines_and_proprietary_purpose_are_scanned_codes_are_not() {
        let s = screener();
        let with_purpose = |purpose: &str| {
            sample(PACS008)
                .replace(
                    "<pacs:AdrLine>Aleksanterinkatu 19</pacs:AdrLine>",
                    "<pacs:AdrLine>Umar Patek</pacs:AdrLine>",
                )
                .replace(
                    "<pacs:RmtInf>",
                    &format!("<pacs:Purp>{purpose}</pacs:Purp><pacs:RmtInf>"),
                )
        };
        let message = with_purpose("<pacs:Prtry>DONATION AL RASHID TRUST</pacs:Prtry>");
        let transfer = &parse(&message)[0];
        assert_eq!(
            transfer.purpose.as_deref(),
            Some("DONATION AL RASHID TRUST")
        );
        let report = s.check(transfer);
        let purpose = hit(&report, "purpose").expect("a purpose hit");
        assert_eq!(purpose.text_hits[0].entity_id, "un:QDe.005");
        let creditor = hit(&report, "creditor.address").expect("an address hit");
        assert_eq!(creditor.text_hits[0].entity_id, "un:QDi.294");

        let coded = parse(&with_purpose("<pacs:Cd>CHAR</pacs:Cd>"));
        assert_eq!(coded[0].purpose.as_deref(), Some("CHAR"));
        assert!(free_texts(&coded[0]).iter().all(|f| f.field != "purpose"));
        assert!(is_purpose_code("GDDS") && !is_purpose_code("DONATION"));
    }

    #[test]
    fn agent_names_are_screened_with_their_bic_country() {
        let s = screener();
        let named_agent = |bic: &str| {
            let message = sample(PACS008).replace(
                "<pacs:BICFI>RBOSGB2LXXX</pacs:BICFI>",
                &format!("<pacs:BICFI>{bic}</pacs:BICFI><pacs:Nm>AL RASHID TRUST</pacs:Nm>"),
            );
            let report = s.check(&parse(&message)[0]);
            let agent = hit(&report, "debtor_agent").cloned();
            agent.and_then(|h| h.matches.into_iter().find(|m| m.source_id == "QDe.005"))
        };
        let pakistani = named_agent("ALRTPKKAXXX").expect("a match in PK");
        let country: Vec<_> = pakistani
            .explanation
            .qualifiers
            .iter()
            .filter(|q| q.qualifier == cordon_match::Qualifier::Country)
            .collect();
        assert!(
            country
                .iter()
                .any(|q| q.detail.contains("PK") && q.contribution > 0.0),
            "{country:?}"
        );
        // The same name from a bank in another country is not helped by it.
        let finnish = named_agent("ALRTFIHHXXX").expect("still a name match");
        assert!(
            finnish.score < pakistani.score,
            "{} {}",
            finnish.score,
            pakistani.score
        );
    }

    #[test]
    fn text_hits_the_engine_does_not_confirm_are_dropped() {
        let s = screener();
        // Close enough for the scanner, not one name for the engine.
        let text = "UMAR RENT PAID PATEK";
        assert!(s
            .scanner
            .scan(text)
            .iter()
            .any(|h| h.entity_id == "un:QDi.294"));
        assert!(s.text_matches(text).is_empty());
        assert_eq!(s.text_matches("payment for Umar Patek").len(), 1);
    }

    /// Every strong listed name written in a remittance text: those the scanner
    /// finds, the engine confirms (widening the span to the whole name).
    /// Measured on UN 2026-02-27: Latin-script names 2,388 of 2,391 finds
    /// confirmed; names in other scripts (not allowed in SWIFT MT or CBPR+
    /// texts) 272 of 340, as their span cannot be widened to the whole name
    /// and two words of a longer listed name are only a partial match.
    #[test]
    fn listed_names_in_remittance_texts_keep_their_recall() {
        let s = screener();
        // (found, confirmed) for Latin-script names and for the others.
        let (mut latin, mut other) = ((0usize, 0usize), (0usize, 0usize));
        for entity in s.index.entities() {
            let strong = entity
                .names
                .iter()
                .filter(|n| n.quality == NameQuality::Strong);
            for name in strong {
                let text = format!("PAYMENT FOR {} INV 22", name.full);
                if !s
                    .scanner
                    .scan(&text)
                    .iter()
                    .any(|h| h.entity_id == entity.id)
                {
                    continue;
                }
                let kept = s.text_matches(&text);
                let confirmed = usize::from(kept.iter().any(|h| h.entity_id == entity.id));
                let tally = if is_latin(&name.full) {
                    &mut latin
                } else {
                    &mut other
                };
                tally.0 += 1;
                tally.1 += confirmed;
            }
        }
        eprintln!("latin {latin:?}, other scripts {other:?} (found, confirmed)");
        assert!(latin.0 > 2000, "{latin:?}");
        assert!(latin.1 as f64 >= 0.99 * latin.0 as f64, "{latin:?}");
        assert!(other.1 as f64 >= 0.75 * other.0 as f64, "{other:?}");
    }

    /// Letters of the Latin script only (ASCII and Latin-1/Extended-A/B).
    fn is_latin(text: &str) -> bool {
        text.chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c))
    }

    /// Names broken up by filler words: the scanner flags them, the engine
    /// drops them (measured: 0 of 617 kept).
    #[test]
    fn scattered_name_tokens_are_dropped() {
        let s = screener();
        let (mut flagged, mut kept) = (0usize, 0usize);
        for entity in s.index.entities() {
            let Some(name) = entity.names.first() else {
                continue;
            };
            let words = textscan::words(&name.full);
            let long: Vec<&String> = words.iter().filter(|w| w.len() >= 4).collect();
            let [first, second, ..] = long.as_slice() else {
                continue;
            };
            let text = format!("PAYMENT {first} RENT PAID {second} INV 22");
            if s.scanner
                .scan(&text)
                .iter()
                .any(|h| h.entity_id == entity.id)
            {
                flagged += 1;
                let confirmed = s.text_matches(&text);
                kept += usize::from(confirmed.iter().any(|h| h.entity_id == entity.id));
            }
        }
        assert!(flagged > 500, "{flagged}");
        assert!(kept * 50 < flagged, "{kept} of {flagged}");
    }

    #[test]
    fn spans_widen_to_adjacent_words_of_the_entity_names() {
        let (index, _) = un();
        let entity = index.entity("un:QDi.294").expect("Umar Patek");
        let words = textscan::words("payment for UMAR PATEK, inv 22");
        assert_eq!(
            widen("patek", &words, entity).as_deref(),
            Some("umar patek")
        );
        assert_eq!(widen("umar patek", &words, entity), None);
        assert_eq!(widen("zzz", &words, entity), None);
        assert_eq!(
            textscan::words("‘Abd al-Rahman O'Neil"),
            vec!["abd", "al", "rahman", "oneil"]
        );
        assert!(textscan::words("").is_empty() && textscan::words("//").is_empty());
    }

    /// The creditor of the pacs.008 sample renamed (XML-escaped).
    fn with_creditor(name: &str) -> Transfer {
        let escaped = name
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let message = sample(PACS008).replace(
            "<pacs:Nm>Evli</pacs:Nm>",
            &format!("<pacs:Nm>{escaped}</pacs:Nm>"),
        );
        parse(&message).remove(0)
    }

    /// Fourteen UN individuals spread over the list (every n-th with a primary
    /// name of two or three words), as `(entity id, primary name)`.
    fn spread_un_people(count: usize) -> Vec<(String, String)> {
        let (index, _) = un();
        let people: Vec<(String, String)> = index
            .entities()
            .iter()
            .filter(|e| e.schema == cordon_model::Schema::Person)
            .filter_map(|e| {
                let name = e.names.first()?;
                let words = name.full.split_whitespace().count();
                (2..=3)
                    .contains(&words)
                    .then(|| (e.id.clone(), name.full.clone()))
            })
            .collect();
        let step = (people.len() / count).max(1);
        people.into_iter().step_by(step).take(count).collect()
    }

    /// Listed names inside longer creditor names, four or eight ordinary
    /// words after or around them. Measured on UN 2026-02-27 with these 14
    /// people: whole-name screening alone (the matcher's own search for a
    /// listed name inside a longer one) finds 10, 9, 10 and 10 of 14 (the
    /// issue's 2 of 14 was measured before that search existed); with the
    /// scanner on names too, 11 of 14 in all four. (Both were 14 of 14 before
    /// the matcher required a person found inside a longer name to carry the
    /// information of a partial match, which stopped "Erik John Lee" alerting
    /// on LEE, John; the three lost are names of common words.)
    #[test]
    fn listed_names_padded_inside_a_creditor_name_are_found() {
        let s = screener();
        let people = spread_un_people(14);
        assert_eq!(people.len(), 14);
        // Words before and after the listed name.
        let paddings = [
            ("four", "", " c/o Green River Trading"),
            (
                "eight",
                "Attn Accounts Payable Dept ",
                " c/o Green River Trading",
            ),
            ("four around", "Sunrise Bakery ", " Export House"),
            (
                "eight around",
                "Sunrise Bakery Northern Export ",
                " House Delta Agro Partners",
            ),
        ];
        for (label, before, after) in paddings {
            let (mut whole_name, mut found) = (0usize, 0usize);
            for (id, name) in &people {
                let report = s.check(&with_creditor(&format!("{before}{name}{after}")));
                let Some(creditor) = hit(&report, "creditor") else {
                    continue;
                };
                whole_name += usize::from(creditor.matches.iter().any(|m| &m.entity_id == id));
                found += usize::from(creditor.entity_ids().any(|e| e == id.as_str()));
            }
            eprintln!("{label} words: whole name {whole_name}/14, with the scanner {found}/14");
            assert!(found >= 11, "{label} words: {found} of 14");
            assert!(
                found >= whole_name,
                "{label} words: {found} vs {whole_name}"
            );
        }
    }

    #[test]
    fn a_listed_name_in_a_party_name_is_one_alert_explained_both_ways() {
        let s = screener();
        let report = s.check(&with_creditor("Doku Umarov c/o Green River Trading"));
        let creditor = hit(&report, "creditor").expect("a creditor hit");
        assert!(creditor
            .text_hits
            .iter()
            .any(|t| t.entity_id == "un:QDi.290"));
        let alerts = crate::transfer_audit::transfer_alerts(&report);
        let umarov: Vec<_> = alerts.iter().filter(|a| a.rule == "un:QDi.290").collect();
        assert_eq!(umarov.len(), 1, "{alerts:?}");

        // The listed name alone: the index and the scanner both find it,
        // and the one alert carries both explanations.
        let report = s.check(&with_creditor("UMAR PATEK"));
        let creditor = hit(&report, "creditor").expect("a creditor hit");
        assert!(creditor.matches.iter().any(|m| m.entity_id == "un:QDi.294"));
        assert!(creditor
            .text_hits
            .iter()
            .any(|t| t.entity_id == "un:QDi.294"));
        let alerts = crate::transfer_audit::transfer_alerts(&report);
        let patek: Vec<_> = alerts.iter().filter(|a| a.rule == "un:QDi.294").collect();
        assert_eq!(patek.len(), 1, "{alerts:?}");
        assert!(
            patek[0].details["match"].is_object(),
            "{:?}",
            patek[0].details
        );
        assert!(
            patek[0].details["text_hit"].is_object(),
            "{:?}",
            patek[0].details
        );
        assert!(
            patek[0].message.contains("names it in"),
            "{}",
            patek[0].message
        );
        assert_eq!(report.hit_entity_ids(), vec!["un:QDi.294".to_string()]);
    }

    #[test]
    fn a_name_written_twice_in_a_message_is_screened_once_and_reported_twice() {
        let mut screened = ScreenedNames::default();
        let calls = std::cell::Cell::new(0);
        let screen = |name: &str, _: Option<String>| {
            calls.set(calls.get() + 1);
            Some(NameHit {
                role: String::new(),
                name: Some(name.to_string()),
                text: None,
                matches: Vec::new(),
                text_hits: Vec::new(),
            })
        };
        let first = screened.once("UMAR PATEK", Some("ID".into()), screen);
        assert_eq!(
            screened.once("UMAR PATEK", Some("ID".into()), screen),
            first
        );
        assert_eq!(calls.get(), 1);
        // Another country is another screening (the country weighs in the score).
        screened.once("UMAR PATEK", None, screen);
        assert_eq!(calls.get(), 2);

        // Debtor and ultimate debtor of one transfer, the same listed name: both reported.
        let s = screener().with_name_memory(0);
        let mut transfer = with_creditor("Evli");
        let debtor = transfer.debtor.as_mut().expect("the sample's debtor");
        debtor.name = Some("UMAR PATEK".into());
        transfer.ultimate_debtor = transfer.debtor.clone();
        let report = s.check(&transfer);
        let (debtor, ultimate) = (hit(&report, "debtor"), hit(&report, "ultimate_debtor"));
        let ids =
            |h: Option<&NameHit>| h.map(|h| h.entity_ids().map(str::to_string).collect::<Vec<_>>());
        assert!(ids(debtor).is_some_and(|ids| ids.contains(&"un:QDi.294".to_string())));
        assert_eq!(ids(debtor), ids(ultimate));
    }

    /// Names and free texts remembered give the reports screening them again gives:
    /// listed names as a party, in an address line and in the remittance text.
    #[test]
    fn a_remembering_screener_reports_what_screening_again_reports() {
        let remembering = screener();
        let every = screener().with_name_memory(0);
        let message = sample(PACS008)
            .replace(
                "<pacs:AdrLine>Aleksanterinkatu 19</pacs:AdrLine>",
                "<pacs:AdrLine>c/o Umar Patek</pacs:AdrLine>",
            )
            .replace(
                "<pacs:Ustrd>/ROC/pacs008EndToEndId-001</pacs:Ustrd>",
                "<pacs:Ustrd>DONATION AL RASHID TRUST</pacs:Ustrd>",
            );
        let transfers = [
            parse(&message).remove(0),
            with_creditor("Doku Umarov c/o Green River Trading"),
            parse(&sample(MT103)).remove(0),
        ];
        for round in 0..2 {
            for transfer in &transfers {
                let expected = every.check(transfer);
                assert_eq!(remembering.check(transfer), expected, "round {round}");
            }
        }
        let report = remembering.check(&transfers[0]);
        assert!(hit(&report, "creditor.address").is_some() && hit(&report, "remittance").is_some());
        assert!(!remembering.memory.names.is_empty() && !remembering.memory.texts.is_empty());
        assert!(every.memory.is_empty());
    }

    /// Screeners of the same lists share one memory: the second finds what the
    /// first screened; lists built again start with none.
    #[test]
    fn screeners_of_the_same_lists_share_their_memory() {
        let mut entity = Entity::new("un", "QDi.290", cordon_model::Schema::Person);
        entity.names.push(cordon_model::Name::new(
            "Doku Khamatovich Umarov",
            cordon_model::NameKind::Primary,
        ));
        let list = || cordon_model::ParsedList {
            source: "un".into(),
            entities: vec![entity.clone()],
            ..cordon_model::ParsedList::default()
        };
        let lists = Indexed::build(vec![("un@1".into(), list())]);
        let transfer = with_creditor("Doku Umarov");
        let first = TransferScreener::for_lists(&lists, cordon_match::DEFAULT_THRESHOLD);
        let report = first.check(&transfer);
        assert!(report.hit_entity_ids().contains(&"un:QDi.290".to_string()));
        let remembered = lists.transfer_memory.len();
        assert!(remembered > 0);
        let second = TransferScreener::for_lists(&lists, cordon_match::DEFAULT_THRESHOLD);
        assert_eq!(second.check(&transfer), report);
        assert_eq!(
            lists.transfer_memory.len(),
            remembered,
            "nothing new to remember"
        );
        let next_version = Indexed::build(vec![("un@2".into(), list())]);
        assert!(next_version.transfer_memory.is_empty());
    }

    #[test]
    fn odd_texts_do_not_panic() {
        let s = screener();
        for text in ["", " ", "数字 umar", "\u{0}", &"umar patek ".repeat(500)] {
            let _ = s.text_matches(text);
        }
        let transfer = Transfer {
            purpose: Some(String::new()),
            debtor: Some(Party {
                address: Some(PostalAddress {
                    lines: vec![" ".into(), String::new()],
                    ..PostalAddress::default()
                }),
                ..Party::default()
            }),
            ..Transfer::default()
        };
        assert!(free_texts(&transfer).is_empty());
        assert!(s.check(&transfer).hits.is_empty());
    }
}
