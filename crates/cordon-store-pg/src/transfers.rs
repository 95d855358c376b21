//! [`TransferAlerts`] on PostgreSQL: the status rules (four eyes, closed
//! alerts) are `cordon-store`'s; this module reads and writes the rows.

use crate::{audit, big, get, DbResult, PgStore};
use cordon_store::audit::NewAuditEntry;
use cordon_store::decisions::Actor;
use cordon_store::keys::Role;
use cordon_store::transfers::{
    labels, proposer, DeliveredTransfer, NewTransferAlert, NewTransferAlertDecision,
    RecordedTransfer, ScreenedTransfer, TransferAlert, TransferAlertDecision, TransferAlertHistory,
    TransferAlertStatus, TransferAlerts, TransferCounts, TransferVerdict,
};
use cordon_store::{timestamp_now, Error, Result};
use postgres::{GenericClient, Row};
use serde_json::json;

pub(crate) const COLUMNS: &str =
    "id, transfer_id, kind, rule, message, details, audit_seq, raised_at, status, list_versions";

const DECISION_COLUMNS: &str = "id, alert_id, verdict, reason, status_before, status_after,
    decided_by, decided_by_person, decided_by_role, list_versions, decided_at";

/// A column read through a parser, so that an unknown stored name is an
/// error naming the column rather than a silent default.
fn parsed<T>(row: &Row, index: usize, column: &str, parse: fn(&str) -> Result<T>) -> Result<T> {
    let text: String = get(row, index, column)?;
    parse(&text).map_err(|e| Error::Corrupt {
        what: format!("column {column}"),
        message: e.to_string(),
    })
}

/// True (and the repeat counted) when a transfer with this delivery key was recorded before.
fn count_repeat(client: &mut impl GenericClient, key: &str) -> Result<bool> {
    let changed = client
        .execute(
            "UPDATE transfer_deliveries SET repeats = repeats + 1 WHERE delivery_key = $1",
            &[&key],
        )
        .db("counting a repeated delivery")?;
    Ok(changed > 0)
}

pub(crate) fn alert_from_row(row: &Row) -> Result<TransferAlert> {
    let details: String = get(row, 5, "transfer_alerts.details")?;
    Ok(TransferAlert {
        id: get(row, 0, "transfer_alerts.id")?,
        transfer_id: get(row, 1, "transfer_alerts.transfer_id")?,
        kind: get(row, 2, "transfer_alerts.kind")?,
        rule: get(row, 3, "transfer_alerts.rule")?,
        message: get(row, 4, "transfer_alerts.message")?,
        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
        audit_seq: get(row, 6, "transfer_alerts.audit_seq")?,
        raised_at: get(row, 7, "transfer_alerts.raised_at")?,
        status: parsed(row, 8, "transfer_alerts.status", TransferAlertStatus::parse)?,
        list_versions: parsed(row, 9, "transfer_alerts.list_versions", labels)?,
    })
}

fn decision_from_row(row: &Row) -> Result<TransferAlertDecision> {
    let column = |name: &str| format!("transfer_alert_decisions.{name}");
    Ok(TransferAlertDecision {
        id: get(row, 0, &column("id"))?,
        alert_id: get(row, 1, &column("alert_id"))?,
        verdict: parsed(row, 2, &column("verdict"), TransferVerdict::parse)?,
        reason: get(row, 3, &column("reason"))?,
        status_before: parsed(row, 4, &column("status_before"), TransferAlertStatus::parse)?,
        status_after: parsed(row, 5, &column("status_after"), TransferAlertStatus::parse)?,
        decided_by: get(row, 6, &column("decided_by"))?,
        decided_by_person: get(row, 7, &column("decided_by_person"))?,
        decided_by_role: parsed(row, 8, &column("decided_by_role"), Role::parse)?,
        list_versions: parsed(row, 9, &column("list_versions"), labels)?,
        decided_at: get(row, 10, &column("decided_at"))?,
    })
}

