//! Canada's consolidated autonomous sanctions list (SEMA, JVCFOR) in XML.
//!
//! `data-set/record`, one record per designation, with `Country` (the
//! regime, often bilingual: `Russia / Russie`), `LastName`, `GivenName`,
//! `EntityOrShip`, `TitleOrShip`, `ShipIMONumber`,
//! `DateOfBirthOrShipBuildDate`, `Aliases`, `Schedule`, `Item` and
//! `DateOfListing`.
//!
//! **Ids.** `Item` is unique only within a regime *and* schedule (the 2025
//! file has 1,160 repeated regime/item pairs), so `source_id` is
//! `<regime>/<schedule>/<item>` in slug form, e.g. `russia/1-part-1/23`,
//! `jvcfor/-/4` (`-` when no schedule). The regime is the English part of
//! `Country`, or its acronym in parentheses when it has one (`JVCFOR`).
//!
//! **Schema.** A record with person names is a person; one with an
//! `EntityOrShip` is a vessel when it has a `ShipIMONumber`, else an
//! organisation. **Aliases** are split on `;` and `, `; a language label
//! (`Russian: ...`) is read into [`Name::lang`]. **Dates** such as
//! `1963 or 1964` give two dates. The file has no date of its own; the
//! version is the most recent `DateOfListing`.

use crate::generic::{birth_date, identifier, loose_date};
use crate::text::{non_empty, push_unique, scripted, slug};
use crate::xml;
use crate::{Error, ParsedList, Result};
use cordon_model::{Entity, IdentifierKind, Name, NameKind, NameParts, Schema};
use quick_xml::events::Event;
use std::collections::HashSet;

/// The child elements of one `<record>`, as text.
#[derive(Default)]
struct Record {
    fields: Vec<(String, String)>,
}

impl Record {
    fn get(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| non_empty(v))
    }
}

