//! The alert queue: customer alerts and transfer alerts as one list,
//! filtered, sorted and paged in the database.
//!
//! Both backends keep a narrow `alert_queue` table (one row per alert of
//! either kind, with the columns the queue filters and sorts on) and two
//! side tables of its rules and list-version labels, all maintained by
//! triggers on `alerts` and `transfer_alerts` (SQLite migration 13,
//! PostgreSQL migration 4), so that no writer of alerts has to know about
//! the queue and a page never reads the alerts' JSON. The SQL of a page is
//! built here once for both backends.

use crate::{Error, Result, TransferAlert};
use serde::Serialize;

/// Which table an alert lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A customer alert (onboarding, screening or rescreen after a list change).
    Customer,
    /// A transfer alert (R16, sanctions, typology).
    Transfer,
}

impl AlertKind {
    /// The stored form (`customer`, `transfer`).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Customer => "customer",
            AlertKind::Transfer => "transfer",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Result<AlertKind> {
        match text {
            "customer" => Ok(AlertKind::Customer),
            "transfer" => Ok(AlertKind::Transfer),
            other => Err(Error::Corrupt {
                what: "alert_queue.kind".into(),
                message: format!("{other:?}: expected customer or transfer"),
            }),
        }
    }
}

/// The order of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueOrder {
    /// Newest raised first (ties: higher alert id first).
    #[default]
    Newest,
    /// Oldest raised first.
    Oldest,
    /// Highest match score first; alerts without a score last.
    HighestScore,
}

/// What a page keeps; every field left `None` lets everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// `onboarding`, `screening`, `rescreen` (customer alerts) or `transfer`.
    pub source: Option<String>,
    /// A list version label the alert was raised on (`un@2026-02-27#3`).
    pub list: Option<String>,
    /// An alignment rule of the name match (`transliteration`), a transfer
    /// alert's kind (`r16`) or its R16 or typology rule.
    pub rule: Option<String>,
    /// The alert's status.
    pub status: Option<String>,
    /// Raised at or after this time (the store's fixed-width RFC 3339 form).
    pub raised_since: Option<String>,
}

/// One page to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueRequest {
    /// The filters.
    pub filter: QueueFilter,
    /// The order.
    pub order: QueueOrder,
    /// Rows skipped before the page.
    pub offset: u64,
    /// Rows on the page, at most [`MAX_PAGE`].
    pub limit: u64,
}

/// The most rows one page may ask for: a page is for a person to read.
pub const MAX_PAGE: u64 = 500;

/// One alert in the queue, whatever raised it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRow {
    /// The table it lives in.
    pub kind: AlertKind,
    /// Its id in that table.
    pub id: i64,
    /// `onboarding`, `screening`, `rescreen` or `transfer`.
    pub source: String,
    /// The customer id, or the transfer id (`(no id)` when it has none).
    pub subject: String,
    /// The listed entity id, or the transfer alert's one-line finding.
    pub what: String,
    /// List version labels.
    pub lists: Vec<String>,
    /// Its rules, sorted (see [`QueueFilter::rule`]).
    pub rules: Vec<String>,
    /// Where it stands.
    pub status: String,
    /// When it was raised.
    pub raised_at: String,
    /// The match score, when a name match.
    pub score: Option<f64>,
}

/// A page and how many alerts pass the filters in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuePage {
    /// Alerts passing the filters, on every page.
    pub total: u64,
    /// This page's rows.
    pub rows: Vec<QueueRow>,
}

/// The values the queue's filters may take, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueueFacets {
    /// Sources present.
    pub sources: Vec<String>,
    /// List version labels present.
    pub lists: Vec<String>,
    /// Rules present.
    pub rules: Vec<String>,
}

/// The queue's store queries.
pub trait AlertQueue {
    /// One page of the alerts passing `request.filter`, in its order, with the total.
    fn alert_page(&self, request: &QueueRequest) -> Result<QueuePage>;
    /// The distinct sources, list labels and rules of all alerts.
    fn alert_facets(&self) -> Result<QueueFacets>;
    /// The alerts raised by one transfer screening (its audit entry), by id.
    fn transfer_alerts_of_screening(&self, audit_seq: i64) -> Result<Vec<TransferAlert>>;
}

/// How a backend writes what differs between the two SQL dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `?1`, and NULLs sort first ascending (so last descending) by themselves.
    Sqlite,
    /// `$1`, and NULLs sort last ascending unless told otherwise.
    Postgres,
}

impl Dialect {
    fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }
}

/// The SQL of one page: its rows, its total, and the text parameters both share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSql {
    /// Selects [`PAGE_COLUMNS`] of the page's rows.
    pub rows: String,
    /// Counts every row passing the filters.
    pub count: String,
    /// Parameters `1..` of both statements.
    pub params: Vec<String>,
}

/// The columns a page selects, in the order [`QueueRow`]s are read from.
pub const PAGE_COLUMNS: &str =
    "q.kind, q.alert_id, q.source, q.subject, q.what, q.lists, q.rules, q.status, q.raised_at, q.score";

