//! The STR itself: the report header from the reporting entity's settings, one `transaction` per
//! transfer with its parties (`t_from` / `t_to`), accounts and amounts, and the indicators.
//!
//! Mapping (see `docs/goaml.md`): the originator is the debtor (for a cover payment, the
//! underlying customer transfer's debtor), the beneficiary the creditor. A party with an account
//! held at an identified institution is reported as an account (`from_account`), one with a
//! date of birth as a person, any other as an entity. Parties are `t_from`/`t_to` rather than
//! the `_my_client` forms: a screened payment does not say which side is the reporting
//! entity's customer, and the `_my_client` forms require customer records it does not hold.

use crate::codes::{COUNTRIES, CURRENCIES};
use crate::config::ReportingEntity;
use crate::money::{convert, decimal_text};
use crate::text::{as_written, cut, schema_name};
use crate::xml::Xml;
use crate::{Error, Result, SCHEMA_VERSION};
use cordon_model::transfer::{is_placeholder, Agent, Money, Party, Transfer};

/// Longest `transactionnumber` and `internal_ref_number` the schema allows.
const REFERENCE_MAX: usize = 100;
/// Longest free text (`comments_type`).
const COMMENTS_MAX: usize = 8000;
/// Longest short text (`rentity_branch`, `entity_reference`, `institution_name`, ...).
const SHORT_MAX: usize = 255;
/// Longest `swift` (a BIC11).
const SWIFT_MAX: usize = 11;
/// Longest `institution_code`.
const INSTITUTION_CODE_MAX: usize = 50;
/// Longest `iban`.
const IBAN_MAX: usize = 34;

/// What one report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrInput {
    /// `entity_reference`: the reporting entity's own reference of the report.
    pub reference: String,
    /// `submission_date`, `YYYY-MM-DDTHH:MM:SS`.
    pub submission_date: String,
    /// `reason`: why the transfers are suspicious (required, not blank).
    pub reason: String,
    /// The transfers reported, one `transaction` each (at least one).
    pub transfers: Vec<Transfer>,
}

/// The STR as goAML 5.0.2 XML text.
pub fn write_str(entity: &ReportingEntity, input: &StrInput) -> Result<String> {
    if input.transfers.is_empty() {
        return Err(Error::Report("no transfer to report".into()));
    }
    if input.reason.trim().is_empty() {
        return Err(Error::Report("reason: must not be empty".into()));
    }
    let mut xml = Xml::new();
    xml.open("report");
    header(&mut xml, entity, input);
    for (index, transfer) in input.transfers.iter().enumerate() {
        transaction(&mut xml, entity, input, index, transfer)?;
    }
    xml.open("report_indicators");
    for code in &entity.indicators {
        xml.leaf("indicator", code);
    }
    xml.close("report_indicators");
    xml.close("report");
    Ok(xml.finish())
}

fn header(xml: &mut Xml, entity: &ReportingEntity, input: &StrInput) {
    xml.leaf("schema_version", SCHEMA_VERSION);
    xml.leaf("rentity_id", &entity.rentity_id.to_string());
    let branch = entity.rentity_branch.as_deref().map(|b| cut(b, SHORT_MAX));
    xml.opt_leaf("rentity_branch", branch.as_deref());
    xml.leaf("submission_code", &entity.submission_code);
    xml.leaf("report_code", "STR");
    xml.leaf("entity_reference", &cut(&input.reference, SHORT_MAX));
    xml.leaf("submission_date", &input.submission_date);
    xml.leaf("currency_code_local", &entity.currency_code_local);
    if let Some(person) = &entity.reporting_person {
        xml.open("reporting_person");
        xml.leaf("first_name", &schema_name(&person.first_name));
        xml.leaf("last_name", &schema_name(&person.last_name));
        xml.opt_leaf("email", person.email.as_deref());
        let occupation = person.occupation.as_deref().map(|o| cut(o, SHORT_MAX));
        xml.opt_leaf("occupation", occupation.as_deref());
        xml.close("reporting_person");
    }
    xml.leaf("reason", &cut(&input.reason, COMMENTS_MAX));
    let action = entity.action.as_deref().map(|a| cut(a, COMMENTS_MAX));
    xml.opt_leaf("action", action.as_deref());
}

