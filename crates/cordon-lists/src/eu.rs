//! EU Financial Sanctions File (FSF), CSV 1.1 and XML 1.1.
//!
//! **CSV**: `;`-separated, one row per *detail* of an entity (a name, an
//! address, a birth record, an identity document or a citizenship), all
//! joined by `Entity_logical_id`, which becomes `source_id`. Some copies wrap
//! every whole line in double quotes (inner quotes doubled) and pad it with
//! tabs; such lines are unwrapped first, line for line, so line numbers stay
//! true. The first name row of an entity is its primary name.
//!
//! **XML**: `export/sanctionEntity` with `nameAlias`, `citizenship`,
//! `birthdate`, `address`, `identification` and `regulation` children,
//! attributes as in the FSF 1.1 schema. The first `nameAlias` is the primary
//! name; `strong="false"` marks a weak alias.
//!
//! Both: source `eu`, version = the file's date (`Date_file` or
//! `generationDate`), `listed_on` = the earliest regulation publication date
//! (or `designationDate`), programmes = regulation programme codes.

use crate::generic::{field, identifier, loose_date, Columns, CsvRows};
use crate::text::{self, non_empty, push_unique, scripted, CountryCodes};
use crate::xml;
use crate::{Error, ParsedList, Result};
use cordon_model::{
    Address, BirthDate, DateQualifier, Entity, Identifier, IdentifierKind, Name, NameKind,
    NameParts, NameQuality, PartialDate, Place, Schema,
};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// Column positions in the FSF CSV header.
struct Layout {
    date_file: Option<usize>,
    entity_id: usize,
    subject_type: usize,
    publication_date: Option<usize>,
    programme: Option<usize>,
    remark: Option<usize>,
    name_id: Option<usize>,
    last: Option<usize>,
    first: Option<usize>,
    middle: Option<usize>,
    whole: Option<usize>,
    gender: Option<usize>,
    title: Option<usize>,
    function: Option<usize>,
    language: Option<usize>,
    address: [Option<usize>; 6],
    address_city: Option<usize>,
    address_country: Option<usize>,
    birth_date: Option<usize>,
    birth_year: Option<usize>,
    birth_place: Option<usize>,
    birth_country: Option<usize>,
    id_number: Option<usize>,
    id_type: Option<usize>,
    id_description: Option<usize>,
    id_country: Option<usize>,
    citizenship: Option<usize>,
    eu_ref: Option<usize>,
}

