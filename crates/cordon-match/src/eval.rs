//! Evaluation core: pure functions over parsed inputs (the binary's `eval`
//! command loads the files and prints). Everything seeded is deterministic.

use crate::{compare, Index, Match, Query, ScreenOptions, DEFAULT_THRESHOLD};
use cordon_model::{Entity, NameKind, NameQuality, Schema};
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// One labelled pair of the name benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchCase {
    /// Schema of both names, when known.
    pub schema: Option<Schema>,
    /// First name.
    pub name1: String,
    /// Second name.
    pub name2: String,
    /// True when the two names designate the same entity.
    pub is_match: bool,
}

/// Precision and recall at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PrfPoint {
    /// Threshold.
    pub threshold: f64,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

/// A pair scored on the wrong side of the threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchError {
    /// First name.
    pub name1: String,
    /// Second name.
    pub name2: String,
    /// Label.
    pub is_match: bool,
    /// Score given.
    pub score: f64,
}

/// Name-benchmark results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameBenchReport {
    /// Pairs scored.
    pub cases: usize,
    /// At [`DEFAULT_THRESHOLD`].
    pub at_default: PrfPoint,
    /// At the threshold with the best F1.
    pub best: PrfPoint,
    /// Over thresholds 0.60..0.95 by 0.05.
    pub table: Vec<PrfPoint>,
    /// Misclassified pairs at the default threshold (all of them).
    pub errors: Vec<BenchError>,
}

/// Precision, recall and F1 of scored labelled pairs at a threshold.
pub fn prf(scored: &[(bool, f64)], threshold: f64) -> PrfPoint {
    let tp = scored.iter().filter(|(m, s)| *m && *s >= threshold).count();
    let fp = scored
        .iter()
        .filter(|(m, s)| !*m && *s >= threshold)
        .count();
    let fn_ = scored.iter().filter(|(m, s)| *m && *s < threshold).count();
    let precision = if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PrfPoint {
        threshold,
        precision,
        recall,
        f1,
        tp,
        fp,
        fn_,
    }
}

/// Scores every pair with [`compare`] and reports precision and recall.
pub fn name_bench(cases: &[BenchCase]) -> NameBenchReport {
    let scores: Vec<f64> = cases
        .par_iter()
        .map(|c| compare(&c.name1, &c.name2, c.schema).score)
        .collect();
    let scored: Vec<(bool, f64)> = cases
        .iter()
        .map(|c| c.is_match)
        .zip(scores.iter().copied())
        .collect();
    let table: Vec<PrfPoint> = (12..=19)
        .map(|i| prf(&scored, f64::from(i) * 0.05))
        .collect();
    let best = (40..=95)
        .map(|i| prf(&scored, f64::from(i) * 0.01))
        .max_by(|a, b| a.f1.total_cmp(&b.f1))
        .unwrap_or_else(|| prf(&scored, DEFAULT_THRESHOLD));
    let errors = cases
        .iter()
        .zip(&scores)
        .filter(|(c, s)| c.is_match != (**s >= DEFAULT_THRESHOLD))
        .map(|(c, s)| BenchError {
            name1: c.name1.clone(),
            name2: c.name2.clone(),
            is_match: c.is_match,
            score: *s,
        })
        .collect();
    NameBenchReport {
        cases: cases.len(),
        at_default: prf(&scored, DEFAULT_THRESHOLD),
        best,
        table,
        errors,
    }
}

/// A query whose expected entity was not found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    /// The query.
    pub query: String,
    /// The entity that should have been found.
    pub expected: String,
    /// The best result returned at threshold 0 (entity id, name, score), if any.
    pub best: Option<(String, String, f64)>,
    /// The expected entity's own score at threshold 0, if it was retrieved at all.
    pub expected_score: Option<f64>,
}

/// Recall of a set of queries with known answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecallReport {
    /// Queries run.
    pub queries: usize,
    /// Queries whose expected entity was returned at the default threshold.
    pub found: usize,
    /// found / queries.
    pub recall: f64,
    /// The first misses (at most 20).
    pub misses: Vec<Miss>,
}

/// Runs queries with an expected entity id each; counts the expected entity among results at the default threshold.
pub fn recall(index: &Index, cases: &[(String, String)]) -> RecallReport {
    let found_flags: Vec<bool> = cases
        .par_iter()
        .map(|(q, id)| {
            index
                .screen(&Query::name(q), &ScreenOptions::default())
                .iter()
                .any(|m| m.entity_id == *id)
        })
        .collect();
    let found = found_flags.iter().filter(|f| **f).count();
    let misses = cases
        .iter()
        .zip(&found_flags)
        .filter(|(_, f)| !**f)
        .take(20)
        .map(|((q, id), _)| miss(index, q, id))
        .collect();
    RecallReport {
        queries: cases.len(),
        found,
        recall: ratio(found, cases.len()),
        misses,
    }
}

