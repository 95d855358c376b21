//! Regenerates the embedded tables under `crates/cordon-names/data/`.
//!
//! ```text
//! cargo run --release -p cordon-names --example gen_tables -- /work/shared/data/names crates/cordon-names/data
//! ```
//!
//! Every shipped table derives from `persons_rigour-1.8.2.txt` only (MIT,
//! data from Wikidata CC0; attributed in NOTICE). The other name sets under
//! `shared/data/names` are for evaluation and tuning, never read here.
//!
//! * `arabic_lexicon.tsv`: folded Arabic token -> up to four Latin
//!   spellings from the same rigour groups, most frequent first.
//! * `readings.tsv`: Han, kana, Hebrew and Hangul token -> up to three
//!   Latin readings from the same groups (山田 -> yamada, דוד -> david).
//! * `equivalence_groups.tsv`: romanised token -> group ids, from
//!   `persons_rigour-1.8.2.txt` (MIT, data from Wikidata CC0). Every
//!   single-word form is romanised with this crate (primary rendering), so
//!   rerun this after changing the romanisation rules. The crate embeds the
//!   Arabic lexicon at compile time: run the command twice after the lexicon
//!   changes so the equivalence table sees the new lexicon.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use cordon_names::translit::{arabic, clean_ascii, han, hangul, hebrew};
use cordon_names::{consonant_skeleton, normalize, phonetic, romanize, script_of, Script};

/// Groups with more distinct romanised tokens than this are dropped (mixed groups).
const MAX_GROUP_TOKENS: usize = 24;
/// Tokens in more groups than this are dropped (too ambiguous to help).
const MAX_GROUPS_PER_TOKEN: usize = 6;
/// English spellings kept per Arabic token.
const MAX_SPELLINGS: usize = 4;
/// A spelling is kept when its evidence is at least 1/MIN_SHARE of the
/// best one's (drops one-off mixed groups and rare national spellings,
/// each of which would cost query time and false alerts).
const MIN_SHARE: u64 = 4;
/// Readings kept per Han, kana, Hebrew or Hangul token.
const MAX_READINGS: usize = 3;
/// Longest native token (in characters) given readings.
const MAX_READING_CHARS: usize = 6;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(data), Some(out)) = (args.get(1), args.get(2)) else {
        return Err("usage: gen_tables DATA_NAMES_DIR OUT_DIR".into());
    };
    let data = Path::new(data);
    let out = Path::new(out);
    let rigour = data.join("persons_rigour-1.8.2.txt");
    let parsed = rigour_groups(&rigour)?;
    write(&out.join("arabic_lexicon.tsv"), &arabic_lexicon(&parsed))?;
    write(&out.join("readings.tsv"), &reading_table(&parsed))?;
    let groups = equivalence_table(&rigour)?;
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

/// One `persons_rigour` group: its forms, normalised, without the QID.
fn rigour_groups(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let text = read(path)?;
    let mut groups = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let Some((forms, _qid)) = line.rsplit_once("=>") else {
            eprintln!("{}:{}: no `=>`, skipped", path.display(), line_no + 1);
            continue;
        };
        groups.push(
            forms
                .split(',')
                .map(normalize)
                .filter(|f| !f.is_empty())
                .collect(),
        );
    }
    Ok(groups)
}

/// The Latin spellings of a group, one per form (a spelling written by
/// several forms, `jong-un` and `jŏng-ŭn`, counts several times).
fn latin_spellings(group: &[String]) -> Vec<String> {
    group
        .iter()
        .filter(|f| script_of(f) == Script::Latin)
        .filter_map(|f| english(f))
        .collect()
}

/// A spelling's evidence: whether it writes the key's letters as the rules
/// do (ranks first), summed weights of the groups that pair it with the key
/// (each group once), then how many forms write it (ties).
type Score = (bool, u64, u64);
/// Key -> spelling -> evidence.
type Counts = HashMap<String, HashMap<String, Score>>;

/// Adds one group's pairings of `key` with `spellings` (repeats allowed).
fn add_group(counts: &mut Counts, key: &str, spellings: &[&str], weight: u64) {
    let entry = counts.entry(key.to_string()).or_default();
    let mut seen = BTreeSet::new();
    for s in spellings {
        let score = entry.entry(s.to_string()).or_default();
        if seen.insert(*s) {
            score.1 += weight;
        }
        score.2 += 1;
    }
}

/// Ranks the spellings of every key: kept are those seen at least 1/MIN_SHARE
/// as often as the most frequent one (drops one-off mixed groups), at most
/// `max` per key, most frequent first.
fn ranked_table(counts: Counts, max: usize) -> String {
    let mut lines = BTreeMap::new();
    for (key, spellings) in counts {
        let mut ranked: Vec<(String, Score)> = spellings.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let top = ranked.iter().map(|r| r.1 .1).max().unwrap_or(0);
        let kept: Vec<String> = ranked
            .into_iter()
            .filter(|(_, n)| n.1 * MIN_SHARE >= top)
            .take(max)
            .map(|(s, _)| s)
            .collect();
        if !kept.is_empty() {
            lines.insert(key, kept.join(","));
        }
    }
    lines
        .into_iter()
        .map(|(key, en)| format!("{key}\t{en}\n"))
        .collect()
}

