//! goAML reports (UNODC goAML 5.x XML, `<report>`) read back as canonical transfers: one per
//! `transaction`, so an STR another institution or FIU sent can be screened and monitored
//! like any payment. Parties come from `t_from`/`t_from_my_client` and `t_to`/`t_to_my_client`
//! (account, person or entity); the amount is the foreign amount when one is given, else
//! `amount_local` in the report's `currency_code_local`. DOCTYPE is refused (no entity
//! expansion, no external entities); nesting is bounded.

use crate::{MessageError, ParseResults};
use cordon_model::transfer::{
    Account, Agent, Amount, BirthInfo, Currency, Money, Party, PostalAddress, Remittance, Transfer,
};
use quick_xml::events::Event;
use quick_xml::Reader;

/// Deepest nesting read: goAML reports nest about a dozen levels; more is not a report.
const MAX_DEPTH: usize = 48;
/// Most elements read: a report of thousands of transactions stays far below; a bound keeps a
/// hostile input from growing the tree without limit.
const MAX_ELEMENTS: usize = 2_000_000;

/// An element with its text and children, and where it starts.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    offset: usize,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of a descendant by path (`a/b/c`), if present and not blank.
    fn text_at(&self, path: &str) -> Option<String> {
        let node = path.split('/').try_fold(self, |n, part| n.child(part))?;
        let text = node.text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }
}

