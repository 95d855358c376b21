//! FATF Recommendation 16 (wire transfers): is the required originator and beneficiary
//! information present?
//!
//! [`check_r16`] is a pure function of the transfer and an [`R16Config`]:
//!
//! - **Cross-border at or above the threshold** (default USD/EUR 1,000): originator name,
//!   originator account (or a unique transaction reference), and one of address, an official
//!   identity (national identity number, passport `CCPT`, tax number `TXID`, driving licence
//!   `DRLC`, alien registration `ARNU`, social security `SOSE`: the "official personal document
//!   number" of the EU transfer-of-funds rules), customer identification number, or date *and*
//!   place of birth (for an organisation, an LEI, BIC or other organisation id stands in for the
//!   identity number); beneficiary name and beneficiary account (or unique reference).
//! - **Below the threshold, or domestic**: originator and beneficiary names and accounts (or a
//!   unique reference).
//!
//! A customer identified by BIC only (MT 50A/59A, `OrgId/AnyBIC`) is identified: the BIC names
//! it. The unique transaction reference that stands in for a missing account is the UETR, else
//! the end-to-end id, else (MT, before gpi) the sender's reference in field 20.
//!
//! The amount placed against the threshold is the larger of the settlement and the instructed
//! amount (EUR 500,000 instructed but USD 0 settled is a large transfer), converted with the
//! shared indicative table ([`cordon_model::fx`]). A currency without a rate is not guessed: an
//! `R16.threshold` Info finding says the rate is unknown, and a missing originator identity is
//! then reported as Info (it would be required at or above the threshold), not as an Error.
//!
//! A transfer is cross-border when the debtor side and the creditor side are in different
//! countries: the debtor agent's country (BIC characters 5-6, else its address), else the
//! instructing agent's, else the debtor's address country or country of residence, else the
//! country of the debtor's IBAN; likewise for the creditor side. When a side's country is
//! unknown the transfer is treated as cross-border, the stricter case.
//!
//! Placeholders (`NOTPROVIDED`, `UNKNOWN`, `N/A`, blank...: see
//! [`cordon_model::transfer::is_placeholder`]) count as missing. A cover payment (pacs.009 COV,
//! MT202COV) is checked on its underlying customer transfer; a bank-to-bank transfer for the
//! banks' own account (plain pacs.009, MT202) is out of R16's scope and gives no finding. A
//! missing account that the UETR replaces gives an `Info` finding, and so does a missing
//! beneficiary address on a transfer under the full rule (not an R16 requirement, but wanted by
//! some supervisors).

use cordon_model::fx::{usd_rates, Rate};
use cordon_model::transfer::{
    is_placeholder, Amount, Currency, MessageFormat, Money, OtherId, Party, Transfer,
};
use serde::Serialize;
use std::cmp::Ordering;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For the record; nothing is missing that R16 requires.
    Info,
    /// Required information is missing or a placeholder.
    Error,
}

/// One missing or inadequate piece of information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `R16.originator.name`, `R16.originator.account`, `R16.originator.address`,
    /// `R16.beneficiary.name`, `R16.beneficiary.account`, `R16.beneficiary.address`,
    /// `R16.threshold` (the amount's rate is unknown).
    pub rule: &'static str,
    /// Where the information should be: `Dbtr/Nm`, `DbtrAcct`, `Dbtr/PstlAdr`, `50F`, `B/59`...
    pub path: String,
    /// Error when R16 requires it, Info otherwise.
    pub severity: Severity,
    /// What is wrong, for a person.
    pub message: String,
}

/// Threshold and exchange rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct R16Config {
    /// The de minimis threshold (FATF: 1,000).
    pub threshold: Amount,
    /// The threshold's currency, the base of `rates`.
    pub threshold_currency: Currency,
    /// Exact rates of other currencies into `threshold_currency`. A currency not listed has
    /// an unknown rate ([`Placement::RateUnknown`]).
    pub rates: Vec<(Currency, Rate)>,
}

impl Default for R16Config {
    /// 1,000 USD with the shared indicative table ([`cordon_model::fx`]) and EUR at par.
    fn default() -> R16Config {
        R16Config {
            threshold: Amount::from_parts(1000, 0),
            threshold_currency: Currency::USD,
            rates: fatf_usd_rates(),
        }
    }
}

