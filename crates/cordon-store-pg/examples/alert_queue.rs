//! How fast the alert queue pages with 100,000 alerts (issue 15): generates
//! 60,000 customer alerts and 40,000 transfer alerts into a fresh SQLite
//! file (and, when `CORDON_TEST_POSTGRES` names a server, into a fresh
//! PostgreSQL schema), then times page 1 and page 1,000 (50 a page) of
//! filtered and sorted queries, each the median of several runs.
//!
//! `cargo run --release -p cordon-store-pg --example alert_queue`

use cordon_store::queue::{AlertQueue, QueueFilter, QueueOrder, QueueRequest};
use cordon_store::{
    Customers, NewAlert, NewAuditEntry, NewTransferAlert, ScreenedTransfer, SqliteStore,
    TransferAlerts,
};
use serde_json::json;
use std::time::{Duration, Instant};

const CUSTOMER_ALERTS: usize = 60_000;
const TRANSFERS: usize = 20_000; // two alerts each: 40,000 transfer alerts
/// Alerts written per transaction while generating (generation is not measured).
const BATCH: usize = 2_000;
const PAGE: u64 = 50;
/// Runs per query; the median is reported (the host is shared).
const RUNS: usize = 7;
const RULES: [&str; 4] = ["exact", "transliteration", "typo", "equivalence"];
const LISTS: [&str; 3] = ["un@2026-02-27#1", "ofac@2026-03-01#2", "eu@2026-01-10#4"];

fn customer_alert(i: usize) -> NewAlert {
    let rule = RULES[i % RULES.len()];
    NewAlert {
        customer_id: format!("c{i}"),
        entity_id: format!("un:QDi.{}", i % 700),
        entity_hash: format!("h{i}"),
        // by i / 3, so that every source meets every list
        list_version: LISTS[(i / 3) % LISTS.len()].into(),
        score: 0.7 + (i % 300) as f64 / 1000.0,
        reason: if i.is_multiple_of(3) {
            "onboarding"
        } else {
            "rescreen"
        }
        .into(),
        details: json!({"explanation": {"name": {"alignment": [{"rule": rule}, {"rule": "exact"}]}}}),
    }
}

fn transfer(i: usize) -> ScreenedTransfer {
    let id = format!("T{i}");
    ScreenedTransfer {
        audit: NewAuditEntry {
            kind: "transfer_screening".into(),
            caller: "bench".into(),
            payload: json!({"transfer_id": id}),
        },
        list_versions: vec![LISTS[i % 2].into()],
        alerts: vec![
            NewTransferAlert {
                transfer_id: Some(id.clone()),
                kind: "r16".into(),
                rule: "R16-ORIGINATOR-ADDRESS".into(),
                message: "originator address missing".into(),
                details: json!({"field": "Dbtr/PstlAdr"}),
            },
            NewTransferAlert {
                transfer_id: Some(id),
                kind: "sanctions".into(),
                rule: format!("un:QDi.{}", i % 700),
                message: "creditor matches".into(),
                details: json!({"match": {"score": 0.8 + (i % 100) as f64 / 1000.0,
                    "explanation": {"name": {"alignment": [{"rule": RULES[i % RULES.len()]}]}}}}),
            },
        ],
    }
}

fn generate(store: &(impl Customers + TransferAlerts)) -> Result<Duration, cordon_store::Error> {
    let started = Instant::now();
    for start in (0..CUSTOMER_ALERTS).step_by(BATCH) {
        let batch: Vec<NewAlert> = (start..start + BATCH).map(customer_alert).collect();
        store.raise_alerts(&batch, "bench")?;
    }
    for start in (0..TRANSFERS).step_by(BATCH) {
        let batch: Vec<ScreenedTransfer> = (start..start + BATCH).map(transfer).collect();
        store.record_transfers(&batch)?;
    }
    Ok(started.elapsed())
}

fn median_ms(
    store: &impl AlertQueue,
    request: &QueueRequest,
) -> Result<(f64, u64, usize), cordon_store::Error> {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let page = store.alert_page(request)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        last = Some(page);
    }
    times.sort_by(f64::total_cmp);
    let page = last.map(|p| (p.total, p.rows.len())).unwrap_or_default();
    Ok((times[RUNS / 2], page.0, page.1))
}

fn measure(backend: &str, store: &impl AlertQueue) -> Result<(), cordon_store::Error> {
    let cases: [(&str, QueueFilter, QueueOrder); 4] = [
        (
            "no filter, newest",
            QueueFilter::default(),
            QueueOrder::Newest,
        ),
        (
            "status=open, newest",
            QueueFilter {
                status: Some("open".into()),
                ..QueueFilter::default()
            },
            QueueOrder::Newest,
        ),
        (
            "rule=transliteration, highest score",
            QueueFilter {
                rule: Some("transliteration".into()),
                ..QueueFilter::default()
            },
            QueueOrder::HighestScore,
        ),
        (
            "source=rescreen + list=un@2026-02-27#1, oldest",
            QueueFilter {
                source: Some("rescreen".into()),
                list: Some("un@2026-02-27#1".into()),
                ..QueueFilter::default()
            },
            QueueOrder::Oldest,
        ),
    ];
    for (name, filter, order) in cases {
        for page in [1u64, 1_000] {
            let request = QueueRequest {
                filter: filter.clone(),
                order,
                offset: (page - 1) * PAGE,
                limit: PAGE,
            };
            let (ms, total, rows) = median_ms(store, &request)?;
            println!("{backend}\t{name}\tpage {page}\t{ms:.1} ms\t{rows} rows of {total}");
        }
    }
    let started = Instant::now();
    let facets = store.alert_facets()?;
    println!(
        "{backend}\tfacets ({} sources, {} lists, {} rules)\t\t{:.1} ms",
        facets.sources.len(),
        facets.lists.len(),
        facets.rules.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let sqlite = SqliteStore::open(&dir.path().join("cordon.db"))?;
    let took = generate(&sqlite)?;
    println!(
        "sqlite\tgenerated 100,000 alerts in {:.1} s",
        took.as_secs_f64()
    );
    measure("sqlite", &sqlite)?;
    if let Ok(url) = std::env::var("CORDON_TEST_POSTGRES") {
        let schema = format!("cordon_bench_{}", cordon_store::keys::random_hex(6)?);
        let pg = cordon_store_pg::PgStore::open_in_schema(&url, &schema)?;
        let took = generate(&pg)?;
        println!(
            "postgres\tgenerated 100,000 alerts in {:.1} s",
            took.as_secs_f64()
        );
        measure("postgres", &pg)?;
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        client.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))?;
    }
    Ok(())
}
