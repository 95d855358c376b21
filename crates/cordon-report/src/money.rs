//! Amounts in the local currency. goAML reports every transaction's `amount_local`; a transfer
//! in another currency is converted with the one indicative rate table of Cordon
//! (`cordon_model::fx`, static mid rates, not an official fixing) and the foreign amount and rate
//! are reported beside it (`from_foreign_currency`), so the FIU sees what was sent.

use cordon_model::fx::{usd_rate, Rate};
use cordon_model::transfer::{Amount, Currency};

/// Decimals of a converted amount: cents; goAML reads `amount_local` as a plain decimal.
const LOCAL_SCALE: u8 = 2;
/// Decimals of a reported exchange rate: enough for JPY-per-KWD style ratios.
const RATE_SCALE: u8 = 6;
/// The schema's `sql_decimal` carries at most 13 fraction digits.
pub const MAX_FRACTION_DIGITS: u8 = 13;

/// An amount converted into the local currency, with the rate used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The amount in the local currency, rounded half up to cents.
    pub local: Amount,
    /// Local currency units per unit of the foreign one, rounded to six decimals.
    pub rate: Amount,
}

/// `amount` of `from` in `to`, through the indicative US dollar rates; `None` when either
/// currency has no rate or the arithmetic overflows.
pub fn convert(amount: Amount, from: Currency, to: Currency) -> Option<Converted> {
    let (from_rate, _) = usd_rate(from)?;
    let (to_rate, _) = usd_rate(to)?;
    // local = amount * from.base * to.units / (from.units * to.base)
    let numerator = [amount, from_rate.base, to_rate.units];
    let denominator = [from_rate.units, to_rate.base];
    Some(Converted {
        local: ratio(&numerator, &denominator, LOCAL_SCALE)?,
        rate: rate_between(from_rate, to_rate)?,
    })
}

fn rate_between(from: Rate, to: Rate) -> Option<Amount> {
    ratio(&[from.base, to.units], &[from.units, to.base], RATE_SCALE)
}

/// The product of `numerator` over the product of `denominator`, rounded half up to `scale`.
fn ratio(numerator: &[Amount], denominator: &[Amount], scale: u8) -> Option<Amount> {
    let (mut top, top_scale) = product(numerator)?;
    let (bottom, bottom_scale) = product(denominator)?;
    if bottom == 0 {
        return None;
    }
    // value = top / 10^top_scale / (bottom / 10^bottom_scale); wanted: value * 10^scale.
    let shift = i32::from(scale) + bottom_scale - top_scale;
    let mut bottom = bottom;
    if shift >= 0 {
        top = top.checked_mul(10i128.checked_pow(shift.unsigned_abs())?)?;
    } else {
        bottom = bottom.checked_mul(10i128.checked_pow(shift.unsigned_abs())?)?;
    }
    let rounded = (top.checked_mul(2)?.checked_add(bottom)?) / bottom.checked_mul(2)?;
    Some(Amount::from_parts(rounded, scale))
}

/// The product of mantissas and the sum of scales.
fn product(factors: &[Amount]) -> Option<(i128, i32)> {
    factors.iter().try_fold((1i128, 0i32), |(m, s), a| {
        Some((m.checked_mul(a.mantissa())?, s + i32::from(a.scale())))
    })
}

/// The amount as `sql_decimal` text, or `None` with more fraction digits than the schema allows.
pub fn decimal_text(amount: &Amount) -> Option<String> {
    (amount.scale() <= MAX_FRACTION_DIGITS).then(|| amount.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Amount {
        Amount::parse(text, b'.').unwrap()
    }

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn conversion_goes_through_the_table_rates() {
        // The table holds AED at 0.2723 USD per unit: 1000 USD = 3672.4210... AED.
        let c = convert(amount("1000"), currency("USD"), currency("AED")).unwrap();
        assert_eq!(c.local, amount("3672.42"));
        assert_eq!(c.rate, amount("3.672420"));
        let back = convert(amount("1"), currency("AED"), currency("USD")).unwrap();
        assert_eq!(back.rate, amount("0.2723"));
    }

    #[test]
    fn rounding_is_half_up_to_cents() {
        // EUR at 1.04 USD: 0.0625 EUR = 0.065 USD exactly, a half cent.
        let c = convert(amount("0.0625"), currency("EUR"), currency("USD")).unwrap();
        assert_eq!(c.local, amount("0.07"));
        let c = convert(amount("0.0624"), currency("EUR"), currency("USD")).unwrap();
        assert_eq!(c.local, amount("0.06"));
    }

    #[test]
    fn no_rate_means_no_conversion() {
        assert_eq!(convert(amount("1"), currency("XTS"), currency("USD")), None);
    }

    #[test]
    fn decimals_beyond_the_schema_are_refused() {
        assert_eq!(decimal_text(&amount("1.25")).as_deref(), Some("1.25"));
        assert_eq!(decimal_text(&amount("0.00000000000001")), None);
    }
}