/// The shared USD table with FATF's convention on top: the R16 threshold is "USD/EUR 1 000",
/// the same figure in either currency, so EUR is taken at par with USD rather than at its
/// market rate. Other rates move; a deployment that needs precision passes its own table in
/// [`R16Config::rates`].
fn fatf_usd_rates() -> Vec<(Currency, Rate)> {
    let par = Rate::per_unit(Amount::from_parts(1, 0));
    usd_rates()
        .into_iter()
        .map(|(currency, rate)| (currency, if currency == Currency::EUR { par } else { rate }))
        .collect()
}

/// Where an amount stands against the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Below the threshold.
    Below,
    /// At or above it (an amount too large to convert is above).
    AtOrAbove,
    /// Its currency has no rate into the threshold currency.
    RateUnknown,
}

impl R16Config {
    /// Places `money` against the threshold.
    pub fn place(&self, money: &Money) -> Placement {
        let at_or_above = if money.currency == self.threshold_currency {
            money.amount >= self.threshold
        } else {
            let Some((_, rate)) = self.rates.iter().find(|(c, _)| *c == money.currency) else {
                return Placement::RateUnknown;
            };
            rate.compare(&money.amount, &self.threshold) != Some(Ordering::Less)
        };
        if at_or_above {
            Placement::AtOrAbove
        } else {
            Placement::Below
        }
    }

    /// True when `money` is at or above the threshold, or its rate is unknown (the cautious
    /// reading; [`R16Config::place`] tells the two apart).
    pub fn at_or_above_threshold(&self, money: &Money) -> bool {
        self.place(money) != Placement::Below
    }
}

/// Checks one transfer; see the module documentation for the rules.
pub fn check_r16(transfer: &Transfer, config: &R16Config) -> Vec<Finding> {
    if let Some(underlying) = &transfer.underlying {
        let mut amounts = vec![underlying.amount, underlying.instructed_amount];
        if amounts.iter().all(Option::is_none) {
            amounts = vec![transfer.amount, transfer.instructed_amount];
        }
        return check_customer_transfer(underlying, transfer, &amounts, config);
    }
    if is_bank_message(transfer) {
        return Vec::new();
    }
    let amounts = [transfer.amount, transfer.instructed_amount];
    check_customer_transfer(transfer, transfer, &amounts, config)
}

/// A pacs.009, MT202 or MT205 message (an underlying customer transfer carries its cover's
/// type).
fn is_bank_message(t: &Transfer) -> bool {
    ["pacs.009", "MT202", "MT205"]
        .iter()
        .any(|p| t.message_type.starts_with(p))
}

/// How much of the rule applies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Domestic or below the threshold: names and accounts.
    Basic,
    /// Cross-border at or above the threshold: also the originator's identity.
    Full,
    /// Cross-border with an amount whose rate is unknown: the identity is reported as Info.
    Undecided,
}

/// The rule for `t` given its amounts (all `None`: the amount is unknown, the full rule).
fn rule_for(t: &Transfer, amounts: &[Option<Money>], config: &R16Config) -> Rule {
    if !is_cross_border(t) {
        return Rule::Basic;
    }
    let placements: Vec<Placement> = amounts.iter().flatten().map(|m| config.place(m)).collect();
    if placements.is_empty() || placements.contains(&Placement::AtOrAbove) {
        Rule::Full
    } else if placements.contains(&Placement::RateUnknown) {
        Rule::Undecided
    } else {
        Rule::Basic
    }
}

/// The Info finding that says an amount could not be placed against the threshold.
fn rate_unknown(t: &Transfer, amounts: &[Option<Money>], config: &R16Config) -> Option<Finding> {
    let money = amounts
        .iter()
        .flatten()
        .find(|m| config.place(m) == Placement::RateUnknown)?;
    let path = if t.format == MessageFormat::SwiftMt {
        "32A"
    } else {
        "IntrBkSttlmAmt"
    };
    Some(Finding {
        rule: "R16.threshold",
        path: path.to_string(),
        severity: Severity::Info,
        message: format!(
            "rate unknown: {money} cannot be placed against the {} {} threshold (no indicative \
             rate for {}); the originator identity required above it is reported as Info",
            config.threshold, config.threshold_currency, money.currency
        ),
    })
}

/// Which side of the transfer a check is about.
#[derive(Clone, Copy)]
enum Side {
    Originator,
    Beneficiary,
}

