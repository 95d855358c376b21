//! Which queries an index can retrieve at all, told without preparing them again.
//!
//! A query reaches a candidate only through a vocabulary token that shares a
//! retrieval key with one of its spellings ([`Index::expand`]; a spelling in the
//! vocabulary shares its own exact key), through a joined pair of adjacent
//! spellings, through a run of its words whose primary romanisations are in the
//! vocabulary ([`crate::subspan`]), or through an identifier number the index
//! holds. [`retrieval_tokens`] lists all of those texts of a query once; they do
//! not depend on any index, so a customer register can keep them. Against a given
//! index, [`Index::can_retrieve`] tests one text with every key any spelling of it
//! could use (skeleton and single deletions included): when no text of a query
//! passes, screening it against that index finds nothing, and it need not be
//! prepared and screened (the delta rescreen of a large register).

use super::keys::token_keys;
use super::*;
use crate::token::key_hash;
use std::sync::OnceLock;

/// Marks an identifier number among a query's retrieval tokens. Name tokens never
/// start with it: normalisation drops `#` with the other punctuation.
const IDENTIFIER_MARK: char = '#';

/// Raised by hand when the derivation of retrieval tokens changes in a way the
/// probe names of [`retrieval_tokens_stamp`] might not show.
const RETRIEVAL_TOKENS_REVISION: u32 = 1;

/// Names in the scripts and shapes the derivation treats differently (Latin with
/// punctuation and particles, Cyrillic of Russian and Kazakh, Arabic, Hebrew,
/// Chinese, Korean, Japanese, Greek, Georgian, Armenian, a long company name with
/// a listed name inside, digits): a change in normalisation or romanisation that
/// changes their tokens changes the stamp, so stored tokens are derived again.
const PROBE_NAMES: &[&str] = &[
    "Doku Khamatovich Umarov",
    "O'Brien-Smith, Abdul Rahman al-Baghdadi",
    "Умаров Доку Хаматович",
    "Қасымов Ибраһим Жұмабайұлы",
    "أسامة بن محمد بن عوض بن لادن",
    "משה כהן",
    "金正恩",
    "김정은",
    "ヤマダ タロウ",
    "Ὀσάμα Μπιν Λάντεν",
    "ჯუღაშვილი იოსებ",
    "Հակոբ Հակոբյան",
    "Global Trade Osama bin Laden Holding Co Ltd",
    "Mohammed 4 Ali Jr.",
];

/// The texts through which screening `query` can retrieve candidates from any
/// index, sorted and distinct: every spelling of every token position, adjacent
/// spellings joined, each word's primary romanisation, and each identifier number
/// (marked). Never empty-stringed; no text holds a space.
pub fn retrieval_tokens(query: &Query) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for shape in crate::prepare::prepare_query(&query.name) {
        out.extend(
            shape
                .positions
                .iter()
                .flat_map(|p| p.alts.iter().map(|t| t.text.clone())),
        );
        for pair in shape.positions.windows(2) {
            if let (Some(a), Some(b)) = (pair[0].primary(), pair[1].primary()) {
                out.push(format!("{}{}", a.text, b.text));
            }
        }
    }
    out.extend(crate::subspan::word_romanizations(&query.name));
    out.extend(
        query
            .identifiers
            .iter()
            .map(|n| normalize_identifier(n))
            .filter(|n| !n.is_empty())
            .map(|n| format!("{IDENTIFIER_MARK}{n}")),
    );
    out.retain(|t| !t.is_empty() && !t.contains(' '));
    out.sort_unstable();
    out.dedup();
    out
}

/// A stamp of the derivation of [`retrieval_tokens`]: tokens stored under another
/// stamp were derived by another matcher and must be derived again.
pub fn retrieval_tokens_stamp() -> &'static str {
    static STAMP: OnceLock<String> = OnceLock::new();
    STAMP.get_or_init(|| {
        let mut probe = String::new();
        for name in PROBE_NAMES {
            probe.push_str(&retrieval_tokens(&Query::name(name)).join(" "));
            probe.push('\n');
        }
        format!(
            "rt{RETRIEVAL_TOKENS_REVISION}-{:016x}",
            key_hash(0, probe.as_bytes())
        )
    })
}

