//! The lists as indexed at one moment, and which stored version of each
//! source is current.

use crate::transfers::TransferMemory;
use crate::Error;
use cordon_match::textscan::TextScanner;
use cordon_match::Index;
use cordon_model::{Entity, ParsedList};
use cordon_store::{Store, VersionInfo};
use std::cmp::Ordering;
use std::collections::HashMap;

/// The lists as indexed at one moment; the service swaps it whole when a new
/// version is imported.
pub struct Indexed {
    /// The screening index.
    pub index: Index,
    /// The free-text scanner over the same entities (transfer remittance lines).
    pub scanner: TextScanner,
    /// Labels of the list versions (`un@2026-02-27#3`).
    pub labels: Vec<String>,
    /// Entity id -> content hash (for decisions and suppression).
    pub hashes: HashMap<String, String>,
    /// What transfer screening against these lists gave for the names and
    /// texts a stream repeats (see [`TransferScreener::for_lists`]); it goes
    /// when the lists are swapped for a new version.
    ///
    /// [`TransferScreener::for_lists`]: crate::TransferScreener::for_lists
    pub transfer_memory: TransferMemory,
}

impl Indexed {
    /// Indexes lists, each with the label that names its version.
    pub fn build(lists: Vec<(String, ParsedList)>) -> Indexed {
        let labels = lists.iter().map(|(label, _)| label.clone()).collect();
        let entities: Vec<Entity> = lists.into_iter().flat_map(|(_, l)| l.entities).collect();
        let hashes = entities
            .iter()
            .map(|e| (e.id.clone(), cordon_store::entity_hash(e)))
            .collect();
        let scanner = TextScanner::build(&entities);
        Indexed {
            index: Index::build(entities),
            scanner,
            labels,
            hashes,
            transfer_memory: TransferMemory::default(),
        }
    }

    /// The current version of every stored list, indexed (empty when none is stored).
    pub fn current<S: Store + ?Sized>(store: &S) -> Result<Indexed, Error> {
        let lists = current_lists(store)?
            .into_iter()
            .map(|(v, l)| (v.label(), l))
            .collect();
        Ok(Indexed::build(lists))
    }

    /// The label of the version a match of `source` came from (`un@2026-02-27#3`),
    /// else every label: what an alert records as its list version.
    pub fn label_of(&self, source: &str) -> String {
        let prefix = format!("{source}@");
        self.labels
            .iter()
            .find(|label| label.starts_with(&prefix))
            .cloned()
            .unwrap_or_else(|| self.labels.join(", "))
    }
}

/// The publisher's version when it reads as an ISO date (`2026-02-27`, or a
/// year or year-month), which the readers produce for every dated format;
/// such versions order by their text.
fn publisher_date(version: &VersionInfo) -> Option<&str> {
    version
        .version
        .as_deref()
        .filter(|v| v.len() >= 4 && v.bytes().take(4).all(|b| b.is_ascii_digit()))
}

/// Whether `offered` (a publisher version) is older than the stored `current`
/// one. Undated versions are never called older: nothing says they are.
pub fn is_older(offered: Option<&str>, current: &VersionInfo) -> bool {
    let offered = offered.filter(|v| v.len() >= 4 && v.bytes().take(4).all(|b| b.is_ascii_digit()));
    match (offered, publisher_date(current)) {
        (Some(offered), Some(current)) => offered < current,
        _ => false,
    }
}

/// Newest first: by publisher date, then by import order. A store written
/// before older versions were refused may hold an older version imported
/// after a newer one; the newer content still serves.
fn newer(a: &VersionInfo, b: &VersionInfo) -> Ordering {
    publisher_date(a)
        .cmp(&publisher_date(b))
        .then(a.id.cmp(&b.id))
}

/// The current version of one source, if any is stored.
pub fn current_version<S: Store + ?Sized>(
    store: &S,
    source: &str,
) -> Result<Option<VersionInfo>, Error> {
    Ok(store
        .versions()?
        .into_iter()
        .filter(|v| v.source == source)
        .max_by(newer))
}

/// The current version of every source, with its entities, by source.
pub fn current_lists<S: Store + ?Sized>(
    store: &S,
) -> Result<Vec<(VersionInfo, ParsedList)>, Error> {
    current_versions(store)?
        .into_iter()
        .map(|v| Ok((store.load(v.id)?, v)))
        .map(|r: Result<(ParsedList, VersionInfo), Error>| r.map(|(l, v)| (v, l)))
        .collect()
}

/// The labels of the current versions ([`Indexed::labels`] of the lists as
/// they are stored now), read from the versions' records alone: what a
/// process compares with its index to know it is behind.
pub fn current_labels<S: Store + ?Sized>(store: &S) -> Result<Vec<String>, Error> {
    Ok(current_versions(store)?
        .iter()
        .map(VersionInfo::label)
        .collect())
}

/// The current version of every source, by source.
fn current_versions<S: Store + ?Sized>(store: &S) -> Result<Vec<VersionInfo>, Error> {
    let mut current: HashMap<String, VersionInfo> = HashMap::new();
    for version in store.versions()? {
        let keep = match current.get(&version.source) {
            Some(known) => newer(&version, known) == Ordering::Greater,
            None => true,
        };
        if keep {
            current.insert(version.source.clone(), version);
        }
    }
    let mut versions: Vec<VersionInfo> = current.into_values().collect();
    versions.sort_by(|a, b| a.source.cmp(&b.source));
    Ok(versions)
}

/// A stored version by `#ID`, `SOURCE@VERSION` or `SOURCE` (the current one).
pub fn find_version<S: Store + ?Sized>(store: &S, spec: &str) -> Result<VersionInfo, Error> {
    if spec.starts_with('#') || spec.contains('@') {
        return Ok(store.find(spec)?);
    }
    current_version(store, spec)?
        .ok_or_else(|| Error::Store(cordon_store::Error::NotFound(spec.to_string())))
}
