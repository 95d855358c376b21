//! Building the index: interning list names, rarity and commonness, postings,
//! identifiers and countries.

use super::*;

/// A list name's romanised variants, computed in parallel before interning.
pub(super) struct RomanizedName {
    pub(super) name: u16,
    pub(super) weak: bool,
    pub(super) translit: bool,
    pub(super) variants: Vec<String>,
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

    pub(super) fn push_record(
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

    pub(super) fn tokens_of(&self, r: &NameRecord) -> &[u32] {
        let s = r.token_start as usize;
        self.record_tokens
            .get(s..s + usize::from(r.token_len))
            .unwrap_or(&[])
    }

    /// Scales each token's weight by its rarity across entities (IDF-like).
    pub(super) fn apply_rarity(&mut self) {
        let df = self.entities_per_token(|_| true);
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
    pub(super) fn apply_list_commonness(&mut self) {
        let is_person = |r: &NameRecord| {
            self.entities
                .get(r.entity as usize)
                .is_some_and(|e| e.schema == cordon_model::Schema::Person)
        };
        let persons = self.entities_per_token(is_person);
        // Records of an entity are contiguous, its first name's first.
        let mut name_tokens = 0u64;
        let mut previous = u32::MAX;
        for r in self.records.iter().filter(|r| is_person(r)) {
            if r.entity != previous {
                previous = r.entity;
                name_tokens += u64::from(r.token_len);
            }
        }
        for (f, &d) in self.vocab.features.iter_mut().zip(&persons) {
            if d >= MIN_SHARED_PERSONS {
                f.bits = f.bits.min((name_tokens as f32 / d as f32).log2());
            }
        }
    }

    /// How many distinct entities bear each vocabulary token, counted over the
    /// records `keep` admits (an entity's records are contiguous, so one
    /// "last entity seen" per token tells a new bearer from another name of the same).
    fn entities_per_token(&self, keep: impl Fn(&NameRecord) -> bool) -> Vec<u32> {
        let mut bearers = vec![0u32; self.vocab.len()];
        let mut last_entity = vec![u32::MAX; self.vocab.len()];
        for r in self.records.iter().filter(|r| keep(r)) {
            for &t in self.tokens_of(r) {
                if let (Some(count), Some(last)) =
                    (bearers.get_mut(t as usize), last_entity.get_mut(t as usize))
                {
                    if *last != r.entity {
                        *last = r.entity;
                        *count += 1;
                    }
                }
            }
        }
        bearers
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

    pub(super) fn build_postings(&mut self, mut pairs: Vec<(u32, u32)>) {
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
        self.postings = Csr::from_pairs(self.vocab.len(), &mut pairs);
    }

    pub(super) fn build_countries(&mut self) {
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

    pub(super) fn build_identifiers(&mut self) {
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
}
