//! Interned tokens with what the scorer needs of each.

use super::*;

/// Interned tokens and what the scorer needs of each.
#[derive(Debug, Default)]
pub(super) struct Vocab {
    pub(super) ids: AHashMap<Box<str>, u32>,
    /// Every token's text, one after the other.
    texts: String,
    /// Per token: where its text starts in `texts`, and its length in bytes.
    spans: Vec<(u32, u32)>,
    /// What the scorer needs of each token, one record per token so that a
    /// view costs one cache line rather than one per field (its text included:
    /// the view finds it from the record, with no array of pointers to read).
    pub(super) features: Vec<Features>,
    pub(super) groups: Vec<u32>,
    /// Per token: where its groups start in `groups`, and how many there are
    /// (read only for tokens in more groups than [`Features`] can count).
    group_spans: Vec<(u32, u32)>,
    /// True for tokens of list names (false for tokens that only occur as a joined pair).
    pub(super) in_name: Vec<bool>,
    /// True for joined pairs whose first token is a particle (`al` + `dhahaba`): the
    /// usual joined spelling of an article, so they keep their deletion neighbourhood.
    pub(super) particle_joined: Vec<bool>,
}

/// The scorer's facts about one vocabulary token, 64 bytes (one cache line).
#[derive(Debug, Clone, Copy)]
pub(super) struct Features {
    pub(super) phon: u64,
    pub(super) skel: u64,
    pub(super) weight: f32,
    /// Start of the token's text in the vocabulary's texts.
    text_start: u32,
    /// Length of the text, or `u16::MAX` for a text that long or longer (the
    /// length is then read from the vocabulary's spans).
    text_len: u16,
    /// Start of the token's groups in the vocabulary's groups.
    groups_start: u32,
    /// How many groups, or `u8::MAX` for that many or more (read from the
    /// vocabulary's group spans).
    groups_len: u8,
    /// [`crate::token::group_bits`] of the groups.
    pub(super) group_bits: u64,
    pub(super) letters: u32,
    pub(super) kind: TokenKind,
    /// Information of the token agreeing by chance (population commonness).
    pub(super) bits: f32,
    pub(super) nisba: NisbaFacts,
}

const _: () = assert!(std::mem::size_of::<Features>() <= 64);

impl Vocab {
    /// Number of tokens.
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The text of token `id` (empty out of range).
    pub(super) fn text(&self, id: u32) -> &str {
        self.spans
            .get(id as usize)
            .and_then(|&(start, len)| self.texts.get(start as usize..(start + len) as usize))
            .unwrap_or("")
    }

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
        let id = self.spans.len() as u32;
        self.ids.insert(token.into(), id);
        self.spans
            .push((self.texts.len() as u32, token.len() as u32));
        self.texts.push_str(token);
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
        let features: Vec<_> = (0..self.len() as u32)
            .into_par_iter()
            .map(|id| {
                let t = self.text(id);
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
        for (id, (kind, phon, groups, skel, bits, nisba)) in features.into_iter().enumerate() {
            let (text_start, text_len) = self.spans.get(id).copied().unwrap_or_default();
            let t = self.text(id as u32);
            let (weight, letters) = (kind_weight(kind, t), letter_set(t));
            let start = self.groups.len() as u32;
            self.groups.extend_from_slice(groups);
            self.group_spans.push((start, groups.len() as u32));
            let features = Features {
                phon,
                skel,
                weight,
                text_start,
                text_len: u16::try_from(text_len).unwrap_or(u16::MAX),
                groups_start: start,
                groups_len: u8::try_from(groups.len()).unwrap_or(u8::MAX),
                group_bits: crate::token::group_bits(groups),
                letters,
                kind,
                bits,
                nisba,
            };
            self.features.push(features);
        }
    }

    pub(super) fn view(&self, id: u32) -> TokenView<'_> {
        let i = id as usize;
        match self.features.get(i) {
            Some(f) => TokenView {
                text: self.text_of(id, f),
                kind: f.kind,
                weight: f.weight,
                phon: f.phon,
                groups: self.groups_of(id, f),
                group_bits: f.group_bits,
                skel: f.skel,
                vowelless: false,
                letters: f.letters,
                bits: f.bits,
                nisba: f.nisba,
            },
            None => {
                let text = self.text(id);
                TokenView {
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
                }
            }
        }
    }

    /// The text of token `id` whose features are `f`, found from them.
    fn text_of(&self, id: u32, f: &Features) -> &str {
        if f.text_len == u16::MAX {
            return self.text(id);
        }
        let start = f.text_start as usize;
        self.texts
            .get(start..start + usize::from(f.text_len))
            .unwrap_or("")
    }

    /// The groups of token `id` whose features are `f`, found from them.
    fn groups_of(&self, id: u32, f: &Features) -> &[u32] {
        let (start, len) = if f.groups_len == u8::MAX {
            self.group_spans
                .get(id as usize)
                .copied()
                .unwrap_or_default()
        } else {
            (f.groups_start, u32::from(f.groups_len))
        };
        self.groups
            .get(start as usize..(start + len) as usize)
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Long texts and tokens in many groups are read back whole from the spans.
    #[test]
    fn views_read_texts_and_groups_of_any_length() {
        let mut vocab = Vocab::default();
        let long = "a".repeat(70_000);
        let ids: Vec<u32> = ["muhammad", &long, "x"]
            .iter()
            .map(|t| vocab.intern(t, true))
            .collect();
        vocab.compute_features();
        assert_eq!(vocab.view(ids[0]).text, "muhammad");
        assert_eq!(
            vocab.view(ids[0]).groups,
            cordon_names::equivalence_groups("muhammad")
        );
        assert_eq!(vocab.view(ids[1]).text.len(), 70_000);
        assert_eq!(vocab.view(ids[2]).text, "x");
        assert_eq!(vocab.text(ids[2]), "x");
        // A token in more groups than the record counts.
        if let Some(f) = vocab.features.get_mut(ids[0] as usize) {
            f.groups_len = u8::MAX;
        }
        assert_eq!(
            vocab.view(ids[0]).groups,
            cordon_names::equivalence_groups("muhammad")
        );
    }
}
