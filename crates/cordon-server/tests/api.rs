//! The API through its router (no socket): auth, error codes, screening with
//! audit, batch streaming, decisions, rescreen on a new UN version, yente
//! compatibility, limits and the queue.

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cordon_server::{router, AppState, ServerConfig};
use cordon_store::{ApiKeys, AuditLog, ImportRequest, Role, SqliteStore, Store};
use serde_json::{json, Value};
use tower::ServiceExt;

fn data(rel: &str) -> String {
    format!("{}/../../../shared/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

const UN_2025: &str = "lists/un/un_consolidated_2025-04-19.xml";
const UN_2026: &str = "lists/un/un_consolidated_2026-02-27.xml";

struct Api {
    app: Router,
    state: AppState,
    admin: String,
    screener: String,
    analyst: String,
    supervisor: String,
    auditor: String,
}

fn import_file(store: &SqliteStore, rel: &str) {
    let bytes = std::fs::read(data(rel)).unwrap();
    let list = cordon_lists::read_bytes(cordon_lists::detect(&bytes).unwrap(), &bytes).unwrap();
    let hash = cordon_store::sha256_hex(&bytes);
    store
        .import(&ImportRequest {
            list: &list,
            content_hash: &hash,
            origin: rel,
        })
        .unwrap();
}

fn api_with(config: ServerConfig) -> Api {
    let store = SqliteStore::open_in_memory().unwrap();
    import_file(&store, UN_2025);
    let key =
        |role: Role, person: &str| store.create_key(role, Some(person), "test").unwrap().secret;
    let (admin, screener, analyst, supervisor, auditor) = (
        key(Role::Admin, "root"),
        key(Role::Screener, "sam"),
        key(Role::Analyst, "alice"),
        key(Role::Supervisor, "bob"),
        key(Role::Auditor, "aud"),
    );
    let state = AppState::new(store, config);
    state.load_lists().unwrap();
    Api {
        app: router(state.clone()),
        state,
        admin,
        screener,
        analyst,
        supervisor,
        auditor,
    }
}

fn api() -> Api {
    api_with(ServerConfig::default())
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, bytes.to_vec())
}

async fn json_call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let body = if body.is_null() {
        Body::empty()
    } else {
        Body::from(body.to_string())
    };
    let (status, bytes) = send(app, method, uri, key, body).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_and_roles_are_enforced_with_stable_codes() {
    let api = api();
    let screen = json!({"name": "Doku Umarov"});
    let (status, body) = json_call(&api.app, "POST", "/v1/screen", None, screen.clone()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "missing_api_key")
    );
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/screen",
        Some("cordon_nope"),
        screen.clone(),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_api_key")
    );
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/screen",
        Some(&api.auditor),
        screen.clone(),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = json_call(
        &api.app,
        "GET",
        "/v1/audit",
        Some(&api.screener),
        Value::Null,
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, _) = json_call(
        &api.app,
        "GET",
        "/v1/audit",
        Some(&api.auditor),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = json_call(
        &api.app,
        "GET",
        "/v1/nothing",
        Some(&api.admin),
        Value::Null,
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    for open in ["/healthz", "/readyz", "/metrics"] {
        assert_eq!(
            send(&api.app, "GET", open, None, Body::empty()).await.0,
            StatusCode::OK,
            "{open}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_bodies_are_invalid_requests_naming_the_place() {
    let api = api();
    let key = Some(api.screener.as_str());
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/screen",
        key,
        json!({"name": "X", "nmae": "Y"}),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("nmae"),
        "{body}"
    );
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/screen",
        key,
        json!({"name": "X", "dob": "last tuesday"}),
    )
    .await;
    assert_eq!(code(&body), "invalid_request", "{status} {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("dob:"),
        "{body}"
    );
    let (_, bytes) = send(
        &api.app,
        "POST",
        "/v1/screen",
        key,
        Body::from("{\"name\": "),
    )
    .await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 1"),
        "{body}"
    );
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/screen",
        key,
        json!({"name": "X", "limit": 0}),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let huge = json!({"name": "A".repeat(100 * 1024)});
    let (status, body) = json_call(&api.app, "POST", "/v1/screen", key, huge).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn screening_returns_explained_matches_and_is_audited_with_the_key_id() {
    let api = api();
    let request = json!({"name": "UMAROV, Doku Khamatovich", "type": "person"});
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/screen",
        Some(&api.screener),
        request.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let top = &body["matches"][0];
    assert_eq!(top["source"], "un");
    assert!(top["score"].as_f64().unwrap() >= cordon_match::DEFAULT_THRESHOLD);
    assert_eq!(top["entity_hash"].as_str().unwrap().len(), 64);
    assert!(top["explanation"]["summary"].is_string());
    assert!(body["lists"][0]
        .as_str()
        .unwrap()
        .starts_with("un@2025-04-19"));
    let seq = body["audit"]["seq"].as_i64().unwrap();
    let entry = api
        .state
        .store()
        .audit_entries(seq - 1, 1)
        .unwrap()
        .remove(0);
    let screener_id = api
        .state
        .store()
        .authenticate(&api.screener)
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(entry.kind, "screening");
    assert_eq!(entry.caller, screener_id);
    let expected_hash = cordon_store::sha256_hex(cordon_store::canonical_json(&request).as_bytes());
    assert_eq!(entry.payload["request_hash"], expected_hash.as_str());
    assert_eq!(entry.payload["results"][0]["entity_id"], top["entity_id"]);
    assert!(entry.payload["engine"]
        .as_str()
        .unwrap()
        .contains(&format!("threshold={}", cordon_match::DEFAULT_THRESHOLD)));
    assert!(api.state.store().verify_audit().unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_streams_one_line_per_input_line() {
    let api = api();
    let input = "{\"id\": 1, \"name\": \"Doku Umarov\"}\n\n{\"id\": 2, \"name\": \"\"}\nnot json\n{\"id\": \"c4\", \"name\": \"Jane Q. Nobody\"}\n";
    let (status, bytes) = send(
        &api.app,
        "POST",
        "/v1/screen/batch",
        Some(&api.screener),
        Body::from(input),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<Value> = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        (lines[0]["id"].clone(), lines[0]["line"].clone()),
        (json!(1), json!(1))
    );
    assert!(!lines[0]["matches"].as_array().unwrap().is_empty());
    assert!(lines[0]["audit"]["seq"].is_i64());
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(code(&lines[1]), "invalid_request");
    assert_eq!(
        (lines[2]["line"].clone(), code(&lines[2])),
        (json!(4), "invalid_request")
    );
    assert_eq!(lines[3]["id"], "c4");
    assert!(lines[3]["matches"].as_array().unwrap().is_empty());
    // Two rows screened, two audit entries (after the key creations).
    let screenings = api
        .state
        .store()
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "screening")
        .count();
    assert_eq!(screenings, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_queue_answers_503_with_retry_after() {
    let api = api_with(ServerConfig {
        max_cpu_jobs: 1,
        ..ServerConfig::default()
    });
    // A large batch whose output nobody reads holds the only worker slot.
    let lines: String = (0..3000)
        .map(|i| format!("{{\"id\": {i}, \"name\": \"Name Number {i}\"}}\n"))
        .collect();
    let request = Request::builder()
        .method("POST")
        .uri("/v1/screen/batch")
        .header(header::AUTHORIZATION, format!("Bearer {}", api.screener))
        .body(Body::from(lines))
        .unwrap();
    let held = api.app.clone().oneshot(request).await.unwrap();
    assert_eq!(held.status(), StatusCode::OK);
    let response = api
        .app
        .clone()
        .oneshot(
            Request::builder()
                .method("POST")
                .uri("/v1/screen")
                .header(header::AUTHORIZATION, format!("Bearer {}", api.screener))
                .body(Body::from(json!({"name": "Doku Umarov"}).to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    let body: Value =
        serde_json::from_slice(&to_bytes(response.into_body(), usize::MAX).await.unwrap()).unwrap();
    assert_eq!(code(&body), "overloaded");
    drop(held);
    let metrics = String::from_utf8(
        send(&api.app, "GET", "/metrics", None, Body::empty())
            .await
            .1,
    )
    .unwrap();
    assert!(
        metrics.contains("cordon_queue_rejections_total 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_version_raises_rescreen_alerts_and_false_positives_stay_quiet() {
    let api = api();
    let customers = [
        json!({"id": "c-kempes", "name": "Kempes Sanon", "type": "person"}),
        json!({"id": "c-dimitri", "name": "Dimitri Herard", "type": "person"}),
        json!({"id": "c-plain", "name": "Maria Gonzalez Ortega", "dob": "1980-02-03", "country": "ES"}),
    ];
    let ndjson: String = customers.iter().map(|c| format!("{c}\n")).collect();
    let (status, bytes) = send(
        &api.app,
        "POST",
        "/v1/customers",
        Some(&api.analyst),
        Body::from(ndjson.clone()),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let (status, bytes) = send(
        &api.app,
        "POST",
        "/v1/customers",
        Some(&api.admin),
        Body::from(ndjson),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&bytes).unwrap()["inserted"],
        3
    );
    let (status, bytes) = send(
        &api.app,
        "POST",
        "/v1/customers",
        Some(&api.admin),
        Body::from("{\"id\": \"x\", \"name\": \"Y\", \"colour\": 1}\n"),
    )
    .await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 1"),
        "{body}"
    );

    // Dimitri is cleared as a false positive before the list names him.
    let bytes = std::fs::read(data(UN_2026)).unwrap();
    let new_list = cordon_lists::un::read(&bytes[..]).unwrap();
    let dimitri = new_list
        .entities
        .iter()
        .find(|e| e.designation.source_id == "HTi.008")
        .unwrap();
    let fp = json!({"party_key": "c-dimitri", "entity_id": dimitri.id, "verdict": "false_positive",
                    "reason": "customer born 1990, listed person born 1980", "entity_hash": cordon_store::entity_hash(dimitri)});
    let (status, body) = json_call(&api.app, "POST", "/v1/decisions", Some(&api.analyst), fp).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, _) = send(
        &api.app,
        "POST",
        "/v1/lists",
        Some(&api.analyst),
        Body::from(bytes.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = send(
        &api.app,
        "POST",
        "/v1/lists",
        Some(&api.admin),
        Body::from(bytes),
    )
    .await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["diff"]["added"], 130);
    let alerts = body["alerts"].as_array().unwrap();
    let customers_alerted: Vec<&str> = alerts
        .iter()
        .map(|a| a["customer_id"].as_str().unwrap())
        .collect();
    assert!(customers_alerted.contains(&"c-kempes"), "{body}");
    assert!(
        !customers_alerted.contains(&"c-dimitri"),
        "a standing false positive raised an alert: {body}"
    );
    assert!(!customers_alerted.contains(&"c-plain"), "{body}");
    let (status, listed) = json_call(
        &api.app,
        "GET",
        "/v1/alerts?status=open",
        Some(&api.analyst),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["alerts"].as_array().unwrap().len(), alerts.len());
    assert_eq!(
        listed["alerts"][0]["list_version"]
            .as_str()
            .unwrap()
            .split('#')
            .next(),
        Some("un@2026-02-27")
    );
    // The index now serves the new version.
    let (_, ready) = json_call(&api.app, "GET", "/readyz", None, Value::Null).await;
    assert!(
        ready["lists"][0]
            .as_str()
            .unwrap()
            .starts_with("un@2026-02-27"),
        "{ready}"
    );
    // Uploading the same file again creates nothing.
    let (status, _) = send(
        &api.app,
        "POST",
        "/v1/lists",
        Some(&api.admin),
        Body::from(std::fs::read(data(UN_2026)).unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The diff endpoint agrees.
    let (status, diff) = json_call(
        &api.app,
        "GET",
        "/v1/lists/un/diff?from=2025-04-19",
        Some(&api.screener),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert_eq!(diff["diff"]["added"].as_array().unwrap().len(), 130);
    assert_eq!(diff["diff"]["removed"].as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn four_eyes_over_http() {
    let api = api();
    let decision = json!({"party_key": "c1", "entity_id": "un:QDi.290", "verdict": "true_match", "reason": "same passport"});
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/decisions",
        Some(&api.screener),
        decision.clone(),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/decisions",
        Some(&api.analyst),
        decision,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["state"], "pending");
    let uri = format!("/v1/decisions/{}/confirm", body["id"]);
    let (status, body) = json_call(&api.app, "POST", &uri, Some(&api.analyst), Value::Null).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) =
        json_call(&api.app, "POST", &uri, Some(&api.supervisor), Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "confirmed");
    let (status, body) =
        json_call(&api.app, "POST", &uri, Some(&api.supervisor), Value::Null).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));
    let unknown = json!({"party_key": "c1", "entity_id": "un:NOPE", "verdict": "false_positive", "reason": "x"});
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/v1/decisions",
        Some(&api.analyst),
        unknown,
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, audit) = json_call(
        &api.app,
        "GET",
        "/v1/audit?verify=true&limit=1000",
        Some(&api.auditor),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(audit["verification"]["broken"].is_null(), "{audit}");
    let kinds: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"decision") && kinds.contains(&"decision_confirmed"),
        "{kinds:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn yente_match_has_yentes_shape() {
    let api = api();
    let query = json!({"queries": {"q1": {"schema": "Person", "properties": {
        "name": ["Doku Umarov"], "nationality": ["ru"]}},
        "q2": {"schema": "Company", "properties": {"name": "Nothing Like Any Listed Name Ltd"}}}});
    let (status, body) = json_call(
        &api.app,
        "POST",
        "/match/default?limit=3",
        Some(&api.screener),
        query.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let q1 = &body["responses"]["q1"];
    assert_eq!(q1["status"], 200);
    let top = &q1["results"][0];
    for field in [
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "score",
        "match",
        "features",
        "source_id",
    ] {
        assert!(!top[field].is_null(), "{field} missing in {top}");
    }
    assert_eq!(top["schema"], "Person");
    assert_eq!(top["match"], true);
    assert!(top["properties"]["name"].is_array());
    assert_eq!(q1["total"]["relation"], "eq");
    assert_eq!(q1["query"]["schema"], "Person");
    assert_eq!(
        body["responses"]["q2"]["results"].as_array().unwrap().len(),
        0
    );
    assert_eq!(body["limit"], 3);
    let (status, body) =
        json_call(&api.app, "POST", "/match/ofac", Some(&api.screener), query).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let bad = json!({"queries": {"q": {"schema": "Person", "properties": {}}}});
    let (status, body) = json_call(&api.app, "POST", "/match/un", Some(&api.screener), bad).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_docs_metrics_and_compare() {
    let api = api();
    let (status, body) = json_call(&api.app, "GET", "/openapi.json", None, Value::Null).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "missing_api_key")
    );
    let (status, doc) = json_call(
        &api.app,
        "GET",
        "/openapi.json",
        Some(&api.auditor),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        doc["paths"]["/v1/screen"]["post"]["security"][0]["bearer"],
        json!([])
    );
    assert!(doc["paths"]["/healthz"]["get"]["security"].is_null());
    for path in [
        "/v1/screen",
        "/v1/decisions/{id}/confirm",
        "/match/{dataset}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    let (status, page) = send(&api.app, "GET", "/docs", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(page).unwrap().contains("/openapi.json"));
    let pair = json!({"name1": "Doku Khamatovich Umarov", "name2": "Умаров Доку Хаматович"});
    let (status, body) =
        json_call(&api.app, "POST", "/v1/compare", Some(&api.screener), pair).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["match"], true);
    let metrics = String::from_utf8(
        send(&api.app, "GET", "/metrics", None, Body::empty())
            .await
            .1,
    )
    .unwrap();
    assert!(
        metrics.contains("cordon_http_requests_total{route=\"POST /v1/compare\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("cordon_index_entities "), "{metrics}");
}

#[tokio::test(flavor = "multi_thread")]
async fn not_ready_until_lists_are_indexed() {
    let store = SqliteStore::open_in_memory().unwrap();
    let key = store
        .create_key(Role::Screener, None, "test")
        .unwrap()
        .secret;
    let state = AppState::new(store, ServerConfig::default());
    let app = router(state.clone());
    let (status, body) = json_call(&app, "GET", "/readyz", None, Value::Null).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "not_ready")
    );
    let (status, body) =
        json_call(&app, "POST", "/v1/screen", Some(&key), json!({"name": "X"})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "not_ready")
    );
    state.load_lists().unwrap();
    assert_eq!(
        json_call(&app, "GET", "/readyz", None, Value::Null).await.0,
        StatusCode::OK
    );
}
