//! The screening index: interned tokens, an inverted index from token keys to
//! tokens and from tokens to names, and candidate retrieval that touches only
//! the postings of keys derived from the query.
//!
//! Keys of a token: the token itself, its single-deletion neighbourhood (typos
//! within one edit meet on a shared deletion), its phonetic key and its
//! name-equivalence groups. Adjacent token pairs of every list name are also
//! indexed joined, so `abdulrahman` finds `Abdul Rahman`.

use crate::align::QUERY_LOW_EXP;
use crate::align::{
    align_prepared, best_alt_sim, stack_penalty, Alignment, Cell, QuerySide, SimMatrix, MAX_TOKENS,
};
use crate::explain::{explain_name, summarize, Explanation, NameContext};
use crate::prepare::{prepare_query_with, romanized_variants, split_tokens, QPos, QueryShape};
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

/// Interned tokens and what the scorer needs of each.
#[derive(Debug, Default)]
struct Vocab {
    ids: AHashMap<Box<str>, u32>,
    text: Vec<Box<str>>,
    /// What the scorer needs of each token, one record per token so that a
    /// view costs one cache line rather than one per field.
    features: Vec<Features>,
    groups: Vec<u32>,
    /// True for tokens of list names (false for tokens that only occur as a joined pair).
    in_name: Vec<bool>,
    /// True for joined pairs whose first token is a particle (`al` + `dhahaba`): the
    /// usual joined spelling of an article, so they keep their deletion neighbourhood.
    particle_joined: Vec<bool>,
}

/// The scorer's facts about one vocabulary token (its text and groups live apart).
#[derive(Debug, Clone, Copy)]
struct Features {
    phon: u64,
    skel: u64,
    weight: f32,
    groups: (u32, u32),
    letters: u32,
    kind: TokenKind,
    /// Information of the token agreeing by chance (population commonness).
    bits: f32,
    nisba: NisbaFacts,
}

impl Vocab {
    /// Interns the text only; [`Vocab::compute_features`] fills the rest once all are in.
    fn intern(&mut self, token: &str, in_name: bool) -> u32 {
        if let Some(&id) = self.ids.get(token) {
            if in_name {
                if let Some(f) = self.in_name.get_mut(id as usize) {
                    *f = true;
                }
            }
            return id;
        }
        let id = self.text.len() as u32;
        self.ids.insert(token.into(), id);
        self.text.push(token.into());
        self.in_name.push(in_name);
        self.particle_joined.push(false);
        id
    }

    /// Marks a joined pair as starting with a particle.
    fn mark_particle_joined(&mut self, id: u32) {
        if let Some(f) = self.particle_joined.get_mut(id as usize) {
            *f = true;
        }
    }

    /// Whether a token's single-deletion neighbourhood is indexed: list tokens and
    /// particle compounds; other joined pairs (most of the vocabulary at scale) are
    /// met through the query's deletions, phonetic key and skeleton instead.
    fn keeps_deletions(&self, id: u32) -> bool {
        let i = id as usize;
        self.in_name.get(i).copied().unwrap_or(true)
            || self.particle_joined.get(i).copied().unwrap_or(false)
    }

    /// Kind, weight, phonetic key and equivalence groups of every token, in parallel.
    fn compute_features(&mut self) {
        let features: Vec<_> = self
            .text
            .par_iter()
            .map(|t| {
                (
                    cordon_names::token_kind(t),
                    phonetic_hash(t),
                    cordon_names::equivalence_groups(t),
                    skeleton_hash(t),
                    crate::commonness::bits(t),
                    NisbaFacts::of(t),
                )
            })
            .collect();
        for (t, (kind, phon, groups, skel, bits, nisba)) in self.text.iter().zip(features) {
            let start = self.groups.len() as u32;
            self.groups.extend_from_slice(groups);
            self.features.push(Features {
                phon,
                skel,
                weight: kind_weight(kind, t),
                groups: (start, self.groups.len() as u32),
                letters: letter_set(t),
                kind,
                bits,
                nisba,
            });
        }
    }

    fn view(&self, id: u32) -> TokenView<'_> {
        let i = id as usize;
        let text = self.text.get(i).map_or("", |t| t);
        match self.features.get(i) {
            Some(f) => TokenView {
                text,
                kind: f.kind,
                weight: f.weight,
                phon: f.phon,
                groups: self
                    .groups
                    .get(f.groups.0 as usize..f.groups.1 as usize)
                    .unwrap_or(&[]),
                skel: f.skel,
                vowelless: false,
                letters: f.letters,
                bits: f.bits,
                nisba: f.nisba,
            },
            None => TokenView {
                text,
                kind: TokenKind::Name,
                weight: 1.0,
                phon: 0,
                groups: &[],
                skel: 0,
                vowelless: false,
                letters: letter_set(text),
                bits: crate::commonness::RARE_BITS,
                nisba: NisbaFacts::of(text),
            },
        }
    }
}

/// Compressed rows: row `i` is `data[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Default)]
struct Csr {
    offsets: Vec<u32>,
    data: Vec<u32>,
}

impl Csr {
    fn from_pairs(rows: usize, pairs: &mut [(u32, u32)]) -> Csr {
        pairs.sort_unstable();
        Csr::from_unique(rows, pairs)
    }

    fn from_unique(rows: usize, sorted: &[(u32, u32)]) -> Csr {
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut data = Vec::with_capacity(sorted.len());
        let mut iter = sorted.iter().peekable();
        for r in 0..rows as u32 {
            offsets.push(data.len() as u32);
            while let Some(&&(row, v)) = iter.peek() {
                if row != r {
                    break;
                }
                if data.len() as u32 == *offsets.last().unwrap_or(&0) || data.last() != Some(&v) {
                    data.push(v);
                }
                iter.next();
            }
        }
        offsets.push(data.len() as u32);
        Csr { offsets, data }
    }

