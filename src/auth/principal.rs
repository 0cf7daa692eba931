//! The acting user of a request. `Authenticated` accepts any live session (including sessions
//! restricted to enrolling MFA or changing a password); `Principal` requires a full session.
//! Both verify the bearer token, then load the user, party, roles and session from the
//! database, and refuse (401) a disabled user, a deactivated party or an ended session.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use crate::access::Subject;
use crate::admin::store::{self, UserRecord};
use crate::audit::{Actor, Event, Outcome, RequestContext};
use crate::error::ApiError;
use crate::server::AppState;

/// What a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionScope {
    Full,
    /// Only enrol a second factor (roles that require MFA, before enrolment).
    MfaEnrolment,
    /// Only change the password (first sign-in with an initial or reset password).
    PasswordChange,
}

impl SessionScope {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionScope::Full => "full",
            SessionScope::MfaEnrolment => "mfa_enrolment",
            SessionScope::PasswordChange => "password_change",
        }
    }

    pub fn parse(s: &str) -> SessionScope {
        match s {
            "full" => SessionScope::Full,
            "mfa_enrolment" => SessionScope::MfaEnrolment,
            _ => SessionScope::PasswordChange,
        }
    }
}

/// An authenticated request with any live session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub record: UserRecord,
    pub session_id: String,
    pub scope: SessionScope,
    pub ctx: RequestContext,
}

impl Authenticated {
    pub fn subject(&self) -> Subject {
        self.record.subject()
    }
}

/// An authenticated request with a full session.
#[derive(Debug, Clone)]
pub struct Principal(pub Authenticated);

impl std::ops::Deref for Principal {
    type Target = Authenticated;
    fn deref(&self) -> &Authenticated {
        &self.0
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

async fn authenticate(req: HttpRequest) -> Result<Authenticated, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().cloned().ok_or(ApiError::Internal)?;
    let mut ctx = crate::http::context_of(&req);
    let token = bearer(&req);
    let loaded = state
        .db
        .run(move |conn| {
            let Some(token) = token else { return Ok(None) };
            let Some(claims) = crate::auth::tokens::verify(conn, &token)? else {
                return Ok(None);
            };
            let Some((session, record)) = store::find_by_session(conn, &claims.sid)? else {
                return Ok(None);
            };
            if session.user_id != claims.sub
                || session.revoked_at.is_some()
                || session.expires_at <= crate::clock::unix_now()
            {
                return Ok(None);
            }
            let scope = session.scope;
            if !record.may_sign_in() {
                return Ok(None);
            }
            Ok(Some((record, claims.sid, SessionScope::parse(&scope))))
        })
        .await?;
    match loaded {
        Some((record, session_id, scope)) => {
            ctx.actor = Some(Actor {
                user_id: record.user.id.clone(),
                party: record.party.code.clone(),
                roles: record.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            });
            Ok(Authenticated { record, session_id, scope, ctx })
        }
        None => {
            // Failed authentication is audited (who tried from where; never the token).
            if req.headers().contains_key(header::AUTHORIZATION) {
                let event = Event::new(&ctx, "authn_token_invalid", "session", Outcome::Denied);
                state.audit.record(event).await?;
            }
            Err(ApiError::Unauthorized)
        }
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let auth = authenticate(req).await?;
            match auth.scope {
                SessionScope::Full => Ok(Principal(auth)),
                other => Err(ApiError::RestrictedSession(other.as_str())),
            }
        })
    }
}
