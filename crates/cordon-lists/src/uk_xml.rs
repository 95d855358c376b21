//! UK Sanctions List (FCDO) XML: `<Designations>`, the only UK list since
//! 28 January 2026 (OFSI's ConList is retired; [`crate::uk`] still reads old
//! ConList files).
//!
//! One `<Designation>` per designated person, entity or ship, keyed by its
//! `UniqueID` (`AFG0001`; the old OFSI group id, when given, is kept in the
//! remarks). Field mapping:
//! - `Names/Name`: `Name1`..`Name5` given names, `Name6` family name (entity
//!   and ship names are all in `Name6`); `NameType` `Primary Name` ->
//!   primary, `Primary Name Variation`/`Alias` -> alias; `AliasStrength`
//!   `Low quality a.k.a` -> weak. `NonLatinNames` -> original-script names.
//! - `Titles/Title` -> the primary name's title; `RegimeName` -> programme;
//!   `DateDesignated`/`LastUpdated` -> listing/update dates (`dd/mm/yyyy`).
//! - `IndividualDetails`: `DOBs/DOB` in `dd/mm/yyyy`, `dd/mm/1945` (year
//!   only) or `1946` form; nationalities, gender, passports and national ids
//!   (number + additional information as the note), town/country of birth.
//! - `EntityDetails`: business registration numbers; `ShipDetails`: IMO
//!   numbers (seven digits, check digit verified), current flag as a country.
//! - `UNReferenceNumber`, `OtherInformation`, `UKStatementofReasons`,
//!   positions, entity type, parent companies, owners -> remarks.
//!
//! The file is streamed record by record ([`crate::tree`]), so a reader over a
//! file holds one designation at a time besides the result.

use crate::generic::{identifier, loose_date};
use crate::text::{self, non_empty, push_unique, scripted, CountryCodes};
use crate::tree::{stream_records, Node};
use crate::uk::{add_birth_place, country_of, document, split_numbered};
use crate::{Error, ParsedList, Result};
use cordon_model::identifier::{comparable_of, imo_check_digit_ok};
use cordon_model::{
    Address, BirthDate, Entity, IdentifierKind, Name, NameKind, NameParts, NameQuality,
    PartialDate, Schema,
};
use std::io::BufRead;

/// Reads the UK Sanctions List XML from bytes.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    read_from(bytes)
}

/// Reads the UK Sanctions List XML from any buffered reader, one designation
/// at a time.
pub fn read_from(source: impl BufRead) -> Result<ParsedList> {
    let mut list = ParsedList {
        source: "uk".into(),
        ..ParsedList::default()
    };
    let mut misses = CountryCodes::default();
    let mut root_seen = false;
    stream_records(source, 1, |ancestors, node| {
        if !root_seen {
            check_root(ancestors)?;
            root_seen = true;
        }
        match node.name.as_str() {
            "DateGenerated" => list.version = loose_date(&node.text).map(|d| d.to_string()),
            "Designation" => {
                let mut entity = designation(&node, &mut misses, &mut list.warnings)?;
                entity.shrink_to_fit();
                list.entities.push(entity);
            }
            _ => {}
        }
        Ok(())
    })?;
    if !root_seen {
        return Err(Error::Format(
            "not a UK Sanctions List XML file (no <Designations> root with content)".into(),
        ));
    }
    list.warnings.extend(misses.summary());
    list.shrink_to_fit();
    Ok(list)
}

fn check_root(ancestors: &[String]) -> Result<()> {
    match ancestors.first().map(String::as_str) {
        Some("Designations") => Ok(()),
        other => Err(Error::Format(format!(
            "not a UK Sanctions List XML file: the root is <{}>, expected <Designations>",
            other.unwrap_or("")
        ))),
    }
}

