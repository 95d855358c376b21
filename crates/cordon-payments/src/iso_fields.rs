//! Where each ISO 20022 leaf element goes in a [`Transfer`].
//!
//! Paths are relative to the element that owns them (`CdtTrfTxInf`, `TxInf`, `GrpHdr`, `PmtInf`)
//! with namespace prefixes dropped, e.g. `Dbtr/PstlAdr/TwnNm`. The same names mean the same
//! thing in pacs.008, pacs.009, pain.001 and pacs.004, across versions 001.02 to 001.13 (older
//! versions say `BIC` and `BICOrBEI` where newer ones say `BICFI` and `AnyBIC`).

use crate::values;
use cordon_model::transfer::{
    Account, Agent, BirthInfo, ChargeBearer, OtherId, Party, PostalAddress, ReturnInfo, Transfer,
};

/// The text of a leaf element and its `Ccy` attribute.
pub(crate) struct Leaf<'a> {
    pub value: &'a str,
    pub currency: Option<&'a str>,
}

/// Splits `Dbtr/PstlAdr/TwnNm` into `Dbtr` and `PstlAdr/TwnNm`.
fn head(rel: &str) -> (&str, &str) {
    rel.split_once('/').unwrap_or((rel, ""))
}

/// Applies one leaf, `full[at..]` being its path relative to the transaction (or header).
pub(crate) fn apply(t: &mut Transfer, full: &str, at: usize, leaf: &Leaf) -> Result<(), String> {
    let rel = full.get(at..).unwrap_or("");
    let (name, rest) = head(rel);
    let element = full.get(..at + name.len()).unwrap_or(name);
    let v = leaf.value;
    match name {
        "Dbtr" | "Cdtr" | "UltmtDbtr" | "UltmtCdtr" | "InitgPty" => {
            if let Some(slot) = party_slot(t, name) {
                apply_party(party(slot, element), rest, v)?;
            }
        }
        "DbtrAcct" | "CdtrAcct" | "UltmtDbtrAcct" => {
            let owner = &name[..name.len() - 4];
            let owner_path = &element[..element.len() - 4];
            if let Some(slot) = party_slot(t, owner) {
                apply_account(&mut party(slot, owner_path).account, rest, v);
            }
        }
        "RtrChain" | "UndrlygCstmrCdtTrf" if rest.is_empty() => {}
        "RtrChain" => apply(t, full, at + name.len() + 1, leaf)?,
        "UndrlygCstmrCdtTrf" => {
            let underlying = t.underlying.get_or_insert_with(Box::default);
            apply(underlying, full, at + name.len() + 1, leaf)?;
        }
        "PmtId" => apply_payment_id(t, rest, v)?,
        "MsgId" => t.message_id = Some(v.to_string()),
        "CreDtTm" => t.creation_time = Some(v.to_string()),
        "IntrBkSttlmAmt" | "RtrdIntrBkSttlmAmt" => t.amount = Some(money(leaf)?),
        "InstdAmt" | "RtrdInstdAmt" => t.instructed_amount = Some(money(leaf)?),
        "Amt" if rest == "InstdAmt" => {
            let m = money(leaf)?;
            t.amount = Some(m);
            t.instructed_amount = Some(m);
        }
        // pain.001 may state the amount in the debtor's currency only (`EqvtAmt/Amt`, to be
        // converted into `CcyOfTrf`): it is the amount of the instruction all the same.
        "Amt" if rest == "EqvtAmt/Amt" => {
            let m = money(leaf)?;
            t.amount.get_or_insert(m);
            t.instructed_amount.get_or_insert(m);
        }
        "IntrBkSttlmDt" | "ReqdExctnDt" => {
            if let Some(date) = lenient_date(t, full, v) {
                t.settlement_date = Some(date);
            }
        }
        "ChrgBr" => {
            t.charge_bearer =
                Some(ChargeBearer::parse(v).ok_or_else(|| format!("unknown ChrgBr {v:?}"))?)
        }
        "Purp" => t.purpose = Some(v.to_string()),
        "RmtInf" => apply_remittance(t, rest, v),
        "InstrForNxtAgt" | "InstrForCdtrAgt" if rest == "InstrInf" => {
            t.instructions.push(v.to_string())
        }
        "SttlmInf" => {
            let (agent, rest) = head(rest);
            match agent {
                "InstgRmbrsmntAgt" => {
                    apply_agent(agent_slot(&mut t.instructing_reimbursement_agent), rest, v)
                }
                "InstdRmbrsmntAgt" => {
                    apply_agent(agent_slot(&mut t.instructed_reimbursement_agent), rest, v)
                }
                _ => {}
            }
        }
        _ => apply_agent_or_return(t, name, rest, v)?,
    }
    Ok(())
}

