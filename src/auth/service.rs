//! Sign-in, token refresh, sign-out, password change and TOTP enrolment.
//!
//! Unknown usernames and wrong passwords take the same path (a dummy hash is verified) and give
//! byte-identical answers; throttling is checked before any password work; every outcome is
//! audited in the same transaction as its effect.

use std::sync::Arc;

use actix_web::web;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::principal::{Authenticated, SessionScope};
use super::{mfa, password, throttle, tokens};
use crate::audit::{self, Actor, AuditWriter, Event, Outcome, RequestContext};
use crate::auth::accounts::{self as store, UserRecord};
use crate::db::schema::{refresh_tokens, sessions, users};
use crate::db::{Db, DbConn};
use crate::error::{ApiError, FieldError, SecondFactor};
use crate::metrics::SignInRefusal;
use crate::sealing::MasterKey;

/// Absolute lifetime of a session (refresh tokens rotate inside it).
pub const SESSION_TTL_SECONDS: i64 = 12 * 3600;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The current 6-digit TOTP code, for accounts with MFA enrolled.
    #[serde(default)]
    pub totp: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
    /// Opaque; single use: every refresh returns a new one.
    pub refresh_token: String,
    /// `full`, or `mfa_enrolment` / `password_change` for a session restricted to that step.
    pub scope: &'static str,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32 secret to enter in an authenticator app.
    pub secret: String,
    pub otpauth_uri: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// What the identity functions need from the running service.
pub struct Identity<'a> {
    pub db: &'a Db,
    pub audit: &'a AuditWriter,
    /// Bounds concurrent password hashing (each argon2id computation holds ~19 MiB).
    pub hash_permits: &'a Arc<tokio::sync::Semaphore>,
    /// Seals the token signing keys at rest.
    pub master: &'a Arc<MasterKey>,
    /// Every role must enrol a second factor, not only those that require one.
    pub mfa_all_roles: bool,
    /// Where refused sign-ins are counted (never with the account's name).
    pub metrics: &'a crate::metrics::Metrics,
}

fn actor_of(record: &UserRecord) -> Actor {
    Actor {
        user_id: record.user.id.clone(),
        party: record.party.code.clone(),
        roles: record.roles.iter().map(|r| r.as_str().to_owned()).collect(),
    }
}

/// Run one password hash on the blocking pool under a hashing permit. A permit rests as long as
/// its hash ran before the next hash may take it: hashing uses at most half of a core per
/// permit, so that a flood of sign-ins (each ~15 ms of argon2id) leaves the rest of the machine
/// to everything else. The caller's answer is not delayed; the next sign-in's is.
async fn hashing<T: Send + 'static>(
    state: &Identity<'_>,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let permit = state.hash_permits.clone().acquire_owned().await.map_err(|_| ApiError::Unavailable)?;
    let started = std::time::Instant::now();
    let result = web::block(f).await.map_err(|_| ApiError::Internal);
    let rest = started.elapsed();
    actix_web::rt::spawn(async move {
        actix_web::rt::time::sleep(rest).await;
        drop(permit);
    });
    result
}

/// Verify a password on the blocking pool, under the hashing limit.
pub async fn verify_password(state: &Identity<'_>, password: String, phc: String) -> Result<bool, ApiError> {
    hashing(state, move || password::verify(&password, &phc)).await
}

/// Hash a password on the blocking pool, under the hashing limit.
pub async fn hash_password(state: &Identity<'_>, password: String) -> Result<String, ApiError> {
    hashing(state, move || password::hash(&password)).await?
}

/// What a successful sign-in opens.
fn session_scope(record: &UserRecord, mfa_all_roles: bool) -> SessionScope {
    let needs_mfa = mfa_all_roles || record.roles.iter().any(|r| r.requires_mfa());
    if record.user.must_change_password {
        SessionScope::PasswordChange
    } else if needs_mfa && !record.user.totp_enabled {
        SessionScope::MfaEnrolment
    } else {
        SessionScope::Full
    }
}

fn open_session(
    conn: &mut DbConn,
    master: &MasterKey,
    user_id: &str,
    scope: SessionScope,
) -> Result<TokenResponse, ApiError> {
    let session_id = insert_session(conn, user_id, scope, None)?;
    issue_tokens(conn, master, user_id, &session_id, scope)
}

