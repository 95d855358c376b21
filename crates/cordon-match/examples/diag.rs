//! Development diagnostics beyond `eval`: every UN original-script miss, a
//! Central Asian Cyrillic check built by reverse transliteration of listed
//! Latin names, a held-out false-alert set (another seed, 20,000 names) and
//! ad-hoc pairs (`diag compare "a" "b"`).
//!
//! `cargo run --release -p cordon-match --example diag -- [misses|typos|central|alerts|compare A B|screen NAME...|explain NAME...]`

use cordon_match::{compare, eval, Index, DEFAULT_THRESHOLD};
use cordon_model::{Entity, NameKind, NameQuality, Schema};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn un() -> Vec<Entity> {
    let bytes = std::fs::read(format!("{DATA}/lists/un/un_consolidated_2026-02-27.xml"))
        .unwrap_or_default();
    cordon_lists::un::read(&bytes)
        .map(|l| l.entities)
        .unwrap_or_default()
}

fn ofac() -> Vec<Entity> {
    let dir = format!("{DATA}/lists/ofac/sdn_legacy_csv_2021");
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).unwrap_or_default();
    cordon_lists::ofac::read_csv_set(
        &read("sdn.csv"),
        Some(&read("add.csv")),
        Some(&read("alt.csv")),
        Some(&read("sdn_comments.csv")),
    )
    .map(|l| l.entities)
    .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("compare") => {
            for pair in args[1..].chunks(2) {
                if let [a, b] = pair {
                    let c = compare(a, b, None);
                    println!("{:.3}  {a} | {b}", c.score);
                    println!(
                        "{}",
                        serde_json::to_string(&c.explanation.name).unwrap_or_default()
                    );
                }
            }
        }
        Some("timing") => timing(),
        Some("time") => time_names(&args[1..]),
        Some("scanfp") => scan_false_hits(),
        Some("misses") => misses(),
        Some("typos") => typo_misses(),
        Some("central") => central(),
        Some("alerts") => alerts(args.get(1).and_then(|s| s.parse().ok()).unwrap_or(4242)),
        Some("explain") => {
            // The full explanation of every alert of each name (name only).
            let mut all = un();
            all.extend(ofac());
            let index = Index::build(all);
            for q in &args[1..] {
                for m in index.screen(
                    &cordon_match::Query::name(q),
                    &cordon_match::ScreenOptions::default(),
                ) {
                    println!("{q} -> {} {} {:.3}", m.entity_id, m.matched_name, m.score);
                    println!(
                        "{}",
                        serde_json::to_string(&m.explanation.name).unwrap_or_default()
                    );
                }
            }
        }
        Some("screen") => {
            let mut all = un();
            all.extend(ofac());
            let index = Index::build(all);
            for q in &args[1..] {
                let opts = cordon_match::ScreenOptions {
                    threshold: 0.3,
                    limit: 5,
                };
                for m in index.screen(&cordon_match::Query::name(q), &opts) {
                    println!("{q} -> {} {} {:.3}", m.entity_id, m.matched_name, m.score);
                }
            }
        }
        _ => {
            misses();
            central();
            alerts(4242);
        }
    }
}

/// Mean screening time of a few names with and without a country qualifier.
/// Screening time of each name (`NAME@CC` with a country) against UN + OFAC 2021: the least mean over 10 batches
/// of 40 rounds (the least is the figure least disturbed by other work on the machine).
fn time_names(names: &[String]) {
    let mut all = un();
    all.extend(ofac());
    let index = Index::build(all);
    let opts = cordon_match::ScreenOptions::default();
    let mut total = 0.0;
    for name in names {
        // NAME@CC screens with a country.
        let (text, country) = match name.rsplit_once('@') {
            Some((t, c)) if c.len() == 2 => (t, Some(c.to_string())),
            _ => (name.as_str(), None),
        };
        let query = cordon_match::Query {
            country,
            ..cordon_match::Query::name(text)
        };
        let mut hits = 0;
        let mut least = f64::MAX;
        for _ in 0..10 {
            let start = std::time::Instant::now();
            for _ in 0..40 {
                hits = index.screen(&query, &opts).len();
            }
            least = least.min(start.elapsed().as_secs_f64() * 1e6 / 40.0);
        }
        total += least;
        println!("{least:9.1} us  {hits} hits  {name}");
    }
    println!("{total:9.1} us  in all");
}

