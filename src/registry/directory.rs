//! The liaison directory (SPEC §7 M3): each country's contact officials by contact role (network
//! liaison, repatriation liaisons for victims and for children, document focal point, consular),
//! maintained by the country's administrators and read by every member, with the date each
//! entry was last verified and a report of entries not verified in twelve months.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::ValidateEmail;

use super::{Checks, check_if_match, is_e164, is_language};
use crate::access::{Subject, resources as rules};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::directory_entries as d;
use crate::error::ApiError;

/// What a contact is for (SPEC §7 M3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    NetworkLiaison,
    RepatriationLiaisonVictims,
    RepatriationLiaisonChildren,
    DocumentsFocalPoint,
    Consular,
}

impl ContactRole {
    const ALL: [ContactRole; 5] = [
        ContactRole::NetworkLiaison,
        ContactRole::RepatriationLiaisonVictims,
        ContactRole::RepatriationLiaisonChildren,
        ContactRole::DocumentsFocalPoint,
        ContactRole::Consular,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::NetworkLiaison => "network_liaison",
            ContactRole::RepatriationLiaisonVictims => "repatriation_liaison_victims",
            ContactRole::RepatriationLiaisonChildren => "repatriation_liaison_children",
            ContactRole::DocumentsFocalPoint => "documents_focal_point",
            ContactRole::Consular => "consular",
        }
    }

    pub fn parse(s: &str) -> Option<ContactRole> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A directory entry as submitted (create or full replacement).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// The country (or `ST`) the contact belongs to: always the caller's own.
    #[schema(example = "HN")]
    pub country: String,
    /// 1 to 200 characters, not counting surrounding white space (as `unit`, `position`, `name`).
    #[schema(
        example = "Dirección General de Migración y Extranjería",
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub institution: String,
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub unit: Option<String>,
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub position: Option<String>,
    pub contact_role: ContactRole,
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub name: String,
    /// An e-mail address (HTML5 rules, internationalized domains allowed), at most 254
    /// characters.
    #[schema(max_length = 254, pattern = "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[^@]{1,255}$")]
    pub email: String,
    /// E.164, e.g. `+50422223333`.
    #[serde(default)]
    #[schema(pattern = "^\\+[1-9][0-9]{1,14}$")]
    pub phone: Option<String>,
    /// ISO 639-1 codes, e.g. `["es", "en"]` (at most 10).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub languages: Vec<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub valid_from: Option<String>,
    /// `YYYY-MM-DD`, on or after `valid_from`.
    #[serde(default)]
    #[schema(format = Date)]
    pub valid_to: Option<String>,
}

/// A directory entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    pub id: String,
    pub country: String,
    pub institution: String,
    pub unit: Option<String>,
    pub position: Option<String>,
    pub contact_role: ContactRole,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub languages: Vec<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// When the country last confirmed the entry (creation, update or `verify`).
    pub last_verified_at: String,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = d)]
struct Row {
    id: String,
    country: String,
    institution: String,
    unit: Option<String>,
    position: Option<String>,
    contact_role: String,
    name: String,
    email: String,
    phone: Option<String>,
    languages: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    last_verified_at: String,
    version: i32,
    created_at: String,
    updated_at: String,
}

