//! The one rule for JSON input, whichever door it comes through (a request
//! body, a line of an NDJSON upload, a line of a `.jsonl` file on the command
//! line): an object must not name a key twice. Parsers disagree on which of
//! two values counts (serde_json keeps the last), so a screening could check
//! one name while a log, a proxy or the sender's own tooling saw the other.
//!
//! ```
//! use cordon_engine::json::{duplicate_key, parse_line};
//!
//! assert_eq!(duplicate_key(br#"{"name": "A", "dob": "1970"}"#), None);
//! let message = duplicate_key(br#"{"name": "A", "name": "B"}"#).unwrap();
//! assert!(message.starts_with("duplicate key \"name\""), "{message}");
//! // A line of an NDJSON file: refused, naming the line.
//! let error = parse_line::<serde_json::Value>(3, br#"{"id": 1, "id": 2}"#).unwrap_err();
//! assert!(error.starts_with("line 3: duplicate key \"id\""), "{error}");
//! ```

use serde::de::DeserializeOwned;

/// Why `bytes` holds an object with a repeated key (`duplicate key "name":
/// ...`), or `None` when every object names each key once. Text that is not
/// JSON at all is `None` too: that fault is left to the typed parse, whose
/// messages name the field.
pub fn duplicate_key(bytes: &[u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde::Deserialize::deserialize(&mut deserializer) {
        Ok(UniqueKeys) => None,
        Err(e) if e.to_string().starts_with(DUPLICATE) => Some(e.to_string()),
        Err(_) => None,
    }
}

/// One line of an NDJSON input (1-based `line`), parsed as `T` once its keys
/// are known to be unique; the error names the line.
pub fn parse_line<T: DeserializeOwned>(line: usize, bytes: &[u8]) -> Result<T, String> {
    if let Some(duplicate) = duplicate_key(bytes) {
        return Err(format!("line {line}: {duplicate}"));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("line {line}: {e}"))
}

/// The start of the error message for a repeated key.
const DUPLICATE: &str = "duplicate key";

/// Any JSON value whose objects name each key once.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<UniqueKeys, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "{DUPLICATE} {key:?}: a key may appear once per object"
                )));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn repeated_keys_are_found_at_any_depth() {
        assert_eq!(duplicate_key(br#"{"a": 1, "b": {"c": 2}}"#), None);
        assert_eq!(duplicate_key(br#"[{"a": 1}, {"a": 2}]"#), None);
        let nested = duplicate_key(br#"{"a": [{"b": 1, "b": 2}]}"#);
        assert!(nested.is_some_and(|m| m.contains("\"b\"")));
        // Escapes do not hide a repeat: both keys read "name".
        assert!(duplicate_key(br#"{"name": 1, "na\u006de": 2}"#).is_some());
    }

    proptest::proptest! {
        /// Any bytes: an answer, never a panic; and the rule agrees with a
        /// plain count of the keys of a flat object built from them.
        #[test]
        fn any_input_is_answered_and_flat_objects_are_judged_by_their_keys(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            keys in proptest::collection::vec("[a-c]{1,2}", 0..6),
        ) {
            let _ = duplicate_key(&bytes);
            let _ = parse_line::<Value>(1, &bytes);
            let members: Vec<String> = keys.iter().map(|k| format!("{k:?}: 1")).collect();
            let object = format!("{{{}}}", members.join(", "));
            let distinct: std::collections::HashSet<&String> = keys.iter().collect();
            proptest::prop_assert_eq!(
                duplicate_key(object.as_bytes()).is_some(),
                distinct.len() < keys.len()
            );
        }
    }

    #[test]
    fn text_that_is_not_json_is_left_to_the_typed_parse() {
        assert_eq!(duplicate_key(b"{not json"), None);
        assert_eq!(duplicate_key(b""), None);
        let error = parse_line::<Value>(7, b"{not json").unwrap_err();
        assert!(error.starts_with("line 7: "), "{error}");
        assert_eq!(
            parse_line::<Value>(1, br#"{"name": "A"}"#),
            Ok(serde_json::json!({"name": "A"}))
        );
    }
}
