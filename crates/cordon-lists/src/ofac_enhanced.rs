//! OFAC Sanctions List Service **Enhanced XML** (`<sanctionsData>`,
//! `SDN_ENHANCED.XML`, `CONS_ENHANCED.XML` and custom exports).
//!
//! Each `<entity id>` is complete in itself (names with their translations,
//! addresses, features, identity documents, relationships), so the file is
//! streamed one entity at a time ([`crate::tree`]). The entity id is OFAC's
//! `uid`/`ent_num`, so versions diff against the `sdnList` XML and CSV readers.
//! Field mapping:
//! - `entityType` Individual/Entity/Vessel/Aircraft -> schema;
//!   `sanctionsProgram` -> programmes; earliest `sanctionsList@datePublished`
//!   -> listing date; `publicationInfo/dataAsOf` -> version.
//! - each `name`: its primary Latin translation as OFAC prints it (`LAST,
//!   First`), kind primary (`isPrimary`), former (`F.K.A.`) or alias,
//!   `isLowQuality` -> weak; non-Latin translations -> original-script names.
//! - features: `Birthdate` (structured `valueDate`: a year, a month, a day, a
//!   range, circa), place of birth, nationality/citizenship, gender, SWIFT/BIC,
//!   vessel flag and build dates; others go to the remarks as `type: value`.
//! - `identityDocument` -> identifiers (kind from the document type, issuing
//!   country, `isValid=false` noted); IMO numbers keep their seven digits.
//! - `relationship` -> a [`Link`] (`type`, `relatedEntity@entityId` as
//!   `ofac:ID`) and a remark (`Related: TYPE NAME (ofac:ID)`); `remarks`.
//!   The related id is OFAC's uid, shared by all its lists, so a link may
//!   name an entity of another OFAC list (a consolidated entity acting for an
//!   SDN), unlike the Advanced reader's, which can only resolve profiles of
//!   its own file.

use crate::generic::loose_date;
use crate::ofac::{birth_date, document_kind, gender, place};
use crate::text::{self, non_empty, push_unique, scripted, CountryCodes};
use crate::tree::{stream_records, Node};
use crate::{Error, ParsedList, Result};
use cordon_model::identifier::comparable_of;
use cordon_model::{
    days_in_month, BirthDate, DateQualifier, Entity, Identifier, IdentifierKind, Link, Name,
    NameKind, NameParts, NameQuality, PartialDate, Schema,
};
use std::io::BufRead;

/// Reads an Enhanced XML file from bytes.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    read_from(bytes)
}

/// Reads an Enhanced XML file from any buffered reader, one entity at a time.
pub fn read_from(source: impl BufRead) -> Result<ParsedList> {
    let mut list = ParsedList {
        source: "ofac".into(),
        ..ParsedList::default()
    };
    let mut countries = CountryCodes::default();
    let mut root_checked = false;
    stream_records(source, 2, |ancestors, node| {
        if !root_checked {
            check_root(ancestors)?;
            root_checked = true;
        }
        match (ancestors.get(1).map(String::as_str), node.name.as_str()) {
            (Some("publicationInfo"), "dataAsOf") => {
                list.version = loose_date(&node.text).map(|d| d.to_string());
            }
            (Some("entities"), "entity") => {
                let mut entity = entity(&node, &mut countries)?;
                entity.shrink_to_fit();
                list.entities.push(entity);
            }
            _ => {}
        }
        Ok(())
    })?;
    if !root_checked {
        return Err(Error::Format(
            "not an OFAC Enhanced XML file (no <sanctionsData> with content)".into(),
        ));
    }
    list.warnings.append(&mut countries.warnings);
    list.shrink_to_fit();
    Ok(list)
}

fn check_root(ancestors: &[String]) -> Result<()> {
    match ancestors.first().map(String::as_str) {
        Some("sanctionsData") => Ok(()),
        other => Err(Error::Format(format!(
            "not an OFAC Enhanced XML file: the root is <{}>, expected <sanctionsData>",
            other.unwrap_or("")
        ))),
    }
}

