//! Reservation policies (SPEC §3, M4): per country, for each catalog path, `shared` or
//! `reserved` with its legal basis, overriding the catalog default; plus the country's
//! `include_in_statistics` default.
//!
//! Versioned with effective dates: every replacement is a new version (its number, who wrote
//! it, when, and `effective_from`), kept for ever. A replacement needs `If-Match` with the ETag
//! of the newest version (428 without, 412 if stale). The version in force at a time is the
//! newest one whose `effective_from` has passed; a version dated ahead is `scheduled` and comes
//! into force at its time by itself (`activate_due`, run by every node each second, and before
//! every replacement), and a later version dated no later than a scheduled one supersedes it.
//! A version coming into force applies at once to every case and alert of the country: the
//! modules that derive anything from a policy (shared columns, renderings, statistical records)
//! are its `Dependents`, told to recompute in the same transaction; the change is audited with
//! what each recomputed. This module depends on none of them.

use std::collections::BTreeSet;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::access::cases::{PolicyEntry, Reservation, reservations};
use crate::access::matching::Participation;
use crate::access::{PartyKind, Role, Subject};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::{reservation_policies, reservation_policy_versions as pv};
use crate::error::{ApiError, FieldError};
use crate::formato::catalog::{self, Flag};

/// What derives data from a country's policy and must recompute it when a new version comes
/// into force (inside the same transaction). Returns, per kind of object, how many it
/// recomputed, as named in the audit event (`cases_reindexed`, `alerts_reindexed`).
pub trait Dependents {
    fn recompute(
        &self,
        conn: &mut DbConn,
        party: &str,
        policy: &Policy,
        now: &str,
    ) -> Result<Vec<(&'static str, usize)>, ApiError>;
}

/// The per-case reservations (catalog paths) a reporting officer added to a case document.
pub fn case_reservations(document: &serde_json::Value) -> Vec<String> {
    document["field_reservations"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["path"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The policy in force for a country: what redaction, filters and statistics apply.
#[derive(Debug, Clone)]
pub struct Policy {
    pub party: String,
    /// 0 before the first version (catalog defaults only).
    pub version: i32,
    /// Default of `include_in_statistics` for new cases of this country.
    pub include_in_statistics: bool,
    /// Overrides of the catalog defaults (reservable paths only).
    pub fields: Vec<PolicyEntry>,
    /// Which identifiers of the country's cases and alerts take part in hit/no-hit matching.
    pub matching: Participation,
    pub effective_from: Option<String>,
    pub updated_at: Option<String>,
}

impl Policy {
    pub fn reservations(&self, per_case: &[String]) -> Vec<Reservation> {
        reservations(&self.fields, per_case)
    }

    /// The reservations of one case document: the policy's and the case's own.
    pub fn reservations_of(&self, document: &serde_json::Value) -> Vec<Reservation> {
        self.reservations(&case_reservations(document))
    }

    fn defaults(party: &str) -> Policy {
        Policy {
            party: party.to_owned(),
            version: 0,
            include_in_statistics: true,
            fields: vec![],
            matching: Participation::default(),
            effective_from: None,
            updated_at: None,
        }
    }
}

/// A country's reservation policy as its users read it: the version in force and the versions
/// scheduled after it. The ETag names `latest_version`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyDocument {
    pub party: String,
    /// The version in force; 0 before the first one (catalog defaults only).
    pub version: i32,
    /// Default of `include_in_statistics` for new cases of this country.
    pub include_in_statistics: bool,
    /// Overrides of the catalog defaults.
    pub fields: Vec<PolicyEntry>,
    /// Which identifiers of the country's cases and alerts take part in hit/no-hit matching.
    pub matching: Participation,
    /// Since when the version in force applies (absent for version 0).
    pub effective_from: Option<String>,
    /// When the version in force came into force (absent for version 0).
    pub updated_at: Option<String>,
    /// The newest version written: `version`, or a scheduled one. A replacement sends its ETag.
    pub latest_version: i32,
    /// Versions written with a later `effective_from`, in the order they will take effect.
    pub scheduled: Vec<ScheduledVersion>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduledVersion {
    pub version: i32,
    pub effective_from: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    pub include_in_statistics: bool,
    /// The complete list of overrides (replaces the previous list), at most 1000, each path once.
    /// Handling and evaluation codes are never reservable.
    #[schema(max_items = 1000)]
    pub fields: Vec<PolicyEntry>,
    /// Which identifiers take part in hit/no-hit matching: the defaults (document numbers and
    /// suspects' names take part, persons affected do not) when absent.
    #[serde(default)]
    pub matching: Participation,
    /// When this version takes effect (RFC 3339): now when absent; a later time schedules it
    /// (at most 366 days ahead), and it then takes effect by itself at that time.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub effective_from: Option<String>,
}

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    /// The version that applies now.
    InForce,
    /// Its `effective_from` is ahead: it will take effect then.
    Scheduled,
    /// It applied before a later version took its place.
    Previous,
    /// A later version, effective no later than it, took its place before it ever applied.
    Superseded,
}

/// One version of a country's policy, without its entries.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyVersionInfo {
    pub version: i32,
    pub status: VersionStatus,
    pub effective_from: String,
    /// When it came into force (absent if it has not, or never will).
    pub applied_at: Option<String>,
    /// When it was written, and by whom (user id).
    pub created_at: String,
    pub created_by: String,
}

/// One version of a country's policy, whole.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyVersion {
    pub version: i32,
    pub status: VersionStatus,
    pub effective_from: String,
    /// When it came into force (absent if it has not, or never will).
    pub applied_at: Option<String>,
    /// When it was written, and by whom (user id).
    pub created_at: String,
    pub created_by: String,
    pub include_in_statistics: bool,
    pub fields: Vec<PolicyEntry>,
    pub matching: Participation,
}

/// What a stored version holds (older rows hold more keys, ignored here; versions written
/// before matching existed hold the default participation).
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    include_in_statistics: bool,
    fields: Vec<PolicyEntry>,
    #[serde(default)]
    matching: Participation,
}

