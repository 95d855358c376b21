//! [`Decisions`] on PostgreSQL: the rules (who may decide, four eyes, expiry)
//! are `cordon-store`'s; this module reads and writes the rows.

use crate::{audit, get, DbResult, PgStore};
use cordon_store::audit::NewAuditEntry;
use cordon_store::decisions::{
    check_new, decision_payload, expiry, Actor, Decision, DecisionState, Decisions, NewDecision,
    Verdict,
};
use cordon_store::keys::Role;
use cordon_store::rows::{decision_key, decision_row_hash};
use cordon_store::{timestamp, timestamp_now, Error, Result};
use postgres::{GenericClient, Row};
use serde_json::json;
use std::collections::BTreeMap;
use time::OffsetDateTime;

const DECISION_COLUMNS: &str =
    "id, party_key, entity_id, entity_hash, verdict, reason, state, decided_by,
    decided_by_person, decided_at, confirmed_by, confirmed_by_person, confirmed_at, expires_at";

fn decision_from_row(row: &Row) -> Result<Decision> {
    let verdict: String = get(row, 4, "decisions.verdict")?;
    let state: String = get(row, 6, "decisions.state")?;
    Ok(Decision {
        id: get(row, 0, "decisions.id")?,
        party_key: get(row, 1, "decisions.party_key")?,
        entity_id: get(row, 2, "decisions.entity_id")?,
        entity_hash: get(row, 3, "decisions.entity_hash")?,
        verdict: if verdict == "true_match" {
            Verdict::TrueMatch
        } else {
            Verdict::FalsePositive
        },
        reason: get(row, 5, "decisions.reason")?,
        state: if state == "confirmed" {
            DecisionState::Confirmed
        } else {
            DecisionState::Pending
        },
        decided_by: get(row, 7, "decisions.decided_by")?,
        decided_by_person: get(row, 8, "decisions.decided_by_person")?,
        decided_at: get(row, 9, "decisions.decided_at")?,
        confirmed_by: get(row, 10, "decisions.confirmed_by")?,
        confirmed_by_person: get(row, 11, "decisions.confirmed_by_person")?,
        confirmed_at: get(row, 12, "decisions.confirmed_at")?,
        expires_at: get(row, 13, "decisions.expires_at")?,
    })
}

fn load(client: &mut impl GenericClient, id: i64) -> Result<Decision> {
    client
        .query_opt(
            &format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE id = $1"),
            &[&id],
        )
        .db(&format!("reading decision {id}"))?
        .as_ref()
        .map(decision_from_row)
        .transpose()?
        .ok_or_else(|| Error::NotFound(format!("decision {id}")))
}

/// Every decision row's content hash, by ledger key (for verification).
pub(crate) fn row_hashes(client: &mut impl GenericClient) -> Result<BTreeMap<String, String>> {
    client
        .query(&format!("SELECT {DECISION_COLUMNS} FROM decisions"), &[])
        .db("reading decision rows")?
        .iter()
        .map(|row| {
            let d = decision_from_row(row)?;
            Ok((decision_key(d.id), decision_row_hash(&d)))
        })
        .collect()
}

/// Moves the party's alerts on this entity to the decision's outcome.
fn settle_alerts(
    tx: &mut impl GenericClient,
    decision: &Decision,
    from: &[&str],
    to: &str,
) -> Result<()> {
    for status in from {
        tx.execute(
            "UPDATE alerts SET status = $3 WHERE customer_id = $1 AND entity_id = $2 AND status = $4",
            &[&decision.party_key, &decision.entity_id, &to, status],
        )
        .db(&format!("settling the alerts of decision {}", decision.id))?;
    }
    Ok(())
}

/// The newest true match standing for this party and entity.
fn standing_true_match(
    tx: &mut impl GenericClient,
    party_key: &str,
    entity_id: &str,
    now: &str,
) -> Result<Option<i64>> {
    tx.query_opt(
        "SELECT id FROM decisions
         WHERE party_key = $1 AND entity_id = $2 AND verdict = 'true_match'
           AND state IN ('pending', 'confirmed') AND (expires_at IS NULL OR expires_at > $3)
         ORDER BY id DESC LIMIT 1",
        &[&party_key, &entity_id, &now],
    )
    .db("looking for a standing true match")?
    .map(|row| get(&row, 0, "decisions.id"))
    .transpose()
}

