//! Loading the shared data for integration tests.
#![allow(dead_code)]

use cordon_model::Entity;

/// The shared data folder.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

/// The UN Consolidated List of 2026-02-27.
pub fn un() -> Vec<Entity> {
    let bytes = std::fs::read(format!("{DATA}/lists/un/un_consolidated_2026-02-27.xml"))
        .expect("UN list in shared data");
    cordon_lists::un::read(&bytes)
        .expect("UN list parses")
        .entities
}

/// The OFAC SDN legacy CSV set of 2021.
pub fn ofac() -> Vec<Entity> {
    let dir = format!("{DATA}/lists/ofac/sdn_legacy_csv_2021");
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).expect("OFAC file in shared data");
    let (sdn, add, alt, comments) = (
        read("sdn.csv"),
        read("add.csv"),
        read("alt.csv"),
        read("sdn_comments.csv"),
    );
    cordon_lists::ofac::read_csv_set(&sdn, Some(&add), Some(&alt), Some(&comments))
        .expect("OFAC set parses")
        .entities
}

/// A text file of the shared names folder.
pub fn names_file(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/names/{name}")).expect("names file in shared data")
}
