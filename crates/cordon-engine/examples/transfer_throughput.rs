//! Transfer screening throughput on one thread: parse + FATF R16 + party, agent and
//! free-text screening of pacs.008 messages against UN + OFAC 2021, the target
//! (≥ 20,000 messages/s per core).
//!
//! Messages are varied, not one message repeated: a seeded generator takes the shared
//! pacs.008 samples as templates and gives each message a new debtor and creditor
//! (person names built from two random entries of persons_rigour, in Latin or their
//! original script, or company names with a legal form), a new remittance text, and, in
//! about one message in a hundred, a listed UN name as a party or inside the remittance
//! text, so hits are part of the load. Two mixes of parties are generated: every party new
//! (the worst case for the screener's memory of names), and most parties recurring (see
//! [`RECURRING_PERCENT`]), as in a bank's real stream. Each mix runs twice, alternated:
//! every name screened, and with the screener's memory of names
//! (`TransferScreener::with_name_memory`). Then the time of each part is measured alone
//! on the all-new mix.
//!
//! `cargo run --release -p cordon-engine --example transfer_throughput [-- MESSAGES [SHARED_DATA_DIR]]`

use cordon_engine::TransferScreener;
use cordon_match::textscan::TextScanner;
use cordon_match::{Index, DEFAULT_THRESHOLD};
use std::path::Path;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TEMPLATES: &[&str] = &[
    "payments/cbpr_c_53_5_pacs.008.001.08_A_to_B.xml",
    "payments/cbpr_p_2_1_1_pacs.008.001.08_C_to_D.xml",
    "payments/cbpr_p_2_3_1_b_pacs.008.001.08_A_to_D.xml",
    "payments/mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml",
];