impl Decisions for PgStore {
    fn record_decision(&self, decision: &NewDecision, actor: &Actor) -> Result<Decision> {
        check_new(decision, actor)?;
        let now = OffsetDateTime::now_utc();
        let expires_at = expiry(decision, self.max_decision_days(), now)?;
        self.write(|tx| {
            let clears = match decision.verdict {
                Verdict::FalsePositive => {
                    standing_true_match(tx, &decision.party_key, &decision.entity_id, &timestamp(now))?
                }
                Verdict::TrueMatch => None,
            };
            let state = match (decision.verdict, clears) {
                (Verdict::FalsePositive, None) => "confirmed",
                _ => "pending",
            };
            let row = tx
                .query_one(
                    "INSERT INTO decisions (party_key, entity_id, entity_hash, verdict, reason, state,
                        decided_by, decided_by_person, decided_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    &[
                        &decision.party_key,
                        &decision.entity_id,
                        &decision.entity_hash,
                        &decision.verdict.as_str(),
                        &decision.reason,
                        &state,
                        &actor.key_id,
                        &actor.person,
                        &timestamp(now),
                        &expires_at,
                    ],
                )
                .db("storing a decision")?;
            let stored = load(tx, get(&row, 0, "decisions.id")?)?;
            match (decision.verdict, clears) {
                (Verdict::TrueMatch, _) => settle_alerts(tx, &stored, &["open"], "pending_confirmation")?,
                (Verdict::FalsePositive, None) => settle_alerts(tx, &stored, &["open"], "false_positive")?,
                (Verdict::FalsePositive, Some(_)) => {}
            }
            let mut payload = decision_payload(&stored);
            if let Some(true_match) = clears {
                payload["clears_true_match"] = json!(true_match);
            }
            audit::append(
                tx,
                &NewAuditEntry {
                    kind: "decision".into(),
                    caller: actor.key_id.clone(),
                    payload,
                },
            )?;
            Ok(stored)
        })
    }

    fn confirm_decision(&self, id: i64, actor: &Actor) -> Result<Decision> {
        if !actor.role.allows(Role::Supervisor) {
            return Err(Error::Forbidden(format!(
                "a {} key may not confirm a decision (supervisor needed)",
                actor.role
            )));
        }
        self.write(|tx| {
            let current = load(tx, id)?;
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
                "UPDATE decisions SET state = 'confirmed', confirmed_by = $2, confirmed_by_person = $3,
                    confirmed_at = $4 WHERE id = $1 AND state = 'pending'",
                &[&id, &actor.key_id, &actor.person, &timestamp_now()],
            )
            .db(&format!("confirming decision {id}"))?;
            let stored = load(tx, id)?;
            match stored.verdict {
                Verdict::TrueMatch => {
                    settle_alerts(tx, &stored, &["open", "pending_confirmation"], "true_match")?
                }
                Verdict::FalsePositive => settle_alerts(
                    tx,
                    &stored,
                    &["open", "pending_confirmation", "true_match"],
                    "false_positive",
                )?,
            }
            audit::append(
                tx,
                &NewAuditEntry {
                    kind: "decision_confirmed".into(),
                    caller: actor.key_id.clone(),
                    payload: decision_payload(&stored),
                },
            )?;
            Ok(stored)
        })
    }

    fn decision(&self, id: i64) -> Result<Decision> {
        self.read(|client| load(client, id))
    }

    fn standing_false_positive(
        &self,
        party_key: &str,
        entity_id: &str,
        entity_hash: &str,
        now: &str,
    ) -> Result<Option<Decision>> {
        self.read(|client| {
            client
                .query_opt(
                    &format!(
                        "SELECT {DECISION_COLUMNS} FROM decisions
                         WHERE party_key = $1 AND entity_id = $2 AND entity_hash = $3
                           AND verdict = 'false_positive' AND state = 'confirmed'
                           AND (expires_at IS NULL OR expires_at > $4)
                         ORDER BY id DESC LIMIT 1"
                    ),
                    &[&party_key, &entity_id, &entity_hash, &now],
                )
                .db("looking for a standing false positive")?
                .as_ref()
                .map(decision_from_row)
                .transpose()
        })
    }

    fn decisions_for(&self, party_key: &str, entity_id: &str) -> Result<Vec<Decision>> {
        self.read(|client| {
            client
                .query(
                    &format!(
                        "SELECT {DECISION_COLUMNS} FROM decisions
                         WHERE party_key = $1 AND entity_id = $2 ORDER BY id"
                    ),
                    &[&party_key, &entity_id],
                )
                .db("reading the decisions of a party and entity")?
                .iter()
                .map(decision_from_row)
                .collect()
        })
    }
}
