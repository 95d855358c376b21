//! UN Security Council Consolidated List XML (schema `sc-sanctions.xsd`).
//!
//! The reader streams quick-xml events: each `INDIVIDUAL` or `ENTITY` is
//! collected into a small `Record` of leaf fields and groups (aliases,
//! addresses, dates and places of birth, documents), turned into an
//! [`Entity`] when it closes, and dropped.
//!
//! ```
//! let xml = br#"<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z"><INDIVIDUALS>
//!   <INDIVIDUAL><FIRST_NAME>TOHIR</FIRST_NAME><SECOND_NAME>YULDASHEV</SECOND_NAME>
//!   <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER> QDi.290 </REFERENCE_NUMBER>
//!   <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Tahir</ALIAS_NAME></INDIVIDUAL_ALIAS>
//!   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1966</FROM_YEAR>
//!   <TO_YEAR>1968</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS>
//!   <ENTITIES/></CONSOLIDATED_LIST>"#;
//! let list = cordon_lists::un::read(xml).unwrap();
//! assert_eq!(list.version.as_deref(), Some("2026-02-27"));
//! let entity = &list.entities[0];
//! assert_eq!(entity.id, "un:QDi.290");
//! assert_eq!(entity.caption(), "TOHIR YULDASHEV");
//! assert_eq!(entity.birth_dates[0].year_range(), (1966, 1968));
//! ```

use cordon_model::{
    dates, Address, BirthDate, DateQualifier, Entity, Identifier, IdentifierKind, Name, NameKind,
    NameParts, NameQuality, PartialDate, Place, Schema,
};
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::Reader;

use crate::text::{push_unique, CountryCodes};
use crate::{text, xml, Error, ParsedList, Result};

/// Deeper nesting than this is not a UN list (the schema has four levels).
const MAX_DEPTH: usize = 32;

/// Bad escapes reported one by one before they are only counted.
const MAX_ESCAPE_WARNINGS: usize = 10;

/// Reads a UN Consolidated List. Invalid UTF-8 is recovered as Windows-1252
/// with a warning; a truncated file, a DTD or a different root element is an
/// error.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let (decoded, decode_warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: "un".to_string(),
        ..ParsedList::default()
    };
    list.warnings.extend(decode_warning);
    let first = parse(decoded.as_bytes(), list.clone());
    match first {
        Ok(list) => Ok(list),
        Err(error) => {
            // A damaged file may hold stray `<` or `&` inside text fields; escape
            // them and try once more, keeping the first error if that fails too.
            let Some((repaired, places)) = repair_leaf_text(&decoded) else {
                return Err(shift_offset(error, bom));
            };
            let mut repaired_list =
                parse(repaired.as_bytes(), list).map_err(|_| shift_offset(error, bom))?;
            repaired_list.warnings.push(repair_warning(&places));
            Ok(repaired_list)
        }
    }
}

fn parse(bytes: &[u8], mut list: ParsedList) -> Result<ParsedList> {
    let mut parser = Parser::new(bytes);
    let result = parser.run(&mut list);
    list.warnings.append(&mut parser.countries.warnings);
    result.map(|()| list)
}

/// Every element that holds only text in the UN schema.
const LEAF_ELEMENTS: &[&str] = &[
    "ALIAS_NAME",
    "CITY",
    "CITY_OF_BIRTH",
    "CITY_OF_ISSUE",
    "COMMENTS1",
    "COUNTRY",
    "COUNTRY_OF_BIRTH",
    "COUNTRY_OF_ISSUE",
    "DATAID",
    "DATE",
    "DATE_OF_BIRTH",
    "DATE_OF_ISSUE",
    "DELISTED_ON",
    "FIRST_NAME",
    "FOURTH_NAME",
    "FROM_YEAR",
    "GENDER",
    "ISSUING_COUNTRY",
    "LISTED_ON",
    "NAME_ORIGINAL_SCRIPT",
    "NATIONALITY2",
    "NOTE",
    "NUMBER",
    "QUALITY",
    "REFERENCE_NUMBER",
    "SECOND_NAME",
    "SORT_KEY",
    "SORT_KEY_LAST_MOD",
    "STATE_PROVINCE",
    "STREET",
    "SUBMITTED_BY",
    "SUBMITTED_ON",
    "THIRD_NAME",
    "TO_YEAR",
    "TYPE_OF_DATE",
    "TYPE_OF_DOCUMENT",
    "TYPE_OF_DOCUMENT2",
    "UN_LIST_TYPE",
    "VALUE",
    "VERSIONNUM",
    "YEAR",
    "ZIP_CODE",
];

