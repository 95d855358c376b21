//! Parse speed of the UN 2026-02-27 XML and the OFAC 2021 legacy CSV set,
//! from bytes already in memory (no I/O in the measurement).
//!
//! `cargo bench -p cordon-lists --bench parse -- --warm-up-time 1 --measurement-time 3`

// criterion_group! generates an undocumented `pub fn benches`.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/lists/");

fn load(path: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn un(c: &mut Criterion) {
    let bytes = load("un/un_consolidated_2026-02-27.xml");
    let mut group = c.benchmark_group("un");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("un_2026-02-27_xml", |b| {
        b.iter(|| cordon_lists::un::read(black_box(&bytes)).unwrap())
    });
    group.finish();
}

fn ofac(c: &mut Criterion) {
    let dir = "ofac/sdn_legacy_csv_2021/";
    let [sdn, add, alt, comments] =
        ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"].map(|f| load(&format!("{dir}{f}")));
    let mut group = c.benchmark_group("ofac");
    let total = sdn.len() + add.len() + alt.len() + comments.len();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("ofac_2021_csv_set", |b| {
        b.iter(|| {
            cordon_lists::ofac::read_csv_set(
                black_box(&sdn),
                Some(&add),
                Some(&alt),
                Some(&comments),
            )
            .unwrap()
        })
    });
    let xml = load("ofac/ofac_cons_nonsdn_2025-03-28.xml");
    group.bench_function("ofac_nonsdn_2025_xml", |b| {
        b.iter(|| cordon_lists::ofac::read_xml(black_box(&xml)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, un, ofac);
criterion_main!(benches);
