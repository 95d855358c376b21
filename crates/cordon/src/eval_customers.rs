//! The customer-base section of `cordon eval`: false alerts on populations of
//! people who are on no list, screened as persons against UN 2025-04-19 + OFAC
//! 2021 in three settings (name only, name + birth date, name + birth date +
//! country). The pure part lives in `cordon_match::population`.

use anyhow::{Context, Result};
use cordon_match::population::{self, NameTables, PopulationReport, Setting};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Rows read from each yente negatives file (the development set).
const YENTE_ROWS: usize = 10_000;
/// Customers in the generated regional base.
const REGIONAL_CUSTOMERS: usize = 20_000;
/// Seed of the regional base.
const REGIONAL_SEED: u64 = 2026;
/// Alerts printed per set and setting.
const SHOWN: usize = 5;

/// One population's alert rates, per setting.
#[derive(Debug, Serialize)]
pub struct CustomerBaseReport {
    /// Which population.
    pub population: String,
    /// One report per setting.
    pub settings: Vec<PopulationReport>,
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))
}

fn lists(data: &Path) -> Result<Vec<cordon_model::Entity>> {
    let un_path = data.join("lists/un/un_consolidated_2025-04-19.xml");
    let un = std::fs::read(&un_path).with_context(|| format!("reading {}", un_path.display()))?;
    let mut all = cordon_lists::un::read(&un)
        .with_context(|| format!("parsing {}", un_path.display()))?
        .entities;
    let dir = data.join("lists/ofac/sdn_legacy_csv_2021");
    let read = |f: &str| {
        std::fs::read(dir.join(f)).with_context(|| format!("reading {}", dir.join(f).display()))
    };
    let ofac = cordon_lists::ofac::read_csv_set(
        &read("sdn.csv")?,
        Some(&read("add.csv")?),
        Some(&read("alt.csv")?),
        Some(&read("sdn_comments.csv")?),
    )
    .with_context(|| format!("parsing {}", dir.display()))?;
    all.extend(ofac.entities);
    Ok(all)
}

/// Screens the yente negatives (first rows of each file) and the generated regional
/// base, prints each setting's alert rate and its top causes, and returns them.
pub fn run(
    data: &Path,
    rigour: &[Vec<String>],
    out: &mut dyn Write,
) -> Result<Vec<CustomerBaseReport>> {
    let index = cordon_match::Index::build(lists(data)?);
    let variants = read_text(&data.join("names/name_variants_0.1.3.tsv"))?;
    let tables = NameTables::new(rigour, &variants);
    let mut sets = Vec::new();
    for file in ["negatives_global", "negatives_us"] {
        let path = data.join(format!("eval/yente/{file}.csv"));
        let rows = population::parse_customer_rows(&read_text(&path)?, YENTE_ROWS, file);
        sets.push((format!("yente {file} (first {YENTE_ROWS})"), rows));
    }
    sets.push((
        format!("regional customer base (seed {REGIONAL_SEED})"),
        population::regional_population(&tables, REGIONAL_CUSTOMERS, REGIONAL_SEED),
    ));
    writeln!(
        out,
        "false alerts on customer bases, as persons, vs UN 2025-04-19 + OFAC 2021:"
    )?;
    let mut reports = Vec::new();
    for (name, customers) in sets {
        let mut settings = Vec::new();
        for setting in Setting::ALL {
            let r = population::screen_population(&index, &customers, setting);
            writeln!(
                out,
                "  {name}, {}: {}/{} = {:.2}%",
                setting.label(),
                r.alerts,
                r.customers,
                r.rate * 100.0
            )?;
            for (cause, n) in r.causes.iter().take(3) {
                writeln!(out, "    {n:5} {cause}")?;
            }
            for a in r.examples.iter().take(SHOWN) {
                writeln!(
                    out,
                    "      alert: {} -> {} ({:.3})",
                    a.query, a.matched, a.score
                )?;
            }
            settings.push(r);
        }
        reports.push(CustomerBaseReport {
            population: name,
            settings,
        });
    }
    Ok(reports)
}
