// Shared by several test binaries; each uses part of it.
#![allow(dead_code)]

//! Transfers built by hand for the stories of real streams.

use cordon_model::transfer::{
    Account, Agent, Amount, Currency, Money, Party, PostalAddress, Transfer,
};

/// A customer: an account at a bank in a town of a country.
#[derive(Debug, Clone)]
pub struct Customer {
    pub name: &'static str,
    pub account: String,
    pub bic: &'static str,
    pub town: &'static str,
    pub country: &'static str,
}

pub fn customer(name: &'static str, account: &str, country: &'static str) -> Customer {
    let (bic, town) = match country {
        "TR" => ("TGBATRIS", "Istanbul"),
        "SY" => ("CBOSSYDA", "Damascus"),
        "KZ" => ("HSBKKZKX", "Almaty"),
        "UZ" => ("NBFAUZ2X", "Tashkent"),
        "GB" => ("CLYDGB2S", "London"),
        _ => ("COBADEFF", "Frankfurt"),
    };
    Customer {
        name,
        account: account.to_string(),
        bic,
        town,
        country,
    }
}

impl Customer {
    pub fn in_town(mut self, town: &'static str) -> Customer {
        self.town = town;
        self
    }

    fn party(&self) -> Party {
        Party {
            name: Some(self.name.to_string()),
            account: Some(Account {
                id: self.account.clone(),
                iban: false,
            }),
            address: Some(PostalAddress {
                town_name: Some(self.town.to_string()),
                country: Some(self.country.to_string()),
                ..PostalAddress::default()
            }),
            ..Party::default()
        }
    }

    fn agent(&self) -> Agent {
        Agent {
            bic: Some(self.bic.to_string()),
            ..Agent::default()
        }
    }
}

pub fn money(amount: &str, currency: &str) -> Money {
    Money {
        amount: Amount::parse(amount, b'.').unwrap(),
        currency: Currency::parse(currency).unwrap(),
    }
}

/// A pacs.008-like transfer with a UETR made of `id`, created at `time` (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn transfer(id: &str, time: &str, from: &Customer, to: &Customer, money: Money) -> Transfer {
    Transfer {
        message_type: "pacs.008.001.08".into(),
        uetr: Some(format!("uetr-{id}")),
        message_id: Some(format!("MSG-{id}")),
        end_to_end_id: Some(format!("E2E-{id}")),
        creation_time: Some(time.to_string()),
        settlement_date: time.get(..10).map(str::to_string),
        amount: Some(money),
        debtor: Some(from.party()),
        creditor: Some(to.party()),
        debtor_agent: Some(from.agent()),
        creditor_agent: Some(to.agent()),
        ..Transfer::default()
    }
}

/// `day` of March 2024 at `hour`.
pub fn march(day: u32, hour: u32) -> String {
    format!("2024-03-{day:02}T{hour:02}:00:00Z")
}
