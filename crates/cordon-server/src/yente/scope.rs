//! The filters yente's `/match` and `/search` take, turned into one
//! [`EntityFilter`] over the indexed lists.

use super::datasets::Catalog;
use super::ftm::schema_of_name;
use super::params::Pairs;
use super::YenteError;
use cordon_engine::catalog::EntityFilter;
use cordon_model::Schema;

/// The one topic every Cordon entity carries: they all come from sanctions
/// lists (FtM's `sanction` topic).
pub const TOPIC: &str = "sanction";

/// Most entity ids `exclude_entity_ids` takes (yente's `max_length`).
pub const MAX_EXCLUDED_IDS: usize = 50;

/// The filter for a request on `dataset`, or `None` when the request's
/// filters leave nothing that could be answered (an include list naming no
/// imported list, a topic no entity has).
pub fn entity_filter(
    catalog: &Catalog,
    dataset: &str,
    pairs: &Pairs,
    answering: &[Schema],
) -> Result<Option<EntityFilter>, YenteError> {
    let Some(scope) = catalog.get(dataset) else {
        return Err(YenteError::not_found("No such dataset."));
    };
    let mut only_sources = scope.sources.clone();
    // `/search` calls it `datasets`, `/match` `include_dataset`; the SDK
    // sends extra datasets of a search as `include_dataset` too.
    let included: Vec<String> = pairs
        .all("include_dataset")
        .into_iter()
        .chain(pairs.all("datasets"))
        .collect();
    if !included.is_empty() {
        let wanted = catalog.sources_of(&included);
        only_sources.retain(|s| wanted.contains(s));
    }
    let excluded_sources = catalog.sources_of(&pairs.all("exclude_dataset"));
    only_sources.retain(|s| !excluded_sources.contains(s));
    let topics = pairs.all("topics");
    let excluded_ids = pairs.all("exclude_entity_ids");
    if excluded_ids.len() > MAX_EXCLUDED_IDS {
        return Err(YenteError::unprocessable(
            &["query", "exclude_entity_ids"],
            format!(
                "List should have at most {MAX_EXCLUDED_IDS} items after validation, not {}",
                excluded_ids.len()
            ),
            "too_long",
        ));
    }
    let changed_since = pairs.changed_since()?;
    let not_target = pairs.boolean("target")? == Some(false);
    let no_topic = !topics.is_empty() && !topics.iter().any(|t| t == TOPIC);
    if only_sources.is_empty() || answering.is_empty() || no_topic || not_target {
        return Ok(None);
    }
    Ok(Some(EntityFilter {
        only_sources,
        excluded_sources,
        only_schemas: answering.to_vec(),
        excluded_schemas: pairs
            .all("exclude_schema")
            .iter()
            .filter_map(|s| schema_of_name(s))
            .collect(),
        countries: pairs.all("countries"),
        excluded_ids: excluded_ids.into_iter().collect(),
        changed_since,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yente::params::decode_form;

    fn catalog() -> Catalog {
        Catalog::of(&["un@2025-04-19#1".into(), "ofac@2021-09-01#2".into()])
    }

    #[test]
    fn datasets_includes_and_excludes_combine() {
        let all = [Schema::Person];
        let filter = |query: &str| {
            entity_filter(&catalog(), "default", &decode_form(query.as_bytes()), &all)
        };
        let only_un = filter("include_dataset=un_sc_sanctions&include_dataset=nowhere")
            .unwrap()
            .unwrap();
        assert_eq!(only_un.only_sources, ["un".to_string()].into());
        assert!(filter("include_dataset=nowhere").unwrap().is_none());
        assert!(filter("include_dataset=un&exclude_dataset=un")
            .unwrap()
            .is_none());
        assert!(filter("topics=crime.cyber").unwrap().is_none());
        assert!(filter("topics=sanction&topics=crime").unwrap().is_some());
        assert!(filter("target=false").unwrap().is_none());
        let many: String = (0..51)
            .map(|i| format!("exclude_entity_ids=x{i}&"))
            .collect();
        assert_eq!(filter(&many).unwrap_err().status.as_u16(), 422);
        let missing = entity_filter(&catalog(), "eu_fsf", &Pairs::default(), &all);
        assert_eq!(missing.unwrap_err().detail, "No such dataset.");
    }
}
