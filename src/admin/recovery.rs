//! Recovery of a member country that has lost every administrator: a deliberate, visible
//! procedure, not a back door (the model is the emergency access of password managers: access
//! starts only after a waiting period the grantor can veto).
//!
//! 1. An ST administrator requests it for an onboarded member country (`requested`), naming the
//!    new administrator and the reason.
//! 2. A *different* ST administrator approves it (`approved`): the waiting period starts
//!    (`--recovery-delay-hours`, default 72) and ends at `effective_at`.
//! 3. Throughout, every active user of the country sees the open recovery on `GET /api/v1/me`,
//!    its auditors see each step in the audit log, and any of its `country_admin`s may cancel it
//!    (an ST administrator may too).
//! 4. After `effective_at`, and once the country has no active `country_admin` (accounts whose
//!    credentials were lost are disabled first, which the country also sees), an ST administrator
//!    completes it: exactly one new `country_admin` is created, with a one-time password and a
//!    second factor to enrol at first sign-in. A country with a working administrator needs no
//!    recovery: that administrator cancels it, or creates users itself.
//!
//! Who may do each step is `access::may_run_recovery`, `may_cancel_recovery` and
//! `may_read_recoveries`; every step and every refusal is audited with the country as owner.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::users::{User, check_profile, is_valid_username};
use crate::access::{self, PartyKind, Role, Subject};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::auth::accounts::{self as store, UserRow};
use crate::db::DbConn;
use crate::db::schema::{admin_recoveries as r, user_roles, users};
use crate::error::{ApiError, FieldError, Rule};

/// A recovery and where it stands.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = r)]
pub struct Recovery {
    pub id: String,
    #[diesel(column_name = party_code)]
    pub party: String,
    /// `requested`, `approved`, `cancelled` or `completed`.
    pub status: String,
    pub reason: String,
    /// The administrator account it creates.
    pub username: String,
    pub display_name: String,
    pub email: String,
    /// ST administrators' user ids and times of each step.
    pub requested_by: String,
    pub requested_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    /// When the waiting period ends (set at approval).
    pub effective_at: Option<String>,
    /// Who cancelled or completed it, when, and why (cancellations).
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
    pub close_reason: Option<String>,
    /// The administrator created at completion.
    pub user_id: Option<String>,
}

/// What every user of the country sees of an open recovery on `/me`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecoveryNotice {
    pub id: String,
    /// `requested` or `approved`.
    pub status: String,
    pub reason: String,
    pub requested_at: String,
    pub approved_at: Option<String>,
    /// When it may be completed (after approval); the country's administrators may cancel it
    /// until then.
    pub effective_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    /// Username of the `country_admin` the recovery creates (3 to 64: a-z, 0-9, `.`, `_`, `-`).
    #[schema(pattern = "^[a-z0-9._-]{3,64}$")]
    pub username: String,
    /// 1 to 200 printable characters.
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: String,
    /// An e-mail address (at most 254 bytes).
    #[schema(max_length = 254)]
    pub email: String,
    /// Why the country needs it (1 to 1000 characters), e.g. the country's request and how it
    /// was verified. Shown to the country's users.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryCancel {
    /// Why it is cancelled (1 to 1000 characters).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCompleted {
    pub recovery: Recovery,
    pub user: User,
    /// The new administrator's one-time password, shown only in this response: it must be
    /// changed, and a second factor enrolled, at first sign-in.
    pub initial_password: String,
}

