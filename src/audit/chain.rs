//! The hash chain: `hash_i = SHA-256(prev_hash_i || "\n" || canonical(event_i))`, with
//! `prev_hash_1` = 64 zeros. The one-row `audit_head` table holds the last sequence number and
//! hash; every appender locks it first (an UPDATE, which takes SQLite's write lock and
//! PostgreSQL's row lock), so concurrent writers on one or many nodes never fork the chain.
//!
//! Every event is also a leaf of the Merkle tree (`merkle`, `tree`), appended in the same
//! transaction. The leaf is the canonical encoding with the fields an auditor may not see
//! (`COMMITTED`) replaced by salted digests, so every auditor can recompute the leaf of every
//! event it reads (`leaf_input`), while the digests reveal nothing without their salt, which is
//! served only with the value itself.

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::Event;
use crate::db::DbConn;
use crate::db::schema::{audit_events, audit_head};
use crate::error::ApiError;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A stored event. Absent values are inserted as bound NULLs (not omitted columns), so the
/// INSERT's text never varies and its prepared statement is reused.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
pub struct StoredEvent {
    pub seq: i64,
    pub occurred_at: String,
    pub request_id: String,
    pub actor_user_id: Option<String>,
    pub actor_party: Option<String>,
    pub actor_roles: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub object_party: Option<String>,
    pub outcome: String,
    pub client_addr: Option<String>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
    /// Random per event: the salts of its committed fields derive from it (never served).
    pub leaf_salt: String,
}

/// The fields the Merkle leaf commits to by salted digests: another country's user id and
/// address, and the object of a refused attempt, which some auditors are not shown.
pub const COMMITTED: [&str; 4] = ["actor_user_id", "object_id", "object_party", "client_addr"];

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    hex(ctx.finish().as_ref())
}

/// The digest a leaf holds for a committed field: SHA-256(salt ‖ 0x00 ‖ value), hex; a missing
/// value is `null`. PURE.
pub fn commitment(field_salt: &str, value: Option<&str>) -> Option<String> {
    value.map(|v| sha256_hex(&[field_salt.as_bytes(), &[0], v.as_bytes()]))
}

/// The fields of a Merkle leaf, as an auditor is served them (committed fields as digests).
#[derive(Debug, Clone, Serialize)]
pub struct LeafFields<'a> {
    pub seq: i64,
    pub occurred_at: &'a str,
    pub request_id: &'a str,
    pub actor_user_ref: Option<&'a str>,
    pub actor_party: Option<&'a str>,
    /// Comma-separated, as stored.
    pub actor_roles: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_ref: Option<&'a str>,
    pub object_party_ref: Option<&'a str>,
    pub outcome: &'a str,
    pub client_addr_ref: Option<&'a str>,
    /// The details exactly as stored (a JSON text).
    pub details: &'a str,
}

/// The Merkle leaf input of an event: a JSON array of its fields in the column order. PURE.
pub fn leaf_input(f: &LeafFields) -> String {
    let fields = (
        f.seq,
        f.occurred_at,
        f.request_id,
        f.actor_user_ref,
        f.actor_party,
        f.actor_roles,
        f.action,
        f.object_type,
        f.object_ref,
        f.object_party_ref,
        f.outcome,
        f.client_addr_ref,
        f.details,
    );
    serde_json::to_string(&fields).unwrap_or_default()
}

impl StoredEvent {
    /// The canonical encoding that is hashed: a JSON array of every column but the hashes, in a
    /// fixed order, exactly as stored.
    fn canonical(&self) -> String {
        let fields = (
            self.seq,
            &self.occurred_at,
            &self.request_id,
            &self.actor_user_id,
            &self.actor_party,
            &self.actor_roles,
            &self.action,
            &self.object_type,
            &self.object_id,
            &self.object_party,
            &self.outcome,
            &self.client_addr,
            &self.details,
        );
        // A tuple serializes as the JSON array `json!([...])` would, without copying a value.
        serde_json::to_string(&fields).unwrap_or_default()
    }

