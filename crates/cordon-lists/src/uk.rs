//! UK list CSVs: HM Treasury (OFSI) consolidated list (ConList, retired on
//! 28 January 2026) and the CSV edition of the UK Sanctions List (FCDO),
//! which replaced it (its XML edition is [`crate::uk_xml`]).
//!
//! ConList starts with `Last Updated,DD/MM/YYYY` (the version), the FCDO file
//! with `Report Date: 08-Oct-2026`; then a header, then one row per *name*:
//! all rows with the same `Group ID` (FCDO: `Unique ID`, `AFG0001`, the id
//! the XML edition uses too) are one designated entity. Rows of a group need
//! not be adjacent, so groups are gathered by id, in the order their first
//! row appears. Columns are found by header name, under either file's
//! spelling (`Alias Type`/`Name type`, `DOB`/`D.O.B`, `Regime`/`Regime
//! Name`, `Group Type`/`Designation Type`...), so newer ConList files (with
//! `Name Non-Latin Script`, `Alias Quality`, ...) read too.
//!
//! Field mapping: `Name 6` is the family name, `Name 1`..`Name 5` the given
//! names and `Title` the title; `Alias Type` gives the [`NameKind`]
//! (`Prime Alias`/`Primary name` -> primary, `FKA` -> former, others ->
//! alias); `Group Type` (Individual/Entity/Ship) the schema. Each row's DOB,
//! place of birth, address, passport and NI number are collected (duplicates
//! dropped). Numbered lists such as `1) Saudi Arabia 2) Qatar` are split.
//! The FCDO file adds ship IMO numbers (check digit verified), business
//! registration numbers, gender and the flag of a ship; its UN reference,
//! designation source, sanctions imposed, statement of reasons, entity and
//! ship details go to the remarks under the labels the XML reader uses.

use crate::generic::{field, identifier, loose_date, Columns, CsvRows};
use crate::text::{self, non_empty, push_unique, scripted, CountryCodes};
use crate::uk_xml::uk_birth_date;
use crate::{Error, ParsedList, Result};
use cordon_model::{
    Address, Entity, IdentifierKind, Name, NameKind, NameParts, NameQuality, Place, Schema,
};
use std::collections::HashMap;

/// Column positions in the UK header (optional ones may be absent).
struct Layout {
    names: [usize; 6],
    group_id: usize,
    group_type: usize,
    alias_type: Option<usize>,
    alias_quality: Option<usize>,
    title: Option<usize>,
    non_latin: Option<usize>,
    non_latin_language: Option<usize>,
    dob: Option<usize>,
    town_of_birth: Option<usize>,
    country_of_birth: Option<usize>,
    nationality: Option<usize>,
    passport: Option<usize>,
    passport_number: Option<usize>,
    ni_number: Option<usize>,
    ni_details: Option<usize>,
    position: Option<usize>,
    address: Vec<usize>,
    country: Option<usize>,
    other_information: Option<usize>,
    regime: Option<usize>,
    listed_on: Option<usize>,
    last_updated: Option<usize>,
    gender: Option<usize>,
    imo: Option<usize>,
    registration: Option<usize>,
    flag: Option<usize>,
    /// Columns kept as remarks under a label.
    labelled: Vec<(&'static str, usize)>,
}

/// FCDO columns kept as remarks, with the labels the XML reader gives them.
const LABELLED: [(&str, &str); 11] = [
    ("UN reference: ", "UN Reference Number"),
    ("OFSI group ID: ", "OFSI Group ID"),
    ("Designated by: ", "Designation source"),
    ("Sanctions: ", "Sanctions Imposed"),
    ("Statement of reasons: ", "UK Statement of Reasons"),
    ("Type of entity: ", "Type of entity"),
    ("Parent company: ", "Parent company"),
    ("Subsidiary: ", "Subsidiaries"),
    ("Owner/operator: ", "Current owner/operator (s)"),
    ("Previous flag: ", "Previous flags"),
    ("Type of ship: ", "Type of ship"),
];

/// The position of the first of a column's names (ConList's, then FCDO's).
fn any_of(header: &Columns, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|name| header.index(name))
}

