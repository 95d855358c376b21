//! US Consolidated Screening List (CSL) CSV, as trade.gov publishes it.
//!
//! Columns are found by header name (`source`, `entity_number`, `type`,
//! `programs`, `name`, `title`, `addresses`, `start_date`, `remarks`,
//! `alt_names`, `citizenships`, `dates_of_birth`, `nationalities`,
//! `places_of_birth`, `ids`, `vessel_flag`, ...; the newer export's leading
//! `_id` column is ignored). Multi-valued cells are separated by `;`.
//!
//! **Ids.** `source_id` is `entity_number` (the OFAC entry number) when
//! present. Other lists (BIS, State) give none; their id is the list's
//! acronym and the name's slug, `dpl/adrian-manuel-hernandez`: stable across
//! versions and readable, with no hashing. The CSL repeats such a party once
//! per address, so rows of one list with the same name are read as one
//! entity whose addresses are gathered.
//!
//! **Schema.** `type` Individual/Entity/Vessel/Aircraft; an empty type (the
//! non-OFAC lists) reads as a person when the row has a date or place of
//! birth, a nationality or citizenship, else as an organisation.
//!
//! **ids cell.** Both layouts are read: `Passport, 836238033, KP` (newer:
//! type, number, country) and `CO, 1978075, Matricula Mercantil No` (older:
//! country, number, type). Sanctions notes (`Secondary sanctions risk:`,
//! `Subject to Directive 3`), websites and e-mail addresses are not
//! identifiers and are left out; `Gender, Male` sets the gender.

use crate::generic::{birth_date, field, loose_date, split_values, Columns, CsvRows};
use crate::text::{self, non_empty, push_unique, scripted, slug, CountryCodes};
use crate::{Error, ParsedList, Result};
use cordon_model::{Address, Entity, Identifier, IdentifierKind, Name, NameKind, Place, Schema};
use std::collections::HashMap;

/// Column positions in a CSL header.
struct Layout {
    source: usize,
    name: usize,
    entity_number: Option<usize>,
    kind: Option<usize>,
    programs: Option<usize>,
    title: Option<usize>,
    addresses: Option<usize>,
    start_date: Option<usize>,
    remarks: Option<usize>,
    alt_names: Option<usize>,
    citizenships: Option<usize>,
    dates_of_birth: Option<usize>,
    nationalities: Option<usize>,
    places_of_birth: Option<usize>,
    ids: Option<usize>,
    vessel_flag: Option<usize>,
    vessel_type: Option<usize>,
    call_sign: Option<usize>,
}

impl Layout {
    fn new(header: &Columns) -> Result<Layout> {
        let [source, name] = header.require(["source", "name"], 1)?;
        let at = |column: &str| header.index(column);
        Ok(Layout {
            source,
            name,
            entity_number: at("entity_number"),
            kind: at("type"),
            programs: at("programs"),
            title: at("title"),
            addresses: at("addresses"),
            start_date: at("start_date"),
            remarks: at("remarks"),
            alt_names: at("alt_names"),
            citizenships: at("citizenships"),
            dates_of_birth: at("dates_of_birth"),
            nationalities: at("nationalities"),
            places_of_birth: at("places_of_birth"),
            ids: at("ids"),
            vessel_flag: at("vessel_flag"),
            vessel_type: at("vessel_type"),
            call_sign: at("call_sign"),
        })
    }
}

