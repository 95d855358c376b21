//! `GET /healthz`, `/readyz`, `/metrics`, `/openapi.json` and `/docs`.

use crate::error::{ApiError, ERROR_TABLE};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// One documented route.
pub struct RouteDoc {
    /// HTTP method, lowercase.
    pub method: &'static str,
    /// Path with `{parameters}`.
    pub path: &'static str,
    /// Role needed (`None`: no key needed).
    pub role: Option<&'static str>,
    /// What it does.
    pub summary: &'static str,
    /// Request body media type, if any.
    pub body: Option<&'static str>,
}

/// Every route of the API (the OpenAPI document is generated from it).
pub const ROUTES: &[RouteDoc] = &[
    RouteDoc { method: "post", path: "/v1/screen", role: Some("screener"), summary: "Screen one name (with dob, country, type, identifiers); audited", body: Some("application/json") },
    RouteDoc { method: "post", path: "/v1/screen/batch", role: Some("screener"), summary: "Screen NDJSON lines; results stream back as NDJSON, one per line; each audited", body: Some("application/x-ndjson") },
    RouteDoc { method: "post", path: "/v1/compare", role: Some("screener"), summary: "Compare two names with an explanation", body: Some("application/json") },
    RouteDoc { method: "get", path: "/v1/lists", role: Some("screener"), summary: "Stored list versions, update status and what is indexed", body: None },
    RouteDoc { method: "post", path: "/v1/lists", role: Some("admin"), summary: "Upload a list file, import it as a new version (audited with a rescreen job in one transaction; a version older than the current one answers 409) and rescreen all customers against its additions and changes", body: Some("application/octet-stream") },
    RouteDoc { method: "get", path: "/v1/lists/{source}/diff", role: Some("screener"), summary: "Differences between two versions of a list (?from=&to=)", body: None },
    RouteDoc { method: "get", path: "/v1/audit", role: Some("auditor"), summary: "Audit entries (?after=&limit=&verify=true walks the hash chain)", body: None },
    RouteDoc { method: "post", path: "/v1/decisions", role: Some("analyst"), summary: "Record a true_match (pending four eyes) or false_positive decision", body: Some("application/json") },
    RouteDoc { method: "post", path: "/v1/decisions/{id}/confirm", role: Some("supervisor"), summary: "Confirm a pending true match (a different person)", body: None },
    RouteDoc { method: "post", path: "/v1/customers", role: Some("admin"), summary: "Upsert customers from NDJSON lines; each is screened at once against the indexed lists (alerts in the answer)", body: Some("application/x-ndjson") },
    RouteDoc { method: "get", path: "/v1/alerts", role: Some("analyst"), summary: "Alerts raised by rescreening (?status=open&limit=)", body: None },
    RouteDoc { method: "post", path: "/v1/transfers", role: Some("screener"), summary: "Screen payment messages (ISO 20022 XML, SWIFT MT FIN or RJE batch; up to 16 MiB): R16, names, free text, typology rules in arrival order. Answers NDJSON, one line per transaction in input order: a report (`id`, `summary` with the settled `amount`/`currency` and the `instructed_amount`/`instructed_currency`, `r16`, `hits` (a party's or agent's name is screened whole and scanned for a listed name inside it: `matches` and `text_hits`), `alerts`, `delivery` when the typology rules took it `late`, as a `duplicate` or `too_late` (not evaluated; stored as a `MONITOR-TOO-LATE` alert for review), the reader's `warnings` when it worked around a fault) with `index`, `audit` and `alert_ids`, or `{index, line, offset, error}` for an unreadable message; each report audited", body: Some("application/xml") },
    RouteDoc { method: "get", path: "/v1/transfers/alerts", role: Some("analyst"), summary: "Alerts raised by transfer screening (R16 errors, sanctions hits, typology alerts), newest first, each with its status and list versions (?status=open|escalated|pending_confirmation|false_positive|true_match&limit=)", body: None },
    RouteDoc { method: "get", path: "/v1/transfers/alerts/{id}", role: Some("analyst"), summary: "One transfer alert with its decisions, oldest first", body: None },
    RouteDoc { method: "post", path: "/v1/transfers/alerts/{id}/decisions", role: Some("analyst"), summary: "Decide a transfer alert ({verdict: false_positive|true_match|escalate, reason}); a true match stays pending_confirmation until a supervisor who is a different person decides true_match too; escalated alerts need a supervisor; closed alerts answer 409; audited. Answers 201 with the decision", body: Some("application/json") },
    RouteDoc { method: "get", path: "/healthz", role: None, summary: "Liveness", body: None },
    RouteDoc { method: "get", path: "/readyz", role: None, summary: "Readiness: 200 once the lists are indexed and the database can be read and written within 2 s (503 store_unavailable otherwise)", body: None },
    RouteDoc { method: "get", path: "/metrics", role: None, summary: "Prometheus metrics", body: None },
    RouteDoc { method: "get", path: "/openapi.json", role: None, summary: "This document (the yente-compatible routes included)", body: None },
    RouteDoc { method: "get", path: "/docs", role: None, summary: "A static page (no data) that asks for a key and renders this document", body: None },
];

