//! `GET /v1/lists`, `POST /v1/lists` (upload and import a version, then
//! rescreen every customer against what it added or changed) and
//! `GET /v1/lists/{source}/diff`.

use crate::error::ApiError;
use crate::extract::{Body, Caller};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cordon_engine::indexed::find_version;
use cordon_engine::lists::{self, NewVersion};
use cordon_engine::ContentHash;
use cordon_store::Role;
use serde::Deserialize;
use serde_json::{json, Value};

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

fn import_and_rescreen(
    state: &AppState,
    bytes: &[u8],
    params: &UploadParams,
    caller: &str,
) -> Result<Value, ApiError> {
    let list = lists::read_list(bytes, params.format.as_deref(), "list file")?;
    let hash = ContentHash::of_bytes(bytes);
    let origin = params.origin.as_deref().unwrap_or("upload");
    let new = NewVersion {
        list: &list,
        hash: &hash,
        origin,
    };
    let imported = lists::import_list(state.store(), new, state.config().threshold, caller)?;
    let (Some(diff), Some(rescreen)) = (imported.diff, imported.rescreen) else {
        return Ok(json!({"created": false, "version": imported.version}));
    };
    let entities = state.load_lists()?;
    state.metrics().count_screenings(rescreen.screened as u64);
    state.metrics().count_alerts(rescreen.alerts.len() as u64);
    let summary = json!({
        "version": imported.version.label(), "content_hash": hash.as_str(), "added": diff.added.len(),
        "removed": diff.removed.len(), "changed": diff.changed.len(), "alerts": rescreen.alerts.len(),
        "customers_screened": rescreen.screened, "suppressed": rescreen.suppressed,
    });
    Ok(
        json!({"created": true, "version": imported.version, "indexed_entities": entities,
              "diff": summary, "alerts": rescreen.alerts}),
    )
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
                None => find_version(store, &source)?,
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
