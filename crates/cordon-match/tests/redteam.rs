//! The red-team evaluation on the shared data: every evasion trick must keep
//! recall at or above 90% at the default threshold (issue 9).

mod common;

use cordon_match::redteam;
use cordon_match::Index;

/// Seed of the disguised cases (the same as `cordon eval`).
const SEED: u64 = 20_260_227;

#[test]
fn every_evasion_trick_keeps_recall() {
    let un = common::un();
    let cases = redteam::default_cases(&un, SEED);
    let mut all = un;
    all.extend(common::ofac());
    let report = redteam::evaluate(&Index::build(all), &cases);
    for t in &report.tricks {
        eprintln!(
            "{:<40} {}/{} {:.3} {:?}",
            t.trick.label(),
            t.found,
            t.queries,
            t.recall,
            t.misses
        );
    }
    for t in &report.tricks {
        assert!(t.queries >= 30, "{:?}: only {} names", t.trick, t.queries);
        assert!(t.recall >= 0.9, "{:?}: recall {:.3}", t.trick, t.recall);
    }
}