impl Layout {
    fn new(header: &Columns, line: u64) -> Result<Layout> {
        let required = |names: &[&str]| {
            any_of(header, names).ok_or_else(|| Error::Line {
                line,
                message: format!(
                    "the header lacks the column {}; is this the right format?",
                    names.join(" (or ") + &")".repeat(names.len().saturating_sub(1))
                ),
            })
        };
        let group_id = required(&["Group ID", "Unique ID"])?;
        let group_type = required(&["Group Type", "Designation Type"])?;
        let [n6, n1, n2, n3, n4, n5] = header.require(
            ["Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5"],
            line,
        )?;
        let address = (1..=6)
            .filter_map(|i| {
                any_of(
                    header,
                    &[&format!("Address {i}"), &format!("Address Line {i}")],
                )
            })
            .chain(any_of(header, &["Post/Zip Code", "Address Postal Code"]))
            .collect();
        Ok(Layout {
            names: [n1, n2, n3, n4, n5, n6],
            group_id,
            group_type,
            alias_type: any_of(header, &["Alias Type", "Name type"]),
            alias_quality: any_of(header, &["Alias Quality", "Alias strength"]),
            title: header.index("Title"),
            non_latin: header.index("Name Non-Latin Script"),
            non_latin_language: header.index("Non-Latin Script Language"),
            dob: any_of(header, &["DOB", "D.O.B"]),
            town_of_birth: header.index("Town of Birth"),
            country_of_birth: header.index("Country of Birth"),
            nationality: any_of(header, &["Nationality", "Nationality(/ies)"]),
            passport: any_of(
                header,
                &["Passport Details", "Passport additional information"],
            ),
            passport_number: header.index("Passport Number"),
            ni_number: any_of(
                header,
                &[
                    "NI Number",
                    "National Identification Number",
                    "National Identifier number",
                ],
            ),
            ni_details: any_of(
                header,
                &[
                    "National Identification Details",
                    "National Identifier additional information",
                ],
            ),
            position: header.index("Position"),
            address,
            country: any_of(header, &["Country", "Address Country"]),
            other_information: header.index("Other Information"),
            regime: any_of(header, &["Regime", "Regime Name"]),
            listed_on: any_of(header, &["Listed On", "Date Designated"]),
            last_updated: header.index("Last Updated"),
            gender: header.index("Gender"),
            imo: header.index("IMO number"),
            registration: header.index("Business registration number (s)"),
            flag: header.index("Current believed flag of ship"),
            labelled: LABELLED
                .iter()
                .filter_map(|&(label, column)| Some((label, header.index(column)?)))
                .collect(),
        })
    }
}

/// Reads the UK consolidated list CSV.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    let (content, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: "uk".into(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let (version, body, skipped) = split_version_line(&content)?;
    list.version = version;
    let mut rows = CsvRows::new(body, b',', skipped);
    let header = rows
        .next_row()?
        .ok_or_else(|| Error::Format("the UK list is empty (no header row)".into()))?;
    let layout = Layout::new(&Columns::new(&header), rows.line())?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut misses = CountryCodes::default();
    while let Some(row) = rows.next_row()? {
        let line = rows.line();
        let id = non_empty(field(&row, Some(layout.group_id))).ok_or_else(|| Error::Line {
            line,
            message: "empty Group ID".into(),
        })?;
        let position = match index.get(&id) {
            Some(&position) => position,
            None => {
                let schema = group_schema(field(&row, Some(layout.group_type)), line)?;
                list.entities.push(Entity::new("uk", &id, schema));
                index.insert(id, list.entities.len() - 1);
                list.entities.len() - 1
            }
        };
        if let Some(entity) = list.entities.get_mut(position) {
            add_row(entity, &row, &layout, &mut misses);
            add_fcdo_columns(entity, &row, &layout, &mut misses, &mut list.warnings);
        }
    }
    for entity in &mut list.entities {
        finish(entity);
    }
    list.warnings.extend(misses.summary());
    Ok(list)
}

