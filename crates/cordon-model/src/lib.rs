//! The vocabulary every Cordon crate speaks: designated [`Entity`]s with their
//! [`Name`]s, [`BirthDate`]s, [`Identifier`]s and the [`Designation`] that put
//! them on a list, plus the [`ParsedList`] a reader produces.
//!
//! The model is close in spirit to OpenSanctions' FollowTheMoney but flatter:
//! one struct per concept, serde only, no I/O.
//!
//! ```
//! use cordon_model::{Entity, Name, NameKind, NameQuality, Schema, PartialDate};
//!
//! let mut entity = Entity::new("un", "QDi.290", Schema::Person);
//! entity.names.push(Name::new("Tohir Yuldashev", NameKind::Primary));
//! entity.names.push(Name::new("Tahir Yoldash", NameKind::Alias).with_quality(NameQuality::Weak));
//! assert_eq!(entity.id, "un:QDi.290");
//! assert_eq!(entity.strong_names().count(), 1);
//! assert_eq!(PartialDate::parse_iso("1967-10").unwrap().month, Some(10));
//! ```

use serde::{Deserialize, Serialize};

pub mod country;
pub mod dates;
pub mod fx;
pub mod identifier;
pub mod transfer;

/// What kind of thing a designated entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schema {
    /// A natural person.
    Person,
    /// A company, group, association or any other legal or informal body.
    Organization,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

impl Schema {
    /// The lowercase name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Person => "person",
            Schema::Organization => "organization",
            Schema::Vessel => "vessel",
            Schema::Aircraft => "aircraft",
        }
    }

    /// Reads the names users and publishers give to a schema
    /// (`person`, `individual`, `entity`, `company`, `ship`, ...).
    pub fn parse(text: &str) -> Option<Schema> {
        match text.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" | "p" | "i" | "natural person" => Some(Schema::Person),
            "organization" | "organisation" | "entity" | "company" | "legalentity" | "e"
            | "org" | "legal entity" => Some(Schema::Organization),
            "vessel" | "ship" => Some(Schema::Vessel),
            "aircraft" | "airplane" | "plane" => Some(Schema::Aircraft),
            _ => None,
        }
    }
}

impl std::fmt::Display for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role a name plays on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The publisher's main name for the entity.
    Primary,
    /// An "also known as".
    Alias,
    /// The name in its original (non-Latin) script, as the publisher gives it.
    OriginalScript,
    /// A "formerly known as".
    Former,
}

/// How much a name can be trusted as evidence (UN `QUALITY`, OFAC weak a.k.a.).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameQuality {
    /// A name the publisher stands behind (UN "Good", OFAC strong a.k.a.).
    #[default]
    Strong,
    /// A low-quality alias: too broad to identify someone on its own.
    Weak,
}

/// The parts of a name where the publisher gives them separately.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NameParts {
    /// Given or first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// Second name (UN SECOND_NAME is often the family name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second: Option<String>,
    /// Third name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third: Option<String>,
    /// Fourth name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fourth: Option<String>,
    /// Middle name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle: Option<String>,
    /// Family name or surname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Patronymic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// Title or honorific (Mullah, Sheikh, Dr).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl NameParts {
    /// True when no part is set.
    pub fn is_empty(&self) -> bool {
        *self == NameParts::default()
    }
}

/// One name of a designated entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// The whole name as the publisher wrote it.
    pub full: String,
    /// Primary, alias, original script or former.
    pub kind: NameKind,
    /// Strong or weak evidence.
    #[serde(default)]
    pub quality: NameQuality,
    /// ISO 15924 script code when known (`Latn`, `Cyrl`, `Arab`, `Hani`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Language code when the publisher gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The name's parts where the publisher gives them ([`Name::parts`]).
    /// Boxed and absent when empty: most names have no parts, and eight
    /// inline `Option<String>`s cost 192 bytes in every name (a third of the
    /// memory of a parsed OFAC Advanced list). JSON is unchanged: the parts
    /// object, left out when empty.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_empty_parts"
    )]
    parts: Option<Box<NameParts>>,
}

/// No parts at all, for names that have none.
static NO_PARTS: NameParts = NameParts {
    first: None,
    second: None,
    third: None,
    fourth: None,
    middle: None,
    family: None,
    patronymic: None,
    title: None,
};

/// Keeps the one representation of "no parts" (`None`) when JSON holds `{}`.
fn non_empty_parts<'de, D>(deserializer: D) -> Result<Option<Box<NameParts>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let parts = Option::<NameParts>::deserialize(deserializer)?;
    Ok(parts.filter(|p| !p.is_empty()).map(Box::new))
}

