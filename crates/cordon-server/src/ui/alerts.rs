//! The alert queue (customer screening and rescreen alerts, transfer
//! alerts) with filters, sorting and paging; the case view of each alert
//! with its history; decisions, and the supervisor's approvals.

use super::html::{self, escape, facts, name, table, value_text};
use super::screen::{self, decision_table, DecisionForm};
use super::session::{refusal, UiUser};
use super::{api_refusal, render, UiResult};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Form;
use cordon_store::{
    Alert, NewTransferAlertDecision, QueueFacets, QueueFilter, QueueOrder, QueuePage, QueueRequest,
    QueueRow, Role, TransferAlert, TransferAlertHistory, TransferAlertStatus, TransferVerdict,
};
use serde::Deserialize;
use std::fmt::Write;

/// Alerts per page: a screenful at 1280x800 without endless scrolling.
const PAGE_SIZE: u64 = 50;

/// Every status an alert may have, in the order alerts move through them.
const STATUSES: [&str; 5] = [
    "open",
    "escalated",
    "pending_confirmation",
    "false_positive",
    "true_match",
];

/// The queue's filters, sort and page, as in the URL.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Filters {
    #[serde(default)]
    source: String,
    #[serde(default)]
    list: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    status: String,
    /// Raised within this many days.
    #[serde(default)]
    age: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<u64>,
}

/// An empty form field is no filter.
fn given(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

impl Filters {
    /// The store's request for this page of the queue.
    fn request(&self) -> QueueRequest {
        QueueRequest {
            filter: QueueFilter {
                source: given(&self.source),
                list: given(&self.list),
                rule: given(&self.rule),
                status: given(&self.status),
                raised_since: cutoff(&self.age),
            },
            order: match self.sort.as_str() {
                "oldest" => QueueOrder::Oldest,
                "score" => QueueOrder::HighestScore,
                _ => QueueOrder::Newest,
            },
            offset: (self.page() - 1).saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
        }
    }

    /// The page asked for, from 1.
    fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }
}

/// The `raised_at` of `days` ago, in the store's fixed-width form.
fn cutoff(days: &str) -> Option<String> {
    let days: i64 = days.trim().parse().ok()?;
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    Some(cordon_store::timestamp(at))
}

fn select_box(id: &str, label: &str, current: &str, options: &[(String, String)]) -> String {
    let mut out = format!("<label for=\"{id}\">{label}</label><select id=\"{id}\" name=\"{id}\"><option value=\"\">Any</option>");
    for (value, text) in options {
        let selected = if value == current { " selected" } else { "" };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            escape(value),
            escape(text)
        );
    }
    out.push_str("</select>");
    out
}

fn pairs<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    values
        .into_iter()
        .map(|v| (v.to_string(), v.replace('_', " ")))
        .collect()
}

/// One page of the queue (filtered, sorted and paged by the store) and the filters' choices.
async fn queue_page(
    state: &AppState,
    request: QueueRequest,
) -> Result<(QueuePage, QueueFacets), super::session::Refused> {
    state
        .run_blocking(move |state| {
            let store = state.store();
            Ok((store.alert_page(&request)?, store.alert_facets()?))
        })
        .await
        .map_err(api_refusal)
}

/// `GET /ui/alerts`.
pub async fn queue(
    State(state): State<AppState>,
    user: UiUser,
    Query(filters): Query<Filters>,
) -> UiResult {
    user.require(Role::Analyst)?;
    let (page, facets) = queue_page(&state, filters.request()).await?;
    let QueueFacets {
        mut sources,
        lists,
        rules,
    } = facets;
    sources.extend(["onboarding", "rescreen", "transfer"].map(String::from));
    sources.sort();
    sources.dedup();
    let mut body = String::from("<form class=\"filters\" method=\"get\" action=\"/ui/alerts\">");
    body.push_str(&select_box(
        "source",
        "Source",
        &filters.source,
        &pairs(sources.iter().map(String::as_str)),
    ));
    body.push_str(&select_box(
        "list",
        "List",
        &filters.list,
        &lists
            .iter()
            .map(|l| (l.clone(), l.clone()))
            .collect::<Vec<_>>(),
    ));
    body.push_str(&select_box(
        "rule",
        "Rule",
        &filters.rule,
        &pairs(rules.iter().map(String::as_str)),
    ));
    body.push_str(&select_box(
        "status",
        "Status",
        &filters.status,
        &pairs(STATUSES),
    ));
    body.push_str(&select_box(
        "age",
        "Raised within",
        &filters.age,
        &[
            ("1", "1 day"),
            ("7", "7 days"),
            ("30", "30 days"),
            ("90", "90 days"),
        ]
        .map(|(v, t)| (v.to_string(), t.to_string())),
    ));
    let sort_options = [
        ("newest", "Newest first"),
        ("oldest", "Oldest first"),
        ("score", "Highest score"),
    ];
    body.push_str("<label for=\"sort\">Sort</label><select id=\"sort\" name=\"sort\">");
    for (value, text) in sort_options {
        let chosen = if filters.sort == value {
            " selected"
        } else {
            ""
        };
        let _ = write!(body, "<option value=\"{value}\"{chosen}>{text}</option>");
    }
    body.push_str("</select><button type=\"submit\">Filter</button></form>");
    body.push_str(&queue_table(&page, &filters));
    Ok(render(&user, "Alert queue", &body))
}