    /// The salt of one committed field: revealed to an auditor with the field's value only.
    pub fn field_salt(&self, field: &str) -> String {
        sha256_hex(&[b"enlace/audit/field\0", self.leaf_salt.as_bytes(), &[0], field.as_bytes()])[..32].to_owned()
    }

    /// The digest of one committed field.
    pub fn committed(&self, field: &str) -> Option<String> {
        let value = match field {
            "actor_user_id" => self.actor_user_id.as_deref(),
            "object_id" => self.object_id.as_deref(),
            "object_party" => self.object_party.as_deref(),
            "client_addr" => self.client_addr.as_deref(),
            _ => None,
        };
        commitment(&self.field_salt(field), value)
    }

    /// This event's Merkle leaf hash (RFC 9162: SHA-256(0x00 ‖ leaf input)).
    pub fn leaf_hash(&self) -> super::merkle::Hash {
        let (actor, object, object_party, addr) = (
            self.committed("actor_user_id"),
            self.committed("object_id"),
            self.committed("object_party"),
            self.committed("client_addr"),
        );
        let fields = LeafFields {
            seq: self.seq,
            occurred_at: &self.occurred_at,
            request_id: &self.request_id,
            actor_user_ref: actor.as_deref(),
            actor_party: self.actor_party.as_deref(),
            actor_roles: &self.actor_roles,
            action: &self.action,
            object_type: &self.object_type,
            object_ref: object.as_deref(),
            object_party_ref: object_party.as_deref(),
            outcome: &self.outcome,
            client_addr_ref: addr.as_deref(),
            details: &self.details,
        };
        super::merkle::leaf_hash(leaf_input(&fields).as_bytes())
    }

    pub fn compute_hash(&self) -> String {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(self.prev_hash.as_bytes());
        ctx.update(b"\n");
        ctx.update(self.canonical().as_bytes());
        hex(ctx.finish().as_ref())
    }
}

pub use crate::digest::hex;

/// Take the chain lock. Must be the first statement of a write transaction on SQLite, so the
/// transaction holds the write lock before it reads anything.
pub fn lock(conn: &mut DbConn) -> Result<(), ApiError> {
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set(audit_head::seq.eq(audit_head::seq))
        .execute(conn)?;
    Ok(())
}

/// Append events inside the caller's transaction. Takes the chain lock if not yet held.
pub fn append(conn: &mut DbConn, events: &[Event]) -> Result<(), ApiError> {
    if events.is_empty() {
        return Ok(());
    }
    lock(conn)?;
    let (mut seq, mut prev, tree_size): (i64, String, i64) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash, audit_head::tree_size))
        .get_result(conn)?;
    if tree_size != seq {
        // Events appended before the tree existed: their leaves first.
        super::tree::catch_up(conn, tree_size, seq)?;
    }
    let now = crate::clock::now_text();
    let mut tree = super::tree::Appender::new(seq as u64);
    for e in events {
        seq += 1;
        let mut row = StoredEvent {
            seq,
            occurred_at: now.clone(),
            request_id: e.request_id.clone(),
            actor_user_id: e.actor.as_ref().map(|a| a.user_id.clone()),
            actor_party: e.actor.as_ref().map(|a| a.party.clone()),
            actor_roles: e.actor.as_ref().map(|a| a.roles.join(",")).unwrap_or_default(),
            action: e.action.clone(),
            object_type: e.object_type.clone(),
            object_id: e.object_id.clone(),
            object_party: e.object_party.clone(),
            outcome: e.outcome.as_str().to_owned(),
            client_addr: e.client_addr.clone(),
            details: e.details.to_string(),
            prev_hash: prev,
            hash: String::new(),
            leaf_salt: super::tree::new_salt()?,
        };
        row.hash = row.compute_hash();
        prev = row.hash.clone();
        diesel::insert_into(audit_events::table).values(&row).execute(conn)?;
        tree.push(conn, row.leaf_hash())?;
    }
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set((audit_head::seq.eq(seq), audit_head::hash.eq(&prev), audit_head::tree_size.eq(seq)))
        .execute(conn)?;
    Ok(())
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct VerifyReport {
    /// Whether every event and the head are consistent.
    pub ok: bool,
    /// Number of events read.
    pub events: i64,
    /// Sequence number recorded in the chain head.
    pub head_seq: i64,
    /// The first event that does not verify (its sequence number), if any.
    pub first_broken_seq: Option<i64>,
    /// Why it does not verify.
    pub reason: Option<String>,
}