impl Index {
    /// False when no query holding the retrieval token `token` (one of
    /// [`retrieval_tokens`]) can reach a candidate of this index through it.
    pub fn can_retrieve(&self, token: &str) -> bool {
        if let Some(number) = token.strip_prefix(IDENTIFIER_MARK) {
            return self.identifiers.contains_key(number);
        }
        // As a query spelling not in the vocabulary, from a vowelless script and
        // looked up with its deletions: the most keys any spelling of it uses.
        let spelling = OwnedToken::new_query(token, true);
        let mut keys = SmallVec::new();
        token_keys(&spelling.view(), true, true, &mut keys);
        keys.iter().any(|k| self.keys.contains_key(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Identifier, IdentifierKind, Name, NameKind, Schema};

    fn index_of(names: &[&str]) -> Index {
        let entities = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut e = Entity::new("t", &i.to_string(), Schema::Person);
                e.names.push(Name::new(*n, NameKind::Primary));
                e
            })
            .collect();
        Index::build(entities)
    }

    fn reachable(index: &Index, query: &Query) -> bool {
        retrieval_tokens(query)
            .iter()
            .any(|t| index.can_retrieve(t))
    }

    #[test]
    fn tokens_hold_spellings_joined_pairs_words_and_marked_identifiers() {
        let mut query = Query::name("Abdul Rahman Umarov");
        query.identifiers.push("AB 12-345".into());
        let tokens = retrieval_tokens(&query);
        for t in [
            "abdul",
            "rahman",
            "umarov",
            "abdulrahman",
            "rahmanumarov",
            "#AB12345",
        ] {
            assert!(tokens.iter().any(|x| x == t), "{t} missing from {tokens:?}");
        }
        assert!(tokens.windows(2).all(|w| w[0] < w[1]));
        assert!(tokens.iter().all(|t| !t.is_empty() && !t.contains(' ')));
    }

    #[test]
    fn a_name_token_never_reads_as_an_identifier() {
        let tokens = retrieval_tokens(&Query::name("#Umarov ##Doku #12345"));
        assert!(!tokens.is_empty());
        assert!(
            tokens.iter().all(|t| !t.starts_with(IDENTIFIER_MARK)),
            "{tokens:?}"
        );
    }

    #[test]
    fn what_screening_finds_the_tokens_reach() {
        let index = index_of(&["Doku Khamatovich Umarov", "Abdulrahman Yasin"]);
        // A typo, another script, a joined pair.
        for name in ["Doku Umarof", "Умаров Доку", "Abdul Rahman Yasin"] {
            let query = Query::name(name);
            assert!(
                !index.screen(&query, &ScreenOptions::default()).is_empty(),
                "{name}"
            );
            assert!(reachable(&index, &query), "{name}");
        }
        // A listed name inside a longer one is reached through its words (in an
        // index of two entities every word is rare, so it need not be reported).
        assert!(reachable(
            &index,
            &Query::name("Global Trade Doku Umarov Holding")
        ));
        assert!(!reachable(&index, &Query::name("Maria Gonzalez")));
    }

    #[test]
    fn an_identifier_reaches_only_an_index_that_holds_it() {
        let mut entity = Entity::new("t", "1", Schema::Vessel);
        entity.names.push(Name::new("Sea Star", NameKind::Primary));
        entity.identifiers.push(Identifier {
            kind: IdentifierKind::Imo,
            number: "IMO 7406784".into(),
            country: None,
            note: None,
        });
        let index = Index::build(vec![entity]);
        let mut query = Query::name("Maria Gonzalez");
        assert!(!reachable(&index, &query));
        query.identifiers.push("7406784".into());
        assert!(reachable(&index, &query));
    }

    #[test]
    fn the_stamp_is_stable_within_a_build() {
        assert_eq!(retrieval_tokens_stamp(), retrieval_tokens_stamp());
        assert!(retrieval_tokens_stamp().starts_with("rt1-"));
    }
}
