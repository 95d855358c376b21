//! FollowTheMoney as yente speaks it: which schemata a query may name and
//! which Cordon schemas answer it, the properties each schema has, a query
//! example cleaned as yente cleans it, and Cordon entities written as FtM
//! entities (with their sanctions nested).

use cordon_engine::catalog::last_change;
use cordon_model::{
    country, dates, Entity, IdentifierKind, NameKind, NameQuality, PartialDate, Schema,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// FtM schemata a query may name, and the Cordon schemas among their
/// matchable schemata (FtM's `Schema.matchable_schemata`: the schema, its
/// matchable ancestors and descendants). A Person query is never answered
/// with an Organization, a Company query is answered with organisations.
const QUERY_SCHEMATA: &[(&str, &[Schema])] = &[
    ("Person", &[Schema::Person]),
    ("Organization", &[Schema::Organization]),
    ("Company", &[Schema::Organization]),
    ("PublicBody", &[Schema::Organization]),
    ("LegalEntity", &[Schema::Person, Schema::Organization]),
    ("Vessel", &[Schema::Vessel]),
    ("Airplane", &[Schema::Aircraft]),
    // Matchable in FtM, but no Cordon list holds them: valid, never answered.
    ("Vehicle", &[]),
    ("BankAccount", &[]),
    ("CryptoWallet", &[]),
    ("Security", &[]),
    ("Address", &[]),
    // yente's base schema: any thing.
    (
        "Thing",
        &[
            Schema::Person,
            Schema::Organization,
            Schema::Vessel,
            Schema::Aircraft,
        ],
    ),
];

/// FtM schemata that exist but cannot be matched (yente refuses them with
/// "Non-matchable schema for query").
const OTHER_SCHEMATA: &[&str] = &[
    "Sanction",
    "Passport",
    "Identification",
    "Document",
    "Article",
    "Note",
    "Event",
    "Ownership",
    "Directorship",
    "Membership",
    "Family",
    "Associate",
    "Employment",
    "Position",
    "Occupancy",
    "Payment",
    "Interval",
    "Asset",
    "Value",
    "Mention",
];

/// Why a query's schema cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// Not an FtM schema.
    Unknown(String),
    /// An FtM schema that is not matchable.
    NotMatchable(String),
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::Unknown(s) => write!(f, "Schema does not exist: {s}"),
            SchemaError::NotMatchable(s) => write!(f, "Non-matchable schema for query: {s}"),
        }
    }
}

/// The Cordon schemas that may answer a query of FtM schema `name`.
pub fn answering_schemas(name: &str) -> Result<&'static [Schema], SchemaError> {
    if let Some((_, schemas)) = QUERY_SCHEMATA.iter().find(|(n, _)| *n == name) {
        return Ok(schemas);
    }
    if OTHER_SCHEMATA.contains(&name) {
        return Err(SchemaError::NotMatchable(name.to_string()));
    }
    Err(SchemaError::Unknown(name.to_string()))
}

/// The FtM schema name of a Cordon schema.
pub fn schema_name(schema: Schema) -> &'static str {
    match schema {
        Schema::Person => "Person",
        Schema::Organization => "Organization",
        Schema::Vessel => "Vessel",
        Schema::Aircraft => "Airplane",
    }
}

/// The Cordon schema an FtM schema name stands for in a filter
/// (`exclude_schema=Organization`), when there is one.
pub fn schema_of_name(name: &str) -> Option<Schema> {
    match name {
        "Person" => Some(Schema::Person),
        "Organization" => Some(Schema::Organization),
        "Vessel" => Some(Schema::Vessel),
        "Airplane" => Some(Schema::Aircraft),
        _ => None,
    }
}

