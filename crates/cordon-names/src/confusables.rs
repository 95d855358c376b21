//! Look-alike letters (UTS #39 confusables) between Latin, Cyrillic and Greek.
//!
//! A word that mixes scripts is no real spelling: `Оsаmа` with Cyrillic `О`
//! and `а` is someone writing "Osama" so that an exact comparison misses it.
//! [`fold_mixed_words`] reads such a word in one script, Latin first: its
//! Cyrillic and Greek letters become their Latin prototypes (the UTS #39
//! skeleton restricted to these scripts) when every one of them has one;
//! otherwise (a Cyrillic word with a stray Latin `i`, as in `Сергiй`) its Latin
//! letters become their Cyrillic or Greek look-alikes. When a name mixes
//! scripts across words, a Cyrillic or Greek word made only of look-alikes of
//! Latin letters is read as Latin too. A name wholly in Cyrillic is left to
//! romanisation, which reads it both ways ([`latin_reading`]).
//!
//! ```
//! use cordon_names::confusables::fold_mixed_words;
//! assert_eq!(fold_mixed_words("Оsаmа bin Laden"), "Osama bin Laden");
//! assert_eq!(fold_mixed_words("Сергiй"), "Сергій");
//! assert_eq!(fold_mixed_words("Сергей Иванов"), "Сергей Иванов");
//! ```

use std::borrow::Cow;

/// The Latin letter a Cyrillic or Greek letter is drawn like, case kept (from the
/// UTS #39 confusables table, the letters that are the same glyph in common fonts).
pub fn latin_prototype(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' => 'a',
        'А' => 'A',
        'В' => 'B',
        'с' => 'c',
        'С' => 'C',
        'ԁ' => 'd',
        'е' => 'e',
        'Е' => 'E',
        'г' => 'r',
        'һ' => 'h',
        'Һ' | 'Н' => 'H',
        'і' => 'i',
        'І' | 'Ӏ' => 'I',
        'ј' => 'j',
        'Ј' => 'J',
        'к' => 'k',
        'К' => 'K',
        'ӏ' => 'l',
        'М' => 'M',
        'о' => 'o',
        'О' => 'O',
        'р' => 'p',
        'Р' => 'P',
        'ԛ' => 'q',
        'Ԛ' => 'Q',
        'ѕ' => 's',
        'Ѕ' => 'S',
        'Т' => 'T',
        'ԝ' => 'w',
        'Ԝ' => 'W',
        'х' => 'x',
        'Х' => 'X',
        'у' => 'y',
        'У' | 'Ү' => 'Y',
        // Greek
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        'α' => 'a',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'υ' => 'u',
        'χ' => 'x',
        'γ' => 'y',
        'ϲ' => 'c',
        'ϳ' => 'j',
        _ => return None,
    })
}

/// The Cyrillic letter a Latin letter is drawn like, case kept.
fn cyrillic_lookalike(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'A' => 'А',
        'B' => 'В',
        'c' => 'с',
        'C' => 'С',
        'e' => 'е',
        'E' => 'Е',
        'h' => 'һ',
        'H' => 'Н',
        'i' => 'і',
        'I' => 'І',
        'j' => 'ј',
        'J' => 'Ј',
        'k' => 'к',
        'K' => 'К',
        'M' => 'М',
        'o' => 'о',
        'O' => 'О',
        'p' => 'р',
        'P' => 'Р',
        's' => 'ѕ',
        'S' => 'Ѕ',
        'T' => 'Т',
        'x' => 'х',
        'X' => 'Х',
        'y' => 'у',
        'Y' => 'У',
        _ => return None,
    })
}

/// The Greek letter a Latin letter is drawn like, case kept.
fn greek_lookalike(c: char) -> Option<char> {
    Some(match c {
        'A' => 'Α',
        'B' => 'Β',
        'E' => 'Ε',
        'Z' => 'Ζ',
        'H' => 'Η',
        'I' => 'Ι',
        'K' => 'Κ',
        'M' => 'Μ',
        'N' => 'Ν',
        'O' => 'Ο',
        'P' => 'Ρ',
        'T' => 'Τ',
        'Y' => 'Υ',
        'X' => 'Χ',
        'o' => 'ο',
        'v' => 'ν',
        'p' => 'ρ',
        'i' => 'ι',
        'k' => 'κ',
        'u' => 'υ',
        'x' => 'χ',
        _ => return None,
    })
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}')
}

fn is_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || (matches!(c, '\u{00C0}'..='\u{024F}') && c.is_alphabetic())
}

/// A character that belongs to a word: letters, digits, combining marks and the
/// invisible characters normalisation drops without a word break.
fn in_word(c: char) -> bool {
    c.is_alphanumeric()
        || unicode_normalization::char::is_combining_mark(c)
        || crate::normalize::is_dropped(c)
}

