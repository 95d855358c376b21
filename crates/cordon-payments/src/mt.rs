//! SWIFT MT FIN: MT103, MT202/MT202COV and MT205/MT205COV, single or in RJE batches.
//!
//! A FIN message is a run of blocks `{1:...}{2:...}{3:...}{4:<CRLF>:20:...<CRLF>-}{5:...}`;
//! CRLF and LF line ends are both read. An RJE file holds several messages separated by `$`;
//! a message may also follow another directly. Service messages (block 1 `F21`, the network's
//! ACK or NAK that RJE exports put before each message) are not transfers: an ACK (`451:0`) is
//! skipped, a NAK (`451:1`) is reported as an error naming its error code (field 405).
//!
//! Block 1 and 2 give the sender and receiver (the instructing and instructed agents; the
//! logical terminal letter of the 12-character address is dropped to get the BIC), block 3
//! the UETR (121), the MUR (108) and the validation flag (119, `COV` makes an MT202 an
//! MT202COV). For MT202COV the fields from the first 50a on (sequence B) describe the
//! underlying customer transfer. An MT202 or MT205 that carries customer fields (50a, 59a or
//! 70) without `{119:COV}` is read as the cover payment it is, with a warning: its underlying
//! customers are screened, not dropped. MT205 is read like MT202. Block 4 fields go where this
//! table says:
//!
//! | field | MT103 | MT202 sequence A | MT202COV sequence B |
//! |---|---|---|---|
//! | 20 | instruction id | instruction id | - |
//! | 21 | - | end-to-end id (related reference) | - |
//! | 32A | settlement date, amount | same | - |
//! | 33B | instructed amount | - | instructed amount |
//! | 50A/F/K | debtor | - | debtor |
//! | 52A/D | debtor agent | debtor (ordering institution) | debtor agent |
//! | 53A/B/D, 54A/B/D | reimbursement agents | same | - |
//! | 56A/C/D | intermediary agent 1 | same | same |
//! | 57A/B/C/D | creditor agent | same | same |
//! | 58A/D | - | creditor (beneficiary institution) | - |
//! | 59/59A/59F | creditor | - | creditor |
//! | 70 | remittance lines | - | remittance lines |
//! | 71A | charge bearer | - | - |
//! | 72 | instructions; `/INS/` adds a previous instructing agent | same | instructions |
//!
//! 50F/59F numbered lines are read into the structured party: `1/` name, `2/` address line,
//! `3/` country and town, `4/` date of birth, `5/` country and place of birth, `6/` customer id
//! (scheme `CUST`), `7/` national id (`NIDN`), `8/` continuation; line 1 may be `/account` or
//! `CODE/country/id` (`CCPT`, `NIDN`, `CUST`, ...). 70 is kept line by line; its `/ROC/`
//! reference is the MT103's end-to-end id, as in the CBPR+ translation. 71A `OUR`/`SHA`/`BEN`
//! become `DEBT`/`SHAR`/`CRED`. 20 and 32A are mandatory.
//!
//! Other fields (13C, 23B, 23E, 26T, 36, 71F, 71G, 77B, ...) are read past. A known field with
//! an option the message does not allow (50Z, 57E) is an error naming the field.
//!
//! Cosmetic faults are warnings on the transfer, not errors: a stray `}` between blocks, an
//! unreadable or unclosed block after block 4 (`{5:{CHK:...}` cut short, a lone `{`), block 4
//! ending `...SHA-}` without a line break, or starting on the `{4:` line (`{4::20:REF`).

use crate::mt_fields::{self, Field, Role};
use crate::{values, MessageError, ParseResults};
use cordon_model::transfer::{Agent, MessageFormat, Transfer};

/// An error at a byte offset of the whole input.
type Fatal = (usize, String);

/// Reads every message of a FIN file or RJE batch.
pub fn parse_mt(bytes: &[u8]) -> ParseResults {
    let mut results = Vec::new();
    for (offset, chunk) in split_messages(bytes) {
        let index = results.len();
        match read_message(chunk, offset) {
            Ok(Some(transfer)) => results.push(Ok(transfer)),
            Ok(None) => {}
            Err((at, message)) => results.push(Err(MessageError::new(index, at, message))),
        }
    }
    crate::locate(bytes, results)
}