fn miss(index: &Index, query: &str, expected: &str) -> Miss {
    let all = ScreenOptions {
        threshold: 0.0,
        limit: 200,
    };
    let results = index.screen(&Query::name(query), &all);
    Miss {
        query: query.to_string(),
        expected: expected.to_string(),
        best: results
            .first()
            .map(|m| (m.entity_id.clone(), m.matched_name.clone(), m.score)),
        expected_score: results
            .iter()
            .find(|m| m.entity_id == expected)
            .map(|m| m.score),
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The entities without their original-script names, and (name, entity id) for each removed name.
pub fn hold_out_original_script(entities: &[Entity]) -> (Vec<Entity>, Vec<(String, String)>) {
    let mut held = Vec::new();
    let kept = entities
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.names.retain(|n| {
                let original = n.kind == NameKind::OriginalScript;
                if original {
                    held.push((n.full.clone(), e.id.clone()));
                }
                !original
            });
            e
        })
        .collect();
    (kept, held)
}

/// One cross-script pair: a query and the Latin name it should match.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossScriptPair {
    /// Query (non-Latin script).
    pub query: String,
    /// Expected Latin name.
    pub expected: String,
}

/// Cross-script pair results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossScriptReport {
    /// Pairs.
    pub pairs: usize,
    /// Pairs scoring at or above the default threshold.
    pub passed: usize,
    /// Every pair with its score.
    pub scores: Vec<(String, String, f64)>,
}

/// Compares each pair; a pair passes at or above the default threshold.
pub fn cross_script(pairs: &[CrossScriptPair]) -> CrossScriptReport {
    let scores: Vec<(String, String, f64)> = pairs
        .iter()
        .map(|p| {
            (
                p.query.clone(),
                p.expected.clone(),
                compare(&p.query, &p.expected, None).score,
            )
        })
        .collect();
    CrossScriptReport {
        pairs: pairs.len(),
        passed: scores.iter().filter(|s| s.2 >= DEFAULT_THRESHOLD).count(),
        scores,
    }
}

/// A tiny deterministic xorshift generator (no dependency, stable across platforms).
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from a seed (0 is replaced by a fixed constant).
    pub fn new(seed: u64) -> XorShift {
        XorShift(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Reads the rigour equivalence file (`form, form => QID` per line) into groups of forms.
pub fn parse_rigour_groups(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter_map(|line| line.split_once("=>"))
        .map(|(forms, _)| {
            forms
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|g| !g.is_empty())
        .collect()
}

/// Seeded two-token names from random forms of two random groups (any script),
/// leaving out any whose tokens all occur in one listed name.
pub fn synthetic_non_matches(
    index: &Index,
    groups: &[Vec<String>],
    count: usize,
    seed: u64,
) -> Vec<String> {
    let mut rng = XorShift::new(seed);
    let mut out = Vec::with_capacity(count);
    let mut attempts = 0usize;
    while out.len() < count && attempts < count * 20 && !groups.is_empty() {
        attempts += 1;
        let a = &groups[rng.below(groups.len())];
        let b = &groups[rng.below(groups.len())];
        let (Some(fa), Some(fb)) = (a.get(rng.below(a.len())), b.get(rng.below(b.len()))) else {
            continue;
        };
        let name = format!("{fa} {fb}");
        if !index.some_name_contains_all(&name) {
            out.push(name);
        }
    }
    out
}

/// Alert rate of queries that should match nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertReport {
    /// Queries run.
    pub queries: usize,
    /// Queries with at least one result at the default threshold.
    pub alerts: usize,
    /// alerts / queries.
    pub rate: f64,
    /// The first alerts (query, matched name, score), at most 20.
    pub examples: Vec<(String, String, f64)>,
}

/// Screens queries that should match nothing; counts those that alert.
pub fn false_alerts(index: &Index, queries: &[String]) -> AlertReport {
    let hits: Vec<Option<Match>> = queries
        .par_iter()
        .map(|q| {
            index
                .screen(&Query::name(q), &ScreenOptions::default())
                .into_iter()
                .next()
        })
        .collect();
    let alerts = hits.iter().filter(|h| h.is_some()).count();
    let examples = queries
        .iter()
        .zip(&hits)
        .filter_map(|(q, h)| {
            h.as_ref()
                .map(|m| (q.clone(), m.matched_name.clone(), m.score))
        })
        .take(20)
        .collect();
    AlertReport {
        queries: queries.len(),
        alerts,
        rate: ratio(alerts, queries.len()),
        examples,
    }
}

/// Seeded variations of the strong Latin names of entities: one typo in a token
/// of four letters or more, and a reordering of the tokens; each with its entity id.
pub fn typo_and_reorder_cases(entities: &[Entity], seed: u64) -> Vec<(String, String)> {
    let mut rng = XorShift::new(seed);
    let mut out = Vec::new();
    for e in entities {
        for n in e
            .names
            .iter()
            .filter(|n| n.kind == NameKind::Primary && n.quality == NameQuality::Strong)
        {
            let tokens: Vec<String> = cordon_names::normalize(&n.full)
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            if let Some(typo) = with_typo(&tokens, &mut rng) {
                out.push((typo, e.id.clone()));
            }
            if tokens.len() >= 2 {
                out.push((reordered(&tokens, &mut rng), e.id.clone()));
            }
        }
    }
    out
}

fn with_typo(tokens: &[String], rng: &mut XorShift) -> Option<String> {
    let eligible: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].chars().count() >= 4 && tokens[i].is_ascii())
        .collect();
    let &pick = eligible.get(rng.below(eligible.len()))?;
    let mut chars: Vec<char> = tokens[pick].chars().collect();
    let pos = rng.below(chars.len().saturating_sub(1)) + 1;
    let letter = char::from(b'a' + rng.below(26) as u8);
    match rng.below(4) {
        0 => chars[pos] = letter,
        1 => {
            chars.remove(pos);
        }
        2 => chars.insert(pos, letter),
        _ => chars.swap(pos - 1, pos),
    }
    let mut out = tokens.to_vec();
    out[pick] = chars.into_iter().collect();
    Some(out.join(" "))
}

