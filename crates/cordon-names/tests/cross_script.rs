//! Cross-script agreement on shared evaluation data: how many pairs share a
//! romanised rendering, or the same sequence of phonetic keys.

use cordon_names::{phonetic, romanize, token_kind, TokenKind};
use std::collections::BTreeSet;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/names/");

fn read(name: &str) -> String {
    let path = format!("{DATA}{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Phonetic keys of a rendering's name tokens (honorifics and initials dropped), sorted.
fn key_set(rendering: &str) -> Vec<String> {
    let mut keys: Vec<String> = rendering
        .split(' ')
        .filter(|t| t.len() > 1 && token_kind(t) == TokenKind::Name)
        .map(phonetic)
        .collect();
    keys.sort();
    keys
}

fn share_rendering(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.contains(x))
}

fn share_keys(a: &[String], b: &[String]) -> bool {
    let ka: BTreeSet<Vec<String>> = a.iter().map(|v| key_set(v)).collect();
    b.iter().any(|v| ka.contains(&key_set(v)))
}

/// Every name token of the shorter side has its key among the other's.
fn keys_contained(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            let (kx, ky) = (key_set(x), key_set(y));
            let (small, big) = if kx.len() <= ky.len() {
                (kx, ky)
            } else {
                (ky, kx)
            };
            !small.is_empty() && small.iter().all(|k| big.contains(k))
        })
    })
}

#[test]
fn watchman_cross_script_pairs() {
    let text = read("watchman_cross_script_pairs.csv");
    let (mut total, mut exact, mut keys) = (0, 0, 0);
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.split(',');
        let (Some(query), Some(expected)) = (cols.next(), cols.next()) else {
            continue;
        };
        let (q, e) = (romanize(query), romanize(expected));
        total += 1;
        let has_exact = share_rendering(&q, &e);
        let has_keys = has_exact || share_keys(&q, &e);
        exact += usize::from(has_exact);
        keys += usize::from(has_keys);
        if !has_keys {
            eprintln!("miss: {query} -> {:?} vs {expected}", q.first());
        }
    }
    eprintln!("watchman pairs: {total}, same rendering {exact}, same phonetic keys {keys}");
    // Floors measured on this file (22 pairs: 14 and 17 at the time of writing).
    assert!(total >= 20, "pairs read {total}");
    assert!(exact >= 14, "same rendering {exact}/{total}");
    assert!(keys >= 17, "same keys {keys}/{total}");
}

#[test]
fn putin_names_agree_with_the_latin_form() {
    let text = read("putin_names.txt");
    let target = romanize("Vladimir Vladimirovich Putin");
    let (mut total, mut keys, mut contained) = (0, 0, 0);
    for name in text.lines().filter(|l| !l.trim().is_empty()) {
        let variants = romanize(name);
        total += 1;
        keys += usize::from(share_keys(&variants, &target));
        let inside = keys_contained(&variants, &target);
        contained += usize::from(inside);
        if !inside {
            eprintln!("miss: {name} -> {:?}", variants.first());
        }
    }
    eprintln!("putin names: {total}, same keys {keys}, keys contained {contained}");
    // Floors measured on this file (81 names).
    assert!(total >= 80, "names read {total}");
    assert!(keys >= 22, "same keys {keys}/{total}");
    assert!(contained >= 48, "contained {contained}/{total}");
}
