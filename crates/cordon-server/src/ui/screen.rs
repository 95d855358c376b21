//! The screening page: the form, the matches with their explanations drawn
//! for a reader, the list entry in full, and (analysts and up) a decision
//! form per match.

use super::html::{self, escape, facts, name, table, value_text};
use super::session::UiUser;
use super::{api_refusal, render, UiResult};
use crate::screen::{screen_read_request, ScreenRequest};
use crate::state::{AppState, Snapshot};
use axum::extract::State;
use axum::Form;
use cordon_store::{NewDecision, Role, Verdict};
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt::Write;

/// The screening form, as posted.
#[derive(Debug, Default, Deserialize)]
pub struct ScreenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    dob: String,
    #[serde(default)]
    country: String,
    #[serde(default, rename = "type")]
    schema: String,
}

fn form_html(user: &UiUser, filled: &ScreenForm) -> String {
    let mut types = String::new();
    for (value, label) in [
        ("", "Any"),
        ("person", "Person"),
        ("organization", "Organisation"),
        ("vessel", "Vessel"),
        ("aircraft", "Aircraft"),
    ] {
        let selected = if filled.schema == value {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            types,
            "<option value=\"{value}\"{selected}>{label}</option>"
        );
    }
    format!(
        "<form class=\"grid\" method=\"post\" action=\"/ui/screen\">{}\
         <label for=\"name\">Name</label><input id=\"name\" name=\"name\" required dir=\"auto\" value=\"{}\" autofocus>\
         <label for=\"dob\">Date of birth</label><input id=\"dob\" name=\"dob\" placeholder=\"1964-04-13, 1964\" value=\"{}\">\
         <label for=\"country\">Country</label><input id=\"country\" name=\"country\" placeholder=\"RU, Russia\" value=\"{}\">\
         <label for=\"type\">Type</label><select id=\"type\" name=\"type\">{types}</select>\
         <button type=\"submit\">Screen</button></form>",
        html::csrf_field(&user.csrf),
        escape(&filled.name),
        escape(&filled.dob),
        escape(&filled.country),
    )
}

/// `GET /ui/screen`.
pub async fn form(user: UiUser) -> UiResult {
    user.require(Role::Screener)?;
    Ok(render(
        &user,
        "Screen a party",
        &form_html(&user, &ScreenForm::default()),
    ))
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `POST /ui/screen`: screens, audits (as the API does) and shows the matches.
pub async fn run(
    State(state): State<AppState>,
    user: UiUser,
    Form(filled): Form<ScreenForm>,
) -> UiResult {
    user.check_csrf(&filled.csrf)?;
    user.require(Role::Screener)?;
    let request = ScreenRequest {
        id: None,
        name: filled.name.clone(),
        dob: optional(&filled.dob),
        country: optional(&filled.country),
        schema: optional(&filled.schema),
        identifiers: Vec::new(),
        threshold: None,
        limit: None,
        party_key: None,
    };
    let audited = json!({"name": request.name, "dob": request.dob, "country": request.country,
                         "type": request.schema, "via": "ui"});
    let snapshot = state.snapshot().map_err(api_refusal)?;
    let key_id = user.key.id.clone();
    let shown = snapshot.clone();
    let outcome = state
        .run_blocking(move |state| {
            screen_read_request(&state, &snapshot, &request, &audited, &key_id)
        })
        .await;
    let mut body = form_html(&user, &filled);
    match outcome {
        Ok((response, seq)) => body.push_str(&results(&user, &shown, &response, seq)),
        Err(crate::error::ApiError::InvalidRequest(message)) => {
            let _ = write!(
                body,
                "<p class=\"error\" role=\"alert\">{}</p>",
                escape(&message)
            );
        }
        Err(e) => return Err(api_refusal(e)),
    }
    Ok(render(&user, "Screen a party", &body))
}

fn results(user: &UiUser, snapshot: &Snapshot, response: &Value, seq: i64) -> String {
    let matches = response["matches"].as_array().cloned().unwrap_or_default();
    let mut out = format!(
        "<section aria-labelledby=\"results\"><h2 id=\"results\">{} match{}</h2>\
         <p class=\"hint\">Against {} · threshold {} · audit entry #{seq}</p>",
        matches.len(),
        if matches.len() == 1 { "" } else { "es" },
        escape(&snapshot.labels.join(", ")),
        response["threshold"],
    );
    for m in &matches {
        let entity_id = m["entity_id"].as_str().unwrap_or_default();
        out.push_str(&render_match(m));
        out.push_str(&entity_section(snapshot, entity_id));
        if user.key.role.allows(Role::Analyst) {
            out.push_str(&screening_decision_form(user, m));
        }
        out.push_str("</article>");
    }
    out.push_str("</section>");
    out
}

/// A rule of the name alignment in words.
pub fn rule_label(rule: &str) -> &'static str {
    match rule {
        "exact" => "same word",
        "transliteration" => "transliteration (same once romanised)",
        "equivalence" => "equivalent spelling (name table)",
        "phonetic" => "sounds alike (phonetic key)",
        "edit_distance" => "typo or spelling drift (a few edits)",
        "initial" => "initial",
        "compound" => "joined words",
        _ => "other",
    }
}