fn designation(
    node: &Node,
    misses: &mut CountryCodes,
    warnings: &mut Vec<String>,
) -> Result<Entity> {
    let id = node.text_at(&["UniqueID"]).ok_or_else(|| {
        Error::Format(format!(
            "a <Designation> without a <UniqueID> (after {} read)",
            node.text_at(&["Names", "Name", "Name6"])
                .unwrap_or("no name")
        ))
    })?;
    let kind = node.text_at(&["IndividualEntityShip"]).unwrap_or("");
    let schema = Schema::parse(kind).ok_or_else(|| {
        Error::Format(format!(
            "designation {id}: unknown IndividualEntityShip `{kind}` (expected Individual, Entity or Ship)"
        ))
    })?;
    let mut entity = Entity::new("uk", id, schema);
    add_names(&mut entity, node);
    add_designation(&mut entity, node);
    add_addresses(&mut entity, node, misses);
    if let Some(person) = node.all(&["IndividualDetails", "Individual"]).first() {
        add_individual(&mut entity, person, misses);
    }
    if let Some(company) = node.all(&["EntityDetails", "Entity"]).first() {
        add_company(&mut entity, company);
    }
    if let Some(ship) = node.all(&["ShipDetails", "Ship"]).first() {
        add_ship(&mut entity, ship, misses, warnings);
    }
    Ok(entity)
}

fn add_names(entity: &mut Entity, node: &Node) {
    let title = node.texts_at(&["Titles", "Title"]).join(" ");
    for name in node.all(&["Names", "Name"]) {
        if let Some(name) = uk_name(name, non_empty(&title), entity.schema) {
            entity.push_name(name);
        }
    }
    for original in node.texts_at(&["NonLatinNames", "NonLatinName", "NameNonLatinScript"]) {
        let mut name = scripted(Name::new(text::clean(original), NameKind::OriginalScript));
        name.lang = node
            .text_at(&["NonLatinNames", "NonLatinName", "NonLatinScriptLanguage"])
            .map(str::to_string);
        entity.push_name(name);
    }
    // Primary first; a designation with no primary name gets its first name as primary.
    entity.names.sort_by_key(|n| n.kind != NameKind::Primary);
    if let Some(first) = entity.names.first_mut() {
        if first.kind == NameKind::Alias {
            first.kind = NameKind::Primary;
        }
    }
}

/// A name from `Name1`..`Name6`: given names then the family name.
fn uk_name(node: &Node, title: Option<String>, schema: Schema) -> Option<Name> {
    let parts: Vec<Option<String>> = (1..=6)
        .map(|i| {
            let tag = format!("Name{i}");
            node.text_at(&[tag.as_str()]).and_then(non_empty)
        })
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
    let middle: Vec<String> = parts.iter().skip(1).take(4).flatten().cloned().collect();
    let kind = match node
        .text_at(&["NameType"])
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("primary name") => NameKind::Primary,
        _ => NameKind::Alias,
    };
    let quality = match node.text_at(&["AliasStrength"]) {
        Some(strength) if strength.to_ascii_lowercase().contains("low") => NameQuality::Weak,
        _ => NameQuality::Strong,
    };
    let name_parts = NameParts {
        first: parts.first().cloned().flatten(),
        middle: (!middle.is_empty()).then(|| middle.join(" ")),
        family: parts.get(5).cloned().flatten(),
        title: if kind == NameKind::Primary {
            title
        } else {
            None
        },
        ..NameParts::default()
    };
    // Only a person's name has given and family parts.
    let name_parts = if schema == Schema::Person {
        name_parts
    } else {
        NameParts::default()
    };
    Some(
        scripted(Name::new(full, kind))
            .with_parts(name_parts)
            .with_quality(quality),
    )
}