/// Agents (`DbtrAgt`, `IntrmyAgt2Acct`, ...) and pacs.004 return references.
fn apply_agent_or_return(t: &mut Transfer, name: &str, rest: &str, v: &str) -> Result<(), String> {
    let (base, is_account) = match name.strip_suffix("Acct") {
        Some(base) => (base, true),
        None => (name, false),
    };
    let agent = match base {
        "DbtrAgt" => agent_slot(&mut t.debtor_agent),
        "CdtrAgt" => agent_slot(&mut t.creditor_agent),
        "InstgAgt" => agent_slot(&mut t.instructing_agent),
        "InstdAgt" => agent_slot(&mut t.instructed_agent),
        _ => {
            if let Some(n) = numbered(base, "IntrmyAgt") {
                nth_agent(&mut t.intermediary_agents, n)
            } else if let Some(n) = numbered(base, "PrvsInstgAgt") {
                nth_agent(&mut t.previous_instructing_agents, n)
            } else {
                return apply_return(t, name, rest, v);
            }
        }
    };
    if is_account {
        apply_account(&mut agent.account, rest, v);
    } else {
        apply_agent(agent, rest, v);
    }
    Ok(())
}

/// `IntrmyAgt2` with prefix `IntrmyAgt` gives index 1 (numbers 1 to 3).
fn numbered(name: &str, prefix: &str) -> Option<usize> {
    match name.strip_prefix(prefix)? {
        "1" => Some(0),
        "2" => Some(1),
        "3" => Some(2),
        _ => None,
    }
}

fn nth_agent(agents: &mut Vec<Agent>, index: usize) -> &mut Agent {
    while agents.len() <= index {
        agents.push(Agent::default());
    }
    &mut agents[index]
}

fn agent_slot(slot: &mut Option<Agent>) -> &mut Agent {
    slot.get_or_insert_with(Agent::default)
}

fn party_slot<'t>(t: &'t mut Transfer, name: &str) -> Option<&'t mut Option<Party>> {
    match name {
        "Dbtr" => Some(&mut t.debtor),
        "Cdtr" => Some(&mut t.creditor),
        "UltmtDbtr" => Some(&mut t.ultimate_debtor),
        "UltmtCdtr" => Some(&mut t.ultimate_creditor),
        "InitgPty" => Some(&mut t.initiating_party),
        _ => None,
    }
}

/// The party in `slot`, created with its source path the first time.
fn party<'p>(slot: &'p mut Option<Party>, path: &str) -> &'p mut Party {
    slot.get_or_insert_with(|| Party {
        source: Some(path.to_string()),
        ..Party::default()
    })
}

/// A date, or `None` with a warning when it is not one (`YYYY-MM-DD` left as a placeholder):
/// screening does not need it, so the transfer is still read. A date-time keeps its date.
fn lenient_date(t: &mut Transfer, path: &str, v: &str) -> Option<String> {
    let date = if v.len() > 10 && v.as_bytes().get(10) == Some(&b'T') {
        v.get(..10).unwrap_or(v)
    } else {
        v
    };
    match values::iso_date(date) {
        Ok(date) => Some(date),
        Err(e) => {
            t.warnings
                .push(format!("{path}: {e}; the date is left out"));
            None
        }
    }
}

fn money(leaf: &Leaf) -> Result<cordon_model::transfer::Money, String> {
    let currency = leaf
        .currency
        .ok_or_else(|| format!("amount {:?} has no Ccy attribute", leaf.value))?;
    values::money(leaf.value, currency, b'.')
}

fn apply_payment_id(t: &mut Transfer, rest: &str, v: &str) -> Result<(), String> {
    let slot = match rest {
        "InstrId" => &mut t.instruction_id,
        "EndToEndId" => &mut t.end_to_end_id,
        "TxId" => &mut t.transaction_id,
        "UETR" => {
            t.uetr = Some(values::uetr(v)?);
            return Ok(());
        }
        _ => return Ok(()),
    };
    *slot = Some(v.to_string());
    Ok(())
}

