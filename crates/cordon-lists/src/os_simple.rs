//! OpenSanctions `targets.simple.csv`: one row per target, with the columns
//! `id, schema, name, aliases, birth_date, countries, addresses, identifiers,
//! sanctions, phones, emails, dataset, first_seen, last_seen[, last_change]`;
//! multiple values in a cell are separated by `;`.
//!
//! Read as its own format, not as a generic CSV, so the `schema` column gives
//! each row its kind (a company is not an untyped person). `name` is the
//! primary name and `aliases` the aliases; `countries` are ISO codes of every
//! kind of country link (FtM's `country`, `nationality`, `jurisdiction`
//! merged), so they go to [`cordon_model::Entity::countries`], not to
//! nationalities; `identifiers` have no kind in this export (IMO numbers are
//! recognised by their prefix); `sanctions` and `dataset` go to the remarks;
//! `first_seen` is the listing date, `last_change` (or `last_seen`) the last
//! update, and the version is the latest of those in the file. Rows of other
//! schemas are skipped and counted in one warning.

use crate::ftm::schema_of;
use crate::generic::{field, identifier, loose_date, split_values, Columns, CsvRows};
use crate::text::{self, non_empty, push_unique, scripted};
use crate::{Error, ParsedList, Result};
use cordon_model::identifier::{comparable, imo_check_digit_ok};
use cordon_model::{Address, Entity, IdentifierKind, Name, NameKind};
use std::collections::BTreeMap;

/// The columns that make a CSV an OpenSanctions simple export.
pub(crate) const SIGNATURE: [&str; 4] = ["id", "schema", "name", "aliases"];

/// Column positions.
struct Layout {
    id: usize,
    schema: usize,
    name: usize,
    aliases: usize,
    birth_date: Option<usize>,
    countries: Option<usize>,
    addresses: Option<usize>,
    identifiers: Option<usize>,
    sanctions: Option<usize>,
    dataset: Option<usize>,
    first_seen: Option<usize>,
    last_change: Option<usize>,
}

impl Layout {
    fn new(header: &Columns) -> Result<Layout> {
        let [id, schema, name, aliases] = header.require(SIGNATURE, 1)?;
        Ok(Layout {
            id,
            schema,
            name,
            aliases,
            birth_date: header.index("birth_date"),
            countries: header.index("countries"),
            addresses: header.index("addresses"),
            identifiers: header.index("identifiers"),
            sanctions: header.index("sanctions"),
            dataset: header.index("dataset"),
            first_seen: header.index("first_seen"),
            last_change: header
                .index("last_change")
                .or_else(|| header.index("last_seen")),
        })
    }
}

/// Reads an OpenSanctions `targets.simple.csv` export.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    let (content, warning) = text::decode(bytes);
    let mut list = ParsedList {
        source: "opensanctions".into(),
        ..ParsedList::default()
    };
    list.warnings.extend(warning);
    let mut rows = CsvRows::new(&content, b',', 0);
    let header = rows
        .next_row()?
        .ok_or_else(|| Error::Format("the OpenSanctions CSV is empty (no header row)".into()))?;
    let layout = Layout::new(&Columns::new(&header))?;
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(row) = rows.next_row()? {
        let line = rows.line();
        let id = non_empty(field(&row, Some(layout.id))).ok_or_else(|| Error::Line {
            line,
            message: "empty id".into(),
        })?;
        let schema_text = field(&row, Some(layout.schema)).trim();
        let Some(schema) = schema_of(schema_text) else {
            *skipped.entry(schema_text.to_string()).or_default() += 1;
            continue;
        };
        let mut entity = Entity::new(&list.source, &id, schema);
        add_row(&mut entity, &row, &layout);
        if entity.names.is_empty() {
            return Err(Error::Line {
                line,
                message: format!("target {id} has no name"),
            });
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
        let kinds: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        list.warnings.push(format!(
            "rows of schemas Cordon does not screen were skipped: {}",
            kinds.join(", ")
        ));
    }
    Ok(list)
}