const THING: &[&str] = &[
    "name",
    "alias",
    "weakAlias",
    "previousName",
    "summary",
    "description",
    "country",
    "notes",
    "sourceUrl",
    "keywords",
    "topics",
    "address",
    "program",
    "programId",
    "wikidataId",
    "createdAt",
    "modifiedAt",
    "retrievedAt",
];
const LEGAL_ENTITY: &[&str] = &[
    "email",
    "phone",
    "website",
    "legalForm",
    "incorporationDate",
    "dissolutionDate",
    "taxNumber",
    "registrationNumber",
    "idNumber",
    "vatCode",
    "jurisdiction",
    "mainCountry",
    "innCode",
    "ogrnCode",
    "okpoCode",
    "leiCode",
    "dunsCode",
    "uniqueEntityId",
    "swiftBic",
    "sector",
    "status",
    "classification",
    "opencorporatesUrl",
];
const PERSON: &[&str] = &[
    "title",
    "firstName",
    "secondName",
    "middleName",
    "fatherName",
    "motherName",
    "lastName",
    "nameSuffix",
    "birthDate",
    "birthPlace",
    "birthCountry",
    "deathDate",
    "nationality",
    "citizenship",
    "passportNumber",
    "socialSecurityNumber",
    "gender",
    "position",
    "religion",
    "education",
    "ethnicity",
    "political",
    "spokenLanguage",
];
const ORGANIZATION: &[&str] = &["cageCode", "permId", "imoNumber", "icijId", "okvedCode"];
const COMPANY: &[&str] = &[
    "capital",
    "jibCode",
    "ipoCode",
    "cikCode",
    "voenCode",
    "coatoCode",
];
const VESSEL: &[&str] = &[
    "imoNumber",
    "mmsi",
    "callSign",
    "flag",
    "buildDate",
    "registrationNumber",
    "type",
    "tonnage",
    "grossRegisteredTonnage",
    "navigationArea",
    "crsNumber",
    "pastFlags",
    "pastTypes",
    "owner",
    "operator",
    "model",
];
const AIRPLANE: &[&str] = &[
    "serialNumber",
    "icaoCode",
    "manufacturer",
    "model",
    "registrationNumber",
    "buildDate",
    "type",
    "owner",
    "operator",
];

/// Whether schema `schema` (an FtM name) has property `property`.
pub fn has_property(schema: &str, property: &str) -> bool {
    let groups: &[&[&str]] = match schema {
        "Person" => &[THING, LEGAL_ENTITY, PERSON],
        "Organization" | "PublicBody" => &[THING, LEGAL_ENTITY, ORGANIZATION],
        "Company" => &[THING, LEGAL_ENTITY, ORGANIZATION, COMPANY],
        "LegalEntity" => &[THING, LEGAL_ENTITY],
        "Vessel" => &[THING, VESSEL],
        "Airplane" => &[THING, AIRPLANE],
        _ => &[THING],
    };
    groups.iter().any(|g| g.contains(&property))
}

/// Properties whose values are countries (cleaned to lower-case ISO codes).
const COUNTRY_PROPERTIES: &[&str] = &[
    "country",
    "nationality",
    "citizenship",
    "jurisdiction",
    "birthCountry",
    "mainCountry",
    "flag",
    "pastFlags",
];
/// Properties whose values are dates (cleaned to ISO dates, as precise as given).
const DATE_PROPERTIES: &[&str] = &[
    "birthDate",
    "deathDate",
    "incorporationDate",
    "dissolutionDate",
    "buildDate",
    "createdAt",
    "modifiedAt",
    "retrievedAt",
];

/// Identifier properties a query may carry, all compared as identifiers.
pub const IDENTIFIER_PROPERTIES: &[&str] = &[
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "okpoCode",
    "imoNumber",
    "leiCode",
    "swiftBic",
    "vatCode",
    "socialSecurityNumber",
    "mmsi",
    "serialNumber",
    "icaoCode",
    "dunsCode",
    "uniqueEntityId",
];

