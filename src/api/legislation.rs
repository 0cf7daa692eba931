//! The comparative legislation matrix: every signed-in party reads it (JSON, or CSV of countries
//! × topics); each member country's administrators keep its rows; the ST runs update rounds.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};

use super::support::{Items, audited_read, created, if_match, list_event, ok_tagged, refusal};
use crate::api::http::{Json, Query, prefers_spanish};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::registry::etag;
use crate::registry::legislation::{
    self as service, Entry, EntryInput, EntryVersion, Matrix, MatrixQuery, Round, RoundInput,
};
use crate::state::AppState;

const OBJECT: &str = "legislation_entry";
const ROUND: &str = "legislation_round";

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LegislationVersionList {
    pub items: Vec<EntryVersion>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LegislationRoundList {
    pub items: Vec<Round>,
}

/// The matrix: the topics with their labels, the member countries, every entry filled in, and
/// the update round now open. Filter by `country` or `topic`; `format=csv` (or `Accept:
/// text/csv`) gives a CSV with a row per country and a column per topic (each cell the status,
/// empty when not filled in; the second row holds the topics' labels in the request's language).
#[utoipa::path(get, path = "/api/v1/legislation", tag = "legislation", security(("bearer" = [])), params(MatrixQuery),
    responses(
        (status = 200, description = "The matrix (JSON, or CSV when asked)",
            content((Matrix = "application/json"), (String = "text/csv"))),
    ))]
#[get("/api/v1/legislation")]
pub async fn matrix(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    q: Query<MatrixQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner()?;
    let csv = q.format.as_deref() == Some("csv")
        || req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/csv"));
    let m = read_matrix(&state, &p, q).await?;
    if csv {
        let spanish = prefers_spanish(&req);
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((header::CONTENT_LANGUAGE, if spanish { "es" } else { "en" }))
            .body(service::to_csv(&m, spanish)));
    }
    Ok(HttpResponse::Ok().json(m))
}

/// Read the matrix, audited: the one read path of the API and the console.
pub async fn read_matrix(state: &AppState, p: &Principal, q: MatrixQuery) -> Result<Matrix, ApiError> {
    let filters = serde_json::json!({"country": q.country, "topic": q.topic});
    let s = p.subject();
    let r = state.db.run(move |c| service::matrix(c, &s, &q)).await;
    let m = refusal(state, p, "legislation_list", OBJECT, None, r).await?;
    audited_read(state, list_event(p, "legislation_list", OBJECT, m.entries.len(), filters)).await?;
    Ok(m)
}

/// A country's entry for a topic.
#[utoipa::path(get, path = "/api/v1/legislation/entries/{country}/{topic}", tag = "legislation", security(("bearer" = [])),
    params(("country" = String, Path, description = "Member country"), ("topic" = String, Path, description = "Topic code")),
    responses(
        (status = 200, description = "The entry; `ETag` header", body = Entry),
    ))]
#[get("/api/v1/legislation/entries/{country}/{topic}")]
pub async fn get_entry(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (country, topic) = path.into_inner();
    let id = format!("{country}/{topic}");
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let r = state.db.run(move |c| service::get(c, &s, &ctx, &country, &topic)).await;
    let (e, ev) = refusal(&state, &p, "legislation_read", OBJECT, Some(&id), r).await?;
    audited_read(&state, ev).await?;
    Ok(ok_tagged(&e, etag(e.version)))
}

/// Create or replace the caller's country's entry for a topic (`country_admin` of that
/// country). Creating needs no `If-Match` (201); replacing requires it (428 without, 412 if
/// stale). Every change is kept as a version. 422 for the rules across fields: an instrument
/// unless `status` is `no`, notes in both languages or neither, dates not after today.
#[utoipa::path(put, path = "/api/v1/legislation/entries/{country}/{topic}", tag = "legislation", security(("bearer" = [])),
    request_body = EntryInput,
    params(("country" = String, Path, description = "Member country"), ("topic" = String, Path, description = "Topic code"),
        ("If-Match" = Option<String>, Header, description = "Required to replace an entry: its ETag")),
    responses(
        (status = 200, description = "Replaced; `ETag` header", body = Entry),
        (status = 201, description = "Created; `Location` and `ETag` headers", body = Entry),
        (status = 404, description = "Not a member country, or not a topic of the list", body = crate::error::Problem,
            content_type = "application/problem+json"),
        (status = 428, description = "Replacing an existing entry requires `If-Match`", body = crate::error::Problem,
            content_type = "application/problem+json"),
    ))]
