//! One table maps every error to a stable code and HTTP status; every error
//! response is `{"error": {"code", "message", "request_id"}}` — axum's own
//! rejections (bad query strings and paths, unknown methods) included, since
//! [`finish`] rewrites any error answer into that form. Server faults are
//! logged with the request id and answered `internal error` only: database
//! messages, paths and panic text stay in the log. The yente-compatible
//! routes answer in yente's own form instead (see [`crate::yente`]).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// One row of the error table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorSpec {
    /// The stable code clients match on.
    pub code: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What it means.
    pub meaning: &'static str,
}

/// Every error the API returns. Codes never change once released.
pub const ERROR_TABLE: &[ErrorSpec] = &[
    ErrorSpec {
        code: "missing_api_key",
        status: 401,
        meaning: "no `Authorization: Bearer KEY` header",
    },
    ErrorSpec {
        code: "invalid_api_key",
        status: 401,
        meaning: "the key is unknown, revoked or malformed",
    },
    ErrorSpec {
        code: "forbidden",
        status: 403,
        meaning: "the key's role may not do this, or four eyes forbid it",
    },
    ErrorSpec {
        code: "not_found",
        status: 404,
        meaning: "no such route, list version, decision or entity",
    },
    ErrorSpec {
        code: "invalid_request",
        status: 400,
        meaning: "the body or a parameter is malformed; the message names the place",
    },
    ErrorSpec {
        code: "method_not_allowed",
        status: 405,
        meaning: "the route exists but not with this method (see the Allow header)",
    },
    ErrorSpec {
        code: "unsupported_media_type",
        status: 415,
        meaning: "the body's Content-Type is not one this route reads",
    },
    ErrorSpec {
        code: "payload_too_large",
        status: 413,
        meaning: "the body is larger than the route's limit",
    },
    ErrorSpec {
        code: "conflict",
        status: 409,
        meaning: "the request conflicts with the stored state",
    },
    ErrorSpec {
        code: "overloaded",
        status: 503,
        meaning: "the screening queue is full; retry after the Retry-After seconds",
    },
    ErrorSpec {
        code: "not_ready",
        status: 503,
        meaning: "the lists are still being indexed",
    },
    ErrorSpec {
        code: "store_unavailable",
        status: 503,
        meaning: "the database cannot be read and written within the probe's time (locked or failing); logged",
    },
    ErrorSpec {
        code: "timeout",
        status: 504,
        meaning: "the request took longer than the server's limit",
    },
    ErrorSpec {
        code: "internal",
        status: 500,
        meaning: "a server fault (database, I/O); logged",
    },
];

/// An API error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No Authorization header.
    #[error("this endpoint needs an `Authorization: Bearer KEY` header")]
    MissingKey,
    /// Unknown, revoked or malformed key.
    #[error("the API key is unknown, revoked or malformed")]
    InvalidKey,
    /// Wrong role or four eyes.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
    /// Bad input; the message names the place.
    #[error("{0}")]
    InvalidRequest(String),
    /// Body over the limit.
    #[error("the request body is larger than this route accepts")]
    PayloadTooLarge,
    /// The route does not take this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The body's media type is not accepted.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// State conflict.
    #[error("{0}")]
    Conflict(String),
    /// The CPU queue is full.
    #[error("the screening queue is full; retry shortly")]
    Overloaded,
    /// Lists not indexed yet.
    #[error("the lists are still being indexed; retry shortly")]
    NotReady,
    /// The database cannot be read and written now (the detail is logged, not sent).
    #[error("the database cannot be read and written now: {0}")]
    StoreUnavailable(String),
    /// Took too long.
    #[error("the request took longer than the server's limit")]
    Timeout,
    /// Server fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MissingKey => "missing_api_key",
            ApiError::InvalidKey => "invalid_api_key",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::InvalidRequest(_) => "invalid_request",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Conflict(_) => "conflict",
            ApiError::Overloaded => "overloaded",
            ApiError::NotReady => "not_ready",
            ApiError::StoreUnavailable(_) => "store_unavailable",
            ApiError::Timeout => "timeout",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The HTTP status, from [`ERROR_TABLE`].
    pub fn status(&self) -> StatusCode {
        let code = self.code();
        ERROR_TABLE
            .iter()
            .find(|spec| spec.code == code)
            .and_then(|spec| StatusCode::from_u16(spec.status).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The message clients see: the error's text, except for server faults,
    /// whose detail is logged and never sent.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => "internal error".to_string(),
            ApiError::StoreUnavailable(_) => {
                "the database cannot be read and written now; retry shortly".to_string()
            }
            other => other.to_string(),
        }
    }

    /// The JSON body (without a request id). A server fault's detail is
    /// logged here, since the body leaves it out.
    pub fn body(&self) -> serde_json::Value {
        if let ApiError::Internal(detail) = self {
            tracing::error!("internal error: {detail}");
        }
        json!({"error": {"code": self.code(), "message": self.public_message()}})
    }

    /// The error for an answer that did not come from an [`ApiError`] (axum's
    /// rejections), from its status and its plain-text body.
    pub fn from_status(status: StatusCode, text: &str) -> ApiError {
        let text = if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_string()
        } else {
            text.to_string()
        };
        match status {
            StatusCode::UNAUTHORIZED => ApiError::InvalidKey,
            StatusCode::FORBIDDEN => ApiError::Forbidden(text),
            StatusCode::NOT_FOUND => ApiError::NotFound(text),
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(text),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(text),
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::CONFLICT => ApiError::Conflict(text),
            StatusCode::SERVICE_UNAVAILABLE => ApiError::Overloaded,
            StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
            s if s.is_client_error() => ApiError::InvalidRequest(text),
            _ => ApiError::Internal(format!("an answer {status} without an API error: {text}")),
        }
    }

    /// The answer, with the request id in the body.
    fn respond(&self, request_id: &str) -> Response {
        let body = json!({"error": {"code": self.code(), "message": self.public_message(),
                                    "request_id": request_id}});
        let mut response = (self.status(), axum::Json(body)).into_response();
        if matches!(
            self,
            ApiError::Overloaded | ApiError::NotReady | ApiError::StoreUnavailable(_)
        ) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// Marks an answer made from an [`ApiError`], so [`finish`] rebuilds it from
/// the error rather than from its text.
#[derive(Debug, Clone)]
struct Raised(ApiError);

/// The error an answer was made from, when it was made from an [`ApiError`].
pub(crate) fn raised_error(extensions: &axum::http::Extensions) -> Option<ApiError> {
    extensions
        .get::<Raised>()
        .map(|Raised(error)| error.clone())
}

/// Marks an error answer already in yente's `{"detail": ...}` form (the
/// yente-compatible routes): [`finish`] leaves it as it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct YenteShaped;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.respond("");
        response.extensions_mut().insert(Raised(self));
        response
    }
}