/// The link to an alert's case view.
fn case_href(row: &QueueRow) -> String {
    format!("/ui/alerts/{}/{}", row.kind.as_str(), row.id)
}

fn queue_cells(r: &QueueRow) -> Vec<String> {
    vec![
        format!("<a href=\"{}\">Open</a>", escape(&case_href(r))),
        escape(&r.source),
        name(&r.subject),
        name(&r.what),
        escape(&r.lists.join(", ")),
        r.score.map_or(String::new(), |s| format!("{s:.2}")),
        format!(
            "<span class=\"status status-{0}\">{1}</span>",
            escape(&r.status),
            escape(&r.status.replace('_', " "))
        ),
        escape(&r.raised_at),
    ]
}

fn queue_table(page: &QueuePage, filters: &Filters) -> String {
    let pages = page.total.div_ceil(PAGE_SIZE).max(1);
    let current = filters.page().min(pages);
    let shown: Vec<Vec<String>> = page.rows.iter().map(queue_cells).collect();
    let mut out = table(
        &format!(
            "{} {}, page {current} of {pages}",
            page.total,
            if page.total == 1 { "alert" } else { "alerts" }
        ),
        &[
            "",
            "Source",
            "Party or transfer",
            "Entry or finding",
            "Lists",
            "Score",
            "Status",
            "Raised",
        ],
        &shown,
    );
    let link = |to: u64, label: &str| {
        let query = serde_urlencoded::to_string([
            ("source", filters.source.as_str()),
            ("list", filters.list.as_str()),
            ("rule", filters.rule.as_str()),
            ("status", filters.status.as_str()),
            ("age", filters.age.as_str()),
            ("sort", filters.sort.as_str()),
            ("page", to.to_string().as_str()),
        ])
        .unwrap_or_default();
        format!("<a href=\"/ui/alerts?{}\">{label}</a>", escape(&query))
    };
    out.push_str("<nav class=\"pages\" aria-label=\"Pages\">");
    if current > 1 {
        out.push_str(&link(current - 1, "Previous page"));
    }
    if current < pages {
        out.push_str(&link(current + 1, "Next page"));
    }
    out.push_str("</nav>");
    out
}

/// `GET /ui/approvals`: what waits for a second person.
pub async fn approvals(
    State(state): State<AppState>,
    user: UiUser,
    Query(asked): Query<Filters>,
) -> UiResult {
    user.require(Role::Supervisor)?;
    let filters = Filters {
        status: "pending_confirmation".into(),
        page: asked.page,
        ..Filters::default()
    };
    let (waiting, _) = queue_page(&state, filters.request()).await?;
    let body = format!(
        "<p class=\"hint\">True matches (and clearings of them) take effect once a second person approves. \
         You cannot approve your own decisions.</p>{}",
        queue_table(&waiting, &filters)
    );
    Ok(render(&user, "Waiting for approval", &body))
}

fn history_of_customer_alert(alert: &Alert) -> String {
    facts(&[
        ("Alert", format!("#{}", alert.id)),
        ("Raised", escape(&alert.raised_at)),
        ("Why", escape(&alert.reason)),
        ("List version", escape(&alert.list_version)),
        ("Status", escape(&alert.status.replace('_', " "))),
    ])
}

