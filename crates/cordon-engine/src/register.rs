//! The customer register kept screened: every new list version rescreens it
//! against what the version added or changed ("freeze without delay"), and
//! every customer inserted or updated is screened at once against the lists
//! in force.

use crate::indexed::Indexed;
use crate::query::QueryInput;
use crate::Error;
use cordon_lists::ListDiff;
use cordon_match::{Index, Match, Query, ScreenOptions};
use cordon_model::{Entity, ParsedList};
use cordon_store::{Alert, Customer, Customers, Decisions, NewAlert, UpsertOutcome};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A set hashed with aHash: the reach of a delta rescreen hashes a million
/// customer ids and a few million tokens, and SipHash's resistance to chosen
/// keys buys nothing for ids and tokens the bank's own register holds.
type FastSet<T> = HashSet<T, ahash::RandomState>;

/// Matches kept per customer: an alert names a person for review, and more
/// than ten listed entities for one customer says the name is too generic to
/// tell anything more.
const MATCHES_PER_CUSTOMER: usize = 10;

/// The screening query of a stored customer; unreadable optional fields are
/// left out (they were accepted at upload as written). `None` when the name
/// has no letters or digits: it names nobody.
pub fn customer_query(customer: &Customer) -> Option<Query> {
    let input = QueryInput {
        name: &customer.name,
        dob: customer.dob.as_deref(),
        country: customer.country.as_deref(),
        schema: None,
        identifiers: &customer.identifiers,
    };
    let (mut query, _) = input.validate_lenient().ok()?;
    query.schema = customer.schema;
    Some(query)
}

/// What a screening of the register did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rescreen {
    /// Customers screened (none when the version added or changed nothing).
    pub screened: usize,
    /// Hits skipped because a false-positive decision stands for them.
    pub suppressed: usize,
    /// Alerts newly raised.
    pub alerts: Vec<Alert>,
}

/// Where the alerts of one screening of the register come from.
struct AlertSource<'a> {
    index: &'a Index,
    hashes: &'a HashMap<String, String>,
    /// The list version label of a match.
    label: &'a (dyn Fn(&Match) -> String + Sync),
    /// Why: `rescreen` (a new version) or `onboarding` (a new or changed customer).
    reason: &'a str,
}

/// Screens customers in parallel, skips hits a standing false-positive
/// decision covers, and raises the rest as alerts (one audit entry).
fn screen_register<S: Customers + Decisions + ?Sized>(
    store: &S,
    customers: &[Customer],
    source: &AlertSource<'_>,
    threshold: f64,
    caller: &str,
) -> Result<Rescreen, Error> {
    let options = ScreenOptions {
        threshold,
        limit: MATCHES_PER_CUSTOMER,
    };
    let candidates: Vec<NewAlert> = customers
        .par_iter()
        .flat_map_iter(|customer| {
            let matches = customer_query(customer)
                .map(|query| source.index.screen(&query, &options))
                .unwrap_or_default();
            matches.into_iter().map(move |m| NewAlert {
                customer_id: customer.id.clone(),
                entity_hash: source.hashes.get(&m.entity_id).cloned().unwrap_or_default(),
                entity_id: m.entity_id.clone(),
                list_version: (source.label)(&m),
                score: m.score,
                reason: source.reason.into(),
                details: serde_json::to_value(&m).unwrap_or(Value::Null),
            })
        })
        .collect();
    let now = cordon_store::timestamp_now();
    let mut fresh = Vec::new();
    let mut suppressed = 0;
    for alert in candidates {
        let standing = store.standing_false_positive(
            &alert.customer_id,
            &alert.entity_id,
            &alert.entity_hash,
            &now,
        )?;
        match standing {
            Some(_) => suppressed += 1,
            None => fresh.push(alert),
        }
    }
    Ok(Rescreen {
        screened: customers.len(),
        suppressed,
        alerts: store.raise_alerts(&fresh, caller)?,
    })
}