/// Recompute the whole chain in order, page by page, and report the first inconsistency:
/// an edited event (hash mismatch), a deleted or inserted event (sequence gap or broken link),
/// or a truncated tail (head beyond the last event).
pub fn verify(conn: &mut DbConn) -> Result<VerifyReport, ApiError> {
    const PAGE: i64 = 2000;
    let (head_seq, head_hash): (i64, String) =
        audit_head::table.filter(audit_head::id.eq(1)).select((audit_head::seq, audit_head::hash)).get_result(conn)?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_owned();
    let mut count = 0i64;
    let broken = |seq: i64, count: i64, reason: String| VerifyReport {
        ok: false,
        events: count,
        head_seq,
        first_broken_seq: Some(seq),
        reason: Some(reason),
    };
    loop {
        let page: Vec<StoredEvent> = audit_events::table
            .filter(audit_events::seq.ge(expected_seq))
            .order(audit_events::seq.asc())
            .limit(PAGE)
            .select(StoredEvent::as_select())
            .load(conn)?;
        let last_page = (page.len() as i64) < PAGE;
        for row in page {
            count += 1;
            if row.seq != expected_seq {
                return Ok(broken(expected_seq, count, format!("event {expected_seq} is missing")));
            }
            if row.prev_hash != prev {
                return Ok(broken(row.seq, count, "prev_hash does not link to the previous event".into()));
            }
            if row.compute_hash() != row.hash {
                return Ok(broken(row.seq, count, "content does not match its hash".into()));
            }
            prev = row.hash;
            expected_seq += 1;
        }
        if last_page {
            break;
        }
    }
    let last = expected_seq - 1;
    if last != head_seq || prev != head_hash {
        return Ok(broken(
            last.min(head_seq) + 1,
            count,
            format!("chain head says {head_seq} events, the table holds {last}"),
        ));
    }
    Ok(VerifyReport { ok: true, events: count, head_seq, first_broken_seq: None, reason: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hashed encoding is fixed: chains written before any change must still verify.
    #[test]
    fn canonical_encoding_is_the_json_array_of_the_columns() {
        let e = StoredEvent {
            seq: 42,
            occurred_at: "2026-12-01T19:00:00.123Z".into(),
            request_id: "req-1".into(),
            actor_user_id: Some("u\"1".into()),
            actor_party: None,
            actor_roles: "officer,analyst".into(),
            action: "case_read".into(),
            object_type: "case".into(),
            object_id: Some("c-\u{e9}\u{1}".into()),
            object_party: Some("GT".into()),
            outcome: "allowed".into(),
            client_addr: None,
            details: r#"{"withheld":["a.b"]}"#.into(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
            leaf_salt: "00112233445566778899aabbccddeeff".into(),
        };
        let reference = serde_json::json!([
            e.seq,
            e.occurred_at,
            e.request_id,
            e.actor_user_id,
            e.actor_party,
            e.actor_roles,
            e.action,
            e.object_type,
            e.object_id,
            e.object_party,
            e.outcome,
            e.client_addr,
            e.details,
        ])
        .to_string();
        assert_eq!(e.canonical(), reference);
        assert_eq!(e.compute_hash(), {
            let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
            ctx.update(format!("{GENESIS}\n{reference}").as_bytes());
            hex(ctx.finish().as_ref())
        });
    }
}
