//! Exact money arithmetic for thresholds: amounts are converted into a base currency with a
//! static exchange-rate table (by default the shared one of [`cordon_model::fx`]) and compared
//! as integers, never as floats.
//!
//! A base value is an `i128` count of 10^-12 base-currency units. Amounts have at most a few
//! decimals and per-unit rates at most seven, so their conversion is exact (a rate quoted in
//! units per base unit is truncated at 10^-12); arithmetic saturates instead of overflowing
//! (an amount of 10^20 units is still "above" every threshold).

use cordon_model::fx::{usd_rates, Rate};
use cordon_model::transfer::{Amount, Currency, Money};
use std::collections::BTreeMap;

/// Decimals of a base value.
pub const BASE_SCALE: u8 = 12;

/// Exchange rates into one base currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxTable {
    base: Currency,
    rates: BTreeMap<Currency, Rate>,
}

impl FxTable {
    /// The built-in table: base USD, the shared indicative rates of [`cordon_model::fx`]
    /// (static, see there for their date and sources).
    pub fn builtin() -> FxTable {
        FxTable {
            base: Currency::USD,
            rates: usd_rates().into_iter().collect(),
        }
    }

    /// A table from a rules file: `base` and base units per one unit of each currency.
    pub fn from_rates(base: &str, rates: &BTreeMap<String, String>) -> Result<FxTable, String> {
        let base = parse_currency(base)?;
        let mut table = BTreeMap::new();
        table.insert(base, Rate::per_unit(Amount::from_parts(1, 0)));
        for (code, rate) in rates {
            let currency = parse_currency(code)?;
            let rate = Amount::parse(rate, b'.').map_err(|e| format!("rate of {code}: {e}"))?;
            if rate.is_zero() {
                return Err(format!("rate of {code} is zero"));
            }
            table.insert(currency, Rate::per_unit(rate));
        }
        Ok(FxTable { base, rates: table })
    }

    /// The base currency.
    pub fn base(&self) -> Currency {
        self.base
    }

    /// `money` in 10^-12 base units; `None` when its currency has no rate.
    pub fn to_base(&self, money: &Money) -> Option<i128> {
        let rate = self.rates.get(&money.currency)?;
        Some(to_base_units(&money.amount, rate))
    }
}

/// `amount * rate.base / rate.units` at [`BASE_SCALE`], truncated; saturates at `i128::MAX`.
fn to_base_units(amount: &Amount, rate: &Rate) -> i128 {
    let Some(product) = amount.mantissa().checked_mul(rate.base.mantissa()) else {
        return i128::MAX;
    };
    // Dividing by `units` (mantissa at its own scale) adds its decimals to the target scale.
    let scale = i32::from(amount.scale()) + i32::from(rate.base.scale());
    let target = i32::from(BASE_SCALE) + i32::from(rate.units.scale());
    rescale(product, scale, target)
        .and_then(|scaled| scaled.checked_div(rate.units.mantissa()))
        .unwrap_or(i128::MAX)
}

/// Moves `value` (with `from` decimals) to `to` decimals: exact upwards (`None` on overflow),
/// truncating downwards.
fn rescale(value: i128, from: i32, to: i32) -> Option<i128> {
    let shift = (to - from).unsigned_abs();
    match 10i128.checked_pow(shift) {
        Some(factor) if to >= from => value.checked_mul(factor),
        Some(factor) => Some(value / factor),
        None if to >= from && value != 0 => None,
        None => Some(0),
    }
}

/// An amount a rule compares against, kept in its own currency and in base units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    /// As written.
    pub money: Money,
    /// In 10^-12 base units.
    pub base: i128,
}

impl Threshold {
    /// Reads `"10000"` in `"USD"`; the currency must have a rate in `fx`.
    pub fn parse(amount: &str, currency: &str, fx: &FxTable) -> Result<Threshold, String> {
        let amount = Amount::parse(amount, b'.').map_err(|e| format!("amount {amount:?}: {e}"))?;
        let currency = parse_currency(currency)?;
        let money = Money { amount, currency };
        let base = fx
            .to_base(&money)
            .ok_or_else(|| format!("no exchange rate for {currency} in the FX table"))?;
        Ok(Threshold { money, base })
    }

