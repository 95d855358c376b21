//! False alerts on customer populations, the quick way (the same measurement as
//! the customer-base section of `cordon eval`): the first 10,000 rows of each yente
//! negatives file and a seeded regional customer base of 20,000, screened as
//! persons against UN 2025-04-19 + OFAC 2021 in three settings, with the causes
//! of the alerts.
//!
//! `cargo run --release -p cordon-match --example customers -- [SEED] [SHOW]`
//! (SHOW: how many alerts to print per set and setting, default 15); a third
//! argument `detail` prints the token pairs of each name-only alert, `time` the
//! CPU time of name-only screening on one thread instead.

use cordon_match::population::{self, NameTables, Setting};
use cordon_match::{eval, Index};
use cordon_model::Entity;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{path}")).unwrap_or_default()
}

fn lists() -> Vec<Entity> {
    let mut all = cordon_lists::un::read(&read("lists/un/un_consolidated_2025-04-19.xml"))
        .map(|l| l.entities)
        .unwrap_or_default();
    let dir = "lists/ofac/sdn_legacy_csv_2021";
    let f = |n: &str| read(&format!("{dir}/{n}"));
    all.extend(
        cordon_lists::ofac::read_csv_set(
            &f("sdn.csv"),
            Some(&f("add.csv")),
            Some(&f("alt.csv")),
            Some(&f("sdn_comments.csv")),
        )
        .map(|l| l.entities)
        .unwrap_or_default(),
    );
    all
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = args.first().and_then(|s| s.parse().ok()).unwrap_or(2026);
    let show: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(15);
    // `detail` as a third argument: each name-only alert shown with its token pairs.
    let detail = args.get(2).is_some_and(|a| a == "detail");
    let index = Index::build(lists());
    let text = |p: &str| String::from_utf8(read(p)).unwrap_or_default();
    let rigour = eval::parse_rigour_groups(&text("names/persons_rigour-1.8.2.txt"));
    let tables = NameTables::new(&rigour, &text("names/name_variants_0.1.3.tsv"));
    let sets = [
        (
            "yente global",
            population::parse_customer_rows(
                &text("eval/yente/negatives_global.csv"),
                10_000,
                "global",
            ),
        ),
        (
            "yente us",
            population::parse_customer_rows(&text("eval/yente/negatives_us.csv"), 10_000, "us"),
        ),
        (
            "regional",
            population::regional_population(&tables, 20_000, seed),
        ),
    ];
    if args.get(2).is_some_and(|a| a == "time") {
        cpu_time(&index, &sets);
        return;
    }
    let mut screening = (0usize, 0.0f64);
    for (name, customers) in &sets {
        for setting in Setting::ALL {
            let start = std::time::Instant::now();
            let r = population::screen_population(&index, customers, setting);
            let secs = start.elapsed().as_secs_f64();
            screening = (screening.0 + r.customers, screening.1 + secs);
            println!(
                "{name} / {}: {}/{} = {:.3}% ({:.0} names/s)",
                setting.label(),
                r.alerts,
                r.customers,
                r.rate * 100.0,
                r.customers as f64 / secs
            );
            for (cause, n) in r.causes.iter().take(8) {
                println!("    {n:5}  {cause}");
            }
            for a in r.examples.iter().take(show) {
                println!(
                    "      {} [{}] -> {} ({:.3}; {})",
                    a.query, a.group, a.matched, a.score, a.cause
                );
                if detail && setting == Setting::NameOnly {
                    print_pairs(&index, &a.query);
                }
            }
        }
    }
    println!(
        "screening: {} names in {:.2} s = {:.0} names/s",
        screening.0,
        screening.1,
        screening.0 as f64 / screening.1
    );
    let regional = &sets[2].1;
    let r = population::screen_population(&index, regional, Setting::NameOnly);
    println!("regional, name only, per group (customers, alerts):");
    for (g, n, a) in &r.groups {
        println!("    {g:24} {n:6} {a:5}");
    }
    // The tables of docs/matching.md: a group is "COUNTRY script as typed".
    let country = |g: &str| g.split_once(' ').map_or(g, |(c, _)| c).to_string();
    let script = |g: &str| g.split_once(' ').map_or(g, |(_, s)| s).to_string();
    print_rates("country", &r.groups, country);
    print_rates("script as typed", &r.groups, script);
}

/// A markdown table of name-only false-alert rates, the groups summed by `key`.
fn print_rates(title: &str, groups: &[(String, usize, usize)], key: impl Fn(&str) -> String) {
    let mut sums: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for (g, n, a) in groups {
        let e = sums.entry(key(g)).or_default();
        e.0 += n;
        e.1 += a;
    }
    println!("\n| {title} | customers | alerts | rate |\n|---|---|---|---|");
    for (k, (n, a)) in &sums {
        let rate = if *n == 0 {
            0.0
        } else {
            *a as f64 * 100.0 / *n as f64
        };
        println!("| {k} | {n} | {a} | {rate:.2}% |");
    }
}

/// The token pairs of the best match of a name screened alone as a person: query
/// token, list token, rule, similarity and commonness; then the factors applied.
fn print_pairs(index: &Index, name: &str) {
    let query = cordon_match::Query {
        schema: Some(cordon_model::Schema::Person),
        ..cordon_match::Query::name(name)
    };
    let Some(m) = index
        .screen(&query, &cordon_match::ScreenOptions::default())
        .into_iter()
        .next()
    else {
        return;
    };
    let n = &m.explanation.name;
    let pairs: Vec<String> = n
        .alignment
        .iter()
        .map(|a| {
            format!(
                "{}={} {:?} {:.2}{}",
                a.query,
                a.list,
                a.rule,
                a.similarity,
                a.commonness
                    .as_deref()
                    .map_or(String::new(), |c| format!(" [{c}]"))
            )
        })
        .collect();
    let factors: Vec<String> = n
        .adjustments
        .iter()
        .map(|f| format!("{} x{:.2}", f.reason, f.factor))
        .collect();
    println!(
        "          '{}' / '{}' cov {:.2}/{:.2}: {} | {}",
        n.query,
        n.list_name,
        n.query_coverage,
        n.list_coverage,
        pairs.join(", "),
        factors.join("; ")
    );
}

/// CPU time of screening every customer of every set, name only, on this one
/// thread (`time` as the third argument): the thread's own time on a CPU
/// (`/proc/thread-self/schedstat`), so a busy shared host slows the figure
/// much less than it does the wall clock. Three passes, the best one reported.
fn cpu_time(index: &Index, sets: &[(&str, Vec<population::Customer>)]) {
    let options = cordon_match::ScreenOptions {
        limit: 1,
        ..cordon_match::ScreenOptions::default()
    };
    let queries: Vec<cordon_match::Query> = sets
        .iter()
        .flat_map(|(_, customers)| customers.iter().map(|c| Setting::NameOnly.query(c)))
        .collect();
    let mut best = f64::MAX;
    for pass in 1..=3 {
        let start = thread_cpu_ns();
        let alerts: usize = queries
            .iter()
            .map(|q| index.screen(q, &options).len())
            .sum();
        let secs = (thread_cpu_ns() - start) as f64 / 1e9;
        best = best.min(secs);
        println!(
            "pass {pass}: {} names, {alerts} alerts, {secs:.2} s CPU = {:.0} names/s per core",
            queries.len(),
            queries.len() as f64 / secs
        );
    }
    println!(
        "best: {:.0} names/s per core ({:.1} us per name)",
        queries.len() as f64 / best,
        best * 1e6 / queries.len() as f64
    );
}

/// Nanoseconds this thread has spent on a CPU.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
