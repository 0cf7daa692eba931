//! The audit log for auditors. Reading it is itself audited.

use crate::api::http::Query;
use actix_web::{HttpResponse, get, post, web};

use crate::access;
use crate::audit::query::{self, AuditPage, AuditQuery};
use crate::audit::{Event, Outcome, VerifyReport};
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Audit events, newest first. ST auditors see every event; a country's auditors see the events
/// whose actor or object belongs to their country (including other countries' reads of its cases).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditPage)))]
#[get("/api/v1/audit")]
pub async fn list(state: web::Data<AppState>, p: Principal, q: Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner()?;
    Ok(HttpResponse::Ok().json(page(&state, &p, q).await?))
}

/// A page of the audit events the caller's auditor scope includes, the read itself audited:
/// the one path of the API and the web console.
pub async fn page(state: &AppState, p: &Principal, q: AuditQuery) -> Result<query::AuditPage, ApiError> {
    let Some(scope) = access::audit_scope(&p.subject()) else {
        state.audit.record(Event::new(&p.ctx, "audit_read", "audit_log", Outcome::Denied)).await?;
        return Err(ApiError::Forbidden);
    };
    let filters = serde_json::json!({
        "actor": q.actor, "party": q.party, "action": q.action, "object_type": q.object_type,
        "object_id": q.object_id, "outcome": q.outcome, "from": q.from, "to": q.to,
    });
    let page = state.db.run(move |c| query::search(c, &scope, q)).await?;
    let ev = Event::new(&p.ctx, "audit_read", "audit_log", Outcome::Allowed)
        .details(serde_json::json!({"filters": filters, "events": page.items.len()}));
    state.audit.record(ev).await?;
    Ok(page)
}

/// Recompute the hash chain and report its state (ST auditors and administrators).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = VerifyReport)))]
#[get("/api/v1/audit/verify")]
pub async fn verify(state: web::Data<AppState>, p: Principal) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(verification(&state, &p).await?))
}

/// The chain's verification, audited: the one path of the API and the web console.
pub async fn verification(state: &AppState, p: &Principal) -> Result<crate::audit::VerifyReport, ApiError> {
    if !access::may_verify_audit(&p.subject()) {
        state.audit.record(Event::new(&p.ctx, "audit_verify", "audit_log", Outcome::Denied)).await?;
        return Err(ApiError::Forbidden);
    }
    let report = state.db.run(crate::audit::verify).await?;
    let ev = Event::new(&p.ctx, "audit_verify", "audit_log", Outcome::Allowed)
        .details(serde_json::json!({"ok": report.ok, "events": report.events}));
    state.audit.record(ev).await?;
    Ok(report)
}

/// What a proof request names.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// The event's sequence number.
    #[param(minimum = 1)]
    pub seq: i64,
    /// The tree size of the checkpoint (at least `seq`).
    #[param(minimum = 1)]
    pub size: i64,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The earlier tree size.
    #[param(minimum = 1)]
    pub from: i64,
    /// The later tree size (at least `from`).
    #[param(minimum = 1)]
    pub to: i64,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Checkpoints of this tree size and larger (default 0).
    #[param(minimum = 0)]
    pub from: Option<i64>,
    /// At most this many, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// An inclusion proof (RFC 9162 §2.1.3): hashes base64, leaf to root.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InclusionProof {
    pub seq: i64,
    pub size: i64,
    pub leaf_hash: String,
    pub proof: Vec<String>,
}

/// A consistency proof (RFC 9162 §2.1.4): hashes base64.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    pub from: i64,
    pub to: i64,
    pub proof: Vec<String>,
}

/// A cosignature of a checkpoint, by a witness key of the caller's party.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CosignatureSubmission {
    /// The tree size of the cosigned checkpoint.
    #[schema(minimum = 1)]
    pub size: i64,
    /// The C2SP `cosignature/v1` signature line: `— <witness name> <base64(key id ‖ timestamp ‖ signature)>`.
    #[schema(max_length = 400)]
    pub cosignature: String,
}

fn b64(h: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(h)
}

fn bad_param(field: &str, en: &str, es: &str) -> ApiError {
    ApiError::Validation(vec![crate::error::FieldError::new(field, "out_of_range", en, es)])
}

async fn auditor(state: &AppState, p: &Principal, action: &str) -> Result<(), ApiError> {
    if access::may_read_checkpoints(&p.subject()) {
        return Ok(());
    }
    state.audit.record(Event::new(&p.ctx, action, "audit_log", Outcome::Denied)).await?;
    Err(ApiError::Forbidden)
}

fn note_response(note: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(note)
}

/// The log's signing keys and the countries' witness keys, with their validity (every signed-in
/// user).
#[utoipa::path(get, path = "/api/v1/audit/keys", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = crate::audit::checkpoints::AuditKeys)))]
#[get("/api/v1/audit/keys")]
pub async fn keys(state: web::Data<AppState>, _p: Principal) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.db.run(crate::audit::checkpoints::keys).await?))
}

