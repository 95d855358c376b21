//! Order-insensitive alignment of two token sequences and the name score it yields.
//!
//! Every query token may align with at most one list token (or an adjacent pair
//! of tokens joined, for compounds), chosen greedily by similarity. The score
//! rewards the coverage of the better-covered side and penalises, more gently,
//! what the other side leaves unexplained: a missing middle name costs little,
//! a given name that contradicts the list's costs a lot.

use crate::token::{compound_sim, is_distinctive, token_sim, Rule, TokenView};
use smallvec::SmallVec;

/// Tokens beyond this position in a name are ignored (no real name has more).
pub(crate) const MAX_TOKENS: usize = 32;
/// Exponent on the better coverage: a contradiction on both sides falls fast.
const HIGH_EXP: f32 = 1.5;
/// Exponent on the lesser coverage: extra tokens on one side cost little.
const LOW_EXP: f32 = 0.2;
/// Factor when only one distinctive token corresponds although a side has several.
const SINGLE_TOKEN_FACTOR: f32 = 0.86;
/// Factor when only non-distinctive tokens (legal forms, generic words, particles) correspond.
const GENERIC_ONLY_FACTOR: f32 = 0.3;
/// Factor when the corresponding tokens are shuffled (not the same order, nor a rotation).
const SHUFFLE_FACTOR: f32 = 0.97;

/// One aligned unit: a span of query tokens with a span of list tokens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pair {
    pub q_start: u8,
    pub q_len: u8,
    pub c_start: u8,
    pub c_len: u8,
    pub sim: f32,
    pub rule: Rule,
}

