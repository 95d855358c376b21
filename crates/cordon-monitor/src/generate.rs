//! A seeded generator of realistic transfers with injected typology patterns, for tests and
//! benchmarks. No `rand` dependency: xorshift64* is enough and is stable across versions.
//!
//! Background traffic draws originators and beneficiaries from a pool of customers (names,
//! IBAN-like accounts, banks and countries shaped like the CBPR+ samples); every so often a
//! pattern is injected with fresh parties, so each injected pattern is attributable.
//!
//! ```
//! use cordon_monitor::generate::{Generator, Pattern};
//! let items: Vec<_> = Generator::new(7).take(2_000).collect();
//! assert_eq!(items.len(), 2_000);
//! assert!(items.iter().any(|g| g.pattern == Some(Pattern::Structuring)));
//! ```

use crate::time::{format_timestamp, parse_timestamp};
use cordon_model::transfer::{
    Account, Agent, Amount, Currency, MessageFormat, Money, Party, PostalAddress, Remittance,
    Transfer,
};

/// A typology injected into the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Several amounts just below 10,000 USD by one originator.
    Structuring,
    /// Many originators abroad paying one beneficiary.
    FanIn,
    /// One originator paying many beneficiaries.
    FanOut,
    /// A beneficiary and its bank in a higher-risk country.
    HighRisk,
    /// Money received and sent straight on.
    PassThrough,
    /// Repeated exact round amounts.
    RoundAmount,
}

const PATTERNS: [Pattern; 6] = [
    Pattern::Structuring,
    Pattern::FanIn,
    Pattern::FanOut,
    Pattern::HighRisk,
    Pattern::PassThrough,
    Pattern::RoundAmount,
];

/// One generated transfer and the pattern it belongs to, if injected.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The transfer.
    pub transfer: Transfer,
    /// The injected pattern it is part of; `None` for background traffic.
    pub pattern: Option<Pattern>,
    /// Which injection (0, 1, ...) it is part of.
    pub instance: Option<u64>,
    /// True on the last transfer of an injected pattern: the pattern is complete.
    pub completes: bool,
}

const FIRST: &[&str] = &[
    "John", "Maria", "Ahmed", "Olena", "Tohir", "Aigerim", "Li", "Fatima", "Pierre", "Anna",
    "Bekzod", "Ivan", "Sofia", "Omar", "Nodira", "James", "Elif", "Ravi", "Chen", "Lucia",
    "Dilnoza", "Kwame",
];
const LAST: &[&str] = &[
    "Doe",
    "Smith",
    "Garcia",
    "Karimov",
    "Nurlanova",
    "Wang",
    "Haddad",
    "Martin",
    "Kowalski",
    "Ivanova",
    "Rahimov",
    "Okafor",
    "Yilmaz",
    "Sharma",
    "Rossi",
    "Jensen",
    "Petrov",
    "Mukhamedov",
    "Tanaka",
    "Silva",
];
const COMPANIES: &[&str] = &[
    "Creditor Co",
    "Old Mutual General",
    "Silk Road Trading",
    "Nordic Timber",
    "Blue Harbour Logistics",
    "Steppe Agro",
    "Danube Textiles",
    "Atlas Medical Supplies",
];
/// Country, BIC of a bank there, currency, a town.
const CORRIDORS: &[(&str, &str, &str, &str)] = &[
    ("GB", "CLYDGB2S", "GBP", "London"),
    ("GB", "BOFSGB2L", "GBP", "Epping"),
    ("ES", "BSCHESMM", "EUR", "Barcelona"),
    ("DE", "COBADEFF", "EUR", "Frankfurt"),
    ("FI", "HANDFIHH", "EUR", "Helsinki"),
    ("FR", "BNPAFRPP", "EUR", "Paris"),
    ("RO", "BTRLRO22", "RON", "Cluj"),
    ("US", "BBBBUS33", "USD", "New York"),
    ("SG", "DBSSSGSG", "SGD", "Singapore"),
    ("AU", "WPACAU2S", "AUD", "Sydney"),
    ("NG", "CCCCNGLA", "NGN", "Lagos"),
    ("KZ", "HSBKKZKX", "KZT", "Almaty"),
    ("UZ", "NBFAUZ2X", "UZS", "Tashkent"),
    ("TR", "TGBATRIS", "TRY", "Istanbul"),
    ("AE", "EBILAEAD", "AED", "Dubai"),
];
const HIGH_RISK: &[(&str, &str, &str)] = &[
    ("SY", "CBOSSYDA", "Damascus"),
    ("AF", "AFIBAFKA", "Kabul"),
    ("YE", "YKBKYESA", "Sanaa"),
    ("IR", "BMJIIRTH", "Tehran"),
];