/// Largest body of a non-API error answer read to quote in its message:
/// axum's rejection texts are one line.
const REJECTION_TEXT_BYTES: usize = 4 * 1024;

/// Puts every error answer in the API's JSON form with the request id; a
/// server fault's detail is logged with the request id (`context` names the
/// method and route) and replaced by `internal error`. Other answers pass.
pub async fn finish(response: Response, request_id: &str, context: &str) -> Response {
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    if !is_error || response.extensions().get::<YenteShaped>().is_some() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let error = match parts.extensions.get::<Raised>() {
        Some(Raised(error)) => error.clone(),
        None => {
            let text = axum::body::to_bytes(body, REJECTION_TEXT_BYTES)
                .await
                .map(|b| String::from_utf8_lossy(&b).trim().to_string())
                .unwrap_or_default();
            ApiError::from_status(status, &text)
        }
    };
    match &error {
        ApiError::Internal(detail) => {
            tracing::error!(request_id, "{context}: internal error: {detail}")
        }
        ApiError::StoreUnavailable(detail) => {
            tracing::warn!(
                request_id,
                "{context}: the database is unavailable: {detail}"
            )
        }
        _ => {}
    }
    let mut answer = error.respond(request_id);
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

impl From<cordon_store::Error> for ApiError {
    fn from(error: cordon_store::Error) -> ApiError {
        match error {
            cordon_store::Error::Forbidden(m) => ApiError::Forbidden(m),
            cordon_store::Error::Conflict(m) => ApiError::Conflict(m),
            cordon_store::Error::Invalid(m) => ApiError::InvalidRequest(m),
            cordon_store::Error::NotFound(m) => ApiError::NotFound(format!("not found: {m}")),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_in_the_table_once() {
        let all = [
            ApiError::MissingKey,
            ApiError::InvalidKey,
            ApiError::Forbidden(String::new()),
            ApiError::NotFound(String::new()),
            ApiError::InvalidRequest(String::new()),
            ApiError::PayloadTooLarge,
            ApiError::MethodNotAllowed(String::new()),
            ApiError::UnsupportedMediaType(String::new()),
            ApiError::Conflict(String::new()),
            ApiError::Overloaded,
            ApiError::NotReady,
            ApiError::StoreUnavailable(String::new()),
            ApiError::Timeout,
            ApiError::Internal(String::new()),
        ];
        assert_eq!(all.len(), ERROR_TABLE.len());
        for error in &all {
            let rows = ERROR_TABLE
                .iter()
                .filter(|s| s.code == error.code())
                .count();
            assert_eq!(rows, 1, "{}", error.code());
            assert_eq!(error.body()["error"]["code"], error.code());
        }
        assert_eq!(ApiError::MissingKey.status(), StatusCode::UNAUTHORIZED);
        let fault = ApiError::Internal("disk I/O error at /var/lib/cordon/cordon.db".into());
        assert_eq!(fault.body()["error"]["message"], "internal error");
        assert_eq!(
            ApiError::Overloaded.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
