//! Requests between member countries: open, list, read, messages, and their answers.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::support::{audited_read, list_event, refusal};
use crate::api::http::{Json, Query};
use crate::audit::{Event, Outcome};
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::requests::{self as service, NewMessage, NewRequest, RequestView, Transition};
use crate::state::AppState;

const OBJECT: &str = "country_request";

/// Ask another member country (officers): for access to a case or information about it — after a
/// hit (`hit_ref`: the holder is the hit's country, which alone knows which case) or about a case
/// the caller can see (`case_id`) — or to coordinate a victim's repatriation with its
/// repatriation liaison (`liaison_id`, a directory entry), sending only the chosen
/// `person_fields` of that person of one of the caller's cases. The other country's feed tells
/// it; both countries' auditors see the request's events.
#[utoipa::path(post, path = "/api/v1/requests", tag = "matching", security(("bearer" = [])), request_body = NewRequest,
    responses(
        (status = 201, description = "Opened; `Location` header", body = RequestView),
        (status = 422, description = "Invalid request: every failing field named", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/requests")]
pub async fn open(state: web::Data<AppState>, p: Principal, body: Json<NewRequest>) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let r = state.db.run(move |c| service::open(c, &s, &ctx, body)).await;
    let v = refusal(&state, &p, "request_open", OBJECT, None, r).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/requests/{}", v.request_id))).json(v))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    /// Page size, 1 to 100 [default: 50].
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    /// Sent and received, newest first.
    pub items: Vec<RequestView>,
}

/// The requests the caller's country sent and received (its officers and analysts).
#[utoipa::path(get, path = "/api/v1/requests", tag = "matching", security(("bearer" = [])), params(RequestQuery),
    responses((status = 200, body = RequestList)))]
#[get("/api/v1/requests")]
pub async fn list(state: web::Data<AppState>, p: Principal, q: Query<RequestQuery>) -> Result<HttpResponse, ApiError> {
    let s = p.subject();
    let r = q.into_inner().and_then(|q| crate::paging::limit(q.limit));
    let limit = refusal(&state, &p, "request_list", OBJECT, None, r).await?;
    let r = state.db.run(move |c| service::list(c, &s, limit)).await;
    let items = refusal(&state, &p, "request_list", OBJECT, None, r).await?;
    let mut ev = list_event(&p, "request_list", OBJECT, items.len(), serde_json::json!({"limit": limit}));
    ev.object_party = Some(p.subject().party);
    audited_read(&state, ev).await?;
    Ok(HttpResponse::Ok().json(RequestList { items }))
}

/// One request, with its thread (its two countries only; 404 for anyone else).
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "matching", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestView)))]
#[get("/api/v1/requests/{id}")]
pub async fn get(state: web::Data<AppState>, p: Principal, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (s, id) = (p.subject(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::get(c, &s, &id2)).await;
    let v = refusal(&state, &p, "request_read", OBJECT, Some(&id), r).await?;
    let other = if v.from_country == p.subject().party { &v.to_country } else { &v.from_country };
    let ev = Event::new(&p.ctx, "request_read", OBJECT, Outcome::Allowed).object(id, Some(other));
    audited_read(&state, ev).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Add a message to a request (either country's officers, while it is open or accepted).
#[utoipa::path(post, path = "/api/v1/requests/{id}/messages", tag = "matching", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")), request_body = NewMessage,
    responses((status = 200, body = RequestView)))]
#[post("/api/v1/requests/{id}/messages")]
pub async fn message(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
    body: Json<NewMessage>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::message(c, &s, &ctx, &id2, body)).await;
    Ok(HttpResponse::Ok().json(refusal(&state, &p, "request_message", OBJECT, Some(&id), r).await?))
}

/// Answer or move a request on: the receiver `accept`s (a `case_access` request: the case is
/// shared with the asking country; a repatriation: section L of the asking country's case
/// records the return as `in_process`), `decline`s with a reason, records a repatriation's
/// `progress` (`return_status`, `return_date`) and `complete`s it; the sender `withdraw`s it.
/// 409 when the request's state does not allow the action.
#[utoipa::path(post, path = "/api/v1/requests/{id}/transitions", tag = "matching", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")), request_body = Transition,
    responses(
        (status = 200, body = RequestView),
        (status = 409, description = "Not in a state that allows the action", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/requests/{id}/transitions")]
pub async fn act(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
    body: Json<Transition>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, id, idx) = (p.subject(), p.ctx.clone(), id.into_inner(), state.matching.clone());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::act(c, &idx, &s, &ctx, &id2, body)).await;
    Ok(HttpResponse::Ok().json(refusal(&state, &p, "request_update", OBJECT, Some(&id), r).await?))
}