fn add_designation(entity: &mut Entity, node: &Node) {
    let designation = &mut entity.designation;
    for regime in node.texts_at(&["RegimeName"]) {
        push_unique(&mut designation.programmes, text::clean(regime));
    }
    designation.listed_on = node.text_at(&["DateDesignated"]).and_then(loose_date);
    designation.last_updated = node.text_at(&["LastUpdated"]).and_then(loose_date);
    let labelled = |label: &str, path: &[&str]| -> Vec<String> {
        node.texts_at(path)
            .into_iter()
            .map(|t| format!("{label}{}", text::clean(t)))
            .collect()
    };
    let mut remarks = Vec::new();
    remarks.extend(labelled("UN reference: ", &["UNReferenceNumber"]));
    remarks.extend(labelled("OFSI group ID: ", &["OFSIGroupID"]));
    remarks.extend(labelled("Designated by: ", &["DesignationSource"]));
    remarks.extend(labelled("Sanctions: ", &["SanctionsImposed"]));
    remarks.extend(labelled("", &["OtherInformation"]));
    remarks.extend(labelled(
        "Statement of reasons: ",
        &["UKStatementofReasons"],
    ));
    let details: [(&str, &[&str]); 7] = [
        (
            "Position: ",
            &["IndividualDetails", "Individual", "Positions", "Position"],
        ),
        (
            "Type of entity: ",
            &["EntityDetails", "Entity", "TypeOfEntities", "TypeOfEntity"],
        ),
        (
            "Parent company: ",
            &[
                "EntityDetails",
                "Entity",
                "ParentCompanies",
                "ParentCompany",
            ],
        ),
        (
            "Subsidiary: ",
            &["EntityDetails", "Entity", "Subsidiaries", "Subsidiary"],
        ),
        (
            "Owner/operator: ",
            &[
                "ShipDetails",
                "Ship",
                "CurrentOwnerOperators",
                "CurrentOwnerOperator",
            ],
        ),
        (
            "Previous flag: ",
            &["ShipDetails", "Ship", "PreviousFlags", "PreviousFlag"],
        ),
        (
            "Type of ship: ",
            &["ShipDetails", "Ship", "TypeOfShipDetails", "TypeOfShip"],
        ),
    ];
    for (label, path) in details {
        remarks.extend(labelled(label, path));
    }
    if !remarks.is_empty() {
        designation.remarks = Some(remarks.join("\n"));
    }
}

fn add_addresses(entity: &mut Entity, node: &Node, misses: &mut CountryCodes) {
    const LINES: [&str; 8] = [
        "AddressLine1",
        "AddressLine2",
        "AddressLine3",
        "AddressLine4",
        "AddressLine5",
        "AddressLine6",
        "AddressPostalCode",
        "AddressCountry",
    ];
    for address in node.all(&["Addresses", "Address"]) {
        let parts: Vec<String> = LINES
            .iter()
            .filter_map(|line| address.text_at(&[line]).and_then(non_empty))
            .collect();
        if parts.is_empty() {
            continue;
        }
        let country = address
            .text_at(&["AddressCountry"])
            .and_then(|c| country_of(c, misses));
        if let Some(code) = &country {
            push_unique(&mut entity.countries, code.clone());
        }
        push_unique(
            &mut entity.addresses,
            Address {
                text: parts.join(", "),
                city: address.text_at(&["AddressLine6"]).and_then(non_empty),
                country,
            },
        );
    }
}

fn add_individual(entity: &mut Entity, person: &Node, misses: &mut CountryCodes) {
    for dob in person.texts_at(&["DOBs", "DOB"]) {
        if let Some(date) = uk_birth_date(dob) {
            push_unique(&mut entity.birth_dates, date);
        }
    }
    for nationality in person.texts_at(&["Nationalities", "Nationality"]) {
        for item in split_numbered(nationality) {
            if let Some(code) = country_of(&item, misses) {
                push_unique(&mut entity.nationalities, code);
            }
        }
    }
    entity.gender = person
        .text_at(&["Genders", "Gender"])
        .map(str::to_ascii_lowercase);
    for passport in person.all(&["PassportDetails", "Passport"]) {
        add_document(
            entity,
            IdentifierKind::Passport,
            passport.text_at(&["PassportNumber"]),
            passport.text_at(&["PassportAdditionalInformation"]),
        );
    }
    for national_id in person.all(&["NationalIdentifierDetails", "NationalIdentifier"]) {
        add_document(
            entity,
            IdentifierKind::NationalId,
            national_id.text_at(&["NationalIdentifierNumber"]),
            national_id.text_at(&["NationalIdentifierAdditionalInformation"]),
        );
    }
    for place in person.all(&["BirthDetails", "Location"]) {
        let town = place.text_at(&["TownOfBirth"]).unwrap_or("");
        let country = place.text_at(&["CountryOfBirth"]).unwrap_or("");
        add_birth_place(entity, town, country, misses);
    }
}