/// Insert a session row (the one place sessions are created, for API tokens and console
/// cookies alike) and return its id. A console session stores its cookie's digest and when
/// it was last used, for the idle timeout.
pub(super) fn insert_session(
    conn: &mut DbConn,
    user_id: &str,
    scope: SessionScope,
    cookie_hash: Option<String>,
) -> Result<String, ApiError> {
    let now = crate::clock::unix_now();
    let session_id = uuid::Uuid::now_v7().to_string();
    let last_seen = cookie_hash.is_some().then_some(now);
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(user_id),
            sessions::scope.eq(scope.as_str()),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + SESSION_TTL_SECONDS),
            sessions::cookie_hash.eq(cookie_hash),
            sessions::last_seen_at.eq(last_seen),
        ))
        .execute(conn)?;
    Ok(session_id)
}

fn issue_tokens(
    conn: &mut DbConn,
    master: &MasterKey,
    user_id: &str,
    session_id: &str,
    scope: SessionScope,
) -> Result<TokenResponse, ApiError> {
    let refresh = super::random_token();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(super::sha256_hex(refresh.as_bytes())),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(crate::clock::unix_now()),
            refresh_tokens::used.eq(false),
        ))
        .execute(conn)?;
    let (access_token, expires_in) = tokens::issue(conn, master, user_id, session_id)?;
    Ok(TokenResponse { access_token, token_type: "Bearer", expires_in, refresh_token: refresh, scope: scope.as_str() })
}

/// Revoke every live session of a user.
pub fn revoke_sessions(conn: &mut DbConn, user_id: &str, reason: &str) -> Result<usize, ApiError> {
    Ok(diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(Some(crate::clock::unix_now())), sessions::revoke_reason.eq(Some(reason))))
        .execute(conn)?)
}

/// Where a sign-in opens its session: an API client receives tokens, the web console a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Api,
    Console,
}

impl Channel {
    fn observed(self) -> crate::metrics::Channel {
        match self {
            Channel::Api => crate::metrics::Channel::Api,
            Channel::Console => crate::metrics::Channel::Console,
        }
    }
}

/// What a successful sign-in opened.
pub enum Opened {
    Tokens(TokenResponse),
    /// A console session: the cookie secret and the session's scope.
    Cookie {
        secret: String,
        scope: SessionScope,
    },
}

/// Sign in through the API: tokens.
pub async fn login(state: &Identity<'_>, ctx: RequestContext, req: LoginRequest) -> Result<TokenResponse, ApiError> {
    match sign_in(state, ctx, req, Channel::Api).await? {
        Opened::Tokens(t) => Ok(t),
        Opened::Cookie { .. } => Err(ApiError::Internal),
    }
}

