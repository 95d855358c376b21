//! Query strings of the yente routes, read as yente (FastAPI) reads them: a
//! parameter may repeat (`include_dataset=a&include_dataset=b`), unknown
//! parameters are ignored, and a value of the wrong type or out of range is
//! a 422 naming `["query", NAME]`.

use super::YenteError;
use cordon_model::PartialDate;
use std::str::FromStr;

/// The decoded `name=value` pairs of a query string, in order.
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The last value of `key` (FastAPI keeps the last of a repeated scalar).
    pub fn last(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `key` as a number, if given.
    pub fn number<T: FromStr>(&self, key: &str, kind: &str) -> Result<Option<T>, YenteError> {
        match self.last(key) {
            None => Ok(None),
            Some(text) => text.trim().parse().map(Some).map_err(|_| {
                YenteError::unprocessable(
                    &["query", key],
                    format!("Input should be a valid {kind}, unable to parse {text:?}"),
                    &format!("{kind}_parsing"),
                )
            }),
        }
    }

    /// `key` as a boolean (`true/false`, `1/0`, `yes/no`, `on/off`), if given.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, YenteError> {
        match self.last(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(None),
            Some(v) if ["true", "1", "yes", "on", "t", "y"].contains(&v.as_str()) => Ok(Some(true)),
            Some(v) if ["false", "0", "no", "off", "f", "n"].contains(&v.as_str()) => {
                Ok(Some(false))
            }
            Some(v) => Err(YenteError::unprocessable(
                &["query", key],
                format!("Input should be a valid boolean, unable to interpret {v:?}"),
                "bool_parsing",
            )),
        }
    }

    /// `key` as an integer no larger than `max`, or `default`.
    pub fn bounded(&self, key: &str, default: usize, max: usize) -> Result<usize, YenteError> {
        let value = self
            .number::<i64>(key, "integer")?
            .unwrap_or(default as i64);
        if value > max as i64 {
            return Err(YenteError::unprocessable(
                &["query", key],
                format!("Input should be less than or equal to {max}"),
                "less_than_equal",
            ));
        }
        // yente clamps a negative page size or offset to zero.
        Ok(usize::try_from(value.max(0)).unwrap_or(0))
    }

    /// `changed_since`: a date or timestamp (`2024-01-31`, `2024-01-31T10:00:00`).
    pub fn changed_since(&self) -> Result<Option<PartialDate>, YenteError> {
        match self.last("changed_since") {
            None => Ok(None),
            Some(text) => PartialDate::parse_iso(text)
                .filter(|d| d.day.is_some())
                .map(Some)
                .ok_or_else(|| {
                    YenteError::unprocessable(
                        &["query", "changed_since"],
                        format!("String should be a date or timestamp (YYYY-MM-DD[THH:MM:SS]), got {text:?}"),
                        "string_pattern_mismatch",
                    )
                }),
        }
    }
}

/// Decodes an `application/x-www-form-urlencoded` text (a form body or a
/// query string): `+` is a space, `%XX` a byte; the bytes are read as UTF-8
/// (invalid sequences replaced). Empty pieces are skipped.
pub fn decode_form(text: &[u8]) -> Pairs {
    let pairs = text
        .split(|b| *b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let mut halves = piece.splitn(2, |b| *b == b'=');
            let key = halves.next().unwrap_or_default();
            let value = halves.next().unwrap_or_default();
            (percent_decode(key), percent_decode(value))
        })
        .collect();
    Pairs(pairs)
}

fn percent_decode(text: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => bytes.push(b' '),
            b'%' => match text.get(i + 1..i + 3).and_then(hex_byte) {
                Some(byte) => {
                    bytes.push(byte);
                    i += 2;
                }
                None => bytes.push(b'%'),
            },
            other => bytes.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_plus_percent_and_repeats() {
        let pairs = decode_form(b"q=Osama+bin%20Laden&topics=a&topics=b&&bad=%zz&x");
        assert_eq!(pairs.last("q"), Some("Osama bin Laden"));
        assert_eq!(pairs.all("topics"), ["a", "b"]);
        assert_eq!(pairs.last("bad"), Some("%zz"));
        assert_eq!(pairs.last("x"), Some(""));
        assert_eq!(decode_form("n=%D0%A3".as_bytes()).last("n"), Some("У"));
    }

    #[test]
    fn numbers_and_bounds_fail_as_fastapi_does() {
        let pairs = decode_form(b"limit=501&offset=-3&cutoff=x&fuzzy=maybe");
        let err = pairs.bounded("limit", 5, 500).unwrap_err();
        assert_eq!(err.status.as_u16(), 422);
        assert_eq!(err.detail[0]["loc"], serde_json::json!(["query", "limit"]));
        assert_eq!(pairs.bounded("offset", 0, 9_000).unwrap(), 0);
        assert!(pairs.number::<f64>("cutoff", "number").is_err());
        assert!(pairs.boolean("fuzzy").is_err());
        assert_eq!(pairs.bounded("absent", 5, 500).unwrap(), 5);
    }

    #[test]
    fn changed_since_takes_dates_and_timestamps_only() {
        let ok = decode_form(b"changed_since=2024-01-31T10%3A00%3A00");
        assert_eq!(
            ok.changed_since().unwrap(),
            PartialDate::new(2024, Some(1), Some(31))
        );
        assert!(decode_form(b"changed_since=yesterday")
            .changed_since()
            .is_err());
    }
}
