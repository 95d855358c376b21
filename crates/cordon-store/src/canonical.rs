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
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
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
                    write_value(v, out);
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
                write_value(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
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
}
