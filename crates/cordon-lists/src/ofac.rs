//! OFAC lists: the legacy CSV set (`sdn.csv`, `add.csv`, `alt.csv`,
//! `sdn_comments.csv`, and the same shape for the consolidated non-SDN list)
//! and the `sdnList` XML.
//!
//! The legacy CSV has no header and writes `-0-` for an empty field. Much of
//! an entry lives in its semicolon-separated remarks (`DOB 12 Mar 1965;
//! POB Tehran, Iran; Passport A123 (Iran); a.k.a. 'X'`), which are read into
//! birth dates, places, nationalities, documents and OFAC's weak aliases
//! (the quoted a.k.a.s), and also kept whole as the designation's remarks.
//!
//! ```
//! let sdn = b"306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n\
//!             7,\"DOE, John\",\"individual\",\"[SDGT] [IRGC]\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB circa 1960; nationality Iran.\"\r\n";
//! let list = cordon_lists::ofac::read_csv_set(sdn, None, None, None).unwrap();
//! assert_eq!(list.entities[0].names[1].full, "BNC");
//! assert_eq!(list.entities[1].designation.programmes, ["SDGT", "IRGC"]);
//! assert_eq!(list.entities[1].names[0].parts().family.as_deref(), Some("DOE"));
//! assert_eq!(list.entities[1].nationalities, ["IR"]);
//! ```

use std::collections::HashMap;

use cordon_model::{
    dates, Address, BirthDate, DateQualifier, Entity, Identifier, IdentifierKind, Name, NameKind,
    NameParts, NameQuality, PartialDate, Place, Schema,
};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::text::{push_unique, CountryCodes};
use crate::{text, xml, Error, ParsedList, Result};

/// Reads an OFAC legacy CSV set. `sdn` is `sdn.csv` (or `cons_prim.csv`); the
/// other files are optional. Legacy CSV carries no publication date, so the
/// version is `None`.
pub fn read_csv_set(
    sdn: &[u8],
    add: Option<&[u8]>,
    alt: Option<&[u8]>,
    comments: Option<&[u8]>,
) -> Result<ParsedList> {
    let mut reader = CsvSet::default();
    // Comments continue the main file's remarks: read them first.
    if let Some(comments) = comments {
        reader.read_comments(comments)?;
    }
    let mut warnings = Vec::new();
    for_each_row(sdn, "sdn.csv", &mut warnings, |line, row| {
        reader.main_row(line, row)
    })?;
    reader.warnings.splice(0..0, warnings);
    if let Some(alt) = alt {
        reader.read_alt(alt)?;
    }
    if let Some(add) = add {
        reader.read_add(add)?;
    }
    let missing: Vec<&str> = [
        (add.is_none(), "ADD.CSV (addresses)"),
        (alt.is_none(), "ALT.CSV (aliases)"),
        (
            comments.is_none(),
            "SDN_COMMENTS.CSV (remarks continued past the main file)",
        ),
    ]
    .into_iter()
    .filter_map(|(absent, file)| absent.then_some(file))
    .collect();
    let mut list = reader.finish();
    // SDN_COMMENTS.CSV is young (older sets have none): alone it is no warning.
    if add.is_none() || alt.is_none() {
        list.warnings.insert(
            0,
            format!(
                "the main OFAC CSV file was read without its companion file(s) {}: what they hold is missing from this list; put them next to it or import the folder",
                missing.join(", ")
            ),
        );
    }
    Ok(list)
}

/// The whole set as it is read.
#[derive(Default)]
struct CsvSet {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
    comments: HashMap<String, String>,
    countries: CountryCodes,
    warnings: Vec<String>,
}

impl CsvSet {
    fn read_comments(&mut self, bytes: &[u8]) -> Result<()> {
        let mut comments = HashMap::new();
        for_each_row(
            bytes,
            "sdn_comments.csv",
            &mut self.warnings,
            |line, row| {
                let id = ent_num(row, line, "sdn_comments.csv")?;
                let continuation = row.get(1).unwrap_or_default();
                comments
                    .entry(id)
                    .or_insert_with(String::new)
                    .push_str(continuation);
                Ok(())
            },
        )?;
        self.comments = comments;
        Ok(())
    }

    /// `ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
    /// Tonnage, GRT, Vess_flag, Vess_owner, Remarks`.
    fn main_row(&mut self, line: u64, row: &Row) -> Result<()> {
        let id = ent_num(row, line, "sdn.csv")?;
        let Some(name) = field(row, 1) else {
            return Err(Error::Line {
                line,
                message: format!("sdn.csv: entry {id} has no name"),
            });
        };
        let schema = match field(row, 2).map(|t| t.to_ascii_lowercase()).as_deref() {
            None => Schema::Organization,
            Some("individual") => Schema::Person,
            Some("vessel") => Schema::Vessel,
            Some("aircraft") => Schema::Aircraft,
            Some(other) => {
                self.warnings.push(format!(
                    "sdn.csv line {line}: unknown SDN_Type \"{other}\"; read as an organisation"
                ));
                Schema::Organization
            }
        };
        if self.by_id.contains_key(&id) {
            return Err(Error::Line {
                line,
                message: format!("sdn.csv: ent_num {id} appears twice"),
            });
        }
        let mut entity = Entity::new("ofac", &id, schema);
        entity.push_name(person_or_org_name(&name, NameKind::Primary, schema));
        entity.designation.programmes = programmes(&field(row, 3).unwrap_or_default());
        let context = format!("OFAC {id}");
        if let Some(call_sign) = field(row, 5) {
            entity
                .identifiers
                .push(other_id("Call Sign", call_sign, None));
        }
        if let Some(flag) = field(row, 9) {
            if let Some(code) = self.countries.code_in(&flag, "vessel flag", &context) {
                push_unique(&mut entity.countries, code);
            }
        }
        let mut remarks = row.get(11).unwrap_or_default().to_string();
        if let Some(continuation) = self.comments.remove(&id) {
            remarks.push_str(&continuation);
        }
        let remarks = text::non_empty(&remarks);
        if let Some(remarks) = &remarks {
            apply_remarks(remarks, &mut entity, &mut self.countries, &context);
        }
        let title = field(row, 4).map(|t| format!("Title: {t}."));
        entity.designation.remarks = match (title, remarks) {
            (Some(title), Some(remarks)) => Some(format!("{title} {remarks}")),
            (title, remarks) => title.or(remarks),
        };
        self.by_id.insert(id, self.entities.len());
        self.entities.push(entity);
        Ok(())
    }