/// Folded Arabic token -> Latin single-token spellings of the same groups.
/// Multi-token Arabic forms are paired position by position with Latin
/// forms of as many tokens (`محمد جميل` / `muhammad jamil`).
fn arabic_lexicon(groups: &[Vec<String>]) -> String {
    let mut counts = Counts::new();
    for group in groups {
        let latin = latin_spellings(group);
        if latin.is_empty() {
            continue;
        }
        let mut pairs: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for form in group.iter().filter(|f| script_of(f) == Script::Arabic) {
            let ar: Vec<&str> = form.split(' ').collect();
            for en in &latin {
                let en_tokens: Vec<&str> = en.split(' ').collect();
                if en_tokens.len() != ar.len() {
                    continue;
                }
                for (a, e) in ar.iter().zip(&en_tokens) {
                    let folded = arabic::fold(a);
                    if !folded.is_empty() && e.len() >= 2 && sounds_like(&folded, e) {
                        pairs.entry(folded).or_default().push(e);
                    }
                }
            }
        }
        for (key, spellings) in pairs {
            add_group(&mut counts, &key, &spellings, 1);
        }
    }
    for (key, spellings) in &mut counts {
        let rules: Vec<String> = arabic::rule_variants(key)
            .iter()
            .map(|r| letter_skeleton(r))
            .collect();
        for (spelling, score) in spellings.iter_mut() {
            score.0 = rules.contains(&letter_skeleton(spelling));
        }
        // Only national spellings of a cognate attested (ولي: vali, veli):
        // the rule reading (wali) goes first so lists' spelling is tried.
        if !spellings.values().any(|score| score.0) {
            let top = spellings.values().map(|score| score.1).max().unwrap_or(0);
            if let Some(primary) = arabic::rule_variants(key).into_iter().next() {
                if !primary.contains(' ') {
                    spellings.insert(primary, (true, top, 0));
                }
            }
        }
    }
    ranked_table(counts, MAX_SPELLINGS)
}

