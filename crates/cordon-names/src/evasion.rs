//! Other readings of a name written to slip past screening.
//!
//! [`normalize`](crate::normalize()) already removes what no reader sees (invisible
//! characters, bidi overrides, script mixing). What a reader does see but reads
//! through is undone here, as extra readings beside the name as written, since
//! each rule can also meet an honest name (initials, a double letter, a digit in
//! a company name): runs of single letters (`O. S. A. M. A`, `U-s-a-m-a`) are
//! joined into words, glued words split where a capital follows a small letter
//! (`ДокуУмаров`), digits and signs in letter positions read as the letters they
//! stand for (`0sama b1n l4den`), and doubled letters collapsed when a word has
//! more than one of them or a letter three times (`Ossaamma`).
//! [`romanize`](crate::romanize()) adds the readings to a name's variants.
//!
//! ```
//! use cordon_names::evasion::readings;
//! assert_eq!(readings("O S A M A  B I N"), vec!["OSAMA BIN"]);
//! assert_eq!(readings("0sama b1n L4den"), vec!["osama bin Laden", "osama bln Laden"]);
//! assert_eq!(readings("Ossaamma"), vec!["Osama"]);
//! assert!(readings("Osama bin Laden").is_empty());
//! ```

use crate::normalize::{apply_overrides, is_dropped};

/// Fewest single letters in a row read as one spelt-out word: two could be
/// initials ("J. R."), three in a row rarely are.
const MIN_LETTER_RUN: usize = 3;
/// Shortest part on each side of a split at a capital: two, so that a glued
/// particle splits off (`АбуБакрАлБагдади`); "eBay" stays one word. An honest
/// "McDonald" also gets the reading "Mc Donald", which matches no worse.
const MIN_CAMEL_PART: usize = 2;

/// Other readings of `text`, as text (in the order: `1` read as `i`, then as `l`),
/// empty when no rule applies. Never the text itself.
pub fn readings(text: &str) -> Vec<String> {
    if !has_cue(text) {
        return Vec::new();
    }
    let visible: String = apply_overrides(text)
        .chars()
        .filter(|c| !is_dropped(*c))
        .collect();
    let joined = join_letter_runs(&split_camel_case(&visible));
    let mut out = Vec::new();
    for one_as in ['i', 'l'] {
        let read = collapse_doubles(&decode_leet(&joined, one_as));
        if read != visible && !out.contains(&read) {
            out.push(read);
        }
    }
    out
}

/// A cheap test for any sign of the tricks [`readings`] undoes, so that names
/// without one (almost all) cost one pass over their characters. One doubled
/// letter in a word is a spelling (`Hassan`, `Mohammed`, `Anna`: a third of
/// ordinary names) and no cue: [`collapse_doubles`] needs two in one word.
fn has_cue(text: &str) -> bool {
    // What the loop needs of the previous character, found once per character:
    // outside ASCII each property is a table search.
    let mut prev: Option<Seen> = None;
    let mut single_run = 0usize;
    let mut word_len = 0usize;
    let mut doubled_in_word = 0usize;
    for c in text.chars() {
        let seen = Seen::of(c);
        if seen.alphabetic || c.is_numeric() {
            word_len += 1;
            if let Some(p) = prev {
                let leet_mix = (is_leet(c) && p.alphabetic) || (is_leet(p.c) && seen.alphabetic);
                if leet_mix || (p.lowercase && c.is_uppercase()) {
                    return true;
                }
                if p.alphabetic && p.lower == seen.lower {
                    doubled_in_word += 1;
                    if doubled_in_word >= 2 {
                        return true;
                    }
                }
            }
        } else if c == '@' || c == '$' {
            return true;
        } else {
            doubled_in_word = 0;
            if word_len == 1 {
                single_run += 1;
                if single_run >= MIN_LETTER_RUN - 1 {
                    return true;
                }
            } else if word_len > 1 {
                single_run = 0;
            }
            word_len = 0;
        }
        prev = Some(seen);
    }
    false
}

/// A character with the properties [`has_cue`] compares with the next one.
#[derive(Clone, Copy)]
struct Seen {
    c: char,
    alphabetic: bool,
    lowercase: bool,
    lower: char,
}

impl Seen {
    fn of(c: char) -> Seen {
        Seen {
            c,
            alphabetic: c.is_alphabetic(),
            lowercase: c.is_lowercase(),
            lower: lower(c),
        }
    }
}

