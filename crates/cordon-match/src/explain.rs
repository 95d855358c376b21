//! The explanation tree every score carries: which tokens aligned through which
//! rule, how much each weighed, and what each qualifier did to the score.

use crate::align::Alignment;
use crate::prepare::QPos;
use crate::token::{Rule, TokenView};
use serde::Serialize;

/// Why a score is what it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// One line for a human reviewer.
    pub summary: String,
    /// The final score in [0, 1].
    pub score: f64,
    /// How the names compare.
    pub name: NameExplanation,
    /// What each qualifier (birth date, country, identifier, schema) did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub qualifiers: Vec<QualifierEffect>,
}

/// The name comparison behind a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameExplanation {
    /// The romanised query as compared.
    pub query: String,
    /// The romanised list name as compared.
    pub list_name: String,
    /// Name similarity in [0, 1] before qualifiers and the name ceiling.
    pub similarity: f64,
    /// Share of the query's token weight that found a counterpart.
    pub query_coverage: f64,
    /// Share of the list name's token weight that found a counterpart.
    pub list_coverage: f64,
    /// Token correspondences, in query order.
    pub alignment: Vec<TokenAlignment>,
    /// Query tokens with no counterpart.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_query: Vec<WeightedToken>,
    /// List-name tokens with no counterpart.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_list: Vec<WeightedToken>,
    /// Factors applied after coverage (single token, generic words only, shuffled order).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// Factor applied because the list name is a weak alias, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weak_alias_penalty: Option<f64>,
}

/// One query token (or joined pair) aligned with one list token (or joined pair).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenAlignment {
    /// Query token(s), joined by a space when two.
    pub query: String,
    /// List token(s), joined by a space when two.
    pub list: String,
    /// The rule that made them correspond.
    pub rule: Rule,
    /// Token similarity in [0, 1].
    pub similarity: f64,
    /// Evidence weight of the query side (kind and rarity, IDF-like).
    pub query_weight: f64,
    /// Evidence weight of the list side.
    pub list_weight: f64,
    /// How common the list token is among people, when it is common ("common name,
    /// about 1 in 900 name tokens"): common names agree between strangers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commonness: Option<String>,
}

/// A token with its evidence weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightedToken {
    /// The romanised token.
    pub token: String,
    /// Its evidence weight.
    pub weight: f64,
}

/// A multiplicative adjustment of the name similarity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjustment {
    /// Why.
    pub reason: String,
    /// The factor applied.
    pub factor: f64,
}

/// Which qualifier an effect comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// Date of birth (or build date).
    BirthDate,
    /// Nationality or linked country.
    Country,
    /// Passport, national id, registration number.
    Identifier,
    /// Person, organisation, vessel, aircraft.
    Schema,
}

/// Whether a qualifier supports or contradicts the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Supports the match.
    Agree,
    /// Contradicts the match.
    Conflict,
}

/// One qualifier's effect on the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualifierEffect {
    /// Which qualifier.
    pub qualifier: Qualifier,
    /// Supports or contradicts.
    pub outcome: Outcome,
    /// What was compared, in words.
    pub detail: String,
    /// Change of the score it caused (positive or negative).
    pub contribution: f64,
}

fn round(x: f32) -> f64 {
    (f64::from(x) * 10_000.0).round() / 10_000.0
}

fn span_text(tokens: &[TokenView<'_>], start: u8, len: u8) -> (String, f64) {
    let span = tokens
        .iter()
        .skip(usize::from(start))
        .take(usize::from(len));
    let text: Vec<&str> = span.clone().map(|t| t.text).collect();
    let weight: f32 = span.map(|t| t.weight).sum();
    (text.join(" "), round(weight))
}

fn query_span_text(q: &[QPos], start: u8, len: u8, alt: u8) -> (String, f64) {
    let views: Vec<TokenView<'_>> = q
        .iter()
        .skip(usize::from(start))
        .take(usize::from(len))
        .filter_map(|p| p.view(usize::from(alt)))
        .collect();
    span_text(&views, 0, len)
}

fn unmatched(tokens: &[TokenView<'_>], used: u64) -> Vec<WeightedToken> {
    tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| *i >= 64 || used & (1u64 << i) == 0)
        .map(|(_, t)| WeightedToken {
            token: t.text.to_string(),
            weight: round(t.weight),
        })
        .collect()
}

/// Context of a name explanation: the texts compared and whether romanisation changed them.
pub(crate) struct NameContext<'a> {
    pub query_text: &'a str,
    pub list_text: &'a str,
    pub transliterated: bool,
    pub weak_penalty: Option<f32>,
}

