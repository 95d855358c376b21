//! Free-text scanning: find listed names inside remittance text, MT field 70, instructions.
//!
//! One Aho-Corasick automaton is built over the distinctive tokens of every listed name
//! (romanised with [`cordon_names::romanize`], all its renderings). Tokens that are too short
//! (under 4 letters) or are legal forms, particles, honorifics or generic words are left out,
//! and a token carried by many names ("mohammed") is kept only as a supporting token. The text
//! is romanised the same way and scanned once; a name is a candidate when, within
//! [`MAX_GAP`] tokens of each other, the text holds two of its distinctive tokens, or one
//! rare long token of it (at least [`RARE_LEN`] letters, carried by at most [`RARE_NAMES`]
//! names) plus any other of its tokens. Two distinctive tokens from two different names of
//! one entity (a given name from the primary name, the family name from an alias) count
//! too when at most [`MAX_CROSS_GAP`] tokens apart and one has [`CROSS_LONG_LEN`] letters
//! or more. A candidate is not a verdict: it goes to the screening
//! explanation for a person to review.
//!
//! ```
//! use cordon_match::textscan::TextScanner;
//! use cordon_model::{Entity, Name, NameKind, Schema};
//!
//! let mut entity = Entity::new("un", "QDi.290", Schema::Person);
//! entity.names.push(Name::new("Tohir Yuldashev", NameKind::Primary));
//! let scanner = TextScanner::build(&[entity]);
//! let hits = scanner.scan("PAYMENT FOR TOHIR YULDASHEV INV 22");
//! assert_eq!(hits[0].entity_id, "un:QDi.290");
//! assert_eq!(hits[0].span, "tohir yuldashev");
//! assert!(scanner.scan("payment for Tohir, invoice 22").is_empty());
//! ```

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use cordon_model::{Entity, NameQuality};
use cordon_names::{romanize, token_kind, TokenKind};
use serde::Serialize;
use std::collections::HashMap;

/// Most tokens between two matched tokens of one name.
pub const MAX_GAP: usize = 3;
/// Shortest token that can carry a hit alone with one supporting token.
pub const RARE_LEN: usize = 8;
/// Most names a rare token may appear in.
pub const RARE_NAMES: usize = 2;
/// Shortest token indexed.
pub const MIN_TOKEN_LEN: usize = 4;
/// Most tokens between two distinctive tokens taken from two different names of one
/// entity (a given name from the primary name, a family name from an alias): tighter than
/// [`MAX_GAP`], since such a pair is only as good as its adjacency.
pub const MAX_CROSS_GAP: usize = 1;
/// Shortest token of which a pair combined across names must hold one: two short
/// tokens of different names (romanised syllables "zhang", "zhao") meet by chance.
pub const CROSS_LONG_LEN: usize = 7;
/// Renderings of a list name indexed.
const VARIANTS_PER_NAME: usize = 4;

/// Words of payment texts that are never evidence of a name, whatever a list holds.
const PAYMENT_WORDS: &[&str] = &[
    "payment",
    "invoice",
    "transfer",
    "salary",
    "rent",
    "loan",
    "goods",
    "services",
    "contract",
    "order",
    "refund",
    "fees",
    "charity",
    "donation",
    "family",
    "support",
    "school",
    "trade",
    "trading",
    "general",
    "international",
    "bank",
    "company",
    "group",
    "foundation",
    "office",
];

/// One candidate found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextHit {
    /// `source:source_id` of the entity.
    pub entity_id: String,
    /// The listed name whose tokens were found, as published.
    pub name: String,
    /// The matched part of the romanised text, first to last matched token.
    pub span: String,
    /// Byte offsets of `span` in the romanised text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The tokens of the listed name found.
    pub tokens: Vec<String>,
    /// Why it is a candidate.
    pub explanation: String,
}

/// One indexed rendering of a listed name.
#[derive(Debug, Clone)]
struct IndexedName {
    entity: usize,
    name: String,
    /// Tokens of the rendering (all of them, to count supporting tokens).
    tokens: Vec<String>,
}

/// A token pattern and the renderings it belongs to.
#[derive(Debug, Clone)]
struct Pattern {
    token: String,
    names: Vec<u32>,
    distinctive: bool,
    rare: bool,
}

/// The scanner: build once per list index, scan many texts.
#[derive(Debug, Clone)]
pub struct TextScanner {
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    names: Vec<IndexedName>,
    entity_ids: Vec<String>,
}

