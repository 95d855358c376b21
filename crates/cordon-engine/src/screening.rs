//! Screening one party and recording it: the query (validated once, see
//! [`crate::query`]), the index, standing false-positive decisions for the
//! party, and the audit entry that names the request, the lists, the engine
//! and every result. Nothing is shown that is not recorded: callers write the
//! entry (alone, or many in one transaction for a batch) before answering.

use crate::Error;
use cordon_match::{Index, Match, Query, ScreenOptions};
use cordon_store::audit::screening_payload;
use cordon_store::{AuditEntry, AuditLog, Decisions, NewAuditEntry};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The engine label recorded with every screening.
pub const ENGINE: &str = concat!("cordon-match ", env!("CARGO_PKG_VERSION"));

/// The engine and its configuration, as recorded in the audit log.
pub fn engine_label(threshold: f64) -> String {
    format!("{ENGINE}; threshold={threshold}")
}

/// What a screening is checked against.
#[derive(Clone, Copy)]
pub struct ScreeningLists<'a> {
    /// The index.
    pub index: &'a Index,
    /// Labels of the list versions, for the record.
    pub labels: &'a [String],
    /// Entity id -> content hash (a decision holds for one content).
    pub hashes: &'a HashMap<String, String>,
}

/// One screening to do.
pub struct ScreenRequest<'a> {
    /// The validated query.
    pub query: &'a Query,
    /// Threshold and limit.
    pub options: ScreenOptions,
    /// The screened party (customer id): its standing false-positive decisions apply.
    pub party_key: Option<&'a str>,
    /// The request as received, hashed into the audit entry.
    pub request: &'a Value,
}

/// A match hidden by a standing false-positive decision.
#[derive(Debug, Clone)]
pub struct Suppressed {
    /// The match.
    pub matched: Match,
    /// The decision that hides it.
    pub decision_id: i64,
}

/// One screening done, its audit entry not yet written.
pub struct Screened {
    /// Matches shown.
    pub matches: Vec<Match>,
    /// Matches hidden by standing decisions (recorded all the same).
    pub suppressed: Vec<Suppressed>,
    /// The audit entry to write before showing anything.
    pub audit: NewAuditEntry,
}

/// Screens one party (blocking), applying its standing false-positive decisions.
pub fn screen<S: Decisions + ?Sized>(
    store: &S,
    lists: ScreeningLists<'_>,
    request: &ScreenRequest<'_>,
    caller: &str,
) -> Result<Screened, Error> {
    let found = lists.index.screen(request.query, &request.options);
    let now = cordon_store::timestamp_now();
    let results: Vec<(String, f64)> = found
        .iter()
        .map(|m| (m.entity_id.clone(), m.score))
        .collect();
    let mut matches = Vec::new();
    let mut suppressed = Vec::new();
    for m in found {
        let hash = lists
            .hashes
            .get(&m.entity_id)
            .map(String::as_str)
            .unwrap_or("");
        let standing = match request.party_key {
            Some(party) => store.standing_false_positive(party, &m.entity_id, hash, &now)?,
            None => None,
        };
        match standing {
            Some(decision) => suppressed.push(Suppressed {
                matched: m,
                decision_id: decision.id,
            }),
            None => matches.push(m),
        }
    }
    let mut payload = screening_payload(
        request.request,
        lists.labels,
        &engine_label(request.options.threshold),
        &results,
    );
    // Every door records the same fields: the party (or null) and the
    // decisions that hid matches.
    if let Value::Object(map) = &mut payload {
        let ids: Vec<i64> = suppressed.iter().map(|s| s.decision_id).collect();
        map.insert("party_key".into(), json!(request.party_key));
        map.insert("suppressed".into(), json!(ids));
    }
    Ok(Screened {
        matches,
        suppressed,
        audit: NewAuditEntry {
            kind: "screening".into(),
            caller: caller.to_string(),
            payload,
        },
    })
}

/// Screens one party and writes its audit entry.
pub fn screen_and_audit<S: Decisions + AuditLog + ?Sized>(
    store: &S,
    lists: ScreeningLists<'_>,
    request: &ScreenRequest<'_>,
    caller: &str,
) -> Result<(Screened, AuditEntry), Error> {
    let screened = screen(store, lists, request, caller)?;
    let entry = store.append_audit(&screened.audit)?;
    Ok((screened, entry))
}