fn load(conn: &mut DbConn, party: &str, id: &str) -> Result<Recovery, ApiError> {
    r::table
        .filter(r::id.eq(id))
        .filter(r::party_code.eq(party))
        .select(Recovery::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(ApiError::NotFound)
}

/// The open recoveries of a country (what its users see on `/me`).
pub fn open_notices(conn: &mut DbConn, party: &str) -> Result<Vec<RecoveryNotice>, ApiError> {
    let open: Vec<Recovery> = r::table
        .filter(r::party_code.eq(party))
        .filter(r::status.eq_any(["requested", "approved"]))
        .order(r::requested_at.asc())
        .select(Recovery::as_select())
        .load(conn)?;
    Ok(open
        .into_iter()
        .map(|x| RecoveryNotice {
            id: x.id,
            status: x.status,
            reason: x.reason,
            requested_at: x.requested_at,
            approved_at: x.approved_at,
            effective_at: x.effective_at,
        })
        .collect())
}

/// A member country (404 for anything else).
fn member_party(conn: &mut DbConn, party: &str) -> Result<store::PartyRow, ApiError> {
    let row = store::find_party(conn, party)?.ok_or(ApiError::NotFound)?;
    if row.kind() != PartyKind::Member {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// Whether the country still has an administrator who can sign in.
fn has_active_admin(conn: &mut DbConn, party: &str) -> Result<bool, ApiError> {
    let n: i64 = users::table
        .inner_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
        .filter(users::party_code.eq(party))
        .filter(users::status.eq("active"))
        .filter(user_roles::role.eq(Role::CountryAdmin.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn event(ctx: &RequestContext, action: &str, x: &Recovery, details: serde_json::Value) -> Event {
    Event::new(ctx, action, "recovery", Outcome::Allowed).object(x.id.clone(), Some(&x.party)).details(details)
}

pub fn list(conn: &mut DbConn, actor: &Subject, party: &str) -> Result<Vec<Recovery>, ApiError> {
    member_party(conn, party)?;
    if !access::may_read_recoveries(actor, party) {
        return Err(ApiError::Forbidden);
    }
    Ok(r::table
        .filter(r::party_code.eq(party))
        .order(r::requested_at.desc())
        .select(Recovery::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConn, actor: &Subject, party: &str, id: &str) -> Result<Recovery, ApiError> {
    member_party(conn, party)?;
    if !access::may_read_recoveries(actor, party) {
        return Err(ApiError::Forbidden);
    }
    load(conn, party, id)
}

fn check_request(req: &RecoveryRequest) -> Result<(), ApiError> {
    let mut issues = vec![];
    if !is_valid_username(&req.username) {
        issues.push(FieldError::new(
            "username",
            "invalid_username",
            "3 to 64 characters: a-z, 0-9, '.', '_', '-'",
            "de 3 a 64 caracteres: a-z, 0-9, '.', '_', '-'",
        ));
    }
    check_profile(Some(&req.display_name), Some(&req.email), &mut issues);
    let reason = req.reason.trim().chars().count();
    if reason == 0 || reason > 1000 {
        issues.push(FieldError::new(
            "reason",
            "length",
            "must have 1 to 1000 characters",
            "debe tener de 1 a 1000 caracteres",
        ));
    }
    if issues.is_empty() { Ok(()) } else { Err(ApiError::Validation(issues)) }
}

/// Step 1: an ST administrator requests a recovery.
pub fn request(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    party: &str,
    req: RecoveryRequest,
    now: OffsetDateTime,
) -> Result<Recovery, ApiError> {
    let row = member_party(conn, party)?;
    if !access::may_run_recovery(actor) {
        return Err(ApiError::Forbidden);
    }
    check_request(&req)?;
    audit::write(conn, |conn, events| {
        if row.onboarded_at.is_none() {
            return Err(ApiError::Rule(Rule::RecoveryNotNeeded));
        }
        let open: i64 = r::table
            .filter(r::party_code.eq(party))
            .filter(r::status.eq_any(["requested", "approved"]))
            .count()
            .get_result(conn)?;
        if open > 0 {
            return Err(ApiError::Rule(Rule::RecoveryOpen));
        }
        if store::find_by_username(conn, &req.username)?.is_some() {
            return Err(ApiError::field(
                "username",
                "taken",
                "this username is taken",
                "este nombre de usuario ya existe",
            ));
        }
        let x = Recovery {
            id: uuid::Uuid::now_v7().to_string(),
            party: party.to_owned(),
            status: "requested".into(),
            reason: req.reason.trim().to_owned(),
            username: req.username.clone(),
            display_name: req.display_name.trim().to_owned(),
            email: req.email.trim().to_owned(),
            requested_by: actor.user_id.clone(),
            requested_at: crate::clock::format_ts(now),
            approved_by: None,
            approved_at: None,
            effective_at: None,
            closed_by: None,
            closed_at: None,
            close_reason: None,
            user_id: None,
        };
        diesel::insert_into(r::table)
            .values((
                r::id.eq(&x.id),
                r::party_code.eq(&x.party),
                r::status.eq(&x.status),
                r::reason.eq(&x.reason),
                r::username.eq(&x.username),
                r::display_name.eq(&x.display_name),
                r::email.eq(&x.email),
                r::requested_by.eq(&x.requested_by),
                r::requested_at.eq(&x.requested_at),
            ))
            .execute(conn)?;
        events.push(event(ctx, "recovery_request", &x, serde_json::json!({"username": x.username})));
        Ok(x)
    })
}

/// Step 2: a second ST administrator approves; the waiting period starts.
pub fn approve(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    party: &str,
    id: &str,
    now: OffsetDateTime,
    delay: time::Duration,
) -> Result<Recovery, ApiError> {
    member_party(conn, party)?;
    if !access::may_run_recovery(actor) {
        return Err(ApiError::Forbidden);
    }
    audit::write(conn, |conn, events| {
        let mut x = load(conn, party, id)?;
        match x.status.as_str() {
            "requested" => {}
            "approved" => return Err(ApiError::Conflict("recovery_already_approved")),
            _ => return Err(ApiError::Rule(Rule::RecoveryClosed)),
        }
        if x.requested_by == actor.user_id {
            return Err(ApiError::Rule(Rule::RecoverySecondAdministrator));
        }
        x.status = "approved".into();
        x.approved_by = Some(actor.user_id.clone());
        x.approved_at = Some(crate::clock::format_ts(now));
        x.effective_at = Some(crate::clock::format_ts(now + delay));
        diesel::update(r::table.find(id).filter(r::status.eq("requested")))
            .set((
                r::status.eq(&x.status),
                r::approved_by.eq(&x.approved_by),
                r::approved_at.eq(&x.approved_at),
                r::effective_at.eq(&x.effective_at),
            ))
            .execute(conn)?;
        events.push(event(ctx, "recovery_approve", &x, serde_json::json!({"effective_at": x.effective_at})));
        Ok(x)
    })
}

/// A country administrator (or an ST administrator) cancels an open recovery.
pub fn cancel(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    party: &str,
    id: &str,
    body: RecoveryCancel,
    now: OffsetDateTime,
) -> Result<Recovery, ApiError> {
    member_party(conn, party)?;
    if !access::may_cancel_recovery(actor, party) {
        return Err(if access::may_read_recoveries(actor, party) { ApiError::Forbidden } else { ApiError::NotFound });
    }
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ApiError::field(
            "reason",
            "length",
            "must have 1 to 1000 characters",
            "debe tener de 1 a 1000 caracteres",
        ));
    }
    audit::write(conn, |conn, events| {
        let mut x = load(conn, party, id)?;
        if !matches!(x.status.as_str(), "requested" | "approved") {
            return Err(ApiError::Rule(Rule::RecoveryClosed));
        }
        x.status = "cancelled".into();
        x.closed_by = Some(actor.user_id.clone());
        x.closed_at = Some(crate::clock::format_ts(now));
        x.close_reason = Some(reason.clone());
        diesel::update(r::table.find(id))
            .set((
                r::status.eq(&x.status),
                r::closed_by.eq(&x.closed_by),
                r::closed_at.eq(&x.closed_at),
                r::close_reason.eq(&x.close_reason),
            ))
            .execute(conn)?;
        events.push(event(ctx, "recovery_cancel", &x, serde_json::json!({"by_party": actor.party})));
        Ok(x)
    })
}

/// Before hashing the new administrator's password: may this recovery complete now?
pub fn check_complete(
    conn: &mut DbConn,
    actor: &Subject,
    party: &str,
    id: &str,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    member_party(conn, party)?;
    if !access::may_run_recovery(actor) {
        return Err(ApiError::Forbidden);
    }
    let x = load(conn, party, id)?;
    completable(conn, &x, now)
}

fn completable(conn: &mut DbConn, x: &Recovery, now: OffsetDateTime) -> Result<(), ApiError> {
    match x.status.as_str() {
        "approved" => {}
        "requested" => return Err(ApiError::Rule(Rule::RecoveryNotApproved)),
        _ => return Err(ApiError::Rule(Rule::RecoveryClosed)),
    }
    let effective = x.effective_at.as_deref().and_then(crate::clock::parse_stored).ok_or(ApiError::Internal)?;
    if now < effective {
        return Err(ApiError::Rule(Rule::RecoveryWaiting));
    }
    // The country regained an administrator meanwhile: it creates its own users again.
    if has_active_admin(conn, &x.party)? {
        return Err(ApiError::Rule(Rule::RecoveryNotNeeded));
    }
    Ok(())
}

/// Step 4: after the waiting period, the one new `country_admin`.
pub fn complete(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    party: &str,
    id: &str,
    now: OffsetDateTime,
    password_hash: String,
) -> Result<(Recovery, User), ApiError> {
    member_party(conn, party)?;
    if !access::may_run_recovery(actor) {
        return Err(ApiError::Forbidden);
    }
    audit::write(conn, |conn, events| {
        let mut x = load(conn, party, id)?;
        completable(conn, &x, now)?;
        if store::find_by_username(conn, &x.username)?.is_some() {
            return Err(ApiError::field(
                "username",
                "taken",
                "this username is taken",
                "este nombre de usuario ya existe",
            ));
        }
        let now_text = crate::clock::format_ts(now);
        let user = UserRow {
            id: uuid::Uuid::now_v7().to_string(),
            username: x.username.clone(),
            display_name: x.display_name.clone(),
            email: x.email.clone(),
            party_code: party.to_owned(),
            status: "active".into(),
            password_hash,
            must_change_password: true,
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            created_at: now_text.clone(),
            updated_at: now_text.clone(),
        };
        store::insert_user(conn, &user, &[Role::CountryAdmin])?;
        x.status = "completed".into();
        x.closed_by = Some(actor.user_id.clone());
        x.closed_at = Some(now_text);
        x.user_id = Some(user.id.clone());
        let updated = diesel::update(r::table.find(id).filter(r::status.eq("approved")))
            .set((
                r::status.eq(&x.status),
                r::closed_by.eq(&x.closed_by),
                r::closed_at.eq(&x.closed_at),
                r::user_id.eq(&x.user_id),
            ))
            .execute(conn)?;
        if updated != 1 {
            return Err(ApiError::Rule(Rule::RecoveryClosed));
        }
        events.push(
            Event::new(ctx, "user_create", "user", Outcome::Allowed)
                .object(user.id.clone(), Some(party))
                .details(serde_json::json!({"roles": ["country_admin"], "via": "recovery", "recovery": x.id})),
        );
        events.push(event(ctx, "recovery_complete", &x, serde_json::json!({"user_id": user.id})));
        let record = store::find_by_id(conn, &user.id)?.ok_or(ApiError::Internal)?;
        Ok((x, User::from(&record)))
    })
}
