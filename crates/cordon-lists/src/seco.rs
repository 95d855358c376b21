//! Swiss SECO sanctions list XML (`<swiss-sanctions-list>`, the
//! `whole-list` export and its `amendment` files).
//!
//! Top-level records: `sanctions-program` (its `sanctions-set` ssids name the
//! programme, by its English `program-key`), `place` (referenced from
//! addresses and places of birth by `place-id`) and `target`. A target holds
//! one `individual`, `entity` or `object` (`object-type` vessel/aircraft),
//! with one or more `identity` elements (the `main` one first) of `name`s
//! (`name-type` primary-name/alias/formerly-known-as, `quality` good/low,
//! `name-part`s in `order`, with `spelling-variant`s), `day-month-year`,
//! `place-of-birth`, `nationality`, `address` and `identification-document`;
//! `justification` and `other-information` go to the remarks.
//!
//! A target whose latest (first) `modification` is `de-listed` is no longer
//! listed and is left out. An `amendment` file holds only changes: it is
//! read, with a warning that it is not a whole list.

use crate::generic::identifier;
use crate::text::{self, non_empty, push_unique, scripted, CountryCodes};
use crate::tree::{stream_records, Node};
use crate::{Error, ParsedList, Result};
use cordon_model::identifier::{comparable, imo_check_digit_ok};
use cordon_model::{
    Address, BirthDate, Entity, IdentifierKind, Name, NameKind, NameParts, NameQuality,
    PartialDate, Place, Schema,
};
use std::collections::HashMap;
use std::io::{BufRead, Read};

/// Reads a SECO list from bytes.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    read_from(bytes)
}

/// Reads a SECO list from any buffered reader, one target at a time.
pub fn read_from(source: impl BufRead) -> Result<ParsedList> {
    let mut state = State {
        list: ParsedList {
            source: "seco".into(),
            ..ParsedList::default()
        },
        ..State::default()
    };
    // The root's attributes (list type, date) are not a record: read them
    // from the head of the file, which the first record follows.
    let mut source = source;
    let head = root_head(&mut source)?;
    state.list.version = attribute_in(&head, "date");
    if attribute_in(&head, "list-type").as_deref() == Some("amendment") {
        state.list.warnings.push(
            "this SECO file is an amendment (list-type=\"amendment\"): it holds only the changes of one day, not the whole list; import the whole list to screen against it".into(),
        );
    }
    let rest = std::io::Cursor::new(head.into_bytes()).chain(source);
    stream_records(rest, 1, |ancestors, node| state.record(ancestors, node))?;
    state.list.warnings.append(&mut state.countries.warnings);
    if state.delisted > 0 {
        state.list.warnings.push(format!(
            "{} de-listed target(s) left out (their latest modification is de-listed)",
            state.delisted
        ));
    }
    state.list.shrink_to_fit();
    Ok(state.list)
}

/// The bytes up to and including the root start tag, as text.
fn root_head(source: &mut impl BufRead) -> Result<String> {
    let mut head = Vec::new();
    // The root tag is the first tag that is not a declaration or comment.
    loop {
        let before = head.len();
        let read = source.read_until(b'>', &mut head)?;
        if read == 0 || head.len() > 64 * 1024 {
            return Err(Error::Format(
                "not a SECO sanctions list (no <swiss-sanctions-list> root)".into(),
            ));
        }
        let tag = String::from_utf8_lossy(head.get(before..).unwrap_or(&[])).into_owned();
        let tag = tag.trim_start_matches('\u{feff}').trim_start();
        if tag.starts_with("<?") || tag.starts_with("<!--") {
            continue;
        }
        if !tag.starts_with("<swiss-sanctions-list") {
            return Err(Error::Format(format!(
                "not a SECO sanctions list: the root is `{}`, expected <swiss-sanctions-list>",
                tag.chars().take(60).collect::<String>()
            )));
        }
        return Ok(String::from_utf8_lossy(&head).into_owned());
    }
}

/// `name="value"` in a start tag.
fn attribute_in(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag.get(start..)?.find('"')? + start;
    tag.get(start..end).and_then(non_empty)
}