fn number(value: &Value) -> String {
    value.as_f64().map_or(String::new(), |n| format!("{n:.2}"))
}

/// A match and its explanation, opening an `<article>` the caller closes
/// (so it can add the list entry and forms inside).
pub fn render_match(m: &Value) -> String {
    let explanation = &m["explanation"];
    let name_part = &explanation["name"];
    let mut out = format!(
        "<article class=\"match\"><h3>{} <span class=\"score\">score {}</span></h3>\
         <p>{}</p>",
        name(m["name"].as_str().unwrap_or_default()),
        number(&m["score"]),
        escape(explanation["summary"].as_str().unwrap_or_default()),
    );
    out.push_str(&facts(&[
        ("Entry", escape(m["entity_id"].as_str().unwrap_or_default())),
        (
            "Matched name",
            format!(
                "{} ({})",
                name(m["matched_name"].as_str().unwrap_or_default()),
                escape(m["matched_name_kind"].as_str().unwrap_or_default())
            ),
        ),
        (
            "Compared as",
            format!(
                "{} ↔ {}",
                name(name_part["query"].as_str().unwrap_or_default()),
                name(name_part["list_name"].as_str().unwrap_or_default())
            ),
        ),
        ("Name similarity", number(&name_part["similarity"])),
    ]));
    let rows: Vec<Vec<String>> = name_part["alignment"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|a| {
            let rule = a["rule"].as_str().unwrap_or_default();
            vec![
                name(a["query"].as_str().unwrap_or_default()),
                name(a["list"].as_str().unwrap_or_default()),
                format!(
                    "<span class=\"rule rule-{}\">{}</span>",
                    escape(rule),
                    escape(rule_label(rule))
                ),
                number(&a["similarity"]),
                escape(a["commonness"].as_str().unwrap_or("")),
            ]
        })
        .collect();
    out.push_str(&table(
        "Which name parts aligned, and through which rule",
        &[
            "Your name part",
            "Listed name part",
            "Rule",
            "Similarity",
            "Note",
        ],
        &rows,
    ));
    let unmatched = |field: &str| -> String {
        name_part[field]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|t| name(t["token"].as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let adjustments = name_part["adjustments"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|a| {
            format!(
                "{} (×{})",
                escape(a["reason"].as_str().unwrap_or_default()),
                number(&a["factor"])
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    out.push_str(&facts(&[
        (
            "Your parts without a counterpart",
            unmatched("unmatched_query"),
        ),
        (
            "Listed parts without a counterpart",
            unmatched("unmatched_list"),
        ),
        ("Adjustments", adjustments),
        (
            "Weak alias factor",
            number(&name_part["weak_alias_penalty"]),
        ),
    ]));
    let qualifiers: Vec<Vec<String>> = explanation["qualifiers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|q| {
            let outcome = q["outcome"].as_str().unwrap_or_default();
            let contribution = q["contribution"].as_f64().unwrap_or(0.0);
            vec![
                escape(
                    &q["qualifier"]
                        .as_str()
                        .unwrap_or_default()
                        .replace('_', " "),
                ),
                format!(
                    "<span class=\"outcome-{}\">{}</span>",
                    escape(outcome),
                    if outcome == "agree" {
                        "supports"
                    } else {
                        "contradicts"
                    }
                ),
                escape(q["detail"].as_str().unwrap_or_default()),
                format!("{contribution:+.2}"),
            ]
        })
        .collect();
    if !qualifiers.is_empty() {
        out.push_str(&table(
            "What each qualifier did to the score",
            &["Qualifier", "Effect", "What was compared", "Score change"],
            &qualifiers,
        ));
    }
    out
}

/// The label of the list version an entity comes from (`un@2026-02-27#3`).
pub fn version_of(snapshot: &Snapshot, entity_id: &str) -> String {
    let source = entity_id.split(':').next().unwrap_or_default();
    snapshot
        .labels
        .iter()
        .find(|l| l.split('@').next() == Some(source))
        .cloned()
        .unwrap_or_default()
}

/// The list entry of a match in full, as now indexed.
pub fn entity_section(snapshot: &Snapshot, entity_id: &str) -> String {
    match snapshot.index.entity(entity_id) {
        Some(entity) => render_entity(
            &serde_json::to_value(entity).unwrap_or(Value::Null),
            &version_of(snapshot, entity_id),
        ),
        None => format!(
            "<p class=\"hint\">{} is not in the lists now loaded.</p>",
            escape(entity_id)
        ),
    }
}

/// A list entry: every name (with its script and direction), dates,
/// places, identifiers, addresses and the designation.
pub fn render_entity(entity: &Value, version: &str) -> String {
    let designation = &entity["designation"];
    let names: Vec<Vec<String>> = entity["names"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|n| {
            let full = n["full"].as_str().unwrap_or_default();
            let lang = n["lang"]
                .as_str()
                .map(|l| format!(" lang=\"{}\"", escape(l)));
            vec![
                format!(
                    "<bdi class=\"name\" dir=\"{}\"{}>{}</bdi>",
                    html::direction(full),
                    lang.unwrap_or_default(),
                    escape(full)
                ),
                escape(n["kind"].as_str().unwrap_or_default()),
                escape(n["quality"].as_str().unwrap_or_default()),
                escape(n["script"].as_str().unwrap_or_default()),
            ]
        })
        .collect();
    let field = |key: &str| value_text(&entity[key]);
    format!(
        "<details class=\"entity\" open><summary>List entry {} · {}</summary>{}{}</details>",
        escape(entity["id"].as_str().unwrap_or_default()),
        escape(version),
        table("Names", &["Name", "Kind", "Quality", "Script"], &names),
        facts(&[
            ("Type", field("schema")),
            ("Dates of birth", field("birth_dates")),
            ("Places of birth", field("birth_places")),
            ("Nationalities", field("nationalities")),
            ("Countries", field("countries")),
            ("Identifiers", field("identifiers")),
            ("Addresses", field("addresses")),
            ("Gender", field("gender")),
            ("Programme", value_text(&designation["programmes"])),
            ("Publisher's id", value_text(&designation["source_id"])),
            ("Listed on", value_text(&designation["listed_on"])),
            ("Last updated", value_text(&designation["last_updated"])),
            ("Remarks", value_text(&designation["remarks"])),
            ("List version", escape(version)),
        ])
    )
}

/// The verdict and reason fields shared by every decision form.
pub fn verdict_fields(id: &str) -> String {
    format!(
        "<fieldset><legend>Decision</legend>\
         <label><input type=\"radio\" name=\"verdict\" value=\"true_match\" required> True match</label>\
         <label><input type=\"radio\" name=\"verdict\" value=\"false_positive\"> False positive</label></fieldset>\
         <label for=\"reason-{id}\">Reason</label><textarea id=\"reason-{id}\" name=\"reason\" required rows=\"2\"></textarea>\
         <button type=\"submit\">Record decision</button>"
    )
}

fn screening_decision_form(user: &UiUser, m: &Value) -> String {
    let entity_id = m["entity_id"].as_str().unwrap_or_default();
    let id = escape(&entity_id.replace([':', '.'], "-"));
    format!(
        "<form class=\"stack decision\" method=\"post\" action=\"/ui/decisions\">{}\
         <input type=\"hidden\" name=\"entity_id\" value=\"{}\">\
         <input type=\"hidden\" name=\"entity_hash\" value=\"{}\">\
         <label for=\"party-{id}\">Party reference (customer id)</label>\
         <input id=\"party-{id}\" name=\"party_key\" required>{}</form>",
        html::csrf_field(&user.csrf),
        escape(entity_id),
        escape(m["entity_hash"].as_str().unwrap_or_default()),
        verdict_fields(&id),
    )
}

/// A decision form, as posted.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub party_key: String,
    #[serde(default)]
    pub entity_id: String,
    #[serde(default)]
    pub entity_hash: String,
    #[serde(default)]
    pub verdict: String,
    #[serde(default)]
    pub reason: String,
}

/// Reads a verdict of a form.
pub fn verdict(text: &str) -> Result<Verdict, super::session::Refused> {
    match text {
        "true_match" => Ok(Verdict::TrueMatch),
        "false_positive" => Ok(Verdict::FalsePositive),
        _ => Err(super::session::refusal(
            axum::http::StatusCode::BAD_REQUEST,
            "Choose true match or false positive.",
        )),
    }
}

/// Records a decision on a party and entity (blocking store call on the pool).
pub async fn record(
    state: &AppState,
    user: &UiUser,
    form: DecisionForm,
) -> Result<cordon_store::Decision, super::session::Refused> {
    user.require(Role::Analyst)?;
    let decision = NewDecision {
        party_key: form.party_key.trim().to_string(),
        entity_id: form.entity_id,
        entity_hash: form.entity_hash,
        verdict: verdict(&form.verdict)?,
        reason: form.reason.trim().to_string(),
        expires_at: None,
    };
    if decision.party_key.is_empty() || decision.reason.is_empty() {
        return Err(super::session::refusal(
            axum::http::StatusCode::BAD_REQUEST,
            "A decision needs a party reference and a reason.",
        ));
    }
    let actor = user.actor();
    state
        .run_blocking(move |state| Ok(state.store().record_decision(&decision, &actor)?))
        .await
        .map_err(api_refusal)
}

/// `POST /ui/decisions`: a decision on a match of an ad-hoc screening.
pub async fn decide(
    State(state): State<AppState>,
    user: UiUser,
    Form(form): Form<DecisionForm>,
) -> UiResult {
    user.check_csrf(&form.csrf)?;
    let decision = record(&state, &user, form).await?;
    let body = format!(
        "<p role=\"status\">Decision #{} recorded: {} ({}).</p>{}",
        decision.id,
        escape(decision.verdict.as_str()),
        escape(state_label(&decision)),
        decision_table(std::slice::from_ref(&decision), None),
    );
    Ok(render(&user, "Decision recorded", &body))
}

/// Where a decision stands, in words.
pub fn state_label(decision: &cordon_store::Decision) -> &'static str {
    match decision.state {
        cordon_store::DecisionState::Pending => "waiting for a supervisor's approval",
        cordon_store::DecisionState::Confirmed => "in force",
    }
}

/// Decisions with who decided what and when; with `confirm` (a supervisor's
/// CSRF token) pending ones get an Approve button.
pub fn decision_table(decisions: &[cordon_store::Decision], confirm: Option<&str>) -> String {
    let rows: Vec<Vec<String>> = decisions
        .iter()
        .map(|d| {
            let approve = match (confirm, d.state) {
                (Some(csrf), cordon_store::DecisionState::Pending) => format!(
                    "<form method=\"post\" action=\"/ui/decisions/{}/confirm\">{}<button type=\"submit\">Approve</button></form>",
                    d.id,
                    html::csrf_field(csrf)
                ),
                _ => String::new(),
            };
            vec![
                format!("#{}", d.id),
                escape(d.verdict.as_str()),
                escape(&d.reason),
                format!("{} ({})", name(&d.decided_by_person), escape(&d.decided_by)),
                escape(&d.decided_at),
                escape(state_label(d)),
                d.confirmed_by_person
                    .as_deref()
                    .map(|p| format!("{} at {}", name(p), escape(d.confirmed_at.as_deref().unwrap_or_default())))
                    .unwrap_or_default(),
                escape(&d.entity_hash.chars().take(12).collect::<String>()),
                approve,
            ]
        })
        .collect();
    table(
        "Decisions",
        &[
            "Id",
            "Verdict",
            "Reason",
            "Decided by",
            "When",
            "State",
            "Approved by",
            "Entry content",
            "",
        ],
        &rows,
    )
}
