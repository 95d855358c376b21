//! Fuzzes the signed checkpoint reader (`checkpoint.json`): any bytes are read
//! or refused naming the file, never a panic; a checkpoint read never passes
//! for one signed by a key the input could not know.
#![no_main]

use std::sync::OnceLock;

use cordon_exchange::keys::{PublicKey, PublisherKey};
use cordon_exchange::log::Checkpoint;
use libfuzzer_sys::fuzz_target;

/// A key made at start-up: its signatures cannot be in the corpus.
fn key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| PublisherKey::generate().expect("random key").public())
}

fuzz_target!(|data: &[u8]| {
    match Checkpoint::from_json(data, "checkpoint.json") {
        Ok(checkpoint) => {
            let _ = checkpoint.root_hash();
            let _ = checkpoint.signed_message();
            assert!(!checkpoint.signed_by(key()));
        }
        Err(error) => assert!(error.to_string().starts_with("checkpoint.json")),
    }
});
