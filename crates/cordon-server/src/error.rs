//! One table maps every error to a stable code and HTTP status; every error
//! response is `{"error": {"code", "message"}}`.

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
    /// State conflict.
    #[error("{0}")]
    Conflict(String),
    /// The CPU queue is full.
    #[error("the screening queue is full; retry shortly")]
    Overloaded,
    /// Lists not indexed yet.
    #[error("the lists are still being indexed; retry shortly")]
    NotReady,
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
            ApiError::Conflict(_) => "conflict",
            ApiError::Overloaded => "overloaded",
            ApiError::NotReady => "not_ready",
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

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"code": self.code(), "message": self.to_string()}})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(message) = &self {
            tracing::error!("internal error: {message}");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if matches!(self, ApiError::Overloaded | ApiError::NotReady) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
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
            ApiError::Conflict(String::new()),
            ApiError::Overloaded,
            ApiError::NotReady,
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
        assert_eq!(
            ApiError::Overloaded.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
