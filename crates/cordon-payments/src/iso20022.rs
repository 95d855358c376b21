//! ISO 20022 XML: pacs.008, pacs.009 (incl. COV), pain.001 and pacs.004.
//!
//! The reader streams with quick-xml and never builds a tree. It matches elements by local
//! name, so any namespace prefix works, and reads the message type and version from the
//! `Document` namespace (`urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08`), else from a
//! namespace declared on an enclosing element, else from the application header's `MsgDefIdr`;
//! a version beyond those published gets a warning. Any root may wrap the message: a bare
//! `Document`, an `AppHdr` + `Document` pair inside `Envelope`, `BizMsgEnvlp`, `RequestPayload`,
//! ..., and several pairs may follow each other. A message root (`FIToFICstmrCdtTrf`, `FICdtTrf`,
//! `CstmrCdtTrfInitn`, `PmtRtr`) is recognised wherever it sits, even without a `Document`
//! around it: the root of the file as in the ISO usage guide, the TCH RTP layout
//! `<Message><AppHdr/><CreditTransfer><FIToFICstmrCdtTrf>`, vendor `<Message>` wrappers. Each `CdtTrfTxInf` (pacs.008, pacs.009, pain.001) or `TxInf`
//! (pacs.004) becomes one [`Transfer`], starting from the group header (and, for pain.001, the
//! `PmtInf` block with the debtor). pacs.004 parties come from `RtrChain`, else from
//! `OrgnlTxRef`.
//!
//! A DOCTYPE is refused outright: no entity expansion (XML bombs), no external entities (XXE).
//! A field error (bad amount, unknown currency, bad UETR) fails only its transaction; a date
//! that is not one (a `YYYY-MM-DD` placeholder) is left out with a warning, since screening
//! does not need it; malformed XML ends the reading with an error at the byte where it was
//! found.

use crate::iso_fields::{self, Leaf};
use crate::{MessageError, ParseResults};
use cordon_model::transfer::{MessageFormat, Transfer};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Deeper nesting than this is refused (no real message comes close).
const MAX_DEPTH: usize = 64;
const NAMESPACE_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// Reads every transaction of every ISO 20022 message in `bytes`.
pub fn parse_iso20022(bytes: &[u8]) -> ParseResults {
    let mut parser = Parser::new(bytes);
    if let Err((offset, message)) = parser.run() {
        parser.fail(offset, message);
    }
    crate::locate(bytes, parser.results)
}

/// The message families read into transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// pacs.008 `FIToFICstmrCdtTrf`.
    CustomerCredit,
    /// pacs.009 `FICdtTrf`.
    InstitutionCredit,
    /// pain.001 `CstmrCdtTrfInitn`.
    Initiation,
    /// pacs.004 `PmtRtr`.
    Return,
}

impl Kind {
    fn from_root(name: &str) -> Option<Kind> {
        match name {
            "FIToFICstmrCdtTrf" => Some(Kind::CustomerCredit),
            "FICdtTrf" => Some(Kind::InstitutionCredit),
            "CstmrCdtTrfInitn" => Some(Kind::Initiation),
            "PmtRtr" => Some(Kind::Return),
            _ => None,
        }
    }

    /// Version numbers (`001.NN`) published for this message; later ones get a warning.
    fn known_versions(self) -> std::ops::RangeInclusive<u32> {
        match self {
            Kind::CustomerCredit => 1..=13,
            Kind::InstitutionCredit => 1..=12,
            Kind::Initiation => 1..=12,
            Kind::Return => 1..=14,
        }
    }

    fn default_type(self) -> &'static str {
        match self {
            Kind::CustomerCredit => "pacs.008",
            Kind::InstitutionCredit => "pacs.009",
            Kind::Initiation => "pain.001",
            Kind::Return => "pacs.004",
        }
    }

    fn is_transaction(self, name: &str) -> bool {
        match self {
            Kind::Return => name == "TxInf",
            _ => name == "CdtTrfTxInf",
        }
    }
}

/// Which block the current leaf belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Outside,
    AppHdr,
    GrpHdr,
    PmtInf,
    Tx,
}