fn is_leet(c: char) -> bool {
    matches!(c, '0' | '1' | '3' | '4' | '5' | '7' | '8' | '@' | '$')
}

/// The letter a digit or sign stands for in leetspeak.
fn leet_letter(c: char, one_as: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => one_as,
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' => 'b',
        _ => return None,
    })
}

/// Words of letters with digits or signs in letter positions, those read as letters.
/// A word is read so only when it has a letter and no other digit (a number, a
/// registration code with a 2, 6 or 9 stay as they are); `4N1` (Ani) has one letter
/// for two signs, so no share of letters is asked for. An honest `A1` gains the
/// reading `ai`, which costs nothing: the name as written is kept beside it.
fn decode_leet(text: &str, one_as: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let signs = word.chars().filter(|c| is_leet(*c)).count();
        let other_digits = word
            .chars()
            .any(|c| c.is_numeric() && leet_letter(c, one_as).is_none());
        if signs > 0 && letters > 0 && !other_digits {
            out.extend(word.chars().map(|c| leet_letter(c, one_as).unwrap_or(c)));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '@' || c == '$' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Splits words where a capital follows a small letter and both parts have at
/// least [`MIN_CAMEL_PART`] letters.
fn split_camel_case(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    let mut part_len = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphabetic() {
            let after_small = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_lowercase());
            if c.is_uppercase() && after_small && part_len >= MIN_CAMEL_PART {
                let rest = chars
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_alphabetic())
                    .count();
                let next_capital = chars
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_alphabetic())
                    .position(|c| c.is_uppercase());
                let own = next_capital.map_or(rest, |p| p + 1);
                if own >= MIN_CAMEL_PART {
                    out.push(' ');
                    part_len = 0;
                }
            }
            part_len += 1;
        } else {
            part_len = 0;
        }
        out.push(c);
    }
    out
}

/// A word of the text and the characters before it.
struct Part {
    gap: String,
    word: String,
}

fn parts(text: &str) -> (Vec<Part>, String) {
    let mut parts = Vec::new();
    let mut gap = String::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '@' || c == '$' {
            word.push(c);
        } else {
            if !word.is_empty() {
                parts.push(Part {
                    gap: std::mem::take(&mut gap),
                    word: std::mem::take(&mut word),
                });
            }
            gap.push(c);
        }
    }
    if !word.is_empty() {
        parts.push(Part {
            gap: std::mem::take(&mut gap),
            word,
        });
    }
    (parts, gap)
}

/// Joins runs of at least [`MIN_LETTER_RUN`] single letters into words. Within a
/// run, the narrowest separator is the one between letters; a wider one (two
/// spaces, a dot and a space) separates words: `O S A M A  B I N` is two words.
fn join_letter_runs(text: &str) -> String {
    let (parts, tail) = parts(text);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < parts.len() {
        let run = parts
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|p| p.word.chars().count() == 1)
            .count();
        if run < MIN_LETTER_RUN {
            if let Some(p) = parts.get(i) {
                out.push_str(&p.gap);
                out.push_str(&p.word);
            }
            i += 1;
            continue;
        }
        let letters = parts.get(i..i + run).unwrap_or_default();
        push_joined(letters, &mut out);
        i += run;
    }
    out.push_str(&tail);
    out
}

/// A run of single letters as words, split at separators wider than the narrowest.
fn push_joined(letters: &[Part], out: &mut String) {
    let width = |p: &Part| p.gap.chars().count();
    let narrowest = letters.iter().skip(1).map(width).min().unwrap_or(0);
    for (k, p) in letters.iter().enumerate() {
        if k == 0 {
            out.push_str(&p.gap);
        } else if width(p) > narrowest {
            out.push(' ');
        }
        out.push_str(&p.word);
    }
}

/// Every doubled letter collapsed, when some word has a letter three times in a row
/// or two doubled letters: one doubled letter is a spelling, more are padding.
fn collapse_doubles(text: &str) -> String {
    let padded = text
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| doubled_runs(w) >= 2);
    if !padded {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            push_collapsed(&word, &mut out);
            word.clear();
            out.push(c);
        }
    }
    push_collapsed(&word, &mut out);
    out
}