impl Layout {
    /// Columns are looked up by their 2018 names (`Naal_wholename`) and by
    /// the names of the current CSV 1.1 (`NameAlias_WholeName`), whichever
    /// the file has.
    fn new(header: &Columns) -> Result<Layout> {
        let at = |names: &[&str]| names.iter().find_map(|name| header.index(name));
        let required = |names: &[&str]| {
            at(names).ok_or_else(|| Error::Line {
                line: 1,
                message: format!("the header has no `{}` column", names.join("` or `")),
            })
        };
        Ok(Layout {
            date_file: header
                .index_starting("Date_file")
                .or_else(|| at(&["fileGenerationDate"])),
            entity_id: required(&["Entity_logical_id", "Entity_LogicalId"])?,
            subject_type: required(&[
                "Subject_type",
                "Entity_SubjectType_ClassificationCode",
                "Entity_SubjectType",
            ])?,
            publication_date: at(&["Leba_publication_date", "Entity_Regulation_PublicationDate"]),
            programme: at(&["Programme", "Entity_Regulation_Programme"]),
            remark: at(&["Entity_remark", "Entity_Remark"]),
            name_id: at(&["Naal_logical_id", "NameAlias_LogicalId"]),
            last: at(&["Naal_lastname", "NameAlias_LastName"]),
            first: at(&["Naal_firstname", "NameAlias_FirstName"]),
            middle: at(&["Naal_middlename", "NameAlias_MiddleName"]),
            whole: at(&["Naal_wholename", "NameAlias_WholeName"]),
            gender: at(&["Naal_gender", "NameAlias_Gender"]),
            title: at(&["Naal_title", "NameAlias_Title"]),
            function: at(&["Naal_function", "NameAlias_Function"]),
            language: at(&["Naal_language", "NameAlias_NameLanguage"]),
            address: [
                at(&["Addr_number", "Address_PoBox"]),
                at(&["Addr_street", "Address_Street"]),
                at(&["Addr_zipcode", "Address_ZipCode"]),
                at(&["Addr_city", "Address_City"]),
                at(&["Addr_country", "Address_CountryDescription"]),
                at(&["Addr_other", "Address_Place"]),
            ],
            address_city: at(&["Addr_city", "Address_City"]),
            address_country: at(&[
                "Addr_country",
                "Address_CountryIso2Code",
                "Address_CountryDescription",
            ]),
            birth_date: at(&["Birt_date", "BirthDate_BirthDate"]),
            birth_year: at(&["BirthDate_Year"]),
            birth_place: at(&["Birt_place", "BirthDate_City", "BirthDate_Place"]),
            birth_country: at(&[
                "Birt_country",
                "BirthDate_CountryDescription",
                "BirthDate_CountryIso2Code",
            ]),
            id_number: at(&["Iden_number", "Identification_Number"]),
            id_type: at(&["Identification_TypeCode"]),
            id_description: at(&["Identification_TypeDescription"]),
            id_country: at(&[
                "Iden_country",
                "Identification_CountryIso2Code",
                "Identification_CountryDescription",
            ]),
            citizenship: at(&[
                "Citi_country",
                "Citizenship_CountryIso2Code",
                "Citizenship_CountryDescription",
            ]),
            eu_ref: at(&["EU_ref_num", "Entity_EU_ReferenceNumber"]),
        })
    }
}

