//! [`TransferAlerts`] on SQLite.

use crate::audit::NewAuditEntry;
use crate::decisions::Actor;
use crate::keys::Role;
use crate::transfers::{
    labels, proposer, DeliveredTransfer, NewTransferAlert, NewTransferAlertDecision,
    RecordedTransfer, ScreenedTransfer, TransferAlert, TransferAlertDecision, TransferAlertHistory,
    TransferAlertStatus, TransferAlerts, TransferCounts, TransferVerdict,
};
use crate::{sqlite_audit, timestamp_now, Error, Result, SqliteStore};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

pub(crate) const COLUMNS: &str =
    "id, transfer_id, kind, rule, message, details, audit_seq, raised_at, status, list_versions";

const DECISION_COLUMNS: &str = "id, alert_id, verdict, reason, status_before, status_after,
    decided_by, decided_by_person, decided_by_role, list_versions, decided_at";

/// Reads a column through a parser, so that an unknown stored name is an
/// error naming the column rather than a silent default.
fn parsed<T>(
    row: &rusqlite::Row<'_>,
    index: usize,
    parse: fn(&str) -> Result<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    parse(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub(crate) fn alert_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TransferAlert> {
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
        status: parsed(row, 8, TransferAlertStatus::parse)?,
        list_versions: parsed(row, 9, labels)?,
    })
}

fn decision_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TransferAlertDecision> {
    Ok(TransferAlertDecision {
        id: row.get(0)?,
        alert_id: row.get(1)?,
        verdict: parsed(row, 2, TransferVerdict::parse)?,
        reason: row.get(3)?,
        status_before: parsed(row, 4, TransferAlertStatus::parse)?,
        status_after: parsed(row, 5, TransferAlertStatus::parse)?,
        decided_by: row.get(6)?,
        decided_by_person: row.get(7)?,
        decided_by_role: parsed(row, 8, Role::parse)?,
        list_versions: parsed(row, 9, labels)?,
        decided_at: row.get(10)?,
    })
}

/// True (and the repeat counted) when a transfer with this delivery key was recorded before.
fn count_repeat(connection: &Connection, key: &str) -> Result<bool> {
    let changed = connection.execute(
        "UPDATE transfer_deliveries SET repeats = repeats + 1 WHERE delivery_key = ?1",
        params![key],
    )?;
    Ok(changed > 0)
}

fn insert_alert(
    connection: &Connection,
    alert: &NewTransferAlert,
    audit_seq: i64,
    list_versions: &[String],
    at: &str,
) -> Result<TransferAlert> {
    let details = serde_json::to_string(&alert.details).unwrap_or_else(|_| "null".into());
    let status = TransferAlertStatus::Open;
    connection.execute(
        "INSERT INTO transfer_alerts (transfer_id, kind, rule, message, details, audit_seq, raised_at,
            status, list_versions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            alert.transfer_id,
            alert.kind,
            alert.rule,
            alert.message,
            details,
            audit_seq,
            at,
            status.as_str(),
            json!(list_versions).to_string(),
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
        status,
        list_versions: list_versions.to_vec(),
    })
}

fn load_alert(connection: &Connection, id: i64) -> Result<TransferAlert> {
    connection
        .query_row(
            &format!("SELECT {COLUMNS} FROM transfer_alerts WHERE id = ?1"),
            params![id],
            alert_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("transfer alert {id}")))
}

fn load_decisions(connection: &Connection, alert_id: i64) -> Result<Vec<TransferAlertDecision>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {DECISION_COLUMNS} FROM transfer_alert_decisions WHERE alert_id = ?1 ORDER BY id"
    ))?;
    let decisions = statement
        .query_map(params![alert_id], decision_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(decisions)
}