/// One cleaned value of a property, or `None` when FtM would drop it.
fn clean_value(property: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if COUNTRY_PROPERTIES.contains(&property) {
        return country::to_code(value).map(str::to_ascii_lowercase);
    }
    if DATE_PROPERTIES.contains(&property) {
        return dates::parse_loose(value).map(|d| d.date.to_string());
    }
    Some(value.to_string())
}

/// A query example as yente echoes it: properties the schema lacks dropped,
/// countries as codes, dates as ISO strings, values once each, and a `name`
/// made from the name parts when none was given.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanExample {
    /// The caller's id, if given.
    pub id: Option<String>,
    /// The FtM schema.
    pub schema: String,
    /// Cleaned values by property.
    pub properties: BTreeMap<String, Vec<String>>,
}

impl CleanExample {
    /// Cleans raw property values (strings, or lists of strings and numbers).
    pub fn new(id: Option<String>, schema: &str, raw: &BTreeMap<String, Value>) -> CleanExample {
        let mut properties: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (property, value) in raw {
            if !has_property(schema, property) {
                continue;
            }
            for text in raw_strings(value) {
                if let Some(clean) = clean_value(property, &text) {
                    let values = properties.entry(property.clone()).or_default();
                    if !values.contains(&clean) {
                        values.push(clean);
                    }
                }
            }
        }
        combine_name_parts(&mut properties);
        CleanExample {
            id,
            schema: schema.to_string(),
            properties,
        }
    }

    /// The values of a property.
    pub fn get(&self, property: &str) -> &[String] {
        self.properties.get(property).map_or(&[], Vec::as_slice)
    }

    /// The echo: `{"id", "schema", "properties"}`.
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "schema": self.schema, "properties": self.properties})
    }
}

fn raw_strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Number(n) => vec![n.to_string()],
        Value::Array(items) => items.iter().flat_map(raw_strings).collect(),
        _ => Vec::new(),
    }
}

/// FtM's `combine_names`: a full name from the parts, when there is no name.
fn combine_name_parts(properties: &mut BTreeMap<String, Vec<String>>) {
    if properties.contains_key("name") {
        return;
    }
    let parts: Vec<String> = [
        "firstName",
        "secondName",
        "middleName",
        "fatherName",
        "lastName",
    ]
    .iter()
    .filter_map(|p| properties.get(*p).and_then(|v| v.first()).cloned())
    .collect();
    if !parts.is_empty() {
        properties.insert("name".into(), vec![parts.join(" ")]);
    }
}

/// A date as the timestamp yente's `first_seen` and friends carry, when it
/// is known to the day.
fn timestamp(date: Option<PartialDate>) -> Value {
    match date {
        Some(PartialDate {
            year,
            month: Some(m),
            day: Some(d),
        }) => json!(format!("{year:04}-{m:02}-{d:02}T00:00:00")),
        _ => Value::Null,
    }
}

/// What a written entity needs besides the entity: its list version's date
/// and the dataset names it is listed under.
pub struct ListContext {
    /// The publisher's version date of the entity's list (`2026-02-27`).
    pub version: Option<PartialDate>,
    /// Dataset names (`un`, `un_sc_sanctions`).
    pub datasets: Vec<String>,
}

