//! Regenerates the embedded tables under `crates/cordon-names/data/`.
//!
//! ```text
//! cargo run --release -p cordon-names --example gen_tables -- /work/shared/data/names crates/cordon-names/data
//! ```
//!
//! * `arabic_lexicon.tsv`: folded Arabic token -> up to four English
//!   spellings, most frequent first, from `google_transliteration/ar2en.txt`
//!   (Apache-2.0; the held-out `ar2en-test.txt` is NOT used, tests evaluate
//!   on it) and `netransliteration_coling2018/wd_arabic.normalized.aligned.tokens` (CC0).
//! * `equivalence_groups.tsv`: romanised token -> group ids, from
//!   `persons_rigour-1.8.2.txt` (MIT, data from Wikidata CC0). Every
//!   single-word form is romanised with this crate (primary rendering), so
//!   rerun this after changing the romanisation rules. The crate embeds the
//!   Arabic lexicon at compile time: run the command twice after the lexicon
//!   changes so the equivalence table sees the new lexicon.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use cordon_names::translit::{arabic, clean_ascii};
use cordon_names::{normalize, romanize};

/// Groups with more distinct romanised tokens than this are dropped (mixed groups).
const MAX_GROUP_TOKENS: usize = 24;
/// Tokens in more groups than this are dropped (too ambiguous to help).
const MAX_GROUPS_PER_TOKEN: usize = 6;
/// English spellings kept per Arabic token.
const MAX_SPELLINGS: usize = 4;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(data), Some(out)) = (args.get(1), args.get(2)) else {
        return Err("usage: gen_tables DATA_NAMES_DIR OUT_DIR".into());
    };
    let data = Path::new(data);
    let out = Path::new(out);
    let lexicon = arabic_lexicon(data)?;
    write(&out.join("arabic_lexicon.tsv"), &lexicon)?;
    let groups = equivalence_table(&data.join("persons_rigour-1.8.2.txt"))?;
    write(&out.join("equivalence_groups.tsv"), &groups)?;
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!(
        "wrote {} ({} bytes, {} lines)",
        path.display(),
        text.len(),
        text.lines().count()
    );
    Ok(())
}

/// An English spelling worth keeping: letters and single spaces only.
fn english(raw: &str) -> Option<String> {
    let clean = clean_ascii(raw);
    (!clean.is_empty() && clean.bytes().all(|b| b.is_ascii_lowercase() || b == b' '))
        .then_some(clean)
}

fn arabic_lexicon(data: &Path) -> Result<String, String> {
    let mut counts: HashMap<String, HashMap<String, u64>> = HashMap::new();
    let google = read(&data.join("google_transliteration/ar2en.txt"))?;
    for line in google.lines() {
        let Some((ar, en)) = line.split_once('\t') else {
            continue;
        };
        add_pair(&mut counts, ar, en, 3);
    }
    let coling =
        read(&data.join("netransliteration_coling2018/wd_arabic.normalized.aligned.tokens"))?;
    for line in coling.lines() {
        let mut cols = line.split('\t');
        let (Some(en), Some(ar), Some(n)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        let ar: String = ar.split(' ').collect();
        add_pair(&mut counts, &ar, en, n.trim().parse().unwrap_or(1));
    }
    let mut lines = BTreeMap::new();
    for (ar, spellings) in counts {
        let mut ranked: Vec<(String, u64)> = spellings.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let top = ranked.first().map_or(0, |r| r.1);
        // Drop one-off misalignments: keep spellings seen at least twice and
        // at least a tenth as often as the most frequent one.
        let kept: Vec<String> = ranked
            .into_iter()
            .filter(|(_, n)| *n >= 2 && *n * 10 >= top)
            .take(MAX_SPELLINGS)
            .map(|(s, _)| s)
            .collect();
        if !kept.is_empty() {
            lines.insert(ar, kept.join(","));
        }
    }
    Ok(lines
        .into_iter()
        .map(|(ar, en)| format!("{ar}\t{en}\n"))
        .collect())
}

fn add_pair(counts: &mut HashMap<String, HashMap<String, u64>>, ar: &str, en: &str, n: u64) {
    let folded = arabic::fold(&normalize(ar));
    if folded.is_empty() || folded.contains(' ') {
        return;
    }
    let Some(en) = english(en) else { return };
    *counts.entry(folded).or_default().entry(en).or_default() += n;
}

fn equivalence_table(path: &Path) -> Result<String, String> {
    let text = read(path)?;
    let mut kept_groups: Vec<BTreeSet<String>> = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let Some((forms, _qid)) = line.rsplit_once("=>") else {
            eprintln!("{}:{}: no `=>`, skipped", path.display(), line_no + 1);
            continue;
        };
        let mut tokens = BTreeSet::new();
        for form in forms.split(',') {
            let Some(primary) = romanize(form).into_iter().next() else {
                continue;
            };
            if !primary.contains(' ')
                && primary.len() >= 2
                && !primary.bytes().any(|b| b.is_ascii_digit())
            {
                tokens.insert(primary);
            }
        }
        if tokens.len() >= 2 && tokens.len() <= MAX_GROUP_TOKENS {
            kept_groups.push(tokens);
        }
    }
    let mut by_token: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (id, tokens) in kept_groups.iter().enumerate() {
        let id = u32::try_from(id).map_err(|e| e.to_string())?;
        for token in tokens {
            by_token.entry(token).or_default().push(id);
        }
    }
    let mut out = String::new();
    for (token, ids) in by_token {
        if ids.len() > MAX_GROUPS_PER_TOKEN {
            continue;
        }
        let ids: Vec<String> = ids.iter().map(u32::to_string).collect();
        out.push_str(token);
        out.push('\t');
        out.push_str(&ids.join(","));
        out.push('\n');
    }
    Ok(out)
}
