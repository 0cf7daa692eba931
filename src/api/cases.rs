//! Case endpoints: submit (single, batch), read, list, replace, retract, versions; the catalog.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::cases::CaseView;
use crate::access::disclosure::CaseDisclosure;
use crate::api::http::{BulkJson, Json, Query};
use crate::api::support::{if_match, refusal};
use crate::audit::{Event, Outcome};
use crate::auth::Principal;
use crate::cases::idempotency::{Key, Snapshot};
use crate::cases::service::{self, BatchRequest, BatchResult, CasePage, CaseQuery, Read, Retraction, Viewed};
use crate::cases::store::VersionInfo;
use crate::error::{ApiError, Problem};
use crate::formato::catalog::Catalog;
use crate::formato::record::CaseInput;
use crate::state::AppState;

fn idempotency_key(req: &HttpRequest, what: &impl Serialize) -> Result<Option<Key>, ApiError> {
    match req.headers().get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v.to_str().map_err(|_| {
                ApiError::field(
                    "Idempotency-Key",
                    "invalid_value",
                    "must be visible ASCII characters",
                    "debe tener solo caracteres ASCII visibles",
                )
            })?;
            let canonical = serde_json::to_string(what).map_err(|_| ApiError::Internal)?;
            Key::new(key, &format!("{} {}\n{canonical}", req.method(), req.path())).map(Some)
        }
    }
}

fn snapshot_response(s: Snapshot) -> HttpResponse {
    let mut b =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(s.status).unwrap_or(actix_web::http::StatusCode::OK));
    if let Some(l) = s.location {
        b.insert_header((header::LOCATION, l));
    }
    if let Some(e) = s.etag {
        b.insert_header((header::ETAG, e));
    }
    b.content_type("application/json").body(s.body)
}

fn viewed_response(v: Viewed) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, v.etag)).json(v.view)
}

/// Submit a case of the caller's country (officers). `reporting_country` is the caller's
/// country. With `Idempotency-Key`, a retried request returns the original response and creates
/// nothing; the same key with a different body is 422.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), request_body = CaseInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe (1–200 visible ASCII characters)", pattern = "^[!-~]{1,200}$")),
    responses(
        (status = 201, description = "Created; `Location` and `ETag` headers", body = Case),
        (status = 422, description = "Invalid case (each failing field named) or idempotency key reused", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/cases")]
pub async fn create(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    body: Json<CaseInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let key = idempotency_key(&req, &body)?;
    Ok(snapshot_response(submit(&state, &p, body, key).await?))
}

/// Submit a case as `p` (the API's and the console's one path): refusals audited alike.
pub async fn submit(state: &AppState, p: &Principal, body: CaseInput, key: Option<Key>) -> Result<Snapshot, ApiError> {
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let idx = state.matching.clone();
    let r = state.db.run(move |c| service::create(c, &idx, &s, &ctx, body, key)).await;
    refusal(state, p, "case_create", "case", None, r).await
}

/// Submit up to 500 cases; each is validated and stored or rejected on its own, with a
/// per-item result. `Idempotency-Key` works as for single submissions.
#[utoipa::path(post, path = "/api/v1/cases/batch", tag = "cases", security(("bearer" = [])), request_body = BatchRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe (1–200 visible ASCII characters)", pattern = "^[!-~]{1,200}$")),
    responses(
        (status = 200, body = BatchResult),
    ))]
#[post("/api/v1/cases/batch")]
pub async fn batch(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    body: BulkJson<BatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let (body, permit) = body.into_inner()?;
    let key = idempotency_key(&req, &body.cases)?;
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let idx = state.matching.clone();
    let r = state.db.run(move |c| service::batch(c, &idx, &s, &ctx, body, key)).await;
    drop(permit);
    Ok(snapshot_response(refusal(&state, &p, "case_batch", "case", None, r).await?))
}

/// Read a case. The reporting country sees it whole; another member country in the sharing
/// scope sees it with every reserved field replaced by `{"withheld": true, "basis": …}`. Anyone
/// else gets 404, exactly as for a case that does not exist.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case as the caller may see it; `ETag` header", body = Case),
    ))]
#[get("/api/v1/cases/{id}")]
pub async fn get(state: web::Data<AppState>, p: Principal, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let case = read(&state, &p, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, case.etag().to_owned()))
        .content_type("application/json")
        .body(case.into_body()))
}

