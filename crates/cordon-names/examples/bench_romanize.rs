//! Times romanisation: `cargo run --release -p cordon-names --example bench_romanize -- PATH`
//! where PATH is `persons_rigour-1.8.2.txt` (forms in many scripts).

use std::time::Instant;

fn main() -> Result<(), String> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: bench_romanize PERSONS_RIGOUR_TXT")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    // Two-token names made of neighbouring forms, like list names.
    let forms: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once("=>").map(|(f, _)| f))
        .flat_map(|f| f.split(", "))
        .map(str::trim)
        .collect();
    let names: Vec<String> = forms.chunks(2).take(60_000).map(|c| c.join(" ")).collect();
    let _ = cordon_names::equivalence_groups("warm");
    let _ = cordon_names::romanize("محمد");
    let start = Instant::now();
    let mut variants = 0usize;
    for name in &names {
        variants += cordon_names::romanize(name).len();
    }
    let elapsed = start.elapsed();
    println!(
        "{} names in {:.1} ms ({:.2} us/name, {:.2} variants/name)",
        names.len(),
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e6 / names.len().max(1) as f64,
        variants as f64 / names.len().max(1) as f64
    );
    for sample in [
        "Гулмурод Ҳалимов",
        "Tohir Yoʻldoshev",
        "Умаров Доку Хаматович",
        "陈全国",
        "عبد الرحمن محمد",
    ] {
        let start = Instant::now();
        let n = 10_000;
        for _ in 0..n {
            std::hint::black_box(cordon_names::romanize(std::hint::black_box(sample)));
        }
        let per = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        println!(
            "{sample}: {per:.2} us -> {:?}",
            cordon_names::romanize(sample)
        );
    }
    let start = Instant::now();
    let _ = cordon_names::equivalence::table_len();
    println!("equivalence table ready in {:?}", start.elapsed());
    Ok(())
}
