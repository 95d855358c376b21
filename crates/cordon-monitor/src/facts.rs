//! What the rules read from one transfer: its id, time, amount and the keys of its parties.

use crate::money::FxTable;
use crate::rules::{ChainRole, Side};
use crate::time::transaction_time;
use cordon_model::transfer::{is_placeholder, Agent, Money, Party, Transfer};
use std::sync::Arc;

/// The facts of one transfer the rules need, computed once per transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// UETR, else message id, instruction id or end-to-end id, else `#<position>`.
    pub id: String,
    /// Transaction time (seconds since 1970 UTC); `None` when the message has no date.
    pub time: Option<i64>,
    /// The settlement amount (the underlying's when a cover has none).
    pub money: Option<Money>,
    /// The amount in base units, when its currency has a rate.
    pub base: Option<i128>,
    /// Key of the originator (see [`party_key`]), shared by the windows that hold it.
    pub debtor: Option<Arc<str>>,
    /// Key of the beneficiary.
    pub creditor: Option<Arc<str>>,
    /// Country of the originator (address, residence, else its agent's BIC).
    pub debtor_country: Option<String>,
    /// Country of the beneficiary.
    pub creditor_country: Option<String>,
    /// Every country found in the chain with where it was found.
    pub chain: Vec<(ChainRole, String)>,
    /// What tells a repeated delivery of this transfer (see [`delivery_key`]).
    pub delivery_key: Option<String>,
    /// The originator's name as written.
    pub debtor_name: Option<String>,
    /// The beneficiary's name as written.
    pub creditor_name: Option<String>,
    /// True when the beneficiary carries an organisation identifier (BIC, LEI, other).
    pub creditor_is_organisation: bool,
    /// True when the beneficiary carries a private identifier (birth, national id...).
    pub creditor_is_person: bool,
    /// The border area the beneficiary or its bank is in, in words; set by the monitor when
    /// its pack has `[border_areas]` ([`Facts::of`] leaves it empty).
    pub border: Option<String>,
}

impl Facts {
    /// Reads the facts of `transfer`; `position` names it when it has no id.
    ///
    /// For a cover payment (MT202COV, pacs.009 COV) the customers of the underlying transfer
    /// are the parties: the banks of the cover are only the route.
    pub fn of(transfer: &Transfer, position: u64, fx: &FxTable) -> Facts {
        let customer = transfer.underlying.as_deref().unwrap_or(transfer);
        let money = transfer.amount.or(customer.amount);
        let debtor_agent = customer
            .debtor_agent
            .as_ref()
            .or(transfer.debtor_agent.as_ref());
        let creditor_agent = customer
            .creditor_agent
            .as_ref()
            .or(transfer.creditor_agent.as_ref());
        let debtor_country = party_country(customer.debtor.as_ref(), debtor_agent);
        let creditor_country = party_country(customer.creditor.as_ref(), creditor_agent);
        let mut chain = Vec::new();
        push_country(&mut chain, ChainRole::Debtor, debtor_country.as_deref());
        push_country(&mut chain, ChainRole::Creditor, creditor_country.as_deref());
        for t in [transfer, customer] {
            push_country(
                &mut chain,
                ChainRole::DebtorAgent,
                agent_country(&t.debtor_agent),
            );
            push_country(
                &mut chain,
                ChainRole::CreditorAgent,
                agent_country(&t.creditor_agent),
            );
            for agent in &t.intermediary_agents {
                push_country(&mut chain, ChainRole::Intermediary, agent.country());
            }
        }
        let creditor = customer.creditor.as_ref();
        let creditor_ids = creditor.map(|p| &p.identifiers);
        Facts {
            delivery_key: delivery_key(transfer),
            debtor_name: customer.debtor.as_ref().and_then(|p| p.name.clone()),
            creditor_name: creditor.and_then(|p| p.name.clone()),
            creditor_is_organisation: creditor_ids
                .is_some_and(|i| i.bic.is_some() || i.lei.is_some() || !i.organisation.is_empty()),
            creditor_is_person: creditor_ids
                .is_some_and(|i| i.birth.is_some() || !i.person.is_empty()),
            border: None,
            id: transfer_id(transfer).unwrap_or_else(|| format!("#{position}")),
            time: transaction_time(transfer),
            money,
            base: money.and_then(|m| fx.to_base(&m)),
            debtor: party_key(customer.debtor.as_ref(), debtor_agent).map(Arc::from),
            creditor: party_key(customer.creditor.as_ref(), creditor_agent).map(Arc::from),
            debtor_country,
            creditor_country,
            chain,
        }
    }

