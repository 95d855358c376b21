//! Australia DFAT Consolidated List (Regulation 8), published as an xlsx
//! workbook of one sheet.
//!
//! Columns (found by header name): `Reference`, `Name of Individual or
//! Entity`, `Type`, `Name Type`, `Date of Birth`, `Place of Birth`,
//! `Citizenship`, `Address`, `Additional Information`, `Listing
//! Information`, `Committees`, `Control Date`. One row per name: rows `2`,
//! `2a`, `2b` are one entity, keyed by the reference's leading digits.
//!
//! `Name Type` is typed by hand and comes in 17 spellings of 5 values
//! (`Primary Name`, `primary Name`, `Aka `, `AKA`, `Original script`, ...):
//! it is read after trimming and case folding; `Formerly known as` and
//! `Previously listed as` are former names. Dates of birth and places come
//! as `a) ... b) ...` lists; `Approximately 1955- 1958` is a range.
//! `Committees` are the programmes, `Control Date` the last update and the
//! latest control date the version.

use crate::generic::{loose_date, Columns};
use crate::text::{self, non_empty, push_unique, scripted, CountryCodes};
use crate::uk::split_numbered;
use crate::xlsx::{self, Sheet};
use crate::{Error, ParsedList, Result};
use cordon_model::{
    dates, Address, BirthDate, DateQualifier, Entity, Name, NameKind, Place, Schema,
};
use std::collections::{BTreeMap, HashMap};

/// Reads the DFAT workbook.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    let sheets = xlsx::sheets(bytes)?;
    let sheet = sheets
        .into_iter()
        .find(|s| s.rows.iter().take(5).any(|row| is_header(row)))
        .ok_or_else(|| {
            Error::Format(
                "not the DFAT consolidated list: no sheet has the `Reference` and `Name Type` columns".into(),
            )
        })?;
    read_sheet(&sheet)
}

fn is_header(row: &[String]) -> bool {
    row.iter().any(|c| c.trim() == "Reference") && row.iter().any(|c| c.trim() == "Name Type")
}

/// Column positions.
struct Layout {
    reference: usize,
    name: usize,
    kind: usize,
    name_type: usize,
    birth_date: Option<usize>,
    birth_place: Option<usize>,
    citizenship: Option<usize>,
    address: Option<usize>,
    information: Option<usize>,
    listing: Option<usize>,
    committees: Option<usize>,
    control_date: Option<usize>,
}

impl Layout {
    fn new(header: &[String], line: u64) -> Result<Layout> {
        let record = csv::StringRecord::from(header.to_vec());
        let columns = Columns::new(&record);
        let [reference, name, kind, name_type] = columns.require(
            [
                "Reference",
                "Name of Individual or Entity",
                "Type",
                "Name Type",
            ],
            line,
        )?;
        Ok(Layout {
            reference,
            name,
            kind,
            name_type,
            birth_date: columns.index("Date of Birth"),
            birth_place: columns.index("Place of Birth"),
            citizenship: columns.index("Citizenship"),
            address: columns.index("Address"),
            information: columns.index("Additional Information"),
            listing: columns.index("Listing Information"),
            committees: columns.index("Committees"),
            control_date: columns.index("Control Date"),
        })
    }
}