/// Sign in through either channel: the same checks, throttling and audit events (which name
/// the channel), a different credential.
pub async fn sign_in(
    state: &Identity<'_>,
    ctx: RequestContext,
    req: LoginRequest,
    channel: Channel,
) -> Result<Opened, ApiError> {
    let username = req.username.trim().to_lowercase();
    if username.is_empty() || username.len() > 64 || req.password.len() > 4 * password::MAX_LEN {
        return Err(ApiError::Unauthorized);
    }
    let account_key = throttle::account_key(&username);
    let address_key = throttle::address_key(ctx.client_addr.as_deref().unwrap_or("unknown"));

    // 1. Throttle before any password work.
    let (keys, name) = ((account_key.clone(), address_key.clone()), username.clone());
    let (blocked, record) = state
        .db
        .run(move |conn| {
            let now = crate::clock::unix_now();
            let blocked = [&keys.0, &keys.1]
                .into_iter()
                .map(|k| throttle::blocked_for(conn, k, now))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .max();
            Ok((blocked, store::find_by_username(conn, &name)?))
        })
        .await?;
    if let Some(retry_after) = blocked {
        let ev = Event::new(&ctx, "authn_login_throttled", "session", Outcome::Denied)
            .details(serde_json::json!({"retry_after": retry_after}));
        state.audit.record(ev).await?;
        state.metrics.sign_in_refused(channel.observed(), SignInRefusal::Throttled);
        return Err(ApiError::TooManyRequests { retry_after: retry_after as u64 });
    }

    // 2. Password (a dummy hash for unknown users, so both cost the same).
    let phc =
        record.as_ref().map(|r| r.user.password_hash.clone()).unwrap_or_else(|| password::dummy_hash().to_owned());
    let password_ok = verify_password(state, req.password.clone(), phc).await?;
    let record = record.filter(|r| password_ok && r.may_sign_in());

    // 3. Second factor.
    let now = crate::clock::unix_now() as u64;
    // A wrong password answers `Unauthorized` whatever the code; with the right one, the caller
    // is told what is wrong with the code.
    let mut totp_step = None;
    let mut failure = record.is_none().then_some(ApiError::Unauthorized);
    if let Some(r) = &record
        && r.user.totp_enabled
    {
        let problem = match (&req.totp, &r.user.totp_secret) {
            (None, _) => Some(SecondFactor::Required),
            (Some(code), Some(secret)) => match mfa::matching_step(secret, code, now) {
                Some(step) if mfa::fresh(step, r.user.totp_last_step) => {
                    totp_step = Some(step as i64);
                    None
                }
                Some(_) => Some(SecondFactor::Used),
                None => Some(SecondFactor::Invalid),
            },
            (Some(_), None) => Some(SecondFactor::Invalid),
        };
        failure = problem.map(ApiError::SecondFactor);
    }

    // 4. Record the outcome with its audit event, in one transaction.
    let rehash = match (&record, &failure) {
        (Some(r), None) if password::needs_rehash(&r.user.password_hash) => {
            Some(hash_password(state, req.password).await?)
        }
        _ => None,
    };
    let mfa_all = state.mfa_all_roles;
    let master = state.master.clone();
    let outcome = state
        .db
        .run(move |conn| {
            audit::write(conn, |conn, events| {
                let now = crate::clock::unix_now();
                match (record, failure) {
                    (Some(r), None) => {
                        throttle::reset(conn, &account_key)?;
                        let mut changes = vec![];
                        if let Some(step) = totp_step {
                            diesel::update(users::table.find(&r.user.id))
                                .set(users::totp_last_step.eq(Some(step)))
                                .execute(conn)?;
                        }
                        if let Some(h) = rehash {
                            diesel::update(users::table.find(&r.user.id))
                                .set(users::password_hash.eq(h))
                                .execute(conn)?;
                            changes.push("password_rehashed");
                        }
                        let scope = session_scope(&r, mfa_all);
                        let (opened, session_id) = match channel {
                            Channel::Api => {
                                let t = open_session(conn, &master, &r.user.id, scope)?;
                                (Opened::Tokens(t), None)
                            }
                            Channel::Console => {
                                let (id, secret) = crate::auth::cookies::open(conn, &r.user.id, scope)?;
                                (Opened::Cookie { secret, scope }, Some(id))
                            }
                        };
                        let mut ctx = ctx.clone();
                        ctx.actor = Some(actor_of(&r));
                        if scope == SessionScope::Full {
                            crate::auth::accounts::mark_onboarded(
                                conn,
                                &ctx,
                                &r.party,
                                &crate::clock::now_text(),
                                events,
                            )?;
                        }
                        events.push(
                            Event::new(&ctx, "authn_login", "session", Outcome::Allowed)
                                .object(r.user.id.clone(), Some(&r.party.code))
                                .details(serde_json::json!({
                                    "scope": scope.as_str(),
                                    "mfa": totp_step.is_some(),
                                    "changes": changes,
                                    "channel": if session_id.is_some() { "console" } else { "api" },
                                })),
                        );
                        Ok(Ok(opened))
                    }
                    (record, Some(refusal)) => {
                        throttle::record_failure(conn, &account_key, throttle::ACCOUNT, now)?;
                        throttle::record_failure(conn, &address_key, throttle::ADDRESS, now)?;
                        let mut ev = Event::new(&ctx, "authn_login_fail", "session", Outcome::Denied);
                        if let Some(r) = record {
                            let reason = match refusal {
                                ApiError::SecondFactor(SecondFactor::Required) => "totp_required",
                                ApiError::SecondFactor(SecondFactor::Used) => "totp_used",
                                ApiError::SecondFactor(SecondFactor::Invalid) => "totp_invalid",
                                _ => "credentials",
                            };
                            ev = ev
                                .object(r.user.id.clone(), Some(&r.party.code))
                                .details(serde_json::json!({"reason": reason}));
                        }
                        events.push(ev);
                        Ok(Err(refusal))
                    }
                    (None, None) => Ok(Err(ApiError::Unauthorized)),
                }
            })
        })
        .await?;
    if outcome.is_err() {
        state.metrics.sign_in_refused(channel.observed(), SignInRefusal::Failed);
    }
    outcome
}

