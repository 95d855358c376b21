//! Qualifiers: birth date, country, identifiers and schema, and how they move a name score.
//!
//! A name score is first capped at [`NAME_CEILING`] (a name alone never proves
//! identity). Agreeing qualifiers then close part of the remaining gap to 1,
//! in proportion to their strength and to the name similarity (they cannot
//! turn a poor name match into a strong one); conflicting qualifiers scale
//! the score down.

use crate::explain::{Outcome, Qualifier, QualifierEffect};
use crate::Query;
use cordon_model::{BirthDate, DateQualifier, Entity, Schema};
use smallvec::SmallVec;

/// The highest score a name alone can reach.
pub(crate) const NAME_CEILING: f64 = 0.93;
/// Factor on the name similarity when the list name is a weak alias.
pub(crate) const WEAK_ALIAS_FACTOR: f64 = 0.85;

/// One qualifier's verdict before it is applied.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    pub qualifier: Qualifier,
    pub outcome: Outcome,
    pub detail: String,
    /// Share of the gap to 1 closed when agreeing; share of the score removed when conflicting.
    pub strength: f64,
}

fn evidence(qualifier: Qualifier, outcome: Outcome, detail: String, strength: f64) -> Evidence {
    Evidence {
        qualifier,
        outcome,
        detail,
        strength,
    }
}

/// Everything the query's qualifiers say about an entity.
pub(crate) fn assess(query: &Query, entity: &Entity) -> SmallVec<[Evidence; 4]> {
    let mut out = SmallVec::new();
    if let Some(dob) = &query.birth_date {
        out.extend(birth_date(dob, &entity.birth_dates));
    }
    if let Some(country) = &query.country {
        out.extend(country_evidence(country, entity));
    }
    if !query.identifiers.is_empty() {
        out.extend(identifier_evidence(&query.identifiers, entity));
    }
    if let Some(schema) = query.schema {
        out.extend(schema_evidence(schema, entity.schema));
    }
    out
}

/// Strongest birth-date agreement (to the day).
const BIRTH_DAY_STRENGTH: f64 = 0.55;
/// Strongest country agreement (a listed nationality).
const NATIONALITY_STRENGTH: f64 = 0.30;
/// Agreement of a country linked to the entity otherwise (address, birth place).
const LINKED_COUNTRY_STRENGTH: f64 = 0.20;

/// The strongest agreement each of the query's qualifiers could bring to any entity.
/// Identifiers are left out: an entity whose identifier matches is scored whatever
/// its name, so the bound only has to cover entities found by name.
pub(crate) fn max_agreement(query: &Query) -> SmallVec<[f64; 2]> {
    let mut out = SmallVec::new();
    if query.birth_date.is_some() {
        out.push(BIRTH_DAY_STRENGTH);
    }
    if query.country.is_some() {
        out.push(NATIONALITY_STRENGTH);
    }
    out
}

/// [`max_agreement`] without the country's (for entities it cannot agree with).
pub(crate) fn max_agreement_besides_country(query: &Query) -> SmallVec<[f64; 2]> {
    let mut out = SmallVec::new();
    if query.birth_date.is_some() {
        out.push(BIRTH_DAY_STRENGTH);
    }
    out
}

/// What the query's qualifiers can bring to this entity, as a key of the few cases:
/// `None` when a query identifier matches one of the entity's (the entity is then
/// scored whatever its name); otherwise whether a birth date can agree (the entity
/// lists one) and the country agreement it can give (0 none, 1 linked country or
/// birth place, 2 nationality), as [`country_evidence`] decides. `country` is the
/// query's country code, trimmed and uppercase. Allocation-free on the usual path:
/// it runs for every candidate.
pub(crate) fn possible_agreement(
    query: &Query,
    country: Option<&str>,
    entity: &Entity,
) -> Option<(bool, u8)> {
    if !query.identifiers.is_empty() && identifier_evidence(&query.identifiers, entity).is_some() {
        return None;
    }
    let birth = query.birth_date.is_some() && !entity.birth_dates.is_empty();
    let level = country.map_or(0, |code| {
        let same = |c: &String| c.eq_ignore_ascii_case(code);
        if entity.nationalities.iter().any(same) {
            2
        } else if entity.countries.iter().any(same)
            || entity
                .birth_places
                .iter()
                .any(|p| p.country.as_ref().is_some_and(same))
        {
            1
        } else {
            0
        }
    });
    Some((birth, level))
}

