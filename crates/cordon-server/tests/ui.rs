//! The workbench (`/ui`) through the router, without a browser: sign-in and
//! its cookie, the CSRF check on every form, the security headers, what each
//! role is offered, and names from a list drawn as inert text.

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cordon_model::{Designation, Entity, Name, NameKind, ParsedList, Schema};
use cordon_server::ui::CONTENT_SECURITY_POLICY;
use cordon_server::{router, AppState, ServerConfig};
use cordon_store::{
    ApiKeys, Customer, Customers, ImportRequest, NewAlert, NewAuditEntry, NewTransferAlert, Role,
    ScreenedTransfer, SqliteStore, Store, TransferAlerts,
};
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

/// Alerts of both kinds, raised before the service starts: a customer alert
/// on QDi.290, a transfer with an R16 finding and a sanctions hit found in
/// its remittance text.
fn raise_alerts(store: &SqliteStore) -> (i64, i64) {
    store
        .upsert_customers(&[Customer {
            id: "cust-7".into(),
            name: "Доку Умаров".into(),
            dob: Some("1964".into()),
            country: Some("RU".into()),
            schema: Some(Schema::Person),
            identifiers: Vec::new(),
        }])
        .unwrap();
    let customer = store
        .raise_alerts(
            &[NewAlert {
                customer_id: "cust-7".into(),
                entity_id: "un:QDi.290".into(),
                entity_hash: "h".into(),
                list_version: "un@2026-01-01#1".into(),
                score: 0.97,
                reason: "rescreen".into(),
                details: serde_json::json!({"explanation": {"name": {"alignment": [{"rule": "transliteration"}]}}}),
            }],
            "test",
        )
        .unwrap();
    let text = "invoice 7 for Doku Umarov, Grozny";
    let recorded = store
        .record_transfers(&[ScreenedTransfer {
            audit: NewAuditEntry {
                kind: "transfer_screening".into(),
                caller: "test".into(),
                payload: serde_json::json!({"transfer_id": "UETR-1", "message_type": "pacs.008"}),
            },
            list_versions: vec!["un@2026-01-01#1".into()],
            alerts: vec![
                NewTransferAlert {
                    transfer_id: Some("UETR-1".into()),
                    kind: "r16".into(),
                    rule: "R16-ORIGINATOR-ADDRESS".into(),
                    message: "Dbtr/PstlAdr: the originator's address is missing".into(),
                    details: serde_json::json!({"field": "Dbtr/PstlAdr"}),
                },
                NewTransferAlert {
                    transfer_id: Some("UETR-1".into()),
                    kind: "sanctions".into(),
                    rule: "un:QDi.290".into(),
                    message: "remittance names Doku Umarov".into(),
                    details: serde_json::json!({"role": "remittance", "text": text,
                        "text_hit": {"original_start": 14, "original_end": 25}}),
                },
            ],
        }])
        .unwrap();
    (customer[0].id, recorded[0].alerts[1].id)
}

fn ui() -> Ui {
    ui_with(|_| ())
}

/// The workbench over a store holding the two-entry list, a key per role,
/// and whatever `prepare` writes before the service starts.
fn ui_with(prepare: impl FnOnce(&SqliteStore)) -> Ui {
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
    prepare(&store);
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

impl Answer {
    fn location(&self) -> &str {
        self.headers[header::LOCATION].to_str().unwrap()
    }
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

/// A signed-in browser: its session cookie, the session's CSRF token and
/// the cookies the sign-in set.
struct Session<'a> {
    ui: &'a Ui,
    cookie: String,
    csrf: String,
    cookies: Vec<String>,
}

impl Session<'_> {
    async fn get(&self, uri: &str) -> Answer {
        send(&self.ui.app, "GET", uri, &self.cookie, "").await
    }

    /// Posts `form` as it is (no token added: forgeries are built this way).
    async fn post_raw(&self, uri: &str, form: &str) -> Answer {
        send(&self.ui.app, "POST", uri, &self.cookie, form).await
    }

    /// Posts the fields with the session's CSRF token, as the page's form does.
    async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &serde_urlencoded::to_string(all).unwrap())
            .await
    }

    async fn screen(&self, name: &str) -> Answer {
        self.post("/ui/screen", &[("name", name), ("type", "person")])
            .await
    }
}

