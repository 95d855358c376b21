//! The lists page: versions per source with their staleness, and what
//! changed between two versions, down to the field.

use super::html::{escape, facts, name, table, value_text};
use super::session::{refusal, UiUser};
use super::{api_refusal, render, UiResult};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use cordon_store::{Role, VersionInfo};
use serde::Deserialize;
use std::fmt::Write;

/// Largest number of added, removed or changed entries drawn per section: a
/// first import against an empty list adds thousands; the API has them all.
const MAX_ROWS: usize = 500;

/// `GET /ui/lists`.
pub async fn versions(State(state): State<AppState>, user: UiUser) -> UiResult {
    user.require(Role::Screener)?;
    let (versions, updates) = state
        .run_blocking(|state| Ok((state.store().versions()?, state.store().update_statuses()?)))
        .await
        .map_err(api_refusal)?;
    let indexed = state
        .snapshot()
        .map(|s| s.labels.clone())
        .unwrap_or_default();
    let mut sources: Vec<&str> = versions.iter().map(|v| v.source.as_str()).collect();
    sources.sort();
    sources.dedup();
    let mut body = String::new();
    for source in sources {
        let of_source: Vec<&VersionInfo> = versions.iter().filter(|v| v.source == source).collect();
        let update = updates.iter().find(|u| u.source == source);
        let staleness = match update {
            Some(u) if u.is_stale() => format!(
                "<span class=\"stale\">stale: the update of {} failed ({})</span>; last success {}",
                escape(&u.last_attempt),
                escape(u.last_error.as_deref().unwrap_or_default()),
                escape(u.last_success.as_deref().unwrap_or("never"))
            ),
            Some(u) => format!("up to date: last checked {}", escape(&u.last_attempt)),
            None => "imported by hand (no automatic updates recorded)".into(),
        };
        let _ = write!(
            body,
            "<section><h2>{}</h2><p>{staleness}</p>",
            escape(source)
        );
        let rows: Vec<Vec<String>> = of_source
            .iter()
            .rev()
            .map(|v| {
                let label = v.label();
                let in_use = if indexed.contains(&label) {
                    "in use"
                } else {
                    ""
                };
                vec![
                    escape(&label),
                    escape(v.version.as_deref().unwrap_or("-")),
                    escape(&v.imported_at),
                    (v.counts.persons
                        + v.counts.organizations
                        + v.counts.vessels
                        + v.counts.aircraft)
                        .to_string(),
                    escape(&v.origin),
                    in_use.into(),
                ]
            })
            .collect();
        body.push_str(&table(
            "Versions, newest first",
            &[
                "Version",
                "Publisher's date",
                "Imported",
                "Entries",
                "Origin",
                "",
            ],
            &rows,
        ));
        if of_source.len() >= 2 {
            let options = |selected: Option<i64>| {
                of_source
                    .iter()
                    .rev()
                    .map(|v| {
                        let chosen = if Some(v.id) == selected {
                            " selected"
                        } else {
                            ""
                        };
                        format!(
                            "<option value=\"#{}\"{chosen}>{}</option>",
                            v.id,
                            escape(&v.label())
                        )
                    })
                    .collect::<String>()
            };
            let newest = of_source.last().map(|v| v.id);
            let before = of_source.iter().rev().nth(1).map(|v| v.id);
            let id = escape(source);
            let _ = write!(
                body,
                "<form class=\"filters\" method=\"get\" action=\"/ui/lists/{id}/diff\">\
                 <label for=\"from-{id}\">From</label><select id=\"from-{id}\" name=\"from\">{}</select>\
                 <label for=\"to-{id}\">To</label><select id=\"to-{id}\" name=\"to\">{}</select>\
                 <button type=\"submit\">Show changes</button></form>",
                options(before),
                options(newest)
            );
        }
        body.push_str("</section>");
    }
    if versions.is_empty() {
        body.push_str("<p>No list imported yet.</p>");
    }
    Ok(render(&user, "Lists", &body))
}

/// The two versions compared.
#[derive(Debug, Deserialize)]
pub struct DiffParams {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `GET /ui/lists/{source}/diff?from=#ID&to=#ID`.
pub async fn diff(
    State(state): State<AppState>,
    user: UiUser,
    Path(source): Path<String>,
    Query(params): Query<DiffParams>,
) -> UiResult {
    user.require(Role::Screener)?;
    let spec = |v: &str| -> Result<String, super::session::Refused> {
        if v.starts_with('#') && v.len() > 1 {
            Ok(v.to_string())
        } else {
            Err(refusal(
                StatusCode::BAD_REQUEST,
                "Choose two versions (from and to).",
            ))
        }
    };
    let (from, to) = (spec(&params.from)?, spec(&params.to)?);
    let (from, to, diff) = state
        .run_blocking(move |state| {
            let store = state.store();
            let from = store.find(&from)?;
            let to = store.find(&to)?;
            if from.source != source || to.source != source {
                return Err(crate::error::ApiError::InvalidRequest(format!(
                    "both versions must be of {source}"
                )));
            }
            let diff = cordon_lists::diff(&store.load(from.id)?, &store.load(to.id)?);
            Ok((from, to, diff))
        })
        .await
        .map_err(api_refusal)?;
    let mut body = facts(&[
        ("From", escape(&from.label())),
        ("To", escape(&to.label())),
        ("Added", diff.added.len().to_string()),
        ("Removed", diff.removed.len().to_string()),
        ("Changed", diff.changed.len().to_string()),
        ("Unchanged", diff.unchanged.to_string()),
    ]);
    let entries = |list: &[cordon_lists::diff::DiffEntry]| -> Vec<Vec<String>> {
        list.iter()
            .take(MAX_ROWS)
            .map(|e| {
                vec![
                    escape(&e.entity_id),
                    name(&e.name),
                    escape(&format!("{:?}", e.schema).to_lowercase()),
                ]
            })
            .collect()
    };
    body.push_str(&table(
        "Added",
        &["Entry", "Name", "Type"],
        &entries(&diff.added),
    ));
    body.push_str(&table(
        "Removed",
        &["Entry", "Name", "Type"],
        &entries(&diff.removed),
    ));
    let changed: Vec<Vec<String>> = diff
        .changed
        .iter()
        .take(MAX_ROWS)
        .flat_map(|c| {
            c.fields.iter().map(move |f| {
                vec![
                    escape(&c.entity_id),
                    name(&c.name),
                    escape(&f.field),
                    format!("<del>{}</del>", value_text(&f.old)),
                    format!("<ins>{}</ins>", value_text(&f.new)),
                ]
            })
        })
        .collect();
    body.push_str(&table(
        "Changed, field by field",
        &["Entry", "Name", "Field", "Before", "After"],
        &changed,
    ));
    Ok(render(&user, &format!("Changes in {}", from.source), &body))
}