/// The participation stored with the policy in force ('' before matching existed: defaults).
fn participation(text: &str) -> Result<Participation, ApiError> {
    if text.is_empty() {
        return Ok(Participation::default());
    }
    serde_json::from_str(text).map_err(|_| ApiError::Internal)
}

/// Only reservable paths take effect (a stored policy may predate a path becoming
/// non-reservable, e.g. the handling codes).
fn effective_fields(fields: Vec<PolicyEntry>) -> Vec<PolicyEntry> {
    fields.into_iter().filter(|e| catalog::reservable(&e.path)).collect()
}

/// The policy in force for a country (catalog defaults when it has none yet).
pub fn load(conn: &mut DbConn, party: &str) -> Result<Policy, ApiError> {
    let row: Option<(i32, bool, String, String, String, String)> = reservation_policies::table
        .find(party)
        .select((
            reservation_policies::version,
            reservation_policies::include_in_statistics,
            reservation_policies::entries,
            reservation_policies::updated_at,
            reservation_policies::effective_from,
            reservation_policies::matching,
        ))
        .get_result(conn)
        .optional()?;
    Ok(match row {
        Some((version, include, entries, updated_at, effective_from, matching)) => Policy {
            party: party.to_owned(),
            version,
            include_in_statistics: include,
            fields: effective_fields(serde_json::from_str(&entries).map_err(|_| ApiError::Internal)?),
            matching: participation(&matching)?,
            effective_from: Some(effective_from),
            updated_at: Some(updated_at),
        },
        None => Policy::defaults(party),
    })
}

/// The version in force of a country's policy (0 before the first one).
pub fn version(conn: &mut DbConn, party: &str) -> Result<i32, ApiError> {
    let v: Option<i32> =
        reservation_policies::table.find(party).select(reservation_policies::version).get_result(conn).optional()?;
    Ok(v.unwrap_or(0))
}

