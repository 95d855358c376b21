//! `POST /match/{dataset}`: yente's query-by-example matching. Each query is
//! a FollowTheMoney entity example; each answer lists the listed entities
//! that match it, FtM-shaped, with `score`, `match`, `features` and
//! `explanations`, plus Cordon's `source_id` and `explanation`.

use super::datasets::Catalog;
use super::ftm::{answering_schemas, entity_json, CleanExample, IDENTIFIER_PROPERTIES};
use super::params::{decode_form, Pairs};
use super::scope::entity_filter;
use super::YenteError;
use crate::extract::{reject_duplicate_keys, Body, Caller};
use crate::screen::engine;
use crate::state::{AppState, Snapshot};
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use cordon_engine::catalog::{entities_with_identifier, match_names, EntityFilter};
use cordon_match::{Match, ScreenOptions};
use cordon_model::{country, dates, Entity, Schema};
use cordon_store::{audit::screening_payload, NewAuditEntry, Role};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Results per query when the caller does not say (yente's `MATCH_PAGE`).
pub const DEFAULT_LIMIT: usize = 5;
/// Most results per query (yente's `MAX_MATCHES`).
pub const MAX_LIMIT: usize = 500;
/// Most queries in one request (yente's `MAX_BATCH`).
pub const MAX_BATCH: usize = 100;
/// Candidates screened per name: enough to count `total` past any `limit`.
const CANDIDATES: usize = 1_000;

/// The scorer that answers, and the names yente clients send for it.
pub const ALGORITHM: &str = "cordon";
/// yente's algorithm names, accepted so that clients which hard-code one keep
/// working; every one is answered by Cordon's scorer (the answer's `matcher`
/// says so). `best` is the SDK's `BEST_ALGORITHM`.
pub const YENTE_ALGORITHM_NAMES: &[&str] = &[
    "best",
    "logic-v1",
    "logic-v2",
    "name-based",
    "name-qualified",
    "regression-v1",
];

/// Score of a listed entity found by an identifier alone (same IMO,
/// registration or passport number, the names not compared): above the
/// default threshold, since an equal document number is strong evidence and
/// a renamed vessel keeps its IMO number, yet below a name match that agrees
/// too, because nothing else was compared.
pub const IDENTIFIER_ONLY_SCORE: f64 = 0.9;

/// The body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchBody {
    queries: BTreeMap<String, Option<Example>>,
    /// yente's feature weights: accepted and ignored (Cordon's score is not a
    /// weighted sum of those features).
    #[serde(default)]
    #[allow(dead_code)]
    weights: BTreeMap<String, f64>,
    /// Algorithm settings; Cordon's scorer has none, so any key is refused.
    #[serde(default)]
    config: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    #[serde(default)]
    id: Option<String>,
    schema: String,
    properties: BTreeMap<String, Value>,
}

/// Validated parameters.
struct MatchParams {
    limit: usize,
    threshold: f64,
    cutoff: f64,
}

fn match_params(pairs: &Pairs, default_threshold: f64) -> Result<MatchParams, YenteError> {
    let limit = pairs.bounded("limit", DEFAULT_LIMIT, MAX_LIMIT)?;
    let threshold = pairs
        .number::<f64>("threshold", "number")?
        .unwrap_or(default_threshold);
    // yente keeps the cutoff at or below the threshold; without one, only
    // matches are returned.
    let cutoff = pairs
        .number::<f64>("cutoff", "number")?
        .unwrap_or(threshold)
        .min(threshold);
    for (name, value) in [("threshold", threshold), ("cutoff", cutoff)] {
        if !(0.0..=1.0).contains(&value) {
            return Err(YenteError::unprocessable(
                &["query", name],
                "Input should be between 0 and 1",
                "value_error",
            ));
        }
    }
    Ok(MatchParams {
        limit,
        threshold,
        cutoff,
    })
}

/// Refuses an algorithm Cordon does not answer for, or a setting it lacks.
fn check_algorithm(pairs: &Pairs, config: &Map<String, Value>) -> Result<(), YenteError> {
    let name = pairs.last("algorithm").unwrap_or(ALGORITHM);
    if name != ALGORITHM && !YENTE_ALGORITHM_NAMES.contains(&name) {
        return Err(YenteError::bad_request(format!(
            "Invalid algorithm: {name}"
        )));
    }
    match config.keys().next() {
        Some(key) => Err(YenteError::bad_request(format!(
            "Invalid configuration parameter: {key} for algorithm {ALGORITHM}"
        ))),
        None => Ok(()),
    }
}

