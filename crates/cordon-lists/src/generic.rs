//! A member state's own national list as CSV, read through a column [`Mapping`].
//!
//! The file needs a header row. The delimiter (`,`, `;` or tab) is detected
//! from the header unless the mapping forces one. Column names are matched
//! case-insensitively after trimming. Multi-valued cells (aliases, dates of
//! birth, nationalities, countries, passports, national ids, programmes) are
//! split on [`Mapping::separator`].
//!
//! ```
//! use cordon_lists::generic::{read, Mapping};
//!
//! let csv = "id;name;aliases;dob;nationality\nKG-1;Асанов Бакыт;Asanov Bakyt;1975-03-02;KG\n";
//! let list = read(csv.as_bytes(), &Mapping::default()).unwrap();
//! assert_eq!(list.entities[0].id, "national:KG-1");
//! assert_eq!(list.entities[0].names.len(), 2);
//! ```
//!
//! This module also holds the small CSV helpers the other CSV readers
//! (`uk`, `eu`, `us_csl`) share; helpers for all readers live in [`crate::text`].

use crate::text::{self, non_empty, push_unique, scripted, CountryCodes};
use crate::{Error, ParsedList, Result, MAX_FIELD_BYTES};
use cordon_model::{
    dates, BirthDate, Entity, Identifier, IdentifierKind, Name, NameKind, PartialDate, Schema,
};

/// Which columns of a national CSV list hold which field.
///
/// Every field is a column name, matched case-insensitively; a column that
/// is absent from the file is simply not read, except `id` and `name`, which
/// are required. [`Mapping::default`] gives the conventional names:
///
/// | field | default column | notes |
/// |---|---|---|
/// | `id` | `id` | required; the publisher's own id (`source_id`) |
/// | `name` | `name` | required; the primary name, never empty |
/// | `aliases` | `aliases` | split on `separator` |
/// | `schema` | `type` | `person`/`individual`, `organization`/`entity`, `vessel`, `aircraft`; empty = person |
/// | `dob` | `dob` | any form `parse_loose` reads, split on `separator` |
/// | `nationality` | `nationality` | names, demonyms or ISO codes |
/// | `country` | `country` | other linked countries |
/// | `passport` | `passport` | passport numbers |
/// | `national_id` | `national_id` | national id numbers |
/// | `programme` | `programme` | regimes or legal bases |
/// | `listed_on` | `listed_on` | date of listing |
/// | `remarks` | `remarks` | free text |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// Short name of the list (`Designation::source`), default `national`.
    pub source: String,
    /// Column of the publisher's id.
    pub id: String,
    /// Column of the primary name.
    pub name: String,
    /// Column of the aliases.
    pub aliases: String,
    /// Column of the entity type.
    pub schema: String,
    /// Column of the dates of birth.
    pub dob: String,
    /// Column of the nationalities.
    pub nationality: String,
    /// Column of other linked countries.
    pub country: String,
    /// Column of passport numbers.
    pub passport: String,
    /// Column of national id numbers.
    pub national_id: String,
    /// Column of programmes or regimes.
    pub programme: String,
    /// Column of the listing date.
    pub listed_on: String,
    /// Column of remarks.
    pub remarks: String,
    /// Separator inside multi-valued cells, default `;`.
    pub separator: char,
    /// Field delimiter; `None` detects `,`, `;` or tab from the header.
    pub delimiter: Option<u8>,
}

impl Default for Mapping {
    fn default() -> Mapping {
        Mapping {
            source: "national".into(),
            id: "id".into(),
            name: "name".into(),
            aliases: "aliases".into(),
            schema: "type".into(),
            dob: "dob".into(),
            nationality: "nationality".into(),
            country: "country".into(),
            passport: "passport".into(),
            national_id: "national_id".into(),
            programme: "programme".into(),
            listed_on: "listed_on".into(),
            remarks: "remarks".into(),
            separator: ';',
            delimiter: None,
        }
    }
}

/// Column positions of a [`Mapping`] in one file's header.
struct Positions {
    id: usize,
    name: usize,
    aliases: Option<usize>,
    schema: Option<usize>,
    dob: Option<usize>,
    nationality: Option<usize>,
    country: Option<usize>,
    passport: Option<usize>,
    national_id: Option<usize>,
    programme: Option<usize>,
    listed_on: Option<usize>,
    remarks: Option<usize>,
}