/// Escapes `<` and bare `&` found between a leaf element's start and end tags.
/// Returns the repaired text and the byte offsets of the repaired fields, or
/// `None` when there was nothing to repair.
fn repair_leaf_text(text: &str) -> Option<(String, Vec<usize>)> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut places = Vec::new();
    let mut rest = text;
    let mut consumed = 0;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let leaf = LEAF_ELEMENTS
            .iter()
            .find(|name| after.starts_with(*name) && after[name.len()..].starts_with('>'));
        let Some(leaf) = leaf else {
            out.push_str(&rest[..open + 1]);
            consumed += open + 1;
            rest = after;
            continue;
        };
        let content_start = open + leaf.len() + 2;
        let close_tag = format!("</{leaf}>");
        let Some(content_len) = rest[content_start..].find(&close_tag) else {
            out.push_str(&rest[..content_start]);
            consumed += content_start;
            rest = &rest[content_start..];
            continue;
        };
        let content = &rest[content_start..content_start + content_len];
        out.push_str(&rest[..content_start]);
        if needs_escaping(content) {
            places.push(consumed + content_start);
            escape_into(content, &mut out);
        } else {
            out.push_str(content);
        }
        let end = content_start + content_len;
        consumed += end;
        rest = &rest[end..];
    }
    out.push_str(rest);
    (!places.is_empty()).then_some((out, places))
}

/// A field that holds `<` (but no end tag, which would mean a missing close
/// we cannot repair) or an `&` that starts no entity.
fn needs_escaping(content: &str) -> bool {
    if content.contains("</") {
        return false;
    }
    content.contains('<')
        || content
            .match_indices('&')
            .any(|(at, _)| !starts_entity(&content[at..]))
}

fn starts_entity(text: &str) -> bool {
    let Some(end) = text.find(';') else {
        return false;
    };
    let name = &text[1..end];
    !name.is_empty()
        && name.len() <= 10
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '#')
}

fn escape_into(content: &str, out: &mut String) {
    for (at, c) in content.char_indices() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' if !starts_entity(&content[at..]) => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
}

fn repair_warning(places: &[usize]) -> String {
    let shown: Vec<String> = places.iter().take(5).map(usize::to_string).collect();
    format!(
        "{} text fields held stray '<' or '&' (damaged file) and were read with them escaped, at bytes {}{}",
        places.len(),
        shown.join(", "),
        if places.len() > 5 { ", ..." } else { "" }
    )
}

/// Offsets are counted in the decoded text; a stripped BOM is added back.
fn shift_offset(error: Error, by: u64) -> Error {
    match error {
        Error::Offset { offset, message } => Error::Offset {
            offset: offset + by,
            message,
        },
        other => other,
    }
}

/// Leaf fields and groups of one INDIVIDUAL or ENTITY.
#[derive(Default)]
struct Record {
    fields: Vec<(String, String)>,
    groups: Vec<Group>,
}

/// One repeated child element (`INDIVIDUAL_ALIAS`, `NATIONALITY`...) with its leaf fields.
struct Group {
    name: String,
    fields: Vec<(String, String)>,
}

impl Group {
    fn get(&self, field: &str) -> Option<String> {
        get(&self.fields, field)
    }

    fn values(&self) -> impl Iterator<Item = String> + '_ {
        self.fields
            .iter()
            .filter(|(name, _)| name == "VALUE")
            .filter_map(|(_, value)| text::non_empty(value))
    }
}

