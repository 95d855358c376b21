//! The rules file: a versioned TOML pack of typology rules.
//!
//! ```toml
//! version = "2025.1"
//!
//! [[rule]]
//! id = "TF-STRUCT-01"
//! title = "Structuring below the reporting threshold"
//! description = "Several transfers by one originator just below 10,000 USD within 7 days."
//! fatf = "FATF 2002 funds-transfer indicator 2"
//! kind = "structuring"
//! params = { threshold = "10000", currency = "USD", margin_percent = 10, window_days = 7, min_count = 3 }
//! ```
//!
//! Unknown keys are refused, so a misspelt parameter is an error naming its line, never a rule
//! that silently runs with a default.

use crate::money::{FxTable, Threshold};
use cordon_model::transfer::Amount;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A rules pack as read from TOML, before its amounts are checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    version: toml::Spanned<String>,
    #[serde(default)]
    max_lateness_hours: Option<toml::Spanned<u32>>,
    #[serde(default)]
    fx: Option<toml::Spanned<RawFx>>,
    #[serde(default)]
    border_areas: Option<toml::Spanned<BorderAreas>>,
    #[serde(default, rename = "rule")]
    rules: Vec<toml::Spanned<RawRule>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFx {
    base: String,
    rates: std::collections::BTreeMap<String, String>,
}

// No `deny_unknown_fields` here: serde does not support it next to `flatten`; the flattened
// `RuleKind` refuses unknown keys instead.
#[derive(Debug, Clone, Deserialize)]
struct RawRule {
    id: String,
    #[serde(default = "first_version")]
    version: u32,
    title: String,
    description: String,
    fatf: String,
    #[serde(default = "enabled")]
    enabled: bool,
    #[serde(flatten)]
    kind: RuleKind,
}

fn first_version() -> u32 {
    1
}

fn enabled() -> bool {
    true
}

/// Which party of a transfer a rule follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The originator (`Dbtr`, MT 50a).
    #[default]
    Debtor,
    /// The beneficiary (`Cdtr`, MT 59a).
    Creditor,
}

/// A place in the payment chain whose country a [`RuleKind::HighRiskJurisdiction`] rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainRole {
    /// The originator's address country or country of residence.
    Debtor,
    /// The beneficiary's address country or country of residence.
    Creditor,
    /// The debtor agent's BIC country.
    DebtorAgent,
    /// The creditor agent's BIC country.
    CreditorAgent,
    /// Any intermediary agent's BIC country.
    Intermediary,
}

/// The parameters of the fan-in and fan-out rules (the same for both directions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FanParams {
    /// Distinct counterparties needed (originators for fan-in, beneficiaries for fan-out).
    pub min_parties: usize,
    /// The window, in days.
    pub window_days: u32,
    /// Count only transfers whose originator and beneficiary countries differ.
    #[serde(default)]
    pub cross_border_only: bool,
    /// Follow only a hub (the beneficiary of a fan-in, the originator of a fan-out) known by
    /// an account or a BIC. A party known by name only is keyed by its name at its bank, which
    /// namesakes share: distinct payers of "the same" name-only beneficiary are often paying
    /// different people.
    #[serde(default)]
    pub identified_only: bool,
    /// Ignore transfers below this amount (in `currency`).
    #[serde(default)]
    pub min_amount: Option<String>,
    /// Currency of `min_amount`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// The places bordering conflict zones that [`RuleKind::ConflictBorder`] looks for
/// (`[border_areas]` in the file): a dated list each institution keeps from its own sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BorderAreas {
    /// The date the list was last reviewed (`YYYY-MM-DD`); alerts quote it.
    pub as_of: String,
    /// Where the list comes from, in words.
    #[serde(default)]
    pub source: String,
    /// The areas.
    #[serde(default, rename = "area")]
    pub areas: Vec<BorderArea>,
}

/// Towns and regions of one country that border a conflict zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BorderArea {
    /// The country the places are in (ISO 3166-1 alpha-2).
    pub country: String,
    /// The country in conflict across the border (ISO 3166-1 alpha-2).
    pub borders: String,
    /// Province, district and town names, as written locally or in English; matched on their
    /// normalised ASCII form (`Şanlıurfa` = `Sanliurfa`).
    pub places: Vec<String>,
}