impl Positions {
    fn new(header: &Columns, mapping: &Mapping) -> Result<Positions> {
        let required = |column: &str| {
            header.index(column).ok_or_else(|| {
                Error::Format(format!(
                    "the CSV header has no `{column}` column (columns: {})",
                    header.names.join(", ")
                ))
            })
        };
        Ok(Positions {
            id: required(&mapping.id)?,
            name: required(&mapping.name)?,
            aliases: header.index(&mapping.aliases),
            schema: header.index(&mapping.schema),
            dob: header.index(&mapping.dob),
            nationality: header.index(&mapping.nationality),
            country: header.index(&mapping.country),
            passport: header.index(&mapping.passport),
            national_id: header.index(&mapping.national_id),
            programme: header.index(&mapping.programme),
            listed_on: header.index(&mapping.listed_on),
            remarks: header.index(&mapping.remarks),
        })
    }
}

/// Reads a national list CSV through `mapping`.
pub fn read(bytes: &[u8], mapping: &Mapping) -> Result<ParsedList> {
    let (content, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: mapping.source.clone(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let delimiter = mapping
        .delimiter
        .unwrap_or_else(|| detect_delimiter(content.lines().next().unwrap_or("")));
    let mut rows = CsvRows::new(&content, delimiter, 0);
    let header = rows
        .next_row()?
        .ok_or_else(|| Error::Format("the CSV file is empty (a header row is required)".into()))?;
    let header = Columns::new(&header);
    let positions = Positions::new(&header, mapping)?;
    let mut misses = CountryCodes::default();
    let mut seen = std::collections::HashSet::new();
    while let Some(row) = rows.next_row()? {
        let line = rows.line();
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let entity = national_entity(&row, line, &positions, mapping, &mut misses)?;
        if !seen.insert(entity.id.clone()) {
            return Err(Error::Line {
                line,
                message: format!("duplicate id `{}`", entity.designation.source_id),
            });
        }
        list.entities.push(entity);
    }
    list.warnings.extend(misses.summary());
    Ok(list)
}

fn national_entity(
    row: &csv::StringRecord,
    line: u64,
    at: &Positions,
    mapping: &Mapping,
    misses: &mut CountryCodes,
) -> Result<Entity> {
    let cell = |index: Option<usize>| field(row, index);
    let multi = |index: Option<usize>| split_values(cell(index), mapping.separator);
    let id = non_empty(cell(Some(at.id))).ok_or_else(|| Error::Line {
        line,
        message: format!("empty `{}` (id) cell", mapping.id),
    })?;
    let name = non_empty(cell(Some(at.name))).ok_or_else(|| Error::Line {
        line,
        message: format!("empty `{}` (name) cell", mapping.name),
    })?;
    let schema = match non_empty(cell(at.schema)) {
        None => Schema::Person,
        Some(kind) => Schema::parse(&kind).ok_or_else(|| Error::Line {
            line,
            message: format!(
                "unknown type `{kind}` (expected person, individual, organization, entity, vessel or aircraft)"
            ),
        })?,
    };
    let mut entity = Entity::new(&mapping.source, &id, schema);
    entity.push_name(scripted(Name::new(name, NameKind::Primary)));
    for alias in multi(at.aliases) {
        entity.push_name(scripted(Name::new(alias, NameKind::Alias)));
    }
    for dob in multi(at.dob) {
        match dates::parse_loose(&dob) {
            Some(date) => push_unique(&mut entity.birth_dates, date),
            None => {
                return Err(Error::Line {
                    line,
                    message: format!("unreadable date of birth `{dob}`"),
                })
            }
        }
    }
    for value in multi(at.nationality) {
        misses.push_code(&mut entity.nationalities, &value);
    }
    for value in multi(at.country) {
        misses.push_code(&mut entity.countries, &value);
    }
    for number in multi(at.passport) {
        push_unique(
            &mut entity.identifiers,
            identifier(IdentifierKind::Passport, number),
        );
    }
    for number in multi(at.national_id) {
        push_unique(
            &mut entity.identifiers,
            identifier(IdentifierKind::NationalId, number),
        );
    }
    for programme in multi(at.programme) {
        push_unique(&mut entity.designation.programmes, programme);
    }
    if let Some(listed) = non_empty(cell(at.listed_on)) {
        entity.designation.listed_on = Some(date_or_error(&listed, line)?);
    }
    entity.designation.remarks = non_empty(cell(at.remarks));
    Ok(entity)
}

fn date_or_error(text: &str, line: u64) -> Result<PartialDate> {
    dates::parse_loose(text)
        .map(|d| d.date)
        .ok_or_else(|| Error::Line {
            line,
            message: format!("unreadable date `{text}`"),
        })
}

/// The delimiter among `,`, `;` and tab that occurs most in the header line.
fn detect_delimiter(header: &str) -> u8 {
    let count = |c: char| header.chars().filter(|&x| x == c).count();
    let (comma, semicolon, tab) = (count(','), count(';'), count('\t'));
    if tab > comma && tab > semicolon {
        b'\t'
    } else if semicolon > comma {
        b';'
    } else {
        b','
    }
}

// ---------------------------------------------------------------------------
// Helpers shared by the CSV readers (uk, eu, us_csl) and the JSON/XML readers.
// ---------------------------------------------------------------------------

/// A CSV header: column names looked up case-insensitively, any script (first occurrence wins).
pub(crate) struct Columns {
    names: Vec<String>,
}

impl Columns {
    pub(crate) fn new(header: &csv::StringRecord) -> Columns {
        Columns {
            names: header.iter().map(|h| h.trim().to_string()).collect(),
        }
    }

    /// Position of a column, if present.
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_lowercase();
        self.names.iter().position(|h| h.to_lowercase() == name)
    }

    /// Position of the first column whose name starts with `prefix` (`Date_file...`).
    pub(crate) fn index_starting(&self, prefix: &str) -> Option<usize> {
        let prefix = prefix.to_lowercase();
        self.names
            .iter()
            .position(|h| h.to_lowercase().starts_with(&prefix))
    }

    /// Positions of required columns, or an error at `line` naming those missing.
    pub(crate) fn require<const N: usize>(
        &self,
        names: [&str; N],
        line: u64,
    ) -> Result<[usize; N]> {
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| self.index(n).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(Error::Line {
                line,
                message: format!(
                    "the header lacks the column(s) {}; is this the right format?",
                    missing.join(", ")
                ),
            });
        }
        Ok(names.map(|n| self.index(n).unwrap_or(0)))
    }
}

