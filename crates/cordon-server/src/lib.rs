//! Cordon's HTTP API: an axum [`router`] over an [`AppState`] (the store, the
//! current screening index, a bounded queue for CPU work and the metrics),
//! and [`serve`] to run it on a listener until a shutdown signal.
//!
//! Every endpoint but `/healthz`, `/readyz`, `/metrics` and `/openapi.json`
//! needs `Authorization: Bearer KEY` (or `ApiKey KEY`, as yente's clients send
//! it) with a sufficient [`cordon_store::Role`];
//! every answer carries an `X-Request-Id` (the caller's, or a new one); every
//! error (but those of the [`yente`] routes, which answer as yente does) is
//! `{"error": {"code", "message", "request_id"}}` with a stable code
//! from [`error::ERROR_TABLE`] (server faults are logged with the request id
//! and answered `internal error`, panics included); request bodies reject
//! unknown fields and duplicate keys, and a declared `Content-Length` over the
//! route's limit is answered 413 before the body is read; screening
//! runs on blocking threads behind a bounded queue (503 `overloaded` with
//! `Retry-After` when full); every screening and decision is written to the
//! hash-chained audit log with the caller's key id. Payment messages posted
//! to `/v1/transfers` go through [`transfers::TransferScreener`] (the same
//! code as `cordon transfers screen`) and a typology engine kept in the state.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use cordon_server::{serve, AppState, ServerConfig};
//! let store = cordon_store::SqliteStore::open_in_memory().unwrap();
//! let state = AppState::new(store, ServerConfig::default());
//! state.load_lists().unwrap();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! serve(listener, state, std::future::pending()).await
//! # }
//! ```

pub mod error;
mod extract;
pub mod limits;
mod lists;
mod metrics;
pub mod ops;
mod records;
mod screen;
mod state;
mod transfers_api;
pub mod ui;
pub mod yente;

pub use cordon_engine::register::{customer_query, rescreen_customers, Rescreen};
pub use cordon_engine::transfers;
pub use error::{ApiError, ErrorSpec, ERROR_TABLE};
pub use metrics::Metrics;
pub use state::{
    AppState, MonitorGuard, ServerConfig, Snapshot, ENGINE, PROBE_TIMEOUT, WORKERS_PER_CORE,
};
pub use transfers::{NameHit, TransferReport, TransferScreener};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The API's routes over a state.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let bulk = DefaultBodyLimit::max(config.max_bulk_bytes);
    let routes = Router::new()
        .route("/v1/screen", post(screen::screen))
        .route("/v1/screen/batch", post(screen::batch).layer(bulk))
        .route("/v1/compare", post(screen::compare))
        .route(
            "/v1/lists",
            get(lists::list_versions)
                .post(lists::upload)
                .layer(DefaultBodyLimit::max(config.max_upload_bytes)),
        )
        .route("/v1/lists/{source}/diff", get(lists::diff))
        .route("/v1/audit", get(records::audit))
        .route("/v1/decisions", post(records::decide))
        .route("/v1/decisions/{id}/confirm", post(records::confirm))
        .route("/v1/customers", post(records::customers).layer(bulk))
        .route("/v1/alerts", get(records::alerts))
        .route(
            "/v1/transfers",
            post(transfers_api::screen_transfers)
                .layer(DefaultBodyLimit::max(config.max_transfer_bytes)),
        )
        .route("/v1/transfers/alerts", get(transfers_api::list_alerts))
        .route("/v1/transfers/alerts/{id}", get(transfers_api::alert))
        .route(
            "/v1/transfers/alerts/{id}/decisions",
            post(transfers_api::decide_alert),
        )
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi_json))
        .route("/docs", get(ops::docs))
        .merge(yente::routes())
        .merge(ui::routes());
    with_layers(routes, state)
}

/// The layers every route runs under, in order from the inside: the body
/// limit, panics caught as `internal`, [`observe`], tracing and, when origins
/// are configured, CORS (outermost, so preflights and errors carry it too).
fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let limit = state.config().max_body_bytes;
    let cors = cors_layer(&state.config().cors_origins);
    let router = routes
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state);
    match cors {
        Some(layer) => router.layer(layer),
        None => router,
    }
}

