//! Text normalisation that keeps the original script.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFKC, full lowercase (ß stays, final sigma folds to σ), apostrophes of
/// every kind removed (so Uzbek `Yoʻldoshev` == `Yo'ldoshev` == `Yoldoshev`),
/// hyphens and other punctuation to one space, whitespace collapsed, trimmed.
/// Keeps the original script and its diacritics. Idempotent.
pub fn normalize(text: &str) -> String {
    let mut out = normalize_pass(text);
    // Lowercasing can leave text that NFKC changes again (a capital with a
    // combining mark); repeat until a fixed point so the function is idempotent.
    for _ in 0..4 {
        if out.is_ascii() {
            break;
        }
        let again = normalize_pass(&out);
        if again == out {
            break;
        }
        out = again;
    }
    out
}

fn normalize_pass(text: &str) -> String {
    if text.is_ascii() {
        return normalize_ascii(text);
    }
    normalize_unicode(text)
}

/// [`normalize_unicode`] for ASCII text, which NFKC leaves as it is: most names
/// screened in payments, so worth a pass over bytes.
fn normalize_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for b in text.bytes() {
        if b == b'\'' || b == b'`' {
            continue;
        }
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            pending_space = true;
        }
    }
    out
}

fn normalize_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let c = if c == 'ς' { 'σ' } else { c };
        if is_dropped(c) {
            continue;
        }
        if c.is_alphanumeric() || is_combining_mark(c) {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Characters [`normalize`] removes without leaving a word break: apostrophes and
/// modifier letters used as apostrophes, Arabic tatweel, joiners, soft hyphen.
/// Public so that code mapping normalised words back to a text splits it the same way.
pub fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '’'
            | '‘'
            | 'ʻ'
            | 'ʼ'
            | 'ʽ'
            | '`'
            | '´'
            | 'ʹ'
            | 'ˈ'
            | 'ʾ'
            | 'ʿ'
            | '′'
            | 'ꞌ'
            | 'ـ'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{00AD}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// Normalised tokens of a name, split on spaces. Han tokens that end with
/// a legal-form suffix (有限公司, 集团...) are split so the suffix is its own token.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in normalize(text).split(' ').filter(|t| !t.is_empty()) {
        match crate::tokens::split_han_legal_suffix(token) {
            Some((stem, suffix)) => {
                out.push(stem.to_string());
                out.push(suffix.to_string());
            }
            None => out.push(token.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte pass for ASCII gives exactly what the Unicode pass gives.
        #[test]
        fn ascii_pass_equals_the_unicode_pass(text in "[ -~\t]{0,40}") {
            proptest::prop_assert_eq!(normalize_ascii(&text), normalize_unicode(&text));
        }
    }

    #[test]
    fn apostrophes_and_punctuation() {
        assert_eq!(normalize("  Tohir  YOʻLDOSHEV "), "tohir yoldoshev");
        assert_eq!(normalize("Yo'ldoshev"), normalize("Yoʻldoshev"));
        assert_eq!(normalize("Yo’ldoshev"), "yoldoshev");
        assert_eq!(normalize("Yo`ldoshev"), "yoldoshev");
        assert_eq!(normalize("Al-Qaida"), "al qaida");
        assert_eq!(normalize("PUTIN, Vladimir"), "putin vladimir");
        assert_eq!(normalize("Гулмурод Ҳалимов"), "гулмурод ҳалимов");
        assert_eq!(normalize("ﻣﺤﻤﺪ"), "محمد");
        assert_eq!(normalize("محـــمد"), "محمد");
        assert_eq!(normalize("Ｍｏｈａｍｅｄ"), "mohamed");
        assert_eq!(normalize("Πούτιν"), "πούτιν");
        assert_eq!(normalize("ΟΔΥΣΣΕΥΣ"), "οδυσσευσ");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" - , "), "");
    }

    #[test]
    fn tokenize_splits_han_legal_form() {
        assert_eq!(tokenize("华为技术有限公司"), vec!["华为技术", "有限公司"]);
        assert_eq!(tokenize("Umarov, Doku"), vec!["umarov", "doku"]);
    }
}
