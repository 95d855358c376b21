//! Fuzzes format detection, then the reader it picks: any input must give
//! `Ok` or `Err`, never a panic.
#![no_main]

use cordon_lists::{detect, read_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(format) = detect(data) {
        let _ = read_bytes(format, data);
    }
});