impl Ui {
    /// The sign-in page's form, posted with `key`.
    async fn post_sign_in(&self, key: &str) -> Answer {
        let page = send(&self.app, "GET", "/ui/sign-in", "", "").await;
        let pre = cookie_value(&set_cookies(&page), "cordon_sign_in");
        let form = serde_urlencoded::to_string([("key", key), ("csrf", &hidden_csrf(&page.body))])
            .unwrap();
        send(
            &self.app,
            "POST",
            "/ui/sign-in",
            &format!("cordon_sign_in={pre}"),
            &form,
        )
        .await
    }

    /// Signs in with the key of `role`.
    async fn sign_in(&self, role: Role) -> Session<'_> {
        let signed = self.post_sign_in(&self.keys[&role]).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        let cookies = set_cookies(&signed);
        let cookie = format!(
            "cordon_session={}",
            cookie_value(&cookies, "cordon_session")
        );
        // The home page sends each role to its first page; every page's sign-out form carries the token.
        let home = send(&self.app, "GET", "/ui", &cookie, "").await;
        let any_page = send(&self.app, "GET", home.location(), &cookie, "").await;
        Session {
            ui: self,
            csrf: hidden_csrf(&any_page.body),
            cookie,
            cookies,
        }
    }
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_strict() {
    let ui = ui();
    let analyst = ui.sign_in(Role::Analyst).await;
    let session = analyst
        .cookies
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
    let answer = ui.post_sign_in("cordon_wrong").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.body.contains("unknown or revoked"));
    assert!(!set_cookies(&answer)
        .iter()
        .any(|c| c.starts_with("cordon_session=")));
}

#[tokio::test]
async fn forms_without_the_session_token_are_refused() {
    let ui = ui();
    let analyst = ui.sign_in(Role::Analyst).await;
    let forged = analyst.post_raw("/ui/screen", "name=Doku+Umarov").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("CSRF"), "{}", forged.body);
    let wrong = format!("csrf={}&name=Doku+Umarov&type=person", "0".repeat(64));
    assert_eq!(
        analyst.post_raw("/ui/screen", &wrong).await.status,
        StatusCode::FORBIDDEN
    );
    for (uri, form) in [
        (
            "/ui/decisions",
            "party_key=c1&entity_id=un%3AQDi.290&verdict=true_match&reason=x",
        ),
        ("/ui/sign-out", ""),
        ("/ui/audit/verify", ""),
    ] {
        let answer = analyst.post_raw(uri, form).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{uri}");
    }
    // The same forms with the token are served.
    let real = analyst.screen("Doku Umarov").await;
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
        assert_eq!(answer.location(), "/ui/sign-in");
    }
    let screener = ui.sign_in(Role::Screener).await;
    let out = screener.post("/ui/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        screener.get("/ui/screen").await.status,
        StatusCode::SEE_OTHER,
        "the session outlived sign-out"
    );
}