/// The customer transfer a message carries: a cover payment's underlying transfer when it has
/// one (its debtor and creditor are the customers; the cover's are banks).
fn customer_transfer(transfer: &Transfer) -> &Transfer {
    match transfer.underlying.as_deref() {
        Some(inner) if inner.debtor.is_some() || inner.creditor.is_some() => inner,
        _ => transfer,
    }
}

/// The first present, non-placeholder reference of the message, else `REFERENCE-N`.
fn transaction_number(transfer: &Transfer, reference: &str, index: usize) -> String {
    [
        &transfer.uetr,
        &transfer.end_to_end_id,
        &transfer.transaction_id,
        &transfer.instruction_id,
        &transfer.message_id,
    ]
    .into_iter()
    .flatten()
    .find(|id| !is_placeholder(id))
    .map(|id| cut(id.trim(), REFERENCE_MAX))
    .unwrap_or_else(|| cut(&format!("{reference}-{}", index + 1), REFERENCE_MAX))
}

/// One transaction of the report.
fn transaction(
    xml: &mut Xml,
    entity: &ReportingEntity,
    input: &StrInput,
    index: usize,
    transfer: &Transfer,
) -> Result<()> {
    let number = transaction_number(transfer, &input.reference, index);
    let fail = |message: String| Error::Transfer {
        index,
        reference: number.clone(),
        message,
    };
    let money = transfer
        .amount
        .as_ref()
        .or(transfer.instructed_amount.as_ref());
    let money = money.ok_or_else(|| fail("no amount (IntrBkSttlmAmt / 32A)".into()))?;
    let amounts = Amounts::of(money, &entity.currency_code_local).map_err(&fail)?;
    let date = transaction_date(transfer).ok_or_else(|| {
        fail("no date (IntrBkSttlmDt, ReqdExctnDt, CreDtTm or the MT 32A date)".into())
    })?;
    xml.open("transaction");
    xml.leaf("transactionnumber", &number);
    let internal = transfer
        .instruction_id
        .as_deref()
        .filter(|i| !is_placeholder(i));
    xml.opt_leaf(
        "internal_ref_number",
        internal.map(|i| cut(i.trim(), REFERENCE_MAX)).as_deref(),
    );
    let location = entity.transaction_location.as_deref().unwrap_or_default();
    xml.leaf("transaction_location", &cut(location, SHORT_MAX));
    xml.leaf(
        "transaction_description",
        &cut(&description(transfer), COMMENTS_MAX),
    );
    xml.leaf("date_transaction", &date);
    let value_date = transfer.settlement_date.as_deref().and_then(iso_date);
    xml.opt_leaf("value_date", value_date.as_deref());
    xml.leaf("transmode_code", transmode(transfer));
    // The schema allows one character here; `E` marks an electronic transfer.
    xml.leaf("transmode_comment", "E");
    xml.leaf("amount_local", &amounts.local);
    let customer = customer_transfer(transfer);
    let ends = Ends::of(customer, transfer);
    side(
        xml,
        Side::From,
        customer.debtor.as_ref(),
        ends.debtor_agent,
        &amounts,
    );
    side(
        xml,
        Side::To,
        customer.creditor.as_ref(),
        ends.creditor_agent,
        &amounts,
    );
    xml.close("transaction");
    Ok(())
}

/// The agents holding the two accounts.
struct Ends<'t> {
    debtor_agent: Option<&'t Agent>,
    creditor_agent: Option<&'t Agent>,
}

impl<'t> Ends<'t> {
    /// The customer transfer's agents; a cover payment whose underlying transfer names none
    /// falls back on the cover's own.
    fn of(customer: &'t Transfer, message: &'t Transfer) -> Ends<'t> {
        Ends {
            debtor_agent: customer
                .debtor_agent
                .as_ref()
                .or(message.debtor_agent.as_ref()),
            creditor_agent: customer
                .creditor_agent
                .as_ref()
                .or(message.creditor_agent.as_ref()),
        }
    }
}