fn latest_version(conn: &mut DbConn, party: &str) -> Result<i32, ApiError> {
    let v: Option<i32> =
        pv::table.filter(pv::party_code.eq(party)).select(diesel::dsl::max(pv::version)).get_result(conn)?;
    Ok(v.unwrap_or(0))
}

/// The policy as its readers see it, with its ETag.
pub fn read(conn: &mut DbConn, party: &str) -> Result<(PolicyDocument, String), ApiError> {
    let policy = load(conn, party)?;
    let scheduled: Vec<(i32, String)> = pv::table
        .filter(pv::party_code.eq(party))
        .filter(pv::state.eq("scheduled"))
        .order(pv::version.asc())
        .select((pv::version, pv::effective_from))
        .load(conn)?;
    let latest = latest_version(conn, party)?.max(policy.version);
    let doc = PolicyDocument {
        party: policy.party,
        version: policy.version,
        include_in_statistics: policy.include_in_statistics,
        fields: policy.fields,
        matching: policy.matching,
        effective_from: policy.effective_from,
        updated_at: policy.updated_at,
        latest_version: latest,
        scheduled: scheduled
            .into_iter()
            .map(|(version, effective_from)| ScheduledVersion { version, effective_from })
            .collect(),
    };
    Ok((doc, crate::precondition::etag(latest)))
}

type VersionRow = (i32, String, String, Option<String>, String, String, String);

fn info_of(row: &VersionRow, in_force: i32) -> PolicyVersionInfo {
    let (version, state, effective_from, applied_at, created_at, created_by, _) = row;
    let status = match state.as_str() {
        "scheduled" => VersionStatus::Scheduled,
        "superseded" => VersionStatus::Superseded,
        _ if *version == in_force => VersionStatus::InForce,
        _ => VersionStatus::Previous,
    };
    PolicyVersionInfo {
        version: *version,
        status,
        effective_from: effective_from.clone(),
        applied_at: applied_at.clone(),
        created_at: created_at.clone(),
        created_by: created_by.clone(),
    }
}

fn version_rows(conn: &mut DbConn, party: &str, only: Option<i32>) -> Result<Vec<VersionRow>, ApiError> {
    let mut q = pv::table
        .filter(pv::party_code.eq(party))
        .order(pv::version.asc())
        .select((
            pv::version,
            pv::state,
            pv::effective_from,
            pv::applied_at,
            pv::created_at,
            pv::created_by,
            pv::document,
        ))
        .into_boxed();
    if let Some(n) = only {
        q = q.filter(pv::version.eq(n));
    }
    Ok(q.load(conn)?)
}

/// Every version of a country's policy, oldest first.
pub fn versions(conn: &mut DbConn, party: &str) -> Result<Vec<PolicyVersionInfo>, ApiError> {
    let in_force = version(conn, party)?;
    Ok(version_rows(conn, party, None)?.iter().map(|r| info_of(r, in_force)).collect())
}

/// One version of a country's policy.
pub fn version_of(conn: &mut DbConn, party: &str, n: i32) -> Result<Option<PolicyVersion>, ApiError> {
    let in_force = version(conn, party)?;
    let Some(row) = version_rows(conn, party, Some(n))?.into_iter().next() else { return Ok(None) };
    let stored: Stored = serde_json::from_str(&row.6).map_err(|_| ApiError::Internal)?;
    let info = info_of(&row, in_force);
    Ok(Some(PolicyVersion {
        version: info.version,
        status: info.status,
        effective_from: info.effective_from,
        applied_at: info.applied_at,
        created_at: info.created_at,
        created_by: info.created_by,
        include_in_statistics: stored.include_in_statistics,
        fields: stored.fields,
        matching: stored.matching,
    }))
}

/// Read: the country's own users and ST administrators.
pub fn may_read(s: &Subject, party: &str) -> bool {
    s.party == party || (s.party_kind == PartyKind::Secretariat && s.has(Role::StAdmin))
}

