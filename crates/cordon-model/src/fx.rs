//! The one static exchange-rate table of Cordon, and exact rates built from it.
//!
//! [`USD_RATES`] holds rounded, **indicative** mid rates against the US dollar. It is static: it
//! never updates itself and is not an official fixing. Its users only need to place an amount
//! roughly against a threshold (the typology rules of `cordon-monitor`, the FATF R16 de minimis
//! test of `cordon-payments`); a deployment that needs precise rates supplies its own (an `[fx]`
//! section in a rules file, `R16Config::rates`).
//!
//! Sources. Each row carries the month of its figure; rows are rounded to two to four
//! significant figures, and a checked row is kept as it was when within 1% of its source
//! (the test `checked_rows_agree_with_their_published_source` holds the source figures):
//! - **ECB euro foreign exchange reference rates of 28 February 2025** (the 30 currencies the
//!   ECB quotes: USD 1.0411 per EUR, JPY, GBP, CHF, SEK, NOK, DKK, PLN, CZK, HUF, RON, BGN, ISK,
//!   TRY, AUD, NZD, CAD, BRL, MXN, CNY, HKD, SGD, KRW, INR, IDR, MYR, PHP, THB, ILS, ZAR), turned
//!   into USD rates through the EUR/USD figure: rows dated `2025-02`;
//! - **IMF currency values in terms of the SDR of 27 February 2025** (USD 0.761522 SDR) for
//!   currencies the ECB lacks: DZD, BWP, BND, CLP, KWD (26 February), MUR, PEN, RUB, TTD
//!   (24 February), and XDR itself (XUA, the AfDB unit, is one SDR): `2025-02`;
//! - **legal pegs** (`2025-02`): AED 3.6725, SAR 3.75, QAR 3.64, OMR 0.3845, BHD 0.376, JOD
//!   0.709, KYD 0.8333, BBD/BZD 2, AWG/XCG 1.79, XCD 2.70, DJF 177.721, ERN 15 per USD; BMD,
//!   BSD, PAB, USN at par; XOF/XAF 655.957, KMF 491.96775, CVE 110.265, XPF 119.33174, BAM
//!   1.95583, STN 24.5 per EUR; FKP/GIP/SHP at par with GBP, LSL/NAD/SZL with ZAR, BTN with
//!   INR, NPR 1.6 per INR, MOP 1.03 per HKD, CHE/CHW as CHF;
//! - the other rows (`2025-01`) are indicative January 2025 mid rates **not checked against a
//!   published table** (the ECB does not quote them and no dated IMF figure was at hand):
//!   RWF, LKR, KES, UZS, KZT, IRR, SYP and the rest of ISO 4217 stay in the table so that an
//!   amount like RWF 10 is placed as the small amount it is rather than as "rate unknown",
//!   but a deployment that relies on them should supply its own rates.
//!
//! Codes in [`NO_RATE`] have no row: callers say "rate unknown" rather than guess.
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
//! // 9,600 EUR at 1.04 USD (ECB 28 February 2025: 1.0411) are exactly 9,984 USD.
//! assert_eq!(eur.compare(&amount("9600"), &amount("9984")), Some(Ordering::Equal));
//! ```

use crate::transfer::{Amount, Currency};
use std::cmp::Ordering;

/// Year and month of the newest figures in the table (see the module documentation for its
/// sources; each row carries its own month).
pub const AS_OF: &str = "2025-02";

