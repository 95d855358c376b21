//! Criterion benchmarks: index build and single queries against UN + OFAC 2021.
//! `cargo bench -p cordon-match --bench screen`
#![allow(missing_docs)] // criterion's macros generate undocumented items

use cordon_match::{Index, Query, ScreenOptions};
use cordon_model::Entity;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn entities() -> Vec<Entity> {
    let read = |p: &str| std::fs::read(format!("{DATA}/{p}")).unwrap_or_default();
    let mut all = cordon_lists::un::read(&read("lists/un/un_consolidated_2026-02-27.xml"))
        .map(|l| l.entities)
        .unwrap_or_default();
    let dir = "lists/ofac/sdn_legacy_csv_2021";
    let (sdn, add, alt, comments) = (
        read(&format!("{dir}/sdn.csv")),
        read(&format!("{dir}/add.csv")),
        read(&format!("{dir}/alt.csv")),
        read(&format!("{dir}/sdn_comments.csv")),
    );
    if let Ok(list) =
        cordon_lists::ofac::read_csv_set(&sdn, Some(&add), Some(&alt), Some(&comments))
    {
        all.extend(list.entities);
    }
    all
}

fn bench(c: &mut Criterion) {
    let all = entities();
    c.bench_function("build un+ofac", |b| {
        b.iter(|| Index::build(black_box(all.clone())))
    });
    let index = Index::build(all);
    let options = ScreenOptions::default();
    for name in [
        "Tohir Yuldashev",
        "BIN LADEN, Usama",
        "Мухаммад Салих",
        "عبد الرحمن محمد",
        "Acme Global Trading Company LLC",
    ] {
        let query = Query::name(name);
        c.bench_function(&format!("screen {name}"), |b| {
            b.iter(|| index.screen(black_box(&query), &options))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