/// The designations a new version added or changed.
fn delta_entities(list: &ParsedList, diff: &ListDiff) -> Vec<Entity> {
    let ids: HashSet<&str> = diff
        .added
        .iter()
        .map(|e| e.entity_id.as_str())
        .chain(diff.changed.iter().map(|e| e.entity_id.as_str()))
        .collect();
    list.entities
        .iter()
        .filter(|e| ids.contains(e.id.as_str()))
        .cloned()
        .collect()
}

/// Screens every stored customer against the designations a new version
/// added or changed, and only those, raising alerts labelled with the
/// version. Alerts already raised for the same customer and entity content
/// are not raised twice, so running it again (a resumed import) is harmless.
pub fn rescreen_customers<S: Customers + Decisions + ?Sized>(
    store: &S,
    list: &ParsedList,
    diff: &ListDiff,
    label: &str,
    threshold: f64,
    caller: &str,
) -> Result<Rescreen, Error> {
    let started = std::time::Instant::now();
    let delta = delta_entities(list, diff);
    if delta.is_empty() {
        return Ok(Rescreen {
            screened: 0,
            suppressed: 0,
            alerts: Vec::new(),
        });
    }
    let hashes: HashMap<String, String> = delta
        .iter()
        .map(|e| (e.id.clone(), cordon_store::entity_hash(e)))
        .collect();
    let index = Index::build(delta);
    let reach = reachable_customers(store, &index)?;
    tracing::info!(customers = reach.register, reachable = reach.customers.len(), delta = index.len(), elapsed = ?started.elapsed(), "rescreen: customers loaded");
    let label = |_: &Match| label.to_string();
    let source = AlertSource {
        index: &index,
        hashes: &hashes,
        label: &label,
        reason: "rescreen",
    };
    let mut rescreen = screen_register(store, &reach.customers, &source, threshold, caller)?;
    // The customers the index cannot reach were screened too: by their tokens.
    rescreen.screened = reach.register;
    tracing::info!(alerts = rescreen.alerts.len(), elapsed = ?started.elapsed(), "rescreen: done");
    Ok(rescreen)
}

/// The customers an index can reach, and how many the register holds.
struct Reach {
    customers: Vec<Customer>,
    register: usize,
}

/// Above this share of the register reachable, reading every customer in one
/// pass is cheaper than looking each reachable one up by id (the first import of
/// the lists reaches nearly everyone; a delta of a few designations, a few).
const READ_ALL_SHARE: f64 = 0.25;

/// The customers that screening against `index` can possibly alert on: those one
/// of whose retrieval tokens the index can retrieve through
/// ([`cordon_match::retrieval_tokens`]). Screening any other customer against the
/// index finds no candidate, so leaving them out changes no alert. Tokens are
/// read as the register keeps them; customers without tokens under the current
/// matcher's stamp (new, changed, or kept by another matcher) have theirs derived
/// and kept first.
fn reachable_customers<S: Customers + ?Sized>(store: &S, index: &Index) -> Result<Reach, Error> {
    let stamp = cordon_match::retrieval_tokens_stamp();
    let kept = store.match_tokens(stamp)?;
    let fresh = store.customers_without_match_tokens(stamp)?;
    let derived = keep_retrieval_tokens(store, &fresh)?;
    let reachable: FastSet<String> =
        reachable_tokens(index, kept.iter().map(|k| k.tokens.as_str()))
            .into_iter()
            .map(str::to_string)
            .collect();
    let hits = |tokens: &str| tokens.split(' ').any(|t| reachable.contains(t));
    let fresh_ids: FastSet<&str> = fresh.iter().map(|c| c.id.as_str()).collect();
    let mut register = fresh.len();
    let mut kept_reached: FastSet<String> = FastSet::default();
    for k in kept {
        if !fresh_ids.contains(k.customer_id.as_str()) {
            register += 1;
            if hits(&k.tokens) {
                kept_reached.insert(k.customer_id);
            }
        }
    }
    // The kept tokens are gone before the customers are read: a first import
    // reaches nearly every customer, and holding both doubled the peak.
    let mut customers = if kept_reached.len() as f64 > READ_ALL_SHARE * register as f64 {
        let mut all = store.customers()?;
        all.retain(|c| kept_reached.contains(c.id.as_str()));
        all
    } else {
        let ids: Vec<String> = kept_reached.into_iter().collect();
        store.customers_by_id(&ids)?
    };
    // Fresh tokens are judged as derived now, whether or not they could be kept.
    let fresh_reachable = reachable_tokens(index, derived.iter().map(String::as_str));
    customers.extend(
        fresh
            .into_iter()
            .zip(&derived)
            .filter(|(_, tokens)| tokens.split(' ').any(|t| fresh_reachable.contains(t)))
            .map(|(c, _)| c),
    );
    Ok(Reach {
        customers,
        register,
    })
}

