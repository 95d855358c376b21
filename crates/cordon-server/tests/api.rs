//! The API through its router (no socket): auth, error codes, screening with
//! audit, batch streaming, decisions, rescreen on a new UN version, limits
//! and the queue (yente compatibility: `tests/yente.rs`).

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cordon_server::{router, AppState, ServerConfig};
use cordon_store::{ApiKeys, ImportRequest, Role, SqliteStore, Store};
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

impl Api {
    /// `POST` a JSON body (`Value::Null`: none) with a key.
    async fn post(&self, uri: &str, key: &str, body: Value) -> (StatusCode, Value) {
        json_call(&self.app, "POST", uri, Some(key), body).await
    }

    /// `GET` with a key.
    async fn get(&self, uri: &str, key: &str) -> (StatusCode, Value) {
        json_call(&self.app, "GET", uri, Some(key), Value::Null).await
    }
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
    let (status, body) = api.post("/v1/screen", "cordon_nope", screen.clone()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_api_key")
    );
    let (status, body) = api.post("/v1/screen", &api.auditor, screen.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = api.get("/v1/audit", &api.screener).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, _) = api.get("/v1/audit", &api.auditor).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = api.get("/v1/nothing", &api.admin).await;
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
    let key = api.screener.as_str();
    let (status, body) = api
        .post("/v1/screen", key, json!({"name": "X", "nmae": "Y"}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("nmae"),
        "{body}"
    );
    let (status, body) = api
        .post(
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
        Some(key),
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
    let (status, body) = api
        .post("/v1/screen", key, json!({"name": "X", "limit": 0}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let huge = json!({"name": "A".repeat(100 * 1024)});
    let (status, body) = api.post("/v1/screen", key, huge).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn screening_returns_explained_matches_and_is_audited_with_the_key_id() {
    let api = api();
    let request = json!({"name": "UMAROV, Doku Khamatovich", "type": "person"});
    let (status, body) = api.post("/v1/screen", &api.screener, request.clone()).await;
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
    let (status, body) = api.post("/v1/decisions", &api.analyst, fp).await;
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
    let (status, listed) = api.get("/v1/alerts?status=open", &api.analyst).await;
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
    let (status, diff) = api
        .get("/v1/lists/un/diff?from=2025-04-19", &api.screener)
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert_eq!(diff["diff"]["added"].as_array().unwrap().len(), 130);
    assert_eq!(diff["diff"]["removed"].as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn four_eyes_over_http() {
    let api = api();
    let decision = json!({"party_key": "c1", "entity_id": "un:QDi.290", "verdict": "true_match", "reason": "same passport"});
    let (status, body) = api
        .post("/v1/decisions", &api.screener, decision.clone())
        .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = api.post("/v1/decisions", &api.analyst, decision).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["state"], "pending");
    let uri = format!("/v1/decisions/{}/confirm", body["id"]);
    let (status, body) = api.post(&uri, &api.analyst, Value::Null).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = api.post(&uri, &api.supervisor, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "confirmed");
    let (status, body) = api.post(&uri, &api.supervisor, Value::Null).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));
    let unknown = json!({"party_key": "c1", "entity_id": "un:NOPE", "verdict": "false_positive", "reason": "x"});
    let (status, body) = api.post("/v1/decisions", &api.analyst, unknown).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, audit) = api
        .get("/v1/audit?verify=true&limit=1000", &api.auditor)
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
async fn clearing_a_true_match_over_http_needs_four_eyes_and_expiry_is_capped() {
    let api = api();
    let decide = |verdict: &str, expires_at: Value| {
        json!({"party_key": "c1", "entity_id": "un:QDi.290", "verdict": verdict,
               "reason": "checked the passport", "expires_at": expires_at})
    };
    let (status, body) = api
        .post(
            "/v1/decisions",
            &api.analyst,
            decide("true_match", Value::Null),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The same analyst alone cannot clear it: the false positive waits.
    let (status, body) = api
        .post(
            "/v1/decisions",
            &api.analyst,
            decide("false_positive", Value::Null),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["state"], "pending", "{body}");
    let uri = format!("/v1/decisions/{}/confirm", body["id"]);
    let (status, body) = api.post(&uri, &api.supervisor, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "confirmed");
    // Decisions lapse: "never" and dates beyond a year are refused naming the field.
    for expires in [json!("never"), json!("2099-01-01T00:00:00Z")] {
        let (status, body) = api
            .post(
                "/v1/decisions",
                &api.analyst,
                decide("false_positive", expires),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("expires_at:"),
            "{body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_answer_is_json_with_a_request_id() {
    let api = api();
    let key = Some(api.screener.as_str());
    let check = |status: StatusCode, bytes: &[u8], expected: (StatusCode, &str)| {
        let body: Value = serde_json::from_slice(bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(bytes)));
        assert_eq!((status, code(&body)), expected, "{body}");
        assert!(body["error"]["request_id"].is_string(), "{body}");
        assert!(body["error"]["message"].is_string(), "{body}");
    };
    // Unknown method on a known route, a bad query string, a bad path parameter.
    let (status, bytes) = send(&api.app, "GET", "/v1/screen", key, Body::empty()).await;
    check(
        status,
        &bytes,
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
    );
    let auditor = Some(api.auditor.as_str());
    let (status, bytes) = send(
        &api.app,
        "GET",
        "/v1/audit?after=abc",
        auditor,
        Body::empty(),
    )
    .await;
    check(status, &bytes, (StatusCode::BAD_REQUEST, "invalid_request"));
    let analyst = Some(api.supervisor.as_str());
    let (status, bytes) = send(
        &api.app,
        "POST",
        "/v1/decisions/abc/confirm",
        analyst,
        Body::empty(),
    )
    .await;
    check(status, &bytes, (StatusCode::BAD_REQUEST, "invalid_request"));
    let (status, bytes) = send(&api.app, "GET", "/nowhere", None, Body::empty()).await;
    check(status, &bytes, (StatusCode::NOT_FOUND, "not_found"));

    // The caller's request id is echoed, in the header and in an error body.
    let request = Request::builder()
        .method("POST")
        .uri("/v1/screen")
        .header("x-request-id", "trace-7f3a")
        .body(Body::from("{}"))
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-7f3a");
    let body: Value =
        serde_json::from_slice(&to_bytes(response.into_body(), usize::MAX).await.unwrap()).unwrap();
    assert_eq!(body["error"]["request_id"], "trace-7f3a");
    // Successful answers carry one too.
    let request = Request::builder()
        .uri("/healthz")
        .body(Body::empty())
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_keys_are_refused_naming_the_key() {
    let api = api();
    let body = r#"{"name": "Jane Roe", "dob": "1970", "name": "Doku Umarov"}"#;
    let (status, bytes) = send(
        &api.app,
        "POST",
        "/v1/screen",
        Some(&api.screener),
        Body::from(body),
    )
    .await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request"),
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("duplicate key \"name\""), "{message}");
    // Nested objects too; the same key in two different objects is fine.
    let nested = r#"{"name": "Jane Roe", "identifiers": [{"a": 1, "a": 2}]}"#;
    let (status, _) = send(
        &api.app,
        "POST",
        "/v1/screen",
        Some(&api.screener),
        Body::from(nested),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fine = json!({"party_key": "c1", "entity_id": "un:QDi.290", "verdict": "true_match", "reason": "r"});
    let (status, body) = api.post("/v1/decisions", &api.analyst, fine).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declared_oversize_body_is_refused_before_it_is_read() {
    let api = api();
    // The body never comes: reading it would hang until the test's timeout.
    let never = futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let request = Request::builder()
        .method("POST")
        .uri("/v1/screen")
        .header(header::AUTHORIZATION, format!("Bearer {}", api.screener))
        .header(header::CONTENT_LENGTH, "2000000000")
        .body(Body::from_stream(never))
        .unwrap();
    let response = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        api.app.clone().oneshot(request),
    )
    .await
    .expect("the server waited for a body it would refuse")
    .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value =
        serde_json::from_slice(&to_bytes(response.into_body(), usize::MAX).await.unwrap()).unwrap();
    assert_eq!(code(&body), "payload_too_large");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_fault_is_logged_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cordon.db");
    let store = SqliteStore::open(&path).unwrap();
    import_file(&store, UN_2025);
    let analyst = store
        .create_key(Role::Analyst, Some("alice"), "test")
        .unwrap()
        .secret;
    let state = AppState::new(store, ServerConfig::default());
    state.load_lists().unwrap();
    let app = router(state);
    // The decisions table disappears behind the server's back.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TABLE decisions")
        .unwrap();
    let decision = json!({"party_key": "c1", "entity_id": "un:QDi.290", "verdict": "true_match", "reason": "r"});
    let (status, body) = json_call(&app, "POST", "/v1/decisions", Some(&analyst), decision).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["error"]["code"], "internal");
    assert_eq!(body["error"]["message"], "internal error");
    assert!(body["error"]["request_id"].is_string(), "{body}");
    let text = body.to_string();
    assert!(
        !text.contains("decisions") && !text.contains("cordon.db"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn readiness_reports_a_locked_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cordon.db");
    let store = SqliteStore::open(&path).unwrap();
    import_file(&store, UN_2025);
    let state = AppState::new(store, ServerConfig::default());
    state.load_lists().unwrap();
    let app = router(state);
    let (status, body) = json_call(&app, "GET", "/readyz", None, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Another process takes the write lock and keeps it.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let (status, body) = json_call(&app, "GET", "/readyz", None, Value::Null).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable"),
        "{body}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(!body.to_string().contains("cordon.db"), "{body}");
    holder.execute_batch("ROLLBACK").unwrap();
    let (status, _) = json_call(&app, "GET", "/readyz", None, Value::Null).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_runs_on_the_fixed_pool_and_the_excess_is_refused_at_once() {
    let api = api_with(ServerConfig {
        workers: 2,
        max_cpu_jobs: 4,
        ..ServerConfig::default()
    });
    assert_eq!(api.state.worker_threads(), 2);
    let burst: Vec<_> = (0..200)
        .map(|i| {
            let app = api.app.clone();
            let key = api.screener.clone();
            tokio::spawn(async move {
                let request = Request::builder()
                    .method("POST")
                    .uri("/v1/screen")
                    .header(header::AUTHORIZATION, format!("Bearer {key}"))
                    .body(Body::from(
                        json!({"name": format!("Doku Umarov {i}")}).to_string(),
                    ))
                    .unwrap();
                let started = std::time::Instant::now();
                let response = app.oneshot(request).await.unwrap();
                let retry = response.headers().get(header::RETRY_AFTER).cloned();
                (response.status(), retry, started.elapsed())
            })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for task in burst {
        let (status, retry, elapsed) = task.await.unwrap();
        match status {
            StatusCode::OK => ok += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                refused += 1;
                assert_eq!(retry.unwrap(), "1");
                assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(ok + refused, 200);
    assert!(ok >= 4 && refused >= 1, "{ok} ok, {refused} refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_docs_metrics_and_compare() {
    let api = api();
    // The description is public: it says nothing of the data.
    let (status, doc) = json_call(&api.app, "GET", "/openapi.json", None, Value::Null).await;
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
    let (status, body) = api.post("/v1/compare", &api.screener, pair).await;
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

// ---- Transfers -------------------------------------------------------------

const PACS008: &str = "payments/cbpr_p_2_1_1_pacs.008.001.08_C_to_D.xml";
const MT103: &str = "payments/cbpr_p_2_1_1_MT103_C_to_D.fin";

fn demo_list_path() -> String {
    format!("{}/../cordon/demo/demo_un.xml", env!("CARGO_MANIFEST_DIR"))
}

/// An API over the demo UN list (made-up entries) instead of the real one.
fn demo_api() -> Api {
    let api = api();
    let bytes = std::fs::read(demo_list_path()).unwrap();
    let mut list = cordon_lists::read_bytes(cordon_lists::detect(&bytes).unwrap(), &bytes).unwrap();
    // A newer version of the `un` source replaces the real list in the index.
    list.version = Some("9999-12-31".into());
    api.state
        .store()
        .import(&ImportRequest {
            list: &list,
            content_hash: &cordon_store::sha256_hex(&bytes),
            origin: "demo_un.xml",
        })
        .unwrap();
    api.state.load_lists().unwrap();
    api
}

async fn post_transfers(
    app: &Router,
    key: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Vec<Value>) {
    let mut request = Request::builder()
        .method("POST")
        .uri("/v1/transfers")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let lines = if status == StatusCode::OK {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    } else {
        vec![serde_json::from_str(&text).unwrap_or(Value::Null)]
    };
    (status, lines)
}

/// An MT103 from `account`/`debtor` with `remittance` in field 70.
fn mt103(reference: &str, date: &str, amount: &str, debtor: &str, remittance: &str) -> String {
    format!(
        "{{1:F01CLYDGB2SAXXX0000000000}}{{2:O1030925{date}BSCHESMMXXXX00000000002210200925N}}{{3:{{121:{reference}}}}}{{4:\n\
:20:{reference}\n:23B:CRED\n:32A:{date}USD{amount}\n:50K:/GB29NWBK60161331926819\n{debtor}\nHIGH STREET 1\nLONDON GB\n\
:52A:CLYDGB2S\n:57A:BSCHESMM\n:59:/ES9121000418450200051332\nB CREDITOR CO\nLAS RAMBLAS 1 BARCELONA\n\
:70:{remittance}\n:71A:SHA\n-}}"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn shared_payment_samples_give_the_library_reports_and_are_audited() {
    let api = api();
    for (rel, content_type) in [(PACS008, "application/xml"), (MT103, "text/plain")] {
        let bytes = std::fs::read(data(rel)).unwrap();
        let (status, lines) =
            post_transfers(&api.app, Some(&api.screener), content_type, bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{rel}: {lines:?}");

        // The same reports as the library gives on the same snapshot.
        let parsed = cordon_payments::parse(&bytes);
        assert_eq!(lines.len(), parsed.len(), "{rel}");
        let snapshot = api.state.snapshot().unwrap();
        let screener = cordon_server::TransferScreener::new(
            &snapshot.index,
            &snapshot.scanner,
            api.state.config().threshold,
        );
        for (index, (line, transfer)) in lines.iter().zip(&parsed).enumerate() {
            let expected =
                serde_json::to_value(screener.check(transfer.as_ref().unwrap())).unwrap();
            for key in ["id", "summary", "r16", "hits"] {
                assert_eq!(line[key], expected[key], "{rel} #{index} {key}");
            }
            assert_eq!(line["index"], index);
            assert!(line["id"].is_string(), "{line}");
            let seq = line["audit"]["seq"].as_i64().unwrap();
            let entry = &api.state.store().audit_entries(seq - 1, 1).unwrap()[0];
            assert_eq!(entry.kind, "transfer_screening");
            assert_eq!(
                entry.payload["request_hash"],
                cordon_store::sha256_hex(&bytes)
            );
            assert_eq!(entry.payload["transfer_id"], line["id"]);
            assert_eq!(entry.payload["lists"], json!(snapshot.labels));
            assert!(entry.payload["rules_pack"]
                .as_str()
                .is_some_and(|v| !v.is_empty()));
            // Every R16 error is a stored alert; info findings are not.
            let errors = line["r16"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["severity"] == "error")
                .count();
            assert_eq!(
                line["alert_ids"].as_array().unwrap().len(),
                errors,
                "{line}"
            );
        }
        let first = &parsed[0].as_ref().unwrap();
        assert_eq!(lines[0]["summary"]["message_type"], first.message_type);
        assert_eq!(
            lines[0]["summary"]["debtor"]["name"],
            json!(first.debtor.as_ref().and_then(|d| d.name.clone()))
        );
    }
    assert!(api.state.store().verify_audit().unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listed_name_in_field_70_raises_a_stored_alert() {
    let api = demo_api();
    let body = mt103(
        "8a562c67-ca16-48ba-b074-65581be6f0aa",
        "240301",
        "1200,",
        "JOHN SMITH",
        "PAYMENT FOR TAKHIR YULDASHEV",
    );
    let (status, lines) = post_transfers(
        &api.app,
        Some(&api.screener),
        "text/plain",
        body.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{lines:?}");
    let hit = &lines[0]["hits"][0];
    assert_eq!(hit["role"], "remittance", "{}", lines[0]);
    assert_eq!(hit["text_hits"][0]["entity_id"], "un:DMi.002");
    assert!(!lines[0]["alert_ids"].as_array().unwrap().is_empty());

    let (status, body) = api.get("/v1/transfers/alerts", &api.analyst).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let alerts = body["alerts"].as_array().unwrap();
    let sanction = alerts
        .iter()
        .find(|a| a["kind"] == "sanctions")
        .expect("a sanctions alert");
    assert_eq!(sanction["rule"], "un:DMi.002");
    assert_eq!(
        sanction["transfer_id"],
        "8a562c67-ca16-48ba-b074-65581be6f0aa"
    );
    assert_eq!(sanction["audit_seq"], lines[0]["audit"]["seq"]);
    let audit = &api.state.store().audit_entries(0, 100).unwrap();
    let entry = audit
        .iter()
        .rev()
        .find(|e| e.kind == "transfer_screening")
        .unwrap();
    assert_eq!(entry.payload["hits"], json!(["un:DMi.002"]));

    // Keys and roles.
    let (status, body) =
        json_call(&api.app, "GET", "/v1/transfers/alerts", None, Value::Null).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "missing_api_key")
    );
    let (status, body) = api.get("/v1/transfers/alerts", &api.auditor).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let fin = std::fs::read(data(MT103)).unwrap();
    let (status, body) = post_transfers(&api.app, None, "text/plain", fin.clone()).await;
    assert_eq!(
        (status, code(&body[0])),
        (StatusCode::UNAUTHORIZED, "missing_api_key")
    );
    let (status, body) = post_transfers(&api.app, Some(&api.auditor), "text/plain", fin).await;
    assert_eq!(
        (status, code(&body[0])),
        (StatusCode::FORBIDDEN, "forbidden")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rules_engine_keeps_its_windows_across_requests() {
    let api = demo_api();
    let transfer = |n: u32, date: &str, amount: &str| {
        mt103(
            &format!("8a562c67-ca16-48ba-b074-65581be6f00{n}"),
            date,
            amount,
            "JOHN SMITH",
            "INVOICE",
        )
    };
    let first = [
        transfer(1, "240301", "9500,"),
        transfer(2, "240302", "9720,50"),
    ]
    .join("$");
    let (status, lines) = post_transfers(
        &api.app,
        Some(&api.screener),
        "application/octet-stream",
        first.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        lines
            .iter()
            .all(|l| l["alerts"].as_array().unwrap().is_empty()),
        "{lines:?}"
    );
    let (_, lines) = post_transfers(
        &api.app,
        Some(&api.screener),
        "application/octet-stream",
        transfer(3, "240304", "9100,").into_bytes(),
    )
    .await;
    let alert = &lines[0]["alerts"][0];
    assert_eq!(alert["rule_id"], "TF-STRUCT-01", "{}", lines[0]);
    assert_eq!(alert["transfer_ids"].as_array().unwrap().len(), 3);
    let (_, body) = api.get("/v1/transfers/alerts?limit=1", &api.analyst).await;
    assert_eq!(body["alerts"][0]["kind"], "typology");
    assert_eq!(body["alerts"][0]["rule"], "TF-STRUCT-01");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_too_late_for_the_rules_is_said_and_stored_for_a_person() {
    let api = demo_api();
    let transfer = |n: u32, date: &str| {
        mt103(
            &format!("5f0c3e2a-1b7d-4c55-9e0a-7d2b6c1a90{n:02}"),
            date,
            "120,",
            "JOHN SMITH",
            "INVOICE",
        )
    };
    let post = |message: String| {
        let app = api.app.clone();
        let key = api.screener.clone();
        async move {
            post_transfers(&app, Some(&key), "text/plain", message.into_bytes())
                .await
                .1
        }
    };
    let in_order = post(transfer(1, "240310")).await;
    assert!(in_order[0].get("delivery").is_none(), "{in_order:?}");
    let repeat = post(transfer(1, "240310")).await;
    assert_eq!(repeat[0]["delivery"], "duplicate", "{repeat:?}");
    // Nine days older than the latest: beyond the 72-hour default bound.
    let too_late = post(transfer(2, "240301")).await;
    assert_eq!(too_late[0]["delivery"], "too_late", "{too_late:?}");

    let (_, body) = api.get("/v1/transfers/alerts", &api.analyst).await;
    let routed: Vec<&Value> = body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == "MONITOR-TOO-LATE")
        .collect();
    assert_eq!(routed.len(), 1, "{body}");
    assert_eq!(
        routed[0]["transfer_id"],
        "5f0c3e2a-1b7d-4c55-9e0a-7d2b6c1a9002"
    );
    let metrics = String::from_utf8(
        send(&api.app, "GET", "/metrics", None, Body::empty())
            .await
            .1,
    )
    .unwrap();
    for line in [
        "cordon_monitor_transfers_observed_total 3",
        "cordon_monitor_transfers_too_late_total 1",
        "cordon_monitor_transfers_repeated_total 1",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_messages_are_error_objects_not_failures() {
    let api = api();
    let good = mt103(
        "8a562c67-ca16-48ba-b074-65581be6f0bb",
        "240301",
        "100,",
        "JOHN SMITH",
        "INVOICE",
    );
    let bad = "{1:F01CLYDGB2SAXXX0000000000}{2:I103BSCHESMMXXXXN}{4:\n:20:BROKEN\n-}";
    let body = format!("{good}${bad}");
    let (status, lines) = post_transfers(
        &api.app,
        Some(&api.screener),
        "text/plain",
        body.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{lines:?}");
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["audit"]["seq"].is_i64());
    assert_eq!(lines[1]["index"], 1);
    assert_eq!(lines[1]["error"]["code"], "invalid_request");
    assert!(lines[1]["line"].as_u64().unwrap() > 1, "{}", lines[1]);
    assert!(lines[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("message 1"));

    // Not a payment message at all: one error object.
    let (status, lines) = post_transfers(
        &api.app,
        Some(&api.screener),
        "text/plain",
        b"hello".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lines[0]["error"]["code"], "invalid_request");
    assert_eq!(lines[0]["index"], 0);
    // Truncated XML.
    let xml = std::fs::read(data(PACS008)).unwrap();
    let (status, lines) = post_transfers(
        &api.app,
        Some(&api.screener),
        "application/xml",
        xml[..xml.len() / 2].to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        lines
            .iter()
            .any(|l| l["error"]["code"] == "invalid_request"),
        "{lines:?}"
    );
    // Empty body and a JSON content type are request errors.
    let (status, body) =
        post_transfers(&api.app, Some(&api.screener), "text/plain", Vec::new()).await;
    assert_eq!(
        (status, code(&body[0])),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let (status, body) = post_transfers(
        &api.app,
        Some(&api.screener),
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(
        (status, code(&body[0])),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    // Too large.
    let api = api_with(ServerConfig {
        max_transfer_bytes: 1024,
        ..ServerConfig::default()
    });
    let (status, body) =
        post_transfers(&api.app, Some(&api.screener), "application/xml", xml).await;
    assert_eq!(
        (status, code(&body[0])),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
}

/// Throughput of the transfer screening core on one thread: parse + R16 +
/// names + free text + rules of the shared pacs.008 against UN 2026 and
/// OFAC SDN 2021. Run with
/// `cargo test --release -p cordon-server --test api -- --ignored --nocapture transfer_throughput`.
#[test]
#[ignore]
fn transfer_throughput() {
    let un = std::fs::read(data("lists/un/un_consolidated_2026-02-27.xml")).unwrap();
    let mut entities = cordon_lists::un::read(&un).unwrap().entities;
    let dir = data("lists/ofac/sdn_legacy_csv_2021");
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).unwrap();
    let (sdn, add, alt, comments) = (
        read("sdn.csv"),
        read("add.csv"),
        read("alt.csv"),
        read("sdn_comments.csv"),
    );
    let ofac =
        cordon_lists::ofac::read_csv_set(&sdn, Some(&add), Some(&alt), Some(&comments)).unwrap();
    entities.extend(ofac.entities);
    let count = entities.len();
    let scanner = cordon_match::textscan::TextScanner::build(&entities);
    let index = cordon_match::Index::build(entities);
    let screener =
        cordon_server::TransferScreener::new(&index, &scanner, cordon_match::DEFAULT_THRESHOLD);
    let mut monitor =
        cordon_monitor::Monitor::new(cordon_monitor::RulePack::default_pack().unwrap());
    let message = std::fs::read(data(PACS008)).unwrap();
    let rounds = 5_000;
    let started = std::time::Instant::now();
    let mut transfers = 0usize;
    let mut hits = 0usize;
    for _ in 0..rounds {
        for transfer in cordon_payments::parse(&message).into_iter().flatten() {
            let report = screener.screen(&transfer, &mut monitor);
            hits += report.hits.len();
            transfers += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{count} entities; {rounds} messages ({transfers} transfers, {hits} hits) in {elapsed:.2}s: \
         {:.0} messages/s, {:.0} transfers/s",
        rounds as f64 / elapsed,
        transfers as f64 / elapsed
    );
    assert!(transfers >= rounds);
    // Where the time goes.
    let time = |label: &str, work: &mut dyn FnMut()| {
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            work();
        }
        let per = started.elapsed().as_secs_f64() / rounds as f64;
        println!("  {label}: {:.1} us/message", per * 1e6);
    };
    let parsed: Vec<_> = cordon_payments::parse(&message)
        .into_iter()
        .flatten()
        .collect();
    time("parse", &mut || {
        std::hint::black_box(cordon_payments::parse(&message));
    });
    time("r16", &mut || {
        for t in &parsed {
            std::hint::black_box(cordon_payments::check_r16(t, &screener.r16));
        }
    });
    time("check (r16 + names + texts)", &mut || {
        for t in &parsed {
            std::hint::black_box(screener.check(t));
        }
    });
    time("rules", &mut || {
        for t in &parsed {
            std::hint::black_box(monitor.observe(t));
        }
    });
    let names: Vec<String> = parsed[0]
        .parties()
        .filter_map(|(_, p)| p.name.clone())
        .chain(parsed[0].agents().filter_map(|(_, a)| a.name.clone()))
        .collect();
    time(&format!("index.screen of {names:?}"), &mut || {
        for name in &names {
            std::hint::black_box(index.screen(&cordon_match::Query::name(name), &screener.options));
        }
    });
    let queries: Vec<cordon_match::Query> = parsed[0]
        .parties()
        .filter_map(|(_, p)| {
            let mut query = cordon_match::Query::name(p.name.as_deref()?);
            query.country = p.address.as_ref().and_then(|a| a.country.clone());
            Some(query)
        })
        .collect();
    time("index.screen with countries", &mut || {
        for query in &queries {
            std::hint::black_box(index.screen(query, &screener.options));
        }
    });
    let texts: Vec<String> = parsed[0].remittance.unstructured.clone();
    time(&format!("scanner.scan of {texts:?}"), &mut || {
        for text in &texts {
            std::hint::black_box(scanner.scan(text));
        }
    });
    let report = screener.check(&parsed[0]);
    println!(
        "  hits: {}",
        serde_json::to_string(&report.hits).unwrap_or_default()
    );
}

// Decisions on transfer alerts: status, history, four eyes, audit.

const NO_ADDRESS: &str = "payments/mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml";
const MISSING_UETR: &str = "payments/mx20022_cbpr_pacs.008.001.13_invalid_missing_uetr.xml";

/// Posts shared payment samples and returns the ids of the alerts they raised, in order.
async fn alerts_from_samples(api: &Api, samples: &[&str]) -> Vec<i64> {
    let mut ids = Vec::new();
    for rel in samples {
        let bytes = std::fs::read(data(rel)).unwrap();
        let (status, lines) =
            post_transfers(&api.app, Some(&api.screener), "text/plain", bytes).await;
        assert_eq!(status, StatusCode::OK, "{rel}: {lines:?}");
        for line in &lines {
            let alert_ids = line["alert_ids"].as_array().expect("a report line");
            ids.extend(alert_ids.iter().map(|id| id.as_i64().unwrap()));
        }
    }
    ids
}

fn ids_of(body: &Value) -> Vec<i64> {
    body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn transfer_alerts_from_shared_samples_are_open_and_filterable() {
    let api = api();
    let ids = alerts_from_samples(&api, &[NO_ADDRESS, MISSING_UETR]).await;
    // Both samples lack the originator's address (an R16 error each).
    assert_eq!(ids.len(), 2, "{ids:?}");
    let labels = json!(api.state.snapshot().unwrap().labels);

    let (status, body) = api
        .get("/v1/transfers/alerts?status=open&limit=1000", &api.analyst)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut open = ids_of(&body);
    open.reverse();
    assert_eq!(open, ids);
    for alert in body["alerts"].as_array().unwrap() {
        assert_eq!(alert["status"], "open", "{alert}");
        assert_eq!(alert["list_versions"], labels, "{alert}");
    }
    let (status, body) = api
        .get("/v1/transfers/alerts?status=true_match", &api.analyst)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids_of(&body).is_empty());
    let (status, body) = api
        .get("/v1/transfers/alerts?status=closed", &api.analyst)
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("status"),
        "{body}"
    );

    let (status, body) = api
        .get(&format!("/v1/transfers/alerts/{}", ids[0]), &api.analyst)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], ids[0]);
    assert_eq!(body["kind"], "r16");
    assert_eq!(body["status"], "open");
    assert_eq!(body["decisions"], json!([]));
    for uri in ["/v1/transfers/alerts/999999", "/v1/transfers/alerts/abc"] {
        let (status, body) = api.get(uri, &api.analyst).await;
        assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    }
    let (status, body) = api
        .get(&format!("/v1/transfers/alerts/{}", ids[0]), &api.screener)
        .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
}

#[tokio::test(flavor = "multi_thread")]
async fn transfer_alert_decisions_are_checked_recorded_and_audited() {
    let api = api();
    let ids = alerts_from_samples(&api, &[NO_ADDRESS, MISSING_UETR]).await;
    let labels = json!(api.state.snapshot().unwrap().labels);
    let decide = |id: i64| format!("/v1/transfers/alerts/{id}/decisions");
    let dismiss =
        json!({"verdict": "false_positive", "reason": "address held on file for this customer"});

    // Bad bodies, unknown alerts, roles.
    for (body, place) in [
        (json!({"verdict": "false_positive"}), "reason"),
        (
            json!({"verdict": "false_positive", "reason": "  "}),
            "reason",
        ),
        (json!({"verdict": "maybe", "reason": "x"}), "maybe"),
        (
            json!({"verdict": "false_positive", "reason": "x", "by": "me"}),
            "by",
        ),
    ] {
        let (status, answer) = api.post(&decide(ids[0]), &api.analyst, body).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::BAD_REQUEST, "invalid_request")
        );
        assert!(
            answer["error"]["message"].as_str().unwrap().contains(place),
            "{answer}"
        );
    }
    for uri in [decide(999_999), "/v1/transfers/alerts/abc/decisions".into()] {
        let (status, body) = api.post(&uri, &api.analyst, dismiss.clone()).await;
        assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    }
    for key in [&api.screener, &api.auditor] {
        let (status, body) = api.post(&decide(ids[0]), key, dismiss.clone()).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    }

    // A false positive closes the alert; a closed alert takes no more decisions.
    let (status, body) = api
        .post(&decide(ids[0]), &api.analyst, dismiss.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["alert_id"], ids[0]);
    assert_eq!(body["status_before"], "open");
    assert_eq!(body["status_after"], "false_positive");
    assert_eq!(body["decided_by_person"], "alice");
    assert_eq!(body["decided_by_role"], "analyst");
    assert_eq!(body["list_versions"], labels);
    let first = body;
    let (status, body) = api
        .post(&decide(ids[0]), &api.supervisor, dismiss.clone())
        .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));
    let (_, body) = api
        .get(&format!("/v1/transfers/alerts/{}", ids[0]), &api.analyst)
        .await;
    assert_eq!(body["status"], "false_positive");
    assert_eq!(body["decisions"], json!([first]));
    let (_, body) = api
        .get("/v1/transfers/alerts?status=open&limit=1000", &api.analyst)
        .await;
    assert!(!ids_of(&body).contains(&ids[0]));
    let (_, body) = api
        .get("/v1/transfers/alerts?status=false_positive", &api.analyst)
        .await;
    assert_eq!(ids_of(&body), vec![ids[0]]);

    // A true match waits for a second person with the supervisor role.
    let alice_supervisor = api
        .state
        .store()
        .create_key(Role::Supervisor, Some("alice"), "test")
        .unwrap()
        .secret;
    let confirm = json!({"verdict": "true_match", "reason": "beneficiary details withheld twice"});
    let (status, body) = api
        .post(&decide(ids[1]), &api.analyst, confirm.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status_after"], "pending_confirmation");
    for key in [&api.analyst, &alice_supervisor] {
        let (status, body) = api.post(&decide(ids[1]), key, confirm.clone()).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    }
    let (status, body) = api
        .post(&decide(ids[1]), &api.supervisor, confirm.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status_after"], "true_match");
    assert_eq!(body["decided_by_person"], "bob");
    let (_, body) = api
        .get(&format!("/v1/transfers/alerts/{}", ids[1]), &api.analyst)
        .await;
    assert_eq!(body["status"], "true_match");
    let trail: Vec<(&str, &str)> = body["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["decided_by_person"].as_str().unwrap(),
                d["status_after"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [("alice", "pending_confirmation"), ("bob", "true_match")]
    );

    // Three decisions stored, three audit entries, and the chain verifies.
    let (status, audit) = api
        .get("/v1/audit?verify=true&limit=1000", &api.auditor)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(audit["verification"]["broken"].is_null(), "{audit}");
    let decisions: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "transfer_alert_decision")
        .collect();
    assert_eq!(decisions.len(), 3);
    assert_eq!(decisions[0]["payload"]["decision"], first);
    assert_eq!(decisions[2]["payload"]["alert"]["id"], ids[1]);

    // The routes are in the OpenAPI document.
    let (_, doc) = api.get("/openapi.json", &api.analyst).await;
    assert!(doc["paths"]["/v1/transfers/alerts/{id}"]["get"].is_object());
    let post = &doc["paths"]["/v1/transfers/alerts/{id}/decisions"]["post"];
    assert!(post["responses"]["409"].is_object(), "{post}");
    assert_eq!(post["parameters"][0]["name"], "id");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_structuring_pattern_straddling_a_restart_is_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cordon.db");
    let screener = {
        let store = SqliteStore::open(&path).unwrap();
        import_file(&store, UN_2025);
        store
            .create_key(Role::Screener, Some("sam"), "test")
            .unwrap()
            .secret
    };
    // A state over the file, as `cordon serve` builds it (optionally with another pack).
    let start = |pack: Option<cordon_monitor::RulePack>| {
        let state = AppState::new(SqliteStore::open(&path).unwrap(), ServerConfig::default());
        if let Some(pack) = pack {
            state.set_rules(pack).unwrap();
        }
        state.load_lists().unwrap();
        state
    };
    let transfer = |n: u32, date: &str, amount: &str| {
        mt103(
            &format!("5b1d0c3e-1f2a-4b5c-8d6e-7f80912a3b{n:02}"),
            date,
            amount,
            "JOHN SMITH",
            "INVOICE",
        )
    };
    let post = |app: Router, body: String| {
        let key = screener.clone();
        async move {
            let (status, lines) =
                post_transfers(&app, Some(&key), "text/plain", body.into_bytes()).await;
            assert_eq!(status, StatusCode::OK, "{lines:?}");
            lines
        }
    };
    let structuring = |lines: &[Value]| -> Vec<Value> {
        lines
            .iter()
            .flat_map(|l| l["alerts"].as_array().unwrap().clone())
            .filter(|a| a["rule_id"] == "TF-STRUCT-01")
            .collect()
    };

    // Two of the three transfers, then the server stops.
    let state = start(None);
    let first = [
        transfer(1, "240301", "9500,"),
        transfer(2, "240302", "9720,50"),
    ]
    .join("$");
    let lines = post(router(state.clone()), first).await;
    assert_eq!(lines.len(), 2);
    assert!(structuring(&lines).is_empty(), "{lines:?}");
    let saved = state.store().monitor_snapshot().unwrap().unwrap();
    assert_eq!(saved.pack_version, "2025.1");
    assert!(saved.snapshot.contains("acct:GB29NWBK60161331926819"));
    drop(state);

    // A new state on the same file takes the windows up: the third transfer completes it.
    let state = start(None);
    let lines = post(router(state.clone()), transfer(3, "240304", "9100,")).await;
    let alerts = structuring(&lines);
    assert_eq!(alerts.len(), 1, "{lines:?}");
    let ids: Vec<&str> = alerts[0]["transfer_ids"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        ids,
        [1, 2, 3].map(|n| format!("5b1d0c3e-1f2a-4b5c-8d6e-7f80912a3b{n:02}"))
    );
    assert_eq!(alerts[0]["party"], "acct:GB29NWBK60161331926819");

    // Under another pack the saved windows are not taken up: the same pattern is missed.
    let later = [
        transfer(4, "240310", "9500,"),
        transfer(5, "240311", "9720,50"),
    ]
    .join("$");
    assert!(structuring(&post(router(state.clone()), later).await).is_empty());
    drop(state);
    let other = cordon_monitor::DEFAULT_RULES.replacen("\"2025.1\"", "\"2099.1\"", 1);
    let state = start(Some(cordon_monitor::RulePack::parse(&other).unwrap()));
    let lines = post(router(state.clone()), transfer(6, "240312", "9100,")).await;
    assert!(structuring(&lines).is_empty(), "{lines:?}");
    let saved = state.store().monitor_snapshot().unwrap().unwrap();
    assert_eq!(saved.pack_version, "2099.1");
}

/// A crash between full saves loses nothing acknowledged: each request's changes
/// are journalled before it is answered and replayed over the last save at start.
#[tokio::test(flavor = "multi_thread")]
async fn windows_acknowledged_after_the_last_full_save_survive_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cordon.db");
    let key = {
        let store = SqliteStore::open(&path).unwrap();
        import_file(&store, UN_2025);
        store
            .create_key(Role::Screener, Some("sam"), "test")
            .unwrap()
            .secret
    };
    let start = || {
        let state = AppState::new(SqliteStore::open(&path).unwrap(), ServerConfig::default());
        state.load_lists().unwrap();
        state
    };
    let uetr = |n: u32| format!("5b1d0c3e-1f2a-4b5c-8d6e-7f80912a3c{n:02}");
    let post = |state: &AppState, n: u32, date: &str, amount: &str| {
        let app = router(state.clone());
        let body = mt103(&uetr(n), date, amount, "JOHN SMITH", "INVOICE");
        let key = key.clone();
        async move {
            let (status, lines) =
                post_transfers(&app, Some(&key), "text/plain", body.into_bytes()).await;
            assert_eq!(status, StatusCode::OK, "{lines:?}");
            lines
        }
    };

    let state = start();
    post(&state, 1, "240301", "9500,").await; // the first request saves everything
    post(&state, 2, "240302", "9720,50").await; // this one is only journalled
    let saved = state.store().monitor_snapshot().unwrap().unwrap();
    assert!(!saved.snapshot.contains(&uetr(2)), "a full save ran again");
    assert!(!state.store().monitor_changes().unwrap().is_empty());
    drop(state); // no graceful stop: the process dies here

    let state = start();
    let lines = post(&state, 3, "240304", "9100,").await;
    let alerts: Vec<&Value> = lines
        .iter()
        .flat_map(|l| l["alerts"].as_array().unwrap())
        .filter(|a| a["rule_id"] == "TF-STRUCT-01")
        .collect();
    assert_eq!(alerts.len(), 1, "{lines:?}");
    assert_eq!(alerts[0]["transfer_ids"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_lines_with_a_duplicate_key_are_refused_naming_the_line() {
    let api = api();
    let input = "{\"id\": 1, \"name\": \"Jane Roe\"}\n{\"id\": 2, \"name\": \"Jane Roe\", \"name\": \"Doku Umarov\"}\n";
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
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0]["matches"].is_array(), "{}", lines[0]);
    assert_eq!(
        (lines[1]["line"].clone(), code(&lines[1])),
        (json!(2), "invalid_request")
    );
    let message = lines[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 2: duplicate key \"name\""),
        "{message}"
    );
    // Customer uploads follow the same rule.
    let customers = "{\"id\": \"c1\", \"name\": \"Jane Roe\", \"id\": \"c2\"}\n";
    let (status, bytes) = send(
        &api.app,
        "POST",
        "/v1/customers",
        Some(&api.admin),
        Body::from(customers),
    )
    .await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 1: duplicate key \"id\""),
        "{message}"
    );
}

/// The answer of `POST /v1/screen` as a client reads it.
#[tokio::test(flavor = "multi_thread")]
async fn the_screen_answer_keeps_its_shape() {
    let api = api();
    let (status, body) = api
        .post(
            "/v1/screen",
            &api.screener,
            json!({"id": "c-17", "name": "Doku Umarov", "dob": "1964", "country": "RU", "limit": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["matches"][0]["entity_id"], "un:QDi.290");
    insta::assert_json_snapshot!("screen_answer", body, {
        ".audit.entry_hash" => "[entry_hash]",
    });
}

/// An MT103 to a listed person hidden in a longer beneficiary name, with an
/// instructed amount in another currency (33B) and a stray `}` after the
/// trailer (read and screened, reported as a warning).
const PADDED_MT103: &str = "{1:F01CLYDGB2SAXXX0000000000}{2:O1030925260301BSCHESMMXXXX00000000002210200925N}{3:{121:0f1c4b2e-7d1a-4c3e-9f5a-2b6d8e0a1c34}}{4:
:20:SNAPSHOT-1
:23B:CRED
:32A:260301USD1040,00
:33B:EUR1000,00
:50K:/GB29NWBK60161331926819
JANE ROE
HIGH STREET 1
LONDON GB
:52A:CLYDGB2S
:57A:BSCHESMM
:59:/ES9121000418450200051332
DOKU UMAROV C/O GREEN RIVER TRADING
LAS RAMBLAS 1 BARCELONA
:70:INVOICE 22
:71A:SHA
-}}
";

/// The answer of `POST /v1/transfers` as a client reads it: the settled and
/// the instructed amount, the reader's warnings, the name found inside the
/// beneficiary's name, the audit entry and the stored alerts.
#[tokio::test(flavor = "multi_thread")]
async fn the_transfers_answer_keeps_its_shape() {
    let api = api();
    let (status, lines) = post_transfers(
        &api.app,
        Some(&api.screener),
        "text/plain",
        PADDED_MT103.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["summary"]["instructed_amount"], "1000");
    assert!(!line["warnings"].as_array().unwrap().is_empty(), "{line}");
    insta::assert_json_snapshot!("transfers_answer", line, {
        ".audit.entry_hash" => "[entry_hash]",
    });
}