impl TextScanner {
    /// Indexes every strong name of `entities` (weak aliases are too broad to find in text).
    pub fn build(entities: &[Entity]) -> TextScanner {
        let mut names = Vec::new();
        let mut entity_ids = Vec::with_capacity(entities.len());
        for (e, entity) in entities.iter().enumerate() {
            entity_ids.push(entity.id.clone());
            for name in entity
                .names
                .iter()
                .filter(|n| n.quality == NameQuality::Strong)
            {
                for variant in romanize(&name.full).into_iter().take(VARIANTS_PER_NAME) {
                    let tokens: Vec<String> = variant.split(' ').map(str::to_string).collect();
                    names.push(IndexedName {
                        entity: e,
                        name: name.full.clone(),
                        tokens,
                    });
                }
            }
        }
        let patterns = collect_patterns(&names);
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|p| p.token.as_str()))
            .ok();
        TextScanner {
            automaton,
            patterns,
            names,
            entity_ids,
        }
    }

    /// Number of token patterns in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// The candidates in `text`, best (most tokens) first, one per entity.
    pub fn scan(&self, text: &str) -> Vec<TextHit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let Some(roman) = romanize(text).into_iter().next() else {
            return Vec::new();
        };
        let starts: Vec<usize> = token_starts(&roman);
        // rendering -> (token position, pattern)
        let mut found: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
        for m in automaton.find_overlapping_iter(&roman) {
            if !whole_word(&roman, m.start(), m.end()) {
                continue;
            }
            let position = starts
                .partition_point(|&s| s <= m.start())
                .saturating_sub(1);
            let pattern = m.pattern().as_usize();
            for &name in self.patterns.get(pattern).map_or(&[][..], |p| &p.names) {
                found.entry(name).or_default().push((position, pattern));
            }
        }
        let mut hits: Vec<TextHit> = Vec::new();
        let mut names: Vec<_> = found.into_iter().collect();
        names.sort_unstable_by_key(|(name, _)| *name);
        // entity -> (token position, pattern, rendering), across all its names
        let mut by_entity: HashMap<usize, Vec<(usize, usize, u32)>> = HashMap::new();
        for (name, positions) in &mut names {
            positions.sort_unstable();
            if let Some(n) = self.names.get(*name as usize) {
                let all = by_entity.entry(n.entity).or_default();
                all.extend(positions.iter().map(|&(at, p)| (at, p, *name)));
            }
            let Some(hit) = self.judge(*name, positions, &roman, &starts) else {
                continue;
            };
            keep_best(&mut hits, hit);
        }
        let mut entities: Vec<_> = by_entity.into_iter().collect();
        entities.sort_unstable_by_key(|(e, _)| *e);
        for (entity, mut found) in entities {
            let known = self
                .entity_ids
                .get(entity)
                .is_some_and(|id| hits.iter().any(|h| &h.entity_id == id));
            if known {
                continue;
            }
            found.sort_unstable();
            if let Some(hit) = self.cross_name(&found, &roman, &starts) {
                hits.push(hit);
            }
        }
        hits.sort_by(|a, b| {
            b.tokens
                .len()
                .cmp(&a.tokens.len())
                .then(a.entity_id.cmp(&b.entity_id))
        });
        hits
    }

    /// A hit when a close pair of matched tokens is strong enough (see the module docs).
    fn judge(
        &self,
        name: u32,
        positions: &[(usize, usize)],
        roman: &str,
        starts: &[usize],
    ) -> Option<TextHit> {
        let indexed = self.names.get(name as usize)?;
        let single_rare = indexed.tokens.len() == 1
            && positions
                .iter()
                .any(|&(_, p)| self.patterns.get(p).is_some_and(|p| p.rare));
        let pair = positions.iter().enumerate().find_map(|(i, &(pos_a, a))| {
            positions.get(i + 1..)?.iter().find_map(|&(pos_b, b)| {
                let close = pos_b.abs_diff(pos_a) <= MAX_GAP + 1 && a != b;
                (close && self.strong_pair(a, b)).then_some((pos_a, pos_b))
            })
        });
        let (first, last) = match (pair, single_rare) {
            (Some(p), _) => p,
            (None, true) => positions.first().map(|&(p, _)| (p, p))?,
            (None, false) => self.rare_with_support(indexed, positions, roman)?,
        };
        let tokens: Vec<String> = roman
            .split(' ')
            .skip(first)
            .take(last + 1 - first)
            .filter(|t| indexed.tokens.iter().any(|n| n == t))
            .map(str::to_string)
            .collect();
        let start = *starts.get(first)?;
        let end = starts
            .get(last + 1)
            .map_or(roman.len(), |s| s.saturating_sub(1));
        let span = roman.get(start..end)?.to_string();
        let explanation = format!(
            "{} of the listed name {:?} found in the text{}: {:?}",
            plural(tokens.len()),
            indexed.name,
            if first == last {
                " (one rare token, the whole name)"
            } else {
                " close together"
            },
            tokens
        );
        Some(TextHit {
            entity_id: self.entity_ids.get(indexed.entity)?.clone(),
            name: indexed.name.clone(),
            span,
            start,
            end,
            tokens,
            explanation,
        })
    }

    /// A hit from two distinctive tokens of one entity found in two of its different names
    /// (primary "tohir yoldoshev", alias "takhir yuldashev", text "tohir yuldashev"),
    /// adjacent or at most [`MAX_CROSS_GAP`] tokens apart, one of at least [`CROSS_LONG_LEN`] letters.
    fn cross_name(
        &self,
        found: &[(usize, usize, u32)],
        roman: &str,
        starts: &[usize],
    ) -> Option<TextHit> {
        let distinctive = |p: usize| self.patterns.get(p).is_some_and(|p| p.distinctive);
        let long = |p: usize| {
            self.patterns
                .get(p)
                .is_some_and(|p| p.token.len() >= CROSS_LONG_LEN)
        };
        let (a, b) = found.iter().enumerate().find_map(|(i, a)| {
            let b = found.get(i + 1..)?.iter().find(|b| {
                b.0 > a.0
                    && b.0 - a.0 <= MAX_CROSS_GAP + 1
                    && a.1 != b.1
                    && self.name_of(a.2) != self.name_of(b.2)
                    && distinctive(a.1)
                    && distinctive(b.1)
                    && (long(a.1) || long(b.1))
            })?;
            Some((a, b))
        })?;
        let name_a = &self.names.get(a.2 as usize)?.name;
        let name_b = &self.names.get(b.2 as usize)?.name;
        let tokens: Vec<String> = [a.1, b.1]
            .iter()
            .filter_map(|&p| self.patterns.get(p).map(|p| p.token.clone()))
            .collect();
        let start = *starts.get(a.0)?;
        let end = starts
            .get(b.0 + 1)
            .map_or(roman.len(), |s| s.saturating_sub(1));
        let entity = self.names.get(a.2 as usize)?.entity;
        Some(TextHit {
            entity_id: self.entity_ids.get(entity)?.clone(),
            name: name_a.clone(),
            span: roman.get(start..end)?.to_string(),
            start,
            end,
            explanation: format!(
                "2 tokens of two names of one entity, {name_a:?} and {name_b:?}, found close together: {tokens:?}"
            ),
            tokens,
        })
    }

    /// The published name of a rendering.
    fn name_of(&self, rendering: u32) -> Option<&str> {
        self.names.get(rendering as usize).map(|n| n.name.as_str())
    }

    /// A rare token of the name and, within [`MAX_GAP`] tokens, any other token of the same
    /// rendering (even one too short or too generic to be indexed: "al", "foundation").
    fn rare_with_support(
        &self,
        indexed: &IndexedName,
        positions: &[(usize, usize)],
        roman: &str,
    ) -> Option<(usize, usize)> {
        let words: Vec<&str> = roman.split(' ').collect();
        positions.iter().find_map(|&(at, pattern)| {
            let rare = self.patterns.get(pattern)?;
            if !rare.rare {
                return None;
            }
            let low = at.saturating_sub(MAX_GAP + 1);
            let high = (at + MAX_GAP + 1).min(words.len().saturating_sub(1));
            (low..=high)
                .filter(|&i| i != at)
                .filter(|&i| {
                    words
                        .get(i)
                        .is_some_and(|w| *w != rare.token && indexed.tokens.iter().any(|t| t == w))
                })
                .map(|i| (i.min(at), i.max(at)))
                .next()
        })
    }

    fn strong_pair(&self, a: usize, b: usize) -> bool {
        match (self.patterns.get(a), self.patterns.get(b)) {
            (Some(a), Some(b)) => (a.distinctive && b.distinctive) || a.rare || b.rare,
            _ => false,
        }
    }
}

