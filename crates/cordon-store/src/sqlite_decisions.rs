//! [`Decisions`] on SQLite.

use crate::audit::NewAuditEntry;
use crate::decisions::{
    check_new, decision_payload, expiry, Actor, Decision, DecisionState, Decisions, NewDecision,
    Verdict,
};
use crate::keys::Role;
use crate::{sqlite_audit, timestamp, timestamp_now, Error, Result, SqliteStore};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;
use time::OffsetDateTime;

const DECISION_COLUMNS: &str =
    "id, party_key, entity_id, entity_hash, verdict, reason, state, decided_by,
    decided_by_person, decided_at, confirmed_by, confirmed_by_person, confirmed_at, expires_at";

fn decision_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Decision> {
    let verdict: String = row.get(4)?;
    let state: String = row.get(6)?;
    Ok(Decision {
        id: row.get(0)?,
        party_key: row.get(1)?,
        entity_id: row.get(2)?,
        entity_hash: row.get(3)?,
        verdict: if verdict == "true_match" {
            Verdict::TrueMatch
        } else {
            Verdict::FalsePositive
        },
        reason: row.get(5)?,
        state: if state == "confirmed" {
            DecisionState::Confirmed
        } else {
            DecisionState::Pending
        },
        decided_by: row.get(7)?,
        decided_by_person: row.get(8)?,
        decided_at: row.get(9)?,
        confirmed_by: row.get(10)?,
        confirmed_by_person: row.get(11)?,
        confirmed_at: row.get(12)?,
        expires_at: row.get(13)?,
    })
}

fn load(connection: &Connection, id: i64) -> Result<Decision> {
    connection
        .query_row(
            &format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE id = ?1"),
            params![id],
            decision_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("decision {id}")))
}

/// Moves the party's alerts on this entity to the decision's outcome, in the
/// decision's transaction.
fn settle_alerts(
    connection: &Connection,
    decision: &Decision,
    from: &[&str],
    to: &str,
) -> Result<()> {
    for status in from {
        connection.execute(
            "UPDATE alerts SET status = ?3 WHERE customer_id = ?1 AND entity_id = ?2 AND status = ?4",
            params![decision.party_key, decision.entity_id, to, status],
        )?;
    }
    Ok(())
}

