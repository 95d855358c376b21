//! FollowTheMoney JSON lines, as OpenSanctions exports them
//! (`entities.ftm.json`): one JSON object per line with `id`, `schema`,
//! `properties` (every value a list), `datasets`, `first_seen` and
//! `last_change`.
//!
//! Schemas read: `Person`; `Organization`, `Company`, `LegalEntity`,
//! `PublicBody` (as organisations); `Vessel`; `Airplane`. Other schemas
//! (`Address`, `Sanction`, `Identification`, ...) are skipped and counted in
//! one warning. The first `name` is the primary name, further `name` and all
//! `alias` values are aliases, `weakAlias` weak aliases and `previousName`
//! former names. `source_id` is the FtM `id`; the source is `opensanctions`
//! (see [`read_with_source`] for another). `listed_on` is `first_seen`,
//! `last_updated` is `last_change`, and the version is the latest
//! `last_change` in the file.

use crate::generic::{birth_date, identifier, loose_date};
use crate::text::{self, non_empty, push_unique, scripted};
use crate::{Error, ParsedList, Result, MAX_FIELD_BYTES};
use cordon_model::{
    Address, Entity, IdentifierKind, Name, NameKind, NameParts, NameQuality, Place, Schema,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// One line of an FtM export, as far as we read it.
#[derive(Deserialize)]
struct FtmEntity {
    id: String,
    schema: String,
    #[serde(default)]
    properties: HashMap<String, Vec<serde_json::Value>>,
    #[serde(default)]
    datasets: Vec<String>,
    #[serde(default)]
    first_seen: Option<String>,
    #[serde(default)]
    last_change: Option<String>,
}

impl FtmEntity {
    /// The string values of a property (nested entities are ignored).
    fn values(&self, property: &str) -> Vec<String> {
        self.properties
            .get(property)
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str())
                    .filter_map(non_empty)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The single value of a property, if there is exactly one.
    fn single(&self, property: &str) -> Option<String> {
        let mut values = self.values(property);
        (values.len() == 1).then(|| values.pop()).flatten()
    }
}

/// Reads FtM JSON lines with the source `opensanctions`.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    read_with_source(bytes, "opensanctions")
}

