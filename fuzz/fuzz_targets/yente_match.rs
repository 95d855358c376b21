//! Fuzzes the reading of a yente `/match` request (query string, JSON body,
//! examples cleaned): any input must give `Ok` or `Err`, never a panic. The
//! first line is the query string, the rest the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (query, rest) = data.split_at(split);
    let body = rest.get(1..).unwrap_or_default();
    let _ = cordon_server::yente::read_match_request(query, body, 0.7);
});