/// Write: the country's administrators.
pub fn may_write(s: &Subject, party: &str) -> bool {
    s.party == party && s.party_kind == PartyKind::Member && s.has(Role::CountryAdmin)
}

/// How far ahead a version may be scheduled.
const MAX_AHEAD_DAYS: i64 = 366;
/// A given `effective_from` this far in the past is taken as "now" (clock skew).
const SKEW_SECONDS: i64 = 300;

/// The checked `effective_from` of an update: now when absent.
fn effective_from(update: &PolicyUpdate, now: OffsetDateTime, issues: &mut Vec<FieldError>) -> OffsetDateTime {
    let Some(text) = &update.effective_from else { return now };
    let Some(at) = crate::clock::parse_rfc3339(text).and_then(|t| crate::clock::parse_stored(&t)) else {
        issues.push(FieldError::new(
            "effective_from",
            "invalid_datetime",
            "must be an RFC 3339 date and time, e.g. 2027-01-01T00:00:00Z",
            "debe ser una fecha y hora RFC 3339, p. ej. 2027-01-01T00:00:00Z",
        ));
        return now;
    };
    if at < now - time::Duration::seconds(SKEW_SECONDS) {
        issues.push(FieldError::new(
            "effective_from",
            "in_the_past",
            "must not be in the past: a policy applies from now or from a later time",
            "no puede estar en el pasado: una política se aplica desde ahora o desde un momento posterior",
        ));
    } else if at > now + time::Duration::days(MAX_AHEAD_DAYS) {
        issues.push(FieldError::new(
            "effective_from",
            "too_far_ahead",
            "must be at most 366 days ahead",
            "debe estar como máximo 366 días en el futuro",
        ));
    }
    at.max(now)
}

fn check(update: &PolicyUpdate, now: OffsetDateTime) -> Result<OffsetDateTime, ApiError> {
    let mut issues = vec![];
    let mut seen = BTreeSet::new();
    if update.fields.len() > 1000 {
        issues.push(FieldError::new("fields", "too_many", "at most 1000 entries", "como máximo 1000 entradas"));
    }
    for (i, e) in update.fields.iter().enumerate() {
        let at = |f: &str| format!("fields[{i}].{f}");
        if catalog::is_handling(&e.path) {
            issues.push(FieldError::new(
                at("path"),
                "never_reservable",
                crate::formato::validate::HANDLING_EN,
                crate::formato::validate::HANDLING_ES,
            ));
        } else if !catalog::reservable(&e.path) {
            issues.push(FieldError::new(
                at("path"),
                "not_reservable",
                "not a reservable catalog path",
                "no es una ruta reservable del catálogo",
            ));
        }
        if !seen.insert(e.path.as_str()) {
            issues.push(FieldError::new(
                at("path"),
                "duplicate_path",
                "this path is listed twice",
                "esta ruta aparece dos veces",
            ));
        }
        let basis = e.legal_basis.as_deref().map(str::trim).unwrap_or("");
        if e.flag == Flag::Reserved && basis.is_empty() {
            issues.push(FieldError::new(
                at("legal_basis"),
                "required",
                "a reserved field needs its legal basis",
                "un campo reservado requiere su fundamento legal",
            ));
        }
        if let Some(t) = &e.legislation_topic
            && crate::registry::legislation::find_topic(t).is_none()
        {
            issues.push(FieldError::new(
                at("legislation_topic"),
                "invalid_value",
                "a topic of the legislation matrix (`LegislationTopic`)",
                "un tema de la matriz de legislación (`LegislationTopic`)",
            ));
        }
        if basis.chars().count() > 300 {
            issues.push(FieldError::new(
                at("legal_basis"),
                "too_long",
                "at most 300 characters",
                "como máximo 300 caracteres",
            ));
        }
    }
    let at = effective_from(update, now, &mut issues);
    if issues.is_empty() { Ok(at) } else { Err(ApiError::Validation(issues)) }
}

