//! Text normalisation that keeps the original script.
//!
//! Against evasion, [`normalize`] also reads a name as a person sees it:
//! invisible and format characters (zero-width spaces, directional marks, bidi
//! controls, BOM, word joiner: Unicode Cf) are removed without a word break, text
//! inside a bidi override is read back in the order it is displayed, and a word
//! that mixes Latin with Cyrillic or Greek look-alikes is folded to one script
//! ([`crate::confusables`]).

use crate::confusables;
use std::borrow::Cow;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFKC, full lowercase (ß stays, final sigma folds to σ), apostrophes of
/// every kind removed (so Uzbek `Yoʻldoshev` == `Yo'ldoshev` == `Yoldoshev`),
/// hyphens and other punctuation to one space, whitespace collapsed, trimmed.
/// Invisible format characters are removed, bidi overrides applied (the text of
/// a right-to-left override over Latin letters is read back reversed), words
/// mixing Latin with Cyrillic or Greek look-alikes folded to one script.
/// Keeps the original script and its diacritics otherwise. Idempotent.
pub fn normalize(text: &str) -> String {
    let mut out = normalize_pass(text);
    // Lowercasing can leave text that NFKC changes again (a capital with a
    // combining mark); repeat until a fixed point so the function is idempotent.
    for _ in 0..4 {
        if out.is_ascii() || is_fixed_point(&out) {
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

/// True when [`normalize_pass`] is sure to give `out` back, `out` being one of
/// its outputs (on other text the answer means nothing): `out` is already NFKC (by the quick check, without composing anything),
/// has no word mixing scripts to fold, and lowercasing changes none of its
/// characters; the pass then keeps every character where it is, its words being
/// made of letters, digits and marks already and its spaces single. Checking costs
/// a fraction of the pass it saves on almost every non-ASCII name (NFKC and case
/// folding done twice were a tenth of batch screening). `false` means only "not
/// sure": the pass is then run.
fn is_fixed_point(out: &str) -> bool {
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    is_nfkc_quick(out.chars()) == IsNormalized::Yes
        && matches!(confusables::fold_mixed_words(out), Cow::Borrowed(_))
        && out.chars().all(|c| c == ' ' || lowercases_to_itself(c))
}

fn lowercases_to_itself(c: char) -> bool {
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
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
    let read = apply_overrides(text);
    let composed: String = read.nfkc().collect();
    let folded = confusables::fold_mixed_words(&composed);
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in folded.chars().flat_map(char::to_lowercase) {
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
/// modifier letters used as apostrophes, Arabic tatweel, and every invisible format
/// character (Unicode Cf: zero-width space and joiners, directional marks and bidi
/// controls, soft hyphen, word joiner, BOM...).
/// Public so that code mapping normalised words back to a text splits it the same way.
pub fn is_dropped(c: char) -> bool {
    is_format(c) || is_apostrophe_or_tatweel(c)
}

/// Unicode general category Cf (format characters, Unicode 15.1): invisible, they
/// never separate words on screen, so they must not separate them here either.
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

fn is_apostrophe_or_tatweel(c: char) -> bool {
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
    )
}

const LRE: char = '\u{202A}';
const RLE: char = '\u{202B}';
const PDF: char = '\u{202C}';
const LRO: char = '\u{202D}';
const RLO: char = '\u{202E}';

/// The text with each bidi override run (LRO or RLO up to its PDF, or to the end)
/// in the order a reader sees it. An override displays its run in one direction
/// whatever the letters: a right-to-left override over Latin letters shows them
/// reversed (the "evil" trick: `\u{202E}nedal` displays as `laden`), and a
/// left-to-right override over Arabic or Hebrew letters does the same to them.
/// A run whose letters already go the forced way is left as it is.
pub fn apply_overrides(text: &str) -> Cow<'_, str> {
    if !text.contains([RLO, LRO]) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == RLO || c == LRO {
            let end = run_end(&chars, i + 1);
            let run = chars.get(i + 1..end).unwrap_or_default();
            if goes_against(run, c == RLO) {
                out.extend(reversed_keeping_marks(run));
            } else {
                out.extend(run.iter());
            }
            i = end + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// Index of the PDF closing the embedding opened just before `start` (nested
/// embeddings and overrides counted), or the text's length.
fn run_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, &c) in chars.iter().enumerate().skip(start) {
        match c {
            LRE | RLE | LRO | RLO => depth += 1,
            PDF if depth == 0 => return i,
            PDF => depth -= 1,
            _ => {}
        }
    }
    chars.len()
}

/// True when most strong letters of `run` read the other way than the override
/// forces (Latin under a right-to-left override, Arabic under a left-to-right one).
fn goes_against(run: &[char], right_to_left: bool) -> bool {
    let rtl = run.iter().filter(|c| is_rtl_letter(**c)).count();
    let ltr = run
        .iter()
        .filter(|c| c.is_alphanumeric() && !is_rtl_letter(**c))
        .count();
    if right_to_left {
        ltr > rtl
    } else {
        rtl > ltr
    }
}

fn is_rtl_letter(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

/// The characters in reverse order, each combining mark kept after its base letter.
fn reversed_keeping_marks(run: &[char]) -> Vec<char> {
    let mut clusters: Vec<&[char]> = Vec::new();
    let mut start = 0;
    for i in 1..=run.len() {
        let boundary = run.get(i).is_none_or(|c| !is_combining_mark(*c));
        if boundary {
            if let Some(cluster) = run.get(start..i) {
                clusters.push(cluster);
            }
            start = i;
        }
    }
    clusters.into_iter().rev().flatten().copied().collect()
}

/// True when the text, normalised, holds at least one letter or digit: a name made
/// only of punctuation, control or invisible characters is no name to screen.
pub fn has_name_content(text: &str) -> bool {
    has_name_content_by(text, normalize)
}

/// [`has_name_content`], with `normal_of` giving [`normalize`] of the text (a
/// caller that keeps normal forms passes its own). Most names are answered without
/// it: an ASCII letter or digit is always kept by [`normalize`] as a letter or
/// digit (a bidi override only moves it, NFKC at most composes it with a following
/// mark into an accented letter, look-alike folding and lowercasing map letters
/// to letters, and it is never a dropped character).
pub fn has_name_content_by(text: &str, normal_of: impl FnOnce(&str) -> String) -> bool {
    text.bytes().any(|b| b.is_ascii_alphanumeric())
        || normal_of(text).chars().any(char::is_alphanumeric)
}

/// Normalised tokens of a name, split on spaces. Han tokens that end with
/// a legal-form suffix (有限公司, 集团...) are split so the suffix is its own token.
pub fn tokenize(text: &str) -> Vec<String> {
    tokenize_normalized(&normalize(text))
}

/// [`tokenize`] of a text already normalised ([`normalize`]).
pub fn tokenize_normalized(normal: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in normal.split(' ').filter(|t| !t.is_empty()) {
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

    proptest::proptest! {
        /// The fixed-point check never claims a fixed point the pass would change
        /// (it is given pass outputs only: on other text it may be wrong).
        #[test]
        fn a_claimed_fixed_point_is_one(
            text in "([\\PC\u{200B}\u{202E}аеорсхуіѕАВЕКМНОРСТХΣσς]|[a-zA-Z ]|\u{0130}|\u{1E9E}|\u{2160}|\u{24B6}|\u{01C5}|\u{0301}){0,40}"
        ) {
            let out = normalize_pass(&text);
            if is_fixed_point(&out) {
                proptest::prop_assert_eq!(normalize_pass(&out), out);
            }
        }
    }

    proptest::proptest! {
        /// The shortcut for ASCII letters and digits answers as normalising would.
        #[test]
        fn name_content_shortcut_agrees_with_normalising(
            text in "([\\PC\u{200B}-\u{200F}\u{202A}-\u{202E}\u{0300}-\u{036F}\u{20D0}-\u{20F0}\u{FEFF}аеорсхуіѕ'ʼـ]|[a-zA-Z0-9 .-]){0,12}"
        ) {
            let normalising = normalize(&text).chars().any(char::is_alphanumeric);
            proptest::prop_assert_eq!(has_name_content(&text), normalising);
        }
    }

    proptest::proptest! {
        /// Idempotent and total on any text, including bidi controls, invisible
        /// characters and mixed-script look-alikes.
        #[test]
        fn idempotent_on_any_text(
            text in "([\\PC\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2066}-\u{2069}\u{FEFF}аеорсхуіѕАВЕКМНОРСТХ]|[a-zA-Z ]){0,40}"
        ) {
            let once = normalize(&text);
            proptest::prop_assert_eq!(normalize(&once), once.clone());
            proptest::prop_assert!(!once.chars().any(is_format));
        }
    }

    #[test]
    fn invisible_characters_leave_no_word_break() {
        assert_eq!(normalize("O\u{200B}s\u{200B}a\u{200B}m\u{200B}a"), "osama");
        assert_eq!(normalize("\u{FEFF}Laden\u{2060}"), "laden");
        assert_eq!(normalize("مح\u{200F}مد ع\u{200E}لي\u{061C}"), "محمد علي");
    }

    #[test]
    fn bidi_overrides_are_read_as_displayed() {
        assert_eq!(
            normalize("\u{202E}nedaL nib amasO\u{202C}"),
            "osama bin laden"
        );
        assert_eq!(normalize("Mr \u{202E}nedaL"), "mr laden");
        // Right-to-left letters under a right-to-left override display as usual.
        assert_eq!(normalize("\u{202E}محمد\u{202C}"), "محمد");
        // A left-to-right override over Arabic shows it reversed.
        assert_eq!(normalize("\u{202D}دمحم\u{202C}"), "محمد");
    }

    #[test]
    fn mixed_script_look_alikes_fold_to_latin() {
        assert_eq!(normalize("Оѕаmа bin Lаdеn"), "osama bin laden");
        assert_eq!(normalize("Гулмурод Ҳалимов"), "гулмурод ҳалимов");
    }

    #[test]
    fn name_content() {
        assert!(has_name_content("Osama"));
        assert!(has_name_content("007"));
        assert!(!has_name_content("..."));
        assert!(!has_name_content("\0\u{200B}\u{202E}"));
        assert!(!has_name_content(" - , "));
        assert!(!has_name_content(""));
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
