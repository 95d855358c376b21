//! [`Customers`] on SQLite.

use crate::audit::NewAuditEntry;
use crate::customers::{
    check_customer, stored_identifiers, Alert, Customer, Customers, MatchTokens, NewAlert,
    UpsertOutcome,
};
use crate::{sqlite_audit, timestamp_now, Result, SqliteStore};
use cordon_model::Schema;
use rusqlite::{params, OptionalExtension};
use serde_json::json;

pub(crate) fn customer_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Customer> {
    let schema: Option<String> = row.get(4)?;
    let identifiers: String = row.get(5)?;
    Ok(Customer {
        id: row.get(0)?,
        name: row.get(1)?,
        dob: row.get(2)?,
        country: row.get(3)?,
        schema: schema.as_deref().and_then(Schema::parse),
        identifiers: serde_json::from_str(&identifiers).unwrap_or_default(),
    })
}

/// The columns [`customer_from_row`] reads, in its order.
pub(crate) const CUSTOMER_COLUMNS: &str = "id, name, dob, country, schema, identifiers";

pub(crate) fn alert_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    let details: String = row.get(7)?;
    Ok(Alert {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        entity_id: row.get(2)?,
        entity_hash: row.get(3)?,
        list_version: row.get(4)?,
        score: row.get(5)?,
        reason: row.get(6)?,
        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
        status: row.get(8)?,
        raised_at: row.get(9)?,
    })
}

pub(crate) const ALERT_COLUMNS: &str =
    "id, customer_id, entity_id, entity_hash, list_version, score, reason, details, status, raised_at";

impl Customers for SqliteStore {
    fn upsert_customers(&self, customers: &[Customer]) -> Result<UpsertOutcome> {
        for (position, customer) in customers.iter().enumerate() {
            check_customer(customer, position)?;
        }
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let mut outcome = UpsertOutcome::default();
        {
            let mut exists = tx.prepare("SELECT 1 FROM customers WHERE id = ?1")?;
            let mut upsert = tx.prepare(
                "INSERT INTO customers (id, name, dob, country, schema, identifiers, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, dob = excluded.dob,
                    country = excluded.country, schema = excluded.schema,
                    identifiers = excluded.identifiers, updated_at = excluded.updated_at",
            )?;
            // Tokens derived from the record being replaced no longer hold.
            let mut forget_tokens =
                tx.prepare("DELETE FROM customer_match_tokens WHERE customer_id = ?1")?;
            let at = timestamp_now();
            for c in customers {
                forget_tokens.execute(params![c.id])?;
                let known = exists
                    .query_row(params![c.id], |_| Ok(()))
                    .optional()?
                    .is_some();
                upsert.execute(params![
                    c.id,
                    c.name,
                    c.dob,
                    c.country,
                    c.schema.map(Schema::as_str),
                    stored_identifiers(c),
                    at
                ])?;
                if known {
                    outcome.updated += 1;
                } else {
                    outcome.inserted += 1;
                }
            }
        }
        tx.commit()?;
        Ok(outcome)
    }

    fn customers(&self) -> Result<Vec<Customer>> {
        let connection = self.reader();
        let mut statement = connection.prepare(
            "SELECT id, name, dob, country, schema, identifiers FROM customers ORDER BY id",
        )?;
        let customers = statement
            .query_map([], customer_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(customers)
    }

    fn customers_by_id(&self, ids: &[String]) -> Result<Vec<Customer>> {
        let connection = self.reader();
        let mut statement = connection.prepare(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1"
        ))?;
        let mut sorted: Vec<&String> = ids.iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut customers = Vec::with_capacity(sorted.len());
        for id in sorted {
            if let Some(c) = statement
                .query_row(params![id], customer_from_row)
                .optional()?
            {
                customers.push(c);
            }
        }
        Ok(customers)
    }

