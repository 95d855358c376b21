//! Small text helpers shared by the readers: decoding with recovery,
//! whitespace, country lists, line numbers.

use std::borrow::Cow;

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
}
