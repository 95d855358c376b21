//! Turning a raw name into romanised token sequences (one per transliteration variant).

use crate::align::MAX_TOKENS;
use crate::token::OwnedToken;

/// Most romanisation variants considered for one name.
pub(crate) const MAX_VARIANTS: usize = 4;

/// One romanised rendering of a name, tokenised.
#[derive(Debug, Clone)]
pub(crate) struct PreparedName {
    /// The romanised text (tokens joined by one space).
    pub text: String,
    /// True when romanisation changed the text (another script, diacritics).
    pub transliterated: bool,
    pub tokens: Vec<OwnedToken>,
}

/// The distinct romanised variants of a name, primary first, at most `max` of them.
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
    variant.split(' ').filter(|t| !t.is_empty()).take(MAX_TOKENS)
}

/// Prepares a name for comparison: every romanised variant with its tokens.
pub(crate) fn prepare(text: &str) -> Vec<PreparedName> {
    let (normal, variants) = romanized_variants(text, MAX_VARIANTS);
    variants
        .into_iter()
        .map(|v| PreparedName {
            transliterated: v != normal,
            tokens: split_tokens(&v).map(OwnedToken::new).collect(),
            text: v,
        })
        .filter(|p| !p.tokens.is_empty())
        .collect()
}