impl Name {
    /// A strong name with no parts.
    pub fn new(full: impl Into<String>, kind: NameKind) -> Name {
        Name {
            full: full.into(),
            kind,
            quality: NameQuality::Strong,
            script: None,
            lang: None,
            parts: None,
        }
    }

    /// The name's parts (all unset when the publisher gives none).
    pub fn parts(&self) -> &NameParts {
        self.parts.as_deref().unwrap_or(&NO_PARTS)
    }

    /// Replaces the name's parts.
    pub fn set_parts(&mut self, parts: NameParts) {
        self.parts = Some(Box::new(parts)).filter(|p| !p.is_empty());
    }

    /// The same name with another quality.
    pub fn with_quality(mut self, quality: NameQuality) -> Name {
        self.quality = quality;
        self
    }

    /// The same name with its parts.
    pub fn with_parts(mut self, parts: NameParts) -> Name {
        self.set_parts(parts);
        self
    }
}

/// A date that may be known only to the year or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    /// Year (four digits).
    pub year: i32,
    /// Month 1-12 when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// Day 1-31 when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

impl PartialDate {
    /// A date known to the year.
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// A checked full or partial date.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Option<PartialDate> {
        if !(1000..=2999).contains(&year) {
            return None;
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
        }
        if let Some(d) = day {
            month?;
            if !(1..=days_in_month(year, month.unwrap_or(1))).contains(&d) {
                return None;
            }
        }
        Some(PartialDate { year, month, day })
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a trailing time or zone is ignored).
    pub fn parse_iso(text: &str) -> Option<PartialDate> {
        let text = text.trim();
        // A time part may follow after `T` or a space ("2026-02-27T00:00:09Z",
        // "2026-02-27 10:00:00"); anything else after a space is not a date.
        let date = match text.split_once(['T', ' ']) {
            Some((date, time)) if time.contains(':') => date,
            Some(_) => return None,
            None => text,
        };
        let mut parts = date.split('-');
        let year = parse_num(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_num(m, 2)? as u8),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_num(d, 2)? as u8),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        PartialDate::new(year, month, day)
    }
}

fn parse_num(text: &str, max_len: usize) -> Option<i32> {
    if text.is_empty() || text.len() > max_len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days in a month, leap years included.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// How precise a birth date is, as publishers express it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateQualifier {
    /// As given (to the day, month or year the [`PartialDate`] carries).
    Exact,
    /// "circa", "approximately".
    Approximate,
    /// A range between `date` and `to`.
    Between,
}

/// A date of birth (or build date for vessels and aircraft).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BirthDate {
    /// Exact, approximate or a range.
    pub qualifier: DateQualifier,
    /// The date, or the start of the range.
    pub date: PartialDate,
    /// End of the range for [`DateQualifier::Between`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
}

impl BirthDate {
    /// An exact (to its precision) date.
    pub fn exact(date: PartialDate) -> BirthDate {
        BirthDate {
            qualifier: DateQualifier::Exact,
            date,
            to: None,
        }
    }

    /// The inclusive range of years this birth date allows.
    pub fn year_range(&self) -> (i32, i32) {
        match self.qualifier {
            DateQualifier::Exact => (self.date.year, self.date.year),
            DateQualifier::Approximate => (self.date.year - 1, self.date.year + 1),
            DateQualifier::Between => (self.date.year, self.to.map_or(self.date.year, |d| d.year)),
        }
    }
}

/// A place of birth.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Place {
    /// The place as written (city, province, country).
    pub text: String,
    /// ISO 3166-1 alpha-2 country code when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// The kind of an identity or registration document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// Passport number.
    Passport,
    /// National identity number or card.
    NationalId,
    /// Tax identification number (INN, TIN, ...).
    TaxId,
    /// Company registration number (OGRN, ...).
    Registration,
    /// IMO ship or company number.
    Imo,
    /// SWIFT/BIC code.
    Bic,
    /// Any other document, with the publisher's words for it.
    Other(String),
}