pub async fn refresh(
    state: &Identity<'_>,
    ctx: RequestContext,
    req: RefreshRequest,
) -> Result<TokenResponse, ApiError> {
    if req.refresh_token.len() > 128 {
        return Err(ApiError::Unauthorized);
    }
    let hash = super::sha256_hex(req.refresh_token.as_bytes());
    let master = state.master.clone();
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn, events| {
                let row: Option<(String, bool)> = refresh_tokens::table
                    .find(&hash)
                    .select((refresh_tokens::session_id, refresh_tokens::used))
                    .get_result(conn)
                    .optional()?;
                let Some((session_id, used)) = row else {
                    return Ok(Err(ApiError::Unauthorized));
                };
                let session: (String, String, i64, Option<i64>) = sessions::table
                    .find(&session_id)
                    .select((sessions::user_id, sessions::scope, sessions::expires_at, sessions::revoked_at))
                    .get_result(conn)?;
                let (user_id, scope, expires_at, revoked_at) = session;
                let record = store::find_by_id(conn, &user_id)?;
                let mut ctx = ctx.clone();
                let party = record.as_ref().map(|r| r.party.code.clone());
                ctx.actor = record.as_ref().map(actor_of);
                if used {
                    // Reuse of a rotated token: someone holds a stolen copy. End the session.
                    diesel::update(sessions::table.find(&session_id))
                        .set((
                            sessions::revoked_at.eq(Some(crate::clock::unix_now())),
                            sessions::revoke_reason.eq(Some("refresh_reuse")),
                        ))
                        .execute(conn)?;
                    events.push(
                        Event::new(&ctx, "authn_refresh_reuse", "session", Outcome::Denied)
                            .object(session_id.clone(), party.as_deref()),
                    );
                    return Ok(Err(ApiError::Unauthorized));
                }
                let live = revoked_at.is_none()
                    && expires_at > crate::clock::unix_now()
                    && record.as_ref().is_some_and(UserRecord::may_sign_in);
                if !live {
                    events.push(
                        Event::new(&ctx, "authn_refresh", "session", Outcome::Denied)
                            .object(session_id, party.as_deref()),
                    );
                    return Ok(Err(ApiError::Unauthorized));
                }
                diesel::update(refresh_tokens::table.find(&hash)).set(refresh_tokens::used.eq(true)).execute(conn)?;
                let tokens = issue_tokens(conn, &master, &user_id, &session_id, SessionScope::parse(&scope))?;
                events.push(
                    Event::new(&ctx, "authn_refresh", "session", Outcome::Allowed).object(session_id, party.as_deref()),
                );
                Ok(Ok(tokens))
            })
        })
        .await?
}

pub async fn logout(state: &Identity<'_>, auth: Authenticated) -> Result<(), ApiError> {
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn, events| {
                diesel::update(sessions::table.find(&auth.session_id))
                    .set((
                        sessions::revoked_at.eq(Some(crate::clock::unix_now())),
                        sessions::revoke_reason.eq(Some("logout")),
                    ))
                    .execute(conn)?;
                events.push(
                    Event::new(&auth.ctx, "authn_logout", "session", Outcome::Allowed)
                        .object(auth.session_id.clone(), Some(&auth.record.party.code)),
                );
                Ok(())
            })
        })
        .await
}

/// End every session of the signed-in user, on every device and channel.
pub async fn logout_everywhere(state: &Identity<'_>, auth: Authenticated) -> Result<usize, ApiError> {
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn, events| {
                let ended = revoke_sessions(conn, &auth.record.user.id, "logout_everywhere")?;
                events.push(
                    Event::new(&auth.ctx, "authn_logout_everywhere", "session", Outcome::Allowed)
                        .object(auth.record.user.id.clone(), Some(&auth.record.party.code))
                        .details(serde_json::json!({"sessions_ended": ended})),
                );
                Ok(ended)
            })
        })
        .await
}

