//! The countries' reservation policies (SPEC §3, M4): the version in force with the versions
//! scheduled after it, replacement with `If-Match`, and the version history. Read by the
//! country's own users and ST administrators; written by the country's `country_admin`s.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, put, web};

use crate::api::http::Json;
use crate::api::support::{if_match, refusal};
use crate::auth::Principal;
use crate::db::DbConn;
use crate::error::{ApiError, Problem};
use crate::policy::{self, PolicyDocument, PolicyUpdate, PolicyVersion, PolicyVersionInfo};
use crate::state::AppState;

/// A member country's policy, or 404 (a party that is not a member has none).
fn member(c: &mut DbConn, code: &str) -> Result<(), ApiError> {
    let party = crate::auth::accounts::find_party(c, code)?.ok_or(ApiError::NotFound)?;
    if party.kind() != crate::access::PartyKind::Member {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

fn readable(c: &mut DbConn, s: &crate::access::Subject, code: &str) -> Result<(), ApiError> {
    member(c, code)?;
    if policy::may_read(s, code) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// A country's reservation policy: the version in force and any versions scheduled after it
/// (its users and ST administrators). The `ETag` names the newest version.
#[utoipa::path(get, path = "/api/v1/parties/{code}/reservation-policy", tag = "cases", security(("bearer" = [])),
    params(("code" = String, Path, description = "Member country code")),
    responses(
        (status = 200, description = "The policy; `ETag` names its newest version", body = PolicyDocument),
    ))]
#[get("/api/v1/parties/{code}/reservation-policy")]
pub async fn get_policy(
    state: web::Data<AppState>,
    p: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (doc, etag) = read_policy(&state, &p, code.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag)).json(doc))
}

/// A country's policy and its ETag as `p` may read it (the API's and the console's one path).
pub async fn read_policy(state: &AppState, p: &Principal, code: String) -> Result<(PolicyDocument, String), ApiError> {
    let s = p.subject();
    let c2 = code.clone();
    let r = state
        .db
        .run(move |c| {
            readable(c, &s, &c2)?;
            policy::read(c, &c2)
        })
        .await;
    refusal(state, p, "reservation_policy_read", "reservation_policy", Some(&code), r).await
}

/// Write a new version of a country's reservation policy (that country's administrators).
/// `If-Match` must carry the ETag of the newest version (428 without, 412 if another version was
/// written since). Without `effective_from`, or with a time already reached, it applies at once
/// to every past and future case of the country; with a later time it is scheduled and takes
/// effect by itself then. Versioned and audited.
#[utoipa::path(put, path = "/api/v1/parties/{code}/reservation-policy", tag = "cases", security(("bearer" = [])), request_body = PolicyUpdate,
    params(("code" = String, Path, description = "Member country code"),
        ("If-Match" = String, Header, description = "The ETag of the newest version (or `*`)")),
    responses(
        (status = 200, description = "The policy after the change; `ETag` names the new version", body = PolicyDocument),
        (status = 412, description = "Another version was written since the one `If-Match` names", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid entries (each named), e.g. a handling code reserved or an `effective_from` in the past", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is required", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/api/v1/parties/{code}/reservation-policy")]
pub async fn put_policy(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    code: web::Path<String>,
    body: Json<PolicyUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (doc, etag) = update_policy(&state, &p, code.into_inner(), if_match(&req), body).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag)).json(doc))
}

/// Write a new version of a country's policy as `p` (the API's and the console's one path).
pub async fn update_policy(
    state: &AppState,
    p: &Principal,
    code: String,
    tag: Option<String>,
    body: PolicyUpdate,
) -> Result<(PolicyDocument, String), ApiError> {
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let (c2, now, idx) = (code.clone(), state.clock.now(), state.matching.clone());
    let r = state
        .db
        .run(move |c| {
            member(c, &c2)?;
            if !policy::may_write(&s, &c2) {
                return Err(ApiError::Forbidden);
            }
            policy::update(c, &s, &ctx, &c2, body, tag.as_deref(), now, &crate::reindex::PolicyDependents(&idx))
        })
        .await;
    refusal(state, p, "reservation_policy_update", "reservation_policy", Some(&code), r).await
}

/// Every version of a country's policy, oldest first: who wrote it, when, from when it applies
/// and where it stands (in force, scheduled, previous, superseded).
#[utoipa::path(get, path = "/api/v1/parties/{code}/reservation-policy/versions", tag = "cases", security(("bearer" = [])),
    params(("code" = String, Path, description = "Member country code")),
    responses(
        (status = 200, body = Vec<PolicyVersionInfo>),
    ))]
#[get("/api/v1/parties/{code}/reservation-policy/versions")]
pub async fn policy_versions(
    state: web::Data<AppState>,
    p: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, code) = (p.subject(), code.into_inner());
    let c2 = code.clone();
    let r = state
        .db
        .run(move |c| {
            readable(c, &s, &c2)?;
            policy::versions(c, &c2)
        })
        .await;
    let versions = refusal(&state, &p, "reservation_policy_versions", "reservation_policy", Some(&code), r).await?;
    Ok(HttpResponse::Ok().json(versions))
}

/// One version of a country's policy, with its entries.
#[utoipa::path(get, path = "/api/v1/parties/{code}/reservation-policy/versions/{n}", tag = "cases", security(("bearer" = [])),
    params(("code" = String, Path, description = "Member country code"),
        ("n" = i32, Path, description = "Version number (from 1)", minimum = 1)),
    responses(
        (status = 200, body = PolicyVersion),
    ))]
#[get("/api/v1/parties/{code}/reservation-policy/versions/{n}")]
pub async fn policy_version(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (code, n) = path.into_inner();
    let (s, c2) = (p.subject(), code.clone());
    let r = state
        .db
        .run(move |c| {
            readable(c, &s, &c2)?;
            policy::version_of(c, &c2, n)?.ok_or(ApiError::NotFound)
        })
        .await;
    let version = refusal(&state, &p, "reservation_policy_version", "reservation_policy", Some(&code), r).await?;
    Ok(HttpResponse::Ok().json(version))
}