/// Reads the Canadian consolidated autonomous sanctions list XML.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    let (content, warning) = crate::text::decode(bytes);
    let mut list = ParsedList {
        source: "ca".into(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let mut reader = xml::reader(content.as_bytes());
    let mut stack: Vec<String> = Vec::new();
    let mut record = Record::default();
    let mut ids = HashSet::new();
    let mut unread_dates = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml::xml_error(&reader, e))?;
        xml::refuse_doctype(&reader, &event)?;
        match event {
            Event::Start(element) => {
                let name = xml::local_name(element.name());
                if stack.is_empty() && name != "data-set" {
                    return Err(xml::error_at(
                        &reader,
                        format!("expected a Canadian <data-set> root, found <{name}>"),
                    ));
                }
                if stack.len() == 1 && name == "record" {
                    record = Record::default();
                }
                stack.push(name);
            }
            Event::Text(text)
                if stack.len() == 3 && stack.get(1).is_some_and(|n| n == "record") =>
            {
                let value = xml::text(&reader, &text)?;
                if let Some(name) = stack.last() {
                    record.fields.push((name.clone(), value));
                }
            }
            Event::End(_) => {
                stack.pop();
                if stack.len() == 1 && !record.fields.is_empty() {
                    let entity = entity_of(&std::mem::take(&mut record), &mut unread_dates)
                        .map_err(|message| xml::error_at(&reader, message))?;
                    if !ids.insert(entity.id.clone()) {
                        return Err(xml::error_at(
                            &reader,
                            format!("a second record with id {}", entity.id),
                        ));
                    }
                    list.entities.push(entity);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    xml::check_closed(&reader, &stack)?;
    if list.entities.is_empty() && !content.contains("<data-set") {
        return Err(Error::Format("no Canadian <data-set> element found".into()));
    }
    list.version = list
        .entities
        .iter()
        .filter_map(|e| e.designation.listed_on)
        .max()
        .map(|d| d.to_string());
    if !unread_dates.is_empty() {
        list.warnings.push(format!(
            "{} date(s) of birth or build could not be read and were left out (e.g. {})",
            unread_dates.len(),
            unread_dates
                .iter()
                .take(5)
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(list)
}

fn entity_of(
    record: &Record,
    unread_dates: &mut Vec<String>,
) -> std::result::Result<Entity, String> {
    let regime = record.get("Country").ok_or("a record without Country")?;
    let item = record.get("Item").ok_or("a record without Item")?;
    let schedule = record
        .get("Schedule")
        .map_or_else(|| "-".to_string(), |s| slug(&s));
    let source_id = format!("{}/{}/{}", regime_key(&regime), schedule, slug(&item));
    let given = record.get("GivenName");
    let last = record.get("LastName");
    let body = record.get("EntityOrShip");
    let imo = record.get("ShipIMONumber");
    let schema = match (&given, &last, &body, &imo) {
        (Some(_), _, _, _) | (_, Some(_), _, _) => Schema::Person,
        (_, _, Some(_), Some(_)) => Schema::Vessel,
        (_, _, Some(_), None) => Schema::Organization,
        _ => {
            return Err(format!(
                "record {source_id} has neither a person's name nor EntityOrShip"
            ))
        }
    };
    let mut entity = Entity::new("ca", &source_id, schema);
    if schema == Schema::Person {
        let full = [&given, &last]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let parts = NameParts {
            first: given.clone(),
            family: last.clone(),
            title: record.get("TitleOrShip"),
            ..NameParts::default()
        };
        entity.push_name(scripted(Name::new(full, NameKind::Primary)).with_parts(parts));
    } else if let Some(body) = body {
        entity.push_name(scripted(Name::new(body, NameKind::Primary)));
    }
    for alias in split_aliases(&record.get("Aliases").unwrap_or_default()) {
        entity.push_name(alias);
    }
    if let Some(imo) = imo {
        push_unique(
            &mut entity.identifiers,
            identifier(IdentifierKind::Imo, imo),
        );
    }
    for text in split_dates(&record.get("DateOfBirthOrShipBuildDate").unwrap_or_default()) {
        match birth_date(&text) {
            Some(date) => push_unique(&mut entity.birth_dates, date),
            None => unread_dates.push(text),
        }
    }
    let designation = &mut entity.designation;
    designation.programmes.push(regime_english(&regime));
    designation.listed_on = record.get("DateOfListing").and_then(|d| loose_date(&d));
    if schema == Schema::Vessel {
        designation.remarks = record.get("TitleOrShip").map(|t| format!("Ship type: {t}"));
    }
    Ok(entity)
}

/// `Russia / Russie` -> `Russia`.
fn regime_english(country: &str) -> String {
    country
        .split(" / ")
        .next()
        .unwrap_or(country)
        .trim()
        .to_string()
}

/// `Justice for ... (JVCFOR) / ...` -> `jvcfor`; `Myanmar (Burma) / ...` -> `myanmar-burma`.
fn regime_key(country: &str) -> String {
    let english = regime_english(country);
    let acronym = english
        .split(['(', ')'])
        .nth(1)
        .filter(|a| a.len() >= 3 && a.chars().all(|c| c.is_ascii_uppercase()));
    slug(acronym.unwrap_or(&english))
}

/// Aliases separated by `;` or `, `, each possibly labelled with a language.
fn split_aliases(text: &str) -> Vec<Name> {
    text.split(';')
        .flat_map(|part| part.split(", "))
        .filter_map(|alias| {
            let (lang, alias) = language_label(alias);
            let alias = non_empty(alias)?;
            let mut name = scripted(Name::new(alias, NameKind::Alias));
            name.lang = lang.map(str::to_string);
            Some(name)
        })
        .collect()
}

/// `Russian: Иван` -> (`ru`, `Иван`); text without a known label is returned whole.
fn language_label(text: &str) -> (Option<&'static str>, &str) {
    let Some((label, rest)) = text.split_once(':') else {
        return (None, text);
    };
    let code = match label
        .trim()
        .trim_start_matches('(')
        .trim()
        .to_lowercase()
        .as_str()
    {
        "russian" => "ru",
        "belarusian" | "belarussian" => "be",
        "ukrainian" => "uk",
        "chinese" => "zh",
        "arabic" => "ar",
        "persian" | "farsi" => "fa",
        "burmese" => "my",
        "english" => "en",
        "french" => "fr",
        _ => return (None, text),
    };
    (Some(code), rest)
}

/// `1963 or 1964`, `1965-07-15 OR 1969-09-28` -> separate dates.
fn split_dates(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    if !lower.contains(" or ") {
        return non_empty(text).into_iter().collect();
    }
    lower.split(" or ").filter_map(non_empty).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::DateQualifier;

    const CA: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/ca/ca_sema_autonomous_2025.xml"
    );

    fn canada() -> ParsedList {
        read(&std::fs::read(CA).unwrap()).unwrap()
    }

    #[test]
    fn reads_all_records() {
        let list = canada();
        assert_eq!(list.source, "ca");
        // Counted with python's ElementTree: 4,759 records; 3,334 with
        // LastName or GivenName (persons), 109 with ShipIMONumber (vessels),
        // 1,316 other EntityOrShip records (organisations).
        assert_eq!(list.entities.len(), 4759);
        let counts = list.counts();
        assert_eq!(
            (counts.persons, counts.vessels, counts.organizations),
            (3334, 109, 1316)
        );
        // The latest DateOfListing in the file (python: max of the element texts).
        assert_eq!(list.version.as_deref(), Some("2025-03-20"));
        assert!(list.entities.iter().all(|e| !e.names.is_empty()));
    }

    #[test]
    fn spot_checks() {
        let list = canada();
        let e = list
            .entities
            .iter()
            .find(|e| e.id == "ca:belarus/1-part-1/8")
            .unwrap();
        assert_eq!(e.caption(), "Aleksandr Grigoryevich Lukashenko");
        assert_eq!(e.names[0].parts().family.as_deref(), Some("Lukashenko"));
        assert_eq!(e.birth_dates[0].date.to_string(), "1954-08-30");
        assert_eq!(e.designation.programmes, ["Belarus"]);
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2020-09-28");
        let ship = list
            .entities
            .iter()
            .find(|e| e.identifiers.iter().any(|i| i.number == "7612448"))
            .unwrap();
        assert_eq!(ship.schema, Schema::Vessel);
        assert_eq!(ship.caption(), "Balitiyskiy III");
        assert_eq!(ship.id, "ca:russia/1-1/1");
        assert_eq!(ship.birth_dates[0].date.to_string(), "1980");
        assert_eq!(
            ship.designation.remarks.as_deref(),
            Some("Ship type: General Cargo / Multi Purpose")
        );
    }

    #[test]
    fn aliases_and_languages() {
        let list = canada();
        let e = list
            .entities
            .iter()
            .find(|e| e.names.iter().any(|n| n.full == "Ivan Golovatyi"))
            .unwrap();
        let cyrillic = e
            .names
            .iter()
            .find(|n| n.full == "Иван Иванович Головатый")
            .unwrap();
        assert_eq!(cyrillic.script.as_deref(), Some("Cyrl"));
        let e = list
            .entities
            .iter()
            .find(|e| {
                e.names
                    .iter()
                    .any(|n| n.full == "Ruslan Khikmetovich MASHADIYEV")
            })
            .unwrap();
        let russian = e
            .names
            .iter()
            .find(|n| n.full == "Руслан Хикметович МАШАДИЕВ")
            .unwrap();
        assert_eq!(russian.lang.as_deref(), Some("ru"));
        let belarusian = e
            .names
            .iter()
            .find(|n| n.lang.as_deref() == Some("be"))
            .unwrap();
        assert_eq!(belarusian.full, "Руслан Хiкметовiч МАШАДЗЕЎ");
        // 1 primary + 6 aliases, as the record lists them.
        assert_eq!(e.names.len(), 7);
    }

    #[test]
    fn alternative_dates() {
        assert_eq!(split_dates("1963 or 1964"), ["1963", "1964"]);
        assert_eq!(
            split_dates("1965-07-15 OR 1969-09-28"),
            ["1965-07-15", "1969-09-28"]
        );
        let list = canada();
        let two = list
            .entities
            .iter()
            .filter(|e| e.birth_dates.len() == 2)
            .count();
        // Three DateOfBirthOrShipBuildDate values hold " or " (python).
        assert_eq!(two, 3);
        let range = list
            .entities
            .iter()
            .flat_map(|e| &e.birth_dates)
            .filter(|d| d.qualifier == DateQualifier::Between)
            .count();
        assert!(range >= 1);
        assert!(list
            .warnings
            .iter()
            .any(|w| w.contains("born in the early 1970s")));
    }

    #[test]
    fn ids_are_unique_and_stable() {
        let list = canada();
        let ids: HashSet<&str> = list.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), list.entities.len());
        assert_eq!(regime_key("Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / Règlement (RJVDEC)"), "jvcfor");
        assert_eq!(
            regime_key("Myanmar (Burma) / Myanmar (Birmanie)"),
            "myanmar-burma"
        );
    }

    #[test]
    fn truncated_or_foreign_xml_fails_with_offset() {
        let bytes = std::fs::read(CA).unwrap();
        assert!(matches!(
            read(&bytes[..bytes.len() / 2]),
            Err(Error::Offset { .. })
        ));
        assert!(matches!(
            read(b"<sdnList></sdnList>"),
            Err(Error::Offset { .. })
        ));
        assert!(matches!(
            read(b"<!DOCTYPE data-set [<!ENTITY x \"y\">]><data-set/>"),
            Err(Error::Offset { .. })
        ));
        assert!(read(b"").is_err());
    }
}