/// A document from its number and the publisher's note; a note alone gives
/// the number it holds, if any.
fn add_document(
    entity: &mut Entity,
    kind: IdentifierKind,
    number: Option<&str>,
    note: Option<&str>,
) {
    let document = match (number.and_then(non_empty), note.and_then(non_empty)) {
        (Some(number), note) => cordon_model::Identifier {
            note,
            ..identifier(kind, number)
        },
        (None, Some(note)) => document(kind, note),
        (None, None) => return,
    };
    push_unique(&mut entity.identifiers, document);
}

fn add_company(entity: &mut Entity, company: &Node) {
    for number in company.texts_at(&["BusinessRegistrationNumbers", "BusinessRegistrationNumber"]) {
        push_unique(
            &mut entity.identifiers,
            document(IdentifierKind::Registration, text::clean(number)),
        );
    }
}

/// Adds a ship's IMO number in its comparable form, warning when its check
/// digit is wrong (the number is kept as written: the publisher's word).
pub(crate) fn add_imo(entity: &mut Entity, imo: &str, warnings: &mut Vec<String>) {
    let number = comparable_of(&IdentifierKind::Imo, imo);
    if !imo_check_digit_ok(&number) {
        warnings.push(format!(
            "designation {}: IMO number `{imo}` has a wrong check digit; kept as written",
            entity.designation.source_id
        ));
    }
    push_unique(
        &mut entity.identifiers,
        identifier(IdentifierKind::Imo, number),
    );
}

fn add_ship(
    entity: &mut Entity,
    ship: &Node,
    misses: &mut CountryCodes,
    warnings: &mut Vec<String>,
) {
    for imo in ship.texts_at(&["IMONumbers", "IMONumber"]) {
        add_imo(entity, imo, warnings);
    }
    for flag in ship.texts_at(&["CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip"]) {
        if let Some(code) = country_of(flag, misses) {
            push_unique(&mut entity.countries, code);
        }
    }
}

