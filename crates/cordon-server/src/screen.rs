//! `POST /v1/screen`, `POST /v1/screen/batch` (NDJSON, streamed) and `POST /v1/compare`.

use crate::error::ApiError;
use crate::extract::{ndjson_lines, Body, Caller, Json};
use crate::state::{AppState, Snapshot};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use cordon_engine::screening::{self, ScreeningLists};
use cordon_engine::QueryInput;
use cordon_match::{Match, Query, ScreenOptions};
use cordon_model::Schema;
use cordon_store::{NewAuditEntry, Role};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

/// Most matches a screening may ask for.
const MAX_LIMIT: usize = 100;
/// Rows screened (and audited in one transaction) per batch chunk.
const BATCH_CHUNK: usize = 256;

/// A screening request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    /// The caller's own reference for the row, echoed back (batch).
    #[serde(default)]
    pub id: Option<Value>,
    /// The name, in any script.
    pub name: String,
    /// Date of birth, loosely written (1969, 1969-07-16, 16.07.1969...).
    #[serde(default)]
    pub dob: Option<String>,
    /// Nationality or country (ISO code or name).
    #[serde(default)]
    pub country: Option<String>,
    /// person, organization, vessel or aircraft.
    #[serde(default, rename = "type")]
    pub schema: Option<String>,
    /// Passport, national id or registration numbers.
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Lowest score returned (default: the server's threshold).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Most matches returned (1-100, default 10).
    #[serde(default)]
    pub limit: Option<usize>,
    /// The screened party (customer id): standing false-positive decisions for it are applied.
    #[serde(default)]
    pub party_key: Option<String>,
}

impl ScreenRequest {
    /// The engine query (the engine's one validation), or a message naming the bad field.
    pub fn query(&self) -> Result<Query, String> {
        QueryInput {
            name: &self.name,
            dob: self.dob.as_deref(),
            country: self.country.as_deref(),
            schema: self.schema.as_deref(),
            identifiers: &self.identifiers,
        }
        .validate()
        .map_err(|e| e.to_string())
    }

    fn options(&self, default_threshold: f64) -> Result<ScreenOptions, String> {
        let threshold = self.threshold.unwrap_or(default_threshold);
        if !(0.0..=1.0).contains(&threshold) {
            return Err(format!("threshold: {threshold} is not between 0 and 1"));
        }
        let limit = self.limit.unwrap_or(10);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(format!("limit: {limit} is not between 1 and {MAX_LIMIT}"));
        }
        Ok(ScreenOptions { threshold, limit })
    }
}

/// One screening done, before its audit entry is written.
pub struct Screened {
    /// The response object (audit fields are added once written).
    pub response: Value,
    /// The audit entry to write.
    pub audit: NewAuditEntry,
}

/// A match as returned: the engine's fields plus the entity's content hash.
pub fn match_json(m: &Match, snapshot: &Snapshot) -> Value {
    let mut value = serde_json::to_value(m).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        let hash = snapshot
            .hashes
            .get(&m.entity_id)
            .cloned()
            .unwrap_or_default();
        map.insert("entity_hash".into(), Value::String(hash));
    }
    value
}

/// Screens one request against a snapshot (blocking), applying standing
/// false-positive decisions for its party.
pub fn screen_request(
    state: &AppState,
    snapshot: &Snapshot,
    request: &ScreenRequest,
    request_json: &Value,
    caller: &str,
) -> Result<Screened, ApiError> {
    let query = request.query().map_err(ApiError::InvalidRequest)?;
    let options = request
        .options(state.config().threshold)
        .map_err(ApiError::InvalidRequest)?;
    let lists = ScreeningLists {
        index: &snapshot.index,
        labels: &snapshot.labels,
        hashes: &snapshot.hashes,
    };
    let screen_request = screening::ScreenRequest {
        query: &query,
        options,
        party_key: request.party_key.as_deref(),
        request: request_json,
    };
    let screened = screening::screen(state.store(), lists, &screen_request, caller)?;
    state.metrics().count_screenings(1);
    let shown: Vec<Value> = screened
        .matches
        .iter()
        .map(|m| match_json(m, snapshot))
        .collect();
    let suppressed: Vec<Value> = screened
        .suppressed
        .iter()
        .map(|s| json!({"match": match_json(&s.matched, snapshot), "decision_id": s.decision_id}))
        .collect();
    Ok(Screened {
        response: json!({
            "id": request.id, "matches": shown, "suppressed": suppressed,
            "lists": snapshot.labels, "threshold": options.threshold,
        }),
        audit: screened.audit,
    })
}

/// The engine and its configuration, as recorded in the audit log.
pub fn engine(threshold: f64) -> String {
    screening::engine_label(threshold)
}

fn attach_audit(response: &mut Value, entry: &cordon_store::AuditEntry) {
    if let Value::Object(map) = response {
        map.insert(
            "audit".into(),
            json!({"seq": entry.seq, "entry_hash": entry.entry_hash}),
        );
    }
}

