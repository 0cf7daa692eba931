//! Users: list, create, read, update (roles, status, names), reset password, end sessions.
//! Who may do what to whom is `access::may_administer`: a member country's own `country_admin`s
//! grant access to it; the ST creates its first administrators at onboarding and afterwards may
//! only disable its users or end their sessions; the ST manages its own and observers' users.
//! A user outside the caller's administration is answered 404, like a missing one.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{self, Role, Subject, UserOp};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::auth::accounts::{self as store, UserRecord, UserRow};
use crate::auth::service::revoke_sessions;
use crate::db::DbConn;
use crate::db::schema::{user_roles, users};
use crate::error::{ApiError, FieldError};

#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub party: String,
    pub roles: Vec<Role>,
    /// `active` or `disabled`.
    pub status: String,
    pub mfa_enabled: bool,
    pub must_change_password: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&UserRecord> for User {
    fn from(r: &UserRecord) -> User {
        User {
            id: r.user.id.clone(),
            username: r.user.username.clone(),
            display_name: r.user.display_name.clone(),
            email: r.user.email.clone(),
            party: r.party.code.clone(),
            roles: r.roles.clone(),
            status: r.user.status.clone(),
            mfa_enabled: r.user.totp_enabled,
            must_change_password: r.user.must_change_password,
            created_at: r.user.created_at.clone(),
            updated_at: r.user.updated_at.clone(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 3 to 64 characters: lower-case letters, digits, `.`, `_`, `-`.
    #[schema(pattern = "^[a-z0-9._-]{3,64}$")]
    pub username: String,
    /// 1 to 200 printable characters, not counting surrounding white space.
    #[schema(
        pattern = "^[ \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f])[ \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub display_name: String,
    /// An e-mail address (at most 254 bytes).
    #[schema(
        max_length = 254,
        pattern = "^[^@\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]+@[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]*\\.[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]*$"
    )]
    pub email: String,
    pub party: String,
    /// At least one; each must be allowed for the party's kind.
    #[schema(min_items = 1)]
    pub roles: Vec<Role>,
    /// Initial password (12–128 characters, not a common password nor the username). Omit it to
    /// have a one-time password generated and returned once. Either way the user must change it
    /// at first sign-in.
    #[serde(default)]
    #[schema(min_length = 12, max_length = 128)]
    pub password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// 1 to 200 printable characters, not counting surrounding white space.
    #[schema(
        pattern = "^[ \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f])[ \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub display_name: Option<String>,
    /// An e-mail address (at most 254 bytes).
    #[schema(
        max_length = 254,
        pattern = "^[^@\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]+@[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]*\\.[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\x00-\\x1f\\x7f-\\x9f]*$"
    )]
    pub email: Option<String>,
    /// At least one; each must be allowed for the party's kind.
    #[schema(min_items = 1)]
    pub roles: Option<Vec<Role>>,
    /// `active` or `disabled`; disabling ends the user's sessions.
    #[schema(pattern = "^(?:active|disabled)$")]
    pub status: Option<String>,
    /// `true` removes the enrolled second factor (the user enrols again at next sign-in).
    pub reset_mfa: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: User,
    /// The generated one-time password, shown only in this response (absent if one was given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordReset {
    /// The one-time password, shown only in this response; the user must change it at sign-in.
    pub one_time_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsEnded {
    pub sessions_ended: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Only users of this party.
    pub party: Option<String>,
    /// Only users holding this role.
    pub role: Option<Role>,
    /// `active` or `disabled`.
    pub status: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The previous page's `next_cursor`.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<User>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

pub(super) fn is_valid_username(u: &str) -> bool {
    (3..=64).contains(&u.len())
        && u.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

fn is_valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub(super) fn check_profile(display_name: Option<&str>, email: Option<&str>, issues: &mut Vec<FieldError>) {
    if let Some(n) = display_name {
        let len = n.trim().chars().count();
        if len == 0 || len > 200 || n.chars().any(char::is_control) {
            issues.push(FieldError::new(
                "display_name",
                "length",
                "must have 1 to 200 printable characters",
                "debe tener de 1 a 200 caracteres imprimibles",
            ));
        }
    }
    if let Some(e) = email
        && !is_valid_email(e)
    {
        issues.push(FieldError::new(
            "email",
            "invalid_email",
            "not a valid e-mail address",
            "no es un correo electrónico válido",
        ));
    }
}

fn check_roles(party: &store::PartyRow, roles: &[Role], issues: &mut Vec<FieldError>) {
    if roles.is_empty() {
        issues.push(FieldError::new("roles", "required", "at least one role", "al menos un rol"));
        return;
    }
    if let Some(r) = roles.iter().find(|r| !access::role_allowed_for(party.kind(), **r)) {
        issues.push(FieldError::new(
            "roles",
            "role_not_allowed_for_party",
            format!("a {} party cannot hold the role {}", party.kind().as_str(), r.as_str()),
            format!("una parte de tipo {} no puede tener el rol {}", party.kind().as_str(), r.as_str()),
        ));
    }
}

/// The operations a patch asks for, each decided on its own.
fn patch_ops(patch: &UserPatch) -> Vec<UserOp<'static>> {
    let mut ops = vec![];
    if patch.display_name.is_some() || patch.email.is_some() {
        ops.push(UserOp::EditProfile);
    }
    if patch.roles.is_some() {
        ops.push(UserOp::SetRoles);
    }
    match patch.status.as_deref() {
        Some("active") => ops.push(UserOp::Enable),
        Some(_) => ops.push(UserOp::Disable),
        None => {}
    }
    if patch.reset_mfa == Some(true) {
        ops.push(UserOp::ResetMfa);
    }
    ops
}

/// May the actor do `op` to this (visible) user?
fn administer(actor: &Subject, record: &UserRecord, op: UserOp) -> Result<(), ApiError> {
    access::may_administer(actor, record.party.as_user_party(), op, record.user.id == actor.user_id)
}

/// Load a user the actor administers; anyone else's user is NotFound.
fn managed_user(conn: &mut DbConn, actor: &Subject, id: &str) -> Result<UserRecord, ApiError> {
    let record = store::find_by_id(conn, id)?.ok_or(ApiError::NotFound)?;
    if !access::may_manage_users_of(actor, &record.party.code) {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

/// The party of a user the actor may see (to name the owner of a refused attempt on it).
pub fn visible_party(conn: &mut DbConn, actor: &Subject, id: &str) -> Result<Option<String>, ApiError> {
    Ok(managed_user(conn, actor, id).ok().map(|r| r.party.code))
}

fn require_admin(actor: &Subject) -> Result<(), ApiError> {
    if actor.has(Role::StAdmin) || actor.has(Role::CountryAdmin) { Ok(()) } else { Err(ApiError::Forbidden) }
}

pub fn list(conn: &mut DbConn, actor: &Subject, q: UserQuery) -> Result<UserPage, ApiError> {
    require_admin(actor)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "limit",
            "out_of_range",
            "must be between 1 and 200",
            "debe estar entre 1 y 200",
        )]));
    }
    let after = crate::paging::decode_cursor(q.cursor.as_deref())?;
    // A country administrator sees its own country's users only.
    let party = if actor.has(Role::StAdmin) {
        q.party.clone()
    } else {
        match &q.party {
            Some(p) if *p != actor.party => return Err(ApiError::Forbidden),
            _ => Some(actor.party.clone()),
        }
    };
    let mut query = users::table.select(users::id).order(users::id.asc()).limit(limit + 1).into_boxed();
    if let Some(p) = party {
        query = query.filter(users::party_code.eq(p));
    }
    if let Some(s) = q.status {
        query = query.filter(users::status.eq(s));
    }
    if let Some(r) = q.role {
        query = query.filter(
            users::id.eq_any(user_roles::table.filter(user_roles::role.eq(r.as_str())).select(user_roles::user_id)),
        );
    }
    if let Some(a) = after {
        query = query.filter(users::id.gt(a));
    }
    let mut ids: Vec<String> = query.load(conn)?;
    let next = if ids.len() as i64 > limit {
        ids.truncate(limit as usize);
        ids.last().cloned()
    } else {
        None
    };
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = store::find_by_id(conn, &id)? {
            items.push(User::from(&r));
        }
    }
    Ok(UserPage { items, next_cursor: next })
}

