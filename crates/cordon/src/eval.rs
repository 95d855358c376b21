//! The development evaluation: loads the shared data sets and runs the pure
//! evaluation core of `cordon_match::eval`, printing a human summary.

use anyhow::{Context, Result};
use cordon_match::eval::{
    self, AlertReport, CrossScriptReport, NameBenchReport, RecallReport, TimingReport,
};
use cordon_model::Entity;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Seed of every generated set (non-matches, typos), so runs are reproducible.
const SEED: u64 = 20_260_227;
/// Synthetic non-matching names screened for the false-alert rate.
const NON_MATCHES: usize = 10_000;

/// Everything `cordon eval` measures.
#[derive(Debug, Serialize)]
pub struct EvalReport {
    /// nomenklatura name benchmark through `compare`.
    pub name_bench: NameBenchReport,
    /// UN original-script names against an index without them.
    pub un_original_script: RecallReport,
    /// watchman cross-script pairs through `compare`.
    pub cross_script: CrossScriptReport,
    /// Synthetic non-matching names against UN + OFAC.
    pub false_alerts: AlertReport,
    /// Typo'd and reordered UN primary names against UN + OFAC.
    pub typo_reorder: RecallReport,
    /// Build and query times of the UN + OFAC index.
    pub timings: TimingReport,
    /// False alerts on customer bases (yente negatives, generated regional base).
    pub customer_bases: Vec<crate::eval_customers::CustomerBaseReport>,
    /// Disguised UN names (evasion tricks) against UN + OFAC: recall per trick.
    pub red_team: cordon_match::redteam::RedTeamReport,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?).with_context(|| format!("{} is not UTF-8", path.display()))
}

fn load_un(data: &Path) -> Result<Vec<Entity>> {
    let path = data.join("lists/un/un_consolidated_2026-02-27.xml");
    let list = cordon_lists::un::read(&read(&path)?)
        .with_context(|| format!("parsing {}", path.display()))?;
    Ok(list.entities)
}

fn load_ofac(data: &Path) -> Result<Vec<Entity>> {
    let dir = data.join("lists/ofac/sdn_legacy_csv_2021");
    let sdn = read(&dir.join("sdn.csv"))?;
    let add = read(&dir.join("add.csv"))?;
    let alt = read(&dir.join("alt.csv"))?;
    let comments = read(&dir.join("sdn_comments.csv"))?;
    let list = cordon_lists::ofac::read_csv_set(&sdn, Some(&add), Some(&alt), Some(&comments))
        .with_context(|| format!("parsing {}", dir.display()))?;
    Ok(list.entities)
}