    /// `ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks`.
    fn read_alt(&mut self, bytes: &[u8]) -> Result<()> {
        let mut warnings = Vec::new();
        for_each_row(bytes, "alt.csv", &mut warnings, |line, row| {
            let id = ent_num(row, line, "alt.csv")?;
            let Some(name) = field(row, 3) else {
                return Ok(());
            };
            let Some(entity) = self.entity_mut(&id, line, "alt.csv") else {
                return Ok(());
            };
            let kind = match field(row, 2).map(|t| t.to_ascii_lowercase()).as_deref() {
                Some("fka") => NameKind::Former,
                _ => NameKind::Alias,
            };
            let name = person_or_org_name(&name, kind, entity.schema);
            entity.push_name(name);
            Ok(())
        })?;
        self.warnings.append(&mut warnings);
        Ok(())
    }

    /// `ent_num, add_num, address, city/state/postal, country, add_remarks`.
    fn read_add(&mut self, bytes: &[u8]) -> Result<()> {
        let mut warnings = Vec::new();
        for_each_row(bytes, "add.csv", &mut warnings, |line, row| {
            let id = ent_num(row, line, "add.csv")?;
            let parts: Vec<String> = [2, 3, 4, 5].iter().filter_map(|&i| field(row, i)).collect();
            if parts.is_empty() {
                return Ok(());
            }
            let context = format!("OFAC {id}");
            let country =
                field(row, 4).and_then(|c| self.countries.code_in(&c, "address country", &context));
            let Some(entity) = self.entity_mut(&id, line, "add.csv") else {
                return Ok(());
            };
            if let Some(code) = &country {
                push_unique(&mut entity.countries, code.clone());
            }
            entity.addresses.push(Address {
                text: parts.join(", "),
                city: field(row, 3),
                country,
            });
            Ok(())
        })?;
        self.warnings.append(&mut warnings);
        Ok(())
    }

    /// The entry of `id`, or `None` with a warning when the main file has no such entry.
    fn entity_mut(&mut self, id: &str, line: u64, file: &str) -> Option<&mut Entity> {
        let index = self.by_id.get(id).copied();
        if index.is_none() {
            self.warnings.push(format!(
                "{file} line {line}: ent_num {id} is not in sdn.csv; row ignored"
            ));
        }
        index.and_then(|i| self.entities.get_mut(i))
    }

    fn finish(mut self) -> ParsedList {
        let mut orphans: Vec<&String> = self.comments.keys().collect();
        orphans.sort();
        for id in orphans {
            self.warnings.push(format!(
                "sdn_comments.csv: ent_num {id} is not in sdn.csv; its comment was ignored"
            ));
        }
        self.warnings.append(&mut self.countries.warnings);
        ParsedList {
            source: "ofac".to_string(),
            version: None,
            entities: self.entities,
            warnings: self.warnings,
        }
    }
}

/// Decodes a CSV file and calls `each` with every non-empty row and its 1-based line.
fn for_each_row(
    bytes: &[u8],
    file: &str,
    warnings: &mut Vec<String>,
    mut each: impl FnMut(u64, &Row) -> Result<()>,
) -> Result<()> {
    let (decoded, warning) = text::decode(bytes);
    warnings.extend(warning.map(|w| format!("{file}: {w}")));
    // DOS-era files end with a Ctrl-Z (0x1A) end-of-file mark.
    let content = decoded.trim_end_matches(['\u{1a}', '\r', '\n', ' ']);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(content.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(line, |p| p.line());
                return Err(Error::Line {
                    line,
                    message: format!("{file}: {error}"),
                });
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if let Some(big) = record.iter().find(|f| f.len() > crate::MAX_FIELD_BYTES) {
            return Err(Error::Line {
                line,
                message: format!(
                    "{file}: a field of {} bytes is larger than the {} byte limit",
                    big.len(),
                    crate::MAX_FIELD_BYTES
                ),
            });
        }
        each(line, &record)?;
    }
}

/// One CSV row.
type Row = csv::StringRecord;

fn ent_num(row: &Row, line: u64, file: &str) -> Result<String> {
    let raw = row.get(0).map(str::trim).unwrap_or_default();
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) || raw.len() > 12 {
        return Err(Error::Line {
            line,
            message: format!("{file}: ent_num \"{raw}\" is not a number"),
        });
    }
    Ok(raw.to_string())
}

/// A cleaned field; `-0-` (and `-0`, a cut-off `-0-`) mean empty.
fn field(row: &Row, index: usize) -> Option<String> {
    let raw = row.get(index)?.trim();
    if raw.is_empty() || raw == "-0-" || raw == "-0" {
        return None;
    }
    text::non_empty(raw)
}

/// `[SDGT] [IRGC]` or `SDGT] [IRGC` to `["SDGT", "IRGC"]`.
fn programmes(text: &str) -> Vec<String> {
    text.split(|c: char| c == '[' || c == ']' || c.is_whitespace())
        .filter(|p| !p.is_empty() && *p != "-0-")
        .map(str::to_string)
        .collect()
}

