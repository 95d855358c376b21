//! Name-equivalence groups (given and family names that are the same name
//! in different spellings or languages), generated from rigour's
//! `persons` table (MIT; data from Wikidata, CC0). See NOTICE and
//! `examples/gen_tables.rs` for how the embedded table is made.

use ahash::AHashMap;
use std::sync::OnceLock;

static TABLE_TEXT: &str = include_str!("../data/equivalence_groups.tsv");

/// The table by token. aHash rather than the standard SipHash: every query token
/// not in the lists' vocabulary is looked up here, and on short keys aHash takes a
/// fraction of SipHash's time (no untrusted party chooses the keys of this table).
fn table() -> &'static AHashMap<&'static str, Box<[u32]>> {
    static MAP: OnceLock<AHashMap<&'static str, Box<[u32]>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = AHashMap::with_capacity(TABLE_TEXT.len() / 16);
        for line in TABLE_TEXT.lines() {
            let Some((token, ids)) = line.split_once('\t') else {
                continue;
            };
            let ids: Box<[u32]> = ids.split(',').filter_map(|id| id.parse().ok()).collect();
            if !ids.is_empty() {
                map.insert(token, ids);
            }
        }
        map
    })
}

/// Name-equivalence groups of a romanised (lowercase ASCII) token, e.g.
/// `muhammad` and `mohammed` share a group. Empty when the token is in no
/// group. The first call parses the embedded table (tens of milliseconds).
pub fn equivalence_groups(token: &str) -> &'static [u32] {
    table().get(token).map_or(&[], |ids| ids)
}

/// Whether two romanised tokens share an equivalence group.
pub fn equivalent(a: &str, b: &str) -> bool {
    let left = equivalence_groups(a);
    !left.is_empty() && equivalence_groups(b).iter().any(|id| left.contains(id))
}

/// Number of tokens in the embedded table.
pub fn table_len() -> usize {
    table().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_share_groups() {
        assert!(table_len() > 100_000);
        assert!(equivalent("mohamed", "mohammed"));
        assert!(!equivalence_groups("alexander").is_empty());
        assert!(equivalence_groups("zzzqqq").is_empty());
        assert!(!equivalent("muhammad", "zzzqqq"));
    }
}
