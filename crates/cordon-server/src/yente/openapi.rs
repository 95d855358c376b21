//! The OpenAPI description of the yente routes: parameters, bodies and
//! answers, with the limits taken from the constants the handlers use, so
//! the document cannot drift from them.

use super::matching::{ALGORITHM, DEFAULT_LIMIT, MAX_BATCH, MAX_LIMIT, YENTE_ALGORITHM_NAMES};
use super::scope::MAX_EXCLUDED_IDS;
use serde_json::{json, Map, Value};

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
}

fn path(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}, "description": description})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

fn answer(schema: &str) -> Value {
    json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn errors(codes: &[u16]) -> Map<String, Value> {
    codes
        .iter()
        .map(|code| {
            let text = match code {
                400 => "Invalid query (yente's message in `detail`)",
                401 => "No key, or an unknown one",
                403 => "The key's role may not do this",
                404 => "No such dataset or entity",
                422 => "A parameter or the body does not validate: `detail` lists `{loc, msg, type}`",
                _ => "Busy (503, Retry-After) or a server fault (500)",
            };
            (code.to_string(), json!({"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/YenteError"}}}}))
        })
        .collect()
}

fn operation(summary: &str, parameters: Vec<Value>, ok: &str, codes: &[u16]) -> Value {
    let mut responses = errors(codes);
    responses.insert("200".into(), answer(ok));
    json!({
        "tags": ["yente"], "summary": summary, "parameters": parameters, "responses": responses,
        "security": [{"bearer": []}, {"apikey": []}],
    })
}

fn filters() -> Vec<Value> {
    vec![
        query(
            "include_dataset",
            strings(),
            "Only these datasets (names from /catalog)",
        ),
        query("exclude_dataset", strings(), "Leave these datasets out"),
        query(
            "exclude_schema",
            strings(),
            "Leave these schemata out (Person, Organization, Vessel, Airplane)",
        ),
        query(
            "topics",
            strings(),
            "Only entities with one of these topics (every Cordon entity has `sanction`)",
        ),
        query(
            "changed_since",
            json!({"type": "string", "format": "date"}),
            "Only entities the publisher changed (or listed) on or after this date",
        ),
    ]
}