/// Reads the list from the sheet's rows (the first rows up to the header are skipped).
pub(crate) fn read_sheet(sheet: &Sheet) -> Result<ParsedList> {
    let mut list = ParsedList {
        source: "au_dfat".into(),
        ..ParsedList::default()
    };
    let header_at = sheet
        .rows
        .iter()
        .position(|row| is_header(row))
        .ok_or_else(|| Error::Format(format!("sheet `{}`: no header row", sheet.name)))?;
    let layout = Layout::new(&sheet.rows[header_at], header_at as u64 + 1)?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut countries = CountryCodes::default();
    let mut odd_name_types: BTreeMap<String, usize> = BTreeMap::new();
    for (offset, row) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        let line = offset as u64 + 1;
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map_or("", String::as_str);
        let reference = cell(Some(layout.reference)).trim();
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = entity_reference(reference).ok_or_else(|| Error::Line {
            line,
            message: format!("sheet `{}`: unreadable Reference `{reference}`", sheet.name),
        })?;
        let position = match index.get(&id) {
            Some(&position) => position,
            None => {
                let kind = cell(Some(layout.kind));
                let schema = match kind.trim().to_ascii_lowercase().as_str() {
                    "individual" => Schema::Person,
                    "entity" | "" => Schema::Organization,
                    other => {
                        return Err(Error::Line {
                            line,
                            message: format!(
                                "unknown Type `{other}` (expected Individual or Entity)"
                            ),
                        })
                    }
                };
                list.entities.push(Entity::new(&list.source, &id, schema));
                index.insert(id, list.entities.len() - 1);
                list.entities.len() - 1
            }
        };
        let Some(entity) = list.entities.get_mut(position) else {
            continue;
        };
        let name_type = cell(Some(layout.name_type));
        let kind = name_kind(name_type).unwrap_or_else(|| {
            *odd_name_types
                .entry(name_type.trim().to_string())
                .or_default() += 1;
            NameKind::Alias
        });
        if let Some(full) = non_empty(cell(Some(layout.name))) {
            entity.push_name(scripted(Name::new(full, kind)));
        }
        add_details(entity, &layout, row, &mut countries);
    }
    for entity in &mut list.entities {
        entity.names.sort_by_key(|n| n.kind != NameKind::Primary);
        if let Some(first) = entity.names.first_mut() {
            if first.kind == NameKind::Alias {
                first.kind = NameKind::Primary;
            }
        }
    }
    list.entities.retain(|e| !e.names.is_empty());
    list.version = list
        .entities
        .iter()
        .filter_map(|e| e.designation.last_updated)
        .max()
        .map(|d| d.to_string());
    if !odd_name_types.is_empty() {
        let texts: Vec<String> = odd_name_types
            .iter()
            .map(|(t, n)| format!("`{t}` ({n})"))
            .collect();
        list.warnings.push(format!(
            "Name Type values read as aliases: {}",
            texts.join(", ")
        ));
    }
    list.warnings.extend(countries.summary());
    Ok(list)
}

/// `2`, `2a`, `2 b`, `123c` -> `2`, `2`, `2`, `123`.
fn entity_reference(reference: &str) -> Option<String> {
    let digits: String = reference.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// The 17 spellings of DFAT's 5 name types, read after trimming and case folding.
fn name_kind(text: &str) -> Option<NameKind> {
    let folded = text::clean(text).to_lowercase();
    match folded.as_str() {
        "primary name" => Some(NameKind::Primary),
        "aka" | "a.k.a." | "a.k.a" | "also known as" => Some(NameKind::Alias),
        "original script" => Some(NameKind::OriginalScript),
        "formerly known as" | "fka" | "previously listed as" => Some(NameKind::Former),
        _ => None,
    }
}

fn add_details(entity: &mut Entity, at: &Layout, row: &[String], countries: &mut CountryCodes) {
    let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map_or("", String::as_str);
    let listed = |text: &str| -> Vec<String> {
        if is_na(text) {
            Vec::new()
        } else {
            split_numbered(text)
        }
    };
    for date in listed(cell(at.birth_date)) {
        if let Some(date) = dfat_birth_date(&date) {
            push_unique(&mut entity.birth_dates, date);
        }
    }
    for place in listed(cell(at.birth_place)) {
        let last = place.rsplit(',').next().unwrap_or("").trim();
        let country = text::country_code(last);
        push_unique(
            &mut entity.birth_places,
            Place {
                text: text::clean(&place),
                country,
            },
        );
    }
    for citizenship in listed(cell(at.citizenship)) {
        if let Some(code) = countries.code(&citizenship) {
            push_unique(&mut entity.nationalities, code);
        }
    }
    for address in listed(cell(at.address)) {
        let last = address.rsplit(',').next().unwrap_or("").trim();
        let country = text::country_code(last);
        if let Some(code) = &country {
            push_unique(&mut entity.countries, code.clone());
        }
        push_unique(
            &mut entity.addresses,
            Address {
                text: text::clean(&address),
                city: None,
                country,
            },
        );
    }
    let designation = &mut entity.designation;
    for committee in listed(cell(at.committees)) {
        push_unique(&mut designation.programmes, committee);
    }
    if let Some(date) = excel_or_text_date(cell(at.control_date)) {
        designation.last_updated = Some(designation.last_updated.map_or(date, |d| d.max(date)));
    }
    for remark in [cell(at.information), cell(at.listing)] {
        if is_na(remark) {
            continue;
        }
        let Some(remark) = non_empty(remark) else {
            continue;
        };
        let current = designation.remarks.get_or_insert_with(String::new);
        if !current.contains(&remark) {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(&remark);
        }
    }
}

fn is_na(text: &str) -> bool {
    matches!(text.trim(), "" | "NA" | "N/A" | "na" | "n/a" | "-")
}

/// `12 March 1965`, `Approximately 1963`, `Approximately 1955- 1958`,
/// `1960 - 1965`, an Excel date serial.
fn dfat_birth_date(text: &str) -> Option<BirthDate> {
    if let Some(date) = excel_serial(text) {
        return Some(BirthDate::exact(date));
    }
    let tidy = text::clean(text)
        .replace(" - ", "-")
        .replace("- ", "-")
        .replace(" -", "-");
    if let Some(date) = dates::parse_loose(&tidy) {
        return Some(date);
    }
    let lower = tidy.to_ascii_lowercase();
    let rest = ["approximately", "approx.", "approx", "circa", "about"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))?;
    let inner = dates::parse_loose(rest.trim())?;
    Some(match inner.qualifier {
        // "Approximately 1955-1958": the range already says it is not exact.
        DateQualifier::Between => inner,
        _ => BirthDate {
            qualifier: DateQualifier::Approximate,
            ..inner
        },
    })
}

