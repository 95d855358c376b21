//! Looking the indexed lists up the way catalogue clients do (yente's
//! `/match`, `/search` and `/entities`): filter entities by source, schema,
//! country, id and change date; match several names of one party and keep
//! each entity's best score; find entities by an identifier alone; rank a
//! free-text search. Pure functions over an [`Index`]; the HTTP shapes live
//! in `cordon-server`.

use cordon_match::{Index, Match, Query, ScreenOptions};
use cordon_model::{Entity, PartialDate, Schema};
use std::collections::{BTreeMap, BTreeSet};

/// Which entities a lookup may answer with. Empty sets mean "no restriction"
/// (for the `only_*` fields) or "nothing excluded" (for the `excluded_*` ones).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityFilter {
    /// Sources (`un`, `ofac`, ...) an entity must come from; empty: any.
    pub only_sources: BTreeSet<String>,
    /// Sources whose entities are left out.
    pub excluded_sources: BTreeSet<String>,
    /// Schemas an entity must have; empty: any.
    pub only_schemas: Vec<Schema>,
    /// Schemas left out.
    pub excluded_schemas: Vec<Schema>,
    /// ISO alpha-2 codes (any case): an entity must be linked to one of them
    /// (nationality or other country); empty: any.
    pub countries: Vec<String>,
    /// Entity ids (`un:QDi.290`) or publisher ids (`QDi.290`) left out.
    pub excluded_ids: BTreeSet<String>,
    /// Only entities whose [`last_change`] is on or after this date.
    pub changed_since: Option<PartialDate>,
}

impl EntityFilter {
    /// True when `entity` passes every restriction.
    pub fn admits(&self, entity: &Entity) -> bool {
        let source = entity.designation.source.as_str();
        (self.only_sources.is_empty() || self.only_sources.contains(source))
            && !self.excluded_sources.contains(source)
            && (self.only_schemas.is_empty() || self.only_schemas.contains(&entity.schema))
            && !self.excluded_schemas.contains(&entity.schema)
            && self.admits_country(entity)
            && !self.excluded_ids.contains(&entity.id)
            && !self.excluded_ids.contains(&entity.designation.source_id)
            && self.admits_change(entity)
    }

    fn admits_country(&self, entity: &Entity) -> bool {
        self.countries.is_empty()
            || entity
                .nationalities
                .iter()
                .chain(&entity.countries)
                .any(|c| self.countries.iter().any(|w| w.eq_ignore_ascii_case(c)))
    }

    /// An entity without a known change date is left out of a `changed_since`
    /// lookup: nothing says it changed since then.
    fn admits_change(&self, entity: &Entity) -> bool {
        match &self.changed_since {
            None => true,
            Some(since) => last_change(entity).is_some_and(|at| !date_before(&at, since)),
        }
    }
}

/// True when `a` is before `b`, comparing only as far as both are precise
/// (a year-only date is not before a day in the same year).
fn date_before(a: &PartialDate, b: &PartialDate) -> bool {
    let key = |d: &PartialDate, month: Option<u8>, day: Option<u8>| (d.year, month, day);
    let month = a.month.zip(b.month);
    let day = month.and(a.day.zip(b.day));
    key(a, month.map(|m| m.0), day.map(|d| d.0)) < key(b, month.map(|m| m.1), day.map(|d| d.1))
}

/// When the publisher last changed the entry: its update date, else its
/// listing date (a listing is the first change), else unknown.
pub fn last_change(entity: &Entity) -> Option<PartialDate> {
    entity
        .designation
        .last_updated
        .or(entity.designation.listed_on)
}

