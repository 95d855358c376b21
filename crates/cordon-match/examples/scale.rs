//! Scale benchmark: a seeded synthetic list of N person names (default
//! 1,000,000) built from the given-name and family-name forms of the rigour
//! name-equivalence file, then 10,000 queries (half typo'd list names, half
//! unlisted recombinations). Prints build time, per-query p50/p99/max and
//! peak memory.
//!
//! `cargo run --release -p cordon-match --example scale -- ../shared/data/names/persons_rigour-1.8.2.txt [N]`

use cordon_match::{Index, Query, ScreenOptions};
use cordon_model::{Entity, Name, NameKind, Schema};
use std::time::Instant;

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn vocabulary(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("the rigour name file");
    let mut words: Vec<String> = text
        .lines()
        .filter_map(|line| line.split("=>").next())
        .flat_map(|forms| forms.split(','))
        .map(str::trim)
        .filter(|w| w.len() >= 3 && w.len() <= 14 && w.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn typo(name: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() > 4 {
        let at = 1 + (rng.next() as usize % (chars.len() - 2));
        if chars[at] != ' ' {
            chars.remove(at);
        }
    }
    chars.into_iter().collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map_or(
        "../shared/data/names/persons_rigour-1.8.2.txt",
        String::as_str,
    );
    let count: usize = args
        .get(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let words = vocabulary(path);
    let mut rng = Rng(0x5EED_C0DE_2026_1127);
    let mut names = Vec::with_capacity(count);
    let entities: Vec<Entity> = (0..count)
        .map(|i| {
            let parts = 2 + (rng.next() % 2) as usize;
            let name: Vec<&str> = (0..parts).map(|_| rng.pick(&words)).collect();
            let name = name.join(" ");
            names.push(name.clone());
            let mut entity = Entity::new("synthetic", &i.to_string(), Schema::Person);
            entity.names.push(Name::new(name, NameKind::Primary));
            entity
        })
        .collect();
    println!(
        "{} distinct vocabulary words; {count} synthetic names",
        words.len()
    );
    let start = Instant::now();
    let index = Index::build(entities);
    let build = start.elapsed();
    println!(
        "index build: {:.2} s ({} names indexed)",
        build.as_secs_f64(),
        index.name_count()
    );
    let options = ScreenOptions::default();
    let mut timings = Vec::with_capacity(10_000);
    let mut found = 0usize;
    for i in 0..10_000usize {
        let query = if i % 2 == 0 {
            let target = (rng.next() % count as u64) as usize;
            typo(&names[target], &mut rng)
        } else {
            format!("{} {}", rng.pick(&words), rng.pick(&words))
        };
        let start = Instant::now();
        let matches = index.screen(&Query::name(&query), &options);
        timings.push(start.elapsed());
        found += usize::from(!matches.is_empty());
    }
    timings.sort();
    let at = |q: f64| timings[((timings.len() as f64 * q) as usize).min(timings.len() - 1)];
    println!(
        "10,000 queries: p50 {:?}, p99 {:?}, max {:?}; {found} with at least one match",
        at(0.50),
        at(0.99),
        timings[timings.len() - 1]
    );
    println!("peak memory: {} MB", peak_rss_mb());
}
