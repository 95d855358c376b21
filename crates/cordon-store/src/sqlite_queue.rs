//! [`AlertQueue`] on SQLite: the page's SQL is `queue::page_sql`'s, run on a
//! reader in one read transaction so that the rows and the total agree.

use crate::queue::{
    distinct_sql, page_sql, string_list, AlertKind, AlertQueue, Dialect, QueueFacets, QueuePage,
    QueueRequest, QueueRow,
};
use crate::sqlite_transfers::{alert_from_row, COLUMNS};
use crate::{Result, SqliteStore, TransferAlert};
use rusqlite::{params, params_from_iter, Connection};

/// A queue row as selected (`queue::PAGE_COLUMNS`), JSON columns still text.
struct RawRow {
    kind: String,
    row: QueueRow,
    lists: String,
    rules: String,
}

fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        kind: row.get(0)?,
        row: QueueRow {
            kind: AlertKind::Customer,
            id: row.get(1)?,
            source: row.get(2)?,
            subject: row.get(3)?,
            what: row.get(4)?,
            lists: Vec::new(),
            rules: Vec::new(),
            status: row.get(7)?,
            raised_at: row.get(8)?,
            score: row.get(9)?,
        },
        lists: row.get(5)?,
        rules: row.get(6)?,
    })
}

fn queue_row(raw: RawRow) -> Result<QueueRow> {
    Ok(QueueRow {
        kind: AlertKind::parse(&raw.kind)?,
        lists: string_list(&raw.lists, "lists")?,
        rules: string_list(&raw.rules, "rules")?,
        ..raw.row
    })
}

fn distinct(connection: &Connection, table: &str, column: &str) -> Result<Vec<String>> {
    let mut statement = connection.prepare(&distinct_sql(table, column))?;
    let values = statement
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(values)
}

impl AlertQueue for SqliteStore {
    fn alert_page(&self, request: &QueueRequest) -> Result<QueuePage> {
        let sql = page_sql(request, Dialect::Sqlite);
        let connection = self.reader();
        let tx = connection.unchecked_transaction()?;
        let total: i64 =
            tx.query_row(&sql.count, params_from_iter(&sql.params), |row| row.get(0))?;
        let raw = {
            let mut statement = tx.prepare(&sql.rows)?;
            let rows = statement
                .query_map(params_from_iter(&sql.params), raw_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        tx.commit()?;
        Ok(QueuePage {
            total: u64::try_from(total).unwrap_or_default(),
            rows: raw.into_iter().map(queue_row).collect::<Result<_>>()?,
        })
    }

    fn alert_facets(&self) -> Result<QueueFacets> {
        let connection = self.reader();
        Ok(QueueFacets {
            sources: distinct(&connection, "alert_queue", "source")?,
            lists: distinct(&connection, "alert_queue_lists", "label")?,
            rules: distinct(&connection, "alert_queue_rules", "rule")?,
        })
    }

    fn transfer_alerts_of_screening(&self, audit_seq: i64) -> Result<Vec<TransferAlert>> {
        let connection = self.reader();
        let mut statement = connection.prepare(&format!(
            "SELECT {COLUMNS} FROM transfer_alerts WHERE audit_seq = ?1 ORDER BY id"
        ))?;
        let alerts = statement
            .query_map(params![audit_seq], alert_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(alerts)
    }
}