/// Screens every name of one party and keeps each admitted entity's best
/// match at or above `options.threshold`, best first (ties by entity id, so
/// the order is stable). `options.limit` bounds each name's candidates, not
/// the answer: the caller counts the total before cutting it.
pub fn match_names(
    index: &Index,
    names: &[String],
    query: &Query,
    options: &ScreenOptions,
    filter: &EntityFilter,
) -> Vec<Match> {
    let mut best: BTreeMap<String, Match> = BTreeMap::new();
    for name in names {
        let mut one = query.clone();
        one.name = name.clone();
        for found in index.screen(&one, options) {
            let admitted = index
                .entity(&found.entity_id)
                .is_some_and(|e| filter.admits(e));
            if admitted
                && best
                    .get(&found.entity_id)
                    .is_none_or(|b| b.score < found.score)
            {
                best.insert(found.entity_id.clone(), found);
            }
        }
    }
    let mut matches: Vec<Match> = best.into_values().collect();
    sort_best_first(&mut matches);
    matches
}

fn sort_best_first(matches: &mut [Match]) {
    matches.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entity_id.cmp(&b.entity_id))
    });
}

/// An identifier as compared: letters and digits only, upper case
/// (`IMO 9187629`, `imo9187629` and `9187629` differ only by the prefix,
/// which [`identifier_key`] drops too when it is a known scheme name).
pub fn identifier_key(number: &str) -> String {
    let plain: String = number
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    // Publishers and users write the scheme in front of the number or not.
    ["IMO", "INN", "OGRN"]
        .iter()
        .find_map(|scheme| {
            plain
                .strip_prefix(scheme)
                .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .unwrap_or(&plain)
        .to_string()
}

/// Shortest identifier compared at all: shorter numbers (`12`, `A1`) are
/// shared by unrelated documents of different schemes, so an equal one says
/// nothing about the party.
pub const MIN_IDENTIFIER_CHARS: usize = 5;

/// Admitted entities holding one of `numbers` as an identifier (compared by
/// [`identifier_key`]), in index order, each once.
pub fn entities_with_identifier<'a>(
    index: &'a Index,
    numbers: &[String],
    filter: &EntityFilter,
) -> Vec<&'a Entity> {
    let wanted: BTreeSet<String> = numbers
        .iter()
        .map(|n| identifier_key(n))
        .filter(|k| k.chars().count() >= MIN_IDENTIFIER_CHARS)
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    index
        .entities()
        .iter()
        .filter(|e| {
            e.identifiers
                .iter()
                .any(|i| wanted.contains(&identifier_key(&i.number)))
        })
        .filter(|e| filter.admits(e))
        .collect()
}

/// One entity found by a text search, with its score when the text was
/// compared (an empty text lists entities unscored).
#[derive(Debug, Clone)]
pub struct SearchHit<'a> {
    /// The entity.
    pub entity: &'a Entity,
    /// The name match, when a text was given.
    pub matched: Option<Match>,
}

/// Most candidates a text search ranks: a search box pages through the
/// best few hundred; deeper pages of a fuzzy name search are noise.
pub const SEARCH_CANDIDATES: usize = 1_000;

