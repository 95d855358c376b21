//! Value checks shared by the ISO 20022 and MT readers: money, dates, UETRs, BICs.

use cordon_model::transfer::{Amount, Currency, Money};

/// An amount with its currency; `separator` is `b'.'` for XML and `b','` for MT.
pub(crate) fn money(amount: &str, currency: &str, separator: u8) -> Result<Money, String> {
    let currency = Currency::parse(currency)
        .ok_or_else(|| format!("{currency:?} is not an active ISO 4217 currency code"))?;
    let amount = Amount::parse(amount, separator).map_err(|e| format!("amount {amount:?}: {e}"))?;
    if let Some(units) = currency.minor_units() {
        if amount.scale() > units {
            return Err(format!(
                "amount {amount} has more decimals than {currency} allows ({units})"
            ));
        }
    }
    Ok(Money { amount, currency })
}

/// Checks an ISO date (`YYYY-MM-DD`, optionally followed by a time zone) and returns the date.
pub(crate) fn iso_date(text: &str) -> Result<String, String> {
    let bad = || format!("{text:?} is not a date (YYYY-MM-DD)");
    let date = text.get(..10).ok_or_else(bad)?;
    let zone = text.get(10..).unwrap_or("");
    if !(zone.is_empty() || zone.starts_with(['Z', '+', '-'])) {
        return Err(bad());
    }
    let b = date.as_bytes();
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err(bad());
    }
    let year = number(date.get(0..4)).ok_or_else(bad)?;
    let month = number(date.get(5..7)).ok_or_else(bad)?;
    let day = number(date.get(8..10)).ok_or_else(bad)?;
    check_calendar(year, month, day).ok_or_else(bad)?;
    Ok(date.to_string())
}

/// Reads an MT date `YYMMDD` (years 80-99 are 19xx, as SWIFT does) into `YYYY-MM-DD`.
pub(crate) fn mt_date(text: &str) -> Result<String, String> {
    let bad = || format!("{text:?} is not a date (YYMMDD)");
    if text.len() != 6 {
        return Err(bad());
    }
    let yy = number(text.get(0..2)).ok_or_else(bad)?;
    let month = number(text.get(2..4)).ok_or_else(bad)?;
    let day = number(text.get(4..6)).ok_or_else(bad)?;
    let year = if yy >= 80 { 1900 + yy } else { 2000 + yy };
    check_calendar(year, month, day).ok_or_else(bad)?;
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

/// Reads a date of birth `YYYYMMDD` (MT 50F line 4) into `YYYY-MM-DD`.
pub(crate) fn compact_date(text: &str) -> Result<String, String> {
    let bad = || format!("{text:?} is not a date (YYYYMMDD)");
    if text.len() != 8 {
        return Err(bad());
    }
    let year = number(text.get(0..4)).ok_or_else(bad)?;
    let month = number(text.get(4..6)).ok_or_else(bad)?;
    let day = number(text.get(6..8)).ok_or_else(bad)?;
    check_calendar(year, month, day).ok_or_else(bad)?;
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

fn number(digits: Option<&str>) -> Option<u32> {
    let digits = digits?;
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

fn check_calendar(year: u32, month: u32, day: u32) -> Option<()> {
    let year = i32::try_from(year).ok()?;
    let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let max = u32::from(cordon_model::days_in_month(year, month));
    (1..=max).contains(&day).then_some(())
}

/// Checks a UETR (a UUID version 4, as SWIFT gpi requires) and returns it in lower case.
pub(crate) fn uetr(text: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    let groups: Vec<&str> = lower.split('-').collect();
    let shape_ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    let version_ok = shape_ok
        && groups.get(2).is_some_and(|g| g.starts_with('4'))
        && groups
            .get(3)
            .is_some_and(|g| g.starts_with(['8', '9', 'a', 'b']));
    if version_ok {
        Ok(lower)
    } else {
        Err(format!("UETR {text:?} is not a version 4 UUID"))
    }
}

/// True for an 8- or 11-character BIC: 4 letters (institution), 2 letters (country),
/// 2 letters or digits (location), optionally 3 letters or digits (branch).
pub(crate) fn is_bic(text: &str) -> bool {
    let b = text.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b.iter().take(6).all(u8::is_ascii_uppercase)
        && b.iter()
            .skip(6)
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_checks_currency_and_decimals() {
        assert_eq!(
            money("15669,38", "EUR", b',').unwrap().to_string(),
            "15669.38 EUR"
        );
        assert!(money("1", "ZZZ", b'.').unwrap_err().contains("ISO 4217"));
        assert!(money("1.5", "JPY", b'.').unwrap_err().contains("decimals"));
        assert!(money("1,0,0", "USD", b',').unwrap_err().contains("twice"));
        assert!(money("-1", "USD", b'.').unwrap_err().contains("negative"));
    }

    #[test]
    fn dates() {
        assert_eq!(mt_date("221020").unwrap(), "2022-10-20");
        assert_eq!(mt_date("990101").unwrap(), "1999-01-01");
        assert!(mt_date("220230").is_err());
        assert_eq!(iso_date("2024-02-29").unwrap(), "2024-02-29");
        assert_eq!(iso_date("2024-01-01+01:00").unwrap(), "2024-01-01");
        assert!(iso_date("2023-02-29").is_err());
        assert!(iso_date("2023-1-01").is_err());
        assert_eq!(compact_date("19800131").unwrap(), "1980-01-31");
    }

    #[test]
    fn uetrs_and_bics() {
        assert!(uetr("7A562C67-CA16-48BA-B074-65581BE6F001").is_ok());
        assert!(uetr("7a562c67-ca16-38ba-b074-65581be6f001").is_err());
        assert!(uetr("not-a-uuid").is_err());
        assert!(is_bic("CLYDGB2S") && is_bic("RBOSGB2LXXX"));
        assert!(!is_bic("CLYDGB2") && !is_bic("clydgb2s") && !is_bic("DEUTSCHE BANK"));
    }
}