/// The kind of a rule and its parameters (`kind` and `params` in the file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "params",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum RuleKind {
    /// Several transfers by one party just below a reporting threshold within a window.
    Structuring {
        /// The reporting threshold, a decimal string (`"10000"`).
        threshold: String,
        /// Its currency (ISO 4217).
        currency: String,
        /// How far below the threshold still counts as "just below", in percent (1-99).
        #[serde(default = "ten")]
        margin_percent: u8,
        /// The window, in days of transaction time.
        window_days: u32,
        /// Transfers needed in the window.
        min_count: usize,
        /// Whose transfers are counted.
        #[serde(default)]
        side: Side,
    },
    /// Many distinct originators paying one beneficiary within a window.
    FanIn(FanParams),
    /// One originator paying many distinct beneficiaries within a window.
    FanOut(FanParams),
    /// A party or agent in a listed country.
    HighRiskJurisdiction {
        /// ISO 3166-1 alpha-2 codes.
        countries: Vec<String>,
        /// Where to look; all places when empty.
        #[serde(default)]
        roles: Vec<ChainRole>,
        /// Ignore transfers below this amount (in `currency`).
        #[serde(default)]
        min_amount: Option<String>,
        /// Currency of `min_amount`.
        #[serde(default)]
        currency: Option<String>,
    },
    /// An account that receives funds and sends most of them on within a window.
    RapidPassThrough {
        /// Share of the received amount sent on, in percent (1-100).
        min_percent: u8,
        /// The largest share sent on that is still the received money passing through, in
        /// percent (at least `min_percent`, at most 1000); none: no upper bound. An account
        /// that sends on far more than it received paid from its own balance.
        #[serde(default)]
        max_percent: Option<u16>,
        /// The window, in days.
        window_days: u32,
        /// Ignore when less than this was received (in `currency`).
        min_amount: String,
        /// Currency of `min_amount`.
        currency: String,
    },
    /// Amounts that are exact multiples of a round unit, above a minimum.
    RoundAmount {
        /// The round unit in the transfer's own currency (`"1000"`).
        unit: String,
        /// Smallest amount considered (in `currency`).
        min_amount: String,
        /// Currency of `min_amount`.
        currency: String,
        /// Round transfers by one party needed within the window (1: every one alerts).
        #[serde(default = "one")]
        min_count: usize,
        /// The window, in days (used when `min_count` > 1).
        #[serde(default = "seven")]
        window_days: u32,
        /// Whose transfers are counted.
        #[serde(default)]
        side: Side,
    },
    /// A beneficiary or its bank in a place of the pack's `[border_areas]`.
    ConflictBorder {
        /// Ignore transfers below this amount (in `currency`).
        min_amount: String,
        /// Currency of `min_amount`.
        currency: String,
    },
    /// Small transfers from many originators collected into one account, then most of the sum
    /// forwarded abroad to a higher-risk jurisdiction or a border area.
    CollectForward {
        /// Distinct originators of small incoming transfers needed.
        min_originators: usize,
        /// The largest incoming amount that still counts as small, donation-like (in `currency`).
        max_amount: String,
        /// Currency of `max_amount`.
        currency: String,
        /// Share of the collected sum forwarded, in percent (1-100).
        min_percent: u8,
        /// The window holding the collection and the forwarding, in days.
        window_days: u32,
        /// Higher-risk jurisdictions (ISO 3166-1 alpha-2) a forwarding may go to; a border area
        /// of the pack counts too.
        countries: Vec<String>,
    },
    /// An account named like a charity or foundation that receives many small transfers and
    /// pays out to a higher-risk area or to an individual abroad.
    NpoPayout {
        /// Legal forms and words that mark a non-profit name, in the languages of the region;
        /// matched as whole words after normalisation.
        words: Vec<String>,
        /// Distinct originators of small incoming transfers needed.
        min_originators: usize,
        /// The largest incoming amount that still counts as small (in `currency`).
        max_amount: String,
        /// Currency of `max_amount`.
        currency: String,
        /// The window, in days.
        window_days: u32,
        /// Higher-risk jurisdictions (ISO 3166-1 alpha-2); a border area of the pack counts too.
        countries: Vec<String>,
    },
}