/// The newest signed checkpoint of the audit log (a C2SP signed note, `text/plain`), with the
/// cosignatures it has (every party's auditors). A new one is made if the log grew since.
#[utoipa::path(get, path = "/api/v1/audit/checkpoint", tag = "audit", security(("bearer" = [])),
    responses((status = 200, description = "The signed note", content_type = "text/plain", body = String)))]
#[get("/api/v1/audit/checkpoint")]
pub async fn checkpoint(state: web::Data<AppState>, p: Principal) -> Result<HttpResponse, ApiError> {
    auditor(&state, &p, "audit_checkpoint_read").await?;
    let master = state.master.clone();
    let cp = state.db.run(move |c| crate::audit::checkpoints::make(c, &master)).await?;
    Ok(note_response(cp.note))
}

/// Checkpoints from a tree size on, oldest first, each with its cosignatures (every party's
/// auditors).
#[utoipa::path(get, path = "/api/v1/audit/checkpoints", tag = "audit", security(("bearer" = [])), params(HistoryQuery),
    responses((status = 200, body = Vec<crate::audit::checkpoints::StoredCheckpoint>)))]
#[get("/api/v1/audit/checkpoints")]
pub async fn checkpoints(
    state: web::Data<AppState>,
    p: Principal,
    q: Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    auditor(&state, &p, "audit_checkpoint_read").await?;
    let q = q.into_inner()?;
    let (from, limit) = (q.from.unwrap_or(0), q.limit.unwrap_or(100));
    if from < 0 || !(1..=500).contains(&limit) {
        return Err(bad_param("limit", "from ≥ 0 and limit 1 to 500", "from ≥ 0 y limit de 1 a 500"));
    }
    Ok(HttpResponse::Ok().json(state.db.run(move |c| crate::audit::checkpoints::history(c, from, limit)).await?))
}