fn get(fields: &[(String, String)], field: &str) -> Option<String> {
    fields
        .iter()
        .find(|(name, _)| name == field)
        .and_then(|(_, value)| text::non_empty(value))
}

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    stack: Vec<String>,
    text: String,
    record: Option<Record>,
    record_depth: usize,
    group: Option<Group>,
    countries: CountryCodes,
    bad_escapes: usize,
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8]) -> Parser<'a> {
        Parser {
            reader: xml::reader(bytes),
            stack: Vec::new(),
            text: String::new(),
            record: None,
            record_depth: 0,
            group: None,
            countries: CountryCodes::default(),
            bad_escapes: 0,
        }
    }

    fn run(&mut self, list: &mut ParsedList) -> Result<()> {
        let mut seen_root = false;
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(error) => return Err(xml::xml_error(&self.reader, error)),
            };
            xml::refuse_doctype(&self.reader, &event)?;
            match event {
                Event::Start(start) => {
                    if !seen_root {
                        self.check_root(&start, list)?;
                        seen_root = true;
                    }
                    self.open(&start)?;
                }
                Event::End(end) => {
                    let name = xml::local_name(end.name());
                    self.close(name, list)?;
                }
                Event::Text(content) => {
                    let content = self.unescape(&content, list);
                    self.push_text(&content)?;
                }
                Event::CData(data) => {
                    let content = String::from_utf8_lossy(&data).into_owned();
                    self.push_text(&content)?;
                }
                Event::Eof => return self.finish(seen_root),
                _ => {}
            }
        }
    }

    fn check_root(&self, start: &BytesStart<'_>, list: &mut ParsedList) -> Result<()> {
        let name = xml::local_name(start.name());
        if name != "CONSOLIDATED_LIST" {
            return Err(Error::Format(format!(
                "not a UN Consolidated List: the root element is <{name}>, expected <CONSOLIDATED_LIST>"
            )));
        }
        for attribute in start.attributes().flatten() {
            if attribute.key.local_name().as_ref() == b"dateGenerated" {
                let value = String::from_utf8_lossy(&attribute.value).into_owned();
                list.version = parse_date(&value).map(|date| date.to_string());
                if list.version.is_none() {
                    list.warnings.push(format!(
                        "dateGenerated \"{value}\" is not a date; the list has no version"
                    ));
                }
            }
        }
        Ok(())
    }

    fn open(&mut self, start: &BytesStart<'_>) -> Result<()> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(xml::error_at(
                &self.reader,
                format!("elements nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let name = xml::local_name(start.name());
        self.text.clear();
        let depth = self.stack.len();
        match self.record {
            None if name == "INDIVIDUAL" || name == "ENTITY" => {
                self.record = Some(Record::default());
                self.record_depth = depth;
            }
            Some(_) if depth == self.record_depth + 1 => {
                self.group = Some(Group {
                    name: name.clone(),
                    fields: Vec::new(),
                });
            }
            _ => {}
        }
        self.stack.push(name);
        Ok(())
    }

    /// Unescaped text; a bare `&` or an undefined entity (which no DTD can
    /// define here) is kept as written, with a warning, so a damaged file still loads.
    fn unescape(&mut self, content: &BytesText<'_>, list: &mut ParsedList) -> String {
        match content.unescape() {
            Ok(text) => text.into_owned(),
            Err(error) => {
                self.bad_escapes += 1;
                if self.bad_escapes <= MAX_ESCAPE_WARNINGS {
                    list.warnings.push(format!(
                        "byte {}: {error}; the text was kept as written",
                        self.reader.buffer_position()
                    ));
                } else if self.bad_escapes == MAX_ESCAPE_WARNINGS + 1 {
                    list.warnings
                        .push("more bad escapes follow; they were kept as written".to_string());
                }
                String::from_utf8_lossy(content).into_owned()
            }
        }
    }

    fn push_text(&mut self, content: &str) -> Result<()> {
        if self.text.len() + content.len() > crate::MAX_FIELD_BYTES {
            return Err(xml::error_at(
                &self.reader,
                format!(
                    "a field larger than the {} byte limit",
                    crate::MAX_FIELD_BYTES
                ),
            ));
        }
        self.text.push_str(content);
        Ok(())
    }

    fn close(&mut self, name: String, list: &mut ParsedList) -> Result<()> {
        self.stack.pop();
        let depth = self.stack.len();
        let value = std::mem::take(&mut self.text);
        let Some(record) = self.record.as_mut() else {
            return Ok(());
        };
        if depth == self.record_depth {
            if let Some(record) = self.record.take() {
                let is_person = name == "INDIVIDUAL";
                if let Some(entity) = self.entity(record, is_person, list) {
                    list.entities.push(entity);
                }
            }
        } else if depth == self.record_depth + 1 {
            match self.group.take() {
                Some(group) if !group.fields.is_empty() => record.groups.push(group),
                Some(_) if !value.is_empty() => record.fields.push((name, value)),
                _ => {}
            }
        } else if depth == self.record_depth + 2 {
            if let Some(group) = self.group.as_mut() {
                group.fields.push((name, value));
            }
        }
        Ok(())
    }

    fn finish(&self, seen_root: bool) -> Result<()> {
        if !seen_root {
            return Err(Error::Format(
                "not a UN Consolidated List: no <CONSOLIDATED_LIST> element".into(),
            ));
        }
        if let Some(open) = self.stack.last() {
            return Err(xml::error_at(
                &self.reader,
                format!("unexpected end of file: <{open}> is not closed (the file is truncated)"),
            ));
        }
        Ok(())
    }

    /// Turns a closed record into an entity; a record without any id is skipped with a warning.
    fn entity(&mut self, record: Record, is_person: bool, list: &mut ParsedList) -> Option<Entity> {
        let id = get(&record.fields, "REFERENCE_NUMBER")
            .or_else(|| get(&record.fields, "DATAID").map(|id| format!("DATAID-{id}")));
        let Some(id) = id else {
            list.warnings.push(format!(
                "byte {}: a record without REFERENCE_NUMBER or DATAID was skipped",
                self.reader.buffer_position()
            ));
            return None;
        };
        let schema = if is_person {
            Schema::Person
        } else {
            Schema::Organization
        };
        let mut entity = Entity::new("un", &id, schema);
        let context = format!("UN {id}");
        self.designation(&record, &mut entity);
        push_primary_names(&record, &mut entity);
        entity.gender = get(&record.fields, "GENDER").and_then(|g| gender(&g));
        for group in &record.groups {
            self.apply_group(group, &mut entity, &context);
        }
        Some(entity)
    }

    fn designation(&self, record: &Record, entity: &mut Entity) {
        let designation = &mut entity.designation;
        designation.programmes = get(&record.fields, "UN_LIST_TYPE").into_iter().collect();
        designation.listed_on = get(&record.fields, "LISTED_ON").and_then(|d| parse_date(&d));
        designation.last_updated = record
            .groups
            .iter()
            .filter(|g| g.name == "LAST_DAY_UPDATED")
            .flat_map(Group::values)
            .filter_map(|d| parse_date(&d))
            .max();
        let designations: Vec<String> = record
            .groups
            .iter()
            .filter(|g| g.name == "DESIGNATION")
            .flat_map(Group::values)
            .collect();
        let mut remarks = get(&record.fields, "COMMENTS1").unwrap_or_default();
        if !designations.is_empty() {
            if !remarks.is_empty() {
                remarks.push(' ');
            }
            remarks.push_str(&format!("Designation: {}.", designations.join("; ")));
        }
        designation.remarks = text::non_empty(&remarks);
    }

    fn apply_group(&mut self, group: &Group, entity: &mut Entity, context: &str) {
        match group.name.as_str() {
            "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => self.alias(group, entity, context),
            "NATIONALITY" => {
                for value in group.values() {
                    if let Some(code) = self.countries.code_in(&value, "nationality", context) {
                        push_unique(&mut entity.nationalities, code);
                    }
                }
            }
            "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => self.address(group, entity, context),
            "INDIVIDUAL_DATE_OF_BIRTH" => {
                if let Some(date) = birth_date(group) {
                    push_birth_date(entity, date);
                }
            }
            "INDIVIDUAL_PLACE_OF_BIRTH" => {
                // Some places of birth carry a STREET (a village) although the schema has none.
                let fields = ["STREET", "CITY", "STATE_PROVINCE", "COUNTRY"];
                if let Some(place) = self.place(group, &fields, "COUNTRY", context) {
                    entity.birth_places.push(place);
                }
            }
            "INDIVIDUAL_DOCUMENT" => self.document(group, entity, context),
            _ => {}
        }
    }

    fn alias(&mut self, group: &Group, entity: &mut Entity, context: &str) {
        let Some(full) = group.get("ALIAS_NAME") else {
            return;
        };
        let quality = group
            .get("QUALITY")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let (kind, strength) = match quality.as_str() {
            "low" => (NameKind::Alias, NameQuality::Weak),
            "f.k.a." | "fka" => (NameKind::Former, NameQuality::Strong),
            _ => (NameKind::Alias, NameQuality::Strong),
        };
        entity.push_name(text::scripted(Name::new(full, kind).with_quality(strength)));
        // An alias may carry its own date and place of birth.
        if let Some(date) = group.get("DATE_OF_BIRTH").and_then(|d| parse_birth(&d)) {
            push_birth_date(entity, date);
        }
        let fields = ["CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"];
        if let Some(place) = self.place(group, &fields, "COUNTRY_OF_BIRTH", context) {
            if !entity.birth_places.contains(&place) {
                entity.birth_places.push(place);
            }
        }
    }

    fn place(
        &mut self,
        group: &Group,
        fields: &[&str],
        country_field: &str,
        context: &str,
    ) -> Option<Place> {
        let parts: Vec<String> = fields.iter().filter_map(|f| group.get(f)).collect();
        if parts.is_empty() {
            return None;
        }
        let country = group.get(country_field).and_then(|c| {
            self.countries
                .code_in(&c, "place of birth country", context)
        });
        Some(Place {
            text: parts.join(", "),
            country,
        })
    }

    fn address(&mut self, group: &Group, entity: &mut Entity, context: &str) {
        let fields = [
            "STREET",
            "CITY",
            "STATE_PROVINCE",
            "ZIP_CODE",
            "COUNTRY",
            "NOTE",
        ];
        let parts: Vec<String> = fields.iter().filter_map(|f| group.get(f)).collect();
        if parts.is_empty() {
            return;
        }
        let country = group
            .get("COUNTRY")
            .and_then(|c| self.countries.code_in(&c, "address country", context));
        if let Some(code) = &country {
            push_unique(&mut entity.countries, code.clone());
        }
        entity.addresses.push(Address {
            text: parts.join(", "),
            city: group.get("CITY"),
            country,
        });
    }

    fn document(&mut self, group: &Group, entity: &mut Entity, context: &str) {
        let kind_text = group.get("TYPE_OF_DOCUMENT");
        let issuing = group
            .get("ISSUING_COUNTRY")
            .or_else(|| group.get("COUNTRY_OF_ISSUE"));
        // "Tunisian passport" in an issuing-country field names the country by its demonym.
        let country = issuing.and_then(|c| {
            let c = c.trim_end_matches(" passport");
            self.countries
                .code_in(c, "document issuing country", context)
        });
        let mut notes: Vec<String> = Vec::new();
        notes.extend(group.get("TYPE_OF_DOCUMENT2"));
        notes.extend(group.get("DATE_OF_ISSUE").map(|d| format!("issued {d}")));
        notes.extend(group.get("CITY_OF_ISSUE").map(|c| format!("in {c}")));
        notes.extend(group.get("NOTE"));
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        let Some(number) = group.get("NUMBER") else {
            // Without a number there is nothing to match on: keep the words in the remarks.
            if let Some(note) = note {
                let label = kind_text.unwrap_or_else(|| "Document".to_string());
                append_remark(entity, &format!("{label}: {note}"));
            }
            return;
        };
        entity.identifiers.push(Identifier {
            kind: document_kind(kind_text.as_deref()),
            number,
            country,
            note,
        });
    }
}