/// `amount_local` and, for a foreign currency, the foreign amount and rate.
struct Amounts {
    local: String,
    foreign: Option<(String, String, String)>,
}

impl Amounts {
    fn of(money: &Money, local: &str) -> std::result::Result<Amounts, String> {
        let code = money.currency.as_str();
        if CURRENCIES.binary_search(&code).is_err() {
            return Err(format!("currency {code} is not in the goAML currency list"));
        }
        let text = decimal_text(&money.amount)
            .ok_or_else(|| format!("amount {}: more than 13 decimals", money.amount))?;
        if code == local {
            return Ok(Amounts {
                local: text,
                foreign: None,
            });
        }
        let local_currency = cordon_model::transfer::Currency::parse(local)
            .ok_or_else(|| format!("currency_code_local {local} is not an ISO 4217 code"))?;
        let converted = convert(money.amount, money.currency, local_currency)
            .ok_or_else(|| format!("no indicative rate between {code} and {local}"))?;
        Ok(Amounts {
            local: converted.local.to_string(),
            foreign: Some((code.to_string(), text, converted.rate.to_string())),
        })
    }
}

/// `date_transaction`: the settlement (or requested execution) date, else the creation time.
fn transaction_date(transfer: &Transfer) -> Option<String> {
    transfer
        .settlement_date
        .as_deref()
        .and_then(iso_date)
        .or_else(|| transfer.creation_time.as_deref().and_then(iso_date_time))
}

/// `YYYY-MM-DD` as `YYYY-MM-DDT00:00:00`, when it is a plausible date (the schema's
/// `sql_date` starts in 1753).
fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    let year: u32 = text.get(..4)?.parse().ok()?;
    let month: u32 = text.get(5..7)?.parse().ok()?;
    let day: u32 = text.get(8..10)?.parse().ok()?;
    let valid = shape && year >= 1753 && (1..=12).contains(&month) && (1..=31).contains(&day);
    valid.then(|| format!("{text}T00:00:00"))
}

/// A creation time (`2026-01-02T10:20:30.123+01:00`, `2026-01-02T10:20`) as
/// `YYYY-MM-DDTHH:MM:SS`, as written (the schema's dateTime without a zone).
fn iso_date_time(text: &str) -> Option<String> {
    let text = text.trim();
    let date = iso_date(text.get(..10)?)?;
    let time = text.get(11..)?;
    let hh_mm = time.get(..5)?;
    let seconds = time
        .get(5..8)
        .filter(|s| s.starts_with(':'))
        .unwrap_or(":00");
    let clock = format!("{hh_mm}{seconds}");
    let ok = clock.len() == 8
        && clock.bytes().enumerate().all(|(i, b)| match i {
            2 | 5 => b == b':',
            _ => b.is_ascii_digit(),
        });
    ok.then(|| format!("{}T{clock}", date.get(..10).unwrap_or_default()))
}

/// `SWIFT` for an MT message, `ELCFT` (electronic funds transfer) for ISO 20022.
fn transmode(transfer: &Transfer) -> &'static str {
    match transfer.format {
        cordon_model::transfer::MessageFormat::SwiftMt => "SWIFT",
        cordon_model::transfer::MessageFormat::Iso20022 => "ELCFT",
    }
}

/// The message type, purpose and remittance text: what the FIU reads first.
fn description(transfer: &Transfer) -> String {
    let mut parts = vec![format!("{} credit transfer", transfer.message_type)];
    if let Some(purpose) = &transfer.purpose {
        parts.push(format!("purpose {purpose}"));
    }
    let remittance = customer_transfer(transfer)
        .remittance
        .unstructured
        .join(" ");
    if !remittance.trim().is_empty() {
        parts.push(format!("remittance: {}", remittance.trim()));
    }
    parts.join("; ")
}

#[derive(Clone, Copy)]
enum Side {
    From,
    To,
}

impl Side {
    fn tag(self, suffix: &str) -> String {
        match self {
            Side::From => format!("from_{suffix}"),
            Side::To => format!("to_{suffix}"),
        }
    }
}

