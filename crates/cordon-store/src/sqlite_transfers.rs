//! [`TransferAlerts`] on SQLite.

use crate::transfers::{
    NewTransferAlert, RecordedTransfer, ScreenedTransfer, TransferAlert, TransferAlerts,
};
use crate::{sqlite_audit, timestamp_now, Result, SqliteStore};
use rusqlite::{params, Connection};

const COLUMNS: &str = "id, transfer_id, kind, rule, message, details, audit_seq, raised_at";

fn alert_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TransferAlert> {
    let details: String = row.get(5)?;
    Ok(TransferAlert {
        id: row.get(0)?,
        transfer_id: row.get(1)?,
        kind: row.get(2)?,
        rule: row.get(3)?,
        message: row.get(4)?,
        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
        audit_seq: row.get(6)?,
        raised_at: row.get(7)?,
    })
}

fn insert_alert(
    connection: &Connection,
    alert: &NewTransferAlert,
    audit_seq: i64,
    at: &str,
) -> Result<TransferAlert> {
    let details = serde_json::to_string(&alert.details).unwrap_or_else(|_| "null".into());
    connection.execute(
        "INSERT INTO transfer_alerts (transfer_id, kind, rule, message, details, audit_seq, raised_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            alert.transfer_id,
            alert.kind,
            alert.rule,
            alert.message,
            details,
            audit_seq,
            at
        ],
    )?;
    Ok(TransferAlert {
        id: connection.last_insert_rowid(),
        transfer_id: alert.transfer_id.clone(),
        kind: alert.kind.clone(),
        rule: alert.rule.clone(),
        message: alert.message.clone(),
        details: alert.details.clone(),
        audit_seq,
        raised_at: at.to_string(),
    })
}

impl TransferAlerts for SqliteStore {
    fn record_transfers(&self, screened: &[ScreenedTransfer]) -> Result<Vec<RecordedTransfer>> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let mut recorded = Vec::with_capacity(screened.len());
        for transfer in screened {
            let audit = sqlite_audit::append(&tx, &transfer.audit)?;
            let at = timestamp_now();
            let alerts = transfer
                .alerts
                .iter()
                .map(|alert| insert_alert(&tx, alert, audit.seq, &at))
                .collect::<Result<Vec<_>>>()?;
            recorded.push(RecordedTransfer { audit, alerts });
        }
        tx.commit()?;
        Ok(recorded)
    }

    fn transfer_alerts(&self, limit: usize) -> Result<Vec<TransferAlert>> {
        let connection = self.conn();
        let mut statement = connection.prepare(&format!(
            "SELECT {COLUMNS} FROM transfer_alerts ORDER BY id DESC LIMIT ?1"
        ))?;
        let alerts = statement
            .query_map(params![limit.min(i64::MAX as usize) as i64], alert_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(alerts)
    }
}
