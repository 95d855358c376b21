//! goAML reports to the FIU, from a confirmed transfer alert or straight from a payment file,
//! each one audited (`goaml_report`: what was reported, on which alert and list versions, and
//! the SHA-256 of the XML as written). The XML itself is `cordon-report`'s; this module picks
//! the transfers and the reason.
//!
//! The store keeps screenings, not payment bodies: a report on an alert takes the payment file
//! the alert was screened from, and the file must be that one (its SHA-256 is the
//! `request_hash` of the screening's audit entry), so the transaction reported is the one the
//! analysts decided on.

use crate::Error;
use cordon_model::transfer::Transfer;
use cordon_report::{write_str, ReportingEntity, StrInput};
use cordon_store::{
    sha256_hex, AuditEntry, AuditLog, NewAuditEntry, TransferAlertHistory, TransferAlertStatus,
    TransferAlerts,
};
use serde_json::{json, Value};

/// Who asks and when: the parts of a report that are not the transfers.
pub struct ReportContext<'a> {
    /// The reporting entity's settings.
    pub entity: &'a ReportingEntity,
    /// `submission_date`, `YYYY-MM-DDTHH:MM:SS` (UTC).
    pub submission_date: &'a str,
    /// The audit caller (`local:$USER ...`).
    pub caller: &'a str,
}

/// A report made and audited.
#[derive(Debug)]
pub struct GoamlReport {
    /// The goAML XML.
    pub xml: String,
    /// Its `goaml_report` audit entry.
    pub audit: AuditEntry,
    /// Transactions it holds.
    pub transactions: usize,
}

/// An STR on a transfer alert confirmed as a true match; `body` is the payment file it was
/// screened from (checked against the screening's audit entry).
pub fn report_alert<S: TransferAlerts + AuditLog + ?Sized>(
    store: &S,
    alert_id: i64,
    body: &[u8],
    context: &ReportContext<'_>,
) -> Result<GoamlReport, Error> {
    let history = store.transfer_alert(alert_id)?;
    confirmed(&history)?;
    let screening = screening_entry(store, history.alert.audit_seq)?;
    let transfer = screened_transfer(&screening, body)?;
    let input = StrInput {
        reference: format!("CORDON-ALERT-{alert_id}"),
        submission_date: context.submission_date.to_string(),
        reason: alert_reason(&history),
        transfers: vec![transfer],
    };
    let source = json!({
        "alert_id": alert_id,
        "screening_seq": screening.seq,
        "confirmed_by": confirmers(&history),
        "list_versions": history.alert.list_versions,
        "payment_sha256": sha256_hex(body),
    });
    write_and_audit(store, &input, source, context)
}

/// An STR on every transfer of a payment file, with the reporting person's reason.
pub fn report_transfers<S: AuditLog + ?Sized>(
    store: &S,
    body: &[u8],
    origin: &str,
    reason: &str,
    context: &ReportContext<'_>,
) -> Result<GoamlReport, Error> {
    let transfers = readable_transfers(body, origin)?;
    let hash = sha256_hex(body);
    let input = StrInput {
        reference: format!("CORDON-PAYMENT-{}", hash.get(..16).unwrap_or(&hash)),
        submission_date: context.submission_date.to_string(),
        reason: reason.to_string(),
        transfers,
    };
    let source = json!({ "payment_file": origin, "payment_sha256": hash });
    write_and_audit(store, &input, source, context)
}

/// Every transaction of the file; the first unreadable one is an error naming its place.
fn readable_transfers(body: &[u8], origin: &str) -> Result<Vec<Transfer>, Error> {
    cordon_payments::parse(body)
        .into_iter()
        .map(|r| {
            r.map_err(|e| Error::PaymentFile {
                origin: origin.to_string(),
                message: format!(
                    "message {} (line {}, byte {}): {}",
                    e.index + 1,
                    e.position.line,
                    e.position.offset,
                    e.message
                ),
            })
        })
        .collect()
}

