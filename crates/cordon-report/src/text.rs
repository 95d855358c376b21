//! Text as the goAML schema accepts it: names in the schema's restricted alphabet, every value
//! cut to its element's maximum length, characters XML 1.0 cannot carry dropped.

/// Names (`first_name`, `last_name`, entity `name`, `account_name`) must match
/// `[a-zA-Z0-9 .'-]*` in goAML 5.0.2. Other scripts are transliterated to ASCII
/// (`any_ascii`: Cyrillic, Arabic, Han...), other punctuation becomes a space, blanks collapse.
/// A name with nothing left becomes `-` (the schema requires at least one character); the
/// name as written goes into the party's comments (see [`as_written`]).
pub fn schema_name(name: &str) -> String {
    let ascii = any_ascii::any_ascii(name);
    let kept: String = ascii
        .chars()
        .map(|c| if is_name_char(c) { c } else { ' ' })
        .collect();
    let joined = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = cut(&joined, NAME_MAX);
    if cut.trim().is_empty() {
        "-".into()
    } else {
        cut.trim_end().to_string()
    }
}

/// The schema's maximum length of a name element.
pub const NAME_MAX: usize = 255;

/// Characters the schema's name pattern allows.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '\'' | '-')
}

/// `Some("name as written: ...")` when the schema's form lost something of the name (another
/// script, punctuation), so the FIU still sees the original.
pub fn as_written(name: &str, reported: &str) -> Option<String> {
    (name.trim() != reported).then(|| format!("name as written: {}", name.trim()))
}

/// The first `max` characters of `text` (XSD lengths count characters, not bytes), without
/// the control characters XML 1.0 forbids.
pub fn cut(text: &str, max: usize) -> String {
    text.chars().filter(|&c| xml_char(c)).take(max).collect()
}

/// True for a character XML 1.0 may carry (tab, newline, carriage return and from U+0020).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_the_schema_alphabet() {
        assert_eq!(schema_name("O'Brien-Smith Jr."), "O'Brien-Smith Jr.");
        assert_eq!(schema_name("Müller & Söhne, GmbH"), "Muller Sohne GmbH");
        assert_eq!(schema_name("Иван Петров"), "Ivan Petrov");
        assert_eq!(schema_name("&&&"), "-");
        assert_eq!(schema_name(&"a".repeat(300)).len(), NAME_MAX);
    }

    #[test]
    fn the_original_is_kept_only_when_it_differs() {
        assert_eq!(as_written("Ivan", "Ivan"), None);
        assert_eq!(
            as_written("Иван", "Ivan").as_deref(),
            Some("name as written: Иван")
        );
    }

    #[test]
    fn cut_counts_characters_and_drops_control_characters() {
        assert_eq!(cut("éé\u{1}é", 2), "éé");
        assert_eq!(cut("a\u{0}b\nc", 10), "ab\nc");
    }
}