/// One transaction being read.
struct Tx {
    transfer: Transfer,
    /// pacs.004 `OrgnlTxRef`, merged at the end where `RtrChain` said nothing.
    original: Option<Transfer>,
    error: Option<(usize, String)>,
}

/// One `Document` (or bare message root) being read.
struct Doc {
    /// Depth of the `Document`: the message root is one deeper.
    depth: usize,
    /// Depth whose end closes the message: the `Document`'s, or the bare root's.
    closes_at: usize,
    kind: Option<Kind>,
    /// Set when the root is not a supported message: the rest is skipped.
    unsupported: bool,
    header: Transfer,
    header_error: Option<(usize, String)>,
    payment_info: Option<Transfer>,
    transactions: usize,
    offset: usize,
}

struct Parser<'a> {
    input: &'a [u8],
    results: ParseResults,
    /// Local names of the open elements joined by `/`; `marks` has each element's start.
    path: String,
    marks: Vec<usize>,
    text: String,
    currency: Option<String>,
    leaf: bool,
    app_header: Option<Transfer>,
    /// The last ISO 20022 message namespace declared outside a message (`xmlns:ct=...`),
    /// for a bare root that declares none itself.
    outer_namespace: Option<String>,
    doc: Option<Doc>,
    tx: Option<Tx>,
    scope: Scope,
    scope_depth: usize,
    scope_start: usize,
}

type Fatal = (usize, String);

