//! Precision and recall of every rule of the default pack over a generated stream with
//! planted patterns, near misses and background traffic, delivered in order and then late and
//! repeated.
//!
//! `cargo run --release -p cordon-monitor --example precision -- [COUNT] [SEED]`
//! (default 500,000 transfers, seed 42).

use cordon_monitor::generate::{deliver_unreliably, Generated, Generator};
use cordon_monitor::score::{table, Scorer};
use cordon_monitor::{Monitor, RulePack};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(Ok(500_000), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(42), |a| a.parse())?;
    let items: Vec<Generated> = Generator::new(seed).take(count).collect();
    let planted = items.iter().filter(|g| g.completes && !g.near_miss).count();
    let near = items.iter().filter(|g| g.completes && g.near_miss).count();
    println!("{count} transfers, seed {seed}: {planted} planted patterns, {near} near misses\n");
    println!("In order:\n\n{}", run(&items)?);
    // Up to 48 hours late (within the 72-hour bound), one transfer in 20 delivered twice.
    let (delivered, repeats) = deliver_unreliably(items, seed, 48 * 3600, 20);
    println!(
        "Up to 48 h late, {repeats} repeated deliveries:\n\n{}",
        run(&delivered)?
    );
    Ok(())
}

fn run(items: &[Generated]) -> Result<String, Box<dyn std::error::Error>> {
    let pack = RulePack::default_pack()?;
    let mut scorer = Scorer::new(pack.rules.iter().map(|r| r.id.as_str()));
    let mut monitor = Monitor::new(pack);
    for generated in items {
        scorer.transfer(generated);
        for alert in monitor.observe(&generated.transfer) {
            scorer.alert(&alert);
        }
    }
    let stats = monitor.stats();
    Ok(format!(
        "{}\nlate {}, too late {}, duplicates {}\n",
        table(&scorer.scores()),
        stats.late,
        stats.too_late,
        stats.duplicates
    ))
}