/// One query ready to run.
struct Prepared {
    key: String,
    clean: CleanExample,
    names: Vec<String>,
    identifiers: Vec<String>,
    query: cordon_match::Query,
    answering: &'static [Schema],
}

fn prepare(key: &str, example: &Example) -> Result<Prepared, YenteError> {
    let cannot =
        |why: String| YenteError::bad_request(format!("Cannot parse example entity: {why}"));
    let answering = answering_schemas(&example.schema).map_err(|e| cannot(e.to_string()))?;
    let clean = CleanExample::new(example.id.clone(), &example.schema, &example.properties);
    let names: Vec<String> = ["name", "alias", "previousName"]
        .iter()
        .flat_map(|p| clean.get(p).iter().cloned())
        // The engine's one rule for a name: letters or digits after normalisation.
        .filter(|n| cordon_engine::query::has_name_content(n))
        .collect();
    let identifiers: Vec<String> = IDENTIFIER_PROPERTIES
        .iter()
        .flat_map(|p| clean.get(p).iter().cloned())
        .collect();
    if names.is_empty() && identifiers.is_empty() {
        return Err(cannot(format!(
            "query {key:?} has no name and no identifier to match on"
        )));
    }
    let mut query = cordon_match::Query::name("");
    query.schema = match answering {
        [one] => Some(*one),
        _ => None,
    };
    query.birth_date = ["birthDate", "buildDate", "incorporationDate"]
        .iter()
        .flat_map(|p| clean.get(p))
        .find_map(|d| dates::parse_loose(d));
    query.country = [
        "nationality",
        "citizenship",
        "country",
        "jurisdiction",
        "flag",
    ]
    .iter()
    .flat_map(|p| clean.get(p))
    .find_map(|c| country::to_code(c).map(str::to_string));
    query.identifiers = identifiers.clone();
    Ok(Prepared {
        key: key.to_string(),
        clean,
        names,
        identifiers,
        query,
        answering,
    })
}

/// A listed entity found for a query: by its names (with the scorer's
/// match) or by an identifier alone.
enum Found<'a> {
    ByName(Box<Match>),
    ByIdentifier(&'a Entity),
}

impl Found<'_> {
    fn score(&self) -> f64 {
        match self {
            Found::ByName(m) => m.score,
            Found::ByIdentifier(_) => IDENTIFIER_ONLY_SCORE,
        }
    }

    fn entity_id(&self) -> &str {
        match self {
            Found::ByName(m) => &m.entity_id,
            Found::ByIdentifier(e) => &e.id,
        }
    }
}

/// Everything found for one query, best first, before the limit.
fn find<'a>(
    snapshot: &'a Snapshot,
    prepared: &Prepared,
    filter: &EntityFilter,
    cutoff: f64,
) -> Vec<Found<'a>> {
    let options = ScreenOptions {
        threshold: cutoff,
        limit: CANDIDATES,
    };
    let mut found: Vec<Found<'a>> = match_names(
        &snapshot.index,
        &prepared.names,
        &prepared.query,
        &options,
        filter,
    )
    .into_iter()
    .map(|m| Found::ByName(Box::new(m)))
    .collect();
    if IDENTIFIER_ONLY_SCORE >= cutoff {
        for entity in entities_with_identifier(&snapshot.index, &prepared.identifiers, filter) {
            if !found.iter().any(|f| f.entity_id() == entity.id) {
                found.push(Found::ByIdentifier(entity));
            }
        }
    }
    found.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then_with(|| a.entity_id().cmp(b.entity_id()))
    });
    found
}

/// `explanations`: per feature, its score and what was compared (the
/// SDK's `FeatureResult`).
fn explanations(found: &Found<'_>, prepared: &Prepared) -> Value {
    match found {
        Found::ByName(m) => {
            let mut map = Map::new();
            map.insert(
                "name".into(),
                json!({
                    "score": m.explanation.name.similarity,
                    "detail": m.explanation.summary,
                    "query": m.explanation.name.query,
                    "candidate": m.matched_name,
                    "weight": 1.0,
                }),
            );
            for q in &m.explanation.qualifiers {
                if let Ok(Value::String(name)) = serde_json::to_value(q.qualifier) {
                    map.insert(
                        name,
                        json!({"score": q.contribution, "detail": q.detail, "weight": 1.0}),
                    );
                }
            }
            Value::Object(map)
        }
        Found::ByIdentifier(entity) => {
            let listed: Vec<&str> = entity
                .identifiers
                .iter()
                .map(|i| i.number.as_str())
                .collect();
            json!({"identifier": {
                "score": IDENTIFIER_ONLY_SCORE,
                "detail": format!("an identifier of the query ({}) equals one of the listed entity's ({})",
                                  prepared.identifiers.join(", "), listed.join(", ")),
                "query": prepared.identifiers.join(", "),
                "candidate": listed.join(", "),
                "weight": 1.0,
            }})
        }
    }
}