impl<'a> Parser<'a> {
    fn new(input: &'a [u8]) -> Parser<'a> {
        Parser {
            input,
            results: Vec::new(),
            path: String::with_capacity(256),
            marks: Vec::with_capacity(16),
            text: String::with_capacity(64),
            currency: None,
            leaf: false,
            app_header: None,
            outer_namespace: None,
            doc: None,
            tx: None,
            scope: Scope::Outside,
            scope_depth: 0,
            scope_start: 0,
        }
    }

    fn fail(&mut self, offset: usize, message: String) {
        let index = self.results.len();
        let message = match (&self.tx, &self.doc) {
            (Some(_), _) => format!("in a transaction: {message}"),
            _ => message,
        };
        self.results
            .push(Err(MessageError::new(index, offset, message)));
    }

    fn run(&mut self) -> Result<(), Fatal> {
        let mut reader = Reader::from_reader(self.input);
        reader.config_mut().check_end_names = true;
        loop {
            let offset = usize::try_from(reader.buffer_position()).unwrap_or(0);
            let event = reader.read_event().map_err(|e| {
                let at = usize::try_from(reader.error_position()).unwrap_or(offset);
                (at, format!("malformed XML: {e}"))
            })?;
            match event {
                Event::Start(e) => self.start(&e, offset)?,
                Event::Empty(e) => {
                    self.start(&e, offset)?;
                    self.end(offset);
                }
                Event::End(_) => self.end(offset),
                // Indentation, most of the text events of a pretty-printed message: ASCII
                // white space has no entity to expand or refuse and is UTF-8 as it is, so
                // it skips the decoder and unescaper; and only a leaf's text is ever read.
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => self.white_space(&t),
                Event::Text(t) => {
                    let text = t
                        .unescape()
                        .map_err(|e| (offset, format!("bad text or entity: {e}")))?;
                    self.text.push_str(&text);
                }
                Event::CData(c) => {
                    let raw = std::str::from_utf8(&c)
                        .map_err(|_| (offset, "CDATA is not UTF-8".to_string()))?;
                    self.text.push_str(raw);
                }
                Event::DocType(_) => {
                    return Err((offset, "DOCTYPE refused (entity expansion, XXE)".into()))
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !self.marks.is_empty() {
            return Err((self.input.len(), "unexpected end of input".into()));
        }
        Ok(())
    }

    fn start(&mut self, e: &BytesStart, offset: usize) -> Result<(), Fatal> {
        let local = e.local_name();
        let name = std::str::from_utf8(local.as_ref())
            .map_err(|_| (offset, "element name is not UTF-8".to_string()))?;
        if self.marks.len() >= MAX_DEPTH {
            return Err((offset, format!("elements nested deeper than {MAX_DEPTH}")));
        }
        self.marks.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push('/');
        }
        self.path.push_str(name);
        self.text.clear();
        self.leaf = true;
        self.currency = None;
        if self.scope != Scope::Outside || self.doc.is_some() {
            self.currency = attribute(e, b"Ccy");
        } else if let Some(version) = namespace_version(e) {
            self.outer_namespace = Some(version);
        }
        let depth = self.marks.len();
        self.open(name, depth, offset);
        Ok(())
    }

    /// Opens documents, headers, payment blocks and transactions.
    fn open(&mut self, name: &str, depth: usize, offset: usize) {
        let Some(doc) = self.doc.as_mut() else {
            match name {
                "AppHdr" if self.scope == Scope::Outside => {
                    self.app_header = Some(Transfer::default());
                    self.enter(Scope::AppHdr, depth);
                }
                "Document" => self.open_document(depth, offset),
                _ if self.scope == Scope::Outside && Kind::from_root(name).is_some() => {
                    self.open_document(depth - 1, offset);
                    if let Some(doc) = self.doc.as_mut() {
                        doc.closes_at = depth;
                        open_root(doc, name, &mut self.results, offset);
                    }
                }
                _ => {}
            }
            return;
        };
        if doc.unsupported {
            return;
        }
        let relative = depth - doc.depth;
        if relative == 1 {
            open_root(doc, name, &mut self.results, offset);
            return;
        }
        let Some(kind) = doc.kind else { return };
        if relative == 2 && name == "GrpHdr" {
            self.enter(Scope::GrpHdr, depth);
        } else if relative == 2 && name == "PmtInf" && kind == Kind::Initiation {
            doc.payment_info = Some(doc.header.clone());
            self.enter(Scope::PmtInf, depth);
        } else if kind.is_transaction(name)
            && ((relative == 2 && kind != Kind::Initiation)
                || (relative == 3 && self.scope == Scope::PmtInf))
        {
            let template = match &doc.payment_info {
                Some(p) if kind == Kind::Initiation => p.clone(),
                _ => doc.header.clone(),
            };
            self.tx = Some(Tx {
                transfer: template,
                original: None,
                error: doc.header_error.clone(),
            });
            self.enter(Scope::Tx, depth);
        }
    }

    /// Opens a message at `depth` (its `Document`, or where one would be for a bare root).
    fn open_document(&mut self, depth: usize, offset: usize) {
        let mut header = self.app_header.take().unwrap_or_default();
        header.format = MessageFormat::Iso20022;
        if let Some(version) = self.outer_namespace.take() {
            header.message_type = version;
        }
        self.doc = Some(Doc {
            depth,
            closes_at: depth,
            kind: None,
            unsupported: false,
            header,
            header_error: None,
            payment_info: None,
            transactions: 0,
            offset,
        });
    }

    fn enter(&mut self, scope: Scope, depth: usize) {
        self.scope = scope;
        self.scope_depth = depth;
        self.scope_start = self.path.len() + 1;
    }

    /// ASCII white space between tags: kept only inside a leaf, the only text read.
    fn white_space(&mut self, text: &[u8]) {
        if self.leaf {
            self.text.extend(text.iter().map(|&b| char::from(b)));
        }
    }

    fn end(&mut self, offset: usize) {
        let depth = self.marks.len();
        if self.leaf && self.scope != Scope::Outside && self.path.len() > self.scope_start {
            self.apply_leaf(offset);
        }
        self.leaf = false;
        if depth == self.scope_depth && self.scope != Scope::Outside {
            self.close_scope();
        }
        if self.doc.as_ref().is_some_and(|d| d.closes_at == depth) {
            self.close_document(offset);
        }
        let mark = self.marks.pop().unwrap_or(0);
        self.path.truncate(mark);
    }

    fn apply_leaf(&mut self, offset: usize) {
        let value = self.text.trim();
        if value.is_empty() {
            return;
        }
        let leaf = Leaf {
            value,
            currency: self.currency.as_deref(),
        };
        let rel = self.path.get(self.scope_start..).unwrap_or("");
        let result = match self.scope {
            Scope::AppHdr => {
                if let Some(h) = self.app_header.as_mut() {
                    iso_fields::apply_app_header(h, rel, value);
                }
                Ok(())
            }
            Scope::GrpHdr => match self.doc.as_mut() {
                Some(d) => iso_fields::apply(&mut d.header, rel, 0, &leaf)
                    .map_err(|e| format!("GrpHdr/{rel}: {e}")),
                None => Ok(()),
            },
            Scope::PmtInf => match self.doc.as_mut().and_then(|d| d.payment_info.as_mut()) {
                Some(p) => {
                    iso_fields::apply(p, rel, 0, &leaf).map_err(|e| format!("PmtInf/{rel}: {e}"))
                }
                None => Ok(()),
            },
            Scope::Tx => apply_transaction_leaf(self.tx.as_mut(), rel, &leaf),
            Scope::Outside => Ok(()),
        };
        if let Err(message) = result {
            self.record_error(offset, message);
        }
    }

    /// A field error fails the transaction it is in; outside a transaction (group header,
    /// `PmtInf`) it fails the transactions that follow in the same `Document`.
    fn record_error(&mut self, offset: usize, message: String) {
        if let Some(tx) = self.tx.as_mut() {
            tx.error.get_or_insert((offset, message));
        } else if let Some(doc) = self.doc.as_mut() {
            doc.header_error.get_or_insert((offset, message));
        }
    }

    fn close_scope(&mut self) {
        if self.scope == Scope::Tx {
            self.finish_transaction();
            self.scope = if self.doc.as_ref().is_some_and(|d| d.payment_info.is_some()) {
                Scope::PmtInf
            } else {
                Scope::Outside
            };
            if self.scope == Scope::PmtInf {
                self.scope_depth = self.marks.len() - 1;
                // The transaction's mark is where the path through `PmtInf` ends.
                self.scope_start = self.marks.last().map_or(0, |&m| m + 1);
            }
            return;
        }
        if self.scope == Scope::PmtInf {
            if let Some(doc) = self.doc.as_mut() {
                doc.payment_info = None;
            }
        }
        self.scope = Scope::Outside;
    }

    fn finish_transaction(&mut self) {
        let Some(tx) = self.tx.take() else { return };
        let Some(doc) = self.doc.as_mut() else { return };
        doc.transactions += 1;
        let index = self.results.len();
        let result = match tx.error {
            Some((offset, message)) => Err(MessageError::new(index, offset, message)),
            None => Ok(complete(tx.transfer, tx.original, doc.kind)),
        };
        self.results.push(result);
    }

    fn close_document(&mut self, offset: usize) {
        let Some(doc) = self.doc.take() else { return };
        if doc.transactions > 0 || doc.unsupported {
            return;
        }
        let index = self.results.len();
        let message = match (doc.kind, doc.header_error) {
            (_, Some((at, message))) => MessageError::new(index, at, message),
            (None, None) => MessageError::new(index, offset, "empty Document".into()),
            (Some(_), None) => {
                MessageError::new(index, doc.offset, "no transaction in Document".into())
            }
        };
        self.results.push(Err(message));
    }
}

/// A transaction leaf; pacs.004 `OrgnlTxRef` goes to the fallback transfer.
fn apply_transaction_leaf(tx: Option<&mut Tx>, rel: &str, leaf: &Leaf) -> Result<(), String> {
    let Some(tx) = tx else {
        return Ok(());
    };
    let result = match rel.strip_prefix("OrgnlTxRef/") {
        Some(rest) => {
            let original = tx.original.get_or_insert_with(Transfer::default);
            iso_fields::apply(original, rest, 0, leaf)
        }
        None => iso_fields::apply(&mut tx.transfer, rel, 0, leaf),
    };
    result.map_err(|e| format!("{rel}: {e}"))
}

/// The root element under `Document` decides the kind; others are reported and skipped.
fn open_root(doc: &mut Doc, name: &str, results: &mut ParseResults, offset: usize) {
    match Kind::from_root(name) {
        Some(kind) => {
            doc.kind = Some(kind);
            if !doc.header.message_type.starts_with(kind.default_type()) {
                doc.header.message_type = kind.default_type().to_string();
            } else if let Some(warning) = version_warning(&doc.header.message_type, kind) {
                doc.header.warnings.push(warning);
            }
        }
        None => {
            doc.unsupported = true;
            let index = results.len();
            let what = if doc.header.message_type.is_empty() {
                name.to_string()
            } else {
                format!("{name} ({})", doc.header.message_type)
            };
            let message = format!("unsupported ISO 20022 message {what}");
            results.push(Err(MessageError::new(index, offset, message)));
        }
    }
}

/// A warning when `pacs.008.001.99` is not a published version of `kind`.
fn version_warning(message_type: &str, kind: Kind) -> Option<String> {
    let known = kind.known_versions();
    let number = message_type
        .strip_prefix(kind.default_type())
        .and_then(|v| v.strip_prefix(".001."))
        .and_then(|v| v.get(..2))
        .and_then(|v| v.parse::<u32>().ok());
    if number.is_some_and(|n| known.contains(&n)) {
        return None;
    }
    Some(format!(
        "unknown version {message_type} (published: {}.001.{:02} to {:02}): read with the \
         element names of the known versions",
        kind.default_type(),
        known.start(),
        known.end()
    ))
}

/// Final touches: pacs.004 fallbacks, the underlying transfer's identity.
fn complete(mut t: Transfer, original: Option<Transfer>, kind: Option<Kind>) -> Transfer {
    if let Some(original) = original {
        iso_fields::merge_original(&mut t, original);
    }
    if kind == Some(Kind::Return) {
        if let Some(r) = &t.return_info {
            t.uetr = t.uetr.take().or_else(|| r.original_uetr.clone());
            t.end_to_end_id = t
                .end_to_end_id
                .take()
                .or_else(|| r.original_end_to_end_id.clone());
        }
    }
    if let Some(u) = t.underlying.as_mut() {
        t.warnings.append(&mut u.warnings);
        u.format = MessageFormat::Iso20022;
        u.message_type = t.message_type.clone();
        if u.uetr.is_none() {
            u.uetr = t.uetr.clone();
        }
        if u.end_to_end_id.is_none() {
            u.end_to_end_id = t.end_to_end_id.clone();
        }
    }
    t
}

/// `pacs.008.001.08` from an `xmlns` or `xmlns:x` attribute, ignoring the header namespace.
fn namespace_version(e: &BytesStart) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        if key != b"xmlns" && !key.starts_with(b"xmlns:") {
            return None;
        }
        let value = std::str::from_utf8(&a.value).ok()?;
        let version = value.strip_prefix(NAMESPACE_PREFIX)?;
        (!version.starts_with("head.")).then(|| version.to_string())
    })
}

