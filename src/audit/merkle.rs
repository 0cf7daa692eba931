//! PURE: the Merkle tree of the audit log (RFC 9162 §2.1): leaf hash = SHA-256(0x00 ‖ leaf),
//! node hash = SHA-256(0x01 ‖ left ‖ right); the tree of n leaves splits at the largest power of
//! two smaller than n. The tree is kept as its *perfect subtrees*: node (level, index) covers
//! leaves [index·2^level, (index+1)·2^level), and is stored once both of its children exist, so
//! the root of any size and every proof are computed from O(log n) stored nodes.
//!
//! `inclusion_proof` and `consistency_proof` build the proofs of RFC 9162 §2.1.3 and §2.1.4 from a
//! node source; `verify_inclusion` and `verify_consistency` check them (the verifier a country
//! runs, `enlace audit follow`, uses these; the test suite checks them against its own
//! implementation of the RFC's algorithms).

pub type Hash = [u8; 32];

fn sha256(parts: &[&[u8]]) -> Hash {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

pub fn leaf_hash(leaf: &[u8]) -> Hash {
    sha256(&[&[0u8], leaf])
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    sha256(&[&[1u8], left, right])
}

/// The hash of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    sha256(&[])
}

/// Where the perfect subtrees' hashes come from (the database, or memory in tests).
pub trait Nodes {
    /// The node covering leaves [index·2^level, (index+1)·2^level); it must exist.
    fn node(&mut self, level: u32, index: u64) -> Result<Hash, String>;
}

/// The largest power of two strictly smaller than n (n ≥ 2).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// MTH(D[start:end]) for a range the RFC's recursion produces (start aligned to the subtree).
fn range_root(nodes: &mut impl Nodes, start: u64, end: u64) -> Result<Hash, String> {
    let n = end - start;
    if n == 0 {
        return Ok(empty_root());
    }
    if n.is_power_of_two() && start.is_multiple_of(n) {
        return nodes.node(n.trailing_zeros(), start / n);
    }
    let k = split(n);
    let left = range_root(nodes, start, start + k)?;
    let right = range_root(nodes, start + k, end)?;
    Ok(node_hash(&left, &right))
}

/// The root hash of the tree of the first `size` leaves.
pub fn root(nodes: &mut impl Nodes, size: u64) -> Result<Hash, String> {
    range_root(nodes, 0, size)
}