/// Each message with its offset: split at `$` and at every `{1:` outside a block.
fn split_messages(bytes: &[u8]) -> Vec<(usize, &[u8])> {
    let mut messages = Vec::new();
    let mut segment_start = 0;
    for segment in bytes.split(|&b| b == b'$') {
        let mut start = 0;
        for at in message_starts(segment).into_iter().skip(1) {
            push_message(&mut messages, segment_start + start, &segment[start..at]);
            start = at;
        }
        push_message(&mut messages, segment_start + start, &segment[start..]);
        segment_start += segment.len() + 1;
    }
    messages
}

fn push_message<'a>(messages: &mut Vec<(usize, &'a [u8])>, offset: usize, bytes: &'a [u8]) {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if skip < bytes.len() {
        messages.push((offset + skip, &bytes[skip..]));
    }
}

/// Offsets of `{1:` at brace depth 0, skipping the text of block 4.
fn message_starts(segment: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let (mut depth, mut i) = (0usize, 0);
    while i < segment.len() {
        let rest = &segment[i..];
        if depth == 0 && rest.starts_with(b"{1:") {
            starts.push(i);
        }
        if depth == 0 && rest.starts_with(b"{4:") && rest.get(3) != Some(&b'{') {
            match text_block_end(&rest[3..]) {
                Some((_, after, _)) => i += 3 + after,
                None => break,
            }
            continue;
        }
        match segment[i] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    starts
}

/// First occurrence of `needle`: a scan for its first byte, then a comparison (faster than
/// comparing a window at every offset on block 4 texts of a few hundred bytes).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(at) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let start = from + at;
        if haystack.get(start..)?.starts_with(needle) {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// The blocks of one message; block 4 keeps its offset for field positions.
#[derive(Default)]
struct Blocks<'a> {
    basic: Option<&'a str>,
    application: Option<&'a str>,
    user: Option<&'a str>,
    text: Option<(&'a str, usize)>,
}

fn read_message(bytes: &[u8], base: usize) -> Result<Option<Transfer>, Fatal> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        (
            base + e.valid_up_to(),
            "byte outside the SWIFT character set (not UTF-8)".to_string(),
        )
    })?;
    let mut warnings = Vec::new();
    let blocks = read_blocks(text, base, &mut warnings)?;
    let basic = blocks
        .basic
        .ok_or((base, "no basic header block {1:}".to_string()))?;
    if basic.starts_with("F21") {
        return service_message(&blocks, base);
    }
    if !basic.starts_with("F01") {
        return Err((
            base,
            format!("block 1 {basic:?} is not a FIN user message (F01)"),
        ));
    }
    let application = blocks
        .application
        .ok_or((base, "no application header block {2:}".to_string()))?;
    let (text4, text_offset) = blocks
        .text
        .ok_or((base, "no text block {4:}".to_string()))?;
    let mut t = Transfer {
        format: MessageFormat::SwiftMt,
        ..Transfer::default()
    };
    read_headers(&mut t, basic, application).map_err(|m| (base, m))?;
    if let Some(user) = blocks.user {
        read_user_header(&mut t, user).map_err(|m| (base, m))?;
    }
    let fields = read_fields(text4, text_offset)?;
    let customer_fields = fields.iter().any(|f| starts_sequence_b(f.tag));
    let kind = message_kind(
        &t.message_type,
        t.business_service.as_deref(),
        customer_fields,
    )
    .ok_or_else(|| (base, format!("unsupported message type {}", t.message_type)))?;
    if kind.ends_with("COV") && t.business_service.as_deref() != Some("COV") {
        warnings.push(format!(
            "{} carries customer fields (50a, 59a or 70) without {{119:COV}}: read and screened \
             as a cover payment ({kind})",
            t.message_type
        ));
    }
    t.message_type = kind.to_string();
    apply_fields(&mut t, &fields, base)?;
    t.warnings = warnings;
    Ok(Some(t))
}

