//! Sign-in sessions of the web UI, kept in the server process: a random
//! session id in an HttpOnly, SameSite=Strict cookie names a session holding
//! the API key it was opened with and its CSRF token. Each request
//! re-authenticates the key (a revoked key ends its sessions at once) and a
//! session idle for [`IDLE_TIMEOUT`] is gone.

use crate::state::AppState;
use crate::ui::html::{escape, Viewer};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use cordon_store::{Actor, ApiKeyInfo};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a session lives without a request: 30 minutes, a common bound
/// for applications handling personal data (a workstation left unlocked is
/// closed soon after the analyst walks away, a case read without clicks is not).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Random bytes in session ids and CSRF tokens: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cordon_session";

/// The cookie that carries the sign-in form's CSRF token before a session exists.
pub const SIGN_IN_COOKIE: &str = "cordon_sign_in";

struct Session {
    secret: String,
    csrf: String,
    last_seen: Instant,
}

/// Every open session of this process.
#[derive(Clone)]
pub struct Sessions {
    open: Arc<Mutex<HashMap<String, Session>>>,
    idle: Duration,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions::with_idle_timeout(IDLE_TIMEOUT)
    }
}

impl Sessions {
    /// Sessions that end after `idle` without a request.
    pub fn with_idle_timeout(idle: Duration) -> Sessions {
        Sessions {
            open: Arc::new(Mutex::new(HashMap::new())),
            idle,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A poisoned map is still consistent (inserts and removes are whole).
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a session for a key secret already authenticated; returns its id.
    pub fn open(&self, secret: &str) -> Result<String, cordon_store::Error> {
        let id = cordon_store::keys::random_hex(TOKEN_BYTES)?;
        let csrf = cordon_store::keys::random_hex(TOKEN_BYTES)?;
        let mut open = self.lock();
        let idle = self.idle;
        open.retain(|_, s| s.last_seen.elapsed() < idle);
        open.insert(
            id.clone(),
            Session {
                secret: secret.to_string(),
                csrf,
                last_seen: Instant::now(),
            },
        );
        Ok(id)
    }

    /// The key secret and CSRF token of a live session, marking it used; an
    /// idle one is removed.
    fn touch(&self, id: &str) -> Option<(String, String)> {
        let mut open = self.lock();
        let session = open.get_mut(id)?;
        if session.last_seen.elapsed() >= self.idle {
            open.remove(id);
            return None;
        }
        session.last_seen = Instant::now();
        Some((session.secret.clone(), session.csrf.clone()))
    }

    /// Ends a session.
    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// The value of one cookie of a request.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, wanted: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly (no script reads it), SameSite=Strict (no
/// other site's page sends it), scoped to the UI. `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let age = max_age.map_or(String::new(), |a| format!("; Max-Age={a}"));
    let text = format!("{name}={value}; Path=/ui; HttpOnly; SameSite=Strict{age}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && !expected.is_empty()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The signed-in user of a UI request. Without a live session the request is
/// answered with a redirect to the sign-in page.
pub struct UiUser {
    /// The key, as authenticated for this request.
    pub key: ApiKeyInfo,
    /// The session's CSRF token.
    pub csrf: String,
    /// The session id (to end it).
    pub session: String,
}

impl UiUser {
    /// The page frame's view of the user.
    pub fn viewer(&self) -> Viewer<'_> {
        Viewer {
            person: &self.key.person,
            role: self.key.role,
            csrf: &self.csrf,
        }
    }

    /// The user as an actor for decisions.
    pub fn actor(&self) -> Actor {
        Actor::from(&self.key)
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, given: &str) -> Result<(), Refused> {
        if same_token(given, &self.csrf) {
            Ok(())
        } else {
            Err(refusal(
                StatusCode::FORBIDDEN,
                "This form was not sent from this session's page (missing or wrong CSRF token). Reload the page and try again.",
            ))
        }
    }

    /// Refuses with 403 unless the role allows `needed`.
    pub fn require(&self, needed: cordon_store::Role) -> Result<(), Refused> {
        if self.key.role.allows(needed) {
            Ok(())
        } else {
            Err(refusal(
                StatusCode::FORBIDDEN,
                &format!(
                    "A {} key may not do this ({needed} role needed).",
                    self.key.role
                ),
            ))
        }
    }
}

/// A refused UI request: an HTML error page (boxed: a response is large and
/// travels in every handler's `Err`).
#[derive(Debug)]
pub struct Refused(Box<Response>);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// A small HTML error page (left alone by the API's JSON error shaping).
pub fn refusal(status: StatusCode, message: &str) -> Refused {
    let body = crate::ui::html::page(
        status.canonical_reason().unwrap_or("Error"),
        None,
        &format!(
            "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/ui\">Back to the workbench</a></p>",
            escape(message)
        ),
    );
    let mut response = (status, axum::response::Html(body)).into_response();
    // Already an answer for people: the API's error shaping leaves it as is.
    response.extensions_mut().insert(crate::error::YenteShaped);
    Refused(Box::new(response))
}

impl FromRequestParts<AppState> for UiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<UiUser, Response> {
        let to_sign_in = || Redirect::to("/ui/sign-in").into_response();
        let sessions = parts
            .extensions
            .get::<Sessions>()
            .cloned()
            .ok_or_else(to_sign_in)?;
        let id = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_sign_in)?;
        let (secret, csrf) = sessions.touch(id).ok_or_else(to_sign_in)?;
        let key = match crate::extract::in_place(|| state.store().authenticate(&secret)) {
            Ok(Some(key)) => key,
            Ok(None) => {
                sessions.close(id);
                return Err(to_sign_in());
            }
            Err(e) => {
                return Err(refusal(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &format!("The database could not be read: {e}"),
                )
                .into_response())
            }
        };
        Ok(UiUser {
            key,
            csrf,
            session: id.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abd", "abc"));
        assert!(!same_token("ab", "abc"));
        assert!(!same_token("", ""));
    }

    #[test]
    fn idle_sessions_end() {
        let sessions = Sessions::with_idle_timeout(Duration::from_millis(0));
        let id = sessions.open("secret").unwrap();
        assert!(sessions.touch(&id).is_none());
        let sessions = Sessions::default();
        let id = sessions.open("secret").unwrap();
        assert_eq!(
            sessions.touch(&id).map(|(s, _)| s).as_deref(),
            Some("secret")
        );
        sessions.close(&id);
        assert!(sessions.touch(&id).is_none());
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let value = set_cookie(SESSION_COOKIE, "abc", None);
        let text = value.to_str().unwrap();
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Strict"),
            "{text}"
        );
    }
}