/// `GET /healthz`.
pub async fn healthz() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

/// `GET /readyz`.
pub async fn readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let snapshot = state.snapshot()?;
    state.database_ready().await?;
    Ok(axum::Json(
        json!({"status": "ready", "lists": snapshot.labels, "entities": snapshot.index.len()}),
    )
    .into_response())
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let entities = state.snapshot().ok().map(|s| s.index.len());
    let mut text = state.metrics().render(entities);
    // Absent when the rules could not start (the error is logged there).
    if let Ok(stats) = state.with_rules(|rules| Ok(rules.stats())) {
        text.push_str(&crate::metrics::monitor_lines(&stats));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

fn error_schema() -> Value {
    json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
        "required": ["code", "message"], "properties": {
            "code": {"type": "string", "enum": ERROR_TABLE.iter().map(|e| e.code).collect::<Vec<_>>()},
            "message": {"type": "string"}}}}})
}

/// The OpenAPI 3.1 document.
pub fn openapi() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for route in ROUTES {
        let mut responses = Map::new();
        responses.insert("200".into(), json!({"description": "OK"}));
        for spec in ERROR_TABLE {
            let relevant = match spec.code {
                "missing_api_key" | "invalid_api_key" | "forbidden" => route.role.is_some(),
                "not_ready" | "overloaded" | "timeout" | "internal" => true,
                "store_unavailable" => route.path == "/readyz",
                "method_not_allowed" => true,
                "unsupported_media_type" => route.body.is_some(),
                _ => route.body.is_some() || route.path.contains('{'),
            };
            if relevant {
                let status = spec.status.to_string();
                let entry = responses.entry(status).or_insert_with(|| json!({"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}));
                let text = entry["description"].as_str().unwrap_or("").to_string();
                let joined = if text.is_empty() {
                    format!("{}: {}", spec.code, spec.meaning)
                } else {
                    format!("{text}; {}: {}", spec.code, spec.meaning)
                };
                entry["description"] = json!(joined);
            }
        }
        let mut operation = json!({
            "summary": route.summary,
            "description": format!("Role: {}", route.role.unwrap_or("none (no key)")),
            "responses": responses,
        });
        if route.role.is_some() {
            operation["security"] = json!([{"bearer": []}]);
        }
        if let Some(media) = route.body {
            operation["requestBody"] = json!({"required": true, "content": {media: {}}});
        }
        let params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            operation["parameters"] = json!(params);
        }
        let item = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        item[route.method] = operation;
    }
    paths.extend(crate::yente::openapi::paths());
    let mut schemas = crate::yente::openapi::schemas();
    schemas.insert("Error".into(), error_schema());
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Cordon screening API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Screen names against terrorist-financing designations; every screening and decision is recorded in a hash-chained audit log."},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API key from `cordon keys create --role ROLE`"},
                "apikey": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "`ApiKey KEY`, as yente's clients send the same key"},
            },
            "schemas": schemas,
        },
    })
}

/// `GET /openapi.json` (public: it describes the API, nothing of the data).
pub async fn openapi_json() -> Response {
    // The document depends only on constants: build it once, not per request.
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    axum::Json(DOCUMENT.get_or_init(openapi)).into_response()
}

/// `GET /docs`: a self-contained page (no external scripts) that renders openapi.json.
pub async fn docs() -> Html<&'static str> {
    Html(DOCS_PAGE)
}

const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cordon API</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
code{background:#f4f4f4;padding:0 .2rem}.m{font-weight:bold;text-transform:uppercase}</style></head>
<body><h1>Cordon screening API</h1>
<p>Send <code>Authorization: Bearer KEY</code> (create one with <code>cordon keys create --role ROLE</code>);
errors are <code>{"error": {"code", "message"}}</code>. The machine-readable description is
<code>GET /openapi.json</code> (no key needed).</p>
<form id="f"><label>API key <input id="k" type="password" size="50" autocomplete="off"></label>
<button>Show the API</button></form><p id="d"></p>
<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Responses</th></tr></thead><tbody id="t"></tbody></table>
<script>
document.getElementById('f').addEventListener('submit', e => {
  e.preventDefault();
  const key = document.getElementById('k').value.trim();
  fetch('/openapi.json', {headers: {Authorization: 'Bearer ' + key}}).then(r => r.json()).then(doc => {
    const d = document.getElementById('d'), t = document.getElementById('t');
    t.textContent = '';
    if (doc.error) { d.textContent = doc.error.code + ': ' + doc.error.message; return; }
    d.textContent = doc.info.description + ' (version ' + doc.info.version + ')';
    for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
      const tr = document.createElement('tr');
      const cells = [method, path, op.summary + ' (' + op.description + ')',
        Object.entries(op.responses).map(([s, r]) => s + ' ' + r.description).join('\n')];
      cells.forEach((text, i) => { const td = document.createElement('td'); td.textContent = text;
        if (i === 0) td.className = 'm'; if (i === 3) td.style.whiteSpace = 'pre-line'; tr.appendChild(td); });
      t.appendChild(tr);
    }
  });
});
</script></body></html>"#;