/// An endless, seeded stream of transfers starting 2024-01-01, about one every 6 seconds of
/// transaction time, with one injected pattern for every ~400 background transfers.
#[derive(Debug, Clone)]
pub struct Generator {
    state: u64,
    clock: i64,
    seq: u64,
    injections: u64,
    customers: u64,
    pending: Vec<(i64, Generated)>,
}

impl Generator {
    /// A generator; the same seed gives the same stream.
    pub fn new(seed: u64) -> Generator {
        Generator {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            clock: parse_timestamp("2024-01-01T00:00:00Z").unwrap_or(0),
            seq: 0,
            injections: 0,
            customers: 2_000_000,
            pending: Vec::new(),
        }
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }

    /// An amount with cents between `low` and `high` whole units.
    fn amount(&mut self, low: u64, high: u64) -> Amount {
        let whole = low + self.below(high.saturating_sub(low).max(1));
        let cents = 1 + self.below(99);
        Amount::from_parts(i128::from(whole) * 100 + i128::from(cents), 2)
    }

    /// A background amount between 10 and 100,000 with cents, mostly retail-sized: each
    /// decade is log-uniform, the decade from 10,000 up is drawn one time in ten.
    fn background_amount(&mut self) -> Amount {
        let decade = match self.below(10) {
            0..=2 => 1,
            3..=5 => 2,
            6..=8 => 3,
            _ => 4,
        };
        let magnitude = 10u64.pow(decade);
        self.amount(magnitude, magnitude * 10)
    }

    fn customer(&mut self, id: u64) -> (Party, Agent) {
        let corridor = CORRIDORS
            .get((id % CORRIDORS.len() as u64) as usize)
            .copied();
        let (country, bic, _, town) = corridor.unwrap_or(("GB", "CLYDGB2S", "GBP", "London"));
        let first = FIRST
            .get((id / 15 % FIRST.len() as u64) as usize)
            .copied()
            .unwrap_or("A");
        let last = LAST
            .get((id / 330 % LAST.len() as u64) as usize)
            .copied()
            .unwrap_or("B");
        let initial = char::from(b'A' + (id / 6600 % 26) as u8);
        let name = if id.is_multiple_of(11) {
            let company = COMPANIES.get((id / 11 % COMPANIES.len() as u64) as usize);
            format!("{} {}", company.copied().unwrap_or("Co"), id % 997)
        } else {
            format!("{first} {initial}. {last}")
        };
        // One customer in fifty is known by name only, as in many MT103s.
        let account = (!id.is_multiple_of(50)).then(|| Account {
            id: format!(
                "{country}{:02}{}{:012}",
                id % 97,
                bic.get(..4).unwrap_or("BANK"),
                id
            ),
            iban: true,
        });
        let party = Party {
            name: Some(name),
            account,
            address: Some(PostalAddress {
                town_name: Some(town.to_string()),
                country: Some(country.to_string()),
                ..PostalAddress::default()
            }),
            ..Party::default()
        };
        let agent = Agent {
            bic: Some(bic.to_string()),
            ..Agent::default()
        };
        (party, agent)
    }

    fn transfer(&mut self, time: i64, debtor: u64, creditor: u64, money: Money) -> Transfer {
        self.seq += 1;
        let (debtor, debtor_agent) = self.customer(debtor);
        let (creditor, creditor_agent) = self.customer(creditor);
        let format = if self.seq.is_multiple_of(3) {
            MessageFormat::SwiftMt
        } else {
            MessageFormat::Iso20022
        };
        let created = format_timestamp(time);
        Transfer {
            format,
            message_type: if format == MessageFormat::SwiftMt {
                "MT103"
            } else {
                "pacs.008.001.08"
            }
            .into(),
            uetr: Some(format!(
                "{:08x}-0000-4000-8000-{:012x}",
                self.seq >> 16,
                self.seq
            )),
            instruction_id: Some(format!("GEN{}", self.seq)),
            amount: Some(money),
            settlement_date: created.get(..10).map(str::to_string),
            creation_time: Some(created),
            debtor: Some(debtor),
            creditor: Some(creditor),
            debtor_agent: Some(debtor_agent),
            creditor_agent: Some(creditor_agent),
            remittance: Remittance {
                unstructured: vec![format!("INVOICE {}", self.seq % 100_000)],
                structured: Vec::new(),
            },
            ..Transfer::default()
        }
    }

    fn background(&mut self) -> Generated {
        let debtor = self.below(self.customers);
        let creditor = self.below(self.customers);
        let currency = *self
            .pick(&[Currency::EUR, Currency::USD, Currency::EUR])
            .unwrap_or(&Currency::EUR);
        let money = Money {
            amount: self.background_amount(),
            currency,
        };
        let transfer = self.transfer(self.clock, debtor, creditor, money);
        Generated {
            transfer,
            pattern: None,
            instance: None,
            completes: false,
        }
    }