/// The version from a `Last Updated,DD/MM/YYYY` (ConList) or `Report Date:
/// 08-Oct-2026` (FCDO) first line, the rest of the text, and how many lines
/// were consumed. A file starting with the header directly has no version
/// (the FCDO header itself starts with `Last Updated,Unique ID`).
fn split_version_line(content: &str) -> Result<(Option<String>, &str, u64)> {
    let (first, rest) = content.split_once('\n').unwrap_or((content, ""));
    let (label, date) = if let Some(date) = first.strip_prefix("Report Date:") {
        ("Report Date", date)
    } else if first.starts_with("Last Updated") && !first.contains("Unique ID") {
        ("Last Updated", first.split(',').nth(1).unwrap_or(""))
    } else {
        return Ok((None, content, 0));
    };
    let date = date.trim().trim_matches(',').trim();
    let version = loose_date(date).ok_or_else(|| Error::Line {
        line: 1,
        message: format!("unreadable `{label}` date `{date}`"),
    })?;
    Ok((Some(version.to_string()), rest, 1))
}

fn group_schema(text: &str, line: u64) -> Result<Schema> {
    Schema::parse(text).ok_or_else(|| Error::Line {
        line,
        message: format!(
            "unknown Group Type `{}` (expected Individual, Entity or Ship)",
            text.trim()
        ),
    })
}

fn add_row(entity: &mut Entity, row: &csv::StringRecord, at: &Layout, misses: &mut CountryCodes) {
    let cell = |index: Option<usize>| field(row, index);
    if let Some(name) = row_name(row, at) {
        push_name_with_kind(entity, name);
    }
    if let Some(original) = non_empty(cell(at.non_latin)) {
        let mut name = scripted(Name::new(original, NameKind::OriginalScript));
        name.lang = non_empty(cell(at.non_latin_language));
        entity.push_name(name);
    }
    // `dd/mm/1945` (day and month unknown) as the XML edition writes it too.
    if let Some(date) = non_empty(cell(at.dob)).and_then(|d| uk_birth_date(&d)) {
        push_unique(&mut entity.birth_dates, date);
    }
    add_birth_place(
        entity,
        cell(at.town_of_birth),
        cell(at.country_of_birth),
        misses,
    );
    for nationality in split_numbered(cell(at.nationality)) {
        if let Some(code) = country_of(&nationality, misses) {
            push_unique(&mut entity.nationalities, code);
        }
    }
    add_documents(
        entity,
        IdentifierKind::Passport,
        cell(at.passport_number),
        cell(at.passport),
    );
    add_documents(
        entity,
        IdentifierKind::NationalId,
        cell(at.ni_number),
        cell(at.ni_details),
    );
    add_address(entity, row, at, misses);
    add_designation(entity, row, at);
}

/// What only the FCDO file has: ship IMO numbers, registration numbers,
/// gender, flag and the labelled remarks (absent columns add nothing).
fn add_fcdo_columns(
    entity: &mut Entity,
    row: &csv::StringRecord,
    at: &Layout,
    misses: &mut CountryCodes,
    warnings: &mut Vec<String>,
) {
    let cell = |index: Option<usize>| field(row, index);
    for imo in split_numbered(cell(at.imo)) {
        crate::uk_xml::add_imo(entity, &imo, warnings);
    }
    for number in split_numbered(cell(at.registration)) {
        push_unique(
            &mut entity.identifiers,
            document(IdentifierKind::Registration, number),
        );
    }
    if let Some(gender) = non_empty(cell(at.gender)) {
        entity.gender = Some(gender.to_ascii_lowercase());
    }
    if let Some(code) = non_empty(cell(at.flag)).and_then(|f| country_of(&f, misses)) {
        push_unique(&mut entity.countries, code);
    }
    for &(label, column) in &at.labelled {
        if let Some(value) = non_empty(field(row, Some(column))) {
            add_remark(entity, format!("{label}{}", text::clean(&value)));
        }
    }
}

