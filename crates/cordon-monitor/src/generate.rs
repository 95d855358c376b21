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
    /// A beneficiary in a town bordering a conflict zone.
    Border,
    /// Small donations from many originators, then most of them forwarded to a higher-risk area.
    Collect,
    /// A charity-named account collecting small sums and paying an individual abroad.
    Npo,
}

/// Every pattern, in the order they are injected.
pub const PATTERNS: [Pattern; 9] = [
    Pattern::Structuring,
    Pattern::FanIn,
    Pattern::FanOut,
    Pattern::HighRisk,
    Pattern::PassThrough,
    Pattern::RoundAmount,
    Pattern::Border,
    Pattern::Collect,
    Pattern::Npo,
];

impl Pattern {
    /// The rule of the default pack made for this pattern.
    pub fn rule(self) -> &'static str {
        match self {
            Pattern::Structuring => "TF-STRUCT-01",
            Pattern::FanIn => "TF-FANIN-01",
            Pattern::FanOut => "TF-FANOUT-01",
            Pattern::HighRisk => "TF-HRJ-01",
            Pattern::PassThrough => "TF-PASS-01",
            Pattern::RoundAmount => "TF-ROUND-01",
            Pattern::Border => "TF-BORDER-01",
            Pattern::Collect => "TF-COLLECT-01",
            Pattern::Npo => "TF-NPO-01",
        }
    }
}

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
    /// True when the injection is a near miss: the pattern's shape falling just short of its
    /// rule (one party too few, an amount too small, a share too low...).
    pub near_miss: bool,
    /// The rules of the default pack the injection should raise: its own rule when planted,
    /// and any other rule its transfers meet by design (a forwarding to Syria is also a
    /// high-risk jurisdiction); empty for background traffic.
    pub expects: Vec<&'static str>,
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
/// Towns of the default pack's border areas, with a bank there.
const BORDER_TOWNS: &[(&str, &str, &str)] = &[
    ("TR", "TGBATRIS", "Kilis"),
    ("TR", "TGBATRIS", "Şanlıurfa"),
    ("TR", "TGBATRIS", "REYHANLI"),
    ("TR", "TGBATRIS", "Gaziantep"),
    ("JO", "ARABJOAX", "Mafraq"),
    ("LB", "BLOMLBBX", "Baalbek"),
];
/// A town near conflict zones but on no list: near misses of the border rule.
const NEAR_BORDER: (&str, &str, &str) = ("LB", "BLOMLBBX", "Beirut");
/// Names of non-profits in the languages of the region.
const NPO_NAMES: &[&str] = &[
    "Mehr xayriya jamgʻarmasi",
    "Umid Foundation",
    "Yardım Eli Vakfı",
    "Фонд помощи детям",
    "Қайырымдылық қоры",
    "جمعية الإحسان الخيرية",
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
            near_miss: false,
            expects: Vec::new(),
        }
    }

    /// A fresh party id outside the background pool, placed in `corridor`. Each injection
    /// draws from its own block of ten million ids ([`collector_donor`] shifts ids by up to
    /// 1.5 million within it).
    fn fresh(&mut self, corridor: u64) -> u64 {
        let base = self.customers
            + 10_000_000 * (1 + self.injections)
            + self.below(10_000) * CORRIDORS.len() as u64;
        base - base % CORRIDORS.len() as u64 + corridor % CORRIDORS.len() as u64
    }

    fn usd(amount: Amount) -> Money {
        Money {
            amount,
            currency: Currency::USD,
        }
    }

    /// A person's name for a fresh party.
    fn person(&mut self) -> String {
        let first = self.pick(FIRST).copied().unwrap_or("A");
        let last = self.pick(LAST).copied().unwrap_or("B");
        format!(
            "{first} {}. {last}",
            char::from(b'A' + self.below(26) as u8)
        )
    }

    /// Queues the transfers of one pattern (planted, or a near miss) at times after the clock.
    fn inject(&mut self, pattern: Pattern, near_miss: bool) {
        let instance = self.injections;
        self.injections += 1;
        let mut plan = Plan::default();
        if !near_miss {
            plan.expects.push(pattern.rule());
        }
        match pattern {
            Pattern::Structuring => self.structuring(&mut plan, near_miss),
            Pattern::FanIn => {
                let creditor = self.fresh(14);
                let originators = if near_miss { 4 } else { 6 };
                for k in 0..originators {
                    let debtor = self.fresh(k % 7);
                    let money = Self::usd(self.amount(200, 3_000));
                    plan.push(k as i64 * 20 * HOUR, debtor, creditor, money);
                }
            }
            Pattern::FanOut => {
                let debtor = self.fresh(3);
                let beneficiaries = if near_miss { 7 } else { 10 };
                for k in 0..beneficiaries {
                    let creditor = self.fresh(k);
                    let money = Self::usd(self.amount(600, 2_000));
                    plan.push(k as i64 * 7 * HOUR, debtor, creditor, money);
                }
            }
            Pattern::HighRisk => {
                let (debtor, creditor) = (self.fresh(0), self.fresh(1));
                plan.push(
                    HOUR,
                    debtor,
                    creditor,
                    Self::usd(self.amount(1_000, 20_000)),
                );
                let place = if near_miss {
                    NEAR_BORDER
                } else {
                    *self
                        .pick(HIGH_RISK)
                        .unwrap_or(&("SY", "CBOSSYDA", "Damascus"))
                };
                plan.last_mut(|p| p.place = Some(place));
            }
            Pattern::PassThrough => {
                let (source, mule, sink) = (self.fresh(2), self.fresh(3), self.fresh(13));
                let received = self.amount(15_000, 40_000);
                let share = if near_miss { 70 } else { 93 };
                let sent = Amount::from_parts(received.mantissa() * share / 100, received.scale());
                plan.push(HOUR, source, mule, eur(received));
                plan.push(20 * HOUR, mule, sink, eur(sent));
            }
            Pattern::RoundAmount => {
                let debtor = self.fresh(4);
                for k in 0..3 {
                    let creditor = self.below(self.customers);
                    // From 10,000 EUR up: never also a structuring amount.
                    let thousands = 10 + self.below(36) as i128;
                    // A near miss has an odd 250 on its last transfer.
                    let odd = if near_miss && k == 2 { 250 } else { 0 };
                    let amount = Amount::from_parts(thousands * 1000 + odd, 0);
                    plan.push(k * 72 * HOUR, debtor, creditor, eur(amount));
                }
            }
            Pattern::Border => {
                let (debtor, creditor) = (self.fresh(3), self.fresh(13));
                // A near miss is below the 1,000 USD minimum.
                let money = if near_miss {
                    Self::usd(self.amount(300, 950))
                } else {
                    Self::usd(self.amount(1_200, 20_000))
                };
                let town = *self
                    .pick(BORDER_TOWNS)
                    .unwrap_or(&("TR", "TGBATRIS", "Kilis"));
                plan.push(HOUR, debtor, creditor, money);
                plan.last_mut(|p| p.place = Some(town));
            }
            Pattern::Collect => self.collect(&mut plan, near_miss),
            Pattern::Npo => self.npo(&mut plan, near_miss),
        }
        self.queue(pattern, instance, near_miss, plan);
    }

    fn structuring(&mut self, plan: &mut Plan, near_miss: bool) {
        let debtor = self.fresh(7);
        for k in 0..4 {
            let creditor = self.below(self.customers);
            // A near miss has only two amounts just below 10,000 USD, the others below 9,000.
            let money = if near_miss && k % 2 == 1 {
                Self::usd(self.amount(8_000, 8_900))
            } else {
                Self::usd(self.amount(9_050, 9_950))
            };
            plan.push(k * 30 * HOUR, debtor, creditor, money);
        }
    }

    /// Donations from the collector's own country (so no fan-in across borders), each at most
    /// 500 USD (so nine of them stay below the pass-through minimum), 20 hours apart; then 80 %
    /// of the sum to a border town or to Syria. A near miss has six donors.
    fn collect(&mut self, plan: &mut Plan, near_miss: bool) {
        let collector = self.fresh(3);
        let donors = if near_miss { 6 } else { 9 };
        let mut collected: i128 = 0;
        for k in 0..donors {
            let donor = self.fresh(3);
            let amount = self.amount(30, 500);
            collected += cents(&amount);
            plan.push(
                k * 20 * HOUR,
                collector_donor(donor, k),
                collector,
                Self::usd(amount),
            );
        }
        let forwarded = Amount::from_parts(collected * 80 / 100, 2);
        let recipient = self.fresh(13);
        plan.push(
            donors * 20 * HOUR,
            collector,
            recipient,
            Self::usd(forwarded),
        );
        let to_syria = self.below(2) == 0;
        let place = if to_syria {
            plan.expects.push("TF-HRJ-01");
            ("SY", "CBOSSYDA", "Damascus")
        } else {
            if cents(&forwarded) >= 1_000 * 100 {
                plan.expects.push("TF-BORDER-01");
            }
            ("TR", "TGBATRIS", "Gaziantep")
        };
        plan.last_mut(|p| p.place = Some(place));
    }

    /// Seven domestic donations of at most 400 USD to a charity-named account, then 60 % of the
    /// sum paid to a person in Istanbul. A near miss has an ordinary company name.
    fn npo(&mut self, plan: &mut Plan, near_miss: bool) {
        let charity = self.fresh(12);
        let name = if near_miss {
            format!("Steppe Agro Trading {}", self.below(1000))
        } else {
            self.pick(NPO_NAMES)
                .copied()
                .unwrap_or("Umid Foundation")
                .to_string()
        };
        let mut collected: i128 = 0;
        for k in 0..7 {
            let donor = self.fresh(12);
            let amount = self.amount(20, 400);
            collected += cents(&amount);
            plan.push(
                k * 20 * HOUR,
                collector_donor(donor, k),
                charity,
                Self::usd(amount),
            );
            plan.last_mut(|p| p.creditor_name = Some(name.clone()));
        }
        let person = self.person();
        let recipient = self.fresh(13);
        let paid = Amount::from_parts(collected * 60 / 100, 2);
        plan.push(7 * 20 * HOUR, charity, recipient, Self::usd(paid));
        plan.last_mut(|p| {
            p.debtor_name = Some(name.clone());
            p.creditor_name = Some(person);
        });
    }

    fn queue(&mut self, pattern: Pattern, instance: u64, near_miss: bool, plan: Plan) {
        let last = plan.transfers.len().saturating_sub(1);
        for (k, planned) in plan.transfers.into_iter().enumerate() {
            let time = self.clock + 60 + planned.offset;
            let mut transfer = self.transfer(time, planned.debtor, planned.creditor, planned.money);
            if let Some(place) = planned.place {
                place_creditor(&mut transfer, place);
            }
            rename(&mut transfer.debtor, planned.debtor_name);
            rename(&mut transfer.creditor, planned.creditor_name);
            let item = Generated {
                transfer,
                pattern: Some(pattern),
                instance: Some(instance),
                completes: k == last,
                near_miss,
                expects: plan.expects.clone(),
            };
            let at = self.pending.partition_point(|(t, _)| *t <= time);
            self.pending.insert(at, (time, item));
        }
    }
}

