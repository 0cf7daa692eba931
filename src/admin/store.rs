//! Users and parties in the database: records and queries shared by sign-in and administration.

use diesel::prelude::*;

use crate::access::{PartyKind, Role, Subject};
use crate::db::DbConn;
use crate::db::schema::{parties, user_roles, users};
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
}

impl PartyRow {
    pub fn kind(&self) -> PartyKind {
        PartyKind::parse(&self.kind).unwrap_or(PartyKind::Observer)
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
    let mut roles: Vec<Role> = names.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    Ok(roles)
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