/// Records of CSV text, streaming, with line numbers and field-size checks.
/// Every record must have as many fields as the first one: a short last
/// record is how a truncated file shows.
pub(crate) struct CsvRows<'a> {
    text: &'a str,
    reader: csv::Reader<&'a [u8]>,
    line_offset: u64,
    line: u64,
    last_start: usize,
}

impl<'a> CsvRows<'a> {
    /// `line_offset` is the number of lines before `text` in the original file.
    pub(crate) fn new(text: &'a str, delimiter: u8, line_offset: u64) -> CsvRows<'a> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        CsvRows {
            text,
            reader,
            line_offset,
            line: line_offset,
            last_start: 0,
        }
    }

    /// 1-based line where the last record returned starts.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The next record, `None` at the end.
    pub(crate) fn next_row(&mut self) -> Result<Option<csv::StringRecord>> {
        let mut record = csv::StringRecord::new();
        let more = self
            .reader
            .read_record(&mut record)
            .map_err(|e| self.csv_error(e))?;
        if !more {
            return self.check_end().map(|()| None);
        }
        self.line = self.line_offset + record.position().map_or(0, |p| p.line());
        self.last_start = record.position().map_or(0, |p| p.byte() as usize);
        if let Some(big) = record.iter().find(|f| f.len() > MAX_FIELD_BYTES) {
            return Err(Error::Line {
                line: self.line,
                message: format!(
                    "a field of {} bytes is larger than the {MAX_FIELD_BYTES} byte limit",
                    big.len()
                ),
            });
        }
        Ok(Some(record))
    }

    /// The CSV reader takes an unterminated quoted field at the end of the
    /// file as complete; an odd number of quotes in the last record is how a
    /// file cut inside a quoted field shows.
    fn check_end(&self) -> Result<()> {
        let tail = self.text.get(self.last_start..).unwrap_or("");
        if tail.matches('"').count() % 2 == 1 {
            return Err(Error::Line {
                line: self.line,
                message: "the file ends inside a quoted field (truncated file?)".into(),
            });
        }
        Ok(())
    }

