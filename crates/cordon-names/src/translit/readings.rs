//! Attested Latin readings of Han, kana, Hebrew and Hangul name tokens that
//! the rules miss: Japanese and Korean readings of Han characters (山田
//! yamada, 正恩 jong un, 金 kim), unwritten Hebrew vowels (דוד david).
//!
//! The table is generated from the rigour `persons` groups (MIT, data from
//! Wikidata CC0; see `examples/gen_tables.rs` and NOTICE): a native form
//! paired with the Latin forms of its group, most common first, keeping
//! only readings the rules do not already give.

use ahash::AHashMap;
use std::sync::OnceLock;

use super::han;

static READINGS_TEXT: &str = include_str!("../../data/readings.tsv");

/// Longest key of the table, in characters (greedy segmentation bound).
const MAX_KEY_CHARS: usize = 6;

/// The table by native form (aHash rather than SipHash: a greedy segmentation
/// looks up every piece it tries, and no untrusted party chooses the keys).
fn table() -> &'static AHashMap<&'static str, Vec<&'static str>> {
    static MAP: OnceLock<AHashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    MAP.get_or_init(|| {
        READINGS_TEXT
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(key, en)| (key, en.split(',').filter(|s| !s.is_empty()).collect()))
            .collect()
    })
}

/// Attested readings of a whole token, most common first (empty if none).
pub fn lookup(token: &str) -> &'static [&'static str] {
    table().get(token).map_or(&[], Vec::as_slice)
}

/// A reading of a Han or kana token split greedily into the longest table
/// keys (金正恩 -> 金 + 正恩 -> "kim jong un"); `None` unless every piece
/// is in the table and one piece is longer than a character, so Chinese
/// names read character by character keep only their pinyin.
pub fn segmented(token: &str) -> Option<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut pieces: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut multi = false;
    while start < chars.len() {
        let longest = MAX_KEY_CHARS.min(chars.len() - start);
        let (len, reading) = (1..=longest).rev().find_map(|len| {
            let key: String = chars.get(start..start + len)?.iter().collect();
            lookup(&key).first().map(|r| (len, *r))
        })?;
        multi |= len > 1;
        pieces.push(reading);
        start += len;
    }
    (multi && pieces.len() > 1).then(|| pieces.join(" "))
}

/// Renderings of a Han token: pinyin first (Chinese names stay first), then
/// the attested Japanese or Korean reading of the whole token or of its
/// longest-match segmentation.
pub fn han_variants(token: &str) -> Vec<String> {
    let mut out = han::variants(token);
    let extra = lookup(token)
        .first()
        .map(|r| r.to_string())
        .or_else(|| segmented(token));
    if let Some(extra) = extra {
        if !out.contains(&extra) {
            out.push(extra);
        }
    }
    out
}

/// Attested readings used per token: more add false alerts (short kana
/// such as カン have readings from unrelated names) faster than recall.
const READINGS_USED: usize = 1;

/// `rules` followed (or, with `first`, preceded) by the most common
/// attested reading of `token`, deduplicated.
pub fn with_readings(token: &str, rules: Vec<String>, first: bool) -> Vec<String> {
    let attested = lookup(token)
        .iter()
        .take(READINGS_USED)
        .map(|r| r.to_string());
    let ordered: Vec<String> = if first {
        attested.chain(rules).collect()
    } else {
        rules.into_iter().chain(attested).collect()
    };
    let mut out: Vec<String> = Vec::with_capacity(ordered.len());
    for v in ordered {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_korean_readings_of_han() {
        assert_eq!(lookup("山田").first(), Some(&"yamada"));
        assert_eq!(segmented("山田太郎").as_deref(), Some("yamada taro"));
        let v = han_variants("金正恩");
        assert_eq!(v.first().map(String::as_str), Some("jin zheng en"));
        assert!(v.iter().any(|s| s.starts_with("kim ")), "{v:?}");
    }

    #[test]
    fn chinese_names_keep_pinyin_first() {
        let v = han_variants("陈全国");
        assert_eq!(v.get(1).map(String::as_str), Some("chen quanguo"));
    }

    #[test]
    fn hebrew_vowels() {
        let v = with_readings("דוד", vec!["dod".into()], true);
        assert_eq!(v.first().map(String::as_str), Some("david"));
    }
}
