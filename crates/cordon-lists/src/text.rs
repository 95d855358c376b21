//! Small text helpers shared by the readers: decoding with recovery,
//! whitespace, country codes, scripts, slugs, line numbers.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use cordon_model::Name;

/// Decodes bytes as UTF-8. Invalid UTF-8 is recovered by reading the file as
/// Windows-1252 (what damaged "UTF-8" lists usually hold) and a warning naming
/// the first bad byte is returned: we never guess silently.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), None),
        Err(error) => {
            let offset = error.valid_up_to();
            let line = line_of(bytes, offset);
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let warning = format!(
                "line {line}, byte {offset}: invalid UTF-8; the file was read as Windows-1252 (check the names this affects)"
            );
            (Cow::Owned(text.into_owned()), Some(warning))
        }
    }
}

/// 1-based line number of a byte offset.
pub fn line_of(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Trims and collapses runs of whitespace to one space.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `Some(clean(text))` unless it is empty or a placeholder (`-0-`, `n/a`, `NULL`).
pub fn non_empty(text: &str) -> Option<String> {
    let cleaned = clean(text);
    match cleaned.as_str() {
        "" | "-0-" | "-" | "n/a" | "N/A" | "NULL" | "null" | "None" | "none" | "na" => None,
        _ => Some(cleaned),
    }
}

/// Reads a country given as a name, demonym or code; unknown text gives `None`.
pub fn country_code(text: &str) -> Option<String> {
    cordon_model::country::to_code(text).map(str::to_string)
}

/// Adds `value` to `list` unless an equal value is already there.
pub(crate) fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Country texts read as ISO alpha-2 codes for one list, with the texts that
/// are no known country reported rather than dropped silently.
///
/// CSV readers report one summary ([`CountryCodes::summary`]); the UN and
/// OFAC readers, which know the record, report each unknown text once with
/// where it was first met ([`CountryCodes::code_in`], [`CountryCodes::warnings`]).
#[derive(Default)]
pub(crate) struct CountryCodes {
    /// Lists repeat a few dozen country texts thousands of times: remember the answers.
    known: HashMap<String, &'static str>,
    misses: usize,
    unknown: HashSet<String>,
    examples: Vec<String>,
    /// One warning per distinct unknown text met through [`CountryCodes::code_in`].
    pub(crate) warnings: Vec<String>,
}

impl CountryCodes {
    /// The code of `text`, counting a miss for the summary when there is none.
    pub(crate) fn code(&mut self, text: &str) -> Option<String> {
        let code = self.lookup(text, text);
        if code.is_none() {
            self.miss(text);
        }
        code
    }

    /// Adds the code of `text` to `list`, or counts the miss.
    pub(crate) fn push_code(&mut self, list: &mut Vec<String>, text: &str) {
        if let Some(code) = self.code(text) {
            push_unique(list, code);
        }
    }

    /// The code of `text`, or `None` (and a first-time warning naming `what`
    /// and `context`) when the text is not a known country; an empty or
    /// placeholder text gives `None` silently.
    pub(crate) fn code_in(&mut self, text: &str, what: &str, context: &str) -> Option<String> {
        if let Some(code) = self.known.get(text) {
            return Some((*code).to_string());
        }
        let cleaned = non_empty(text)?;
        let code = self.lookup(text, &cleaned);
        if code.is_none() && self.miss(&cleaned) {
            self.warnings.push(format!(
                "{context}: {what} \"{cleaned}\" is not a known country; kept out of country codes"
            ));
        }
        code
    }

    /// The code of `cleaned`, remembered under `text`.
    fn lookup(&mut self, text: &str, cleaned: &str) -> Option<String> {
        if let Some(code) = self.known.get(text) {
            return Some((*code).to_string());
        }
        let code = cordon_model::country::to_code(cleaned)?;
        self.known.insert(text.to_string(), code);
        Some(code.to_string())
    }

    /// Counts a miss; `true` the first time this text is missed.
    fn miss(&mut self, text: &str) -> bool {
        self.misses += 1;
        let first = self.unknown.insert(text.to_string());
        if first && self.examples.len() < 5 {
            self.examples.push(text.to_string());
        }
        first
    }

    /// One warning summarising the misses, if any.
    pub(crate) fn summary(&self) -> Option<String> {
        (self.misses > 0).then(|| {
            format!(
                "{} country value(s) not recognised as a country and left out (e.g. {})",
                self.misses,
                self.examples
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }
}

/// The name with its script set from its letters.
pub(crate) fn scripted(mut name: Name) -> Name {
    name.script = script_of(&name.full).map(str::to_string);
    name
}

/// ISO 15924 code of the text's script: the first non-Latin script found,
/// else `Latn` when the text has any letter.
///
/// `cordon_names::script_of` classifies tokens for matching; this crate may
/// not depend on cordon-names, and only needs the code a list name carries.
pub(crate) fn script_of(text: &str) -> Option<&'static str> {
    let mut latin = false;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match script_of_char(c) {
            Some("Latn") => latin = true,
            Some(script) => return Some(script),
            None => {}
        }
    }
    latin.then_some("Latn")
}

fn script_of_char(c: char) -> Option<&'static str> {
    Some(match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF => "Latn",
        0x0370..=0x03FF => "Grek",
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => "Cyrl",
        0x0530..=0x058F => "Armn",
        0x0590..=0x05FF => "Hebr",
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            "Arab"
        }
        0x0E00..=0x0E7F => "Thai",
        0x1000..=0x109F => "Mymr",
        0x10A0..=0x10FF => "Geor",
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => "Hang",
        0x3040..=0x30FF => "Jpan",
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => "Hani",
        _ => return None,
    })
}