fn insert_alert(
    tx: &mut impl GenericClient,
    alert: &NewTransferAlert,
    audit_seq: i64,
    list_versions: &[String],
    at: &str,
) -> Result<TransferAlert> {
    let details = serde_json::to_string(&alert.details).unwrap_or_else(|_| "null".into());
    let status = TransferAlertStatus::Open;
    let row = tx
        .query_one(
            "INSERT INTO transfer_alerts (transfer_id, kind, rule, message, details, audit_seq,
                raised_at, status, list_versions)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &alert.transfer_id,
                &alert.kind,
                &alert.rule,
                &alert.message,
                &details,
                &audit_seq,
                &at,
                &status.as_str(),
                &json!(list_versions).to_string(),
            ],
        )
        .db(&format!(
            "storing a transfer alert of audit entry {audit_seq}"
        ))?;
    Ok(TransferAlert {
        id: get(&row, 0, "transfer_alerts.id")?,
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

fn load_alert(client: &mut impl GenericClient, id: i64) -> Result<TransferAlert> {
    client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM transfer_alerts WHERE id = $1"),
            &[&id],
        )
        .db(&format!("reading transfer alert {id}"))?
        .as_ref()
        .map(alert_from_row)
        .transpose()?
        .ok_or_else(|| Error::NotFound(format!("transfer alert {id}")))
}

fn load_decisions(
    client: &mut impl GenericClient,
    alert_id: i64,
) -> Result<Vec<TransferAlertDecision>> {
    client
        .query(
            &format!(
                "SELECT {DECISION_COLUMNS} FROM transfer_alert_decisions WHERE alert_id = $1 ORDER BY id"
            ),
            &[&alert_id],
        )
        .db(&format!("reading the decisions on transfer alert {alert_id}"))?
        .iter()
        .map(decision_from_row)
        .collect()
}

fn insert_decision(
    tx: &mut impl GenericClient,
    alert: &TransferAlert,
    decision: &NewTransferAlertDecision,
    status_after: TransferAlertStatus,
    actor: &Actor,
) -> Result<TransferAlertDecision> {
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO transfer_alert_decisions (alert_id, verdict, reason, status_before,
                    status_after, decided_by, decided_by_person, decided_by_role, list_versions, decided_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {DECISION_COLUMNS}"
            ),
            &[
                &alert.id,
                &decision.verdict.as_str(),
                &decision.reason,
                &alert.status.as_str(),
                &status_after.as_str(),
                &actor.key_id,
                &actor.person,
                &actor.role.as_str(),
                &json!(alert.list_versions).to_string(),
                &timestamp_now(),
            ],
        )
        .db(&format!("storing a decision on transfer alert {}", alert.id))?;
    decision_from_row(&row)
}

impl TransferAlerts for PgStore {
    fn record_transfers(&self, screened: &[ScreenedTransfer]) -> Result<Vec<RecordedTransfer>> {
        self.write(|tx| {
            let mut recorded = Vec::with_capacity(screened.len());
            for transfer in screened {
                let audit = audit::append(tx, &transfer.audit)?;
                let at = timestamp_now();
                let alerts = transfer
                    .alerts
                    .iter()
                    .map(|alert| insert_alert(tx, alert, audit.seq, &transfer.list_versions, &at))
                    .collect::<Result<Vec<_>>>()?;
                recorded.push(RecordedTransfer { audit, alerts });
            }
            Ok(recorded)
        })
    }

    fn record_transfers_once(
        &self,
        delivered: &[DeliveredTransfer],
    ) -> Result<Vec<Option<RecordedTransfer>>> {
        // Under the store's write lock: no other process records the same key
        // between the check and the insert.
        self.write(|tx| {
            let mut recorded = Vec::with_capacity(delivered.len());
            for transfer in delivered {
                if let Some(key) = &transfer.delivery_key {
                    if count_repeat(tx, key)? {
                        recorded.push(None);
                        continue;
                    }
                }
                let screened = &transfer.screened;
                let audit = audit::append(tx, &screened.audit)?;
                let at = timestamp_now();
                if let Some(key) = &transfer.delivery_key {
                    tx.execute(
                        "INSERT INTO transfer_deliveries (delivery_key, audit_seq, first_at)
                         VALUES ($1, $2, $3)",
                        &[key, &audit.seq, &at],
                    )
                    .db("recording a delivery key")?;
                }
                let alerts = screened
                    .alerts
                    .iter()
                    .map(|alert| insert_alert(tx, alert, audit.seq, &screened.list_versions, &at))
                    .collect::<Result<Vec<_>>>()?;
                recorded.push(Some(RecordedTransfer { audit, alerts }));
            }
            Ok(recorded)
        })
    }