/// The agreement strengths of a [`possible_agreement`] case.
pub(crate) fn agreement_strengths(birth: bool, country: u8) -> SmallVec<[f64; 2]> {
    let mut out = SmallVec::new();
    if birth {
        out.push(BIRTH_DAY_STRENGTH);
    }
    match country {
        2 => out.push(NATIONALITY_STRENGTH),
        1 => out.push(LINKED_COUNTRY_STRENGTH),
        _ => {}
    }
    out
}

/// Applies evidence to a name similarity; returns the score and each effect's contribution.
pub(crate) fn combine(
    name_sim: f64,
    weak: bool,
    evidence: &[Evidence],
) -> (f64, Vec<QualifierEffect>) {
    let name_sim = name_sim.clamp(0.0, 1.0);
    let effective = if weak {
        name_sim * WEAK_ALIAS_FACTOR
    } else {
        name_sim
    };
    let mut score = NAME_CEILING * effective;
    let mut effects = Vec::with_capacity(evidence.len());
    // Agreement first so that conflicts scale the full score, whatever the order given.
    let ordered = evidence
        .iter()
        .filter(|e| e.outcome == Outcome::Agree)
        .chain(evidence.iter().filter(|e| e.outcome == Outcome::Conflict));
    for e in ordered {
        let before = score;
        score = match e.outcome {
            Outcome::Agree => score + (1.0 - score) * e.strength * effective,
            Outcome::Conflict => score * (1.0 - e.strength),
        };
        effects.push(QualifierEffect {
            qualifier: e.qualifier,
            outcome: e.outcome,
            detail: e.detail.clone(),
            contribution: crate::explain::round_score(score - before),
        });
    }
    (score.clamp(0.0, 1.0), effects)
}

/// How precisely two birth dates agree, or how far apart they are.
enum DateFit {
    Day,
    Month,
    Year,
    Near,
    Far,
}

fn date_fit(query: &BirthDate, listed: &BirthDate) -> DateFit {
    let (qa, qb) = query.year_range();
    let (la, lb) = listed.year_range();
    if qb < la || lb < qa {
        let gap = (la - qb).max(qa - lb);
        return if gap <= 1 {
            DateFit::Near
        } else {
            DateFit::Far
        };
    }
    let both_exact =
        query.qualifier == DateQualifier::Exact && listed.qualifier == DateQualifier::Exact;
    if !both_exact {
        return DateFit::Year;
    }
    let (q, l) = (query.date, listed.date);
    match (q.month, l.month) {
        (Some(qm), Some(lm)) if qm != lm => DateFit::Near,
        (Some(_), Some(_)) => match (q.day, l.day) {
            (Some(qd), Some(ld)) if qd != ld => DateFit::Near,
            (Some(_), Some(_)) => DateFit::Day,
            _ => DateFit::Month,
        },
        _ => DateFit::Year,
    }
}

fn birth_date(query: &BirthDate, listed: &[BirthDate]) -> Option<Evidence> {
    let best = listed
        .iter()
        .map(|l| (date_fit(query, l), l))
        .min_by_key(|(fit, _)| match fit {
            DateFit::Day => 0,
            DateFit::Month => 1,
            DateFit::Year => 2,
            DateFit::Near => 3,
            DateFit::Far => 4,
        })?;
    let listed_text = best.1.date.to_string();
    let (outcome, strength, what) = match best.0 {
        DateFit::Day => (
            Outcome::Agree,
            BIRTH_DAY_STRENGTH,
            "birth date agrees to the day",
        ),
        DateFit::Month => (Outcome::Agree, 0.40, "birth date agrees to the month"),
        DateFit::Year => (Outcome::Agree, 0.30, "birth year agrees"),
        DateFit::Near => (Outcome::Conflict, 0.04, "birth date differs slightly"),
        DateFit::Far => (Outcome::Conflict, 0.12, "birth date conflicts"),
    };
    let detail = format!("{what} ({} vs listed {listed_text})", query.date);
    Some(evidence(Qualifier::BirthDate, outcome, detail, strength))
}

