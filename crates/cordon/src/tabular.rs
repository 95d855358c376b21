//! The party files users hand to `batch` and `customers import`: CSV with a
//! header row, or JSON lines, chosen by extension. Only the reading is
//! shared; what a bad row means (an error line, or a refused import) is the
//! caller's business.

use anyhow::Result;
use csv::StringRecord;
use std::io::BufReader;
use std::path::Path;

use crate::InputError;

/// Opens a party file, naming it in the error.
pub fn open(path: &Path) -> Result<BufReader<std::fs::File>> {
    let file = std::fs::File::open(path)
        .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
    Ok(BufReader::new(file))
}

/// True for `.jsonl`, `.ndjson` and `.json`: one JSON object per line.
pub fn is_json_lines(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(extension.as_str(), "jsonl" | "ndjson" | "json")
}

/// A CSV reader over a party file (rows may have fewer columns than the header).
pub fn csv_reader<R: std::io::Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().flexible(true).from_reader(reader)
}

/// The header row, for finding columns by name.
pub struct Header(StringRecord);

impl Header {
    /// Reads the header of a CSV party file.
    pub fn read<R: std::io::Read>(csv: &mut csv::Reader<R>, path: &Path) -> Result<Header> {
        let headers = csv
            .headers()
            .map_err(|e| InputError::new(format!("{}: header: {e}", path.display())))?;
        Ok(Header(headers.clone()))
    }

    /// The first column named one of `names` (case and spaces ignored).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| {
            self.0
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    }
}

/// A trimmed, non-empty field of a row.
pub fn field(record: &StringRecord, column: Option<usize>) -> Option<String> {
    column
        .and_then(|c| record.get(c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
