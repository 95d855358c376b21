//! The audit page (auditor role, and supervisors, as in the API): search the
//! hash-chained log and verify the chain.

use super::html::{self, escape, facts, table, value_text};
use super::session::{refusal, same_token, UiUser};
use super::{api_refusal, render, UiResult};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::{Extension, Form};
use cordon_store::{AuditEntry, AuditVerification, Role, VerifyProgress};
use serde::Deserialize;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

/// Entries read per search step: bounded work per page (a few MB of JSON at
/// most); the next step goes on from the last entry read.
const SCAN: usize = 1_000;
/// Matching entries shown per page.
const SHOWN: usize = 100;

/// The search form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    /// Start at this sequence number (default 1).
    #[serde(default)]
    from: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    caller: String,
    /// Text anywhere in the entry's facts.
    #[serde(default)]
    text: String,
}

/// True when an entry passes the search.
pub fn matches(entry: &AuditEntry, kind: &str, caller: &str, text: &str) -> bool {
    (kind.is_empty() || entry.kind == kind)
        && (caller.is_empty() || entry.caller.contains(caller))
        && (text.is_empty()
            || entry
                .payload
                .to_string()
                .to_lowercase()
                .contains(&text.to_lowercase()))
}

/// `GET /ui/audit`.
pub async fn search(
    State(state): State<AppState>,
    user: UiUser,
    Query(params): Query<SearchParams>,
) -> UiResult {
    user.require(Role::Auditor)?;
    let from = params.from.unwrap_or(1).max(1);
    let read = state
        .run_detached(move |state| Ok(state.store().audit_entries(from - 1, SCAN)?))
        .await
        .map_err(api_refusal)?;
    let last_read = read.last().map(|e| e.seq);
    let found: Vec<&AuditEntry> = read
        .iter()
        .filter(|e| {
            matches(
                e,
                params.kind.trim(),
                params.caller.trim(),
                params.text.trim(),
            )
        })
        .take(SHOWN)
        .collect();
    let mut body = format!(
        "<form class=\"filters\" method=\"get\" action=\"/ui/audit\">\
         <label for=\"from\">From entry</label><input id=\"from\" name=\"from\" type=\"number\" min=\"1\" value=\"{from}\">\
         <label for=\"kind\">Kind</label><input id=\"kind\" name=\"kind\" value=\"{}\" placeholder=\"decision_confirmed\">\
         <label for=\"caller\">Caller</label><input id=\"caller\" name=\"caller\" value=\"{}\" placeholder=\"key_…\">\
         <label for=\"text\">Text</label><input id=\"text\" name=\"text\" dir=\"auto\" value=\"{}\">\
         <button type=\"submit\">Search</button></form>",
        escape(&params.kind),
        escape(&params.caller),
        escape(&params.text)
    );
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|e| {
            vec![
                format!("#{}", e.seq),
                escape(&e.at),
                escape(&e.kind),
                escape(&e.caller),
                format!(
                    "<span class=\"payload\" dir=\"auto\">{}</span>",
                    value_text(&e.payload)
                ),
                format!(
                    "<code>{}</code>",
                    escape(&e.entry_hash.chars().take(16).collect::<String>())
                ),
            ]
        })
        .collect();
    body.push_str(&table(
        &format!(
            "{} matching entries among {} read from #{from}",
            found.len(),
            read.len()
        ),
        &["Entry", "When", "Kind", "Caller", "Facts", "Hash"],
        &rows,
    ));
    if let Some(last) = last_read.filter(|_| read.len() == SCAN) {
        let query = serde_urlencoded::to_string([
            ("from", (last + 1).to_string()),
            ("kind", params.kind.clone()),
            ("caller", params.caller.clone()),
            ("text", params.text.clone()),
        ])
        .unwrap_or_default();
        let _ = write!(
            body,
            "<nav class=\"pages\"><a href=\"/ui/audit?{}\">Search on</a></nav>",
            escape(&query)
        );
    }
    let _ = write!(
        body,
        "<section aria-labelledby=\"verify\"><h2 id=\"verify\">Verify the chain</h2>\
         <form method=\"post\" action=\"/ui/audit/verify\">{}<button type=\"submit\">Verify the chain</button></form>\
         <p class=\"hint\">The walk runs in the background; its page shows how many entries are checked of how many.</p></section>",
        html::csrf_field(&user.csrf)
    );
    Ok(render(&user, "Audit log", &body))
}

