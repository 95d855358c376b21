//! Stories from real screenings that went wrong: party names of public payment
//! samples (`../shared/data/payments/public`) that alerted on nothing, and a
//! ranking that put the wrong entity first.

mod common;

use cordon_match::{Index, Query, ScreenOptions, DEFAULT_THRESHOLD};
use cordon_model::{NameQuality, Schema};

fn un_and_ofac() -> Vec<cordon_model::Entity> {
    let mut all = common::un();
    all.extend(common::ofac());
    all
}

/// The party names exactly as the public samples carry them.
fn party_name(file: &str, needle: &str) -> String {
    let path = format!("{}/payments/public/pacs008/{file}", common::DATA);
    let text = std::fs::read_to_string(&path).expect("payment sample in shared data");
    let start = text.find(needle).expect("the sample holds the party") + "<Nm>".len();
    let end = start + text[start..].find("</Nm>").expect("a closed Nm");
    text[start..end].to_string()
}

#[test]
fn a_lone_letter_and_a_bare_weak_alias_do_not_alert() {
    let index = Index::build(un_and_ofac());
    let agent = party_name("wire_Scenario1_Step1.xml", "<Nm>Bank A</Nm>");
    let debtor = party_name("cbprur_MinMax-0023.xml", "<Nm>Dave</Nm>");
    assert_eq!((agent.as_str(), debtor.as_str()), ("Bank A", "Dave"));
    let hits = index.screen(&Query::name(&agent), &ScreenOptions::default());
    assert!(hits.is_empty(), "{agent}: {hits:?}");
    // "Dave" still meets the vessel name DOVE by spelling (as "tela" meets "TALA");
    // what must not alert is UN's low-quality alias "Dave" on its own.
    let hits = index.screen(&Query::name(&debtor), &ScreenOptions::default());
    assert!(
        hits.iter()
            .all(|h| h.explanation.name.weak_alias_penalty.is_none()),
        "{debtor}: {hits:?}"
    );
}

#[test]
fn a_bare_weak_alias_alerts_when_the_birth_date_agrees() {
    let entities = un_and_ofac();
    // The UN lists "Dave" as a low-quality alias of one person.
    let listed = entities
        .iter()
        .find(|e| {
            e.names
                .iter()
                .any(|n| n.full == "Dave" && n.quality == NameQuality::Weak)
        })
        .expect("a UN person with the weak alias Dave");
    let dob = listed
        .birth_dates
        .first()
        .cloned()
        .expect("a listed birth date");
    let id = listed.id.clone();
    let index = Index::build(entities);
    let query = Query {
        birth_date: Some(dob),
        schema: Some(Schema::Person),
        ..Query::name("Dave")
    };
    let hits = index.screen(&query, &ScreenOptions::default());
    let hit = hits
        .iter()
        .find(|h| h.entity_id == id)
        .expect("found with its birth date");
    assert!(hit.score >= DEFAULT_THRESHOLD);
    assert!(hit.explanation.name.weak_alias_penalty.is_some());
}

#[test]
fn an_inverted_alias_ranks_its_entity_first() {
    let index = Index::build(un_and_ofac());
    let hits = index.screen(&Query::name("Osama bin Laden"), &ScreenOptions::default());
    let top = hits.first().expect("Osama bin Laden alerts");
    // OFAC 6365 lists "BIN LADEN, Osama" as an alias; Hamza bin Laden is his son.
    assert_eq!(
        (top.source.as_str(), top.source_id.as_str()),
        ("ofac", "6365"),
        "{hits:?}"
    );
    assert!(top.score >= 0.9, "{}", top.score);
    let hamza = hits.iter().find(|h| h.name.contains("Hamza"));
    assert!(hamza.is_none_or(|h| h.score < top.score));
}
