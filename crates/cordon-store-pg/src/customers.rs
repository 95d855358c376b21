//! [`Customers`] on PostgreSQL.

use crate::{audit, big, get, DbResult, PgStore};
use cordon_model::Schema;
use cordon_store::audit::NewAuditEntry;
use cordon_store::customers::{
    check_customer, stored_identifiers, Alert, Customer, Customers, MatchTokens, NewAlert,
    UpsertOutcome,
};
use cordon_store::{timestamp_now, Result};
use postgres::Row;
use serde_json::json;

pub(crate) const ALERT_COLUMNS: &str =
    "id, customer_id, entity_id, entity_hash, list_version, score, reason, details, status, raised_at";

pub(crate) fn customer_from_row(row: &Row) -> Result<Customer> {
    let schema: Option<String> = get(row, 4, "customers.schema")?;
    let identifiers: String = get(row, 5, "customers.identifiers")?;
    Ok(Customer {
        id: get(row, 0, "customers.id")?,
        name: get(row, 1, "customers.name")?,
        dob: get(row, 2, "customers.dob")?,
        country: get(row, 3, "customers.country")?,
        schema: schema.as_deref().and_then(Schema::parse),
        identifiers: serde_json::from_str(&identifiers).unwrap_or_default(),
    })
}

pub(crate) fn alert_from_row(row: &Row) -> Result<Alert> {
    let details: String = get(row, 7, "alerts.details")?;
    Ok(Alert {
        id: get(row, 0, "alerts.id")?,
        customer_id: get(row, 1, "alerts.customer_id")?,
        entity_id: get(row, 2, "alerts.entity_id")?,
        entity_hash: get(row, 3, "alerts.entity_hash")?,
        list_version: get(row, 4, "alerts.list_version")?,
        score: get(row, 5, "alerts.score")?,
        reason: get(row, 6, "alerts.reason")?,
        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
        status: get(row, 8, "alerts.status")?,
        raised_at: get(row, 9, "alerts.raised_at")?,
    })
}

impl Customers for PgStore {
    fn upsert_customers(&self, customers: &[Customer]) -> Result<UpsertOutcome> {
        for (position, customer) in customers.iter().enumerate() {
            check_customer(customer, position)?;
        }
        self.write(|tx| {
            let exists = tx
                .prepare("SELECT 1 FROM customers WHERE id = $1")
                .db("preparing the customer look-up")?;
            let upsert = tx
                .prepare(
                    "INSERT INTO customers (id, name, dob, country, schema, identifiers, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, dob = excluded.dob,
                        country = excluded.country, schema = excluded.schema,
                        identifiers = excluded.identifiers, updated_at = excluded.updated_at",
                )
                .db("preparing the customer upsert")?;
            // Tokens derived from the record being replaced no longer hold.
            let forget_tokens = tx
                .prepare("DELETE FROM customer_match_tokens WHERE customer_id = $1")
                .db("preparing the retrieval tokens' removal")?;
            let at = timestamp_now();
            let mut outcome = UpsertOutcome::default();
            for c in customers {
                tx.execute(&forget_tokens, &[&c.id]).db(&format!(
                    "forgetting the retrieval tokens of customer {}",
                    c.id
                ))?;
                let known = tx
                    .query_opt(&exists, &[&c.id])
                    .db(&format!("looking up customer {}", c.id))?
                    .is_some();
                let identifiers = stored_identifiers(c);
                tx.execute(
                    &upsert,
                    &[
                        &c.id,
                        &c.name,
                        &c.dob,
                        &c.country,
                        &c.schema.map(Schema::as_str),
                        &identifiers,
                        &at,
                    ],
                )
                .db(&format!("storing customer {}", c.id))?;
                if known {
                    outcome.updated += 1;
                } else {
                    outcome.inserted += 1;
                }
            }
            Ok(outcome)
        })
    }

    fn customers(&self) -> Result<Vec<Customer>> {
        self.read(|client| {
            client
                .query(
                    "SELECT id, name, dob, country, schema, identifiers FROM customers ORDER BY id",
                    &[],
                )
                .db("listing customers")?
                .iter()
                .map(customer_from_row)
                .collect()
        })
    }

    fn customers_by_id(&self, ids: &[String]) -> Result<Vec<Customer>> {
        self.read(|client| {
            client
                .query(
                    "SELECT id, name, dob, country, schema, identifiers FROM customers
                     WHERE id = ANY($1) ORDER BY id",
                    &[&ids],
                )
                .db("looking up customers by id")?
                .iter()
                .map(customer_from_row)
                .collect()
        })
    }

