//! Parses one list file (or an OFAC legacy CSV folder) and prints its counts,
//! warnings and parse time: `cargo run --release -p cordon-lists --example parse_list -- PATH [--json]`.
//! Used with `/usr/bin/time -v` to measure peak memory.

use std::path::Path;
use std::time::Instant;

use cordon_lists::{detect, ofac, read_bytes, read_from, streams, ParsedList};
use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: parse_list PATH [--json]")?;
    let json = args.next().as_deref() == Some("--json");
    let started = Instant::now();
    let list = read_path(Path::new(&path))?;
    let elapsed = started.elapsed();
    if json {
        println!("{}", serde_json::to_string_pretty(&list.entities)?);
        return Ok(());
    }
    let counts = list.counts();
    println!(
        "{path}: source {} version {:?}: {} persons, {} organisations, {} vessels, {} aircraft, {} names in {:.1} ms",
        list.source,
        list.version,
        counts.persons,
        counts.organizations,
        counts.vessels,
        counts.aircraft,
        counts.names,
        elapsed.as_secs_f64() * 1000.0
    );
    for warning in &list.warnings {
        println!("warning: {warning}");
    }
    Ok(())
}

/// A folder is read as an OFAC legacy CSV set (SDN or consolidated non-SDN file names).
fn read_path(path: &Path) -> Result<ParsedList, Box<dyn std::error::Error>> {
    if path.is_dir() {
        let read = |names: &[&str]| names.iter().find_map(|n| std::fs::read(path.join(n)).ok());
        let main = read(&["sdn.csv", "cons_prim.csv"]).ok_or("no sdn.csv or cons_prim.csv")?;
        let add = read(&["add.csv", "cons_add.csv"]);
        let alt = read(&["alt.csv", "cons_alt.csv"]);
        let comments = read(&["sdn_comments.csv", "cons_comments.csv"]);
        return Ok(ofac::read_csv_set(
            &main,
            add.as_deref(),
            alt.as_deref(),
            comments.as_deref(),
        )?);
    }
    // The large XML formats are read as the CLI reads them: streamed, never whole in memory.
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(8192)
        .read_to_end(&mut head)?;
    if let Ok(format) = detect(&head) {
        if streams(format) {
            let reader = std::io::BufReader::with_capacity(64 * 1024, std::fs::File::open(path)?);
            return Ok(read_from(format, reader)?);
        }
    }
    let bytes = std::fs::read(path)?;
    let format = detect(&bytes)?;
    Ok(read_bytes(format, &bytes)?)
}
