//! Identifier numbers in the one form both sides of a comparison use.
//!
//! Lists and users write the same number differently: `IMO 7406784`,
//! `IMO7406784`, `7406784`; `DEUT DE FF XXX` and `DEUTDEFF`; `A-123 456`.
//! [`comparable`] reads a number whose kind is not known (a query) and
//! [`comparable_of`] one whose kind the list gives; both give the same string
//! for the same document, so a screening query and a list entry agree.
//!
//! ```
//! use cordon_model::identifier::{comparable, comparable_of, imo_check_digit_ok};
//! use cordon_model::IdentifierKind;
//! assert_eq!(comparable("IMO 7406784"), "7406784");
//! assert_eq!(comparable_of(&IdentifierKind::Imo, "IMO7406784"), "7406784");
//! assert_eq!(comparable_of(&IdentifierKind::Bic, "DEUT DE FF XXX"), "DEUTDEFF");
//! assert!(imo_check_digit_ok("7406784"));
//! assert!(!imo_check_digit_ok("7406785"));
//! ```

use crate::IdentifierKind;

/// Letters and digits only, uppercase: spaces, dashes, dots and slashes are
/// written at will by publishers and typists and carry no information.
fn letters_and_digits(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The comparable form of a number of unknown kind: letters and digits,
/// uppercase; an IMO number written with its `IMO` prefix (`IMO 7406784`,
/// `IMO No. 7406784`) loses the prefix, as lists publish it both ways.
pub fn comparable(number: &str) -> String {
    let plain = letters_and_digits(number);
    match imo_digits(&plain) {
        Some(digits) => digits.to_string(),
        None => plain,
    }
}

/// The comparable form of a number of a known kind: IMO numbers are their
/// seven digits; a BIC's `XXX` branch code (the head office) is dropped, so
/// BIC8 and BIC11 of one office agree; every other kind as [`comparable`].
pub fn comparable_of(kind: &IdentifierKind, number: &str) -> String {
    let plain = comparable(number);
    match kind {
        IdentifierKind::Imo => plain
            .strip_prefix("IMO")
            .filter(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
            .map_or_else(|| plain.clone(), str::to_string),
        IdentifierKind::Bic if plain.len() == 11 && plain.ends_with("XXX") => {
            plain.get(..8).unwrap_or(&plain).to_string()
        }
        _ => plain,
    }
}

/// The seven digits after an `IMO`, `IMONO` or `IMONUMBER` prefix.
fn imo_digits(plain: &str) -> Option<&str> {
    let rest = plain.strip_prefix("IMO")?;
    let rest = rest
        .strip_prefix("NUMBER")
        .or_else(|| rest.strip_prefix("NO"))
        .unwrap_or(rest);
    (rest.len() == 7 && rest.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
}

/// Whether seven digits carry a valid IMO check digit: the first six digits
/// weighted 7, 6, 5, 4, 3, 2 sum to a number whose last digit is the seventh
/// (IMO Resolution A.1078(28)). Anything not seven digits is not valid.
pub fn imo_check_digit_ok(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    if bytes.len() != 7 || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = bytes
        .iter()
        .take(6)
        .zip([7u32, 6, 5, 4, 3, 2])
        .map(|(b, weight)| u32::from(b - b'0') * weight)
        .sum();
    bytes
        .get(6)
        .is_some_and(|last| u32::from(last - b'0') == sum % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imo_numbers_agree_however_written() {
        let listed = comparable_of(&IdentifierKind::Imo, "IMO 9562233");
        for typed in ["IMO 9562233", "imo9562233", "IMO No. 9562233", "9562233"] {
            assert_eq!(comparable(typed), listed, "{typed}");
        }
        // Not seven digits after the prefix: not read as an IMO number.
        assert_eq!(comparable("IMO 12345"), "IMO12345");
    }

    #[test]
    fn check_digits() {
        // Real IMO numbers from the OFAC and UK lists.
        for good in ["9562233", "7406784", "9216561"] {
            assert!(imo_check_digit_ok(good), "{good}");
        }
        for bad in ["9562234", "956223", "95622330", "95622a3"] {
            assert!(!imo_check_digit_ok(bad), "{bad}");
        }
    }

    #[test]
    fn other_kinds() {
        assert_eq!(
            comparable_of(&IdentifierKind::Bic, "deutdeffxxx"),
            "DEUTDEFF"
        );
        assert_eq!(
            comparable_of(&IdentifierKind::Bic, "DEUTDEFF500"),
            "DEUTDEFF500"
        );
        assert_eq!(
            comparable_of(&IdentifierKind::Passport, "a-123 456"),
            "A123456"
        );
        assert_eq!(comparable(" "), "");
    }
}