fn ten() -> u8 {
    10
}

fn one() -> usize {
    1
}

fn seven() -> u32 {
    7
}

impl RuleKind {
    /// The `kind` string of the file (`structuring`, `fan_in`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Structuring { .. } => "structuring",
            RuleKind::FanIn(_) => "fan_in",
            RuleKind::FanOut(_) => "fan_out",
            RuleKind::HighRiskJurisdiction { .. } => "high_risk_jurisdiction",
            RuleKind::RapidPassThrough { .. } => "rapid_pass_through",
            RuleKind::RoundAmount { .. } => "round_amount",
            RuleKind::ConflictBorder { .. } => "conflict_border",
            RuleKind::CollectForward { .. } => "collect_forward",
            RuleKind::NpoPayout { .. } => "npo_payout",
        }
    }
}

/// One rule of a pack, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Stable id (`TF-STRUCT-01`).
    pub id: String,
    /// The rule's own version, raised whenever its parameters change.
    pub version: u32,
    /// One-line title.
    pub title: String,
    /// What it detects and why.
    pub description: String,
    /// The FATF red flag it implements.
    pub fatf: String,
    /// Kind and parameters.
    #[serde(flatten)]
    pub kind: RuleKind,
    /// 1-based line of the rule in its file.
    pub line: usize,
}

/// A checked rules pack.
#[derive(Debug, Clone)]
pub struct RulePack {
    /// The pack version (`version = "..."`).
    pub version: String,
    /// The enabled rules in file order.
    pub rules: Vec<Rule>,
    /// Exchange rates used to compare amounts in other currencies with thresholds.
    pub fx: FxTable,
    /// How much older than the latest transaction time seen a transfer may be and still be
    /// evaluated at its own time (`max_lateness_hours`, default
    /// [`DEFAULT_MAX_LATENESS_HOURS`]).
    pub max_lateness_hours: u32,
    /// The places bordering conflict zones (`[border_areas]`), if the pack has them.
    pub border_areas: Option<BorderAreas>,
}

/// The default lateness bound: 72 hours of transaction time. Messages come late from batch
/// files, other channels and retries; a weekend's batch released on Monday morning is about
/// 60 hours late, so 72 hours covers it with a margin. Each hour of bound keeps an hour more of
/// every window in memory.
pub const DEFAULT_MAX_LATENESS_HOURS: u32 = 72;

/// The longest lateness bound accepted: a year, the longest window.
const MAX_LATENESS_HOURS: u64 = 366 * 24;

/// Why a rules file was refused: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RulesError {
    /// 1-based line (1 when the error is about the whole file).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The default pack shipped with Cordon (`rules/default.toml`).
pub const DEFAULT_RULES: &str = include_str!("../../../rules/default.toml");

impl RulePack {
    /// The default pack.
    pub fn default_pack() -> Result<RulePack, RulesError> {
        RulePack::parse(DEFAULT_RULES)
    }