/// ACKs are skipped; a NAK becomes an error.
fn service_message(blocks: &Blocks, base: usize) -> Result<Option<Transfer>, Fatal> {
    let text = blocks.text.map_or("", |(t, _)| t);
    let tags = sub_blocks(text);
    match tags.iter().find(|(tag, _)| *tag == "451").map(|(_, v)| *v) {
        Some("1") => {
            let code = tags
                .iter()
                .find(|(tag, _)| *tag == "405")
                .map_or("?", |(_, v)| v);
            Err((
                base,
                format!("NAK service message: the network refused the message (error {code})"),
            ))
        }
        _ => Ok(None),
    }
}

/// `{tag:value}` pairs of block 3 or of a service message's block 4.
fn sub_blocks(text: &str) -> Vec<(&str, &str)> {
    text.split('}')
        .filter_map(|part| part.trim().strip_prefix('{')?.split_once(':'))
        .collect()
}

/// The blocks of one message. A stray `}` between blocks is skipped with a warning; once
/// block 4 is read, anything unreadable after it (an unclosed `{5:`, a lone `{`) ends the
/// reading with a warning, since the transfer is all there.
fn read_blocks<'a>(
    text: &'a str,
    base: usize,
    warnings: &mut Vec<String>,
) -> Result<Blocks<'a>, Fatal> {
    let bytes = text.as_bytes();
    let mut blocks = Blocks::default();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if bytes[i] == b'}' {
            warnings.push(format!(
                "stray '}}' at byte {} between blocks ignored",
                base + i
            ));
            i += 1;
            continue;
        }
        match read_block(text, i, base, &mut blocks, warnings) {
            Ok(next) => i = next,
            Err((at, message)) if blocks.text.is_some() => {
                warnings.push(format!("{message} at byte {at}, after block 4: ignored"));
                break;
            }
            Err(fatal) => return Err(fatal),
        }
    }
    Ok(blocks)
}

/// Reads the block starting at `i` into `blocks` and returns the offset after it.
fn read_block<'a>(
    text: &'a str,
    i: usize,
    base: usize,
    blocks: &mut Blocks<'a>,
    warnings: &mut Vec<String>,
) -> Result<usize, Fatal> {
    if text.as_bytes().get(i) != Some(&b'{') {
        let c = text.get(i..).and_then(|s| s.chars().next()).unwrap_or('?');
        return Err((base + i, format!("unexpected {c:?} between blocks")));
    }
    let rest = text.get(i + 1..).unwrap_or("");
    let colon = rest
        .find(':')
        .filter(|&c| c <= 3)
        .ok_or((base + i, "block without an identifier".to_string()))?;
    let id = &rest[..colon];
    let content_start = i + 2 + colon;
    let (content, next) = match id {
        "4" => text_block(text, content_start, warnings),
        _ => block_content(text, content_start),
    }
    .ok_or_else(|| (base + i, format!("block {{{id}:}} is not closed")))?;
    match id {
        "1" => blocks.basic = Some(content),
        "2" => blocks.application = Some(content),
        "3" => blocks.user = Some(content),
        "4" => blocks.text = Some((content, base + content_start)),
        _ => {}
    }
    Ok(next)
}

/// Block 4 from `start`: fields up to `CRLF-}` (service messages: `{tag:value}` sub-blocks).
fn text_block<'a>(
    text: &'a str,
    start: usize,
    warnings: &mut Vec<String>,
) -> Option<(&'a str, usize)> {
    let rest = text.get(start..)?;
    if rest.starts_with('{') {
        return block_content(text, start);
    }
    let (end, after, clean) = text_block_end(rest.as_bytes())?;
    if !clean {
        warnings.push("block 4 ends with '-}' without a line break before it".into());
    }
    if !(rest.starts_with('\n') || rest.starts_with("\r\n")) {
        warnings.push("block 4 does not start with a line break after '{4:'".into());
    }
    Some((rest.get(..end)?, start + after))
}