fn push_primary_names(record: &Record, entity: &mut Entity) {
    let parts = NameParts {
        first: get(&record.fields, "FIRST_NAME"),
        second: get(&record.fields, "SECOND_NAME"),
        third: get(&record.fields, "THIRD_NAME"),
        fourth: get(&record.fields, "FOURTH_NAME"),
        title: {
            let titles: Vec<String> = record
                .groups
                .iter()
                .filter(|g| g.name == "TITLE")
                .flat_map(Group::values)
                .collect();
            (!titles.is_empty()).then(|| titles.join(", "))
        },
        ..NameParts::default()
    };
    let full: Vec<&str> = [&parts.first, &parts.second, &parts.third, &parts.fourth]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let full = full.join(" ");
    if !full.is_empty() {
        let parts = if entity.schema == Schema::Person {
            parts
        } else {
            NameParts::default()
        };
        entity.push_name(Name::new(full, NameKind::Primary).with_parts(parts));
    }
    if let Some(original) = get(&record.fields, "NAME_ORIGINAL_SCRIPT") {
        entity.push_name(text::scripted(Name::new(
            original,
            NameKind::OriginalScript,
        )));
    }
}

fn append_remark(entity: &mut Entity, remark: &str) {
    let remarks = entity.designation.remarks.get_or_insert_with(String::new);
    if !remarks.is_empty() {
        remarks.push(' ');
    }
    remarks.push_str(remark);
}