/// `features`: one number per feature, as yente reports them.
fn features(found: &Found<'_>) -> Value {
    match found {
        Found::ByName(m) => {
            let mut features = json!({
                "name_similarity": m.explanation.name.similarity,
                "query_coverage": m.explanation.name.query_coverage,
                "list_coverage": m.explanation.name.list_coverage,
            });
            for q in &m.explanation.qualifiers {
                if let Ok(Value::String(name)) = serde_json::to_value(q.qualifier) {
                    features[name] = json!(q.contribution);
                }
            }
            features
        }
        Found::ByIdentifier(_) => json!({"identifier_only": IDENTIFIER_ONLY_SCORE}),
    }
}

fn result_json(
    found: &Found<'_>,
    prepared: &Prepared,
    snapshot: &Snapshot,
    catalog: &Catalog,
    threshold: f64,
) -> Value {
    let entity = match found {
        Found::ByName(m) => snapshot.index.entity(&m.entity_id),
        Found::ByIdentifier(e) => Some(*e),
    };
    let mut json = entity
        .map(|e| entity_json(e, &catalog.list_context(&e.designation.source), false))
        .unwrap_or_default();
    let explanation = match found {
        Found::ByName(m) => m.explanation.summary.clone(),
        Found::ByIdentifier(_) => {
            "found by an identifier alone; the names were not compared".to_string()
        }
    };
    json.insert("score".into(), json!(found.score()));
    json.insert("match".into(), json!(found.score() >= threshold));
    json.insert("features".into(), features(found));
    json.insert("explanations".into(), explanations(found, prepared));
    json.insert("explanation".into(), json!(explanation));
    Value::Object(json)
}

/// What the `matcher` key says: Cordon's features, in yente's `FeatureDocs` form.
pub fn feature_docs() -> Value {
    let doc = |text: &str| json!({"description": text, "coefficient": 1.0, "url": "https://example.invalid/cordon/docs/matching.md"});
    json!({
        "name_similarity": doc("Token-aligned name similarity across scripts and transliterations"),
        "query_coverage": doc("Share of the query name's evidence weight that found a counterpart"),
        "list_coverage": doc("Share of the listed name's evidence weight that found a counterpart"),
        "birth_date": doc("Score change from comparing birth (or build) dates"),
        "country": doc("Score change from comparing nationalities and countries"),
        "identifier": doc("Score change from comparing identifiers (passport, registration, IMO)"),
        "schema": doc("Score change from comparing entity types"),
        "identifier_only": doc("An identifier equal to a listed one, the names not compared"),
    })
}

/// Reads the body as yente does: a body that does not validate is a 422.
fn read_body(bytes: &[u8]) -> Result<MatchBody, YenteError> {
    reject_duplicate_keys(bytes)
        .map_err(|e| YenteError::unprocessable(&["body"], e.public_message(), "value_error"))?;
    serde_json::from_slice(bytes).map_err(|e| {
        YenteError::unprocessable(&["body"], format!("request body: {e}"), "value_error")
    })
}

/// A `/match` request read and checked, before any list is looked at: its
/// parameters, and its queries cleaned and ready to run.
pub struct MatchRequest {
    pairs: Pairs,
    params: MatchParams,
    prepared: Vec<Prepared>,
}

impl MatchRequest {
    /// The number of queries to run.
    pub fn queries(&self) -> usize {
        self.prepared.len()
    }
}

/// Reads a `/match` query string and body as yente does: parameters (422
/// when malformed), the body (422), the algorithm and its settings (400),
/// the batch size (400) and each example (400).
pub fn read_match_request(
    query: &[u8],
    body: &[u8],
    default_threshold: f64,
) -> Result<MatchRequest, YenteError> {
    let pairs = decode_form(query);
    let params = match_params(&pairs, default_threshold)?;
    let body = read_body(body)?;
    check_algorithm(&pairs, &body.config)?;
    if body.queries.len() > MAX_BATCH {
        return Err(YenteError::bad_request(format!(
            "Too many queries in one batch (limit: {MAX_BATCH})"
        )));
    }
    let prepared = body
        .queries
        .iter()
        .filter_map(|(key, example)| example.as_ref().map(|e| prepare(key, e)))
        .collect::<Result<Vec<_>, _>>()?;
    if prepared.is_empty() {
        return Err(YenteError::bad_request("No queries provided."));
    }
    Ok(MatchRequest {
        pairs,
        params,
        prepared,
    })
}