/// The distinct tokens among `token_lists` (space-separated) that `index` can
/// retrieve through: each distinct token is judged once, however many customers
/// share it.
fn reachable_tokens<'a>(
    index: &Index,
    token_lists: impl Iterator<Item = &'a str>,
) -> FastSet<&'a str> {
    let distinct: FastSet<&str> = token_lists
        .flat_map(|l| l.split(' '))
        .filter(|t| !t.is_empty())
        .collect();
    distinct
        .into_par_iter()
        .filter(|t| index.can_retrieve(t))
        .collect()
}

/// Derives the retrieval tokens of customers (space-separated; empty for a name
/// that names nobody) and keeps them with the register; returns them in order.
fn keep_retrieval_tokens<S: Customers + ?Sized>(
    store: &S,
    customers: &[Customer],
) -> Result<Vec<String>, Error> {
    let derived: Vec<String> = customers
        .par_iter()
        .map(|c| {
            customer_query(c)
                .map(|q| cordon_match::retrieval_tokens(&q).join(" "))
                .unwrap_or_default()
        })
        .collect();
    if !customers.is_empty() {
        let pairs: Vec<(&Customer, &str)> = customers
            .iter()
            .zip(derived.iter().map(String::as_str))
            .collect();
        store.keep_match_tokens(cordon_match::retrieval_tokens_stamp(), &pairs)?;
    }
    Ok(derived)
}

/// What a customer import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerImport {
    /// Customers inserted and updated.
    pub upserted: UpsertOutcome,
    /// Their screening against the lists in force (`screened` is 0 when no
    /// list is stored yet: the first list import screens the whole register).
    pub screening: Rescreen,
}