/// The path items of the yente routes.
pub fn paths() -> Map<String, Value> {
    let dataset = path("dataset", "`default`, a source (`un`, `ofac`...) or an OpenSanctions name (`sanctions`, `us_ofac_sdn`...); see /catalog");
    let mut match_params = vec![
        dataset.clone(),
        query(
            "limit",
            json!({"type": "integer", "default": DEFAULT_LIMIT, "maximum": MAX_LIMIT}),
            "Results per query",
        ),
        query(
            "threshold",
            json!({"type": "number", "minimum": 0, "maximum": 1}),
            "Score from which `match` is true (default: the server's threshold)",
        ),
        query(
            "cutoff",
            json!({"type": "number", "minimum": 0, "maximum": 1}),
            "Lowest score returned (default and at most: the threshold)",
        ),
        query(
            "algorithm",
            json!({"type": "string", "enum": std::iter::once(ALGORITHM).chain(YENTE_ALGORITHM_NAMES.iter().copied()).collect::<Vec<_>>()}),
            "Every name is answered by Cordon's scorer",
        ),
        query(
            "exclude_entity_ids",
            json!({"type": "array", "items": {"type": "string"}, "maxItems": MAX_EXCLUDED_IDS}),
            "Entity ids (`un:QDi.290`) or publisher ids to leave out",
        ),
    ];
    match_params.extend(filters());
    let mut match_op = operation(
        &format!(
            "Match up to {MAX_BATCH} FollowTheMoney entity examples (yente's /match); audited"
        ),
        match_params,
        "MatchResponse",
        &[400, 401, 403, 404, 422, 503],
    );
    match_op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MatchRequest"}}}});
    let mut search_params = vec![
        dataset.clone(),
        query(
            "q",
            json!({"type": "string"}),
            "Name to look for; empty lists every entity",
        ),
        query(
            "schema",
            json!({"type": "string", "default": "Thing"}),
            "Schema the results must be able to match",
        ),
        query(
            "countries",
            strings(),
            "Only entities linked to one of these ISO codes",
        ),
        query("datasets", strings(), "Only these datasets"),
        query(
            "limit",
            json!({"type": "integer", "default": 10, "maximum": 500}),
            "Page size",
        ),
        query(
            "offset",
            json!({"type": "integer", "default": 0}),
            "First result",
        ),
    ];
    search_params.extend(filters());
    let mut paths = Map::new();
    paths.insert("/match/{dataset}".into(), json!({"post": match_op}));
    paths.insert("/search/{dataset}".into(), json!({"get": operation("Search entities by name, with filters, facets and paging", search_params, "SearchResponse", &[400, 401, 403, 404, 422, 503])}));
    paths.insert("/entities/{entity_id}".into(), json!({"get": operation(
        "One entity as FollowTheMoney JSON with its sanction nested",
        vec![path("entity_id", "`un:QDi.290` (or `un-QDi.290`)"), query("nested", json!({"type": "boolean", "default": true}), "Include the sanction entity")],
        "Entity", &[401, 403, 404, 422])}));
    paths.insert("/catalog".into(), json!({"get": operation("The datasets this server answers for", vec![], "Catalog", &[401])}));
    paths.insert("/algorithms".into(), json!({"get": operation("The scorer and the yente algorithm names it answers for", vec![], "Algorithms", &[401])}));
    let reconcile = operation(
        "OpenRefine reconciliation: the manifest, or `queries` (a JSON object) answered",
        vec![
            dataset,
            query(
                "queries",
                json!({"type": "string"}),
                "OpenRefine queries as JSON",
            ),
        ],
        "Reconciliation",
        &[400, 401, 403, 404],
    );
    let mut reconcile_post = reconcile.clone();
    reconcile_post["requestBody"] = json!({"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"queries": {"type": "string"}}}}}});
    paths.insert(
        "/reconcile/{dataset}".into(),
        json!({"get": reconcile, "post": reconcile_post}),
    );
    paths
}

/// The schemas the yente routes refer to.
pub fn schemas() -> Map<String, Value> {
    let entity = json!({"type": "object", "required": ["id", "caption", "schema", "properties", "datasets"], "properties": {
        "id": {"type": "string"}, "caption": {"type": "string"}, "schema": {"type": "string"},
        "properties": {"type": "object", "additionalProperties": {"type": "array"}},
        "datasets": {"type": "array", "items": {"type": "string"}}, "referents": {"type": "array", "items": {"type": "string"}},
        "target": {"type": "boolean"}, "source_id": {"type": "string"},
        "first_seen": {"type": ["string", "null"], "format": "date-time"}, "last_seen": {"type": ["string", "null"], "format": "date-time"},
        "last_change": {"type": ["string", "null"], "format": "date-time"}}});
    let total = json!({"type": "object", "properties": {"value": {"type": "integer"}, "relation": {"type": "string", "enum": ["eq"]}}});
    let example = json!({"type": "object", "required": ["schema", "properties"], "properties": {
        "id": {"type": ["string", "null"]}, "schema": {"type": "string"},
        "properties": {"type": "object", "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array"}]}}}});
    let scored = json!({"allOf": [{"$ref": "#/components/schemas/Entity"}, {"type": "object", "properties": {
        "score": {"type": "number"}, "match": {"type": "boolean"}, "features": {"type": "object", "additionalProperties": {"type": "number"}},
        "explanations": {"type": "object", "additionalProperties": {"type": "object", "properties": {
            "score": {"type": "number"}, "detail": {"type": "string"}, "query": {"type": "string"}, "candidate": {"type": "string"}, "weight": {"type": "number"}}}},
        "explanation": {"type": "string"}}}]});
    let mut schemas = Map::new();
    schemas.insert("Entity".into(), entity);
    schemas.insert("EntityExample".into(), example);
    schemas.insert("ScoredEntity".into(), scored);
    schemas.insert("YenteError".into(), json!({"type": "object", "required": ["detail"], "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]}}}));
    schemas.insert("MatchRequest".into(), json!({"type": "object", "required": ["queries"], "properties": {
        "queries": {"type": "object", "maxProperties": MAX_BATCH, "additionalProperties": {"$ref": "#/components/schemas/EntityExample"}},
        "weights": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Accepted and ignored"},
        "config": {"type": "object", "description": "Cordon's scorer takes no settings: any key is a 400"}}}));
    schemas.insert("MatchResponse".into(), json!({"type": "object", "properties": {
        "responses": {"type": "object", "additionalProperties": {"type": "object", "properties": {
            "status": {"type": "integer"}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/ScoredEntity"}},
            "total": total, "query": {"$ref": "#/components/schemas/EntityExample"}}}},
        "matcher": {"type": "object"}, "limit": {"type": "integer"}}}));
    schemas.insert("SearchResponse".into(), json!({"type": "object", "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}}, "facets": {"type": "object"},
        "total": total, "limit": {"type": "integer"}, "offset": {"type": "integer"}}}));
    schemas.insert("Catalog".into(), json!({"type": "object", "properties": {
        "datasets": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "title": {"type": "string"},
            "version": {"type": "string"}, "load": {"type": "boolean"}, "children": {"type": "array", "items": {"type": "string"}}}}},
        "current": {"type": "array", "items": {"type": "string"}}, "outdated": {"type": "array", "items": {"type": "string"}}, "index_stale": {"type": "boolean"}}}));
    schemas.insert("Algorithms".into(), json!({"type": "object", "properties": {
        "algorithms": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "description": {"type": "string"}, "features": {"type": "object"}}}},
        "default": {"type": "string"}, "best": {"type": "string"}}}));
    schemas.insert("Reconciliation".into(), json!({"type": "object", "description": "The OpenRefine manifest, or per query key `{result: [{id, name, score, match, type}]}`"}));
    schemas
}
