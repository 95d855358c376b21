//! The yente-compatible routes through the router (no socket), with the real
//! UN (2025-04-19) and OFAC SDN (2021) lists imported. The cases port
//! yente 5.5's own HTTP tests (tests/test_match.py, test_search.py,
//! test_app.py): yente's expectations, mapped from its fixture (Putin,
//! Rotenberg, eu_fsf) to entities of these lists (Doku Umarov, QDi.290 on
//! the UN list and OFAC 12110; the tanker ARTAVIL, IMO 9187629, OFAC 15036).

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cordon_server::{router, AppState, ServerConfig};
use cordon_store::{ApiKeys, ImportRequest, Role, SqliteStore, Store};
use serde_json::{json, Value};
use std::sync::OnceLock;
use tower::ServiceExt;

fn data(rel: &str) -> String {
    format!("{}/../../../shared/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn import(store: &SqliteStore, list: &cordon_model::ParsedList, hash: &str, origin: &str) {
    store
        .import(&ImportRequest {
            list,
            content_hash: hash,
            origin,
        })
        .unwrap();
}

fn import_un(store: &SqliteStore) {
    let rel = "lists/un/un_consolidated_2025-04-19.xml";
    let bytes = std::fs::read(data(rel)).unwrap();
    let list = cordon_lists::read_bytes(cordon_lists::detect(&bytes).unwrap(), &bytes).unwrap();
    import(store, &list, &cordon_store::sha256_hex(&bytes), rel);
}

fn import_ofac(store: &SqliteStore) {
    let dir = data("lists/ofac/sdn_legacy_csv_2021");
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).unwrap();
    let (sdn, add, alt, comments) = (
        read("sdn.csv"),
        read("add.csv"),
        read("alt.csv"),
        read("sdn_comments.csv"),
    );
    let mut list =
        cordon_lists::ofac::read_csv_set(&sdn, Some(&add), Some(&alt), Some(&comments)).unwrap();
    // The legacy CSV carries no date; the set in shared data is of 2021.
    list.version = Some("2021-09-01".into());
    import(
        store,
        &list,
        &cordon_store::sha256_hex(&sdn),
        "sdn_legacy_csv_2021",
    );
}

struct Yente {
    app: Router,
    key: String,
    auditor: String,
}

/// One indexed state for the whole file: building the index of both lists
/// takes seconds, and every test here only reads.
fn yente() -> &'static Yente {
    static SHARED: OnceLock<Yente> = OnceLock::new();
    SHARED.get_or_init(|| build(ServerConfig::default()))
}