fn entity(node: &Node, countries: &mut CountryCodes) -> Result<Entity> {
    let id = node
        .attr("id")
        .ok_or_else(|| Error::Format("an <entity> without an id attribute".into()))?;
    let kind = node.text_at(&["generalInfo", "entityType"]).unwrap_or("");
    let schema = schema_of(kind).ok_or_else(|| {
        Error::Format(format!(
            "OFAC entity {id}: unknown entityType `{kind}` (expected Individual, Entity, Vessel or Aircraft)"
        ))
    })?;
    let context = format!("OFAC entity {id}");
    let mut entity = Entity::new("ofac", id, schema);
    for name in node.all(&["names", "name"]) {
        add_name(&mut entity, name);
    }
    entity.names.sort_by_key(|n| n.kind != NameKind::Primary);
    let mut remarks = Vec::new();
    add_designation(&mut entity, node);
    for address in node.all(&["addresses", "address"]) {
        add_address(&mut entity, address, countries, &context);
    }
    for feature in node.all(&["features", "feature"]) {
        add_feature(&mut entity, feature, countries, &context, &mut remarks);
    }
    for document in node.all(&["identityDocuments", "identityDocument"]) {
        add_document(&mut entity, document, countries, &context);
    }
    for relationship in node.all(&["relationships", "relationship"]) {
        remarks.push(relationship_remark(relationship));
        if let Some(link) = relationship_link(relationship) {
            push_unique(&mut entity.links, link);
        }
    }
    if let Some(remark) = node.text_at(&["remarks"]) {
        remarks.insert(0, text::clean(remark));
    }
    if !remarks.is_empty() {
        entity.designation.remarks = Some(remarks.join("\n"));
    }
    Ok(entity)
}

/// OFAC's entity types; `Entity` is an organisation.
pub(crate) fn schema_of(kind: &str) -> Option<Schema> {
    match kind.trim().to_ascii_lowercase().as_str() {
        "individual" => Some(Schema::Person),
        "entity" => Some(Schema::Organization),
        "vessel" => Some(Schema::Vessel),
        "aircraft" => Some(Schema::Aircraft),
        _ => None,
    }
}

fn add_name(entity: &mut Entity, name: &Node) {
    let primary = name.text_at(&["isPrimary"]) == Some("true");
    let kind = match (primary, name.text_at(&["aliasType"])) {
        (true, _) => NameKind::Primary,
        (false, Some(alias)) if alias.eq_ignore_ascii_case("F.K.A.") => NameKind::Former,
        _ => NameKind::Alias,
    };
    let quality = if name.text_at(&["isLowQuality"]) == Some("true") {
        NameQuality::Weak
    } else {
        NameQuality::Strong
    };
    for translation in name.all(&["translations", "translation"]) {
        let latin = translation
            .text_at(&["script"])
            .is_none_or(|s| s.eq_ignore_ascii_case("latin"));
        let Some(full) = translation
            .text_at(&["formattedFullName"])
            .and_then(non_empty)
        else {
            continue;
        };
        let kind = if latin {
            kind
        } else {
            NameKind::OriginalScript
        };
        let mut parsed = scripted(Name::new(full, kind)).with_quality(quality);
        if entity.schema == Schema::Person {
            parsed.set_parts(NameParts {
                first: translation
                    .text_at(&["formattedFirstName"])
                    .and_then(non_empty),
                family: translation
                    .text_at(&["formattedLastName"])
                    .and_then(non_empty),
                ..NameParts::default()
            });
        }
        entity.push_name(parsed);
    }
}

fn add_designation(entity: &mut Entity, node: &Node) {
    let designation = &mut entity.designation;
    for programme in node.texts_at(&["sanctionsPrograms", "sanctionsProgram"]) {
        push_unique(&mut designation.programmes, text::clean(programme));
    }
    designation.listed_on = node
        .all(&["sanctionsLists", "sanctionsList"])
        .into_iter()
        .filter_map(|list| list.attr("datePublished").and_then(loose_date))
        .min();
}

fn add_address(entity: &mut Entity, address: &Node, countries: &mut CountryCodes, context: &str) {
    let translation = address
        .all(&["translations", "translation"])
        .into_iter()
        .find(|t| t.text_at(&["isPrimary"]) == Some("true"));
    let parts: Vec<(&str, &str)> = translation
        .map(|t| {
            t.all(&["addressParts", "addressPart"])
                .into_iter()
                .filter_map(|p| Some((p.text_at(&["type"])?, p.text_at(&["value"])?)))
                .collect()
        })
        .unwrap_or_default();
    let country_text = address.text_at(&["country"]);
    let mut lines: Vec<String> = parts.iter().map(|(_, value)| text::clean(value)).collect();
    lines.extend(country_text.map(text::clean));
    if lines.is_empty() {
        return;
    }
    let country = country_text.and_then(|c| countries.code_in(c, "address country", context));
    if let Some(code) = &country {
        push_unique(&mut entity.countries, code.clone());
    }
    let city = parts
        .iter()
        .find(|(kind, _)| kind.eq_ignore_ascii_case("CITY"))
        .map(|(_, value)| text::clean(value));
    push_unique(
        &mut entity.addresses,
        cordon_model::Address {
            text: lines.join(", "),
            city,
            country,
        },
    );
}