/// PATH(m, D[start:end]) (RFC 9162 §2.1.3.1), leaf index relative to `start`.
fn path(nodes: &mut impl Nodes, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) -> Result<(), String> {
    let n = end - start;
    if n <= 1 {
        return Ok(());
    }
    let k = split(n);
    if m < k {
        path(nodes, m, start, start + k, out)?;
        out.push(range_root(nodes, start + k, end)?);
    } else {
        path(nodes, m - k, start + k, end, out)?;
        out.push(range_root(nodes, start, start + k)?);
    }
    Ok(())
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves.
pub fn inclusion_proof(nodes: &mut impl Nodes, index: u64, size: u64) -> Result<Vec<Hash>, String> {
    if index >= size {
        return Err("the leaf is not in a tree of that size".into());
    }
    let mut out = vec![];
    path(nodes, index, 0, size, &mut out)?;
    Ok(out)
}

/// SUBPROOF(m, D[start:end], b) (RFC 9162 §2.1.4.1).
fn subproof(
    nodes: &mut impl Nodes,
    m: u64,
    start: u64,
    end: u64,
    whole: bool,
    out: &mut Vec<Hash>,
) -> Result<(), String> {
    let n = end - start;
    if m == n {
        if !whole {
            out.push(range_root(nodes, start, end)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(nodes, m, start, start + k, whole, out)?;
        out.push(range_root(nodes, start + k, end)?);
    } else {
        subproof(nodes, m - k, start + k, end, false, out)?;
        out.push(range_root(nodes, start, start + k)?);
    }
    Ok(())
}

/// The consistency proof between the trees of `old` and `new` leaves (0 < old ≤ new).
pub fn consistency_proof(nodes: &mut impl Nodes, old: u64, new: u64) -> Result<Vec<Hash>, String> {
    if old == 0 || old > new {
        return Err("a consistency proof needs 0 < old size ≤ new size".into());
    }
    let mut out = vec![];
    subproof(nodes, old, 0, new, true, &mut out)?;
    Ok(out)
}

/// Verify an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if f & 1 == 1 || f == sn {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == *root
}

/// Verify a consistency proof (RFC 9162 §2.1.4.2).
pub fn verify_consistency(old: u64, new: u64, old_root: &Hash, new_root: &Hash, proof: &[Hash]) -> bool {
    if old == 0 || old > new {
        return false;
    }
    if old == new {
        return proof.is_empty() && old_root == new_root;
    }
    let mut proof: Vec<Hash> = proof.to_vec();
    if old.is_power_of_two() {
        proof.insert(0, *old_root);
    }
    let Some((first, rest)) = proof.split_first() else { return false };
    let (mut f, mut sn) = (old - 1, new - 1);
    while f & 1 == 1 {
        f >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if sn == 0 {
            return false;
        }
        if f & 1 == 1 || f == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        sn >>= 1;
    }
    fr == *old_root && sr == *new_root && sn == 0
}

/// The nodes to store when leaf `index` (0-based) is appended: the leaf, then every perfect
/// subtree it completes, given the stored left siblings.
pub fn nodes_on_append(nodes: &mut impl Nodes, index: u64, leaf: Hash) -> Result<Vec<(u32, u64, Hash)>, String> {
    let mut out = vec![(0, index, leaf)];
    let (mut level, mut idx, mut hash) = (0u32, index, leaf);
    while idx & 1 == 1 {
        let left = match out.iter().find(|(l, i, _)| *l == level && *i == idx - 1) {
            Some((_, _, h)) => *h,
            None => nodes.node(level, idx - 1)?,
        };
        hash = node_hash(&left, &hash);
        level += 1;
        idx >>= 1;
        out.push((level, idx, hash));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Mem(HashMap<(u32, u64), Hash>);

    impl Nodes for Mem {
        fn node(&mut self, level: u32, index: u64) -> Result<Hash, String> {
            self.0.get(&(level, index)).copied().ok_or_else(|| format!("missing node {level}/{index}"))
        }
    }

    /// MTH by the RFC's definition, straight from the leaves.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn tree(n: u64) -> (Mem, Vec<Hash>) {
        let mut mem = Mem(HashMap::new());
        let mut leaves = vec![];
        for i in 0..n {
            let leaf = leaf_hash(format!("event {i}").as_bytes());
            for (l, idx, h) in nodes_on_append(&mut mem, i, leaf).unwrap() {
                mem.0.insert((l, idx), h);
            }
            leaves.push(leaf);
        }
        (mem, leaves)
    }

    #[test]
    fn roots_and_proofs_agree_with_the_definition_for_every_size() {
        let (mut mem, leaves) = tree(70);
        for size in 1..=70u64 {
            let r = root(&mut mem, size).unwrap();
            assert_eq!(r, mth(&leaves[..size as usize]), "root of {size}");
            for i in 0..size {
                let p = inclusion_proof(&mut mem, i, size).unwrap();
                assert!(verify_inclusion(&leaves[i as usize], i, size, &p, &r), "leaf {i} of {size}");
                assert!(!verify_inclusion(&leaves[(i as usize + 1) % leaves.len()], i, size, &p, &r) || size == 1);
            }
            for old in 1..=size {
                let p = consistency_proof(&mut mem, old, size).unwrap();
                let old_root = mth(&leaves[..old as usize]);
                assert!(verify_consistency(old, size, &old_root, &r, &p), "{old} → {size}");
                if old < size {
                    let wrong = mth(&leaves[1..old as usize + 1]);
                    assert!(!verify_consistency(old, size, &wrong, &r, &p), "a rewritten history is caught");
                }
            }
        }
        assert_eq!(
            hex(&root(&mut mem, 0).unwrap()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }
}