/// Where the fields of a block 4 end and where the block ends, and whether it ended with the
/// standard line break before `-}`. Without one, the first `-}` followed by a block, a brace,
/// white space, `$` or the end of input closes it.
fn text_block_end(rest: &[u8]) -> Option<(usize, usize, bool)> {
    if let Some(end) = find(rest, b"\n-}") {
        return Some((end + 1, end + 3, true));
    }
    let mut from = 0;
    while let Some(at) = rest.get(from..).and_then(|r| find(r, b"-}")) {
        let end = from + at;
        let next = rest.get(end + 2).copied();
        if next.is_none_or(|b| matches!(b, b'{' | b'}' | b'$') || b.is_ascii_whitespace()) {
            return Some((end, end + 2, false));
        }
        from = end + 2;
    }
    None
}

/// The content of a block starting at `start` and the offset after it.
fn block_content(text: &str, start: usize) -> Option<(&str, usize)> {
    let rest = text.get(start..)?;
    let mut depth = 1usize;
    for (j, b) in rest.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((rest.get(..j)?, start + j + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// Message type, sender and receiver, and (output messages) the creation time.
fn read_headers(t: &mut Transfer, basic: &str, application: &str) -> Result<(), String> {
    let own_address = basic.get(3..15).and_then(terminal_to_bic);
    let mt = application
        .get(1..4)
        .filter(|m| m.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("block 2 {application:?} has no message type"))?;
    t.message_type = format!("MT{mt}");
    let (sender, receiver) = match application.as_bytes().first() {
        Some(b'I') => (
            own_address,
            application.get(4..16).and_then(terminal_to_bic),
        ),
        Some(b'O') => {
            let date = application.get(8..14).map(values::mt_date);
            let time = application
                .get(4..8)
                .filter(|s| s.bytes().all(|b| b.is_ascii_digit()));
            if let (Some(Ok(date)), Some(time)) = (date, time) {
                t.creation_time = Some(format!("{date}T{}:{}", &time[..2], &time[2..]));
            }
            (
                application.get(14..26).and_then(terminal_to_bic),
                own_address,
            )
        }
        _ => {
            return Err(format!(
                "block 2 {application:?} is neither input (I) nor output (O)"
            ))
        }
    };
    t.instructing_agent = sender.map(|bic| Agent {
        bic: Some(bic),
        ..Agent::default()
    });
    t.instructed_agent = receiver.map(|bic| Agent {
        bic: Some(bic),
        ..Agent::default()
    });
    Ok(())
}

/// `BANKDEFFAXXX` (BIC8, terminal letter, branch) to the BIC `BANKDEFFXXX`.
fn terminal_to_bic(address: &str) -> Option<String> {
    let bic = format!("{}{}", address.get(..8)?, address.get(9..12)?);
    values::is_bic(&bic).then_some(bic)
}

fn read_user_header(t: &mut Transfer, user: &str) -> Result<(), String> {
    for (tag, value) in sub_blocks(user) {
        match tag {
            "121" => {
                t.uetr = Some(values::uetr(value).map_err(|e| format!("block 3 field 121: {e}"))?)
            }
            "108" => t.message_id = Some(value.to_string()),
            "119" => t.business_service = Some(value.to_string()),
            _ => {}
        }
    }
    Ok(())
}

/// The message read: MT202 and MT205 are cover payments when block 3 says `{119:COV}` or
/// when they carry customer fields anyway.
fn message_kind(
    message_type: &str,
    validation: Option<&str>,
    customer_fields: bool,
) -> Option<&'static str> {
    let cover = validation == Some("COV") || customer_fields;
    match (message_type, cover) {
        ("MT103", _) => Some("MT103"),
        ("MT202", true) => Some("MT202COV"),
        ("MT202", false) => Some("MT202"),
        ("MT205", true) => Some("MT205COV"),
        ("MT205", false) => Some("MT205"),
        _ => None,
    }
}

/// 50a, 59a and 70 belong to the underlying customer transfer of a cover payment; the first
/// of them starts sequence B.
fn starts_sequence_b(tag: &str) -> bool {
    tag.starts_with("50") || tag.starts_with("59") || tag == "70"
}

fn read_fields(text: &str, base: usize) -> Result<Vec<Field<'_>>, Fatal> {
    let mut fields: Vec<Field> = Vec::with_capacity(24);
    let mut value_span: Option<(usize, usize)> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let line_start = offset;
        offset += raw.len();
        if let Some((tag, value_at)) = field_start(line) {
            close_field(&mut fields, text, value_span.take());
            fields.push(Field {
                tag,
                value: "",
                offset: base + line_start,
            });
            value_span = Some((line_start + value_at, line_start + line.len()));
        } else if line.starts_with(':') {
            return Err((
                base + line_start,
                format!("malformed field tag in {line:?}"),
            ));
        } else if let Some(span) = value_span.as_mut() {
            span.1 = line_start + line.len();
        } else if !line.trim().is_empty() {
            return Err((
                base + line_start,
                format!("text {line:?} before the first field"),
            ));
        }
    }
    close_field(&mut fields, text, value_span);
    Ok(fields)
}

