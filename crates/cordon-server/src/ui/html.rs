//! HTML building: every text that reaches a page goes through [`escape`]
//! (names, reasons, list fields are data from publishers and users), and the
//! page frame ([`page`]) carries the navigation a role may use.

use cordon_store::Role;
use std::fmt::Write;

/// Escapes text for HTML element content and double-quoted attribute values:
/// `& < > " '` become entities, so a listed name such as
/// `<script>alert(1)</script>` shows as text and never runs.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The writing direction of a text: `rtl` when its first letter is of a
/// right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
/// presentation forms), else `ltr`. Set per name, so an Arabic name inside a
/// Latin page reads right to left and its punctuation stays in place.
pub fn direction(text: &str) -> &'static str {
    let first_letter = text.chars().find(|c| c.is_alphabetic());
    match first_letter.map(u32::from) {
        Some(0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF) => "rtl",
        _ => "ltr",
    }
}

/// A name (or any text in an unknown script) as an inline element with its
/// own direction, escaped.
pub fn name(text: &str) -> String {
    format!(
        "<bdi class=\"name\" dir=\"{}\">{}</bdi>",
        direction(text),
        escape(text)
    )
}

/// The signed-in person as the page frame shows them.
pub struct Viewer<'a> {
    /// The person behind the key.
    pub person: &'a str,
    /// The key's role (decides the navigation shown).
    pub role: Role,
    /// The session's CSRF token (for the sign-out form).
    pub csrf: &'a str,
}

/// The navigation entries a role may use: what it may not do is not offered.
pub fn navigation(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut entries = Vec::new();
    if role.allows(Role::Screener) {
        entries.push(("/ui/screen", "Screen"));
    }
    if role.allows(Role::Analyst) {
        entries.push(("/ui/alerts", "Alerts"));
    }
    if role.allows(Role::Supervisor) {
        entries.push(("/ui/approvals", "Approvals"));
    }
    if role.allows(Role::Screener) {
        entries.push(("/ui/lists", "Lists"));
    }
    if role.allows(Role::Auditor) {
        entries.push(("/ui/audit", "Audit"));
    }
    entries
}

/// A whole page: the frame (skip link, navigation for the viewer's role,
/// sign-out form) around `body`, which must already be escaped HTML.
pub fn page(title: &str, viewer: Option<&Viewer<'_>>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Cordon</title><link rel=\"stylesheet\" href=\"/ui/assets/app.css\"><link rel=\"icon\" href=\"/ui/assets/favicon.svg\">\
         <script src=\"/ui/assets/app.js\" defer></script></head><body>\
         <a class=\"skip\" href=\"#main\">Skip to content</a><header><span class=\"brand\">Cordon</span>",
        escape(title)
    );
    if let Some(viewer) = viewer {
        out.push_str("<nav aria-label=\"Main\"><ul>");
        for (href, label) in navigation(viewer.role) {
            let _ = write!(out, "<li><a href=\"{href}\">{label}</a></li>");
        }
        let _ = write!(
            out,
            "</ul></nav><form class=\"signout\" method=\"post\" action=\"/ui/sign-out\">{}\
             <span class=\"who\">{} ({})</span><button type=\"submit\">Sign out</button></form>",
            csrf_field(viewer.csrf),
            name(viewer.person),
            viewer.role
        );
    }
    let _ = write!(
        out,
        "</header><main id=\"main\" tabindex=\"-1\"><h1>{}</h1>{body}</main></body></html>",
        escape(title)
    );
    out
}

/// The hidden field every form carries (checked on every POST).
pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(token)
    )
}

/// A table with a caption, header cells and rows of cells already escaped.
pub fn table(caption: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "<div class=\"scroll\"><table><caption>{}</caption><thead><tr>",
        escape(caption)
    );
    for h in headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// A definition list of label and (escaped) value pairs, skipping empty values.
pub fn facts(pairs: &[(&str, String)]) -> String {
    let mut out = String::from("<dl class=\"facts\">");
    for (label, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        let _ = write!(out, "<dt>{}</dt><dd>{value}</dd>", escape(label));
    }
    out.push_str("</dl>");
    out
}

/// A JSON value as short readable text (objects as `key: value` pairs,
/// arrays joined by `; `), escaped: for list fields whose shape varies by
/// publisher (dates, places, identifiers, addresses).
pub fn value_text(value: &serde_json::Value) -> String {
    escape(&plain(value))
}

fn plain(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("; "),
        Value::Object(map) if map.get("year").is_some_and(Value::is_u64) => partial_date(map),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", k.replace('_', " "), plain(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// A date known to the year, month or day (`1964`, `1964-04`, `1964-04-13`).
fn partial_date(map: &serde_json::Map<String, serde_json::Value>) -> String {
    let part = |key: &str| map.get(key).and_then(serde_json::Value::as_u64);
    match (part("year"), part("month"), part("day")) {
        (Some(y), Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
        (Some(y), Some(m), None) => format!("{y:04}-{m:02}"),
        (Some(y), _, _) => format!("{y:04}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_makes_markup_inert() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("Доку Умаров"), "Доку Умаров");
        assert!(!name("<img src=x onerror=alert(1)>").contains("<img"));
    }

    #[test]
    fn direction_follows_the_first_letter() {
        assert_eq!(direction("عبد الله"), "rtl");
        assert_eq!(direction("אבי"), "rtl");
        assert_eq!(direction("Доку Умаров"), "ltr");
        assert_eq!(direction("12 عبد"), "rtl");
        assert_eq!(direction("王小明"), "ltr");
        assert_eq!(direction(""), "ltr");
    }

    #[test]
    fn each_role_is_offered_only_what_it_may_do() {
        let labels = |role| {
            navigation(role)
                .into_iter()
                .map(|(_, l)| l)
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(Role::Screener), ["Screen", "Lists"]);
        assert_eq!(labels(Role::Analyst), ["Screen", "Alerts", "Lists"]);
        assert_eq!(labels(Role::Auditor), ["Audit"]);
        assert_eq!(
            labels(Role::Supervisor),
            ["Screen", "Alerts", "Approvals", "Lists", "Audit"]
        );
    }

    #[test]
    fn json_values_read_as_text() {
        let value = serde_json::json!({"date": "1974-04-12", "qualifier": "exact", "x": null});
        assert_eq!(value_text(&value), "date: 1974-04-12, qualifier: exact");
        let born = serde_json::json!({"date": {"year": 1964, "month": 4, "day": 13}, "qualifier": "exact"});
        assert_eq!(value_text(&born), "date: 1964-04-13, qualifier: exact");
        assert_eq!(
            value_text(&serde_json::json!({"year": 2011, "month": 3})),
            "2011-03"
        );
        assert_eq!(value_text(&serde_json::json!(["<a>", 2])), "&lt;a&gt;; 2");
    }
}
