//! yente's other routes: `GET /search/{dataset}`, `GET /entities/{id}`,
//! `GET /catalog`, `GET /algorithms` and OpenRefine reconciliation at
//! `/reconcile/{dataset}`.

use super::datasets::Catalog;
use super::ftm::{answering_schemas, entity_json, schema_name};
use super::matching::{feature_docs, ALGORITHM, YENTE_ALGORITHM_NAMES};
use super::params::{decode_form, Pairs};
use super::scope::{entity_filter, TOPIC};
use super::YenteError;
use crate::extract::{Body, Caller};
use crate::state::{AppState, Snapshot};
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use cordon_engine::catalog::{search as search_entities, SearchHit};
use cordon_model::Entity;
use cordon_store::Role;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Results per search page when the caller does not say (yente's default).
const SEARCH_LIMIT: usize = 10;
/// Largest search page (yente's `MAX_PAGE`).
const MAX_PAGE: usize = 500;
/// Deepest offset (yente's `MAX_OFFSET`): deeper pages of a search are noise.
const MAX_OFFSET: usize = 9_499;
/// Lowest name score a search hit needs: a search box shows looser
/// candidates than an alert (default threshold 0.7), so a typo still finds
/// the entity, but not names that merely share a common word.
const SEARCH_FLOOR: f64 = 0.5;

fn written(entity: &Entity, catalog: &Catalog, nested: bool) -> Map<String, Value> {
    entity_json(
        entity,
        &catalog.list_context(&entity.designation.source),
        nested,
    )
}

/// Counts per value of one facet, most frequent first.
fn facet(label: &str, values: impl Iterator<Item = String>) -> Value {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut items: Vec<(String, usize)> = counts.into_iter().collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    json!({"label": label, "values": items.iter().map(|(name, count)| json!({"name": name, "label": name, "count": count})).collect::<Vec<_>>()})
}

fn facets(hits: &[SearchHit<'_>], catalog: &Catalog) -> Value {
    let countries = hits.iter().flat_map(|h| {
        let e = h.entity;
        let mut codes: Vec<String> = e
            .nationalities
            .iter()
            .chain(&e.countries)
            .map(|c| c.to_lowercase())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    });
    let datasets = hits
        .iter()
        .flat_map(|h| catalog.names_of_source(&h.entity.designation.source));
    json!({
        "countries": facet("Countries", countries),
        "topics": facet("Topics", hits.iter().map(|_| TOPIC.to_string())),
        "datasets": facet("Data sources", datasets),
    })
}

/// `GET /search/{dataset}?q=&schema=&countries=&topics=&datasets=&limit=&offset=`.
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, YenteError> {
    caller.require(Role::Screener)?;
    let snapshot = state.snapshot()?;
    let catalog = Catalog::of(&snapshot.labels);
    let pairs = decode_form(raw.unwrap_or_default().as_bytes());
    let limit = pairs.bounded("limit", SEARCH_LIMIT, MAX_PAGE)?;
    let offset = pairs.bounded("offset", 0, MAX_OFFSET)?;
    pairs.boolean("fuzzy")?;
    let schema = pairs.last("schema").unwrap_or("Thing").to_string();
    let answering =
        answering_schemas(&schema).map_err(|_| YenteError::bad_request("Invalid schema"))?;
    let filter = entity_filter(&catalog, &dataset, &pairs, answering)?;
    let text = pairs.last("q").unwrap_or("").to_string();
    let value = state
        .run_blocking(move |_| {
            let hits = match &filter {
                Some(filter) => search_entities(&snapshot.index, &text, SEARCH_FLOOR, filter),
                None => Vec::new(),
            };
            let page: Vec<Value> = hits
                .iter()
                .skip(offset)
                .take(limit)
                .map(|h| {
                    let mut json = written(h.entity, &catalog, false);
                    if let Some(m) = &h.matched {
                        json.insert("score".into(), json!(m.score));
                    }
                    Value::Object(json)
                })
                .collect();
            Ok(json!({
                "results": page,
                "facets": facets(&hits, &catalog),
                "total": {"value": hits.len(), "relation": "eq"},
                "limit": limit,
                "offset": offset,
            }))
        })
        .await?;
    Ok(axum::Json(value).into_response())
}

/// `GET /entities/{entity_id}`: the entity with its sanction nested
/// (`?nested=false` leaves it out).
pub async fn fetch_entity(
    State(state): State<AppState>,
    caller: Caller,
    Path(entity_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, YenteError> {
    caller.require(Role::Screener)?;
    let snapshot = state.snapshot()?;
    let pairs = decode_form(raw.unwrap_or_default().as_bytes());
    let nested = pairs.boolean("nested")?.unwrap_or(true);
    let catalog = Catalog::of(&snapshot.labels);
    let entity = find_entity(&snapshot, &entity_id)
        .ok_or_else(|| YenteError::not_found("No such entity!"))?;
    Ok(axum::Json(Value::Object(written(entity, &catalog, nested))).into_response())
}

/// An entity by its id (`un:QDi.290`), or by the form a URL-minded client
/// may send (`un-QDi.290`).
fn find_entity<'a>(snapshot: &'a Snapshot, id: &str) -> Option<&'a Entity> {
    snapshot.index.entity(id).or_else(|| {
        let (source, rest) = id.split_once('-')?;
        snapshot.index.entity(&format!("{source}:{rest}"))
    })
}

/// `GET /catalog`: the datasets of the lists indexed now.
pub async fn catalog(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Response, YenteError> {
    let snapshot = state.snapshot()?;
    let catalog = Catalog::of(&snapshot.labels);
    let datasets: Vec<Value> = catalog
        .datasets
        .iter()
        .map(|d| {
            json!({
                "name": d.name, "title": d.title, "summary": null, "url": null,
                "load": true, "entities_url": null, "version": d.version,
                "index_version": d.version, "index_current": true, "children": d.children,
            })
        })
        .collect();
    let names: Vec<&str> = catalog.datasets.iter().map(|d| d.name.as_str()).collect();
    Ok(axum::Json(
        json!({"datasets": datasets, "current": names, "outdated": [], "index_stale": false}),
    )
    .into_response())
}

/// `GET /algorithms`: Cordon's scorer, and the yente names it answers for.
pub async fn algorithms(_caller: Caller) -> Response {
    let mut algorithms = vec![json!({
        "name": ALGORITHM,
        "description": "Cordon's scorer: token alignment across scripts with rarity weights, then birth date, country, identifier and schema qualifiers (docs/matching.md)",
        "features": feature_docs(), "docs": feature_docs(),
    })];
    for name in YENTE_ALGORITHM_NAMES {
        algorithms.push(json!({
            "name": name,
            "description": format!("yente's name, accepted for compatibility: answered by Cordon's `{ALGORITHM}` scorer"),
            "features": feature_docs(), "docs": feature_docs(),
        }));
    }
    axum::Json(json!({"algorithms": algorithms, "default": ALGORITHM, "best": ALGORITHM}))
        .into_response()
}

/// The OpenRefine service manifest.
fn manifest(dataset: &str) -> Value {
    let types: Vec<Value> = [
        "Person",
        "Organization",
        "LegalEntity",
        "Vessel",
        "Airplane",
    ]
    .iter()
    .map(|t| json!({"id": t, "name": t}))
    .collect();
    json!({
        "versions": ["0.2"],
        "name": format!("Cordon ({dataset})"),
        "identifierSpace": "https://example.invalid/cordon/entities/",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "defaultTypes": types,
        "view": {"url": "/entities/{{id}}"},
    })
}

/// Most queries in one reconciliation request (OpenRefine sends 10 by default).
const MAX_RECONCILE: usize = 100;

/// Answers OpenRefine queries (`{"q0": {"query": "...", "type": "Person", "limit": 3}}`).
fn reconcile_queries(
    snapshot: &Snapshot,
    catalog: &Catalog,
    dataset: &str,
    text: &str,
) -> Result<Value, YenteError> {
    let queries: BTreeMap<String, Value> = serde_json::from_str(text).map_err(|e| {
        YenteError::bad_request(format!("queries: not a JSON object of queries: {e}"))
    })?;
    if queries.len() > MAX_RECONCILE {
        return Err(YenteError::bad_request(format!(
            "Too many queries in one batch (limit: {MAX_RECONCILE})"
        )));
    }
    let mut answers = Map::new();
    for (key, query) in queries {
        let name = query["query"].as_str().unwrap_or("");
        let schema = query["type"].as_str().unwrap_or("LegalEntity");
        let limit = query["limit"]
            .as_u64()
            .map_or(5, |l| l.min(MAX_PAGE as u64) as usize);
        let answering =
            answering_schemas(schema).map_err(|_| YenteError::bad_request("Invalid schema"))?;
        let filter = entity_filter(catalog, dataset, &Pairs::default(), answering)?;
        let hits = match (&filter, name.trim().is_empty()) {
            (Some(filter), false) => search_entities(&snapshot.index, name, SEARCH_FLOOR, filter),
            _ => Vec::new(),
        };
        let result: Vec<Value> = hits
            .iter()
            .take(limit)
            .filter_map(|h| h.matched.as_ref().map(|m| (h.entity, m)))
            .map(|(entity, m)| {
                let schema = schema_name(entity.schema);
                json!({"id": entity.id, "name": entity.caption(), "score": (m.score * 100.0).round(),
                       "match": m.score >= 0.95, "type": [{"id": schema, "name": schema}]})
            })
            .collect();
        answers.insert(key, json!({"result": result}));
    }
    Ok(Value::Object(answers))
}

async fn reconcile(state: AppState, dataset: String, form: Pairs) -> Result<Response, YenteError> {
    let snapshot = state.snapshot()?;
    let catalog = Catalog::of(&snapshot.labels);
    if catalog.get(&dataset).is_none() {
        return Err(YenteError::not_found("No such dataset."));
    }
    let Some(queries) = form.last("queries").map(str::to_string) else {
        return Ok(axum::Json(manifest(&dataset)).into_response());
    };
    // The worker's own failures are Cordon's (`overloaded`); a refused
    // query is the inner error.
    let answered = state
        .run_blocking(move |_| Ok(reconcile_queries(&snapshot, &catalog, &dataset, &queries)))
        .await?;
    Ok(axum::Json(answered?).into_response())
}

/// `GET /reconcile/{dataset}`: the manifest, or `?queries=` answered.
pub async fn reconcile_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, YenteError> {
    caller.require(Role::Screener)?;
    reconcile(
        state,
        dataset,
        decode_form(raw.unwrap_or_default().as_bytes()),
    )
    .await
}

/// `POST /reconcile/{dataset}`: a form with `queries` (JSON), as OpenRefine posts it.
pub async fn reconcile_post(
    State(state): State<AppState>,
    caller: Caller,
    Path(dataset): Path<String>,
    Body(bytes): Body,
) -> Result<Response, YenteError> {
    caller.require(Role::Screener)?;
    reconcile(state, dataset, decode_form(&bytes)).await
}
