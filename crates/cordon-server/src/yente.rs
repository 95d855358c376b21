//! `POST /match/{dataset}`: a yente-compatible matching endpoint, so clients
//! written for OpenSanctions' yente can point at Cordon. Queries are
//! FollowTheMoney entity examples; results are FollowTheMoney-shaped entities
//! with `score`, `match` and `features`, plus Cordon's `source_id` and
//! `explanation`. Dataset `default` means every loaded list; any other name
//! is one list's source (`un`, `ofac`, ...).

use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::screen::engine;
use crate::state::{AppState, Snapshot};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use cordon_match::{Match, ScreenOptions};
use cordon_model::{country, dates, Entity, NameKind, NameQuality, Schema};
use cordon_store::{audit::screening_payload, NewAuditEntry, Role};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// A property value: yente accepts a string or a list.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PropertyValue {
    /// One value.
    One(String),
    /// Several values.
    Many(Vec<Value>),
}

impl PropertyValue {
    fn strings(&self) -> Vec<String> {
        match self {
            PropertyValue::One(s) => vec![s.clone()],
            PropertyValue::Many(values) => values
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
        }
    }
}

/// A FollowTheMoney entity example.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EntityExample {
    /// The caller's id for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Person`, `Organization`, `Company`, `LegalEntity`, `Vessel`, `Airplane`.
    pub schema: String,
    /// FtM properties (`name`, `birthDate`, `nationality`, `idNumber`...).
    pub properties: BTreeMap<String, PropertyValue>,
}

/// The body of `POST /match/{dataset}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// Queries by the caller's key.
    pub queries: BTreeMap<String, EntityExample>,
    /// yente's feature weights: accepted, ignored (Cordon's scorer is not a weighted sum).
    #[allow(dead_code)]
    #[serde(default)]
    pub weights: HashMap<String, f64>,
}

/// Query parameters; yente's other parameters (topics, algorithm, ...) are accepted and ignored.
#[derive(Debug, Deserialize)]
pub struct MatchParams {
    /// Results to return per query (default 5, at most 100).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Score from which `match` is true (default: the server's threshold).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Lowest score returned at all (default 0.5).
    #[serde(default)]
    pub cutoff: Option<f64>,
}

fn ftm_schema(schema: &str) -> Result<Option<Schema>, ApiError> {
    Ok(match schema {
        "Person" => Some(Schema::Person),
        "Organization" | "Company" | "PublicBody" => Some(Schema::Organization),
        "Vessel" => Some(Schema::Vessel),
        "Airplane" => Some(Schema::Aircraft),
        "LegalEntity" | "Thing" => None,
        other => {
            return Err(ApiError::InvalidRequest(format!(
                "schema: {other:?} is not a FollowTheMoney schema Cordon matches"
            )))
        }
    })
}

fn ftm_schema_name(schema: Schema) -> &'static str {
    match schema {
        Schema::Person => "Person",
        Schema::Organization => "Organization",
        Schema::Vessel => "Vessel",
        Schema::Aircraft => "Airplane",
    }
}

/// The names and the engine query (without a name) of an example.
fn example_query(example: &EntityExample) -> Result<(Vec<String>, cordon_match::Query), ApiError> {
    let get = |key: &str| {
        example
            .properties
            .get(key)
            .map(PropertyValue::strings)
            .unwrap_or_default()
    };
    let mut names: Vec<String> = get("name")
        .into_iter()
        .chain(get("alias"))
        // The engine's one rule for a name: letters or digits after normalisation.
        .filter(|n| cordon_engine::query::has_name_content(n))
        .collect();
    if names.is_empty() {
        let parts: Vec<String> = ["firstName", "middleName", "lastName"]
            .iter()
            .flat_map(|k| get(k))
            .collect();
        if !parts.is_empty() {
            names.push(parts.join(" "));
        }
    }
    if names.is_empty() {
        return Err(ApiError::InvalidRequest(
            "properties.name: at least one name is needed".into(),
        ));
    }
    let mut query = cordon_match::Query::name("");
    query.schema = ftm_schema(&example.schema)?;
    query.birth_date = get("birthDate").iter().find_map(|d| dates::parse_loose(d));
    query.country = ["nationality", "citizenship", "country", "jurisdiction"]
        .iter()
        .flat_map(|k| get(k))
        .find_map(|c| country::to_code(&c).map(str::to_string));
    query.identifiers = [
        "idNumber",
        "passportNumber",
        "registrationNumber",
        "taxNumber",
        "innCode",
        "imoNumber",
    ]
    .iter()
    .flat_map(|k| get(k))
    .collect();
    Ok((names, query))
}

/// The entity's FollowTheMoney-style properties.
fn ftm_properties(entity: &Entity) -> Map<String, Value> {
    let mut props = Map::new();
    let mut put = |key: &str, values: Vec<String>| {
        if !values.is_empty() {
            props.insert(key.to_string(), json!(values));
        }
    };
    put("name", vec![entity.caption().to_string()]);
    let names_where = |wanted: fn(&cordon_model::Name) -> bool| -> Vec<String> {
        entity
            .names
            .iter()
            .filter(|n| wanted(n))
            .map(|n| n.full.clone())
            .collect()
    };
    put(
        "alias",
        names_where(|n| n.kind != NameKind::Primary && n.quality == NameQuality::Strong),
    );
    put("weakAlias", names_where(|n| n.quality == NameQuality::Weak));
    put(
        "birthDate",
        entity
            .birth_dates
            .iter()
            .map(|d| d.date.to_string())
            .collect(),
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
        "idNumber",
        entity
            .identifiers
            .iter()
            .map(|i| i.number.clone())
            .collect(),
    );
    put("program", entity.designation.programmes.clone());
    put(
        "notes",
        entity.designation.remarks.iter().cloned().collect(),
    );
    put("topics", vec!["sanction".to_string()]);
    props
}