/// Reads the EU financial sanctions file in CSV 1.1.
pub fn read_csv(bytes: &[u8]) -> Result<ParsedList> {
    let (content, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: "eu".into(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let content = unwrap_quoted_lines(&content)?;
    let mut rows = CsvRows::new(&content, b';', 0);
    let header = rows
        .next_row()?
        .ok_or_else(|| Error::Format("the EU CSV file is empty (no header row)".into()))?;
    let layout = Layout::new(&Columns::new(&header))?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut misses = CountryCodes::default();
    while let Some(row) = rows.next_row()? {
        let line = rows.line();
        let cell = |i: Option<usize>| field(&row, i);
        let Some(id) = non_empty(cell(Some(layout.entity_id))) else {
            return Err(Error::Line {
                line,
                message: "empty Entity_logical_id".into(),
            });
        };
        if list.version.is_none() {
            list.version = loose_date(cell(layout.date_file)).map(|d| d.to_string());
        }
        let position = match index.get(&id) {
            Some(&position) => position,
            None => {
                let schema = subject_schema(cell(Some(layout.subject_type)), line)?;
                list.entities.push(Entity::new("eu", &id, schema));
                index.insert(id, list.entities.len() - 1);
                list.entities.len() - 1
            }
        };
        if let Some(entity) = list.entities.get_mut(position) {
            add_csv_row(entity, &row, &layout, &mut misses);
        }
    }
    list.warnings.extend(misses.summary());
    finish_all(&mut list)?;
    Ok(list)
}

/// Undoes the whole-line quoting some FSF copies carry: `"a;b;""c;d"";e\t\t"`
/// becomes `a;b;"c;d";e`. Files without it are returned as they are.
fn unwrap_quoted_lines(content: &str) -> Result<std::borrow::Cow<'_, str>> {
    if !content.starts_with('"') || content.lines().next().is_some_and(|l| l.contains("\";\"")) {
        return Ok(std::borrow::Cow::Borrowed(content));
    }
    let mut out = String::with_capacity(content.len());
    for (number, line) in content.split('\n').enumerate() {
        let trimmed = line.trim_end_matches(['\r', '\t', ' ']);
        if trimmed.is_empty() {
            out.push('\n');
            continue;
        }
        let inner = trimmed
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
            .ok_or_else(|| Error::Line {
                line: number as u64 + 1,
                message:
                    "this line is not wrapped in double quotes like the header (truncated file?)"
                        .into(),
            })?;
        out.push_str(&inner.trim_end_matches('\t').replace("\"\"", "\""));
        out.push('\n');
    }
    Ok(std::borrow::Cow::Owned(out))
}

fn subject_schema(text: &str, line: u64) -> Result<Schema> {
    match text.trim() {
        "P" | "p" | "person" => Ok(Schema::Person),
        "E" | "e" | "enterprise" => Ok(Schema::Organization),
        other => Err(Error::Line {
            line,
            message: format!("unknown Subject_type `{other}` (expected P or E)"),
        }),
    }
}

fn add_csv_row(
    entity: &mut Entity,
    row: &csv::StringRecord,
    at: &Layout,
    misses: &mut CountryCodes,
) {
    let cell = |i: Option<usize>| field(row, i);
    add_regulation(entity, cell(at.programme), cell(at.publication_date));
    // The file writes line breaks as a literal backslash-n; they become spaces.
    if let Some(remark) = non_empty(&cell(at.remark).replace("\\n", " ")) {
        add_remark(entity, remark);
    }
    if let Some(reference) = non_empty(cell(at.eu_ref)) {
        add_remark(entity, format!("EU reference number: {reference}"));
    }
    if non_empty(cell(at.name_id)).is_some() {
        let parts = NameParts {
            first: non_empty(cell(at.first)),
            middle: non_empty(cell(at.middle)),
            family: non_empty(cell(at.last)),
            title: non_empty(cell(at.title)),
            ..NameParts::default()
        };
        add_name(
            entity,
            non_empty(cell(at.whole)),
            parts,
            non_empty(cell(at.language)),
            true,
        );
        set_gender(entity, cell(at.gender));
        if let Some(function) = non_empty(cell(at.function)) {
            add_remark(entity, format!("Function: {function}"));
        }
    }
    let birth_date = non_empty(cell(at.birth_date)).or_else(|| non_empty(cell(at.birth_year)));
    if let Some(date) = birth_date.and_then(|d| cordon_model::dates::parse_loose(&d)) {
        push_unique(&mut entity.birth_dates, date);
    }
    let birth_country = non_empty(cell(at.birth_country));
    let place: Vec<String> = [non_empty(cell(at.birth_place)), birth_country.clone()]
        .into_iter()
        .flatten()
        .collect();
    if !place.is_empty() {
        let country = birth_country.and_then(|c| misses.code(&c));
        push_unique(
            &mut entity.birth_places,
            Place {
                text: place.join(", "),
                country,
            },
        );
    }
    if let Some(number) = non_empty(cell(at.id_number)) {
        // CSV 1.1 gives the type in its own columns; the 2018 file inside the number.
        let mut document = match non_empty(cell(at.id_type)) {
            Some(code) => identifier(
                document_kind(&code, cell(at.id_description)),
                text::clean(&number),
            ),
            None => csv_document(&number),
        };
        document.country = non_empty(cell(at.id_country)).and_then(|c| misses.code(&c));
        push_unique(&mut entity.identifiers, document);
    }
    if let Some(country) = non_empty(cell(at.citizenship)) {
        misses.push_code(&mut entity.nationalities, &country);
    }
    let address: Vec<String> = at
        .address
        .iter()
        .filter_map(|&i| non_empty(cell(i)))
        .collect();
    if !address.is_empty() {
        let country = non_empty(cell(at.address_country)).and_then(|c| misses.code(&c));
        if let Some(code) = &country {
            push_unique(&mut entity.countries, code.clone());
        }
        let address = Address {
            text: address.join(", "),
            city: non_empty(cell(at.address_city)),
            country,
        };
        push_unique(&mut entity.addresses, address);
    }
}

/// `AD001095 (passport-National passport) ((passport))`: number, then
/// `(code-description)`, then notes.
fn csv_document(text: &str) -> Identifier {
    let (number, rest) = text.split_once(" (").unwrap_or((text, ""));
    let code = rest.split(['-', ')']).next().unwrap_or("");
    let description = rest
        .split_once('-')
        .map_or("", |(_, d)| d.split(')').next().unwrap_or(""));
    Identifier {
        note: non_empty(rest).map(|r| format!("({r}")),
        ..identifier(document_kind(code, description), text::clean(number))
    }
}

/// The identifier kind of an FSF identification type code.
fn document_kind(code: &str, description: &str) -> IdentifierKind {
    let code = code.trim().to_ascii_lowercase();
    match code.as_str() {
        c if c.contains("passport") || c == "travel" => IdentifierKind::Passport,
        "id" | "nationalid" | "ssn" | "birthcert" => IdentifierKind::NationalId,
        "fiscalcode" | "tax" | "taxid" | "inn" => IdentifierKind::TaxId,
        "regnumber" | "registration" | "ogrn" => IdentifierKind::Registration,
        "imo" => IdentifierKind::Imo,
        "swiftbic" | "bic" => IdentifierKind::Bic,
        _ => IdentifierKind::Other(non_empty(description).unwrap_or_else(|| "other".into())),
    }
}

// ---------------------------------------------------------------------------
// Shared by CSV and XML
// ---------------------------------------------------------------------------

fn add_name(
    entity: &mut Entity,
    whole: Option<String>,
    parts: NameParts,
    lang: Option<String>,
    strong: bool,
) {
    let full = whole.unwrap_or_else(|| {
        [&parts.first, &parts.middle, &parts.family]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    });
    let kind = if entity.names.is_empty() {
        NameKind::Primary
    } else {
        NameKind::Alias
    };
    let quality = if strong {
        NameQuality::Strong
    } else {
        NameQuality::Weak
    };
    let mut name = scripted(
        Name::new(full, kind)
            .with_parts(parts)
            .with_quality(quality),
    );
    name.lang = lang.map(|l| l.to_ascii_lowercase());
    entity.push_name(name);
}

fn set_gender(entity: &mut Entity, text: &str) {
    let gender = match text.trim() {
        "M" | "m" => "male",
        "F" | "f" => "female",
        _ => return,
    };
    entity.gender.get_or_insert_with(|| gender.to_string());
}

fn add_regulation(entity: &mut Entity, programme: &str, publication: &str) {
    let designation = &mut entity.designation;
    if let Some(programme) = non_empty(programme) {
        push_unique(&mut designation.programmes, programme);
    }
    if let Some(date) = loose_date(publication) {
        designation.listed_on = Some(designation.listed_on.map_or(date, |d| d.min(date)));
        designation.last_updated = Some(designation.last_updated.map_or(date, |d| d.max(date)));
    }
}

fn add_remark(entity: &mut Entity, remark: String) {
    let remarks = entity.designation.remarks.get_or_insert_with(String::new);
    if !remarks.lines().any(|l| l == remark) && !remarks.contains(&remark) {
        if !remarks.is_empty() {
            remarks.push('\n');
        }
        remarks.push_str(&remark);
    }
}

/// Every entity needs a name: one without is an error naming its id.
fn finish_all(list: &mut ParsedList) -> Result<()> {
    if let Some(entity) = list.entities.iter().find(|e| e.names.is_empty()) {
        return Err(Error::Format(format!(
            "EU entity {} has no name record",
            entity.designation.source_id
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// XML
// ---------------------------------------------------------------------------

/// Attributes of an element, unescaped.
struct Attributes(Vec<(String, String)>);

impl Attributes {
    fn read(reader: &quick_xml::Reader<&[u8]>, element: &BytesStart<'_>) -> Result<Attributes> {
        let mut out = Vec::new();
        for attribute in element.attributes() {
            let attribute =
                attribute.map_err(|e| xml::error_at(reader, format!("bad attribute: {e}")))?;
            let value = attribute
                .unescape_value()
                .map_err(|e| xml::error_at(reader, format!("bad attribute value: {e}")))?;
            if value.len() > crate::MAX_FIELD_BYTES {
                return Err(xml::error_at(
                    reader,
                    "an attribute is larger than the field size limit",
                ));
            }
            out.push((xml::local_name(attribute.key), value.into_owned()));
        }
        Ok(Attributes(out))
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| non_empty(v))
    }

    fn flag(&self, name: &str) -> Option<bool> {
        self.get(name)
            .map(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }

    fn country(&self) -> Option<String> {
        self.get("countryIso2Code")
            .filter(|c| c != "00")
            .and_then(|c| text::country_code(&c))
    }
}

/// Reads the EU financial sanctions file in XML 1.1.
pub fn read_xml(bytes: &[u8]) -> Result<ParsedList> {
    let (content, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: "eu".into(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let mut reader = xml::reader(content.as_bytes());
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<Entity> = None;
    let mut saw_export = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml::xml_error(&reader, e))?;
        xml::refuse_doctype(&reader, &event)?;
        match event {
            Event::Start(element) => {
                let name = xml::local_name(element.name());
                let attributes = Attributes::read(&reader, &element)?;
                if stack.is_empty() {
                    if name != "export" {
                        return Err(xml::error_at(
                            &reader,
                            format!("expected an EU <export> root, found <{name}>"),
                        ));
                    }
                    saw_export = true;
                    list.version = attributes
                        .get("generationDate")
                        .and_then(|d| loose_date(&d))
                        .map(|d| d.to_string());
                }
                let parent = stack.last().map(String::as_str);
                match (parent, name.as_str()) {
                    (Some("export"), "sanctionEntity") => {
                        current = Some(start_entity(&reader, &attributes)?)
                    }
                    (Some("sanctionEntity"), child) => {
                        if let Some(entity) = current.as_mut() {
                            add_xml_child(entity, child, &attributes);
                        }
                    }
                    _ => {}
                }
                stack.push(name);
            }
            Event::Text(text)
                if stack.len() == 3 && stack.last().is_some_and(|n| n == "remark") =>
            {
                let remark = xml::text(&reader, &text)?;
                if let (Some(entity), Some(remark)) = (current.as_mut(), non_empty(&remark)) {
                    add_remark(entity, remark);
                }
            }
            Event::End(_) => {
                let closed = stack.pop();
                let entity = match closed.as_deref() {
                    Some("sanctionEntity") if stack.len() == 1 => current.take(),
                    _ => None,
                };
                if let Some(entity) = entity {
                    if entity.names.is_empty() {
                        return Err(xml::error_at(
                            &reader,
                            format!(
                                "sanctionEntity {} has no nameAlias",
                                entity.designation.source_id
                            ),
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
    if !saw_export {
        return Err(Error::Format("no EU <export> element found".into()));
    }
    Ok(list)
}

fn start_entity(reader: &quick_xml::Reader<&[u8]>, attributes: &Attributes) -> Result<Entity> {
    let id = attributes
        .get("logicalId")
        .ok_or_else(|| xml::error_at(reader, "sanctionEntity without logicalId"))?;
    // The schema comes with <subjectType>; person until it says otherwise.
    let mut entity = Entity::new("eu", &id, Schema::Person);
    entity.designation.listed_on = attributes
        .get("designationDate")
        .and_then(|d| loose_date(&d));
    if let Some(reference) = attributes.get("euReferenceNumber") {
        add_remark(&mut entity, format!("EU reference number: {reference}"));
    }
    if let Some(un) = attributes.get("unitedNationId") {
        add_remark(&mut entity, format!("UN id: {un}"));
    }
    if let Some(details) = attributes.get("designationDetails") {
        add_remark(&mut entity, details);
    }
    Ok(entity)
}

fn add_xml_child(entity: &mut Entity, child: &str, a: &Attributes) {
    match child {
        "subjectType" if a.get("classificationCode").as_deref() == Some("E") => {
            entity.schema = Schema::Organization;
        }
        "regulation" => {
            let designated = entity.designation.listed_on;
            add_regulation(
                entity,
                &a.get("programme").unwrap_or_default(),
                &a.get("publicationDate").unwrap_or_default(),
            );
            // A designationDate on the entity beats regulation dates.
            if designated.is_some() {
                entity.designation.listed_on = designated;
            }
        }
        "nameAlias" => {
            let parts = NameParts {
                first: a.get("firstName"),
                middle: a.get("middleName"),
                family: a.get("lastName"),
                title: a.get("title"),
                ..NameParts::default()
            };
            let strong = a.flag("strong").unwrap_or(true);
            add_name(
                entity,
                a.get("wholeName"),
                parts,
                a.get("nameLanguage"),
                strong,
            );
            set_gender(entity, &a.get("gender").unwrap_or_default());
            if let Some(function) = a.get("function") {
                add_remark(entity, format!("Function: {function}"));
            }
        }
        "citizenship" => {
            if let Some(code) = a.country() {
                push_unique(&mut entity.nationalities, code);
            }
        }
        "birthdate" => add_xml_birth(entity, a),
        "address" => add_xml_address(entity, a),
        "identification" => add_xml_document(entity, a),
        _ => {}
    }
}

fn add_xml_birth(entity: &mut Entity, a: &Attributes) {
    if let Some(date) = xml_birth_date(a) {
        push_unique(&mut entity.birth_dates, date);
    }
    let place: Vec<String> = ["city", "place", "region", "countryDescription"]
        .iter()
        .filter_map(|k| a.get(k))
        .filter(|v| v != "UNKNOWN")
        .collect();
    if !place.is_empty() {
        push_unique(
            &mut entity.birth_places,
            Place {
                text: place.join(", "),
                country: a.country(),
            },
        );
    }
}

fn xml_birth_date(a: &Attributes) -> Option<BirthDate> {
    let number = |k: &str| a.get(k).and_then(|v| v.parse::<i32>().ok());
    let approximate = a.flag("circa").unwrap_or(false);
    let date = match a.get("birthdate").and_then(|d| PartialDate::parse_iso(&d)) {
        Some(date) => Some(date),
        None => number("year").and_then(|y| {
            let month = number("monthOfYear").and_then(|m| u8::try_from(m).ok());
            let day = number("dayOfMonth")
                .and_then(|d| u8::try_from(d).ok())
                .filter(|_| month.is_some());
            PartialDate::new(y, month, day)
        }),
    };
    if let Some(date) = date {
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
    let from = PartialDate::new(number("yearRangeFrom")?, None, None)?;
    let to = PartialDate::new(number("yearRangeTo")?, None, None)?;
    (from <= to).then_some(BirthDate {
        qualifier: DateQualifier::Between,
        date: from,
        to: Some(to),
    })
}

fn add_xml_address(entity: &mut Entity, a: &Attributes) {
    let parts: Vec<String> = [
        "street",
        "poBox",
        "zipCode",
        "city",
        "place",
        "region",
        "countryDescription",
    ]
    .iter()
    .filter_map(|k| a.get(k))
    .filter(|v| v != "UNKNOWN")
    .collect();
    if parts.is_empty() {
        return;
    }
    let country = a.country();
    if let Some(code) = &country {
        push_unique(&mut entity.countries, code.clone());
    }
    push_unique(
        &mut entity.addresses,
        Address {
            text: parts.join(", "),
            city: a.get("city"),
            country,
        },
    );
}

fn add_xml_document(entity: &mut Entity, a: &Attributes) {
    let Some(number) = a.get("number").or_else(|| a.get("latinNumber")) else {
        return;
    };
    let description = a.get("identificationTypeDescription").unwrap_or_default();
    let kind = document_kind(
        &a.get("identificationTypeCode").unwrap_or_default(),
        &description,
    );
    let mut note: Vec<String> = Vec::new();
    note.extend(non_empty(&description));
    note.extend(a.get("issueDate").map(|d| format!("issued {d}")));
    note.extend(a.get("issuedBy").map(|b| format!("by {b}")));
    if a.flag("knownExpired") == Some(true) {
        note.push("known expired".into());
    }
    if a.flag("knownFalse") == Some(true) {
        note.push("known false".into());
    }
    let document = Identifier {
        kind,
        number,
        country: a.country(),
        note: (!note.is_empty()).then(|| note.join(", ")),
    };
    push_unique(&mut entity.identifiers, document);
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/eu/eu_fsf_short_2018-07-04.csv"
    );
    const XML: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eu_fsf_sample.xml"
    );

    const CSV_1_1: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/eu/eu_csv_1_1_HEADER_PROBE_constructed.csv"
    );

    #[test]
    fn csv_1_1_column_names_read() {
        let bytes = std::fs::read(CSV_1_1).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        // Counted on the raw text: one entity id over all data rows, one name per row.
        let rows = text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(rows, 2);
        assert_eq!(crate::detect(&bytes).unwrap(), crate::Format::EuCsv);
        let list = read_csv(&bytes).unwrap();
        assert_eq!(list.version.as_deref(), Some("2026-08-05"));
        assert_eq!(list.entities.len(), 1);
        let e = &list.entities[0];
        assert_eq!((e.id.as_str(), e.schema), ("eu:6177", Schema::Person));
        assert_eq!(e.names.len(), rows);
        assert_eq!(e.caption(), "Ibrahim Hassan Tali Al-Asiri");
        assert_eq!(e.names[0].parts().family.as_deref(), Some("Al-Asiri"));
        assert_eq!(e.names[1].script.as_deref(), Some("Arab"));
        assert_eq!(e.designation.programmes, ["TAQA"]);
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2023-02-13");
        assert!(e
            .designation
            .remarks
            .as_deref()
            .unwrap()
            .contains("EU reference number: EU.3092.36"));
    }

    #[test]
    fn csv_reads_93_entities() {
        let list = read_csv(&std::fs::read(CSV).unwrap()).unwrap();
        assert_eq!(list.source, "eu");
        assert_eq!(list.version.as_deref(), Some("2018-07-04"));
        // Counted with python (unwrapped lines, csv module, ';'): 93 distinct
        // Entity_logical_id, Subject_type P 61 / E 32.
        assert_eq!(list.entities.len(), 93);
        let counts = list.counts();
        assert_eq!((counts.persons, counts.organizations), (61, 32));
        // The file is Latin-1/cp1252: read with a warning.
        assert!(list.warnings.iter().any(|w| w.contains("Windows-1252")));
    }

    #[test]
    fn csv_mugabe_fields() {
        let list = read_csv(&std::fs::read(CSV).unwrap()).unwrap();
        let e = &list.entities[0];
        assert_eq!(e.id, "eu:1");
        assert_eq!(e.caption(), "Robert Gabriel Mugabe");
        assert_eq!(e.names[0].parts().family.as_deref(), Some("Mugabe"));
        assert_eq!(e.gender.as_deref(), Some("male"));
        assert_eq!(e.designation.programmes, ["ZWE"]);
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2002-09-13");
        assert_eq!(e.birth_dates[0].date.to_string(), "1924-02-21");
        assert_eq!(e.birth_places[0].text, "Kutama");
        assert_eq!(e.identifiers[0].number, "AD001095");
        assert_eq!(e.identifiers[0].kind, IdentifierKind::Passport);
        let remarks = e.designation.remarks.as_deref().unwrap();
        assert!(
            remarks.contains("EU reference number: EU.36.64"),
            "{remarks}"
        );
        assert!(
            remarks.contains("(Date of UN designation: 2002-02-21) (Date"),
            "{remarks}"
        );
    }

    #[test]
    fn csv_citizenships_are_iso3() {
        let list = read_csv(&std::fs::read(CSV).unwrap()).unwrap();
        // python: 55 entities have a Citi_country IRQ row, 6 an Addr_country PAK row.
        let iraqi = list
            .entities
            .iter()
            .filter(|e| e.nationalities.iter().any(|c| c == "IQ"))
            .count();
        assert_eq!(iraqi, 55);
        let in_pakistan = list
            .entities
            .iter()
            .filter(|e| e.countries.iter().any(|c| c == "PK"))
            .count();
        assert_eq!(in_pakistan, 6);
        assert!(
            list.warnings.iter().all(|w| !w.contains("country value")),
            "{:?}",
            list.warnings
        );
    }

    #[test]
    fn csv_inner_quoted_field_with_semicolon() {
        let list = read_csv(&std::fs::read(CSV).unwrap()).unwrap();
        let e = list
            .entities
            .iter()
            .find(|e| e.names.iter().any(|n| n.full == "Aziz Salih al-Numan"))
            .unwrap();
        let remarks = e.designation.remarks.as_deref().unwrap();
        assert!(
            remarks.contains("Function: Former Governor of Karbala and An Najaf;"),
            "{remarks}"
        );
    }

    #[test]
    fn csv_errors_name_the_line() {
        let bytes = std::fs::read(CSV).unwrap();
        let cut = &bytes[..bytes.len() / 3];
        let line = cut.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let err = read_csv(cut).unwrap_err();
        assert!(
            matches!(err, Error::Line { line: l, .. } if l == line),
            "{err}"
        );
        let err = read_csv(b"name;dob\nA;1970\n").unwrap_err();
        assert!(
            matches!(&err, Error::Line { line: 1, message } if message.contains("Entity_logical_id")),
            "{err}"
        );
    }

    #[test]
    fn xml_sample() {
        let list = read_xml(&std::fs::read(XML).unwrap()).unwrap();
        assert_eq!(list.version.as_deref(), Some("2024-05-14"));
        assert_eq!(list.entities.len(), 3);
        let counts = list.counts();
        assert_eq!((counts.persons, counts.organizations), (2, 1));
        let person = &list.entities[0];
        assert_eq!(person.id, "eu:130001");
        assert_eq!(person.caption(), "Ivan Petrovich SIDOROV");
        let cyrillic = person
            .names
            .iter()
            .find(|n| n.full == "Иван Петрович СИДОРОВ")
            .unwrap();
        assert_eq!(
            (cyrillic.script.as_deref(), cyrillic.lang.as_deref()),
            (Some("Cyrl"), Some("ru"))
        );
        let weak = person.names.iter().find(|n| n.full == "Vanya").unwrap();
        assert_eq!(weak.quality, NameQuality::Weak);
        assert_eq!(person.birth_dates[0].date.to_string(), "1971-03-05");
        assert_eq!(person.nationalities, ["RU"]);
        assert_eq!(person.identifiers[0].kind, IdentifierKind::Passport);
        assert_eq!(person.identifiers[0].number, "720000001");
        assert_eq!(person.designation.programmes, ["RUS"]);
        assert_eq!(
            person.designation.listed_on.unwrap().to_string(),
            "2022-02-23"
        );
        assert_eq!(person.gender.as_deref(), Some("male"));
        let org = &list.entities[1];
        assert_eq!(org.schema, Schema::Organization);
        assert_eq!(org.addresses[0].country.as_deref(), Some("RU"));
        let circa = &list.entities[2];
        assert_eq!(circa.birth_dates[0].qualifier, DateQualifier::Approximate);
        assert_eq!(circa.birth_dates[1].qualifier, DateQualifier::Between);
        assert_eq!(circa.nationalities, ["AF"]);
    }

    #[test]
    fn xml_refuses_doctype_truncation_and_wrong_roots() {
        let bytes = std::fs::read(XML).unwrap();
        let cut = &bytes[..bytes.len() / 2];
        assert!(matches!(read_xml(cut), Err(Error::Offset { .. })));
        let bomb = b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><export/>";
        assert!(matches!(read_xml(bomb), Err(Error::Offset { .. })));
        assert!(read_xml(b"<CONSOLIDATED_LIST/>").is_err());
        assert!(read_xml(b"").is_err());
    }

    #[test]
    fn detection_recognises_both_forms() {
        assert_eq!(
            crate::detect(&std::fs::read(CSV).unwrap()).unwrap(),
            crate::Format::EuCsv
        );
        assert_eq!(
            crate::detect(&std::fs::read(XML).unwrap()).unwrap(),
            crate::Format::EuXml
        );
    }
}