    /// `percent` % of this threshold in base units (exact up to 10^-12 base units).
    pub fn percent_of(&self, percent: u8) -> i128 {
        self.base.saturating_mul(i128::from(percent)) / 100
    }
}

/// True when `amount` is an exact multiple of `unit` (both in the same currency).
pub fn is_multiple_of(amount: &Amount, unit: &Amount) -> bool {
    let scale = amount.scale().max(unit.scale());
    match (
        amount.mantissa_at_scale(scale),
        unit.mantissa_at_scale(scale),
    ) {
        (Some(a), Some(u)) if u > 0 => a % u == 0,
        _ => false,
    }
}

/// Reads a currency code, naming it when it is not an active ISO 4217 code.
pub(crate) fn parse_currency(code: &str) -> Result<Currency, String> {
    Currency::parse(code).ok_or_else(|| format!("{code:?} is not an active ISO 4217 currency code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str, code: &str) -> Money {
        Money {
            amount: Amount::parse(text, b'.').unwrap(),
            currency: Currency::parse(code).unwrap(),
        }
    }

    #[test]
    fn conversion_is_exact_and_ordered() {
        let fx = FxTable::builtin();
        let ten_k = Threshold::parse("10000", "USD", &fx).unwrap();
        assert_eq!(fx.to_base(&money("10000", "USD")), Some(ten_k.base));
        assert!(fx.to_base(&money("9999.99", "USD")).unwrap() < ten_k.base);
        // 9,600 EUR at 1.04 is 9,984 USD: just below.
        assert_eq!(
            fx.to_base(&money("9600", "EUR")),
            fx.to_base(&money("9984", "USD"))
        );
        assert_eq!(
            ten_k.percent_of(90),
            fx.to_base(&money("9000", "USD")).unwrap()
        );
        assert!(fx.to_base(&money("5", "XTS")).is_none());
    }

    #[test]
    fn builtin_rates_in_either_direction_convert() {
        let fx = FxTable::builtin();
        // GBP is quoted 0.79 per USD in the shared table: 790 GBP are exactly 1,000 USD.
        assert_eq!(
            fx.to_base(&money("790", "GBP")),
            fx.to_base(&money("1000", "USD"))
        );
        // 1.7846 NZD per USD: 1 NZD is 0.560349658186 USD, truncated at 10^-12.
        assert_eq!(fx.to_base(&money("1", "NZD")), Some(560_349_658_186));
        let huge = fx.to_base(&money(&"9".repeat(20), "UZS")).unwrap();
        assert!(huge > fx.to_base(&money("1000000", "USD")).unwrap());
    }

    #[test]
    fn huge_amounts_saturate_instead_of_overflowing() {
        let fx = FxTable::builtin();
        let huge = fx.to_base(&money(&"9".repeat(20), "KWD")).unwrap();
        assert!(huge > fx.to_base(&money("1000000000", "USD")).unwrap());
    }

    #[test]
    fn multiples_are_exact() {
        let unit = Amount::parse("1000", b'.').unwrap();
        assert!(is_multiple_of(
            &Amount::parse("25000.00", b'.').unwrap(),
            &unit
        ));
        assert!(!is_multiple_of(
            &Amount::parse("25000.01", b'.').unwrap(),
            &unit
        ));
        assert!(!is_multiple_of(
            &Amount::parse("0", b'.').unwrap(),
            &Amount::default()
        ));
    }

    #[test]
    fn rules_file_table_needs_known_codes() {
        let mut rates = BTreeMap::new();
        rates.insert("EUR".to_string(), "1.1".to_string());
        let fx = FxTable::from_rates("USD", &rates).unwrap();
        assert_eq!(
            fx.to_base(&money("10", "EUR")),
            fx.to_base(&money("11", "USD"))
        );
        rates.insert("ABC".to_string(), "1".to_string());
        assert!(FxTable::from_rates("USD", &rates)
            .unwrap_err()
            .contains("ABC"));
    }
}
