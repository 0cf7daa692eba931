//! The acting user of a request. `Authenticated` accepts any live session (including sessions
//! restricted to enrolling MFA or changing a password); `Principal` requires a full session.
//! Both verify the bearer token, then load the user, party, roles and session from the
//! database, and refuse (401) a disabled user, a deactivated party or an ended session. The
//! HTTP layer (`http`) extracts them from a request.

use crate::access::Subject;
use crate::audit::{Actor, AuditWriter, Event, Outcome, RequestContext};
use crate::auth::accounts::{self as store, UserRecord};
use crate::db::Db;
use crate::error::ApiError;

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

/// Verify a bearer token (`None` when the request carried none) and load the acting user,
/// refusing (401) a bad or expired token, an ended session, a disabled user or a deactivated
/// party. A request that presented credentials and failed is audited; the token never is.
pub async fn authenticate(
    db: &Db,
    audit: &AuditWriter,
    ctx: RequestContext,
    token: Option<String>,
    presented: bool,
) -> Result<Authenticated, ApiError> {
    let loaded = db
        .run(move |conn| {
            let Some(token) = token else { return Ok(None) };
            let Some(claims) = crate::auth::tokens::verify(conn, &token)? else {
                return Ok(None);
            };
            live_session(conn, &claims.sid, Some(&claims.sub))
        })
        .await?;
    identified(audit, ctx, loaded, presented).await
}

/// Verify a console session cookie's secret (`None` when the request carried none) exactly as
/// `authenticate` verifies a bearer token, and also refuse a session idle for too long.
pub async fn authenticate_cookie(
    db: &Db,
    audit: &AuditWriter,
    ctx: RequestContext,
    secret: Option<String>,
) -> Result<Authenticated, ApiError> {
    let presented = secret.is_some();
    let loaded = db
        .run(move |conn| {
            let Some(secret) = secret else { return Ok(None) };
            let Some(session_id) = crate::auth::cookies::session_of(conn, &secret, crate::clock::unix_now())? else {
                return Ok(None);
            };
            live_session(conn, &session_id, None)
        })
        .await?;
    identified(audit, ctx, loaded, presented).await
}

type Loaded = Option<(UserRecord, String, SessionScope)>;

/// The user of a live session (of `expected_user` when the credential names one).
fn live_session(
    conn: &mut crate::db::DbConn,
    session_id: &str,
    expected_user: Option<&str>,
) -> Result<Loaded, ApiError> {
    let Some((session, record)) = store::find_by_session(conn, session_id)? else {
        return Ok(None);
    };
    if expected_user.is_some_and(|u| u != session.user_id)
        || session.revoked_at.is_some()
        || session.expires_at <= crate::clock::unix_now()
        || !record.may_sign_in()
    {
        return Ok(None);
    }
    Ok(Some((record, session_id.to_owned(), SessionScope::parse(&session.scope))))
}

async fn identified(
    audit: &AuditWriter,
    mut ctx: RequestContext,
    loaded: Loaded,
    presented: bool,
) -> Result<Authenticated, ApiError> {
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
            if presented {
                let event = Event::new(&ctx, "authn_token_invalid", "session", Outcome::Denied);
                audit.record(event).await?;
            }
            Err(ApiError::Unauthorized)
        }
    }
}

impl Authenticated {
    /// A full session, or the refusal of a session restricted to one step.
    pub fn full(self) -> Result<Principal, ApiError> {
        match self.scope {
            SessionScope::Full => Ok(Principal(self)),
            other => Err(ApiError::RestrictedSession(other.as_str())),
        }
    }
}
