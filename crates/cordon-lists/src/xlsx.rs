//! Workbooks (xlsx) as rows of text, for the lists published only as
//! spreadsheets (Australia DFAT). Reading the ZIP and the sheet XML is left to
//! `calamine`; readers get plain text cells so they stay pure functions over
//! rows.

use crate::{Error, Result};
use calamine::{Data, Reader, Xlsx};
use cordon_model::PartialDate;

/// One worksheet: its name and its rows of cell texts (empty cells are `""`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's tab name.
    pub name: String,
    /// Rows from the sheet's first used row, cells from its first used column.
    pub rows: Vec<Vec<String>>,
}

/// Every sheet of an xlsx workbook, in tab order.
pub fn sheets(bytes: &[u8]) -> Result<Vec<Sheet>> {
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| Error::Format(format!("not a readable xlsx workbook: {e}")))?;
    let names = workbook.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = workbook
                .worksheet_range(&name)
                .map_err(|e| Error::Format(format!("xlsx sheet `{name}` cannot be read: {e}")))?;
            let rows = range
                .rows()
                .map(|row| row.iter().map(cell_text).collect())
                .collect();
            Ok(Sheet { name, rows })
        })
        .collect()
}

/// A cell as text. Whole numbers lose their `.0`; dates stay Excel serial
/// numbers (the reader knows which columns hold dates, see [`date_of_serial`]).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Float(number) => float_text(*number),
        Data::Int(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(date) => float_text(date.as_f64()),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn float_text(number: f64) -> String {
    // Whole numbers within i64 print without a fraction (`41988`, not `41988.0`).
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

/// The date of an Excel serial day number (1900 date system: day 1 is
/// 1900-01-01; serials from 61 on count from 1899-12-30 because Excel keeps
/// Lotus's phantom 29 February 1900).
pub fn date_of_serial(serial: i64) -> Option<PartialDate> {
    if serial < 61 {
        return None;
    }
    // Days from 1970-01-01, then the civil date (H. Hinnant's algorithm).
    let days = serial - 25_569;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    PartialDate::new(
        i32::try_from(year).ok()?,
        u8::try_from(month).ok(),
        u8::try_from(day).ok(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials() {
        // 41988 is the control date of DFAT reference 2: 15 December 2014.
        assert_eq!(date_of_serial(41_988).unwrap().to_string(), "2014-12-15");
        assert_eq!(date_of_serial(61).unwrap().to_string(), "1900-03-01");
        assert_eq!(date_of_serial(45_658).unwrap().to_string(), "2025-01-01");
        assert_eq!(date_of_serial(10), None);
    }

    #[test]
    fn not_a_workbook() {
        let err = sheets(b"id,name\n1,A\n").unwrap_err();
        assert!(err.to_string().contains("xlsx"), "{err}");
    }
}
