//! Payment messages into one canonical [`Transfer`], and FATF Recommendation 16 checks.
//!
//! [`parse`] takes the bytes of a file or a request body, tells ISO 20022 XML from SWIFT MT
//! FIN/RJE by the first significant byte, and returns one result per transaction: a pacs.008
//! with three `CdtTrfTxInf` gives three transfers, an RJE batch of five MT103s gives five. A bad
//! message yields an `Err` naming its index and position and never stops the others, and an
//! input that holds no transaction at all (an empty file, only white space, an XML file with no
//! known message, a batch of acknowledgements) yields one `Err` saying so: a file in, at least
//! one result out. Faults that lose nothing (a stray `}` after a FIN message, an unclosed
//! trailer, a placeholder date, an unknown version, a transcoded encoding) are worked around
//! and listed in [`Transfer::warnings`].
//!
//! - [`iso20022`]: pacs.008, pacs.009 (incl. COV), pain.001, pacs.004, with or without an
//!   application header and envelope; DOCTYPE refused.
//! - [`mt`]: MT103, MT202 and MT202COV in FIN blocks, single or `$`-separated RJE batches.
//! - [`goaml`]: goAML reports (`<report>`), one transfer per `transaction`.
//! - [`r16`]: [`check_r16`], the originator/beneficiary information checks.
//!
//! ```
//! let fin = b"{1:F01BANKDEFFAXXX0000000000}{2:I103BANKGB2LXXXXN}{3:{121:8a562c67-ca16-48ba-b074-65581be6f001}}{4:
//! :20:REF1
//! :23B:CRED
//! :32A:240102EUR1500,00
//! :50K:/DE89370400440532013000
//! JOHN DOE
//! MAIN STREET 1, BERLIN
//! :59:/GB82WEST12345698765432
//! JANE ROE
//! :71A:SHA
//! -}";
//! let results = cordon_payments::parse(fin);
//! let transfer = results[0].as_ref().unwrap();
//! assert_eq!(transfer.message_type, "MT103");
//! assert_eq!(transfer.amount.unwrap().to_string(), "1500 EUR");
//! assert_eq!(transfer.debtor.as_ref().unwrap().name.as_deref(), Some("JOHN DOE"));
//!
//! let findings = cordon_payments::check_r16(transfer, &cordon_payments::R16Config::default());
//! // DE -> GB above 1,000: the originator has name, account and an address line.
//! assert!(findings.iter().all(|f| f.severity != cordon_payments::Severity::Error));
//! ```

mod encoding;
pub mod goaml;
pub mod iso20022;
mod iso_fields;
pub mod mt;
mod mt_fields;
pub mod r16;
mod values;

pub use cordon_model::transfer::Transfer;
pub use iso20022::parse_iso20022;
pub use mt::parse_mt;
pub use r16::{check_r16, Finding, Placement, R16Config, Severity};
use std::borrow::Cow;

/// Where in the input a message (or the faulty part of it) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Position {
    /// Byte offset from the start of the input.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
}

impl Position {
    /// The position of byte `offset` in `input`.
    pub fn at(input: &[u8], offset: usize) -> Position {
        let offset = offset.min(input.len());
        let line = 1 + input
            .get(..offset)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        Position { offset, line }
    }
}

/// Why one message (or one transaction of a message) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("message {index} at line {} (byte {}): {message}", position.line, position.offset)]
pub struct MessageError {
    /// 0-based index of this result in the returned list.
    pub index: usize,
    /// Where the problem is.
    pub position: Position,
    /// What is wrong, naming the field or element.
    pub message: String,
}

impl MessageError {
    /// An error at byte `offset`; [`locate`] fills in the line.
    pub(crate) fn new(index: usize, offset: usize, message: String) -> MessageError {
        MessageError {
            index,
            position: Position { offset, line: 0 },
            message,
        }
    }
}

/// Fills in the line numbers of all errors in one pass over the input (counting from the
/// start for each error would be quadratic on a large batch full of bad messages).
pub(crate) fn locate(input: &[u8], mut results: ParseResults) -> ParseResults {
    let mut errors: Vec<&mut Position> = results
        .iter_mut()
        .filter_map(|r| r.as_mut().err().map(|e| &mut e.position))
        .collect();
    errors.sort_by_key(|p| p.offset);
    let (mut line, mut counted) = (1, 0);
    for position in errors {
        let offset = position.offset.min(input.len());
        line += input
            .get(counted..offset)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        counted = counted.max(offset);
        position.offset = offset;
        position.line = line;
    }
    results
}

