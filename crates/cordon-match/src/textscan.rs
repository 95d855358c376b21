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
//! or more. Each hit also gives the words of the scanned text it was found in, as written
//! (`original`), when the romanised tokens trace back to whole words. A candidate is not a
//! verdict: it goes to the screening explanation for a person to review.
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
//! // Where the analyst reads it: byte offsets into the text scanned.
//! assert_eq!(hits[0].original.as_deref(), Some("TOHIR YULDASHEV"));
//! assert_eq!(hits[0].original_start, Some(12));
//! assert!(scanner.scan("payment for Tohir, invoice 22").is_empty());
//! ```

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use cordon_model::{Entity, NameQuality};
use cordon_names::normalize::is_dropped;
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
/// Fewest entities above which a token is common (supporting only), whatever the list's
/// size: "mohammed" or "ali" in 25 entities is no evidence of any one of them.
const COMMON_ENTITIES_FLOOR: usize = 25;
// A rare token must be distinctive too: `renderings_found` only opens renderings for
// distinctive tokens, and a rare token alone can give a hit.
const _: () = assert!(RARE_NAMES <= COMMON_ENTITIES_FLOOR);
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
    /// The words of the scanned text the span was romanised from, exactly as written
    /// ("Yoʻldoshev,\nTohir" for the span "yoldoshev tohir"); `None` when the romanised
    /// tokens cannot be traced back to whole words of the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// Byte offset of `original` in the scanned text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_start: Option<usize>,
    /// End byte offset of `original` in the scanned text (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_end: Option<usize>,
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
        let found = self.renderings_found(automaton, &roman, &starts);
        if found.is_empty() {
            return Vec::new();
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
        if !hits.is_empty() {
            locate_in_original(&mut hits, text, &roman, &starts);
        }
        hits
    }

    /// The renderings that may give a hit in `roman`, each with the (token position,
    /// pattern) of its tokens found there. Only a rendering with a distinctive token found
    /// can: every kind of hit needs one (two distinctive tokens, or a rare one, and a rare
    /// token is distinctive too). So common tokens ("holding", "energy", carried by
    /// hundreds of renderings) are only added to the renderings a distinctive token
    /// brought in, instead of opening an entry for each of their hundreds of renderings.
    fn renderings_found(
        &self,
        automaton: &AhoCorasick,
        roman: &str,
        starts: &[usize],
    ) -> HashMap<u32, Vec<(usize, usize)>> {
        // (token position, pattern) of every whole-word token found.
        let matched: Vec<(usize, &Pattern, usize)> = automaton
            .find_overlapping_iter(roman)
            .filter(|m| whole_word(roman, m.start(), m.end()))
            .filter_map(|m| {
                let position = starts
                    .partition_point(|&s| s <= m.start())
                    .saturating_sub(1);
                let pattern = m.pattern().as_usize();
                Some((position, self.patterns.get(pattern)?, pattern))
            })
            .collect();
        // rendering -> (token position, pattern)
        let mut found: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
        for &(position, p, pattern) in matched.iter().filter(|m| m.1.distinctive) {
            for &name in &p.names {
                found.entry(name).or_default().push((position, pattern));
            }
        }
        for &(position, p, pattern) in matched.iter().filter(|m| !m.1.distinctive) {
            // `names` is in ascending order (built rendering by rendering).
            for (name, positions) in found.iter_mut() {
                if p.names.binary_search(name).is_ok() {
                    positions.push((position, pattern));
                }
            }
        }
        found
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
            original: None,
            original_start: None,
            original_end: None,
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
            original: None,
            original_start: None,
            original_end: None,
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
    let common_above = (names.len() / 2_000).max(COMMON_ENTITIES_FLOOR);
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

/// Where one romanised token of a text comes from: the byte range of its word in the
/// text, and whether it is the first or the last token that word romanises to.
#[derive(Debug, Clone, Copy)]
struct TokenOrigin {
    start: usize,
    end: usize,
    first: bool,
    last: bool,
}

/// Fills the `original` fields of `hits` from [`token_origins`]. A hit that starts or ends
/// inside a word romanised to several tokens (a run of Han characters) is left without:
/// that word holds more than the hit.
fn locate_in_original(hits: &mut [TextHit], text: &str, roman: &str, starts: &[usize]) {
    let tokens: Vec<&str> = roman.split(' ').collect();
    let Some(origins) = token_origins(text, &tokens) else {
        return;
    };
    for hit in hits {
        let first = starts.binary_search(&hit.start).ok();
        let last = starts.partition_point(|&s| s < hit.end).checked_sub(1);
        let (Some(first), Some(last)) = (
            first.and_then(|i| origins.get(i)),
            last.and_then(|i| origins.get(i)),
        ) else {
            continue;
        };
        if !first.first || !last.last {
            continue;
        }
        if let Some(original) = text.get(first.start..last.end) {
            hit.original = Some(original.to_string());
            hit.original_start = Some(first.start);
            hit.original_end = Some(last.end);
        }
    }
}

/// The origin of every token of `tokens` (the primary romanisation of `text`), or `None`
/// when they cannot be traced reliably. Each word of the text ([`word_ranges`]) is
/// romanised alone, and the words must account for the tokens one for one: as many in all,
/// and for a word in ASCII the same token. A word in another script is matched by its
/// count of tokens only: its letters may depend on the rest of the text (the language of a
/// Cyrillic text, an Arabic noun before its complement).
fn token_origins(text: &str, tokens: &[&str]) -> Option<Vec<TokenOrigin>> {
    let mut origins = Vec::with_capacity(tokens.len());
    for (start, end) in word_ranges(text) {
        let word = text.get(start..end)?;
        let count = if word.is_ascii() {
            if !word.bytes().any(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            // Letters and digits with inner apostrophes: one token, the word lowercased.
            let token = tokens.get(origins.len())?;
            ascii_word_is(word, token).then_some(1)?
        } else {
            let Some(rendered) = romanize(word).into_iter().next() else {
                continue;
            };
            rendered.split(' ').count()
        };
        if origins.len() + count > tokens.len() {
            return None;
        }
        let (start, end) = trim_word(text, start, end);
        origins.extend((0..count).map(|i| TokenOrigin {
            start,
            end,
            first: i == 0,
            last: i + 1 == count,
        }));
    }
    (origins.len() == tokens.len()).then_some(origins)
}

/// Whether the ASCII `word` romanises to `token`: lowercased, apostrophes dropped.
fn ascii_word_is(word: &str, token: &str) -> bool {
    word.bytes()
        .filter(|b| !matches!(b, b'\'' | b'`'))
        .map(|b| b.to_ascii_lowercase())
        .eq(token.bytes())
}

/// The words of a text as the scanner reads them before romanising: normalised
/// (case, width, apostrophes dropped, punctuation a break), in order.
pub fn words(text: &str) -> Vec<String> {
    cordon_names::normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Byte ranges of the words of `text`, split where [`cordon_names::normalize`] splits:
/// spaces and punctuation end a word, apostrophes and joiners do not. Other symbols stay
/// in their word ("№12", "ACME™"): NFKC may turn them into letters, so romanising the
/// word decides what they hold.
fn word_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = None;
    text.char_indices()
        .chain(std::iter::once((text.len(), ' ')))
        .filter_map(move |(i, c)| {
            if separates_words(c) {
                start.take().map(|s| (s, i))
            } else {
                start.get_or_insert(i);
                None
            }
        })
}

fn separates_words(c: char) -> bool {
    if c.is_alphanumeric() || is_dropped(c) {
        return false;
    }
    c.is_ascii() || c.is_whitespace() || is_punctuation(c)
}

/// The word without the apostrophes, punctuation or symbols at its edges ("ʻAli»" is
/// "Ali"; a trailing combining accent stays), unless nothing would be left.
fn trim_word(text: &str, start: usize, end: usize) -> (usize, usize) {
    let Some(word) = text.get(start..end) else {
        return (start, end);
    };
    let letter = |c: char| c.is_alphanumeric() && !is_dropped(c);
    let head = word.len() - word.trim_start_matches(|c| !letter(c)).len();
    let tail = word
        .trim_end_matches(|c| !letter(c) && !is_combining_accent(c))
        .len();
    if head < tail {
        (start + head, start + tail)
    } else {
        (start, end)
    }
}

/// Punctuation outside ASCII: Latin-1, general and supplemental punctuation, CJK, small,
/// full-width and Arabic punctuation (none of it becomes a letter under NFKC).
fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}'..='\u{00BF}'
            | '\u{00D7}'
            | '\u{00F7}'
            | '\u{060C}'
            | '\u{061B}'
            | '\u{061F}'
            | '\u{066A}'..='\u{066D}'
            | '\u{06D4}'
            | '\u{2000}'..='\u{206F}'
            | '\u{2E00}'..='\u{2E7F}'
            | '\u{3000}'..='\u{303F}'
            | '\u{FE10}'..='\u{FE1F}'
            | '\u{FE30}'..='\u{FE6F}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}'
    )
}