/// FtM properties of an entity.
fn properties(entity: &Entity) -> Map<String, Value> {
    let mut props = Map::new();
    let mut put = |key: &str, values: Vec<String>| {
        let mut unique: Vec<String> = Vec::new();
        for v in values {
            if !v.is_empty() && !unique.contains(&v) {
                unique.push(v);
            }
        }
        if !unique.is_empty() {
            props.insert(key.to_string(), json!(unique));
        }
    };
    let names = |wanted: &dyn Fn(&cordon_model::Name) -> bool| -> Vec<String> {
        entity
            .names
            .iter()
            .filter(|n| wanted(n))
            .map(|n| n.full.clone())
            .collect()
    };
    put("name", vec![entity.caption().to_string()]);
    put(
        "alias",
        names(&|n| {
            matches!(
                n.kind,
                NameKind::Alias | NameKind::OriginalScript | NameKind::Primary
            ) && n.quality == NameQuality::Strong
                && n.full != entity.caption()
        }),
    );
    put("weakAlias", names(&|n| n.quality == NameQuality::Weak));
    put("previousName", names(&|n| n.kind == NameKind::Former));
    let birth_dates = entity
        .birth_dates
        .iter()
        .map(|d| d.date.to_string())
        .collect();
    put(
        if entity.schema == Schema::Person {
            "birthDate"
        } else {
            "buildDate"
        },
        birth_dates,
    );
    put(
        "birthPlace",
        entity.birth_places.iter().map(|p| p.text.clone()).collect(),
    );
    put(
        "nationality",
        entity
            .nationalities
            .iter()
            .map(|c| c.to_lowercase())
            .collect(),
    );
    put(
        "country",
        entity.countries.iter().map(|c| c.to_lowercase()).collect(),
    );
    put(
        "address",
        entity.addresses.iter().map(|a| a.text.clone()).collect(),
    );
    put("gender", entity.gender.iter().cloned().collect());
    let mut identifiers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for identifier in &entity.identifiers {
        identifiers
            .entry(identifier_property(entity.schema, &identifier.kind))
            .or_default()
            .push(identifier.number.clone());
    }
    for (key, numbers) in identifiers {
        put(key, numbers);
    }
    put("program", entity.designation.programmes.clone());
    put(
        "notes",
        entity.designation.remarks.iter().cloned().collect(),
    );
    put("topics", vec!["sanction".to_string()]);
    props
}

/// The FtM property an identifier goes to (vessels and aircraft have no
/// passport or tax number: their other numbers are registrations).
fn identifier_property(schema: Schema, kind: &IdentifierKind) -> &'static str {
    let party = matches!(schema, Schema::Person | Schema::Organization);
    match kind {
        IdentifierKind::Imo => "imoNumber",
        IdentifierKind::Bic => "swiftBic",
        IdentifierKind::Registration => "registrationNumber",
        IdentifierKind::Passport if party => "passportNumber",
        IdentifierKind::TaxId if party => "taxNumber",
        _ if party => "idNumber",
        _ => "registrationNumber",
    }
}

/// The entity's sanction as a nested FtM `Sanction` entity.
fn sanction(entity: &Entity, context: &ListContext) -> Value {
    let d = &entity.designation;
    let mut props = Map::new();
    props.insert("entity".into(), json!([entity.id]));
    props.insert("authority".into(), json!([authority(&d.source)]));
    if !d.programmes.is_empty() {
        props.insert("program".into(), json!(d.programmes));
    }
    if let Some(listed) = d.listed_on {
        props.insert("listingDate".into(), json!([listed.to_string()]));
    }
    if let Some(remarks) = &d.remarks {
        props.insert("reason".into(), json!([remarks]));
    }
    json!({
        "id": format!("{}-sanction", entity.id),
        "caption": authority(&d.source),
        "schema": "Sanction",
        "properties": props,
        "datasets": context.datasets,
        "referents": [],
        "target": false,
        "first_seen": timestamp(d.listed_on),
        "last_seen": timestamp(context.version),
        "last_change": timestamp(last_change(entity)),
    })
}

/// The publisher of a source's list, in words.
fn authority(source: &str) -> String {
    match source {
        "un" => "United Nations Security Council".into(),
        "ofac" => "US Office of Foreign Assets Control (OFAC)".into(),
        "eu" => "European Union".into(),
        "uk" => "UK HM Treasury / Foreign, Commonwealth and Development Office".into(),
        "ca" => "Global Affairs Canada".into(),
        "us_csl" => "US Department of Commerce / State / Treasury (CSL)".into(),
        other => format!("publisher of the `{other}` list"),
    }
}

