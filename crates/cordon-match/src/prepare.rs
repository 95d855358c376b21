//! Turning a raw name into romanised tokens.
//!
//! A query keeps every romanisation variant, merged position by position: a
//! [`QueryShape`] has, at each token position, the distinct spellings the
//! variants give there (`hassan`, `hasan`, `hesen`). Variants with another
//! token count form another shape (`shan tian tai lang` / `shan tiantailang`).

use crate::token::{OwnedToken, TokenView};
use cordon_names::TokenKind;
use smallvec::SmallVec;

/// Tokens beyond this position in a name are ignored (no real name has more).
pub(crate) const MAX_TOKENS: usize = 32;
/// Most romanisation variants considered for one query.
pub(crate) const MAX_QUERY_VARIANTS: usize = 8;
/// Most spellings kept per query position.
const MAX_ALTS: usize = 4;
/// Most shapes (distinct token counts) kept per query.
const MAX_SHAPES: usize = 3;

/// One query token position with its alternative spellings (primary first).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QPos {
    pub alts: SmallVec<[OwnedToken; 2]>,
}

impl QPos {
    /// The primary spelling.
    pub fn primary(&self) -> Option<&OwnedToken> {
        self.alts.first()
    }

    /// Evidence weight of the position (its primary spelling's).
    pub fn weight(&self) -> f32 {
        self.primary().map_or(0.0, |t| t.weight)
    }

    /// Kind of the position: a name when any spelling is a name.
    pub fn kind(&self) -> TokenKind {
        if self.alts.iter().any(|a| a.kind == TokenKind::Name) {
            TokenKind::Name
        } else {
            self.primary().map_or(TokenKind::Name, |t| t.kind)
        }
    }

    /// A view of the spelling `alt` (the primary when out of range).
    pub fn view(&self, alt: usize) -> Option<TokenView<'_>> {
        self.alts.get(alt).or_else(|| self.primary()).map(|t| {
            let mut v = t.view();
            v.weight = self.weight();
            v.kind = self.kind();
            v
        })
    }
}

/// A query's romanised variants of one token count, merged by position.
#[derive(Debug, Clone)]
pub(crate) struct QueryShape {
    /// The primary variant's text.
    pub text: String,
    /// True when romanisation changed the text (another script, diacritics).
    pub transliterated: bool,
    pub positions: Vec<QPos>,
}

/// The distinct romanised variants of a name, primary first, at most `max` of them,
/// with the normalised original.
pub(crate) fn romanized_variants(text: &str, max: usize) -> (String, Vec<String>) {
    // The normal form from the memo when the query's validation just made it.
    let normal = memo::normalized(text);
    let variants = cordon_names::romanize_with_normal(text, &normal);
    let mut out: Vec<String> = Vec::new();
    for v in variants {
        let v = v.trim().to_string();
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
        if out.len() >= max {
            break;
        }
    }
    (normal, out)
}

/// Splits a romanised variant into at most [`MAX_TOKENS`] tokens.
pub(crate) fn split_tokens(variant: &str) -> impl Iterator<Item = &str> {
    variant
        .split(' ')
        .filter(|t| !t.is_empty())
        .take(MAX_TOKENS)
}

/// True when every letter token of the name is in a script that leaves short
/// vowels unwritten (Arabic, Hebrew): the romanised vowels are guesses.
pub(crate) fn is_vowelless(normal: &str) -> bool {
    let mut any = false;
    for t in normal.split(' ').filter(|t| !t.is_empty()) {
        match cordon_names::script_of(t) {
            cordon_names::Script::Arabic | cordon_names::Script::Hebrew => any = true,
            cordon_names::Script::Digits => {}
            _ => return false,
        }
    }
    any
}

fn token(text: &str, vowelless: bool) -> OwnedToken {
    let mut t = OwnedToken::new(text);
    t.vowelless = vowelless;
    t
}

/// Romanised syllables of the name's Han, Hangul and kana tokens: they are
/// name syllables even when they spell a Latin particle, title or short legal
/// form ("bin", "gen", "da", "sa").
fn cjk_syllables(normal: &str) -> Vec<String> {
    use cordon_names::Script;
    let mut out = Vec::new();
    for t in normal.split(' ') {
        if matches!(
            cordon_names::script_of(t),
            Script::Han | Script::Hangul | Script::Kana
        ) {
            for v in cordon_names::romanize(t) {
                out.extend(v.split(' ').map(str::to_string));
            }
        }
    }
    out
}

/// Features of tokens already known (an index's vocabulary), to save computing them.
pub(crate) type Known<'a> = &'a dyn Fn(&str) -> Option<OwnedToken>;