    fn csv_error(&self, error: csv::Error) -> Error {
        let line = error
            .position()
            .map_or(self.line + 1, |p| self.line_offset + p.line());
        let message = match error.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "this row has {len} fields where the header has {expected_len} (truncated file or wrong delimiter?)"
            ),
            _ => format!("bad CSV: {error}"),
        };
        Error::Line { line, message }
    }
}

/// The field at `index`, or `""` when the column is absent.
pub(crate) fn field(record: &csv::StringRecord, index: Option<usize>) -> &str {
    index.and_then(|i| record.get(i)).unwrap_or("")
}

/// Non-empty, cleaned values of a cell separated by `separator`.
pub(crate) fn split_values(cell: &str, separator: char) -> Vec<String> {
    cell.split(separator).filter_map(non_empty).collect()
}

/// An identifier with no country or note.
pub(crate) fn identifier(kind: IdentifierKind, number: String) -> Identifier {
    Identifier {
        kind,
        number,
        country: None,
        note: None,
    }
}

/// A date, or `None` (with nothing else to say): for optional listing dates.
/// ISO date-times (`2024-05-14T10:26:51+02:00`) keep their date part.
pub(crate) fn loose_date(text: &str) -> Option<PartialDate> {
    PartialDate::parse_iso(text).or_else(|| dates::parse_loose(text).map(|d| d.date))
}