fn close_field<'a>(fields: &mut [Field<'a>], text: &'a str, span: Option<(usize, usize)>) {
    if let (Some(last), Some((from, to))) = (fields.last_mut(), span) {
        last.value = text.get(from..to).unwrap_or("");
    }
}

/// `:32A:...` gives the tag `32A` and where the value starts; tags are 2 digits and an
/// optional capital letter.
fn field_start(line: &str) -> Option<(&str, usize)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = &rest[..end];
    let b = tag.as_bytes();
    let ok = (b.len() == 2 || b.len() == 3)
        && b[0].is_ascii_digit()
        && b[1].is_ascii_digit()
        && b.get(2).is_none_or(|c| c.is_ascii_uppercase());
    ok.then_some((tag, end + 2))
}

fn apply_fields(t: &mut Transfer, fields: &[Field], base: usize) -> Result<(), Fatal> {
    let cover = t.message_type.ends_with("COV");
    let institution = t.message_type.starts_with("MT202") || t.message_type.starts_with("MT205");
    let mut underlying: Option<Transfer> = None;
    for field in fields {
        if cover && underlying.is_none() && starts_sequence_b(field.tag) {
            underlying = Some(Transfer {
                format: MessageFormat::SwiftMt,
                message_type: t.message_type.clone(),
                uetr: t.uetr.clone(),
                ..Transfer::default()
            });
        }
        let (target, role) = match underlying.as_mut() {
            Some(u) => (u, Role::Underlying),
            None if institution => (&mut *t, Role::Institution),
            None => (&mut *t, Role::Customer),
        };
        mt_fields::apply(target, field, role)
            .map_err(|m| (field.offset, format!("field {}: {m}", field.tag)))?;
    }
    for required in ["20", "32A"] {
        if !fields.iter().any(|f| f.tag == required) {
            return Err((
                base,
                format!("{} lacks mandatory field {required}", t.message_type),
            ));
        }
    }
    if cover && underlying.is_none() {
        return Err((
            base,
            format!("{} without sequence B (no field 50a)", t.message_type),
        ));
    }
    if t.end_to_end_id.is_none() {
        t.end_to_end_id = mt_fields::reference_from_remittance(&t.remittance);
    }
    t.underlying = underlying.map(Box::new);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(fields: &str) -> String {
        format!("{{1:F01BANKDEFFAXXX0000000000}}{{2:I103BANKGB2LXXXXN}}{{4:\r\n{fields}-}}")
    }

    #[test]
    fn field_errors_name_the_field_and_line() {
        let text = message(":20:R\r\n:32A:240102USD1,0,0\r\n:50K:X\r\n:59:Y\r\n");
        let results = parse_mt(text.as_bytes());
        let err = results[0].as_ref().unwrap_err();
        assert!(err.message.starts_with("field 32A:"), "{}", err.message);
        assert_eq!(err.position.line, 3);
        let text = message(":20:R\r\n:32A:240102USD1,\r\n:50Z:X\r\n:59:Y\r\n");
        let err = parse_mt(text.as_bytes()).remove(0).unwrap_err();
        assert!(
            err.message.contains("50Z") && err.message.contains("option Z"),
            "{}",
            err.message
        );
    }

    #[test]
    fn bad_amounts_and_currencies_are_refused() {
        for (amount, expected) in [
            ("-100,", "negative"),
            ("100", "decimal comma"),
            ("ZZZ100,", "ISO 4217"),
            ("USD1,001", "decimals"),
        ] {
            let amount = if amount.starts_with(['Z', 'U']) {
                amount.to_string()
            } else {
                format!("EUR{amount}")
            };
            let text = message(&format!(":20:R\n:32A:240102{amount}\n:50K:X\n:59:Y\n"));
            let err = parse_mt(text.as_bytes()).remove(0).unwrap_err();
            assert!(err.message.contains(expected), "{amount}: {}", err.message);
        }
    }

    #[test]
    fn a_bad_message_does_not_stop_the_batch() {
        let good = message(":20:A\n:32A:240102EUR1,\n:50K:X\n:59:Y\n");
        let bad = message(":20:B\n");
        let batch = format!("{good}${bad}${good}$");
        let results = parse_mt(batch.as_bytes());
        assert_eq!(results.len(), 3);
        assert!(results[0].is_ok() && results[2].is_ok());
        let err = results[1].as_ref().unwrap_err();
        assert_eq!((err.index, err.position.offset), (1, good.len() + 1));
        assert!(err.message.contains("mandatory field 32A"));
    }

    #[test]
    fn structured_ordering_customer_with_birth_and_ids() {
        let text = message(concat!(
            ":20:R\n:32A:240102EUR1500,\n:50F:NIDN/KZ/880101300123\n1/TOKAYEV\n",
            "1/ASKAR\n3/KZ/ALMATY\n4/19880101\n5/KZ/TARAZ\n6/KZ/BANK/C-77\n8/A\n",
            ":56C://FW021000018\n:59:/ACC1\n:71A:OUR\n"
        ));
        let t = parse_mt(text.as_bytes()).remove(0).unwrap();
        let d = t.debtor.as_ref().unwrap();
        assert_eq!(d.name.as_deref(), Some("TOKAYEV ASKAR"));
        let ids = &d.identifiers;
        assert_eq!(ids.national_id().unwrap().id, "880101300123");
        assert_eq!(ids.customer_id().unwrap().id, "C-77A");
        assert_eq!(
            ids.customer_id().unwrap().issuer.as_deref(),
            Some("KZ/BANK")
        );
        let birth = ids.birth.as_ref().unwrap();
        assert_eq!(
            (birth.date.as_deref(), birth.city.as_deref()),
            (Some("1988-01-01"), Some("TARAZ"))
        );
        let addr = d.address.as_ref().unwrap();
        assert_eq!(
            (addr.country.as_deref(), addr.town_name.as_deref()),
            (Some("KZ"), Some("ALMATY"))
        );
        assert_eq!(
            t.intermediary_agents[0].clearing_member_id.as_deref(),
            Some("FW021000018")
        );
        // 59 with an account but no name parses; R16 reports the missing name.
        let c = t.creditor.as_ref().unwrap();
        assert_eq!(
            (c.account.as_ref().unwrap().id.as_str(), c.name.as_deref()),
            ("ACC1", None)
        );
        assert_eq!(
            t.instructing_agent.as_ref().unwrap().bic.as_deref(),
            Some("BANKDEFFXXX")
        );
        assert_eq!(
            t.instructed_agent.as_ref().unwrap().bic.as_deref(),
            Some("BANKGB2LXXX")
        );
    }

    #[test]
    fn structured_party_errors_name_the_line() {
        let text = message(":20:R\n:32A:240102EUR1,\n:50F:/1\n9/X\n:59:Y\n");
        let err = parse_mt(text.as_bytes()).remove(0).unwrap_err();
        assert!(
            err.message.contains("field 50F") && err.message.contains("9/X"),
            "{}",
            err.message
        );
    }

    #[test]
    fn nak_is_reported_and_ack_skipped() {
        let ack = "{1:F21BANKDEFFAXXX0000000000}{4:{177:2401020101}{451:0}}";
        let nak = "{1:F21BANKDEFFAXXX0000000000}{4:{177:2401020101}{451:1}{405:T13}}";
        let good = message(":20:A\n:32A:240102EUR1,\n:50K:X\n:59:Y\n");
        let results = parse_mt(format!("{ack}{good}${nak}{good}").as_bytes());
        assert_eq!(results.len(), 3);
        assert!(results[1].as_ref().unwrap_err().message.contains("T13"));
    }
}