/// Read a case as the caller may see it, the read (or the refusal, as 404) audited before
/// anything leaves: the one path of the API and the web console.
pub async fn read(state: &AppState, p: &Principal, id: String) -> Result<CaseDisclosure, ApiError> {
    let (s, ctx) = (p.subject(), p.ctx.clone());
    match state.db.run(move |c| service::get(c, &s, &ctx, &id)).await? {
        Read::Visible(case, event) => {
            // The read is recorded before the data leaves; if it cannot be, nothing is sent.
            state.audit.record(event).await?;
            Ok(case)
        }
        Read::Hidden(event) => {
            state.audit.record(event).await?;
            Err(ApiError::NotFound)
        }
    }
}

/// Replace a case with a new version (the reporting country's officers). Requires `If-Match`
/// with the case's current ETag: 428 without it, 412 if the case changed since.
#[utoipa::path(put, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), request_body = CaseInput,
    params(("id" = String, Path, description = "Case id"), ("If-Match" = String, Header, description = "ETag of the version being replaced")),
    responses(
        (status = 200, description = "The new version; `ETag` header", body = Case),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/api/v1/cases/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: Json<CaseInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    Ok(viewed_response(replace(&state, &p, id.into_inner(), if_match(&req), body).await?))
}

/// Replace a case as `p` (the API's and the console's one path): refusals audited alike.
pub async fn replace(
    state: &AppState,
    p: &Principal,
    id: String,
    tag: Option<String>,
    body: CaseInput,
) -> Result<Viewed, ApiError> {
    let (s, ctx, id2) = (p.subject(), p.ctx.clone(), id.clone());
    let idx = state.matching.clone();
    let r = state.db.run(move |c| service::update(c, &idx, &s, &ctx, &id2, tag.as_deref(), body)).await;
    refusal(state, p, "case_update", "case", Some(&id), r).await
}

/// Retract a case with a reason: it is kept for the reporting country and the audit trail, and
/// disappears for everyone else and from statistics. `If-Match` is honoured when sent.
#[utoipa::path(delete, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), request_body = Retraction,
    params(("id" = String, Path, description = "Case id"), ("If-Match" = Option<String>, Header, description = "Honoured when sent: the ETag of the version this acts on")),
    responses(
        (status = 200, description = "The retracted case", body = Case),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/api/v1/cases/{id}")]
pub async fn retract(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: Json<Retraction>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    Ok(viewed_response(retract_case(&state, &p, id.into_inner(), if_match(&req), body).await?))
}

/// Retract a case as `p` (the API's and the console's one path): refusals audited alike.
pub async fn retract_case(
    state: &AppState,
    p: &Principal,
    id: String,
    tag: Option<String>,
    body: Retraction,
) -> Result<Viewed, ApiError> {
    let (s, ctx, id2) = (p.subject(), p.ctx.clone(), id.clone());
    let idx = state.matching.clone();
    let r = state.db.run(move |c| service::retract(c, &idx, &s, &ctx, &id2, tag.as_deref(), body)).await;
    refusal(state, p, "case_retract", "case", Some(&id), r).await
}

/// A case as the caller may see it: the submitted record (`CaseInput`) with its system fields
/// (`case_id`, `reporting_country`, `version`, `format_version`, `created_at`, `created_by`,
/// `updated_at`, `updated_by`, `retracted`) and the derived ones (`reporting_semester`,
/// `persons[].age_band`, …). For another country every reserved field, whether or not it holds
/// a value, is `{"withheld": true, "basis": "…"}` instead.
#[derive(Serialize, ToSchema)]
pub struct Case {
    #[schema(format = "uuid")]
    pub case_id: String,
    pub reporting_country: String,
    /// For another country, counts only the changes it can see.
    pub version: i32,
}

/// A page of case summaries.
#[derive(Serialize, ToSchema)]
pub struct CasePageDoc {
    /// Summaries (`case_id`, `reporting_country`, `version`, `case_type`, `case_status`,
    /// `date_opened`, `date_detected`, `sharing`, `persons_affected_count`, `updated_at`,
    /// `retracted`), with reserved fields withheld for other countries' cases.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
    pub next_cursor: Option<String>,
}

/// Cases visible to the caller (own and shared), newest first. Filters and search never use
/// another country's reserved values.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), params(CaseQuery),
    responses(
        (status = 200, body = CasePageDoc),
    ))]