    /// The key of one side.
    pub fn key(&self, side: Side) -> Option<&Arc<str>> {
        match side {
            Side::Debtor => self.debtor.as_ref(),
            Side::Creditor => self.creditor.as_ref(),
        }
    }

    /// True when both countries are known and differ.
    pub fn is_cross_border(&self) -> bool {
        matches!((&self.debtor_country, &self.creditor_country), (Some(a), Some(b)) if a != b)
    }
}

/// What tells a repeated delivery of one transfer: its UETR (a UUID, compared in lower
/// case), else its message id, its transaction ids (end-to-end, transaction, instruction) and
/// its amount together: a re-sent message repeats all of them, while two transactions of one
/// multi-transaction message share only the message id. `None` when the message has no id at
/// all (it cannot be told from another).
pub fn delivery_key(transfer: &Transfer) -> Option<String> {
    let usable = |id: &Option<String>| {
        id.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && !is_placeholder(s))
            .map(str::to_string)
    };
    if let Some(uetr) = usable(&transfer.uetr) {
        return Some(format!("uetr:{}", uetr.to_ascii_lowercase()));
    }
    let ids = [
        &transfer.message_id,
        &transfer.end_to_end_id,
        &transfer.transaction_id,
        &transfer.instruction_id,
    ]
    .map(usable);
    if ids.iter().all(Option::is_none) {
        return None;
    }
    let amount = transfer.amount.map(|m| m.to_string()).unwrap_or_default();
    let [message, end_to_end, transaction, instruction] = ids.map(Option::unwrap_or_default);
    Some(format!(
        "ids:{message}|{end_to_end}|{transaction}|{instruction}|{amount}"
    ))
}

fn agent_country(agent: &Option<Agent>) -> Option<&str> {
    agent.as_ref().and_then(Agent::country)
}

fn push_country(chain: &mut Vec<(ChainRole, String)>, role: ChainRole, country: Option<&str>) {
    if let Some(c) = country {
        if !chain.iter().any(|(r, k)| *r == role && k == c) {
            chain.push((role, c.to_string()));
        }
    }
}

/// The id alerts use for a transfer: [`Transfer::reference`] (UETR, end-to-end, transaction
/// or instruction id, and only then the message id shared by a file's transactions).
pub fn transfer_id(transfer: &Transfer) -> Option<String> {
    transfer.reference().map(str::to_string)
}

/// A stable key for a party: `acct:<account>` when an account is given, else `bic:<BIC8>` for
/// a bank, else `name:<normalised name>@<agent BIC8>` (the same name at another bank is another
/// customer). Placeholders (`/NOTPROVIDED`, `N/A`, `UNKNOWN`...: [`is_placeholder`]) are not
/// keys: they would merge every customer who left the field empty. `None` when the party has
/// no usable account, BIC or name.
pub fn party_key(party: Option<&Party>, agent: Option<&Agent>) -> Option<String> {
    let party = party?;
    // Compacting drops `/` and blanks, so `/NOTPROVIDED` and `N/A` are caught here too.
    if let Some(account) = party.account.as_ref().map(|a| compact(&a.id)) {
        if !is_placeholder(&account) {
            return Some(format!("acct:{account}"));
        }
    }
    if let Some(bic) = party.identifiers.bic.as_deref().map(bic8) {
        if !is_placeholder(&bic) {
            return Some(format!("bic:{bic}"));
        }
    }
    let name = party
        .name
        .as_deref()
        .filter(|n| !is_placeholder(n))
        .map(simple_name)
        .filter(|n| !n.is_empty())?;
    let bank = agent
        .and_then(|a| a.bic.as_deref())
        .map(bic8)
        .unwrap_or_default();
    Some(format!("name:{name}@{bank}"))
}