/// Combining accents that are not part of a letter's alphabetic property (a decomposed
/// "é" is "e" and U+0301).
fn is_combining_accent(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0483}'..='\u{0489}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Name, NameKind, Schema};
    use proptest::strategy::Strategy;

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

    /// Field 70 (remittance information) of a shared CBPR+ MT103 sample.
    fn shared_remittance() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/payments/cbpr_c_53_5_MT103_A_to_B.fin"
        );
        let message = std::fs::read_to_string(path).unwrap();
        let line = message.lines().find(|l| l.starts_with(":70:")).unwrap();
        line.trim_start_matches(":70:").to_string()
    }

    fn originals(s: &TextScanner, text: &str) -> Vec<(String, Option<String>)> {
        s.scan(text)
            .into_iter()
            .map(|h| {
                if let (Some(a), Some(b)) = (h.original_start, h.original_end) {
                    assert_eq!(text.get(a..b), h.original.as_deref(), "{h:?}");
                }
                (h.entity_id, h.original)
            })
            .collect()
    }

    #[test]
    fn hits_point_at_the_words_of_the_original_text() {
        let s = TextScanner::build(&[
            person("QDi.294", &["UMAR PATEK"]),
            person("QDi.290", &["Tohir Yoʻldoshev", "Тохир Юлдашев"]),
        ]);
        let roc = shared_remittance();
        assert!(roc.starts_with("/ROC/"), "{roc}");
        let found = |text: &str| originals(&s, text);
        let some = |id: &str, original: &str| vec![(format!("un:{id}"), Some(original.into()))];

        let text = format!("{roc} PAYMENT FOR Umar Patek");
        assert_eq!(found(&text), some("QDi.294", "Umar Patek"));
        let hit = &s.scan(&text)[0];
        assert_eq!(hit.span, "umar patek");
        assert_eq!(hit.original_start, Some(roc.len() + 13));
        // Mixed case, punctuation, quotes and a line break between the words.
        let text = format!("{roc}\nINV-22/PMT TO: 'PATEK',\nUMAR. THX");
        assert_eq!(found(&text), some("QDi.294", "PATEK',\nUMAR"));
        // Apostrophes inside a word are dropped by romanisation but kept in the original.
        let text = format!("{roc} SCHOOL FEES TOHIR YO’LDOSHEV ‘22");
        assert_eq!(found(&text), some("QDi.290", "TOHIR YO’LDOSHEV"));
        let text = format!("{roc} «Yoʻldoshev Tohir» uchun");
        assert_eq!(found(&text), some("QDi.290", "Yoʻldoshev Tohir"));
        // Cyrillic, with an invoice number sign that NFKC turns into letters.
        let text = format!("{roc} Оплата по счёту №12 за Юлдашев Тохир.");
        assert_eq!(found(&text), some("QDi.290", "Юлдашев Тохир"));
    }

    #[test]
    fn hits_that_cannot_be_traced_to_whole_words_have_no_original() {
        let s = TextScanner::build(&[person("QDi.294", &["UMAR PATEK"])]);
        let roc = shared_remittance();
        // An arrow glues "PAYMENT" and "UMAR" into one word of the text: the hit starts
        // inside it, and the word holds more than the name.
        let hits = s.scan(&format!("{roc} PAYMENT→UMAR PATEK"));
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].span, "umar patek");
        assert_eq!(hits[0].original, None);
        assert_eq!((hits[0].original_start, hits[0].original_end), (None, None));
        let json = serde_json::to_value(&hits[0]).unwrap();
        assert!(json.get("original").is_none(), "{json}");
        assert!(json.get("original_start").is_none(), "{json}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// Whatever the text, an original is the exact text between its offsets, on char
        /// boundaries, and romanises to the words of the span.
        #[test]
        fn originals_are_exact_substrings(
            parts in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        4 => proptest::sample::select(vec![
                            "Tohir", "YOʻLDOSHEV", "Yo’ldoshev", "Тохир", "Юлдашев", "umar",
                            "PATEK", "ПАТЕК", "/ROC/", "№12", "数字", "İ", "ß", "e\u{301}",
                        ]).prop_map(str::to_string),
                        1 => "\\PC{0,3}",
                    ],
                    proptest::prop_oneof![
                        4 => proptest::sample::select(vec![
                            " ", "  ", "\n", "-", ", ", "'", "’", "ʻ", "→", "«", "…", "\u{301}",
                        ]).prop_map(str::to_string),
                        1 => "\\PC{0,2}",
                    ],
                ),
                0..10,
            )
        ) {
            let s = TextScanner::build(&[
                person("QDi.294", &["UMAR PATEK"]),
                person("QDi.290", &["Tohir Yoʻldoshev", "Тохир Юлдашев"]),
            ]);
            let text: String = parts.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
            for hit in s.scan(&text) {
                let (Some(start), Some(end)) = (hit.original_start, hit.original_end) else {
                    proptest::prop_assert!(hit.original.is_none());
                    continue;
                };
                proptest::prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                proptest::prop_assert_eq!(text.get(start..end), hit.original.as_deref());
                let original = hit.original.unwrap_or_default();
                let spelled = romanize(&original).into_iter().next().unwrap_or_default();
                proptest::prop_assert_eq!(spelled.split(' ').count(), hit.span.split(' ').count());
            }
        }
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
