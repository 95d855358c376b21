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
#[derive(Debug, Clone)]
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
    let normal = cordon_names::normalize(text);
    let mut out: Vec<String> = Vec::new();
    for v in cordon_names::romanize(text) {
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
    let mut t = known(text).unwrap_or_else(|| OwnedToken::new_query(text, vowelless));
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

/// Prepares a query: its variants merged into shapes, primary shape first.
pub(crate) fn prepare_query(text: &str) -> Vec<QueryShape> {
    prepare_query_with(text, &|_| None)
}

/// [`prepare_query`], taking the features of tokens `known` gives instead of computing them.
pub(crate) fn prepare_query_with(text: &str, known: Known<'_>) -> Vec<QueryShape> {
    let (normal, variants) = romanized_variants(text, MAX_QUERY_VARIANTS);
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