/// A UK date of birth: `12/05/1958`, `dd/mm/1945` or `00/00/1945` (the year
/// alone), `mm/1945`, `1946`. The `dd`/`mm` placeholders mark an unknown day
/// or month.
pub(crate) fn uk_birth_date(text: &str) -> Option<BirthDate> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    let known = |part: &str| part.parse::<u8>().ok().filter(|&n| n > 0);
    let (day, month, year) = match parts.as_slice() {
        [day, month, year] => (known(day), known(month), *year),
        [month, year] => (None, known(month), *year),
        [year] => (None, None, *year),
        _ => return crate::generic::birth_date(text),
    };
    let Ok(year) = year.parse::<i32>() else {
        return crate::generic::birth_date(text);
    };
    let day = day.filter(|_| month.is_some());
    PartialDate::new(year, month, day).map(BirthDate::exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/uk/uk_sanctions_list_xml_sample_2026-09-10_EDITED5.xml"
    );
    const PREFIX: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/uk/uk_sanctions_list_xml_2026-03-26_PREFIX4.xml"
    );

    fn sample() -> ParsedList {
        read(&std::fs::read(SAMPLE).unwrap()).unwrap()
    }

    #[test]
    fn dates_of_birth_in_every_uk_form() {
        let year = |y| Some(BirthDate::exact(PartialDate::year(y)));
        assert_eq!(uk_birth_date("dd/mm/1945"), year(1945));
        assert_eq!(uk_birth_date("00/00/1945"), year(1945));
        assert_eq!(uk_birth_date("1946"), year(1946));
        assert_eq!(
            uk_birth_date("12/05/1958").map(|d| d.date.to_string()),
            Some("1958-05-12".into())
        );
        assert_eq!(
            uk_birth_date("dd/05/1958").map(|d| d.date.to_string()),
            Some("1958-05".into())
        );
        assert_eq!(uk_birth_date("31/02/1958"), None);
        assert_eq!(uk_birth_date("unknown"), None);
    }

    #[test]
    fn reads_the_individual_with_three_birth_dates() {
        let list = sample();
        assert_eq!(list.version.as_deref(), Some("2026-09-10"));
        let e = list.entities.iter().find(|e| e.id == "uk:AFG0006").unwrap();
        assert_eq!(e.schema, Schema::Person);
        assert_eq!(e.caption(), "MOHAMMAD HASSAN AKHUND");
        assert_eq!(e.names[0].parts().title.as_deref(), Some("Mullah Haji"));
        let dobs: Vec<String> = e.birth_dates.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dobs, ["1958-05-12", "1945", "1946"]);
        assert_eq!(e.nationalities, ["AF"]);
        assert_eq!(e.gender.as_deref(), Some("male"));
        // The passport is given twice in the file: kept once.
        let passports: Vec<&str> = e
            .identifiers
            .iter()
            .filter(|i| i.kind == IdentifierKind::Passport)
            .map(|i| i.number.as_str())
            .collect();
        assert_eq!(passports, ["P04581926"]);
        assert!(e
            .identifiers
            .iter()
            .any(|i| i.kind == IdentifierKind::NationalId && i.number == "2132370"));
        assert_eq!(e.birth_places[0].country.as_deref(), Some("AF"));
        assert!(e
            .names
            .iter()
            .any(|n| n.kind == NameKind::OriginalScript && n.script.as_deref() == Some("Arab")));
        assert!(e
            .designation
            .remarks
            .as_deref()
            .unwrap()
            .starts_with("UN reference: TAi.002"));
    }

    #[test]
    fn weak_aliases_ships_and_registrations() {
        let list = sample();
        let bnk = list.entities.iter().find(|e| e.id == "uk:BEL0107").unwrap();
        let weak: Vec<&str> = bnk
            .names
            .iter()
            .filter(|n| n.quality == NameQuality::Weak)
            .map(|n| n.full.as_str())
            .collect();
        assert_eq!(weak, ["BNK"]);
        assert_eq!(bnk.identifiers[0].kind, IdentifierKind::Registration);
        assert_eq!(bnk.identifiers[0].number, "06527449");
        let ship = list.entities.iter().find(|e| e.id == "uk:DPR0075").unwrap();
        assert_eq!(ship.schema, Schema::Vessel);
        assert_eq!(ship.identifiers[0].kind, IdentifierKind::Imo);
        assert_eq!(ship.identifiers[0].number, "9562233");
        assert_eq!(ship.countries, ["KM"]);
        assert!(list.warnings.is_empty(), "{:?}", list.warnings);
    }

    #[test]
    fn counts_match_the_files() {
        for path in [SAMPLE, PREFIX] {
            let text = std::fs::read_to_string(path).unwrap();
            // Counted on the raw text, not through the reader.
            let designations = text.matches("<Designation>").count();
            let names =
                text.matches("<Name>").count() + text.matches("<NameNonLatinScript>").count();
            let list = read(text.as_bytes()).unwrap();
            assert_eq!(list.entities.len(), designations, "{path}");
            assert_eq!(list.counts().names, names, "{path}");
        }
        let prefix = read(&std::fs::read(PREFIX).unwrap()).unwrap();
        assert_eq!(prefix.version.as_deref(), Some("2026-03-26"));
        assert_eq!(prefix.entities.len(), 4);
    }

    #[test]
    fn one_entity_as_people_read_it() {
        let list = sample();
        let e = list.entities.iter().find(|e| e.id == "uk:DPR0075").unwrap();
        insta::assert_json_snapshot!("uk_xml_ship", e);
    }

    #[test]
    fn wrong_root_and_truncation_are_errors() {
        let err = read(b"<CONSOLIDATED_LIST><X/></CONSOLIDATED_LIST>").unwrap_err();
        assert!(err.to_string().contains("<Designations>"), "{err}");
        let bytes = std::fs::read(SAMPLE).unwrap();
        let err = read(&bytes[..bytes.len() / 2]).unwrap_err();
        assert!(matches!(err, Error::Offset { .. }), "{err}");
    }
}
