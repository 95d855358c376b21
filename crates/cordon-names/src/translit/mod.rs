//! Romanisation: per-script transliteration to lowercase ASCII with the
//! variants real documents use, combined per name with a bounded count.

pub mod arabic;
pub mod armenian;
pub mod cyrillic;
pub mod georgian;
pub mod greek;
pub mod han;
pub mod hangul;
pub mod hebrew;
pub mod latin;
pub mod readings;

use crate::normalize::tokenize_normalized;
use crate::script::{script_of, Script};

/// Most renderings [`romanize`] returns for one name.
pub const MAX_VARIANTS: usize = 8;

/// Latin renderings of a name, lowercase ASCII, tokens separated by one
/// space; the first is the primary rendering, then the variants real
/// documents use (Cyrillic х = kh/h/x, Arabic vowels, Han joined given
/// name...), deduplicated, at most [`MAX_VARIANTS`]. Empty only when the
/// text has no letters or digits.
///
/// Variants are built per token (or per Arabic compound such as
/// `عبد الرحمن`) as lists aligned by system: the k-th rendering of every
/// token comes from the same system (BGN, ICAO, ...), so the k-th name
/// rendering is consistent; then single-token substitutions fill the rest.
///
/// A name written to slip past screening (letters spelt out one by one, digits for
/// letters, padded double letters, glued words: [`crate::evasion`]) also gets the
/// renderings of its readings: the primary rendering of each reading first (what
/// the writer meant the reader to see), then the name's own primary rendering, then
/// the other renderings.
pub fn romanize(text: &str) -> Vec<String> {
    romanize_with_normal(text, &crate::normalize(text))
}

/// [`romanize`], `normal` being `normalize(text)`: a caller that has the normal form
/// already (it is the largest part of preparing a non-Latin name) passes it.
pub fn romanize_with_normal(text: &str, normal: &str) -> Vec<String> {
    let readings = crate::evasion::readings(text);
    let own = romanize_normal(normal);
    if readings.is_empty() {
        return own;
    }
    let others: Vec<Vec<String>> = readings.iter().map(|r| romanize_plain(r)).collect();
    let mut merged: Vec<String> = Vec::with_capacity(MAX_VARIANTS);
    for v in others.iter().filter_map(|o| o.first()) {
        push_unique(&mut merged, v.clone());
    }
    let rest = others.iter().flat_map(|o| o.iter().skip(1));
    for v in own.iter().take(1).chain(rest).chain(own.iter().skip(1)) {
        push_unique(&mut merged, v.clone());
    }
    merged.truncate(MAX_VARIANTS);
    merged
}

/// [`romanize`] of the name as written, without other readings.
fn romanize_plain(text: &str) -> Vec<String> {
    romanize_normal(&crate::normalize(text))
}

/// [`romanize_plain`] of a name already normalised.
fn romanize_normal(normal: &str) -> Vec<String> {
    // Most names screened are plain ASCII: normalised, they are their only
    // rendering (no letter to transliterate or strip, no Uzbek `x` to respell).
    if normal.is_ascii() && !normal.contains('x') {
        return if normal.is_empty() {
            Vec::new()
        } else {
            vec![normal.to_string()]
        };
    }
    romanize_tokens(normal)
}

/// [`romanize`] token by token, for any normalised text.
fn romanize_tokens(normal: &str) -> Vec<String> {
    let tokens = split_joined_arabic(tokenize_normalized(normal));
    let units = token_units(&tokens);
    combine(&units)
}

/// Arabic tokens with a frequent element glued on (محمدعبد) become two.
fn split_joined_arabic(tokens: Vec<String>) -> Vec<String> {
    if !tokens.iter().any(|t| script_of(t) == Script::Arabic) {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() + 1);
    for token in tokens {
        match arabic::split_joined(&token).filter(|_| script_of(&token) == Script::Arabic) {
            Some((head, tail)) => {
                out.push(head);
                out.push(tail);
            }
            None => out.push(token),
        }
    }
    out
}

/// Per-unit rendering lists (aligned by system, cleaned, never empty).
fn token_units(tokens: &[String]) -> Vec<Vec<String>> {
    let lang = cyrillic::Lang::detect(tokens.iter().map(String::as_str));
    let mut units = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let rest = tokens.get(i..).unwrap_or_default();
        let Some(token) = rest.first() else { break };
        let (raw, used) = match script_of(token) {
            Script::Arabic => arabic::unit_variants(rest),
            Script::Cyrillic => (
                with_latin_reading(token, cyrillic::variants(token, lang)),
                1,
            ),
            Script::Han => (readings::han_variants(token), 1),
            Script::Hangul => (
                readings::with_readings(token, hangul::variants(token), false),
                1,
            ),
            Script::Greek => (with_latin_reading(token, greek::variants(token)), 1),
            Script::Georgian => (georgian::variants(token), 1),
            Script::Armenian => (armenian::variants(token), 1),
            Script::Hebrew => (
                readings::with_readings(token, hebrew::variants(token), true),
                1,
            ),
            Script::Latin | Script::Digits => (latin::variants(token), 1),
            Script::Kana => (kana_variants(token), 1),
            Script::Other => (vec![any_ascii::any_ascii(token)], 1),
        };
        i += used.max(1);
        let cleaned: Vec<String> = raw
            .iter()
            .map(|v| clean_ascii(v))
            .filter(|v| !v.is_empty())
            .collect();
        if !cleaned.is_empty() {
            units.push(cleaned);
        }
    }
    units
}