/// `t` is the customer transfer (the underlying one of a cover), `outer` the message it came
/// in (the same transfer when it is not a cover).
fn check_customer_transfer(
    t: &Transfer,
    outer: &Transfer,
    amounts: &[Option<Money>],
    config: &R16Config,
) -> Vec<Finding> {
    let rule = rule_for(t, amounts, config);
    let mut findings = Vec::new();
    if rule == Rule::Undecided {
        findings.extend(rate_unknown(t, amounts, config));
    }
    let reference = unique_reference(t, outer);
    for side in [Side::Originator, Side::Beneficiary] {
        let party = match side {
            Side::Originator => t.debtor.as_ref(),
            Side::Beneficiary => t.creditor.as_ref(),
        };
        let names = Names::new(t, side, party);
        check_name(&mut findings, &names, party);
        check_account(&mut findings, &names, party, reference.as_ref());
        if rule != Rule::Basic {
            check_identity(&mut findings, &names, party, rule);
        }
    }
    findings
}

/// The reference that makes the transfer traceable without an account: the UETR, else the
/// end-to-end id, else the MT sender's reference (field 20) of a message before gpi.
fn unique_reference(t: &Transfer, outer: &Transfer) -> Option<(&'static str, String)> {
    let usable = |v: &Option<String>| {
        v.as_deref()
            .filter(|v| present(Some(v)))
            .map(str::to_string)
    };
    let mt = outer.format == MessageFormat::SwiftMt;
    usable(&t.uetr)
        .or_else(|| usable(&outer.uetr))
        .map(|v| ("the UETR", v))
        .or_else(|| usable(&t.end_to_end_id).map(|v| ("the end-to-end id", v)))
        .or_else(|| usable(&outer.end_to_end_id).map(|v| ("the end-to-end id", v)))
        .or_else(|| {
            mt.then(|| usable(&outer.instruction_id))
                .flatten()
                .map(|v| ("the sender's reference (field 20)", v))
        })
}

/// Rule ids and field paths for one side, in the message's own vocabulary.
struct Names {
    side: Side,
    mt: bool,
    /// `Dbtr`, `UndrlygCstmrCdtTrf/Cdtr`, `50F`, `B/59`...
    base: String,
}

impl Names {
    fn new(t: &Transfer, side: Side, party: Option<&Party>) -> Names {
        let mt = t.format == MessageFormat::SwiftMt;
        let default = match (side, mt, is_bank_message(t)) {
            (Side::Originator, true, false) => "50a",
            (Side::Originator, true, true) => "B/50a",
            (Side::Beneficiary, true, false) => "59a",
            (Side::Beneficiary, true, true) => "B/59a",
            (Side::Originator, false, false) => "Dbtr",
            (Side::Originator, false, true) => "UndrlygCstmrCdtTrf/Dbtr",
            (Side::Beneficiary, false, false) => "Cdtr",
            (Side::Beneficiary, false, true) => "UndrlygCstmrCdtTrf/Cdtr",
        };
        let base = party
            .and_then(|p| p.source.clone())
            .unwrap_or_else(|| default.to_string());
        Names { side, mt, base }
    }

    fn who(&self) -> &'static str {
        match self.side {
            Side::Originator => "originator",
            Side::Beneficiary => "beneficiary",
        }
    }

    fn rule(&self, what: &str) -> &'static str {
        match (self.side, what) {
            (Side::Originator, "name") => "R16.originator.name",
            (Side::Originator, "account") => "R16.originator.account",
            (Side::Originator, _) => "R16.originator.address",
            (Side::Beneficiary, "name") => "R16.beneficiary.name",
            (Side::Beneficiary, "account") => "R16.beneficiary.account",
            (Side::Beneficiary, _) => "R16.beneficiary.address",
        }
    }

    /// `Dbtr/Nm`, `DbtrAcct`, `Dbtr/PstlAdr`; MT fields are named as they are (`50F`).
    fn path(&self, suffix: &str) -> String {
        match (self.mt, suffix) {
            (true, _) => self.base.clone(),
            (false, "Acct") => format!("{}Acct", self.base),
            (false, _) => format!("{}/{suffix}", self.base),
        }
    }

    fn finding(&self, what: &str, suffix: &str, severity: Severity, message: String) -> Finding {
        Finding {
            rule: self.rule(what),
            path: self.path(suffix),
            severity,
            message,
        }
    }
}

/// A name, or a BIC that names the customer (50A/59A).
fn check_name(findings: &mut Vec<Finding>, names: &Names, party: Option<&Party>) {
    let named =
        party.is_some_and(|p| present(p.name.as_deref()) || present(p.identifiers.bic.as_deref()));
    if !named {
        let message = format!("{} name is missing or a placeholder", names.who());
        findings.push(names.finding("name", "Nm", Severity::Error, message));
    }
}

