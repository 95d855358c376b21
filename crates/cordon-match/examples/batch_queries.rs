//! The batch benchmark's queries on one thread, against UN + OFAC 2021 + UK +
//! Canada together: mean time per query, the share of time per script of the
//! names' words, the slowest queries, and a digest of every match, so that two
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

use cordon_lists::{ofac, read_bytes, Format};
use cordon_match::{Index, Query, ScreenOptions};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn index() -> Index {
    let lists = Path::new(DATA).join("lists");
    let mut entities = Vec::new();
    for (format, path) in [
        (Format::UnXml, "un/un_consolidated_2026-02-27.xml"),
        (Format::UkCsv, "uk/uk_hmt_conlist_2018-04-13.csv"),
        (Format::CanadaXml, "ca/ca_sema_autonomous_2025.xml"),
    ] {
        let parsed = read_bytes(format, &read(&lists.join(path))).expect("list parses");
        entities.extend(parsed.entities);
    }
    let dir = lists.join("ofac/sdn_legacy_csv_2021");
    let ofac = ofac::read_csv_set(
        &read(&dir.join("sdn.csv")),
        Some(&read(&dir.join("add.csv"))),
        Some(&read(&dir.join("alt.csv"))),
        Some(&read(&dir.join("sdn_comments.csv"))),
    )
    .expect("OFAC parses");
    entities.extend(ofac.entities);
    Index::build(entities)
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

/// The script of a word's first letter, coarsely (the groups the batch holds).
fn script(word: &str) -> &'static str {
    let Some(c) = word.chars().find(|c| c.is_alphabetic()) else {
        return "none";
    };
    match u32::from(c) {
        0x0600..=0x06FF => "arabic",
        0x0400..=0x04FF => "cyrillic",
        0x4E00..=0x9FFF => "han",
        0x3040..=0x30FF => "kana",
        0xAC00..=0xD7AF | 0x1100..=0x11FF => "hangul",
        0x0590..=0x05FF => "hebrew",
        0x0370..=0x03FF => "greek",
        0..=0x024F => "latin",
        _ => "other",
    }
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
    let mut by_script: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for (micros, name) in &timed {
        let words: Vec<&str> = name.split_whitespace().collect();
        for word in &words {
            let entry = by_script.entry(script(word)).or_default();
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