fn push_birth_date(entity: &mut Entity, date: BirthDate) {
    if !entity.birth_dates.contains(&date) {
        entity.birth_dates.push(date);
    }
}

fn gender(text: &str) -> Option<String> {
    match text.to_ascii_lowercase().as_str() {
        "male" | "m" => Some("male".to_string()),
        "female" | "f" => Some("female".to_string()),
        _ => None,
    }
}

/// The document kind from UN's words (English, French or Spanish).
fn document_kind(text: Option<&str>) -> IdentifierKind {
    let Some(text) = text else {
        return IdentifierKind::Other("document".to_string());
    };
    let lower = text.to_lowercase();
    if lower.contains("passport") || lower.contains("passeport") || lower.contains("pasaporte") {
        IdentifierKind::Passport
    } else if lower.contains("national identification") || lower.contains("national id") {
        IdentifierKind::NationalId
    } else if lower.contains("tax") {
        IdentifierKind::TaxId
    } else {
        IdentifierKind::Other(text.to_string())
    }
}

/// `INDIVIDUAL_DATE_OF_BIRTH`: EXACT, APPROXIMATELY or BETWEEN, with DATE, YEAR or FROM/TO_YEAR.
fn birth_date(group: &Group) -> Option<BirthDate> {
    let kind = group
        .get("TYPE_OF_DATE")
        .unwrap_or_default()
        .to_ascii_uppercase();
    let single = group
        .get("DATE")
        .and_then(|d| parse_date(&d))
        .or_else(|| group.get("YEAR").and_then(|y| parse_date(&y)));
    let from = group.get("FROM_YEAR").and_then(|y| parse_date(&y));
    let to = group.get("TO_YEAR").and_then(|y| parse_date(&y));
    match (kind.as_str(), single, from, to) {
        (_, _, Some(from), Some(to)) => Some(BirthDate {
            qualifier: DateQualifier::Between,
            date: from.min(to),
            to: Some(from.max(to)),
        }),
        ("APPROXIMATELY", Some(date), _, _) => Some(BirthDate {
            qualifier: DateQualifier::Approximate,
            date,
            to: None,
        }),
        (_, Some(date), _, _) => Some(BirthDate::exact(date)),
        (_, None, Some(date), None) | (_, None, None, Some(date)) => Some(BirthDate::exact(date)),
        _ => None,
    }
}

