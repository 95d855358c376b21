//! Full scoring of the retrieved records and the matches made of them.

use super::stamp::Stamped;
use super::*;

impl Index {
    pub(super) fn record_views(&self, r: &NameRecord) -> SmallVec<[TokenView<'_>; 8]> {
        self.tokens_of(r)
            .iter()
            .map(|&t| self.vocab.view(t))
            .collect()
    }

    /// Fully scores candidate records; keeps the best name per entity.
    pub(super) fn score_candidates(
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
        // Reused across candidates (each is about a kilobyte to build anew).
        let mut matrix = SimMatrix::new(0, 0);
        let mut cv: SmallVec<[TokenView<'_>; 8]> = SmallVec::new();
        for &rid in candidates {
            let Some(r) = self.records.get(rid as usize) else {
                continue;
            };
            let ids = self.tokens_of(r);
            let ids = &ids[..ids.len().min(MAX_TOKENS)];
            cv.clear();
            cv.extend(self.tokens_of(r).iter().map(|&t| self.vocab.view(t)));
            // Read from the entity only for a name that passes the lowest bound.
            let mut entity_least = None;
            for (si, (shape, side)) in shapes.iter().zip(&sides).enumerate() {
                let q = &shape.positions;
                matrix.reset(side.len(), ids.len());
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
                let bound = side.score_bound(&cv, &matrix);
                if !bound.reaches(least.lowest()) {
                    continue;
                }
                let least_score = *entity_least.get_or_insert_with(|| {
                    self.entities
                        .get(r.entity as usize)
                        .map_or(0.0, |e| least.of(e))
                });
                if !bound.reaches(least_score) {
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
                if !may_report(effective, least_score) {
                    continue;
                }
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

    pub(super) fn to_match(
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

/// False when a name whose effective score (weak-alias factor applied) is `effective`
/// can never be reported for an entity whose least reportable name score is
/// `least_score`: [`Index::to_match`] would refuse it after assessing the entity's
/// qualifiers, so it is dropped before. Dropping it never changes which name is an
/// entity's best: every name scoring more is kept. The slack is that of
/// [`QuerySide::score_bound`] (the bound is bisected and rounded to `f32`).
pub(super) fn may_report(effective: f64, least_score: f32) -> bool {
    effective + 1e-4 >= f64::from(least_score)
}

/// Factor on a match through a bare weak alias, over the weak-alias factor: a
/// nickname or single name that the publisher itself rates low ("Dave", "John",
/// "Abu Yunus") carries the information of one common token. With it, such a match
/// alone scores 0.93 x 0.85 x 0.8 = 0.63; a birth date agreeing to the day (or to
/// the month with the nationality) still raises it over the threshold.
pub(super) const WEAK_BARE_FACTOR: f32 = 0.8;

/// True when a listed name has at most one distinctive token (particles, titles and
/// initials aside).
pub(super) fn is_bare(tokens: &[TokenView<'_>]) -> bool {
    tokens
        .iter()
        .filter(|t| is_distinctive(t.kind) && t.text.len() > 1)
        .count()
        <= 1
}

/// Memoised similarities of (shape, position, vocabulary token) for one query:
/// a row of cells per vocabulary token met, found through a stamped array
/// rather than hashing (the scorer looks cells up for every candidate pair).
/// A position spelt alike in several shapes (the surname of a Chinese name read
/// syllable by syllable, with its given name joined, and as a foreign name) has
/// one column, so its similarities are found once.
#[derive(Default)]
pub(super) struct Memo {
    /// Per vocabulary token met in this query: its row.
    rows: Stamped<u32>,
    /// `width` cells per row; the outer `None` means not computed yet.
    pub(super) cells: Vec<Option<Option<Cell>>>,
    /// First entry of each shape's positions in `columns`.
    shape_start: SmallVec<[usize; 4]>,
    /// The column of every (shape, position), shape after shape.
    columns: SmallVec<[usize; 32]>,
    /// For each column, its first (shape, position); a row has one cell per column.
    first_of_column: SmallVec<[(usize, usize); 32]>,
}

impl Memo {
    /// Starts a query over these shapes.
    pub(super) fn begin(&mut self, vocab_len: usize, shapes: &[QueryShape]) {
        self.rows.next(vocab_len);
        self.cells.clear();
        self.shape_start.clear();
        self.columns.clear();
        self.first_of_column.clear();
        for (si, shape) in shapes.iter().enumerate() {
            self.shape_start.push(self.columns.len());
            for (pi, pos) in shape.positions.iter().enumerate() {
                let same = self
                    .first_of_column
                    .iter()
                    .position(|&(s, p)| position_of(shapes, s, p) == Some(pos));
                let column = same.unwrap_or_else(|| {
                    self.first_of_column.push((si, pi));
                    self.first_of_column.len() - 1
                });
                self.columns.push(column);
            }
        }
    }

    /// Cells per row.
    fn width(&self) -> usize {
        self.first_of_column.len()
    }

    /// The column of (shape, position).
    pub(super) fn column(&self, shape: usize, pos: usize) -> Option<usize> {
        let at = self.shape_start.get(shape)? + pos;
        self.columns.get(at).copied()
    }

    /// True when more than one (shape, position) has this column.
    pub(super) fn is_shared(&self, column: usize) -> bool {
        self.columns.iter().filter(|&&c| c == column).count() > 1
    }

    /// The first cell of `token`'s row, giving the token a row if it has none.
    fn row_start(&mut self, token: u32) -> Option<usize> {
        let row = match self.rows.get(token) {
            Some(row) => row as usize,
            None => {
                let row = self.cells.len() / self.width().max(1);
                *self.rows.entry(token)? = row as u32;
                self.cells.resize(self.cells.len() + self.width(), None);
                row
            }
        };
        Some(row * self.width())
    }

    pub(super) fn set(&mut self, shape: usize, pos: usize, token: u32, cell: Option<Cell>) {
        let Some(column) = self.column(shape, pos) else {
            return;
        };
        if let Some(c) = self
            .row_start(token)
            .and_then(|start| self.cells.get_mut(start + column))
        {
            *c = Some(cell);
        }
    }

    /// Visits the cells of `token` for the first `positions` positions of a shape, in
    /// order; `visit` fills a cell not computed yet (`None`) and reads it.
    pub(super) fn fill_column(
        &mut self,
        shape: usize,
        token: u32,
        positions: usize,
        mut visit: impl FnMut(usize, &mut Option<Option<Cell>>),
    ) {
        let (Some(start), Some(&first)) = (self.row_start(token), self.shape_start.get(shape))
        else {
            return;
        };
        let columns = self.columns.get(first..first + positions).unwrap_or(&[]);
        for (i, &column) in columns.iter().enumerate() {
            if let Some(cell) = self.cells.get_mut(start + column) {
                visit(i, cell);
            }
        }
    }
}

/// Position `pos` of shape `shape`.
fn position_of(shapes: &[QueryShape], shape: usize, pos: usize) -> Option<&QPos> {
    shapes.get(shape).and_then(|s| s.positions.get(pos))
}

/// The best-scoring name of one entity.
pub(super) struct Best {
    pub(super) record: u32,
    pub(super) shape: usize,
    pub(super) effective: f64,
    pub(super) alignment: Alignment,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::prepare_query;

    /// A Chinese rendering of a foreign name is read three ways (syllables, given
    /// name joined, foreign reading); the Latin word beside it is one position of
    /// each, and gets one column.
    #[test]
    fn positions_spelt_alike_share_a_memo_column() {
        let shapes = prepare_query("卡塔内奥 orbay");
        assert!(shapes.len() >= 2, "{shapes:?}");
        let mut memo = Memo::default();
        memo.begin(10, &shapes);
        let last = |si: usize| shapes[si].positions.len() - 1;
        let columns: Vec<usize> = (0..shapes.len())
            .filter_map(|si| memo.column(si, last(si)))
            .collect();
        assert!(columns.windows(2).all(|w| w[0] == w[1]), "{columns:?}");
        assert!(memo.is_shared(columns[0]));
        let positions: usize = shapes.iter().map(|s| s.positions.len()).sum();
        assert!(memo.width() < positions);
        // A cell set through one shape is read through another.
        let cell = Cell {
            sim: 0.9,
            rule: Rule::Exact,
            alt: 0,
        };
        memo.set(0, last(0), 7, Some(cell));
        let mut read = None;
        memo.fill_column(1, 7, shapes[1].positions.len(), |i, c| {
            if i == last(1) {
                read = *c;
            }
        });
        assert_eq!(read.flatten().map(|c| c.sim), Some(0.9));
    }
}
