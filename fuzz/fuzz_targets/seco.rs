//! Fuzzes the Swiss SECO XML reader: any input must give `Ok` or `Err`, never a panic.
#![no_main]

use cordon_lists::{read_bytes, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_bytes(Format::SecoXml, data);
});