/// `GET /ui/alerts/customer/{id}`.
pub async fn customer_case(
    State(state): State<AppState>,
    user: UiUser,
    Path(id): Path<i64>,
) -> UiResult {
    user.require(Role::Analyst)?;
    let found = state
        .run_blocking(move |state| {
            let store = state.store();
            let Some(alert) = store.alert(id)? else {
                return Ok(None);
            };
            let customer = store.customer(&alert.customer_id)?;
            let decisions = store.decisions_for(&alert.customer_id, &alert.entity_id)?;
            Ok(Some((alert, customer, decisions)))
        })
        .await
        .map_err(api_refusal)?;
    let Some((alert, customer, decisions)) = found else {
        return Err(refusal(StatusCode::NOT_FOUND, &format!("No alert #{id}.")));
    };
    let snapshot = state.snapshot().map_err(api_refusal)?;
    let mut body = String::from("<section><h2>Party</h2>");
    match &customer {
        Some(c) => body.push_str(&facts(&[
            ("Customer", escape(&c.id)),
            ("Name", name(&c.name)),
            (
                "Date of birth",
                escape(c.dob.as_deref().unwrap_or_default()),
            ),
            ("Country", escape(c.country.as_deref().unwrap_or_default())),
            (
                "Type",
                c.schema
                    .map(|s| escape(&format!("{s:?}").to_lowercase()))
                    .unwrap_or_default(),
            ),
            ("Identifiers", escape(&c.identifiers.join(", "))),
        ])),
        None => body.push_str(&facts(&[("Customer", escape(&alert.customer_id))])),
    }
    body.push_str("</section><section><h2>Alert</h2>");
    body.push_str(&history_of_customer_alert(&alert));
    body.push_str(&screen::render_match(&alert.details));
    body.push_str(&screen::entity_section(&snapshot, &alert.entity_id));
    body.push_str("</article></section><section><h2>History</h2>");
    let confirm = user
        .key
        .role
        .allows(Role::Supervisor)
        .then_some(user.csrf.as_str());
    body.push_str(&decision_table(&decisions, confirm));
    body.push_str("</section>");
    let closed = matches!(alert.status.as_str(), "true_match" | "false_positive");
    if !closed {
        let _ = write!(
            body,
            "<section><h2>Decide</h2><form class=\"stack decision\" method=\"post\" action=\"/ui/alerts/customer/{}/decide\">{}\
             <input type=\"hidden\" name=\"entity_hash\" value=\"{}\">{}</form></section>",
            alert.id,
            html::csrf_field(&user.csrf),
            escape(&alert.entity_hash),
            screen::verdict_fields("alert"),
        );
    }
    Ok(render(
        &user,
        &format!("Alert #{} · {}", alert.id, alert.entity_id),
        &body,
    ))
}

/// `POST /ui/alerts/customer/{id}/decide`: a decision on the alert's customer and entry.
pub async fn decide_customer(
    State(state): State<AppState>,
    user: UiUser,
    Path(id): Path<i64>,
    Form(mut form): Form<DecisionForm>,
) -> UiResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Analyst)?;
    let alert = state
        .run_blocking(move |state| Ok(state.store().alert(id)?))
        .await
        .map_err(api_refusal)?
        .ok_or_else(|| refusal(StatusCode::NOT_FOUND, &format!("No alert #{id}.")))?;
    form.party_key = alert.customer_id;
    form.entity_id = alert.entity_id;
    form.entity_hash = alert.entity_hash;
    screen::record(&state, &user, form).await?;
    Ok(axum::response::Redirect::to(&format!("/ui/alerts/customer/{id}")).into_response_ok())
}

/// `POST /ui/decisions/{id}/confirm`: the second pair of eyes.
pub async fn confirm(
    State(state): State<AppState>,
    user: UiUser,
    Path(id): Path<i64>,
    Form(form): Form<super::Plain>,
) -> UiResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Supervisor)?;
    let actor = user.actor();
    let decision = state
        .run_blocking(move |state| Ok(state.store().confirm_decision(id, &actor)?))
        .await
        .map_err(api_refusal)?;
    let body = format!(
        "<p role=\"status\">Decision #{} approved: {} is now in force.</p>{}",
        decision.id,
        escape(decision.verdict.as_str()),
        decision_table(std::slice::from_ref(&decision), None)
    );
    Ok(render(&user, "Decision approved", &body))
}