fn apply_remittance(t: &mut Transfer, rest: &str, v: &str) {
    if rest == "Ustrd" {
        t.remittance.unstructured.push(v.to_string());
    } else if rest.starts_with("Strd/")
        && (rest.ends_with("CdtrRefInf/Ref")
            || rest.ends_with("RfrdDocInf/Nb")
            || rest.ends_with("AddtlRmtInf"))
    {
        t.remittance.structured.push(v.to_string());
    }
}

/// A person or organisation: `Nm`, `PstlAdr`, `Id`, `CtryOfRes`; a bank as party
/// (`FinInstnId`, pacs.009); pacs.004's `Pty`/`Agt` choice.
fn apply_party(p: &mut Party, rel: &str, v: &str) -> Result<(), String> {
    let (name, rest) = head(rel);
    match name {
        "Nm" => p.name = Some(v.to_string()),
        "PstlAdr" => apply_address(p.address.get_or_insert_with(Default::default), rest, v),
        "CtryOfRes" => p.country_of_residence = Some(v.to_string()),
        "Pty" | "Agt" => apply_party(p, rest, v)?,
        "FinInstnId" => apply_bank_as_party(p, rest, v),
        "Id" => apply_party_id(p, rest, v)?,
        _ => {}
    }
    Ok(())
}

fn apply_bank_as_party(p: &mut Party, rel: &str, v: &str) {
    let mut agent = Agent::default();
    apply_agent(&mut agent, &format!("FinInstnId/{rel}"), v);
    let ids = &mut p.identifiers;
    if agent.bic.is_some() {
        ids.bic = agent.bic;
    }
    if agent.lei.is_some() {
        ids.lei = agent.lei;
    }
    if let Some(name) = agent.name {
        p.name = Some(name);
    }
    if let Some(member) = agent.clearing_member_id {
        ids.organisation.push(OtherId {
            id: member,
            scheme: Some("ClrSysMmbId".into()),
            issuer: None,
        });
    }
    if let Some(rest) = rel.strip_prefix("PstlAdr/") {
        apply_address(p.address.get_or_insert_with(Default::default), rest, v);
    }
}

fn apply_party_id(p: &mut Party, rel: &str, v: &str) -> Result<(), String> {
    let ids = &mut p.identifiers;
    match rel {
        "OrgId/AnyBIC" | "OrgId/BICOrBEI" | "OrgId/BIC" => ids.bic = Some(v.to_string()),
        "OrgId/LEI" => ids.lei = Some(v.to_string()),
        "PrvtId/DtAndPlcOfBirth/BirthDt" => birth(p).date = Some(values::iso_date(v)?),
        "PrvtId/DtAndPlcOfBirth/CityOfBirth" => birth(p).city = Some(v.to_string()),
        "PrvtId/DtAndPlcOfBirth/PrvcOfBirth" => birth(p).province = Some(v.to_string()),
        "PrvtId/DtAndPlcOfBirth/CtryOfBirth" => birth(p).country = Some(v.to_string()),
        _ => {
            if let Some(rest) = rel.strip_prefix("OrgId/Othr/") {
                apply_other_id(&mut ids.organisation, rest, v);
            } else if let Some(rest) = rel.strip_prefix("PrvtId/Othr/") {
                apply_other_id(&mut ids.person, rest, v);
            }
        }
    }
    Ok(())
}

fn birth(p: &mut Party) -> &mut BirthInfo {
    p.identifiers.birth.get_or_insert_with(Default::default)
}

/// `Othr/Id` starts a new identifier; `SchmeNm/Cd|Prtry` and `Issr` complete the last one
/// (the schema puts `Id` first).
fn apply_other_id(list: &mut Vec<OtherId>, rel: &str, v: &str) {
    if rel == "Id" || list.is_empty() {
        list.push(OtherId::default());
    }
    let Some(last) = list.last_mut() else { return };
    match rel {
        "Id" => last.id = v.to_string(),
        "SchmeNm/Cd" | "SchmeNm/Prtry" => last.scheme = Some(v.to_string()),
        "Issr" => last.issuer = Some(v.to_string()),
        _ => {}
    }
}

