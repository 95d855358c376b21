//! Screening a body of payment messages and recording it: names, texts and
//! R16 checked in parallel, the typology rules in arrival order, then one
//! `transfer_screening` audit entry per transaction with its alerts, in one
//! store transaction. `POST /v1/transfers` and `cordon transfers screen`
//! both go through [`TransferBatch`].

use crate::screening::engine_label;
use crate::transfers::{NameHit, TransferReport, TransferScreener};
use crate::Error;
use cordon_model::transfer::Transfer;
use cordon_monitor::facts::delivery_key;
use cordon_monitor::{Alert, Delivery, Monitor, Observation};
use cordon_payments::{MessageError, Severity};
use cordon_store::{
    DeliveredTransfer, NewAuditEntry, NewTransferAlert, RecordedTransfer, ScreenedTransfer,
    TransferAlerts,
};
use rayon::prelude::*;
use serde_json::{json, Value};

/// The messages of one body, checked (names, texts, R16) but not yet
/// through the typology rules nor recorded.
pub struct TransferBatch {
    /// Every transaction read, or why a message could not be read.
    pub parsed: Vec<Result<Transfer, MessageError>>,
    /// The report of each readable transaction, in the same order.
    pub checked: Vec<Result<TransferReport, MessageError>>,
    request_hash: String,
}

/// What every audit entry of one body shares.
pub struct TransferContext<'a> {
    /// Labels of the list versions screened against.
    pub lists: &'a [String],
    /// The name-screening threshold.
    pub threshold: f64,
    /// The typology rules pack version.
    pub pack_version: &'a str,
    /// Who asked.
    pub caller: &'a str,
}

impl TransferBatch {
    /// Parses a body and checks every transaction in parallel.
    pub fn check(screener: &TransferScreener<'_>, body: &[u8]) -> TransferBatch {
        let parsed = cordon_payments::parse(body);
        let checked = parsed
            .par_iter()
            .map(|result| {
                result
                    .as_ref()
                    .map(|t| screener.check(t))
                    .map_err(Clone::clone)
            })
            .collect();
        TransferBatch {
            parsed,
            checked,
            request_hash: cordon_store::sha256_hex(body),
        }
    }

    /// The readable transactions, in arrival order: what the typology rules observe.
    pub fn transfers(&self) -> Vec<Transfer> {
        self.parsed
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .cloned()
            .collect()
    }

    /// Attaches the rules' alerts (one list per readable transaction, in
    /// order) and records every report with its audit entry and alerts.
    pub fn record<S: TransferAlerts + ?Sized>(
        &mut self,
        store: &S,
        rule_alerts: Vec<Vec<Alert>>,
        context: &TransferContext<'_>,
    ) -> Result<Vec<RecordedTransfer>, Error> {
        self.record_observed(store, in_order(rule_alerts), context)
    }

    /// [`TransferBatch::record`] with what the rules made of each readable
    /// transaction (`Monitor::observe_delivery`): late, repeated and too-late
    /// deliveries are said in the reports, and a too-late one is stored as an
    /// alert for a person, since no rule evaluated it.
    pub fn record_observed<S: TransferAlerts + ?Sized>(
        &mut self,
        store: &S,
        observations: Vec<Observation>,
        context: &TransferContext<'_>,
    ) -> Result<Vec<RecordedTransfer>, Error> {
        let screened = self.screened_observed(observations, context);
        Ok(store.record_transfers(&screened)?)
    }

    /// Attaches the rules' alerts (one list per readable transaction, in
    /// order) and returns what [`TransferBatch::record`] would store, one
    /// per readable transaction, for a caller that records them another way
    /// (once per delivery key: `TransferAlerts::record_transfers_once`).
    pub fn screened(
        &mut self,
        rule_alerts: Vec<Vec<Alert>>,
        context: &TransferContext<'_>,
    ) -> Vec<ScreenedTransfer> {
        self.screened_observed(in_order(rule_alerts), context)
    }

    /// [`TransferBatch::screened`] with the delivery of each transaction.
    pub fn screened_observed(
        &mut self,
        observations: Vec<Observation>,
        context: &TransferContext<'_>,
    ) -> Vec<ScreenedTransfer> {
        let engine = engine_label(context.threshold);
        let mut observations = observations.into_iter();
        let mut screened = Vec::new();
        let pairs = self.parsed.iter().zip(self.checked.iter_mut());
        for (index, (transfer, report)) in pairs.enumerate() {
            if let (Ok(transfer), Ok(report)) = (transfer, report) {
                if let Some(observation) = observations.next() {
                    report.observed(observation);
                }
                screened.push(screened_transfer(
                    &self.request_hash,
                    index,
                    transfer,
                    report,
                    &engine,
                    context,
                ));
            }
        }
        screened
    }
}