/// A person's "LAST, First" keeps its published form and gets its parts.
fn person_or_org_name(full: &str, kind: NameKind, schema: Schema) -> Name {
    let mut name = Name::new(full, kind);
    if schema == Schema::Person {
        if let Some((family, first)) = full.split_once(", ") {
            name.set_parts(NameParts {
                family: text::non_empty(family),
                first: text::non_empty(first),
                ..NameParts::default()
            });
        } else {
            name.set_parts(NameParts {
                family: text::non_empty(full),
                ..NameParts::default()
            });
        }
    }
    name
}

fn other_id(label: &str, number: String, country: Option<String>) -> Identifier {
    Identifier {
        kind: IdentifierKind::Other(label.to_string()),
        number,
        country,
        note: None,
    }
}

/// What a remark label (or an XML `idType`) says about the entity.
#[derive(Debug, Clone, PartialEq)]
enum Fact {
    Id(IdentifierKind),
    Gender,
    BuildDate,
    RegistrationCountry,
}

/// Labels OFAC writes before a number, longest first where one starts another.
const ID_LABELS: &[(&str, Fact)] = &[
    (
        "Vessel Registration Identification",
        Fact::Id(IdentifierKind::Imo),
    ),
    ("Passport", Fact::Id(IdentifierKind::Passport)),
    ("National ID No.", Fact::Id(IdentifierKind::NationalId)),
    (
        "National Foreign ID Number",
        Fact::Id(IdentifierKind::NationalId),
    ),
    ("Cedula No.", Fact::Id(IdentifierKind::NationalId)),
    ("C.U.I.T.", Fact::Id(IdentifierKind::TaxId)),
    ("C.U.R.P.", Fact::Id(IdentifierKind::NationalId)),
    ("D.N.I.", Fact::Id(IdentifierKind::NationalId)),
    ("Personal ID Card", Fact::Id(IdentifierKind::NationalId)),
    (
        "Identification Number",
        Fact::Id(IdentifierKind::NationalId),
    ),
    ("Tax ID No.", Fact::Id(IdentifierKind::TaxId)),
    ("V.A.T. Number", Fact::Id(IdentifierKind::TaxId)),
    ("NIT #", Fact::Id(IdentifierKind::TaxId)),
    ("RFC", Fact::Id(IdentifierKind::TaxId)),
    ("R.F.C.", Fact::Id(IdentifierKind::TaxId)),
    ("Registration ID", Fact::Id(IdentifierKind::Registration)),
    (
        "Registration Number",
        Fact::Id(IdentifierKind::Registration),
    ),
    (
        "Business Registration Number",
        Fact::Id(IdentifierKind::Registration),
    ),
    (
        "Business Registration Document #",
        Fact::Id(IdentifierKind::Registration),
    ),
    (
        "Public Registration Number",
        Fact::Id(IdentifierKind::Registration),
    ),
    (
        "Commercial Registry Number",
        Fact::Id(IdentifierKind::Registration),
    ),
    ("Company Number", Fact::Id(IdentifierKind::Registration)),
    ("C.R. No.", Fact::Id(IdentifierKind::Registration)),
    (
        "Folio Mercantil No.",
        Fact::Id(IdentifierKind::Registration),
    ),
    (
        "Matricula Mercantil No",
        Fact::Id(IdentifierKind::Registration),
    ),
    ("Trade License No.", Fact::Id(IdentifierKind::Registration)),
    (
        "Unified Social Credit Code (USCC)",
        Fact::Id(IdentifierKind::Registration),
    ),
    (
        "Legal Entity Number",
        Fact::Id(IdentifierKind::Registration),
    ),
    ("SWIFT/BIC", Fact::Id(IdentifierKind::Bic)),
    ("Gender", Fact::Gender),
    ("Aircraft Manufacture Date", Fact::BuildDate),
    ("Vessel Year of Build", Fact::BuildDate),
    ("Nationality of Registration", Fact::RegistrationCountry),
    ("MMSI", Fact::Id(IdentifierKind::Other(String::new()))),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        Fact::Id(IdentifierKind::Other(String::new())),
    ),
    (
        "Aircraft Tail Number",
        Fact::Id(IdentifierKind::Other(String::new())),
    ),
    (
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        Fact::Id(IdentifierKind::Other(String::new())),
    ),
    (
        "Digital Currency Address - ",
        Fact::Id(IdentifierKind::Other(String::new())),
    ),
    ("ISIN", Fact::Id(IdentifierKind::Other(String::new()))),
    (
        "D-U-N-S Number",
        Fact::Id(IdentifierKind::Other(String::new())),
    ),
    (
        "Government Gazette Number",
        Fact::Id(IdentifierKind::Other(String::new())),
    ),
    ("BIK (RU)", Fact::Id(IdentifierKind::Other(String::new()))),
];

/// The identifier kind of a document type OFAC names in its XML files
/// (`Passport`, `Tax ID No.`, `Vessel Registration Identification`...): the
/// same table as the remarks, an unknown type kept as `Other(type)`.
pub(crate) fn document_kind(document_type: &str, number: &str) -> IdentifierKind {
    let label = document_type.trim();
    let known = ID_LABELS.iter().find_map(|(known, fact)| match fact {
        Fact::Id(kind) if known.trim_end_matches([' ', '-', '#']).trim() == label => {
            Some(kind.clone())
        }
        _ => None,
    });
    match known {
        Some(kind) => kind_for(label, kind, number),
        None if number.starts_with("IMO ") => IdentifierKind::Imo,
        None => IdentifierKind::Other(label.to_string()),
    }
}

