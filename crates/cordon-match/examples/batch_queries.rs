//! The batch benchmark's queries on one thread, against UN + OFAC 2021 + UK +
//! Canada together: mean time per query, the share of time per script of the
//! names' words (`cordon_names::script_of`), the slowest queries, and a digest of every match, so that two
//! builds can be checked to screen alike.
//!
//! ```sh
//! cargo run --release -p cordon-match --example batch_queries -- BATCH.CSV [ROWS] [THRESHOLD]
//! ```
//!
//! BATCH.CSV is `id,name,dob,...` as `scripts/bench-e2e.sh` writes it (keep one
//! with `scripts/matcher-instructions.sh`). ROWS defaults to all rows, THRESHOLD to
//! the default one. Under `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect='cordon_match::index::Index::screen'` only the screening is
//! counted: instructions do not depend on the host's load, wall time does.

mod common;

use cordon_match::{Index, Query, ScreenOptions};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn index() -> Index {
    Index::build(common::four_lists(Path::new(common::DATA)))
}

/// The queries of a batch file: name and birth date of each row.
fn queries(path: &Path, rows: usize) -> Vec<Query> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader
        .records()
        .take(rows)
        .map(|record| {
            let record = record.expect("a CSV row");
            let mut query = Query::name(record.get(1).unwrap_or(""));
            query.birth_date = record.get(2).and_then(cordon_model::dates::parse_loose);
            query
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: batch_queries BATCH.CSV [ROWS] [THRESHOLD]");
    let rows = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(usize::MAX);
    let mut options = ScreenOptions::default();
    if let Some(threshold) = args.next().and_then(|a| a.parse().ok()) {
        options.threshold = threshold;
    }
    let index = index();
    let queries = queries(Path::new(&path), rows);
    let mut timed: Vec<(f64, &str)> = Vec::with_capacity(queries.len());
    let mut digest = std::collections::hash_map::DefaultHasher::new();
    let mut matches = 0usize;
    for query in &queries {
        let started = Instant::now();
        let found = index.screen(query, &options);
        timed.push((started.elapsed().as_secs_f64() * 1e6, &query.name));
        for m in &found {
            (&m.entity_id, m.score.to_bits(), &m.explanation.summary).hash(&mut digest);
        }
        matches += found.len();
    }
    let total: f64 = timed.iter().map(|t| t.0).sum();
    let count = timed.len().max(1) as f64;
    println!(
        "{} queries, mean {:.1} µs; {matches} matches at threshold {}, digest {:016x}",
        timed.len(),
        total / count,
        options.threshold,
        digest.finish()
    );
    let mut by_script: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for (micros, name) in &timed {
        let words: Vec<&str> = name.split_whitespace().collect();
        for word in &words {
            let script = format!("{:?}", cordon_names::script_of(word));
            let entry = by_script.entry(script).or_default();
            entry.0 += 1;
            entry.1 += micros / words.len() as f64;
        }
    }
    for (script, (words, micros)) in by_script {
        println!(
            "  {script:<9} {words:>7} words, {:>3.0}% of the time",
            100.0 * micros / total.max(f64::EPSILON)
        );
    }
    timed.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("  slowest:");
    for (micros, name) in timed.iter().take(10) {
        println!("    {micros:>9.1} µs  {name}");
    }
}
