//! Terrorist-financing typology rules over streams of transfers.
//!
//! A [`RulePack`] is a versioned TOML file of declarative rules (structuring, fan-in, fan-out,
//! high-risk jurisdiction, rapid pass-through, round amounts, areas bordering conflict zones,
//! collection then forwarding, charity-named accounts paying out abroad), each tied to a FATF
//! red flag. A [`Monitor`] evaluates them per party on the transfers' own transaction time
//! (creation time, else settlement date; never the wall clock), so a replay of the same stream
//! gives the same alerts. A late transfer is evaluated at its own time within the pack's
//! lateness bound, and a repeated delivery is recognised and not counted again
//! ([`Delivery`]). Windows are evicted by transaction time and capped per party, so memory
//! stays bounded on long streams.
//!
//! Money is compared exactly: amounts become integer counts of 10^-12 units of a base currency
//! through a static FX table ([`money`]).
//!
//! ```
//! use cordon_monitor::{Monitor, RulePack};
//! use cordon_model::transfer::{Account, Amount, Currency, Money, Party, Transfer};
//!
//! let mut monitor = Monitor::new(RulePack::default_pack().unwrap());
//! let mut alerts = Vec::new();
//! for (day, amount) in [("2024-03-01", "9500"), ("2024-03-02", "9700.50"), ("2024-03-04", "9100")] {
//!     let transfer = Transfer {
//!         uetr: Some(format!("uetr-{day}")),
//!         settlement_date: Some(day.into()),
//!         amount: Some(Money { amount: Amount::parse(amount, b'.').unwrap(), currency: Currency::USD }),
//!         debtor: Some(Party {
//!             account: Some(Account { id: "DE89370400440532013000".into(), iban: true }),
//!             ..Party::default()
//!         }),
//!         ..Transfer::default()
//!     };
//!     alerts.extend(monitor.observe(&transfer));
//! }
//! assert_eq!(alerts.len(), 1);
//! assert_eq!(alerts[0].rule_id, "TF-STRUCT-01");
//! assert_eq!(alerts[0].party, "acct:DE89370400440532013000");
//! assert_eq!(alerts[0].transfer_ids.len(), 3);
//! ```

mod engine;
pub mod facts;
pub mod generate;
pub mod money;
mod places;
pub mod rules;
pub mod score;
pub mod snapshot;
pub mod time;

pub use engine::{Alert, Delivery, Monitor, Observation, Stats, MAX_EVENTS_PER_PARTY};
pub use facts::Facts;
pub use rules::{
    BorderArea, BorderAreas, FanParams, Rule, RuleKind, RulePack, RulesError,
    DEFAULT_MAX_LATENESS_HOURS, DEFAULT_RULES,
};
pub use snapshot::{MonitorSnapshot, SnapshotError};
