//! Cordon's HTTP API: an axum [`router`] over an [`AppState`] (the store, the
//! current screening index, a bounded queue for CPU work and the metrics),
//! and [`serve`] to run it on a listener until a shutdown signal.
//!
//! Every endpoint but `/healthz`, `/readyz` and `/metrics` needs
//! `Authorization: Bearer KEY` with a sufficient [`cordon_store::Role`];
//! every error is `{"error": {"code", "message"}}` with a stable code from
//! [`error::ERROR_TABLE`]; request bodies reject unknown fields; screening
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
mod lists;
mod metrics;
pub mod ops;
mod records;
mod screen;
mod state;
mod transfers_api;
mod yente;

pub use cordon_engine::register::{customer_query, rescreen_customers, Rescreen};
pub use cordon_engine::transfers;
pub use error::{ApiError, ErrorSpec, ERROR_TABLE};
pub use metrics::Metrics;
pub use state::{AppState, MonitorGuard, ServerConfig, ServerStore, Snapshot, ENGINE};
pub use transfers::{NameHit, TransferReport, TransferScreener};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::time::Instant;

/// The API's routes over a state.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let bulk = DefaultBodyLimit::max(config.max_bulk_bytes);
    Router::new()
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
        .route("/match/{dataset}", post(yente::match_entities))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi_json))
        .route("/docs", get(ops::docs))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such route".into())
}

/// Times out slow requests with the API's own error and records metrics.
async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().clone();
    let started = Instant::now();
    let response =
        match tokio::time::timeout(state.config().request_timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::Timeout.into_response(),
        };
    let status = response.status().as_u16();
    state
        .metrics()
        .record(&format!("{method} {route}"), status, started.elapsed());
    response
}

/// Serves the API on a listener until `shutdown` completes, then lets
/// in-flight requests finish and saves the typology windows.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let on_stop = state.clone();
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    // A graceful stop keeps every typology window for the next start.
    let _ = tokio::task::spawn_blocking(move || on_stop.save_rules_state()).await;
    served
}