/// A donor id distinct for each of the `k` donations of one injection (the fresh ids of one
/// injection may repeat).
fn collector_donor(donor: u64, k: i64) -> u64 {
    donor + 15 * 10_000 * (k as u64 + 1)
}

const HOUR: i64 = 3600;

/// An amount of at most two decimals in hundredths (amounts drop trailing zeros: `395.8`).
fn cents(amount: &Amount) -> i128 {
    amount.mantissa_at_scale(2).unwrap_or(0)
}

fn eur(amount: Amount) -> Money {
    Money {
        amount,
        currency: Currency::EUR,
    }
}

/// The transfers of one injection and the rules it should raise.
#[derive(Default)]
struct Plan {
    transfers: Vec<Planned>,
    expects: Vec<&'static str>,
}

struct Planned {
    offset: i64,
    debtor: u64,
    creditor: u64,
    money: Money,
    /// Country, bank BIC and town of the beneficiary, when not its own.
    place: Option<(&'static str, &'static str, &'static str)>,
    debtor_name: Option<String>,
    creditor_name: Option<String>,
}

impl Plan {
    fn push(&mut self, offset: i64, debtor: u64, creditor: u64, money: Money) {
        self.transfers.push(Planned {
            offset,
            debtor,
            creditor,
            money,
            place: None,
            debtor_name: None,
            creditor_name: None,
        });
    }