fn attribute(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACS008: &str = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10">
<FIToFICstmrCdtTrf><GrpHdr><MsgId>M1</MsgId><IntrBkSttlmDt>2024-03-01</IntrBkSttlmDt></GrpHdr>
<CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId></PmtId>
<IntrBkSttlmAmt Ccy="EUR">10.50</IntrBkSttlmAmt><Dbtr><Nm>A &amp; B</Nm></Dbtr></CdtTrfTxInf>
<CdtTrfTxInf><PmtId><EndToEndId>E2</EndToEndId></PmtId>
<IntrBkSttlmAmt Ccy="ZZZ">1</IntrBkSttlmAmt></CdtTrfTxInf>
<CdtTrfTxInf><PmtId><EndToEndId>E3</EndToEndId></PmtId>
<IntrBkSttlmAmt Ccy="JPY">1000</IntrBkSttlmAmt></CdtTrfTxInf>
</FIToFICstmrCdtTrf></Document>"#;

    #[test]
    fn one_transfer_per_transaction_and_a_bad_one_does_not_stop_the_rest() {
        let results = parse_iso20022(PACS008.as_bytes());
        assert_eq!(results.len(), 3);
        let first = results[0].as_ref().unwrap();
        assert_eq!(first.message_type, "pacs.008.001.10");
        assert_eq!(first.message_id.as_deref(), Some("M1"));
        assert_eq!(first.settlement_date.as_deref(), Some("2024-03-01"));
        assert_eq!(
            first.debtor.as_ref().unwrap().name.as_deref(),
            Some("A & B")
        );
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(err.index, 1);
        assert!(err.message.contains("IntrBkSttlmAmt") && err.message.contains("ZZZ"));
        assert_eq!(err.position.line, 6);
        assert_eq!(
            results[2].as_ref().unwrap().end_to_end_id.as_deref(),
            Some("E3")
        );
    }

    #[test]
    fn doctype_is_refused() {
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Document/>"#;
        let results = parse_iso20022(bomb);
        assert_eq!(results.len(), 1);
        assert!(results[0].as_ref().unwrap_err().message.contains("DOCTYPE"));
    }

    #[test]
    fn pain001_gives_the_payment_information_debtor_to_each_transaction() {
        let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>P1</MsgId><InitgPty><Nm>Init Co</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>B1</PmtInfId><ReqdExctnDt><Dt>2024-05-02</Dt></ReqdExctnDt>
<Dbtr><Nm>Payer Ltd</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
<DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>
<CdtTrfTxInf><PmtId><EndToEndId>T1</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">5</InstdAmt></Amt>
<Cdtr><Nm>One</Nm></Cdtr></CdtTrfTxInf>
<CdtTrfTxInf><PmtId><EndToEndId>T2</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">6</InstdAmt></Amt>
<Cdtr><Nm>Two</Nm></Cdtr></CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>"#;
        let results = parse_iso20022(xml.as_bytes());
        assert_eq!(results.len(), 2);
        for (r, (name, amount)) in results.iter().zip([("One", "5 EUR"), ("Two", "6 EUR")]) {
            let t = r.as_ref().unwrap();
            assert_eq!(
                t.debtor.as_ref().unwrap().name.as_deref(),
                Some("Payer Ltd")
            );
            assert_eq!(t.creditor.as_ref().unwrap().name.as_deref(), Some(name));
            assert_eq!(t.amount.unwrap().to_string(), amount);
            assert_eq!(t.settlement_date.as_deref(), Some("2024-05-02"));
            assert_eq!(
                t.initiating_party.as_ref().unwrap().name.as_deref(),
                Some("Init Co")
            );
        }
    }

    #[test]
    fn pacs004_reads_the_return_chain_and_reason() {
        let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.004.001.09"><PmtRtr>
<GrpHdr><MsgId>R1</MsgId></GrpHdr><TxInf><RtrId>RID</RtrId>
<OrgnlEndToEndId>E2E</OrgnlEndToEndId><OrgnlUETR>8a562c67-ca16-48ba-b074-65581be6f001</OrgnlUETR>
<RtrdIntrBkSttlmAmt Ccy="USD">99</RtrdIntrBkSttlmAmt><IntrBkSttlmDt>2024-01-03</IntrBkSttlmDt>
<RtrChain><Dbtr><Pty><Nm>Orig</Nm></Pty></Dbtr><Cdtr><Pty><Nm>Benef</Nm></Pty></Cdtr></RtrChain>
<RtrRsnInf><Rsn><Cd>AC04</Cd></Rsn></RtrRsnInf>
<OrgnlTxRef><Dbtr><Pty><Nm>Ignored</Nm></Pty></Dbtr>
<CdtrAgt><FinInstnId><BICFI>BSCHESMMXXX</BICFI></FinInstnId></CdtrAgt></OrgnlTxRef>
</TxInf></PmtRtr></Document>"#;
        let results = parse_iso20022(xml.as_bytes());
        let t = results[0].as_ref().unwrap();
        assert_eq!(t.message_type, "pacs.004.001.09");
        assert_eq!(t.debtor.as_ref().unwrap().name.as_deref(), Some("Orig"));
        assert_eq!(
            t.creditor_agent.as_ref().unwrap().bic.as_deref(),
            Some("BSCHESMMXXX")
        );
        assert_eq!(
            t.uetr.as_deref(),
            Some("8a562c67-ca16-48ba-b074-65581be6f001")
        );
        let r = t.return_info.as_ref().unwrap();
        assert_eq!(r.reason.as_deref(), Some("AC04"));
        assert_eq!(r.return_id.as_deref(), Some("RID"));
        assert_eq!(t.amount.unwrap().to_string(), "99 USD");
    }

    #[test]
    fn unsupported_and_malformed_messages_are_errors() {
        let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.002.001.12"><FIToFIPmtStsRpt/></Document>"#;
        let results = parse_iso20022(xml);
        assert!(results[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("FIToFIPmtStsRpt (pacs.002.001.12)"));
        let results = parse_iso20022(b"<Document><FIToFICstmrCdtTrf><CdtTrfTxInf></Document>");
        assert!(results[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("malformed"));
    }
}
