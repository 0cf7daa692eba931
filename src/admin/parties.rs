//! Parties: list and read (every authenticated user), create observers and update or
//! deactivate parties (ST administrators).

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, PartyKind, Subject};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::auth::accounts::{self as store, PartyRow};
use crate::db::DbConn;
use crate::db::schema::{parties, sessions, users};
use crate::error::{ApiError, FieldError};

#[derive(Debug, Serialize, ToSchema)]
pub struct Party {
    /// ISO 3166-1 alpha-2 for member countries, `ST` for the Technical Secretariat, an acronym for observers.
    pub code: String,
    pub kind: PartyKind,
    pub name_es: String,
    pub name_en: String,
    pub active: bool,
    /// For a member country: when its onboarding ended (its first user signed in fully). From
    /// then on only its own administrators create its users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onboarded_at: Option<String>,
}

impl From<PartyRow> for Party {
    fn from(p: PartyRow) -> Party {
        Party {
            kind: p.kind(),
            code: p.code,
            name_es: p.name_es,
            name_en: p.name_en,
            active: p.active,
            onboarded_at: p.onboarded_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewParty {
    /// 2 to 12 upper-case letters or digits, e.g. `OIM`, `ACNUR`, `RROCM`.
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[A-Z0-9]{2,12}[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub code: String,
    /// Only observers can be added: member countries and the ST exist from the start.
    pub kind: PartyKind,
    /// 1 to 200 characters, not counting surrounding white space (as `name_en`).
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub name_es: String,
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub name_en: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyPatch {
    /// 1 to 200 characters, not counting surrounding white space (as `name_en`).
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub name_es: Option<String>,
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub name_en: Option<String>,
    /// `false` deactivates the party: its users can no longer sign in or use their sessions.
    pub active: Option<bool>,
}

fn check_name(field: &str, name: &str, issues: &mut Vec<FieldError>) {
    let n = name.trim().chars().count();
    if n == 0 || n > 200 {
        issues.push(FieldError::new(
            field,
            "length",
            "must have 1 to 200 characters",
            "debe tener de 1 a 200 caracteres",
        ));
    }
}

pub fn list(conn: &mut DbConn) -> Result<Vec<Party>, ApiError> {
    let rows: Vec<PartyRow> = parties::table.order(parties::code.asc()).select(PartyRow::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Party::from).collect())
}

pub fn get(conn: &mut DbConn, code: &str) -> Result<Party, ApiError> {
    store::find_party(conn, code)?.map(Party::from).ok_or(ApiError::NotFound)
}

pub fn create(conn: &mut DbConn, actor: &Subject, ctx: &RequestContext, new: NewParty) -> Result<Party, ApiError> {
    if !access::may_manage_parties(actor) {
        return Err(ApiError::Forbidden);
    }
    let mut issues = vec![];
    let code = new.code.trim().to_owned();
    if !(2..=12).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        issues.push(FieldError::new(
            "code",
            "invalid_code",
            "2 to 12 upper-case letters or digits",
            "de 2 a 12 letras mayúsculas o dígitos",
        ));
    }
    if new.kind != PartyKind::Observer {
        issues.push(FieldError::new(
            "kind",
            "observer_only",
            "only observer organizations can be added",
            "solo se pueden agregar organizaciones observadoras",
        ));
    }
    check_name("name_es", &new.name_es, &mut issues);
    check_name("name_en", &new.name_en, &mut issues);
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    audit::write(conn, |conn, events| {
        if store::find_party(conn, &code)?.is_some() {
            return Err(ApiError::Conflict("party_exists"));
        }
        let now = crate::clock::now_text();
        let row = PartyRow {
            code: code.clone(),
            kind: new.kind.as_str().into(),
            name_es: new.name_es.trim().into(),
            name_en: new.name_en.trim().into(),
            active: true,
            created_at: now.clone(),
            updated_at: now,
            onboarded_at: None,
        };
        diesel::insert_into(parties::table).values(&row).execute(conn)?;
        events.push(
            Event::new(ctx, "party_create", "party", Outcome::Allowed)
                .object(code.clone(), Some(&code))
                .details(serde_json::json!({"kind": row.kind})),
        );
        Ok(Party::from(row))
    })
}

pub fn update(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    code: &str,
    patch: PartyPatch,
) -> Result<Party, ApiError> {
    if !access::may_manage_parties(actor) {
        return Err(ApiError::Forbidden);
    }
    let mut issues = vec![];
    if let Some(n) = &patch.name_es {
        check_name("name_es", n, &mut issues);
    }
    if let Some(n) = &patch.name_en {
        check_name("name_en", n, &mut issues);
    }
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    audit::write(conn, |conn, events| {
        let mut row = store::find_party(conn, code)?.ok_or(ApiError::NotFound)?;
        if patch.active == Some(false) && row.kind() == PartyKind::Secretariat {
            return Err(ApiError::Conflict("secretariat_cannot_be_deactivated"));
        }
        let mut changed = vec![];
        if let Some(n) = patch.name_es.filter(|n| n.trim() != row.name_es) {
            row.name_es = n.trim().into();
            changed.push("name_es");
        }
        if let Some(n) = patch.name_en.filter(|n| n.trim() != row.name_en) {
            row.name_en = n.trim().into();
            changed.push("name_en");
        }
        if let Some(a) = patch.active.filter(|a| *a != row.active) {
            row.active = a;
            changed.push("active");
        }
        row.updated_at = crate::clock::now_text();
        diesel::update(parties::table.find(code))
            .set((
                parties::name_es.eq(&row.name_es),
                parties::name_en.eq(&row.name_en),
                parties::active.eq(row.active),
                parties::updated_at.eq(&row.updated_at),
            ))
            .execute(conn)?;
        if !row.active && changed.contains(&"active") {
            // End every session of the party's users at once.
            let ids = users::table.filter(users::party_code.eq(code)).select(users::id);
            diesel::update(
                sessions::table.filter(sessions::user_id.eq_any(ids)).filter(sessions::revoked_at.is_null()),
            )
            .set((
                sessions::revoked_at.eq(Some(crate::clock::unix_now())),
                sessions::revoke_reason.eq(Some("party_deactivated")),
            ))
            .execute(conn)?;
        }
        events.push(
            Event::new(ctx, "party_update", "party", Outcome::Allowed)
                .object(code.to_owned(), Some(code))
                .details(serde_json::json!({"changed": changed, "active": row.active})),
        );
        Ok(Party::from(row))
    })
}