fn check_account(
    findings: &mut Vec<Finding>,
    names: &Names,
    party: Option<&Party>,
    reference: Option<&(&'static str, String)>,
) {
    let account = party
        .and_then(|p| p.account.as_ref())
        .map(|a| a.id.as_str());
    if present(account) {
        return;
    }
    let finding = match reference {
        Some((what, value)) => names.finding(
            "account",
            "Acct",
            Severity::Info,
            format!(
                "{} account is missing; {what} {value} serves as unique transaction reference",
                names.who()
            ),
        ),
        None => names.finding(
            "account",
            "Acct",
            Severity::Error,
            format!(
                "{} account is missing and there is no UETR, end-to-end id or MT field 20 to \
                 serve as unique transaction reference",
                names.who()
            ),
        ),
    };
    findings.push(finding);
}

fn check_identity(findings: &mut Vec<Finding>, names: &Names, party: Option<&Party>, rule: Rule) {
    let has_address = party
        .and_then(|p| p.address.as_ref())
        .is_some_and(|a| a.texts().any(|t| present(Some(t))));
    match names.side {
        Side::Originator => {
            if !(has_address || party.is_some_and(has_identity)) {
                let mut message = "originator has no address, official identity number \
                                   (national id, passport, tax id, driving licence), customer \
                                   identification number, or date and place of birth"
                    .to_string();
                let severity = if rule == Rule::Undecided {
                    message.push_str(" (required if the amount reaches the threshold)");
                    Severity::Info
                } else {
                    Severity::Error
                };
                findings.push(names.finding("address", "PstlAdr", severity, message));
            }
        }
        Side::Beneficiary => {
            if !has_address {
                let message = "beneficiary address is missing (not required by R16)".to_string();
                findings.push(names.finding("address", "PstlAdr", Severity::Info, message));
            }
        }
    }
}

/// Schemes of official personal documents (ISO 20022 `ExternalPersonIdentification1Code`, MT
/// 50F line 1 codes): national id, passport, tax id, driving licence, alien registration,
/// social security number.
const OFFICIAL_IDS: [&str; 6] = ["NIDN", "CCPT", "TXID", "DRLC", "ARNU", "SOSE"];

/// An official identity, customer id, date and place of birth, or an organisation identifier.
fn has_identity(p: &Party) -> bool {
    let ids = &p.identifiers;
    let usable = |id: Option<&OtherId>| id.is_some_and(|o| present(Some(&o.id)));
    let official = OFFICIAL_IDS.iter().any(|code| usable(ids.by_scheme(code)));
    let birth = ids.birth.as_ref().is_some_and(|b| {
        present(b.date.as_deref()) && (present(b.city.as_deref()) || present(b.country.as_deref()))
    });
    let organisation = present(ids.lei.as_deref())
        || present(ids.bic.as_deref())
        || ids.organisation.iter().any(|o| present(Some(&o.id)));
    official || usable(ids.customer_id()) || birth || organisation
}

fn is_cross_border(t: &Transfer) -> bool {
    let debtor_side = t
        .debtor_agent
        .as_ref()
        .and_then(|a| a.country())
        .or_else(|| t.instructing_agent.as_ref().and_then(|a| a.country()))
        .or_else(|| party_country(t.debtor.as_ref()));
    let creditor_side = t
        .creditor_agent
        .as_ref()
        .and_then(|a| a.country())
        .or_else(|| t.instructed_agent.as_ref().and_then(|a| a.country()))
        .or_else(|| party_country(t.creditor.as_ref()));
    match (debtor_side, creditor_side) {
        (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
        _ => true,
    }
}

/// The party's address country, else its country of residence, else its IBAN's country.
fn party_country(p: Option<&Party>) -> Option<&str> {
    let p = p?;
    p.address
        .as_ref()
        .and_then(|a| a.country.as_deref())
        .or(p.country_of_residence.as_deref())
        .or_else(|| iban_country(p))
}

/// Letters 1-2 of an IBAN account.
fn iban_country(p: &Party) -> Option<&str> {
    let account = p.account.as_ref().filter(|a| a.iban)?;
    let country = account.id.trim().get(..2)?;
    country
        .bytes()
        .all(|b| b.is_ascii_uppercase())
        .then_some(country)
}

/// Text that is there and not a placeholder ([`is_placeholder`]).
pub fn present(text: Option<&str>) -> bool {
    text.is_some_and(|t| !is_placeholder(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: &str, code: &str) -> Money {
        Money {
            amount: Amount::parse(amount, b'.').unwrap(),
            currency: Currency::parse(code).unwrap(),
        }
    }

    #[test]
    fn threshold_uses_exact_fx() {
        let c = R16Config::default();
        assert!(c.at_or_above_threshold(&usd("1000", "USD")));
        assert!(!c.at_or_above_threshold(&usd("999.99", "USD")));
        assert!(c.at_or_above_threshold(&usd("1000", "EUR")));
        assert!(!c.at_or_above_threshold(&usd("789.99", "GBP")));
        assert!(c.at_or_above_threshold(&usd("790", "GBP")));
        assert!(!c.at_or_above_threshold(&usd("149999", "JPY")));
        assert_eq!(c.place(&usd("1", "XTS")), Placement::RateUnknown);
        assert!(c.at_or_above_threshold(&usd("1", "XTS")));
        assert_eq!(c.place(&usd("10", "RWF")), Placement::Below);
    }

    #[test]
    fn default_rates_are_the_shared_table_with_eur_at_par() {
        let c = R16Config::default();
        let shared = usd_rates();
        assert_eq!(c.rates.len(), shared.len());
        for ((code, rate), (shared_code, shared_rate)) in c.rates.iter().zip(&shared) {
            assert_eq!(code, shared_code);
            assert_eq!(rate == shared_rate, *code != Currency::EUR, "{code}");
        }
        // 1.10 USD per CHF: the threshold is 909.09... CHF.
        assert!(c.at_or_above_threshold(&usd("909.10", "CHF")));
        assert!(!c.at_or_above_threshold(&usd("909.09", "CHF")));
        assert!(c.at_or_above_threshold(&usd(&"9".repeat(20), "IRR")));
    }

    /// A cross-border DE -> GB transfer whose originator has a name and account only.
    fn bare_transfer(amount: Money) -> Transfer {
        let party = |name: &str, iban: &str| Party {
            name: Some(name.into()),
            account: Some(cordon_model::transfer::Account {
                id: iban.into(),
                iban: true,
            }),
            ..Party::default()
        };
        Transfer {
            message_type: "pacs.008.001.08".into(),
            amount: Some(amount),
            debtor: Some(party("Payer", "DE89370400440532013000")),
            creditor: Some(party("Payee", "GB82WEST12345698765432")),
            ..Transfer::default()
        }
    }

    fn error_rules(t: &Transfer) -> Vec<&'static str> {
        check_r16(t, &R16Config::default())
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn the_instructed_amount_counts_and_the_iban_decides_cross_border() {
        let mut t = bare_transfer(usd("0", "USD"));
        assert!(error_rules(&t).is_empty(), "USD 0 is below the threshold");
        t.instructed_amount = Some(usd("500000", "EUR"));
        assert_eq!(error_rules(&t), ["R16.originator.address"]);
        // Same IBAN country on both sides: domestic, no identity needed.
        t.creditor.as_mut().unwrap().account.as_mut().unwrap().id = "DE02120300000000202051".into();
        assert!(error_rules(&t).is_empty());
    }

    #[test]
    fn unknown_rate_is_said_not_guessed() {
        assert!(error_rules(&bare_transfer(usd("10", "RWF"))).is_empty());
        let t = bare_transfer(usd("10", "XTS"));
        let findings = check_r16(&t, &R16Config::default());
        assert!(
            findings.iter().all(|f| f.severity == Severity::Info),
            "{findings:?}"
        );
        let unknown = findings.iter().find(|f| f.rule == "R16.threshold").unwrap();
        assert!(
            unknown.message.starts_with("rate unknown"),
            "{}",
            unknown.message
        );
        assert!(findings.iter().any(|f| f.rule == "R16.originator.address"));
    }

    #[test]
    fn passport_tax_and_driving_licence_are_official_identities() {
        for scheme in ["CCPT", "TXID", "DRLC", "NIDN"] {
            let mut t = bare_transfer(usd("5000", "USD"));
            t.debtor.as_mut().unwrap().identifiers.person.push(OtherId {
                id: "X1234567".into(),
                scheme: Some(scheme.into()),
                issuer: None,
            });
            assert!(error_rules(&t).is_empty(), "{scheme}");
        }
        let mut t = bare_transfer(usd("5000", "USD"));
        t.debtor.as_mut().unwrap().identifiers.person.push(OtherId {
            id: "EMP-1".into(),
            scheme: Some("EMPL".into()),
            issuer: None,
        });
        assert_eq!(error_rules(&t), ["R16.originator.address"]);
    }

    #[test]
    fn placeholders_are_missing() {
        for p in [
            "NOTPROVIDED",
            " not provided ",
            "n/a",
            "NA",
            "-",
            "XXX",
            "",
            "UNKNOWN",
        ] {
            assert!(!present(Some(p)), "{p:?}");
        }
        assert!(present(Some("NAAN")));
    }
}
