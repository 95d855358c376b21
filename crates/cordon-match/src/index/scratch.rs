//! Per-thread buffers of retrieval, reused across queries.

use super::stamp::Stamped;
use super::*;

/// Per-entity counts of the records [`Index::select`] keeps for one query, and
/// the entities marked as able to agree with the query's country.
#[derive(Default)]
pub(super) struct Kept {
    /// Per entity: records kept, and the name of the first one.
    admitted: Stamped<(u8, u16)>,
    /// Entities the query's country can agree with.
    agreeing: Stamped<()>,
}

impl Kept {
    pub(super) fn begin(&mut self, entities: usize) {
        self.admitted.next(entities);
    }

    /// Marks `entities` (out of `count`) as able to agree with the query's country.
    pub(super) fn mark(&mut self, count: usize, entities: &[u32]) {
        self.agreeing.next(count);
        for &e in entities {
            self.agreeing.set(e, ());
        }
    }

    pub(super) fn is_marked(&self, entity: u32) -> bool {
        self.agreeing.is_set(entity)
    }

    /// Keeps a record of this entity's name unless the entity has
    /// [`MAX_PER_ENTITY`] already or one of this same name.
    pub(super) fn admit(&mut self, entity: u32, name: u16) -> bool {
        let Some((count, first)) = self.admitted.entry(entity) else {
            return false;
        };
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

/// Retrieval's state of one name record for the current query. The three live
/// side by side because [`Scratch::accumulate`] touches all of them for every
/// posting it visits, at random records: one cache miss per posting rather than
/// one per field (the postings loop is memory-bound; profile of 2026-12-04).
/// The generation in `credited` also tells which query and which variant `acc`
/// and `best` belong to, so neither a new query nor a new variant passes over
/// the records touched before: each slot is brought up to date when it is next
/// credited or read (those passes were a third of retrieval's cache misses).
#[derive(Clone, Copy, Default)]
struct RecordSlot {
    /// Generation of the [`Scratch::accumulate`] call that last credited the record.
    credited: u32,
    /// Accumulated evidence of the variant that last credited the record.
    acc: f32,
    /// Best accumulation over the variants before that one.
    best: f32,
}

impl RecordSlot {
    /// The record's best accumulation over every variant of the query so far.
    fn total(&self) -> f32 {
        self.best.max(self.acc)
    }
}

/// Per-thread buffers of retrieval, reused across queries (no allocation per query in steady state).
#[derive(Default)]
pub(super) struct Scratch {
    slots: Vec<RecordSlot>,
    /// Generation of the current [`Scratch::accumulate`] call (0: none yet).
    generation: u32,
    /// Last generation before the current query: slots credited at or before it
    /// hold another query's evidence.
    query_start: u32,
    /// Last generation before the current variant: slots credited after
    /// `query_start` and at or before it hold an earlier variant's evidence.
    variant_start: u32,
    pub(super) touched: Vec<u32>,
    pub(super) seen: Seen,
    pub(super) memo: Memo,
    pub(super) kept: Kept,
}

/// Vocabulary tokens already visited while expanding one query position, with
/// where each sits in the output list (`None` when it was not kept).
#[derive(Default)]
pub(super) struct Seen {
    visits: Stamped<Option<u32>>,
}

impl Seen {
    /// Starts expanding another position.
    pub(super) fn next(&mut self, vocab_len: usize) {
        self.visits.next(vocab_len);
    }

    pub(super) fn set_slot(&mut self, token: u32, slot: usize) {
        self.visits.set(token, Some(slot as u32));
    }

    /// The kept position of a token visited for this position.
    pub(super) fn slot(&self, token: u32) -> Option<usize> {
        self.visits.get(token).flatten().map(|s| s as usize)
    }

    /// True the first time `token` is visited for this position.
    pub(super) fn first_visit(&mut self, token: u32) -> bool {
        self.visits.insert(token)
    }
}

/// The generation after which a query starts with fresh slots instead: no query
/// uses a million generations (one per query position and joined pair of each
/// variant), so the counter never wraps inside one.
const LAST_QUERY_START: u32 = u32::MAX - (1 << 20);

thread_local! {
    pub(super) static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    /// Starts a query over `n` records.
    pub(super) fn reset(&mut self, n: usize) {
        self.touched.clear();
        if self.slots.len() != n || self.generation > LAST_QUERY_START {
            self.slots = vec![RecordSlot::default(); n];
            self.generation = 0;
        }
        self.query_start = self.generation;
        self.variant_start = self.generation;
    }

    /// Starts crediting another query position: no record is credited for it yet.
    fn next_generation(&mut self) -> u32 {
        self.generation += 1;
        self.generation
    }

    /// Adds `weight * similarity` of the best similar token to each record holding one.
    pub(super) fn accumulate(
        &mut self,
        similar: impl Iterator<Item = (u32, f32)>,
        postings: &Csr,
        weight: f32,
    ) {
        let generation = self.next_generation();
        let (query_start, variant_start) = (self.query_start, self.variant_start);
        for (t, sim) in similar {
            for &rid in postings.row(t) {
                let Some(slot) = self.slots.get_mut(rid as usize) else {
                    continue;
                };
                if slot.credited == generation {
                    continue;
                }
                if slot.credited <= query_start {
                    // First credit in this query.
                    *slot = RecordSlot::default();
                    self.touched.push(rid);
                } else if slot.credited <= variant_start {
                    // First credit in this variant: keep the earlier variants' best.
                    slot.best = slot.total();
                    slot.acc = 0.0;
                }
                slot.credited = generation;
                slot.acc += weight * sim;
            }
        }
    }

    /// Starts the next query variant: its accumulations start again from zero,
    /// the best of the earlier ones kept.
    pub(super) fn fold_variant(&mut self) {
        self.variant_start = self.generation;
    }

    /// Records at or above `floor` that `keep` accepts: the best [`MAX_TIED`] x 2 of
    /// them, in no order ([`Index::select`] orders what it reads).
    pub(super) fn ranked(&self, floor: f32, keep: impl Fn(u32, f32) -> bool) -> Vec<(u32, f32)> {
        let mut scored: Vec<(u32, f32)> = self
            .touched
            .iter()
            .filter_map(|&i| self.slots.get(i as usize).map(|s| (i, s.total())))
            .filter(|&(i, b)| b >= floor && b > 0.0 && keep(i, b))
            .collect();
        let keep = MAX_TIED * 2;
        if scored.len() > keep {
            scored.select_nth_unstable_by(keep, |a, b| b.1.total_cmp(&a.1));
            scored.truncate(keep);
        }
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Token 0 is held by records 0 and 1, token 1 by record 1, token 2 by record 2.
    fn postings() -> Csr {
        Csr::from_pairs(3, &mut [(0, 0), (0, 1), (1, 1), (2, 2)])
    }

    fn totals(s: &Scratch) -> Vec<(u32, f32)> {
        let mut out = s.ranked(0.0, |_, _| true);
        out.sort_by_key(|r| r.0);
        out
    }

    /// A record keeps its best variant's accumulation; a record credited twice
    /// for one position counts once; nothing carries over to the next query.
    #[test]
    fn accumulations_are_per_variant_and_per_query() {
        let postings = postings();
        let mut s = Scratch::default();
        s.reset(3);
        // Variant 1: one position finds tokens 0 and 1 (record 1 holds both).
        s.accumulate([(0, 0.5), (1, 0.9)].into_iter(), &postings, 1.0);
        s.fold_variant();
        // Variant 2: two positions; record 1 gains less than in variant 1.
        s.accumulate([(1, 0.2)].into_iter(), &postings, 1.0);
        s.accumulate([(2, 0.7), (0, 0.1)].into_iter(), &postings, 2.0);
        s.fold_variant();
        assert_eq!(totals(&s), vec![(0, 0.5), (1, 0.5), (2, 1.4)]);
        // The next query starts from nothing.
        s.reset(3);
        s.accumulate([(2, 0.25)].into_iter(), &postings, 1.0);
        s.fold_variant();
        assert_eq!(totals(&s), vec![(2, 0.25)]);
    }

    /// Near the end of the generation counter a query starts on fresh slots.
    #[test]
    fn the_generation_counter_never_wraps_inside_a_query() {
        let postings = postings();
        let mut s = Scratch::default();
        s.reset(3);
        s.generation = LAST_QUERY_START + 1;
        s.reset(3);
        assert_eq!(s.generation, 0);
        s.accumulate([(0, 0.5)].into_iter(), &postings, 1.0);
        assert_eq!(totals(&s), vec![(0, 0.5), (1, 0.5)]);
    }
}