/// Every admitted entity for `text`, best first: with a text, the entities
/// whose names match it at or above `floor` (at most [`SEARCH_CANDIDATES`]);
/// without one, every admitted entity in index order.
pub fn search<'a>(
    index: &'a Index,
    text: &str,
    floor: f64,
    filter: &EntityFilter,
) -> Vec<SearchHit<'a>> {
    if text.trim().is_empty() {
        return index
            .entities()
            .iter()
            .filter(|e| filter.admits(e))
            .map(|entity| SearchHit {
                entity,
                matched: None,
            })
            .collect();
    }
    let options = ScreenOptions {
        threshold: floor,
        limit: SEARCH_CANDIDATES,
    };
    let query = Query::name(text);
    match_names(index, &[text.to_string()], &query, &options, filter)
        .into_iter()
        .filter_map(|m| {
            index.entity(&m.entity_id).map(|entity| SearchHit {
                entity,
                matched: Some(m),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Identifier, IdentifierKind, Name, NameKind};

    fn person(source: &str, id: &str, name: &str) -> Entity {
        let mut e = Entity::new(source, id, Schema::Person);
        e.names.push(Name::new(name, NameKind::Primary));
        e
    }

    fn vessel(id: &str, name: &str, imo: &str) -> Entity {
        let mut e = Entity::new("ofac", id, Schema::Vessel);
        e.names.push(Name::new(name, NameKind::Primary));
        e.identifiers.push(Identifier {
            kind: IdentifierKind::Imo,
            number: imo.into(),
            country: None,
            note: None,
        });
        e
    }

    #[test]
    fn identifiers_compare_without_punctuation_case_or_scheme() {
        assert_eq!(identifier_key("IMO 9187629"), "9187629");
        assert_eq!(identifier_key("imo-9187629"), "9187629");
        assert_eq!(identifier_key("ab 12.34"), "AB1234");
        // A word starting like a scheme is not a scheme.
        assert_eq!(identifier_key("IMOGEN1"), "IMOGEN1");
    }

    #[test]
    fn an_identifier_alone_finds_its_entity_and_short_numbers_find_nothing() {
        let index = Index::build(vec![
            vessel("1", "Sea Star", "IMO 9187629"),
            person("un", "QDi.1", "Someone Else"),
        ]);
        let filter = EntityFilter::default();
        let found = entities_with_identifier(&index, &["9187629".into()], &filter);
        assert_eq!(
            found.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["ofac:1"]
        );
        assert!(entities_with_identifier(&index, &["629".into()], &filter).is_empty());
        let other_source = EntityFilter {
            only_sources: ["un".to_string()].into(),
            ..EntityFilter::default()
        };
        assert!(entities_with_identifier(&index, &["9187629".into()], &other_source).is_empty());
    }

    #[test]
    fn filters_restrict_by_source_schema_id_and_change_date() {
        let mut e = person("un", "QDi.290", "Doku Umarov");
        e.nationalities.push("RU".into());
        e.designation.listed_on = PartialDate::new(2011, Some(3), Some(10));
        let admits = |f: EntityFilter| f.admits(&e);
        assert!(admits(EntityFilter::default()));
        assert!(!admits(EntityFilter {
            excluded_sources: ["un".to_string()].into(),
            ..Default::default()
        }));
        assert!(!admits(EntityFilter {
            only_schemas: vec![Schema::Organization],
            ..Default::default()
        }));
        assert!(admits(EntityFilter {
            countries: vec!["ru".into()],
            ..Default::default()
        }));
        assert!(!admits(EntityFilter {
            excluded_ids: ["QDi.290".to_string()].into(),
            ..Default::default()
        }));
        assert!(admits(EntityFilter {
            changed_since: PartialDate::new(2011, Some(3), None),
            ..Default::default()
        }));
        assert!(!admits(EntityFilter {
            changed_since: PartialDate::new(2011, Some(3), Some(11)),
            ..Default::default()
        }));
    }

    #[test]
    fn several_names_keep_each_entitys_best_score_and_search_lists_all_without_text() {
        let index = Index::build(vec![
            person("un", "QDi.290", "Doku Khamatovich Umarov"),
            person("un", "QDi.1", "Ayman al-Zawahiri"),
        ]);
        let names = vec![
            "Umarov Doku".to_string(),
            "Doku Khamatovich Umarov".to_string(),
        ];
        let options = ScreenOptions {
            threshold: 0.5,
            limit: 10,
        };
        let found = match_names(
            &index,
            &names,
            &Query::name(""),
            &options,
            &EntityFilter::default(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].entity_id, "un:QDi.290");
        let best_alone = names
            .iter()
            .flat_map(|n| index.screen(&Query::name(n), &options))
            .map(|m| m.score)
            .fold(0.0, f64::max);
        assert_eq!(found[0].score, best_alone);
        let all = search(&index, " ", 0.5, &EntityFilter::default());
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|h| h.matched.is_none()));
    }
}
