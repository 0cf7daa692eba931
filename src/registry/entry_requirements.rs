//! Entry requirements by nationality (SPEC §7 M5): for each member country, which nationalities
//! need a visa, a consulted visa or a special authorization to enter, from which date and on
//! what official source. Each member maintains its own rows; every member reads all.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Checks, check_if_match, parse_date};
use crate::access::{Subject, resources as rules};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::entry_requirements as e;
use crate::error::{ApiError, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Visa,
    ConsultedVisa,
    SpecialAuthorization,
    None,
}

impl Requirement {
    const ALL: [Requirement; 4] =
        [Requirement::Visa, Requirement::ConsultedVisa, Requirement::SpecialAuthorization, Requirement::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Visa => "visa",
            Requirement::ConsultedVisa => "consulted_visa",
            Requirement::SpecialAuthorization => "special_authorization",
            Requirement::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Requirement> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// An entry requirement as submitted (create or full replacement).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementInput {
    /// The member country whose entry rule this is: always the caller's own.
    #[schema(example = "MX")]
    pub member_country: String,
    /// Nationality (ISO 3166-1 alpha-2) the rule applies to.
    #[schema(example = "HT")]
    pub nationality: String,
    pub requirement: Requirement,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub valid_from: String,
    /// The official source (decree, circular, web page), 1 to 500 characters not counting
    /// surrounding white space.
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,498}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub source_reference: Option<String>,
    /// Conditions and exemptions, 1 to 2000 characters not counting surrounding white space.
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,1998}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = e)]
pub struct EntryRequirement {
    pub id: String,
    pub member_country: String,
    pub nationality: String,
    #[schema(value_type = Requirement)]
    pub requirement: String,
    pub valid_from: String,
    pub source_reference: Option<String>,
    pub notes: Option<String>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

fn check(input: &RequirementInput) -> Result<(), ApiError> {
    let mut c = Checks::new();
    c.member_country("member_country", &input.member_country);
    c.member_country("nationality", &input.nationality);
    if parse_date(&input.valid_from).is_none() {
        c.push("valid_from", "invalid_date", "a date YYYY-MM-DD", "una fecha AAAA-MM-DD");
    }
    c.opt_text("source_reference", &input.source_reference, 500);
    c.opt_text("notes", &input.notes, 2000);
    c.finish()
}

fn load(conn: &mut DbConn, id: &str) -> Result<Option<EntryRequirement>, ApiError> {
    Ok(e::table.find(id).select(EntryRequirement::as_select()).get_result(conn).optional()?)
}

fn event(ctx: &RequestContext, action: &str, r: &EntryRequirement) -> Event {
    Event::new(ctx, action, "entry_requirement", Outcome::Allowed)
        .object(r.id.clone(), Some(&r.member_country))
        .details(serde_json::json!({"version": r.version, "nationality": r.nationality, "requirement": r.requirement}))
}

fn duplicate(err: ApiError) -> ApiError {
    match err {
        ApiError::Conflict("duplicate") => ApiError::Validation(vec![FieldError::new(
            "valid_from",
            "duplicate",
            "this country already has a rule for this nationality from this date",
            "este país ya tiene una regla para esta nacionalidad desde esta fecha",
        )]),
        other => other,
    }
}

/// Create a rule of the caller's own member country.
pub fn create(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    input: RequirementInput,
) -> Result<EntryRequirement, ApiError> {
    if !rules::may_write_entry_requirements(s, &input.member_country) {
        return Err(ApiError::Forbidden);
    }
    check(&input)?;
    audit::write(conn, |conn, events| {
        let now = crate::clock::now_text();
        let id = uuid::Uuid::now_v7().to_string();
        diesel::insert_into(e::table)
            .values((
                e::id.eq(&id),
                e::member_country.eq(&input.member_country),
                e::nationality.eq(&input.nationality),
                e::requirement.eq(input.requirement.as_str()),
                e::valid_from.eq(&input.valid_from),
                e::source_reference.eq(&input.source_reference),
                e::notes.eq(&input.notes),
                e::version.eq(1),
                e::created_at.eq(&now),
                e::created_by.eq(&s.user_id),
                e::updated_at.eq(&now),
                e::updated_by.eq(&s.user_id),
            ))
            .execute(conn)
            .map_err(|err| duplicate(err.into()))?;
        let r = load(conn, &id)?.ok_or(ApiError::Internal)?;
        events.push(event(ctx, "entry_requirement_create", &r));
        Ok(r)
    })
}

fn for_write(conn: &mut DbConn, s: &Subject, id: &str) -> Result<EntryRequirement, ApiError> {
    if !rules::may_read_entry_requirements(s) {
        return Err(ApiError::NotFound);
    }
    let r = load(conn, id)?.ok_or(ApiError::NotFound)?;
    if !rules::may_write_entry_requirements(s, &r.member_country) {
        return Err(ApiError::Forbidden);
    }
    Ok(r)
}

/// Replace a rule (its country's administrators); `If-Match` required.
pub fn update(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
    input: RequirementInput,
) -> Result<EntryRequirement, ApiError> {
    if !rules::may_read_entry_requirements(s) {
        return Err(ApiError::NotFound);
    }
    check(&input)?;
    audit::write(conn, |conn, events| {
        let before = for_write(conn, s, id)?;
        check_if_match(if_match, before.version, true)?;
        if input.member_country != before.member_country {
            return Err(ApiError::field(
                "member_country",
                "immutable",
                "the country of a rule cannot change",
                "el país de una regla no puede cambiar",
            ));
        }
        let now = crate::clock::now_text();
        let n = diesel::update(e::table.filter(e::id.eq(id)).filter(e::version.eq(before.version)))
            .set((
                e::nationality.eq(&input.nationality),
                e::requirement.eq(input.requirement.as_str()),
                e::valid_from.eq(&input.valid_from),
                e::source_reference.eq(&input.source_reference),
                e::notes.eq(&input.notes),
                e::version.eq(before.version + 1),
                e::updated_at.eq(&now),
                e::updated_by.eq(&s.user_id),
            ))
            .execute(conn)
            .map_err(|err| duplicate(err.into()))?;
        if n != 1 {
            return Err(ApiError::PreconditionFailed);
        }
        let r = load(conn, id)?.ok_or(ApiError::Internal)?;
        events.push(event(ctx, "entry_requirement_update", &r));
        Ok(r)
    })
}

/// Remove a rule (its country's administrators); `If-Match` honoured when sent.
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
        diesel::delete(e::table.filter(e::id.eq(id))).execute(conn)?;
        events.push(event(ctx, "entry_requirement_delete", &before));
        Ok(())
    })
}