const LEGAL_FORMS: &[&str] = &[
    "LLC",
    "Ltd",
    "GmbH",
    "JSC",
    "ООО",
    "TOO",
    "S.A.",
    "Trading Co",
];
const GENERIC: &[&str] = &[
    "Trading",
    "Logistics",
    "Holding",
    "Textile",
    "Agro",
    "Energy",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// CPU time of the calling thread (Linux `/proc/thread-self/schedstat`), so that the
/// per-core figure does not count time other processes held the core; zero elsewhere.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Name variants per persons_rigour line (`a, b, c => Q123`).
fn name_pool(data: &Path) -> Vec<Vec<String>> {
    let text = String::from_utf8(read(&data.join("names/persons_rigour-1.8.2.txt"))).unwrap();
    text.lines()
        .filter_map(|l| l.split(" => ").next())
        .map(|l| l.split(", ").map(capitalise).collect::<Vec<_>>())
        .filter(|v| !v.is_empty())
        .collect()
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A party name: a person (two pool entries, mostly their first, usually Latin,
/// spelling), a company, or in about one case in a hundred a listed name.
fn party_name(rng: &mut Rng, pool: &[Vec<String>], listed: &[String]) -> String {
    let word = |rng: &mut Rng| {
        let variants = rng.pick(pool);
        if rng.below(5) == 0 {
            rng.pick(variants).clone()
        } else {
            variants[0].clone()
        }
    };
    match rng.below(100) {
        0 => rng.pick(listed).clone(),
        1..=24 => format!(
            "{} {} {}",
            word(rng),
            rng.pick(GENERIC),
            rng.pick(LEGAL_FORMS)
        ),
        _ => format!("{} {}", word(rng), word(rng)),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Replaces the text of the first `Nm` element inside the first `role` element.
fn set_name(xml: &str, role: &str, name: &str) -> String {
    let open = [format!("<{role}>"), format!(":{role}>")];
    let Some(start) = open.iter().filter_map(|o| xml.find(o.as_str())).min() else {
        return xml.to_string();
    };
    set_text_after(xml, start, "Nm>", name)
}

/// Replaces the text of the first element whose tag ends with `tag` after `from`.
fn set_text_after(xml: &str, from: usize, tag: &str, text: &str) -> String {
    let Some(at) = xml[from..].find(tag).map(|i| from + i + tag.len()) else {
        return xml.to_string();
    };
    let Some(end) = xml[at..].find('<').map(|i| at + i) else {
        return xml.to_string();
    };
    format!("{}{}{}", &xml[..at], escape(text), &xml[end..])
}

/// Where the party names of generated messages come from.
enum Parties {
    /// Every party new (worst case for the name memory): [`party_name`] each time.
    AllNew,
    /// [`RECURRING_PERCENT`] of parties drawn from fixed populations of recurring
    /// debtors and creditors, the rest new.
    Repeating {
        debtors: Vec<String>,
        creditors: Vec<String>,
    },
}

/// Share of parties that recur in the repeating mix, in percent. An assumption, not a
/// measurement: most of a bank's outgoing payments are made by its existing customers
/// to payees they have paid before (salaries, rent, suppliers, family); one party in
/// five is taken to be new.
const RECURRING_PERCENT: usize = 80;
/// Recurring debtors (the bank's paying customers) and, as many again, recurring
/// creditors (their regular payees). Over 20,000 messages each recurring party comes
/// back about eight times; the 4,000 together fit the screener's name memory
/// (`cordon_engine::name_cache::GENERATION` names per generation, two generations).
const RECURRING_PARTIES: usize = 2_000;

impl Parties {
    fn repeating(pool: &[Vec<String>], listed: &[String]) -> Parties {
        // Its own seed: the all-new mix stays the same messages whatever this draws.
        let mut rng = Rng(0x2026_1204);
        let mut population = || -> Vec<String> {
            (0..RECURRING_PARTIES)
                .map(|_| party_name(&mut rng, pool, listed))
                .collect()
        };
        let debtors = population();
        let creditors = population();
        Parties::Repeating { debtors, creditors }
    }

    fn label(&self) -> String {
        match self {
            Parties::AllNew => "all parties new".into(),
            Parties::Repeating { .. } => format!(
                "{RECURRING_PERCENT}% of parties recurring ({RECURRING_PARTIES} debtors, \
                 {RECURRING_PARTIES} creditors)"
            ),
        }
    }

    /// The name of the next debtor (`debtor` true) or creditor.
    fn next(&self, rng: &mut Rng, debtor: bool, pool: &[Vec<String>], listed: &[String]) -> String {
        match self {
            Parties::AllNew => party_name(rng, pool, listed),
            Parties::Repeating { debtors, creditors } => {
                if rng.below(100) < RECURRING_PERCENT {
                    rng.pick(if debtor { debtors } else { creditors }).clone()
                } else {
                    party_name(rng, pool, listed)
                }
            }
        }
    }
}

fn message(
    rng: &mut Rng,
    templates: &[String],
    parties: &Parties,
    pool: &[Vec<String>],
    listed: &[String],
) -> String {
    let xml = rng.pick(templates);
    let xml = set_name(xml, "Dbtr", &parties.next(rng, true, pool, listed));
    let xml = set_name(&xml, "Cdtr", &parties.next(rng, false, pool, listed));
    let remittance = if rng.below(100) == 0 {
        format!("payment for {}", rng.pick(listed))
    } else {
        format!(
            "INVOICE {} SERVICES {}",
            rng.below(1_000_000),
            rng.below(12) + 1
        )
    };
    match xml.find("Ustrd>") {
        Some(at) => set_text_after(&xml, at.saturating_sub(1), "Ustrd>", &remittance),
        None => xml,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let data = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").into());
    let data = Path::new(&data);
    let un = read(&data.join("lists/un/un_consolidated_2026-02-27.xml"));
    let mut entities = cordon_lists::un::read(&un).expect("UN list").entities;
    let dir = data.join("lists/ofac/sdn_legacy_csv_2021");
    let ofac = cordon_lists::ofac::read_csv_set(
        &read(&dir.join("sdn.csv")),
        Some(&read(&dir.join("add.csv"))),
        Some(&read(&dir.join("alt.csv"))),
        Some(&read(&dir.join("sdn_comments.csv"))),
    )
    .expect("OFAC list");
    let listed: Vec<String> = entities
        .iter()
        .filter_map(|e| e.names.first().map(|n| n.full.clone()))
        .collect();
    entities.extend(ofac.entities);
    let entity_count = entities.len();
    let scanner = TextScanner::build(&entities);
    let index = Index::build(entities);
    let screener = TransferScreener::new(&index, &scanner, DEFAULT_THRESHOLD).with_name_memory(0);

    let templates: Vec<String> = TEMPLATES
        .iter()
        .map(|t| String::from_utf8(read(&data.join(t))).expect("UTF-8 sample"))
        .collect();
    let pool = name_pool(data);
    let generate = |parties: &Parties| -> Vec<String> {
        let mut rng = Rng(0x2026_1127);
        (0..count)
            .map(|_| message(&mut rng, &templates, parties, &pool, &listed))
            .collect()
    };
    let messages = generate(&Parties::AllNew);
    let repeating = Parties::repeating(&pool, &listed);
    let repeated = generate(&repeating);

    println!(
        "{entity_count} entities (UN + OFAC 2021); {count} generated pacs.008 messages per mix"
    );
    for (parties, messages) in [(Parties::AllNew, &messages), (repeating, &repeated)] {
        println!("{}:", parties.label());
        // Alternated, each on a fresh screener, so both see the same host load.
        for _ in 0..2 {
            let every =
                TransferScreener::new(&index, &scanner, DEFAULT_THRESHOLD).with_name_memory(0);
            pass("every name screened", &every, messages);
            let remembering = TransferScreener::new(&index, &scanner, DEFAULT_THRESHOLD);
            pass("names remembered", &remembering, messages);
        }
    }
    println!("time split, all parties new, every name screened:");
    let phase = |label: &str, work: &mut dyn FnMut(&str)| {
        let started = Instant::now();
        messages.iter().for_each(|m| work(m));
        let per: Duration = started.elapsed() / count.max(1) as u32;
        println!("  {label}: {per:?}/message");
    };
    phase("parse", &mut |m| {
        std::hint::black_box(cordon_payments::parse(m.as_bytes()));
    });
    let parsed: Vec<_> = messages
        .iter()
        .flat_map(|m| cordon_payments::parse(m.as_bytes()))
        .flatten()
        .collect();
    let started = Instant::now();
    for t in &parsed {
        std::hint::black_box(screener.check(t));
    }
    println!(
        "  R16 + screening + report: {:?}/transfer",
        started.elapsed() / parsed.len().max(1) as u32
    );
    breakdown(&screener, &parsed);
    slowest_names(&screener, &parsed);
}

/// One pass over the messages: parse, R16 and screening on this thread.
fn pass(label: &str, screener: &TransferScreener<'_>, messages: &[String]) {
    let count = messages.len();
    let mut per_message = Vec::with_capacity(count);
    let (mut transfers, mut hits, mut errors) = (0usize, 0usize, 0usize);
    let started = Instant::now();
    let cpu_started = thread_cpu();
    for m in messages {
        let t0 = Instant::now();
        for parsed in cordon_payments::parse(m.as_bytes()) {
            match parsed {
                Ok(t) => {
                    let report = screener.check(&t);
                    hits += report.hits.len();
                    transfers += 1;
                }
                Err(_) => errors += 1,
            }
        }
        per_message.push(t0.elapsed());
    }
    let elapsed = started.elapsed();
    let cpu = thread_cpu().saturating_sub(cpu_started);
    per_message.sort();
    let at = |q: f64| per_message[((count as f64 * q) as usize).min(count.saturating_sub(1))];
    println!("  {label}: {transfers} transfers, {errors} errors, {hits} party/text hits");
    println!(
        "    parse + R16 + screening on one thread: {:.0} messages/s wall clock, {:.0} messages \
         per CPU-second of the thread; per message p50 {:?}, p99 {:?} (wall clock)",
        count as f64 / elapsed.as_secs_f64(),
        count as f64 / cpu.as_secs_f64().max(1e-9),
        at(0.5),
        at(0.99)
    );
}

/// Time per transfer of each part of the check, as `TransferScreener::check` runs them.
fn breakdown(screener: &TransferScreener<'_>, parsed: &[cordon_model::transfer::Transfer]) {
    let per = |label: &str, work: &mut dyn FnMut(&cordon_model::transfer::Transfer) -> usize| {
        let started = Instant::now();
        let calls: usize = parsed.iter().map(&mut *work).sum();
        println!(
            "    {label}: {:?}/transfer ({:.1} per transfer)",
            started.elapsed() / parsed.len().max(1) as u32,
            calls as f64 / parsed.len().max(1) as f64
        );
    };
    per("R16", &mut |t| {
        std::hint::black_box(cordon_payments::check_r16(t, &screener.r16));
        1
    });
    per("party names through the text scanner", &mut |t| {
        let mut scanned = 0;
        for name in t.parties().filter_map(|(_, p)| p.name.as_deref()) {
            std::hint::black_box(screener.scanner.scan(name));
            scanned += 1;
        }
        scanned
    });
    per("party names (with their country)", &mut |t| {
        t.parties()
            .filter_map(|(_, p)| {
                let name = p.name.as_deref()?;
                let mut query = cordon_match::Query::name(name);
                query.country = p.address.as_ref().and_then(|a| a.country.clone());
                std::hint::black_box(screener.index.screen(&query, &screener.options));
                Some(())
            })
            .count()
    });
    per("agent names (with their BIC country)", &mut |t| {
        t.agents()
            .filter_map(|(_, a)| {
                let name = a.name.as_deref()?;
                let mut query = cordon_match::Query::name(name);
                query.country = a.country().map(str::to_string);
                std::hint::black_box(screener.index.screen(&query, &screener.options));
                Some(())
            })
            .count()
    });
    per("free-text scans", &mut |t| {
        let texts = t.remittance.unstructured.iter().chain(
            t.parties()
                .filter_map(|(_, p)| p.address.as_ref())
                .flat_map(|a| &a.lines),
        );
        let mut scanned = 0;
        for text in texts {
            std::hint::black_box(screener.scanner.scan(text));
            scanned += 1;
        }
        scanned
    });
}

/// The party names that cost the most to screen, to see where the time goes.
fn slowest_names(screener: &TransferScreener<'_>, parsed: &[cordon_model::transfer::Transfer]) {
    let mut timed: Vec<(Duration, String)> = parsed
        .iter()
        .flat_map(|t| t.parties().filter_map(|(_, p)| p.name.clone()))
        .map(|name| {
            let started = Instant::now();
            let query = cordon_match::Query::name(&name);
            std::hint::black_box(screener.index.screen(&query, &screener.options));
            (started.elapsed(), name)
        })
        .collect();
    timed.sort_by_key(|t| std::cmp::Reverse(t.0));
    let total: Duration = timed.iter().map(|t| t.0).sum();
    let top: Duration = timed.iter().take(timed.len() / 100).map(|t| t.0).sum();
    println!(
        "  party names: {} screened, mean {:?}; the slowest 1% take {:.0}% of the time",
        timed.len(),
        total / timed.len().max(1) as u32,
        100.0 * top.as_secs_f64() / total.as_secs_f64().max(1e-9)
    );
    let (latin, other): (Vec<_>, Vec<_>) = timed.iter().partition(|t| {
        t.1.chars()
            .all(|c| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c))
    });
    for (label, group) in [("Latin script", latin), ("other scripts", other)] {
        let sum: Duration = group.iter().map(|t| t.0).sum();
        println!(
            "    {label}: {} names, mean {:?}",
            group.len(),
            sum / group.len().max(1) as u32
        );
    }
    println!("  slowest:");
    for (d, name) in timed.iter().take(12) {
        println!("    {d:?} {name}");
    }
}
