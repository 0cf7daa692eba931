//! Console sessions: the same rows of the sessions table as API sessions (revoked the same way,
//! by sign-out, "sign out everywhere", a password change, a disabled user or the ST's
//! containment), reached by the SHA-256 of a random secret that the browser holds in a
//! `__Host-` cookie, and ended by an idle timeout as well as by their absolute lifetime.
//!
//! The CSRF token of a console form is derived from that secret, so it is tied to the session,
//! cannot be computed without the cookie (which script cannot read), and needs no storage.

use diesel::prelude::*;

use super::principal::SessionScope;
use crate::db::DbConn;
use crate::db::schema::sessions;
use crate::error::ApiError;

/// A console session ends after this long without a request.
pub const IDLE_TIMEOUT_SECONDS: i64 = 30 * 60;
/// `last_seen_at` is written at most this often per session (not on every page).
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The storage key of a cookie secret.
fn stored(secret: &str) -> String {
    super::sha256_hex(secret.as_bytes())
}

/// Open a console session for a user and return the cookie secret (shown only to the browser).
pub fn open(conn: &mut DbConn, user_id: &str, scope: SessionScope) -> Result<(String, String), ApiError> {
    let secret = super::random_token();
    let session_id = super::service::insert_session(conn, user_id, scope, Some(stored(&secret)))?;
    Ok((session_id, secret))
}

/// The session a cookie secret opens, if it is live and has not been idle too long; its last
/// use is recorded (at most once a minute). A secret of the wrong shape is not looked up.
pub fn session_of(conn: &mut DbConn, secret: &str, now: i64) -> Result<Option<String>, ApiError> {
    if secret.is_empty()
        || secret.len() > 64
        || !secret.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    {
        return Ok(None);
    }
    let row: Option<(String, Option<i64>, Option<i64>)> = sessions::table
        .filter(sessions::cookie_hash.eq(stored(secret)))
        .select((sessions::id, sessions::last_seen_at, sessions::revoked_at))
        .get_result(conn)
        .optional()?;
    let Some((id, last_seen, revoked)) = row else { return Ok(None) };
    if revoked.is_some() {
        return Ok(None);
    }
    let last_seen = last_seen.unwrap_or(0);
    if now - last_seen > IDLE_TIMEOUT_SECONDS {
        diesel::update(sessions::table.find(&id).filter(sessions::revoked_at.is_null()))
            .set((sessions::revoked_at.eq(Some(now)), sessions::revoke_reason.eq(Some("idle"))))
            .execute(conn)?;
        return Ok(None);
    }
    if now - last_seen >= TOUCH_EVERY_SECONDS {
        diesel::update(sessions::table.find(&id)).set(sessions::last_seen_at.eq(Some(now))).execute(conn)?;
    }
    Ok(Some(id))
}

/// The CSRF token of the session a cookie secret opens.
pub fn csrf_token(secret: &str) -> String {
    super::sha256_hex(format!("enlace console csrf\n{secret}").as_bytes())
}

/// Whether a presented CSRF token is the one of this cookie secret (compared in constant time).
pub fn csrf_matches(secret: &str, presented: &str) -> bool {
    crate::digest::same_secret(&csrf_token(secret), presented)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_belongs_to_one_secret() {
        let (a, b) = ("secret-a", "secret-b");
        assert!(csrf_matches(a, &csrf_token(a)));
        assert!(!csrf_matches(b, &csrf_token(a)));
        assert!(!csrf_matches(a, ""));
        assert!(!csrf_matches(a, &csrf_token(a)[..63]));
    }
}