fn excel_or_text_date(text: &str) -> Option<cordon_model::PartialDate> {
    excel_serial(text).or_else(|| loose_date(text))
}

/// An Excel date serial (days since 1899-12-30, the 1900 date system) as a
/// date; only whole numbers in a plausible range (1900-2100) are read.
fn excel_serial(text: &str) -> Option<cordon_model::PartialDate> {
    let serial: i64 = text
        .trim()
        .strip_suffix(".0")
        .unwrap_or(text.trim())
        .parse()
        .ok()?;
    if !(1..=73_050).contains(&serial) {
        return None;
    }
    xlsx::date_of_serial(serial)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DFAT: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/au/au_dfat_regulation8_consolidated_2024-12.xlsx"
    );

    fn dfat() -> ParsedList {
        read(&std::fs::read(DFAT).unwrap()).unwrap()
    }

    #[test]
    fn name_types_in_all_their_spellings() {
        for (text, kind) in [
            ("Primary Name", NameKind::Primary),
            ("Primary Name ", NameKind::Primary),
            ("primary Name", NameKind::Primary),
            ("aka", NameKind::Alias),
            ("Aka ", NameKind::Alias),
            ("AKA", NameKind::Alias),
            ("Original script ", NameKind::OriginalScript),
            ("original Script", NameKind::OriginalScript),
            ("Formerly known as", NameKind::Former),
            ("Previously listed as", NameKind::Former),
        ] {
            assert_eq!(name_kind(text), Some(kind), "{text}");
        }
        assert_eq!(name_kind(""), None);
    }

    #[test]
    fn birth_dates_as_dfat_writes_them() {
        let range = dfat_birth_date("Approximately 1955- 1958").unwrap();
        assert_eq!(range.year_range(), (1955, 1958));
        let approx = dfat_birth_date("Approximately 1963").unwrap();
        assert_eq!(approx.qualifier, DateQualifier::Approximate);
        assert_eq!(
            dfat_birth_date("12 March 1965").unwrap().date.to_string(),
            "1965-03-12"
        );
        assert_eq!(dfat_birth_date("unknown"), None);
    }

    #[test]
    fn counts_match_the_workbook() {
        let list = dfat();
        // Counted from the sheet's raw XML by a python scan (9,560 data rows,
        // references grouped by their leading digits), not through this reader.
        assert_eq!(list.entities.len(), 3062);
        let counts = list.counts();
        // Type of each reference's first row: 2,316 Individual, 746 Entity.
        assert_eq!((counts.persons, counts.organizations), (2316, 746));
        assert!(list
            .entities
            .iter()
            .all(|e| e.names[0].kind == NameKind::Primary));
    }

    #[test]
    fn akhund_with_original_script_and_ranges() {
        let list = dfat();
        let e = list.entities.iter().find(|e| e.id == "au_dfat:2").unwrap();
        assert_eq!(e.caption(), "MOHAMMAD HASSAN AKHUND");
        assert!(e.names.iter().any(|n| n.kind == NameKind::OriginalScript));
        assert_eq!(e.birth_dates.len(), 2);
        assert_eq!(e.birth_dates[0].year_range(), (1955, 1958));
        assert_eq!(e.nationalities, ["AF"]);
        assert_eq!(e.designation.programmes, ["1988 (Taliban)"]);
        insta::assert_json_snapshot!("dfat_2", e);
    }
}