/// Every decision row's content hash, by ledger key (for verification).
pub(crate) fn row_hashes(
    connection: &Connection,
) -> Result<std::collections::BTreeMap<String, String>> {
    let mut statement = connection.prepare(&format!("SELECT {DECISION_COLUMNS} FROM decisions"))?;
    let rows = statement
        .query_map([], decision_from_row)?
        .map(|row| {
            row.map(|d| {
                (
                    crate::rows::decision_key(d.id),
                    crate::rows::decision_row_hash(&d),
                )
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The newest true match standing for this party and entity (pending or
/// confirmed, not lapsed): clearing it needs a second person.
fn standing_true_match(
    connection: &Connection,
    party_key: &str,
    entity_id: &str,
    now: &str,
) -> Result<Option<i64>> {
    Ok(connection
        .query_row(
            "SELECT id FROM decisions
             WHERE party_key = ?1 AND entity_id = ?2 AND verdict = 'true_match'
               AND state IN ('pending', 'confirmed') AND (expires_at IS NULL OR expires_at > ?3)
             ORDER BY id DESC LIMIT 1",
            params![party_key, entity_id, now],
            |row| row.get(0),
        )
        .optional()?)
}

impl Decisions for SqliteStore {
    fn record_decision(&self, decision: &NewDecision, actor: &Actor) -> Result<Decision> {
        check_new(decision, actor)?;
        let now = OffsetDateTime::now_utc();
        let expires_at = expiry(decision, self.max_decision_days(), now)?;
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        // Four eyes on clearing: a false positive over a standing true match
        // waits for a second person, like the true match itself.
        let clears = match decision.verdict {
            Verdict::FalsePositive => standing_true_match(
                &tx,
                &decision.party_key,
                &decision.entity_id,
                &timestamp(now),
            )?,
            Verdict::TrueMatch => None,
        };
        let state = match (decision.verdict, clears) {
            (Verdict::FalsePositive, None) => "confirmed",
            _ => "pending",
        };
        tx.execute(
            "INSERT INTO decisions (party_key, entity_id, entity_hash, verdict, reason, state, decided_by,
                decided_by_person, decided_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                decision.party_key,
                decision.entity_id,
                decision.entity_hash,
                decision.verdict.as_str(),
                decision.reason,
                state,
                actor.key_id,
                actor.person,
                timestamp(now),
                expires_at,
            ],
        )?;
        let stored = load(&tx, tx.last_insert_rowid())?;
        match (decision.verdict, clears) {
            (Verdict::TrueMatch, _) => {
                settle_alerts(&tx, &stored, &["open"], "pending_confirmation")?
            }
            (Verdict::FalsePositive, None) => {
                settle_alerts(&tx, &stored, &["open"], "false_positive")?
            }
            // A pending clearing leaves the alerts as they are until it is confirmed.
            (Verdict::FalsePositive, Some(_)) => {}
        }
        let mut payload = decision_payload(&stored);
        if let Some(true_match) = clears {
            payload["clears_true_match"] = json!(true_match);
        }
        sqlite_audit::append(
            &tx,
            &NewAuditEntry {
                kind: "decision".into(),
                caller: actor.key_id.clone(),
                payload,
            },
        )?;
        tx.commit()?;
        Ok(stored)
    }

    fn confirm_decision(&self, id: i64, actor: &Actor) -> Result<Decision> {
        if !actor.role.allows(Role::Supervisor) {
            return Err(Error::Forbidden(format!(
                "a {} key may not confirm a decision (supervisor needed)",
                actor.role
            )));
        }
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let current = load(&tx, id)?;
        if current.state != DecisionState::Pending {
            return Err(Error::Conflict(format!("decision {id} is not pending")));
        }
        if current.decided_by_person == actor.person {
            return Err(Error::Forbidden(format!(
                "four eyes: {} made decision {id} and cannot also confirm it",
                actor.person
            )));
        }
        tx.execute(
            "UPDATE decisions SET state = 'confirmed', confirmed_by = ?2, confirmed_by_person = ?3,
                confirmed_at = ?4 WHERE id = ?1 AND state = 'pending'",
            params![id, actor.key_id, actor.person, timestamp_now()],
        )?;
        let stored = load(&tx, id)?;
        match stored.verdict {
            Verdict::TrueMatch => settle_alerts(
                &tx,
                &stored,
                &["open", "pending_confirmation"],
                "true_match",
            )?,
            Verdict::FalsePositive => settle_alerts(
                &tx,
                &stored,
                &["open", "pending_confirmation", "true_match"],
                "false_positive",
            )?,
        }
        sqlite_audit::append(
            &tx,
            &NewAuditEntry {
                kind: "decision_confirmed".into(),
                caller: actor.key_id.clone(),
                payload: decision_payload(&stored),
            },
        )?;
        tx.commit()?;
        Ok(stored)
    }

    fn decision(&self, id: i64) -> Result<Decision> {
        load(&self.reader(), id)
    }

    fn standing_false_positive(
        &self,
        party_key: &str,
        entity_id: &str,
        entity_hash: &str,
        now: &str,
    ) -> Result<Option<Decision>> {
        let connection = self.reader();
        // Asked once per match of every screening with a party: keep the compiled statement.
        let standing = connection
            .prepare_cached(&format!(
                "SELECT {DECISION_COLUMNS} FROM decisions
                 WHERE party_key = ?1 AND entity_id = ?2 AND entity_hash = ?3
                   AND verdict = 'false_positive' AND state = 'confirmed'
                   AND (expires_at IS NULL OR expires_at > ?4)
                 ORDER BY id DESC LIMIT 1"
            ))?
            .query_row(
                params![party_key, entity_id, entity_hash, now],
                decision_from_row,
            )
            .optional()?;
        Ok(standing)
    }

    fn decisions_for(&self, party_key: &str, entity_id: &str) -> Result<Vec<Decision>> {
        let connection = self.reader();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE party_key = ?1 AND entity_id = ?2 ORDER BY id"
        ))?;
        let decisions = statement
            .query_map(params![party_key, entity_id], decision_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(decisions)
    }
}