/// Pushes `word` with its doubled letters collapsed, unless it is one letter
/// repeated (`GGGGGG`, filler in a payment field): collapsed to a lone letter it
/// would read as an initial and match any listed name with that initial.
fn push_collapsed(word: &str, out: &mut String) {
    let mut letters = word.chars().map(lower);
    let first = letters.next();
    if letters.all(|c| Some(c) == first) {
        out.push_str(word);
        return;
    }
    let mut prev: Option<char> = None;
    for c in word.chars() {
        let same = prev.is_some_and(|p| c.is_alphabetic() && lower(p) == lower(c));
        if !same {
            out.push(c);
        }
        prev = Some(c);
    }
}

/// Doubled letters of a word, a letter three times or more counting twice.
fn doubled_runs(word: &str) -> usize {
    let mut count = 0;
    let mut run = 1usize;
    let mut prev: Option<char> = None;
    for c in word.chars().chain(std::iter::once(' ')) {
        if prev.is_some_and(|p| p.is_alphabetic() && lower(p) == lower(c)) {
            run += 1;
        } else {
            count += match run {
                0 | 1 => 0,
                2 => 1,
                _ => 2,
            };
            run = 1;
        }
        prev = Some(c);
    }
    count
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_runs_join_into_words() {
        assert_eq!(
            readings("O S A M A  B I N  L A D E N"),
            vec!["OSAMA BIN LADEN"]
        );
        assert_eq!(
            readings("O.S.A.M.A. B.I.N. L.A.D.E.N."),
            vec!["OSAMA BIN LADEN."]
        );
        assert_eq!(readings("U-s-a-m-a bin Laden"), vec!["Usama bin Laden"]);
        // Two initials are initials.
        assert!(readings("J. R. Smith").is_empty());
    }

    #[test]
    fn invisible_characters_do_not_hide_a_letter_run() {
        assert_eq!(readings("O\u{200B} S A M A"), vec!["OSAMA"]);
    }

    #[test]
    fn leetspeak_reads_as_letters_in_letter_words_only() {
        assert_eq!(readings("4l-Q4ida"), vec!["al-Qaida"]);
        assert_eq!(readings("$addam"), vec!["saddam"]);
        assert!(readings("Vessel 1234").is_empty());
        assert!(readings("Ocean 2B").is_empty());
    }

    #[test]
    fn camel_case_glued_words_split() {
        assert_eq!(readings("ДокуУмаров"), vec!["Доку Умаров"]);
        assert_eq!(readings("АбуБакрАлБагдади"), vec!["Абу Бакр Ал Багдади"]);
        assert!(readings("eBay").is_empty());
    }

    #[test]
    fn doubled_letters_collapse_when_padded() {
        assert_eq!(readings("Ossaamma Biinn"), vec!["Osama Bin"]);
        assert_eq!(readings("Laaaden"), vec!["Laden"]);
        // One double letter is a spelling.
        assert!(readings("Hassan Mohammed").is_empty());
    }

    /// Every reading, cue or not (what [`readings`] computes past the cue).
    fn readings_uncued(text: &str) -> Vec<String> {
        let visible: String = apply_overrides(text)
            .chars()
            .filter(|c| !is_dropped(*c))
            .collect();
        let joined = join_letter_runs(&split_camel_case(&visible));
        ['i', 'l']
            .into_iter()
            .map(|one_as| collapse_doubles(&decode_leet(&joined, one_as)))
            .filter(|read| *read != visible)
            .collect()
    }

    #[test]
    fn one_doubled_letter_a_word_is_no_cue() {
        assert!(!has_cue("Hassan Mohammed Abdullah"));
        assert!(!has_cue("Anna Jelena Ivanova"));
        // Two doubled letters in one word are a cue, whatever their case.
        assert!(has_cue("Llewellyn"));
        assert!(has_cue("Ossaamma"));
        assert!(has_cue("Laaaden"));
    }

    proptest::proptest! {
        /// The cheap cue never hides a reading: a text without one has none.
        #[test]
        fn no_cue_means_no_reading(text in "[aAbBsS1045@$ .-]{0,20}") {
            if !has_cue(&text) {
                proptest::prop_assert!(readings_uncued(&text).is_empty(), "{}", text);
            }
        }

        #[test]
        fn never_panics_and_never_returns_the_text(text in "\\PC{0,30}") {
            for r in readings(&text) {
                proptest::prop_assert_ne!(r, text.clone());
            }
        }
    }
}
