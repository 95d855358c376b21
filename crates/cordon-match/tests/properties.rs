//! Properties of scores and screening.

mod common;

use cordon_match::{compare, Index, Query, ScreenOptions};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn scores_are_in_range_and_symmetric(a in "\\PC{0,40}", b in "\\PC{0,40}") {
        let ab = compare(&a, &b, None);
        let ba = compare(&b, &a, None);
        prop_assert!((0.0..=1.0).contains(&ab.score));
        prop_assert!((ab.score - ba.score).abs() < 1e-9);
    }

    #[test]
    fn a_name_matches_itself(a in "[A-Za-z]{3,12}( [A-Za-z]{3,12}){1,3}") {
        let c = compare(&a, &a, None);
        prop_assert!(c.score >= cordon_match::DEFAULT_THRESHOLD && c.score < 1.0);
    }
}

#[test]
fn every_un_entity_is_found_first_by_its_primary_name() {
    let un = common::un();
    let index = Index::build(un.clone());
    let options = ScreenOptions {
        threshold: 0.0,
        limit: 50,
    };
    let mut failures = Vec::new();
    for e in &un {
        let hits = index.screen(&Query::name(e.caption()), &options);
        let top = hits.first().map_or(0.0, |h| h.score);
        let own = hits.iter().find(|h| h.entity_id == e.id).map(|h| h.score);
        if own != Some(top) {
            failures.push((
                e.caption().to_string(),
                own,
                hits.first().map(|h| h.entity_id.clone()),
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn corroboration_ranks_above_a_bare_name_and_conflict_below() {
    let mut e = cordon_model::Entity::new("un", "QDi.001", cordon_model::Schema::Person);
    e.names.push(cordon_model::Name::new(
        "Tohir Yuldashev",
        cordon_model::NameKind::Primary,
    ));
    e.nationalities.push("UZ".into());
    e.birth_dates.push(cordon_model::BirthDate::exact(
        cordon_model::PartialDate::new(1967, Some(10), Some(2)).unwrap(),
    ));
    let index = Index::build(vec![e]);
    let bare = index.screen(&Query::name("Tohir Yuldashev"), &ScreenOptions::default());
    let mut q = Query::name("Tohir Yuldashev");
    q.country = Some("UZ".into());
    q.birth_date = Some(cordon_model::BirthDate::exact(
        cordon_model::PartialDate::new(1967, Some(10), Some(2)).unwrap(),
    ));
    let full = index.screen(&q, &ScreenOptions::default());
    let mut conflict = Query::name("Tohir Yuldashev");
    conflict.birth_date = Some(cordon_model::BirthDate::exact(
        cordon_model::PartialDate::year(1990),
    ));
    conflict.schema = Some(cordon_model::Schema::Organization);
    let conflicting = index.screen(
        &conflict,
        &ScreenOptions {
            threshold: 0.0,
            limit: 5,
        },
    );
    let (b, f, c) = (bare[0].score, full[0].score, conflicting[0].score);
    assert!((0.90..=0.95).contains(&b), "bare {b}");
    assert!(f > b && f < 1.0, "full {f}");
    assert!(c < b, "conflict {c}");
    assert_eq!(full[0].explanation.qualifiers.len(), 2);
}

#[test]
fn generic_words_alone_never_alert() {
    let mut e = cordon_model::Entity::new("ofac", "1", cordon_model::Schema::Organization);
    e.names.push(cordon_model::Name::new(
        "Al Rashid Trading Company LLC",
        cordon_model::NameKind::Primary,
    ));
    let index = Index::build(vec![e]);
    for q in [
        "Trading Company LLC",
        "LLC",
        "Company",
        "Global Trading Corp LLC",
    ] {
        assert!(
            index
                .screen(&Query::name(q), &ScreenOptions::default())
                .is_empty(),
            "{q}"
        );
    }
    assert!(!index
        .screen(
            &Query::name("Al-Rashid Trading Co"),
            &ScreenOptions::default()
        )
        .is_empty());
}

#[test]
fn cyrillic_query_finds_latin_entity_with_explanation() {
    let mut e = cordon_model::Entity::new("un", "X", cordon_model::Schema::Person);
    e.names.push(cordon_model::Name::new(
        "Gulmurod Khalimov",
        cordon_model::NameKind::Primary,
    ));
    let index = Index::build(vec![e]);
    let hits = index.screen(&Query::name("Халимов Гулмурод"), &ScreenOptions::default());
    assert_eq!(hits.len(), 1);
    let json = serde_json::to_value(&hits[0]).unwrap();
    assert_eq!(json["source_id"], "X");
    assert_eq!(
        json["explanation"]["name"]["alignment"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert!(
        hits[0].explanation.summary.contains("transliteration"),
        "{}",
        hits[0].explanation.summary
    );
}
