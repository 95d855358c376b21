//! The screening index: interned tokens, an inverted index from token keys to
//! tokens and from tokens to names, and candidate retrieval that touches only
//! the postings of keys derived from the query.
//!
//! Keys of a token: the token itself, its single-deletion neighbourhood (typos
//! within one edit meet on a shared deletion), its phonetic key and its
//! name-equivalence groups. Adjacent token pairs of every list name are also
//! indexed joined, so `abdulrahman` finds `Abdul Rahman`.

mod bounds;
mod build;
mod csr;
mod keys;
mod reach;
mod retrieve;
mod score;
mod scratch;
mod stamp;
mod vocab;

use bounds::{least_name_score, LeastScores};
use csr::Csr;
pub use reach::{retrieval_tokens, retrieval_tokens_stamp};

use retrieve::Floors;
use score::Memo;
use scratch::{Kept, Scratch, Seen, SCRATCH};
use vocab::Vocab;

use crate::align::QUERY_LOW_EXP;
use crate::align::{
    align_prepared, best_alt_sim, stack_penalty, Alignment, Cell, QuerySide, SimMatrix,
};
use crate::explain::{explain_name, summarize, Explanation, NameContext};
use crate::prepare::{
    prepare_query_with, romanized_variants, split_tokens, QPos, QueryShape, MAX_TOKENS,
};
use crate::qualifiers::{
    agreement_strengths, assess, combine, max_agreement, max_agreement_besides_country,
    normalize_identifier, possible_agreement, NAME_CEILING, WEAK_ALIAS_FACTOR,
};
use crate::token::{
    is_distinctive, key_hash, key_hash_parts, kind_weight, letter_set, phonetic_hash,
    skeleton_hash, token_sim, NisbaFacts, OwnedToken, Rule, TokenView, MIN_TOKEN_SIM,
};
use crate::{Match, Query, ScreenOptions};
use ahash::AHashMap;
use cordon_model::{Entity, NameQuality};
use cordon_names::TokenKind;
use rayon::prelude::*;
use smallvec::SmallVec;
use std::cell::RefCell;

/// Romanisation variants indexed per list name.
const LIST_VARIANTS: usize = 3;
/// Most names fully scored per query.
const MAX_CANDIDATES: usize = 32;
/// Most name records of one entity scored per query. Three, because an entity's
/// exact alias can rank third among its names: the query's adjacent words joined
/// (`osamabin`) also credit the longer aliases holding them ("BIN LADIN, Osama bin
/// Muhammad bin Awad"), and with two the exact "BIN LADEN, Osama" of OFAC 6365 was
/// never scored ("Osama bin Laden" ranked Hamza bin Laden first).
const MAX_PER_ENTITY: u8 = 3;
/// Most names scored when many tie with the best.
const MAX_TIED: usize = 128;
/// Fewest listed persons who must bear a name for the lists to count it as common
/// among the people they target: two may be relatives (brothers share a family
/// name), three unrelated people sharing it rarely are.
const MIN_SHARED_PERSONS: u32 = 3;
/// Lowest rarity factor (for the most common tokens).
const MIN_RARITY: f32 = 0.35;
/// Retrieval weight of a list word that is not a name (generic word, particle, legal
/// form) standing for a query name token.
const GENERIC_EVIDENCE: f32 = 0.3;

/// One romanised variant of one list name.
#[derive(Debug, Clone)]
struct NameRecord {
    entity: u32,
    name: u16,
    token_start: u32,
    token_len: u8,
    weak: bool,
    transliterated: bool,
}

/// A built screening index over a set of entities. `Send + Sync`; build once per set of list versions.
#[derive(Debug, Default)]
pub struct Index {
    entities: Vec<Entity>,
    by_id: AHashMap<String, u32>,
    vocab: Vocab,
    records: Vec<NameRecord>,
    record_tokens: Vec<u32>,
    /// Vocabulary token -> name records holding it (joined pairs included).
    postings: Csr,
    /// Key hash -> vocabulary tokens.
    keys: AHashMap<u64, (u32, u32)>,
    /// Vocabulary token -> similar vocabulary tokens with their similarity, precomputed
    /// so that a query token already in the vocabulary needs no key expansion.
    neighbour_offsets: Vec<u32>,
    neighbours: Vec<(u32, Cell)>,
    key_tokens: Vec<u32>,
    /// Normalised identifier number -> entities.
    identifiers: AHashMap<String, SmallVec<[u32; 1]>>,
    /// Country code (uppercase) -> entities a query country can agree with (listed
    /// nationality, country or birth-place country).
    by_country: AHashMap<String, Vec<u32>>,
}

impl Index {
    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when the index holds no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Number of indexed name variants (romanised renderings of list names).
    pub fn name_count(&self) -> usize {
        self.records.len()
    }