pub fn get(conn: &mut DbConn, actor: &Subject, id: &str) -> Result<User, ApiError> {
    require_admin(actor)?;
    Ok(User::from(&managed_user(conn, actor, id)?))
}

/// Validate a creation request before any password hashing (cheap checks first).
pub fn check_new(conn: &mut DbConn, actor: &Subject, new: &NewUser) -> Result<(), ApiError> {
    require_admin(actor)?;
    if !access::may_manage_users_of(actor, &new.party) {
        return Err(ApiError::Forbidden);
    }
    let Some(party) = store::find_party(conn, &new.party)? else {
        return Err(ApiError::field("party", "unknown_party", "no such party", "no existe esa parte"));
    };
    access::may_administer(actor, party.as_user_party(), UserOp::Create(&new.roles), false)?;
    let mut issues = vec![];
    if !is_valid_username(&new.username) {
        issues.push(FieldError::new(
            "username",
            "invalid_username",
            "3 to 64 characters: a-z, 0-9, '.', '_', '-'",
            "de 3 a 64 caracteres: a-z, 0-9, '.', '_', '-'",
        ));
    }
    check_profile(Some(&new.display_name), Some(&new.email), &mut issues);
    check_roles(&party, &new.roles, &mut issues);
    if let Some(p) = &new.password
        && let Err(ApiError::Validation(mut v)) = crate::auth::password::check_policy(p, &new.username, "password")
    {
        issues.append(&mut v);
    }
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    new: NewUser,
    password_hash: String,
) -> Result<User, ApiError> {
    check_new(conn, actor, &new)?;
    audit::write(conn, |conn, events| {
        if store::find_by_username(conn, &new.username)?.is_some() {
            return Err(ApiError::Validation(vec![FieldError::new(
                "username",
                "taken",
                "this username is taken",
                "este nombre de usuario ya existe",
            )]));
        }
        let now = crate::clock::now_text();
        let row = UserRow {
            id: uuid::Uuid::now_v7().to_string(),
            username: new.username.clone(),
            display_name: new.display_name.trim().to_owned(),
            email: new.email.trim().to_owned(),
            party_code: new.party.clone(),
            status: "active".into(),
            password_hash,
            must_change_password: true,
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut roles = new.roles.clone();
        roles.sort();
        roles.dedup();
        store::insert_user(conn, &row, &roles)?;
        events.push(
            Event::new(ctx, "user_create", "user", Outcome::Allowed)
                .object(row.id.clone(), Some(&row.party_code))
                .details(serde_json::json!({"roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()})),
        );
        let record = store::find_by_id(conn, &row.id)?.ok_or(ApiError::Internal)?;
        Ok(User::from(&record))
    })
}

pub fn update(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    id: &str,
    patch: UserPatch,
) -> Result<User, ApiError> {
    require_admin(actor)?;
    audit::write(conn, |conn, events| {
        let record = managed_user(conn, actor, id)?;
        for op in patch_ops(&patch) {
            administer(actor, &record, op)?;
        }
        let mut issues = vec![];
        check_profile(patch.display_name.as_deref(), patch.email.as_deref(), &mut issues);
        if let Some(s) = &patch.status
            && s != "active"
            && s != "disabled"
        {
            issues.push(FieldError::new(
                "status",
                "invalid_value",
                "must be active or disabled",
                "debe ser active o disabled",
            ));
        }
        if let Some(roles) = &patch.roles {
            check_roles(&record.party, roles, &mut issues);
        }
        if !issues.is_empty() {
            return Err(ApiError::Validation(issues));
        }
        let mut changed: Vec<&str> = vec![];
        let now = crate::clock::now_text();
        if let Some(n) = &patch.display_name {
            diesel::update(users::table.find(id)).set(users::display_name.eq(n.trim())).execute(conn)?;
            changed.push("display_name");
        }
        if let Some(e) = &patch.email {
            diesel::update(users::table.find(id)).set(users::email.eq(e.trim())).execute(conn)?;
            changed.push("email");
        }
        if let Some(roles) = &patch.roles {
            let mut roles = roles.clone();
            roles.sort();
            roles.dedup();
            store::set_roles(conn, id, &roles)?;
            changed.push("roles");
        }
        if let Some(s) = &patch.status {
            diesel::update(users::table.find(id)).set(users::status.eq(s)).execute(conn)?;
            if s == "disabled" {
                revoke_sessions(conn, id, "user_disabled")?;
            }
            changed.push("status");
        }
        if patch.reset_mfa == Some(true) {
            diesel::update(users::table.find(id))
                .set((
                    users::totp_enabled.eq(false),
                    users::totp_secret.eq(None::<String>),
                    users::totp_last_step.eq(None::<i64>),
                ))
                .execute(conn)?;
            revoke_sessions(conn, id, "mfa_reset")?;
            changed.push("mfa");
        }
        diesel::update(users::table.find(id)).set(users::updated_at.eq(now)).execute(conn)?;
        let after = store::find_by_id(conn, id)?.ok_or(ApiError::Internal)?;
        events.push(
            Event::new(ctx, "user_update", "user", Outcome::Allowed)
                .object(id.to_owned(), Some(&record.party.code))
                .details(serde_json::json!({
                    "changed": changed,
                    "roles_before": record.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    "roles_after": after.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    "status": after.user.status,
                })),
        );
        Ok(User::from(&after))
    })
}

/// Check that the actor may reset this user's password (before hashing).
pub fn check_reset(conn: &mut DbConn, actor: &Subject, id: &str) -> Result<(), ApiError> {
    require_admin(actor)?;
    administer(actor, &managed_user(conn, actor, id)?, UserOp::ResetPassword)
}

pub fn reset_password(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    id: &str,
    password_hash: String,
) -> Result<(), ApiError> {
    require_admin(actor)?;
    audit::write(conn, |conn, events| {
        let record = managed_user(conn, actor, id)?;
        administer(actor, &record, UserOp::ResetPassword)?;
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::must_change_password.eq(true),
                users::updated_at.eq(crate::clock::now_text()),
            ))
            .execute(conn)?;
        let ended = revoke_sessions(conn, id, "password_reset")?;
        events.push(
            Event::new(ctx, "user_password_reset", "user", Outcome::Allowed)
                .object(id.to_owned(), Some(&record.party.code))
                .details(serde_json::json!({"sessions_ended": ended})),
        );
        Ok(())
    })
}

pub fn end_sessions(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    id: &str,
) -> Result<SessionsEnded, ApiError> {
    require_admin(actor)?;
    audit::write(conn, |conn, events| {
        let record = managed_user(conn, actor, id)?;
        administer(actor, &record, UserOp::EndSessions)?;
        let ended = revoke_sessions(conn, id, "ended_by_admin")?;
        events.push(
            Event::new(ctx, "user_end_sessions", "user", Outcome::Allowed)
                .object(id.to_owned(), Some(&record.party.code))
                .details(serde_json::json!({"sessions_ended": ended})),
        );
        Ok(SessionsEnded { sessions_ended: ended })
    })
}