fn country_evidence(country: &str, entity: &Entity) -> Option<Evidence> {
    let code = country.trim().to_ascii_uppercase();
    let same = |c: &String| c.eq_ignore_ascii_case(&code);
    if entity.nationalities.iter().any(same) {
        let detail = format!("nationality {code} agrees");
        return Some(evidence(
            Qualifier::Country,
            Outcome::Agree,
            detail,
            NATIONALITY_STRENGTH,
        ));
    }
    let linked = entity.countries.iter().any(same)
        || entity
            .birth_places
            .iter()
            .any(|p| p.country.as_ref().is_some_and(same));
    if linked {
        let detail = format!("country {code} is linked to the entity");
        return Some(evidence(
            Qualifier::Country,
            Outcome::Agree,
            detail,
            LINKED_COUNTRY_STRENGTH,
        ));
    }
    if entity.nationalities.is_empty() {
        return None;
    }
    let detail = format!(
        "nationality {code} not among listed {}",
        entity.nationalities.join(",")
    );
    Some(evidence(
        Qualifier::Country,
        Outcome::Conflict,
        detail,
        0.05,
    ))
}

/// Identifier numbers compared on their letters and digits only, uppercase.
pub(crate) fn normalize_identifier(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

fn identifier_evidence(numbers: &[String], entity: &Entity) -> Option<Evidence> {
    if entity.identifiers.is_empty() {
        return None;
    }
    let listed: SmallVec<[String; 4]> = entity
        .identifiers
        .iter()
        .map(|i| normalize_identifier(&i.number))
        .filter(|n| n.len() >= 4)
        .collect();
    let wanted: SmallVec<[String; 2]> = numbers
        .iter()
        .map(|n| normalize_identifier(n))
        .filter(|n| n.len() >= 4)
        .collect();
    if wanted.is_empty() || listed.is_empty() {
        return None;
    }
    if let Some(hit) = wanted.iter().find(|w| listed.contains(w)) {
        let detail = format!("identifier {hit} matches");
        return Some(evidence(
            Qualifier::Identifier,
            Outcome::Agree,
            detail,
            0.90,
        ));
    }
    let detail = "no identifier matches the listed ones".to_string();
    Some(evidence(
        Qualifier::Identifier,
        Outcome::Conflict,
        detail,
        0.06,
    ))
}

fn schema_evidence(query: Schema, listed: Schema) -> Option<Evidence> {
    if query == listed {
        return None;
    }
    let strength = match (query, listed) {
        (Schema::Person, _) | (_, Schema::Person) => 0.20,
        _ => 0.10,
    };
    let detail = format!("looking for a {query}, listed as a {listed}");
    Some(evidence(
        Qualifier::Schema,
        Outcome::Conflict,
        detail,
        strength,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::PartialDate;

    #[test]
    fn corroboration_raises_without_reaching_one() {
        let (alone, _) = combine(1.0, false, &[]);
        let agree = [
            evidence(Qualifier::BirthDate, Outcome::Agree, String::new(), 0.55),
            evidence(Qualifier::Country, Outcome::Agree, String::new(), 0.30),
        ];
        let (both, effects) = combine(1.0, false, &agree);
        assert!((alone - NAME_CEILING).abs() < 1e-9);
        assert!(both > alone && both < 1.0);
        assert_eq!(effects.len(), 2);
    }

    #[test]
    fn dates_fit() {
        let q = BirthDate::exact(PartialDate::new(1970, Some(3), Some(4)).unwrap());
        let same = q.clone();
        let year = BirthDate::exact(PartialDate::year(1970));
        let far = BirthDate::exact(PartialDate::year(1980));
        assert!(matches!(date_fit(&q, &same), DateFit::Day));
        assert!(matches!(date_fit(&q, &year), DateFit::Year));
        assert!(matches!(date_fit(&q, &far), DateFit::Far));
    }
}