/// A token's renderings and, last, its reading as Latin look-alikes when every
/// letter is one (`оѕама`: `osama`, where transliteration gives `odzama`).
fn with_latin_reading(token: &str, mut variants: Vec<String>) -> Vec<String> {
    if let Some(latin) = crate::confusables::latin_reading(token) {
        if !variants.contains(&latin) {
            variants.push(latin);
        }
    }
    variants
}

/// Kana: the syllabary's romaji, then attested readings (whole token, or
/// the longest-match segmentation).
fn kana_variants(token: &str) -> Vec<String> {
    let mut out = readings::with_readings(token, vec![any_ascii::any_ascii(token)], false);
    if let Some(seg) = readings::segmented(token) {
        if !out.contains(&seg) {
            out.push(seg);
        }
    }
    out
}

/// Aligned renderings first, then one-token substitutions, deduplicated and capped.
fn combine(units: &[Vec<String>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let width = units.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..width {
        let name = join_with(units, |_, unit| pick(unit, k));
        push_unique(&mut out, name);
        if out.len() >= MAX_VARIANTS {
            return out;
        }
    }
    for k in 1..width {
        for (changed, unit) in units.iter().enumerate() {
            if unit.len() <= k {
                continue;
            }
            let name = join_with(units, |j, u| pick(u, if j == changed { k } else { 0 }));
            push_unique(&mut out, name);
            if out.len() >= MAX_VARIANTS {
                return out;
            }
        }
    }
    out
}

fn pick(unit: &[String], k: usize) -> &str {
    unit.get(k.min(unit.len().saturating_sub(1)))
        .map_or("", String::as_str)
}

fn join_with<'a>(
    units: &'a [Vec<String>],
    choose: impl Fn(usize, &'a [String]) -> &'a str,
) -> String {
    let mut name = String::new();
    for (j, unit) in units.iter().enumerate() {
        let part = choose(j, unit);
        if part.is_empty() {
            continue;
        }
        if !name.is_empty() {
            name.push(' ');
        }
        name.push_str(part);
    }
    name
}

fn push_unique(out: &mut Vec<String>, name: String) {
    if !name.is_empty() && !out.contains(&name) {
        out.push(name);
    }
}

/// Lowercase ASCII letters and digits, anything else a single space, trimmed.
/// Non-ASCII input goes through any_ascii first.
pub fn clean_ascii(text: &str) -> String {
    let ascii;
    let text = if text.is_ascii() {
        text
    } else {
        ascii = any_ascii::any_ascii(text);
        ascii.as_str()
    };
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else if b != b'\'' && b != b'`' {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_aligns_then_substitutes() {
        let units = vec![
            vec!["a".to_string(), "b".to_string()],
            vec!["x".to_string(), "y".to_string(), "z".to_string()],
        ];
        let out = combine(&units);
        assert_eq!(out[0], "a x");
        assert_eq!(out[1], "b y");
        assert_eq!(out[2], "b z");
        assert!(out.contains(&"a y".to_string()));
        assert!(out.contains(&"b x".to_string()));
    }

    #[test]
    fn combine_is_bounded() {
        let unit: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
        let units = vec![unit.clone(), unit.clone(), unit];
        assert_eq!(combine(&units).len(), MAX_VARIANTS);
    }

    proptest::proptest! {
        /// The ASCII shortcut gives what the token-by-token path gives.
        #[test]
        fn ascii_shortcut_equals_the_token_path(text in "[ -~]{0,40}") {
            let normal = crate::normalize(&text);
            proptest::prop_assume!(!normal.contains('x'));
            proptest::prop_assert_eq!(romanize_plain(&text), romanize_tokens(&normal));
        }
    }

    #[test]
    fn clean_ascii_collapses() {
        assert_eq!(clean_ascii(" Ab-c'd  é "), "ab cd e");
    }

    #[test]
    fn primary_and_variants() {
        let v = romanize("Гулмурод Ҳалимов");
        assert_eq!(v[0], "gulmurod khalimov");
        assert!(v.contains(&"gulmurod halimov".to_string()));
        assert!(romanize("").is_empty());
        assert!(romanize("!!").is_empty());
    }
}