/// A query token, its kind corrected when it is a CJK syllable.
fn query_token(text: &str, vowelless: bool, cjk: &[String], known: Known<'_>) -> OwnedToken {
    let mut t = known(text).unwrap_or_else(|| memo::query_token(text, vowelless));
    t.vowelless = vowelless;
    t.syllabic = cjk.iter().any(|c| c == text);
    let misread = matches!(t.kind, TokenKind::Particle | TokenKind::Honorific)
        || (t.kind == TokenKind::LegalForm && text.len() <= 3);
    if misread && cjk.iter().any(|c| c == text) {
        t.kind = TokenKind::Name;
        t.weight = crate::token::kind_weight(TokenKind::Name, text);
    }
    t
}

/// What a thread has already computed for earlier queries.
///
/// Name tokens and words repeat a great deal across the queries of a batch or a
/// payment stream (the 200,000 rows of `scripts/bench-e2e.sh` hold 405,000 words,
/// 220,000 of them distinct), and building a query token
/// ([`OwnedToken::new_query`]: kind, phonetic key, equivalence groups, skeleton,
/// commonness, nisba facts) or romanising a word costs table look-ups and
/// allocations where a memo hit costs one hash look-up and a copy. What is kept
/// depends on nothing but the text it is kept under (and, for a token, whether it
/// was romanised from a vowelless script), so a hit is what computing would give;
/// the index's vocabulary, which differs between indexes, is consulted before the
/// memo and never stored in it.
pub(crate) mod memo {
    use crate::token::OwnedToken;
    use std::cell::RefCell;

    /// Most entries a memo keeps (a few megabytes per thread): it is emptied when
    /// full, which bounds it on an endless stream at the cost of recomputing the
    /// entries still in use.
    const CAPACITY: usize = 1 << 16;

    /// Values by text, emptied when full.
    struct Bounded<V> {
        map: ahash::AHashMap<Box<str>, V>,
    }

    // By hand: the derive would ask `V: Default`, which a token is not.
    impl<V> Default for Bounded<V> {
        fn default() -> Self {
            Bounded {
                map: ahash::AHashMap::new(),
            }
        }
    }

    impl<V: Clone> Bounded<V> {
        fn get_or_make(&mut self, key: &str, make: impl FnOnce() -> V) -> V {
            if let Some(value) = self.map.get(key) {
                return value.clone();
            }
            let value = make();
            if self.map.len() >= CAPACITY {
                self.map.clear();
            }
            self.map.insert(key.into(), value.clone());
            value
        }
    }

    thread_local! {
        /// Query tokens by spelling: `[0]` written with vowels, `[1]` vowelless.
        static TOKENS: RefCell<[Bounded<OwnedToken>; 2]> = RefCell::new(Default::default());
        /// Primary romanisations of single words.
        static WORDS: RefCell<Bounded<String>> = RefCell::new(Bounded::default());
        /// The last text normalised for a query and its normal form: screening a
        /// name asks for it again to look for listed names inside it.
        static LAST_NORMAL: RefCell<(String, String)> = RefCell::default();
    }

    /// [`OwnedToken::new_query`], from the memo when this thread built it before.
    pub(crate) fn query_token(text: &str, vowelless: bool) -> OwnedToken {
        TOKENS.with(|tokens| {
            tokens.borrow_mut()[usize::from(vowelless)]
                .get_or_make(text, || OwnedToken::new_query(text, vowelless))
        })
    }

    /// The primary romanisation of one word (empty when it has none).
    pub(crate) fn primary_romanization(word: &str) -> String {
        WORDS.with(|words| {
            words.borrow_mut().get_or_make(word, || {
                cordon_names::romanize(word)
                    .into_iter()
                    .next()
                    .unwrap_or_default()
            })
        })
    }

    /// [`cordon_names::normalize`] of a query's text, without normalising it again
    /// when it was the last text normalised through [`remember_normal`].
    pub(crate) fn normalized(text: &str) -> String {
        LAST_NORMAL.with(|last| {
            let last = last.borrow();
            if last.0 == text {
                last.1.clone()
            } else {
                cordon_names::normalize(text)
            }
        })
    }

    /// Keeps `normal` as the normal form of `text` for [`normalized`].
    pub(crate) fn remember_normal(text: &str, normal: &str) {
        LAST_NORMAL.with(|last| {
            let mut last = last.borrow_mut();
            last.0.clear();
            last.0.push_str(text);
            last.1.clear();
            last.1.push_str(normal);
        });
    }
}

