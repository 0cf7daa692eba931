//! The audit log: an append-only, SHA-256 hash-chained table of every access and change.
//!
//! - `chain`: the canonical encoding, appending inside a transaction, and verification.
//! - `merkle` (PURE) and `tree`: the RFC 9162 Merkle tree over the events, its roots and proofs.
//! - `note` (PURE): checkpoints and cosignatures as C2SP signed notes.
//! - `checkpoints`: the audit signing keys, signed checkpoints, witness keys and cosignatures.
//! - `writer`: group commit for events of reads, so auditing never caps read throughput.
//! - `query`: the auditors' view, filtered by the same party rules as everything else.
//!
//! Writes that change data append their event inside their own transaction (`chain::append`);
//! reads that disclose data go through `AuditWriter::record`, which returns only once the event
//! is durably stored, so a read whose event could not be stored is never answered.
//! Events never carry secrets or personal data values: only ids, codes and field paths.

pub mod chain;
pub mod checkpoints;
pub mod merkle;
pub mod note;
pub mod query;
pub mod tree;
pub mod writer;

use crate::error::ApiError;
use serde::Serialize;

pub use chain::{VerifyReport, append, verify};
pub use writer::AuditWriter;

/// What a read disclosed, per owning party: the ids of its objects.
pub type Owners = std::collections::BTreeMap<String, Vec<String>>;

/// The events of a read that disclosed several parties' objects (a list page, a search): one
/// per owner, naming it and the ids of its objects, so that each owner's auditors see what was
/// read of theirs; a page that disclosed nothing gives one event naming nobody.
pub fn owner_events(
    ctx: &RequestContext,
    action: &str,
    object_type: &str,
    owners: Owners,
    details: serde_json::Value,
) -> Vec<Event> {
    let total: usize = owners.values().map(Vec::len).sum();
    if owners.is_empty() {
        return vec![
            Event::new(ctx, action, object_type, Outcome::Allowed)
                .details(serde_json::json!({"items": 0, "query": details})),
        ];
    }
    owners
        .into_iter()
        .map(|(owner, ids)| {
            let mut ev = Event::new(ctx, action, object_type, Outcome::Allowed)
                .details(serde_json::json!({"items": ids.len(), "page_items": total, "ids": ids, "query": details}));
            ev.object_party = Some(owner);
            ev
        })
        .collect()
}

/// Who acted. Absent for anonymous requests (e.g. a failed sign-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub party: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Allowed,
    Denied,
    Failed,
}

impl Outcome {
    /// How a refused request is recorded: `denied` when a rule of access refused it (including a
    /// hidden object, answered 404 — the caller was refused, whatever it was told), `failed` for
    /// anything else (bad input, conflicts, unavailable).
    pub fn of_refusal(e: &ApiError) -> Outcome {
        match e {
            ApiError::Forbidden | ApiError::NotFound | ApiError::Rule(_) | ApiError::RestrictedSession(_) => {
                Outcome::Denied
            }
            _ => Outcome::Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct Event {
    pub request_id: String,
    pub actor: Option<Actor>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// The party the object belongs to (for auditors' scoping).
    pub object_party: Option<String>,
    pub outcome: Outcome,
    pub client_addr: Option<String>,
    /// Structured details: codes, ids, field paths. Never values of personal data or secrets.
    pub details: serde_json::Value,
}

impl Event {
    pub fn new(ctx: &RequestContext, action: &str, object_type: &str, outcome: Outcome) -> Self {
        Event {
            request_id: ctx.request_id.clone(),
            actor: ctx.actor.clone(),
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id: None,
            object_party: None,
            outcome,
            client_addr: ctx.client_addr.clone(),
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn object(mut self, id: impl Into<String>, party: Option<&str>) -> Self {
        self.object_id = Some(id.into());
        self.object_party = party.map(str::to_owned);
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// What every audited operation knows about its request.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub request_id: String,
    pub client_addr: Option<String>,
    pub actor: Option<Actor>,
}

/// Run a data-changing transaction together with its audit events: the chain lock is taken
/// first (so SQLite holds its write lock before reading anything), `f` does the change and
/// pushes its events, and the events are appended before commit. If anything fails, nothing
/// — neither the change nor its events — is committed.
pub fn write<T, F>(conn: &mut crate::db::DbConn, f: F) -> Result<T, crate::error::ApiError>
where
    F: FnOnce(&mut crate::db::DbConn, &mut Vec<Event>) -> Result<T, crate::error::ApiError>,
{
    crate::db::transaction(conn, |conn| {
        chain::lock(conn)?;
        let mut events = Vec::new();
        let value = f(conn, &mut events)?;
        append(conn, &events)?;
        Ok(value)
    })
}
