//! Similar vocabulary tokens: retrieval keys (spelling, deletions, phonetic key,
//! equivalence groups) and the precomputed neighbours of list tokens.

use super::*;

/// Pushes the retrieval keys of a token (its consonant skeleton too when `skel` is set;
/// its single-deletion neighbourhood only when `deletions` is set).
pub(super) fn token_keys(
    t: &TokenView<'_>,
    skel: bool,
    deletions: bool,
    out: &mut SmallVec<[u64; 32]>,
) {
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

impl Index {
    pub(super) fn build_keys(&mut self) {
        let vocab = &self.vocab;
        let mut pairs: Vec<(u64, u32)> = (0..vocab.len() as u32)
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

    pub(super) fn build_neighbours(&mut self) {
        let lists: Vec<Vec<(u32, Cell)>> = (0..self.vocab.len() as u32)
            .into_par_iter()
            .map_init(
                || (Seen::default(), Vec::new()),
                |(seen, out), id| {
                    if !self.has_neighbours(id) {
                        return Vec::new();
                    }
                    let v = self.vocab.view(id);
                    out.clear();
                    seen.next(self.vocab.len());
                    self.expand(&[v], true, out, seen);
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
    pub(super) fn has_neighbours(&self, id: u32) -> bool {
        let i = id as usize;
        self.vocab.in_name.get(i).copied().unwrap_or(false)
            && self
                .vocab
                .features
                .get(i)
                .is_some_and(|f| is_distinctive(f.kind))
    }

    pub(super) fn neighbours_of(&self, id: u32) -> &[(u32, Cell)] {
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
    pub(super) fn expand(
        &self,
        spellings: &[TokenView<'_>],
        deletions: bool,
        out: &mut Vec<(u32, Cell)>,
        seen: &mut Seen,
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
                if !seen.first_visit(t) {
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

    /// The vocabulary id of a spelling whose neighbours are precomputed (and usable:
    /// a vowelless spelling is always expanded through its keys).
    pub(super) fn neighbours_id(&self, t: &OwnedToken) -> Option<u32> {
        t.vocab_id
            .filter(|&id| !t.vowelless && self.has_neighbours(id))
    }

    /// Vocabulary tokens similar to any spelling of a query position, best first.
    /// Spellings already in the vocabulary use their precomputed neighbours; only
    /// unknown spellings (typos, unseen names) are expanded through the keys.
    /// `deletions` says whether unknown spellings use their single-deletion keys (list
    /// tokens always have theirs, so without them only the query's extra letters are lost).
    pub(super) fn similar_tokens(
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
        seen.next(self.vocab.len());
        if !unknown.is_empty() {
            self.expand(&unknown, deletions, out, seen);
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
                if seen.first_visit(n) {
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
}