#[derive(Default)]
struct State {
    list: ParsedList,
    /// Programme key by sanctions-set ssid.
    programmes: HashMap<String, String>,
    places: HashMap<String, Place>,
    countries: CountryCodes,
    delisted: usize,
}

impl State {
    fn record(&mut self, ancestors: &[String], node: Node) -> Result<()> {
        if ancestors.first().map(String::as_str) != Some("swiss-sanctions-list") {
            return Ok(());
        }
        match node.name.as_str() {
            "sanctions-program" => self.programme(&node),
            "place" => self.place(&node),
            "target" => self.target(&node)?,
            _ => {}
        }
        Ok(())
    }

    fn programme(&mut self, node: &Node) {
        let key = node
            .children_named("program-key")
            .find(|k| k.attr("lang") == Some("eng"))
            .or_else(|| node.child("program-key"))
            .and_then(|k| non_empty(&k.text));
        let Some(key) = key else {
            return;
        };
        for set in node.children_named("sanctions-set") {
            if let Some(id) = set.attr("ssid") {
                self.programmes.insert(id.to_string(), key.clone());
            }
        }
    }

    fn place(&mut self, node: &Node) {
        let Some(id) = node.attr("ssid") else {
            return;
        };
        let place = self.place_of(node);
        self.places.insert(id.to_string(), place);
    }

    /// A place from `location`, `area` and `country` children.
    fn place_of(&mut self, node: &Node) -> Place {
        let country = node.child("country");
        let code = country.and_then(|c| {
            c.attr("iso-code")
                .and_then(text::country_code)
                .or_else(|| self.countries.code_in(&c.text, "country", "SECO place"))
        });
        let parts: Vec<String> = ["location", "area", "country"]
            .iter()
            .filter_map(|part| node.text_at(&[part]).and_then(non_empty))
            .collect();
        Place {
            text: parts.join(", "),
            country: code,
        }
    }

    fn target(&mut self, node: &Node) -> Result<()> {
        let id = node
            .attr("ssid")
            .ok_or_else(|| Error::Format("a SECO <target> without ssid".into()))?;
        let latest = node
            .child("modification")
            .and_then(|m| m.attr("modification-type"));
        if latest == Some("de-listed") {
            self.delisted += 1;
            return Ok(());
        }
        let (subject, schema) = subject(node).ok_or_else(|| {
            Error::Format(format!(
                "SECO target {id}: no <individual>, <entity> or <object>"
            ))
        })?;
        let mut entity = Entity::new("seco", id, schema);
        entity.gender = subject.attr("sex").and_then(non_empty);
        for set in node.texts_at(&["sanctions-set-id"]) {
            if let Some(programme) = self.programmes.get(set) {
                push_unique(&mut entity.designation.programmes, programme.clone());
            }
        }
        let mut identities: Vec<&Node> = subject.children_named("identity").collect();
        identities.sort_by_key(|i| i.attr("main") != Some("true"));
        for (index, identity) in identities.iter().enumerate() {
            self.identity(&mut entity, identity, index == 0);
        }
        entity.names.sort_by_key(|n| n.kind != NameKind::Primary);
        let mut remarks: Vec<String> = Vec::new();
        for path in ["justification", "other-information"] {
            remarks.extend(subject.texts_at(&[path]).into_iter().map(text::clean));
        }
        for remark in &remarks {
            imo_in_remark(&mut entity, remark);
        }
        if !remarks.is_empty() {
            entity.designation.remarks = Some(remarks.join("\n"));
        }
        entity.designation.listed_on = node
            .children_named("modification")
            .filter(|m| m.attr("modification-type") == Some("listed"))
            .filter_map(|m| m.attr("effective-date").and_then(PartialDate::parse_iso))
            .min();
        if entity.names.is_empty() {
            return Err(Error::Format(format!("SECO target {id} has no name")));
        }
        entity.shrink_to_fit();
        self.list.entities.push(entity);
        Ok(())
    }