/// Verifications kept at most (running or finished, all sessions): each
/// holds a few hundred bytes; the oldest finished ones go first.
const KEPT_JOBS: usize = 64;

/// One verification of the chain, run in the background for the session
/// that started it; the page polls its position.
struct Job {
    session: String,
    progress: Mutex<VerifyProgress>,
    /// The result drawn as HTML once finished.
    outcome: Mutex<Option<String>>,
}

/// A job and its id, oldest first.
type JobList = Vec<(String, Arc<Job>)>;

/// The verifications of this process, by job id.
#[derive(Clone, Default)]
pub struct Verifications(Arc<Mutex<JobList>>);

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these leaves plain data behind: reuse it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Verifications {
    /// Starts keeping a job; forgets the oldest finished ones beyond [`KEPT_JOBS`].
    fn add(&self, id: String, job: Arc<Job>) {
        let mut jobs = locked(&self.0);
        while jobs.len() >= KEPT_JOBS {
            let Some(oldest_done) = jobs.iter().position(|(_, j)| locked(&j.outcome).is_some())
            else {
                break;
            };
            jobs.remove(oldest_done);
        }
        jobs.push((id, job));
    }

    /// The job `id` if `session` started it.
    fn get(&self, id: &str, session: &str) -> Option<Arc<Job>> {
        locked(&self.0)
            .iter()
            .find(|(key, job)| same_token(key, id) && job.session == session)
            .map(|(_, job)| Arc::clone(job))
    }
}

/// `POST /ui/audit/verify`: starts walking the whole chain (and the anchored
/// rows) in the background and sends the browser to its progress page.
pub async fn start_verify(
    State(state): State<AppState>,
    user: UiUser,
    Extension(jobs): Extension<Verifications>,
    Form(form): Form<super::Plain>,
) -> UiResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Auditor)?;
    let id = cordon_store::keys::random_hex(16)
        .map_err(|e| refusal(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?;
    let job = Arc::new(Job {
        session: user.session.clone(),
        progress: Mutex::new(VerifyProgress::default()),
        outcome: Mutex::new(None),
    });
    jobs.add(id.clone(), Arc::clone(&job));
    tokio::spawn(async move {
        let walker = Arc::clone(&job);
        let started = std::time::Instant::now();
        let verified = state
            .run_detached(move |state| {
                let report = |p: VerifyProgress| *locked(&walker.progress) = p;
                Ok(state.store().verify_audit_reporting(&report)?)
            })
            .await;
        let drawn = match verified {
            Ok(verification) => verification_html(&verification, started.elapsed()),
            Err(e) => format!(
                "<p class=\"error\" role=\"alert\">The verification failed: {}</p>",
                escape(&e.public_message())
            ),
        };
        *locked(&job.outcome) = Some(drawn);
    });
    Ok(Redirect::to(&format!("/ui/audit/verify/{id}")).into_response())
}

/// Asked with `?fragment=1` by the page's script: only the position or result.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyParams {
    #[serde(default)]
    fragment: Option<u8>,
}

/// `GET /ui/audit/verify/{job}`: where the verification stands (entries
/// checked of the total), or its result once finished.
pub async fn verify_status(
    user: UiUser,
    Extension(jobs): Extension<Verifications>,
    Path(id): Path<String>,
    Query(params): Query<VerifyParams>,
) -> UiResult {
    user.require(Role::Auditor)?;
    let job = jobs.get(&id, &user.session).ok_or_else(|| {
        refusal(
            StatusCode::NOT_FOUND,
            "No such verification in this session (they are kept while the server runs).",
        )
    })?;
    let finished = locked(&job.outcome).clone();
    let inner = finished.unwrap_or_else(|| position_html(*locked(&job.progress)));
    if params.fragment == Some(1) {
        return Ok(Html(inner).into_response());
    }
    let body = format!(
        "<div id=\"verify-status\" data-poll=\"/ui/audit/verify/{}?fragment=1\" aria-live=\"polite\">{inner}</div>\
         <p class=\"hint\"><a href=\"/ui/audit/verify/{0}\">Refresh</a> · <a href=\"/ui/audit\">Back to the audit log</a></p>",
        escape(&id)
    );
    Ok(render(&user, "Audit chain verification", &body))
}