/// Write a new version of a country's policy, in force at once or scheduled. `If-Match` must
/// name the newest version. Returns the policy as its readers now see it, with its ETag.
#[allow(clippy::too_many_arguments)] // who, the request, what, the precondition, when, and what follows
pub fn update(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    party: &str,
    update: PolicyUpdate,
    if_match: Option<&str>,
    now: OffsetDateTime,
    dependents: &dyn Dependents,
) -> Result<(PolicyDocument, String), ApiError> {
    if if_match.is_none() {
        return Err(ApiError::PreconditionRequired);
    }
    let effective = check(&update, now)?;
    let now_text = crate::clock::format_ts(now);
    let effective_text = crate::clock::format_ts(effective);
    audit::write(conn, |conn, events| {
        // Anything already due takes effect first: the version written now follows it.
        activate_party(conn, ctx, party, &now_text, events, dependents)?;
        let uncited: Vec<FieldError> = update
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, e.legislation_topic.as_deref()?)))
            .filter_map(|(i, t)| match crate::registry::legislation::exists(conn, party, t) {
                Ok(true) => None,
                Ok(false) => Some(Ok(FieldError::new(
                    format!("fields[{i}].legislation_topic"),
                    "no_entry",
                    "your country has no entry for this topic in the legislation matrix: add it first",
                    "su país no tiene una entrada para este tema en la matriz de legislación: agréguela primero",
                ))),
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<_, _>>()?;
        if !uncited.is_empty() {
            return Err(ApiError::Validation(uncited));
        }
        let latest = latest_version(conn, party)?.max(version(conn, party)?);
        crate::precondition::check_version(if_match, latest, true)?;
        let version = latest + 1;
        let mut fields = update.fields.clone();
        for f in &mut fields {
            f.legal_basis = f.legal_basis.as_ref().map(|b| b.trim().to_owned()).filter(|b| !b.is_empty());
        }
        fields.sort_by(|a, b| a.path.cmp(&b.path));
        let stored = Stored { include_in_statistics: update.include_in_statistics, fields, matching: update.matching };
        // A scheduled version dated no earlier than this one will never apply.
        let superseded: Vec<i32> = pv::table
            .filter(pv::party_code.eq(party))
            .filter(pv::state.eq("scheduled"))
            .filter(pv::effective_from.ge(&effective_text))
            .select(pv::version)
            .load(conn)?;
        diesel::update(pv::table.filter(pv::party_code.eq(party)).filter(pv::version.eq_any(&superseded)))
            .set(pv::state.eq("superseded"))
            .execute(conn)?;
        diesel::insert_into(pv::table)
            .values((
                pv::party_code.eq(party),
                pv::version.eq(version),
                pv::document.eq(serde_json::to_string(&stored).map_err(|_| ApiError::Internal)?),
                pv::created_at.eq(&now_text),
                pv::created_by.eq(&actor.user_id),
                pv::effective_from.eq(&effective_text),
                pv::state.eq("scheduled"),
            ))
            .execute(conn)?;
        events.push(
            Event::new(ctx, "reservation_policy_update", "reservation_policy", Outcome::Allowed)
                .object(party.to_owned(), Some(party))
                .details(serde_json::json!({
                    "version": version,
                    "effective_from": effective_text,
                    "scheduled": effective > now,
                    "superseded": superseded,
                })),
        );
        activate_party(conn, ctx, party, &now_text, events, dependents)?;
        read(conn, party)
    })
}

/// The scheduled versions of `party` due at `now` (their `effective_from` passed), oldest first.
fn due(conn: &mut DbConn, party: &str, now: &str) -> Result<Vec<i32>, ApiError> {
    Ok(pv::table
        .filter(pv::party_code.eq(party))
        .filter(pv::state.eq("scheduled"))
        .filter(pv::effective_from.le(now))
        .order(pv::version.asc())
        .select(pv::version)
        .load(conn)?)
}

