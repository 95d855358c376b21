//! Interned tokens with what the scorer needs of each.

use super::*;

/// Interned tokens and what the scorer needs of each.
#[derive(Debug, Default)]
pub(super) struct Vocab {
    pub(super) ids: AHashMap<Box<str>, u32>,
    pub(super) text: Vec<Box<str>>,
    /// What the scorer needs of each token, one record per token so that a
    /// view costs one cache line rather than one per field.
    pub(super) features: Vec<Features>,
    pub(super) groups: Vec<u32>,
    /// True for tokens of list names (false for tokens that only occur as a joined pair).
    pub(super) in_name: Vec<bool>,
    /// True for joined pairs whose first token is a particle (`al` + `dhahaba`): the
    /// usual joined spelling of an article, so they keep their deletion neighbourhood.
    pub(super) particle_joined: Vec<bool>,
}

/// The scorer's facts about one vocabulary token (its text and groups live apart).
#[derive(Debug, Clone, Copy)]
pub(super) struct Features {
    pub(super) phon: u64,
    pub(super) skel: u64,
    pub(super) weight: f32,
    pub(super) groups: (u32, u32),
    /// [`crate::token::group_bits`] of the groups.
    pub(super) group_bits: u64,
    pub(super) letters: u32,
    pub(super) kind: TokenKind,
    /// Information of the token agreeing by chance (population commonness).
    pub(super) bits: f32,
    pub(super) nisba: NisbaFacts,
}

impl Vocab {
    /// Interns the text only; [`Vocab::compute_features`] fills the rest once all are in.
    pub(super) fn intern(&mut self, token: &str, in_name: bool) -> u32 {
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
    pub(super) fn mark_particle_joined(&mut self, id: u32) {
        if let Some(f) = self.particle_joined.get_mut(id as usize) {
            *f = true;
        }
    }

    /// Whether a token's single-deletion neighbourhood is indexed: list tokens and
    /// particle compounds; other joined pairs (most of the vocabulary at scale) are
    /// met through the query's deletions, phonetic key and skeleton instead.
    pub(super) fn keeps_deletions(&self, id: u32) -> bool {
        let i = id as usize;
        self.in_name.get(i).copied().unwrap_or(true)
            || self.particle_joined.get(i).copied().unwrap_or(false)
    }

    /// Kind, weight, phonetic key and equivalence groups of every token, in parallel.
    pub(super) fn compute_features(&mut self) {
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
                group_bits: crate::token::group_bits(groups),
                letters: letter_set(t),
                kind,
                bits,
                nisba,
            });
        }
    }

    pub(super) fn view(&self, id: u32) -> TokenView<'_> {
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
                group_bits: f.group_bits,
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
                group_bits: 0,
                skel: 0,
                vowelless: false,
                letters: letter_set(text),
                bits: crate::commonness::RARE_BITS,
                nisba: NisbaFacts::of(text),
            },
        }
    }
}