fn features(m: &Match) -> Value {
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

fn result_json(m: &Match, snapshot: &Snapshot, threshold: f64) -> Value {
    let properties = snapshot
        .index
        .entity(&m.entity_id)
        .map(ftm_properties)
        .unwrap_or_default();
    json!({
        "id": m.entity_id, "caption": m.name, "schema": ftm_schema_name(m.schema),
        "properties": properties, "datasets": [m.source], "referents": [], "target": true,
        "score": m.score, "match": m.score >= threshold, "features": features(m),
        "source_id": m.source_id, "explanation": m.explanation.summary,
    })
}

/// Screens every name of an example and keeps each entity's best match.
fn match_example(
    snapshot: &Snapshot,
    names: &[String],
    query: &cordon_match::Query,
    options: &ScreenOptions,
    dataset: Option<&str>,
) -> Vec<Match> {
    let mut best: BTreeMap<String, Match> = BTreeMap::new();
    for name in names {
        let mut q = query.clone();
        q.name = name.clone();
        for m in snapshot.index.screen(&q, options) {
            if dataset.is_some_and(|d| d != m.source) {
                continue;
            }
            if best.get(&m.entity_id).is_none_or(|b| b.score < m.score) {
                best.insert(m.entity_id.clone(), m);
            }
        }
    }
    let mut matches: Vec<Match> = best.into_values().collect();
    matches.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entity_id.cmp(&b.entity_id))
    });
    matches
}

/// `POST /match/{dataset}`.
pub async fn match_entities(
    State(state): State<AppState>,
    caller: Caller,
    Path(dataset): Path<String>,
    Query(params): Query<MatchParams>,
    Json(request): Json<MatchRequest>,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    let snapshot = state.snapshot()?;
    let dataset = match dataset.as_str() {
        "default" => None,
        source
            if snapshot
                .labels
                .iter()
                .any(|l| l.split('@').next() == Some(source)) =>
        {
            Some(source.to_string())
        }
        other => {
            return Err(ApiError::NotFound(format!(
                "dataset {other:?} is not loaded (try `default`)"
            )))
        }
    };
    let limit = params.limit.unwrap_or(5);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::InvalidRequest(format!(
            "limit: {limit} is not between 1 and 100"
        )));
    }
    let threshold = params.threshold.unwrap_or(state.config().threshold);
    let cutoff = params.cutoff.unwrap_or(0.5).min(threshold);
    if !(0.0..=1.0).contains(&threshold) || !(0.0..=1.0).contains(&cutoff) {
        return Err(ApiError::InvalidRequest(
            "threshold and cutoff: must be between 0 and 1".into(),
        ));
    }
    let mut prepared = Vec::new();
    for (key, example) in &request.queries {
        let (names, query) = example_query(example).map_err(|e| match e {
            ApiError::InvalidRequest(m) => ApiError::InvalidRequest(format!("queries.{key}: {m}")),
            other => other,
        })?;
        prepared.push((key.clone(), example.clone(), names, query));
    }
    let key_id = caller.key_id().to_string();
    let value = state
        .run_blocking(move |state| {
            let options = ScreenOptions { threshold: cutoff, limit: if dataset.is_some() { 100 } else { limit } };
            let mut responses = Map::new();
            let mut audits = Vec::new();
            for (key, example, names, query) in &prepared {
                let mut matches = match_example(&snapshot, names, query, &options, dataset.as_deref());
                matches.truncate(limit);
                let results: Vec<(String, f64)> = matches.iter().map(|m| (m.entity_id.clone(), m.score)).collect();
                let request_json = serde_json::to_value(example).unwrap_or(Value::Null);
                audits.push(NewAuditEntry {
                    kind: "screening".into(),
                    caller: key_id.clone(),
                    payload: screening_payload(&request_json, &snapshot.labels, &engine(threshold), &results),
                });
                responses.insert(key.clone(), json!({
                    "status": 200,
                    "results": matches.iter().map(|m| result_json(m, &snapshot, threshold)).collect::<Vec<_>>(),
                    "total": {"value": matches.len(), "relation": "eq"},
                    "query": example,
                }));
            }
            state.metrics().count_screenings(prepared.len() as u64);
            state.store().append_audits(&audits)?;
            Ok(json!({
                "responses": responses,
                "matcher": {"name": "cordon", "features": {
                    "name_similarity": "token-aligned name similarity across scripts",
                    "query_coverage": "share of the query name's weight matched",
                    "list_coverage": "share of the listed name's weight matched",
                    "birth_date": "score change from comparing birth dates",
                    "country": "score change from comparing countries",
                    "identifier": "score change from comparing identifiers",
                    "schema": "score change from comparing entity types"}},
                "limit": limit,
            }))
        })
        .await?;
    Ok(axum::Json(value).into_response())
}