    /// A fresh party id outside the background pool, placed in `corridor`.
    fn fresh(&mut self, corridor: u64) -> u64 {
        let base = self.customers
            + 1_000_000 * (1 + self.injections)
            + self.below(10_000) * CORRIDORS.len() as u64;
        base - base % CORRIDORS.len() as u64 + corridor % CORRIDORS.len() as u64
    }

    fn usd(amount: Amount) -> Money {
        Money {
            amount,
            currency: Currency::USD,
        }
    }

    /// Queues the transfers of one pattern at times after the clock.
    fn inject(&mut self, pattern: Pattern) {
        let instance = self.injections;
        self.injections += 1;
        let hour = 3600;
        let mut planned: Vec<(i64, u64, u64, Money)> = Vec::new();
        match pattern {
            Pattern::Structuring => {
                let debtor = self.fresh(7);
                for k in 0..4 {
                    let creditor = self.below(self.customers);
                    let money = Self::usd(self.amount(9_050, 9_950));
                    planned.push((k * 30 * hour, debtor, creditor, money));
                }
            }
            Pattern::FanIn => {
                let creditor = self.fresh(14);
                for k in 0..6u64 {
                    let debtor = self.fresh(k % 7);
                    let money = Self::usd(self.amount(200, 3_000));
                    planned.push((k as i64 * 20 * hour, debtor, creditor, money));
                }
            }
            Pattern::FanOut => {
                let debtor = self.fresh(3);
                for k in 0..10 {
                    let creditor = self.fresh(k);
                    let money = Self::usd(self.amount(600, 2_000));
                    planned.push((k as i64 * 7 * hour, debtor, creditor, money));
                }
            }
            Pattern::HighRisk => {
                let (debtor, creditor) = (self.fresh(0), self.fresh(1));
                planned.push((
                    hour,
                    debtor,
                    creditor,
                    Self::usd(self.amount(1_000, 20_000)),
                ));
            }
            Pattern::PassThrough => {
                let (source, mule, sink) = (self.fresh(2), self.fresh(3), self.fresh(13));
                let received = self.amount(15_000, 40_000);
                let sent = Amount::from_parts(received.mantissa() * 93 / 100, received.scale());
                let eur = |amount| Money {
                    amount,
                    currency: Currency::EUR,
                };
                planned.push((hour, source, mule, eur(received)));
                planned.push((20 * hour, mule, sink, eur(sent)));
            }
            Pattern::RoundAmount => {
                let debtor = self.fresh(4);
                for k in 0..3 {
                    let creditor = self.below(self.customers);
                    let thousands = 6 + self.below(40) as i128;
                    let money = Money {
                        amount: Amount::from_parts(thousands * 1000, 0),
                        currency: Currency::EUR,
                    };
                    planned.push((k * 72 * hour, debtor, creditor, money));
                }
            }
        }
        let last = planned.len().saturating_sub(1);
        for (k, (offset, debtor, creditor, money)) in planned.into_iter().enumerate() {
            let time = self.clock + 60 + offset;
            let mut transfer = self.transfer(time, debtor, creditor, money);
            if pattern == Pattern::HighRisk {
                self.make_high_risk(&mut transfer);
            }
            let item = Generated {
                transfer,
                pattern: Some(pattern),
                instance: Some(instance),
                completes: k == last,
            };
            let at = self.pending.partition_point(|(t, _)| *t <= time);
            self.pending.insert(at, (time, item));
        }
    }

    fn make_high_risk(&mut self, transfer: &mut Transfer) {
        let (country, bic, town) = *self
            .pick(HIGH_RISK)
            .unwrap_or(&("SY", "CBOSSYDA", "Damascus"));
        if let Some(creditor) = transfer.creditor.as_mut() {
            creditor.address = Some(PostalAddress {
                town_name: Some(town.into()),
                country: Some(country.into()),
                ..PostalAddress::default()
            });
        }
        transfer.creditor_agent = Some(Agent {
            bic: Some(bic.into()),
            ..Agent::default()
        });
    }
}

impl Iterator for Generator {
    type Item = Generated;

    fn next(&mut self) -> Option<Generated> {
        if self.pending.first().is_some_and(|(t, _)| *t <= self.clock) {
            return Some(self.pending.remove(0).1);
        }
        self.clock += 1 + self.below(11) as i64;
        if self.below(400) == 0 {
            let pattern = PATTERNS
                .get(self.injections as usize % PATTERNS.len())
                .copied();
            if let Some(p) = pattern {
                self.inject(p);
            }
        }
        Some(self.background())
    }
}