fn timing() {
    let mut all = un();
    all.extend(ofac());
    let index = Index::build(all);
    let opts = cordon_match::ScreenOptions::default();
    for country in [None, Some("FI"), Some("GB")] {
        let queries: Vec<cordon_match::Query> = [
            "Evli Bank",
            "Jane Doe",
            "Vasili Kolchanov",
            "Mohammad Hosein Saidi",
        ]
        .iter()
        .map(|n| cordon_match::Query {
            country: country.map(str::to_string),
            ..cordon_match::Query::name(n)
        })
        .collect();
        let rounds = 2000;
        let start = std::time::Instant::now();
        let mut hits = 0;
        for _ in 0..rounds {
            for q in &queries {
                hits += index.screen(q, &opts).len();
            }
        }
        let per = start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
        println!("country {country:?}: {per:.1} us per 4 names ({hits} hits)");
    }
}

/// Free-text scanner hits on payment texts naming synthetic strangers (UN + OFAC),
/// split by kind: one name's tokens, or tokens combined across an entity's names.
fn scan_false_hits() {
    let mut all = un();
    all.extend(ofac());
    let index = Index::build(all.clone());
    let scanner = cordon_match::textscan::TextScanner::build(&all);
    let text = std::fs::read_to_string(format!("{DATA}/names/persons_rigour-1.8.2.txt"))
        .unwrap_or_default();
    let groups = eval::parse_rigour_groups(&text);
    let strangers = eval::synthetic_non_matches(&index, &groups, 10_000, 4242);
    let (mut texts, mut same_name, mut cross) = (0, 0, 0);
    for s in &strangers {
        texts += 1;
        let hits = scanner.scan(&format!("payment for {s} invoice 22"));
        same_name += hits
            .iter()
            .filter(|h| !h.explanation.contains("two names"))
            .count();
        let crossed: Vec<_> = hits
            .iter()
            .filter(|h| h.explanation.contains("two names"))
            .collect();
        for h in &crossed {
            println!("cross: {s} -> {} {:?}", h.entity_id, h.tokens);
        }
        cross += crossed.len();
    }
    println!("{texts} texts: {same_name} one-name hits, {cross} cross-name hits");
}

/// Every miss of the typo'd and reordered UN names (the test's cases, against UN
/// alone) with the explanation of its own entity's best name.
fn typo_misses() {
    let un = un();
    let cases = eval::typo_and_reorder_cases(&un, 7);
    let index = Index::build(un);
    let opts = cordon_match::ScreenOptions {
        threshold: 0.0,
        limit: 200,
    };
    let mut found = 0;
    for (q, id) in &cases {
        let hits = index.screen(&cordon_match::Query::name(q), &opts);
        let own = hits.iter().find(|m| m.entity_id == *id);
        if own.is_some_and(|m| m.score >= DEFAULT_THRESHOLD) {
            found += 1;
            continue;
        }
        println!(
            "MISS {q} [{id}] own {:?}",
            own.map(|m| (m.score, m.matched_name.clone()))
        );
        if let Some(m) = own {
            println!(
                "   {}",
                serde_json::to_string(&m.explanation.name).unwrap_or_default()
            );
        }
    }
    println!("UN typo/reorder recall {found}/{}", cases.len());
}

fn misses() {
    let (kept, held) = eval::hold_out_original_script(&un());
    let index = Index::build(kept);
    let opts = cordon_match::ScreenOptions {
        threshold: 0.0,
        limit: 200,
    };
    let mut found = 0;
    for (q, id) in &held {
        let hits = index.screen(&cordon_match::Query::name(q), &opts);
        let own = hits.iter().find(|m| m.entity_id == *id);
        if own.is_some_and(|m| m.score >= DEFAULT_THRESHOLD) {
            found += 1;
            continue;
        }
        let names: Vec<&str> = index
            .entity(id)
            .map(|e| e.names.iter().map(|n| n.full.as_str()).collect())
            .unwrap_or_default();
        let variants = cordon_names::romanize(q);
        println!(
            "MISS {q} [{}] own {:?} best {:?}\n   variants {:?}\n   names {:?}",
            id,
            own.map(|m| (m.score, m.matched_name.clone())),
            hits.first().map(|m| (m.score, m.matched_name.clone())),
            variants.iter().take(3).collect::<Vec<_>>(),
            names
        );
    }
    println!(
        "UN original-script recall {found}/{} = {:.4}",
        held.len(),
        found as f64 / held.len() as f64
    );
}