/// A birth date written in an alias (`1979-12-31`, or looser forms).
fn parse_birth(text: &str) -> Option<BirthDate> {
    parse_date(text)
        .map(BirthDate::exact)
        .or_else(|| dates::parse_loose(text))
}

/// `YYYY`, `YYYY-MM-DD`, or a date with a time or zone (`1965-01-01-05:00`).
fn parse_date(text: &str) -> Option<PartialDate> {
    let text = text.trim();
    PartialDate::parse_iso(text).or_else(|| text.get(..10).and_then(PartialDate::parse_iso))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(body: &str) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\"?><CONSOLIDATED_LIST dateGenerated=\"2020-01-02T00:00:00Z\">\
             <INDIVIDUALS>{body}</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
        )
        .into_bytes()
    }

    #[test]
    fn reads_a_minimal_individual() {
        let xml = wrap(
            "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><SECOND_NAME>B</SECOND_NAME>\
             <THIRD_NAME>na</THIRD_NAME><REFERENCE_NUMBER>QDi.1 </REFERENCE_NUMBER>\
             <GENDER>MALE</GENDER><TITLE><VALUE>Mullah</VALUE><VALUE>Haji</VALUE></TITLE>\
             <NATIONALITY><VALUE>Atlantis</VALUE><VALUE>Afghanistan</VALUE></NATIONALITY>\
             <DESIGNATION><VALUE>Minister</VALUE></DESIGNATION>\
             <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>\
             <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Numéro de passeport</TYPE_OF_DOCUMENT>\
             <NUMBER>X1</NUMBER><COUNTRY_OF_ISSUE>RPDC</COUNTRY_OF_ISSUE></INDIVIDUAL_DOCUMENT>\
             </INDIVIDUAL><INDIVIDUAL><REFERENCE_NUMBER>QDi.2</REFERENCE_NUMBER>\
             <FIRST_NAME>C</FIRST_NAME><NATIONALITY><VALUE>Atlantis</VALUE></NATIONALITY>\
             </INDIVIDUAL>",
        );
        let list = read(&xml).unwrap();
        assert_eq!(list.version.as_deref(), Some("2020-01-02"));
        let entity = &list.entities[0];
        assert_eq!(entity.id, "un:QDi.1");
        assert_eq!(entity.names.len(), 1);
        assert_eq!(entity.names[0].full, "A B");
        assert_eq!(
            entity.names[0].parts().title.as_deref(),
            Some("Mullah, Haji")
        );
        assert_eq!(entity.names[0].parts().third, None);
        assert_eq!(entity.gender.as_deref(), Some("male"));
        assert_eq!(entity.nationalities, ["AF"]);
        assert_eq!(entity.identifiers[0].kind, IdentifierKind::Passport);
        assert_eq!(entity.identifiers[0].country.as_deref(), Some("KP"));
        assert!(entity
            .designation
            .remarks
            .as_deref()
            .unwrap()
            .contains("Minister"));
        let unknown: Vec<_> = list
            .warnings
            .iter()
            .filter(|w| w.contains("Atlantis"))
            .collect();
        assert_eq!(unknown.len(), 1, "{:?}", list.warnings);
    }

    #[test]
    fn refuses_wrong_root_truncation_and_dtd() {
        assert!(matches!(
            read(b"<sdnList></sdnList>"),
            Err(Error::Format(_))
        ));
        assert!(matches!(read(b""), Err(Error::Format(_))));
        let xml = wrap("<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>");
        let cut = &xml[..xml.len() - 30];
        match read(cut) {
            Err(Error::Offset { message, .. }) => assert!(message.contains("not closed")),
            other => panic!("expected an offset error, got {other:?}"),
        }
        let dtd = b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><CONSOLIDATED_LIST/>";
        assert!(matches!(read(dtd), Err(Error::Offset { .. })));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("1965-01-01-05:00").unwrap().to_string(),
            "1965-01-01"
        );
        assert_eq!(parse_date("1971").unwrap().to_string(), "1971");
    }
}