    /// The entity with this id (`source:source_id`).
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.by_id
            .get(id)
            .and_then(|&i| self.entities.get(i as usize))
    }

    /// All entities, in build order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// True when one listed name (romanised) holds every token of `name` (romanised):
    /// such a name is a listed name, not a stranger's.
    pub fn some_name_contains_all(&self, name: &str) -> bool {
        let (_, variants) = romanized_variants(name, 1);
        let Some(primary) = variants.first() else {
            return false;
        };
        let mut common: Option<Vec<u32>> = None;
        for t in split_tokens(primary) {
            let Some(&id) = self.vocab.ids.get(t) else {
                return false;
            };
            let row = self.postings.row(id);
            common = Some(match common {
                None => row.to_vec(),
                Some(c) => c
                    .into_iter()
                    .filter(|r| row.binary_search(r).is_ok())
                    .collect(),
            });
        }
        common.is_some_and(|c| !c.is_empty())
    }

    /// Screens a query: matching entities at or above the threshold, best first.
    /// When no match explains most of the name, a listed name is also looked for
    /// inside it (`subspan`: "Global Trade Osama bin Laden Holding").
    pub fn screen(&self, query: &Query, options: &ScreenOptions) -> Vec<Match> {
        let mut found = self.screen_whole(query, options);
        if found.iter().all(crate::subspan::leaves_words_out) {
            crate::subspan::merge(
                &mut found,
                crate::subspan::screen_runs(self, query, options),
            );
            found.truncate(options.limit);
        }
        found
    }

    /// Rarity-weighted evidence weight and kind of a listed token, or `None` when no
    /// list name holds it.
    pub(crate) fn listed_weight(&self, token: &str) -> Option<(f32, TokenKind)> {
        let &id = self.vocab.ids.get(token)?;
        self.vocab
            .features
            .get(id as usize)
            .map(|f| (f.weight, f.kind))
    }

    /// True when one listed name (one romanised record) holds both tokens.
    pub(crate) fn some_record_holds_both(&self, a: &str, b: &str) -> bool {
        let (Some(&ia), Some(&ib)) = (self.vocab.ids.get(a), self.vocab.ids.get(b)) else {
            return false;
        };
        let (ra, rb) = (self.postings.row(ia), self.postings.row(ib));
        let (short, long) = if ra.len() <= rb.len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        short.iter().any(|r| long.binary_search(r).is_ok())
    }

    /// [`Index::screen`] of the whole name only.
    pub(crate) fn screen_whole(&self, query: &Query, options: &ScreenOptions) -> Vec<Match> {
        let mut shapes = prepare_query_with(&query.name, &|t| self.known_token(t));
        for shape in &mut shapes {
            self.reweigh(shape);
        }
        // Name coverage needed with every qualifier agreeing, and with every one
        // but the country (for entities the query's country cannot agree with).
        let coverage = |boosts: &[f64]| {
            (least_name_score(options.threshold, boosts) as f32).powf(1.0 / QUERY_LOW_EXP)
        };
        let country = query
            .country
            .as_deref()
            .map(|c| c.trim().to_ascii_uppercase());
        let floors = Floors {
            any: coverage(&max_agreement(query)),
            elsewhere: coverage(&max_agreement_besides_country(query)),
            agreeing: country
                .as_ref()
                .and_then(|c| self.by_country.get(c))
                .map_or(&[][..], Vec::as_slice),
        };
        let best = SCRATCH.with(|s| {
            let s = &mut *s.borrow_mut();
            s.memo.begin(self.vocab.len(), &shapes);
            let mut candidates = self.retrieve(&shapes, &floors, s);
            candidates.extend(self.identifier_candidates(query));
            let mut least = LeastScores::new(query, country.as_deref(), options.threshold);
            self.score_candidates(&shapes, &candidates, &mut least, &mut s.memo)
        });
        let mut out: Vec<Match> = best
            .into_iter()
            .filter_map(|b| self.to_match(query, &shapes, b, options.threshold))
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.entity_id.cmp(&b.entity_id))
        });
        out.truncate(options.limit);
        out
    }

    /// A vocabulary token as a query token (kind weight, features as indexed), or
    /// `None` for a token the lists do not hold.
    fn known_token(&self, text: &str) -> Option<OwnedToken> {
        let &id = self.vocab.ids.get(text)?;
        let view = self.vocab.view(id);
        Some(OwnedToken {
            text: text.to_string(),
            kind: view.kind,
            weight: kind_weight(view.kind, text),
            phon: view.phon,
            groups: view.groups.iter().copied().collect(),
            group_bits: view.group_bits,
            skel: view.skel,
            vowelless: false,
            letters: view.letters,
            bits: view.bits,
            nisba: view.nisba,
            syllabic: false,
            vocab_id: Some(id),
        })
    }

    /// Gives query spellings the rarity-aware weights of the list vocabulary where known.
    fn reweigh(&self, shape: &mut QueryShape) {
        for pos in &mut shape.positions {
            for t in &mut pos.alts {
                if let Some(id) = t.vocab_id {
                    let i = id as usize;
                    let (listed, kind) = self
                        .vocab
                        .features
                        .get(i)
                        .map_or((t.weight, t.kind), |f| (f.weight, f.kind));
                    // The list's rarity, on the query token's own kind.
                    let rarity = listed / kind_weight(kind, &t.text).max(f32::EPSILON);
                    t.weight = kind_weight(t.kind, &t.text) * rarity;
                }
            }
        }
    }
}