/// Bring the newest due version of `party` into force, inside the caller's transaction: the
/// other due versions are superseded; the country's cases and alerts are recomputed. `ctx` is
/// the request that wrote a version effective at once, or the schedule's.
fn activate_party(
    conn: &mut DbConn,
    ctx: &RequestContext,
    party: &str,
    now: &str,
    events: &mut Vec<Event>,
    dependents: &dyn Dependents,
) -> Result<bool, ApiError> {
    let due = due(conn, party, now)?;
    let Some(&target) = due.last() else { return Ok(false) };
    let before = load(conn, party)?;
    let (document, effective_from, created_by): (String, String, String) =
        pv::table.find((party, target)).select((pv::document, pv::effective_from, pv::created_by)).get_result(conn)?;
    let stored: Stored = serde_json::from_str(&document).map_err(|_| ApiError::Internal)?;
    let entries = serde_json::to_string(&stored.fields).map_err(|_| ApiError::Internal)?;
    let matching = serde_json::to_string(&stored.matching).map_err(|_| ApiError::Internal)?;
    let values = (
        reservation_policies::version.eq(target),
        reservation_policies::include_in_statistics.eq(stored.include_in_statistics),
        reservation_policies::entries.eq(&entries),
        reservation_policies::updated_at.eq(now),
        reservation_policies::updated_by.eq(&created_by),
        reservation_policies::effective_from.eq(&effective_from),
        reservation_policies::matching.eq(&matching),
    );
    // Conditional on the version in force, so that two nodes activating at once apply it once.
    let updated = diesel::update(
        reservation_policies::table
            .filter(reservation_policies::party_code.eq(party))
            .filter(reservation_policies::version.eq(before.version)),
    )
    .set(values)
    .execute(conn)?;
    if updated == 0 {
        if before.version != 0 {
            return Err(ApiError::Unavailable);
        }
        diesel::insert_into(reservation_policies::table)
            .values((reservation_policies::party_code.eq(party), values))
            .execute(conn)?;
    }
    let skipped: Vec<i32> = due[..due.len() - 1].to_vec();
    diesel::update(pv::table.filter(pv::party_code.eq(party)).filter(pv::version.eq_any(&skipped)))
        .set(pv::state.eq("superseded"))
        .execute(conn)?;
    diesel::update(pv::table.find((party, target)))
        .set((pv::state.eq("applied"), pv::applied_at.eq(now)))
        .execute(conn)?;
    let policy = load(conn, party)?;
    let recomputed = dependents.recompute(conn, party, &policy, now)?;
    let old: BTreeSet<String> = before.reservations(&[]).into_iter().map(|r| r.path).collect();
    let new: BTreeSet<String> = policy.reservations(&[]).into_iter().map(|r| r.path).collect();
    if old != new {
        crate::feed::policy_changed(conn, party, target, now)?;
    }
    let mut details = serde_json::json!({
                "version": target,
                "previous_version": before.version,
                "effective_from": effective_from,
                "superseded": skipped,
                "now_reserved": new.difference(&old).collect::<Vec<_>>(),
                "now_shared": old.difference(&new).collect::<Vec<_>>(),
                "include_in_statistics": policy.include_in_statistics,
                "matching": policy.matching,
    });
    for (what, n) in recomputed {
        details[what] = n.into();
    }
    events.push(
        Event::new(ctx, "reservation_policy_effective", "reservation_policy", Outcome::Allowed)
            .object(party.to_owned(), Some(party))
            .details(details),
    );
    Ok(true)
}

/// Bring every due scheduled version into force (each country in its own transaction).
/// Returns how many countries changed policy.
pub fn activate_due(conn: &mut DbConn, now: &str, dependents: &dyn Dependents) -> Result<usize, ApiError> {
    let parties: Vec<String> = pv::table
        .filter(pv::state.eq("scheduled"))
        .filter(pv::effective_from.le(now))
        .select(pv::party_code)
        .distinct()
        .load(conn)?;
    let ctx = RequestContext { request_id: "policy-schedule".into(), client_addr: None, actor: None };
    let mut changed = 0;
    for party in parties {
        if audit::write(conn, |conn, events| activate_party(conn, &ctx, &party, now, events, dependents))? {
            changed += 1;
        }
    }
    Ok(changed)
}