/// `POST /v1/screen`.
pub async fn screen(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    let request: ScreenRequest = serde_json::from_value(body.clone())
        .map_err(|e| ApiError::InvalidRequest(format!("request body: {e}")))?;
    let snapshot = state.snapshot()?;
    let key_id = caller.key_id().to_string();
    let response = state
        .run_blocking(move |state| {
            let mut screened = screen_request(&state, &snapshot, &request, &body, &key_id)?;
            let entry = state.store().append_audit(&screened.audit)?;
            attach_audit(&mut screened.response, &entry);
            Ok(screened.response)
        })
        .await?;
    Ok(axum::Json(response).into_response())
}

fn batch_line(
    state: &AppState,
    snapshot: &Snapshot,
    line: usize,
    text: &[u8],
    caller: &str,
) -> (Value, Option<NewAuditEntry>) {
    let parsed =
        cordon_engine::json::parse_line::<Value>(line, text).map_err(ApiError::InvalidRequest);
    let result = parsed.and_then(|value| {
        let request: ScreenRequest = serde_json::from_value(value.clone())
            .map_err(|e| ApiError::InvalidRequest(format!("line {line}: {e}")))?;
        screen_request(state, snapshot, &request, &value, caller).map_err(|e| match e {
            ApiError::InvalidRequest(m) => ApiError::InvalidRequest(format!("line {line}: {m}")),
            other => other,
        })
    });
    match result {
        Ok(mut screened) => {
            if let Value::Object(map) = &mut screened.response {
                map.insert("line".into(), json!(line));
            }
            (screened.response, Some(screened.audit))
        }
        Err(error) => {
            let mut body = error.body();
            body["line"] = json!(line);
            (body, None)
        }
    }
}

fn run_batch(
    state: &AppState,
    snapshot: &Snapshot,
    body: &Bytes,
    caller: &str,
    out: &tokio::sync::mpsc::Sender<Bytes>,
) {
    let lines: Vec<(usize, &[u8])> = ndjson_lines(body).collect();
    for chunk in lines.chunks(BATCH_CHUNK) {
        let mut results: Vec<(Value, Option<NewAuditEntry>)> = chunk
            .par_iter()
            .map(|(line, text)| batch_line(state, snapshot, *line, text, caller))
            .collect();
        let entries: Vec<NewAuditEntry> = results.iter().filter_map(|(_, a)| a.clone()).collect();
        let stored = match state.store().append_audits(&entries) {
            Ok(stored) => stored,
            Err(e) => {
                // Never return a screening that is not audited.
                let error = ApiError::from(e).body();
                let _ = out.blocking_send(Bytes::from(format!("{error}\n")));
                return;
            }
        };
        let mut stored = stored.iter();
        let mut text = String::new();
        for (response, audit) in &mut results {
            if audit.is_some() {
                if let Some(entry) = stored.next() {
                    attach_audit(response, entry);
                }
            }
            text.push_str(&response.to_string());
            text.push('\n');
        }
        if out.blocking_send(Bytes::from(text)).is_err() {
            return; // the client went away
        }
    }
}

/// `POST /v1/screen/batch`: one JSON screening request per line in, one
/// result per line out, streamed as chunks are screened and audited.
pub async fn batch(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    let snapshot = state.snapshot()?;
    let key_id = caller.key_id().to_string();
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(4);
    state.start_blocking(move |state| run_batch(&state, &snapshot, &body, &key_id, &sender))?;
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|chunk| (Ok::<_, std::convert::Infallible>(chunk), receiver))
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

/// A comparison request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    /// First name.
    pub name1: String,
    /// Second name.
    pub name2: String,
    /// person, organization, vessel or aircraft.
    #[serde(default, rename = "type")]
    pub schema: Option<String>,
}

/// `POST /v1/compare`.
pub async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<CompareRequest>,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    if !cordon_match::has_name_content(&request.name1)
        || !cordon_match::has_name_content(&request.name2)
    {
        return Err(ApiError::InvalidRequest(
            "name1 and name2: must not be empty and must hold a letter or digit".into(),
        ));
    }
    let schema = match request.schema.as_deref() {
        None => None,
        Some(s) => Some(
            Schema::parse(s)
                .ok_or_else(|| ApiError::InvalidRequest(format!("type: {s:?} is not a schema")))?,
        ),
    };
    let threshold = state.config().threshold;
    let value = state
        .run_blocking(move |_| {
            let comparison = cordon_match::compare(&request.name1, &request.name2, schema);
            let mut value = serde_json::to_value(&comparison).unwrap_or(Value::Null);
            value["match"] = json!(comparison.score >= threshold);
            value["name1"] = json!(request.name1);
            value["name2"] = json!(request.name2);
            Ok(value)
        })
        .await?;
    Ok(axum::Json(value).into_response())
}