fn build(config: ServerConfig) -> Yente {
    let store = SqliteStore::open_in_memory().unwrap();
    import_un(&store);
    import_ofac(&store);
    let key = store
        .create_key(Role::Screener, Some("sam"), "test")
        .unwrap()
        .secret;
    let auditor = store
        .create_key(Role::Auditor, Some("aud"), "test")
        .unwrap()
        .secret;
    let state = AppState::new(store, config);
    state.load_lists().unwrap();
    Yente {
        app: router(state),
        key,
        auditor,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    auth: Option<String>,
    body: Option<Value>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(auth) = auth {
        request = request.header(header::AUTHORIZATION, auth);
    }
    let body = match body {
        Some(v) => Body::from(v.to_string()),
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

impl Yente {
    /// Calls with `Authorization: ApiKey KEY`, as yente-client sends it.
    async fn get(&self, uri: &str) -> Answer {
        call(
            &self.app,
            "GET",
            uri,
            Some(format!("ApiKey {}", self.key)),
            None,
        )
        .await
    }

    async fn post(&self, uri: &str, body: Value) -> Answer {
        call(
            &self.app,
            "POST",
            uri,
            Some(format!("ApiKey {}", self.key)),
            Some(body),
        )
        .await
    }
}

/// yente's `EXAMPLE`, mapped to a UN and OFAC person.
fn example() -> Value {
    json!({"schema": "Person", "properties": {
        "name": ["Doku Umarov"], "birthDate": ["1964"], "country": "Russia"}})
}

/// yente's `MANY_NAMES`: spellings of one person, in two scripts.
fn many_names() -> Value {
    json!({"schema": "Person", "properties": {"name": [
        "Doku Khamatovich UMAROV", "Dokka Umarov", "Умаров Доку Хаматович", "Доку УМАРОВ",
        "Umarov Doku Khamatovich", "Dokku Abu Usman"]}})
}

fn ids(results: &Value) -> Vec<String> {
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// yente's `assert_entity_shape`, and the keys clients read on a match.
fn assert_entity_shape(entity: &Value) {
    for key in [
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
    ] {
        assert!(!entity[key].is_null(), "{key} missing in {entity}");
    }
    for key in ["first_seen", "last_seen", "last_change"] {
        assert!(
            entity.as_object().unwrap().contains_key(key),
            "{key} missing in {entity}"
        );
    }
    assert!(entity["properties"]["name"].is_array());
}

#[tokio::test(flavor = "multi_thread")]
async fn match_finds_the_person_and_echoes_the_cleaned_query() {
    let api = yente();
    let query = json!({"queries": {"vv": example(), "xx": example(), "zz": example()}});
    let answer = api.post("/match/default", query).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["x-batch-size"], "3");
    let res = &answer.body["responses"]["vv"];
    assert_eq!(res["query"]["schema"], "Person");
    assert_eq!(res["query"]["properties"]["country"][0], "ru");
    assert!(
        res["total"]["value"].as_u64().unwrap() > 0,
        "{}",
        res["total"]
    );
    let found = ids(&res["results"]);
    assert!(found.contains(&"un:QDi.290".to_string()), "{found:?}");
    assert!(found.contains(&"ofac:12110".to_string()), "{found:?}");
    let top = &res["results"][0];
    assert_entity_shape(top);
    assert_eq!(top["match"], true);
    assert!(
        top["explanations"]["name"]["score"].as_f64().unwrap() > 0.9,
        "{top}"
    );
    assert!(top["explanations"]["name"]["candidate"].is_string());
    assert_eq!(answer.body["limit"], 5);
    assert!(answer.body["matcher"]["name_similarity"]["description"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn algorithms_are_checked_and_yentes_names_answered() {
    let api = yente();
    let query = json!({"queries": {"vv": example()}});
    let answer = api
        .post("/match/default?algorithm=neural-net", query.clone())
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["detail"], "Invalid algorithm: neural-net");
    for name in ["name-based", "logic-v2", "best", "cordon"] {
        let answer = api
            .post(&format!("/match/default?algorithm={name}"), query.clone())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.body);
        let top = &answer.body["responses"]["vv"]["results"][0];
        assert!(top["score"].as_f64().unwrap() > 0.70, "{top}");
    }
    let listed = api.get("/algorithms").await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["default"], "cordon");
    assert_eq!(listed.body["best"], "cordon");
    assert!(listed.body["algorithms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "logic-v2"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_without_a_schema_is_422_and_an_unknown_schema_400() {
    let api = yente();
    let answer = api
        .post(
            "/match/default",
            json!({"queries": {"fail": {"properties": {"name": "Banana"}}}}),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert_eq!(answer.body["detail"][0]["loc"], json!(["body"]));
    let answer = api
        .post(
            "/match/default",
            json!({"queries": {"fail": {"schema": "xxx", "properties": {"name": "Banana"}}}}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.body["detail"],
        "Cannot parse example entity: Schema does not exist: xxx"
    );
    let answer = api.post("/match/default", json!({"queries": {}})).await;
    assert_eq!(
        (answer.status, answer.body["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("No queries provided."))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn many_names_match_and_unknown_parameters_change_nothing() {
    let api = yente();
    let query = json!({"queries": {"q": many_names()}});
    let first = api
        .post("/match/default?algorithm=best", query.clone())
        .await;
    let results = first.body["responses"]["q"]["results"].clone();
    assert!(!results.as_array().unwrap().is_empty(), "{}", first.body);
    // yente takes `fuzzy` on /match no longer; it must not change the answer.
    let again = api
        .post("/match/default?algorithm=best&fuzzy=false", query)
        .await;
    assert_eq!(again.body["responses"]["q"]["results"], results);
}

#[tokio::test(flavor = "multi_thread")]
async fn datasets_are_included_and_excluded_by_any_of_their_names() {
    let api = yente();
    let query = json!({"queries": {"vv": example()}});
    let results = |answer: &Answer| ids(&answer.body["responses"]["vv"]["results"]);
    let none = api
        .post(
            "/match/default?exclude_dataset=un_sc_sanctions&exclude_dataset=us_ofac_sdn",
            query.clone(),
        )
        .await;
    assert!(results(&none).is_empty(), "{}", none.body);
    // Datasets that do not hold him (one not imported here, one unknown).
    let elsewhere = api
        .post(
            "/match/default?include_dataset=eu_fsf&include_dataset=mx_governors",
            query.clone(),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK);
    assert!(results(&elsewhere).is_empty());
    let un_only = api
        .post(
            "/match/default?include_dataset=un_sc_sanctions&include_dataset=mx_governors",
            query.clone(),
        )
        .await;
    assert_eq!(results(&un_only), ["un:QDi.290"]);
    assert!(un_only.body["responses"]["vv"]["results"][0]["datasets"]
        .as_array()
        .unwrap()
        .contains(&json!("un_sc_sanctions")));
    let both = api
        .post(
            "/match/default?include_dataset=un&exclude_dataset=un",
            query.clone(),
        )
        .await;
    assert!(results(&both).is_empty());
    // The path's dataset scopes the same way.
    let ofac = api.post("/match/us_ofac_sdn", query.clone()).await;
    assert_eq!(results(&ofac), ["ofac:12110"]);
    let missing = api.post("/match/eu_fsf", query).await;
    assert_eq!(
        (missing.status, missing.body),
        (StatusCode::NOT_FOUND, json!({"detail": "No such dataset."}))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn config_keys_the_scorer_lacks_are_refused() {
    let api = yente();
    let ok = api
        .post(
            "/match/default",
            json!({"queries": {"vv": example()}, "config": {}, "weights": {}}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let bad = api
        .post(
            "/match/default?algorithm=logic-v2",
            json!({"queries": {"vv": example()}, "config": {"invalid_option": 0.4}}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.body["detail"],
        "Invalid configuration parameter: invalid_option for algorithm cordon"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn topics_filter_and_ids_pass_through() {
    let api = yente();
    let cyber = api
        .post(
            "/match/default?topics=crime.cyber",
            json!({"queries": {"vv": example()}}),
        )
        .await;
    assert!(ids(&cyber.body["responses"]["vv"]["results"]).is_empty());
    let sanction = api
        .post(
            "/match/default?topics=sanction",
            json!({"queries": {"vv": example()}}),
        )
        .await;
    assert!(!ids(&sanction.body["responses"]["vv"]["results"]).is_empty());
    let mut body = many_names();
    body["id"] = json!("umarov");
    let answer = api
        .post("/match/default", json!({"queries": {"no1": body}}))
        .await;
    assert_eq!(answer.body["responses"]["no1"]["query"]["id"], "umarov");
    assert_eq!(answer.body["responses"]["no1"]["query"]["schema"], "Person");
}

#[tokio::test(flavor = "multi_thread")]
async fn misspelt_names_are_found_with_a_low_threshold() {
    let api = yente();
    let query =
        json!({"queries": {"a": {"schema": "Person", "properties": {"name": "Dokou Umarow"}}}});
    let answer = api.post("/match/default?threshold=0.2", query).await;
    let found = ids(&answer.body["responses"]["a"]["results"]);
    assert!(
        found
            .iter()
            .take(2)
            .any(|id| id == "un:QDi.290" || id == "ofac:12110"),
        "{found:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn excluded_entity_ids_are_left_out_by_entity_or_publisher_id() {
    let api = yente();
    let query = json!({"queries": {"q": example()}});
    let results = |answer: &Answer| ids(&answer.body["responses"]["q"]["results"]);
    let all = api.post("/match/default", query.clone()).await;
    assert!(results(&all).contains(&"un:QDi.290".to_string()));
    let without = api
        .post(
            "/match/default?exclude_entity_ids=un:QDi.290",
            query.clone(),
        )
        .await;
    assert!(!results(&without).contains(&"un:QDi.290".to_string()));
    let by_publisher_id = api
        .post(
            "/match/default?exclude_entity_ids=QDi.290&exclude_entity_ids=12110",
            query.clone(),
        )
        .await;
    assert!(
        results(&by_publisher_id).is_empty(),
        "{:?}",
        results(&by_publisher_id)
    );
    let many: String = (0..51)
        .map(|i| format!("exclude_entity_ids=x{i}&"))
        .collect();
    let too_many = api.post(&format!("/match/default?{many}"), query).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread")]
async fn results_are_limited_to_the_query_schemas_matchable_schemata() {
    let api = yente();
    let name = json!({"name": ["Al-Qaida"]});
    let person = api
        .post(
            "/match/default?threshold=0.3",
            json!({"queries": {"p": {"schema": "Person", "properties": name}}}),
        )
        .await;
    let results = answer_results(&person, "p");
    assert!(
        results.iter().all(|r| r["schema"] == "Person"),
        "{results:?}"
    );
    let org = api
        .post(
            "/match/default?threshold=0.3",
            json!({"queries": {"o": {"schema": "Organization", "properties": name}}}),
        )
        .await;
    let results = answer_results(&org, "o");
    assert!(!results.is_empty());
    assert!(
        results.iter().all(|r| r["schema"] == "Organization"),
        "{results:?}"
    );
    let excluded = api
        .post(
            "/match/default?threshold=0.3&exclude_schema=Organization",
            json!({"queries": {"o": {"schema": "LegalEntity", "properties": name}}}),
        )
        .await;
    assert!(answer_results(&excluded, "o")
        .iter()
        .all(|r| r["schema"] != "Organization"));
}

fn answer_results(answer: &Answer, key: &str) -> Vec<Value> {
    answer.body["responses"][key]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn total_counts_before_the_limit_and_the_cutoff_defaults_to_the_threshold() {
    let api = yente();
    let query = json!({"queries": {"q": example()}});
    let one = api.post("/match/default?limit=1", query.clone()).await;
    let res = &one.body["responses"]["q"];
    assert_eq!(res["results"].as_array().unwrap().len(), 1);
    assert!(
        res["total"]["value"].as_u64().unwrap() >= 2,
        "{}",
        res["total"]
    );
    let strict = api
        .post("/match/default?threshold=0.9", query.clone())
        .await;
    assert!(answer_results(&strict, "q")
        .iter()
        .all(|r| r["score"].as_f64().unwrap() >= 0.9));
    let loose = api
        .post(
            "/match/default?threshold=0.99&cutoff=0.5&limit=50",
            query.clone(),
        )
        .await;
    let loose = answer_results(&loose, "q");
    assert!(
        loose.iter().any(|r| r["match"] == false),
        "a cutoff below the threshold shows non-matches"
    );
    assert_eq!(
        api.post("/match/default?limit=500", query.clone())
            .await
            .status,
        StatusCode::OK
    );
    let over = api.post("/match/default?limit=501", query).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(over.body["detail"][0]["loc"], json!(["query", "limit"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn batches_of_a_hundred_realistic_queries_are_answered_and_more_refused() {
    let api = yente();
    let names = [
        "Doku Umarov",
        "Ayman al-Zawahiri",
        "John Smith",
        "Maria Garcia",
        "Usama bin Laden",
    ];
    let queries: serde_json::Map<String, Value> = (0..100)
        .map(|i| {
            // A customer record as banks send it: names, dates, places, documents.
            let name = names[i % names.len()];
            let nationality = ["ru", "eg", "gb", "es", "sa"][i % 5];
            let query = json!({"id": format!("cust-{i:05}"), "schema": "Person", "properties": {
                "name": [name], "alias": [name.to_uppercase(), format!("{name} Jr")],
                "birthDate": [format!("19{:02}-0{}-1{}", 50 + i % 40, 1 + i % 9, i % 10)],
                "nationality": [nationality], "country": ["Germany"],
                "address": [format!("{} Hauptstrasse, 10115 Berlin, Germany", 10 + i)],
                "passportNumber": [format!("C{:08}", 1_000_000 + i * 7_919)],
                "email": [format!("customer{i}@example.org")], "gender": ["male"]}});
            (format!("row-{i}"), query)
        })
        .collect();
    let answer = api
        .post("/match/default", json!({"queries": queries}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["x-batch-size"], "100");
    assert_eq!(answer.body["responses"].as_object().unwrap().len(), 100);
    let mut queries = queries;
    queries.insert("one-more".into(), example());
    let answer = api
        .post("/match/default", json!({"queries": queries}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.body["detail"],
        "Too many queries in one batch (limit: 100)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_identifier_alone_finds_the_vessel() {
    let api = yente();
    let query = json!({"queries": {"ship": {"schema": "Vessel", "properties": {"imoNumber": ["IMO 9187629"]}}}});
    let answer = api.post("/match/default", query).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let results = answer_results(&answer, "ship");
    assert_eq!(ids(&json!(results)), ["ofac:15036"]);
    assert_eq!(results[0]["schema"], "Vessel");
    assert_eq!(results[0]["properties"]["imoNumber"], json!(["9187629"]));
    assert!(results[0]["explanations"]["identifier"]["detail"]
        .as_str()
        .unwrap()
        .contains("9187629"));
    // The IMO number beside a name it was never listed under still finds it.
    let renamed = json!({"queries": {"ship": {"schema": "Vessel", "properties": {"name": "Blue Horizon", "imoNumber": "9187629"}}}});
    let answer = api.post("/match/default", renamed).await;
    assert_eq!(ids(&json!(answer_results(&answer, "ship"))), ["ofac:15036"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_are_taken_as_apikey_or_bearer_and_errors_are_yentes() {
    let api = yente();
    let query = json!({"queries": {"vv": example()}});
    let bearer = call(
        &api.app,
        "POST",
        "/match/default",
        Some(format!("Bearer {}", api.key)),
        Some(query.clone()),
    )
    .await;
    assert_eq!(bearer.status, StatusCode::OK);
    let none = call(
        &api.app,
        "POST",
        "/match/default",
        None,
        Some(query.clone()),
    )
    .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(
        none.body["detail"]
            .as_str()
            .unwrap()
            .contains("Authorization"),
        "{}",
        none.body
    );
    let wrong = call(
        &api.app,
        "POST",
        "/match/default",
        Some("ApiKey nope".into()),
        Some(query.clone()),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body["detail"].is_string());
    let auditor = call(
        &api.app,
        "POST",
        "/match/default",
        Some(format!("ApiKey {}", api.auditor)),
        Some(query),
    )
    .await;
    assert_eq!(auditor.status, StatusCode::FORBIDDEN);
    let bad_json = call(
        &api.app,
        "POST",
        "/match/default",
        Some(format!("ApiKey {}", api.key)),
        None,
    )
    .await;
    assert_eq!(bad_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_json.body["detail"].is_array());
    let bad_query = api.get("/search/default?q=x&limit=abc").await;
    assert_eq!(bad_query.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad_query.body["detail"][0]["loc"],
        json!(["query", "limit"])
    );
    assert!(bad_query.headers.contains_key("x-request-id"));
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_filters_and_pages() {
    let api = yente();
    let answer = api.get("/search/default?q=Umarov").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let found = ids(&answer.body["results"]);
    assert!(found.contains(&"un:QDi.290".to_string()), "{found:?}");
    assert_eq!(answer.body["limit"], 10);
    assert_eq!(answer.body["offset"], 0);
    assert_eq!(
        answer.body["facets"]["topics"]["values"][0]["name"],
        "sanction"
    );
    let total = answer.body["total"]["value"].as_u64().unwrap();
    assert!(total as usize >= found.len());
    let page2 = api.get("/search/default?q=Umarov&limit=1&offset=1").await;
    assert_eq!(
        page2.body["results"].as_array().unwrap().len(),
        (total.min(2) - 1) as usize
    );
    let un = api.get("/search/un_sc_sanctions?q=Umarov").await;
    assert!(ids(&un.body["results"])
        .iter()
        .all(|id| id.starts_with("un:")));
    let vessels = api.get("/search/default?schema=Vessel&limit=500").await;
    let results = vessels.body["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.iter().all(|r| r["schema"] == "Vessel"));
    let iran = api
        .get("/search/default?schema=Vessel&countries=ir&limit=5")
        .await;
    assert!(
        iran.body["total"]["value"].as_u64().unwrap() > 0,
        "{}",
        iran.body
    );
    let invalid = api.get("/search/default?q=x&schema=Banana").await;
    assert_eq!(
        (invalid.status, invalid.body),
        (StatusCode::BAD_REQUEST, json!({"detail": "Invalid schema"}))
    );
    let nowhere = api.get("/search/nowhere?q=x").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn entities_are_fetched_with_their_sanction() {
    let api = yente();
    let answer = api.get("/entities/un:QDi.290").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_entity_shape(&answer.body);
    assert_eq!(answer.body["first_seen"], "2011-03-10T00:00:00");
    assert_eq!(answer.body["last_seen"], "2025-04-19T00:00:00");
    let sanction = &answer.body["properties"]["sanctions"][0];
    assert_eq!(sanction["schema"], "Sanction");
    assert_eq!(sanction["properties"]["listingDate"], json!(["2011-03-10"]));
    let flat = api.get("/entities/un-QDi.290?nested=false").await;
    assert_eq!(flat.body["id"], "un:QDi.290");
    assert!(flat.body["properties"]["sanctions"].is_null());
    let missing = api.get("/entities/un:QDi.999999").await;
    assert_eq!(
        (missing.status, missing.body),
        (StatusCode::NOT_FOUND, json!({"detail": "No such entity!"}))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn catalog_and_health_answer_as_yente() {
    let api = yente();
    let catalog = api.get("/catalog").await;
    assert_eq!(catalog.status, StatusCode::OK);
    let names: Vec<&str> = catalog.body["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for name in [
        "default",
        "sanctions",
        "un",
        "ofac",
        "un_sc_sanctions",
        "us_ofac_sdn",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(!names.contains(&"eu_fsf"), "the EU list is not imported");
    let health = call(&api.app, "GET", "/healthz", None, None).await;
    assert_eq!(
        (health.status, health.body),
        (StatusCode::OK, json!({"status": "ok"}))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn openrefine_reconciliation_answers_its_queries() {
    let api = yente();
    let manifest = api.get("/reconcile/default").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert!(manifest.body["defaultTypes"].is_array());
    let queries = r#"{"q0":{"query":"Doku Umarov","type":"Person","limit":3},"q1":{"query":"Nothing Like Any Listed Name"}}"#;
    let form = format!(
        "queries={}",
        queries
            .replace('%', "%25")
            .replace('&', "%26")
            .replace('+', "%2B")
            .replace(' ', "+")
    );
    let request = Request::builder()
        .method("POST")
        .uri("/reconcile/default")
        .header(header::AUTHORIZATION, format!("ApiKey {}", api.key))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value =
        serde_json::from_slice(&to_bytes(response.into_body(), usize::MAX).await.unwrap()).unwrap();
    let first = &body["q0"]["result"][0];
    assert!(
        ["un:QDi.290", "ofac:12110"].contains(&first["id"].as_str().unwrap()),
        "{body}"
    );
    assert!(first["score"].as_f64().unwrap() > 90.0);
    assert_eq!(first["type"][0]["id"], "Person");
    assert_eq!(body["q1"]["result"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_is_off_by_default_and_answers_configured_origins() {
    let preflight = |app: Router| async move {
        let request = Request::builder()
            .method("OPTIONS")
            .uri("/match/default")
            .header(header::ORIGIN, "https://app.example.org")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization,content-type",
            )
            .body(Body::empty())
            .unwrap();
        app.oneshot(request).await.unwrap()
    };
    let off = preflight(yente().app.clone()).await;
    assert!(off
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    let store = SqliteStore::open_in_memory().unwrap();
    let state = AppState::new(
        store,
        ServerConfig {
            cors_origins: vec!["https://app.example.org".into()],
            ..ServerConfig::default()
        },
    );
    let on = preflight(router(state.clone())).await;
    assert_eq!(
        on.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example.org"
    );
    let health = Request::builder()
        .uri("/healthz")
        .header(header::ORIGIN, "https://elsewhere.example.com")
        .body(Body::empty())
        .unwrap();
    let other = router(state).oneshot(health).await.unwrap();
    assert!(other
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_describes_the_yente_routes_with_their_parameters() {
    let api = yente();
    let doc = call(&api.app, "GET", "/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    for path in [
        "/match/{dataset}",
        "/search/{dataset}",
        "/entities/{entity_id}",
        "/catalog",
        "/algorithms",
        "/reconcile/{dataset}",
    ] {
        assert!(doc.body["paths"][path].is_object(), "{path}");
    }
    let params = doc.body["paths"]["/match/{dataset}"]["post"]["parameters"]
        .as_array()
        .unwrap();
    let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!(limit["schema"]["maximum"], 500);
    assert!(doc.body["components"]["schemas"]["MatchResponse"].is_object());
}

/// What people read of these routes, kept as snapshots: the catalogue, the
/// algorithms, a fetched vessel with its sanction, and yente-shaped errors.
#[tokio::test(flavor = "multi_thread")]
async fn answers_people_read_are_kept_as_snapshots() {
    let api = yente();
    insta::assert_json_snapshot!("catalog", api.get("/catalog").await.body);
    insta::assert_json_snapshot!("algorithms", api.get("/algorithms").await.body);
    insta::assert_json_snapshot!("vessel", api.get("/entities/ofac:15036").await.body);
    let errors = json!({
        "unknown_dataset": api.post("/match/nowhere", json!({"queries": {"q": example()}})).await.body,
        "limit_too_large": api.post("/match/default?limit=501", json!({"queries": {"q": example()}})).await.body,
        "unknown_algorithm": api.post("/match/default?algorithm=x", json!({"queries": {"q": example()}})).await.body,
        "no_key": call(&api.app, "GET", "/catalog", None, None).await.body,
    });
    insta::assert_json_snapshot!("errors", errors);
}