/// `POST /match/{dataset}`.
pub async fn match_entities(
    State(state): State<AppState>,
    caller: Caller,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    Body(bytes): Body,
) -> Result<Response, YenteError> {
    caller.require(Role::Screener)?;
    let snapshot = state.snapshot()?;
    let catalog = Catalog::of(&snapshot.labels);
    if catalog.get(&dataset).is_none() {
        return Err(YenteError::not_found("No such dataset."));
    }
    let raw = raw.unwrap_or_default();
    let MatchRequest {
        pairs,
        params,
        prepared,
    } = read_match_request(raw.as_bytes(), &bytes, state.config().threshold)?;
    let filters = prepared
        .iter()
        .map(|one| entity_filter(&catalog, &dataset, &pairs, one.answering))
        .collect::<Result<Vec<_>, _>>()?;
    let key_id = caller.key_id().to_string();
    let batch = prepared.len();
    let value = state
        .run_blocking(move |state| {
            let mut responses = Map::new();
            let mut audits = Vec::new();
            for (one, filter) in prepared.iter().zip(&filters) {
                let found = match filter {
                    Some(filter) => find(&snapshot, one, filter, params.cutoff),
                    None => Vec::new(),
                };
                let shown = &found[..found.len().min(params.limit)];
                let results: Vec<(String, f64)> = shown.iter().map(|f| (f.entity_id().to_string(), f.score())).collect();
                audits.push(NewAuditEntry {
                    kind: "screening".into(),
                    caller: key_id.clone(),
                    payload: screening_payload(&one.clean.to_json(), &snapshot.labels, &engine(params.threshold), &results),
                });
                responses.insert(one.key.clone(), json!({
                    "status": 200,
                    "results": shown.iter().map(|f| result_json(f, one, &snapshot, &catalog, params.threshold)).collect::<Vec<_>>(),
                    "total": {"value": found.len(), "relation": "eq"},
                    "query": one.clean.to_json(),
                }));
            }
            state.metrics().count_screenings(prepared.len() as u64);
            state.store().append_audits(&audits)?;
            Ok(json!({"responses": responses, "matcher": feature_docs(), "limit": params.limit}))
        })
        .await?;
    let mut response = axum::Json(value).into_response();
    if let Ok(size) = HeaderValue::from_str(&batch.to_string()) {
        response.headers_mut().insert("x-batch-size", size);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_and_settings_are_checked_as_yente_does() {
        let none = Map::new();
        assert!(check_algorithm(&decode_form(b""), &none).is_ok());
        assert!(check_algorithm(&decode_form(b"algorithm=logic-v2"), &none).is_ok());
        let err = check_algorithm(&decode_form(b"algorithm=neural-net"), &none).unwrap_err();
        assert_eq!(err.status.as_u16(), 400);
        let mut config = Map::new();
        config.insert("nm_number_mismatch".into(), json!(0.4));
        let err = check_algorithm(&decode_form(b""), &config).unwrap_err();
        assert_eq!(
            err.detail,
            "Invalid configuration parameter: nm_number_mismatch for algorithm cordon"
        );
    }

    #[test]
    fn cutoff_defaults_to_the_threshold_and_never_exceeds_it() {
        let p = match_params(&decode_form(b"threshold=0.8"), 0.7).unwrap();
        assert_eq!((p.limit, p.threshold, p.cutoff), (DEFAULT_LIMIT, 0.8, 0.8));
        let p = match_params(&decode_form(b"cutoff=0.9&limit=500"), 0.7).unwrap();
        assert_eq!((p.limit, p.cutoff), (500, 0.7));
        assert!(match_params(&decode_form(b"limit=501"), 0.7).is_err());
        assert!(match_params(&decode_form(b"threshold=2"), 0.7).is_err());
    }

    #[test]
    fn examples_need_a_matchable_schema_and_something_to_match_on() {
        let example = |schema: &str, props: Value| Example {
            id: None,
            schema: schema.into(),
            properties: serde_json::from_value(props).unwrap(),
        };
        let ok = prepare("q", &example("Vessel", json!({"imoNumber": "IMO 9187629"}))).unwrap();
        assert!(ok.names.is_empty());
        assert_eq!(ok.identifiers, ["IMO 9187629"]);
        assert_eq!(ok.query.schema, Some(Schema::Vessel));
        let bad = prepare("q", &example("xxx", json!({"name": "Banana"})))
            .err()
            .unwrap();
        assert_eq!(
            bad.detail,
            "Cannot parse example entity: Schema does not exist: xxx"
        );
        assert!(prepare("q", &example("Person", json!({"notes": "x"}))).is_err());
    }
}