fn add_feature(
    entity: &mut Entity,
    feature: &Node,
    countries: &mut CountryCodes,
    context: &str,
    remarks: &mut Vec<String>,
) {
    let kind = feature.text_at(&["type"]).unwrap_or("");
    let value = feature.text_at(&["value"]).map(text::clean);
    match kind {
        "Birthdate" | "Vessel Year of Build" | "Aircraft Manufacture Date" => {
            let date = feature
                .child("valueDate")
                .and_then(value_date)
                .or_else(|| value.as_deref().and_then(birth_date));
            if let Some(date) = date {
                push_unique(&mut entity.birth_dates, date);
            }
        }
        "Place of Birth" => {
            if let Some(value) = value {
                push_unique(&mut entity.birth_places, place(&value));
            }
        }
        "Nationality Country" | "Citizenship Country" => {
            if let Some(code) = value.and_then(|v| countries.code_in(&v, kind, context)) {
                push_unique(&mut entity.nationalities, code);
            }
        }
        "Vessel Flag" | "Nationality of Registration" => {
            if let Some(code) = value.and_then(|v| countries.code_in(&v, kind, context)) {
                push_unique(&mut entity.countries, code);
            }
        }
        "Gender" => entity.gender = value.as_deref().and_then(gender),
        "SWIFT/BIC" => {
            if let Some(value) = value {
                push_unique(
                    &mut entity.identifiers,
                    plain_identifier(IdentifierKind::Bic, value),
                );
            }
        }
        _ => {
            if let Some(value) = value {
                let label = kind.trim_end_matches([' ', ':', '-']);
                remarks.push(format!("{label}: {value}"));
            }
        }
    }
}

fn plain_identifier(kind: IdentifierKind, number: String) -> Identifier {
    Identifier {
        kind,
        number,
        country: None,
        note: None,
    }
}

fn add_document(entity: &mut Entity, document: &Node, countries: &mut CountryCodes, context: &str) {
    let Some(number) = document.text_at(&["documentNumber"]).and_then(non_empty) else {
        return;
    };
    let document_type = document.text_at(&["type"]).unwrap_or("document");
    let kind = document_kind(document_type, &number);
    let number = match kind {
        IdentifierKind::Imo => comparable_of(&kind, &number),
        _ => number,
    };
    let country = document
        .text_at(&["issuingCountry"])
        .and_then(|c| countries.code_in(c, "document country", context));
    let note =
        (document.text_at(&["isValid"]) == Some("false")).then(|| "not valid (OFAC)".to_string());
    push_unique(
        &mut entity.identifiers,
        Identifier {
            kind,
            number,
            country,
            note,
        },
    );
}

/// The relationship as a link to the related entity; `None` when the file
/// does not say which entity (no `entityId`).
fn relationship_link(relationship: &Node) -> Option<Link> {
    let id = relationship
        .child("relatedEntity")?
        .attr("entityId")?
        .trim();
    if id.is_empty() {
        return None;
    }
    Some(Link {
        relation: relationship
            .text_at(&["type"])
            .unwrap_or("Related to")
            .trim()
            .to_string(),
        entity: format!("ofac:{id}"),
    })
}

fn relationship_remark(relationship: &Node) -> String {
    let kind = relationship.text_at(&["type"]).unwrap_or("Related to");
    let related = relationship.child("relatedEntity");
    let name = related.map_or("", |r| r.text.trim());
    match related.and_then(|r| r.attr("entityId")) {
        Some(id) => format!("Related: {kind} {name} (ofac:{id})"),
        None => format!("Related: {kind} {name}"),
    }
}

/// A structured OFAC date: `fromDateBegin`..`fromDateEnd` is when the period
/// starts, `toDateBegin`..`toDateEnd` when it ends (ISO dates).
fn value_date(node: &Node) -> Option<BirthDate> {
    let day = |name: &str| node.text_at(&[name]).and_then(PartialDate::parse_iso);
    period(
        [
            day("fromDateBegin")?,
            day("fromDateEnd")?,
            day("toDateBegin")?,
            day("toDateEnd")?,
        ],
        node.text_at(&["isApproximate"]) == Some("true"),
    )
}

