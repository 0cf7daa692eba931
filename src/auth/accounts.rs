//! Users and parties in the database: records and queries shared by sign-in and administration.

use diesel::prelude::*;

use crate::access::{PartyKind, Role, Subject};
use crate::audit::{Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::{parties, sessions, user_roles, users};
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub party_code: String,
    pub status: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = parties)]
pub struct PartyRow {
    pub code: String,
    pub kind: String,
    pub name_es: String,
    pub name_en: String,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
    /// When a member country's onboarding ended (see `mark_onboarded`).
    pub onboarded_at: Option<String>,
}

impl PartyRow {
    pub fn kind(&self) -> PartyKind {
        PartyKind::parse(&self.kind).unwrap_or(PartyKind::Observer)
    }

    /// The party as user administration decisions see it.
    pub fn as_user_party(&self) -> crate::access::UserParty<'_> {
        crate::access::UserParty { code: &self.code, kind: self.kind(), onboarded: self.onboarded_at.is_some() }
    }
}

/// A user with their party and roles.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: UserRow,
    pub party: PartyRow,
    pub roles: Vec<Role>,
}

impl UserRecord {
    pub fn subject(&self) -> Subject {
        Subject {
            user_id: self.user.id.clone(),
            party: self.party.code.clone(),
            party_kind: self.party.kind(),
            roles: self.roles.clone(),
        }
    }

    /// Active user of an active party.
    pub fn may_sign_in(&self) -> bool {
        self.user.status == "active" && self.party.active
    }
}

pub fn roles_of(conn: &mut DbConn, user_id: &str) -> Result<Vec<Role>, ApiError> {
    let names: Vec<String> =
        user_roles::table.filter(user_roles::user_id.eq(user_id)).select(user_roles::role).load(conn)?;
    Ok(sorted_roles(names.iter().map(String::as_str)))
}

fn sorted_roles<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Role> {
    let mut roles: Vec<Role> = names.filter_map(Role::parse).collect();
    roles.sort();
    roles
}

pub fn find_by_id(conn: &mut DbConn, id: &str) -> Result<Option<UserRecord>, ApiError> {
    let row: Option<(UserRow, PartyRow)> = users::table
        .inner_join(parties::table)
        .filter(users::id.eq(id))
        .select((UserRow::as_select(), PartyRow::as_select()))
        .get_result(conn)
        .optional()?;
    with_roles(conn, row)
}

/// A session as authentication reads it: its user, scope, expiry and revocation.
pub struct SessionRow {
    pub user_id: String,
    pub scope: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// The session and the user it belongs to (with party and roles), in one statement: every
/// authenticated request runs this, and on PostgreSQL each statement is a round trip.
pub fn find_by_session(conn: &mut DbConn, session_id: &str) -> Result<Option<(SessionRow, UserRecord)>, ApiError> {
    type Row = ((String, String, i64, Option<i64>), UserRow, PartyRow, Option<String>);
    let rows: Vec<Row> = sessions::table
        .inner_join(users::table.inner_join(parties::table))
        .left_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
        .filter(sessions::id.eq(session_id))
        .select((
            (sessions::user_id, sessions::scope, sessions::expires_at, sessions::revoked_at),
            UserRow::as_select(),
            PartyRow::as_select(),
            user_roles::role.nullable(),
        ))
        .load(conn)?;
    let roles = sorted_roles(rows.iter().filter_map(|r| r.3.as_deref()));
    Ok(rows.into_iter().next().map(|((user_id, scope, expires_at, revoked_at), user, party, _)| {
        (SessionRow { user_id, scope, expires_at, revoked_at }, UserRecord { user, party, roles })
    }))
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> Result<Option<UserRecord>, ApiError> {
    let row: Option<(UserRow, PartyRow)> = users::table
        .inner_join(parties::table)
        .filter(users::username.eq(username.trim().to_lowercase()))
        .select((UserRow::as_select(), PartyRow::as_select()))
        .get_result(conn)
        .optional()?;
    with_roles(conn, row)
}

fn with_roles(conn: &mut DbConn, row: Option<(UserRow, PartyRow)>) -> Result<Option<UserRecord>, ApiError> {
    match row {
        None => Ok(None),
        Some((user, party)) => {
            let roles = roles_of(conn, &user.id)?;
            Ok(Some(UserRecord { user, party, roles }))
        }
    }
}

pub fn find_party(conn: &mut DbConn, code: &str) -> Result<Option<PartyRow>, ApiError> {
    Ok(parties::table.find(code).select(PartyRow::as_select()).get_result(conn).optional()?)
}

pub fn set_roles(conn: &mut DbConn, user_id: &str, roles: &[Role]) -> Result<(), ApiError> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user_id))).execute(conn)?;
    for role in roles {
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(user_id), user_roles::role.eq(role.as_str())))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_user(conn: &mut DbConn, row: &UserRow, roles: &[Role]) -> Result<(), ApiError> {
    diesel::insert_into(users::table).values(row).execute(conn)?;
    set_roles(conn, &row.id, roles)
}

pub fn count_users(conn: &mut DbConn) -> Result<i64, ApiError> {
    Ok(users::table.count().get_result(conn)?)
}

/// End a member country's onboarding when one of its users first signs in fully (inside the
/// sign-in's transaction): from then on the ST no longer creates its users. Once only.
pub fn mark_onboarded(
    conn: &mut DbConn,
    ctx: &RequestContext,
    party: &PartyRow,
    now: &str,
    events: &mut Vec<Event>,
) -> Result<(), ApiError> {
    if party.kind() != PartyKind::Member || party.onboarded_at.is_some() {
        return Ok(());
    }
    let updated = diesel::update(parties::table.find(&party.code).filter(parties::onboarded_at.is_null()))
        .set(parties::onboarded_at.eq(now))
        .execute(conn)?;
    if updated == 1 {
        events.push(
            Event::new(ctx, "party_onboarded", "party", Outcome::Allowed).object(party.code.clone(), Some(&party.code)),
        );
    }
    Ok(())
}