/// True when a [`party_key`] names an account or a bank, not a name at a bank.
pub fn is_identified(key: &str) -> bool {
    key.starts_with("acct:") || key.starts_with("bic:")
}

fn party_country(party: Option<&Party>, agent: Option<&Agent>) -> Option<String> {
    let party = party?;
    party
        .address
        .as_ref()
        .and_then(|a| a.country.clone())
        .or_else(|| party.country_of_residence.clone())
        .or_else(|| party.identifiers.bic.as_deref().and_then(bic_country))
        .or_else(|| agent.and_then(Agent::country).map(str::to_string))
}

fn bic_country(bic: &str) -> Option<String> {
    cordon_model::transfer::bic_country(bic).map(str::to_string)
}

fn bic8(bic: &str) -> String {
    compact(bic).chars().take(8).collect()
}

fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '/')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Lowercase letters and digits, single spaces: enough to key a name without the names crate.
fn simple_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::transfer::{Account, PostalAddress};

    #[test]
    fn keys_prefer_account_then_bic_then_name() {
        let mut party = Party {
            name: Some("  Tohir   YULDASHEV ".into()),
            ..Party::default()
        };
        let agent = Agent {
            bic: Some("CLYDGB2SXXX".into()),
            ..Agent::default()
        };
        assert_eq!(
            party_key(Some(&party), Some(&agent)).as_deref(),
            Some("name:tohir yuldashev@CLYDGB2S")
        );
        party.account = Some(Account {
            id: "/NOTPROVIDED".into(),
            iban: false,
        });
        assert!(party_key(Some(&party), None).unwrap().starts_with("name:"));
        for placeholder in ["N/A", " not provided", "unknown", "-"] {
            party.account = Some(Account {
                id: placeholder.into(),
                iban: false,
            });
            assert!(
                party_key(Some(&party), None).unwrap().starts_with("name:"),
                "{placeholder:?}"
            );
        }
        party.account = Some(Account {
            id: "gb82 west 1234".into(),
            iban: true,
        });
        assert_eq!(
            party_key(Some(&party), None).as_deref(),
            Some("acct:GB82WEST1234")
        );
    }

    #[test]
    fn placeholder_names_are_not_keys() {
        let agent = Agent {
            bic: Some("CLYDGB2SXXX".into()),
            ..Agent::default()
        };
        for name in ["NOTPROVIDED", "Unknown", "XXX", "  "] {
            let party = Party {
                name: Some(name.into()),
                ..Party::default()
            };
            assert_eq!(party_key(Some(&party), Some(&agent)), None, "{name:?}");
        }
    }

    #[test]
    fn countries_come_from_address_then_agent() {
        let mut transfer = Transfer {
            debtor: Some(Party {
                name: Some("A".into()),
                address: Some(PostalAddress {
                    country: Some("GB".into()),
                    ..PostalAddress::default()
                }),
                ..Party::default()
            }),
            creditor: Some(Party {
                name: Some("B".into()),
                ..Party::default()
            }),
            creditor_agent: Some(Agent {
                bic: Some("BSCHESMM".into()),
                ..Agent::default()
            }),
            ..Transfer::default()
        };
        transfer.uetr = Some("u-1".into());
        let facts = Facts::of(&transfer, 0, &FxTable::builtin());
        assert_eq!(facts.id, "u-1");
        assert_eq!(facts.debtor_country.as_deref(), Some("GB"));
        assert_eq!(facts.creditor_country.as_deref(), Some("ES"));
        assert!(facts.is_cross_border());
        assert!(facts
            .chain
            .contains(&(ChainRole::CreditorAgent, "ES".into())));
    }
}
