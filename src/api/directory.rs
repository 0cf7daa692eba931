//! The liaison directory (M3): every member reads it; each country's administrators maintain
//! their own country's entries.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::support::{Items, audited_read, created, if_match, list_event, ok_tagged, refusal};
use crate::api::http::{Json, Query};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::registry::directory::{self as service, Contact, ContactInput, DirectoryQuery};
use crate::registry::etag;
use crate::state::AppState;

const OBJECT: &str = "directory_entry";

#[derive(Serialize, ToSchema)]
pub struct ContactList {
    pub items: Vec<Contact>,
}

/// Directory entries (every member country's and the ST's users; not observers), filtered by
/// `country`, `contact_role`, validity date or last verification. E.g. the repatriation liaison
/// for child victims in Honduras: `?country=HN&contact_role=repatriation_liaison_children`.
#[utoipa::path(get, path = "/api/v1/directory", tag = "directory", security(("bearer" = [])), params(DirectoryQuery),
    responses(
        (status = 200, body = ContactList),
    ))]
#[get("/api/v1/directory")]
pub async fn list(
    state: web::Data<AppState>,
    p: Principal,
    q: Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(Items { items: contacts(&state, &p, q.into_inner()?).await? }))
}

/// The directory entries matching `q`, audited (the API's and the console's one path).
pub async fn contacts(state: &AppState, p: &Principal, q: DirectoryQuery) -> Result<Vec<Contact>, ApiError> {
    let filters = serde_json::json!({"country": q.country, "contact_role": q.contact_role});
    let s = p.subject();
    let r = state.db.run(move |c| service::list(c, &s, q)).await;
    let items = refusal(state, p, "directory_list", OBJECT, None, r).await?;
    audited_read(state, list_event(p, "directory_list", OBJECT, items.len(), filters)).await?;
    Ok(items)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StaleQuery {
    /// Only this country's entries.
    pub country: Option<String>,
}

/// Entries not verified in the last twelve months, oldest verification first.
#[utoipa::path(get, path = "/api/v1/directory/stale", tag = "directory", security(("bearer" = [])), params(StaleQuery),
    responses(
        (status = 200, body = ContactList),
    ))]
#[get("/api/v1/directory/stale")]
pub async fn stale(state: web::Data<AppState>, p: Principal, q: Query<StaleQuery>) -> Result<HttpResponse, ApiError> {
    let country = q.into_inner()?.country;
    let filters = serde_json::json!({"country": country, "not_verified_in_days": 365});
    let s = p.subject();
    let r = state.db.run(move |c| service::stale(c, &s, country)).await;
    let items = refusal(&state, &p, "directory_stale_list", OBJECT, None, r).await?;
    audited_read(&state, list_event(&p, "directory_stale_list", OBJECT, items.len(), filters)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Add an entry of the caller's own country (`country_admin`; `st_admin` for the ST's contacts).
#[utoipa::path(post, path = "/api/v1/directory", tag = "directory", security(("bearer" = [])), request_body = ContactInput,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` headers", body = Contact),
    ))]
#[post("/api/v1/directory")]
pub async fn create(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<ContactInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let r = state.db.run(move |c| service::create(c, &s, &ctx, body)).await;
    let c = refusal(&state, &p, "directory_create", OBJECT, None, r).await?;
    Ok(created(&c, format!("/api/v1/directory/{}", c.id), etag(c.version)))
}

/// One entry.
#[utoipa::path(get, path = "/api/v1/directory/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = String, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry; `ETag` header", body = Contact),
    ))]
#[get("/api/v1/directory/{id}")]
pub async fn get(state: web::Data<AppState>, p: Principal, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::get(c, &s, &ctx, &id2)).await;
    let (c, ev) = refusal(&state, &p, "directory_read", OBJECT, Some(&id), r).await?;
    audited_read(&state, ev).await?;
    Ok(ok_tagged(&c, etag(c.version)))
}

/// Replace an entry (its country's administrators). `If-Match` required: 428 without, 412 if stale.
#[utoipa::path(put, path = "/api/v1/directory/{id}", tag = "directory", security(("bearer" = [])), request_body = ContactInput,
    params(("id" = String, Path, description = "Entry id"), ("If-Match" = String, Header, description = "ETag of the entry")),
    responses(
        (status = 200, body = Contact),
    ))]
#[put("/api/v1/directory/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: Json<ContactInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, id, tag) = (p.subject(), p.ctx.clone(), id.into_inner(), if_match(&req));
    let id2 = id.clone();
    let r = state.db.run(move |c| service::update(c, &s, &ctx, &id2, tag.as_deref(), body)).await;
    let c = refusal(&state, &p, "directory_update", OBJECT, Some(&id), r).await?;
    Ok(ok_tagged(&c, etag(c.version)))
}

/// Confirm an entry is current: sets `last_verified_at` to now (its country's administrators).
#[utoipa::path(post, path = "/api/v1/directory/{id}/verify", tag = "directory", security(("bearer" = [])),
    params(("id" = String, Path, description = "Entry id"), ("If-Match" = Option<String>, Header, description = "Honoured when sent: the ETag of the version this acts on")),
    responses(
        (status = 200, body = Contact),
    ))]
#[post("/api/v1/directory/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id, tag) = (p.subject(), p.ctx.clone(), id.into_inner(), if_match(&req));
    let id2 = id.clone();
    let r = state.db.run(move |c| service::verify(c, &s, &ctx, &id2, tag.as_deref())).await;
    let c = refusal(&state, &p, "directory_verify", OBJECT, Some(&id), r).await?;
    Ok(ok_tagged(&c, etag(c.version)))
}

/// Remove an entry (its country's administrators). `If-Match` honoured when sent.
#[utoipa::path(delete, path = "/api/v1/directory/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = String, Path, description = "Entry id"), ("If-Match" = Option<String>, Header, description = "Honoured when sent: the ETag of the version this acts on")),
    responses(
        (status = 204, description = "Removed"),
    ))]
#[delete("/api/v1/directory/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id, tag) = (p.subject(), p.ctx.clone(), id.into_inner(), if_match(&req));
    let id2 = id.clone();
    let r = state.db.run(move |c| service::delete(c, &s, &ctx, &id2, tag.as_deref())).await;
    refusal(&state, &p, "directory_delete", OBJECT, Some(&id), r).await?;
    Ok(HttpResponse::NoContent().finish())
}