/// CORS for the configured origins (`*`: any), or `None` when there are
/// none. Browsers may send the key header and JSON bodies and read the
/// request id and yente's batch size. Origins that are not valid header
/// values are skipped (the command line refuses them first).
pub fn cors_layer(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([
                axum::http::HeaderName::from_static(REQUEST_ID),
                axum::http::HeaderName::from_static("x-batch-size"),
            ])
            .max_age(std::time::Duration::from_secs(CORS_MAX_AGE_SECS)),
    )
}

/// How long a browser may reuse a preflight answer: an hour saves a round
/// trip per call without keeping a removed origin working for long.
const CORS_MAX_AGE_SECS: u64 = 3_600;

async fn not_found() -> ApiError {
    ApiError::NotFound("no such route".into())
}

/// A handler panicked: the client gets `internal` without the panic text,
/// which goes to the log (with the request id, from [`error::finish`]).
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let text = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    ApiError::Internal(format!("a handler panicked: {text}")).into_response()
}

/// The header that carries the request id both ways.
const REQUEST_ID: &str = "x-request-id";

/// The caller's request id when it is short and plain (letters, digits,
/// `-_.:`, at most 64), so it is safe to log and echo; otherwise a new one.
fn request_id(request: &Request) -> String {
    let given = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        });
    match given {
        Some(id) => id.to_string(),
        None => new_request_id(),
    }
}

/// A request id unique to this process run: the start time and a counter.
fn new_request_id() -> String {
    static STARTED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let started = STARTED.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    format!("{started:x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The body limit of a route, as the router sets it (per-route layers).
fn body_limit(config: &ServerConfig, route: &str) -> usize {
    match route {
        "/v1/screen/batch" | "/v1/customers" => config.max_bulk_bytes,
        "/v1/lists" => config.max_upload_bytes,
        "/v1/transfers" => config.max_transfer_bytes,
        "/match/{dataset}" => yente::MAX_MATCH_BODY_BYTES,
        _ => config.max_body_bytes,
    }
}

/// True when the request declares a body larger than the route takes: it is
/// refused at once instead of being read (a client declaring 2 GB would
/// otherwise hold the connection while the server waits for it).
fn declares_too_much(request: &Request, config: &ServerConfig, route: &str) -> bool {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|declared| declared > body_limit(config, route) as u64)
}

/// Gives every request an id, refuses declared oversize bodies, times out
/// slow requests with the API's own error, puts every error answer in the
/// JSON form (logging server faults with the id) and records metrics.
async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().clone();
    let id = request_id(&request);
    let started = Instant::now();
    let response = if declares_too_much(&request, state.config(), &route) {
        ApiError::PayloadTooLarge.into_response()
    } else {
        match tokio::time::timeout(state.config().request_timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::Timeout.into_response(),
        }
    };
    let context = format!("{method} {route}");
    let mut response = error::finish(response, &id, &context).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let status = response.status().as_u16();
    state.metrics().record(&context, status, started.elapsed());
    response
}

/// Serves the API on a listener until `shutdown` completes, then lets
/// in-flight requests finish and saves the typology windows. At most
/// [`ServerConfig::max_connections`] connections are open at once.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let on_stop = state.clone();
    let listener = limits::LimitedListener::new(listener, state.config().max_connections);
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    // A graceful stop keeps every typology window for the next start.
    let _ = tokio::task::spawn_blocking(move || on_stop.save_rules_state()).await;
    served
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{to_bytes, Body};
    use axum::http::StatusCode;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("secret detail at /var/lib/cordon/cordon.db")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_internal_without_its_text() {
        let store = cordon_store::SqliteStore::open_in_memory().unwrap();
        let state = AppState::new(store, ServerConfig::default());
        let app = with_layers(Router::new().route("/boom", get(boom)), state);
        let request = Request::builder()
            .uri("/boom")
            .header(REQUEST_ID, "req-42")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[REQUEST_ID], "req-42");
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "internal", "message": "internal error", "request_id": "req-42"}})
        );
    }

    #[test]
    fn request_ids_are_kept_when_plain_and_made_otherwise() {
        let with = |id: &str| {
            Request::builder()
                .header(REQUEST_ID, id)
                .body(Body::empty())
                .unwrap()
        };
        assert_eq!(request_id(&with("abc-1.2:3_4")), "abc-1.2:3_4");
        let made = request_id(&with("bad id <script>"));
        assert!(made.contains('-') && !made.contains(' '), "{made}");
        assert_ne!(request_id(&with(&"x".repeat(65))), "x".repeat(65));
        assert_ne!(new_request_id(), new_request_id());
    }
}
