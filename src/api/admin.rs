//! Administration endpoints: parties and users. Every change is audited by the service; denied
//! attempts are audited here.

use actix_web::{HttpResponse, get, patch, post, web};

use crate::admin::parties::{self, NewParty, Party, PartyPatch};
use crate::admin::users::{
    self, CreatedUser, NewUser, PasswordReset, SessionsEnded, User, UserPage, UserPatch, UserQuery,
};
use crate::api::http::{Json, Query};
use crate::api::support::{refusal, refusal_owned};
use crate::auth::Principal;
use crate::auth::service::hash_password;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// All parties: the 11 member countries, the Technical Secretariat and observers.
#[utoipa::path(get, path = "/api/v1/parties", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<Party>)))]
#[get("/api/v1/parties")]
pub async fn list_parties(state: web::Data<AppState>, _p: Principal) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(all_parties(&state).await?))
}

/// One party.
#[utoipa::path(get, path = "/api/v1/parties/{code}", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path, description = "Party code, e.g. GT, ST, OIM")),
    responses((status = 200, body = Party)))]
#[get("/api/v1/parties/{code}")]
pub async fn get_party(
    state: web::Data<AppState>,
    _p: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    Ok(HttpResponse::Ok().json(state.db.run(move |c| parties::get(c, &code)).await?))
}

/// Add an observer organization (ST administrators).
#[utoipa::path(post, path = "/api/v1/parties", tag = "admin", security(("bearer" = [])), request_body = NewParty,
    responses((status = 201, body = Party),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/parties")]
pub async fn create_party(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<NewParty>,
) -> Result<HttpResponse, ApiError> {
    let party = add_party(&state, &p, body.into_inner()?).await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/parties/{}", party.code))).json(party))
}

/// Add an observer as `p` (the API's and the console's one path).
pub async fn add_party(state: &AppState, p: &Principal, body: NewParty) -> Result<Party, ApiError> {
    let (subject, ctx) = (p.subject(), p.ctx.clone());
    let result = state.db.run(move |c| parties::create(c, &subject, &ctx, body)).await;
    refusal(state, p, "party_create", "party", None, result).await
}

/// Every party (the API's and the console's one path).
pub async fn all_parties(state: &AppState) -> Result<Vec<Party>, ApiError> {
    state.db.run(parties::list).await
}

/// Rename, deactivate or reactivate a party (ST administrators). Deactivation ends its users' sessions.
#[utoipa::path(patch, path = "/api/v1/parties/{code}", tag = "admin", security(("bearer" = [])), request_body = PartyPatch,
    params(("code" = String, Path, description = "Party code")),
    responses((status = 200, body = Party), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[patch("/api/v1/parties/{code}")]
pub async fn update_party(
    state: web::Data<AppState>,
    p: Principal,
    code: web::Path<String>,
    body: Json<PartyPatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(change_party(&state, &p, code.into_inner(), body.into_inner()?).await?))
}

/// Rename, deactivate or reactivate a party as `p` (the API's and the console's one path).
pub async fn change_party(state: &AppState, p: &Principal, code: String, body: PartyPatch) -> Result<Party, ApiError> {
    let (subject, ctx, c2) = (p.subject(), p.ctx.clone(), code.clone());
    let result = state.db.run(move |c| parties::update(c, &subject, &ctx, &c2, body)).await;
    refusal(state, p, "party_update", "party", Some(&code), result).await
}

/// Users the caller administers (ST administrators: all; country administrators: their country's).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = UserPage)))]
#[get("/api/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    p: Principal,
    q: Query<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(users_page(&state, &p, q.into_inner()?).await?))
}

/// The users `p` administers (the API's and the console's one path).
pub async fn users_page(state: &AppState, p: &Principal, q: UserQuery) -> Result<UserPage, ApiError> {
    let subject = p.subject();
    let result = state.db.run(move |c| users::list(c, &subject, q)).await;
    refusal(state, p, "user_list", "user", None, result).await
}

/// The owner of a user a refused operation was about, when the caller may see that user (a
/// refusal as 404 names nobody).
async fn owner_of<T>(state: &AppState, p: &Principal, id: &str, r: &Result<T, ApiError>) -> Option<String> {
    match r {
        Err(ApiError::NotFound) | Ok(_) => None,
        Err(_) => {
            let (subject, id) = (p.subject(), id.to_owned());
            state.db.run(move |c| users::visible_party(c, &subject, &id)).await.ok().flatten()
        }
    }
}

/// The party named by a creation, if it exists (parties are public).
async fn party_named(state: &AppState, code: &str) -> Option<String> {
    let code = code.to_owned();
    state.db.run(move |c| crate::auth::accounts::find_party(c, &code)).await.ok().flatten().map(|p| p.code)
}