pub async fn change_password(state: &Identity<'_>, auth: Authenticated, req: PasswordChange) -> Result<(), ApiError> {
    password::check_policy(&req.new_password, &auth.record.user.username, "new_password")?;
    if req.new_password == req.current_password {
        return Err(ApiError::Validation(vec![FieldError::new(
            "new_password",
            "unchanged",
            "the new password must differ from the current one",
            "la nueva contraseña debe ser distinta de la actual",
        )]));
    }
    let ok = verify_password(state, req.current_password, auth.record.user.password_hash.clone()).await?;
    if !ok {
        state
            .audit
            .record(
                Event::new(&auth.ctx, "password_change", "user", Outcome::Denied)
                    .object(auth.record.user.id.clone(), Some(&auth.record.party.code)),
            )
            .await?;
        return Err(ApiError::field(
            "current_password",
            "incorrect",
            "the current password is not correct",
            "la contraseña actual no es correcta",
        ));
    }
    let new_hash = hash_password(state, req.new_password).await?;
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn, events| {
                diesel::update(users::table.find(&auth.record.user.id))
                    .set((
                        users::password_hash.eq(new_hash),
                        users::must_change_password.eq(false),
                        users::updated_at.eq(crate::clock::now_text()),
                    ))
                    .execute(conn)?;
                let ended = revoke_sessions(conn, &auth.record.user.id, "password_change")?;
                events.push(
                    Event::new(&auth.ctx, "password_change", "user", Outcome::Allowed)
                        .object(auth.record.user.id.clone(), Some(&auth.record.party.code))
                        .details(serde_json::json!({"sessions_ended": ended})),
                );
                Ok(())
            })
        })
        .await
}

pub async fn enrol_totp(state: &Identity<'_>, auth: Authenticated) -> Result<TotpEnrolment, ApiError> {
    if auth.record.user.totp_enabled {
        return Err(ApiError::Conflict("mfa_already_enrolled"));
    }
    let secret = mfa::new_secret();
    let uri = mfa::otpauth_uri(&auth.record.user.username, &secret);
    let stored = secret.clone();
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn, events| {
                diesel::update(users::table.find(&auth.record.user.id))
                    .set(users::totp_secret.eq(Some(stored)))
                    .execute(conn)?;
                events.push(
                    Event::new(&auth.ctx, "mfa_enrol_start", "user", Outcome::Allowed)
                        .object(auth.record.user.id.clone(), Some(&auth.record.party.code)),
                );
                Ok(())
            })
        })
        .await?;
    Ok(TotpEnrolment { secret, otpauth_uri: uri })
}

pub async fn verify_totp(state: &Identity<'_>, auth: Authenticated, req: TotpCode) -> Result<(), ApiError> {
    let now = crate::clock::unix_now() as u64;
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn, events| {
                let user: (Option<String>, bool, Option<i64>) = users::table
                    .find(&auth.record.user.id)
                    .select((users::totp_secret, users::totp_enabled, users::totp_last_step))
                    .get_result(conn)?;
                let obj = (auth.record.user.id.clone(), auth.record.party.code.clone());
                let (Some(secret), false, last) = user else {
                    return Ok(Err(ApiError::Conflict("no_pending_enrolment")));
                };
                let Some(step) = mfa::matching_step(&secret, &req.code, now).filter(|s| mfa::fresh(*s, last)) else {
                    events.push(
                        Event::new(&auth.ctx, "mfa_enrol_verify", "user", Outcome::Denied).object(obj.0, Some(&obj.1)),
                    );
                    return Ok(Err(ApiError::field(
                        "code",
                        "incorrect",
                        "the code is not valid",
                        "el código no es válido",
                    )));
                };
                diesel::update(users::table.find(&auth.record.user.id))
                    .set((
                        users::totp_enabled.eq(true),
                        users::totp_last_step.eq(Some(step as i64)),
                        users::updated_at.eq(crate::clock::now_text()),
                    ))
                    .execute(conn)?;
                // A session opened only to enrol becomes a full session.
                if auth.scope == SessionScope::MfaEnrolment {
                    diesel::update(sessions::table.find(&auth.session_id))
                        .set(sessions::scope.eq(SessionScope::Full.as_str()))
                        .execute(conn)?;
                    let now = crate::clock::now_text();
                    crate::auth::accounts::mark_onboarded(conn, &auth.ctx, &auth.record.party, &now, events)?;
                }
                events.push(
                    Event::new(&auth.ctx, "mfa_enrol_verify", "user", Outcome::Allowed).object(obj.0, Some(&obj.1)),
                );
                Ok(Ok(()))
            })
        })
        .await?
}