/// The row's name: given names then family name, with its parts.
fn row_name(row: &csv::StringRecord, at: &Layout) -> Option<Name> {
    let parts: Vec<Option<String>> = at
        .names
        .iter()
        .map(|&i| non_empty(field(row, Some(i))))
        .collect();
    let full = text::clean(
        &parts
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
    );
    if full.is_empty() {
        return None;
    }
    let given_middle: Vec<String> = parts
        .get(1..5)
        .unwrap_or(&[])
        .iter()
        .flatten()
        .cloned()
        .collect();
    let name_parts = NameParts {
        first: parts.first().cloned().flatten(),
        middle: (!given_middle.is_empty()).then(|| given_middle.join(" ")),
        family: parts.get(5).cloned().flatten(),
        title: non_empty(field(row, at.title)),
        ..NameParts::default()
    };
    let kind = match field(row, at.alias_type)
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "prime alias" | "primary name" => NameKind::Primary,
        "fka" | "formerly known as" => NameKind::Former,
        _ => NameKind::Alias,
    };
    let quality = match field(row, at.alias_quality)
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        // ConList `Low`/`Low quality`; FCDO `Low quality a.k.a`.
        quality if quality.starts_with("low") || quality == "weak" => NameQuality::Weak,
        _ => NameQuality::Strong,
    };
    Some(
        scripted(Name::new(full, kind))
            .with_parts(name_parts)
            .with_quality(quality),
    )
}

/// Adds a name; a primary row upgrades an alias already holding the same text.
fn push_name_with_kind(entity: &mut Entity, name: Name) {
    if name.kind == NameKind::Primary {
        if let Some(existing) = entity.names.iter_mut().find(|n| n.full == name.full) {
            existing.kind = NameKind::Primary;
            existing.set_parts(name.parts().clone());
        }
    }
    entity.push_name(name);
}

pub(crate) fn add_birth_place(
    entity: &mut Entity,
    town: &str,
    country: &str,
    misses: &mut CountryCodes,
) {
    let place = [town, country]
        .iter()
        .filter_map(|p| non_empty(p))
        .collect::<Vec<_>>()
        .join(", ");
    if place.is_empty() {
        return;
    }
    let countries = split_numbered(country);
    let code = match countries.as_slice() {
        [single] => country_of(single, misses),
        _ => None,
    };
    push_unique(
        &mut entity.birth_places,
        Place {
            text: place,
            country: code,
        },
    );
}

fn add_address(
    entity: &mut Entity,
    row: &csv::StringRecord,
    at: &Layout,
    misses: &mut CountryCodes,
) {
    let country = non_empty(field(row, at.country));
    let mut parts: Vec<String> = at
        .address
        .iter()
        .filter_map(|&i| non_empty(field(row, Some(i))))
        .collect();
    parts.extend(country.clone());
    if parts.is_empty() {
        return;
    }
    let code = country.and_then(|c| country_of(&c, misses));
    if let Some(code) = &code {
        push_unique(&mut entity.countries, code.clone());
    }
    let address = Address {
        text: parts.join(", "),
        city: None,
        country: code,
    };
    push_unique(&mut entity.addresses, address);
}

fn add_designation(entity: &mut Entity, row: &csv::StringRecord, at: &Layout) {
    let designation = &mut entity.designation;
    if let Some(regime) = non_empty(field(row, at.regime)) {
        push_unique(&mut designation.programmes, regime);
    }
    if let Some(listed) = loose_date(field(row, at.listed_on)) {
        designation.listed_on = Some(designation.listed_on.map_or(listed, |d| d.min(listed)));
    }
    if let Some(updated) = loose_date(field(row, at.last_updated)) {
        designation.last_updated =
            Some(designation.last_updated.map_or(updated, |d| d.max(updated)));
    }
    let remarks = [
        non_empty(field(row, at.position)).map(|p| format!("Position: {p}")),
        non_empty(field(row, at.other_information)),
    ];
    for remark in remarks.into_iter().flatten() {
        add_remark(entity, remark);
    }
}

/// Adds a remark unless the remarks hold it already (each row of a group
/// repeats the group's details).
fn add_remark(entity: &mut Entity, remark: String) {
    let current = entity.designation.remarks.get_or_insert_with(String::new);
    if !current.contains(&remark) {
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&remark);
    }
}

/// Primary names first; a group without a primary row gets its first name as primary.
fn finish(entity: &mut Entity) {
    entity.names.sort_by_key(|n| n.kind != NameKind::Primary);
    if let Some(first) = entity.names.first_mut() {
        if first.kind != NameKind::Primary && first.kind != NameKind::OriginalScript {
            first.kind = NameKind::Primary;
        }
    }
}

