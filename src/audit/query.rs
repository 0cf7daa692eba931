//! The auditors' view of the log: filters, newest first, cursor pagination by sequence number,
//! and the party scope decided by `access::audit_scope` (a country's auditors see events whose
//! actor or object belongs to their country, including other countries' reads of its cases).

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::chain::StoredEvent;
use crate::access::AuditScope;
use crate::db::DbConn;
use crate::db::schema::audit_events;
use crate::error::{ApiError, FieldError};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Events of this acting user id.
    pub actor: Option<String>,
    /// Events whose actor or object belongs to this party.
    pub party: Option<String>,
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
}

impl From<StoredEvent> for AuditEvent {
    fn from(e: StoredEvent) -> AuditEvent {
        AuditEvent {
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
    ApiError::Malformed(vec![FieldError::new(field, "invalid_value", en, es)])
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
            // A refused attempt by one of the auditor's users on another party's object must not
            // tell the auditor that the object exists or whose it is.
            if let AuditScope::Party(p) = scope
                && e.outcome != "allowed"
                && e.object_party.as_deref() != Some(p.as_str())
            {
                e.object_id = None;
                e.object_party = None;
            }
            e
        })
        .collect();
    Ok(AuditPage { items, next_cursor: next })
}