/// What one row of [`screen_many_and_audit`] gave: its matches and its
/// written audit entry, or why it could not be screened (a store fault
/// looking up its standing decisions; nothing of it was recorded).
pub type Recorded = Result<(Screened, AuditEntry), Error>;

/// Screens several parties in parallel and writes their audit entries in one
/// transaction, in input order (`POST /v1/screen/batch`, one chunk at a time).
/// A row that fails to screen is answered with its error and audits nothing;
/// if the audit transaction fails, no row is returned (nothing unrecorded is
/// shown).
pub fn screen_many_and_audit<S: Decisions + AuditLog + Sync + ?Sized>(
    store: &S,
    lists: ScreeningLists<'_>,
    requests: &[ScreenRequest<'_>],
    caller: &str,
) -> Result<Vec<Recorded>, Error> {
    use rayon::prelude::*;
    let screened: Vec<Result<Screened, Error>> = requests
        .par_iter()
        .map(|request| screen(store, lists, request, caller))
        .collect();
    let entries: Vec<NewAuditEntry> = screened
        .iter()
        .filter_map(|row| row.as_ref().ok().map(|s| s.audit.clone()))
        .collect();
    let written = store.append_audits(&entries)?;
    if written.len() != entries.len() {
        return Err(Error::Store(cordon_store::Error::Backend(format!(
            "the audit log wrote {} of {} entries",
            written.len(),
            entries.len()
        ))));
    }
    // One written entry per screened row, in order.
    let mut written = written.into_iter();
    Ok(screened
        .into_iter()
        .map(|row| row.and_then(|s| Ok((s, next_entry(&mut written)?))))
        .collect())
}

fn next_entry(written: &mut impl Iterator<Item = AuditEntry>) -> Result<AuditEntry, Error> {
    written.next().ok_or_else(|| {
        Error::Store(cordon_store::Error::Backend(
            "the audit log wrote fewer entries than rows screened".into(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Entity, Name, NameKind, Schema};
    use cordon_store::{canonical_json, sha256_hex, SqliteStore};

    fn umarov_index() -> Index {
        let mut entity = Entity::new("un", "QDi.290", Schema::Person);
        entity
            .names
            .push(Name::new("Doku Khamatovich Umarov", NameKind::Primary));
        Index::build(vec![entity])
    }

    #[test]
    fn many_rows_are_screened_and_audited_in_input_order() {
        let index = umarov_index();
        let labels = vec!["un@test".to_string()];
        let hashes = HashMap::new();
        let lists = ScreeningLists {
            index: &index,
            labels: &labels,
            hashes: &hashes,
        };
        let names = ["Jane Roe", "Umarov Doku", "John Smith"];
        let queries: Vec<Query> = names.iter().map(|n| Query::name(n)).collect();
        let bodies: Vec<Value> = names.iter().map(|n| json!({ "name": n })).collect();
        let requests: Vec<ScreenRequest<'_>> = queries
            .iter()
            .zip(&bodies)
            .map(|(query, body)| ScreenRequest {
                query,
                options: ScreenOptions::default(),
                party_key: None,
                request: body,
            })
            .collect();
        let store = SqliteStore::open_in_memory().unwrap();
        let before = store.audit_entries(0, 100).unwrap().len() as i64;

        let rows = screen_many_and_audit(&store, lists, &requests, "test").unwrap();

        assert_eq!(rows.len(), 3);
        let mut seqs = Vec::new();
        for ((row, name), body) in rows.iter().zip(names).zip(&bodies) {
            let (screened, entry) = row.as_ref().unwrap();
            let request_hash = sha256_hex(canonical_json(body).as_bytes());
            assert_eq!(entry.payload["request_hash"], json!(request_hash), "{name}");
            assert_eq!(screened.matches.is_empty(), name != "Umarov Doku");
            seqs.push(entry.seq);
        }
        assert_eq!(seqs, vec![before + 1, before + 2, before + 3]);
        assert!(store.verify_audit().unwrap().broken.is_none());
    }
}