/// `t_from` or `t_to`.
fn side(
    xml: &mut Xml,
    side: Side,
    party: Option<&Party>,
    agent: Option<&Agent>,
    amounts: &Amounts,
) {
    let outer = match side {
        Side::From => "t_from",
        Side::To => "t_to",
    };
    xml.open(outer);
    // Funds moved by an electronic transfer on both sides.
    xml.leaf(&side.tag("funds_code"), "ELCFT");
    if let Some((code, amount, rate)) = &amounts.foreign {
        xml.open(&side.tag("foreign_currency"));
        xml.leaf("foreign_currency_code", code);
        xml.leaf("foreign_amount", amount);
        xml.leaf("foreign_exchange_rate", rate);
        xml.close(&side.tag("foreign_currency"));
    }
    let empty = Party::default();
    let party = party.unwrap_or(&empty);
    match institution(agent).filter(|_| party.account.is_some()) {
        Some(institution) => account(xml, side, party, agent, institution),
        None if has_birth_date(party) => person(xml, side, party),
        None => entity(xml, side, party),
    }
    xml.leaf(&side.tag("country"), &country(party, agent));
    xml.close(outer);
}

/// How the account's institution is identified: its BIC, else its clearing member id.
enum Institution {
    Swift(String),
    Code(String),
}

fn institution(agent: Option<&Agent>) -> Option<Institution> {
    let agent = agent?;
    let present = |v: &Option<String>| v.clone().filter(|s| !is_placeholder(s));
    present(&agent.bic)
        .map(|bic| Institution::Swift(cut(bic.trim(), SWIFT_MAX)))
        .or_else(|| {
            present(&agent.clearing_member_id)
                .map(|id| Institution::Code(cut(id.trim(), INSTITUTION_CODE_MAX)))
        })
}

fn has_birth_date(party: &Party) -> bool {
    let birth = party.identifiers.birth.as_ref();
    birth
        .and_then(|b| b.date.as_deref())
        .and_then(iso_date)
        .is_some()
}

/// The party's name; a bank known by its BIC alone (pacs.009, MT202) by its BIC; else
/// `NOT PROVIDED`, as payment messages write a missing name.
fn party_name(party: &Party) -> &str {
    present(&party.name)
        .or_else(|| present(&party.identifiers.bic))
        .unwrap_or("NOT PROVIDED")
}

/// The text unless absent or a placeholder.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !is_placeholder(v))
}

/// `t_account`: the institution, the account, its holder's name.
fn account(
    xml: &mut Xml,
    side: Side,
    party: &Party,
    agent: Option<&Agent>,
    institution: Institution,
) {
    let tag = side.tag("account");
    xml.open(&tag);
    let name = agent
        .and_then(|a| a.name.as_deref())
        .map(|n| cut(n, SHORT_MAX));
    xml.opt_leaf(
        "institution_name",
        name.as_deref().filter(|n| !n.trim().is_empty()),
    );
    match institution {
        Institution::Swift(bic) => xml.leaf("swift", &bic),
        Institution::Code(code) => xml.leaf("institution_code", &code),
    }
    let id = party
        .account
        .as_ref()
        .map(|a| a.id.trim())
        .unwrap_or_default();
    xml.leaf(
        "account",
        &cut(if id.is_empty() { "-" } else { id }, SHORT_MAX),
    );
    let holder = schema_name(party_name(party));
    xml.leaf("account_name", &holder);
    let iban = party
        .account
        .as_ref()
        .filter(|a| a.iban)
        .map(|a| cut(a.id.trim(), IBAN_MAX));
    xml.opt_leaf("iban", iban.as_deref());
    comments(xml, party, &holder, false);
    xml.close(&tag);
}

/// `t_person`: a party known by its date of birth. goAML wants the surname apart; a payment
/// gives one name line, so its last word is reported as the last name and the name as written
/// stays in the comments.
fn person(xml: &mut Xml, side: Side, party: &Party) {
    let tag = side.tag("person");
    xml.open(&tag);
    let full = schema_name(party_name(party));
    let (first, last) = match full.rsplit_once(' ') {
        Some((first, last)) => (first.to_string(), last.to_string()),
        None => ("-".to_string(), full.clone()),
    };
    xml.leaf("first_name", &first);
    xml.leaf("last_name", &last);
    let birth = party.identifiers.birth.as_ref();
    let date = birth.and_then(|b| b.date.as_deref()).and_then(iso_date);
    xml.opt_leaf("birthdate", date.as_deref());
    let residence = party
        .country_of_residence
        .as_deref()
        .and_then(schema_country);
    xml.opt_leaf("residence", residence);
    comments(xml, party, &full, true);
    xml.close(&tag);
}

