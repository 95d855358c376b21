//! Evaluates the default rules over generated transfers and prints transfers/s and peak memory.
//!
//! `cargo run --release -p cordon-monitor --example throughput -- [COUNT] [SEED] [ALERTS]`
//! (default 1,000,000 transfers, seed 42). Generation is timed apart from evaluation. With
//! `ALERTS`, every alert is also written there as one JSON line (after the timing), so two
//! builds can be shown to raise the same alerts on the same stream.

use cordon_monitor::generate::Generator;
use cordon_monitor::{Monitor, RulePack};
use std::io::Write as _;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(42), |a| a.parse())?;
    let alerts_file = args.next();
    // Transfers are generated one at a time and dropped after evaluation, so the peak memory
    // is the monitor's own; only the time spent in `observe` is counted.
    let mut monitor = Monitor::new(RulePack::default_pack()?);
    let mut generation = Duration::ZERO;
    let mut elapsed = Duration::ZERO;
    let mut alerts = 0usize;
    let mut kept = Vec::new();
    let mut generator = Generator::new(seed);
    for _ in 0..count {
        let started = Instant::now();
        let Some(generated) = generator.next() else {
            break;
        };
        let observed = Instant::now();
        generation += observed - started;
        let raised = monitor.observe(&generated.transfer);
        elapsed += observed.elapsed();
        alerts += raised.len();
        if alerts_file.is_some() {
            kept.extend(raised);
        }
    }
    if let Some(path) = &alerts_file {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for alert in &kept {
            writeln!(out, "{}", serde_json::to_string(alert)?)?;
        }
        out.flush()?;
    }
    let generated_in = generation;
    let stats = monitor.stats();
    let rate = count as f64 / elapsed.as_secs_f64();
    println!(
        "generated {count} transfers in {:.2}s",
        generated_in.as_secs_f64()
    );
    println!(
        "evaluated {count} transfers in {:.2}s: {rate:.0} transfers/s, {alerts} alerts",
        elapsed.as_secs_f64()
    );
    println!(
        "window events held: peak {}, at end {}; undated {}, unconverted {}",
        stats.peak_events_held, stats.events_held, stats.undated, stats.unconverted
    );
    println!(
        "peak RSS of the whole process: {} MiB",
        peak_rss_kib() / 1024
    );
    Ok(())
}

/// VmHWM from /proc/self/status (Linux); 0 elsewhere.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
