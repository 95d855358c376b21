//! Where each MT103 / MT202(COV) block 4 field goes in a [`Transfer`].
//!
//! The mapping table is in the documentation of [`crate::mt`].

use crate::values;
use cordon_model::transfer::{
    Account, Agent, ChargeBearer, Money, OtherId, Party, PostalAddress, Remittance, Transfer,
};

/// Which part of which message a field is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// MT103.
    Customer,
    /// MT202 / MT202COV sequence A.
    Institution,
    /// MT202COV sequence B: the underlying customer transfer.
    Underlying,
}

/// One field of block 4: tag, raw value (lines joined by the message's line ends), offset.
pub(crate) struct Field<'a> {
    pub tag: &'a str,
    pub value: &'a str,
    pub offset: usize,
}

/// Applies one field; the error does not repeat the tag (the caller adds it).
pub(crate) fn apply(t: &mut Transfer, field: &Field, role: Role) -> Result<(), String> {
    let tag = field.tag;
    let (number, option) = tag.split_at(2);
    let lines: Vec<&str> = field
        .value
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .collect();
    let source = match role {
        Role::Underlying => format!("B/{tag}"),
        _ => tag.to_string(),
    };
    match (number, role) {
        ("20", Role::Customer | Role::Institution) => t.instruction_id = Some(single(&lines)?),
        ("21", Role::Institution) => t.end_to_end_id = Some(single(&lines)?),
        ("32", Role::Customer | Role::Institution) => {
            allow(option, &["A"], "value date, currency, amount")?;
            let (date, money) = date_money(&single(&lines)?)?;
            t.settlement_date = Some(date);
            t.amount = Some(money);
        }
        ("33", Role::Customer | Role::Underlying) => {
            allow(option, &["B"], "instructed amount")?;
            let text = single(&lines)?;
            t.instructed_amount = Some(mt_money(
                text.get(3..).unwrap_or(""),
                text.get(..3).unwrap_or(""),
            )?);
        }
        ("50", Role::Customer | Role::Underlying) => {
            allow(option, &["A", "F", "K"], "the ordering customer")?;
            t.debtor = Some(party(option, &lines, source)?);
        }
        ("52", Role::Institution) => {
            allow(option, &["A", "D"], "the ordering institution")?;
            t.debtor = Some(institution_party(agent(option, &lines)?, source));
        }
        ("52", _) => {
            t.debtor_agent = Some(agent_checked(
                option,
                &lines,
                &["A", "D"],
                "the ordering institution",
            )?)
        }
        ("53", Role::Customer | Role::Institution) => {
            t.instructing_reimbursement_agent = Some(agent_checked(
                option,
                &lines,
                &["A", "B", "D"],
                "the sender's correspondent",
            )?)
        }
        ("54", Role::Customer | Role::Institution) => {
            t.instructed_reimbursement_agent = Some(agent_checked(
                option,
                &lines,
                &["A", "B", "D"],
                "the receiver's correspondent",
            )?)
        }
        ("55", Role::Customer | Role::Institution) => {
            agent_checked(
                option,
                &lines,
                &["A", "B", "D"],
                "the third reimbursement institution",
            )?;
        }
        ("56", _) => t.intermediary_agents.push(agent_checked(
            option,
            &lines,
            &["A", "C", "D"],
            "the intermediary",
        )?),
        ("57", _) => {
            t.creditor_agent = Some(agent_checked(
                option,
                &lines,
                &["A", "B", "C", "D"],
                "the account with institution",
            )?)
        }
        ("58", Role::Institution) => {
            allow(option, &["A", "D"], "the beneficiary institution")?;
            t.creditor = Some(institution_party(agent(option, &lines)?, source));
        }
        ("59", Role::Customer | Role::Underlying) => {
            allow(option, &["", "A", "F"], "the beneficiary customer")?;
            t.creditor = Some(party(option, &lines, source)?);
        }
        ("70", Role::Customer | Role::Underlying) => t
            .remittance
            .unstructured
            .extend(lines.iter().map(|l| l.to_string())),
        ("71", Role::Customer) if option == "A" => {
            let code = single(&lines)?;
            t.charge_bearer = Some(
                ChargeBearer::parse(&code)
                    .ok_or_else(|| format!("{code:?} is not OUR, SHA or BEN"))?,
            );
        }
        ("72", _) => apply_instructions(t, &lines, role),
        _ => {}
    }
    Ok(())
}

