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
#[derive(Clone, Copy, Default)]
struct RecordSlot {
    /// Generation of the [`Scratch::accumulate`] call that last credited the record.
    credited: u32,
    /// Accumulated evidence of the current query variant.
    acc: f32,
    /// Best accumulation over the variants folded so far.
    best: f32,
}

/// Per-thread buffers of retrieval, reused across queries (no allocation per query in steady state).
#[derive(Default)]
pub(super) struct Scratch {
    slots: Vec<RecordSlot>,
    /// Generation of the current [`Scratch::accumulate`] call (0: none yet).
    generation: u32,
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

thread_local! {
    pub(super) static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    pub(super) fn reset(&mut self, n: usize) {
        for &i in &self.touched {
            if let Some(slot) = self.slots.get_mut(i as usize) {
                slot.acc = 0.0;
                slot.best = 0.0;
            }
        }
        self.touched.clear();
        if self.slots.len() != n {
            self.slots = vec![RecordSlot::default(); n];
            self.generation = 0;
        }
    }

    /// Starts crediting another query position: no record is credited for it yet.
    fn next_generation(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Wrapped (once in four billion positions): old stamps could come back.
            self.slots.iter_mut().for_each(|s| s.credited = 0);
            self.generation = 1;
        }
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
        for (t, sim) in similar {
            for &rid in postings.row(t) {
                let Some(slot) = self.slots.get_mut(rid as usize) else {
                    continue;
                };
                if slot.credited == generation {
                    continue;
                }
                slot.credited = generation;
                if slot.acc == 0.0 && slot.best == 0.0 {
                    self.touched.push(rid);
                }
                slot.acc += weight * sim;
            }
        }
    }

    /// Keeps the best variant's accumulation per record.
    pub(super) fn fold_variant(&mut self) {
        for &i in &self.touched {
            if let Some(slot) = self.slots.get_mut(i as usize) {
                slot.best = slot.best.max(slot.acc);
                slot.acc = 0.0;
            }
        }
    }

    /// Records at or above `floor` that `keep` accepts: the best [`MAX_TIED`] x 2 of
    /// them, in no order ([`Index::select`] orders what it reads).
    pub(super) fn ranked(&self, floor: f32, keep: impl Fn(u32, f32) -> bool) -> Vec<(u32, f32)> {
        let mut scored: Vec<(u32, f32)> = self
            .touched
            .iter()
            .filter_map(|&i| self.slots.get(i as usize).map(|s| (i, s.best)))
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
