//! Fuzzes the key files and the trust store's entries: a public key file
//! (`public.json`, what `--trust` reads), a secret key file and a rotation
//! statement. Any bytes are read or refused naming the file, never a panic; a
//! public key read has the key id of its key, and a rotation read never
//! verifies under a key the input could not know.
#![no_main]

use std::sync::OnceLock;

use cordon_exchange::keys::{key_id, PublicKey, PublisherKey, Rotation};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| PublisherKey::generate().expect("random key").public())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(public) = PublicKey::from_json(data, "public.json") {
        let verifying = public.verifying_key("public.json").expect("checked when read");
        assert_eq!(key_id(&verifying), public.key_id);
        let _ = public.verifies(data, "00");
    }
    if let Ok(secret) = PublisherKey::from_secret_json(data, "secret.json") {
        let again = secret.to_secret_json().expect("serialises");
        let reread = PublisherKey::from_secret_json(&again, "again").expect("reads again");
        assert_eq!(reread.id(), secret.id());
    }
    if let Ok(rotation) = Rotation::from_json(data, "rotation.json") {
        let _ = rotation.verify(&rotation.new_key(), "rotation.json");
        if rotation.verify(key(), "rotation.json").is_ok() {
            panic!("a rotation from the input verified under a key made at start-up");
        }
    }
});
