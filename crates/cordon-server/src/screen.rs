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
use cordon_store::{AuditEntry, Role};
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

/// A request read and checked: its query and options, with the body as
/// received (hashed into the audit entry).
struct Checked {
    id: Option<Value>,
    query: Query,
    options: ScreenOptions,
    party_key: Option<String>,
    body: Value,
}

impl Checked {
    /// Reads a request body; `place` prefixes messages (`line 3: `, or nothing).
    fn read(body: Value, default_threshold: f64, place: &str) -> Result<Checked, ApiError> {
        let invalid = |m: String| ApiError::InvalidRequest(format!("{place}{m}"));
        let request: ScreenRequest = serde_json::from_value(body.clone())
            .map_err(|e| invalid(format!("request body: {e}")))?;
        let query = request.query().map_err(invalid)?;
        let options = request.options(default_threshold).map_err(invalid)?;
        Ok(Checked {
            id: request.id,
            query,
            options,
            party_key: request.party_key,
            body,
        })
    }

    fn engine_request(&self) -> screening::ScreenRequest<'_> {
        screening::ScreenRequest {
            query: &self.query,
            options: self.options,
            party_key: self.party_key.as_deref(),
            request: &self.body,
        }
    }

    /// The answer: matches shown and suppressed, the lists, and the audit entry written.
    fn answer(
        &self,
        snapshot: &Snapshot,
        screened: &screening::Screened,
        entry: &AuditEntry,
    ) -> Value {
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
        json!({
            "id": self.id, "matches": shown, "suppressed": suppressed,
            "lists": snapshot.labels, "threshold": self.options.threshold,
            "audit": {"seq": entry.seq, "entry_hash": entry.entry_hash},
        })
    }
}

/// Screens a request already read (the workbench's form) and audits it with
/// `request_json` as the body, answering as `POST /v1/screen` does; also
/// returns the audit entry's sequence number.
pub(crate) fn screen_read_request(
    state: &AppState,
    snapshot: &Snapshot,
    request: &ScreenRequest,
    request_json: &Value,
    caller: &str,
) -> Result<(Value, i64), ApiError> {
    let checked = Checked {
        id: request.id.clone(),
        query: request.query().map_err(ApiError::InvalidRequest)?,
        options: request
            .options(state.config().threshold)
            .map_err(ApiError::InvalidRequest)?,
        party_key: request.party_key.clone(),
        body: request_json.clone(),
    };
    let (screened, entry) = screening::screen_and_audit(
        state.store(),
        screening_lists(snapshot),
        &checked.engine_request(),
        caller,
    )?;
    state.metrics().count_screenings(1);
    Ok((checked.answer(snapshot, &screened, &entry), entry.seq))
}

fn screening_lists(snapshot: &Snapshot) -> ScreeningLists<'_> {
    ScreeningLists {
        index: &snapshot.index,
        labels: &snapshot.labels,
        hashes: &snapshot.hashes,
    }
}

/// The engine and its configuration, as recorded in the audit log.
pub fn engine(threshold: f64) -> String {
    screening::engine_label(threshold)
}

/// `POST /v1/screen`.
pub async fn screen(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    let request = Checked::read(body, state.config().threshold, "")?;
    let snapshot = state.snapshot()?;
    let key_id = caller.key_id().to_string();
    let response = state
        .run_blocking(move |state| {
            let lists = screening_lists(&snapshot);
            let engine_request = request.engine_request();
            let (screened, entry) =
                screening::screen_and_audit(state.store(), lists, &engine_request, &key_id)?;
            state.metrics().count_screenings(1);
            Ok(request.answer(&snapshot, &screened, &entry))
        })
        .await?;
    Ok(axum::Json(response).into_response())
}

/// The error line of a batch row.
fn error_line(error: ApiError, line: usize) -> Value {
    let mut body = error.body();
    body["line"] = json!(line);
    body
}

/// Screens and audits one chunk of batch lines (the engine's batch use
/// case), answering one line per input line in order. `Err` when the audit
/// transaction failed: nothing of the chunk may be shown.
fn batch_chunk(
    state: &AppState,
    snapshot: &Snapshot,
    chunk: &[(usize, &[u8])],
    caller: &str,
) -> Result<String, ApiError> {
    let threshold = state.config().threshold;
    let checked: Vec<(usize, Result<Checked, ApiError>)> = chunk
        .iter()
        .map(|(line, text)| {
            let place = format!("line {line}: ");
            let request = cordon_engine::json::parse_line::<Value>(*line, text)
                .map_err(ApiError::InvalidRequest)
                .and_then(|body| Checked::read(body, threshold, &place));
            (*line, request)
        })
        .collect();
    let requests: Vec<screening::ScreenRequest<'_>> = checked
        .iter()
        .filter_map(|(_, request)| request.as_ref().ok().map(Checked::engine_request))
        .collect();
    let recorded = screening::screen_many_and_audit(
        state.store(),
        screening_lists(snapshot),
        &requests,
        caller,
    )?;
    state.metrics().count_screenings(requests.len() as u64);
    let mut recorded = recorded.into_iter();
    let mut text = String::new();
    for (line, request) in checked {
        let answer = request.and_then(|request| {
            let (screened, entry) = recorded
                .next()
                .ok_or_else(|| ApiError::Internal("a batch row lost its result".into()))??;
            let mut answer = request.answer(snapshot, &screened, &entry);
            answer["line"] = json!(line);
            Ok(answer)
        });
        let value = answer.unwrap_or_else(|error| error_line(error, line));
        text.push_str(&value.to_string());
        text.push('\n');
    }
    Ok(text)
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
        let text = match batch_chunk(state, snapshot, chunk, caller) {
            Ok(text) => text,
            Err(error) => {
                // Never return a screening that is not audited.
                let _ = out.blocking_send(Bytes::from(format!("{}\n", error.body())));
                return;
            }
        };
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
