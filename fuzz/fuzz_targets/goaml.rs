//! Fuzzes the goAML report reader and the STR writer together: any input read as a goAML
//! report gives transfers or errors (never a panic, errors inside the input), and every transfer
//! read is written back as an STR that reads again as the same number of transfers.
#![no_main]

use cordon_payments::goaml::parse_goaml;
use cordon_report::{write_str, ReportingEntity, StrInput};
use libfuzzer_sys::fuzz_target;

const ENTITY: &str = "rentity_id = 1\ncurrency_code_local = \"EUR\"\nindicators = [\"STRUC\"]\n";

fuzz_target!(|data: &[u8]| {
    let results = parse_goaml(data);
    for (index, result) in results.iter().enumerate() {
        if let Err(error) = result {
            assert_eq!(error.index, index);
            assert!(error.position.offset <= data.len());
        }
    }
    let transfers: Vec<_> = results.into_iter().flatten().collect();
    let Ok(entity) = ReportingEntity::from_toml(ENTITY, "fuzz") else {
        return;
    };
    let input = StrInput {
        reference: "FUZZ".into(),
        submission_date: "2026-01-01T00:00:00".into(),
        reason: "fuzz".into(),
        transfers,
    };
    if let Ok(xml) = write_str(&entity, &input) {
        let again = parse_goaml(xml.as_bytes());
        assert_eq!(again.len(), input.transfers.len());
    }
});