#[get("/api/v1/cases")]
pub async fn list(state: web::Data<AppState>, p: Principal, q: Query<CaseQuery>) -> Result<HttpResponse, ApiError> {
    let page = list_page(&state, &p, q.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A page of the cases visible to the caller, audited for every country whose cases it
/// disclosed: the one path of the API and the web console.
pub async fn list_page(state: &AppState, p: &Principal, q: CaseQuery) -> Result<CasePage, ApiError> {
    let s = p.subject();
    // What the query asked for, without its values (a search text or a date could be personal).
    let search = q.q.is_some();
    let filters: Vec<&str> = [
        ("reporting_country", q.reporting_country.is_some()),
        ("case_type", q.case_type.is_some()),
        ("case_status", q.case_status.is_some()),
        ("detected_from", q.detected_from.is_some()),
        ("detected_to", q.detected_to.is_some()),
        ("updated_since", q.updated_since.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect();
    let r = state.db.run(move |c| service::list(c, &s, q)).await;
    let (page, owners) = refusal(state, p, "case_list", "case", None, r).await?;
    let query = serde_json::json!({"search": search, "filters": filters});
    state.audit.record_all(crate::audit::owner_events(&p.ctx, "case_list", "case", owners, query)).await?;
    Ok(page)
}

/// The history of a case (reporting country only).
#[utoipa::path(get, path = "/api/v1/cases/{id}/versions", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, body = Vec<VersionInfo>),
    ))]
#[get("/api/v1/cases/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(history(&state, &p, id.into_inner()).await?))
}

/// A case's version history as `p` may read it (the API's and the console's one path, audited).
pub async fn history(state: &AppState, p: &Principal, id: String) -> Result<Vec<VersionInfo>, ApiError> {
    let (s, id2) = (p.subject(), id.clone());
    let r = state.db.run(move |c| service::versions(c, &s, &id2)).await;
    let (history, party) = refusal(state, p, "case_versions", "case", Some(&id), r).await?;
    state.audit.record(Event::new(&p.ctx, "case_versions", "case", Outcome::Allowed).object(id, Some(&party))).await?;
    Ok(history)
}

/// One past version of a case, whole (reporting country only).
#[utoipa::path(get, path = "/api/v1/cases/{id}/versions/{n}", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id"), ("n" = i32, Path, description = "Version number")),
    responses(
        (status = 200, body = Case),
    ))]
#[get("/api/v1/cases/{id}/versions/{n}")]
pub async fn version(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = path.into_inner();
    Ok(HttpResponse::Ok().json(past_version(&state, &p, id, n).await?))
}

/// One past version of a case as `p` may read it (the API's and the console's one path, audited).
pub async fn past_version(state: &AppState, p: &Principal, id: String, n: i32) -> Result<CaseView, ApiError> {
    let (s, id2) = (p.subject(), id.clone());
    let r = state.db.run(move |c| service::version(c, &s, &id2, n)).await;
    let (view, party) = refusal(state, p, "case_version_read", "case", Some(&id), r).await?;
    let ev = Event::new(&p.ctx, "case_version_read", "case", Outcome::Allowed)
        .object(id, Some(&party))
        .details(serde_json::json!({"version": n}));
    state.audit.record(ev).await?;
    Ok(view)
}

/// The Formato estándar catalog: every field path with Spanish and English labels, type, enum
/// values, personal-data class and default reservation flag. Public (it holds no case data), so a
/// national IT team can build against it before it has accounts; cacheable, with a strong `ETag`
/// (the SHA-256 of the body) and 304 on a matching `If-None-Match`.
#[utoipa::path(get, path = "/api/v1/formato", tag = "cases",
    params(("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer")),
    responses(
        (status = 200, body = Catalog, headers(("ETag" = String, description = "SHA-256 of the body"))),
        (status = 304, description = "Not modified: the catalog is the one named in `If-None-Match`"),
    ))]
#[get("/api/v1/formato")]
pub async fn catalog(req: HttpRequest) -> HttpResponse {
    static JSON: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (body, etag) = JSON.get_or_init(|| {
        let body = serde_json::to_string(crate::formato::catalog::catalog()).unwrap_or_default();
        let etag = format!("\"{}\"", crate::digest::sha256_hex(body.as_bytes()));
        (body, etag)
    });
    let cache = ("Cache-Control", "public, max-age=3600, must-revalidate");
    let hit = req
        .headers()
        .get(actix_web::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| crate::precondition::none_match_hits(v, etag));
    if hit {
        return HttpResponse::NotModified().insert_header(("ETag", etag.as_str())).insert_header(cache).finish();
    }
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("ETag", etag.as_str()))
        .insert_header(cache)
        .body(body.as_str())
}