/// Adds a hit, or replaces the entity's hit when the new one holds more tokens.
fn keep_best(hits: &mut Vec<TextHit>, hit: TextHit) {
    match hits.iter_mut().find(|h| h.entity_id == hit.entity_id) {
        Some(existing) if existing.tokens.len() >= hit.tokens.len() => {}
        Some(existing) => *existing = hit,
        None => hits.push(hit),
    }
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 token".into()
    } else {
        format!("{n} tokens")
    }
}

/// Patterns with their renderings, distinctive and rare flags.
fn collect_patterns(names: &[IndexedName]) -> Vec<Pattern> {
    let mut by_token: HashMap<&str, Vec<u32>> = HashMap::new();
    let mut entities_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        for token in name.tokens.iter().filter(|t| indexable(t)) {
            let list = by_token.entry(token.as_str()).or_default();
            if list.last() != Some(&(i as u32)) {
                list.push(i as u32);
            }
            let entities = entities_of.entry(token.as_str()).or_default();
            if entities.last() != Some(&name.entity) {
                entities.push(name.entity);
            }
        }
    }
    // A token carried by many entities is common ("mohammed", "ali"): supporting only.
    let common_above = (names.len() / 2_000).max(25);
    let mut patterns: Vec<Pattern> = by_token
        .into_iter()
        .map(|(token, list)| {
            let entities = entities_of.get(token).map_or(0, |e| e.len());
            Pattern {
                token: token.to_string(),
                names: list,
                distinctive: entities <= common_above,
                rare: token.len() >= RARE_LEN && entities <= RARE_NAMES,
            }
        })
        .collect();
    patterns.sort_by(|a, b| a.token.cmp(&b.token));
    patterns
}