/// A birth date from the four days OFAC gives for a period (start from/to,
/// end from/to). A period that is one calendar year, month or day is that
/// date; anything wider is a range from its start to its end, each end as
/// precise as the calendar unit it covers ("1951 to 1953").
pub(crate) fn period(days: [PartialDate; 4], approximate: bool) -> Option<BirthDate> {
    let [from_begin, from_end, to_begin, to_end] = days;
    if let Some(date) = calendar_unit(from_begin, to_end) {
        let qualifier = if approximate {
            DateQualifier::Approximate
        } else {
            DateQualifier::Exact
        };
        return Some(BirthDate {
            qualifier,
            date,
            to: None,
        });
    }
    let start = calendar_unit(from_begin, from_end).unwrap_or(from_begin);
    let end = calendar_unit(to_begin, to_end).unwrap_or(to_end);
    (start <= end).then_some(BirthDate {
        qualifier: DateQualifier::Between,
        date: start,
        to: Some(end),
    })
}

/// The year, month or day that `first`..`last` (days) covers exactly.
fn calendar_unit(first: PartialDate, last: PartialDate) -> Option<PartialDate> {
    let (Some(m1), Some(d1), Some(m2), Some(d2)) = (first.month, first.day, last.month, last.day)
    else {
        return None;
    };
    if first == last {
        return Some(first);
    }
    if first.year != last.year || d1 != 1 {
        return None;
    }
    if m1 == 1 && m2 == 12 && d2 == 31 {
        return Some(PartialDate::year(first.year));
    }
    (m1 == m2 && d2 == days_in_month(first.year, m2)).then_some(PartialDate {
        year: first.year,
        month: Some(m1),
        day: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/ofac/ofac_cons_enhanced_2025-01-10.xml"
    );
    const IRGC: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/ofac/ofac_enhanced_xml_irgc_filtered_2024-08-28.xml"
    );

    fn day(text: &str) -> PartialDate {
        PartialDate::parse_iso(text).unwrap()
    }

    #[test]
    fn periods_become_dates_of_the_right_precision() {
        let year = period(
            [
                day("1945-01-01"),
                day("1945-01-01"),
                day("1945-12-31"),
                day("1945-12-31"),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            (year.qualifier, year.date.to_string()),
            (DateQualifier::Exact, "1945".into())
        );
        let circa = period(
            [
                day("1957-01-01"),
                day("1957-01-01"),
                day("1957-12-31"),
                day("1957-12-31"),
            ],
            true,
        )
        .unwrap();
        assert_eq!(circa.qualifier, DateQualifier::Approximate);
        let range = period(
            [
                day("1951-01-01"),
                day("1951-12-31"),
                day("1953-01-01"),
                day("1953-12-31"),
            ],
            false,
        )
        .unwrap();
        assert_eq!(range.qualifier, DateQualifier::Between);
        assert_eq!(
            (range.date.to_string(), range.to.unwrap().to_string()),
            ("1951".into(), "1953".into())
        );
        let month = period(
            [
                day("2000-02-01"),
                day("2000-02-01"),
                day("2000-02-29"),
                day("2000-02-29"),
            ],
            false,
        )
        .unwrap();
        assert_eq!(month.date.to_string(), "2000-02");
        let exact = period([day("1970-05-06"); 4], false).unwrap();
        assert_eq!(exact.date.to_string(), "1970-05-06");
    }

    #[test]
    fn relationships_are_links_counted_on_the_raw_text() {
        // (file, entities in the file that the related entity is one of),
        // the second counted with python's ElementTree: 282 of 283 and 201
        // of 229 relationships name an entity of the same file.
        for (path, inside) in [(CONS, 282), (IRGC, 201)] {
            let text = std::fs::read_to_string(path).unwrap();
            let relationships = text.matches("<relationship id=").count();
            let list = read(text.as_bytes()).unwrap();
            let links: Vec<&Link> = list.entities.iter().flat_map(|e| &e.links).collect();
            assert_eq!(links.len(), relationships, "{path}");
            let ids: std::collections::HashSet<&str> =
                list.entities.iter().map(|e| e.id.as_str()).collect();
            let resolved = links
                .iter()
                .filter(|l| ids.contains(l.entity.as_str()))
                .count();
            assert_eq!(resolved, inside, "{path}");
        }
        let cons = read(&std::fs::read(CONS).unwrap()).unwrap();
        let acting = cons.entities.iter().find(|e| e.id == "ofac:9647").unwrap();
        assert_eq!(
            acting.links,
            [Link {
                relation: "Acting for or on behalf of".into(),
                entity: "ofac:4695".into(),
            }]
        );
    }

    #[test]
    fn counts_match_the_files() {
        for path in [CONS, IRGC] {
            let text = std::fs::read_to_string(path).unwrap();
            // Counted on the raw text, independently of the reader.
            let entities = text.matches("<entity id=").count();
            let persons = text.matches(">Individual</entityType>").count();
            let list = read(text.as_bytes()).unwrap();
            assert_eq!(list.entities.len(), entities, "{path}");
            assert_eq!(list.counts().persons, persons, "{path}");
        }
        let cons = read(&std::fs::read(CONS).unwrap()).unwrap();
        assert_eq!(cons.version.as_deref(), Some("2025-01-10"));
        assert_eq!(cons.entities.len(), 443);
        let irgc = read(&std::fs::read(IRGC).unwrap()).unwrap();
        assert_eq!(irgc.counts().aircraft, 44);
    }

    #[test]
    fn zahhar_with_weak_aliases_dates_and_relationships() {
        let list = read(&std::fs::read(CONS).unwrap()).unwrap();
        let e = list.entities.iter().find(|e| e.id == "ofac:9647").unwrap();
        assert_eq!(e.schema, Schema::Person);
        assert_eq!(e.caption(), "ZAHHAR, Mahmoud Khaled");
        assert_eq!(e.names[0].parts().family.as_deref(), Some("ZAHHAR"));
        let weak = e
            .names
            .iter()
            .filter(|n| n.quality == NameQuality::Weak)
            .count();
        assert_eq!(weak, 2);
        assert_eq!(e.birth_dates[0].date.to_string(), "1945");
        assert_eq!(e.nationalities, ["PS"]);
        assert_eq!(e.gender.as_deref(), Some("male"));
        assert_eq!(e.designation.programmes, ["NS-PLC", "SDGT"]);
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2006-04-12");
        assert!(e
            .designation
            .remarks
            .as_deref()
            .unwrap()
            .contains("Related: Acting for or on behalf of HAMAS (ofac:4695)"));
        insta::assert_json_snapshot!("ofac_enhanced_9647", e);
    }

    #[test]
    fn identity_documents_with_kinds_and_countries() {
        let list = read(&std::fs::read(CONS).unwrap()).unwrap();
        let text = std::fs::read_to_string(CONS).unwrap();
        let documents = text.matches("<documentNumber>").count();
        let read_documents: usize = list.entities.iter().map(|e| e.identifiers.len()).sum();
        // `featureTypeId="13">SWIFT/BIC`: the features, not the type's definition.
        let bics = text.matches("\">SWIFT/BIC</type>").count();
        // Each document and BIC once (none is repeated within an entity in this file).
        assert_eq!(read_documents, documents + bics);
        let vtb = list
            .entities
            .iter()
            .find(|e| e.identifiers.iter().any(|i| i.number == "1027739609391"))
            .unwrap();
        let registration = vtb
            .identifiers
            .iter()
            .find(|i| i.number == "1027739609391")
            .unwrap();
        assert_eq!(registration.kind, IdentifierKind::Registration);
        assert_eq!(registration.country.as_deref(), Some("RU"));
    }

    #[test]
    fn ranges_and_circa_from_the_irgc_export() {
        let list = read(&std::fs::read(IRGC).unwrap()).unwrap();
        let ranges = list
            .entities
            .iter()
            .flat_map(|e| &e.birth_dates)
            .filter(|d| d.qualifier == DateQualifier::Between)
            .count();
        let text = std::fs::read_to_string(IRGC).unwrap();
        assert!(
            ranges > 0 && ranges <= text.matches("<isDateRange>true").count(),
            "{ranges}"
        );
        assert!(list
            .entities
            .iter()
            .flat_map(|e| &e.birth_dates)
            .any(|d| d.qualifier == DateQualifier::Approximate));
    }

    #[test]
    fn wrong_root_and_truncation() {
        let err = read(b"<sdnList><x/></sdnList>").unwrap_err();
        assert!(err.to_string().contains("sanctionsData"), "{err}");
        let bytes = std::fs::read(CONS).unwrap();
        assert!(matches!(
            read(&bytes[..bytes.len() / 3]).unwrap_err(),
            Error::Offset { .. }
        ));
    }
}