#[cfg(test)]
mod data_tests {
    use super::*;
    use cordon_model::Entity;

    const UN_DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/un/"
    );

    fn load(name: &str) -> ParsedList {
        let bytes = std::fs::read(format!("{UN_DIR}{name}")).unwrap();
        read(&bytes).unwrap()
    }

    fn find<'a>(list: &'a ParsedList, id: &str) -> &'a Entity {
        list.entities
            .iter()
            .find(|e| e.designation.source_id == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn every_snapshot_has_its_counts() {
        // Counted independently with Python's ElementTree (INDIVIDUAL / ENTITY elements).
        for (file, version, persons, organisations) in [
            ("un_consolidated_2017-06-20.xml", "2017-06-20", 653, 371),
            ("un_consolidated_2017-07-03.xml", "2017-07-03", 650, 371),
            ("un_consolidated_2018-08-24.xml", "2018-08-24", 701, 397),
            ("un_consolidated_2024-09-26.xml", "2024-09-26", 682, 193),
            ("un_consolidated_2025-04-19.xml", "2025-04-19", 684, 193),
            ("un_consolidated_2026-02-27.xml", "2026-02-27", 730, 273),
        ] {
            let list = load(file);
            let counts = list.counts();
            assert_eq!(list.version.as_deref(), Some(version), "{file}");
            assert_eq!(
                (counts.persons, counts.organizations),
                (persons, organisations),
                "{file}"
            );
            assert_eq!(counts.vessels + counts.aircraft, 0);
            assert!(list.entities.iter().all(|e| !e.names.is_empty()), "{file}");
        }
    }

    #[test]
    fn names_of_2026_02_27() {
        let list = load("un_consolidated_2026-02-27.xml");
        let all: Vec<&Name> = list.entities.iter().flat_map(|e| &e.names).collect();
        let count = |kind: NameKind| all.iter().filter(|n| n.kind == kind).count();
        // 378 records carry NAME_ORIGINAL_SCRIPT; QDe.164's is its Latin primary name
        // ("JAMAAH ANSHARUT DAULAH"), so 377 distinct original-script names remain.
        assert_eq!(count(NameKind::OriginalScript), 377);
        assert_eq!(count(NameKind::Primary), 1003);
        assert_eq!(count(NameKind::Former), 18);
        assert_eq!(all.len(), 4121);
        assert_eq!(
            all.iter()
                .filter(|n| n.quality == NameQuality::Weak)
                .count(),
            615
        );
        assert!(list.warnings.iter().all(|w| !w.contains("invalid UTF-8")));
    }

    #[test]
    fn spot_checks_2026_02_27() {
        let list = load("un_consolidated_2026-02-27.xml");

        let gaston = find(&list, "CDi.003");
        let rumuli = gaston.names.iter().find(|n| n.full == "Rumuli").unwrap();
        assert_eq!(
            (rumuli.kind, rumuli.quality),
            (NameKind::Alias, NameQuality::Weak)
        );
        assert_eq!(gaston.nationalities, ["RW"]);
        assert_eq!(
            gaston.birth_places[0].text,
            "Musanze District, Northern Province, Rwanda"
        );
        assert_eq!(gaston.birth_places[0].country.as_deref(), Some("RW"));
        assert_eq!(gaston.designation.programmes, ["DRC"]);

        let umarov = find(&list, "QDi.290");
        let original = umarov
            .names
            .iter()
            .find(|n| n.kind == NameKind::OriginalScript)
            .unwrap();
        assert_eq!(original.full, "Умаров Доку Хаматович");
        assert_eq!(original.script.as_deref(), Some("Cyrl"));
        let parts = &umarov.names[0].parts();
        assert_eq!(parts.first.as_deref(), Some("DOKU"));
        assert_eq!(parts.third.as_deref(), Some("UMAROV"));
        let passport = &umarov.identifiers[0];
        assert_eq!(passport.kind, IdentifierKind::Passport);
        assert_eq!(passport.number, "96 03 464086");
        assert_eq!(passport.country.as_deref(), Some("RU"));
        assert!(passport
            .note
            .as_deref()
            .unwrap()
            .contains("issued 2003-06-01"));
        assert_eq!(umarov.nationalities, ["RU"]);
        assert_eq!(umarov.birth_dates.len(), 4);

        let omar = find(&list, "TAi.004");
        assert_eq!(omar.names[0].parts().title.as_deref(), Some("Mullah"));
        assert_eq!(omar.birth_dates[0].qualifier, DateQualifier::Approximate);
        assert_eq!(omar.birth_dates[0].year_range(), (1965, 1967));
        assert_eq!(omar.names[1].script.as_deref(), Some("Arab"));

        let between = find(&list, "CDi.030");
        let range = between
            .birth_dates
            .iter()
            .find(|d| d.qualifier == DateQualifier::Between)
            .unwrap();
        assert_eq!(range.year_range(), (1973, 1974));

        let adf = find(&list, "CDe.001");
        assert_eq!(adf.schema, Schema::Organization);
        assert_eq!(adf.caption(), "ADF");
        assert_eq!(adf.countries, ["CD"]);
        let former: Vec<_> = adf
            .names
            .iter()
            .filter(|n| n.kind == NameKind::Former)
            .collect();
        assert_eq!(former.len(), 3);
        assert_eq!(adf.designation.listed_on.unwrap().to_string().len(), 10);
    }

    #[test]
    fn damaged_utf8_copy_loads_with_warnings() {
        let list = load("malformed/un_consolidated_2025-08-16_invalid_utf8.xml");
        assert_eq!(list.version.as_deref(), Some("2025-08-16"));
        let counts = list.counts();
        // grep -c '<INDIVIDUAL>' / '<ENTITY>' on the file.
        assert_eq!((counts.persons, counts.organizations), (684, 195));
        assert!(list
            .warnings
            .iter()
            .any(|w| w.contains("invalid UTF-8") && w.contains("byte 2192")));
        assert!(list.warnings.iter().any(|w| w.contains("stray '<' or '&'")));
        // cp1252 recovery turns the damaged bytes into accented Latin letters.
        assert!(list
            .entities
            .iter()
            .any(|e| e.names.iter().any(|n| n.full.contains("JÉRÔME"))));
    }

    #[test]
    fn truncated_snapshot_is_an_error_with_offset() {
        let bytes = std::fs::read(format!("{UN_DIR}un_consolidated_2026-02-27.xml")).unwrap();
        let cut = bytes.len() / 2;
        match read(&bytes[..cut]) {
            Err(Error::Offset { offset, message }) => {
                assert!(offset as usize <= cut && offset > 0, "{offset}");
                assert!(
                    message.contains("not closed") || message.contains("malformed"),
                    "{message}"
                );
            }
            other => panic!(
                "expected an offset error, got {:?}",
                other.map(|l| l.entities.len())
            ),
        }
    }
}
