//! The one static exchange-rate table of Cordon, and exact rates built from it.
//!
//! [`USD_RATES`] holds rounded, **indicative** mid rates against the US dollar. It is static: it
//! never updates itself and is not an official fixing. Its users only need to place an amount
//! roughly against a threshold (the typology rules of `cordon-monitor`, the FATF R16 de minimis
//! test of `cordon-payments`); a deployment that needs precise rates supplies its own (an `[fx]`
//! section in a rules file, `R16Config::rates`).
//!
//! Sources, all rounded by hand to two to four significant figures:
//! - currencies with a [`Quote::UsdPerUnit`] row: mid rates of January 2025;
//! - currencies with a [`Quote::PerUsd`] row: rounded 2024-2025 averages. GBP is one of them
//!   (0.79 per USD, about 1.266 USD) because the R16 tests place the 1,000 USD threshold at
//!   exactly 790 GBP.
//!
//! Each row keeps the direction its figure was taken in, so no rate is an inexact reciprocal;
//! [`Rate`] holds either direction as an exact ratio of two decimals.
//!
//! ```
//! use cordon_model::fx::usd_rates;
//! use cordon_model::transfer::{Amount, Currency};
//! use std::cmp::Ordering;
//!
//! let rates = usd_rates();
//! let eur = rates.iter().find(|(c, _)| *c == Currency::EUR).unwrap().1;
//! let amount = |text| Amount::parse(text, b'.').unwrap();
//! // 9,600 EUR at 1.04 USD are exactly 9,984 USD.
//! assert_eq!(eur.compare(&amount("9600"), &amount("9984")), Some(Ordering::Equal));
//! ```

use crate::transfer::{Amount, Currency};
use std::cmp::Ordering;

/// Year and month the table was compiled (see the module documentation for its sources).
pub const AS_OF: &str = "2025-01";

/// How a row of [`USD_RATES`] states its rate: a plain decimal in one of two directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// US dollars for one unit of the currency (`EUR`: `"1.04"`).
    UsdPerUnit(&'static str),
    /// Units of the currency for one US dollar (`JPY`-style quotes: `"150"`).
    PerUsd(&'static str),
}

/// Indicative rates against the US dollar, sorted by ISO 4217 code.
#[rustfmt::skip]
pub const USD_RATES: &[(&str, Quote)] = {
    use Quote::{PerUsd, UsdPerUnit};
    &[
        ("AED", UsdPerUnit("0.2723")), ("AFN", UsdPerUnit("0.0142")), ("AMD", PerUsd("390")),
        ("AUD", UsdPerUnit("0.62")), ("AZN", PerUsd("1.7")), ("BGN", PerUsd("1.8")),
        ("BRL", PerUsd("5.5")), ("CAD", UsdPerUnit("0.69")), ("CHF", UsdPerUnit("1.10")),
        ("CNY", UsdPerUnit("0.137")), ("CZK", PerUsd("23")), ("DKK", UsdPerUnit("0.139")),
        ("EGP", UsdPerUnit("0.0198")), ("EUR", UsdPerUnit("1.04")), ("GBP", PerUsd("0.79")),
        ("GEL", PerUsd("2.7")), ("HKD", UsdPerUnit("0.128")), ("HUF", PerUsd("360")),
        ("ILS", PerUsd("3.7")), ("INR", UsdPerUnit("0.0116")), ("IQD", UsdPerUnit("0.00076")),
        ("IRR", UsdPerUnit("0.0000238")), ("JPY", UsdPerUnit("0.0064")),
        ("KGS", UsdPerUnit("0.0115")), ("KWD", UsdPerUnit("3.24")), ("KZT", UsdPerUnit("0.0019")),
        ("MXN", PerUsd("18")), ("NGN", UsdPerUnit("0.00065")), ("NOK", UsdPerUnit("0.088")),
        ("NZD", PerUsd("1.7")), ("PKR", UsdPerUnit("0.0036")), ("PLN", UsdPerUnit("0.243")),
        ("QAR", UsdPerUnit("0.2747")), ("RON", UsdPerUnit("0.209")),
        ("RUB", UsdPerUnit("0.0098")), ("SAR", UsdPerUnit("0.2666")), ("SEK", UsdPerUnit("0.090")),
        ("SGD", UsdPerUnit("0.73")), ("SYP", UsdPerUnit("0.000077")), ("TJS", UsdPerUnit("0.091")),
        ("TMT", UsdPerUnit("0.2857")),
        ("TRY", UsdPerUnit("0.028")), ("UAH", PerUsd("41")), ("USD", UsdPerUnit("1")),
        ("UZS", UsdPerUnit("0.000077")), ("YER", UsdPerUnit("0.004")), ("ZAR", PerUsd("18.5")),
    ]
};

/// An exact exchange rate: `units` of a currency are worth `base` units of the base currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    /// Amount of the currency (1 for a per-unit rate); never zero in a usable rate.
    pub units: Amount,
    /// What `units` are worth in the base currency.
    pub base: Amount,
}

