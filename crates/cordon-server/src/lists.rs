//! `GET /v1/lists`, `POST /v1/lists` (upload and import a version, then
//! rescreen every customer against what it added or changed) and
//! `GET /v1/lists/{source}/diff`.

use crate::error::ApiError;
use crate::extract::{Body, Caller};
use crate::state::{customer_query, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cordon_lists::{Format, ListDiff};
use cordon_match::{Index, ScreenOptions};
use cordon_model::{Entity, ParsedList};
use cordon_store::{
    Alert, AuditLog, Customers, Decisions, ImportRequest, NewAlert, NewAuditEntry, Role,
    SqliteStore, Store,
};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// `GET /v1/lists`: stored versions, update status and what is indexed.
pub async fn list_versions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    let value = state
        .run_blocking(|state| {
            let versions = state.store().versions()?;
            let updates = state.store().update_statuses()?;
            let indexed = state
                .snapshot()
                .map(|s| s.labels.clone())
                .unwrap_or_default();
            Ok(json!({"versions": versions, "updates": updates, "indexed": indexed}))
        })
        .await?;
    Ok(axum::Json(value).into_response())
}

/// Parameters of an upload.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// Force a format (`un-xml`, `ofac-xml`, ...) instead of detecting it.
    #[serde(default)]
    pub format: Option<String>,
    /// Where the file came from, for the record.
    #[serde(default)]
    pub origin: Option<String>,
}

/// `POST /v1/lists`: the body is a list file.
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<UploadParams>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    caller.require(Role::Admin)?;
    let key_id = caller.key_id().to_string();
    let value = state
        .run_blocking(move |state| import_and_rescreen(&state, &body, &params, &key_id))
        .await?;
    let status = if value["created"] == json!(true) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(value)).into_response())
}

fn read_list(bytes: &[u8], params: &UploadParams) -> Result<ParsedList, ApiError> {
    let format = match params.format.as_deref() {
        Some(name) => Format::from_name(name)
            .ok_or_else(|| ApiError::InvalidRequest(format!("format: unknown format {name:?}")))?,
        None => cordon_lists::detect(bytes)
            .map_err(|e| ApiError::InvalidRequest(format!("list file: {e}")))?,
    };
    cordon_lists::read_bytes(format, bytes)
        .map_err(|e| ApiError::InvalidRequest(format!("list file ({format}): {e}")))
}

