//! Parse-only time per transaction, without a benchmark harness: reads each file given once,
//! then parses it `ROUNDS` times and prints the wall time per transaction. Run it under
//! `/usr/bin/time` for the CPU time too (on a busy machine wall time overstates).
//!
//! `cargo run --release -p cordon-payments --example parse_timing -- FILE...`

use std::time::Instant;

/// Enough rounds for a few hundred milliseconds per sample file.
const ROUNDS: u32 = 50_000;

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let started = Instant::now();
        let mut transactions = 0usize;
        for _ in 0..ROUNDS {
            transactions += parse_count(&bytes);
        }
        let elapsed = started.elapsed();
        let per = elapsed.as_nanos() / transactions.max(1) as u128;
        println!("{path}: {transactions} transactions, {per} ns each (wall)");
    }
}

fn parse_count(bytes: &[u8]) -> usize {
    cordon_payments::parse(bytes)
        .iter()
        .filter(|r| r.is_ok())
        .count()
}