/// Reads FtM JSON lines, naming the list `source`.
pub fn read_with_source(bytes: &[u8], source: &str) -> Result<ParsedList> {
    let (content, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: source.to_string(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut nameless = 0usize;
    for (number, line) in content.lines().enumerate() {
        let line_number = number as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.len() > MAX_FIELD_BYTES {
            return Err(Error::Line {
                line: line_number,
                message: format!(
                    "a line of {} bytes is larger than the {MAX_FIELD_BYTES} byte limit",
                    line.len()
                ),
            });
        }
        let ftm: FtmEntity = serde_json::from_str(line).map_err(|e| Error::Line {
            line: line_number,
            message: format!("not a FollowTheMoney JSON object: {e}"),
        })?;
        let Some(schema) = schema_of(&ftm.schema) else {
            *skipped.entry(ftm.schema.clone()).or_default() += 1;
            continue;
        };
        let entity = entity_of(&ftm, source, schema);
        if entity.names.is_empty() {
            nameless += 1;
            continue;
        }
        list.entities.push(entity);
    }
    list.version = list
        .entities
        .iter()
        .filter_map(|e| e.designation.last_updated)
        .max()
        .map(|d| d.to_string());
    if !skipped.is_empty() {
        let total: usize = skipped.values().sum();
        let detail: Vec<String> = skipped.iter().map(|(s, n)| format!("{s}: {n}")).collect();
        list.warnings.push(format!(
            "skipped {total} entities of other schemas ({})",
            detail.join(", ")
        ));
    }
    if nameless > 0 {
        list.warnings
            .push(format!("skipped {nameless} entities without any name"));
    }
    Ok(list)
}

pub(crate) fn schema_of(schema: &str) -> Option<Schema> {
    match schema {
        "Person" => Some(Schema::Person),
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => Some(Schema::Organization),
        "Vessel" => Some(Schema::Vessel),
        "Airplane" => Some(Schema::Aircraft),
        _ => None,
    }
}

fn entity_of(ftm: &FtmEntity, source: &str, schema: Schema) -> Entity {
    let mut entity = Entity::new(source, &ftm.id, schema);
    add_names(&mut entity, ftm);
    for date in ftm
        .values("birthDate")
        .iter()
        .chain(&ftm.values("buildDate"))
    {
        if let Some(date) = birth_date(date) {
            push_unique(&mut entity.birth_dates, date);
        }
    }
    for place in ftm.values("birthPlace") {
        push_unique(
            &mut entity.birth_places,
            Place {
                text: place,
                country: None,
            },
        );
    }
    for code in ftm
        .values("nationality")
        .iter()
        .chain(&ftm.values("citizenship"))
    {
        if let Some(code) = text::country_code(code) {
            push_unique(&mut entity.nationalities, code);
        }
    }
    for property in ["country", "jurisdiction", "flag", "mainCountry"] {
        for code in ftm
            .values(property)
            .iter()
            .filter_map(|c| text::country_code(c))
        {
            push_unique(&mut entity.countries, code);
        }
    }
    add_identifiers(&mut entity, ftm);
    for address in ftm.values("address") {
        push_unique(
            &mut entity.addresses,
            Address {
                text: address,
                ..Address::default()
            },
        );
    }
    entity.gender = ftm
        .values("gender")
        .into_iter()
        .next()
        .map(|g| g.to_ascii_lowercase());
    let designation = &mut entity.designation;
    for programme in ftm
        .values("program")
        .into_iter()
        .chain(ftm.values("programId"))
        .chain(ftm.datasets.iter().filter_map(|d| non_empty(d)))
    {
        push_unique(&mut designation.programmes, programme);
    }
    designation.listed_on = ftm.first_seen.as_deref().and_then(loose_date);
    designation.last_updated = ftm.last_change.as_deref().and_then(loose_date);
    let notes: Vec<String> = ftm
        .values("notes")
        .into_iter()
        .chain(ftm.values("summary"))
        .collect();
    designation.remarks = (!notes.is_empty()).then(|| notes.join("\n"));
    entity
}

fn add_names(entity: &mut Entity, ftm: &FtmEntity) {
    let parts = NameParts {
        first: ftm.single("firstName"),
        second: ftm.single("secondName"),
        middle: ftm.single("middleName"),
        family: ftm.single("lastName"),
        patronymic: ftm
            .single("fatherName")
            .or_else(|| ftm.single("patronymic")),
        title: ftm.single("title"),
        ..NameParts::default()
    };
    for (i, name) in ftm.values("name").into_iter().enumerate() {
        let named = if i == 0 {
            scripted(Name::new(name, NameKind::Primary)).with_parts(parts.clone())
        } else {
            scripted(Name::new(name, NameKind::Alias))
        };
        entity.push_name(named);
    }
    for alias in ftm.values("alias") {
        entity.push_name(scripted(Name::new(alias, NameKind::Alias)));
    }
    for weak in ftm.values("weakAlias") {
        entity
            .push_name(scripted(Name::new(weak, NameKind::Alias)).with_quality(NameQuality::Weak));
    }
    for former in ftm.values("previousName") {
        entity.push_name(scripted(Name::new(former, NameKind::Former)));
    }
    // An entity with only parts (no `name`): build the name from them.
    if entity.names.is_empty() {
        let full = [&parts.first, &parts.middle, &parts.family]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        entity.push_name(scripted(Name::new(full, NameKind::Primary)).with_parts(parts));
    }
}

fn add_identifiers(entity: &mut Entity, ftm: &FtmEntity) {
    let kinds = [
        ("passportNumber", IdentifierKind::Passport),
        ("idNumber", IdentifierKind::NationalId),
        ("innCode", IdentifierKind::TaxId),
        ("taxNumber", IdentifierKind::TaxId),
        ("vatCode", IdentifierKind::TaxId),
        ("registrationNumber", IdentifierKind::Registration),
        ("ogrnCode", IdentifierKind::Registration),
        ("imoNumber", IdentifierKind::Imo),
        ("swiftBic", IdentifierKind::Bic),
    ];
    for (property, kind) in kinds {
        for number in ftm.values(property) {
            push_unique(&mut entity.identifiers, identifier(kind.clone(), number));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ftm_sample.jsonl"
    );

    fn fixture() -> ParsedList {
        read(&std::fs::read(FIXTURE).unwrap()).unwrap()
    }

    #[test]
    fn reads_parties_and_skips_the_rest() {
        let list = fixture();
        let text = std::fs::read_to_string(FIXTURE).unwrap();
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(lines, 8);
        // 6 parties (2 Person, 1 Company, 1 Organization, 1 Vessel, 1 Airplane); 2 others.
        assert_eq!(list.entities.len(), 6);
        let counts = list.counts();
        assert_eq!(
            (
                counts.persons,
                counts.organizations,
                counts.vessels,
                counts.aircraft
            ),
            (2, 2, 1, 1)
        );
        assert!(
            list.warnings
                .iter()
                .any(|w| w == "skipped 2 entities of other schemas (Address: 1, Sanction: 1)"),
            "{:?}",
            list.warnings
        );
        assert_eq!(list.version.as_deref(), Some("2025-01-20"));
    }

    #[test]
    fn person_fields() {
        let list = fixture();
        let e = &list.entities[0];
        assert_eq!(e.id, "opensanctions:test-person-1");
        assert_eq!(e.caption(), "Timur Rakhimovich Nazarov");
        assert_eq!(
            e.names[0].parts().patronymic.as_deref(),
            Some("Rakhimovich")
        );
        let cyrillic = e
            .names
            .iter()
            .find(|n| n.full == "Тимур Рахимович Назаров")
            .unwrap();
        assert_eq!(
            (cyrillic.kind, cyrillic.script.as_deref()),
            (NameKind::Alias, Some("Cyrl"))
        );
        let weak = e.names.iter().find(|n| n.full == "Timka").unwrap();
        assert_eq!(weak.quality, NameQuality::Weak);
        let former = e.names.iter().find(|n| n.kind == NameKind::Former).unwrap();
        assert_eq!(former.full, "Timur Nazarow");
        assert_eq!(e.birth_dates[0].date.to_string(), "1978-06-15");
        assert_eq!(e.nationalities, ["RU"]);
        assert_eq!(e.identifiers[0].kind, IdentifierKind::Passport);
        assert_eq!(e.gender.as_deref(), Some("male"));
        assert_eq!(e.designation.programmes, ["RU-UKR", "test_dataset"]);
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2022-03-01");
        let arabic = &list.entities[1];
        assert_eq!(arabic.names[0].script.as_deref(), Some("Arab"));
        assert_eq!(arabic.names[0].full, "عبد الله محمد الفلاني");
        assert_eq!(arabic.nationalities, ["AF"]);
    }

    #[test]
    fn other_schemas_and_identifiers() {
        let list = fixture();
        let vessel = list
            .entities
            .iter()
            .find(|e| e.schema == Schema::Vessel)
            .unwrap();
        assert_eq!(vessel.identifiers[0].kind, IdentifierKind::Imo);
        assert_eq!(vessel.identifiers[0].number, "9000001");
        let company = list
            .entities
            .iter()
            .find(|e| e.id.ends_with("test-company-1"))
            .unwrap();
        let kinds: Vec<&IdentifierKind> = company.identifiers.iter().map(|i| &i.kind).collect();
        assert_eq!(
            kinds,
            [
                &IdentifierKind::TaxId,
                &IdentifierKind::Registration,
                &IdentifierKind::Bic
            ]
        );
        assert_eq!(company.caption(), "ООО «Вымышленная Торговля»");
        let custom = read_with_source(&std::fs::read(FIXTURE).unwrap(), "os-default").unwrap();
        assert_eq!(custom.entities[0].id, "os-default:test-person-1");
    }

    #[test]
    fn bad_lines_are_errors_with_line_numbers() {
        let err = read(
            b"{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n\n{oops\n",
        )
        .unwrap_err();
        assert!(matches!(err, Error::Line { line: 3, .. }), "{err}");
        let bytes = std::fs::read(FIXTURE).unwrap();
        let cut = &bytes[..bytes.len() - 20];
        let lines = String::from_utf8_lossy(cut).lines().count() as u64;
        assert!(matches!(read(cut), Err(Error::Line { line, .. }) if line == lines));
        let err = read(b"{\"schema\":\"Person\"}\n").unwrap_err();
        assert!(err.to_string().contains("id"), "{err}");
    }
}