/// Lowercase ASCII-alphanumeric words joined by `-` (`"1, Part 1.1"` -> `1-part-1-1`);
/// other letters are kept as they are, lowercased.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_recovers_cp1252_with_warning() {
        let (text, warning) = decode(b"abc\n\xe9t\xe9");
        assert_eq!(text, "abc\nété");
        assert!(warning.unwrap().starts_with("line 2, byte 4"));
        let (text, warning) = decode("\u{feff}ok".as_bytes());
        assert_eq!(text, "ok");
        assert!(warning.is_none());
    }

    #[test]
    fn clean_and_placeholders() {
        assert_eq!(clean("  a \n b  "), "a b");
        assert_eq!(non_empty("-0- "), None);
        assert_eq!(non_empty(" x "), Some("x".into()));
    }

    #[test]
    fn scripts_and_slugs() {
        assert_eq!(script_of("Иван"), Some("Cyrl"));
        assert_eq!(script_of("Ivan Иван"), Some("Cyrl"));
        assert_eq!(script_of("محمد"), Some("Arab"));
        assert_eq!(script_of("金正恩"), Some("Hani"));
        assert_eq!(script_of("Jörg"), Some("Latn"));
        assert_eq!(script_of("Ali"), Some("Latn"));
        assert_eq!(script_of("123"), None);
        assert_eq!(slug("1, Part 1.1"), "1-part-1-1");
        assert_eq!(slug("  Myanmar (Burma) "), "myanmar-burma");
    }

    #[test]
    fn country_misses_are_reported() {
        let mut codes = CountryCodes::default();
        let mut list = Vec::new();
        codes.push_code(&mut list, "Afghan");
        codes.push_code(&mut list, "Afghanistan");
        codes.push_code(&mut list, "Atlantis");
        assert_eq!(list, ["AF"]);
        assert_eq!(codes.code_in(" n/a ", "nationality", "QDi.1"), None);
        assert_eq!(codes.code_in("Mordor", "nationality", "QDi.1"), None);
        assert_eq!(codes.code_in("Mordor", "nationality", "QDi.2"), None);
        assert_eq!(codes.warnings.len(), 1);
        assert!(codes.warnings[0].starts_with("QDi.1: nationality \"Mordor\""));
        let summary = codes.summary().unwrap();
        assert!(summary.starts_with("3 country value(s)"), "{summary}");
        assert!(summary.contains("`Atlantis`, `Mordor`"), "{summary}");
    }
}
