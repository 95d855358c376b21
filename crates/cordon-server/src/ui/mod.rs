//! The analyst's workbench: server-rendered HTML pages under `/ui` over the
//! same engine and store calls as the API. Sign-in with an API key opens a
//! [`session::Sessions`] entry (in this process); every form carries the
//! session's CSRF token; every page is sent with a Content-Security-Policy
//! that allows only this origin (no inline script or style: the stylesheet
//! and the small script are embedded assets). What a role may not do is not
//! offered ([`html::navigation`], decision forms only for analysts and up).

mod alerts;
mod audit;
pub mod html;
mod lists;
mod screen;
pub mod session;

use crate::state::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;
use session::{
    cookie, refusal, same_token, set_cookie, Refused, Sessions, UiUser, SESSION_COOKIE,
    SIGN_IN_COOKIE,
};

/// The policy every UI answer carries: scripts, styles, images, forms and
/// fetches from this origin only; no framing, no `<base>` rewriting.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

const APP_CSS: &str = include_str!("../../assets/ui/app.css");
const APP_JS: &str = include_str!("../../assets/ui/app.js");
const FAVICON: &str = include_str!("../../assets/ui/favicon.svg");

/// The UI's routes, with a session table of their own.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ui", get(home))
        .route("/ui/", get(home))
        .route("/ui/sign-in", get(sign_in_page).post(sign_in))
        .route("/ui/sign-out", post(sign_out))
        .route("/ui/screen", get(screen::form).post(screen::run))
        .route("/ui/decisions", post(screen::decide))
        .route("/ui/alerts", get(alerts::queue))
        .route("/ui/approvals", get(alerts::approvals))
        .route("/ui/alerts/customer/{id}", get(alerts::customer_case))
        .route(
            "/ui/alerts/customer/{id}/decide",
            post(alerts::decide_customer),
        )
        .route("/ui/alerts/transfer/{id}", get(alerts::transfer_case))
        .route(
            "/ui/alerts/transfer/{id}/decide",
            post(alerts::decide_transfer),
        )
        .route("/ui/decisions/{id}/confirm", post(alerts::confirm))
        .route("/ui/lists", get(lists::versions))
        .route("/ui/lists/{source}/diff", get(lists::diff))
        .route("/ui/audit", get(audit::search))
        .route("/ui/audit/verify", post(audit::start_verify))
        .route("/ui/audit/verify/{job}", get(audit::verify_status))
        .route("/ui/assets/app.css", get(css))
        .route("/ui/assets/app.js", get(js))
        .route("/ui/assets/favicon.svg", get(favicon))
        .layer(Extension(Sessions::default()))
        .layer(Extension(audit::Verifications::default()))
        .layer(axum::middleware::from_fn(security_headers))
}

/// Adds the CSP and the headers that keep pages out of frames, caches and
/// content sniffing.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages show personal data: never kept by the browser or a proxy.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn favicon() -> Response {
    asset("image/svg+xml", FAVICON)
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Embedded in the binary: changes only with a new build.
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        text,
    )
        .into_response()
}

async fn home(user: Option<UiUser>) -> Redirect {
    match user {
        None => Redirect::to("/ui/sign-in"),
        Some(user) => Redirect::to(
            html::navigation(user.key.role)
                .first()
                .map_or("/ui/sign-in", |(href, _)| href),
        ),
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for UiUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Option<UiUser>, Self::Rejection> {
        Ok(
            <UiUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

/// The sign-in page; its form's CSRF token is also set as a cookie (double
/// submit), since there is no session yet to hold it.
async fn sign_in_page() -> Response {
    sign_in_form(StatusCode::OK, None)
}

fn sign_in_form(status: StatusCode, error: Option<&str>) -> Response {
    let token = match cordon_store::keys::random_hex(32) {
        Ok(token) => token,
        Err(e) => {
            return refusal(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()).into_response()
        }
    };
    let message = error.map_or(String::new(), |m| {
        format!("<p class=\"error\" role=\"alert\">{}</p>", html::escape(m))
    });
    let body = format!(
        "{message}<form class=\"stack narrow\" method=\"post\" action=\"/ui/sign-in\">{}\
         <label for=\"key\">API key</label>\
         <input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"off\" required autofocus>\
         <button type=\"submit\">Sign in</button></form>\
         <p class=\"hint\">Keys are made with <code>cordon keys create --role analyst --person NAME</code>.</p>",
        html::csrf_field(&token)
    );
    let mut response = (status, Html(html::page("Sign in", None, &body))).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SIGN_IN_COOKIE, &token, Some(600)),
    );
    if status != StatusCode::OK {
        response.extensions_mut().insert(crate::error::YenteShaped);
    }
    response
}

/// The sign-in form.
#[derive(Deserialize)]
struct SignIn {
    #[serde(default)]
    key: String,
    #[serde(default)]
    csrf: String,
}

async fn sign_in(
    axum::extract::State(state): axum::extract::State<AppState>,
    Extension(sessions): Extension<Sessions>,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or("");
    if !same_token(&form.csrf, expected) {
        return refusal(
            StatusCode::FORBIDDEN,
            "This form was not sent from the sign-in page (missing or wrong CSRF token).",
        )
        .into_response();
    }
    let secret = form.key.trim();
    if secret.is_empty() || secret.len() > 256 {
        return sign_in_form(StatusCode::UNAUTHORIZED, Some("Enter an API key."));
    }
    match crate::extract::in_place(|| state.store().authenticate(secret)) {
        Ok(Some(_)) => {}
        Ok(None) => {
            return sign_in_form(
                StatusCode::UNAUTHORIZED,
                Some("That API key is unknown or revoked."),
            )
        }
        Err(e) => {
            return refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("The database could not be read: {e}"),
            )
            .into_response()
        }
    }
    let id = match sessions.open(secret) {
        Ok(id) => id,
        Err(e) => {
            return refusal(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()).into_response()
        }
    };
    let mut response = Redirect::to("/ui").into_response();
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &id, None));
    headers.append(header::SET_COOKIE, set_cookie(SIGN_IN_COOKIE, "", Some(0)));
    response
}

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
struct Plain {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    user: UiUser,
    Extension(sessions): Extension<Sessions>,
    Form(form): Form<Plain>,
) -> Response {
    if let Err(refused) = user.check_csrf(&form.csrf) {
        return refused.into_response();
    }
    sessions.close(&user.session);
    let mut response = Redirect::to("/ui/sign-in").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0)));
    response
}

/// The answer of a UI handler: a page, a redirect or an HTML refusal.
pub type UiResult = Result<Response, Refused>;

/// An API error as an HTML refusal with the same status and message.
pub fn api_refusal(error: crate::error::ApiError) -> Refused {
    refusal(error.status(), &error.public_message())
}

/// A page for a signed-in user.
pub fn render(user: &UiUser, title: &str, body: &str) -> Response {
    Html(html::page(title, Some(&user.viewer()), body)).into_response()
}
