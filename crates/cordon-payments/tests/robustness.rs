//! No panic on any input: truncated, mutated and spliced samples, and random bytes.

use cordon_payments::{check_r16, parse, R16Config};
use proptest::prelude::*;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/payments/"
);

fn samples() -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "xml" || e == "fin" || e == "rje")
        })
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Parses and checks everything that parses; errors must point inside the input.
fn exercise(bytes: &[u8]) {
    let config = R16Config::default();
    for (i, result) in parse(bytes).iter().enumerate() {
        match result {
            Ok(t) => {
                check_r16(t, &config);
            }
            Err(e) => {
                assert_eq!(e.index, i);
                assert!(e.position.offset <= bytes.len());
                assert!(!e.message.is_empty());
            }
        }
    }
}

/// Bytes that matter to the grammars, to splice in.
const TOKENS: [&[u8]; 14] = [
    b"{",
    b"}",
    b"$",
    b"<",
    b">",
    b"</",
    b":",
    b"\n-}",
    b"{4:\n",
    b":32A:",
    b"&amp;",
    b"&#0;",
    b"<!DOCTYPE x>",
    b"\xff",
];

#[derive(Debug, Clone)]
enum Edit {
    Truncate(usize),
    Flip(usize, u8),
    Splice(usize, usize),
    Delete(usize, usize),
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Truncate(at) => bytes.truncate(at % len),
            Edit::Flip(at, b) => {
                if let Some(x) = bytes.get_mut(at % len) {
                    *x = b;
                }
            }
            Edit::Splice(at, token) => {
                let at = (at % len).min(bytes.len());
                let token = TOKENS[token % TOKENS.len()];
                bytes.splice(at..at, token.iter().copied());
            }
            Edit::Delete(at, n) => {
                let at = (at % len).min(bytes.len());
                let end = (at + n % 64).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Flip(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Splice(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Delete(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mutated_samples_never_panic(pick in any::<usize>(), edits in prop::collection::vec(edit(), 1..8)) {
        let all = samples();
        let bytes = apply(all[pick % all.len()].clone(), &edits);
        exercise(&bytes);
    }

    #[test]
    fn every_truncation_point_is_safe(pick in any::<usize>(), cut in any::<usize>()) {
        let all = samples();
        let sample = &all[pick % all.len()];
        exercise(&sample[..cut % (sample.len() + 1)]);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), prefix in 0usize..3) {
        let lead: &[u8] = [&b"<"[..], b"{1:", b"$"][prefix];
        exercise(&[lead, &bytes].concat());
    }
}

#[test]
fn every_prefix_of_every_sample_is_safe() {
    for sample in samples() {
        for cut in 0..=sample.len() {
            exercise(&sample[..cut]);
        }
    }
}