/// The outcome of aligning two names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Alignment {
    pub score: f32,
    pub query_coverage: f32,
    pub list_coverage: f32,
    pub pairs: SmallVec<[Pair; 8]>,
    /// Factors applied after coverage, with their reason.
    pub factors: SmallVec<[(&'static str, f32); 3]>,
}

/// Aligns query tokens with list tokens and scores the result in [0, 1].
pub(crate) fn align(q: &[TokenView<'_>], c: &[TokenView<'_>]) -> Alignment {
    let q = &q[..q.len().min(MAX_TOKENS)];
    let c = &c[..c.len().min(MAX_TOKENS)];
    if q.is_empty() || c.is_empty() {
        return Alignment::default();
    }
    let mut options = candidate_pairs(q, c);
    // Best similarity first; on ties a plain pair before a compound, then the earlier token.
    options.sort_by(|a, b| {
        b.sim
            .total_cmp(&a.sim)
            .then((a.q_len + a.c_len).cmp(&(b.q_len + b.c_len)))
            .then(a.q_start.cmp(&b.q_start))
            .then(a.c_start.cmp(&b.c_start))
    });
    let pairs = greedy(&options);
    score_pairs(q, c, pairs)
}

fn candidate_pairs(q: &[TokenView<'_>], c: &[TokenView<'_>]) -> SmallVec<[Pair; 32]> {
    let mut out = SmallVec::new();
    for (i, qt) in q.iter().enumerate() {
        for (j, ct) in c.iter().enumerate() {
            if let Some((sim, rule)) = token_sim(qt, ct) {
                out.push(pair(i, 1, j, 1, sim, rule));
            }
        }
    }
    let mut joined = String::with_capacity(64);
    for i in 0..q.len().saturating_sub(1) {
        join_into(&mut joined, q[i].text, q[i + 1].text);
        for (j, ct) in c.iter().enumerate() {
            if let Some(sim) = compound_match(&joined, ct.text) {
                out.push(pair(i, 2, j, 1, sim, Rule::Compound));
            }
        }
    }
    for j in 0..c.len().saturating_sub(1) {
        join_into(&mut joined, c[j].text, c[j + 1].text);
        for (i, qt) in q.iter().enumerate() {
            if let Some(sim) = compound_match(&joined, qt.text) {
                out.push(pair(i, 1, j, 2, sim, Rule::Compound));
            }
        }
    }
    out
}

fn join_into(buf: &mut String, a: &str, b: &str) {
    buf.clear();
    buf.push_str(a);
    buf.push_str(b);
}

/// A compound is worth checking only when lengths and first letters agree.
fn compound_match(joined: &str, token: &str) -> Option<f32> {
    if joined.len().abs_diff(token.len()) > 2 || joined.as_bytes().first() != token.as_bytes().first() {
        return None;
    }
    compound_sim(joined, token)
}

fn pair(i: usize, il: u8, j: usize, jl: u8, sim: f32, rule: Rule) -> Pair {
    Pair {
        q_start: i as u8,
        q_len: il,
        c_start: j as u8,
        c_len: jl,
        sim,
        rule,
    }
}

fn span_mask(start: u8, len: u8) -> u64 {
    ((1u64 << len) - 1) << start
}

fn greedy(options: &[Pair]) -> SmallVec<[Pair; 8]> {
    let (mut used_q, mut used_c) = (0u64, 0u64);
    let mut out = SmallVec::new();
    for p in options {
        let (mq, mc) = (span_mask(p.q_start, p.q_len), span_mask(p.c_start, p.c_len));
        if used_q & mq == 0 && used_c & mc == 0 {
            used_q |= mq;
            used_c |= mc;
            out.push(*p);
        }
    }
    out
}

fn span_weight(tokens: &[TokenView<'_>], start: u8, len: u8) -> f32 {
    let (s, l) = (usize::from(start), usize::from(len));
    tokens.iter().skip(s).take(l).map(|t| t.weight).sum()
}

fn span_distinctive(tokens: &[TokenView<'_>], start: u8, len: u8) -> bool {
    let (s, l) = (usize::from(start), usize::from(len));
    tokens.iter().skip(s).take(l).any(|t| is_distinctive(t.kind))
}

fn score_pairs(q: &[TokenView<'_>], c: &[TokenView<'_>], pairs: SmallVec<[Pair; 8]>) -> Alignment {
    let total_q: f32 = q.iter().map(|t| t.weight).sum();
    let total_c: f32 = c.iter().map(|t| t.weight).sum();
    let (mut got_q, mut got_c) = (0.0f32, 0.0f32);
    let mut distinctive_pairs = 0usize;
    for p in &pairs {
        got_q += p.sim * span_weight(q, p.q_start, p.q_len);
        got_c += p.sim * span_weight(c, p.c_start, p.c_len);
        if span_distinctive(q, p.q_start, p.q_len) || span_distinctive(c, p.c_start, p.c_len) {
            distinctive_pairs += 1;
        }
    }
    let cov_q = if total_q > 0.0 { (got_q / total_q).min(1.0) } else { 0.0 };
    let cov_c = if total_c > 0.0 { (got_c / total_c).min(1.0) } else { 0.0 };
    let (hi, lo) = (cov_q.max(cov_c), cov_q.min(cov_c));
    let mut score = hi.powf(HIGH_EXP) * lo.powf(LOW_EXP);
    let mut factors = SmallVec::new();
    let distinct_q = q.iter().filter(|t| is_distinctive(t.kind)).count();
    let distinct_c = c.iter().filter(|t| is_distinctive(t.kind)).count();
    if distinctive_pairs == 0 && !pairs.is_empty() {
        factors.push(("only generic words, legal forms or particles correspond", GENERIC_ONLY_FACTOR));
    } else if distinctive_pairs == 1 && distinct_q.max(distinct_c) >= 2 {
        factors.push(("a single distinctive token corresponds", SINGLE_TOKEN_FACTOR));
    }
    if is_shuffled(&pairs) {
        factors.push(("tokens correspond in a shuffled order", SHUFFLE_FACTOR));
    }
    for (_, f) in &factors {
        score *= f;
    }
    Alignment {
        score: score.clamp(0.0, 1.0),
        query_coverage: cov_q,
        list_coverage: cov_c,
        pairs,
        factors,
    }
}

/// True when list positions, read in query order, are neither increasing nor a rotation
/// of an increasing run (family-first versus family-last is a rotation).
fn is_shuffled(pairs: &[Pair]) -> bool {
    if pairs.len() < 3 {
        return false;
    }
    let mut order: SmallVec<[(u8, u8); 8]> = pairs.iter().map(|p| (p.q_start, p.c_start)).collect();
    order.sort_unstable();
    let descents = order.windows(2).filter(|w| w[1].1 < w[0].1).count();
    let wraps = order.last().zip(order.first()).is_some_and(|(l, f)| l.1 < f.1);
    !(descents == 0 || (descents == 1 && wraps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::OwnedToken;

    fn score(a: &str, b: &str) -> f32 {
        let qa: Vec<OwnedToken> = a.split(' ').map(OwnedToken::new).collect();
        let cb: Vec<OwnedToken> = b.split(' ').map(OwnedToken::new).collect();
        let qv: Vec<_> = qa.iter().map(OwnedToken::view).collect();
        let cv: Vec<_> = cb.iter().map(OwnedToken::view).collect();
        align(&qv, &cv).score
    }

    #[test]
    fn order_insensitive_and_penalises_contradiction() {
        assert!((score("olaf scholz", "scholz olaf") - 1.0).abs() < 1e-6);
        assert!(score("olaf scholze", "olaf scholz") > 0.85);
        assert!(score("frederik richter", "frank richter") < 0.5);
        assert!(score("abdul rahman", "abdulrahman") > 0.9);
        assert!(score("akhtar mansour", "akhtar mohammad mansour shah mohammed") > 0.8);
        assert!(score("walijan", "walijan abdul ghafoor haqqani") < 0.8);
    }
}
