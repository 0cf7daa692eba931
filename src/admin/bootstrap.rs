//! The way in for the first administrator: on first start with no users, `serve` creates `admin`
//! (ST, `st_admin`) with a one-time password written to `DATA_DIR/initial-admin.txt` (owner-only
//! permissions; the password never goes to the log). `enlace admin create-user` creates users
//! without a running server under exactly the rules of an ST administrator (for a member country:
//! its first `country_admin`s, before its onboarding ends). Both are audited with the actor `cli`.

use std::path::Path;

use crate::access::{self, Role};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::auth::accounts::{self as store, UserRow};
use crate::db::DbConn;
use crate::error::ApiError;

/// `enlace admin create-user`: create a user as an ST administrator may (`access::may_administer`).
pub fn create_user_as_operator(
    conn: &mut DbConn,
    party: &str,
    roles: &[Role],
    username: &str,
    password: &str,
) -> Result<String, String> {
    let party_row =
        store::find_party(conn, party).map_err(|e| e.to_string())?.ok_or(format!("unknown party {party}"))?;
    let operator = access::Subject {
        user_id: "cli".into(),
        party: "ST".into(),
        party_kind: access::PartyKind::Secretariat,
        roles: vec![Role::StAdmin],
    };
    if let Err(e) = access::may_administer(&operator, party_row.as_user_party(), access::UserOp::Create(roles), false) {
        return Err(match e {
            ApiError::Rule(crate::error::Rule::CountryOnboarded) => format!(
                "{party} has completed its onboarding: only its own country administrators create its users \
                 (if it has lost every administrator, use the recovery procedure: SECURITY.md)"
            ),
            _ => format!(
                "only {party}'s own country administrators grant access to it: the ST creates only its first \
                 country_admin accounts, before its onboarding ends"
            ),
        });
    }
    create_user(conn, party, roles, username, password, true)
}

/// Create a user directly in the database with no administration rule applied (the initial
/// administrator, demo data, tests). The password is hashed here.
pub fn create_user(
    conn: &mut DbConn,
    party: &str,
    roles: &[Role],
    username: &str,
    password: &str,
    must_change_password: bool,
) -> Result<String, String> {
    let party_row =
        store::find_party(conn, party).map_err(|e| e.to_string())?.ok_or(format!("unknown party {party}"))?;
    if roles.is_empty() {
        return Err("at least one role is required".into());
    }
    if let Some(r) = roles.iter().find(|r| !access::role_allowed_for(party_row.kind(), **r)) {
        return Err(format!("a {} party cannot hold the role {}", party_row.kind().as_str(), r.as_str()));
    }
    crate::auth::password::check_policy(password, username, "password").map_err(|_| {
        "the password must have 12 to 128 characters and not be common or contain the username".to_owned()
    })?;
    let hash = crate::auth::password::hash(password).map_err(|e| e.to_string())?;
    let now = crate::clock::now_text();
    let row = UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        username: username.trim().to_lowercase(),
        display_name: username.to_owned(),
        email: format!("{}@invalid", username.trim().to_lowercase()),
        party_code: party.to_owned(),
        status: "active".into(),
        password_hash: hash,
        must_change_password,
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
        created_at: now.clone(),
        updated_at: now,
    };
    let ctx = RequestContext { request_id: "cli".into(), client_addr: None, actor: None };
    audit::write(conn, |conn, events| {
        if store::find_by_username(conn, &row.username)?.is_some() {
            return Err(ApiError::Conflict("username_taken"));
        }
        store::insert_user(conn, &row, roles)?;
        events.push(
            Event::new(&ctx, "user_create", "user", Outcome::Allowed).object(row.id.clone(), Some(party)).details(
                serde_json::json!({"roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "via": "cli"}),
            ),
        );
        Ok(())
    })
    .map_err(|e| match e {
        ApiError::Conflict(_) => format!("the username {} is taken", row.username),
        other => other.to_string(),
    })?;
    Ok(row.id)
}

/// On an empty database, create the initial ST administrator and write its credentials file.
pub fn initial_admin(conn: &mut DbConn, data_dir: &Path) -> Result<(), String> {
    if store::count_users(conn).map_err(|e| e.to_string())? > 0 {
        return Ok(());
    }
    let password = crate::auth::one_time_password();
    create_user(conn, "ST", &[Role::StAdmin], "admin", &password, true)?;
    crate::private_fs::create_dir(data_dir).map_err(|e| e.to_string())?;
    let path = data_dir.join("initial-admin.txt");
    let text = format!(
        "enlace initial administrator (party ST, role st_admin)\nusername: admin\none-time password: {password}\n\
         At first sign-in you must change this password and enrol a TOTP second factor.\nDelete this file afterwards.\n"
    );
    crate::private_fs::write(&path, text.as_bytes())?;
    tracing::warn!(file = %path.display(), "created the initial administrator `admin`; its one-time password is in this file");
    Ok(())
}
