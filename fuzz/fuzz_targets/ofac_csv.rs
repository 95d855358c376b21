//! Fuzzes the OFAC legacy CSV set reader. The input is split at 0xFF bytes
//! into sdn.csv, add.csv, alt.csv and sdn_comments.csv, so the fuzzer also
//! reaches the joins between files. Any input must give `Ok` or `Err`.
#![no_main]

use cordon_lists::ofac;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut files = data.splitn(4, |&b| b == 0xFF);
    let sdn = files.next().unwrap_or_default();
    let (add, alt, comments) = (files.next(), files.next(), files.next());
    let _ = ofac::read_csv_set(sdn, add, alt, comments);
});
