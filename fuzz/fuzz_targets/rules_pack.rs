//! Fuzzes the typology rules-pack reader (TOML): any input must give a pack or an error, never
//! a panic, and an error must name a line of the input.
#![no_main]

use cordon_monitor::{Monitor, RulePack};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match RulePack::parse(text) {
        // A pack that parses must also build a monitor.
        Ok(pack) => drop(Monitor::new(pack)),
        Err(error) => {
            let lines = text.split('\n').count();
            assert!((1..=lines).contains(&error.line), "{error}");
        }
    }
});