#[tokio::test]
async fn every_page_carries_a_same_origin_policy() {
    let ui = ui_with(|store| {
        raise_alerts(store);
    });
    let supervisor = ui.sign_in(Role::Supervisor).await;
    for uri in [
        "/ui/sign-in",
        "/ui/screen",
        "/ui/alerts",
        "/ui/approvals",
        "/ui/lists",
        "/ui/audit",
        "/ui/alerts/customer/1",
        "/ui/alerts/transfer/2",
    ] {
        let answer = supervisor.get(uri).await;
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
    let screener = ui.sign_in(Role::Screener).await;
    let results = screener.screen("Доку Хаматович Умаров").await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("un:QDi.290"));
    assert!(!results.body.contains("Record decision"));
    assert!(!results.body.contains("/ui/alerts"));
    // The analyst sees the same match with a decision form.
    let analyst = ui.sign_in(Role::Analyst).await;
    let results = analyst.screen("Доку Хаматович Умаров").await;
    assert!(results.body.contains("Record decision"));
    assert!(
        results.body.contains("transliteration"),
        "the rule that aligned the Cyrillic name"
    );
    // And what is not offered is refused when asked for directly.
    let decision = [
        ("party_key", "c1"),
        ("entity_id", "un:QDi.290"),
        ("verdict", "true_match"),
        ("reason", "x"),
    ];
    assert_eq!(
        screener.post("/ui/decisions", &decision).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        screener.get("/ui/alerts").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn listed_names_are_drawn_as_text() {
    let ui = ui();
    let analyst = ui.sign_in(Role::Analyst).await;
    let results = analyst.screen(HOSTILE).await;
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

#[tokio::test]
async fn the_queue_pages_and_filters_both_kinds_in_the_store() {
    let ui = ui_with(|store| {
        raise_alerts(store);
    });
    let analyst = ui.sign_in(Role::Analyst).await;
    let all = analyst.get("/ui/alerts").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("3 alerts, page 1 of 1"), "{}", all.body);
    assert!(all.body.contains("/ui/alerts/customer/1"));
    assert!(all.body.contains("/ui/alerts/transfer/2"));
    // The filters' choices come from the store: rules and list labels present.
    assert!(all
        .body
        .contains("<option value=\"R16-ORIGINATOR-ADDRESS\">"));
    assert!(all.body.contains("<option value=\"un@2026-01-01#1\">"));
    let transliterated = analyst.get("/ui/alerts?rule=transliteration").await;
    assert!(transliterated.body.contains("1 alert, page 1 of 1"));
    assert!(transliterated.body.contains("/ui/alerts/customer/1"));
    assert!(!transliterated.body.contains("/ui/alerts/transfer/"));
    let r16 = analyst.get("/ui/alerts?source=transfer&rule=r16").await;
    assert!(r16.body.contains("1 alert, page 1 of 1"), "{}", r16.body);
    assert!(r16.body.contains("/ui/alerts/transfer/1\""));
    let beyond = analyst.get("/ui/alerts?page=9").await;
    assert!(beyond.body.contains("3 alerts, page 1 of 1"));
    assert!(!beyond.body.contains("Next page"));
}

#[tokio::test]
async fn case_views_show_the_customer_and_the_transfer_findings() {
    let ui = ui_with(|store| {
        raise_alerts(store);
    });
    let analyst = ui.sign_in(Role::Analyst).await;
    let customer = analyst.get("/ui/alerts/customer/1").await;
    assert_eq!(customer.status, StatusCode::OK);
    assert!(customer.body.contains("cust-7"));
    assert!(
        customer.body.contains("Доку Умаров"),
        "the register's record"
    );
    assert!(customer.body.contains("1964"));
    assert_eq!(
        analyst.get("/ui/alerts/customer/99").await.status,
        StatusCode::NOT_FOUND
    );
    let transfer = analyst.get("/ui/alerts/transfer/2").await;
    assert_eq!(transfer.status, StatusCode::OK);
    assert!(transfer.body.contains("FATF R16 findings of this transfer"));
    assert!(transfer.body.contains("R16-ORIGINATOR-ADDRESS"));
    assert!(
        transfer
            .body
            .contains("invoice 7 for <mark>Doku Umarov</mark>, Grozny"),
        "{}",
        transfer.body
    );
}

#[tokio::test]
async fn verifying_the_chain_shows_entries_checked_of_the_total() {
    let ui = ui_with(|store| {
        raise_alerts(store);
    });
    let auditor = ui.sign_in(Role::Auditor).await;
    let audit = auditor.get("/ui/audit").await;
    assert!(audit.body.contains("action=\"/ui/audit/verify\""));
    let started = auditor.post("/ui/audit/verify", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let status_page = started.location().to_string();
    assert!(status_page.starts_with("/ui/audit/verify/"));
    let fragment = format!("{status_page}?fragment=1");
    let mut last = String::new();
    for _ in 0..200 {
        last = auditor.get(&fragment).await.body;
        if !last.contains("data-running") {
            break;
        }
        assert!(last.contains("entries checked."), "{last}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(last.contains("The chain is intact."), "{last}");
    let page = auditor.get(&status_page).await;
    assert!(page.body.contains("data-poll="));
    // Another session does not see this verification.
    let other = ui.sign_in(Role::Auditor).await;
    assert_eq!(other.get(&status_page).await.status, StatusCode::NOT_FOUND);
    // Only auditors (and supervisors) may start one.
    let analyst = ui.sign_in(Role::Analyst).await;
    assert_eq!(
        analyst.post("/ui/audit/verify", &[]).await.status,
        StatusCode::FORBIDDEN
    );
}