/// How a row of [`USD_RATES`] states its rate: a plain decimal in one of two directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// US dollars for one unit of the currency (`EUR`: `"1.04"`).
    UsdPerUnit(&'static str),
    /// Units of the currency for one US dollar (`JPY`-style quotes: `"150"`).
    PerUsd(&'static str),
}

/// Indicative rates against the US dollar with the month each was taken, sorted by ISO 4217
/// code: every active code of [`crate::transfer::ACTIVE_CURRENCIES`] except those that have no
/// market rate or none this table can vouch for (see [`NO_RATE`]).
#[rustfmt::skip]
pub const USD_RATES: &[(&str, Quote, &str)] = {
    use Quote::{PerUsd, UsdPerUnit};
    &[
        ("AED", UsdPerUnit("0.2723"), "2025-02"), ("AFN", UsdPerUnit("0.0142"), "2025-01"),
        ("ALL", PerUsd("94"), "2025-01"), ("AMD", PerUsd("390"), "2025-01"),
        ("AOA", PerUsd("912"), "2025-01"), ("ARS", PerUsd("1040"), "2025-01"),
        ("AUD", UsdPerUnit("0.62"), "2025-02"), ("AWG", PerUsd("1.79"), "2025-02"),
        ("AZN", PerUsd("1.7"), "2025-01"), ("BAM", PerUsd("1.88"), "2025-02"),
        ("BBD", PerUsd("2"), "2025-02"), ("BDT", PerUsd("121"), "2025-01"),
        ("BGN", PerUsd("1.88"), "2025-02"), ("BHD", UsdPerUnit("2.66"), "2025-02"),
        ("BIF", PerUsd("2950"), "2025-01"), ("BMD", UsdPerUnit("1"), "2025-02"),
        ("BND", PerUsd("1.34"), "2025-02"), ("BOB", PerUsd("6.91"), "2025-01"),
        ("BRL", PerUsd("5.83"), "2025-02"), ("BSD", UsdPerUnit("1"), "2025-02"),
        ("BTN", PerUsd("87.4"), "2025-02"), ("BWP", PerUsd("13.9"), "2025-02"),
        ("BYN", PerUsd("3.27"), "2025-01"), ("BZD", PerUsd("2"), "2025-02"),
        ("CAD", UsdPerUnit("0.69"), "2025-02"), ("CDF", PerUsd("2840"), "2025-01"),
        ("CHE", UsdPerUnit("1.10"), "2025-02"), ("CHF", UsdPerUnit("1.10"), "2025-02"),
        ("CHW", UsdPerUnit("1.10"), "2025-02"), ("CLF", UsdPerUnit("38"), "2025-01"),
        ("CLP", PerUsd("941"), "2025-02"), ("CNY", UsdPerUnit("0.137"), "2025-02"),
        ("COP", PerUsd("4300"), "2025-01"), ("COU", UsdPerUnit("0.086"), "2025-01"),
        ("CRC", PerUsd("505"), "2025-01"), ("CUP", PerUsd("24"), "2025-01"),
        ("CVE", PerUsd("106"), "2025-02"), ("CZK", PerUsd("24"), "2025-02"),
        ("DJF", PerUsd("178"), "2025-02"), ("DKK", UsdPerUnit("0.139"), "2025-02"),
        ("DOP", PerUsd("61.5"), "2025-01"), ("DZD", PerUsd("135"), "2025-02"),
        ("EGP", UsdPerUnit("0.0198"), "2025-01"), ("ERN", PerUsd("15"), "2025-02"),
        ("ETB", PerUsd("126"), "2025-01"), ("EUR", UsdPerUnit("1.04"), "2025-02"),
        ("FJD", PerUsd("2.32"), "2025-01"), ("FKP", PerUsd("0.79"), "2025-02"),
        ("GBP", PerUsd("0.79"), "2025-02"), ("GEL", PerUsd("2.7"), "2025-01"),
        ("GHS", PerUsd("14.7"), "2025-01"), ("GIP", PerUsd("0.79"), "2025-02"),
        ("GMD", PerUsd("72"), "2025-01"), ("GNF", PerUsd("8600"), "2025-01"),
        ("GTQ", PerUsd("7.7"), "2025-01"), ("GYD", PerUsd("209"), "2025-01"),
        ("HKD", UsdPerUnit("0.128"), "2025-02"), ("HNL", PerUsd("25.4"), "2025-01"),
        ("HTG", PerUsd("131"), "2025-01"), ("HUF", PerUsd("384"), "2025-02"),
        ("IDR", PerUsd("16500"), "2025-02"), ("ILS", PerUsd("3.6"), "2025-02"),
        ("INR", UsdPerUnit("0.0114"), "2025-02"), ("IQD", UsdPerUnit("0.00076"), "2025-01"),
        ("IRR", UsdPerUnit("0.0000238"), "2025-01"), ("ISK", PerUsd("140"), "2025-02"),
        ("JMD", PerUsd("157"), "2025-01"), ("JOD", UsdPerUnit("1.41"), "2025-02"),
        ("JPY", UsdPerUnit("0.00663"), "2025-02"), ("KES", PerUsd("129"), "2025-01"),
        ("KGS", UsdPerUnit("0.0115"), "2025-01"), ("KHR", PerUsd("4020"), "2025-01"),
        ("KMF", PerUsd("470"), "2025-02"), ("KPW", PerUsd("900"), "2025-01"),
        ("KRW", PerUsd("1460"), "2025-02"), ("KWD", UsdPerUnit("3.24"), "2025-02"),
        ("KYD", UsdPerUnit("1.20"), "2025-02"), ("KZT", UsdPerUnit("0.0019"), "2025-01"),
        ("LAK", PerUsd("21900"), "2025-01"), ("LBP", PerUsd("89500"), "2025-01"),
        ("LKR", PerUsd("295"), "2025-01"), ("LRD", PerUsd("185"), "2025-01"),
        ("LSL", PerUsd("18.5"), "2025-02"), ("LYD", PerUsd("4.9"), "2025-01"),
        ("MAD", PerUsd("10"), "2025-01"), ("MDL", PerUsd("18.5"), "2025-01"),
        ("MGA", PerUsd("4700"), "2025-01"), ("MKD", PerUsd("59"), "2025-01"),
        ("MMK", PerUsd("2100"), "2025-01"), ("MNT", PerUsd("3400"), "2025-01"),
        ("MOP", PerUsd("8"), "2025-02"), ("MRU", PerUsd("39.8"), "2025-01"),
        ("MUR", PerUsd("46.5"), "2025-02"), ("MVR", PerUsd("15.4"), "2025-01"),
        ("MWK", PerUsd("1735"), "2025-01"), ("MXN", PerUsd("20.4"), "2025-02"),
        ("MXV", UsdPerUnit("0.41"), "2025-01"), ("MYR", PerUsd("4.48"), "2025-02"),
        ("MZN", PerUsd("63.9"), "2025-01"), ("NAD", PerUsd("18.5"), "2025-02"),
        ("NGN", UsdPerUnit("0.00065"), "2025-01"), ("NIO", PerUsd("36.8"), "2025-01"),
        ("NOK", UsdPerUnit("0.088"), "2025-02"), ("NPR", PerUsd("140"), "2025-02"),
        ("NZD", PerUsd("1.7846"), "2025-02"), ("OMR", UsdPerUnit("2.60"), "2025-02"),
        ("PAB", UsdPerUnit("1"), "2025-02"), ("PEN", PerUsd("3.68"), "2025-02"),
        ("PGK", PerUsd("4"), "2025-01"), ("PHP", PerUsd("58.5"), "2025-02"),
        ("PKR", UsdPerUnit("0.0036"), "2025-01"), ("PLN", UsdPerUnit("0.251"), "2025-02"),
        ("PYG", PerUsd("7900"), "2025-01"), ("QAR", UsdPerUnit("0.2747"), "2025-02"),
        ("RON", UsdPerUnit("0.209"), "2025-02"), ("RSD", PerUsd("112"), "2025-01"),
        ("RUB", UsdPerUnit("0.0114"), "2025-02"), ("RWF", PerUsd("1390"), "2025-01"),
        ("SAR", UsdPerUnit("0.2666"), "2025-02"), ("SBD", PerUsd("8.4"), "2025-01"),
        ("SCR", PerUsd("14.3"), "2025-01"), ("SDG", PerUsd("600"), "2025-01"),
        ("SEK", UsdPerUnit("0.0931"), "2025-02"), ("SGD", UsdPerUnit("0.742"), "2025-02"),
        ("SHP", PerUsd("0.79"), "2025-02"), ("SLE", PerUsd("22.7"), "2025-01"),
        ("SOS", PerUsd("571"), "2025-01"), ("SRD", PerUsd("35"), "2025-01"),
        ("SSP", PerUsd("4500"), "2025-01"), ("STN", PerUsd("23.5"), "2025-02"),
        ("SVC", PerUsd("8.75"), "2025-01"), ("SYP", UsdPerUnit("0.000077"), "2025-01"),
        ("SZL", PerUsd("18.5"), "2025-02"), ("THB", PerUsd("34.5"), "2025-02"),
        ("TJS", UsdPerUnit("0.091"), "2025-01"), ("TMT", UsdPerUnit("0.2857"), "2025-01"),
        ("TND", PerUsd("3.19"), "2025-01"), ("TOP", PerUsd("2.4"), "2025-01"),
        ("TRY", UsdPerUnit("0.0274"), "2025-02"), ("TTD", PerUsd("6.78"), "2025-02"),
        ("TWD", PerUsd("32.8"), "2025-01"), ("TZS", PerUsd("2500"), "2025-01"),
        ("UAH", PerUsd("41"), "2025-01"), ("UGX", PerUsd("3680"), "2025-01"),
        ("USD", UsdPerUnit("1"), "2025-01"), ("USN", UsdPerUnit("1"), "2025-02"),
        ("UYI", UsdPerUnit("0.14"), "2025-01"), ("UYU", PerUsd("44"), "2025-01"),
        ("UZS", UsdPerUnit("0.000077"), "2025-01"), ("VED", PerUsd("52"), "2025-01"),
        ("VES", PerUsd("52"), "2025-01"), ("VND", PerUsd("25400"), "2025-01"),
        ("VUV", PerUsd("119"), "2025-01"), ("WST", PerUsd("2.8"), "2025-01"),
        ("XAF", PerUsd("630"), "2025-02"), ("XAG", UsdPerUnit("30"), "2025-01"),
        ("XAU", UsdPerUnit("2700"), "2025-01"), ("XCD", PerUsd("2.7"), "2025-02"),
        ("XCG", PerUsd("1.79"), "2025-02"), ("XDR", UsdPerUnit("1.31"), "2025-02"),
        ("XOF", PerUsd("630"), "2025-02"), ("XPD", UsdPerUnit("920"), "2025-01"),
        ("XPF", PerUsd("114.5"), "2025-02"), ("XPT", UsdPerUnit("950"), "2025-01"),
        ("XUA", UsdPerUnit("1.31"), "2025-02"), ("YER", UsdPerUnit("0.004"), "2025-01"),
        ("ZAR", PerUsd("18.5"), "2025-02"), ("ZMW", PerUsd("27.8"), "2025-01"),
        ("ZWG", PerUsd("26"), "2025-01"),
    ]
};

/// Active ISO 4217 codes deliberately without a rate: the testing code (XTS), the European
/// bond-market units (XBA-XBD), and fund codes whose value this table cannot state reliably
/// (BOV, UYW, XSU). Amounts in them are reported as "rate unknown", never guessed.
pub const NO_RATE: &[&str] = &["BOV", "UYW", "XBA", "XBB", "XBC", "XBD", "XSU", "XTS"];

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
        .filter_map(|(code, quote, _)| Some((Currency::parse(code)?, quote.rate()?)))
        .collect()
}