fn reordered(tokens: &[String], rng: &mut XorShift) -> String {
    let mut t = tokens.to_vec();
    if rng.below(2) == 0 {
        t.rotate_left(1);
    } else {
        for i in (1..t.len()).rev() {
            t.swap(i, rng.below(i + 1));
        }
    }
    t.join(" ")
}

/// Query timings of one index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingReport {
    /// Entities indexed.
    pub entities: usize,
    /// Name variants indexed.
    pub names: usize,
    /// Index build time, milliseconds.
    pub build_ms: f64,
    /// Queries timed.
    pub queries: usize,
    /// Median query time, microseconds (one thread).
    pub p50_us: f64,
    /// 99th percentile query time, microseconds (one thread).
    pub p99_us: f64,
    /// Names screened per second with all cores (rayon).
    pub batch_names_per_s: f64,
}

/// Builds an index (timed) and times the queries on one thread, then as a parallel batch.
pub fn timings(entities: Vec<Entity>, queries: &[String]) -> (Index, TimingReport) {
    let start = Instant::now();
    let index = Index::build(entities);
    let build_ms = start.elapsed().as_secs_f64() * 1000.0;
    let options = ScreenOptions::default();
    let mut micros: Vec<f64> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            let hits = index.screen(&Query::name(q), &options);
            std::hint::black_box(hits);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        micros
            .get(((micros.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let t = Instant::now();
    let total: usize = queries
        .par_iter()
        .map(|q| index.screen(&Query::name(q), &options).len())
        .sum();
    std::hint::black_box(total);
    let batch_s = t.elapsed().as_secs_f64();
    let report = TimingReport {
        entities: index.len(),
        names: index.name_count(),
        build_ms,
        queries: queries.len(),
        p50_us: pct(0.5),
        p99_us: pct(0.99),
        batch_names_per_s: if batch_s > 0.0 {
            queries.len() as f64 / batch_s
        } else {
            0.0
        },
    };
    (index, report)
}

/// Splits CSV text into records (RFC 4180 quoting; `#` comment lines and blank lines skipped).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_line_start = true;
    while let Some(c) = chars.next() {
        if at_line_start && !quoted && c == '#' {
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        at_line_start = false;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
                at_line_start = true;
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Reads the nomenklatura benchmark CSV (header `case_group,schema,name1,name2,is_match,...`).
pub fn parse_bench_cases(text: &str) -> Vec<BenchCase> {
    let rows = parse_csv(text);
    let Some(header) = rows.first() else {
        return Vec::new();
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(s), Some(a), Some(b), Some(m)) =
        (col("schema"), col("name1"), col("name2"), col("is_match"))
    else {
        return Vec::new();
    };
    rows.iter()
        .skip(1)
        .filter_map(|r| {
            Some(BenchCase {
                schema: r.get(s).and_then(|x| Schema::parse(x)),
                name1: r.get(a)?.clone(),
                name2: r.get(b)?.clone(),
                is_match: r.get(m)?.eq_ignore_ascii_case("true"),
            })
        })
        .collect()
}

/// Reads the watchman cross-script pairs (`query,expected,min_score,description`, `#` comments).
pub fn parse_cross_script_pairs(text: &str) -> Vec<CrossScriptPair> {
    parse_csv(text)
        .into_iter()
        .filter_map(|r| {
            Some(CrossScriptPair {
                query: r.first()?.trim().to_string(),
                expected: r.get(1)?.trim().to_string(),
            })
        })
        .filter(|p| !p.query.is_empty() && !p.expected.is_empty())
        .collect()
}