/// Create a user in a party the caller administers. Without `password`, a one-time password is
/// generated and returned once. The user must change it at first sign-in.
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, body = CreatedUser)))]
#[post("/api/v1/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let created = add_user(&state, &p, body.into_inner()?).await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/users/{}", created.user.id))).json(created))
}

/// Create a user as `p` (the API's and the console's one path).
pub async fn add_user(state: &AppState, p: &Principal, new: NewUser) -> Result<CreatedUser, ApiError> {
    let subject = p.subject();
    // Cheap checks before spending a password hash.
    let (s2, username, party, roles, password) =
        (subject.clone(), new.username.clone(), new.party.clone(), new.roles.clone(), new.password.clone());
    let probe =
        NewUser { username, display_name: new.display_name.clone(), email: new.email.clone(), party, roles, password };
    let checked = state.db.run(move |c| users::check_new(c, &s2, &probe)).await;
    let owner = if checked.is_err() { party_named(state, &new.party).await } else { None };
    refusal_owned(state, p, "user_create", "user", None, owner.as_deref(), checked).await?;
    let (initial, given) = match new.password.clone() {
        Some(pw) => (None, pw),
        None => {
            let pw = crate::auth::one_time_password();
            (Some(pw.clone()), pw)
        }
    };
    let hash = hash_password(&state.identity(), given).await?;
    let ctx = p.ctx.clone();
    let result = state.db.run(move |c| users::create(c, &subject, &ctx, new, hash)).await;
    let user = refusal(state, p, "user_create", "user", None, result).await?;
    Ok(CreatedUser { user, initial_password: initial })
}

/// One user the caller administers (404 for anyone else).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = User)))]
#[get("/api/v1/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(user_of(&state, &p, id.into_inner()).await?))
}

/// One user `p` administers (the API's and the console's one path).
pub async fn user_of(state: &AppState, p: &Principal, id: String) -> Result<User, ApiError> {
    let subject = p.subject();
    let id2 = id.clone();
    let result = state.db.run(move |c| users::get(c, &subject, &id2)).await;
    refusal(state, p, "user_read", "user", Some(&id), result).await
}

/// Update a user's names, roles, status or MFA. Nobody changes their own roles or status.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "admin", security(("bearer" = [])), request_body = UserPatch,
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = User)))]
#[patch("/api/v1/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
    body: Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(change_user(&state, &p, id.into_inner(), body.into_inner()?).await?))
}

/// Change a user as `p` (the API's and the console's one path).
pub async fn change_user(state: &AppState, p: &Principal, id: String, body: UserPatch) -> Result<User, ApiError> {
    let (subject, ctx) = (p.subject(), p.ctx.clone());
    let id2 = id.clone();
    let result = state.db.run(move |c| users::update(c, &subject, &ctx, &id2, body)).await;
    let owner = owner_of(state, p, &id, &result).await;
    refusal_owned(state, p, "user_update", "user", Some(&id), owner.as_deref(), result).await
}

/// Reset a user's password to a generated one-time password (returned once) and end their sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = PasswordReset)))]
#[post("/api/v1/users/{id}/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(reset_user_password(&state, &p, id.into_inner()).await?))
}

/// Reset a user's password as `p` (the API's and the console's one path).
pub async fn reset_user_password(state: &AppState, p: &Principal, id: String) -> Result<PasswordReset, ApiError> {
    let (subject, ctx) = (p.subject(), p.ctx.clone());
    let (id2, s2) = (id.clone(), subject.clone());
    let checked = state.db.run(move |c| users::check_reset(c, &s2, &id2)).await;
    let owner = owner_of(state, p, &id, &checked).await;
    refusal_owned(state, p, "user_password_reset", "user", Some(&id), owner.as_deref(), checked).await?;
    let otp = crate::auth::one_time_password();
    let hash = hash_password(&state.identity(), otp.clone()).await?;
    let id2 = id.clone();
    let result = state.db.run(move |c| users::reset_password(c, &subject, &ctx, &id2, hash)).await;
    refusal(state, p, "user_password_reset", "user", Some(&id), result).await?;
    Ok(PasswordReset { one_time_password: otp })
}

/// End every session of a user at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/end-sessions", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = SessionsEnded)))]
#[post("/api/v1/users/{id}/end-sessions")]
pub async fn end_sessions(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(end_user_sessions(&state, &p, id.into_inner()).await?))
}

/// End a user's sessions as `p` (the API's and the console's one path).
pub async fn end_user_sessions(state: &AppState, p: &Principal, id: String) -> Result<SessionsEnded, ApiError> {
    let (subject, ctx) = (p.subject(), p.ctx.clone());
    let id2 = id.clone();
    let result = state.db.run(move |c| users::end_sessions(c, &subject, &ctx, &id2)).await;
    let owner = owner_of(state, p, &id, &result).await;
    refusal_owned(state, p, "user_end_sessions", "user", Some(&id), owner.as_deref(), result).await
}