/// `t_entity`: a party known by its name only.
fn entity(xml: &mut Xml, side: Side, party: &Party) {
    let tag = side.tag("entity");
    xml.open(&tag);
    let name = schema_name(party_name(party));
    xml.leaf("name", &name);
    comments(xml, party, &name, true);
    xml.close(&tag);
}

/// The name as written (when the schema's alphabet changed it), the account (when it is not
/// reported as one), the address lines and the identifiers the typed elements do not hold.
fn comments(xml: &mut Xml, party: &Party, reported: &str, with_account: bool) {
    let mut notes: Vec<String> = party
        .name
        .as_deref()
        .and_then(|n| as_written(n, reported))
        .into_iter()
        .collect();
    if let Some(account) = party.account.as_ref().filter(|_| with_account) {
        let kind = if account.iban { "IBAN" } else { "account" };
        notes.push(format!("{kind} {}", account.id.trim()));
    }
    if let Some(address) = &party.address {
        let lines: Vec<&str> = address.texts().collect();
        if !lines.is_empty() {
            notes.push(format!("address: {}", lines.join(", ")));
        }
    }
    let ids = &party.identifiers;
    let bic = ids.bic.iter().map(|b| format!("BIC {b}"));
    let lei = ids.lei.iter().map(|l| format!("LEI {l}"));
    let others = ids
        .organisation
        .iter()
        .chain(&ids.person)
        .map(|o| match &o.scheme {
            Some(scheme) => format!("{scheme} {}", o.id),
            None => o.id.clone(),
        });
    let ids: Vec<String> = bic.chain(lei).chain(others).collect();
    if !ids.is_empty() {
        notes.push(format!("identifiers: {}", ids.join(", ")));
    }
    if !notes.is_empty() {
        xml.leaf("comments", &cut(&notes.join("; "), COMMENTS_MAX));
    }
}

/// The party's country: its address, its residence, else its bank's; `-` (unknown) otherwise.
fn country(party: &Party, agent: Option<&Agent>) -> String {
    let address = party.address.as_ref().and_then(|a| a.country.as_deref());
    [
        address,
        party.country_of_residence.as_deref(),
        agent.and_then(Agent::country),
    ]
    .into_iter()
    .flatten()
    .find_map(schema_country)
    .unwrap_or("-")
    .to_string()
}

/// The code when the schema's country list holds it.
fn schema_country(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    COUNTRIES
        .binary_search(&code.as_str())
        .ok()
        .and_then(|i| COUNTRIES.get(i).copied())
        .filter(|c| *c != "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_schema_date_times() {
        assert_eq!(
            iso_date("2026-05-24").as_deref(),
            Some("2026-05-24T00:00:00")
        );
        assert_eq!(iso_date("1700-01-01"), None);
        assert_eq!(iso_date("2026-13-01"), None);
        assert_eq!(iso_date("20260524"), None);
        assert_eq!(
            iso_date_time("2026-05-24T14:30:05.123+04:00").as_deref(),
            Some("2026-05-24T14:30:05")
        );
        assert_eq!(
            iso_date_time("2026-05-24T14:30").as_deref(),
            Some("2026-05-24T14:30:00")
        );
        assert_eq!(iso_date_time("2026-05-24Tab:cd"), None);
        assert_eq!(iso_date_time("2026-05-24"), None);
    }

    #[test]
    fn countries_outside_the_list_are_unknown() {
        let mut party = Party::default();
        assert_eq!(country(&party, None), "-");
        party.country_of_residence = Some("zz".into());
        assert_eq!(country(&party, None), "-");
        party.country_of_residence = Some("de".into());
        assert_eq!(country(&party, None), "DE");
    }
}