/// Long enough, a name token and not a payment word.
fn indexable(token: &str) -> bool {
    token.len() >= MIN_TOKEN_LEN
        && token_kind(token) == TokenKind::Name
        && !PAYMENT_WORDS.contains(&token)
}

fn token_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices(' ').map(|(i, _)| i + 1));
    starts
}

fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = start == 0 || text.as_bytes().get(start - 1) == Some(&b' ');
    let after = end >= text.len() || text.as_bytes().get(end) == Some(&b' ');
    before && after
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Name, NameKind, Schema};

    fn person(id: &str, names: &[&str]) -> Entity {
        let mut entity = Entity::new("un", id, Schema::Person);
        for n in names {
            entity.names.push(Name::new(*n, NameKind::Primary));
        }
        entity
    }

    fn scanner() -> TextScanner {
        TextScanner::build(&[
            person("QDi.290", &["Tohir Yuldashev", "Тохир Юлдашев"]),
            person("QDi.001", &["Mohammed Ali Hassan"]),
            person("QDi.002", &["Mohammed Omar"]),
            person("QDe.004", &["Rabita Trust"]),
            person("QDe.005", &["Al-Rashidiyyah Foundation"]),
        ])
    }

    #[test]
    fn finds_two_distinctive_tokens_close_together_in_any_script() {
        let s = scanner();
        let hits = s.scan(":70:/RFB/0425 PAYMENT FOR TOHIR YULDASHEV");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].tokens, vec!["tohir", "yuldashev"]);
        assert!(hits[0].explanation.contains("Tohir Yuldashev"));
        let hits = s.scan("оплата Юлдашев Тохир");
        assert_eq!(
            hits.first().map(|h| h.entity_id.as_str()),
            Some("un:QDi.290")
        );
        // Too far apart: not one name.
        assert!(s
            .scan("tohir paid rent and food and school for yuldashev")
            .is_empty());
    }

    #[test]
    fn one_token_or_common_tokens_are_not_enough() {
        let s = scanner();
        assert!(s.scan("invoice yuldashev 2024").is_empty());
        assert!(s.scan("payment foundation trust").is_empty());
        // Partial words never match.
        assert!(s.scan("tohirov yuldashevich").is_empty());
    }

    #[test]
    fn rare_long_token_carries_a_supporting_token() {
        let s = scanner();
        let hits = s.scan("donation al rashidiyyah foundation");
        assert_eq!(
            hits.first().map(|h| h.entity_id.as_str()),
            Some("un:QDe.005"),
            "{hits:?}"
        );
        assert!(s.pattern_count() >= 6);
    }

    #[test]
    fn tokens_of_two_names_of_one_entity_combine_when_adjacent() {
        let s = TextScanner::build(&[
            person("DMi.002", &["TOHIR YOLDOSHEV", "Takhir Yuldashev"]),
            person("QDi.002", &["Mohammed Omar"]),
            person("QDi.003", &["Karim Yuldashev"]),
        ]);
        let hits = s.scan("payment for Tohir Yuldashev");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].entity_id, "un:DMi.002");
        assert_eq!(hits[0].tokens, vec!["tohir", "yuldashev"]);
        assert!(hits[0].explanation.contains("Takhir Yuldashev"));
        // Far apart, they are not one name.
        assert!(s.scan("tohir paid rent for yuldashev").is_empty());
    }

    #[test]
    fn empty_or_odd_texts_do_not_panic() {
        let s = scanner();
        for text in ["", "   ", "////", "数字", "\u{0}\u{1}", &"x ".repeat(5000)] {
            let _ = s.scan(text);
        }
        assert!(TextScanner::build(&[]).scan("tohir yuldashev").is_empty());
    }
}