fn add_row(entity: &mut Entity, row: &csv::StringRecord, at: &Layout) {
    let values = |index: Option<usize>| split_values(field(row, index), ';');
    if let Some(name) = non_empty(field(row, Some(at.name))) {
        entity.push_name(scripted(Name::new(name, NameKind::Primary)));
    }
    for alias in values(Some(at.aliases)) {
        entity.push_name(scripted(Name::new(alias, NameKind::Alias)));
    }
    for date in values(at.birth_date) {
        if let Some(date) = crate::generic::birth_date(&date) {
            push_unique(&mut entity.birth_dates, date);
        }
    }
    for country in values(at.countries) {
        if let Some(code) = text::country_code(&country) {
            push_unique(&mut entity.countries, code);
        }
    }
    for address in values(at.addresses) {
        push_unique(
            &mut entity.addresses,
            Address {
                text: address,
                ..Address::default()
            },
        );
    }
    for number in values(at.identifiers) {
        // `IMO 1234567` is the one identifier whose kind its text gives away.
        let imo = number.trim().to_ascii_uppercase().starts_with("IMO")
            && imo_check_digit_ok(&comparable(&number));
        let document = if imo {
            identifier(IdentifierKind::Imo, comparable(&number))
        } else {
            identifier(IdentifierKind::Other("identifier".into()), number)
        };
        push_unique(&mut entity.identifiers, document);
    }
    let designation = &mut entity.designation;
    designation.listed_on = loose_date(field(row, at.first_seen));
    designation.last_updated = loose_date(field(row, at.last_change));
    let remarks: Vec<String> = values(at.sanctions)
        .into_iter()
        .map(|s| format!("Sanction: {s}"))
        .chain(non_empty(field(row, at.dataset)).map(|d| format!("Dataset: {d}")))
        .collect();
    if !remarks.is_empty() {
        designation.remarks = Some(remarks.join("\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::Schema;

    const COR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/ftm/opensanctions_targets.simple_eu_cor_2022-08-08.csv"
    );
    const PEPS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/ftm/opensanctions_wd_persons_targets.simple_2024-03-10.csv"
    );

    /// Data rows counted by a plain quote-aware scan, independent of the csv crate.
    fn rows_by_scan(text: &str) -> usize {
        let mut in_quotes = false;
        let mut records = 0;
        let mut filled = false;
        for c in text.chars() {
            match c {
                '"' => in_quotes = !in_quotes,
                '\n' if !in_quotes => {
                    if filled {
                        records += 1;
                    }
                    filled = false;
                }
                '\r' => {}
                _ => filled = true,
            }
        }
        records + usize::from(filled) - 1
    }

    #[test]
    fn counts_match_the_files() {
        for path in [COR, PEPS] {
            let text = std::fs::read_to_string(path).unwrap();
            let list = read(text.as_bytes()).unwrap();
            assert_eq!(list.entities.len(), rows_by_scan(&text), "{path}");
            assert_eq!(
                list.counts().persons,
                text.matches("\",\"Person\",\"").count()
            );
        }
        assert_eq!(
            read(&std::fs::read(COR).unwrap()).unwrap().entities.len(),
            635
        );
    }

    #[test]
    fn detected_as_its_own_format_with_typed_fields() {
        let bytes = std::fs::read(PEPS).unwrap();
        assert_eq!(
            crate::detect(&bytes).unwrap(),
            crate::Format::OpenSanctionsCsv
        );
        let list = read(&bytes).unwrap();
        assert_eq!(list.version.as_deref(), Some("2024-03-10"));
        let e = &list.entities[0];
        assert_eq!(
            (e.id.as_str(), e.schema),
            ("opensanctions:Q296771", Schema::Person)
        );
        assert_eq!(e.caption(), "Saad Hariri");
        assert_eq!(e.names.len(), 3);
        assert_eq!(e.countries, ["FR", "LB", "SA"]);
        assert_eq!(e.birth_dates[0].date.to_string(), "1970-04-18");
        insta::assert_json_snapshot!("os_simple_Q296771", e);
    }

    #[test]
    fn other_schemas_are_skipped_with_a_warning() {
        let csv = "\"id\",\"schema\",\"name\",\"aliases\"\n\"a\",\"Company\",\"ACME LTD\",\"\"\n\"b\",\"Address\",\"x\",\"\"\n";
        let list = read(csv.as_bytes()).unwrap();
        assert_eq!(list.entities.len(), 1);
        assert_eq!(list.entities[0].schema, Schema::Organization);
        assert!(
            list.warnings[0].contains("1 Address"),
            "{:?}",
            list.warnings
        );
        let err = read(b"\"id\",\"schema\",\"name\",\"aliases\"\n\"a\",\"Person\",\"\",\"\"\n")
            .unwrap_err();
        assert!(matches!(err, Error::Line { line: 2, .. }), "{err}");
    }
}