/// Reads an identifier label: its fact and the rest of the item.
fn classify(item: &str) -> Option<(&'static str, Fact, &str)> {
    let first = item.bytes().next()?;
    ID_LABELS
        .iter()
        .filter(|(label, _)| label.as_bytes().first() == Some(&first))
        .filter_map(|(label, fact)| {
            let rest = item.strip_prefix(label)?;
            let boundary = label.ends_with(' ') || rest.is_empty() || rest.starts_with([' ', ':']);
            boundary.then_some((*label, fact.clone(), rest))
        })
        .max_by_key(|(label, _, _)| label.len())
}

/// The identifier kind for a label; `Other` carries the label itself, and any
/// number written "IMO 1234567" is an IMO number.
fn kind_for(label: &str, fact_kind: IdentifierKind, number: &str) -> IdentifierKind {
    if number.starts_with("IMO ") {
        return IdentifierKind::Imo;
    }
    match fact_kind {
        IdentifierKind::Other(_) => {
            IdentifierKind::Other(label.trim_end_matches([' ', '-']).to_string())
        }
        kind => kind,
    }
}

/// Splits `A123 (Iran) issued 01 Jan 2000 expires 2005` into number, country text and note.
fn number_country_note(rest: &str) -> (String, Option<String>, Option<String>) {
    let rest = rest.trim().trim_start_matches([':', '#']).trim();
    let (head, note) = match rest.find(" issued ").or_else(|| rest.find(" expires ")) {
        Some(at) => (&rest[..at], text::non_empty(&rest[at..])),
        None => (rest, None),
    };
    let head = head.trim();
    if head.ends_with(')') {
        if let Some(open) = head.rfind('(') {
            let country = text::non_empty(&head[open + 1..head.len() - 1]);
            return (text::clean(&head[..open]), country, note);
        }
    }
    (text::clean(head), None, note)
}

/// Reads the semicolon-separated remarks of a legacy CSV entry into the entity.
fn apply_remarks(remarks: &str, entity: &mut Entity, countries: &mut CountryCodes, context: &str) {
    for item in remarks.split(';') {
        let item = item.trim().trim_end_matches('.').trim();
        let item = item.strip_prefix("alt. ").unwrap_or(item);
        if item.is_empty() {
            continue;
        }
        apply_remark(item, entity, countries, context);
    }
}

fn apply_remark(item: &str, entity: &mut Entity, countries: &mut CountryCodes, context: &str) {
    if let Some(rest) = item.strip_prefix("DOB ") {
        if let Some(date) = birth_date(rest) {
            push_unique(&mut entity.birth_dates, date);
        }
    } else if let Some(rest) = item.strip_prefix("POB ") {
        push_unique(&mut entity.birth_places, place(rest));
    } else if let Some(rest) = item
        .strip_prefix("nationality ")
        .or_else(|| item.strip_prefix("citizen "))
    {
        if let Some(code) = countries.code_in(rest, "nationality", context) {
            push_unique(&mut entity.nationalities, code);
        }
    } else if let Some(quoted) = weak_alias(item) {
        entity.push_name(quoted);
    } else if let Some((label, fact, rest)) = classify(item) {
        apply_fact(label, fact, rest, entity, countries, context);
    }
}

/// `a.k.a. 'X'`, `f.k.a. 'X'`, `n.k.a. 'X'`: OFAC's weak aliases.
fn weak_alias(item: &str) -> Option<Name> {
    let (kind, rest) = if let Some(rest) = item.strip_prefix("a.k.a. ") {
        (NameKind::Alias, rest)
    } else if let Some(rest) = item.strip_prefix("f.k.a. ") {
        (NameKind::Former, rest)
    } else if let Some(rest) = item.strip_prefix("n.k.a. ") {
        (NameKind::Alias, rest)
    } else {
        return None;
    };
    let name = rest.trim().trim_matches(['\'', '"', ' ']);
    let name = text::non_empty(name)?;
    Some(Name::new(name, kind).with_quality(NameQuality::Weak))
}

fn apply_fact(
    label: &str,
    fact: Fact,
    rest: &str,
    entity: &mut Entity,
    countries: &mut CountryCodes,
    context: &str,
) {
    let rest = rest.trim().trim_start_matches(':').trim();
    match fact {
        Fact::Id(kind) => {
            let (number, country_text, note) = number_country_note(rest);
            if number.is_empty() {
                return;
            }
            let country =
                country_text.and_then(|c| countries.code_in(&c, "document country", context));
            let identifier = Identifier {
                kind: kind_for(label, kind, &number),
                number: number.strip_prefix("IMO ").unwrap_or(&number).to_string(),
                country,
                note,
            };
            push_unique(&mut entity.identifiers, identifier);
        }
        Fact::Gender => entity.gender = gender(rest),
        Fact::BuildDate => {
            if let Some(date) = birth_date(rest) {
                push_unique(&mut entity.birth_dates, date);
            }
        }
        Fact::RegistrationCountry => {
            if let Some(code) = countries.code_in(rest, "nationality of registration", context) {
                push_unique(&mut entity.countries, code);
            }
        }
    }
}

pub(crate) fn gender(text: &str) -> Option<String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "male" => Some("male".to_string()),
        "female" => Some("female".to_string()),
        _ => None,
    }
}

/// `12 Mar 1965`, `circa 1960`, `1958 to 1960`, `01 Jan 1958 to 31 Dec 1960`, `Mar 1965`.
pub(crate) fn birth_date(text: &str) -> Option<BirthDate> {
    let text = text.trim();
    if let Some((from, to)) = text.split_once(" to ") {
        let (from, to) = (dates::parse_single(from)?, dates::parse_single(to)?);
        return (from <= to).then_some(BirthDate {
            qualifier: DateQualifier::Between,
            date: from,
            to: Some(to),
        });
    }
    dates::parse_loose(text)
}

