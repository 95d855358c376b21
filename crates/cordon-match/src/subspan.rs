//! A listed name inside a longer party name ("Global Trade Osama bin Laden Holding").
//!
//! The free-text scanner's idea ([`crate::textscan`]) applied to names: when no
//! match of the whole name explains most of it (nothing alerts, or what alerts
//! leaves words of the name unexplained), its contiguous runs of words are looked
//! for among the listed names and each candidate run is screened on its own. A run
//! is tried only when it could be a listed name and not just common words:
//! - it has at least two words and leaves at least one word out;
//! - its first and last words occur together in one listed name;
//! - one of its name words is rare in the lists (rarity-weighted evidence at least
//!   [`MIN_RARE_WEIGHT`]), so that common given names ("Mohammed Ali"), legal forms
//!   or company words alone never make such a hit;
//! - for a person, its name words together weigh at least [`MIN_PERSON_EVIDENCE`]
//!   and each is the listed word (spelt alike, transliterated or an equivalent
//!   form, not a phonetic or edited likeness): a stranger's three-word name often
//!   holds a listed person's two common words ("Mimnermo Khalid Saifullah") or
//!   something like them ("chang yun" / "Yun Cheng"), while a company's name rarely
//!   holds a listed organisation's distinctive word by chance.
//!
//! A run that then scores is kept only when it covers the listed name it matched
//! (both coverages at least [`MIN_COVERAGE`]), its score multiplied by
//! [`SPAN_FACTOR`]; the explanation names the run and the words left out.

use crate::explain::{round_score, summarize, Adjustment};
use crate::{Index, Match, Query, Rule, ScreenOptions};
use cordon_model::Schema;
use cordon_names::TokenKind;

/// Fewest words of a party name for a run inside it to be looked for.
const MIN_QUERY_WORDS: usize = 3;
/// Most words of a party name searched for runs (longer texts go to the scanner).
const MAX_QUERY_WORDS: usize = 12;
/// Most runs screened per query, longest first: bounds the cost of a long name.
const MAX_RUNS: usize = 8;
/// Least rarity-weighted evidence of the rarest name word of a run: a name word
/// weighs 0.35 (in every listed entity) to 1.0 (in one); 0.75 is a word of at most
/// about 30 of UN + OFAC's 10,000 entities, "mohammed" and "ali" weigh about 0.5.
const MIN_RARE_WEIGHT: f32 = 0.75;
/// Least rarity-weighted evidence of all name words of a run matching a person:
/// two fairly rare words ("amru absi", "tohir yuldashev"), not a rare word and a
/// common one ("khalid saifullah": 0.55 + 0.8).
const MIN_PERSON_EVIDENCE: f32 = 1.5;
/// Least coverage, of the run by the listed name and of the listed name by the
/// run: the listed name must be there whole, not half of it.
const MIN_COVERAGE: f64 = 0.8;
/// Factor on the score of a name found inside a longer one: the words around it
/// may make it another party, which the reviewer must judge.
const SPAN_FACTOR: f64 = 0.95;

/// One word of the query: as written (normalised), its primary romanisation, and
/// its evidence weight and kind in the lists (`None` when no list name holds it).
struct Word {
    normal: String,
    roman: String,
    listed: Option<(f32, TokenKind)>,
}

/// Matches of listed names found as runs of words inside the query's name, best
/// first; empty when the name is too short or no run qualifies.
pub(crate) fn screen_runs(index: &Index, query: &Query, options: &ScreenOptions) -> Vec<Match> {
    let normal = crate::prepare::memo::normalized(&query.name);
    let count = normal.split(' ').filter(|w| !w.is_empty()).count();
    if !(MIN_QUERY_WORDS..=MAX_QUERY_WORDS).contains(&count) {
        return Vec::new();
    }
    let words = query_words(index, &normal);
    runs_of(index, query, options, &words)
}

/// True when a match of the whole name leaves too much of it unexplained for the
/// runs inside it not to be looked at.
pub(crate) fn leaves_words_out(m: &Match) -> bool {
    m.explanation.name.query_coverage < MIN_COVERAGE
}

fn runs_of(index: &Index, query: &Query, options: &ScreenOptions, words: &[Word]) -> Vec<Match> {
    let mut tried = 0;
    for len in (2..words.len()).rev() {
        let mut found = Vec::new();
        for start in 0..=words.len() - len {
            if tried >= MAX_RUNS {
                return found;
            }
            let Some(run) = words.get(start..start + len) else {
                continue;
            };
            let Some(evidence) = could_be_listed(index, run) else {
                continue;
            };
            tried += 1;
            let span = Span {
                start,
                len,
                evidence,
                bits: name_bits(index, run),
            };
            found.extend(screen_run(index, query, options, words, &span));
        }
        if !found.is_empty() {
            found.sort_by(|a, b| b.score.total_cmp(&a.score));
            let mut seen: Vec<String> = Vec::new();
            found.retain(|m| {
                let first = !seen.contains(&m.entity_id);
                seen.push(m.entity_id.clone());
                first
            });
            found.truncate(options.limit);
            return found;
        }
    }
    Vec::new()
}