    fn identity(&mut self, entity: &mut Entity, identity: &Node, main: bool) {
        for name in identity.children_named("name") {
            for parsed in seco_names(name, main, entity.schema) {
                entity.push_name(parsed);
            }
        }
        for date in identity.children_named("day-month-year") {
            let number = |name: &str| date.attr(name).and_then(|v| v.trim().parse::<i32>().ok());
            let small = |v: i32| u8::try_from(v).ok();
            let Some(year) = number("year") else {
                continue;
            };
            let month = number("month").and_then(small);
            let day = number("day").and_then(small).filter(|_| month.is_some());
            if let Some(date) = PartialDate::new(year, month, day) {
                push_unique(&mut entity.birth_dates, BirthDate::exact(date));
            }
        }
        for place in identity.children_named("place-of-birth") {
            let place = match place.attr("place-id").and_then(|p| self.places.get(p)) {
                Some(known) => known.clone(),
                None => self.place_of(place),
            };
            if !place.text.is_empty() {
                push_unique(&mut entity.birth_places, place);
            }
        }
        for nationality in identity.all(&["nationality", "country"]) {
            let code = nationality
                .attr("iso-code")
                .and_then(text::country_code)
                .or_else(|| {
                    self.countries
                        .code_in(&nationality.text, "nationality", "SECO")
                });
            if let Some(code) = code {
                push_unique(&mut entity.nationalities, code);
            }
        }
        for address in identity.children_named("address") {
            self.address(entity, address);
        }
        for document in identity.children_named("identification-document") {
            let Some(number) = document.text_at(&["number"]).and_then(non_empty) else {
                continue;
            };
            let kind = match document.attr("document-type").unwrap_or("") {
                "passport" | "diplomatic-passport" => IdentifierKind::Passport,
                "id-card" | "national-id" => IdentifierKind::NationalId,
                "imo" => IdentifierKind::Imo,
                other => {
                    IdentifierKind::Other(non_empty(other).unwrap_or_else(|| "document".into()))
                }
            };
            let country = document
                .all(&["issuer"])
                .first()
                .and_then(|i| i.attr("code"))
                .and_then(text::country_code);
            push_unique(
                &mut entity.identifiers,
                cordon_model::Identifier {
                    country,
                    note: document.text_at(&["remark"]).and_then(non_empty),
                    ..identifier(kind, number)
                },
            );
        }
    }

    fn address(&mut self, entity: &mut Entity, address: &Node) {
        let place = address
            .attr("place-id")
            .and_then(|p| self.places.get(p))
            .cloned()
            .unwrap_or_else(|| self.place_of(address));
        let mut parts: Vec<String> = ["c-o", "address-details", "p-o-box", "zip-code"]
            .iter()
            .filter_map(|part| address.text_at(&[part]).and_then(non_empty))
            .collect();
        if !place.text.is_empty() {
            parts.push(place.text.clone());
        }
        if parts.is_empty() {
            return;
        }
        if let Some(code) = &place.country {
            push_unique(&mut entity.countries, code.clone());
        }
        push_unique(
            &mut entity.addresses,
            Address {
                text: parts.join(", "),
                city: None,
                country: place.country,
            },
        );
    }
}

/// The target's subject element and its schema.
fn subject(target: &Node) -> Option<(&Node, Schema)> {
    if let Some(person) = target.child("individual") {
        return Some((person, Schema::Person));
    }
    if let Some(entity) = target.child("entity") {
        return Some((entity, Schema::Organization));
    }
    let object = target.child("object")?;
    let schema = match object.attr("object-type") {
        Some("vessel") => Schema::Vessel,
        Some("aircraft") => Schema::Aircraft,
        _ => Schema::Organization,
    };
    Some((object, schema))
}