    fn match_tokens(&self, stamp: &str) -> Result<Vec<MatchTokens>> {
        self.read(|client| {
            client
                .query(
                    "SELECT customer_id, tokens FROM customer_match_tokens WHERE stamp = $1
                     ORDER BY customer_id",
                    &[&stamp],
                )
                .db("listing customers' retrieval tokens")?
                .iter()
                .map(|row| {
                    Ok(MatchTokens {
                        customer_id: get(row, 0, "customer_match_tokens.customer_id")?,
                        tokens: get(row, 1, "customer_match_tokens.tokens")?,
                    })
                })
                .collect()
        })
    }

    fn customers_without_match_tokens(&self, stamp: &str) -> Result<Vec<Customer>> {
        self.read(|client| {
            client
                .query(
                    "SELECT c.id, c.name, c.dob, c.country, c.schema, c.identifiers FROM customers c
                     LEFT JOIN customer_match_tokens t ON t.customer_id = c.id AND t.stamp = $1
                     WHERE t.customer_id IS NULL ORDER BY c.id",
                    &[&stamp],
                )
                .db("listing customers without retrieval tokens")?
                .iter()
                .map(customer_from_row)
                .collect()
        })
    }

    fn keep_match_tokens(&self, stamp: &str, derived: &[(&Customer, &str)]) -> Result<()> {
        self.write(|tx| {
            let keep = tx
                .prepare(
                    "INSERT INTO customer_match_tokens (customer_id, stamp, tokens)
                     SELECT id, $2, $3 FROM customers WHERE id = $1 AND name = $4 AND identifiers = $5
                     ON CONFLICT (customer_id) DO UPDATE SET stamp = excluded.stamp,
                        tokens = excluded.tokens",
                )
                .db("preparing the retrieval tokens' write")?;
            for (c, tokens) in derived {
                tx.execute(
                    &keep,
                    &[&c.id, &stamp, tokens, &c.name, &stored_identifiers(c)],
                )
                .db(&format!("keeping the retrieval tokens of customer {}", c.id))?;
            }
            Ok(())
        })
    }

    fn raise_alerts(&self, alerts: &[NewAlert], caller: &str) -> Result<Vec<Alert>> {
        self.write(|tx| {
            // A hit raised again after being cleared opens the alert again, as in SQLite.
            let insert = tx
                .prepare(&format!(
                    "INSERT INTO alerts (customer_id, entity_id, entity_hash, list_version, score,
                        reason, details, status, raised_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8)
                     ON CONFLICT (customer_id, entity_id, entity_hash) DO UPDATE SET
                        status = 'open', list_version = excluded.list_version, score = excluded.score,
                        reason = excluded.reason, details = excluded.details, raised_at = excluded.raised_at
                     WHERE alerts.status = 'false_positive'
                     RETURNING {ALERT_COLUMNS}"
                ))
                .db("preparing the alert insert")?;
            let at = timestamp_now();
            let mut raised = Vec::new();
            for a in alerts {
                let details = serde_json::to_string(&a.details).unwrap_or_else(|_| "null".into());
                let written = tx
                    .query_opt(
                        &insert,
                        &[&a.customer_id, &a.entity_id, &a.entity_hash, &a.list_version, &a.score,
                          &a.reason, &details, &at],
                    )
                    .db(&format!("raising an alert on customer {}", a.customer_id))?;
                if let Some(row) = written {
                    raised.push(alert_from_row(&row)?);
                }
            }
            if !raised.is_empty() {
                let summary: Vec<_> = raised
                    .iter()
                    .map(|a| json!({"alert_id": a.id, "customer_id": a.customer_id, "entity_id": a.entity_id,
                                    "score": a.score, "list_version": a.list_version, "reason": a.reason}))
                    .collect();
                audit::append(
                    tx,
                    &NewAuditEntry {
                        kind: "alerts_raised".into(),
                        caller: caller.into(),
                        payload: json!({"alerts": summary}),
                    },
                )?;
            }
            Ok(raised)
        })
    }

    fn alerts(&self, status: Option<&str>, limit: usize) -> Result<Vec<Alert>> {
        self.read(|client| {
            client
                .query(
                    &format!(
                        "SELECT {ALERT_COLUMNS} FROM alerts WHERE ($1::text IS NULL OR status = $1::text)
                         ORDER BY id DESC LIMIT $2"
                    ),
                    &[&status, &big(limit)],
                )
                .db("listing alerts")?
                .iter()
                .map(alert_from_row)
                .collect()
        })
    }

    fn customer(&self, id: &str) -> Result<Option<Customer>> {
        self.read(|client| {
            client
                .query_opt(
                    "SELECT id, name, dob, country, schema, identifiers FROM customers WHERE id = $1",
                    &[&id],
                )
                .db("looking up a customer")?
                .as_ref()
                .map(customer_from_row)
                .transpose()
        })
    }

    fn alert(&self, id: i64) -> Result<Option<Alert>> {
        self.read(|client| {
            client
                .query_opt(
                    &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1"),
                    &[&id],
                )
                .db("looking up an alert")?
                .as_ref()
                .map(alert_from_row)
                .transpose()
        })
    }
}