#[put("/api/v1/legislation/entries/{country}/{topic}")]
pub async fn put_entry(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Json<EntryInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (country, topic) = path.into_inner();
    let id = format!("{country}/{topic}");
    let (s, ctx, tag) = (p.subject(), p.ctx.clone(), if_match(&req));
    let r = state.db.run(move |c| service::put(c, &s, &ctx, &country, &topic, tag.as_deref(), body)).await;
    let (e, is_new) = refusal(&state, &p, "legislation_update", OBJECT, Some(&id), r).await?;
    if is_new {
        return Ok(created(&e, format!("/api/v1/legislation/entries/{id}"), etag(e.version)));
    }
    Ok(ok_tagged(&e, etag(e.version)))
}

/// Every version of an entry, oldest first, as it was written.
#[utoipa::path(get, path = "/api/v1/legislation/entries/{country}/{topic}/versions", tag = "legislation", security(("bearer" = [])),
    params(("country" = String, Path, description = "Member country"), ("topic" = String, Path, description = "Topic code")),
    responses(
        (status = 200, body = LegislationVersionList),
    ))]
#[get("/api/v1/legislation/entries/{country}/{topic}/versions")]
pub async fn entry_versions(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (country, topic) = path.into_inner();
    let id = format!("{country}/{topic}");
    let s = p.subject();
    let r = state.db.run(move |c| service::versions(c, &s, &country, &topic)).await;
    let items = refusal(&state, &p, "legislation_versions", OBJECT, Some(&id), r).await?;
    audited_read(&state, list_event(&p, "legislation_versions", OBJECT, items.len(), serde_json::json!({"entry": id})))
        .await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Update rounds, newest first, each with the countries that confirmed and those pending.
#[utoipa::path(get, path = "/api/v1/legislation/rounds", tag = "legislation", security(("bearer" = [])),
    responses(
        (status = 200, body = LegislationRoundList),
    ))]
#[get("/api/v1/legislation/rounds")]
pub async fn rounds(state: web::Data<AppState>, p: Principal) -> Result<HttpResponse, ApiError> {
    let s = p.subject();
    let r = state.db.run(move |c| service::rounds(c, &s)).await;
    let items = refusal(&state, &p, "legislation_round_list", ROUND, None, r).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Open an update round before a meeting (`st_admin`): one at a time (409 while another is open).
#[utoipa::path(post, path = "/api/v1/legislation/rounds", tag = "legislation", security(("bearer" = [])),
    request_body = RoundInput,
    responses(
        (status = 201, description = "Opened; `Location` header", body = Round),
        (status = 409, description = "Another round is open (`legislation-round-open`)", body = crate::error::Problem,
            content_type = "application/problem+json"),
    ))]
#[post("/api/v1/legislation/rounds")]
pub async fn open_round(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<RoundInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let r = state.db.run(move |c| service::open_round(c, &s, &ctx, body)).await;
    let round = refusal(&state, &p, "legislation_round_open", ROUND, None, r).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/legislation/rounds/{}", round.id)))
        .json(round))
}

/// One update round.
#[utoipa::path(get, path = "/api/v1/legislation/rounds/{id}", tag = "legislation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Round id")),
    responses(
        (status = 200, body = Round),
    ))]
#[get("/api/v1/legislation/rounds/{id}")]
pub async fn get_round(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, id) = (p.subject(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::round(c, &s, &id2)).await;
    let round = refusal(&state, &p, "legislation_round_read", ROUND, Some(&id), r).await?;
    Ok(HttpResponse::Ok().json(round))
}

/// Close an update round (`st_admin`); a closed round takes no more confirmations.
#[utoipa::path(post, path = "/api/v1/legislation/rounds/{id}/close", tag = "legislation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Round id")),
    responses(
        (status = 200, description = "Closed", body = Round),
        (status = 409, description = "Already closed (`legislation-round-closed`)", body = crate::error::Problem,
            content_type = "application/problem+json"),
    ))]
#[post("/api/v1/legislation/rounds/{id}/close")]
pub async fn close_round(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::close_round(c, &s, &ctx, &id2)).await;
    let round = refusal(&state, &p, "legislation_round_close", ROUND, Some(&id), r).await?;
    Ok(HttpResponse::Ok().json(round))
}

/// Confirm for the caller's country that its entries are up to date for this round
/// (`country_admin`): 201 the first time, 200 when already confirmed. After the deadline the
/// confirmation is taken and marked `late`.
#[utoipa::path(post, path = "/api/v1/legislation/rounds/{id}/confirmations", tag = "legislation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Round id")),
    responses(
        (status = 200, description = "Already confirmed", body = Round),
        (status = 201, description = "Confirmed", body = Round),
        (status = 409, description = "The round is closed (`legislation-round-closed`)", body = crate::error::Problem,
            content_type = "application/problem+json"),
    ))]
#[post("/api/v1/legislation/rounds/{id}/confirmations")]
pub async fn confirm(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::confirm(c, &s, &ctx, &id2)).await;
    let (round, is_new) = refusal(&state, &p, "legislation_round_confirm", ROUND, Some(&id), r).await?;
    Ok(if is_new { HttpResponse::Created().json(round) } else { HttpResponse::Ok().json(round) })
}