/// A name and its spelling variants (one variant name per script).
fn seco_names(name: &Node, main: bool, schema: Schema) -> Vec<Name> {
    let mut parts: Vec<&Node> = name.children_named("name-part").collect();
    parts.sort_by_key(|p| {
        p.attr("order")
            .and_then(|o| o.parse::<u32>().ok())
            .unwrap_or(0)
    });
    let value = |part: &Node| part.text_at(&["value"]).and_then(non_empty);
    let full = parts
        .iter()
        .filter_map(|p| value(p))
        .collect::<Vec<_>>()
        .join(" ");
    if full.is_empty() {
        return Vec::new();
    }
    let kind = match (name.attr("name-type"), main) {
        (Some("primary-name"), true) => NameKind::Primary,
        (Some("formerly-known-as"), _) => NameKind::Former,
        _ => NameKind::Alias,
    };
    let quality = if name.attr("quality") == Some("low") {
        NameQuality::Weak
    } else {
        NameQuality::Strong
    };
    let part_of = |kind: &str| -> Option<String> {
        let texts: Vec<String> = parts
            .iter()
            .filter(|p| p.attr("name-part-type") == Some(kind))
            .filter_map(|p| value(p))
            .collect();
        (!texts.is_empty()).then(|| texts.join(" "))
    };
    let mut primary = scripted(Name::new(full, kind)).with_quality(quality);
    primary.lang = name.attr("lang").map(str::to_string);
    if schema == Schema::Person {
        primary.set_parts(NameParts {
            first: part_of("given-name"),
            family: part_of("family-name"),
            patronymic: part_of("father-name"),
            title: part_of("title"),
            ..NameParts::default()
        });
    }
    let mut names = vec![primary];
    // Variants by script: each part's variant of that script, or its value.
    let mut scripts: Vec<&str> = parts
        .iter()
        .flat_map(|p| p.children_named("spelling-variant"))
        .filter_map(|v| v.attr("script"))
        .collect();
    scripts.sort_unstable();
    scripts.dedup();
    for script in scripts {
        let latin = script.eq_ignore_ascii_case("LATN");
        // A Latin variant keeps the other parts as they are; a variant in
        // another script holds only its own parts (no mixed-script names).
        let variant: Vec<String> = parts
            .iter()
            .filter_map(|p| {
                let own = p
                    .children_named("spelling-variant")
                    .find(|v| v.attr("script") == Some(script))
                    .and_then(|v| non_empty(&v.text));
                if latin {
                    own.or_else(|| value(p))
                } else {
                    own
                }
            })
            .collect();
        let variant_kind = if latin {
            NameKind::Alias
        } else {
            NameKind::OriginalScript
        };
        names.push(scripted(Name::new(variant.join(" "), variant_kind)).with_quality(quality));
    }
    names
}