impl Rate {
    /// `base` base-currency units for one unit of the currency.
    pub fn per_unit(base: Amount) -> Rate {
        Rate {
            units: Amount::from_parts(1, 0),
            base,
        }
    }

    /// Compares `amount` of the currency with `base_amount` of the base currency, exactly
    /// (`amount * base` against `base_amount * units`). `None` only when a product overflows.
    pub fn compare(&self, amount: &Amount, base_amount: &Amount) -> Option<Ordering> {
        let left = amount.mantissa().checked_mul(self.base.mantissa())?;
        let right = base_amount.mantissa().checked_mul(self.units.mantissa())?;
        let left_scale = u32::from(amount.scale()) + u32::from(self.base.scale());
        let right_scale = u32::from(base_amount.scale()) + u32::from(self.units.scale());
        Some(if left_scale <= right_scale {
            compare_scaled(left, right_scale - left_scale, right)
        } else {
            compare_scaled(right, left_scale - right_scale, left).reverse()
        })
    }
}

/// Compares `value * 10^shift` with `other` (both non-negative) without overflowing: a
/// product too large for `i128` is larger than anything that fits.
fn compare_scaled(value: i128, shift: u32, other: i128) -> Ordering {
    match 10i128.checked_pow(shift).and_then(|f| value.checked_mul(f)) {
        Some(scaled) => scaled.cmp(&other),
        None if value == 0 => 0.cmp(&other),
        None => Ordering::Greater,
    }
}

impl Quote {
    /// The row as an exact rate into US dollars; `None` for a malformed or zero figure.
    pub fn rate(&self) -> Option<Rate> {
        let one = Amount::from_parts(1, 0);
        let (text, per_usd) = match *self {
            Quote::UsdPerUnit(text) => (text, false),
            Quote::PerUsd(text) => (text, true),
        };
        let figure = Amount::parse(text, b'.').ok().filter(|a| !a.is_zero())?;
        Some(if per_usd {
            Rate {
                units: figure,
                base: one,
            }
        } else {
            Rate::per_unit(figure)
        })
    }
}

/// [`USD_RATES`] read into currencies and exact rates into US dollars.
pub fn usd_rates() -> Vec<(Currency, Rate)> {
    USD_RATES
        .iter()
        .filter_map(|(code, quote)| Some((Currency::parse(code)?, quote.rate()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Amount {
        Amount::parse(text, b'.').unwrap()
    }

    #[test]
    fn every_row_is_an_active_currency_with_a_positive_rate_in_code_order() {
        assert_eq!(usd_rates().len(), USD_RATES.len());
        let codes: Vec<&str> = USD_RATES.iter().map(|(c, _)| *c).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        assert!(codes.contains(&"USD") && codes.contains(&"EUR"));
    }

    #[test]
    fn both_directions_compare_exactly() {
        let rates = usd_rates();
        let rate = |code: &str| {
            rates
                .iter()
                .find(|(c, _)| c.as_str() == code)
                .map(|(_, r)| *r)
                .unwrap()
        };
        // 0.79 GBP per USD: 790 GBP are exactly 1,000 USD.
        let gbp = rate("GBP");
        assert_eq!(
            gbp.compare(&amount("790"), &amount("1000")),
            Some(Ordering::Equal)
        );
        assert_eq!(
            gbp.compare(&amount("789.99"), &amount("1000")),
            Some(Ordering::Less)
        );
        // 1.04 USD per EUR.
        let eur = rate("EUR");
        assert_eq!(
            eur.compare(&amount("9600.01"), &amount("9984")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            rate("USD").compare(&amount("0"), &amount("0")),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn extreme_scales_do_not_overflow() {
        let tiny = amount("0.000000000000000001");
        let huge = amount(&"9".repeat(20));
        let eur = Rate::per_unit(amount("1.04"));
        assert_eq!(eur.compare(&huge, &tiny), Some(Ordering::Greater));
        assert_eq!(eur.compare(&tiny, &huge), Some(Ordering::Less));
        let wide = Rate {
            units: huge,
            base: huge,
        };
        assert_eq!(wide.compare(&huge, &huge), None);
        assert_eq!(Quote::PerUsd("0").rate(), None);
        assert_eq!(Quote::UsdPerUnit("1,5").rate(), None);
    }
}