/// Read one rule, with the audit event to record before answering.
pub fn get(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
) -> Result<(EntryRequirement, Event), ApiError> {
    if !rules::may_read_entry_requirements(s) {
        return Err(ApiError::NotFound);
    }
    let r = load(conn, id)?.ok_or(ApiError::NotFound)?;
    let ev = event(ctx, "entry_requirement_read", &r);
    Ok((r, ev))
}

/// Filters of the entry-requirements list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequirementQuery {
    /// Only this member country's rules.
    pub member_country: Option<String>,
    /// Only rules for this nationality.
    pub nationality: Option<String>,
    /// Only this requirement (`visa`, `consulted_visa`, `special_authorization`, `none`).
    #[param(value_type = Option<Requirement>)]
    pub requirement: Option<String>,
}

/// The rules matching the filters, by member country, nationality and date.
pub fn list(conn: &mut DbConn, s: &Subject, q: RequirementQuery) -> Result<Vec<EntryRequirement>, ApiError> {
    if !rules::may_read_entry_requirements(s) {
        return Err(ApiError::Forbidden);
    }
    let mut query = e::table.select(EntryRequirement::as_select()).into_boxed();
    if let Some(c) = q.member_country {
        query = query.filter(e::member_country.eq(c));
    }
    if let Some(n) = q.nationality {
        query = query.filter(e::nationality.eq(n));
    }
    if let Some(r) = q.requirement {
        let r = Requirement::parse(&r).ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "requirement",
                "invalid_value",
                "one of visa, consulted_visa, special_authorization, none",
                "uno de visa, consulted_visa, special_authorization, none",
            )])
        })?;
        query = query.filter(e::requirement.eq(r.as_str()));
    }
    Ok(query
        .order((e::member_country.asc(), e::nationality.asc(), e::valid_from.desc(), e::id.asc()))
        .limit(10_000)
        .load(conn)?)
}