/// The words of a normalised name with their romanisation and what the lists say of it.
fn query_words(index: &Index, normal: &str) -> Vec<Word> {
    normal
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let roman = crate::prepare::memo::primary_romanization(w);
            Word {
                normal: w.to_string(),
                listed: index.listed_weight(&roman),
                roman,
            }
        })
        .collect()
}

/// The primary romanisation of each word of a name, as runs inside it are looked
/// for (the retrieval tokens of [`crate::index`] hold them).
pub(crate) fn word_romanizations(name: &str) -> Vec<String> {
    cordon_names::normalize(name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(crate::prepare::memo::primary_romanization)
        .collect()
}

/// The evidence of the run's name words (the sum of their rarity-weighted weights)
/// when one of them is rare and the run's ends are found together in a listed name;
/// `None` otherwise. The cheap tests first: most runs fail them.
fn could_be_listed(index: &Index, run: &[Word]) -> Option<f32> {
    let (first, last) = (run.first()?, run.last()?);
    if first.listed.is_none() || last.listed.is_none() {
        return None;
    }
    let names = || {
        run.iter()
            .filter_map(|w| w.listed)
            .filter(|(_, kind)| *kind == TokenKind::Name)
            .map(|(weight, _)| weight)
    };
    if !names().any(|w| w >= MIN_RARE_WEIGHT) {
        return None;
    }
    index
        .some_record_holds_both(&first.roman, &last.roman)
        .then(|| names().sum())
}

/// Information of the name words of a run (words the lists hold as names).
fn name_bits(index: &Index, run: &[Word]) -> f32 {
    run.iter()
        .filter(|w| w.listed.is_some_and(|(_, kind)| kind == TokenKind::Name))
        .map(|w| index.token_bits(&w.roman))
        .sum()
}

/// A run of words of the query, and the evidence of its name words.
struct Span {
    start: usize,
    len: usize,
    evidence: f32,
    /// Information of the run's name words agreeing by chance (population
    /// commonness): a person's name found inside a longer one is a partial match,
    /// so its words must carry what a partial match needs
    /// ([`crate::align::PARTIAL_NEEDED_BITS`]); "John Lee" inside "Erik John Lee"
    /// does not.
    bits: f32,
}

/// The run screened as a name of its own, with the query's other facts.
fn screen_run(
    index: &Index,
    query: &Query,
    options: &ScreenOptions,
    words: &[Word],
    span: &Span,
) -> Vec<Match> {
    let Span { start, len, .. } = *span;
    let text: Vec<&str> = words
        .iter()
        .skip(start)
        .take(len)
        .map(|w| w.normal.as_str())
        .collect();
    let text = text.join(" ");
    let sub = Query {
        name: text.clone(),
        ..query.clone()
    };
    let sub_options = ScreenOptions {
        threshold: options.threshold / SPAN_FACTOR,
        ..*options
    };
    let left_out: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < start || *i >= start + len)
        .map(|(_, w)| w.normal.as_str())
        .collect();
    index
        .screen_whole(&sub, &sub_options)
        .into_iter()
        .filter(|m| {
            m.explanation.name.query_coverage >= MIN_COVERAGE
                && m.explanation.name.list_coverage >= MIN_COVERAGE
                && (m.schema != Schema::Person
                    || (span.evidence >= MIN_PERSON_EVIDENCE
                        && span.bits >= crate::align::PARTIAL_NEEDED_BITS
                        && spelt_alike(m)))
        })
        .map(|m| found_inside(m, &text, start, len, words.len(), &left_out))
        .filter(|m| m.score >= options.threshold)
        .collect()
}

/// True when every word of the run is the listed word, spelt alike or in another
/// script or an equivalent form: a person's name found inside a longer one must be
/// there as listed, since a phonetic or edited likeness ("chang yun" for "Yun Cheng")
/// inside a stranger's longer name is most often a coincidence.
fn spelt_alike(m: &Match) -> bool {
    m.explanation.name.alignment.iter().all(|a| {
        matches!(
            a.rule,
            Rule::Exact | Rule::Transliteration | Rule::Equivalence
        )
    })
}

/// The match of a run, rescored and explained as found inside the longer name.
fn found_inside(
    mut m: Match,
    run: &str,
    start: usize,
    len: usize,
    total: usize,
    left_out: &[&str],
) -> Match {
    let reason = format!(
        "listed name found as words {}-{} of {total} of the party name (\"{run}\"); \
         the words around it (\"{}\") were not compared",
        start + 1,
        start + len,
        left_out.join(" ")
    );
    m.score = round_score(m.score * SPAN_FACTOR);
    m.explanation.score = m.score;
    m.explanation.name.adjustments.push(Adjustment {
        reason: reason.clone(),
        factor: SPAN_FACTOR,
    });
    let summary = summarize(&m.explanation.name, &m.explanation.qualifiers, m.score);
    m.explanation.summary = format!("{summary}; {reason}");
    m
}

/// Adds the matches found inside the name to those of the whole name: one per
/// entity (the better score), best first.
pub(crate) fn merge(found: &mut Vec<Match>, inside: Vec<Match>) {
    for m in inside {
        match found.iter_mut().find(|f| f.entity_id == m.entity_id) {
            Some(f) if f.score >= m.score => {}
            Some(f) => *f = m,
            None => found.push(m),
        }
    }
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entity_id.cmp(&b.entity_id))
    });
}
