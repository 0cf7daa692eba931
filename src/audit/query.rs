//! The auditors' view of the log: filters, newest first, cursor pagination by sequence number,
//! and the party scope decided by `access::audit_scope` (a country's auditors see events whose
//! actor or object belongs to their country, including other countries' reads of its cases).
//!
//! Every event is served with its Merkle leaf hash and the digests of its committed fields, so an
//! auditor recomputes the leaf itself (`chain::leaf_input`) and checks its inclusion in a signed
//! checkpoint. A country's auditor is not shown another country's user id or address (only
//! their digests), nor the object of its own users' refused attempts on other parties' objects;
//! a value that is shown comes with its salt, so the auditor can check it against its digest.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::chain::StoredEvent;
use crate::access::AuditScope;
use crate::db::DbConn;
use crate::db::schema::audit_events;
use crate::error::{ApiError, FieldError};

#[derive(Default, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Events of this acting user id.
    pub actor: Option<String>,
    /// Events whose actor or object belongs to this party.
    pub party: Option<String>,
    /// Events about this party's data or users (the object's owner), e.g. `GT`.
    pub owner: Option<String>,
    /// Events of actors of this party, e.g. `MX`.
    pub actor_party: Option<String>,
    /// Events from this sequence number on (inclusive).
    #[param(minimum = 1)]
    pub from_seq: Option<i64>,
    /// Action, e.g. `authn_login`, `user_update`, `case_read`.
    pub action: Option<String>,
    /// Object type, e.g. `user`, `case`, `party`.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// `allowed`, `denied` or `failed`.
    pub outcome: Option<String>,
    /// From this time (RFC 3339), inclusive.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Until this time (RFC 3339), exclusive.
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Page size, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The previous page's `next_cursor` (a sequence number).
    #[param(pattern = "^[1-9][0-9]{0,17}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub seq: i64,
    pub occurred_at: String,
    pub request_id: String,
    pub actor_user_id: Option<String>,
    pub actor_party: Option<String>,
    pub actor_roles: Vec<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub object_party: Option<String>,
    pub outcome: String,
    pub client_addr: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub hash: String,
    /// The event's Merkle leaf hash (base64): SHA-256(0x00 ‖ leaf input).
    pub leaf_hash: String,
    /// The digests of the committed fields, as the leaf holds them.
    pub actor_user_ref: Option<String>,
    pub object_ref: Option<String>,
    pub object_party_ref: Option<String>,
    pub client_addr_ref: Option<String>,
    /// The salts of the committed fields shown here (field → salt), to check them against their
    /// digests.
    pub salts: std::collections::BTreeMap<String, String>,
}

impl From<StoredEvent> for AuditEvent {
    fn from(e: StoredEvent) -> AuditEvent {
        use base64::Engine;
        let leaf_hash = base64::engine::general_purpose::STANDARD.encode(e.leaf_hash());
        let salts = super::chain::COMMITTED.iter().map(|f| ((*f).to_owned(), e.field_salt(f))).collect();
        AuditEvent {
            leaf_hash,
            actor_user_ref: e.committed("actor_user_id"),
            object_ref: e.committed("object_id"),
            object_party_ref: e.committed("object_party"),
            client_addr_ref: e.committed("client_addr"),
            salts,
            seq: e.seq,
            occurred_at: e.occurred_at,
            request_id: e.request_id,
            actor_user_id: e.actor_user_id,
            actor_party: e.actor_party,
            actor_roles: e.actor_roles.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            object_party: e.object_party,
            outcome: e.outcome,
            client_addr: e.client_addr,
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
            hash: e.hash,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    pub next_cursor: Option<String>,
}

fn malformed(field: &str, en: &str, es: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, "invalid_value", en, es)])
}

/// A cursor is a sequence number as this API writes it: 1 to 18 digits, no leading zero.
fn is_cursor(c: &str) -> bool {
    (1..=18).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) && !c.starts_with('0')
}

pub fn search(conn: &mut DbConn, scope: &AuditScope, q: AuditQuery) -> Result<AuditPage, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(malformed("limit", "must be between 1 and 500", "debe estar entre 1 y 500"));
    }
    let before = match &q.cursor {
        None => None,
        Some(c) => Some(is_cursor(c).then(|| c.parse::<i64>().ok()).flatten().ok_or_else(|| {
            malformed("cursor", "not a cursor returned by this API", "no es un cursor devuelto por esta API")
        })?),
    };
    let mut query = audit_events::table
        .select(StoredEvent::as_select())
        .order(audit_events::seq.desc())
        .limit(limit + 1)
        .into_boxed();
    if let AuditScope::Party(p) = scope {
        query = query.filter(audit_events::actor_party.eq(p.clone()).or(audit_events::object_party.eq(p.clone())));
    }
    if let Some(p) = q.party {
        query = query.filter(audit_events::actor_party.eq(p.clone()).or(audit_events::object_party.eq(p)));
    }
    if let Some(o) = q.owner {
        query = query.filter(audit_events::object_party.eq(o));
    }
    if let Some(a) = q.actor_party {
        query = query.filter(audit_events::actor_party.eq(a));
    }
    if let Some(s) = q.from_seq {
        query = query.filter(audit_events::seq.ge(s));
    }
    if let Some(a) = q.actor {
        query = query.filter(audit_events::actor_user_id.eq(a));
    }
    if let Some(a) = q.action {
        query = query.filter(audit_events::action.eq(a));
    }
    if let Some(t) = q.object_type {
        query = query.filter(audit_events::object_type.eq(t));
    }
    if let Some(i) = q.object_id {
        query = query.filter(audit_events::object_id.eq(i));
    }
    if let Some(o) = q.outcome {
        query = query.filter(audit_events::outcome.eq(o));
    }
    if let Some(f) = q.from {
        let f = crate::clock::parse_rfc3339(&f)
            .ok_or_else(|| malformed("from", "not an RFC 3339 time", "no es una fecha RFC 3339"))?;
        query = query.filter(audit_events::occurred_at.ge(f));
    }
    if let Some(t) = q.to {
        let t = crate::clock::parse_rfc3339(&t)
            .ok_or_else(|| malformed("to", "not an RFC 3339 time", "no es una fecha RFC 3339"))?;
        query = query.filter(audit_events::occurred_at.lt(t));
    }
    if let Some(b) = before {
        query = query.filter(audit_events::seq.lt(b));
    }
    let mut rows: Vec<StoredEvent> = query.load(conn)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.seq.to_string())
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|e| {
            let mut e = AuditEvent::from(e);
            if let AuditScope::Party(p) = scope {
                // Another country's user is shown by party and role only.
                if e.actor_party.as_deref().is_some_and(|a| a != p) {
                    e.actor_user_id = None;
                    e.client_addr = None;
                    e.salts.remove("actor_user_id");
                    e.salts.remove("client_addr");
                }
                // A refused attempt by one of the auditor's users on another party's object must
                // not tell the auditor that the object exists or whose it is.
                if e.outcome != "allowed" && e.object_party.as_deref() != Some(p.as_str()) {
                    e.object_id = None;
                    e.object_party = None;
                    e.salts.remove("object_id");
                    e.salts.remove("object_party");
                }
            }
            e
        })
        .collect();
    Ok(AuditPage { items, next_cursor: next })
}
