//! Sign-in, refresh, sign-out, the signed-in user, and the public signing keys.

use actix_web::{HttpResponse, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::{PartyKind, Role};
use crate::admin::recovery::RecoveryNotice;
use crate::api::http::Json;
use crate::audit::RequestContext;
use crate::auth::Authenticated;
use crate::auth::service::{
    self, LoginRequest, PasswordChange, RefreshRequest, TokenResponse, TotpCode, TotpEnrolment,
};
use crate::auth::tokens::Jwks;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Sign in with username and password (and the TOTP code once MFA is enrolled).
///
/// Unknown usernames and wrong passwords get the same 401. Repeated failures per account and per
/// client address are answered 429 with `Retry-After`. Roles that require MFA without an enrolled
/// factor get a session restricted to enrolment (`scope: mfa_enrolment`); an initial or reset
/// password gives a session restricted to changing it (`scope: password_change`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong credentials or code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    ctx: RequestContext,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let tokens = service::login(&state.identity(), ctx, body).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Exchange a refresh token for new tokens. Each refresh token works once; presenting a used
/// one ends the whole session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Unknown, used or expired refresh token (a used one ends its session)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    ctx: RequestContext,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let tokens = service::refresh(&state.identity(), ctx, body).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// End the current session (its access and refresh tokens stop working at once).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
    ))]
#[post("/api/v1/auth/logout")]
pub async fn logout(state: web::Data<AppState>, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    service::logout(&state.identity(), auth).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub party: String,
    pub party_kind: PartyKind,
    pub roles: Vec<Role>,
    pub mfa_enabled: bool,
    /// Whether this user's roles require a second factor.
    pub mfa_required: bool,
    pub must_change_password: bool,
    /// `full`, `mfa_enrolment` or `password_change`.
    pub session_scope: &'static str,
    /// For a member country's users: open recoveries of a country administrator account
    /// (requested by the ST), which the country's administrators may cancel until `effective_at`.
    pub pending_recoveries: Vec<RecoveryNotice>,
}

/// Who am I: user, party, roles, MFA state.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = Me),
    ))]
#[get("/api/v1/me")]
pub async fn me(state: web::Data<AppState>, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    let pending_recoveries = if auth.record.party.kind() == PartyKind::Member {
        let party = auth.record.party.code.clone();
        state.db.run(move |c| crate::admin::recovery::open_notices(c, &party)).await?
    } else {
        vec![]
    };
    let r = &auth.record;
    Ok(HttpResponse::Ok().json(Me {
        id: r.user.id.clone(),
        username: r.user.username.clone(),
        display_name: r.user.display_name.clone(),
        email: r.user.email.clone(),
        party: r.party.code.clone(),
        party_kind: r.party.kind(),
        roles: r.roles.clone(),
        mfa_enabled: r.user.totp_enabled,
        mfa_required: state.settings.mfa_all_roles || r.roles.iter().any(|x| x.requires_mfa()),
        must_change_password: r.user.must_change_password,
        session_scope: auth.scope.as_str(),
        pending_recoveries,
    }))
}

/// Change my password. Ends every session of the user, this one included: sign in again.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; all sessions ended"),
        (status = 422, description = "Policy not met or current password wrong", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    service::change_password(&state.identity(), auth, body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start TOTP enrolment: returns a new secret and its otpauth URI. Not active until verified.
#[utoipa::path(post, path = "/api/v1/me/mfa/totp", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = TotpEnrolment),
        (status = 409, description = "MFA already enrolled", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/me/mfa/totp")]
pub async fn enrol_totp(state: web::Data<AppState>, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::enrol_totp(&state.identity(), auth).await?))
}

/// Activate TOTP with a current code. A session restricted to enrolment becomes a full session.
#[utoipa::path(post, path = "/api/v1/me/mfa/totp/verify", tag = "auth", security(("bearer" = [])), request_body = TotpCode,
    responses(
        (status = 204, description = "MFA active"),
        (status = 409, description = "No enrolment pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong code", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/me/mfa/totp/verify")]
pub async fn verify_totp(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: Json<TotpCode>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    service::verify_totp(&state.identity(), auth, body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The public keys that verify access tokens (JWKS).
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "auth", responses((status = 200, body = Jwks)))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let keys = state.db.run(crate::auth::tokens::jwks).await?;
    Ok(HttpResponse::Ok().json(keys))
}