/// A Latin spelling without vowels, spaces or doubled letters: "ishaq" and
/// "eshaq" -> "shq", "ishac" -> "shc", "khalid" -> "khld", "halid" -> "hld".
/// Spellings that keep the Arabic consonant values (q for ق, kh for خ)
/// rank before national spellings of a cognate (Turkish halid, French ishac).
fn letter_skeleton(spelling: &str) -> String {
    let mut out = String::with_capacity(spelling.len());
    for c in spelling.chars() {
        if !"aeiouy ".contains(c) && !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Whether a Latin spelling is a transliteration of the folded Arabic token
/// and not a translation found in the same group (عيسى / jesus, جان /
/// con): its consonant skeleton equals a rule reading's, or is within one
/// edit of it when the skeleton has four consonants or more.
fn sounds_like(folded: &str, latin: &str) -> bool {
    let skeleton = consonant_skeleton(latin);
    let slack = usize::from(skeleton.len() >= 4);
    arabic::rule_variants(folded)
        .iter()
        .any(|r| edit_distance(&consonant_skeleton(&r.replace(' ', "")), &skeleton) <= slack)
}

/// Levenshtein distance over bytes (ASCII skeletons).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diag = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let cost = usize::from(ca != *cb);
            let best = (diag + cost).min(up + 1).min(left + 1);
            diag = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// Scripts whose single-token forms get attested readings.
fn reading_script(form: &str) -> bool {
    matches!(
        script_of(form),
        Script::Han | Script::Kana | Script::Hebrew | Script::Hangul
    )
}

/// How much a group's pairings count: groups of names written in many
/// scripts are common names, so their spellings are the usual ones.
fn group_weight(group: &[String]) -> u64 {
    u64::try_from(group.len()).unwrap_or(u64::MAX)
}

/// A Latin reading compared loosely: no spaces, long vowels shortened
/// (`tarou`, `taroo` and `taro` are one reading).
fn reading_key(latin: &str) -> String {
    latin
        .replace(' ', "")
        .replace("ou", "o")
        .replace("oo", "o")
        .replace("uu", "u")
        .replace("ii", "i")
        .replace("aa", "a")
        .replace("ee", "e")
}

/// Rule readings of the kana and Hangul forms of a group (phonetic keys,
/// and exact loose keys prefixed with `=`): a
/// Han form's Japanese or Korean reading must agree with one of them, which
/// keeps Vietnamese, Cantonese and mixed-group spellings out.
fn sibling_readings(group: &[String]) -> BTreeSet<String> {
    group
        .iter()
        .filter(|f| matches!(script_of(f), Script::Kana | Script::Hangul))
        .flat_map(|f| rule_readings(f))
        .flat_map(|r| {
            let key = reading_key(&r);
            [phonetic(&key), format!("={key}")]
        })
        .collect()
}

/// Whether a Han form's Latin reading agrees with a kana or Hangul sibling:
/// exactly for one character (a loose match would let Cantonese and
/// Vietnamese readings in), by phonetic key for longer forms.
fn agrees(form: &str, latin: &str, siblings: &BTreeSet<String>) -> bool {
    let key = reading_key(latin);
    if form.chars().count() == 1 {
        siblings.contains(&format!("={key}"))
    } else {
        siblings.contains(&phonetic(&key))
    }
}

/// Whether the rules already give `latin` for `form`; the table carries
/// only what rules miss (Han pinyin, kana romaji, Hangul RR/MR).
fn rules_give(form: &str, latin: &str) -> bool {
    let key = reading_key(latin);
    rule_readings(form).iter().any(|r| reading_key(r) == key)
}

/// What the transliteration rules alone give for a form (never the table,
/// so regenerating is stable).
fn rule_readings(form: &str) -> Vec<String> {
    let mut out = match script_of(form) {
        Script::Han => han::variants(form),
        Script::Hangul => hangul::variants(form),
        Script::Hebrew => hebrew::variants(form),
        _ => vec![any_ascii::any_ascii(form)],
    };
    if script_of(form) == Script::Han {
        out.push(han::syllables(form).concat());
    }
    out.iter().map(|r| clean_ascii(r)).collect()
}

/// Han, kana, Hebrew and Hangul single-token forms -> Latin spellings of
/// the same groups that the rules do not give; Han readings must agree
/// with a kana or Hangul sibling (Japanese or Korean readings).
fn reading_table(groups: &[Vec<String>]) -> String {
    let mut counts = Counts::new();
    for group in groups {
        let latin: Vec<String> = latin_spellings(group)
            .into_iter()
            .filter(|s| s.len() >= 2 && s.split(' ').count() <= 3)
            .collect();
        if latin.is_empty() {
            continue;
        }
        let siblings = sibling_readings(group);
        let weight = group_weight(group);
        for form in group
            .iter()
            .filter(|f| !f.contains(' ') && reading_script(f))
        {
            let chars = form.chars().count();
            // Two kana spell too many unrelated names (カン: kang, hong).
            if chars > MAX_READING_CHARS || (script_of(form) == Script::Kana && chars < 3) {
                continue;
            }
            let han = script_of(form) == Script::Han;
            let kept: Vec<&str> = latin
                .iter()
                .filter(|en| !han || agrees(form, en, &siblings))
                .filter(|en| !rules_give(form, en))
                .map(String::as_str)
                .collect();
            if !kept.is_empty() {
                add_group(&mut counts, form, &kept, weight);
            }
        }
    }
    ranked_table(counts, MAX_READINGS)
}

fn equivalence_table(path: &Path) -> Result<String, String> {
    let text = read(path)?;
    // Token -> whether it was written in Latin in that group.
    let mut kept_groups: Vec<BTreeMap<String, bool>> = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let Some((forms, _qid)) = line.rsplit_once("=>") else {
            eprintln!("{}:{}: no `=>`, skipped", path.display(), line_no + 1);
            continue;
        };
        let mut tokens: BTreeMap<String, bool> = BTreeMap::new();
        for form in forms.split(',') {
            let latin = script_of(&normalize(form)) == Script::Latin;
            let Some(primary) = romanize(form).into_iter().next() else {
                continue;
            };
            if !primary.contains(' ')
                && primary.len() >= 2
                && !primary.bytes().any(|b| b.is_ascii_digit())
            {
                *tokens.entry(primary).or_default() |= latin;
            }
        }
        if tokens.len() >= 2 && tokens.len() <= MAX_GROUP_TOKENS {
            kept_groups.push(tokens);
        }
    }
    let mut by_token: BTreeMap<&str, Vec<(u32, bool)>> = BTreeMap::new();
    for (id, tokens) in kept_groups.iter().enumerate() {
        let id = u32::try_from(id).map_err(|e| e.to_string())?;
        for (token, latin) in tokens {
            by_token.entry(token).or_default().push((id, *latin));
        }
    }
    let mut out = String::new();
    for (token, mut ids) in by_token {
        // A common name that rules render into many groups (every محمد
        // reads "muhammad") keeps the groups where it is written in Latin.
        if ids.len() > MAX_GROUPS_PER_TOKEN {
            ids.retain(|(_, latin)| *latin);
        }
        if ids.is_empty() || ids.len() > MAX_GROUPS_PER_TOKEN {
            continue;
        }
        let ids: Vec<String> = ids.iter().map(|(id, _)| id.to_string()).collect();
        out.push_str(token);
        out.push('\t');
        out.push_str(&ids.join(","));
        out.push('\n');
    }
    Ok(out)
}