/// A date of birth as written, if readable.
pub(crate) fn birth_date(text: &str) -> Option<BirthDate> {
    dates::parse_loose(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/national_list.csv"
    );

    fn fixture() -> ParsedList {
        let bytes = std::fs::read(FIXTURE).unwrap();
        read(&bytes, &Mapping::default()).unwrap()
    }

    #[test]
    fn reads_the_national_fixture() {
        let list = fixture();
        let bytes = std::fs::read_to_string(FIXTURE).unwrap();
        // One entity per non-empty line after the header.
        let rows = bytes
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(list.entities.len(), rows);
        assert_eq!(list.entities.len(), 6);
        assert_eq!(list.source, "national");
        let counts = list.counts();
        assert_eq!((counts.persons, counts.organizations), (5, 1));
    }

    #[test]
    fn national_fixture_fields() {
        let list = fixture();
        let e = list
            .entities
            .iter()
            .find(|e| e.id == "national:KZ-0017")
            .unwrap();
        assert_eq!(e.caption(), "Жумабаев Ерлан Серикович");
        assert_eq!(e.names[0].script.as_deref(), Some("Cyrl"));
        let aliases: Vec<&str> = e.names[1..].iter().map(|n| n.full.as_str()).collect();
        assert_eq!(aliases, ["Zhumabayev Yerlan Serikovich", "Zhumabaev Erlan"]);
        assert_eq!(e.names[1].script.as_deref(), Some("Latn"));
        assert_eq!(e.birth_dates[0].date.to_string(), "1979-04-12");
        assert_eq!(e.identifiers[0].kind, IdentifierKind::Passport);
        assert_eq!(e.identifiers[0].number, "N09876543");
        assert_eq!(e.identifiers[1].kind, IdentifierKind::NationalId);
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2021-11-03");
        assert_eq!(e.designation.programmes, ["terrorism"]);
        let org = list
            .entities
            .iter()
            .find(|e| e.schema == Schema::Organization)
            .unwrap();
        assert_eq!(org.designation.source_id, "KG-0203");
        assert!(org.names.iter().any(|n| n.full == "Жаңы Жол коомдук фонду"));
        let uz = list
            .entities
            .iter()
            .find(|e| e.id == "national:UZ-0412")
            .unwrap();
        assert_eq!(uz.nationalities, ["UZ"]);
        assert_eq!(uz.birth_dates.len(), 2);
        assert_eq!(uz.caption(), "Yo‘ldoshev Tohir Abdulhalilovich");
    }

    #[test]
    fn delimiter_is_detected_and_forced() {
        let tsv = "id\tname\taliases\n1\tA B\tC;D\n";
        let list = read(tsv.as_bytes(), &Mapping::default()).unwrap();
        assert_eq!(list.entities[0].names.len(), 3);
        let comma = "id,name\n1,\"Doe, John\"\n";
        assert_eq!(
            read(comma.as_bytes(), &Mapping::default())
                .unwrap()
                .entities[0]
                .caption(),
            "Doe, John"
        );
        let mapping = Mapping {
            id: "No".into(),
            name: "ФИО".into(),
            delimiter: Some(b'|'),
            source: "kg".into(),
            ..Mapping::default()
        };
        let list = read("no|фио\n7|Иванов\n".as_bytes(), &mapping).unwrap();
        assert_eq!(list.entities[0].id, "kg:7");
        assert_eq!(list.entities[0].caption(), "Иванов");
    }

    #[test]
    fn errors_name_the_column_or_line() {
        let err = read(b"id,fullname\n1,A\n", &Mapping::default()).unwrap_err();
        assert!(
            matches!(&err, Error::Format(m) if m.contains("`name`")),
            "{err}"
        );
        let err = read(b"name\nA\n", &Mapping::default()).unwrap_err();
        assert!(
            matches!(&err, Error::Format(m) if m.contains("`id`")),
            "{err}"
        );
        let err = read(b"id,name\n1,A\n2, \n", &Mapping::default()).unwrap_err();
        assert!(matches!(err, Error::Line { line: 3, .. }), "{err}");
        let err = read(b"id,name,dob\n1,A,1970\n2,B,someday\n", &Mapping::default()).unwrap_err();
        assert!(matches!(err, Error::Line { line: 3, .. }), "{err}");
        let err = read(b"id,name,type\n1,A,robot\n", &Mapping::default()).unwrap_err();
        assert!(err.to_string().contains("robot"), "{err}");
        let err = read(b"id,name\n1,A\n1,B\n", &Mapping::default()).unwrap_err();
        assert!(matches!(err, Error::Line { line: 3, .. }), "{err}");
        assert!(read(b"", &Mapping::default()).is_err());
    }

    #[test]
    fn a_truncated_file_names_the_line() {
        let bytes = std::fs::read(FIXTURE).unwrap();
        let cut = &bytes[..bytes.len() - 70];
        let err = read(cut, &Mapping::default()).unwrap_err();
        let last_line = String::from_utf8_lossy(cut).lines().count() as u64;
        assert!(
            matches!(err, Error::Line { line, .. } if line == last_line),
            "{err}"
        );
    }

    type Reader = fn(&[u8]) -> Result<ParsedList>;

    fn data(path: &str) -> Vec<u8> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/lists/");
        std::fs::read(format!("{root}{path}")).unwrap()
    }

    fn fixture_bytes(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// (reader, a real or fixture file it reads, the format detection gives).
    fn readers() -> Vec<(Reader, Vec<u8>, crate::Format)> {
        use crate::Format;
        vec![
            (
                crate::uk::read,
                data("uk/uk_hmt_conlist_2018-04-13.csv"),
                Format::UkCsv,
            ),
            (
                crate::eu::read_csv,
                data("eu/eu_fsf_short_2018-07-04.csv"),
                Format::EuCsv,
            ),
            (
                crate::eu::read_xml,
                fixture_bytes("eu_fsf_sample.xml"),
                Format::EuXml,
            ),
            (
                crate::canada::read,
                data("ca/ca_sema_autonomous_2025.xml"),
                Format::CanadaXml,
            ),
            (
                crate::us_csl::read,
                data("us/csl_sample.csv"),
                Format::UsCsl,
            ),
            (
                crate::us_csl::read,
                data("us/csl_consolidated_sample13.csv"),
                Format::UsCsl,
            ),
            (
                crate::ftm::read,
                fixture_bytes("ftm_sample.jsonl"),
                Format::FtmJson,
            ),
            (
                |b| read(b, &Mapping::default()),
                fixture_bytes("national_list.csv"),
                Format::GenericCsv,
            ),
        ]
    }

    #[test]
    fn detection_finds_every_format() {
        for (reader, bytes, format) in readers() {
            assert_eq!(crate::detect(&bytes).unwrap(), format);
            let direct = reader(&bytes).unwrap();
            assert_eq!(crate::read_bytes(format, &bytes).unwrap(), direct);
        }
    }

    #[test]
    fn every_reader_survives_cut_and_garbage_input() {
        let garbage: [&[u8]; 7] = [
            b"",
            b"\xff\xfe\x00garbage",
            b"\"",
            b"<",
            b"{",
            b"a,b\n\"c",
            b"Last Updated,01/01/2020\n",
        ];
        for (reader, bytes, _) in readers() {
            for input in garbage {
                let _ = reader(input);
            }
            // Cut at 40 places, some in the middle of a UTF-8 sequence.
            for step in 1..40 {
                let _ = reader(&bytes[..bytes.len() * step / 40]);
            }
        }
    }
}
