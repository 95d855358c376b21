//! Request extractors: the authenticated caller, and JSON / NDJSON bodies
//! whose errors come out in the API's error format.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, StatusCode};
use cordon_store::{Actor, ApiKeyInfo, Role};
use serde::de::DeserializeOwned;

/// The key a request was made with.
#[derive(Debug, Clone)]
pub struct Caller(pub ApiKeyInfo);

impl Caller {
    /// Refuses with 403 unless the key's role allows `needed`.
    pub fn require(&self, needed: Role) -> Result<(), ApiError> {
        if self.0.role.allows(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "a {} key may not do this ({needed} role needed)",
                self.0.role
            )))
        }
    }

    /// The caller as an actor for decisions.
    pub fn actor(&self) -> Actor {
        Actor::from(&self.0)
    }

    /// The key id, recorded in the audit log.
    pub fn key_id(&self) -> &str {
        &self.0.id
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::MissingKey)?;
        let secret = header
            .to_str()
            .ok()
            .and_then(key_of_header)
            .filter(|s| !s.is_empty() && s.len() <= 256)
            .ok_or(ApiError::InvalidKey)?
            .to_string();
        // One indexed read on a pooled WAL reader, which never waits for
        // writers: done in place, where a blocking thread per request let a
        // burst start hundreds of threads.
        let found = in_place(|| state.store().authenticate(&secret))?;
        found.map(Caller).ok_or(ApiError::InvalidKey)
    }
}

/// Runs a short blocking store call from async code on the current thread.
/// The PostgreSQL client drives a runtime of its own and panics on a thread
/// that drives tokio's tasks, so on the multi-threaded runtime (`serve`) the
/// thread first hands its tasks to the others (`block_in_place`); a
/// current-thread runtime (tests) cannot, and calls in place.
pub(crate) fn in_place<T>(call: impl FnOnce() -> T) -> T {
    let multi_threaded = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_threaded {
        tokio::task::block_in_place(call)
    } else {
        call()
    }
}

/// The key in an `Authorization` header: `Bearer KEY`, or `ApiKey KEY` as
/// yente's clients send it (the scheme's case does not matter, RFC 9110).
fn key_of_header(value: &str) -> Option<&str> {
    let (scheme, key) = value.trim().split_once(' ')?;
    let known = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey");
    known.then(|| key.trim())
}

/// The raw body, with size-limit failures mapped to `payload_too_large`.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Body, ApiError> {
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(Body(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
            Err(rejection) => Err(ApiError::InvalidRequest(format!(
                "request body: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// A JSON body; unknown fields, duplicate keys and type errors are
/// `invalid_request` naming line and column.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Json<T>, ApiError> {
        let Body(bytes) = Body::from_request(request, state).await?;
        reject_duplicate_keys(&bytes)?;
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|e| ApiError::InvalidRequest(format!("request body: {e}")))
    }
}

/// Refuses a JSON text in which an object names a key twice (the engine's
/// one rule, [`cordon_engine::json`]).
pub fn reject_duplicate_keys(bytes: &[u8]) -> Result<(), ApiError> {
    match cordon_engine::json::duplicate_key(bytes) {
        Some(duplicate) => Err(ApiError::InvalidRequest(format!(
            "request body: {duplicate}"
        ))),
        None => Ok(()),
    }
}

/// The non-empty lines of an NDJSON body with their 1-based line numbers.
pub fn ndjson_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| line.iter().any(|b| !b.is_ascii_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::key_of_header;

    #[test]
    fn keys_come_as_bearer_or_apikey() {
        assert_eq!(key_of_header("Bearer abc"), Some("abc"));
        assert_eq!(key_of_header("ApiKey abc "), Some("abc"));
        assert_eq!(key_of_header("apikey abc"), Some("abc"));
        assert_eq!(key_of_header("Basic abc"), None);
        assert_eq!(key_of_header("abc"), None);
    }
}