/// `City, Province, Country`: the country is the last part when it is one.
pub(crate) fn place(text: &str) -> Place {
    let text = text::clean(text);
    let last = text.rsplit(',').next().unwrap_or_default();
    Place {
        country: text::country_code(last),
        text,
    }
}

/// Reads an OFAC `sdnList` XML file (SDN or consolidated non-SDN). The version
/// is the `Publish_Date` (`MM/DD/YYYY`) as `YYYY-MM-DD`.
pub fn read_xml(bytes: &[u8]) -> Result<ParsedList> {
    let (decoded, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: "ofac".to_string(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let mut parser = XmlParser::new(decoded.as_bytes());
    let result = parser.run(&mut list);
    list.warnings.append(&mut parser.countries.warnings);
    result?;
    Ok(list)
}

/// One element of an `sdnEntry`, kept until the entry closes.
#[derive(Default, Debug)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).and_then(|c| text::non_empty(&c.text))
    }

    /// The items of a list element (`akaList` -> every `aka`).
    fn items<'a>(&'a self, list: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name == list)
            .flat_map(|c| c.children.iter())
    }
}

/// Nodes deeper than this are not OFAC's; an `sdnEntry` bigger than this many nodes is refused.
const MAX_XML_DEPTH: usize = 32;
const MAX_ENTRY_NODES: usize = 100_000;

struct XmlParser<'a> {
    reader: Reader<&'a [u8]>,
    /// Open elements outside any entry.
    outer: Vec<String>,
    /// Open elements of the current entry, the entry first.
    open: Vec<Node>,
    entry_nodes: usize,
    countries: CountryCodes,
}