    fn row(&self, i: u32) -> &[u32] {
        let i = i as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.data.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
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

/// Pushes the retrieval keys of a token (its consonant skeleton too when `skel` is set;
/// its single-deletion neighbourhood only when `deletions` is set).
fn token_keys(t: &TokenView<'_>, skel: bool, deletions: bool, out: &mut SmallVec<[u64; 32]>) {
    let (text, phon, groups) = (t.text, t.phon, t.groups);
    if skel && t.skel != 0 {
        out.push(t.skel);
    }
    let b = text.as_bytes();
    out.push(key_hash(0, b));
    if b.len() >= 3 && b.len() <= 40 {
        out.push(key_hash(1, b));
    }
    if deletions && b.len() >= 4 && b.len() <= 40 {
        for i in 0..b.len() {
            out.push(key_hash_parts(1, &b[..i], &b[i + 1..]));
        }
    }
    if phon != 0 {
        out.push(phon);
    }
    for g in groups {
        out.push(key_hash(3, &g.to_le_bytes()));
    }
}

/// A list name's romanised variants, computed in parallel before interning.
struct RomanizedName {
    name: u16,
    weak: bool,
    translit: bool,
    variants: Vec<String>,
}

impl Index {
    /// Builds the index. Romanisation runs in parallel; everything else is a few linear passes.
    pub fn build(entities: Vec<Entity>) -> Index {
        let romanized: Vec<Vec<RomanizedName>> = entities
            .par_iter()
            .map(|e| {
                e.names
                    .iter()
                    .enumerate()
                    .take(usize::from(u16::MAX))
                    .map(|(k, n)| {
                        let (normal, variants) = romanized_variants(&n.full, LIST_VARIANTS);
                        let translit = variants.first().is_some_and(|v| *v != normal);
                        RomanizedName {
                            name: k as u16,
                            weak: n.quality == NameQuality::Weak,
                            translit,
                            variants,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut index = Index {
            by_id: entities
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.clone(), i as u32))
                .collect(),
            ..Index::default()
        };
        let mut joined_pairs: Vec<(u32, u32)> = Vec::new();
        for (ei, names) in romanized.iter().enumerate() {
            for n in names {
                for v in &n.variants {
                    index.push_record(ei as u32, n.name, n.weak, n.translit, v, &mut joined_pairs);
                }
            }
        }
        // The variant strings are interned now; free them before the key tables peak.
        drop(romanized);
        index.vocab.compute_features();
        index.entities = entities;
        index.apply_rarity();
        index.apply_list_commonness();
        index.build_postings(joined_pairs);
        index.build_keys();
        index.build_neighbours();
        index.build_identifiers();
        index.build_countries();
        index
    }

    fn push_record(
        &mut self,
        entity: u32,
        name: u16,
        weak: bool,
        translit: bool,
        variant: &str,
        joined: &mut Vec<(u32, u32)>,
    ) {
        let start = self.record_tokens.len() as u32;
        let rec_id = self.records.len() as u32;
        let mut prev: Option<&str> = None;
        let mut buf = String::new();
        for t in split_tokens(variant) {
            let id = self.vocab.intern(t, true);
            self.record_tokens.push(id);
            if let Some(p) = prev {
                buf.clear();
                buf.push_str(p);
                buf.push_str(t);
                let pair = self.vocab.intern(&buf, false);
                if cordon_names::token_kind(p) == TokenKind::Particle {
                    self.vocab.mark_particle_joined(pair);
                }
                joined.push((pair, rec_id));
            }
            prev = Some(t);
        }
        let len = self.record_tokens.len() as u32 - start;
        if len == 0 {
            return;
        }
        // Identical token sequences of one entity add nothing.
        let dup = self.records.iter().rev().take(8).any(|r| {
            r.entity == entity && self.tokens_of(r) == &self.record_tokens[start as usize..]
        });
        if dup {
            self.record_tokens.truncate(start as usize);
            joined.retain(|&(_, r)| r != rec_id);
            return;
        }
        self.records.push(NameRecord {
            entity,
            name,
            token_start: start,
            token_len: len.min(255) as u8,
            weak,
            transliterated: translit,
        });
    }

    fn tokens_of(&self, r: &NameRecord) -> &[u32] {
        let s = r.token_start as usize;
        self.record_tokens
            .get(s..s + usize::from(r.token_len))
            .unwrap_or(&[])
    }

    /// Scales each token's weight by its rarity across entities (IDF-like).
    fn apply_rarity(&mut self) {
        let mut df = vec![0u32; self.vocab.text.len()];
        let mut last_entity = vec![u32::MAX; self.vocab.text.len()];
        for r in &self.records {
            let s = r.token_start as usize;
            for &t in self
                .record_tokens
                .get(s..s + usize::from(r.token_len))
                .unwrap_or(&[])
            {
                if let (Some(d), Some(l)) =
                    (df.get_mut(t as usize), last_entity.get_mut(t as usize))
                {
                    if *l != r.entity {
                        *l = r.entity;
                        *d += 1;
                    }
                }
            }
        }
        let n = self.entities.len().max(1) as f32;
        let norm = (1.0 + n).ln();
        for (f, &d) in self.vocab.features.iter_mut().zip(&df) {
            let rarity = (1.0 + n / d.max(1) as f32).ln() / norm;
            f.weight *= MIN_RARITY + (1.0 - MIN_RARITY) * rarity.min(1.0);
        }
    }

    /// Lowers each token's information to what the listed persons themselves show:
    /// the lists are a sample of the people they target, so a name that several
    /// unrelated listed persons bear (`jafari`, `hosseini`, `otaibi`) is common where
    /// they come from, however rare the commonness table (Wikidata people of six
    /// language communities, which under-count Persian, Afghan and Gulf names) makes
    /// it. The share of a token is the number of listed persons bearing it (in any
    /// of their names) over the tokens of the persons' first names: the chance that
    /// a name token of a listed person is this one.
    fn apply_list_commonness(&mut self) {
        let n = self.vocab.text.len();
        let mut persons = vec![0u32; n];
        let mut last_entity = vec![u32::MAX; n];
        let mut name_tokens = 0u64;
        let mut previous = u32::MAX;
        for r in &self.records {
            let is_person = self
                .entities
                .get(r.entity as usize)
                .is_some_and(|e| e.schema == cordon_model::Schema::Person);
            if !is_person {
                continue;
            }
            // Records of an entity are contiguous, its first name's first.
            if r.entity != previous {
                previous = r.entity;
                name_tokens += u64::from(r.token_len);
            }
            let s = r.token_start as usize;
            for &t in self
                .record_tokens
                .get(s..s + usize::from(r.token_len))
                .unwrap_or(&[])
            {
                if let (Some(d), Some(l)) =
                    (persons.get_mut(t as usize), last_entity.get_mut(t as usize))
                {
                    if *l != r.entity {
                        *l = r.entity;
                        *d += 1;
                    }
                }
            }
        }
        for (f, &d) in self.vocab.features.iter_mut().zip(&persons) {
            if d >= MIN_SHARED_PERSONS {
                f.bits = f.bits.min((name_tokens as f32 / d as f32).log2());
            }
        }
    }

    /// Information of a token agreeing by chance, as the index knows it (the
    /// commonness table, lowered by the lists; [`Index::apply_list_commonness`]).
    pub(crate) fn token_bits(&self, token: &str) -> f32 {
        match self.vocab.ids.get(token) {
            Some(&id) => self
                .vocab
                .features
                .get(id as usize)
                .map_or(crate::commonness::RARE_BITS, |f| f.bits),
            None => crate::commonness::bits(token),
        }
    }

    fn build_postings(&mut self, mut pairs: Vec<(u32, u32)>) {
        for (rid, r) in self.records.iter().enumerate() {
            let s = r.token_start as usize;
            for &t in self
                .record_tokens
                .get(s..s + usize::from(r.token_len))
                .unwrap_or(&[])
            {
                pairs.push((t, rid as u32));
            }
        }
        self.postings = Csr::from_pairs(self.vocab.text.len(), &mut pairs);
    }

    fn build_keys(&mut self) {
        let vocab = &self.vocab;
        let mut pairs: Vec<(u64, u32)> = (0..vocab.text.len() as u32)
            .into_par_iter()
            .flat_map_iter(|id| {
                let v = vocab.view(id);
                // The deletion neighbourhoods of all joined pairs would be most of the
                // index's keys (29 of 36 million at a million names).
                let mut keys = SmallVec::new();
                token_keys(&v, true, vocab.keeps_deletions(id), &mut keys);
                keys.into_iter().map(move |k| (k, id))
            })
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut map = AHashMap::with_capacity(pairs.len());
        let mut start = 0usize;
        while start < pairs.len() {
            let key = pairs[start].0;
            let end = start + pairs[start..].iter().take_while(|p| p.0 == key).count();
            map.insert(key, (start as u32, end as u32));
            start = end;
        }
        self.key_tokens = pairs.into_iter().map(|(_, t)| t).collect();
        self.keys = map;
    }

    fn build_neighbours(&mut self) {
        let lists: Vec<Vec<(u32, Cell)>> = (0..self.vocab.text.len() as u32)
            .into_par_iter()
            .map_init(
                || (Seen::default(), Vec::new()),
                |(seen, out), id| {
                    if !self.has_neighbours(id) {
                        return Vec::new();
                    }
                    let v = self.vocab.view(id);
                    out.clear();
                    let stamp = seen.next(self.vocab.text.len());
                    self.expand(&[v], true, out, seen, stamp);
                    out.clone()
                },
            )
            .collect();
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut all = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for l in lists {
            offsets.push(all.len() as u32);
            all.extend(l);
        }
        offsets.push(all.len() as u32);
        self.neighbour_offsets = offsets;
        self.neighbours = all;
    }

    /// Whether a token's neighbours are precomputed (list-name tokens that identify).
    fn has_neighbours(&self, id: u32) -> bool {
        let i = id as usize;
        self.vocab.in_name.get(i).copied().unwrap_or(false)
            && self
                .vocab
                .features
                .get(i)
                .is_some_and(|f| is_distinctive(f.kind))
    }

    fn neighbours_of(&self, id: u32) -> &[(u32, Cell)] {
        let i = id as usize;
        match (
            self.neighbour_offsets.get(i),
            self.neighbour_offsets.get(i + 1),
        ) {
            (Some(&a), Some(&b)) => self.neighbours.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Vocabulary tokens similar to any of `spellings` (found through shared keys), unsorted.
    fn expand(
        &self,
        spellings: &[TokenView<'_>],
        deletions: bool,
        out: &mut Vec<(u32, Cell)>,
        seen: &mut Seen,
        stamp: u32,
    ) {
        let mut keys = SmallVec::new();
        for t in spellings {
            token_keys(t, t.vowelless, deletions, &mut keys);
        }
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            let Some(&(a, b)) = self.keys.get(&k) else {
                continue;
            };
            for &t in self.key_tokens.get(a as usize..b as usize).unwrap_or(&[]) {
                if !seen.first_visit(t, stamp) {
                    continue;
                }
                let v = self.vocab.view(t);
                let best = spellings
                    .iter()
                    .enumerate()
                    .filter_map(|(alt, s)| {
                        token_sim(s, &v).map(|(sim, rule)| Cell {
                            sim,
                            rule,
                            alt: alt as u8,
                        })
                    })
                    .max_by(|a, b| a.sim.total_cmp(&b.sim));
                if let Some(cell) = best {
                    seen.set_slot(t, out.len());
                    out.push((t, cell));
                }
            }
        }
    }

    fn build_countries(&mut self) {
        for (ei, e) in self.entities.iter().enumerate() {
            let birth = e.birth_places.iter().filter_map(|p| p.country.as_ref());
            for code in e.nationalities.iter().chain(&e.countries).chain(birth) {
                let list = self
                    .by_country
                    .entry(code.trim().to_ascii_uppercase())
                    .or_default();
                if list.last() != Some(&(ei as u32)) {
                    list.push(ei as u32);
                }
            }
        }
    }

    fn build_identifiers(&mut self) {
        for (ei, e) in self.entities.iter().enumerate() {
            for id in &e.identifiers {
                let n = normalize_identifier(&id.number);
                if n.len() >= 4 {
                    let list = self.identifiers.entry(n).or_default();
                    if !list.contains(&(ei as u32)) {
                        list.push(ei as u32);
                    }
                }
            }
        }
    }

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
            s.memo.begin(self.vocab.text.len(), &shapes);
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

    /// Records of the entities whose identifiers the query names.
    fn identifier_candidates(&self, query: &Query) -> Vec<u32> {
        let mut out = Vec::new();
        for number in &query.identifiers {
            let n = normalize_identifier(number);
            for &e in self.identifiers.get(&n).map_or(&[][..], |v| v.as_slice()) {
                out.extend(
                    self.records
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.entity == e)
                        .map(|(i, _)| i as u32),
                );
            }
        }
        out
    }

    /// The vocabulary id of a spelling whose neighbours are precomputed (and usable:
    /// a vowelless spelling is always expanded through its keys).
    fn neighbours_id(&self, t: &OwnedToken) -> Option<u32> {
        t.vocab_id
            .filter(|&id| !t.vowelless && self.has_neighbours(id))
    }

    /// Vocabulary tokens similar to any spelling of a query position, best first.
    /// Spellings already in the vocabulary use their precomputed neighbours; only
    /// unknown spellings (typos, unseen names) are expanded through the keys.
    /// `deletions` says whether unknown spellings use their single-deletion keys (list
    /// tokens always have theirs, so without them only the query's extra letters are lost).
    fn similar_tokens(
        &self,
        pos: &QPos,
        deletions: bool,
        out: &mut Vec<(u32, Cell)>,
        seen: &mut Seen,
    ) {
        let unknown: SmallVec<[TokenView<'_>; 4]> = pos
            .alts
            .iter()
            .filter(|t| self.neighbours_id(t).is_none())
            .map(OwnedToken::view)
            .collect();
        out.clear();
        let stamp = seen.next(self.vocab.text.len());
        if !unknown.is_empty() {
            self.expand(&unknown, deletions, out, seen, stamp);
            // `expand` numbered the unknown spellings; map back to the position's spellings.
            let alt_index: SmallVec<[u8; 4]> = (0..pos.alts.len())
                .filter(|&i| {
                    pos.alts
                        .get(i)
                        .is_some_and(|t| self.neighbours_id(t).is_none())
                })
                .map(|i| i as u8)
                .collect();
            for (_, cell) in out.iter_mut() {
                cell.alt = alt_index.get(usize::from(cell.alt)).copied().unwrap_or(0);
            }
        }
        for (alt, t) in pos.alts.iter().enumerate() {
            let Some(id) = self.neighbours_id(t) else {
                continue;
            };
            for &(n, cell) in self.neighbours_of(id) {
                let cell = Cell {
                    alt: alt as u8,
                    ..cell
                };
                if seen.first_visit(n, stamp) {
                    seen.set_slot(n, out.len());
                    out.push((n, cell));
                } else if let Some((_, c)) = seen.slot(n).and_then(|i| out.get_mut(i)) {
                    if c.sim < cell.sim {
                        *c = cell;
                    }
                }
            }
        }
        out.sort_by(|a, b| b.1.sim.total_cmp(&a.1.sim));
    }

    /// Candidate name records: those sharing keys with the query's distinctive tokens,
    /// ranked by the weight of query tokens they can explain.
    fn retrieve(&self, shapes: &[QueryShape], floors: &Floors<'_>, s: &mut Scratch) -> Vec<u32> {
        s.reset(self.records.len());
        let mut similar = Vec::new();
        let (mut floor, mut floor_elsewhere) = (f32::MAX, f32::MAX);
        for (si, shape) in shapes.iter().enumerate() {
            // A name of generic words only (a ministry, a "development group") is
            // retrieved through them; otherwise they never retrieve on their own.
            let all_generic = !shape.positions.iter().any(|p| is_distinctive(p.kind()));
            let distinctive = || {
                shape
                    .positions
                    .iter()
                    .enumerate()
                    .filter(move |(_, p)| all_generic || is_distinctive(p.kind()))
            };
            let total: f32 = distinctive().map(|(_, p)| p.weight()).sum();
            let all: f32 = shape.positions.iter().map(QPos::weight).sum();
            let vowelless = shape
                .positions
                .iter()
                .any(|p| p.alts.iter().any(|t| t.vowelless));
            let margin = if vowelless {
                VOWELLESS_FLOOR_MARGIN
            } else {
                FLOOR_MARGIN
            };
            let other = all - total;
            floor = floor.min(accumulation_floor(floors.any, total, other, margin));
            floor_elsewhere =
                floor_elsewhere.min(accumulation_floor(floors.elsewhere, total, other, margin));
            for (pi, pos) in distinctive() {
                self.similar_tokens(pos, true, &mut similar, &mut s.seen);
                for (t, cell) in &similar {
                    s.memo.set(si, pi, *t, stack_penalty(pos, *cell));
                }
                let evidence = |t: u32, c: &Cell| self.retrieval_evidence(pos, t, c.rule);
                s.accumulate(
                    similar.iter().map(|(t, c)| (*t, c.sim * evidence(*t, c))),
                    &self.postings,
                    pos.weight(),
                );
            }
            self.accumulate_joined(shape, s, &mut similar);
            s.fold_variant();
        }
        if floor == f32::MAX {
            (floor, floor_elsewhere) = (0.0, 0.0);
        }
        // Entities the country can agree with keep the lower floor.
        let stamp = s.kept.mark(self.entities.len(), floors.agreeing);
        let records = &self.records;
        let kept = &s.kept;
        let ranked = s.ranked(floor, |rid, acc| {
            acc >= floor_elsewhere
                || records
                    .get(rid as usize)
                    .is_some_and(|r| kept.is_marked(r.entity, stamp))
        });
        self.select(&ranked, &mut s.kept)
    }

    /// How much a list token found for a query position counts towards retrieval: a
    /// name token that only sounds like, or is listed as equivalent to, a generic
    /// word, particle or legal form of the list (`faure` / `for` through a noisy
    /// equivalence) is weak evidence, or every "front for the liberation" would tie
    /// with the real candidates. A near spelling (`grouj` / `group`) is a typo of
    /// that word and keeps its full weight.
    fn retrieval_evidence(&self, pos: &QPos, token: u32, rule: Rule) -> f32 {
        let sounds_alike = matches!(rule, Rule::Equivalence | Rule::Phonetic | Rule::Initial);
        let listed_kind = self.vocab.features.get(token as usize).map(|f| f.kind);
        match listed_kind {
            Some(kind) if sounds_alike && is_distinctive(pos.kind()) && !is_distinctive(kind) => {
                GENERIC_EVIDENCE
            }
            _ => 1.0,
        }
    }

    /// Adjacent query tokens written as one list token (or the reverse) also count.
    fn accumulate_joined(
        &self,
        shape: &QueryShape,
        s: &mut Scratch,
        similar: &mut Vec<(u32, Cell)>,
    ) {
        let mut joined = String::new();
        for w in shape.positions.windows(2) {
            let (Some(a), Some(b)) = (w[0].primary(), w[1].primary()) else {
                continue;
            };
            if !is_distinctive(w[0].kind()) && !is_distinctive(w[1].kind()) {
                continue;
            }
            joined.clear();
            joined.push_str(&a.text);
            joined.push_str(&b.text);
            let pos = QPos {
                alts: std::iter::once(
                    self.known_token(&joined)
                        .unwrap_or_else(|| OwnedToken::new_query(&joined, false)),
                )
                .collect(),
            };
            // A joined pair of a written-vowel script is looked up without its own
            // deletions: the list's compounds carry theirs, and the pair's are most of
            // the cost. Vowelless romanisations (Arabic) keep them: their joined
            // articles and vowels are guesses the list may spell one letter shorter.
            let vowelless = w[0].alts.iter().chain(&w[1].alts).any(|t| t.vowelless);
            self.similar_tokens(&pos, vowelless, similar, &mut s.seen);
            similar.retain(|(_, c)| c.sim >= MIN_TOKEN_SIM);
            // Both positions are explained by the joined token.
            let weight = w[0].weight() + w[1].weight();
            s.accumulate(
                similar.iter().map(|(t, c)| (*t, c.sim)),
                &self.postings,
                weight,
            );
        }
    }

    /// The records to score: best first, at most [`MAX_PER_ENTITY`] per entity (one per name), [`MAX_CANDIDATES`]
    /// of them plus any tied with the best.
    fn select(&self, ranked: &[(u32, f32)], kept: &mut Kept) -> Vec<u32> {
        kept.begin(self.entities.len());
        let top = ranked.first().map_or(0.0, |r| r.1);
        let mut out = Vec::new();
        for &(rid, acc) in ranked {
            if out.len() >= MAX_CANDIDATES && (acc < top - 1e-4 || out.len() >= MAX_TIED) {
                break;
            }
            let Some(r) = self.records.get(rid as usize) else {
                continue;
            };
            // Variants of one long alias must not crowd out the entity's other names.
            if kept.admit(r.entity, r.name) {
                out.push(rid);
            }
        }
        out
    }

    fn record_views(&self, r: &NameRecord) -> SmallVec<[TokenView<'_>; 8]> {
        self.tokens_of(r)
            .iter()
            .map(|&t| self.vocab.view(t))
            .collect()
    }

    /// Fully scores candidate records; keeps the best name per entity.
    fn score_candidates(
        &self,
        shapes: &[QueryShape],
        candidates: &[u32],
        least: &mut LeastScores<'_>,
        memo: &mut Memo,
    ) -> Vec<Best> {
        let mut best: AHashMap<u32, Best> = AHashMap::new();
        let sides: SmallVec<[QuerySide<'_>; 3]> = shapes
            .iter()
            .map(|s| QuerySide::new(&s.positions))
            .collect();
        for &rid in candidates {
            let Some(r) = self.records.get(rid as usize) else {
                continue;
            };
            let ids = self.tokens_of(r);
            let ids = &ids[..ids.len().min(MAX_TOKENS)];
            let cv = self.record_views(r);
            let least_score = self
                .entities
                .get(r.entity as usize)
                .map_or(0.0, |e| least.of(e));
            for (si, (shape, side)) in shapes.iter().zip(&sides).enumerate() {
                let q = &shape.positions;
                let mut matrix = SimMatrix::new(side.len(), ids.len());
                for (j, (&t, view)) in ids.iter().zip(&cv).enumerate() {
                    memo.fill_column(si, t, side.len(), |i, cell| {
                        matrix.set(
                            i,
                            j,
                            *cell.get_or_insert_with(|| {
                                q.get(i).and_then(|pos| best_alt_sim(pos, view))
                            }),
                        );
                    });
                }
                matrix.find_compounds(side, &cv);
                if !side.may_reach(&cv, &matrix, least_score) {
                    continue;
                }
                let mut al = align_prepared(side, &cv, &matrix, QUERY_LOW_EXP);
                if r.weak && is_bare(&cv) {
                    al.score *= WEAK_BARE_FACTOR;
                    al.factors.push((
                        "a weak alias of one name (a nickname or single name) is no evidence alone",
                        WEAK_BARE_FACTOR,
                    ));
                }
                let effective = f64::from(al.score) * if r.weak { WEAK_ALIAS_FACTOR } else { 1.0 };
                let entry = best.entry(r.entity).or_insert_with(|| Best {
                    record: rid,
                    shape: si,
                    effective: -1.0,
                    alignment: Alignment::default(),
                });
                if effective > entry.effective {
                    *entry = Best {
                        record: rid,
                        shape: si,
                        effective,
                        alignment: al,
                    };
                }
            }
        }
        best.into_values().collect()
    }

    fn to_match(
        &self,
        query: &Query,
        shapes: &[QueryShape],
        b: Best,
        threshold: f64,
    ) -> Option<Match> {
        let r = self.records.get(b.record as usize)?;
        let entity = self.entities.get(r.entity as usize)?;
        let name = entity.names.get(usize::from(r.name))?;
        let evidence = assess(query, entity);
        let (score, qualifiers) = combine(f64::from(b.alignment.score), r.weak, &evidence);
        if score < threshold {
            return None;
        }
        let shape = shapes.get(b.shape)?;
        let cv = self.record_views(r);
        let list_text: Vec<&str> = cv.iter().map(|t| t.text).collect();
        let ctx = NameContext {
            query_text: &shape.text,
            list_text: &list_text.join(" "),
            transliterated: shape.transliterated || r.transliterated,
            weak_penalty: r.weak.then_some(WEAK_ALIAS_FACTOR as f32),
        };
        let name_expl = explain_name(&shape.positions, &cv, &b.alignment, &ctx);
        let score = crate::explain::round_score(score);
        let summary = summarize(&name_expl, &qualifiers, score);
        Some(Match {
            entity_id: entity.id.clone(),
            source: entity.designation.source.clone(),
            source_id: entity.designation.source_id.clone(),
            schema: entity.schema,
            name: entity.caption().to_string(),
            matched_name: name.full.clone(),
            matched_name_kind: name.kind,
            score,
            explanation: Explanation {
                summary,
                score,
                name: name_expl,
                qualifiers,
            },
        })
    }
}

/// Factor on a match through a bare weak alias, over the weak-alias factor: a
/// nickname or single name that the publisher itself rates low ("Dave", "John",
/// "Abu Yunus") carries the information of one common token. With it, such a match
/// alone scores 0.93 x 0.85 x 0.8 = 0.63; a birth date agreeing to the day (or to
/// the month with the nationality) still raises it over the threshold.
const WEAK_BARE_FACTOR: f32 = 0.8;

/// True when a listed name has at most one distinctive token (particles, titles and
/// initials aside).
fn is_bare(tokens: &[TokenView<'_>]) -> bool {
    tokens
        .iter()
        .filter(|t| is_distinctive(t.kind) && t.text.len() > 1)
        .count()
        <= 1
}

/// Most a correspondence is credited in coverage over its similarity (credit is the
/// similarity plus a boost, and similarities start at [`MIN_TOKEN_SIM`]).
const CREDIT_OVER_SIMILARITY: f32 = 1.0 + 0.05 / MIN_TOKEN_SIM;
/// Least query coverages for retrieval: `any` with every qualifier of the query
/// agreeing, `elsewhere` with all but the country, which only the `agreeing`
/// entities can agree with.
struct Floors<'a> {
    any: f32,
    elsewhere: f32,
    agreeing: &'a [u32],
}

/// Margin under the floor for correspondences scoring finds that retrieval's keys do
/// not (near spellings two edits away, compounds of three tokens). Scoring then
/// prunes exactly ([`QuerySide::may_reach`]).
const FLOOR_MARGIN: f32 = 0.9;
/// The same for a query romanised from a script without written short vowels
/// (Arabic, Hebrew): its spellings are guesses, and scoring finds skeleton and
/// compound correspondences that retrieval under-counts.
const VOWELLESS_FLOOR_MARGIN: f32 = 0.7;

/// The least retrieval accumulation (distinctive weight times similarity) that can
/// reach `least_coverage` of a shape whose distinctive positions weigh `distinctive`
/// and other positions `other`: those may all be credited in full.
fn accumulation_floor(least_coverage: f32, distinctive: f32, other: f32, margin: f32) -> f32 {
    let needed = (distinctive + other) * least_coverage - other;
    (needed / CREDIT_OVER_SIMILARITY * margin).max(0.0)
}

/// The least name score with which a name can still reach the threshold for one
/// entity: the qualifiers' agreements count only where the entity has something
/// to agree with. Computed once per case and query.
struct LeastScores<'q> {
    query: &'q Query,
    /// The query's country code, trimmed and uppercase.
    country: Option<&'q str>,
    threshold: f64,
    /// By (birth date can agree, country agreement level).
    cases: [[Option<f32>; 3]; 2],
}

impl<'q> LeastScores<'q> {
    fn new(query: &'q Query, country: Option<&'q str>, threshold: f64) -> LeastScores<'q> {
        LeastScores {
            query,
            country,
            threshold,
            cases: [[None; 3]; 2],
        }
    }

    fn of(&mut self, entity: &Entity) -> f32 {
        let Some((birth, country)) = possible_agreement(self.query, self.country, entity) else {
            return 0.0;
        };
        let Some(slot) = self
            .cases
            .get_mut(usize::from(birth))
            .and_then(|row| row.get_mut(usize::from(country)))
        else {
            return 0.0;
        };
        *slot.get_or_insert_with(|| {
            least_name_score(self.threshold, &agreement_strengths(birth, country)) as f32
        })
    }
}

/// The least name score that can still reach `threshold` once agreements of the
/// given strengths raise it (the combined score grows with the name score, so bisect).
fn least_name_score(threshold: f64, boosts: &[f64]) -> f64 {
    // A query asks for one of a handful of (threshold, boosts) cases, every time:
    // remember them rather than bisect again.
    thread_local! {
        static KNOWN: RefCell<Vec<KnownLeast>> = const { RefCell::new(Vec::new()) };
    }
    let key: SmallVec<[u64; 2]> = boosts.iter().map(|b| b.to_bits()).collect();
    let found = KNOWN.with(|k| {
        k.borrow()
            .iter()
            .find(|(t, b, _)| *t == threshold.to_bits() && *b == key)
            .map(|e| e.2)
    });
    if let Some(least) = found {
        return least;
    }
    let least = bisect_least_name_score(threshold, boosts);
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() < 64 {
            k.push((threshold.to_bits(), key, least));
        }
    });
    least
}

/// A remembered [`least_name_score`]: threshold and boosts (as bits), result.
type KnownLeast = (u64, SmallVec<[u64; 2]>, f64);

/// [`least_name_score`] by bisection.
fn bisect_least_name_score(threshold: f64, boosts: &[f64]) -> f64 {
    let reach = |name: f64| combine(name, false, &[]).0 + raise(name, boosts);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    if reach(hi) < threshold {
        return 1.0;
    }
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        if reach(mid) >= threshold {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// What agreements of these strengths add to a name score (as [`combine`] applies them).
fn raise(name: f64, boosts: &[f64]) -> f64 {
    let start = NAME_CEILING * name;
    let end = boosts
        .iter()
        .fold(start, |score, k| score + (1.0 - score) * k * name);
    end - start
}

/// Memoised similarities of (shape, position, vocabulary token) for one query:
/// a row of cells per vocabulary token met, found through a stamped array
/// rather than hashing (the scorer looks cells up for every candidate pair).
#[derive(Default)]
struct Memo {
    /// Per vocabulary token: the query it last got a row in, and that row.
    stamp: Vec<u32>,
    row: Vec<u32>,
    current: u32,
    /// `width` cells per row; the outer `None` means not computed yet.
    cells: Vec<Option<Option<Cell>>>,
    /// First column of each shape's positions.
    shape_start: SmallVec<[usize; 4]>,
    width: usize,
}

impl Memo {
    /// Starts a query over these shapes.
    fn begin(&mut self, vocab_len: usize, shapes: &[QueryShape]) {
        if self.stamp.len() != vocab_len || self.current == u32::MAX {
            self.stamp = vec![0; vocab_len];
            self.row = vec![0; vocab_len];
            self.current = 0;
        }
        self.current += 1;
        self.cells.clear();
        self.shape_start.clear();
        self.width = 0;
        for shape in shapes {
            self.shape_start.push(self.width);
            self.width += shape.positions.len();
        }
    }

    /// The cell index of (shape, position, token), giving the token a row if it has none.
    fn slot(&mut self, shape: usize, pos: usize, token: u32) -> Option<usize> {
        let column = self.shape_start.get(shape)? + pos;
        let t = token as usize;
        let stamp = self.stamp.get_mut(t)?;
        let row = if *stamp == self.current {
            *self.row.get(t)? as usize
        } else {
            *stamp = self.current;
            let row = self.cells.len() / self.width.max(1);
            *self.row.get_mut(t)? = row as u32;
            self.cells.resize(self.cells.len() + self.width, None);
            row
        };
        Some(row * self.width + column)
    }

    fn set(&mut self, shape: usize, pos: usize, token: u32, cell: Option<Cell>) {
        if let Some(c) = self
            .slot(shape, pos, token)
            .and_then(|i| self.cells.get_mut(i))
        {
            *c = Some(cell);
        }
    }

    /// Visits the cells of `token` for the first `positions` positions of a shape, in
    /// order; `visit` fills a cell not computed yet (`None`) and reads it.
    fn fill_column(
        &mut self,
        shape: usize,
        token: u32,
        positions: usize,
        mut visit: impl FnMut(usize, &mut Option<Option<Cell>>),
    ) {
        let Some(first) = self.slot(shape, 0, token) else {
            return;
        };
        let end = (first + positions).min(self.cells.len());
        for (i, cell) in self
            .cells
            .get_mut(first..end)
            .unwrap_or(&mut [])
            .iter_mut()
            .enumerate()
        {
            visit(i, cell);
        }
    }
}

/// Per-entity counts of the records [`Index::select`] keeps for one query, and
/// the entities marked as able to agree with the query's country.
#[derive(Default)]
struct Kept {
    stamp: Vec<u32>,
    count: Vec<u8>,
    first_name: Vec<u16>,
    current: u32,
    marks: Vec<u32>,
    mark_stamp: u32,
}

impl Kept {
    fn begin(&mut self, entities: usize) {
        if self.stamp.len() != entities || self.current == u32::MAX {
            self.stamp = vec![0; entities];
            self.count = vec![0; entities];
            self.first_name = vec![0; entities];
            self.current = 0;
        }
        self.current += 1;
    }

    /// Marks `entities` under a new stamp, returned.
    fn mark(&mut self, count: usize, entities: &[u32]) -> u32 {
        if self.marks.len() != count || self.mark_stamp == u32::MAX {
            self.marks = vec![0; count];
            self.mark_stamp = 0;
        }
        self.mark_stamp += 1;
        for &e in entities {
            if let Some(m) = self.marks.get_mut(e as usize) {
                *m = self.mark_stamp;
            }
        }
        self.mark_stamp
    }

    fn is_marked(&self, entity: u32, stamp: u32) -> bool {
        self.marks.get(entity as usize) == Some(&stamp)
    }

    /// Keeps a record of this entity's name unless the entity has
    /// [`MAX_PER_ENTITY`] already or one of this same name.
    fn admit(&mut self, entity: u32, name: u16) -> bool {
        let e = entity as usize;
        let (Some(stamp), Some(count), Some(first)) = (
            self.stamp.get_mut(e),
            self.count.get_mut(e),
            self.first_name.get_mut(e),
        ) else {
            return false;
        };
        if *stamp != self.current {
            *stamp = self.current;
            *count = 0;
        }
        if *count >= MAX_PER_ENTITY || (*count > 0 && *first == name) {
            return false;
        }
        if *count == 0 {
            *first = name;
        }
        *count += 1;
        true
    }
}

/// The best-scoring name of one entity.
struct Best {
    record: u32,
    shape: usize,
    effective: f64,
    alignment: Alignment,
}

/// Per-thread buffers of retrieval, reused across queries (no allocation per query in steady state).
#[derive(Default)]
struct Scratch {
    acc: Vec<f32>,
    best: Vec<f32>,
    stamp: Vec<u32>,
    touched: Vec<u32>,
    current: u32,
    seen: Seen,
    memo: Memo,
    kept: Kept,
}

/// Stamps of vocabulary tokens already visited while expanding one query position.
#[derive(Default)]
struct Seen {
    stamp: Vec<u32>,
    /// Where a visited token sits in the output list (valid only when it was kept).
    slots: Vec<u32>,
    current: u32,
}

impl Seen {
    fn next(&mut self, vocab_len: usize) -> u32 {
        if self.stamp.len() != vocab_len || self.current == u32::MAX {
            self.stamp = vec![0; vocab_len];
            self.slots = vec![u32::MAX; vocab_len];
            self.current = 0;
        }
        self.current += 1;
        self.current
    }

    fn set_slot(&mut self, token: u32, slot: usize) {
        if let Some(s) = self.slots.get_mut(token as usize) {
            *s = slot as u32;
        }
    }

    /// The kept position of a token visited under the current stamp.
    fn slot(&self, token: u32) -> Option<usize> {
        let i = token as usize;
        (self.stamp.get(i) == Some(&self.current))
            .then(|| self.slots.get(i).copied())
            .flatten()
            .filter(|&s| s != u32::MAX)
            .map(|s| s as usize)
    }

    fn first_visit(&mut self, token: u32, stamp: u32) -> bool {
        match self.stamp.get_mut(token as usize) {
            Some(s) if *s != stamp => {
                *s = stamp;
                if let Some(slot) = self.slots.get_mut(token as usize) {
                    *slot = u32::MAX;
                }
                true
            }
            _ => false,
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    fn reset(&mut self, n: usize) {
        for &i in &self.touched {
            if let (Some(a), Some(b)) =
                (self.acc.get_mut(i as usize), self.best.get_mut(i as usize))
            {
                *a = 0.0;
                *b = 0.0;
            }
        }
        self.touched.clear();
        if self.acc.len() != n {
            self.acc = vec![0.0; n];
            self.best = vec![0.0; n];
            self.stamp = vec![0; n];
            self.current = 0;
        }
    }

    fn next_stamp(&mut self) -> u32 {
        if self.current == u32::MAX {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.current = 0;
        }
        self.current += 1;
        self.current
    }

    /// Adds `weight * similarity` of the best similar token to each record holding one.
    fn accumulate(
        &mut self,
        similar: impl Iterator<Item = (u32, f32)>,
        postings: &Csr,
        weight: f32,
    ) {
        let stamp = self.next_stamp();
        for (t, sim) in similar {
            for &rid in postings.row(t) {
                let i = rid as usize;
                let (Some(st), Some(acc)) = (self.stamp.get_mut(i), self.acc.get_mut(i)) else {
                    continue;
                };
                if *st == stamp {
                    continue;
                }
                *st = stamp;
                if *acc == 0.0 && self.best.get(i).is_some_and(|b| *b == 0.0) {
                    self.touched.push(rid);
                }
                *acc += weight * sim;
            }
        }
    }

    /// Keeps the best variant's accumulation per record.
    fn fold_variant(&mut self) {
        for &i in &self.touched {
            let i = i as usize;
            if let (Some(a), Some(b)) = (self.acc.get_mut(i), self.best.get_mut(i)) {
                *b = b.max(*a);
                *a = 0.0;
            }
        }
    }

    /// Records at or above `floor` that `keep` accepts, best first.
    fn ranked(&self, floor: f32, keep: impl Fn(u32, f32) -> bool) -> Vec<(u32, f32)> {
        let mut scored: Vec<(u32, f32)> = self
            .touched
            .iter()
            .filter_map(|&i| self.best.get(i as usize).map(|&b| (i, b)))
            .filter(|&(i, b)| b >= floor && b > 0.0 && keep(i, b))
            .collect();
        let keep = MAX_TIED * 2;
        if scored.len() > keep {
            scored.select_nth_unstable_by(keep, |a, b| b.1.total_cmp(&a.1));
            scored.truncate(keep);
        }
        scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

#[cfg(test)]
mod floor_tests {
    use super::*;

    #[test]
    fn qualifier_floor_is_a_true_bound_and_tighter_than_a_fixed_margin() {
        let name_only = least_name_score(0.75, &[]);
        assert!((name_only - 0.75 / NAME_CEILING).abs() < 1e-4);
        let with_country = least_name_score(0.75, &[0.30]);
        assert!(with_country < name_only && with_country > 0.55 / NAME_CEILING);
        // At the bound, a full agreement reaches the threshold; just below, it does not.
        let agree = [crate::qualifiers::Evidence {
            qualifier: crate::Qualifier::Country,
            outcome: crate::Outcome::Agree,
            detail: String::new(),
            strength: 0.30,
        }];
        assert!(combine(with_country + 1e-4, false, &agree).0 >= 0.75);
        assert!(combine(with_country - 1e-3, false, &agree).0 < 0.75);
    }
}