impl Row {
    fn into_contact(self) -> Result<Contact, ApiError> {
        Ok(Contact {
            contact_role: ContactRole::parse(&self.contact_role).ok_or(ApiError::Internal)?,
            languages: serde_json::from_str(&self.languages).map_err(|_| ApiError::Internal)?,
            id: self.id,
            country: self.country,
            institution: self.institution,
            unit: self.unit,
            position: self.position,
            name: self.name,
            email: self.email,
            phone: self.phone,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            last_verified_at: self.last_verified_at,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn check(input: &ContactInput) -> Result<(), ApiError> {
    let mut c = Checks::new();
    c.text("institution", &input.institution, 200);
    c.opt_text("unit", &input.unit, 200);
    c.opt_text("position", &input.position, 200);
    c.text("name", &input.name, 200);
    if input.email.chars().count() > 254 || !input.email.validate_email() {
        c.push("email", "invalid_email", "a valid e-mail address", "una dirección de correo válida");
    }
    if input.phone.as_deref().is_some_and(|p| !is_e164(p)) {
        c.push("phone", "invalid_phone", "an E.164 number, e.g. +50422223333", "un número E.164, p. ej. +50422223333");
    }
    if input.languages.len() > 10 {
        c.push("languages", "too_many", "at most 10 languages", "como máximo 10 idiomas");
    }
    for (i, l) in input.languages.iter().enumerate() {
        if !is_language(l) {
            c.push(&format!("languages[{i}]"), "invalid_language", "an ISO 639-1 code", "un código ISO 639-1");
        }
    }
    let from = c.date("valid_from", &input.valid_from);
    let to = c.date("valid_to", &input.valid_to);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        c.push("valid_to", "before_start", "must not be before valid_from", "no debe ser anterior a valid_from");
    }
    c.finish()
}

fn load(conn: &mut DbConn, id: &str) -> Result<Option<Contact>, ApiError> {
    d::table.find(id).select(Row::as_select()).get_result(conn).optional()?.map(Row::into_contact).transpose()
}

fn event(ctx: &RequestContext, action: &str, c: &Contact, outcome: Outcome) -> Event {
    // Ids and codes only: never the contact's name, e-mail or phone.
    Event::new(ctx, action, "directory_entry", outcome)
        .object(c.id.clone(), Some(&c.country))
        .details(serde_json::json!({"version": c.version, "contact_role": c.contact_role}))
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Create an entry of the caller's own country.
pub fn create(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, input: ContactInput) -> Result<Contact, ApiError> {
    if !rules::may_write_directory(s, &input.country) {
        return Err(ApiError::Forbidden);
    }
    check(&input)?;
    audit::write(conn, |conn, events| {
        let now = crate::clock::now_text();
        let id = uuid::Uuid::now_v7().to_string();
        let languages = serde_json::to_string(&input.languages).map_err(|_| ApiError::Internal)?;
        diesel::insert_into(d::table)
            .values((
                d::id.eq(&id),
                d::country.eq(&input.country),
                d::institution.eq(input.institution.trim()),
                d::unit.eq(trimmed(&input.unit)),
                d::position.eq(trimmed(&input.position)),
                d::contact_role.eq(input.contact_role.as_str()),
                d::name.eq(input.name.trim()),
                d::email.eq(input.email.trim()),
                d::phone.eq(&input.phone),
                d::languages.eq(&languages),
                d::valid_from.eq(&input.valid_from),
                d::valid_to.eq(&input.valid_to),
                d::last_verified_at.eq(&now),
                d::version.eq(1),
                d::created_at.eq(&now),
                d::created_by.eq(&s.user_id),
                d::updated_at.eq(&now),
                d::updated_by.eq(&s.user_id),
            ))
            .execute(conn)?;
        let c = load(conn, &id)?.ok_or(ApiError::Internal)?;
        events.push(event(ctx, "directory_create", &c, Outcome::Allowed));
        Ok(c)
    })
}

/// Load an entry for a write by `s`: 404 if the caller may not read the directory at all, 403
/// if it is another country's entry.
fn for_write(conn: &mut DbConn, s: &Subject, id: &str) -> Result<Contact, ApiError> {
    if !rules::may_read_directory(s) {
        return Err(ApiError::NotFound);
    }
    let c = load(conn, id)?.ok_or(ApiError::NotFound)?;
    if !rules::may_write_directory(s, &c.country) {
        return Err(ApiError::Forbidden);
    }
    Ok(c)
}

/// Replace an entry (its country's administrators); `If-Match` required.
pub fn update(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
    input: ContactInput,
) -> Result<Contact, ApiError> {
    if !rules::may_read_directory(s) {
        return Err(ApiError::NotFound);
    }
    check(&input)?;
    audit::write(conn, |conn, events| {
        let before = for_write(conn, s, id)?;
        check_if_match(if_match, before.version, true)?;
        if input.country != before.country {
            return Err(ApiError::field(
                "country",
                "immutable",
                "the country of an entry cannot change",
                "el país de una entrada no puede cambiar",
            ));
        }
        let now = crate::clock::now_text();
        let languages = serde_json::to_string(&input.languages).map_err(|_| ApiError::Internal)?;
        let n = diesel::update(d::table.filter(d::id.eq(id)).filter(d::version.eq(before.version)))
            .set((
                d::institution.eq(input.institution.trim()),
                d::unit.eq(trimmed(&input.unit)),
                d::position.eq(trimmed(&input.position)),
                d::contact_role.eq(input.contact_role.as_str()),
                d::name.eq(input.name.trim()),
                d::email.eq(input.email.trim()),
                d::phone.eq(&input.phone),
                d::languages.eq(&languages),
                d::valid_from.eq(&input.valid_from),
                d::valid_to.eq(&input.valid_to),
                d::last_verified_at.eq(&now),
                d::version.eq(before.version + 1),
                d::updated_at.eq(&now),
                d::updated_by.eq(&s.user_id),
            ))
            .execute(conn)?;
        if n != 1 {
            return Err(ApiError::PreconditionFailed);
        }
        let c = load(conn, id)?.ok_or(ApiError::Internal)?;
        events.push(event(ctx, "directory_update", &c, Outcome::Allowed));
        Ok(c)
    })
}

/// Confirm an entry is still current: sets `last_verified_at` (its country's administrators).
pub fn verify(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
) -> Result<Contact, ApiError> {
    audit::write(conn, |conn, events| {
        let before = for_write(conn, s, id)?;
        check_if_match(if_match, before.version, false)?;
        let now = crate::clock::now_text();
        diesel::update(d::table.filter(d::id.eq(id)))
            .set((
                d::last_verified_at.eq(&now),
                d::version.eq(before.version + 1),
                d::updated_at.eq(&now),
                d::updated_by.eq(&s.user_id),
            ))
            .execute(conn)?;
        let c = load(conn, id)?.ok_or(ApiError::Internal)?;
        events.push(event(ctx, "directory_verify", &c, Outcome::Allowed));
        Ok(c)
    })
}

/// Remove an entry (its country's administrators); `If-Match` honoured when sent.
pub fn delete(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
) -> Result<(), ApiError> {
    audit::write(conn, |conn, events| {
        let before = for_write(conn, s, id)?;
        check_if_match(if_match, before.version, false)?;
        diesel::delete(d::table.filter(d::id.eq(id))).execute(conn)?;
        events.push(event(ctx, "directory_delete", &before, Outcome::Allowed));
        Ok(())
    })
}

/// Read one entry, with the audit event to record before answering.
pub fn get(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<(Contact, Event), ApiError> {
    if !rules::may_read_directory(s) {
        return Err(ApiError::NotFound);
    }
    let c = load(conn, id)?.ok_or(ApiError::NotFound)?;
    let ev = event(ctx, "directory_read", &c, Outcome::Allowed);
    Ok((c, ev))
}

/// Filters of the directory list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DirectoryQuery {
    /// Only this country's entries (e.g. `HN`).
    pub country: Option<String>,
    /// Only this contact role (e.g. `repatriation_liaison_children`).
    #[param(value_type = Option<ContactRole>)]
    pub contact_role: Option<String>,
    /// Only entries valid on this date (`YYYY-MM-DD`): `valid_from` ≤ date ≤ `valid_to`.
    #[param(format = Date)]
    pub valid_on: Option<String>,
    /// Only entries last verified before this time (RFC 3339).
    #[param(format = DateTime)]
    pub not_verified_since: Option<String>,
}

fn bad(field: &str, en: &str, es: &str) -> ApiError {
    ApiError::Validation(vec![crate::error::FieldError::new(field, "invalid_value", en, es)])
}

/// The entries matching the filters, by country, role and institution.
pub fn list(conn: &mut DbConn, s: &Subject, q: DirectoryQuery) -> Result<Vec<Contact>, ApiError> {
    if !rules::may_read_directory(s) {
        return Err(ApiError::Forbidden);
    }
    let mut query = d::table.select(Row::as_select()).into_boxed();
    if let Some(c) = &q.country {
        query = query.filter(d::country.eq(c.clone()));
    }
    if let Some(r) = &q.contact_role {
        let role = ContactRole::parse(r)
            .ok_or_else(|| bad("contact_role", "not a contact role", "no es una función de contacto"))?;
        query = query.filter(d::contact_role.eq(role.as_str()));
    }
    if let Some(day) = &q.valid_on {
        if super::parse_date(day).is_none() {
            return Err(bad("valid_on", "a date YYYY-MM-DD", "una fecha AAAA-MM-DD"));
        }
        query = query
            .filter(d::valid_from.is_null().or(d::valid_from.le(day.clone())))
            .filter(d::valid_to.is_null().or(d::valid_to.ge(day.clone())));
    }
    if let Some(t) = &q.not_verified_since {
        let t = crate::clock::parse_rfc3339(t)
            .ok_or_else(|| bad("not_verified_since", "an RFC 3339 time", "una fecha y hora RFC 3339"))?;
        query = query.filter(d::last_verified_at.lt(t));
    }
    let rows: Vec<Row> = query
        .order((d::country.asc(), d::contact_role.asc(), d::institution.asc(), d::id.asc()))
        .limit(5000)
        .load(conn)?;
    rows.into_iter().map(Row::into_contact).collect()
}

/// Entries not verified in the last twelve months (365 days), optionally of one country.
pub fn stale(conn: &mut DbConn, s: &Subject, country: Option<String>) -> Result<Vec<Contact>, ApiError> {
    let cutoff = crate::clock::format_ts(time::OffsetDateTime::now_utc() - time::Duration::days(365));
    let mut rows = list(conn, s, DirectoryQuery { country, ..Default::default() })?;
    rows.retain(|c| c.last_verified_at < cutoff);
    rows.sort_by(|a, b| a.last_verified_at.cmp(&b.last_verified_at));
    Ok(rows)
}
