//! The routes of OpenSanctions' yente (5.x), so clients written for it (the
//! `yente-client` SDK, OpenRefine, in-house scripts) can point at Cordon:
//! `POST /match/{dataset}`, `GET /search/{dataset}`, `GET /entities/{id}`,
//! `GET /catalog`, `GET /algorithms`, `GET|POST /reconcile/{dataset}`.
//!
//! These routes answer errors as yente does, `{"detail": ...}` (a string, or
//! for a malformed body or parameter a list of `{loc, msg, type}` with 422),
//! not in Cordon's `{"error": {...}}` form: clients read `detail`. Keys are
//! the same as everywhere (`Authorization: ApiKey KEY` or `Bearer KEY`).

mod datasets;
mod ftm;
mod lookup;
mod matching;
pub mod openapi;
mod params;
mod scope;

pub use datasets::{Catalog, Dataset};
pub use matching::{read_match_request, MatchRequest};

use crate::error::{raised_error, YenteShaped};
use crate::state::AppState;
use crate::ApiError;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

/// Largest `/match` body: a batch of 100 queries, each an example with
/// dozens of names, addresses and identifiers (a few KiB; 20 KiB allowed),
/// where the 64 KiB of other JSON routes fit only small batches.
pub const MAX_MATCH_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The yente routes, with their errors in yente's form.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/match/{dataset}",
            post(matching::match_entities).layer(DefaultBodyLimit::max(MAX_MATCH_BODY_BYTES)),
        )
        .route("/search/{dataset}", get(lookup::search))
        .route("/entities/{entity_id}", get(lookup::fetch_entity))
        .route("/catalog", get(lookup::catalog))
        .route("/algorithms", get(lookup::algorithms))
        .route(
            "/reconcile/{dataset}",
            get(lookup::reconcile_get).post(lookup::reconcile_post),
        )
        .route_layer(axum::middleware::from_fn(yente_errors))
}

/// An error answered as yente answers it: the status and `{"detail": ...}`.
#[derive(Debug, Clone, PartialEq)]
pub struct YenteError {
    status: StatusCode,
    detail: Value,
}

impl YenteError {
    /// 400 with a message (yente's `HTTPException(400, detail=...)`).
    pub fn bad_request(detail: impl Into<String>) -> YenteError {
        YenteError {
            status: StatusCode::BAD_REQUEST,
            detail: Value::String(detail.into()),
        }
    }

    /// 404 with a message.
    pub fn not_found(detail: impl Into<String>) -> YenteError {
        YenteError {
            status: StatusCode::NOT_FOUND,
            detail: Value::String(detail.into()),
        }
    }

    /// 422 naming the place (`["query", "limit"]`, `["body"]`), as FastAPI
    /// reports a request that does not validate.
    pub fn unprocessable(loc: &[&str], message: impl Into<String>, kind: &str) -> YenteError {
        YenteError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: json!([{"loc": loc, "msg": message.into(), "type": kind}]),
        }
    }
}

impl From<ApiError> for YenteError {
    fn from(error: ApiError) -> YenteError {
        if let ApiError::Internal(detail) = &error {
            // The client sees `internal error`; the cause goes to the log.
            tracing::error!("internal error on a yente route: {detail}");
        }
        YenteError {
            status: error.status(),
            detail: Value::String(error.public_message()),
        }
    }
}

impl IntoResponse for YenteError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status, axum::Json(json!({"detail": self.detail}))).into_response();
        response.extensions_mut().insert(YenteShaped);
        response
    }
}

/// Largest body of a non-API error answer read to quote in `detail`: axum's
/// rejection texts are one line.
const REJECTION_TEXT_BYTES: usize = 4 * 1024;

/// Puts every error answer of a yente route in yente's form: Cordon's own
/// errors (a missing key, a full queue) and axum's rejections alike, keeping
/// `Retry-After` and `Allow`.
async fn yente_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    if !is_error || response.extensions().get::<YenteShaped>().is_some() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let error = match raised_error(&parts.extensions) {
        Some(error) => error,
        None => {
            let text = axum::body::to_bytes(body, REJECTION_TEXT_BYTES)
                .await
                .map(|b| String::from_utf8_lossy(&b).trim().to_string())
                .unwrap_or_default();
            ApiError::from_status(status, &text)
        }
    };
    let mut answer = YenteError::from(error).into_response();
    for kept in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = parts.headers.get(&kept) {
            answer.headers_mut().insert(kept, value.clone());
        }
    }
    answer
}