/// Latin -> Cyrillic reverse rules, Russian style plus one Central Asian letter set.
fn to_cyrillic(latin: &str, style: usize) -> String {
    let s = cordon_names::normalize(latin);
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let digraphs: &[(&str, &[&str; 4])] = &[
        ("shch", &["щ", "щ", "щ", "щ"]),
        ("kh", &["х", "ҳ", "х", "х"]),
        ("sh", &["ш", "ш", "ш", "ш"]),
        ("ch", &["ч", "ч", "ч", "ч"]),
        ("zh", &["ж", "ж", "ж", "ж"]),
        ("ts", &["ц", "ц", "ц", "ц"]),
        ("yu", &["ю", "ю", "ю", "ю"]),
        ("ya", &["я", "я", "я", "я"]),
        ("yo", &["ё", "йў", "ё", "ё"]),
        ("ye", &["е", "е", "е", "е"]),
        ("gh", &["г", "ғ", "ғ", "ғ"]),
        ("ng", &["нг", "нг", "ң", "ң"]),
        ("iy", &["ий", "ий", "ий", "ий"]),
    ];
    'outer: while i < b.len() {
        for (lat, cyr) in digraphs {
            if s[i..].starts_with(lat) {
                out.push_str(cyr[style]);
                i += lat.len();
                continue 'outer;
            }
        }
        let c = b[i];
        let next_word_start = i == 0 || b[i - 1] == b' ';
        let t = match c {
            b'a' => "а",
            b'b' => "б",
            b'v' | b'w' => "в",
            b'g' => "г",
            b'd' => "д",
            b'e' if next_word_start => "э",
            b'e' => "е",
            b'z' => "з",
            b'i' => "и",
            b'y' => "й",
            b'k' => "к",
            b'q' => ["к", "қ", "қ", "қ"][style],
            b'l' => "л",
            b'm' => "м",
            b'n' => "н",
            b'o' => "о",
            b'p' => "п",
            b'r' => "р",
            b's' => "с",
            b't' => "т",
            b'u' => "у",
            b'f' => "ф",
            b'h' => ["х", "ҳ", "һ", "ҳ"][style],
            b'x' => ["кс", "х", "х", "х"][style],
            b'c' => "к",
            b'j' => ["дж", "ж", "ж", "ҷ"][style],
            b' ' => " ",
            _ => "",
        };
        out.push_str(t);
        i += 1;
    }
    out
}

fn central_asian(e: &Entity, name: &str) -> bool {
    let ca = ["UZ", "KZ", "KG", "TJ", "RU", "TM", "AZ"];
    let nat = e
        .nationalities
        .iter()
        .chain(e.countries.iter())
        .any(|c| ca.contains(&c.as_str()));
    let ending = cordon_names::normalize(name).split(' ').any(|t| {
        ["ov", "ev", "ova", "eva", "iy", "ich"]
            .iter()
            .any(|s| t.ends_with(s))
    });
    nat || ending
}

fn central() {
    let mut all = un();
    all.extend(ofac());
    let mut cases = Vec::new();
    for e in &all {
        if e.schema != Schema::Person {
            continue;
        }
        for n in e.names.iter().filter(|n| {
            n.kind == NameKind::Primary && n.quality == NameQuality::Strong && n.full.is_ascii()
        }) {
            if central_asian(e, &n.full) {
                for style in 0..4 {
                    cases.push((to_cyrillic(&n.full, style), e.id.clone()));
                }
                // Uzbek Latin: kh -> x, sh stays, o' for o.
                let uz = cordon_names::normalize(&n.full)
                    .replace("kh", "x")
                    .replace("zh", "j");
                cases.push((uz, e.id.clone()));
            }
        }
    }
    let index = Index::build(all);
    let report = eval::recall(&index, &cases);
    println!(
        "Central Asian check: {}/{} = {:.4}",
        report.found, report.queries, report.recall
    );
    for m in &report.misses {
        println!(
            "  miss {} [{}] own {:?} best {:?}",
            m.query, m.expected, m.expected_score, m.best
        );
    }
}

fn alerts(seed: u64) {
    let mut all = un();
    all.extend(ofac());
    let index = Index::build(all);
    let text = std::fs::read_to_string(format!("{DATA}/names/persons_rigour-1.8.2.txt"))
        .unwrap_or_default();
    let groups = eval::parse_rigour_groups(&text);
    let strangers = eval::synthetic_non_matches(&index, &groups, 20_000, seed);
    let report = eval::false_alerts(&index, &strangers);
    println!(
        "held-out false alerts (seed {seed}): {}/{} = {:.3}%",
        report.alerts,
        report.queries,
        report.rate * 100.0
    );
    let hits: Vec<(String, String, f64)> = strangers
        .iter()
        .filter_map(|q| {
            index
                .screen(&cordon_match::Query::name(q), &Default::default())
                .into_iter()
                .next()
                .map(|m| (q.clone(), m.matched_name, m.score))
        })
        .collect();
    for (q, m, s) in hits {
        println!("  alert {q} -> {m} ({s:.3})");
    }
}