/// The indicative rate of `currency` into US dollars and the month it is from (`2025-01`);
/// `None` when the table has no rate for it ([`NO_RATE`]).
pub fn usd_rate(currency: Currency) -> Option<(Rate, &'static str)> {
    let code = currency.as_str();
    let i = USD_RATES
        .binary_search_by(|(c, _, _)| (*c).cmp(code))
        .ok()?;
    let (_, quote, month) = USD_RATES.get(i)?;
    Some((quote.rate()?, month))
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
        let codes: Vec<&str> = USD_RATES.iter().map(|(c, _, _)| *c).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        assert!(codes.contains(&"USD") && codes.contains(&"EUR"));
        for (code, _, month) in USD_RATES {
            assert!(
                month.len() == 7 && month.as_bytes()[4] == b'-',
                "{code}: {month}"
            );
        }
    }

    #[test]
    fn every_active_currency_has_a_rate_or_is_declared_without_one() {
        for (code, _) in crate::transfer::ACTIVE_CURRENCIES {
            let currency = Currency::parse(code).unwrap();
            let has_rate = usd_rate(currency).is_some();
            assert_ne!(has_rate, NO_RATE.contains(code), "{code}");
        }
        for code in NO_RATE {
            assert!(Currency::parse(code).is_some(), "{code} is not active");
        }
        // 10 RWF at 1,390 per USD are far below 1 USD.
        let (rwf, month) = usd_rate(Currency::parse("RWF").unwrap()).unwrap();
        assert_eq!(month, "2025-01");
        assert_eq!(
            rwf.compare(&amount("10"), &amount("1")),
            Some(Ordering::Less)
        );
    }

    /// USD per unit as published (see the module documentation): ECB reference rates of
    /// 28 February 2025 through EUR/USD 1.0411, IMF SDR values of 24-27 February 2025, pegs.
    #[rustfmt::skip]
    fn published_usd_per_unit() -> Vec<(&'static str, f64)> {
        let eur_usd = 1.0411;
        let ecb: &[(&str, f64)] = &[
            ("JPY", 156.96), ("BGN", 1.9558), ("CZK", 25.029), ("DKK", 7.4583),
            ("GBP", 0.82608), ("HUF", 399.50), ("PLN", 4.1503), ("RON", 4.9768),
            ("SEK", 11.1880), ("CHF", 0.9394), ("ISK", 145.70), ("NOK", 11.7245),
            ("TRY", 38.0186), ("AUD", 1.6741), ("BRL", 6.0712), ("CAD", 1.5019),
            ("CNY", 7.5782), ("HKD", 8.0980), ("IDR", 17228.17), ("ILS", 3.7457),
            ("INR", 90.9710), ("KRW", 1519.92), ("MXN", 21.2191), ("MYR", 4.6459),
            ("NZD", 1.8579), ("PHP", 60.355), ("SGD", 1.4037), ("THB", 35.567),
            ("ZAR", 19.1917),
        ];
        let sdr_usd = 0.761522;
        let imf: &[(&str, f64)] = &[
            ("DZD", 0.005658), ("BWP", 0.055134), ("BND", 0.567707), ("CLP", 0.000809),
            ("MUR", 0.01632), ("PEN", 0.206963), ("RUB", 0.008684),
        ];
        let mut rows: Vec<(&str, f64)> = vec![("EUR", eur_usd), ("XDR", 1.0 / sdr_usd)];
        rows.extend(ecb.iter().map(|(c, per_eur)| (*c, eur_usd / per_eur)));
        rows.extend(imf.iter().map(|(c, sdr)| (*c, sdr / sdr_usd)));
        rows.push(("KWD", 2.46936 / 0.761127));
        rows.push(("TTD", 0.112704 / 0.761551));
        let per_usd: &[(&str, f64)] = &[
            ("AED", 3.6725), ("SAR", 3.75), ("QAR", 3.64), ("OMR", 0.3845), ("BHD", 0.376),
            ("JOD", 0.709), ("BBD", 2.0), ("BZD", 2.0), ("AWG", 1.79), ("XCG", 1.79),
            ("XCD", 2.70), ("DJF", 177.721), ("ERN", 15.0), ("BMD", 1.0), ("PAB", 1.0),
        ];
        rows.extend(per_usd.iter().map(|(c, rate)| (*c, 1.0 / rate)));
        let per_eur: &[(&str, f64)] = &[
            ("XOF", 655.957), ("XAF", 655.957), ("KMF", 491.96775), ("CVE", 110.265),
            ("XPF", 119.33174), ("BAM", 1.95583), ("STN", 24.5),
        ];
        rows.extend(per_eur.iter().map(|(c, rate)| (*c, eur_usd / rate)));
        rows
    }

    /// The table's USD per unit of `code`, as a float (tests only).
    fn table_usd_per_unit(code: &str) -> f64 {
        let (_, quote, _) = USD_RATES.iter().find(|(c, _, _)| *c == code).unwrap();
        match quote {
            Quote::UsdPerUnit(text) => text.parse::<f64>().unwrap(),
            Quote::PerUsd(text) => 1.0 / text.parse::<f64>().unwrap(),
        }
    }

    #[test]
    fn checked_rows_agree_with_their_published_source() {
        let mut checked = 0;
        for (code, published) in published_usd_per_unit() {
            let table = table_usd_per_unit(code);
            let off = (table - published).abs() / published;
            assert!(
                off <= 0.01,
                "{code}: {table} vs {published} ({:.2}% off)",
                off * 100.0
            );
            let (_, _, month) = USD_RATES.iter().find(|(c, _, _)| *c == code).unwrap();
            assert_eq!(*month, "2025-02", "{code}");
            checked += 1;
        }
        assert!(checked >= 60, "{checked}");
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