/// An entity as FtM JSON (yente's `EntityResponse`); with `nested`, its
/// sanction as a nested entity under `properties.sanctions`.
pub fn entity_json(entity: &Entity, context: &ListContext, nested: bool) -> Map<String, Value> {
    let mut props = properties(entity);
    if nested {
        props.insert("sanctions".into(), json!([sanction(entity, context)]));
    }
    let value = json!({
        "id": entity.id,
        "caption": entity.caption(),
        "schema": schema_name(entity.schema),
        "properties": props,
        "datasets": context.datasets,
        "referents": [],
        "target": true,
        "first_seen": timestamp(entity.designation.listed_on),
        "last_seen": timestamp(context.version),
        "last_change": timestamp(last_change(entity)),
        "source_id": entity.designation.source_id,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Name, NameKind};

    #[test]
    fn query_schemata_map_to_matchable_cordon_schemas() {
        assert_eq!(answering_schemas("Person").unwrap(), [Schema::Person]);
        assert_eq!(
            answering_schemas("Company").unwrap(),
            [Schema::Organization]
        );
        assert_eq!(answering_schemas("LegalEntity").unwrap().len(), 2);
        assert!(answering_schemas("Vehicle").unwrap().is_empty());
        assert_eq!(
            answering_schemas("Sanction"),
            Err(SchemaError::NotMatchable("Sanction".into()))
        );
        assert_eq!(
            answering_schemas("xxx"),
            Err(SchemaError::Unknown("xxx".into()))
        );
    }

    #[test]
    fn examples_are_cleaned_as_yente_cleans_them() {
        let raw: BTreeMap<String, Value> = serde_json::from_value(json!({
            "firstName": "Vladimir", "lastName": ["Putin"], "birthDate": ["7 October 1952", "soon"],
            "country": "Russia", "nationality": ["ru", "RU", "Atlantis"], "banana": ["x"],
            "imoNumber": ["9187629"], "idNumber": [12345]
        }))
        .unwrap();
        let clean = CleanExample::new(Some("q1".into()), "Person", &raw);
        assert_eq!(clean.get("name"), ["Vladimir Putin"]);
        assert_eq!(clean.get("birthDate"), ["1952-10-07"]);
        assert_eq!(clean.get("country"), ["ru"]);
        assert_eq!(clean.get("nationality"), ["ru"]);
        assert_eq!(clean.get("idNumber"), ["12345"]);
        // Unknown properties, and properties a Person lacks, are dropped.
        assert!(clean.get("banana").is_empty());
        assert!(clean.get("imoNumber").is_empty());
        assert_eq!(clean.to_json()["id"], "q1");
    }

    #[test]
    fn entities_are_written_as_ftm_with_their_sanction() {
        let mut e = Entity::new("un", "QDi.290", Schema::Person);
        e.names
            .push(Name::new("Doku Khamatovich Umarov", NameKind::Primary));
        e.names.push(Name::new("Dokka Umarov", NameKind::Alias));
        e.designation.listed_on = PartialDate::new(2011, Some(3), Some(10));
        let context = ListContext {
            version: PartialDate::new(2025, Some(4), Some(19)),
            datasets: vec!["un".into(), "un_sc_sanctions".into()],
        };
        let json = Value::Object(entity_json(&e, &context, true));
        assert_eq!(json["schema"], "Person");
        assert_eq!(json["properties"]["alias"], json!(["Dokka Umarov"]));
        assert_eq!(json["first_seen"], "2011-03-10T00:00:00");
        assert_eq!(json["last_seen"], "2025-04-19T00:00:00");
        let sanction = &json["properties"]["sanctions"][0];
        assert_eq!(sanction["schema"], "Sanction");
        assert_eq!(sanction["properties"]["listingDate"], json!(["2011-03-10"]));
        assert_eq!(sanction["properties"]["entity"], json!(["un:QDi.290"]));
    }
}