impl<'a> XmlParser<'a> {
    fn new(bytes: &'a [u8]) -> XmlParser<'a> {
        XmlParser {
            reader: xml::reader(bytes),
            outer: Vec::new(),
            open: Vec::new(),
            entry_nodes: 0,
            countries: CountryCodes::default(),
        }
    }

    fn run(&mut self, list: &mut ParsedList) -> Result<()> {
        let mut seen_root = false;
        let mut publish_date = false;
        loop {
            let event = self
                .reader
                .read_event()
                .map_err(|e| xml::xml_error(&self.reader, e))?;
            xml::refuse_doctype(&self.reader, &event)?;
            match event {
                Event::Start(start) => {
                    if !seen_root {
                        check_root(&start)?;
                        seen_root = true;
                    }
                    self.start(&start)?;
                    publish_date = self.open.is_empty()
                        && self.outer.last().is_some_and(|n| n == "Publish_Date");
                }
                Event::End(_) => {
                    publish_date = false;
                    self.end(list);
                }
                Event::Text(content) => {
                    let content = xml::text(&self.reader, &content)?;
                    if publish_date {
                        list.version = us_date(&content);
                    }
                    self.push_text(&content)?;
                }
                Event::CData(data) => self.push_text(&String::from_utf8_lossy(&data))?,
                Event::Eof => return self.finish(seen_root),
                _ => {}
            }
        }
    }

    fn start(&mut self, start: &BytesStart<'_>) -> Result<()> {
        let name = xml::local_name(start.name());
        if self.outer.len() + self.open.len() >= MAX_XML_DEPTH {
            return Err(xml::error_at(
                &self.reader,
                format!("elements nested deeper than {MAX_XML_DEPTH} levels"),
            ));
        }
        if self.open.is_empty() && name != "sdnEntry" {
            self.outer.push(name);
            return Ok(());
        }
        self.entry_nodes += 1;
        if self.entry_nodes > MAX_ENTRY_NODES {
            return Err(xml::error_at(
                &self.reader,
                format!("an sdnEntry with more than {MAX_ENTRY_NODES} elements"),
            ));
        }
        self.open.push(Node {
            name,
            ..Node::default()
        });
        Ok(())
    }

    fn push_text(&mut self, content: &str) -> Result<()> {
        let Some(node) = self.open.last_mut() else {
            return Ok(());
        };
        if node.text.len() + content.len() > crate::MAX_FIELD_BYTES {
            return Err(xml::error_at(
                &self.reader,
                format!(
                    "a field larger than the {} byte limit",
                    crate::MAX_FIELD_BYTES
                ),
            ));
        }
        node.text.push_str(content);
        Ok(())
    }

    fn end(&mut self, list: &mut ParsedList) {
        let Some(node) = self.open.pop() else {
            self.outer.pop();
            return;
        };
        match self.open.last_mut() {
            Some(parent) => parent.children.push(node),
            None => {
                self.entry_nodes = 0;
                if let Some(entity) = xml_entity(&node, &mut self.countries, list) {
                    list.entities.push(entity);
                }
            }
        }
    }

    fn finish(&self, seen_root: bool) -> Result<()> {
        if !seen_root {
            return Err(Error::Format(
                "not an OFAC sdnList: no <sdnList> element".into(),
            ));
        }
        let open = self.open.last().map(|n| &n.name).or(self.outer.last());
        if let Some(open) = open {
            return Err(xml::error_at(
                &self.reader,
                format!("unexpected end of file: <{open}> is not closed (the file is truncated)"),
            ));
        }
        Ok(())
    }
}

fn check_root(start: &BytesStart<'_>) -> Result<()> {
    let name = xml::local_name(start.name());
    if name != "sdnList" {
        return Err(Error::Format(format!(
            "not an OFAC sdnList: the root element is <{name}>, expected <sdnList>"
        )));
    }
    Ok(())
}

/// `03/28/2025` to `2025-03-28`.
fn us_date(text: &str) -> Option<String> {
    let mut parts = text.trim().split('/');
    let (month, day, year) = (parts.next()?, parts.next()?, parts.next()?);
    let date = PartialDate::new(
        year.parse().ok()?,
        Some(month.parse().ok()?),
        Some(day.parse().ok()?),
    )?;
    Some(date.to_string())
}

fn xml_entity(node: &Node, countries: &mut CountryCodes, list: &mut ParsedList) -> Option<Entity> {
    let Some(uid) = node.text_of("uid") else {
        list.warnings
            .push("an sdnEntry without uid was skipped".to_string());
        return None;
    };
    let schema = match node
        .text_of("sdnType")
        .map(|t| t.to_ascii_lowercase())
        .as_deref()
    {
        Some("individual") => Schema::Person,
        Some("vessel") => Schema::Vessel,
        Some("aircraft") => Schema::Aircraft,
        _ => Schema::Organization,
    };
    let mut entity = Entity::new("ofac", &uid, schema);
    let context = format!("OFAC {uid}");
    if let Some(name) = xml_name(node, NameKind::Primary, schema) {
        entity.push_name(name);
    }
    for aka in node.items("akaList") {
        let kind = match aka.text_of("type").as_deref() {
            Some("f.k.a.") => NameKind::Former,
            _ => NameKind::Alias,
        };
        let quality = match aka.text_of("category").as_deref() {
            Some("weak") => NameQuality::Weak,
            _ => NameQuality::Strong,
        };
        if let Some(name) = xml_name(aka, kind, schema) {
            entity.push_name(name.with_quality(quality));
        }
    }
    entity.designation.programmes = node
        .items("programList")
        .filter_map(|p| text::non_empty(&p.text))
        .collect();
    entity.designation.remarks = node.text_of("remarks");
    xml_facts(node, &mut entity, countries, &context);
    xml_places_and_dates(node, &mut entity, countries, &context);
    Some(entity)
}

fn xml_name(node: &Node, kind: NameKind, schema: Schema) -> Option<Name> {
    let last = node.text_of("lastName");
    let first = node.text_of("firstName");
    let full = match (&last, &first) {
        (Some(last), Some(first)) => format!("{last}, {first}"),
        (Some(only), None) | (None, Some(only)) => only.clone(),
        (None, None) => return None,
    };
    let mut name = Name::new(full, kind);
    if schema == Schema::Person {
        name.set_parts(NameParts {
            family: last,
            first,
            ..NameParts::default()
        });
    }
    Some(name)
}

fn xml_facts(node: &Node, entity: &mut Entity, countries: &mut CountryCodes, context: &str) {
    for id in node.items("idList") {
        let (Some(label), Some(number)) = (id.text_of("idType"), id.text_of("idNumber")) else {
            continue;
        };
        let Some((label, fact, _)) = classify(&label) else {
            continue;
        };
        if let Fact::Id(kind) = fact {
            let mut notes = Vec::new();
            notes.extend(id.text_of("issueDate").map(|d| format!("issued {d}")));
            notes.extend(id.text_of("expirationDate").map(|d| format!("expires {d}")));
            let country = id
                .text_of("idCountry")
                .and_then(|c| countries.code_in(&c, "document country", context));
            let identifier = Identifier {
                kind: kind_for(label, kind, &number),
                number: number.strip_prefix("IMO ").unwrap_or(&number).to_string(),
                country,
                note: (!notes.is_empty()).then(|| notes.join(" ")),
            };
            push_unique(&mut entity.identifiers, identifier);
        } else {
            apply_fact(label, fact, &number, entity, countries, context);
        }
    }
    if let Some(vessel) = node.child("vesselInfo") {
        if let Some(call_sign) = vessel.text_of("callSign") {
            entity
                .identifiers
                .push(other_id("Call Sign", call_sign, None));
        }
        if let Some(flag) = vessel.text_of("vesselFlag") {
            if let Some(code) = countries.code_in(&flag, "vessel flag", context) {
                push_unique(&mut entity.countries, code);
            }
        }
    }
}

fn xml_places_and_dates(
    node: &Node,
    entity: &mut Entity,
    countries: &mut CountryCodes,
    context: &str,
) {
    for item in node
        .items("nationalityList")
        .chain(node.items("citizenshipList"))
    {
        if let Some(code) = item
            .text_of("country")
            .and_then(|c| countries.code_in(&c, "nationality", context))
        {
            push_unique(&mut entity.nationalities, code);
        }
    }
    for item in node.items("dateOfBirthList") {
        if let Some(date) = item.text_of("dateOfBirth").and_then(|d| birth_date(&d)) {
            push_unique(&mut entity.birth_dates, date);
        }
    }
    for item in node.items("placeOfBirthList") {
        if let Some(text) = item.text_of("placeOfBirth") {
            push_unique(&mut entity.birth_places, place(&text));
        }
    }
    for address in node.items("addressList") {
        let fields = [
            "address1",
            "address2",
            "address3",
            "city",
            "stateOrProvince",
            "postalCode",
            "country",
        ];
        let parts: Vec<String> = fields.iter().filter_map(|f| address.text_of(f)).collect();
        if parts.is_empty() {
            continue;
        }
        let country = address
            .text_of("country")
            .and_then(|c| countries.code_in(&c, "address country", context));
        if let Some(code) = &country {
            push_unique(&mut entity.countries, code.clone());
        }
        entity.addresses.push(Address {
            text: parts.join(", "),
            city: address.text_of("city"),
            country,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_main_file_warns_that_its_companions_are_missing() {
        let sdn = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/lists/public/ofac/ofac_sdn_csv_2024-05-03.csv"
        ))
        .unwrap();
        let list = read_csv_set(&sdn, None, None, None).unwrap();
        let warning = &list.warnings[0];
        for file in ["ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV"] {
            assert!(warning.contains(file), "{warning}");
        }
        // Counted on the raw text: one entity per record line (the file ends with an EOF marker line).
        let text = String::from_utf8_lossy(&sdn);
        let records = text
            .lines()
            .filter(|l| {
                l.split(',')
                    .next()
                    .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            })
            .count();
        assert_eq!(list.entities.len(), records);
    }

    #[test]
    fn remarks_are_read() {
        let sdn = b"1,\"DOE, John\",\"individual\",\"SDGT\",\"Minister\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 12 Mar 1965; alt. DOB 1958 to 1960; DOB circa 1950; POB Tehran, Iran; citizen Iran; Passport A123 (Iran) issued 01 Jan 2000; National ID No. 55 (Iraq); Gender Male; a.k.a. 'JD'; Tax ID No. 77 (Atlantis); SWIFT/BIC ABCDEF; Vessel Registration Identification IMO 1234567.\"\r\n\x1a";
        let list = read_csv_set(sdn, None, None, None).unwrap();
        let e = &list.entities[0];
        assert_eq!(e.birth_dates.len(), 3);
        assert_eq!(e.birth_dates[1].year_range(), (1958, 1960));
        assert_eq!(e.birth_dates[2].qualifier, DateQualifier::Approximate);
        assert_eq!(e.birth_places[0].country.as_deref(), Some("IR"));
        assert_eq!(e.nationalities, ["IR"]);
        let passport = &e.identifiers[0];
        assert_eq!(
            (passport.kind.clone(), passport.number.as_str()),
            (IdentifierKind::Passport, "A123")
        );
        assert_eq!(passport.country.as_deref(), Some("IR"));
        assert_eq!(passport.note.as_deref(), Some("issued 01 Jan 2000"));
        assert_eq!(e.identifiers[1].kind, IdentifierKind::NationalId);
        assert_eq!(e.identifiers[2].country, None);
        assert_eq!(e.identifiers[3].kind, IdentifierKind::Bic);
        assert_eq!(
            (
                e.identifiers[4].kind.clone(),
                e.identifiers[4].number.as_str()
            ),
            (IdentifierKind::Imo, "1234567")
        );
        assert_eq!(e.gender.as_deref(), Some("male"));
        assert_eq!(e.names[1].quality, NameQuality::Weak);
        assert!(e
            .designation
            .remarks
            .as_deref()
            .unwrap()
            .starts_with("Title: Minister."));
        // The lone main file, and the unknown country Atlantis.
        assert_eq!(list.warnings.len(), 2, "{:?}", list.warnings);
        assert!(list.warnings[1].contains("Atlantis"), "{:?}", list.warnings);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let sdn = b"1,\"A\",-0-,-0-\nx2,\"B\",-0-,-0-\n";
        match read_csv_set(sdn, None, None, None) {
            Err(Error::Line { line: 2, message }) => assert!(message.contains("x2")),
            other => panic!("{other:?}"),
        }
        let alt = b"1,2,\"aka\",\"AA\",-0-\n\n1,3,\"aka\"\nabc,4,\"aka\",\"X\",-0-\n";
        match read_csv_set(b"1,\"A\",-0-,-0-\n", None, Some(alt), None) {
            Err(Error::Line { line: 4, message }) => assert!(message.starts_with("alt.csv")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comments_continue_remarks() {
        let sdn = b"5,\"X\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,\"a.k.a. 'AB\"\n";
        let comments = b"5,\"C'; Gender Female.\"\n9,\"orphan\"\n";
        let list = read_csv_set(sdn, None, None, Some(comments)).unwrap();
        assert_eq!(list.entities[0].names[1].full, "ABC");
        assert!(list.warnings.iter().any(|w| w.contains("ent_num 9")));
    }

    #[test]
    fn xml_root_date_and_truncation() {
        assert!(matches!(
            read_xml(b"<CONSOLIDATED_LIST/>"),
            Err(Error::Format(_))
        ));
        let xml = b"<sdnList xmlns=\"x\"><publshInformation><Publish_Date>03/28/2025</Publish_Date></publshInformation><sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>";
        let list = read_xml(xml).unwrap();
        assert_eq!(list.version.as_deref(), Some("2025-03-28"));
        assert_eq!(list.entities[0].caption(), "A");
        assert!(matches!(
            read_xml(&xml[..xml.len() - 10]),
            Err(Error::Offset { .. })
        ));
    }
}

#[cfg(test)]
mod data_tests {
    use super::*;

    const OFAC_DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/ofac/"
    );

    fn file(path: &str) -> Vec<u8> {
        std::fs::read(format!("{OFAC_DIR}{path}")).unwrap()
    }

    fn csv_set(dir: &str, names: [&str; 4]) -> ParsedList {
        let [main, add, alt, comments] = names.map(|n| file(&format!("{dir}/{n}")));
        read_csv_set(&main, Some(&add), Some(&alt), Some(&comments)).unwrap()
    }

    fn sdn_set(dir: &str) -> ParsedList {
        csv_set(dir, ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"])
    }

    fn find<'a>(list: &'a ParsedList, id: &str) -> &'a Entity {
        list.entities
            .iter()
            .find(|e| e.designation.source_id == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    }

    fn counts(list: &ParsedList) -> [usize; 4] {
        let c = list.counts();
        [c.persons, c.vessels, c.aircraft, c.organizations]
    }

    #[test]
    fn sdn_2021_counts_and_spot_checks() {
        let list = sdn_set("sdn_legacy_csv_2021");
        // SDN_Type column counted with Python's csv module: individual, vessel, aircraft, -0-.
        assert_eq!(counts(&list), [4620, 406, 277, 3673]);
        assert_eq!(list.version, None);
        // alt.csv: 11,523 aka + 18 nka (aliases) and 369 fka rows; each lands on its entry
        // unless the same text is already there.
        let formers = list
            .entities
            .iter()
            .flat_map(|e| &e.names)
            .filter(|n| n.kind == NameKind::Former)
            .count();
        assert!(formers >= 369, "{formers}");

        let bnc = find(&list, "306");
        let weak = bnc.names.iter().find(|n| n.full == "BNC").unwrap();
        assert_eq!(
            (weak.kind, weak.quality),
            (NameKind::Alias, NameQuality::Weak)
        );
        assert!(bnc
            .names
            .iter()
            .any(|n| n.full == "NATIONAL BANK OF CUBA" && n.quality == NameQuality::Strong));
        assert_eq!(bnc.countries, ["CH", "ES", "JP", "PA"]);
        assert_eq!(
            bnc.addresses[0].text,
            "Zweierstrasse 35, Zurich CH-8022, Switzerland"
        );

        let range = &find(&list, "15496").birth_dates[0];
        assert_eq!(
            (range.qualifier, range.year_range()),
            (DateQualifier::Between, (1929, 1930))
        );

        let zawahiri = find(&list, "2676");
        assert_eq!(zawahiri.names[0].full, "AL ZAWAHIRI, Dr. Ayman");
        assert_eq!(
            zawahiri.names[0].parts().family.as_deref(),
            Some("AL ZAWAHIRI")
        );
        assert_eq!(
            zawahiri.names[0].parts().first.as_deref(),
            Some("Dr. Ayman")
        );
        let passport = &zawahiri.identifiers[0];
        assert_eq!(
            (passport.number.as_str(), passport.country.as_deref()),
            ("1084010", Some("EG"))
        );
        assert_eq!(zawahiri.identifiers[1].country, None);
        assert_eq!(zawahiri.birth_places[0].country.as_deref(), Some("EG"));
        assert_eq!(zawahiri.birth_dates[0].date.to_string(), "1951-06-19");

        let tanker = find(&list, "15036");
        assert_eq!(tanker.schema, Schema::Vessel);
        assert_eq!(tanker.countries, ["IR"]);
        let imo = tanker
            .identifiers
            .iter()
            .find(|i| i.kind == IdentifierKind::Imo)
            .unwrap();
        assert_eq!(imo.number, "9187629");
        assert!(tanker.identifiers.iter().any(|i| i.number == "T2EU4"));
        assert!(tanker
            .names
            .iter()
            .any(|n| n.full == "ALPHA" && n.kind == NameKind::Former));

        let naqdi = find(&list, "12057");
        assert_eq!(
            naqdi.designation.programmes,
            ["SDGT", "NPWMD", "IRGC", "IFSR", "IRAN-HR", "IRAN-EO13876"]
        );
    }

    #[test]
    fn comments_file_completes_remarks() {
        let list = sdn_set("sdn_legacy_csv_2021");
        // sdn_comments.csv continues 28264's remarks with two weak a.k.a.s.
        let entry = find(&list, "28264");
        for weak in ["blackjack1987", "khaleesi"] {
            assert!(
                entry
                    .names
                    .iter()
                    .any(|n| n.full == weak && n.quality == NameQuality::Weak),
                "{weak}"
            );
        }
        assert!(
            list.warnings
                .iter()
                .all(|w| !w.contains("sdn_comments.csv")),
            "{:?}",
            list.warnings
        );
    }

    #[test]
    fn sdn_2019_counts() {
        let list = sdn_set("sdn_legacy_csv_2019");
        assert_eq!(counts(&list), [3845, 323, 217, 2994]);
    }

    #[test]
    fn non_sdn_csv_and_xml() {
        let csv = csv_set(
            "cons_nonsdn_csv",
            [
                "cons_prim.csv",
                "cons_add.csv",
                "cons_alt.csv",
                "cons_comments.csv",
            ],
        );
        assert_eq!(counts(&csv), [79, 0, 0, 363]);
        assert!(csv.warnings.is_empty(), "{:?}", csv.warnings);
        for (name, version, persons) in [
            ("ofac_cons_nonsdn_2024-05-06.xml", "2024-05-06", 79),
            ("ofac_cons_nonsdn_2025-03-28.xml", "2025-03-28", 80),
        ] {
            let list = read_xml(&file(name)).unwrap();
            // grep -c '<sdnEntry>' gives 443; Record_Count says the same.
            assert_eq!(list.entities.len(), 443, "{name}");
            assert_eq!(list.counts().persons, persons, "{name}");
            assert_eq!(list.version.as_deref(), Some(version));
        }
        let xml = read_xml(&file("ofac_cons_nonsdn_2025-03-28.xml")).unwrap();
        let haniya = find(&xml, "9639");
        assert_eq!(haniya.names[0].full, "HANIYA, Ismail Abdul Salah");
        assert_eq!(haniya.designation.programmes, ["NS-PLC"]);
        assert_eq!(haniya.birth_dates[0].date.to_string(), "1962");
        assert_eq!(haniya.birth_places[0].text, "Shati");
        let zahar = find(&xml, "9647");
        assert!(zahar
            .names
            .iter()
            .any(|n| n.full == "ZAHAR, Mahmoud" && n.quality == NameQuality::Weak));
        assert_eq!(zahar.nationalities, ["PS"]);
        let bic = xml
            .entities
            .iter()
            .flat_map(|e| &e.identifiers)
            .filter(|i| i.kind == IdentifierKind::Bic)
            .count();
        assert_eq!(bic, 33);
    }
}
