//! The least name score that can still reach the threshold, per query and entity.

use super::*;

/// The least name score with which a name can still reach the threshold for one
/// entity: the qualifiers' agreements count only where the entity has something
/// to agree with. Computed once per case and query.
pub(super) struct LeastScores<'q> {
    pub(super) query: &'q Query,
    /// The query's country code, trimmed and uppercase.
    pub(super) country: Option<&'q str>,
    pub(super) threshold: f64,
    /// By (birth date can agree, country agreement level).
    pub(super) cases: [[Option<f32>; 3]; 2],
}

impl<'q> LeastScores<'q> {
    pub(super) fn new(
        query: &'q Query,
        country: Option<&'q str>,
        threshold: f64,
    ) -> LeastScores<'q> {
        LeastScores {
            query,
            country,
            threshold,
            cases: [[None; 3]; 2],
        }
    }

    pub(super) fn of(&mut self, entity: &Entity) -> f32 {
        let Some((birth, country)) = possible_agreement(self.query, self.country, entity) else {
            return 0.0;
        };
        let Some(slot) = self
            .cases
            .get_mut(usize::from(birth))
            .and_then(|row| row.get_mut(usize::from(country)))
        else {
            return 0.0;
        };
        *slot.get_or_insert_with(|| {
            least_name_score(self.threshold, &agreement_strengths(birth, country)) as f32
        })
    }
}

/// The least name score that can still reach `threshold` once agreements of the
/// given strengths raise it (the combined score grows with the name score, so bisect).
pub(super) fn least_name_score(threshold: f64, boosts: &[f64]) -> f64 {
    // A query asks for one of a handful of (threshold, boosts) cases, every time:
    // remember them rather than bisect again.
    thread_local! {
        static KNOWN: RefCell<Vec<KnownLeast>> = const { RefCell::new(Vec::new()) };
    }
    let key: SmallVec<[u64; 2]> = boosts.iter().map(|b| b.to_bits()).collect();
    let found = KNOWN.with(|k| {
        k.borrow()
            .iter()
            .find(|(t, b, _)| *t == threshold.to_bits() && *b == key)
            .map(|e| e.2)
    });
    if let Some(least) = found {
        return least;
    }
    let least = bisect_least_name_score(threshold, boosts);
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() < 64 {
            k.push((threshold.to_bits(), key, least));
        }
    });
    least
}

/// A remembered [`least_name_score`]: threshold and boosts (as bits), result.
pub(super) type KnownLeast = (u64, SmallVec<[u64; 2]>, f64);

/// [`least_name_score`] by bisection.
pub(super) fn bisect_least_name_score(threshold: f64, boosts: &[f64]) -> f64 {
    let reach = |name: f64| combine(name, false, &[]).0 + raise(name, boosts);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    if reach(hi) < threshold {
        return 1.0;
    }
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        if reach(mid) >= threshold {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// What agreements of these strengths add to a name score (as [`combine`] applies them).
pub(super) fn raise(name: f64, boosts: &[f64]) -> f64 {
    let start = NAME_CEILING * name;
    let end = boosts
        .iter()
        .fold(start, |score, k| score + (1.0 - score) * k * name);
    end - start
}

#[cfg(test)]
mod floor_tests {
    use super::*;

    #[test]
    fn qualifier_floor_is_a_true_bound_and_tighter_than_a_fixed_margin() {
        let name_only = least_name_score(0.75, &[]);
        assert!((name_only - 0.75 / NAME_CEILING).abs() < 1e-4);
        let with_country = least_name_score(0.75, &[0.30]);
        assert!(with_country < name_only && with_country > 0.55 / NAME_CEILING);
        // At the bound, a full agreement reaches the threshold; just below, it does not.
        let agree = [crate::qualifiers::Evidence {
            qualifier: crate::Qualifier::Country,
            outcome: crate::Outcome::Agree,
            detail: String::new(),
            strength: 0.30,
        }];
        assert!(combine(with_country + 1e-4, false, &agree).0 >= 0.75);
        assert!(combine(with_country - 1e-3, false, &agree).0 < 0.75);
    }
}
