//! The audit log for auditors. Reading it is itself audited.

use crate::http::Query;
use actix_web::{HttpResponse, get, web};

use crate::access;
use crate::audit::query::{self, AuditPage, AuditQuery};
use crate::audit::{Event, Outcome, VerifyReport};
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::server::AppState;

/// Audit events, newest first. ST auditors see every event; a country's auditors see the events
/// whose actor or object belongs to their country (including other countries' reads of its cases).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/audit")]
pub async fn list(state: web::Data<AppState>, p: Principal, q: Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    let Some(scope) = access::audit_scope(&p.subject()) else {
        state.audit.record(Event::new(&p.ctx, "audit_read", "audit_log", Outcome::Denied)).await?;
        return Err(ApiError::Forbidden);
    };
    let q = q.into_inner()?;
    let filters = serde_json::json!({
        "actor": q.actor, "party": q.party, "action": q.action, "object_type": q.object_type,
        "object_id": q.object_id, "outcome": q.outcome, "from": q.from, "to": q.to,
    });
    let s2 = scope.clone();
    let page = state.db.run(move |c| query::search(c, &s2, q)).await?;
    let ev = Event::new(&p.ctx, "audit_read", "audit_log", Outcome::Allowed)
        .details(serde_json::json!({"filters": filters, "events": page.items.len()}));
    state.audit.record(ev).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Recompute the hash chain and report its state (ST auditors and administrators).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = VerifyReport), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/audit/verify")]
pub async fn verify(state: web::Data<AppState>, p: Principal) -> Result<HttpResponse, ApiError> {
    if !access::may_verify_audit(&p.subject()) {
        state.audit.record(Event::new(&p.ctx, "audit_verify", "audit_log", Outcome::Denied)).await?;
        return Err(ApiError::Forbidden);
    }
    let report = state.db.run(crate::audit::verify).await?;
    let ev = Event::new(&p.ctx, "audit_verify", "audit_log", Outcome::Allowed)
        .details(serde_json::json!({"ok": report.ok, "events": report.events}));
    state.audit.record(ev).await?;
    Ok(HttpResponse::Ok().json(report))
}
