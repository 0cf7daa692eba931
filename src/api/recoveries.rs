//! Recovery of a member country that lost every administrator (`admin::recovery`): requested by
//! one ST administrator, approved by another, cancellable by the country during the waiting
//! period, completed after it with one new `country_admin`.

use actix_web::{HttpResponse, get, post, web};

use crate::admin::recovery::{self, Recovery, RecoveryCancel, RecoveryCompleted, RecoveryRequest};
use crate::api::http::Json;
use crate::api::support::refusal;
use crate::auth::Principal;
use crate::auth::service::hash_password;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

fn delay(state: &AppState) -> time::Duration {
    time::Duration::hours(i64::from(state.settings.recovery_delay_hours))
}

/// The administrator recoveries of a member country, newest first (ST administrators; the
/// country's administrators and auditors).
#[utoipa::path(get, path = "/api/v1/parties/{code}/recoveries", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path, description = "Member country code")),
    responses((status = 200, body = Vec<Recovery>)))]
#[get("/api/v1/parties/{code}/recoveries")]
pub async fn list_recoveries(
    state: web::Data<AppState>,
    p: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (s, code) = (p.subject(), code.into_inner());
    let c2 = code.clone();
    let r = state.db.run(move |c| recovery::list(c, &s, &c2)).await;
    Ok(HttpResponse::Ok().json(refusal(&state, &p, "recovery_list", "recovery", Some(&code), r).await?))
}

/// Request the recovery of a member country that has no active `country_admin` (ST
/// administrators). A second ST administrator must approve it; the country sees it at once.
#[utoipa::path(post, path = "/api/v1/parties/{code}/recoveries", tag = "admin", security(("bearer" = [])), request_body = RecoveryRequest,
    params(("code" = String, Path, description = "Member country code")),
    responses((status = 201, body = Recovery),
        (status = 409, description = "Not needed (the country is not onboarded yet) or another recovery is open", body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/parties/{code}/recoveries")]
pub async fn request_recovery(
    state: web::Data<AppState>,
    p: Principal,
    code: web::Path<String>,
    body: Json<RecoveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, code, now) = (p.subject(), p.ctx.clone(), code.into_inner(), state.clock.now());
    let c2 = code.clone();
    let r = state.db.run(move |c| recovery::request(c, &s, &ctx, &c2, body, now)).await;
    let x = refusal(&state, &p, "recovery_request", "recovery", Some(&code), r).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/parties/{code}/recoveries/{}", x.id)))
        .json(x))
}

/// One recovery.
#[utoipa::path(get, path = "/api/v1/parties/{code}/recoveries/{id}", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path, description = "Member country code"), ("id" = String, Path, description = "Recovery id")),
    responses((status = 200, body = Recovery)))]
#[get("/api/v1/parties/{code}/recoveries/{id}")]
pub async fn get_recovery(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (code, id) = path.into_inner();
    let (s, c2, i2) = (p.subject(), code.clone(), id.clone());
    let r = state.db.run(move |c| recovery::get(c, &s, &c2, &i2)).await;
    Ok(HttpResponse::Ok().json(refusal(&state, &p, "recovery_read", "recovery", Some(&id), r).await?))
}

/// Approve a requested recovery (an ST administrator other than the one who requested it). The
/// waiting period starts now and ends at `effective_at`.
#[utoipa::path(post, path = "/api/v1/parties/{code}/recoveries/{id}/approve", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path, description = "Member country code"), ("id" = String, Path, description = "Recovery id")),
    responses((status = 200, body = Recovery),
        (status = 403, description = "Not an ST administrator, or the one who requested it", body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/parties/{code}/recoveries/{id}/approve")]
pub async fn approve_recovery(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (code, id) = path.into_inner();
    let (s, ctx, c2, i2, now, delay) = (p.subject(), p.ctx.clone(), code, id.clone(), state.clock.now(), delay(&state));
    let r = state.db.run(move |c| recovery::approve(c, &s, &ctx, &c2, &i2, now, delay)).await;
    Ok(HttpResponse::Ok().json(refusal(&state, &p, "recovery_approve", "recovery", Some(&id), r).await?))
}

/// Cancel an open recovery (the country's `country_admin`s; ST administrators).
#[utoipa::path(post, path = "/api/v1/parties/{code}/recoveries/{id}/cancel", tag = "admin", security(("bearer" = [])), request_body = RecoveryCancel,
    params(("code" = String, Path, description = "Member country code"), ("id" = String, Path, description = "Recovery id")),
    responses((status = 200, body = Recovery),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/parties/{code}/recoveries/{id}/cancel")]
pub async fn cancel_recovery(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
    body: Json<RecoveryCancel>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (code, id) = path.into_inner();
    let (s, ctx, c2, i2, now) = (p.subject(), p.ctx.clone(), code, id.clone(), state.clock.now());
    let r = state.db.run(move |c| recovery::cancel(c, &s, &ctx, &c2, &i2, body, now)).await;
    Ok(HttpResponse::Ok().json(refusal(&state, &p, "recovery_cancel", "recovery", Some(&id), r).await?))
}

/// Complete an approved recovery after its waiting period (ST administrators): creates the one
/// new `country_admin` and returns its one-time password once.
#[utoipa::path(post, path = "/api/v1/parties/{code}/recoveries/{id}/complete", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path, description = "Member country code"), ("id" = String, Path, description = "Recovery id")),
    responses((status = 200, body = RecoveryCompleted),
        (status = 409, description = "Not approved, still in its waiting period, closed, or no longer needed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The recovery's new username is taken by now", body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/parties/{code}/recoveries/{id}/complete")]
pub async fn complete_recovery(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (code, id) = path.into_inner();
    let (s, c2, i2, now) = (p.subject(), code.clone(), id.clone(), state.clock.now());
    let checked = state.db.run(move |c| recovery::check_complete(c, &s, &c2, &i2, now)).await;
    refusal(&state, &p, "recovery_complete", "recovery", Some(&id), checked).await?;
    let otp = crate::auth::one_time_password();
    let hash = hash_password(&state.identity(), otp.clone()).await?;
    let (s, ctx, i2) = (p.subject(), p.ctx.clone(), id.clone());
    let r = state.db.run(move |c| recovery::complete(c, &s, &ctx, &code, &i2, now, hash)).await;
    let (recovery, user) = refusal(&state, &p, "recovery_complete", "recovery", Some(&id), r).await?;
    Ok(HttpResponse::Ok().json(RecoveryCompleted { recovery, user, initial_password: otp }))
}