/// Runs every evaluation set found under `data_dir` and prints a summary to `out`.
pub fn run(data_dir: &Path, out: &mut dyn Write) -> Result<EvalReport> {
    let names = data_dir.join("names");
    let cases = eval::parse_bench_cases(&read_text(
        &names.join("nomenklatura_name_bench_cases.csv"),
    )?);
    let name_bench = eval::name_bench(&cases);
    print_bench(out, &name_bench)?;

    let un = load_un(data_dir)?;
    let (kept, held) = eval::hold_out_original_script(&un);
    let held_index = cordon_match::Index::build(kept);
    let un_original_script = eval::recall(&held_index, &held);
    print_recall(
        out,
        "UN original-script names (held out of the index)",
        &un_original_script,
    )?;

    let pairs =
        eval::parse_cross_script_pairs(&read_text(&names.join("watchman_cross_script_pairs.csv"))?);
    let cross_script = eval::cross_script(&pairs);
    writeln!(
        out,
        "watchman cross-script pairs: {}/{} at or above the threshold",
        cross_script.passed, cross_script.pairs
    )?;
    for (q, e, s) in cross_script
        .scores
        .iter()
        .filter(|s| s.2 < cordon_match::DEFAULT_THRESHOLD)
    {
        writeln!(out, "  below: {q} -> {e} ({s:.3})")?;
    }

    let mut all = un.clone();
    all.extend(load_ofac(data_dir)?);
    let groups = eval::parse_rigour_groups(&read_text(&names.join("persons_rigour-1.8.2.txt"))?);
    let typo_cases = eval::typo_and_reorder_cases(&un, SEED);
    let non_matches = {
        let index = cordon_match::Index::build(all.clone());
        eval::synthetic_non_matches(&index, &groups, NON_MATCHES, SEED)
    };
    // Timed queries: a sample of both sets; the build is timed too.
    let mut timed: Vec<String> = non_matches.iter().take(2_000).cloned().collect();
    timed.extend(typo_cases.iter().take(2_000).map(|(q, _)| q.clone()));
    let (index, timings) = eval::timings(all, &timed);

    let false_alerts = eval::false_alerts(&index, &non_matches);
    writeln!(
        out,
        "false alerts: {} of {} synthetic non-matches ({:.3}%)",
        false_alerts.alerts,
        false_alerts.queries,
        false_alerts.rate * 100.0
    )?;
    for (q, m, s) in &false_alerts.examples {
        writeln!(out, "  alert: {q} -> {m} ({s:.3})")?;
    }
    let typo_reorder = eval::recall(&index, &typo_cases);
    print_recall(
        out,
        "typo'd and reordered UN names (UN + OFAC index)",
        &typo_reorder,
    )?;
    writeln!(
        out,
        "timings: {} entities, {} name variants; build {:.0} ms; query p50 {:.1} us, p99 {:.1} us; batch {:.0} names/s",
        timings.entities, timings.names, timings.build_ms, timings.p50_us, timings.p99_us, timings.batch_names_per_s
    )?;
    let red_team =
        cordon_match::redteam::evaluate(&index, &cordon_match::redteam::default_cases(&un, SEED));
    print_red_team(out, &red_team)?;
    let customer_bases = crate::eval_customers::run(data_dir, &groups, out)?;
    Ok(EvalReport {
        customer_bases,
        red_team,
        name_bench,
        un_original_script,
        cross_script,
        false_alerts,
        typo_reorder,
        timings,
    })
}

fn print_red_team(out: &mut dyn Write, r: &cordon_match::redteam::RedTeamReport) -> Result<()> {
    writeln!(
        out,
        "red team: disguised UN names, recall per trick at the default threshold"
    )?;
    for t in &r.tricks {
        writeln!(
            out,
            "  {:<40} {:>3}/{:<3} {:.3}",
            t.trick.label(),
            t.found,
            t.queries,
            t.recall
        )?;
        for (q, id) in &t.misses {
            writeln!(out, "    miss: {q:?} (want {id})")?;
        }
    }
    Ok(())
}

fn print_bench(out: &mut dyn Write, r: &NameBenchReport) -> Result<()> {
    let d = &r.at_default;
    writeln!(
        out,
        "name_bench ({} pairs): at {:.2}: precision {:.3} recall {:.3} F1 {:.3}; best F1 {:.3} at {:.2}",
        r.cases, d.threshold, d.precision, d.recall, d.f1, r.best.f1, r.best.threshold
    )?;
    for p in &r.table {
        writeln!(
            out,
            "  {:.2}  P {:.3}  R {:.3}  F1 {:.3}",
            p.threshold, p.precision, p.recall, p.f1
        )?;
    }
    Ok(())
}

fn print_recall(out: &mut dyn Write, title: &str, r: &RecallReport) -> Result<()> {
    writeln!(
        out,
        "{title}: {}/{} found (recall {:.4})",
        r.found, r.queries, r.recall
    )?;
    for m in &r.misses {
        let best = m.best.as_ref().map_or("nothing".to_string(), |b| {
            format!("{} \"{}\" {:.3}", b.0, b.1, b.2)
        });
        let own = m
            .expected_score
            .map_or("not retrieved".to_string(), |s| format!("{s:.3}"));
        writeln!(
            out,
            "  miss: {} (want {}: {own}; best {best})",
            m.query, m.expected
        )?;
    }
    Ok(())
}