fn write_and_audit<S: AuditLog + ?Sized>(
    store: &S,
    input: &StrInput,
    source: Value,
    context: &ReportContext<'_>,
) -> Result<GoamlReport, Error> {
    let xml = write_str(context.entity, input)?;
    let payload = json!({
        "report_code": "STR",
        "entity_reference": input.reference,
        "rentity_id": context.entity.rentity_id,
        "submission_date": input.submission_date,
        "transactions": input.transfers.len(),
        "xml_sha256": sha256_hex(xml.as_bytes()),
        "source": source,
    });
    let audit = store.append_audit(&NewAuditEntry {
        kind: "goaml_report".into(),
        caller: context.caller.to_string(),
        payload,
    })?;
    Ok(GoamlReport {
        xml,
        audit,
        transactions: input.transfers.len(),
    })
}

/// Only a true match confirmed by a second person is reported.
fn confirmed(history: &TransferAlertHistory) -> Result<(), Error> {
    let status = history.alert.status;
    if status == TransferAlertStatus::TrueMatch {
        return Ok(());
    }
    Err(cordon_store::Error::Conflict(format!(
        "alert {} is {}: only a confirmed true match is reported",
        history.alert.id,
        status.as_str()
    ))
    .into())
}

/// The `transfer_screening` audit entry that raised the alert.
fn screening_entry<S: AuditLog + ?Sized>(store: &S, seq: i64) -> Result<AuditEntry, Error> {
    let entry = store.audit_entries(seq - 1, 1)?.into_iter().next();
    entry
        .filter(|e| e.seq == seq && e.kind == "transfer_screening")
        .ok_or_else(|| {
            cordon_store::Error::NotFound(format!(
                "the transfer screening audit entry {seq} of the alert (purged?)"
            ))
            .into()
        })
}

/// The transaction the screening recorded: the file must hash to its `request_hash`, and the
/// transaction is the one at its `index`.
fn screened_transfer(screening: &AuditEntry, body: &[u8]) -> Result<Transfer, Error> {
    let expected = screening.payload["request_hash"]
        .as_str()
        .unwrap_or_default();
    let actual = sha256_hex(body);
    if actual != expected {
        return Err(cordon_store::Error::Invalid(format!(
            "payment file: SHA-256 {actual} is not the screened body {expected} (audit entry {})",
            screening.seq
        ))
        .into());
    }
    let index = screening.payload["index"].as_u64().unwrap_or(u64::MAX);
    let parsed = cordon_payments::parse(body);
    let found = usize::try_from(index)
        .ok()
        .and_then(|i| parsed.into_iter().nth(i));
    found.and_then(Result::ok).ok_or_else(|| {
        cordon_store::Error::Invalid(format!(
            "payment file: no readable transaction {index} (audit entry {})",
            screening.seq
        ))
        .into()
    })
}

/// What the alert found and what the analysts concluded, for the report's `reason`.
fn alert_reason(history: &TransferAlertHistory) -> String {
    let alert = &history.alert;
    let mut reason = format!(
        "{} alert {} ({}): {}. Screened against {}.",
        alert.kind,
        alert.id,
        alert.rule,
        alert.message,
        alert.list_versions.join(", ")
    );
    for decision in &history.decisions {
        reason.push_str(&format!(
            " {} by {} ({}) on {}: {}.",
            decision.verdict.as_str(),
            decision.decided_by_person,
            decision.decided_by_role.as_str(),
            decision.decided_at,
            decision.reason
        ));
    }
    reason
}

