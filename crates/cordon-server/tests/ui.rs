//! The workbench (`/ui`) through the router, without a browser: sign-in and
//! its cookie, the CSRF check on every form, the security headers, what each
//! role is offered, and names from a list drawn as inert text.

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cordon_model::{Designation, Entity, Name, NameKind, ParsedList, Schema};
use cordon_server::ui::CONTENT_SECURITY_POLICY;
use cordon_server::{router, AppState, ServerConfig};
use cordon_store::{ApiKeys, ImportRequest, Role, SqliteStore, Store};
use tower::ServiceExt;

const HOSTILE: &str = "<script>alert('x')</script> Umarov";

fn entity(id: &str, names: &[&str]) -> Entity {
    let mut value = serde_json::json!({
        "id": format!("un:{id}"), "schema": "person",
        "designation": {"source": "un", "source_id": id},
        "names": [],
    });
    value["names"] = serde_json::to_value(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                Name::new(
                    *n,
                    if i == 0 {
                        NameKind::Primary
                    } else {
                        NameKind::Alias
                    },
                )
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let entity: Entity = serde_json::from_value(value).unwrap();
    assert_eq!(entity.schema, Schema::Person);
    let _: &Designation = &entity.designation;
    entity
}

struct Ui {
    app: Router,
    keys: std::collections::HashMap<Role, String>,
}

fn ui() -> Ui {
    let store = SqliteStore::open_in_memory().unwrap();
    let list = ParsedList {
        source: "un".into(),
        version: Some("2026-01-01".into()),
        entities: vec![
            entity(
                "QDi.290",
                &["Doku Khamatovich Umarov", "Доку Хаматович Умаров"],
            ),
            entity("QDi.999", &[HOSTILE, "عبد الله الحسيني"]),
        ],
        warnings: Vec::new(),
    };
    store
        .import(&ImportRequest {
            list: &list,
            content_hash: "h1",
            origin: "test",
        })
        .unwrap();
    let keys = Role::ALL
        .into_iter()
        .map(|role| {
            let person = role.as_str().to_string();
            (
                role,
                store
                    .create_key(role, Some(&person), "test")
                    .unwrap()
                    .secret,
            )
        })
        .collect();
    let state = AppState::new(store, ServerConfig::default());
    state.load_lists().unwrap();
    Ui {
        app: router(state),
        keys,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &Router, method: &str, uri: &str, cookie: &str, form: &str) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    if method == "POST" {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(form.to_string())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn set_cookies(answer: &Answer) -> Vec<String> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn cookie_value(set_cookie: &[String], name: &str) -> String {
    set_cookie
        .iter()
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string()
}

fn hidden_csrf(body: &str) -> String {
    let start = body.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    body[start..start + 64].to_string()
}

/// Signs in with the key of `role`; returns the session cookie and the page's CSRF token.
async fn sign_in(ui: &Ui, role: Role) -> (String, String, Vec<String>) {
    let page = send(&ui.app, "GET", "/ui/sign-in", "", "").await;
    let pre = cookie_value(&set_cookies(&page), "cordon_sign_in");
    let csrf = hidden_csrf(&page.body);
    let form = format!("key={}&csrf={csrf}", ui.keys[&role]);
    let signed = send(
        &ui.app,
        "POST",
        "/ui/sign-in",
        &format!("cordon_sign_in={pre}"),
        &form,
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let cookies = set_cookies(&signed);
    let cookie = format!(
        "cordon_session={}",
        cookie_value(&cookies, "cordon_session")
    );
    let screen = send(&ui.app, "GET", "/ui/lists", &cookie, "").await;
    (cookie, hidden_csrf(&screen.body), cookies)
}

fn screen_form(csrf: &str, name: &str) -> String {
    serde_urlencoded::to_string([("csrf", csrf), ("name", name), ("type", "person")]).unwrap()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_strict() {
    let ui = ui();
    let (_, _, cookies) = sign_in(&ui, Role::Analyst).await;
    let session = cookies
        .iter()
        .find(|c| c.starts_with("cordon_session="))
        .unwrap();
    assert!(session.contains("; HttpOnly"), "{session}");
    assert!(session.contains("; SameSite=Strict"), "{session}");
    assert!(session.contains("; Path=/ui"), "{session}");
}

#[tokio::test]
async fn a_wrong_key_opens_no_session() {
    let ui = ui();
    let page = send(&ui.app, "GET", "/ui/sign-in", "", "").await;
    let pre = cookie_value(&set_cookies(&page), "cordon_sign_in");
    let form = format!("key=cordon_wrong&csrf={}", hidden_csrf(&page.body));
    let answer = send(
        &ui.app,
        "POST",
        "/ui/sign-in",
        &format!("cordon_sign_in={pre}"),
        &form,
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.body.contains("unknown or revoked"));
    assert!(!set_cookies(&answer)
        .iter()
        .any(|c| c.starts_with("cordon_session=")));
}

#[tokio::test]
async fn forms_without_the_session_token_are_refused() {
    let ui = ui();
    let (cookie, csrf, _) = sign_in(&ui, Role::Analyst).await;
    let forged = send(&ui.app, "POST", "/ui/screen", &cookie, "name=Doku+Umarov").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("CSRF"), "{}", forged.body);
    let wrong = screen_form(&"0".repeat(64), "Doku Umarov");
    assert_eq!(
        send(&ui.app, "POST", "/ui/screen", &cookie, &wrong)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let decision = "party_key=c1&entity_id=un%3AQDi.290&verdict=true_match&reason=x";
    assert_eq!(
        send(&ui.app, "POST", "/ui/decisions", &cookie, decision)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let sign_out = send(&ui.app, "POST", "/ui/sign-out", &cookie, "").await;
    assert_eq!(sign_out.status, StatusCode::FORBIDDEN);
    // The same forms with the token are served.
    let real = send(
        &ui.app,
        "POST",
        "/ui/screen",
        &cookie,
        &screen_form(&csrf, "Doku Umarov"),
    )
    .await;
    assert_eq!(real.status, StatusCode::OK);
    assert!(real.body.contains("un:QDi.290"));
    // The sign-in form needs its own token too.
    let form = format!("key={}", ui.keys[&Role::Analyst]);
    let answer = send(&ui.app, "POST", "/ui/sign-in", "", &form).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn without_a_session_pages_lead_to_sign_in() {
    let ui = ui();
    for uri in ["/ui/screen", "/ui/alerts", "/ui/audit", "/ui/lists"] {
        let answer = send(&ui.app, "GET", uri, "cordon_session=forged", "").await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(answer.headers[header::LOCATION], "/ui/sign-in");
    }
    let (cookie, csrf, _) = sign_in(&ui, Role::Screener).await;
    let out = send(
        &ui.app,
        "POST",
        "/ui/sign-out",
        &cookie,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = send(&ui.app, "GET", "/ui/screen", &cookie, "").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the session outlived sign-out"
    );
}

#[tokio::test]
async fn every_page_carries_a_same_origin_policy() {
    let ui = ui();
    let (cookie, _, _) = sign_in(&ui, Role::Supervisor).await;
    for uri in [
        "/ui/sign-in",
        "/ui/screen",
        "/ui/alerts",
        "/ui/approvals",
        "/ui/lists",
        "/ui/audit",
    ] {
        let answer = send(&ui.app, "GET", uri, &cookie, "").await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert_eq!(csp, CONTENT_SECURITY_POLICY);
        assert!(csp.starts_with("default-src 'self'") && !csp.contains("unsafe"));
        assert_eq!(answer.headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
        // No inline script or style, no other origin.
        assert!(
            !answer.body.contains("<script>") && !answer.body.contains("style="),
            "{uri}"
        );
        assert!(
            !answer.body.contains("http://") && !answer.body.contains("https://"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_screener_is_offered_no_decisions() {
    let ui = ui();
    let (cookie, csrf, _) = sign_in(&ui, Role::Screener).await;
    let results = send(
        &ui.app,
        "POST",
        "/ui/screen",
        &cookie,
        &screen_form(&csrf, "Доку Хаматович Умаров"),
    )
    .await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("un:QDi.290"));
    assert!(!results.body.contains("Record decision"));
    assert!(!results.body.contains("/ui/alerts"));
    // The analyst sees the same match with a decision form.
    let (cookie, csrf, _) = sign_in(&ui, Role::Analyst).await;
    let results = send(
        &ui.app,
        "POST",
        "/ui/screen",
        &cookie,
        &screen_form(&csrf, "Доку Хаматович Умаров"),
    )
    .await;
    assert!(results.body.contains("Record decision"));
    assert!(
        results.body.contains("transliteration"),
        "the rule that aligned the Cyrillic name"
    );
    // And what is not offered is refused when asked for directly.
    let (cookie, csrf, _) = sign_in(&ui, Role::Screener).await;
    let decision =
        format!("csrf={csrf}&party_key=c1&entity_id=un%3AQDi.290&verdict=true_match&reason=x");
    assert_eq!(
        send(&ui.app, "POST", "/ui/decisions", &cookie, &decision)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&ui.app, "GET", "/ui/alerts", &cookie, "").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn listed_names_are_drawn_as_text() {
    let ui = ui();
    let (cookie, csrf, _) = sign_in(&ui, Role::Analyst).await;
    let results = send(
        &ui.app,
        "POST",
        "/ui/screen",
        &cookie,
        &screen_form(&csrf, HOSTILE),
    )
    .await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("un:QDi.999"), "{}", results.body);
    assert!(
        !results.body.contains("<script>alert"),
        "a listed name ran as markup"
    );
    assert!(results
        .body
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    // The Arabic alias reads right to left.
    assert!(results.body.contains("dir=\"rtl\">عبد الله الحسيني</bdi>"));
}