/// Reads a US Consolidated Screening List CSV.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    let (content, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: "us_csl".into(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let mut rows = CsvRows::new(&content, b',', 0);
    let header = rows
        .next_row()?
        .ok_or_else(|| Error::Format("the CSL file is empty (no header row)".into()))?;
    let layout = Layout::new(&Columns::new(&header))?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut misses = CountryCodes::default();
    let mut unread_dates = 0usize;
    while let Some(row) = rows.next_row()? {
        let line = rows.line();
        let cell = |i: Option<usize>| field(&row, i);
        let names = row_names(cell(Some(layout.name)));
        let Some(primary) = names.first() else {
            return Err(Error::Line {
                line,
                message: "empty name".into(),
            });
        };
        let list_name = non_empty(cell(Some(layout.source))).unwrap_or_default();
        let source_id = match non_empty(cell(layout.entity_number)) {
            Some(number) => number,
            None => format!("{}/{}", list_key(&list_name), slug(primary)),
        };
        let position = match index.get(&source_id) {
            Some(&position) => position,
            None => {
                let schema = row_schema(&row, &layout, line)?;
                let mut entity = Entity::new("us_csl", &source_id, schema);
                let short = list_name
                    .split(" - ")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if !short.is_empty() {
                    entity.designation.programmes.push(short);
                }
                list.entities.push(entity);
                index.insert(source_id, list.entities.len() - 1);
                list.entities.len() - 1
            }
        };
        if let Some(entity) = list.entities.get_mut(position) {
            for (i, name) in names.into_iter().enumerate() {
                let kind = if i == 0 {
                    NameKind::Primary
                } else {
                    NameKind::Alias
                };
                entity.push_name(scripted(Name::new(name, kind)));
            }
            unread_dates += add_row(entity, &row, &layout, &mut misses);
        }
    }
    list.warnings.extend(misses.summary());
    if unread_dates > 0 {
        list.warnings.push(format!(
            "{unread_dates} date(s) of birth could not be read and were left out"
        ));
    }
    Ok(list)
}

/// The name cell: `X; and any successor, sub-unit, or subsidiary thereof`
/// is the name `X`; other `;`-separated parts are further names.
fn row_names(cell: &str) -> Vec<String> {
    cell.split(';')
        .filter_map(|part| {
            let part = non_empty(part)?;
            if part.to_ascii_lowercase().starts_with("and any successor") {
                return None;
            }
            let part = part
                .strip_prefix("and ")
                .map_or(part.clone(), str::to_string);
            non_empty(&part)
        })
        .collect()
}

/// `Denied Persons List (DPL) - Bureau of Industry and Security` -> `dpl`.
fn list_key(list_name: &str) -> String {
    let acronym = list_name
        .split(['(', ')'])
        .nth(1)
        .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_uppercase()));
    match acronym {
        Some(acronym) => acronym.to_ascii_lowercase(),
        None => slug(list_name.split(" - ").next().unwrap_or(list_name)),
    }
}

fn row_schema(row: &csv::StringRecord, at: &Layout, line: u64) -> Result<Schema> {
    let kind = field(row, at.kind).trim();
    if kind.is_empty() {
        let personal = [
            at.dates_of_birth,
            at.places_of_birth,
            at.nationalities,
            at.citizenships,
        ]
        .iter()
        .any(|&i| non_empty(field(row, i)).is_some());
        return Ok(if personal {
            Schema::Person
        } else {
            Schema::Organization
        });
    }
    Schema::parse(kind).ok_or_else(|| Error::Line {
        line,
        message: format!("unknown type `{kind}` (expected Individual, Entity, Vessel or Aircraft)"),
    })
}

/// Adds one row's details; returns how many dates of birth were unreadable.
fn add_row(
    entity: &mut Entity,
    row: &csv::StringRecord,
    at: &Layout,
    misses: &mut CountryCodes,
) -> usize {
    let values = |i: Option<usize>| split_values(field(row, i), ';');
    for alias in values(at.alt_names) {
        let alias = alias
            .strip_prefix("and ")
            .map_or(alias.clone(), str::to_string);
        entity.push_name(scripted(Name::new(alias, NameKind::Alias)));
    }
    let mut unread = 0;
    for text in values(at.dates_of_birth) {
        match birth_date(&text) {
            Some(date) => push_unique(&mut entity.birth_dates, date),
            None => unread += 1,
        }
    }
    for place in values(at.places_of_birth) {
        let country = place.rsplit(", ").next().and_then(text::country_code);
        push_unique(
            &mut entity.birth_places,
            Place {
                text: place,
                country,
            },
        );
    }
    for code in values(at.nationalities)
        .iter()
        .chain(&values(at.citizenships))
    {
        misses.push_code(&mut entity.nationalities, code);
    }
    for flag in values(at.vessel_flag) {
        misses.push_code(&mut entity.countries, &flag);
    }
    for address in values(at.addresses) {
        add_address(entity, address);
    }
    for item in values(at.ids) {
        add_id(entity, &item);
    }
    add_designation(entity, row, at);
    unread
}

fn add_address(entity: &mut Entity, text: String) {
    let last = text.rsplit(", ").next().unwrap_or("");
    let country = is_country_code(last)
        .then(|| text::country_code(last))
        .flatten();
    if let Some(code) = &country {
        push_unique(&mut entity.countries, code.clone());
    }
    push_unique(
        &mut entity.addresses,
        Address {
            text,
            city: None,
            country,
        },
    );
}