    /// Reads and checks a TOML rules file.
    pub fn parse(text: &str) -> Result<RulePack, RulesError> {
        // A TOML error without a place (none known) is put on line 1, the whole file.
        let raw: RawPack = toml::from_str(text).map_err(|e| RulesError {
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        if raw.version.get_ref().trim().is_empty() {
            return Err(RulesError {
                line: line_of(text, raw.version.span().start),
                message: "`version` is empty".into(),
            });
        }
        let fx = match &raw.fx {
            Some(fx) => {
                let line = line_of(text, fx.span().start);
                let table = fx.get_ref();
                FxTable::from_rates(&table.base, &table.rates)
                    .map_err(|message| RulesError { line, message })?
            }
            None => FxTable::builtin(),
        };
        let max_lateness_hours = match &raw.max_lateness_hours {
            Some(hours) => {
                let line = line_of(text, hours.span().start);
                check_range(
                    "max_lateness_hours",
                    u64::from(*hours.get_ref()),
                    0,
                    MAX_LATENESS_HOURS,
                )
                .map_err(|message| RulesError { line, message })?;
                *hours.get_ref()
            }
            None => DEFAULT_MAX_LATENESS_HOURS,
        };
        let border_areas = match raw.border_areas {
            Some(areas) => {
                let line = line_of(text, areas.span().start);
                let areas = areas.into_inner();
                check_border_areas(&areas).map_err(|message| RulesError { line, message })?;
                Some(areas)
            }
            None => None,
        };
        let mut rules: Vec<Rule> = Vec::new();
        for spanned in raw.rules {
            let line = line_of(text, spanned.span().start);
            let raw_rule = spanned.into_inner();
            let fail = |message: String| RulesError { line, message };
            if rules.iter().any(|r| r.id == raw_rule.id) {
                return Err(fail(format!("rule id {:?} appears twice", raw_rule.id)));
            }
            check_kind(&raw_rule.kind, &fx)
                .map_err(|m| fail(format!("rule {}: {m}", raw_rule.id)))?;
            if matches!(raw_rule.kind, RuleKind::ConflictBorder { .. }) && border_areas.is_none() {
                return Err(fail(format!(
                    "rule {}: a conflict_border rule needs a [border_areas] list in the pack",
                    raw_rule.id
                )));
            }
            if raw_rule.enabled {
                rules.push(Rule {
                    id: raw_rule.id,
                    version: raw_rule.version,
                    title: raw_rule.title,
                    description: raw_rule.description,
                    fatf: raw_rule.fatf,
                    kind: raw_rule.kind,
                    line,
                });
            }
        }
        Ok(RulePack {
            version: raw.version.into_inner(),
            rules,
            fx,
            max_lateness_hours,
            border_areas,
        })
    }
}

/// 1-based line of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text
        .as_bytes()
        .get(..offset.min(text.len()))
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

/// Checks parameters a TOML schema cannot: amounts, currencies, ranges.
fn check_kind(kind: &RuleKind, fx: &FxTable) -> Result<(), String> {
    match kind {
        RuleKind::Structuring {
            threshold,
            currency,
            margin_percent,
            window_days,
            min_count,
            ..
        } => {
            Threshold::parse(threshold, currency, fx)?;
            check_range("margin_percent", u64::from(*margin_percent), 1, 99)?;
            check_window(*window_days)?;
            check_range("min_count", *min_count as u64, 2, 10_000)
        }
        RuleKind::FanIn(fan) | RuleKind::FanOut(fan) => {
            check_window(fan.window_days)?;
            check_range("min_parties", fan.min_parties as u64, 2, 10_000)?;
            check_optional_amount(&fan.min_amount, &fan.currency, fx)
        }
        RuleKind::HighRiskJurisdiction {
            countries,
            min_amount,
            currency,
            ..
        } => {
            if countries.is_empty() {
                return Err("`countries` is empty".into());
            }
            check_countries(countries)?;
            check_optional_amount(min_amount, currency, fx)
        }
        RuleKind::RapidPassThrough {
            min_percent,
            max_percent,
            window_days,
            min_amount,
            currency,
        } => {
            check_range("min_percent", u64::from(*min_percent), 1, 100)?;
            if let Some(max) = max_percent {
                check_range(
                    "max_percent",
                    u64::from(*max),
                    u64::from(*min_percent),
                    1000,
                )?;
            }
            check_window(*window_days)?;
            Threshold::parse(min_amount, currency, fx).map(|_| ())
        }
        RuleKind::RoundAmount {
            unit,
            min_amount,
            currency,
            min_count,
            window_days,
            ..
        } => {
            let unit = Amount::parse(unit, b'.').map_err(|e| format!("`unit` {unit:?}: {e}"))?;
            if unit.is_zero() {
                return Err("`unit` is zero".into());
            }
            Threshold::parse(min_amount, currency, fx)?;
            check_window(*window_days)?;
            check_range("min_count", *min_count as u64, 1, 10_000)
        }
        RuleKind::ConflictBorder {
            min_amount,
            currency,
        } => Threshold::parse(min_amount, currency, fx).map(|_| ()),
        RuleKind::CollectForward {
            min_originators,
            max_amount,
            currency,
            min_percent,
            window_days,
            countries,
        } => {
            check_range("min_originators", *min_originators as u64, 2, 10_000)?;
            Threshold::parse(max_amount, currency, fx)?;
            check_range("min_percent", u64::from(*min_percent), 1, 100)?;
            check_window(*window_days)?;
            check_countries(countries)
        }
        RuleKind::NpoPayout {
            words,
            min_originators,
            max_amount,
            currency,
            window_days,
            countries,
        } => {
            if words.is_empty() {
                return Err("`words` is empty".into());
            }
            if let Some(bad) = words.iter().find(|w| cordon_names::normalize(w).is_empty()) {
                return Err(format!("word {bad:?} has no letter or digit"));
            }
            check_range("min_originators", *min_originators as u64, 2, 10_000)?;
            Threshold::parse(max_amount, currency, fx)?;
            check_window(*window_days)?;
            check_countries(countries)
        }
    }
}

fn check_countries(countries: &[String]) -> Result<(), String> {
    match countries.iter().find(|c| !is_country_code(c)) {
        Some(bad) => Err(format!("{bad:?} is not an ISO 3166-1 alpha-2 code")),
        None => Ok(()),
    }
}

fn check_border_areas(areas: &BorderAreas) -> Result<(), String> {
    if crate::time::parse_timestamp(&areas.as_of).is_none() || areas.as_of.trim().len() != 10 {
        return Err(format!(
            "border_areas: `as_of` {:?} is not a date YYYY-MM-DD",
            areas.as_of
        ));
    }
    if areas.areas.is_empty() {
        return Err("border_areas: no [[border_areas.area]]".into());
    }
    for area in &areas.areas {
        for code in [&area.country, &area.borders] {
            if !is_country_code(code) {
                return Err(format!(
                    "border_areas: {code:?} is not an ISO 3166-1 alpha-2 code"
                ));
            }
        }
        if area.places.is_empty() {
            return Err(format!(
                "border_areas: the {} area has no places",
                area.country
            ));
        }
        if let Some(bad) = area
            .places
            .iter()
            .find(|p| cordon_names::translit::clean_ascii(p).is_empty())
        {
            return Err(format!(
                "border_areas: place {bad:?} has no letter or digit"
            ));
        }
    }
    Ok(())
}

fn check_optional_amount(
    amount: &Option<String>,
    currency: &Option<String>,
    fx: &FxTable,
) -> Result<(), String> {
    match (amount, currency) {
        (Some(a), Some(c)) => Threshold::parse(a, c, fx).map(|_| ()),
        (Some(_), None) => Err("`min_amount` needs a `currency`".into()),
        _ => Ok(()),
    }
}

fn check_window(days: u32) -> Result<(), String> {
    check_range("window_days", u64::from(days), 1, 366)
}

fn check_range(name: &str, value: u64, low: u64, high: u64) -> Result<(), String> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(format!("`{name}` = {value} is outside {low}..={high}"))
    }
}

fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pack_parses_with_every_kind() {
        let pack = RulePack::default_pack().unwrap();
        assert!(!pack.version.is_empty());
        let kinds: std::collections::BTreeSet<&str> =
            pack.rules.iter().map(|r| r.kind.name()).collect();
        for kind in [
            "structuring",
            "fan_in",
            "fan_out",
            "high_risk_jurisdiction",
            "rapid_pass_through",
            "round_amount",
            "conflict_border",
            "collect_forward",
            "npo_payout",
        ] {
            assert!(kinds.contains(kind), "{kind} missing from the default pack");
        }
        assert!(pack.rules.iter().all(|r| r.fatf.contains("FATF")));
    }

    #[test]
    fn misspelt_parameter_names_its_line() {
        let text = "version = \"1\"\n\n[[rule]]\nid = \"A\"\ntitle = \"t\"\ndescription = \"d\"\nfatf = \"f\"\nkind = \"fan_in\"\nparams = { min_parties = 3, window_day = 2 }\n";
        let err = RulePack::parse(text).unwrap_err();
        assert!(err.line >= 3, "{err}");
        assert!(err.to_string().contains("window_day"), "{err}");
    }

    #[test]
    fn bad_currency_and_duplicate_ids_are_refused() {
        let rule = |id: &str, currency: &str| {
            format!("[[rule]]\nid = \"{id}\"\ntitle = \"t\"\ndescription = \"d\"\nfatf = \"f\"\nkind = \"rapid_pass_through\"\nparams = {{ min_percent = 80, window_days = 2, min_amount = \"1000\", currency = \"{currency}\" }}\n")
        };
        let text = format!("version = \"1\"\n{}", rule("A", "XYZ"));
        let err = RulePack::parse(&text).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("XYZ"), "{err}");
        let text = format!("version = \"1\"\n{}{}", rule("A", "EUR"), rule("A", "EUR"));
        let err = RulePack::parse(&text).unwrap_err();
        assert_eq!(err.line, 9, "{err}");
    }
    #[test]
    fn fx_and_version_errors_name_their_line() {
        let text = "# pack\nversion = \"1\"\nfx = { base = \"USD\", rates = { ABC = \"1\" } }\n";
        let err = RulePack::parse(text).unwrap_err();
        assert_eq!((err.line, err.message.contains("ABC")), (3, true), "{err}");
        let text = "\n[fx]\nbase = \"USD\"\nrates = { EUR = \"0\" }\n";
        let err = RulePack::parse(&format!("version = \"1\"\n{text}")).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        let err = RulePack::parse("\n\nversion = \" \"\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
    }

    /// Accepted or refused, never a panic; a refusal names a line of `text` and says what is
    /// wrong. True when refused.
    fn refused_at_a_line(text: &str) -> bool {
        match RulePack::parse(text) {
            Ok(_) => false,
            Err(err) => {
                let lines = text.split('\n').count();
                assert!((1..=lines).contains(&err.line), "{err} for {text:?}");
                assert!(!err.message.is_empty(), "{err} for {text:?}");
                true
            }
        }
    }

    #[test]
    fn every_truncation_of_the_default_pack_is_accepted_or_refused_at_a_line() {
        let refused = DEFAULT_RULES
            .char_indices()
            .filter(|(at, _)| refused_at_a_line(&DEFAULT_RULES[..*at]))
            .count();
        // Most cuts fall inside a rule or a string; only cuts between whole rules parse.
        assert!(refused > DEFAULT_RULES.len() / 2, "{refused} refused");
    }

    #[test]
    fn a_missing_required_key_names_its_rule() {
        let lines: Vec<&str> = DEFAULT_RULES.lines().collect();
        let required = ["id ", "title ", "description ", "fatf ", "kind ", "params "];
        let mut checked = 0;
        for (index, line) in lines.iter().enumerate() {
            let Some(header) = lines[..index].iter().rposition(|l| *l == "[[rule]]") else {
                continue;
            };
            if !required.iter().any(|key| line.starts_with(key)) {
                continue;
            }
            let mut without = lines.clone();
            without.remove(index);
            let err = RulePack::parse(&without.join("\n")).unwrap_err();
            // 1-based: the rule's header is line `header + 1`, the removed line was `index + 1`.
            assert!(
                (header + 1..=index + 1).contains(&err.line),
                "without {line:?}: {err}"
            );
            checked += 1;
        }
        assert!(checked >= 6 * 6, "{checked} lines checked");
    }

    /// Characters that mean something to TOML or to the pack, and a few that mean nothing.
    const EDITS: &[char] = &[
        '"',
        '\'',
        '=',
        '[',
        ']',
        '{',
        '}',
        ',',
        '.',
        '#',
        '\n',
        '\\',
        ' ',
        '0',
        '9',
        '-',
        'x',
        '\u{0}',
        '\u{7f}',
        '\u{e9}',
        '\u{1f600}',
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn edited_default_pack_is_accepted_or_refused_at_a_line(
            edits in proptest::collection::vec((0usize..4000, 0usize..3, 0usize..EDITS.len()), 1..6)
        ) {
            let mut text: Vec<char> = DEFAULT_RULES.chars().collect();
            for (at, op, pick) in edits {
                let at = at % (text.len() + 1);
                let c = EDITS[pick];
                match op {
                    0 => text.insert(at, c),
                    1 if at < text.len() => text[at] = c,
                    _ if at < text.len() => {
                        text.remove(at);
                    }
                    _ => text.push(c),
                }
            }
            refused_at_a_line(&text.into_iter().collect::<String>());
        }
    }
}
