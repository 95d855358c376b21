//! `POST /v1/transfers` (payment messages in, one NDJSON report per
//! transaction out, each audited), `GET /v1/transfers/alerts`,
//! `GET /v1/transfers/alerts/{id}` (an alert with its decisions) and
//! `POST /v1/transfers/alerts/{id}/decisions`.

use crate::error::ApiError;
use crate::extract::{Body, Caller, Json};
use crate::records::list_limit;
use crate::state::{AppState, Snapshot};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cordon_engine::transfer_audit::{TransferBatch, TransferContext};
use cordon_engine::{TransferReport, TransferScreener};
use cordon_payments::MessageError;
use cordon_store::{NewTransferAlertDecision, RecordedTransfer, Role, TransferAlertStatus};
use serde::Deserialize;
use serde_json::{json, Value};

/// Media types accepted for a payment message body (parameters ignored);
/// the format itself is detected from the content.
const ACCEPTED_TYPES: &[&str] = &[
    "application/xml",
    "text/xml",
    "text/plain",
    "application/octet-stream",
];

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let media = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if ACCEPTED_TYPES.contains(&media.as_str()) {
        Ok(())
    } else {
        Err(ApiError::InvalidRequest(format!(
            "content type {media:?}: send ISO 20022 XML or SWIFT MT as one of {}",
            ACCEPTED_TYPES.join(", ")
        )))
    }
}

/// `POST /v1/transfers`.
pub async fn screen_transfers(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    check_content_type(&headers)?;
    let snapshot = state.snapshot()?;
    let key_id = caller.key_id().to_string();
    let text = state
        .run_blocking(move |state| screen_body(&state, &snapshot, &body, &key_id))
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], text).into_response())
}

/// Parses, screens, evaluates the rules in arrival order, records audit
/// entries and alerts (the engine's [`TransferBatch`]), and renders the
/// NDJSON answer (blocking).
fn screen_body(
    state: &AppState,
    snapshot: &Snapshot,
    body: &[u8],
    caller: &str,
) -> Result<String, ApiError> {
    // An empty body is a bad request; any other input gets one line per result (parse
    // answers an input without a transaction with an error line of its own).
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidRequest(
            "request body: no payment message found".into(),
        ));
    }
    let threshold = state.config().threshold;
    let screener = TransferScreener::for_lists(snapshot, threshold);
    // Names, texts and R16 in parallel; the rules below one at a time.
    let mut batch = TransferBatch::check(&screener, body);
    state.metrics().count_screenings(batch.checked.len() as u64);
    let transfers = batch.transfers();
    let recorded = state.with_rules(|rules| {
        let observations = rules.observe(&transfers);
        let context = TransferContext {
            lists: &snapshot.labels,
            threshold,
            pack_version: rules.version(),
            caller,
        };
        // Still under the rules lock, so the audit order is the engine's order.
        let recorded = batch.record_observed(state.store(), observations, &context);
        // The windows moved on even when recording failed: journal the changes
        // either way before answering (and save them all now and then), so that
        // the store follows the monitor.
        if !transfers.is_empty() {
            rules.keep(state.store());
        }
        Ok(recorded?)
    })?;
    Ok(render(&batch.checked, &recorded))
}

/// One line per message in input order: the report with its index, audit
/// entry and stored alert ids, or an error object naming the message.
fn render(
    checked: &[Result<TransferReport, MessageError>],
    recorded: &[RecordedTransfer],
) -> String {
    let mut recorded = recorded.iter();
    let mut text = String::new();
    for (index, result) in checked.iter().enumerate() {
        let line = match result {
            Ok(report) => report_line(index, report, recorded.next()),
            Err(error) => json!({
                "index": index,
                "line": error.position.line,
                "offset": error.position.offset,
                "error": ApiError::InvalidRequest(error.to_string()).body()["error"],
            }),
        };
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text
}

fn report_line(
    index: usize,
    report: &TransferReport,
    recorded: Option<&RecordedTransfer>,
) -> Value {
    let mut line = serde_json::to_value(report).unwrap_or(Value::Null);
    if let (Value::Object(map), Some(recorded)) = (&mut line, recorded) {
        map.insert("index".into(), json!(index));
        map.insert(
            "audit".into(),
            json!({"seq": recorded.audit.seq, "entry_hash": recorded.audit.entry_hash}),
        );
        let ids: Vec<i64> = recorded.alerts.iter().map(|a| a.id).collect();
        map.insert("alert_ids".into(), json!(ids));
    }
    line
}

/// Parameters of `GET /v1/transfers/alerts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferAlertParams {
    /// Only alerts with this status (`open`, `escalated`, `pending_confirmation`,
    /// `false_positive`, `true_match`).
    #[serde(default)]
    pub status: Option<String>,
    /// Most alerts (1-1000, default 100).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// `GET /v1/transfers/alerts`: newest first.
pub async fn list_alerts(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<TransferAlertParams>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let limit = list_limit(params.limit)?;
    let status = params
        .status
        .as_deref()
        .map(TransferAlertStatus::parse)
        .transpose()?;
    let alerts = state
        .run_blocking(move |state| Ok(state.store().transfer_alerts(status, limit)?))
        .await?;
    Ok(axum::Json(json!({ "alerts": alerts })).into_response())
}

/// The `{id}` of an alert route; anything but an integer names no alert.
fn alert_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::NotFound(format!("not found: transfer alert {raw:?}")))
}

/// `GET /v1/transfers/alerts/{id}`: the alert with its decisions, oldest first.
pub async fn alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let id = alert_id(&raw)?;
    let history = state
        .run_blocking(move |state| Ok(state.store().transfer_alert(id)?))
        .await?;
    Ok(axum::Json(history).into_response())
}

/// `POST /v1/transfers/alerts/{id}/decisions`: `{verdict, reason}`; answers
/// 201 with the decision recorded (and audited).
pub async fn decide_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Json(decision): Json<NewTransferAlertDecision>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let id = alert_id(&raw)?;
    let actor = caller.actor();
    let stored = state
        .run_blocking(move |state| {
            Ok(state.store().decide_transfer_alert(id, &decision, &actor)?)
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(stored)).into_response())
}
