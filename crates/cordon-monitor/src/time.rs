//! Transaction time: when a transfer happened according to the message, never the wall clock.

use cordon_model::transfer::Transfer;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Seconds in an hour.
pub const HOUR: i64 = 3_600;

/// The transfer's transaction time in seconds since 1970-01-01 UTC: the creation time when it
/// reads as a date-time, else the settlement (or execution) date at midnight, else the
/// underlying transfer's. `None` when the message carries no usable date.
pub fn transaction_time(transfer: &Transfer) -> Option<i64> {
    transfer
        .creation_time
        .as_deref()
        .and_then(parse_timestamp)
        .or_else(|| {
            transfer
                .settlement_date
                .as_deref()
                .and_then(parse_timestamp)
        })
        .or_else(|| transfer.underlying.as_deref().and_then(transaction_time))
}

/// Reads `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10)?;
    let days = parse_date(date)?;
    let rest = text.get(10..)?;
    let Some(clock) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) else {
        return rest.is_empty().then_some(days * DAY);
    };
    let hour: i64 = number(clock.get(0..2)?)?;
    let minute: i64 = number(clock.get(3..5)?)?;
    let (second, tail) = match clock.get(5..6) {
        Some(":") => (number(clock.get(6..8)?)?, clock.get(8..)?),
        _ => (0, clock.get(5..)?),
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let tail = tail.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    Some(days * DAY + hour * 3600 + minute * 60 + second - offset_seconds(tail)?)
}

/// Seconds east of UTC for `Z`, `+02:00`, `-0500` or nothing (taken as UTC).
fn offset_seconds(tail: &str) -> Option<i64> {
    if tail.is_empty() || tail == "Z" {
        return Some(0);
    }
    let sign = match tail.get(..1)? {
        "+" => 1,
        "-" => -1,
        _ => return None,
    };
    let digits: String = tail.chars().skip(1).filter(|c| *c != ':').collect();
    let hours: i64 = number(digits.get(0..2)?)?;
    let minutes: i64 = number(digits.get(2..4).unwrap_or("00"))?;
    Some(sign * (hours * 3600 + minutes * 60))
}

fn number(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days since 1970-01-01 of `YYYY-MM-DD` (proleptic Gregorian; H. Hinnant's algorithm).
fn parse_date(text: &str) -> Option<i64> {
    if text.get(4..5)? != "-" || text.get(7..8)? != "-" {
        return None;
    }
    let year: i64 = number(text.get(0..4)?)?;
    let month: i64 = number(text.get(5..7)?)?;
    let day: i64 = number(text.get(8..10)?)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a transaction time.
pub fn format_timestamp(seconds: i64) -> String {
    let days = seconds.div_euclid(DAY);
    let secs = seconds.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_and_times_with_offsets() {
        assert_eq!(parse_timestamp("1970-01-02"), Some(DAY));
        assert_eq!(parse_timestamp("2024-01-01T12:00:00Z"), Some(1_704_110_400));
        assert_eq!(
            parse_timestamp("2024-01-01T14:00:00.123+02:00"),
            Some(1_704_110_400)
        );
        assert_eq!(parse_timestamp("2022-10-20T09:25"), Some(1_666_257_900));
        assert_eq!(parse_timestamp("2024-02-30"), None);
        assert_eq!(parse_timestamp("2024-13-01"), None);
        assert_eq!(parse_timestamp("20240101"), None);
        assert_eq!(parse_timestamp("2024-01-01T25:00"), None);
        assert_eq!(parse_timestamp("2024-01-01Tnoon"), None);
    }

    #[test]
    fn formatting_round_trips() {
        for t in [0, 1_704_110_400, 951_782_400, 4_107_542_399] {
            assert_eq!(parse_timestamp(&format_timestamp(t)), Some(t));
        }
        assert_eq!(format_timestamp(951_782_400), "2000-02-29T00:00:00Z");
    }
}