/// An identity document or registration number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    /// What the number identifies.
    pub kind: IdentifierKind,
    /// The number as written.
    pub number: String,
    /// Issuing country (ISO 3166-1 alpha-2) when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The publisher's note (issue date, "expired", ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A postal or descriptive address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Address {
    /// The whole address on one line.
    pub text: String,
    /// City when given separately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 country code when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// Why and by whom an entity is listed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Designation {
    /// The list's short name: `un`, `ofac`, `eu`, `uk`, `ca`, `us_csl`, ...
    pub source: String,
    /// The publisher's own id: UN REFERENCE_NUMBER, OFAC ent_num, UK Group ID, EU logical id.
    pub source_id: String,
    /// Sanctions programmes or regimes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programmes: Vec<String>,
    /// Date of listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<PartialDate>,
    /// Date the publisher last changed the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<PartialDate>,
    /// Reasons, remarks and other information, as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// A link the publisher states from one listed entity to another of the
/// same list (OFAC Advanced `ProfileRelationship`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// How this entity relates to the other, in the publisher's words
    /// (`Owned or Controlled By`, `Associate Of`, `Leader Of`...).
    pub relation: String,
    /// The other entity's id (`ofac:17022`).
    pub entity: String,
}

/// One designated person, organisation, vessel or aircraft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable id across versions: `source:source_id`.
    pub id: String,
    /// Person, organisation, vessel or aircraft.
    pub schema: Schema,
    /// Who listed it, under which id and programme.
    pub designation: Designation,
    /// All names, primary first.
    pub names: Vec<Name>,
    /// Dates of birth (or build dates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<BirthDate>,
    /// Places of birth.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<Place>,
    /// Nationalities / citizenships, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    /// Other countries linked to the entity (residence, jurisdiction, flag), ISO alpha-2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Identity documents and registration numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Gender as published (`male`, `female`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Links to other entities of the same list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

impl Entity {
    /// An entity with no names yet.
    pub fn new(source: &str, source_id: &str, schema: Schema) -> Entity {
        Entity {
            id: format!("{source}:{source_id}"),
            schema,
            designation: Designation {
                source: source.to_string(),
                source_id: source_id.to_string(),
                ..Designation::default()
            },
            names: Vec::new(),
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            countries: Vec::new(),
            identifiers: Vec::new(),
            addresses: Vec::new(),
            gender: None,
            links: Vec::new(),
        }
    }

    /// The primary name, or the first name when none is primary.
    pub fn caption(&self) -> &str {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or_else(|| self.names.first())
            .map_or("", |n| n.full.as_str())
    }

    /// Names that are strong evidence.
    pub fn strong_names(&self) -> impl Iterator<Item = &Name> {
        self.names
            .iter()
            .filter(|n| n.quality == NameQuality::Strong)
    }

    /// Gives back the unused capacity of every list the entity holds. Readers
    /// call it when an entity is complete: a `Vec` grows by doubling from
    /// four, so an entity with one name, one date and one passport would
    /// otherwise reserve room for four of each, a quarter of a parsed list's
    /// memory (docs/benchmarks.md).
    pub fn shrink_to_fit(&mut self) {
        self.designation.programmes.shrink_to_fit();
        self.names.shrink_to_fit();
        self.birth_dates.shrink_to_fit();
        self.birth_places.shrink_to_fit();
        self.nationalities.shrink_to_fit();
        self.countries.shrink_to_fit();
        self.identifiers.shrink_to_fit();
        self.addresses.shrink_to_fit();
        self.links.shrink_to_fit();
    }

    /// Adds a name unless the same text is already there; a strong copy wins over a weak one.
    pub fn push_name(&mut self, name: Name) {
        let mut name = name;
        let full = name.full.trim();
        if full.is_empty() {
            return;
        }
        if full.len() != name.full.len() {
            name.full = full.to_string();
        }
        if let Some(existing) = self.names.iter_mut().find(|n| n.full == name.full) {
            if name.quality == NameQuality::Strong {
                existing.quality = NameQuality::Strong;
            }
            return;
        }
        self.names.push(name);
    }
}

/// Counts of a list by schema, as `cordon lists inspect` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListCounts {
    /// Persons.
    pub persons: usize,
    /// Organisations.
    pub organizations: usize,
    /// Vessels.
    pub vessels: usize,
    /// Aircraft.
    pub aircraft: usize,
    /// All names of all entities.
    pub names: usize,
}

/// A whole list as one reader produced it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ParsedList {
    /// Short name of the publisher's list (`un`, `ofac`, ...).
    pub source: String,
    /// The publisher's own version, usually its generation date (`2026-02-27`).
    pub version: Option<String>,
    /// Entities in publisher order.
    pub entities: Vec<Entity>,
    /// Problems recovered from while reading (with the place they occurred).
    pub warnings: Vec<String>,
}