/// The persons whose decisions made the alert a true match.
fn confirmers(history: &TransferAlertHistory) -> Vec<&str> {
    history
        .decisions
        .iter()
        .map(|d| d.decided_by_person.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_store::{
        Actor, NewTransferAlert, NewTransferAlertDecision, Role, ScreenedTransfer, SqliteStore,
        TransferVerdict,
    };

    const ENTITY: &str =
        "rentity_id = 7\ncurrency_code_local = \"EUR\"\nindicators = [\"STRUC\"]\n";

    fn sample() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/payments/public/mt103/gp_mt103_stp_59A_33B_fx.fin"
        );
        std::fs::read(path).unwrap()
    }

    fn actor(person: &str, role: Role) -> Actor {
        Actor {
            key_id: format!("key-{person}"),
            person: person.into(),
            role,
        }
    }

    /// A store holding one screening of `body` with one sanctions alert; its id.
    fn screened(store: &SqliteStore, body: &[u8]) -> i64 {
        let screened = ScreenedTransfer {
            audit: NewAuditEntry {
                kind: "transfer_screening".into(),
                caller: "test".into(),
                payload: json!({ "request_hash": sha256_hex(body), "index": 0 }),
            },
            list_versions: vec!["un@2026-02-27#1".into()],
            alerts: vec![NewTransferAlert {
                transfer_id: Some("180f1e65".into()),
                kind: "sanctions".into(),
                rule: "un:QDi.290".into(),
                message: "creditor matches a listed person".into(),
                details: json!({}),
            }],
        };
        let recorded = store.record_transfers(&[screened]).unwrap();
        recorded[0].alerts[0].id
    }

    fn decide(store: &SqliteStore, id: i64, who: &Actor) {
        let decision = NewTransferAlertDecision {
            verdict: TransferVerdict::TrueMatch,
            reason: "same person, same account".into(),
        };
        store.decide_transfer_alert(id, &decision, who).unwrap();
    }

    fn context(entity: &ReportingEntity) -> ReportContext<'_> {
        ReportContext {
            entity,
            submission_date: "2026-12-04T10:00:00",
            caller: "local:test",
        }
    }

    #[test]
    fn a_confirmed_alert_is_reported_and_audited() {
        let store = SqliteStore::open_in_memory().unwrap();
        let body = sample();
        let id = screened(&store, &body);
        let entity = ReportingEntity::from_toml(ENTITY, "entity.toml").unwrap();
        let refused = report_alert(&store, id, &body, &context(&entity)).unwrap_err();
        assert!(refused.to_string().contains("is open"), "{refused}");
        decide(&store, id, &actor("alice", Role::Analyst));
        decide(&store, id, &actor("bob", Role::Supervisor));
        let wrong = report_alert(&store, id, b"{1:F01}", &context(&entity)).unwrap_err();
        assert!(
            wrong.to_string().contains("is not the screened body"),
            "{wrong}"
        );
        assert!(wrong.is_bad_input());

        let report = report_alert(&store, id, &body, &context(&entity)).unwrap();
        assert_eq!(report.transactions, 1);
        assert!(report
            .xml
            .contains("<entity_reference>CORDON-ALERT-1</entity_reference>"));
        assert!(report.xml.contains("alice (analyst)") && report.xml.contains("bob (supervisor)"));
        assert!(report.xml.contains("un@2026-02-27#1"));
        assert_eq!(report.audit.kind, "goaml_report");
        let payload = &report.audit.payload;
        assert_eq!(
            payload["xml_sha256"],
            json!(sha256_hex(report.xml.as_bytes()))
        );
        assert_eq!(payload["source"]["confirmed_by"], json!(["alice", "bob"]));
        assert_eq!(payload["source"]["screening_seq"], json!(1));
        assert!(store.verify_audit().unwrap().is_intact());
    }

    #[test]
    fn a_payment_file_is_reported_whole_or_named_at_fault() {
        let store = SqliteStore::open_in_memory().unwrap();
        let entity = ReportingEntity::from_toml(ENTITY, "entity.toml").unwrap();
        let body = sample();
        let report = report_transfers(
            &store,
            &body,
            "mt103.fin",
            "Listed creditor",
            &context(&entity),
        );
        let report = report.unwrap();
        assert_eq!(report.transactions, 1);
        assert_eq!(
            report.audit.payload["source"]["payment_file"],
            json!("mt103.fin")
        );
        let bad = report_transfers(&store, b"<Document>", "bad.xml", "r", &context(&entity));
        let bad = bad.unwrap_err();
        assert!(
            bad.to_string().starts_with("bad.xml: message 1 (line 1"),
            "{bad}"
        );
        let blank = report_transfers(&store, &body, "mt103.fin", " ", &context(&entity));
        assert!(blank
            .unwrap_err()
            .to_string()
            .contains("reason: must not be empty"));
        assert_eq!(store.audit_entries(0, 10).unwrap().len(), 1);
    }
}
