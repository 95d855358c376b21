//! The free-text scanner on the demo UN list: names combined across one entity's names.

use cordon_match::textscan::TextScanner;

#[test]
fn given_name_of_the_primary_and_family_name_of_an_alias_find_the_entity() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../cordon/demo/demo_un.xml");
    let bytes = std::fs::read(path).expect("demo list");
    let list = cordon_lists::un::read(&bytes).expect("demo list parses");
    let scanner = TextScanner::build(&list.entities);
    let hits = scanner.scan("payment for Tohir Yuldashev");
    assert_eq!(
        hits.first().map(|h| h.entity_id.as_str()),
        Some("un:DMi.002"),
        "{hits:?}"
    );
    assert!(
        hits.first()
            .is_some_and(|h| h.explanation.contains("two names")),
        "{hits:?}"
    );
    assert!(scanner.scan("payment for Tohir, invoice 22").is_empty());
    assert!(scanner.scan("tohir paid the rent and yuldashev").is_empty());
}