/// True when the first element of the document is `<report>`: a goAML report.
pub fn is_goaml(bytes: &[u8]) -> bool {
    let mut reader = Reader::from_reader(bytes);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return e.local_name().as_ref() == b"report"
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// One result per `transaction` of a goAML report.
pub fn parse_goaml(bytes: &[u8]) -> ParseResults {
    let root = match tree(bytes) {
        Ok(root) => root,
        Err((offset, message)) => return vec![Err(MessageError::new(0, offset, message))],
    };
    let local = root.text_at("currency_code_local");
    let report_code = root
        .text_at("report_code")
        .unwrap_or_else(|| "report".into());
    let transactions: Vec<&Node> = root
        .children
        .iter()
        .filter(|c| c.name == "transaction")
        .collect();
    if transactions.is_empty() {
        let message = "goAML report without a transaction (an activity report carries no transfer)";
        return vec![Err(MessageError::new(0, root.offset, message.into()))];
    }
    transactions
        .into_iter()
        .enumerate()
        .map(|(index, node)| {
            transfer(node, local.as_deref(), &report_code)
                .map_err(|message| MessageError::new(index, node.offset, message))
        })
        .collect()
}

/// The document as a tree (the root element).
fn tree(bytes: &[u8]) -> Result<Node, (usize, String)> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut count = 0usize;
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = reader
            .read_event()
            .map_err(|e| (offset, format!("malformed XML: {e}")))?;
        match event {
            Event::Start(e) | Event::Empty(e)
                if stack.len() > MAX_DEPTH || count >= MAX_ELEMENTS =>
            {
                let _ = e;
                return Err((
                    offset,
                    format!("more than {MAX_DEPTH} levels or {MAX_ELEMENTS} elements"),
                ));
            }
            Event::Start(e) => {
                count += 1;
                stack.push(element(&e, offset)?);
            }
            Event::Empty(e) => {
                count += 1;
                let node = element(&e, offset)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::End(_) => close(&mut stack, offset)?,
            Event::Text(t) => {
                let text = t
                    .unescape()
                    .map_err(|e| (offset, format!("bad text or entity: {e}")))?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            Event::CData(c) => {
                let raw = std::str::from_utf8(&c)
                    .map_err(|_| (offset, "CDATA is not UTF-8".to_string()))?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(raw);
                }
            }
            Event::DocType(_) => {
                return Err((offset, "DOCTYPE refused (entity expansion, XXE)".into()))
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err((bytes.len(), "unexpected end of input".into()));
    }
    let document = stack.pop().unwrap_or_default();
    document
        .children
        .into_iter()
        .next()
        .ok_or_else(|| (0, "no element".to_string()))
}

fn element(e: &quick_xml::events::BytesStart<'_>, offset: usize) -> Result<Node, (usize, String)> {
    let name = std::str::from_utf8(e.local_name().as_ref())
        .map_err(|_| (offset, "element name is not UTF-8".to_string()))?
        .to_string();
    Ok(Node {
        name,
        offset,
        ..Node::default()
    })
}

/// Ends the open element and hands it to its parent.
fn close(stack: &mut Vec<Node>, offset: usize) -> Result<(), (usize, String)> {
    let node = stack.pop().filter(|_| !stack.is_empty());
    match (node, stack.last_mut()) {
        (Some(node), Some(parent)) => {
            parent.children.push(node);
            Ok(())
        }
        _ => Err((offset, "closing tag without an open element".into())),
    }
}

/// One `transaction` as a transfer.
fn transfer(node: &Node, local: Option<&str>, report_code: &str) -> Result<Transfer, String> {
    let number = node
        .text_at("transactionnumber")
        .ok_or("transaction: no transactionnumber")?;
    let from = node
        .child("t_from")
        .or_else(|| node.child("t_from_my_client"));
    let to = node.child("t_to").or_else(|| node.child("t_to_my_client"));
    let (debtor, debtor_agent) = from.map(|s| side(s, "from")).unwrap_or_default();
    let (creditor, creditor_agent) = to.map(|s| side(s, "to")).unwrap_or_default();
    let description = node.text_at("transaction_description");
    Ok(Transfer {
        message_type: format!("goAML {report_code}"),
        transaction_id: Some(number.clone()),
        instruction_id: node.text_at("internal_ref_number"),
        amount: Some(money(node, from, local).map_err(|m| format!("transaction {number}: {m}"))?),
        settlement_date: node
            .text_at("date_transaction")
            .and_then(|d| d.get(..10).map(str::to_string)),
        debtor,
        creditor,
        debtor_agent,
        creditor_agent,
        remittance: Remittance {
            unstructured: description.into_iter().collect(),
            structured: Vec::new(),
        },
        warnings: vec![
            "read from a goAML report: parties and amounts as reported, not as sent".into(),
        ],
        ..Transfer::default()
    })
}

/// The foreign amount when the originator's side gives one, else `amount_local`.
fn money(node: &Node, from: Option<&Node>, local: Option<&str>) -> Result<Money, String> {
    let foreign = from
        .and_then(|f| f.child("from_foreign_currency"))
        .and_then(|f| {
            Some((
                f.text_at("foreign_amount")?,
                f.text_at("foreign_currency_code")?,
            ))
        });
    let (amount, currency) = match foreign {
        Some(pair) => pair,
        None => (
            node.text_at("amount_local").ok_or("no amount_local")?,
            local
                .ok_or("no currency_code_local in the report")?
                .to_string(),
        ),
    };
    Ok(Money {
        amount: Amount::parse(&amount, b'.').map_err(|e| format!("amount {amount:?}: {e}"))?,
        currency: Currency::parse(&currency)
            .ok_or_else(|| format!("{currency:?} is not an active ISO 4217 currency code"))?,
    })
}

/// The party and its bank of one side (`prefix` `from` or `to`).
fn side(node: &Node, prefix: &str) -> (Option<Party>, Option<Agent>) {
    let country = node
        .text_at(&format!("{prefix}_country"))
        .filter(|c| c != "-");
    let address = country.map(|c| PostalAddress {
        country: Some(c),
        ..PostalAddress::default()
    });
    if let Some(account) = node.child(&format!("{prefix}_account")) {
        let (party, agent) = account_party(account);
        return (Some(Party { address, ..party }), agent);
    }
    let party = node
        .child(&format!("{prefix}_person"))
        .map(person)
        .or_else(|| node.child(&format!("{prefix}_entity")).map(entity));
    (party.map(|p| Party { address, ..p }), None)
}

fn account_party(node: &Node) -> (Party, Option<Agent>) {
    let iban = node.text_at("iban");
    let id = iban.clone().or_else(|| node.text_at("account"));
    let party = Party {
        name: node.text_at("account_name"),
        account: id.map(|id| Account {
            id,
            iban: iban.is_some(),
        }),
        source: Some("goAML account".into()),
        ..Party::default()
    };
    let agent = Agent {
        bic: node.text_at("swift"),
        clearing_member_id: node.text_at("institution_code"),
        name: node.text_at("institution_name"),
        ..Agent::default()
    };
    let known = agent.bic.is_some() || agent.clearing_member_id.is_some() || agent.name.is_some();
    (party, known.then_some(agent))
}

fn person(node: &Node) -> Party {
    let parts = ["first_name", "middle_name", "last_name"];
    // `-` is how a writer fills a required name part it does not have (Cordon's writer does).
    let name: Vec<String> = parts
        .iter()
        .filter_map(|p| node.text_at(p))
        .filter(|p| p != "-")
        .collect();
    let mut party = Party {
        name: (!name.is_empty()).then(|| name.join(" ")),
        country_of_residence: node.text_at("residence"),
        source: Some("goAML person".into()),
        ..Party::default()
    };
    party.identifiers.birth = node.text_at("birthdate").map(|d| BirthInfo {
        date: d.get(..10).map(str::to_string),
        ..BirthInfo::default()
    });
    party
}

fn entity(node: &Node) -> Party {
    Party {
        name: node.text_at("name"),
        source: Some("goAML entity".into()),
        ..Party::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/goaml/vyttah/"
        );
        std::fs::read(format!("{root}{name}")).unwrap()
    }

    #[test]
    fn the_published_str_reads_as_one_transfer() {
        let bytes = sample("STR.xml");
        assert!(is_goaml(&bytes));
        let results = parse_goaml(&bytes);
        assert_eq!(results.len(), 1);
        let t = results[0].as_ref().unwrap();
        assert_eq!(t.transaction_id.as_deref(), Some("TXN-987654"));
        assert_eq!(t.amount.as_ref().unwrap().to_string(), "120000 AED");
        assert_eq!(t.settlement_date.as_deref(), Some("2026-05-24"));
        let debtor = t.debtor.as_ref().unwrap();
        assert_eq!(debtor.name.as_deref(), Some("Layla Hassan"));
        let birth = debtor.identifiers.birth.as_ref().unwrap();
        assert_eq!(birth.date.as_deref(), Some("1989-07-02"));
        assert_eq!(
            t.creditor.as_ref().unwrap().name.as_deref(),
            Some("John Smith")
        );
        let country = t
            .creditor
            .as_ref()
            .unwrap()
            .address
            .as_ref()
            .unwrap()
            .country
            .as_deref();
        assert_eq!(country, Some("GB"));
    }

    #[test]
    fn an_activity_report_has_no_transfer_and_says_so() {
        let results = parse_goaml(&sample("SAR.xml"));
        assert_eq!(results.len(), 1);
        assert!(results[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("without a transaction"));
    }

    #[test]
    fn hostile_and_broken_input_is_an_error_not_a_panic() {
        let bomb = br#"<!DOCTYPE r [<!ENTITY a "a">]><report/>"#;
        assert!(parse_goaml(bomb)[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("DOCTYPE"));
        let deep = format!("<report>{}", "<a>".repeat(100));
        assert!(parse_goaml(deep.as_bytes())[0].is_err());
        let no_amount =
            b"<report><transaction><transactionnumber>1</transactionnumber></transaction></report>";
        let error = parse_goaml(no_amount)[0]
            .as_ref()
            .unwrap_err()
            .message
            .clone();
        assert_eq!(error, "transaction 1: no amount_local");
        assert!(parse_goaml(b"<report><transaction></report>")[0].is_err());
    }
}