/// One result per transaction found in `bytes`, in input order.
pub type ParseResults = Vec<Result<Transfer, MessageError>>;

/// Reads ISO 20022 XML or SWIFT MT (FIN or RJE), detected from the first significant byte,
/// after transcoding UTF-16 (with a byte-order mark) or declared ISO-8859-1 to UTF-8.
/// Never empty: an input without any transaction gives one error.
pub fn parse(bytes: &[u8]) -> ParseResults {
    let (text, note) = match encoding::decode(bytes) {
        Ok(decoded) => decoded,
        Err((offset, message)) => {
            return locate(bytes, vec![Err(MessageError::new(0, offset, message))])
        }
    };
    let mut results = parse_decoded(&text);
    if let Cow::Owned(decoded) = &text {
        for error in results.iter_mut().filter_map(|r| r.as_mut().err()) {
            error.position.offset =
                encoding::original_offset(bytes, decoded, error.position.offset);
        }
    }
    if let Some(note) = note {
        for transfer in results.iter_mut().flatten() {
            transfer.warnings.insert(0, note.clone());
        }
    }
    results
}

const NO_MT_MESSAGE: &str =
    "no SWIFT MT payment message found (only service messages or empty batch entries)";

fn parse_decoded(bytes: &[u8]) -> ParseResults {
    let start = significant_start(bytes);
    let rest = bytes.get(start..).unwrap_or_default();
    let (results, nothing) = match rest.first() {
        Some(b'<') if goaml::is_goaml(rest) => (
            goaml::parse_goaml(bytes),
            "no transaction in the goAML report",
        ),
        Some(b'<') => (
            parse_iso20022(bytes),
            "no ISO 20022 payment message found (none of Document, FIToFICstmrCdtTrf, FICdtTrf, \
             CstmrCdtTrfInitn, PmtRtr)",
        ),
        Some(b'$') => (parse_mt(bytes), NO_MT_MESSAGE),
        Some(b'{') if rest.get(2) == Some(&b':') => (parse_mt(bytes), NO_MT_MESSAGE),
        Some(b'{') | Some(b'[') => (
            vec![Err(MessageError::new(
                0,
                start,
                "JSON is not a supported payment format (ISO 20022 XML or SWIFT MT expected)"
                    .into(),
            ))],
            "",
        ),
        Some(_) => (
            vec![Err(MessageError::new(
                0,
                start,
                "neither ISO 20022 XML (starts with '<') nor SWIFT MT (starts with '{1:')".into(),
            ))],
            "",
        ),
        None => (
            Vec::new(),
            "empty input: no payment message (the file is empty or only white space)",
        ),
    };
    if results.is_empty() {
        return locate(
            bytes,
            vec![Err(MessageError::new(0, start, nothing.into()))],
        );
    }
    locate(bytes, results)
}

/// Offset of the first byte after a UTF-8 byte-order mark and white space.
pub(crate) fn significant_start(bytes: &[u8]) -> usize {
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    bytes
        .iter()
        .skip(bom)
        .position(|b| !b.is_ascii_whitespace())
        .map_or(bytes.len(), |p| p + bom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_format_is_one_error() {
        let results = parse(b"  hello");
        assert_eq!(results.len(), 1);
        let err = results[0].as_ref().unwrap_err();
        assert_eq!(err.position.offset, 2);
        assert!(err.message.contains("neither"));
        for empty in [&b""[..], b" \n ", b"\xEF\xBB\xBF\r\n"] {
            let results = parse(empty);
            assert_eq!(results.len(), 1);
            let err = results[0].as_ref().unwrap_err();
            assert!(err.message.starts_with("empty input"), "{}", err.message);
        }
        let results = parse(b"<Foo><Bar/></Foo>");
        let err = results[0].as_ref().unwrap_err();
        assert!(
            err.message.contains("no ISO 20022 payment message"),
            "{}",
            err.message
        );
    }

    #[test]
    fn position_counts_lines() {
        assert_eq!(Position::at(b"a\nb\nc", 4), Position { offset: 4, line: 3 });
        assert_eq!(Position::at(b"a", 99).offset, 1);
    }
}
