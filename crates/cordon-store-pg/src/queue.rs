//! [`AlertQueue`] on PostgreSQL: the page's SQL is `cordon_store::queue`'s,
//! run in one REPEATABLE READ snapshot so that the rows and the total agree.

use crate::transfers::{alert_from_row, COLUMNS};
use crate::{get, DbResult, PgStore};
use cordon_store::queue::{
    distinct_sql, page_sql, string_list, AlertKind, AlertQueue, Dialect, QueueFacets, QueuePage,
    QueueRequest, QueueRow,
};
use cordon_store::{Result, TransferAlert};
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, Row};

fn queue_row(row: &Row) -> Result<QueueRow> {
    let kind: String = get(row, 0, "alert_queue.kind")?;
    let lists: String = get(row, 5, "alert_queue.lists")?;
    let rules: String = get(row, 6, "alert_queue.rules")?;
    Ok(QueueRow {
        kind: AlertKind::parse(&kind)?,
        id: get(row, 1, "alert_queue.alert_id")?,
        source: get(row, 2, "alert_queue.source")?,
        subject: get(row, 3, "alert_queue.subject")?,
        what: get(row, 4, "alert_queue.what")?,
        lists: string_list(&lists, "lists")?,
        rules: string_list(&rules, "rules")?,
        status: get(row, 7, "alert_queue.status")?,
        raised_at: get(row, 8, "alert_queue.raised_at")?,
        score: get(row, 9, "alert_queue.score")?,
    })
}

fn distinct(client: &mut Client, table: &str, column: &str) -> Result<Vec<String>> {
    client
        .query(&distinct_sql(table, column), &[])
        .db(&format!("listing the distinct {table}.{column}"))?
        .iter()
        .map(|row| get(row, 0, column))
        .collect()
}

impl AlertQueue for PgStore {
    fn alert_page(&self, request: &QueueRequest) -> Result<QueuePage> {
        let sql = page_sql(request, Dialect::Postgres);
        let params: Vec<&(dyn ToSql + Sync)> = sql
            .params
            .iter()
            .map(|p| p as &(dyn ToSql + Sync))
            .collect();
        self.read(|client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .db("starting the queue's snapshot")?;
            let total: i64 = get(
                &tx.query_one(&sql.count, &params)
                    .db("counting the alert queue")?,
                0,
                "count",
            )?;
            let rows = tx
                .query(&sql.rows, &params)
                .db("reading a page of the alert queue")?
                .iter()
                .map(queue_row)
                .collect::<Result<Vec<_>>>()?;
            tx.commit().db("ending the queue's snapshot")?;
            Ok(QueuePage {
                total: u64::try_from(total).unwrap_or_default(),
                rows,
            })
        })
    }

    fn alert_facets(&self) -> Result<QueueFacets> {
        self.read(|client| {
            Ok(QueueFacets {
                sources: distinct(client, "alert_queue", "source")?,
                lists: distinct(client, "alert_queue_lists", "label")?,
                rules: distinct(client, "alert_queue_rules", "rule")?,
            })
        })
    }

    fn transfer_alerts_of_screening(&self, audit_seq: i64) -> Result<Vec<TransferAlert>> {
        self.read(|client| {
            client
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM transfer_alerts WHERE audit_seq = $1 ORDER BY id"
                    ),
                    &[&audit_seq],
                )
                .db("listing a screening's transfer alerts")?
                .iter()
                .map(alert_from_row)
                .collect()
        })
    }
}
