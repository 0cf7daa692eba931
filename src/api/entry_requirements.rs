//! Entry requirements by nationality (M5): every member reads them; each member country's
//! administrators maintain their own country's rows.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::support::{Items, audited_read, created, if_match, list_event, ok_tagged, refusal};
use crate::api::http::{Json, Query};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::registry::entry_requirements::{self as service, EntryRequirement, RequirementInput, RequirementQuery};
use crate::registry::etag;
use crate::state::AppState;

const OBJECT: &str = "entry_requirement";

#[derive(Serialize, ToSchema)]
pub struct EntryRequirementList {
    pub items: Vec<EntryRequirement>,
}

/// Entry requirements (every member country's and the ST's users; not observers), filtered by
/// `member_country`, `nationality` and `requirement`.
#[utoipa::path(get, path = "/api/v1/entry-requirements", tag = "entry-requirements", security(("bearer" = [])), params(RequirementQuery),
    responses(
        (status = 200, body = EntryRequirementList),
    ))]
#[get("/api/v1/entry-requirements")]
pub async fn list(
    state: web::Data<AppState>,
    p: Principal,
    q: Query<RequirementQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(Items { items: requirements(&state, &p, q.into_inner()?).await? }))
}

/// The entry requirements matching `q`, audited (the API's and the console's one path).
pub async fn requirements(
    state: &AppState,
    p: &Principal,
    q: RequirementQuery,
) -> Result<Vec<EntryRequirement>, ApiError> {
    let filters = serde_json::json!({"member_country": q.member_country, "nationality": q.nationality, "requirement": q.requirement});
    let s = p.subject();
    let r = state.db.run(move |c| service::list(c, &s, q)).await;
    let items = refusal(state, p, "entry_requirement_list", OBJECT, None, r).await?;
    audited_read(state, list_event(p, "entry_requirement_list", OBJECT, items.len(), filters)).await?;
    Ok(items)
}

/// Add a rule of the caller's own member country (`country_admin`).
#[utoipa::path(post, path = "/api/v1/entry-requirements", tag = "entry-requirements", security(("bearer" = [])), request_body = RequirementInput,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` headers", body = EntryRequirement),
    ))]
#[post("/api/v1/entry-requirements")]
pub async fn create(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<RequirementInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let r = state.db.run(move |c| service::create(c, &s, &ctx, body)).await;
    let e = refusal(&state, &p, "entry_requirement_create", OBJECT, None, r).await?;
    Ok(created(&e, format!("/api/v1/entry-requirements/{}", e.id), etag(e.version)))
}

/// One rule.
#[utoipa::path(get, path = "/api/v1/entry-requirements/{id}", tag = "entry-requirements", security(("bearer" = [])),
    params(("id" = String, Path, description = "Rule id")),
    responses(
        (status = 200, description = "The rule; `ETag` header", body = EntryRequirement),
    ))]
#[get("/api/v1/entry-requirements/{id}")]
pub async fn get(state: web::Data<AppState>, p: Principal, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::get(c, &s, &ctx, &id2)).await;
    let (e, ev) = refusal(&state, &p, "entry_requirement_read", OBJECT, Some(&id), r).await?;
    audited_read(&state, ev).await?;
    Ok(ok_tagged(&e, etag(e.version)))
}

/// Replace a rule (its country's administrators). `If-Match` required: 428 without, 412 if stale.
#[utoipa::path(put, path = "/api/v1/entry-requirements/{id}", tag = "entry-requirements", security(("bearer" = [])), request_body = RequirementInput,
    params(("id" = String, Path, description = "Rule id"), ("If-Match" = String, Header, description = "ETag of the rule")),
    responses(
        (status = 200, body = EntryRequirement),
    ))]
#[put("/api/v1/entry-requirements/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: Json<RequirementInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, id, tag) = (p.subject(), p.ctx.clone(), id.into_inner(), if_match(&req));
    let id2 = id.clone();
    let r = state.db.run(move |c| service::update(c, &s, &ctx, &id2, tag.as_deref(), body)).await;
    let e = refusal(&state, &p, "entry_requirement_update", OBJECT, Some(&id), r).await?;
    Ok(ok_tagged(&e, etag(e.version)))
}

/// Remove a rule (its country's administrators). `If-Match` honoured when sent.
#[utoipa::path(delete, path = "/api/v1/entry-requirements/{id}", tag = "entry-requirements", security(("bearer" = [])),
    params(("id" = String, Path, description = "Rule id"), ("If-Match" = Option<String>, Header, description = "Honoured when sent: the ETag of the version this acts on")),
    responses(
        (status = 204, description = "Removed"),
    ))]
#[delete("/api/v1/entry-requirements/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id, tag) = (p.subject(), p.ctx.clone(), id.into_inner(), if_match(&req));
    let id2 = id.clone();
    let r = state.db.run(move |c| service::delete(c, &s, &ctx, &id2, tag.as_deref())).await;
    refusal(&state, &p, "entry_requirement_delete", OBJECT, Some(&id), r).await?;
    Ok(HttpResponse::NoContent().finish())
}
