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
    let schema = query_schema(query);
    // A person's birth date says nothing about a vessel's or aircraft's build date.
    let comparable = !(schema == Some(Schema::Person) && is_craft(entity.schema));
    if let Some(dob) = query.birth_date.as_ref().filter(|_| comparable) {
        out.extend(birth_date(dob, &entity.birth_dates));
    }
    if let Some(country) = &query.country {
        out.extend(country_evidence(country, entity));
    }
    if !query.identifiers.is_empty() {
        out.extend(identifier_evidence(&query.identifiers, entity));
    }
    if let Some(schema) = schema {
        out.extend(schema_evidence(
            schema,
            entity.schema,
            query.schema.is_none(),
        ));
    }
    out
}

/// The kind of entity the query looks for: as given, or a person when the query
/// carries a birth date without a kind (customers and payment parties with a birth
/// date are people; a vessel's build date comes with the vessel kind). A country
/// alone infers nothing: it may be an organisation's country of registration.
pub(crate) fn query_schema(query: &Query) -> Option<Schema> {
    query
        .schema
        .or_else(|| query.birth_date.as_ref().map(|_| Schema::Person))
}

/// Vessels and aircraft: named craft, identified by their numbers.
fn is_craft(schema: Schema) -> bool {
    matches!(schema, Schema::Vessel | Schema::Aircraft)
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
    /// Years apart (beyond the listed date's own range or approximation).
    Far(i32),
}

fn date_fit(query: &BirthDate, listed: &BirthDate) -> DateFit {
    let (qa, qb) = query.year_range();
    let (la, lb) = listed.year_range();
    if qb < la || lb < qa {
        let gap = (la - qb).max(qa - lb);
        return if gap <= 1 {
            DateFit::Near
        } else {
            DateFit::Far(gap)
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
            DateFit::Far(gap) => 3 + gap,
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
        DateFit::Far(gap) => (
            Outcome::Conflict,
            date_gap_strength(gap),
            "birth date conflicts",
        ),
    };
    let detail = format!("{what} ({} vs listed {listed_text})", query.date);
    Some(evidence(Qualifier::BirthDate, outcome, detail, strength))
}

/// Share of the score a birth-date gap removes, per year beyond the listed range.
/// Listed dates are often approximate beyond what the list says (a year or two
/// off is common in UN and OFAC entries), so a small gap costs little; at four
/// years a name alone (at most 0.93) falls below the threshold, and a decade or
/// more is strong evidence of another person.
const DATE_GAP_PER_YEAR: f64 = 0.05;
/// The most a birth-date conflict removes: the name still shows through.
const DATE_GAP_MAX: f64 = 0.5;

/// The conflict strength of birth dates `gap` years apart.
fn date_gap_strength(gap: i32) -> f64 {
    (DATE_GAP_PER_YEAR * f64::from(gap)).min(DATE_GAP_MAX)
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

/// Identifier numbers compared on their letters and digits only, uppercase,
/// an `IMO` prefix dropped (one normaliser for the list and the query side).
pub(crate) fn normalize_identifier(number: &str) -> String {
    cordon_model::identifier::comparable(number)
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

/// A person against a vessel or aircraft (or the reverse): different kinds of
/// thing, a name alone (at most 0.93) can no longer alert.
const PERSON_CRAFT_CONFLICT: f64 = 0.45;
/// A person against an organisation (or the reverse): a clear conflict (a name
/// alone falls below the threshold), but people and firms do share names.
const PERSON_ORGANIZATION_CONFLICT: f64 = 0.25;
/// Between organisations, vessels and aircraft: registries name craft after firms.
const OTHER_SCHEMA_CONFLICT: f64 = 0.10;

fn schema_evidence(query: Schema, listed: Schema, inferred: bool) -> Option<Evidence> {
    if query == listed {
        return None;
    }
    let strength = match (query, listed) {
        (Schema::Person, other) | (other, Schema::Person) if is_craft(other) => {
            PERSON_CRAFT_CONFLICT
        }
        (Schema::Person, _) | (_, Schema::Person) => PERSON_ORGANIZATION_CONFLICT,
        _ => OTHER_SCHEMA_CONFLICT,
    };
    let why = if inferred {
        " (from the birth date)"
    } else {
        ""
    };
    let detail = format!("looking for a {query}{why}, listed as a {listed}");
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
        assert!(matches!(date_fit(&q, &far), DateFit::Far(10)));
        let circa = BirthDate {
            qualifier: DateQualifier::Approximate,
            date: PartialDate::year(1972),
            to: None,
        };
        assert!(matches!(date_fit(&q, &circa), DateFit::Near));
    }

    #[test]
    fn a_distant_birth_date_outweighs_a_full_name() {
        let (name, _) = combine(1.0, false, &[]);
        let conflict = |gap| {
            let e = evidence(
                Qualifier::BirthDate,
                Outcome::Conflict,
                String::new(),
                date_gap_strength(gap),
            );
            combine(1.0, false, &[e]).0
        };
        assert!(conflict(2) < name && conflict(2) >= crate::DEFAULT_THRESHOLD);
        assert!(conflict(5) < crate::DEFAULT_THRESHOLD);
        assert!(conflict(25) < conflict(5));
    }

    #[test]
    fn a_namesake_born_decades_apart_does_not_alert() {
        let mut listed = Entity::new("t", "1", Schema::Person);
        listed.names.push(cordon_model::Name::new(
            "RUIZ PEREZ, Leonardo",
            cordon_model::NameKind::Primary,
        ));
        listed
            .birth_dates
            .push(BirthDate::exact(PartialDate::year(1973)));
        let index = crate::Index::build(vec![listed]);
        let screen = |year| {
            let mut q = Query::name("Leonardo Ruiz Perez");
            q.birth_date = Some(BirthDate::exact(PartialDate::year(year)));
            index.screen(&q, &crate::ScreenOptions::default()).len()
        };
        assert_eq!(screen(1973), 1);
        assert_eq!(screen(1974), 1);
        assert_eq!(screen(1948), 0);
    }

    #[test]
    fn a_person_query_conflicts_with_craft_and_organisations() {
        let mut vessel = Entity::new("t", "1", Schema::Vessel);
        vessel
            .birth_dates
            .push(BirthDate::exact(PartialDate::year(1980)));
        let mut q = Query::name("chong rim");
        q.birth_date = Some(BirthDate::exact(PartialDate::year(1980)));
        let ev = assess(&q, &vessel);
        // The build date is not compared with a birth date; the kinds conflict.
        assert!(ev.iter().all(|e| e.qualifier != Qualifier::BirthDate));
        let (score, _) = combine(1.0, false, &ev);
        assert!(score < 0.6);
        let org = Entity::new("t", "2", Schema::Organization);
        let (score, _) = combine(1.0, false, &assess(&q, &org));
        assert!(score < crate::DEFAULT_THRESHOLD);
        // Without a birth date or a kind, nothing is inferred.
        assert!(assess(&Query::name("chong rim"), &vessel).is_empty());
    }
}