/// The inclusion proof of an event in the tree of a checkpoint's size, for an event the
/// caller's auditor scope includes (404 otherwise).
#[utoipa::path(get, path = "/api/v1/audit/proof/inclusion", tag = "audit", security(("bearer" = [])), params(InclusionQuery),
    responses((status = 200, body = InclusionProof),
        (status = 404, description = "No such event in the caller's view of the log", body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/audit/proof/inclusion")]
pub async fn inclusion(
    state: web::Data<AppState>,
    p: Principal,
    q: Query<InclusionQuery>,
) -> Result<HttpResponse, ApiError> {
    auditor(&state, &p, "audit_proof").await?;
    let q = q.into_inner()?;
    let scope = access::audit_scope(&p.subject()).ok_or(ApiError::Forbidden)?;
    let proof = state
        .db
        .run(move |c| {
            use crate::db::schema::audit_events as e;
            use diesel::prelude::*;
            let size = crate::audit::tree::size(c)? as i64;
            if q.size < 1 || q.size > size || q.seq < 1 || q.seq > q.size {
                return Err(bad_param(
                    "size",
                    "1 ≤ seq ≤ size ≤ the log's size",
                    "1 ≤ seq ≤ size ≤ el tamaño del registro",
                ));
            }
            let event: crate::audit::chain::StoredEvent = e::table
                .find(q.seq)
                .select(crate::audit::chain::StoredEvent::as_select())
                .get_result(c)
                .optional()?
                .ok_or(ApiError::NotFound)?;
            if !access::audit_event_visible(&scope, event.actor_party.as_deref(), event.object_party.as_deref()) {
                return Err(ApiError::NotFound);
            }
            let path = crate::audit::tree::inclusion(c, q.seq as u64, q.size as u64)?;
            Ok(InclusionProof {
                seq: q.seq,
                size: q.size,
                leaf_hash: b64(&event.leaf_hash()),
                proof: path.iter().map(|h| b64(h)).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(proof))
}

/// The consistency proof between two tree sizes (every party's auditors).
#[utoipa::path(get, path = "/api/v1/audit/proof/consistency", tag = "audit", security(("bearer" = [])), params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof)))]
#[get("/api/v1/audit/proof/consistency")]
pub async fn consistency(
    state: web::Data<AppState>,
    p: Principal,
    q: Query<ConsistencyQuery>,
) -> Result<HttpResponse, ApiError> {
    auditor(&state, &p, "audit_proof").await?;
    let q = q.into_inner()?;
    let proof = state
        .db
        .run(move |c| {
            let size = crate::audit::tree::size(c)? as i64;
            if q.from < 1 || q.from > q.to || q.to > size {
                return Err(bad_param(
                    "to",
                    "1 ≤ from ≤ to ≤ the log's size",
                    "1 ≤ from ≤ to ≤ el tamaño del registro",
                ));
            }
            let path = crate::audit::tree::consistency(c, q.from as u64, q.to as u64)?;
            Ok(ConsistencyProof { from: q.from, to: q.to, proof: path.iter().map(|h| b64(h)).collect() })
        })
        .await?;
    Ok(HttpResponse::Ok().json(proof))
}

/// Submit a cosignature of a checkpoint the caller verified, by a witness key of its party
/// (the party's auditors). The checkpoint is served with it from then on.
#[utoipa::path(post, path = "/api/v1/audit/checkpoint/cosignatures", tag = "audit", security(("bearer" = [])), request_body = CosignatureSubmission,
    responses((status = 200, body = crate::audit::checkpoints::StoredCheckpoint),
        (status = 404, description = "The log signed no checkpoint of that size", body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/audit/checkpoint/cosignatures")]
pub async fn cosign(
    state: web::Data<AppState>,
    p: Principal,
    body: crate::api::http::Json<CosignatureSubmission>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    auditor(&state, &p, "audit_cosign").await?;
    let party = p.subject().party;
    let size = body.size;
    let r = state.db.run(move |c| crate::audit::checkpoints::cosign(c, &party, body.size, &body.cosignature)).await;
    let cp = crate::api::support::refusal(&state, &p, "audit_cosign", "audit_checkpoint", Some(&size.to_string()), r)
        .await?;
    let ev = Event::new(&p.ctx, "audit_cosign", "audit_checkpoint", Outcome::Allowed)
        .object(size.to_string(), Some(&p.subject().party));
    state.audit.record(ev).await?;
    Ok(HttpResponse::Ok().json(cp))
}

/// A witness key to register.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWitnessKey {
    /// The witness name of its signature lines, e.g. `gt.example/audit-witness` (no spaces or `+`).
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The Ed25519 public key, base64 (32 bytes).
    #[schema(max_length = 100)]
    pub public_key: String,
}

fn witness_party(c: &mut crate::db::DbConn, s: &crate::access::Subject, code: &str) -> Result<(), ApiError> {
    let party = crate::auth::accounts::find_party(c, code)?.ok_or(ApiError::NotFound)?;
    if access::may_register_witness(s, code, party.kind()) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Register a witness key of a party, for its auditors' cosignatures (the party's
/// administrator: a member country's `country_admin`; `st_admin` for the ST and observers).
#[utoipa::path(post, path = "/api/v1/parties/{code}/witness-keys", tag = "audit", security(("bearer" = [])), request_body = NewWitnessKey,
    params(("code" = String, Path, description = "Party code")),
    responses((status = 201, body = crate::audit::checkpoints::PublishedKey)))]
#[post("/api/v1/parties/{code}/witness-keys")]
pub async fn register_witness(
    state: web::Data<AppState>,
    p: Principal,
    code: web::Path<String>,
    body: crate::api::http::Json<NewWitnessKey>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, code, ctx) = (p.subject(), code.into_inner(), p.ctx.clone());
    let c2 = code.clone();
    let r = state
        .db
        .run(move |c| {
            witness_party(c, &s, &c2)?;
            crate::audit::write(c, |c, events| {
                let key =
                    crate::audit::checkpoints::register_witness(c, &c2, &body.name, &body.public_key, &s.user_id)?;
                events.push(
                    Event::new(&ctx, "witness_key_register", "witness_key", Outcome::Allowed)
                        .object(key.key_id.clone(), Some(&c2))
                        .details(serde_json::json!({"name": key.name})),
                );
                Ok(key)
            })
        })
        .await;
    let key = crate::api::support::refusal(&state, &p, "witness_key_register", "witness_key", Some(&code), r).await?;
    Ok(HttpResponse::Created().json(key))
}

/// Retire a witness key of a party (its administrator); its cosignatures stay.
#[utoipa::path(delete, path = "/api/v1/parties/{code}/witness-keys/{key_id}", tag = "audit", security(("bearer" = [])),
    params(("code" = String, Path, description = "Party code"), ("key_id" = String, Path, description = "Key id (hex)")),
    responses((status = 204, description = "Retired")))]
#[actix_web::delete("/api/v1/parties/{code}/witness-keys/{key_id}")]
pub async fn retire_witness(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (code, key_id) = path.into_inner();
    let (s, ctx, c2, k2) = (p.subject(), p.ctx.clone(), code.clone(), key_id.clone());
    let r = state
        .db
        .run(move |c| {
            witness_party(c, &s, &c2)?;
            crate::audit::write(c, |c, events| {
                crate::audit::checkpoints::retire_witness(c, &c2, &k2)?;
                events.push(
                    Event::new(&ctx, "witness_key_retire", "witness_key", Outcome::Allowed)
                        .object(k2.clone(), Some(&c2)),
                );
                Ok(())
            })
        })
        .await;
    crate::api::support::refusal(&state, &p, "witness_key_retire", "witness_key", Some(&key_id), r).await?;
    Ok(HttpResponse::NoContent().finish())
}
