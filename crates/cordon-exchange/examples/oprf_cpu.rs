//! The holder's CPU per asked subject in the private subject query (issue 16
//! target: at most 25 us of B's CPU per subject), on real names:
//!
//! ```sh
//! cargo run --release -p cordon-exchange --example oprf_cpu -- [ASKED] [HELD] [ROUNDS]
//! ```
//!
//! A asks about ASKED (default 1,000) people of `eval/yente/negatives_global.csv`
//! (names in many scripts, full birth dates, nationalities); B holds the next
//! HELD (default 1,000) plus the first 37 asked (so some meet). The figure is
//! exactly the server's work per query after reading the line: parse the
//! request, evaluate every blinded point, write the reply line. Best of
//! ROUNDS (default 5) rounds, in thread CPU time (wall time on a loaded host
//! overstates it). It also prints a digest of the answers, so that two builds
//! can be checked to answer alike.

use std::path::PathBuf;
use std::time::Instant;

use cordon_exchange::match_keys::Subject;
use cordon_exchange::oprf::{self, Holder, Reply};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// Subjects shared between A and B, so that the answers are not all "no".
const SHARED: usize = 37;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

fn people(skip: usize, take: usize) -> Result<Vec<Subject>> {
    let path = data_dir().join("eval/yente/negatives_global.csv");
    let mut reader = csv::Reader::from_path(&path)?;
    let mut subjects = Vec::with_capacity(take);
    for (index, record) in reader.records().enumerate().skip(skip).take(take) {
        let record = record?;
        subjects.push(Subject {
            id: format!("row-{index}"),
            name: record[0].to_string(),
            dob: Some(record[5].to_string()),
            country: Some(record[7].to_string()),
            document: None,
        });
    }
    Ok(subjects)
}

/// Thread CPU time in nanoseconds (Linux), else wall time since `start`.
fn cpu_nanos(start: Instant) -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX))
}

/// The server's work for one request line: parse, answer, write the reply line.
fn serve_one(holder: &Holder, line: &[u8]) -> Vec<u8> {
    let reply = match oprf::parse_request(line).and_then(|r| holder.answer(&r)) {
        Ok(response) => Reply::Answer(response),
        Err(error) => Reply::Refused {
            error: error.to_string(),
        },
    };
    let mut out = serde_json::to_vec(&reply).expect("a reply serialises");
    out.push(b'\n');
    out
}

fn main() -> Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let asked_n = args.first().copied().unwrap_or(1000);
    let held_n = args.get(1).copied().unwrap_or(1000);
    let rounds = args.get(2).copied().unwrap_or(5).max(1);

    let asked = people(0, asked_n)?;
    let mut held = people(asked_n, held_n)?;
    held.extend(asked.iter().take(SHARED).cloned());
    let holder = Holder::new(&held)?;
    let (pending, request) = oprf::prepare(&asked)?;
    let line = serde_json::to_vec(&request)?;

    let start = Instant::now();
    let mut best = u64::MAX;
    let mut reply = Vec::new();
    for _ in 0..rounds {
        let before = cpu_nanos(start);
        reply = serve_one(&holder, &line);
        best = best.min(cpu_nanos(start).saturating_sub(before));
    }
    let Reply::Answer(response) = oprf::parse_reply(&reply)? else {
        return Err("the holder refused the query".into());
    };
    let answers = oprf::conclude(pending, &response)?;
    let known = answers.iter().filter(|a| a.known).count();
    let digest: String = answers
        .iter()
        .map(|a| format!("{}:{}:{}\n", a.id, a.known, a.keys.join(",")))
        .collect();
    let keys = request.blinded.len();
    println!(
        "asked {} subjects ({keys} keys, {:.2} per subject); B holds {} ({} outputs); known {known}",
        asked.len(),
        keys as f64 / asked.len() as f64,
        holder.subjects(),
        holder.outputs()
    );
    println!(
        "B's CPU per query: {:.0} us = {:.1} us per subject, {:.1} us per key (best of {rounds}); reply {} bytes",
        best as f64 / 1e3,
        best as f64 / 1e3 / asked.len() as f64,
        best as f64 / 1e3 / keys.max(1) as f64,
        reply.len()
    );
    println!("answers digest: {}", hex_sha256(digest.as_bytes()));
    Ok(())
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