/// Prepares a query: its variants merged into shapes, primary shape first.
pub(crate) fn prepare_query(text: &str) -> Vec<QueryShape> {
    prepare_query_with(text, &|_| None)
}

/// [`prepare_query`], taking the features of tokens `known` gives instead of computing them.
pub(crate) fn prepare_query_with(text: &str, known: Known<'_>) -> Vec<QueryShape> {
    let (normal, variants) = romanized_variants(text, MAX_QUERY_VARIANTS);
    memo::remember_normal(text, &normal);
    let vowelless = is_vowelless(&normal);
    let cjk = cjk_syllables(&normal);
    let mut shapes: Vec<QueryShape> = Vec::new();
    for v in &variants {
        let tokens: SmallVec<[&str; 8]> = split_tokens(v).collect();
        if tokens.is_empty() {
            continue;
        }
        if let Some(shape) = shapes
            .iter_mut()
            .find(|s| s.positions.len() == tokens.len())
        {
            for (pos, t) in shape.positions.iter_mut().zip(&tokens) {
                if pos.alts.len() < MAX_ALTS && !pos.alts.iter().any(|a| a.text == *t) {
                    pos.alts.push(query_token(t, vowelless, &cjk, known));
                }
            }
        } else if shapes.len() < MAX_SHAPES {
            shapes.push(QueryShape {
                text: v.clone(),
                transliterated: *v != normal,
                positions: tokens
                    .iter()
                    .map(|t| QPos {
                        alts: std::iter::once(query_token(t, vowelless, &cjk, known)).collect(),
                    })
                    .collect(),
            });
        }
    }
    shapes
}

/// Prepares a name as plain token sequences, one per variant (the list side of `compare`).
pub(crate) fn prepare_variants(text: &str, max: usize) -> Vec<(String, bool, Vec<OwnedToken>)> {
    let (normal, variants) = romanized_variants(text, max);
    let vowelless = is_vowelless(&normal);
    variants
        .into_iter()
        .map(|v| {
            let tokens = split_tokens(&v).map(|t| token(t, vowelless)).collect();
            let translit = v != normal;
            (v, translit, tokens)
        })
        .filter(|(_, _, t): &(String, bool, Vec<OwnedToken>)| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names of one to four words, each word in one of several scripts, romanised
    /// with and without vowels (Arabic, Hebrew), with CJK syllables and diacritics.
    const NAME: &str = "(([a-z]{1,8}|[à-ž]{1,6}|[а-яё]{2,8}|[ا-ي]{2,6}|[א-ת]{2,5}|[一-龥]{1,3}|[가-힣]{1,3}|[ァ-ヶ]{2,5}|[α-ω]{2,6}) ?){1,4}";

    /// A prepared query, every field written out (tokens hold floats, so no `PartialEq`).
    fn fields(shapes: &[QueryShape]) -> String {
        format!("{shapes:?}")
    }

    proptest::proptest! {
        /// Preparation through the memo (first building the tokens, then finding
        /// them there) gives what building every token afresh gives.
        #[test]
        fn memoised_preparation_equals_building_afresh(name in NAME) {
            let vowelless = is_vowelless(&cordon_names::normalize(&name));
            let afresh = prepare_query_with(&name, &|t| Some(OwnedToken::new_query(t, vowelless)));
            let first = prepare_query(&name);
            let again = prepare_query(&name);
            proptest::prop_assert_eq!(fields(&first), fields(&afresh));
            proptest::prop_assert_eq!(fields(&again), fields(&afresh));
        }
    }

    #[test]
    fn memoised_words_and_normal_forms_equal_computed_ones() {
        for name in [
            "Гулмурод Ҳалимов",
            "Osama BIN LADEN",
            "陈全国 ﻣﺤﻤﺪ",
            "O S A M A",
        ] {
            let normal = cordon_names::normalize(name);
            assert_eq!(memo::normalized(name), normal);
            prepare_query(name);
            assert_eq!(memo::normalized(name), normal);
            for word in normal.split(' ') {
                let primary = cordon_names::romanize(word).into_iter().next();
                for _ in 0..2 {
                    assert_eq!(
                        memo::primary_romanization(word),
                        primary.clone().unwrap_or_default(),
                        "{word}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_memo_keeps_vowelless_and_voweled_spellings_apart() {
        let voweled = memo::query_token("mhmd", false);
        let vowelless = memo::query_token("mhmd", true);
        assert_eq!(voweled.skel, 0);
        assert_ne!(vowelless.skel, 0);
        assert_eq!(memo::query_token("mhmd", false).skel, 0);
    }
}