/// The text with every word that mixes Latin with Cyrillic or Greek look-alikes
/// read in one script (see the module documentation). Text in one script is
/// returned as it is, without copying.
pub fn fold_mixed_words(text: &str) -> Cow<'_, str> {
    let latin = text.chars().any(is_latin);
    let other = text.chars().any(|c| is_cyrillic(c) || is_greek(c));
    if !(latin && other) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if in_word(c) {
            word.push(c);
            continue;
        }
        out.push_str(&fold_word(&word));
        word.clear();
        out.push(c);
    }
    out.push_str(&fold_word(&word));
    Cow::Owned(out)
}

/// One word of a name that mixes scripts, in one script when its letters allow.
fn fold_word(word: &str) -> Cow<'_, str> {
    let cyrillic = word.chars().filter(|c| is_cyrillic(*c)).count();
    let greek = word.chars().filter(|c| is_greek(*c)).count();
    if cyrillic + greek == 0 {
        return Cow::Borrowed(word);
    }
    let foreign = |c: char| is_cyrillic(c) || is_greek(c);
    if word
        .chars()
        .filter(|c| foreign(*c))
        .all(|c| latin_prototype(c).is_some())
    {
        return Cow::Owned(
            word.chars()
                .map(|c| latin_prototype(c).unwrap_or(c))
                .collect(),
        );
    }
    let lookalike = if cyrillic >= greek {
        cyrillic_lookalike
    } else {
        greek_lookalike
    };
    if word
        .chars()
        .filter(|c| is_latin(*c))
        .all(|c| lookalike(c).is_some())
    {
        return Cow::Owned(word.chars().map(|c| lookalike(c).unwrap_or(c)).collect());
    }
    Cow::Borrowed(word)
}

/// The Latin reading of a lowercase Cyrillic or Greek token made only of letters
/// drawn like Latin ones (`оѕама` -> `osama`), or `None`. Romanisation offers it
/// beside the token's transliterations: `р` is `r` to a Russian reader and `p`
/// to everyone else, and a name spelt in look-alikes means the latter. Only a token
/// with a letter Russian does not use but Latin look-alike spelling does (`ѕ`, `і`,
/// `ј`, `һ`...) is read so: most Russian words can be spelt with look-alikes
/// (`серов`), and a reading `cepob` would only add noise.
pub fn latin_reading(token: &str) -> Option<String> {
    if token.is_empty() || token.is_ascii() || !token.contains(LATIN_ONLY_LOOKALIKES) {
        return None;
    }
    token
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c)
            } else {
                latin_prototype(c).or_else(|| lowercase_only_lookalike(c))
            }
        })
        .collect()
}

/// Cyrillic letters outside Russian that look-alike spellings of Latin words need
/// (there is no Russian letter drawn like `s`, `i`, `j`, `h`, `d`, `q`, `w` or `l`).
const LATIN_ONLY_LOOKALIKES: &[char] = &['ѕ', 'і', 'ј', 'һ', 'ԁ', 'ԛ', 'ԝ', 'ӏ'];

/// Lowercase Cyrillic letters whose capitals are drawn like Latin capitals
/// (`в` from `В`, `н` from `Н`...): after case folding, that is all that is left of
/// a look-alike capital.
fn lowercase_only_lookalike(c: char) -> Option<char> {
    Some(match c {
        'в' | 'β' => 'b',
        'н' | 'η' => 'h',
        'м' | 'μ' => 'm',
        'т' | 'τ' => 't',
        'ү' => 'y',
        'ε' => 'e',
        'ζ' => 'z',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_words_fold_to_latin_when_every_letter_has_a_latin_prototype() {
        assert_eq!(fold_mixed_words("Оѕаmа"), "Osama");
        assert_eq!(fold_mixed_words("ΑΒU Ali"), "ABU Ali");
    }

    #[test]
    fn a_cyrillic_word_with_a_stray_latin_letter_stays_cyrillic() {
        assert_eq!(fold_mixed_words("Сергiй Петров"), "Сергій Петров");
    }

    #[test]
    fn single_script_text_is_not_copied() {
        assert!(matches!(fold_mixed_words("Иван Petrov"), Cow::Owned(_)));
        assert!(matches!(fold_mixed_words("Иван Петров"), Cow::Borrowed(_)));
        assert_eq!(fold_mixed_words("Иван Petrov"), "Иван Petrov");
    }

    #[test]
    fn a_whole_look_alike_word_beside_a_latin_one_reads_as_latin() {
        // Every letter a Cyrillic look-alike of a Latin capital: a whole word.
        assert_eq!(fold_mixed_words("АВВАЅ Ali"), "ABBAS Ali");
    }

    #[test]
    fn latin_reading_of_look_alike_tokens() {
        assert_eq!(latin_reading("оѕама").as_deref(), Some("osama"));
        assert_eq!(latin_reading("иван"), None);
        assert_eq!(latin_reading("ali"), None);
    }
}
