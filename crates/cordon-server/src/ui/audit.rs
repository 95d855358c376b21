//! The audit page (auditor role, and supervisors, as in the API): search the
//! hash-chained log and verify the chain.

use super::html::{escape, facts, table, value_text};
use super::session::UiUser;
use super::{api_refusal, render, UiResult};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use cordon_store::{AuditEntry, Role};
use serde::Deserialize;
use std::fmt::Write;

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
    body.push_str(
        "<section aria-labelledby=\"verify\"><h2 id=\"verify\">Verify the chain</h2>\
         <form id=\"verify-form\" method=\"get\" action=\"/ui/audit/verify\"><button type=\"submit\">Verify the chain</button></form>\
         <div id=\"verify-progress\" hidden><progress aria-label=\"Verifying the chain\"></progress> <span id=\"verify-elapsed\" role=\"status\">Verifying…</span></div>\
         <div id=\"verify-result\" aria-live=\"polite\"></div></section>",
    );
    Ok(render(&user, "Audit log", &body))
}

/// Asked with `?fragment=1` by the page's script: only the result.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyParams {
    #[serde(default)]
    fragment: Option<u8>,
}

/// `GET /ui/audit/verify`: walks the whole chain (and the anchored rows).
pub async fn verify(
    State(state): State<AppState>,
    user: UiUser,
    Query(params): Query<VerifyParams>,
) -> UiResult {
    user.require(Role::Auditor)?;
    let started = std::time::Instant::now();
    let verification = state
        .run_detached(|state| Ok(state.store().verify_audit()?))
        .await
        .map_err(api_refusal)?;
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
    let result = format!(
        "{verdict}{}",
        facts(&[
            ("Entries checked", verification.checked.to_string()),
            (
                "First entry",
                verification
                    .first_seq
                    .map(|s| format!("#{s}"))
                    .unwrap_or_default()
            ),
            (
                "Newest entry",
                verification
                    .head_seq
                    .map(|s| format!("#{s}"))
                    .unwrap_or_default()
            ),
            (
                "Head hash (keep a copy elsewhere)",
                escape(verification.head_hash.as_deref().unwrap_or_default())
            ),
            (
                "Rows not matching their entries",
                verification.rows.len().to_string()
            ),
            ("Took", format!("{:.1} s", started.elapsed().as_secs_f64())),
        ])
    );
    if params.fragment == Some(1) {
        return Ok(Html(result).into_response());
    }
    Ok(render(&user, "Audit chain verification", &result))
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
}