/// Inserts or updates customers (all or nothing), then screens each of them
/// against the lists in force, so that a listed customer raises an alert at
/// once rather than at the next list change.
pub fn import_customers<S: Customers + Decisions + ?Sized>(
    store: &S,
    customers: &[Customer],
    lists: &Indexed,
    threshold: f64,
    caller: &str,
) -> Result<CustomerImport, Error> {
    let upserted = store.upsert_customers(customers)?;
    // Kept now, so that the next list change need not prepare these names.
    keep_retrieval_tokens(store, customers)?;
    let screening = if lists.labels.is_empty() {
        Rescreen {
            screened: 0,
            suppressed: 0,
            alerts: Vec::new(),
        }
    } else {
        let label = |m: &Match| lists.label_of(&m.source);
        let source = AlertSource {
            index: &lists.index,
            hashes: &lists.hashes,
            label: &label,
            reason: "onboarding",
        };
        screen_register(store, customers, &source, threshold, caller)?
    };
    Ok(CustomerImport {
        upserted,
        screening,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Name, NameKind, Schema};
    use cordon_store::{Actor, NewDecision, Role, SqliteStore, Verdict};

    fn lists() -> Indexed {
        let mut entity = Entity::new("un", "QDi.290", Schema::Person);
        entity
            .names
            .push(Name::new("Doku Khamatovich Umarov", NameKind::Primary));
        let list = ParsedList {
            source: "un".into(),
            version: Some("2026-02-27".into()),
            entities: vec![entity],
            ..ParsedList::default()
        };
        Indexed::build(vec![("un@2026-02-27#1".into(), list)])
    }

    fn customer(id: &str, name: &str) -> Customer {
        Customer {
            id: id.into(),
            name: name.into(),
            dob: None,
            country: None,
            schema: None,
            identifiers: Vec::new(),
        }
    }

    const THRESHOLD: f64 = cordon_match::DEFAULT_THRESHOLD;

    #[test]
    fn a_listed_customer_raises_an_alert_when_inserted_and_when_updated() {
        let store = SqliteStore::open_in_memory().unwrap();
        let lists = lists();
        let first = import_customers(
            &store,
            &[
                customer("c1", "Maria Example"),
                customer("c2", "Doku Umarov"),
            ],
            &lists,
            THRESHOLD,
            "test",
        )
        .unwrap();
        assert_eq!(first.upserted.inserted, 2);
        assert_eq!(first.screening.screened, 2);
        assert_eq!(first.screening.alerts.len(), 1);
        let alert = &first.screening.alerts[0];
        assert_eq!(
            (alert.customer_id.as_str(), alert.entity_id.as_str()),
            ("c2", "un:QDi.290")
        );
        assert_eq!(alert.reason, "onboarding");
        assert_eq!(alert.list_version, "un@2026-02-27#1");
        // c1 changes name to a listed one: screened on update.
        let updated = import_customers(
            &store,
            &[customer("c1", "Umarov Doku")],
            &lists,
            THRESHOLD,
            "test",
        )
        .unwrap();
        assert_eq!(updated.upserted.updated, 1);
        assert_eq!(updated.screening.alerts.len(), 1);
        assert_eq!(updated.screening.alerts[0].customer_id, "c1");
    }

    #[test]
    fn a_standing_false_positive_suppresses_the_onboarding_alert() {
        let store = SqliteStore::open_in_memory().unwrap();
        let lists = lists();
        let hash = lists.hashes["un:QDi.290"].clone();
        let decision = NewDecision {
            party_key: "c2".into(),
            entity_id: "un:QDi.290".into(),
            entity_hash: hash,
            verdict: Verdict::FalsePositive,
            reason: "different person".into(),
            expires_at: None,
        };
        let actor = Actor {
            key_id: "k".into(),
            person: "ana".into(),
            role: Role::Analyst,
        };
        store.record_decision(&decision, &actor).unwrap();
        let outcome = import_customers(
            &store,
            &[customer("c2", "Doku Umarov")],
            &lists,
            THRESHOLD,
            "test",
        )
        .unwrap();
        assert!(outcome.screening.alerts.is_empty());
        assert_eq!(outcome.screening.suppressed, 1);
    }

    #[test]
    fn without_lists_customers_are_stored_and_left_for_the_first_import() {
        let store = SqliteStore::open_in_memory().unwrap();
        let empty = Indexed::build(Vec::new());
        let outcome = import_customers(
            &store,
            &[customer("c2", "Doku Umarov")],
            &empty,
            THRESHOLD,
            "test",
        )
        .unwrap();
        assert_eq!(outcome.upserted.inserted, 1);
        assert_eq!(outcome.screening.screened, 0);
        assert_eq!(store.customers().unwrap().len(), 1);
    }

    #[test]
    fn a_customer_whose_name_names_nobody_is_not_screened() {
        assert!(customer_query(&customer("c", "--")).is_none());
        let mut c = customer("c", "Doku Umarov");
        c.dob = Some("not a date".into());
        let query = customer_query(&c).unwrap();
        assert_eq!(query.birth_date, None);
    }
}