/// Documents from a number column and/or a free-text details column (the
/// 2018 file has only details; newer files give the number separately).
fn add_documents(entity: &mut Entity, kind: IdentifierKind, number: &str, details: &str) {
    let numbers = split_numbered(number);
    if numbers.is_empty() {
        for text in split_numbered(details) {
            push_unique(&mut entity.identifiers, document(kind.clone(), text));
        }
        return;
    }
    for number in numbers {
        let document = cordon_model::Identifier {
            note: non_empty(details),
            ..identifier(kind.clone(), number)
        };
        push_unique(&mut entity.identifiers, document);
    }
}

/// A document from free text such as `Passport No: 592667 (Qatari passport
/// issued on 3 May 2007).`: the number is the first token that looks like
/// one; the whole text is kept as the note.
pub(crate) fn document(kind: IdentifierKind, text: String) -> cordon_model::Identifier {
    match document_number(&text) {
        Some(number) if number != text => cordon_model::Identifier {
            note: Some(text),
            ..identifier(kind, number)
        },
        _ => identifier(kind, text),
    }
}

fn document_number(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | ':'))
        .map(|token| {
            let token = token.trim_end_matches('.');
            let lower = token.to_ascii_lowercase();
            if lower.starts_with("no.") {
                token.get(3..).unwrap_or("")
            } else {
                token
            }
        })
        .find(|token| {
            token.len() >= 4
                && token.bytes().filter(u8::is_ascii_digit).count() >= 3
                && token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
        })
        .map(str::to_string)
}

