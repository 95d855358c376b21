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
use postgres::{GenericClient, Row, Statement};
use serde_json::json;
use std::collections::{HashMap, HashSet};

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

/// Per key, in order: true when a transfer with it was recorded before, each
/// occurrence counted as a repeat. One statement for the whole batch.
fn count_repeats(client: &mut impl GenericClient, keys: &[&str]) -> Result<Vec<bool>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut occurrences: HashMap<&str, i64> = HashMap::new();
    for &key in keys {
        *occurrences.entry(key).or_default() += 1;
    }
    let (distinct, counts): (Vec<&str>, Vec<i64>) = occurrences.into_iter().unzip();
    let rows = client
        .query(
            "UPDATE transfer_deliveries d SET repeats = d.repeats + n.times
               FROM UNNEST($1::text[], $2::int8[]) AS n(key, times)
              WHERE d.delivery_key = n.key
             RETURNING d.delivery_key",
            &[&distinct, &counts],
        )
        .db("counting repeated deliveries")?;
    let recorded: HashSet<String> = rows
        .iter()
        .map(|row| get(row, 0, "transfer_deliveries.delivery_key"))
        .collect::<Result<_>>()?;
    Ok(keys.iter().map(|&key| recorded.contains(key)).collect())
}

/// Records transfers seen for the first time (with their delivery keys, if
/// any) in a few statements: their audit entries in one append, their keys in
/// one insert, their alerts through one prepared statement.
fn record_new(
    tx: &mut impl GenericClient,
    transfers: &[(&ScreenedTransfer, Option<&str>)],
) -> Result<Vec<RecordedTransfer>> {
    let entries: Vec<&NewAuditEntry> = transfers.iter().map(|(t, _)| &t.audit).collect();
    let audits = audit::append_all(tx, &entries)?;
    let at = timestamp_now();
    let (keys, seqs): (Vec<&str>, Vec<i64>) = transfers
        .iter()
        .zip(&audits)
        .filter_map(|((_, key), audit)| Some(((*key)?, audit.seq)))
        .unzip();
    if !keys.is_empty() {
        tx.execute(
            "INSERT INTO transfer_deliveries (delivery_key, audit_seq, first_at)
             SELECT key, seq, $3 FROM UNNEST($1::text[], $2::int8[]) AS d(key, seq)",
            &[&keys, &seqs, &at],
        )
        .db("recording delivery keys")?;
    }
    let insert = match transfers.iter().any(|(t, _)| !t.alerts.is_empty()) {
        true => Some(tx.prepare(INSERT_ALERT).db("preparing the alert insert")?),
        false => None,
    };
    let mut recorded = Vec::with_capacity(transfers.len());
    for ((transfer, _), audit) in transfers.iter().zip(audits) {
        let alerts = match &insert {
            Some(insert) => transfer
                .alerts
                .iter()
                .map(|alert| {
                    insert_alert(tx, insert, alert, audit.seq, &transfer.list_versions, &at)
                })
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        recorded.push(RecordedTransfer { audit, alerts });
    }
    Ok(recorded)
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

const INSERT_ALERT: &str = "INSERT INTO transfer_alerts (transfer_id, kind, rule, message,
    details, audit_seq, raised_at, status, list_versions)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

fn insert_alert(
    tx: &mut impl GenericClient,
    insert: &Statement,
    alert: &NewTransferAlert,
    audit_seq: i64,
    list_versions: &[String],
    at: &str,
) -> Result<TransferAlert> {
    let details = serde_json::to_string(&alert.details).unwrap_or_else(|_| "null".into());
    let status = TransferAlertStatus::Open;
    let row = tx
        .query_one(
            insert,
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
        let transfers: Vec<_> = screened.iter().map(|t| (t, None)).collect();
        self.write(|tx| record_new(tx, &transfers))
    }

    fn record_transfers_once(
        &self,
        delivered: &[DeliveredTransfer],
    ) -> Result<Vec<Option<RecordedTransfer>>> {
        // Under the store's write lock: no other process records the same key
        // between the check and the insert.
        self.write(|tx| {
            let keys: Vec<&str> = delivered
                .iter()
                .filter_map(|t| t.delivery_key.as_deref())
                .collect();
            let mut recorded_before = count_repeats(tx, &keys)?.into_iter();
            let mut keys_now: HashSet<&str> = HashSet::new();
            let mut repeated_now = Vec::new();
            let mut new = Vec::with_capacity(delivered.len());
            let mut is_new = Vec::with_capacity(delivered.len());
            for transfer in delivered {
                let key = transfer.delivery_key.as_deref();
                let first = match key {
                    None => true,
                    Some(_) if recorded_before.next().unwrap_or(false) => false,
                    Some(key) if !keys_now.insert(key) => {
                        repeated_now.push(key);
                        false
                    }
                    Some(_) => true,
                };
                if first {
                    new.push((&transfer.screened, key));
                }
                is_new.push(first);
            }
            let mut recorded = record_new(tx, &new)?.into_iter();
            // A key twice in this batch: its second delivery is a repeat of
            // the first, recorded just now.
            count_repeats(tx, &repeated_now)?;
            Ok(is_new
                .into_iter()
                .map(|new| if new { recorded.next() } else { None })
                .collect())
        })
    }

    fn note_repeats(&self, delivery_keys: &[String]) -> Result<Vec<bool>> {
        let keys: Vec<&str> = delivery_keys.iter().map(String::as_str).collect();
        self.write(|tx| count_repeats(tx, &keys))
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
