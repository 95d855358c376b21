//! Canonical JSON (keys sorted at every level, no whitespace) and SHA-256, so
//! that a hash of a request or an entry does not depend on key order.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Writes a JSON value canonically: object keys sorted by their UTF-8 bytes at
/// every level, no insignificant whitespace, strings and numbers as serde_json
/// writes them.
///
/// ```
/// let a = serde_json::json!({"b": 1, "a": {"d": [1, 2], "c": "x"}});
/// assert_eq!(cordon_store::canonical_json(&a), r#"{"a":{"c":"x","d":[1,2]},"b":1}"#);
/// ```
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::new();
    write_value(value, &mut out);
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `value` canonically into `out`, allocating nothing but `out` itself
/// and one list of keys per object (the audit log writes one per screening;
/// a string per key and per scalar was most of its cost).
fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(key, out);
                out.push(b':');
                if let Some(v) = map.get(key) {
                    write_value(v, out);
                }
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

/// A string, number, boolean or null as serde_json writes it.
fn write_scalar(scalar: &(impl serde::Serialize + ?Sized), out: &mut Vec<u8>) {
    // Writing a scalar to memory cannot fail.
    let _ = serde_json::to_writer(out, scalar);
}

/// SHA-256 of some bytes, as lowercase hex.
///
/// ```
/// assert_eq!(cordon_store::sha256_hex(b"").len(), 64);
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_text() {
        let a: Value =
            serde_json::from_str(r#"{"z":1,"a":[{"y":true,"b":null}],"m":"é\n"}"#).unwrap();
        let b: Value =
            serde_json::from_str(r#"{"m":"é\n","a":[{"b":null,"y":true}],"z":1}"#).unwrap();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(
            canonical_json(&a),
            r#"{"a":[{"b":null,"y":true}],"m":"é\n","z":1}"#
        );
        assert_eq!(canonical_json(&json!(0.5)), "0.5");
    }

    /// The writer of the first audit logs, kept to check that today's writes
    /// the very same text (hashes in existing logs depend on it).
    fn first_writer(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    if let Some(v) = map.get(key) {
                        first_writer(v, out);
                    }
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    first_writer(item, out);
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,8}|[\"\\\\\n\t\u{0}-\u{1F}\u{7F}é]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("\\PC{0,6}|[a-z\"\\\\]{0,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn writes_what_the_first_writer_wrote(value in json_value()) {
            let mut first = String::new();
            first_writer(&value, &mut first);
            proptest::prop_assert_eq!(canonical_json(&value), first);
        }
    }
}