/// Recording each transfer once, across runs and processes (the command
/// line and the stream workers): a transfer whose delivery key (UETR, else
/// message and transaction ids and amount) the store already holds is a
/// repeat, seen by no rule and recorded again nowhere; the others go through
/// the typology rules in arrival order and are recorded in one transaction.
/// Per batch, per readable transaction: its record, or `None` for a repeat.
pub fn record_once<S: TransferAlerts + ?Sized>(
    store: &S,
    monitor: &mut Monitor,
    batches: &mut [TransferBatch],
    context: &TransferContext<'_>,
) -> Result<Vec<Vec<Option<RecordedTransfer>>>, Error> {
    let keys: Vec<Vec<Option<String>>> = batches
        .iter()
        .map(|b| b.transfers().iter().map(delivery_key).collect())
        .collect();
    let known: Vec<String> = keys.iter().flatten().flatten().cloned().collect();
    let mut seen = store.note_repeats(&known)?.into_iter();
    let mut repeats = Vec::with_capacity(batches.len());
    let mut delivered = Vec::new();
    for (batch, keys) in batches.iter_mut().zip(keys) {
        let repeat: Vec<bool> = keys
            .iter()
            .map(|k| k.is_some() && seen.next().unwrap_or(false))
            .collect();
        let alerts = batch
            .transfers()
            .iter()
            .zip(&repeat)
            .map(|(t, &r)| if r { Vec::new() } else { monitor.observe(t) })
            .collect();
        let screened = batch.screened(alerts, context);
        for ((screened, delivery_key), &r) in screened.into_iter().zip(keys).zip(&repeat) {
            if !r {
                delivered.push(DeliveredTransfer {
                    delivery_key,
                    screened,
                });
            }
        }
        repeats.push(repeat);
    }
    let mut recorded = store.record_transfers_once(&delivered)?.into_iter();
    Ok(repeats
        .into_iter()
        .map(|repeat| {
            repeat
                .into_iter()
                .map(|r| if r { None } else { recorded.next().flatten() })
                .collect()
        })
        .collect())
}

/// The rules' alerts of transactions delivered in order, once each.
fn in_order(rule_alerts: Vec<Vec<Alert>>) -> Vec<Observation> {
    rule_alerts
        .into_iter()
        .map(|alerts| Observation {
            alerts,
            delivery: Delivery::InOrder,
        })
        .collect()
}

/// The audit entry and alerts of one transaction.
fn screened_transfer(
    request_hash: &str,
    index: usize,
    transfer: &Transfer,
    report: &TransferReport,
    engine: &str,
    context: &TransferContext<'_>,
) -> ScreenedTransfer {
    let payload = json!({
        "request_hash": request_hash,
        "index": index,
        "transfer_id": report.id,
        "message_type": transfer.message_type,
        "lists": context.lists,
        "engine": engine,
        "rules_pack": context.pack_version,
        "hits": report.hit_entity_ids(),
        "alerts": report.alerts.iter().map(|a| a.rule_id.as_str()).collect::<Vec<_>>(),
        "r16_errors": report.r16.iter().filter(|f| f.severity == Severity::Error).map(|f| f.rule).collect::<Vec<_>>(),
    });
    ScreenedTransfer {
        audit: NewAuditEntry {
            kind: "transfer_screening".into(),
            caller: context.caller.to_string(),
            payload,
        },
        list_versions: context.lists.to_vec(),
        alerts: transfer_alerts(report),
    }
}

/// R16 errors, sanction hits and rule alerts of a report, as alerts to store.
pub fn transfer_alerts(report: &TransferReport) -> Vec<NewTransferAlert> {
    let alert = |kind: &str, rule: &str, message: String, details: Value| NewTransferAlert {
        transfer_id: report.id.clone(),
        kind: kind.into(),
        rule: rule.into(),
        message,
        details,
    };
    let mut alerts: Vec<NewTransferAlert> = report
        .r16
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            alert(
                "r16",
                f.rule,
                format!("{}: {}", f.path, f.message),
                json!(f),
            )
        })
        .collect();
    for hit in &report.hits {
        alerts.extend(
            sanction_alerts(hit)
                .into_iter()
                .map(|(entity, message, details)| alert("sanctions", entity, message, details)),
        );
    }
    for a in &report.alerts {
        let message = format!("{}: {}", a.title, a.explanation);
        alerts.push(alert("typology", &a.rule_id, message, json!(a)));
    }
    if report.delivery == Some(Delivery::TooLate) {
        alerts.push(alert(
            "typology",
            TOO_LATE_RULE,
            "arrived later than the rules pack's lateness bound (max_lateness_hours): \
             no typology rule evaluated it; review it by hand"
                .into(),
            json!({"transfer_id": report.id, "delivery": Delivery::TooLate}),
        ));
    }
    alerts
}

/// The rule id of the alert that routes a transfer the typology rules could
/// not evaluate (it came later than the lateness bound) to a person.
pub const TOO_LATE_RULE: &str = "MONITOR-TOO-LATE";

/// One alert per entity a name or text names: an entity that both the
/// whole-name match and the text scanner found in a party's name is one
/// alert whose details carry both explanations (`match` and `text_hit`).
fn sanction_alerts(hit: &NameHit) -> Vec<(&str, String, Value)> {
    let name = hit.name.as_deref().unwrap_or("");
    let mut alerts = Vec::new();
    for m in &hit.matches {
        let found = hit.text_hits.iter().find(|t| t.entity_id == m.entity_id);
        let mut message = format!("{} {name:?} matches {} ({:.2})", hit.role, m.name, m.score);
        if let Some(found) = found {
            message.push_str(&format!(", and names it in {:?}", found.screened));
        }
        let details = json!({"role": hit.role, "name": hit.name, "match": m, "text_hit": found});
        alerts.push((m.entity_id.as_str(), message, details));
    }
    let text_only = hit
        .text_hits
        .iter()
        .filter(|t| !hit.matches.iter().any(|m| m.entity_id == t.entity_id));
    for found in text_only {
        let message = format!("{} names {} ({})", hit.role, found.name, found.span);
        let details = match &hit.name {
            Some(name) => json!({"role": hit.role, "name": name, "text_hit": found}),
            None => json!({"role": hit.role, "text": hit.text, "text_hit": found}),
        };
        alerts.push((found.entity_id.as_str(), message, details));
    }
    alerts
}
