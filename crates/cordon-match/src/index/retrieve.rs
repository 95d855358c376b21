//! Candidate retrieval: records ranked by the query weight they can explain,
//! above floors derived from the threshold and the qualifiers.

use super::*;

impl Index {
    /// Records of the entities whose identifiers the query names.
    pub(super) fn identifier_candidates(&self, query: &Query) -> Vec<u32> {
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

    /// Candidate name records: those sharing keys with the query's distinctive tokens,
    /// ranked by the weight of query tokens they can explain.
    pub(super) fn retrieve(
        &self,
        shapes: &[QueryShape],
        floors: &Floors<'_>,
        s: &mut Scratch,
    ) -> Vec<u32> {
        s.reset(self.records.len());
        let mut similar = Vec::new();
        let mut shared = SharedSimilar::default();
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
                let similar = self.position_similar((si, pi), pos, s, &mut shared, &mut similar);
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
        s.kept.mark(self.entities.len(), floors.agreeing);
        let records = &self.records;
        let kept = &s.kept;
        let mut ranked = s.ranked(floor, |rid, acc| {
            acc >= floor_elsewhere
                || records
                    .get(rid as usize)
                    .is_some_and(|r| kept.is_marked(r.entity))
        });
        self.select(&mut ranked, &mut s.kept)
    }

    /// The vocabulary tokens similar to position `pi` of shape `si`, best first,
    /// their cells memoised: searched once per query for the positions of one memo
    /// column (kept in `shared` when the column has several), in `similar` otherwise.
    fn position_similar<'a>(
        &self,
        (si, pi): (usize, usize),
        pos: &QPos,
        s: &mut Scratch,
        shared: &'a mut SharedSimilar,
        similar: &'a mut Vec<(u32, Cell)>,
    ) -> &'a [(u32, Cell)] {
        let column = s.memo.column(si, pi);
        if let Some(c) = column.filter(|&c| shared.has(c)) {
            return shared.found(c);
        }
        self.similar_tokens(pos, true, similar, &mut s.seen);
        for (t, cell) in similar.iter() {
            s.memo.set(si, pi, *t, stack_penalty(pos, *cell));
        }
        match column.filter(|&c| s.memo.is_shared(c)) {
            Some(c) => shared.keep(c, similar),
            None => similar,
        }
    }

    /// How much a list token found for a query position counts towards retrieval: a
    /// name token that only sounds like, or is listed as equivalent to, a generic
    /// word, particle or legal form of the list (`faure` / `for` through a noisy
    /// equivalence) is weak evidence, or every "front for the liberation" would tie
    /// with the real candidates. A near spelling (`grouj` / `group`) is a typo of
    /// that word and keeps its full weight.
    pub(super) fn retrieval_evidence(&self, pos: &QPos, token: u32, rule: Rule) -> f32 {
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
    pub(super) fn accumulate_joined(
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
    /// of them plus any tied with the best. `ranked` is put in order only as far as
    /// it is read: most queries stop within the first [`FIRST_SORTED`].
    pub(super) fn select(&self, ranked: &mut [(u32, f32)], kept: &mut Kept) -> Vec<u32> {
        kept.begin(self.entities.len());
        let first = FIRST_SORTED.min(ranked.len());
        if first < ranked.len() {
            ranked.select_nth_unstable_by(first, rank_order);
        }
        if let Some(head) = ranked.get_mut(..first) {
            head.sort_unstable_by(rank_order);
        }
        let top = ranked.first().map_or(0.0, |r| r.1);
        let mut out = Vec::new();
        for i in 0..ranked.len() {
            if i == first {
                if let Some(tail) = ranked.get_mut(first..) {
                    tail.sort_unstable_by(rank_order);
                }
            }
            let Some(&(rid, acc)) = ranked.get(i) else {
                break;
            };
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
}

/// The similar tokens of positions spelt alike in several shapes (a memo column
/// with more than one position), found once per query.
#[derive(Default)]
pub(super) struct SharedSimilar {
    tokens: Vec<(u32, Cell)>,
    /// Per memo column: its range in `tokens`, once found.
    ranges: SmallVec<[Option<(usize, usize)>; 16]>,
}

impl SharedSimilar {
    /// True when the similar tokens of `column` are kept.
    fn has(&self, column: usize) -> bool {
        self.ranges.get(column).is_some_and(Option::is_some)
    }

    /// The similar tokens kept for `column` (none when they are not).
    fn found(&self, column: usize) -> &[(u32, Cell)] {
        let Some(&Some((a, b))) = self.ranges.get(column) else {
            return &[];
        };
        self.tokens.get(a..b).unwrap_or(&[])
    }

    /// Keeps `similar` as the similar tokens of `column` and returns them.
    fn keep(&mut self, column: usize, similar: &[(u32, Cell)]) -> &[(u32, Cell)] {
        if self.ranges.len() <= column {
            self.ranges.resize(column + 1, None);
        }
        let start = self.tokens.len();
        self.tokens.extend_from_slice(similar);
        if let Some(range) = self.ranges.get_mut(column) {
            *range = Some((start, self.tokens.len()));
        }
        self.tokens.get(start..).unwrap_or(&[])
    }
}

/// Best accumulation first, then the lower record id (a total order, so the
/// candidates never depend on how the sort breaks ties).
fn rank_order(a: &(u32, f32), b: &(u32, f32)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Ranked records put in order before [`Index::select`] reads them: enough for
/// [`MAX_CANDIDATES`] with a few entities' extra names skipped.
const FIRST_SORTED: usize = 48;

/// Most a correspondence is credited in coverage over its similarity (credit is the
/// similarity plus a boost, and similarities start at [`MIN_TOKEN_SIM`]).
pub(super) const CREDIT_OVER_SIMILARITY: f32 = 1.0 + 0.05 / MIN_TOKEN_SIM;
/// Least query coverages for retrieval: `any` with every qualifier of the query
/// agreeing, `elsewhere` with all but the country, which only the `agreeing`
/// entities can agree with.
pub(super) struct Floors<'a> {
    pub(super) any: f32,
    pub(super) elsewhere: f32,
    pub(super) agreeing: &'a [u32],
}

/// Margin under the floor for correspondences scoring finds that retrieval's keys do
/// not (near spellings two edits away, compounds of three tokens). Scoring then
/// prunes exactly ([`QuerySide::score_bound`]).
pub(super) const FLOOR_MARGIN: f32 = 0.9;
/// The same for a query romanised from a script without written short vowels
/// (Arabic, Hebrew): its spellings are guesses, and scoring finds skeleton and
/// compound correspondences that retrieval under-counts.
pub(super) const VOWELLESS_FLOOR_MARGIN: f32 = 0.7;

/// The least retrieval accumulation (distinctive weight times similarity) that can
/// reach `least_coverage` of a shape whose distinctive positions weigh `distinctive`
/// and other positions `other`: those may all be credited in full.
pub(super) fn accumulation_floor(
    least_coverage: f32,
    distinctive: f32,
    other: f32,
    margin: f32,
) -> f32 {
    let needed = (distinctive + other) * least_coverage - other;
    (needed / CREDIT_OVER_SIMILARITY * margin).max(0.0)
}