    fn note_repeats(&self, delivery_keys: &[String]) -> Result<Vec<bool>> {
        self.write(|tx| {
            delivery_keys
                .iter()
                .map(|key| count_repeat(tx, key))
                .collect()
        })
    }

    fn transfer_counts(&self) -> Result<TransferCounts> {
        self.read(|client| {
            let mut count = |sql: &str, what: &str| -> Result<u64> {
                let n: i64 = get(&client.query_one(sql, &[]).db(what)?, 0, what)?;
                Ok(u64::try_from(n).unwrap_or(0))
            };
            let mut counts = TransferCounts {
                screened: count(
                    "SELECT COUNT(*) FROM audit_log WHERE kind = 'transfer_screening'",
                    "counting screened transfers",
                )?,
                transfers_with_sanctions_alerts: count(
                    "SELECT COUNT(DISTINCT audit_seq) FROM transfer_alerts WHERE kind = 'sanctions'",
                    "counting transfers with sanctions alerts",
                )?,
                duplicates: count(
                    "SELECT COALESCE(SUM(repeats), 0)::bigint FROM transfer_deliveries",
                    "counting repeated deliveries",
                )?,
                ..TransferCounts::default()
            };
            let rows = client
                .query("SELECT kind, COUNT(*) FROM transfer_alerts GROUP BY kind", &[])
                .db("counting transfer alerts")?;
            for row in &rows {
                let kind: String = get(row, 0, "transfer_alerts.kind")?;
                let n: i64 = get(row, 1, "count")?;
                let n = u64::try_from(n).unwrap_or(0);
                counts.alerts += n;
                counts.alerts_by_kind.insert(kind, n);
            }
            Ok(counts)
        })
    }

    fn transfer_alerts(
        &self,
        status: Option<TransferAlertStatus>,
        limit: usize,
    ) -> Result<Vec<TransferAlert>> {
        let status = status.map(TransferAlertStatus::as_str);
        self.read(|client| {
            client
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM transfer_alerts WHERE ($1::text IS NULL OR status = $1::text)
                         ORDER BY id DESC LIMIT $2"
                    ),
                    &[&status, &big(limit)],
                )
                .db("listing transfer alerts")?
                .iter()
                .map(alert_from_row)
                .collect()
        })
    }

    fn transfer_alert(&self, id: i64) -> Result<TransferAlertHistory> {
        self.read(|client| {
            let alert = load_alert(client, id)?;
            let decisions = load_decisions(client, id)?;
            Ok(TransferAlertHistory { alert, decisions })
        })
    }

    fn decide_transfer_alert(
        &self,
        alert_id: i64,
        decision: &NewTransferAlertDecision,
        actor: &Actor,
    ) -> Result<TransferAlertDecision> {
        decision.check(actor)?;
        self.write(|tx| {
            let alert = load_alert(tx, alert_id)?;
            let history = load_decisions(tx, alert_id)?;
            let status_after = alert.status.after(decision.verdict, actor, proposer(&history))?;
            let stored = insert_decision(tx, &alert, decision, status_after, actor)?;
            tx.execute(
                "UPDATE transfer_alerts SET status = $2 WHERE id = $1",
                &[&alert_id, &status_after.as_str()],
            )
            .db(&format!("moving transfer alert {alert_id}"))?;
            audit::append(
                tx,
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
            Ok(stored)
        })
    }
}