fn add_designation(entity: &mut Entity, row: &csv::StringRecord, at: &Layout) {
    let designation = &mut entity.designation;
    for program in split_values(field(row, at.programs), ';') {
        push_unique(&mut designation.programmes, program);
    }
    if let Some(start) = loose_date(field(row, at.start_date)) {
        designation.listed_on = Some(designation.listed_on.map_or(start, |d| d.min(start)));
    }
    let notes = [
        non_empty(field(row, at.title)).map(|t| format!("Title: {t}")),
        non_empty(field(row, at.vessel_type)).map(|t| format!("Vessel type: {t}")),
        non_empty(field(row, at.call_sign)).map(|c| format!("Call sign: {c}")),
        non_empty(field(row, at.remarks)),
    ];
    for note in notes.into_iter().flatten() {
        let remarks = designation.remarks.get_or_insert_with(String::new);
        if !remarks.contains(&note) {
            if !remarks.is_empty() {
                remarks.push('\n');
            }
            remarks.push_str(&note);
        }
    }
}

fn is_country_code(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// What an `ids` label means, for labels that name an identifier.
fn label_kind(label: &str) -> Option<IdentifierKind> {
    let lower = label.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    Some(if has(&["passport"]) {
        IdentifierKind::Passport
    } else if has(&["vessel registration", "imo"]) {
        IdentifierKind::Imo
    } else if has(&["swift", "bic"]) {
        IdentifierKind::Bic
    } else if has(&["tax", "v.a.t", "vat ", "nit #", "ruc #", "rfc", "inn"]) {
        IdentifierKind::TaxId
    } else if has(&[
        "national id",
        "cedula",
        "identification number",
        "identity",
        "id card",
        "personal id",
        "curp",
    ]) {
        IdentifierKind::NationalId
    } else if has(&[
        "registration",
        "gazette",
        "company number",
        "registry",
        "matricula",
        "business number",
    ]) {
        IdentifierKind::Registration
    } else {
        return None;
    })
}

/// Reads one item of the `ids` cell (see the module documentation).
fn add_id(entity: &mut Entity, item: &str) {
    let parts: Vec<&str> = item
        .split(", ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let is_note = |p: &&str| p.ends_with(':') || p.ends_with('-') || p.starts_with("Subject to");
    if parts.len() < 2 || parts.iter().any(is_note) {
        return;
    }
    let lower: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    if lower.iter().any(|p| {
        matches!(
            p.as_str(),
            "website" | "email address" | "phone number" | "fax"
        ) || p.contains("vessel flag")
    }) {
        return;
    }
    if lower.first().is_some_and(|p| p == "gender") {
        entity.gender = parts.get(1).map(|g| g.to_ascii_lowercase());
        return;
    }
    // The label is the last part (older layout) or the first (newer layout).
    let (Some(&first), Some(&last_part)) = (parts.first(), parts.last()) else {
        return;
    };
    let last = parts.len() - 1;
    let (label_at, kind) = match (label_kind(last_part), label_kind(first)) {
        (Some(kind), _) => (last, kind),
        (None, Some(kind)) => (0, kind),
        (None, None) if !first.bytes().any(|b| b.is_ascii_digit()) && !is_country_code(first) => {
            (0, IdentifierKind::Other(first.to_string()))
        }
        (None, None) => (last, IdentifierKind::Other(last_part.to_string())),
    };
    let label = if label_at == 0 { first } else { last_part };
    let rest: Vec<&str> = parts
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != label_at)
        .map(|(_, p)| *p)
        .collect();
    let country_part = rest
        .iter()
        .copied()
        .find(|p| is_country_code(p) && rest.len() > 1);
    let Some(number) = rest.iter().copied().find(|p| Some(*p) != country_part) else {
        return;
    };
    let number = match kind {
        IdentifierKind::Imo => number.trim_start_matches("IMO").trim(),
        _ => number,
    };
    let document = Identifier {
        kind,
        number: number.to_string(),
        country: country_part.and_then(text::country_code),
        note: Some(label.to_string()),
    };
    push_unique(&mut entity.identifiers, document);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/us/csl_sample.csv"
    );
    const SAMPLE13: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/us/csl_consolidated_sample13.csv"
    );

    fn sample() -> ParsedList {
        read(&std::fs::read(SAMPLE).unwrap()).unwrap()
    }

    #[test]
    fn counts_of_both_samples() {
        // python csv: 115 rows; rows without entity_number that repeat
        // (list, name) merge: Gunther Migeotte x5 (EL), AL NASER WINGS
        // AIRLINES x2 (DPL) -> 110 entities.
        let list = sample();
        assert_eq!(list.source, "us_csl");
        assert_eq!(list.entities.len(), 110);
        let counts = list.counts();
        assert_eq!(counts.vessels, 2);
        let list = read(&std::fs::read(SAMPLE13).unwrap()).unwrap();
        assert_eq!(list.entities.len(), 13);
    }

    #[test]
    fn merged_rows_gather_addresses() {
        let list = sample();
        let e = list
            .entities
            .iter()
            .find(|e| e.id == "us_csl:el/gunther-migeotte")
            .unwrap();
        // 5 rows, 8 distinct addresses once the first row's 4 are split (python).
        assert_eq!(e.addresses.len(), 8);
        assert_eq!(e.schema, Schema::Organization);
        assert_eq!(e.designation.programmes[0], "Entity List (EL)");
        let dpl = list
            .entities
            .iter()
            .find(|e| e.id == "us_csl:dpl/adrian-manuel-hernandez")
            .unwrap();
        assert_eq!(dpl.caption(), "ADRIAN MANUEL HERNANDEZ");
        assert_eq!(dpl.designation.listed_on.unwrap().to_string(), "2017-10-16");
    }

    #[test]
    fn ids_in_both_layouts() {
        let list = read(&std::fs::read(SAMPLE13).unwrap()).unwrap();
        let passport = list
            .entities
            .iter()
            .flat_map(|e| &e.identifiers)
            .find(|i| i.number == "836238033")
            .unwrap();
        assert_eq!(passport.kind, IdentifierKind::Passport);
        assert!(list
            .entities
            .iter()
            .any(|e| e.gender.as_deref() == Some("male")));
        let sinobright = list
            .entities
            .iter()
            .find(|e| e.caption().starts_with("Sinobright"))
            .unwrap();
        assert_eq!(sinobright.caption(), "Sinobright Import and Export Company");
        assert_eq!(sinobright.names.len(), 1);
        let list = sample();
        let all: Vec<&Identifier> = list.entities.iter().flat_map(|e| &e.identifiers).collect();
        let matricula = all.iter().find(|i| i.number == "1978075").unwrap();
        assert_eq!(matricula.kind, IdentifierKind::Registration);
        let imo = all.iter().find(|i| i.kind == IdentifierKind::Imo).unwrap();
        assert_eq!(imo.number, "8898831");
        assert!(all
            .iter()
            .any(|i| i.kind == IdentifierKind::Bic && i.number == "RKBZCHZZ"));
        assert!(!all.iter().any(|i| i.number.contains("Directive")
            || i.number.contains('@')
            || i.number.starts_with("www")));
    }

    #[test]
    fn persons_and_dates() {
        let list = read(&std::fs::read(SAMPLE13).unwrap()).unwrap();
        let birth_dated = list
            .entities
            .iter()
            .filter(|e| !e.birth_dates.is_empty())
            .count();
        // 4 rows carry dates_of_birth (python).
        assert_eq!(birth_dated, 4);
        assert!(list
            .entities
            .iter()
            .filter(|e| !e.birth_dates.is_empty())
            .all(|e| e.schema == Schema::Person));
    }

    #[test]
    fn errors_name_the_line() {
        let bytes = std::fs::read(SAMPLE).unwrap();
        // Cut inside the quoted `ids` field, the last column: only the quote
        // count shows it.
        let cut = &bytes[..bytes.len() * 2 / 3];
        let line = cut.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let err = read(cut).unwrap_err();
        assert!(
            matches!(err, Error::Line { line: l, .. } if l == line),
            "{err}"
        );
        let cut = &bytes[..bytes.len() / 2];
        assert!(matches!(read(cut), Err(Error::Line { .. })));
        let err = read(b"id,title\n1,x\n").unwrap_err();
        assert!(
            matches!(&err, Error::Line { line: 1, message } if message.contains("source")),
            "{err}"
        );
        let err = read(b"source,name\nDPL,A\nDPL,\n").unwrap_err();
        assert!(matches!(err, Error::Line { line: 3, .. }), "{err}");
    }
}