fn allow(option: &str, allowed: &[&str], what: &str) -> Result<(), String> {
    if allowed.contains(&option) {
        return Ok(());
    }
    let shown = if option.is_empty() {
        "no option"
    } else {
        option
    };
    Err(format!(
        "option {shown} is not allowed for {what} (allowed: {})",
        allowed
            .iter()
            .map(|o| if o.is_empty() { "none" } else { o })
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn single(lines: &[&str]) -> Result<String, String> {
    match lines {
        [line] if !line.trim().is_empty() => Ok(line.trim().to_string()),
        [] | [_] => Err("empty field".into()),
        _ => Err("expected a single line".into()),
    }
}

/// 32A: `YYMMDD` + currency + amount with decimal comma.
fn date_money(text: &str) -> Result<(String, Money), String> {
    let date = values::mt_date(text.get(..6).unwrap_or(text))?;
    let currency = text.get(6..9).unwrap_or("");
    let amount = text.get(9..).unwrap_or("");
    Ok((date, mt_money(amount, currency)?))
}

/// An MT amount: digits with exactly one decimal comma, at most 15 characters.
fn mt_money(amount: &str, currency: &str) -> Result<Money, String> {
    if amount.starts_with('-') {
        return Err(format!("amount {amount:?}: the amount is negative"));
    }
    if !amount.contains(',') {
        return Err(format!("amount {amount:?} lacks the decimal comma"));
    }
    if amount.len() > 15 {
        return Err(format!("amount {amount:?} is longer than 15 characters"));
    }
    values::money(amount, currency, b',')
}

/// Splits off a leading `/party identifier` line.
fn party_identifier<'l>(lines: &'l [&'l str]) -> (Option<&'l str>, &'l [&'l str]) {
    match lines.split_first() {
        Some((first, rest)) if first.starts_with('/') => (Some(first), rest),
        _ => (None, lines),
    }
}

/// `/ACCOUNT`, `/C/ACCOUNT` or `/D/ACCOUNT` to an account; `//CLEARING` is not one.
fn account(identifier: &str) -> Option<Account> {
    let id = identifier.strip_prefix('/')?;
    if id.starts_with('/') {
        return None;
    }
    let id = id
        .strip_prefix("C/")
        .or_else(|| id.strip_prefix("D/"))
        .unwrap_or(id)
        .trim();
    Some(Account {
        id: id.to_string(),
        iban: looks_like_iban(id),
    })
}

fn looks_like_iban(id: &str) -> bool {
    let b = id.as_bytes();
    (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
}

/// 50A/50F/50K and 59/59A/59F.
fn party(option: &str, lines: &[&str], source: String) -> Result<Party, String> {
    let mut p = Party {
        source: Some(source),
        ..Party::default()
    };
    if option == "F" {
        read_structured_party(&mut p, lines)?;
        return Ok(p);
    }
    let (identifier, rest) = party_identifier(lines);
    p.account = identifier.and_then(account);
    if option == "A" {
        p.identifiers.bic = Some(bic_line(rest)?);
        return Ok(p);
    }
    // A missing name is left for the R16 check to report, not a parse failure.
    let Some((name, address)) = rest.split_first() else {
        return Ok(p);
    };
    p.name = Some(name.trim().to_string());
    if !address.is_empty() {
        p.address = Some(PostalAddress {
            lines: address.iter().map(|l| l.trim().to_string()).collect(),
            ..PostalAddress::default()
        });
    }
    Ok(p)
}

fn bic_line(lines: &[&str]) -> Result<String, String> {
    match lines {
        [bic] if values::is_bic(bic.trim()) => Ok(bic.trim().to_string()),
        [other] => Err(format!("{other:?} is not a BIC")),
        _ => Err("expected one BIC line".into()),
    }
}

/// Option F: `/account` or `CODE/country/id` on line 1, then numbered lines `1/` name,
/// `2/` address, `3/` country/town, `4/` date of birth, `5/` country/place of birth,
/// `6/` country/issuer/customer id, `7/` country/national id, `8/` continuation of 6 or 7.
fn read_structured_party(p: &mut Party, lines: &[&str]) -> Result<(), String> {
    let mut rest = lines;
    if let Some((first, others)) = lines.split_first() {
        if first.starts_with('/') {
            p.account = account(first);
            rest = others;
        } else if numbered_line(first).is_none() {
            p.identifiers.person.push(coded_identifier(first)?);
            rest = others;
        }
    }
    for line in rest {
        let (n, text) = numbered_line(line)
            .ok_or_else(|| format!("line {line:?} does not start with 1/ to 8/"))?;
        apply_numbered(p, n, text.trim())?;
    }
    Ok(())
}

fn numbered_line(line: &str) -> Option<(u8, &str)> {
    let b = line.as_bytes();
    match (b.first(), b.get(1)) {
        (Some(d @ b'1'..=b'8'), Some(b'/')) => Some((d - b'0', line.get(2..)?)),
        _ => None,
    }
}

fn apply_numbered(p: &mut Party, n: u8, text: &str) -> Result<(), String> {
    match n {
        1 => p.name = Some(continue_text(p.name.take(), text)),
        2 => address(p).lines.push(text.to_string()),
        3 => {
            let a = address(p);
            match (a.country.is_some(), text.split_once('/')) {
                (false, Some((country, town))) => {
                    a.country = Some(country.to_string());
                    a.town_name = Some(town.to_string()).filter(|t| !t.is_empty());
                }
                _ => a.town_name = Some(continue_text(a.town_name.take(), text)),
            }
        }
        4 => birth(p).date = Some(values::compact_date(text)?),
        5 => {
            let (country, city) = text.split_once('/').ok_or("5/ needs country/place")?;
            let b = birth(p);
            b.country = Some(country.to_string());
            b.city = Some(city.to_string());
        }
        6 => {
            let (issuer, id) = text.rsplit_once('/').ok_or("6/ needs country/issuer/id")?;
            p.identifiers.person.push(other_id("CUST", issuer, id));
        }
        7 => {
            let (country, id) = text.split_once('/').ok_or("7/ needs country/id")?;
            p.identifiers.person.push(other_id("NIDN", country, id));
        }
        _ => match p.identifiers.person.last_mut() {
            Some(last) => last.id.push_str(text),
            None => return Err("8/ continues no 6/ or 7/ identifier".into()),
        },
    }
    Ok(())
}

/// Joins a continuation line: a full 33-character line was cut mid-word, a shorter one at a space.
fn continue_text(previous: Option<String>, text: &str) -> String {
    match previous {
        Some(mut p) if p.chars().count() >= 33 => {
            p.push_str(text);
            p
        }
        Some(p) => format!("{p} {text}"),
        None => text.to_string(),
    }
}

fn address(p: &mut Party) -> &mut PostalAddress {
    p.address.get_or_insert_with(PostalAddress::default)
}

fn birth(p: &mut Party) -> &mut cordon_model::transfer::BirthInfo {
    p.identifiers.birth.get_or_insert_with(Default::default)
}

fn other_id(scheme: &str, issuer: &str, id: &str) -> OtherId {
    OtherId {
        id: id.to_string(),
        scheme: Some(scheme.to_string()),
        issuer: Some(issuer.to_string()).filter(|i| !i.is_empty()),
    }
}

/// 50F line 1 `CODE/country/identifier` (`CUST`, `DRLC`, `EMPL` add `/issuer`).
fn coded_identifier(line: &str) -> Result<OtherId, String> {
    const CODES: [&str; 9] = [
        "ARNU", "CCPT", "CUST", "DRLC", "EMPL", "IBEI", "NIDN", "SOSE", "TXID",
    ];
    let bad = || format!("line 1 {line:?} is neither /account nor CODE/country/identifier");
    let (code, rest) = line.split_once('/').ok_or_else(bad)?;
    if !CODES.contains(&code) {
        return Err(bad());
    }
    let (issuer, id) = match code {
        "IBEI" => ("", rest),
        "CUST" | "DRLC" | "EMPL" => rest.rsplit_once('/').ok_or_else(bad)?,
        _ => rest.split_once('/').ok_or_else(bad)?,
    };
    Ok(other_id(code, issuer, id))
}

fn agent_checked(
    option: &str,
    lines: &[&str],
    allowed: &[&str],
    what: &str,
) -> Result<Agent, String> {
    allow(option, allowed, what)?;
    agent(option, lines)
}

/// Options A (BIC), B (location), C (clearing code), D (name and address).
fn agent(option: &str, lines: &[&str]) -> Result<Agent, String> {
    let (identifier, rest) = party_identifier(lines);
    let mut a = Agent::default();
    if let Some(id) = identifier {
        match id.strip_prefix("//") {
            Some(clearing) => a.clearing_member_id = Some(clearing.trim().to_string()),
            None => a.account = account(id),
        }
    }
    match option {
        "A" => a.bic = Some(bic_line(rest)?),
        "B" | "D" => {
            let rest = if option == "D" {
                let (name, rest) = rest.split_first().ok_or("no name line")?;
                a.name = Some(name.trim().to_string());
                rest
            } else {
                rest
            };
            if !rest.is_empty() {
                a.address = Some(PostalAddress {
                    lines: rest.iter().map(|l| l.trim().to_string()).collect(),
                    ..PostalAddress::default()
                });
            }
        }
        _ => {
            if identifier.is_none() {
                return Err("option C needs a /party identifier".into());
            }
            if let Some(acc) = a.account.take() {
                a.clearing_member_id = Some(acc.id);
            }
        }
    }
    Ok(a)
}

/// MT202 52a/58a: a bank standing as debtor or creditor.
fn institution_party(a: Agent, source: String) -> Party {
    let mut p = Party {
        name: a.name,
        account: a.account,
        address: a.address,
        source: Some(source),
        ..Party::default()
    };
    p.identifiers.bic = a.bic;
    p
}

/// 72: each line is kept; `/INS/` names a previous instructing agent (BIC or name).
fn apply_instructions(t: &mut Transfer, lines: &[&str], role: Role) {
    for line in lines {
        if role != Role::Underlying {
            if let Some(ins) = line.strip_prefix("/INS/") {
                let ins = ins.trim();
                let mut agent = Agent::default();
                if values::is_bic(ins) {
                    agent.bic = Some(ins.to_string());
                } else {
                    agent.name = Some(ins.to_string());
                }
                t.previous_instructing_agents.push(agent);
            }
        }
        t.instructions.push(line.to_string());
    }
}

/// The end-to-end reference CBPR+ translation puts in 70 as `/ROC/reference`.
pub(crate) fn reference_from_remittance(remittance: &Remittance) -> Option<String> {
    let first = remittance.unstructured.first()?;
    let reference = first.strip_prefix("/ROC/")?.trim();
    (!reference.is_empty()).then(|| reference.to_string())
}