/// A country from `Saudi Arabia`, `Afghan`, `Iraqi (since 2001)`, `Lebanon citizenship`.
pub(crate) fn country_of(text: &str, misses: &mut CountryCodes) -> Option<String> {
    if let Some(code) = text::country_code(text) {
        return Some(code);
    }
    let head = text.split(['(', '.', ',', ';']).next().unwrap_or("");
    let head = head
        .split_whitespace()
        .filter(|w| {
            !matches!(
                w.to_ascii_lowercase().as_str(),
                "citizenship" | "national" | "nationality" | "citizen"
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    if !head.is_empty() && head != text {
        if let Some(code) = text::country_code(&head) {
            return Some(code);
        }
    }
    misses.code(text)
}

/// Splits `(1) A (2) B`, `1) A 2) B`, `a) A b)B` into items; other text is one item.
pub(crate) fn split_numbered(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut content_start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while let Some(&(offset, _)) = chars.get(i) {
        let at_boundary = i == 0
            || chars
                .get(i - 1)
                .is_some_and(|&(_, c)| c.is_whitespace() || matches!(c, ',' | ';' | '-'));
        if at_boundary {
            if let Some(length) = marker_length(&chars[i..]) {
                if let Some(item) = non_empty(text.get(content_start..offset).unwrap_or("")) {
                    items.push(item.trim_end_matches([',', ';', '-']).trim().to_string());
                }
                i += length;
                content_start = chars.get(i).map_or(text.len(), |&(o, _)| o);
                continue;
            }
        }
        i += 1;
    }
    if let Some(item) = non_empty(text.get(content_start..).unwrap_or("")) {
        items.push(item.trim_end_matches([',', ';', '.']).trim().to_string());
    }
    items.retain(|item| !item.is_empty());
    items
}

/// Length in chars of a list marker (`(1)`, `1)`, `(a)`, `b)`) at the start of `chars`.
fn marker_length(chars: &[(usize, char)]) -> Option<usize> {
    let mut i = 0;
    let open = chars.first().is_some_and(|&(_, c)| c == '(');
    if open {
        i += 1;
    }
    let first = chars.get(i).map(|&(_, c)| c)?;
    if first.is_ascii_digit() {
        i += 1;
        if chars.get(i).is_some_and(|&(_, c)| c.is_ascii_digit()) {
            i += 1;
        }
    } else if ('a'..='h').contains(&first) {
        i += 1;
    } else {
        return None;
    }
    (chars.get(i).map(|&(_, c)| c) == Some(')')).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of the FCDO UK Sanctions List CSV (58 columns), as
    /// documented for the file of 8 October 2026; no real FCDO CSV is in
    /// the shared data, so the rows below are constructed.
    const FCDO_HEADER: &str = "Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,\
        Name 1,Name 2,Name 3,Name 4,Name 5,Name type,Alias strength,Title,Name non-latin script,\
        Non-latin script type,Non-latin script language,Regime Name,Designation Type,\
        Designation source,Sanctions Imposed,Other Information,UK Statement of Reasons,\
        Address Line 1,Address Line 2,Address Line 3,Address Line 4,Address Line 5,Address Line 6,\
        Address Postal Code,Address Country,Phone number,Website,Email address,Date Designated,\
        D.O.B,Nationality(/ies),National Identifier number,\
        National Identifier additional information,Passport number,\
        Passport additional information,Position,Gender,Town of birth,Country of birth,\
        Type of entity,Subsidiaries,Parent company,Business registration number (s),IMO number,\
        Current owner/operator (s),Previous owner/operator (s),Current believed flag of ship,\
        Previous flags,Type of ship,Tonnage of ship,Length of ship,Year Built,\
        Hull identification number (HIN)";

    /// One FCDO row: the named columns set, every other column empty.
    fn fcdo_row(values: &[(&str, &str)]) -> String {
        FCDO_HEADER
            .split(',')
            .map(|column| {
                let value = values
                    .iter()
                    .find(|(c, _)| *c == column)
                    .map_or("", |v| v.1);
                if value.contains([',', '"']) {
                    format!("\"{}\"", value.replace('"', "\"\""))
                } else {
                    value.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn fcdo_file() -> String {
        let person = [
            ("Last Updated", "04/08/2026"),
            ("Unique ID", "IRQ9001"),
            ("OFSI Group ID", "9001"),
            ("UN Reference Number", "IQi.999"),
            (
                "Regime Name",
                "The Iraq (Sanctions) (EU Exit) Regulations 2020",
            ),
            ("Designation Type", "Individual"),
            ("Designation source", "UN"),
            ("Date Designated", "12/03/2004"),
            ("D.O.B", "dd/mm/1945"),
            ("Nationality(/ies)", "Iraq"),
            ("Passport number", "A1234567"),
            ("Passport additional information", "issued in Baghdad"),
            ("Gender", "Male"),
        ];
        let name = |first: &str, family: &str, kind: &str, strength: &str| {
            let mut row = person.to_vec();
            row.extend([
                ("Name 1", first),
                ("Name 6", family),
                ("Name type", kind),
                ("Alias strength", strength),
            ]);
            fcdo_row(&row)
        };
        let ship = [
            ("Last Updated", "31/07/2024"),
            ("Unique ID", "RUS9002"),
            ("Name 6", "EXAMPLE PROSPECT"),
            ("Name type", "Primary Name"),
            (
                "Regime Name",
                "The Russia (Sanctions) (EU Exit) Regulations 2019",
            ),
            ("Designation Type", "Ship"),
            ("Date Designated", "31/07/2024"),
            ("IMO number", "IMO9826902"),
            ("Current believed flag of ship", "Gabon"),
            ("Type of ship", "Oil Tanker"),
        ];
        let non_latin = [
            ("Unique ID", "IRQ9001"),
            ("Designation Type", "Individual"),
            ("Name non-latin script", "غازي حمود"),
            ("Non-latin script language", "Arabic"),
        ];
        [
            "Report Date: 08-Oct-2026".to_string(),
            FCDO_HEADER.to_string(),
            name("GHAZI", "AL-EXAMPLE", "Primary Name", ""),
            name("Ghazi", "Al Example", "Alias", "Low quality a.k.a"),
            fcdo_row(&ship),
            fcdo_row(&non_latin),
        ]
        .join("\r\n")
    }

    #[test]
    fn reads_the_fcdo_uk_sanctions_list_csv() {
        let file = fcdo_file();
        let bytes = file.as_bytes();
        assert_eq!(crate::detect(bytes).unwrap(), crate::Format::UkCsv);
        let list = read(bytes).unwrap();
        assert_eq!(list.version.as_deref(), Some("2026-10-08"));
        assert_eq!(list.entities.len(), 2, "{:?}", list.warnings);
        let person = &list.entities[0];
        assert_eq!(person.id, "uk:IRQ9001");
        assert_eq!(person.schema, Schema::Person);
        let names: Vec<(&str, NameKind, NameQuality)> = person
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.kind, n.quality))
            .collect();
        assert_eq!(
            names,
            [
                ("GHAZI AL-EXAMPLE", NameKind::Primary, NameQuality::Strong),
                ("Ghazi Al Example", NameKind::Alias, NameQuality::Weak),
                ("غازي حمود", NameKind::OriginalScript, NameQuality::Strong),
            ]
        );
        assert_eq!(
            person.names[0].parts().family.as_deref(),
            Some("AL-EXAMPLE")
        );
        assert_eq!(person.birth_dates[0].date.year, 1945);
        assert_eq!(person.birth_dates[0].date.month, None);
        assert_eq!(person.nationalities, ["IQ"]);
        assert_eq!(person.gender.as_deref(), Some("male"));
        assert_eq!(person.identifiers.len(), 1);
        assert_eq!(person.identifiers[0].number, "A1234567");
        assert_eq!(
            person.identifiers[0].note.as_deref(),
            Some("issued in Baghdad")
        );
        let designation = &person.designation;
        assert_eq!(designation.listed_on.unwrap().to_string(), "2004-03-12");
        let remarks = designation.remarks.as_deref().unwrap();
        assert!(remarks.contains("UN reference: IQi.999"), "{remarks}");
        assert!(remarks.contains("OFSI group ID: 9001"), "{remarks}");
        assert_eq!(remarks.matches("UN reference").count(), 1, "{remarks}");

        let ship = &list.entities[1];
        assert_eq!(ship.schema, Schema::Vessel);
        assert_eq!(ship.identifiers[0].kind, IdentifierKind::Imo);
        assert_eq!(ship.identifiers[0].number, "9826902");
        assert_eq!(ship.countries, ["GA"]);
        assert!(
            list.warnings.iter().all(|w| !w.contains("IMO")),
            "{:?}",
            list.warnings
        );
    }

    #[test]
    fn an_fcdo_header_without_its_report_date_line_reads_without_a_version() {
        let file = fcdo_file();
        let without = file.split_once("\r\n").unwrap().1;
        let list = read(without.as_bytes()).unwrap();
        assert_eq!(list.version, None);
        assert_eq!(list.entities.len(), 2);
        let err = read(b"Report Date: someday\r\nUnique ID,Name 6\r\n").unwrap_err();
        assert!(err.to_string().contains("Report Date"), "{err}");
    }

    const UK: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/uk/uk_hmt_conlist_2018-04-13.csv"
    );

    fn uk() -> ParsedList {
        read(&std::fs::read(UK).unwrap()).unwrap()
    }

    #[test]
    fn reads_all_groups_of_the_2018_file() {
        let list = uk();
        assert_eq!(list.source, "uk");
        assert_eq!(list.version.as_deref(), Some("2018-04-13"));
        // Figures counted independently with python's csv module (cp1252):
        // 2,106 distinct Group IDs; 1,426 Individual and 680 Entity groups.
        assert_eq!(list.entities.len(), 2106);
        let counts = list.counts();
        assert_eq!((counts.persons, counts.organizations), (1426, 680));
        // Distinct (group, whitespace-collapsed full name) pairs, counted in python.
        assert_eq!(counts.names, 5548);
        // The file holds cp1252 quotes: read with a warning, not silently.
        assert!(list.warnings.iter().any(|w| w.contains("Windows-1252")));
        assert!(list
            .entities
            .iter()
            .all(|e| e.names.first().is_some_and(|n| n.kind == NameKind::Primary)));
    }

    #[test]
    fn group_13349_gathers_non_adjacent_rows() {
        let list = uk();
        let e = list.entities.iter().find(|e| e.id == "uk:13349").unwrap();
        assert_eq!(e.schema, Schema::Person);
        assert_eq!(e.caption(), "Nayef Salam Muhammad Ujaym AL-HABABI");
        let primary = &e.names[0];
        assert_eq!(primary.parts().first.as_deref(), Some("Nayef"));
        assert_eq!(primary.parts().family.as_deref(), Some("AL-HABABI"));
        // 8 distinct names across 16 rows (each name repeated for two DOBs).
        assert_eq!(e.names.len(), 8);
        assert!(e.names.iter().any(|n| n.full == "Sheikh Farooq AL-QAHTANI"));
        let dobs: Vec<String> = e.birth_dates.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dobs, ["1980", "1981"]);
        assert_eq!(e.identifiers[0].kind, IdentifierKind::Passport);
        assert_eq!(e.identifiers[0].number, "592667");
        assert_eq!(
            e.designation.programmes,
            ["The ISIL (Da'esh) and Al-Qaida organisations"]
        );
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2016-04-01");
        assert!(e
            .designation
            .remarks
            .as_deref()
            .unwrap()
            .starts_with("UN Ref QDe.004."));
        assert_eq!(e.addresses[0].text, "Afghanistan (since 2009)");
        assert_eq!(e.addresses[0].country.as_deref(), Some("AF"));
        assert_eq!(e.nationalities, ["SA", "QA"]);
        assert_eq!(e.birth_places[0].text, "Saudi Arabia");
        assert_eq!(e.birth_places[0].country.as_deref(), Some("SA"));
    }

    #[test]
    fn former_names_and_entities() {
        let list = uk();
        let former = list
            .entities
            .iter()
            .flat_map(|e| &e.names)
            .filter(|n| n.kind == NameKind::Former)
            .count();
        // 19 FKA rows in the file hold 9 distinct (group, name) pairs (python).
        assert_eq!(former, 9);
        let e = list.entities.iter().find(|e| e.id == "uk:13188").unwrap();
        assert_eq!(e.schema, Schema::Organization);
        assert!(e.names.iter().any(|n| n.full == "ANSAR AL SHARIA"));
    }

    #[test]
    fn nationalities_are_split() {
        assert_eq!(
            split_numbered("1) Saudi Arabia 2) Qatar"),
            ["Saudi Arabia", "Qatar"]
        );
        assert_eq!(
            split_numbered("(1) Afghan (2) Pakistani"),
            ["Afghan", "Pakistani"]
        );
        assert_eq!(
            split_numbered("a) General b)Major General"),
            ["General", "Major General"]
        );
        assert_eq!(
            split_numbered("(1) Afghanistan, (2) Pakistan"),
            ["Afghanistan", "Pakistan"]
        );
        assert_eq!(split_numbered("Afghan"), ["Afghan"]);
        assert_eq!(
            split_numbered("(1) Malaysian -(2) Indonesia"),
            ["Malaysian", "Indonesia"]
        );
        assert_eq!(split_numbered("Iraqi (since 2001)"), ["Iraqi (since 2001)"]);
        let list = uk();
        let afghans = list
            .entities
            .iter()
            .filter(|e| e.nationalities.iter().any(|c| c == "AF"))
            .count();
        assert!(afghans > 100, "{afghans}");
    }

    #[test]
    fn document_numbers() {
        assert_eq!(
            document_number("Passport No: 592667 (Qatari passport issued on 3 May 2007).")
                .as_deref(),
            Some("592667")
        );
        assert_eq!(
            document_number("Mali Passport no.A1037434. Issued: 10/8/2001").as_deref(),
            Some("A1037434")
        );
        assert_eq!(
            document_number("Z050399 (Tunisian passport, issued on 9.12.2003)").as_deref(),
            Some("Z050399")
        );
        assert_eq!(document_number("none here"), None);
    }

    #[test]
    fn truncated_and_wrong_input_name_the_line() {
        let bytes = std::fs::read(UK).unwrap();
        let cut = &bytes[..bytes.len() / 2];
        let err = read(cut).unwrap_err();
        let lines = cut.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        assert!(
            matches!(err, Error::Line { line, .. } if line == lines),
            "{err}"
        );
        let err = read(b"id,name\n1,A\n").unwrap_err();
        assert!(
            matches!(&err, Error::Line { line: 1, message } if message.contains("Group ID")),
            "{err}"
        );
        let err = read(b"Last Updated,someday\n").unwrap_err();
        assert!(matches!(err, Error::Line { line: 1, .. }), "{err}");
    }
}