/// Marks the listed name's words inside a free text (`<mark>`), escaped.
pub fn highlight(text: &str, start: Option<usize>, end: Option<usize>) -> String {
    match (start, end) {
        (Some(s), Some(e)) if s < e && text.get(s..e).is_some() => format!(
            "{}<mark>{}</mark>{}",
            escape(text.get(..s).unwrap_or_default()),
            escape(text.get(s..e).unwrap_or_default()),
            escape(text.get(e..).unwrap_or_default())
        ),
        _ => escape(text),
    }
}

fn transfer_details(alert: &TransferAlert) -> String {
    let details = &alert.details;
    let mut out = String::new();
    if let Some(text) = details["text"].as_str() {
        let hit = &details["text_hit"];
        let at = |k: &str| hit[k].as_u64().and_then(|n| usize::try_from(n).ok());
        let _ = write!(
            out,
            "<p>Text ({}): <bdi class=\"text\" dir=\"{}\">{}</bdi></p>",
            escape(details["role"].as_str().unwrap_or_default()),
            html::direction(text),
            highlight(text, at("original_start"), at("original_end"))
        );
    }
    if details["match"].is_object() {
        out.push_str(&screen::render_match(&details["match"]));
        out.push_str("</article>");
    } else {
        out.push_str(&facts(
            &details
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, _)| k.as_str() != "text")
                        .map(|(k, v)| (k.as_str(), value_text(v)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        ));
    }
    out
}

/// `GET /ui/alerts/transfer/{id}`.
pub async fn transfer_case(
    State(state): State<AppState>,
    user: UiUser,
    Path(id): Path<i64>,
) -> UiResult {
    user.require(Role::Analyst)?;
    let (history, screening, siblings) = state
        .run_blocking(move |state| {
            let store = state.store();
            let history: TransferAlertHistory = store.transfer_alert(id)?;
            let seq = history.alert.audit_seq;
            let screening = store.audit_entries(seq - 1, 1)?.into_iter().next();
            let siblings: Vec<TransferAlert> = store
                .transfer_alerts_of_screening(seq)?
                .into_iter()
                .filter(|a| a.id != id)
                .collect();
            Ok((history, screening, siblings))
        })
        .await
        .map_err(api_refusal)?;
    let alert = &history.alert;
    let mut body = String::from("<section><h2>Transfer</h2>");
    if let Some(entry) = &screening {
        let p = &entry.payload;
        body.push_str(&facts(&[
            ("Transfer", value_text(&p["transfer_id"])),
            ("Message type", value_text(&p["message_type"])),
            ("Screened", escape(&entry.at)),
            ("Against", value_text(&p["lists"])),
            ("Rules pack", value_text(&p["rules_pack"])),
            ("Listed entries hit", value_text(&p["hits"])),
            ("R16 errors", value_text(&p["r16_errors"])),
            ("Audit entry", format!("#{}", entry.seq)),
        ]));
    }
    let r16: Vec<Vec<String>> = siblings
        .iter()
        .chain(std::iter::once(alert))
        .filter(|a| a.kind == "r16")
        .map(|a| {
            vec![
                escape(&a.rule),
                escape(&a.message),
                value_text(&a.details["field"]),
            ]
        })
        .collect();
    if !r16.is_empty() {
        body.push_str(&table(
            "FATF R16 findings of this transfer",
            &["Rule", "Finding", "Field"],
            &r16,
        ));
    }
    let _ = write!(
        body,
        "</section><section><h2>Alert</h2>{}{}</section><section><h2>History</h2>",
        facts(&[
            ("Alert", format!("#{}", alert.id)),
            ("Kind", escape(&alert.kind)),
            ("Rule", escape(&alert.rule)),
            ("Finding", escape(&alert.message)),
            ("Status", escape(&alert.status.as_str().replace('_', " "))),
            ("Raised", escape(&alert.raised_at)),
            ("List versions", escape(&alert.list_versions.join(", "))),
        ]),
        transfer_details(alert),
    );
    let rows: Vec<Vec<String>> = history
        .decisions
        .iter()
        .map(|d| {
            vec![
                escape(d.verdict.as_str()),
                escape(&d.reason),
                format!(
                    "{} ({}, {})",
                    name(&d.decided_by_person),
                    escape(&d.decided_by),
                    d.decided_by_role
                ),
                escape(&d.decided_at),
                format!("{} → {}", d.status_before.as_str(), d.status_after.as_str()),
                escape(&d.list_versions.join(", ")),
            ]
        })
        .collect();
    body.push_str(&table(
        "Decisions",
        &[
            "Verdict",
            "Reason",
            "Decided by",
            "When",
            "Status",
            "List versions",
        ],
        &rows,
    ));
    body.push_str("</section>");
    let pending = alert.status == TransferAlertStatus::PendingConfirmation;
    let closed = matches!(
        alert.status,
        TransferAlertStatus::TrueMatch | TransferAlertStatus::FalsePositive
    );
    let may_decide = !closed && (!pending || user.key.role.allows(Role::Supervisor));
    if may_decide {
        let choices = if pending {
            "<label><input type=\"radio\" name=\"verdict\" value=\"true_match\" required> Approve the true match</label>\
             <label><input type=\"radio\" name=\"verdict\" value=\"false_positive\"> False positive</label>"
        } else {
            "<label><input type=\"radio\" name=\"verdict\" value=\"true_match\" required> True match</label>\
             <label><input type=\"radio\" name=\"verdict\" value=\"false_positive\"> False positive</label>\
             <label><input type=\"radio\" name=\"verdict\" value=\"escalate\"> Escalate</label>"
        };
        let _ = write!(
            body,
            "<section><h2>Decide</h2><form class=\"stack decision\" method=\"post\" action=\"/ui/alerts/transfer/{}/decide\">{}\
             <fieldset><legend>Decision</legend>{choices}</fieldset>\
             <label for=\"reason\">Reason</label><textarea id=\"reason\" name=\"reason\" required rows=\"2\"></textarea>\
             <button type=\"submit\">Record decision</button></form></section>",
            alert.id,
            html::csrf_field(&user.csrf),
        );
    }
    Ok(render(
        &user,
        &format!("Transfer alert #{}", alert.id),
        &body,
    ))
}

