//! Fuzzes payment message parsing (ISO 20022 XML, SWIFT MT FIN/RJE) and the R16 check:
//! any input must give transfers or errors, never a panic, and errors must point inside it.
#![no_main]

use cordon_payments::{check_r16, parse, R16Config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = R16Config::default();
    for (index, result) in parse(data).iter().enumerate() {
        match result {
            Ok(transfer) => {
                let _ = check_r16(transfer, &config);
            }
            Err(error) => {
                assert_eq!(error.index, index);
                assert!(error.position.offset <= data.len());
            }
        }
    }
});
