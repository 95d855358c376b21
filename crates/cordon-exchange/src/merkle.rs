//! The RFC 6962 (Certificate Transparency) Merkle tree: leaf and node hashes
//! with distinct prefixes, the root of any prefix of the log, inclusion
//! proofs (this leaf is in that tree) and consistency proofs (the tree of
//! `m` leaves is a prefix of the tree of `n` leaves). Pure functions over
//! leaf hashes; written out (it is small) so that the proofs are exactly
//! RFC 6962 §2.1 and testable against a plain model.

use sha2::{Digest, Sha256};

/// A SHA-256 hash of a leaf or a node.
pub type Hash = [u8; 32];

/// The hash of a leaf: `SHA-256(0x00 || data)`. The prefix keeps a leaf
/// from ever being read as an inner node (second-preimage resistance).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(data);
    hasher.finalize().into()
}

/// The hash of an inner node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly smaller than `n` (n >= 2): where
/// RFC 6962 splits a tree of `n` leaves.
fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The Merkle tree hash (root) of the given leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path of leaf `index` in the tree of `leaves` (RFC 6962 §2.1.1),
/// or `None` when the index is outside the tree.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    collect_path(leaves, index, &mut path);
    Some(path)
}

fn collect_path(leaves: &[Hash], index: usize, path: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if index < k {
        collect_path(&leaves[..k], index, path);
        path.push(root(&leaves[k..]));
    } else {
        collect_path(&leaves[k..], index - k, path);
        path.push(root(&leaves[..k]));
    }
}

/// Checks an inclusion proof: that `leaf` is leaf `index` of the tree of
/// `size` leaves whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: usize,
    size: usize,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut hash = *leaf;
    for sibling in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            hash = node_hash(sibling, &hash);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            hash = node_hash(&hash, sibling);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && hash == *root
}

/// The consistency proof between the tree of the first `old_size` leaves
/// and the tree of all `leaves` (RFC 6962 §2.1.2), or `None` when
/// `old_size` is zero or larger than the tree.
pub fn consistency_proof(leaves: &[Hash], old_size: usize) -> Option<Vec<Hash>> {
    if old_size == 0 || old_size > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    subproof(old_size, leaves, true, &mut proof);
    Some(proof)
}

fn subproof(m: usize, leaves: &[Hash], complete: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            proof.push(root(leaves));
        }
        return;
    }
    let k = split_point(n);
    if m <= k {
        subproof(m, &leaves[..k], complete, proof);
        proof.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(root(&leaves[..k]));
    }
}

/// Checks a consistency proof: that the tree of `old_size` leaves with root
/// `old_root` is a prefix of the tree of `new_size` leaves with root
/// `new_root` (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old_size: usize,
    new_size: usize,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size == 0 || old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    let mut path: Vec<Hash> = proof.to_vec();
    // When the old tree is a complete subtree on the left edge its root is
    // not sent: the verifier starts from it.
    if old_size.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && fr == *old_root && sr == *new_root
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn known_roots_follow_rfc_6962_shape() {
        let l = leaves(3);
        assert_eq!(root(&l), node_hash(&node_hash(&l[0], &l[1]), &l[2]));
        assert_eq!(root(&[]), empty_root());
        assert_eq!(root(&l[..1]), l[0]);
    }

    #[test]
    fn a_tampered_proof_fails() {
        let l = leaves(7);
        let r = root(&l);
        let mut proof = inclusion_proof(&l, 4).unwrap();
        assert!(verify_inclusion(&l[4], 4, 7, &proof, &r));
        proof[0][0] ^= 1;
        assert!(!verify_inclusion(&l[4], 4, 7, &proof, &r));
        assert!(!verify_inclusion(
            &l[4],
            3,
            7,
            &inclusion_proof(&l, 4).unwrap(),
            &r
        ));
    }

    proptest! {
        #[test]
        fn every_inclusion_proof_verifies(n in 1usize..70, pick in 0usize..70) {
            let l = leaves(n);
            let index = pick % n;
            let proof = inclusion_proof(&l, index).unwrap();
            let r = root(&l);
            prop_assert!(verify_inclusion(&l[index], index, n, &proof, &r));
            let other = leaf_hash(b"not in the log");
            prop_assert!(!verify_inclusion(&other, index, n, &proof, &r));
        }

        #[test]
        fn every_consistency_proof_verifies(n in 1usize..70, pick in 1usize..70) {
            let l = leaves(n);
            let m = 1 + (pick - 1) % n;
            let proof = consistency_proof(&l, m).unwrap();
            let (old, new) = (root(&l[..m]), root(&l));
            prop_assert!(verify_consistency(m, n, &old, &new, &proof));
        }

        #[test]
        fn a_rewritten_prefix_is_inconsistent(n in 2usize..70, pick in 1usize..70, at in 0usize..70) {
            let l = leaves(n);
            let m = 1 + (pick - 1) % (n - 1);
            let mut forked = l.clone();
            forked[at % m] = leaf_hash(b"rewritten");
            let proof = consistency_proof(&forked, m).unwrap();
            prop_assert!(!verify_consistency(m, n, &root(&l[..m]), &root(&forked), &proof));
        }
    }
}