fn apply_address(a: &mut PostalAddress, rel: &str, v: &str) {
    let slot = match rel {
        "Dept" => &mut a.department,
        "StrtNm" => &mut a.street_name,
        "BldgNb" => &mut a.building_number,
        "BldgNm" => &mut a.building_name,
        "PstCd" => &mut a.post_code,
        "TwnNm" => &mut a.town_name,
        "CtrySubDvsn" => &mut a.country_subdivision,
        "Ctry" => &mut a.country,
        "AdrLine" => {
            a.lines.push(v.to_string());
            return;
        }
        _ => return,
    };
    *slot = Some(v.to_string());
}

fn apply_account(slot: &mut Option<Account>, rel: &str, v: &str) {
    match rel {
        "Id/IBAN" => {
            *slot = Some(Account {
                id: v.to_string(),
                iban: true,
            })
        }
        "Id/Othr/Id" => {
            *slot = Some(Account {
                id: v.to_string(),
                iban: false,
            })
        }
        _ => {}
    }
}

/// `FinInstnId/...` of an agent (also `BrnchId` is ignored).
fn apply_agent(a: &mut Agent, rel: &str, v: &str) {
    let Some(rest) = rel.strip_prefix("FinInstnId/") else {
        return;
    };
    match rest {
        "BICFI" | "BIC" => a.bic = Some(v.to_string()),
        "Nm" => a.name = Some(v.to_string()),
        "LEI" => a.lei = Some(v.to_string()),
        "ClrSysMmbId/MmbId" => a.clearing_member_id = Some(v.to_string()),
        _ => {
            if let Some(addr) = rest.strip_prefix("PstlAdr/") {
                apply_address(a.address.get_or_insert_with(Default::default), addr, v);
            }
        }
    }
}

/// pacs.004 references to the returned transaction and the reason.
fn apply_return(t: &mut Transfer, name: &str, rest: &str, v: &str) -> Result<(), String> {
    let r = t.return_info.get_or_insert_with(ReturnInfo::default);
    let text = Some(v.to_string());
    match (name, rest) {
        ("RtrId", _) => r.return_id = text,
        ("OrgnlGrpInf", "OrgnlMsgId") => r.original_message_id = text,
        ("OrgnlGrpInf", "OrgnlMsgNmId") => r.original_message_type = text,
        ("OrgnlInstrId", _) => r.original_instruction_id = text,
        ("OrgnlEndToEndId", _) => r.original_end_to_end_id = text,
        ("OrgnlTxId", _) => r.original_transaction_id = text,
        ("OrgnlUETR", _) => r.original_uetr = Some(values::uetr(v)?),
        ("RtrRsnInf", "Rsn/Cd") | ("RtrRsnInf", "Rsn/Prtry") => r.reason = text,
        ("RtrRsnInf", "AddtlInf") => r.additional_info.push(v.to_string()),
        _ => {}
    }
    if *r == ReturnInfo::default() {
        t.return_info = None;
    }
    Ok(())
}

/// Fills what the return chain left empty from `OrgnlTxRef` (read into `original`).
pub(crate) fn merge_original(t: &mut Transfer, original: Transfer) {
    fill(&mut t.debtor, original.debtor);
    fill(&mut t.creditor, original.creditor);
    fill(&mut t.ultimate_debtor, original.ultimate_debtor);
    fill(&mut t.ultimate_creditor, original.ultimate_creditor);
    fill(&mut t.debtor_agent, original.debtor_agent);
    fill(&mut t.creditor_agent, original.creditor_agent);
    if t.remittance.is_empty() {
        t.remittance = original.remittance;
    }
    if t.settlement_date.is_none() {
        t.settlement_date = original.settlement_date;
    }
}

fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// Leaves of the business application header (`AppHdr`).
pub(crate) fn apply_app_header(t: &mut Transfer, rel: &str, v: &str) {
    match rel {
        "Fr/FIId/FinInstnId/BICFI" => {
            agent_slot(&mut t.instructing_agent).bic = Some(v.to_string())
        }
        "To/FIId/FinInstnId/BICFI" => agent_slot(&mut t.instructed_agent).bic = Some(v.to_string()),
        "BizMsgIdr" => t.message_id = Some(v.to_string()),
        "MsgDefIdr" => t.message_type = v.to_string(),
        "BizSvc" => t.business_service = Some(v.to_string()),
        "CreDt" => t.creation_time = Some(v.to_string()),
        _ => {}
    }
}
