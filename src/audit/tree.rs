//! The audit Merkle tree in the database: `audit_tree` holds the perfect subtrees (`merkle`),
//! written in the transaction of each append under the chain lock (so nodes on one or many
//! nodes extend one tree), never changed (triggers refuse it). Roots and proofs for any size up
//! to `audit_head.tree_size` are computed from the stored nodes.

use std::collections::HashMap;

use diesel::prelude::*;

use super::chain::{StoredEvent, hex};
use super::merkle::{self, Hash, Nodes};
use crate::db::DbConn;
use crate::db::schema::{audit_events, audit_head, audit_tree};
use crate::error::ApiError;

/// A fresh random salt for an event's committed fields (128 bits, hex).
pub fn new_salt() -> Result<String, ApiError> {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    ring::rand::SystemRandom::new().fill(&mut b).map_err(|_| ApiError::Internal)?;
    Ok(hex(&b))
}

pub fn parse_hash(s: &str) -> Option<Hash> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    Some(out)
}

/// Stored nodes, read through a cache (and the nodes of an append not yet written).
struct Stored<'a> {
    conn: &'a mut DbConn,
    cache: &'a mut HashMap<(u32, u64), Hash>,
}

impl Nodes for Stored<'_> {
    fn node(&mut self, level: u32, index: u64) -> Result<Hash, String> {
        if let Some(h) = self.cache.get(&(level, index)) {
            return Ok(*h);
        }
        let text: Option<String> = audit_tree::table
            .find((level as i32, index as i64))
            .select(audit_tree::hash)
            .get_result(self.conn)
            .optional()
            .map_err(|e| e.to_string())?;
        let h = text
            .as_deref()
            .and_then(parse_hash)
            .ok_or_else(|| format!("audit tree node {level}/{index} is missing"))?;
        self.cache.insert((level, index), h);
        Ok(h)
    }
}

fn tree_error(e: String) -> ApiError {
    tracing::error!(error = %e, "audit tree");
    ApiError::Internal
}

/// Appends leaves after `size` existing ones, inside the caller's transaction (which holds the
/// chain lock).
pub struct Appender {
    next: u64,
    cache: HashMap<(u32, u64), Hash>,
}

impl Appender {
    pub fn new(size: u64) -> Appender {
        Appender { next: size, cache: HashMap::new() }
    }

    pub fn push(&mut self, conn: &mut DbConn, leaf: Hash) -> Result<(), ApiError> {
        let index = self.next;
        let nodes = {
            let mut stored = Stored { conn, cache: &mut self.cache };
            merkle::nodes_on_append(&mut stored, index, leaf).map_err(tree_error)?
        };
        for (level, idx, hash) in nodes {
            diesel::insert_into(audit_tree::table)
                .values((
                    audit_tree::level.eq(level as i32),
                    audit_tree::idx.eq(idx as i64),
                    audit_tree::hash.eq(hex(&hash)),
                ))
                .execute(conn)?;
            self.cache.insert((level, idx), hash);
        }
        self.next += 1;
        Ok(())
    }
}

/// Add the leaves of events `from + 1 ..= to` (written before the tree existed), inside the
/// caller's transaction under the chain lock.
pub fn catch_up(conn: &mut DbConn, from: i64, to: i64) -> Result<(), ApiError> {
    const PAGE: i64 = 2000;
    let mut tree = Appender::new(from as u64);
    let mut after = from;
    while after < to {
        let page: Vec<StoredEvent> = audit_events::table
            .filter(audit_events::seq.gt(after))
            .filter(audit_events::seq.le(to))
            .order(audit_events::seq.asc())
            .limit(PAGE)
            .select(StoredEvent::as_select())
            .load(conn)?;
        let Some(last) = page.last().map(|e| e.seq) else { break };
        for e in &page {
            if e.seq != tree.next as i64 + 1 {
                tracing::error!(seq = e.seq, "audit event missing while building the tree");
                return Err(ApiError::Internal);
            }
            tree.push(conn, e.leaf_hash())?;
        }
        after = last;
    }
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set(audit_head::tree_size.eq(after))
        .execute(conn)?;
    Ok(())
}

/// At start-up: extend the tree over every event appended before it existed.
pub fn ensure_built(conn: &mut DbConn) -> Result<usize, ApiError> {
    let (seq, size): (i64, i64) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::tree_size))
        .get_result(conn)?;
    if size >= seq {
        return Ok(0);
    }
    crate::db::transaction(conn, |c| {
        super::chain::lock(c)?;
        let (seq, size): (i64, i64) = audit_head::table
            .filter(audit_head::id.eq(1))
            .select((audit_head::seq, audit_head::tree_size))
            .get_result(c)?;
        if size < seq {
            catch_up(c, size, seq)?;
        }
        Ok((seq - size).max(0) as usize)
    })
}

/// How many events the tree covers.
pub fn size(conn: &mut DbConn) -> Result<u64, ApiError> {
    let s: i64 = audit_head::table.filter(audit_head::id.eq(1)).select(audit_head::tree_size).get_result(conn)?;
    Ok(s as u64)
}

/// The root hash of the tree of `size` events.
pub fn root(conn: &mut DbConn, size: u64) -> Result<Hash, ApiError> {
    let mut cache = HashMap::new();
    merkle::root(&mut Stored { conn, cache: &mut cache }, size).map_err(tree_error)
}

/// The inclusion proof of event `seq` in the tree of `size` events.
pub fn inclusion(conn: &mut DbConn, seq: u64, size: u64) -> Result<Vec<Hash>, ApiError> {
    let mut cache = HashMap::new();
    merkle::inclusion_proof(&mut Stored { conn, cache: &mut cache }, seq - 1, size).map_err(tree_error)
}

/// The consistency proof between the trees of `old` and `new` events.
pub fn consistency(conn: &mut DbConn, old: u64, new: u64) -> Result<Vec<Hash>, ApiError> {
    let mut cache = HashMap::new();
    merkle::consistency_proof(&mut Stored { conn, cache: &mut cache }, old, new).map_err(tree_error)
}
