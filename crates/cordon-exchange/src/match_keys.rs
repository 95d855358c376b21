//! The keys under which two FIUs meet on a subject without showing each
//! other their subjects. Both sides build them the same way from what they
//! hold, then only the OPRF of each key crosses the wire ([`crate::oprf`]).
//!
//! Three kinds, each exact on purpose (an OPRF output matches or not; there
//! is no score to threshold):
//! - `document`: identity document number (letters and digits, upper case)
//!   and issuing country;
//! - `name_dob`: the name's form + full birth date (YYYY-MM-DD);
//! - `name_year_country`: the name's form + birth year + nationality.
//!
//! The name's form must be the same whatever the script or spelling: each
//! romanisation variant of the name ([`cordon_names::romanize`]) is reduced
//! to the phonetic keys of its name tokens ([`cordon_names::phonetic()`]:
//! vowels dropped, kh/h, sh/š... folded), particles and honorifics dropped,
//! sorted (order differs between scripts and documents). A subject gets one
//! key per distinct form, so "Гулмурод Ҳалимов" and "Gulmurod Khalimov" and
//! "عبد الله" and "Abdullah" share a form.
//!
//! ```
//! use cordon_exchange::match_keys::{match_keys, Subject};
//! let cyrillic = Subject { id: "a".into(), name: "Гулмурод Ҳалимов".into(), dob: Some("1975-05-14".into()), ..Subject::default() };
//! let latin = Subject { id: "b".into(), name: "Khalimov Gulmurod".into(), dob: Some("14.05.1975".into()), ..Subject::default() };
//! let shared: Vec<_> = match_keys(&cyrillic).into_iter().filter(|k| match_keys(&latin).contains(k)).collect();
//! assert!(shared.iter().any(|k| k.kind == "name_dob"));
//! ```

use cordon_model::{country, dates, identifier, DateQualifier};
use cordon_names::{normalize, phonetic, romanize, token_kind, TokenKind};
use serde::{Deserialize, Serialize};

/// How many name forms an asked subject contributes at most. Each costs the
/// holder one OPRF evaluation per dated key kind at query time, so the
/// asker sends the forms of the first romanisation variants only (the
/// common spellings; a Latin name has one variant, so two forms).
pub const MAX_ASKED_FORMS: usize = 4;

/// How many name forms a held subject contributes at most. They cost the
/// holder only once, when it starts, so it keeps the forms of every
/// romanisation variant (up to [`cordon_names::MAX_VARIANTS`], two forms each)
/// and meets an asker who spells the name any of those ways.
pub const MAX_HELD_FORMS: usize = 32;

/// One subject as a party file row gives it (`cordon batch`'s CSV / JSON
/// lines columns, with `document` for an identity document number).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The caller's own id (never sent).
    pub id: String,
    /// Full name in any script.
    pub name: String,
    /// Birth date as typed (`1975-05-14`, `14.05.1975`, `1975`).
    pub dob: Option<String>,
    /// Nationality or country (name or ISO code).
    pub country: Option<String>,
    /// Identity document number (passport, national id).
    pub document: Option<String>,
}

/// One match key: its kind and the exact bytes that go into the OPRF.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatchKey {
    /// `document`, `name_dob` or `name_year_country`.
    pub kind: &'static str,
    /// The OPRF input: the kind, a 0x1f separator and the key's text.
    pub input: Vec<u8>,
}

impl MatchKey {
    fn new(kind: &'static str, text: &str) -> MatchKey {
        let mut input = Vec::with_capacity(kind.len() + 1 + text.len());
        input.extend_from_slice(kind.as_bytes());
        input.push(0x1f);
        input.extend_from_slice(text.as_bytes());
        MatchKey { kind, input }
    }
}

/// Every match key of a subject the asker sends (deduplicated, stable order).
pub fn match_keys(subject: &Subject) -> Vec<MatchKey> {
    keys_with_forms(subject, MAX_ASKED_FORMS)
}

/// Every match key of a subject the holder holds: as [`match_keys`], with
/// the name forms of every romanisation variant.
pub fn held_keys(subject: &Subject) -> Vec<MatchKey> {
    keys_with_forms(subject, MAX_HELD_FORMS)
}

