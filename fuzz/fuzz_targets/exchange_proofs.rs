//! Fuzzes the RFC 6962 proof checkers with proofs, sizes and indexes from the
//! input: never a panic (no index or size makes them overflow or slice out of
//! range), and a proof made for a tree built from the input always verifies.
#![no_main]

use cordon_exchange::merkle::{self, Hash};
use libfuzzer_sys::fuzz_target;

fn hashes(bytes: &[u8]) -> Vec<Hash> {
    bytes
        .chunks_exact(32)
        .map(|chunk| chunk.try_into().expect("32 bytes"))
        .collect()
}

fn number(bytes: &[u8]) -> usize {
    bytes.iter().fold(0usize, |n, b| n.wrapping_mul(256).wrapping_add(usize::from(*b)))
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, rest) = data.split_at(8);
    // Sizes and indexes up to 2^16, and the whole usize range now and then
    // (the top byte set), where an unchecked `- 1` or `+ 1` would wrap.
    let (a, b) = (number(&head[..4]), number(&head[4..]));
    let proof = hashes(rest);
    let some_hash = proof.first().copied().unwrap_or([0u8; 32]);
    let _ = merkle::verify_inclusion(&some_hash, a, b, &proof, &some_hash);
    let _ = merkle::verify_consistency(a, b, &some_hash, &some_hash, &proof);

    // The input's chunks as a log: every proof made for it verifies.
    let leaves: Vec<Hash> = rest.chunks(7).map(merkle::leaf_hash).take(64).collect();
    if leaves.is_empty() {
        return;
    }
    let root = merkle::root(&leaves);
    let index = a % leaves.len();
    let inclusion = merkle::inclusion_proof(&leaves, index).expect("index inside");
    assert!(merkle::verify_inclusion(&leaves[index], index, leaves.len(), &inclusion, &root));
    let old = 1 + b % leaves.len();
    let consistency = merkle::consistency_proof(&leaves, old).expect("size inside");
    assert!(merkle::verify_consistency(old, leaves.len(), &merkle::root(&leaves[..old]), &root, &consistency));
});