fn import_and_rescreen(
    state: &AppState,
    bytes: &[u8],
    params: &UploadParams,
    caller: &str,
) -> Result<Value, ApiError> {
    let list = read_list(bytes, params)?;
    let store = state.store();
    let previous = match store.find(&list.source) {
        Ok(version) => Some(store.load(version.id)?),
        Err(cordon_store::Error::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let content_hash = cordon_store::sha256_hex(bytes);
    let origin = params
        .origin
        .clone()
        .unwrap_or_else(|| "upload".to_string());
    let outcome = store.import(&ImportRequest {
        list: &list,
        content_hash: &content_hash,
        origin: &origin,
    })?;
    if !outcome.created {
        return Ok(json!({"created": false, "version": outcome.version}));
    }
    let entities = state.load_lists()?;
    let empty = ParsedList {
        source: list.source.clone(),
        ..ParsedList::default()
    };
    let diff = cordon_lists::diff(previous.as_ref().unwrap_or(&empty), &list);
    let label = outcome.version.label();
    let rescreen = rescreen_customers(
        store,
        &list,
        &diff,
        &label,
        state.config().threshold,
        caller,
    )?;
    state.metrics().count_screenings(rescreen.screened as u64);
    state.metrics().count_alerts(rescreen.alerts.len() as u64);
    let alerts = rescreen.alerts;
    let summary = json!({
        "version": label, "content_hash": content_hash, "added": diff.added.len(),
        "removed": diff.removed.len(), "changed": diff.changed.len(), "alerts": alerts.len(),
        "customers_screened": rescreen.screened, "suppressed": rescreen.suppressed,
    });
    store.append_audit(&NewAuditEntry {
        kind: "list_imported".into(),
        caller: caller.into(),
        payload: summary.clone(),
    })?;
    Ok(
        json!({"created": true, "version": outcome.version, "indexed_entities": entities,
              "diff": summary, "alerts": alerts}),
    )
}

/// The designations a new version added or changed.
fn delta_entities(list: &ParsedList, diff: &ListDiff) -> Vec<Entity> {
    let ids: HashSet<&str> = diff
        .added
        .iter()
        .map(|e| e.entity_id.as_str())
        .chain(diff.changed.iter().map(|e| e.entity_id.as_str()))
        .collect();
    list.entities
        .iter()
        .filter(|e| ids.contains(e.id.as_str()))
        .cloned()
        .collect()
}

/// Screens every stored customer against the designations a new version
/// added or changed, and only those ("freeze without delay"), in parallel;
/// skips hits covered by a standing false-positive decision and raises the
/// rest as alerts (one audit entry). Usable without a server, for example
/// after `cordon lists import`.
pub fn rescreen_customers(
    store: &SqliteStore,
    list: &ParsedList,
    diff: &ListDiff,
    label: &str,
    threshold: f64,
    caller: &str,
) -> Result<Rescreen, cordon_store::Error> {
    let started = std::time::Instant::now();
    let delta = delta_entities(list, diff);
    let customers = if delta.is_empty() {
        Vec::new()
    } else {
        store.customers()?
    };
    tracing::info!(customers = customers.len(), delta = delta.len(), elapsed = ?started.elapsed(), "rescreen: customers loaded");
    let hashes: HashMap<String, String> = delta
        .iter()
        .map(|e| (e.id.clone(), cordon_store::entity_hash(e)))
        .collect();
    let index = Index::build(delta);
    let options = ScreenOptions {
        threshold,
        limit: 10,
    };
    let candidates: Vec<NewAlert> = customers
        .par_iter()
        .flat_map_iter(|customer| {
            let matches = index.screen(&customer_query(customer), &options);
            let hashes = &hashes;
            matches.into_iter().map(move |m| NewAlert {
                customer_id: customer.id.clone(),
                entity_hash: hashes.get(&m.entity_id).cloned().unwrap_or_default(),
                entity_id: m.entity_id.clone(),
                list_version: label.to_string(),
                score: m.score,
                reason: "rescreen".into(),
                details: serde_json::to_value(&m).unwrap_or(Value::Null),
            })
        })
        .collect();
    tracing::info!(candidates = candidates.len(), elapsed = ?started.elapsed(), "rescreen: customers screened");
    let now = cordon_store::timestamp_now();
    let mut fresh = Vec::new();
    let mut suppressed = 0;
    for alert in candidates {
        let standing = store.standing_false_positive(
            &alert.customer_id,
            &alert.entity_id,
            &alert.entity_hash,
            &now,
        )?;
        match standing {
            Some(_) => suppressed += 1,
            None => fresh.push(alert),
        }
    }
    Ok(Rescreen {
        screened: customers.len(),
        suppressed,
        alerts: store.raise_alerts(&fresh, caller)?,
    })
}

/// What a rescreen did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rescreen {
    /// Customers screened (none when the version added or changed nothing).
    pub screened: usize,
    /// Hits skipped because a false-positive decision stands for them.
    pub suppressed: usize,
    /// Alerts newly raised.
    pub alerts: Vec<Alert>,
}

/// Parameters of a diff.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffParams {
    /// Old version: publisher version (`2025-04-19`) or `#ID`; default the one before `to`.
    #[serde(default)]
    pub from: Option<String>,
    /// New version; default the newest.
    #[serde(default)]
    pub to: Option<String>,
}

fn version_spec(source: &str, version: &str) -> String {
    if version.starts_with('#') {
        version.to_string()
    } else {
        format!("{source}@{version}")
    }
}

/// `GET /v1/lists/{source}/diff?from=&to=`.
pub async fn diff(
    State(state): State<AppState>,
    caller: Caller,
    Path(source): Path<String>,
    Query(params): Query<DiffParams>,
) -> Result<Response, ApiError> {
    caller.require(Role::Screener)?;
    let value = state
        .run_blocking(move |state| {
            let store = state.store();
            let to = match &params.to {
                Some(v) => store.find(&version_spec(&source, v))?,
                None => store.find(&source)?,
            };
            let from = match &params.from {
                Some(v) => store.find(&version_spec(&source, v))?,
                None => store
                    .versions()?
                    .into_iter()
                    .rfind(|v| v.source == to.source && v.id < to.id)
                    .ok_or_else(|| {
                        ApiError::NotFound(format!("no version of {source} before {}", to.label()))
                    })?,
            };
            let diff = cordon_lists::diff(&store.load(from.id)?, &store.load(to.id)?);
            Ok(json!({"from": from.label(), "to": to.label(), "diff": diff}))
        })
        .await?;
    Ok(axum::Json(value).into_response())
}
