//! `GET /v1/audit`, `POST /v1/decisions`, `POST /v1/decisions/{id}/confirm`,
//! `POST /v1/customers` (NDJSON upsert, each customer screened at once) and
//! `GET /v1/alerts`.

use crate::error::ApiError;
use crate::extract::{ndjson_lines, Body, Caller, Json};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cordon_engine::register::import_customers;
use cordon_store::{Customer, NewDecision, Role, Verdict};
use serde::Deserialize;
use serde_json::json;

/// The `limit` of a listing: 1-1000, default 100.
pub(crate) fn list_limit(limit: Option<usize>) -> Result<usize, ApiError> {
    let limit = limit.unwrap_or(100);
    if (1..=1000).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::InvalidRequest(format!(
            "limit: {limit} is not between 1 and 1000"
        )))
    }
}

/// Parameters of `GET /v1/audit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Entries after this sequence number (default 0).
    #[serde(default)]
    pub after: i64,
    /// Most entries (1-1000, default 100).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Also walk and verify the whole chain.
    #[serde(default)]
    pub verify: bool,
}

/// `GET /v1/audit`.
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<AuditParams>,
) -> Result<Response, ApiError> {
    caller.require(Role::Auditor)?;
    let limit = list_limit(params.limit)?;
    // Detached: verifying a long chain must not hold a screening worker.
    let value = state
        .run_detached(move |state| {
            let entries = state.store().audit_entries(params.after, limit)?;
            let verification = if params.verify {
                Some(state.store().verify_audit()?)
            } else {
                None
            };
            Ok(json!({"entries": entries, "verification": verification}))
        })
        .await?;
    Ok(axum::Json(value).into_response())
}

/// A decision as posted; `entity_hash` defaults to the entity's current content.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The screened party (customer id or the caller's reference).
    pub party_key: String,
    /// The listed entity (`un:QDi.290`).
    pub entity_id: String,
    /// `true_match` or `false_positive`.
    pub verdict: Verdict,
    /// Why.
    pub reason: String,
    /// The entity's content hash as screened (from the match); default: as now indexed.
    #[serde(default)]
    pub entity_hash: Option<String>,
    /// When the decision lapses (RFC 3339 UTC, `2027-01-01T00:00:00.000000Z`).
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// `POST /v1/decisions`.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<DecisionRequest>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let entity_hash = match request.entity_hash {
        Some(hash) => hash,
        None => state
            .snapshot()?
            .hashes
            .get(&request.entity_id)
            .cloned()
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "entity {} is not in the loaded lists",
                    request.entity_id
                ))
            })?,
    };
    let decision = NewDecision {
        party_key: request.party_key,
        entity_id: request.entity_id,
        entity_hash,
        verdict: request.verdict,
        reason: request.reason,
        expires_at: request.expires_at,
    };
    let actor = caller.actor();
    let stored = state
        .run_blocking(move |state| Ok(state.store().record_decision(&decision, &actor)?))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(stored)).into_response())
}

/// `POST /v1/decisions/{id}/confirm`: the second pair of eyes.
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    caller.require(Role::Supervisor)?;
    let actor = caller.actor();
    let stored = state
        .run_blocking(move |state| Ok(state.store().confirm_decision(id, &actor)?))
        .await?;
    Ok(axum::Json(stored).into_response())
}

/// `POST /v1/customers`: one customer per line (`id`, `name`, `dob`, `country`, `type`, `identifiers`).
pub async fn customers(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    caller.require(Role::Admin)?;
    let mut parsed = Vec::new();
    for (line, text) in ndjson_lines(&body) {
        let customer: Customer =
            cordon_engine::json::parse_line(line, text).map_err(ApiError::InvalidRequest)?;
        parsed.push(customer);
    }
    if parsed.is_empty() {
        return Err(ApiError::InvalidRequest(
            "request body: no customer lines".into(),
        ));
    }
    let key_id = caller.key_id().to_string();
    let outcome = state
        .run_blocking(move |state| {
            // Screened at once against the lists in force (none before the
            // first list import, which then screens the whole register).
            let lists = state.snapshot().ok();
            let empty;
            let lists = match lists.as_deref() {
                Some(lists) => lists,
                None => {
                    empty = cordon_engine::Indexed::build(Vec::new());
                    &empty
                }
            };
            let threshold = state.config().threshold;
            let imported = import_customers(state.store(), &parsed, lists, threshold, &key_id)?;
            state
                .metrics()
                .count_screenings(imported.screening.screened as u64);
            state
                .metrics()
                .count_alerts(imported.screening.alerts.len() as u64);
            Ok(imported)
        })
        .await?;
    Ok(axum::Json(json!({
        "inserted": outcome.upserted.inserted, "updated": outcome.upserted.updated,
        "screened": outcome.screening.screened, "suppressed": outcome.screening.suppressed,
        "alerts": outcome.screening.alerts,
    }))
    .into_response())
}

/// Parameters of `GET /v1/alerts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertParams {
    /// Only alerts with this status (`open`).
    #[serde(default)]
    pub status: Option<String>,
    /// Most alerts (1-1000, default 100).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// `GET /v1/alerts`: newest first.
pub async fn alerts(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<AlertParams>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let limit = list_limit(params.limit)?;
    let alerts = state
        .run_blocking(move |state| Ok(state.store().alerts(params.status.as_deref(), limit)?))
        .await?;
    Ok(axum::Json(json!({ "alerts": alerts })).into_response())
}
