//! Arabic romanisation measured on held-out pairs: the share of Arabic
//! tokens whose English spelling is among our renderings or within edit
//! distance 1 of one. The lexicon is generated from `ar2en.txt` and the
//! COLING aligned tokens, never from `ar2en-test.txt`; but the test tokens
//! also occur in those files, so only the rules-only figures are a fair
//! measure of generalisation; lexicon figures show coverage.

use cordon_names::translit::{arabic, clean_ascii};
use cordon_names::{consonant_skeleton, normalize};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/names/");

fn read(name: &str) -> String {
    let path = format!("{DATA}{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn within_one(a: &str, b: &str) -> bool {
    let (a, b): (Vec<u8>, Vec<u8>) = (a.bytes().collect(), b.bytes().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    let (s, l) = (&short[prefix..], &long[prefix..]);
    if s.len() == l.len() {
        s.get(1..) == l.get(1..)
    } else {
        Some(s) == l.get(1..)
    }
}

struct Score {
    total: usize,
    exact: usize,
    near: usize,
    skeleton: usize,
}

fn score(pairs: &[(String, String)], render: impl Fn(&str) -> Vec<String>) -> Score {
    let mut s = Score {
        total: 0,
        exact: 0,
        near: 0,
        skeleton: 0,
    };
    for (ar, en) in pairs {
        let variants = render(&arabic::fold(&normalize(ar)));
        let joined: Vec<String> = variants.iter().map(|v| v.replace(' ', "")).collect();
        let en = en.replace(' ', "");
        s.total += 1;
        s.exact += usize::from(joined.contains(&en));
        s.near += usize::from(joined.iter().any(|v| within_one(v, &en)));
        let sk = consonant_skeleton(&en);
        s.skeleton += usize::from(joined.iter().any(|v| consonant_skeleton(v) == sk));
    }
    s
}

fn report(label: &str, s: &Score) -> (f64, f64) {
    let pct = |n: usize| 100.0 * n as f64 / s.total.max(1) as f64;
    eprintln!(
        "{label}: {} tokens, exact {:.1}%, exact or edit distance 1 {:.1}%, same consonant skeleton {:.1}%",
        s.total,
        pct(s.exact),
        pct(s.near),
        pct(s.skeleton)
    );
    (pct(s.near), pct(s.skeleton))
}

fn google_test_pairs() -> Vec<(String, String)> {
    read("google_transliteration/ar2en-test.txt")
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(ar, en)| (ar.to_string(), clean_ascii(en)))
        .filter(|(ar, en)| !en.is_empty() && !ar.contains(' '))
        .collect()
}

#[test]
fn google_held_out_pairs() {
    let pairs = google_test_pairs();
    let rules = score(&pairs, arabic::rule_variants);
    let full = score(&pairs, arabic::token_variants);
    let (rules_near, rules_skel) = report("google ar2en-test, rules only", &rules);
    let (full_near, _) = report("google ar2en-test, lexicon + rules", &full);
    assert!(rules.total > 1000);
    assert!(rules_near >= 25.0, "{rules_near}");
    assert!(rules_skel >= 40.0, "{rules_skel}");
    assert!(full_near >= rules_near);
}

#[test]
fn coling_wikidata_pairs_rules_only() {
    let pairs: Vec<(String, String)> = read("netransliteration_coling2018/wd_arabic_20")
        .lines()
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let en = clean_ascii(cols.next()?);
            let ar: String = cols.next()?.split(' ').collect();
            Some((ar, en))
        })
        .filter(|(_, en)| !en.is_empty())
        .collect();
    let rules = score(&pairs, arabic::rule_variants);
    let (near, _) = report("coling wd_arabic_20, rules only", &rules);
    let full = score(&pairs, arabic::token_variants);
    report(
        "coling wd_arabic_20, lexicon + rules (lexicon may overlap)",
        &full,
    );
    assert!(rules.total > 10_000);
    assert!(near >= 10.0, "{near}");
}