/// Builds the SQL of `request`: values travel as parameters, never in the text.
pub fn page_sql(request: &QueueRequest, dialect: Dialect) -> PageSql {
    let filter = &request.filter;
    let mut params: Vec<String> = Vec::new();
    let mut conditions: Vec<String> = Vec::new();
    let mut bind = |value: &str, condition: &dyn Fn(&str) -> String| {
        params.push(value.to_string());
        conditions.push(condition(&dialect.placeholder(params.len())));
    };
    if let Some(source) = &filter.source {
        bind(source, &|p| format!("q.source = {p}"));
    }
    if let Some(status) = &filter.status {
        bind(status, &|p| format!("q.status = {p}"));
    }
    if let Some(since) = &filter.raised_since {
        bind(since, &|p| format!("q.raised_at >= {p}"));
    }
    if let Some(rule) = &filter.rule {
        bind(rule, &|p| side_table_has("alert_queue_rules", "rule", p));
    }
    if let Some(list) = &filter.list {
        bind(list, &|p| side_table_has("alert_queue_lists", "label", p));
    }
    let filtered = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let limit = request.limit.min(MAX_PAGE);
    PageSql {
        rows: format!(
            "SELECT {PAGE_COLUMNS} FROM alert_queue q{filtered} ORDER BY {} LIMIT {limit} OFFSET {}",
            order_by(request.order, dialect),
            request.offset
        ),
        count: format!("SELECT COUNT(*) FROM alert_queue q{filtered}"),
        params,
    }
}

/// The alert has `value` in a side table. Written as a set (`IN`), not as a
/// correlated `EXISTS`: the set is read once through the side table's index
/// led by the value, where SQLite ran `EXISTS` once per queue row (2.9 s for
/// a rule filter over 100,000 alerts).
fn side_table_has(table: &str, column: &str, placeholder: &str) -> String {
    format!(
        "(q.kind, q.alert_id) IN (SELECT s.kind, s.alert_id FROM {table} s WHERE s.{column} = {placeholder})"
    )
}

/// The sort, ending in the row's key so that pages never overlap; each
/// matches an index of migration 13 / PostgreSQL 4 read forwards or backwards.
fn order_by(order: QueueOrder, dialect: Dialect) -> &'static str {
    match (order, dialect) {
        (QueueOrder::Newest, _) => "q.raised_at DESC, q.alert_id DESC, q.kind DESC",
        (QueueOrder::Oldest, _) => "q.raised_at, q.alert_id, q.kind",
        (QueueOrder::HighestScore, Dialect::Sqlite) => {
            "q.score DESC, q.raised_at DESC, q.alert_id DESC, q.kind DESC"
        }
        (QueueOrder::HighestScore, Dialect::Postgres) => {
            "q.score DESC NULLS LAST, q.raised_at DESC, q.alert_id DESC, q.kind DESC"
        }
    }
}

/// The distinct values of `column` in `table` by a loose index scan: one
/// index look-up per distinct value rather than a pass over every alert
/// (both dialects; `table` has an index led by `column`).
pub fn distinct_sql(table: &str, column: &str) -> String {
    format!(
        "WITH RECURSIVE d(v) AS ( \
            SELECT MIN({column}) FROM {table} \
            UNION ALL \
            SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > d.v) FROM d WHERE d.v IS NOT NULL) \
         SELECT v FROM d WHERE v IS NOT NULL"
    )
}

/// Reads a stored JSON array of strings (`lists`, `rules` columns).
pub fn string_list(text: &str, column: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt {
        what: format!("alert_queue.{column}"),
        message: format!("{text:?}: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_parameters_in_filter_order() {
        let request = QueueRequest {
            filter: QueueFilter {
                source: Some("rescreen".into()),
                rule: Some("x' OR 1=1 --".into()),
                ..QueueFilter::default()
            },
            order: QueueOrder::HighestScore,
            offset: 100,
            limit: 10_000,
        };
        let sql = page_sql(&request, Dialect::Postgres);
        assert_eq!(sql.params, ["rescreen", "x' OR 1=1 --"]);
        assert!(sql.rows.contains("q.source = $1"), "{}", sql.rows);
        assert!(sql.rows.contains("s.rule = $2"), "{}", sql.rows);
        assert!(!sql.rows.contains("OR 1=1"));
        assert!(sql.rows.ends_with("LIMIT 500 OFFSET 100"), "{}", sql.rows);
        assert!(sql.rows.contains("NULLS LAST"));
        assert!(sql
            .count
            .starts_with("SELECT COUNT(*) FROM alert_queue q WHERE"));
        let plain = page_sql(&QueueRequest::default(), Dialect::Sqlite);
        assert!(plain.params.is_empty());
        assert!(!plain.rows.contains("WHERE"));
        assert!(!plain.rows.contains("NULLS"));
    }

    #[test]
    fn kinds_round_trip_and_strangers_are_corrupt() {
        for kind in [AlertKind::Customer, AlertKind::Transfer] {
            assert_eq!(AlertKind::parse(kind.as_str()).ok(), Some(kind));
        }
        assert!(matches!(AlertKind::parse("x"), Err(Error::Corrupt { .. })));
        assert!(string_list("[\"a\", \"b\"]", "rules").is_ok());
        assert!(matches!(
            string_list("{", "rules"),
            Err(Error::Corrupt { .. })
        ));
    }
}
