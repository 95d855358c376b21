//! Reading dates as publishers and users write them.
//!
//! `1969`, `1969-07`, `1969-7-16`, `16.07.1969`, `16/07/1969`, `00/00/1980`
//! (UK: unknown day and month), `16 Jul 1969`, `July 16, 1969`, `Jul 1969`,
//! `circa 1970`, `approximately 1970`, `between 1960 and 1965`, `1960-1965`.
//!
//! ```
//! use cordon_model::dates::parse_loose;
//! use cordon_model::DateQualifier;
//! let date = parse_loose("16 Jul 1969").unwrap();
//! assert_eq!(date.date.to_string(), "1969-07-16");
//! assert_eq!(parse_loose("circa 1970").unwrap().qualifier, DateQualifier::Approximate);
//! assert!(parse_loose("not a date").is_none());
//! ```

use crate::{BirthDate, DateQualifier, PartialDate};

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Reads a month name or abbreviation (English) to 1-12.
pub fn month_from_name(word: &str) -> Option<u8> {
    let lower = word.trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let index = MONTHS.iter().position(|m| lower.starts_with(m))?;
    // "sept" and full names are fine; reject words that merely start like a month ("marble").
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][index];
    if full.starts_with(&lower) || lower == "sept" {
        Some(index as u8 + 1)
    } else {
        None
    }
}

/// Reads one date in any of the supported forms, with its qualifier.
pub fn parse_loose(text: &str) -> Option<BirthDate> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    for prefix in [
        "circa",
        "ca.",
        "c.",
        "approximately",
        "approx.",
        "approx",
        "about",
    ] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let inner = parse_single(rest.trim())?;
            return Some(BirthDate {
                qualifier: DateQualifier::Approximate,
                date: inner,
                to: None,
            });
        }
    }
    if let Some(rest) = lower.strip_prefix("between") {
        let (from, to) = rest.split_once(" and ")?;
        return range(parse_single(from.trim())?, parse_single(to.trim())?);
    }
    if let Some(rest) = lower.strip_prefix("from") {
        let (from, to) = rest.split_once(" to ")?;
        return range(parse_single(from.trim())?, parse_single(to.trim())?);
    }
    if let Some(date) = parse_single(&lower) {
        return Some(BirthDate::exact(date));
    }
    // "1960-1965" or "1960 - 1965" or "1960 to 1965": a year range.
    for sep in [" to ", " - ", "-", "–"] {
        if let Some((a, b)) = lower.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            if a.len() == 4 && b.len() == 4 {
                if let (Some(a), Some(b)) = (parse_single(a), parse_single(b)) {
                    return range(a, b);
                }
            }
        }
    }
    None
}

fn range(from: PartialDate, to: PartialDate) -> Option<BirthDate> {
    if to < from {
        return None;
    }
    Some(BirthDate {
        qualifier: DateQualifier::Between,
        date: from,
        to: Some(to),
    })
}

/// Reads one date without qualifier.
pub fn parse_single(text: &str) -> Option<PartialDate> {
    let text = text.trim().trim_end_matches('.');
    if text.is_empty() {
        return None;
    }
    if let Some(date) = PartialDate::parse_iso(text) {
        return Some(date);
    }
    // ISO with single-digit parts: 1969-7-16
    let dashed: Vec<&str> = text.split('-').collect();
    if dashed.len() >= 2 && dashed[0].len() == 4 {
        return numeric(
            dashed[0],
            dashed.get(1).copied(),
            dashed.get(2).copied(),
            dashed.len(),
        );
    }
    // Day first: 16.07.1969, 16/07/1969, 00/00/1980, 07/1969
    for sep in ['.', '/'] {
        let parts: Vec<&str> = text.split(sep).map(str::trim).collect();
        if parts.len() == 3 && parts[2].len() == 4 {
            return numeric(parts[2], Some(parts[1]), Some(parts[0]), 3);
        }
        if parts.len() == 2 && parts[1].len() == 4 {
            return numeric(parts[1], Some(parts[0]), None, 2);
        }
    }
    words(text)
}

/// Builds a date from year, month and day strings where `0`/`00` means unknown.
fn numeric(
    year: &str,
    month: Option<&str>,
    day: Option<&str>,
    count: usize,
) -> Option<PartialDate> {
    let year: i32 = digits(year)?;
    let month: Option<u8> = match month {
        Some(m) => Some(digits(m)?),
        None => None,
    };
    let day: Option<u8> = match day {
        Some(d) => Some(digits(d)?),
        None => None,
    };
    if count > 3 {
        return None;
    }
    let month = month.filter(|m| *m != 0);
    let day = day.filter(|d| *d != 0).filter(|_| month.is_some());
    PartialDate::new(year, month, day)
}

fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `16 Jul 1969`, `July 16, 1969`, `Jul 1969`, `16-Jul-1969`.
fn words(text: &str) -> Option<PartialDate> {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|t| !t.is_empty())
        .collect();
    let mut year = None;
    let mut month = None;
    let mut day = None;
    for token in &tokens {
        if token.bytes().all(|b| b.is_ascii_digit()) {
            match token.len() {
                4 if year.is_none() => year = Some(token.parse::<i32>().ok()?),
                1 | 2 if day.is_none() => day = Some(token.parse::<u8>().ok()?),
                _ => return None,
            }
        } else if let Some(m) = month_from_name(token) {
            if month.is_some() {
                return None;
            }
            month = Some(m);
        } else {
            let stripped = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if !stripped.is_empty()
                && stripped.len() <= 2
                && stripped.bytes().all(|b| b.is_ascii_digit())
                && day.is_none()
            {
                // 16th
                day = Some(stripped.parse().ok()?);
            } else {
                return None;
            }
        }
    }
    month?;
    PartialDate::new(year?, month, day.filter(|d| *d != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Option<String> {
        parse_loose(text).map(|d| match d.to {
            Some(to) => format!("{}..{}", d.date, to),
            None => d.date.to_string(),
        })
    }

    #[test]
    fn reads_the_forms_users_type() {
        assert_eq!(show("1969").as_deref(), Some("1969"));
        assert_eq!(show("1969-07").as_deref(), Some("1969-07"));
        assert_eq!(show("1969-7-16").as_deref(), Some("1969-07-16"));
        assert_eq!(show("16.07.1969").as_deref(), Some("1969-07-16"));
        assert_eq!(show("16/07/1969").as_deref(), Some("1969-07-16"));
        assert_eq!(show("00/00/1980").as_deref(), Some("1980"));
        assert_eq!(show("00/05/1980").as_deref(), Some("1980-05"));
        assert_eq!(show("16 Jul 1969").as_deref(), Some("1969-07-16"));
        assert_eq!(show("July 16, 1969").as_deref(), Some("1969-07-16"));
        assert_eq!(show("16-Jul-1969").as_deref(), Some("1969-07-16"));
        assert_eq!(show("Jul 1969").as_deref(), Some("1969-07"));
        assert_eq!(show("between 1960 and 1965").as_deref(), Some("1960..1965"));
        assert_eq!(show("1960-1965").as_deref(), Some("1960..1965"));
        assert_eq!(show("1960 to 1965").as_deref(), Some("1960..1965"));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for text in [
            "",
            "abc",
            "32.01.1969",
            "1969-02-30",
            "Marble 1969",
            "12345",
            "1969-1-2-3",
        ] {
            assert_eq!(show(text), None, "{text}");
        }
    }
}