/// `POST /ui/alerts/transfer/{id}/decide`.
pub async fn decide_transfer(
    State(state): State<AppState>,
    user: UiUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> UiResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Analyst)?;
    let verdict = TransferVerdict::parse(&form.verdict)
        .map_err(|e| refusal(StatusCode::BAD_REQUEST, &e.to_string()))?;
    let decision = NewTransferAlertDecision {
        verdict,
        reason: form.reason.trim().to_string(),
    };
    let actor = user.actor();
    state
        .run_blocking(move |state| {
            Ok(state.store().decide_transfer_alert(id, &decision, &actor)?)
        })
        .await
        .map_err(api_refusal)?;
    Ok(axum::response::Redirect::to(&format!("/ui/alerts/transfer/{id}")).into_response_ok())
}

/// A redirect as a UI answer.
trait IntoOk {
    fn into_response_ok(self) -> axum::response::Response;
}

impl IntoOk for axum::response::Redirect {
    fn into_response_ok(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_filters_become_the_store_request() {
        let filters = Filters {
            source: "rescreen".into(),
            status: " ".into(),
            rule: "transliteration".into(),
            age: "7".into(),
            sort: "score".into(),
            page: Some(3),
            ..Filters::default()
        };
        let request = filters.request();
        assert_eq!(request.filter.source.as_deref(), Some("rescreen"));
        assert_eq!(request.filter.status, None, "a blank field is no filter");
        assert_eq!(request.filter.rule.as_deref(), Some("transliteration"));
        assert!(request.filter.raised_since.is_some());
        assert_eq!(request.order, QueueOrder::HighestScore);
        assert_eq!((request.offset, request.limit), (100, PAGE_SIZE));
        let first = Filters {
            page: Some(0),
            age: "soon".into(),
            ..Filters::default()
        }
        .request();
        assert_eq!(first.offset, 0);
        assert_eq!(first.filter.raised_since, None);
        assert_eq!(first.order, QueueOrder::Newest);
    }

    #[test]
    fn text_hits_are_marked_and_escaped() {
        assert_eq!(
            highlight("pay <b>Doku Umarov</b> now", Some(7), Some(18)),
            "pay &lt;b&gt;<mark>Doku Umarov</mark>&lt;/b&gt; now"
        );
        assert_eq!(highlight("abc", Some(2), Some(9)), "abc");
    }
}