fn keys_with_forms(subject: &Subject, max_forms: usize) -> Vec<MatchKey> {
    let mut keys = Vec::new();
    let country = subject.country.as_deref().and_then(country::to_code);
    if let (Some(document), Some(country)) = (subject.document.as_deref(), country) {
        let number = identifier::comparable(document);
        if !number.is_empty() {
            keys.push(MatchKey::new("document", &format!("{number}|{country}")));
        }
    }
    let birth = subject
        .dob
        .as_deref()
        .and_then(dates::parse_loose)
        .filter(|b| b.qualifier == DateQualifier::Exact);
    if let Some(birth) = birth {
        let forms = name_forms(&subject.name, max_forms);
        let date = birth.date;
        if let (Some(month), Some(day)) = (date.month, date.day) {
            for form in &forms {
                keys.push(MatchKey::new(
                    "name_dob",
                    &format!("{form}|{:04}-{month:02}-{day:02}", date.year),
                ));
            }
        }
        if let Some(country) = country {
            for form in &forms {
                keys.push(MatchKey::new(
                    "name_year_country",
                    &format!("{form}|{:04}|{country}", date.year),
                ));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The script- and spelling-independent forms of a name (see the module),
/// at most `max_forms`: per romanisation variant, its sorted token keys
/// (order-free) and its glued skeleton (boundary-free).
pub fn name_forms(name: &str, max_forms: usize) -> Vec<String> {
    let mut forms: Vec<String> = Vec::new();
    let normalized = normalize(name);
    for variant in romanize(&normalized) {
        // The glued form keeps every token, particles and articles too: how a
        // writer splits "salahaldin" / "salah al din" or "abd el halim" /
        // "abdulhalim" varies, whether the article is written does not.
        let glued = format!(
            "~{}",
            coarse_skeleton(&phonetic(&variant.split_whitespace().collect::<String>()))
        );
        let tokens: Vec<&str> = variant
            .split_whitespace()
            .filter(|t| token_kind(t) == TokenKind::Name)
            .collect();
        let mut keys: Vec<String> = tokens
            .iter()
            .map(|t| phonetic(t))
            .filter(|k| !k.is_empty())
            .collect();
        if keys.is_empty() {
            continue;
        }
        keys.sort();
        let sorted = keys.join(" ");
        for form in [sorted, glued] {
            if forms.len() < max_forms && !forms.contains(&form) {
                forms.push(form);
            }
        }
        if forms.len() >= max_forms {
            break;
        }
    }
    forms
}

/// A coarser fold of a phonetic key for the glued form, where the spelling
/// habits of different transliteration schools meet: semivowels and the
/// leading-vowel marker go (anwar/anouar, aouadi/awadi), k/g/q/c fold
/// (Belgacem/Balqasim), `T` (the ts of a c before e/i) folds to s, z/dh to d
/// (Hafed/Hafiz). Only ever compared together with a birth date or year and
/// nationality, which keeps the extra collisions between strangers rare.
fn coarse_skeleton(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        let folded = match c {
            'A' | 'v' | 'w' | 'y' => continue,
            'g' | 'q' | 'c' => 'k',
            'T' => 's',
            'z' => 'd',
            other => other,
        };
        if !out.ends_with(folded) {
            out.push(folded);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(name: &str, dob: &str, country: Option<&str>) -> Subject {
        Subject {
            id: name.into(),
            name: name.into(),
            dob: Some(dob.into()),
            country: country.map(Into::into),
            document: None,
        }
    }

    fn meet(a: &Subject, b: &Subject) -> Vec<&'static str> {
        let theirs = match_keys(b);
        match_keys(a)
            .into_iter()
            .filter(|k| theirs.contains(k))
            .map(|k| k.kind)
            .collect()
    }

    #[test]
    fn the_same_person_meets_across_scripts_and_spellings() {
        let pairs = [
            ("Умаров Доку Хаматович", "Doku Khamatovich Umarov"),
            ("Гулмурод Ҳалимов", "Gulmurod Khalimov"),
            ("Tohir Yoʻldoshev", "Тахир Юлдашев"),
        ];
        for (a, b) in pairs {
            let kinds = meet(
                &subject(a, "1964-04-13", Some("RU")),
                &subject(b, "13/04/1964", Some("Russia")),
            );
            assert!(kinds.contains(&"name_dob"), "{a} / {b}: {kinds:?}");
        }
    }

    #[test]
    fn different_people_or_dates_do_not_meet() {
        assert!(meet(
            &subject("Gulmurod Khalimov", "1975-05-14", None),
            &subject("Gulmurod Khalimov", "1975-05-15", None)
        )
        .is_empty());
        assert!(meet(
            &subject("Gulmurod Khalimov", "1975-05-14", None),
            &subject("Rustam Nazarov", "1975-05-14", None)
        )
        .is_empty());
    }

    #[test]
    fn documents_meet_whatever_their_punctuation() {
        let a = Subject {
            id: "a".into(),
            name: "x".into(),
            document: Some("AB 123-456".into()),
            country: Some("Kazakhstan".into()),
            dob: None,
        };
        let b = Subject {
            id: "b".into(),
            name: "y".into(),
            document: Some("ab123456".into()),
            country: Some("KZ".into()),
            dob: None,
        };
        assert_eq!(meet(&a, &b), ["document"]);
    }

    #[test]
    fn a_subject_without_a_birth_date_or_document_has_no_key() {
        assert!(match_keys(&Subject {
            id: "a".into(),
            name: "Gulmurod Khalimov".into(),
            ..Subject::default()
        })
        .is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_subject_gives_bounded_keys_without_panicking(name in "\\PC{0,40}", dob in "\\PC{0,12}", country in "\\PC{0,8}") {
            let subject = Subject { id: "x".into(), name, dob: Some(dob), country: Some(country), document: Some("A1".into()) };
            let keys = held_keys(&subject);
            proptest::prop_assert!(keys.len() <= 1 + 2 * MAX_HELD_FORMS);
            proptest::prop_assert!(match_keys(&subject).len() <= 1 + 2 * MAX_ASKED_FORMS);
        }
    }
}
