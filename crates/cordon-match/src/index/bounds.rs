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
    /// [`LeastScores::lowest`], once known.
    lowest: Option<f32>,
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
            lowest: None,
        }
    }

    /// The least of [`LeastScores::of`] over all entities, known without reading
    /// any: every qualifier of the query agreeing as strongly as it can (0 when the
    /// query names identifiers, which may agree outright). A name that cannot reach
    /// it cannot reach any entity's, so the entity need not be looked at (its
    /// record is scattered in memory, and most candidates are refused here).
    pub(super) fn lowest(&mut self) -> f32 {
        let (query, country, threshold) = (self.query, self.country, self.threshold);
        *self.lowest.get_or_insert_with(|| {
            if !query.identifiers.is_empty() {
                return 0.0;
            }
            let strongest_country = if country.is_some() { 2 } else { 0 };
            let boosts = agreement_strengths(query.birth_date.is_some(), strongest_country);
            least_name_score(threshold, &boosts) as f32
        })
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
    use cordon_model::{BirthDate, PartialDate, Place, Schema};

    /// Entities with every combination of facts a query's qualifiers can agree with.
    fn entities() -> Vec<Entity> {
        let mut out = Vec::new();
        for facts in 0..16u8 {
            let mut e = Entity::new("un", &format!("QDi.{facts}"), Schema::Person);
            if facts & 1 != 0 {
                e.birth_dates
                    .push(BirthDate::exact(PartialDate::year(1970)));
            }
            if facts & 2 != 0 {
                e.nationalities.push("af".into());
            }
            if facts & 4 != 0 {
                e.countries.push("AF".into());
            }
            if facts & 8 != 0 {
                e.birth_places.push(Place {
                    text: "Kabul".into(),
                    country: Some("AF".into()),
                });
            }
            out.push(e);
        }
        out
    }

    #[test]
    fn the_lowest_least_score_is_below_every_entitys() {
        let dates = [None, Some(BirthDate::exact(PartialDate::year(1970)))];
        let countries = [None, Some("AF"), Some("RU")];
        for (dob, country) in dates.iter().flat_map(|d| countries.map(move |c| (d, c))) {
            let query = Query {
                name: "Tohir Yuldashev".into(),
                birth_date: dob.clone(),
                country: country.map(str::to_string),
                ..Query::default()
            };
            let mut least = LeastScores::new(&query, country, 0.75);
            let lowest = least.lowest();
            for e in entities() {
                let of = least.of(&e);
                assert!(
                    lowest <= of,
                    "{dob:?} {country:?} {}: {lowest} > {of}",
                    e.id
                );
            }
            // The bound is reached by the entity agreeing on everything the query
            // gives (no entity is of Russia).
            if country != Some("RU") {
                let best = entities().iter().map(|e| least.of(e)).fold(1.0, f32::min);
                assert_eq!(lowest, best, "{dob:?} {country:?}");
            }
        }
    }

    #[test]
    fn a_query_with_identifiers_has_no_lowest_bound() {
        let query = Query {
            identifiers: vec!["A1234567".into()],
            ..Query::name("Tohir Yuldashev")
        };
        assert_eq!(LeastScores::new(&query, None, 0.75).lowest(), 0.0);
    }

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