    fn last_mut(&mut self, change: impl FnOnce(&mut Planned)) {
        if let Some(last) = self.transfers.last_mut() {
            change(last);
        }
    }
}

fn rename(party: &mut Option<Party>, name: Option<String>) {
    if let (Some(party), Some(name)) = (party.as_mut(), name) {
        party.name = Some(name);
    }
}

/// Puts the beneficiary and its bank in `town`.
fn place_creditor(transfer: &mut Transfer, (country, bic, town): (&str, &str, &str)) {
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

impl Iterator for Generator {
    type Item = Generated;

    fn next(&mut self) -> Option<Generated> {
        if self.pending.first().is_some_and(|(t, _)| *t <= self.clock) {
            return Some(self.pending.remove(0).1);
        }
        self.clock += 1 + self.below(11) as i64;
        if self.below(400) == 0 {
            // Planted and near miss in turn, each pattern in turn.
            let near_miss = self.injections % 2 == 1;
            let pattern = PATTERNS
                .get((self.injections / 2) as usize % PATTERNS.len())
                .copied();
            if let Some(p) = pattern {
                self.inject(p, near_miss);
            }
        }
        Some(self.background())
    }
}

/// Delivers `items` as a real channel does: each transfer arrives up to `max_delay` seconds
/// of transaction time after it was made (so transfers overtake each other by up to that
/// much), and one in `repeat_every` arrives a second time, up to `max_delay` after its first
/// delivery (at-least-once delivery, manual re-sends). Returns the deliveries in arrival order
/// and the number of repeats; the same seed gives the same order.
pub fn deliver_unreliably(
    items: Vec<Generated>,
    seed: u64,
    max_delay: i64,
    repeat_every: u64,
) -> (Vec<Generated>, usize) {
    let mut random = Generator::new(seed);
    let span = max_delay.max(1).unsigned_abs();
    let mut arrivals: Vec<(i64, usize, Generated)> = Vec::with_capacity(items.len());
    let mut repeats = 0;
    for (order, item) in items.into_iter().enumerate() {
        let made = crate::time::transaction_time(&item.transfer).unwrap_or(0);
        let arrival = made + random.below(span) as i64;
        if repeat_every > 0 && random.below(repeat_every) == 0 {
            let again = arrival + random.below(span) as i64;
            arrivals.push((again, order, item.clone()));
            repeats += 1;
        }
        arrivals.push((arrival, order, item));
    }
    // Stable: equal arrivals keep the order they were made in.
    arrivals.sort_by_key(|(arrival, order, _)| (*arrival, *order));
    (
        arrivals.into_iter().map(|(_, _, item)| item).collect(),
        repeats,
    )
}