/// A running verification's position; `data-running` tells the script to poll on.
pub fn position_html(progress: VerifyProgress) -> String {
    format!(
        "<p role=\"status\" data-running=\"1\">Verifying the chain: {} of {} entries checked.</p>\
         <progress max=\"{}\" value=\"{}\" aria-label=\"Entries checked\"></progress>",
        progress.checked,
        progress.total,
        progress.total.max(1),
        progress.checked
    )
}

fn verification_html(verification: &AuditVerification, took: std::time::Duration) -> String {
    let verdict = if verification.is_intact() {
        "<p class=\"ok\" role=\"status\">The chain is intact.</p>".to_string()
    } else {
        format!(
            "<p class=\"error\" role=\"alert\">The chain is broken: {}</p>",
            escape(
                &verification
                    .broken
                    .as_ref()
                    .map(|b| format!("entry #{}: {}", b.seq, b.reason))
                    .unwrap_or_else(|| format!(
                        "{} rows differ from their entries",
                        verification.rows.len()
                    ))
            )
        )
    };
    let seq = |s: Option<i64>| s.map(|s| format!("#{s}")).unwrap_or_default();
    format!(
        "{verdict}{}",
        facts(&[
            ("Entries checked", verification.checked.to_string()),
            ("First entry", seq(verification.first_seq)),
            ("Newest entry", seq(verification.head_seq)),
            (
                "Head hash (keep a copy elsewhere)",
                escape(verification.head_hash.as_deref().unwrap_or_default())
            ),
            (
                "Rows not matching their entries",
                verification.rows.len().to_string()
            ),
            ("Took", format!("{:.1} s", took.as_secs_f64())),
        ])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_looks_at_kind_caller_and_facts() {
        let entry = AuditEntry {
            seq: 3,
            at: "2026-01-01T00:00:00.000000Z".into(),
            kind: "decision_confirmed".into(),
            caller: "key_abc".into(),
            payload: serde_json::json!({"party": "Доку Умаров"}),
            prev_hash: String::new(),
            entry_hash: String::new(),
        };
        assert!(matches(&entry, "decision_confirmed", "key_", "умаров"));
        assert!(!matches(&entry, "screening", "", ""));
        assert!(!matches(&entry, "", "key_x", ""));
        assert!(!matches(&entry, "", "", "bin laden"));
    }

    #[test]
    fn a_running_verification_shows_its_position() {
        let drawn = position_html(VerifyProgress {
            checked: 10_000,
            total: 25_000,
        });
        assert!(drawn.contains("10000 of 25000 entries checked"), "{drawn}");
        assert!(drawn.contains("max=\"25000\" value=\"10000\""), "{drawn}");
        assert!(drawn.contains("data-running"));
    }

    #[test]
    fn jobs_are_their_sessions_own_and_finished_ones_make_room() {
        let jobs = Verifications::default();
        let job = |session: &str, done: bool| {
            Arc::new(Job {
                session: session.into(),
                progress: Mutex::new(VerifyProgress::default()),
                outcome: Mutex::new(done.then(String::new)),
            })
        };
        jobs.add("a".into(), job("s1", true));
        assert!(jobs.get("a", "s1").is_some());
        assert!(
            jobs.get("a", "s2").is_none(),
            "another session's job is not shown"
        );
        for i in 0..KEPT_JOBS {
            jobs.add(format!("r{i}"), job("s1", false));
        }
        assert!(jobs.get("a", "s1").is_none(), "the finished job made room");
        assert!(jobs.get("r0", "s1").is_some());
    }
}