/// Builds the name part of an explanation from an alignment.
pub(crate) fn explain_name(
    qp: &[QPos],
    c: &[TokenView<'_>],
    al: &Alignment,
    ctx: &NameContext<'_>,
) -> NameExplanation {
    let q: Vec<TokenView<'_>> = qp.iter().filter_map(|p| p.view(0)).collect();
    let (mut used_q, mut used_c) = (0u64, 0u64);
    let mut pairs: Vec<_> = al.pairs.iter().collect();
    pairs.sort_by_key(|p| p.q_start);
    let alignment = pairs
        .iter()
        .map(|p| {
            used_q |= ((1u64 << p.q_len) - 1) << p.q_start;
            used_c |= ((1u64 << p.c_len) - 1) << p.c_start;
            let (qt, qw) = query_span_text(qp, p.q_start, p.q_len, p.alt);
            let (ct, cw) = span_text(c, p.c_start, p.c_len);
            let rule = if p.rule == Rule::Exact && ctx.transliterated {
                Rule::Transliteration
            } else {
                p.rule
            };
            TokenAlignment {
                query: qt,
                list: ct,
                rule,
                similarity: round(p.sim),
                query_weight: qw,
                list_weight: cw,
                commonness: c
                    .get(usize::from(p.c_start))
                    .and_then(|t| crate::commonness::describe(t.text)),
            }
        })
        .collect();
    NameExplanation {
        query: ctx.query_text.to_string(),
        list_name: ctx.list_text.to_string(),
        similarity: round(al.score),
        query_coverage: round(al.query_coverage),
        list_coverage: round(al.list_coverage),
        alignment,
        unmatched_query: unmatched(&q, used_q),
        unmatched_list: unmatched(c, used_c),
        adjustments: al
            .factors
            .iter()
            .map(|(reason, factor)| Adjustment {
                reason: (*reason).to_string(),
                factor: round(*factor),
            })
            .collect(),
        weak_alias_penalty: ctx.weak_penalty.map(round),
    }
}

/// The one-line summary of an explanation.
pub(crate) fn summarize(
    name: &NameExplanation,
    qualifiers: &[QualifierEffect],
    score: f64,
) -> String {
    let aligned = name.alignment.len();
    let total = aligned + name.unmatched_query.len();
    let mut rules: Vec<&'static str> = Vec::new();
    for a in &name.alignment {
        let r = rule_word(a.rule);
        if !rules.contains(&r) {
            rules.push(r);
        }
    }
    let mut line = format!(
        "score {score:.2}: {aligned} of {total} query tokens align with \"{}\" ({})",
        name.list_name,
        if rules.is_empty() {
            "none".to_string()
        } else {
            rules.join(", ")
        }
    );
    if name.weak_alias_penalty.is_some() {
        line.push_str("; weak alias");
    }
    for q in qualifiers {
        line.push_str(&format!("; {} ({:+.2})", q.detail, q.contribution));
    }
    line
}

fn rule_word(rule: Rule) -> &'static str {
    match rule {
        Rule::Exact => "exact",
        Rule::Transliteration => "transliteration",
        Rule::Equivalence => "name equivalence",
        Rule::Phonetic => "phonetic",
        Rule::EditDistance => "spelling distance",
        Rule::Initial => "initial",
        Rule::Compound => "compound",
    }
}

/// Rounds a score for output (four decimals).
pub(crate) fn round_score(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