impl ParsedList {
    /// Counts entities by schema, and names.
    pub fn counts(&self) -> ListCounts {
        let mut counts = ListCounts::default();
        for entity in &self.entities {
            match entity.schema {
                Schema::Person => counts.persons += 1,
                Schema::Organization => counts.organizations += 1,
                Schema::Vessel => counts.vessels += 1,
                Schema::Aircraft => counts.aircraft += 1,
            }
            counts.names += entity.names.len();
        }
        counts
    }

    /// Gives back unused capacity: of the entity list and of every entity
    /// ([`Entity::shrink_to_fit`]). Readers call it before returning.
    pub fn shrink_to_fit(&mut self) {
        self.entities.iter_mut().for_each(Entity::shrink_to_fit);
        self.entities.shrink_to_fit();
        self.warnings.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_parse_and_reject() {
        assert_eq!(
            PartialDate::parse_iso("1969-07-16"),
            PartialDate::new(1969, Some(7), Some(16))
        );
        assert_eq!(PartialDate::parse_iso("1969").unwrap().month, None);
        assert_eq!(PartialDate::parse_iso("2001-02-29"), None);
        assert!(PartialDate::parse_iso("2000-02-29").is_some());
        assert_eq!(PartialDate::parse_iso("19x9"), None);
        assert_eq!(PartialDate::parse_iso("1969-13"), None);
        assert_eq!(
            PartialDate::parse_iso("2026-02-27T00:00:09.554Z")
                .unwrap()
                .to_string(),
            "2026-02-27"
        );
    }

    #[test]
    fn push_name_deduplicates_and_strengthens() {
        let mut e = Entity::new("un", "X", Schema::Person);
        e.push_name(Name::new("A B", NameKind::Alias).with_quality(NameQuality::Weak));
        e.push_name(Name::new(" A B ", NameKind::Alias));
        e.push_name(Name::new("  ", NameKind::Alias));
        assert_eq!(e.names.len(), 1);
        assert_eq!(e.names[0].quality, NameQuality::Strong);
    }

    #[test]
    fn name_parts_are_absent_when_empty_and_json_is_unchanged() {
        let plain = Name::new("A B", NameKind::Primary);
        assert!(plain.parts().is_empty());
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("parts"), "{json}");
        // An empty parts object reads as no parts, so equality holds.
        let with_empty: Name = serde_json::from_str(
            r#"{"full":"A B","kind":"primary","quality":"strong","parts":{}}"#,
        )
        .unwrap();
        assert_eq!(with_empty, plain);
        assert_eq!(plain.clone().with_parts(NameParts::default()), plain);

        let parts = NameParts {
            family: Some("B".into()),
            ..NameParts::default()
        };
        let named = plain.with_parts(parts.clone());
        assert_eq!(named.parts(), &parts);
        let json = serde_json::to_string(&named).unwrap();
        assert!(json.ends_with(r#""parts":{"family":"B"}}"#), "{json}");
        assert_eq!(serde_json::from_str::<Name>(&json).unwrap(), named);
    }

    #[test]
    fn a_name_without_parts_stays_small() {
        // Full text, script and language (3 x 24 bytes), one pointer for
        // the parts, kind and quality: a list holds ~100,000 names.
        assert!(
            std::mem::size_of::<Name>() <= 88,
            "{}",
            std::mem::size_of::<Name>()
        );
    }

    #[test]
    fn shrinking_keeps_content_and_drops_spare_room() {
        let mut e = Entity::new("ofac", "1", Schema::Person);
        e.push_name(Name::new("A B", NameKind::Primary));
        e.nationalities.push("IR".into());
        let before = e.clone();
        assert!(e.names.capacity() > 1);
        e.shrink_to_fit();
        assert_eq!(e, before);
        assert_eq!(e.names.capacity(), 1);
        assert_eq!(e.nationalities.capacity(), 1);
    }

    #[test]
    fn schema_round_trips_through_json() {
        let json = serde_json::to_string(&Schema::Organization).unwrap();
        assert_eq!(json, "\"organization\"");
        assert_eq!(Schema::parse("Individual"), Some(Schema::Person));
        assert_eq!(Schema::parse("boat"), None);
    }

    #[test]
    fn birth_date_ranges() {
        let approx = BirthDate {
            qualifier: DateQualifier::Approximate,
            date: PartialDate::year(1970),
            to: None,
        };
        assert_eq!(approx.year_range(), (1969, 1971));
    }
}