/// SECO gives a vessel's IMO number in its other information (`IMO Number: 8405270`).
fn imo_in_remark(entity: &mut Entity, remark: &str) {
    if entity.schema != Schema::Vessel {
        return;
    }
    let upper = remark.to_ascii_uppercase();
    let Some(at) = upper.find("IMO") else {
        return;
    };
    let digits: String = upper
        .get(at..)
        .unwrap_or("")
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    let number = comparable(&digits);
    if imo_check_digit_ok(&number) {
        push_unique(
            &mut entity.identifiers,
            identifier(IdentifierKind::Imo, number),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AMENDMENT: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/ch/seco_amendment_TEST_EXAMPLE_2024-01-17.xml"
    );

    /// The layout of SECO's whole-list export (element and attribute names
    /// as published), with a de-listed target, a place, a vessel and a
    /// non-main identity.
    const WHOLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<swiss-sanctions-list list-type="whole-list" date="2026-08-27">
  <sanctions-program ssid="20"><program-key lang="eng">Belarus</program-key>
    <sanctions-set ssid="4387" lang="eng">article 12</sanctions-set></sanctions-program>
  <sanctions-program ssid="900"><program-key lang="eng">North Korea</program-key>
    <sanctions-set ssid="34422" lang="eng">Vessels</sanctions-set></sanctions-program>
  <place ssid="29492"><location>Minsk</location><country iso-code="BY">Belarus</country></place>
  <target ssid="5142"><sanctions-set-id>4387</sanctions-set-id>
    <individual><identity ssid="5144" main="true"><name name-type="primary-name" quality="good">
      <name-part order="1" name-part-type="family-name"><value>Lukashenka</value></name-part></name></identity></individual>
    <modification modification-type="de-listed" effective-date="2016-03-01"/></target>
  <target ssid="1900"><sanctions-set-id>4387</sanctions-set-id>
    <individual sex="male">
      <identity ssid="1901" main="true"><name name-type="primary-name" quality="good" lang="eng">
        <name-part order="2" name-part-type="given-name"><value>Dzmitry</value></name-part>
        <name-part order="1" name-part-type="family-name"><value>Lukashenka</value>
          <spelling-variant script="CYRL">Лукашенко</spelling-variant></name-part></name>
        <day-month-year day="23" month="3" year="1980"/>
        <address place-id="29492"><address-details>ul. Starovilenskaya, 4</address-details></address>
      </identity>
      <identity ssid="1921" main="false"><name name-type="primary-name" quality="low"><name-part order="1" name-part-type="whole-name"><value>Dima</value></name-part></name>
        <nationality><country iso-code="BY">Belarus</country></nationality></identity>
      <justification>Businessman.</justification></individual>
    <modification modification-type="listed" effective-date="2021-08-11"/></target>
  <target ssid="34461"><sanctions-set-id>34422</sanctions-set-id>
    <object object-type="vessel"><identity ssid="34462" main="true">
      <name name-type="primary-name" quality="good"><name-part order="1" name-part-type="whole-name"><value>Hui Chon</value></name-part></name></identity>
      <other-information>IMO Number: 8405270</other-information></object>
    <modification modification-type="listed" effective-date="2016-05-18"/></target>
</swiss-sanctions-list>"#;

    #[test]
    fn reads_the_amendment_file_with_a_warning() {
        let bytes = std::fs::read(AMENDMENT).unwrap();
        assert_eq!(crate::detect(&bytes).unwrap(), crate::Format::SecoXml);
        let text = String::from_utf8(bytes.clone()).unwrap();
        let list = read(&bytes).unwrap();
        // Counted on the raw text.
        assert_eq!(list.entities.len(), text.matches("<target ").count());
        assert_eq!(list.version.as_deref(), Some("2024-01-17"));
        assert!(
            list.warnings[0].contains("amendment"),
            "{:?}",
            list.warnings
        );
        let b = list.entities.iter().find(|e| e.id == "seco:64398").unwrap();
        assert_eq!(b.caption(), "Test B");
        assert_eq!(b.nationalities, ["GB"]);
        assert_eq!(b.gender.as_deref(), Some("female"));
        assert_eq!(b.designation.programmes, ["PPDM"]);
        assert_eq!(b.birth_dates[0].date.to_string(), "2025-12-31");
    }

    #[test]
    fn whole_list_layout() {
        let list = read(WHOLE.as_bytes()).unwrap();
        assert_eq!(list.entities.len(), 2, "the de-listed target is left out");
        assert!(list.warnings.iter().any(|w| w.contains("1 de-listed")));
        let person = &list.entities[0];
        assert_eq!(person.caption(), "Lukashenka Dzmitry");
        assert_eq!(
            person.names[0].parts().family.as_deref(),
            Some("Lukashenka")
        );
        assert!(person
            .names
            .iter()
            .any(|n| n.kind == NameKind::OriginalScript && n.full == "Лукашенко"));
        let dima = person.names.iter().find(|n| n.full == "Dima").unwrap();
        assert_eq!(
            (dima.kind, dima.quality),
            (NameKind::Alias, NameQuality::Weak)
        );
        assert_eq!(person.nationalities, ["BY"]);
        assert_eq!(
            person.addresses[0].text,
            "ul. Starovilenskaya, 4, Minsk, Belarus"
        );
        assert_eq!(person.designation.programmes, ["Belarus"]);
        assert_eq!(
            person.designation.listed_on.unwrap().to_string(),
            "2021-08-11"
        );
        let vessel = &list.entities[1];
        assert_eq!(vessel.schema, Schema::Vessel);
        assert_eq!(vessel.identifiers[0].number, "8405270");
        insta::assert_json_snapshot!("seco_person", person);
    }

    #[test]
    fn wrong_root_and_truncation() {
        assert!(read(b"<?xml version=\"1.0\"?><Designations/>").is_err());
        let cut = &WHOLE.as_bytes()[..WHOLE.len() / 2];
        assert!(matches!(read(cut).unwrap_err(), Error::Offset { .. }));
    }
}
