//! Fuzzes the publication manifest reader (`log/NNNNNN.json`): any bytes are
//! read or refused naming the file, never a panic; what reads writes back as
//! JSON that reads again as the same manifest.
#![no_main]

use cordon_exchange::log::Manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Manifest::from_json(data, "log/000001.json") {
        Ok(manifest) => {
            let again = serde_json::to_vec(&manifest).expect("a manifest serialises");
            let reread = Manifest::from_json(&again, "again").expect("a written manifest reads");
            assert_eq!(reread, manifest);
        }
        Err(error) => assert!(error.to_string().starts_with("log/000001.json")),
    }
});
