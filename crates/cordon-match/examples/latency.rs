//! Single-query latency against UN + OFAC 2021 + UK + Canada together, on one
//! thread, with the binary's allocator: index build time, p50/p99/max over
//! 20,000 queries (half list names with a seeded typo or token swap, half
//! seeded recombinations of list tokens that are not list names), peak memory.
//!
//! `cargo run --release -p cordon-match --example latency [-- SHARED_DATA_DIR]`

mod common;

use cordon_match::{Index, Query, ScreenOptions};
use std::path::Path;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let data = std::env::args()
        .nth(1)
        .unwrap_or_else(|| common::DATA.into());
    let entities = common::four_lists(Path::new(&data));
    let names: Vec<String> = entities
        .iter()
        .flat_map(|e| e.names.iter().map(|n| n.full.clone()))
        .collect();
    let entity_count = entities.len();
    let start = Instant::now();
    let index = Index::build(entities);
    let build = start.elapsed();
    println!(
        "{entity_count} entities, {} names, {} indexed name variants; build {:.0} ms",
        names.len(),
        index.name_count(),
        build.as_secs_f64() * 1000.0
    );
    let tokens: Vec<&str> = names.iter().flat_map(|n| n.split_whitespace()).collect();
    let mut state = 0x2026_1127_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let options = ScreenOptions::default();
    let mut timings = Vec::with_capacity(20_000);
    for i in 0..20_000u64 {
        let query = if i % 2 == 0 {
            let name = &names[(next() % names.len() as u64) as usize];
            let mut chars: Vec<char> = name.chars().collect();
            if chars.len() > 5 {
                let at = 1 + (next() as usize % (chars.len() - 2));
                chars.swap(at, at - 1);
            }
            chars.into_iter().collect::<String>()
        } else {
            let a = tokens[(next() % tokens.len() as u64) as usize];
            let b = tokens[(next() % tokens.len() as u64) as usize];
            format!("{a} {b}")
        };
        let start = Instant::now();
        let _ = index.screen(&Query::name(&query), &options);
        timings.push(start.elapsed());
    }
    timings.sort();
    let at = |q: f64| timings[((timings.len() as f64 * q) as usize).min(timings.len() - 1)];
    println!(
        "20,000 queries on one thread: p50 {:?}, p90 {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.9),
        at(0.99),
        timings[timings.len() - 1]
    );
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            })
        })
        .unwrap_or(0);
    println!("peak memory: {} MB", peak / 1024);
}