fn insert_decision(
    connection: &Connection,
    alert: &TransferAlert,
    decision: &NewTransferAlertDecision,
    status_after: TransferAlertStatus,
    actor: &Actor,
) -> Result<TransferAlertDecision> {
    connection.execute(
        "INSERT INTO transfer_alert_decisions (alert_id, verdict, reason, status_before, status_after,
            decided_by, decided_by_person, decided_by_role, list_versions, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            alert.id,
            decision.verdict.as_str(),
            decision.reason,
            alert.status.as_str(),
            status_after.as_str(),
            actor.key_id,
            actor.person,
            actor.role.as_str(),
            json!(alert.list_versions).to_string(),
            timestamp_now(),
        ],
    )?;
    connection
        .query_row(
            &format!("SELECT {DECISION_COLUMNS} FROM transfer_alert_decisions WHERE id = ?1"),
            params![connection.last_insert_rowid()],
            decision_from_row,
        )
        .map_err(Error::from)
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
                .map(|alert| insert_alert(&tx, alert, audit.seq, &transfer.list_versions, &at))
                .collect::<Result<Vec<_>>>()?;
            recorded.push(RecordedTransfer { audit, alerts });
        }
        tx.commit()?;
        Ok(recorded)
    }

    fn record_transfers_once(
        &self,
        delivered: &[DeliveredTransfer],
    ) -> Result<Vec<Option<RecordedTransfer>>> {
        let mut connection = self.conn();
        // Immediate: no other process records the same key between the check and the insert.
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let mut recorded = Vec::with_capacity(delivered.len());
        for transfer in delivered {
            if let Some(key) = &transfer.delivery_key {
                if count_repeat(&tx, key)? {
                    recorded.push(None);
                    continue;
                }
            }
            let screened = &transfer.screened;
            let audit = sqlite_audit::append(&tx, &screened.audit)?;
            let at = timestamp_now();
            if let Some(key) = &transfer.delivery_key {
                tx.execute(
                    "INSERT INTO transfer_deliveries (delivery_key, audit_seq, first_at) VALUES (?1, ?2, ?3)",
                    params![key, audit.seq, at],
                )?;
            }
            let alerts = screened
                .alerts
                .iter()
                .map(|alert| insert_alert(&tx, alert, audit.seq, &screened.list_versions, &at))
                .collect::<Result<Vec<_>>>()?;
            recorded.push(Some(RecordedTransfer { audit, alerts }));
        }
        tx.commit()?;
        Ok(recorded)
    }

    fn note_repeats(&self, delivery_keys: &[String]) -> Result<Vec<bool>> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let repeats = delivery_keys
            .iter()
            .map(|key| count_repeat(&tx, key))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(repeats)
    }

    fn transfer_counts(&self) -> Result<TransferCounts> {
        let connection = self.reader();
        let count = |sql: &str| -> Result<u64> {
            let n: i64 = connection.query_row(sql, [], |row| row.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        let mut counts = TransferCounts {
            screened: count("SELECT COUNT(*) FROM audit_log WHERE kind = 'transfer_screening'")?,
            transfers_with_sanctions_alerts: count(
                "SELECT COUNT(DISTINCT audit_seq) FROM transfer_alerts WHERE kind = 'sanctions'",
            )?,
            duplicates: count("SELECT COALESCE(SUM(repeats), 0) FROM transfer_deliveries")?,
            ..TransferCounts::default()
        };
        let mut statement =
            connection.prepare("SELECT kind, COUNT(*) FROM transfer_alerts GROUP BY kind")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)?)))?;
        for row in rows {
            let (kind, n): (String, i64) = row?;
            let n = u64::try_from(n).unwrap_or(0);
            counts.alerts += n;
            counts.alerts_by_kind.insert(kind, n);
        }
        Ok(counts)
    }

    fn transfer_alerts(
        &self,
        status: Option<TransferAlertStatus>,
        limit: usize,
    ) -> Result<Vec<TransferAlert>> {
        let connection = self.conn();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM transfer_alerts WHERE (?1 IS NULL OR status = ?1)
             ORDER BY id DESC LIMIT ?2"
        ))?;
        let alerts = statement
            .query_map(
                params![
                    status.map(TransferAlertStatus::as_str),
                    limit.min(i64::MAX as usize) as i64
                ],
                alert_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(alerts)
    }

    fn transfer_alert(&self, id: i64) -> Result<TransferAlertHistory> {
        let connection = self.conn();
        let alert = load_alert(&connection, id)?;
        let decisions = load_decisions(&connection, id)?;
        Ok(TransferAlertHistory { alert, decisions })
    }

    fn decide_transfer_alert(
        &self,
        alert_id: i64,
        decision: &NewTransferAlertDecision,
        actor: &Actor,
    ) -> Result<TransferAlertDecision> {
        decision.check(actor)?;
        let mut connection = self.conn();
        // Immediate: the status read below cannot change before the write.
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let alert = load_alert(&tx, alert_id)?;
        let history = load_decisions(&tx, alert_id)?;
        let status_after = alert
            .status
            .after(decision.verdict, actor, proposer(&history))?;
        let stored = insert_decision(&tx, &alert, decision, status_after, actor)?;
        tx.execute(
            "UPDATE transfer_alerts SET status = ?2 WHERE id = ?1",
            params![alert_id, status_after.as_str()],
        )?;
        sqlite_audit::append(
            &tx,
            &NewAuditEntry {
                kind: "transfer_alert_decision".into(),
                caller: actor.key_id.clone(),
                payload: json!({
                    "decision": stored,
                    "alert": {"id": alert.id, "transfer_id": alert.transfer_id, "kind": alert.kind,
                              "rule": alert.rule, "audit_seq": alert.audit_seq},
                }),
            },
        )?;
        tx.commit()?;
        Ok(stored)
    }
}