    fn match_tokens(&self, stamp: &str) -> Result<Vec<MatchTokens>> {
        let connection = self.reader();
        let mut statement = connection.prepare(
            "SELECT customer_id, tokens FROM customer_match_tokens WHERE stamp = ?1
             ORDER BY customer_id",
        )?;
        let tokens = statement
            .query_map(params![stamp], |row| {
                Ok(MatchTokens {
                    customer_id: row.get(0)?,
                    tokens: row.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(tokens)
    }

    fn customers_without_match_tokens(&self, stamp: &str) -> Result<Vec<Customer>> {
        let connection = self.reader();
        let mut statement = connection.prepare(
            "SELECT c.id, c.name, c.dob, c.country, c.schema, c.identifiers FROM customers c
             LEFT JOIN customer_match_tokens t ON t.customer_id = c.id AND t.stamp = ?1
             WHERE t.customer_id IS NULL ORDER BY c.id",
        )?;
        let customers = statement
            .query_map(params![stamp], customer_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(customers)
    }

    fn keep_match_tokens(&self, stamp: &str, derived: &[(&Customer, &str)]) -> Result<()> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        {
            let mut keep = tx.prepare(
                "INSERT INTO customer_match_tokens (customer_id, stamp, tokens)
                 SELECT id, ?2, ?3 FROM customers WHERE id = ?1 AND name = ?4 AND identifiers = ?5
                 ON CONFLICT(customer_id) DO UPDATE SET stamp = excluded.stamp, tokens = excluded.tokens",
            )?;
            for (c, tokens) in derived {
                keep.execute(params![c.id, stamp, tokens, c.name, stored_identifiers(c)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn raise_alerts(&self, alerts: &[NewAlert], caller: &str) -> Result<Vec<Alert>> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let mut raised = Vec::new();
        {
            // A hit raised again after being cleared (its false positive lapsed,
            // the caller found none standing) opens the alert again.
            let mut insert = tx.prepare(
                "INSERT INTO alerts (customer_id, entity_id, entity_hash, list_version, score,
                    reason, details, status, raised_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8)
                 ON CONFLICT(customer_id, entity_id, entity_hash) DO UPDATE SET
                    status = 'open', list_version = excluded.list_version, score = excluded.score,
                    reason = excluded.reason, details = excluded.details, raised_at = excluded.raised_at
                 WHERE alerts.status = 'false_positive'
                 RETURNING id",
            )?;
            let mut select =
                tx.prepare(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"))?;
            let at = timestamp_now();
            for a in alerts {
                let details = serde_json::to_string(&a.details).unwrap_or_else(|_| "null".into());
                let written: Option<i64> = insert
                    .query_row(
                        params![
                            a.customer_id,
                            a.entity_id,
                            a.entity_hash,
                            a.list_version,
                            a.score,
                            a.reason,
                            details,
                            at
                        ],
                        |row| row.get(0),
                    )
                    .optional()?;
                if let Some(id) = written {
                    raised.push(select.query_row(params![id], alert_from_row)?);
                }
            }
        }
        if !raised.is_empty() {
            let summary: Vec<_> = raised
                .iter()
                .map(|a| json!({"alert_id": a.id, "customer_id": a.customer_id, "entity_id": a.entity_id,
                                "score": a.score, "list_version": a.list_version, "reason": a.reason}))
                .collect();
            sqlite_audit::append(
                &tx,
                &NewAuditEntry {
                    kind: "alerts_raised".into(),
                    caller: caller.into(),
                    payload: json!({"alerts": summary}),
                },
            )?;
        }
        tx.commit()?;
        Ok(raised)
    }

    fn alerts(&self, status: Option<&str>, limit: usize) -> Result<Vec<Alert>> {
        let connection = self.reader();
        let mut statement = connection.prepare(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE (?1 IS NULL OR status = ?1) ORDER BY id DESC LIMIT ?2"
        ))?;
        let alerts = statement
            .query_map(
                params![status, limit.min(i64::MAX as usize) as i64],
                alert_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(alerts)
    }

    fn customer(&self, id: &str) -> Result<Option<Customer>> {
        let connection = self.reader();
        let customer = connection
            .query_row(
                "SELECT id, name, dob, country, schema, identifiers FROM customers WHERE id = ?1",
                params![id],
                customer_from_row,
            )
            .optional()?;
        Ok(customer)
    }

    fn alert(&self, id: i64) -> Result<Option<Alert>> {
        let connection = self.reader();
        let alert = connection
            .query_row(
                &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"),
                params![id],
                alert_from_row,
            )
            .optional()?;
        Ok(alert)
    }
}
