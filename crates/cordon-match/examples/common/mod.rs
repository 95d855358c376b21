//! What the timing examples share: the four lists they screen against.

use cordon_lists::{ofac, read_bytes, Format};
use cordon_model::Entity;
use std::path::Path;

/// The shared data directory beside the project.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// UN 2026-02-27, UK 2018, Canada 2025 and the OFAC 2021 CSV set, in that order,
/// read from `data` (a directory laid out as `../shared/data`).
pub fn four_lists(data: &Path) -> Vec<Entity> {
    let lists = data.join("lists");
    let mut entities = Vec::new();
    for (format, path) in [
        (Format::UnXml, "un/un_consolidated_2026-02-27.xml"),
        (Format::UkCsv, "uk/uk_hmt_conlist_2018-04-13.csv"),
        (Format::CanadaXml, "ca/ca_sema_autonomous_2025.xml"),
    ] {
        let parsed = read_bytes(format, &read(&lists.join(path))).expect("list parses");
        entities.extend(parsed.entities);
    }
    let dir = lists.join("ofac/sdn_legacy_csv_2021");
    let ofac = ofac::read_csv_set(
        &read(&dir.join("sdn.csv")),
        Some(&read(&dir.join("add.csv"))),
        Some(&read(&dir.join("alt.csv"))),
        Some(&read(&dir.join("sdn_comments.csv"))),
    )
    .expect("OFAC parses");
    entities.extend(ofac.entities);
    entities
}
