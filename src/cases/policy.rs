//! Reservation policies (SPEC §3, M4): per country, for each catalog path, `shared` or
//! `reserved` with its legal basis, overriding the catalog default; plus the country's
//! `include_in_statistics` default. Versioned; a change applies at once to every case of the
//! country (the shared filter and search columns of its cases are recomputed in the same
//! transaction).

use std::collections::BTreeSet;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::cases::{PolicyEntry, Reservation, reservations};
use crate::access::{PartyKind, Role, Subject};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::{reservation_policies, reservation_policy_versions};
use crate::error::{ApiError, FieldError};
use crate::formato::catalog::{self, Flag};

/// A country's reservation policy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Policy {
    pub party: String,
    /// Increments with every change; 0 before the first one (catalog defaults only).
    pub version: i32,
    /// Default of `include_in_statistics` for new cases of this country.
    pub include_in_statistics: bool,
    /// Overrides of the catalog defaults.
    pub fields: Vec<PolicyEntry>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    pub include_in_statistics: bool,
    /// The complete list of overrides (replaces the previous list), at most 1000, each path once.
    #[schema(max_items = 1000)]
    pub fields: Vec<PolicyEntry>,
}

impl Policy {
    pub fn reservations(&self, per_case: &[String]) -> Vec<Reservation> {
        reservations(&self.fields, per_case)
    }
}

/// The policy of a country (catalog defaults when it has none yet).
pub fn load(conn: &mut DbConn, party: &str) -> Result<Policy, ApiError> {
    let row: Option<(i32, bool, String, String)> = reservation_policies::table
        .find(party)
        .select((
            reservation_policies::version,
            reservation_policies::include_in_statistics,
            reservation_policies::entries,
            reservation_policies::updated_at,
        ))
        .get_result(conn)
        .optional()?;
    Ok(match row {
        Some((version, include, entries, updated_at)) => Policy {
            party: party.to_owned(),
            version,
            include_in_statistics: include,
            fields: serde_json::from_str(&entries).map_err(|_| ApiError::Internal)?,
            updated_at: Some(updated_at),
        },
        None => Policy {
            party: party.to_owned(),
            version: 0,
            include_in_statistics: true,
            fields: vec![],
            updated_at: None,
        },
    })
}

/// The current version of a country's policy (0 before the first change).
pub fn version(conn: &mut DbConn, party: &str) -> Result<i32, ApiError> {
    let v: Option<i32> =
        reservation_policies::table.find(party).select(reservation_policies::version).get_result(conn).optional()?;
    Ok(v.unwrap_or(0))
}

/// Read: the country's own users and ST administrators.
pub fn may_read(s: &Subject, party: &str) -> bool {
    s.party == party || (s.party_kind == PartyKind::Secretariat && s.has(Role::StAdmin))
}

/// Write: the country's administrators.
pub fn may_write(s: &Subject, party: &str) -> bool {
    s.party == party && s.party_kind == PartyKind::Member && s.has(Role::CountryAdmin)
}

fn check(update: &PolicyUpdate) -> Result<(), ApiError> {
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
        if basis.chars().count() > 300 {
            issues.push(FieldError::new(
                at("legal_basis"),
                "too_long",
                "at most 300 characters",
                "como máximo 300 caracteres",
            ));
        }
    }
    if issues.is_empty() { Ok(()) } else { Err(ApiError::Validation(issues)) }
}

/// Replace a country's policy; returns the new policy. Re-indexes the country's cases.
pub fn update(
    conn: &mut DbConn,
    actor: &Subject,
    ctx: &RequestContext,
    party: &str,
    update: PolicyUpdate,
) -> Result<Policy, ApiError> {
    check(&update)?;
    audit::write(conn, |conn, events| {
        let before = load(conn, party)?;
        let now = crate::clock::now_text();
        let version = before.version + 1;
        let mut fields = update.fields.clone();
        for f in &mut fields {
            f.legal_basis = f.legal_basis.as_ref().map(|b| b.trim().to_owned()).filter(|b| !b.is_empty());
        }
        fields.sort_by(|a, b| a.path.cmp(&b.path));
        let entries = serde_json::to_string(&fields).map_err(|_| ApiError::Internal)?;
        let values = (
            reservation_policies::party_code.eq(party),
            reservation_policies::version.eq(version),
            reservation_policies::include_in_statistics.eq(update.include_in_statistics),
            reservation_policies::entries.eq(&entries),
            reservation_policies::updated_at.eq(&now),
            reservation_policies::updated_by.eq(&actor.user_id),
        );
        if before.version == 0 {
            diesel::insert_into(reservation_policies::table).values(values).execute(conn)?;
        } else {
            diesel::update(reservation_policies::table.find(party)).set(values).execute(conn)?;
        }
        let policy = Policy {
            party: party.to_owned(),
            version,
            include_in_statistics: update.include_in_statistics,
            fields,
            updated_at: Some(now.clone()),
        };
        diesel::insert_into(reservation_policy_versions::table)
            .values((
                reservation_policy_versions::party_code.eq(party),
                reservation_policy_versions::version.eq(version),
                reservation_policy_versions::document
                    .eq(serde_json::to_string(&policy).map_err(|_| ApiError::Internal)?),
                reservation_policy_versions::created_at.eq(&now),
                reservation_policy_versions::created_by.eq(&actor.user_id),
            ))
            .execute(conn)?;
        let reindexed = super::store::reindex_country(conn, party, &policy, &now)?;
        let alerts_reindexed = crate::alerts::store::reindex_country(conn, party, &policy, &now)?;
        let old: BTreeSet<String> = before.reservations(&[]).into_iter().map(|r| r.path).collect();
        let new: BTreeSet<String> = policy.reservations(&[]).into_iter().map(|r| r.path).collect();
        events.push(
            Event::new(ctx, "reservation_policy_update", "reservation_policy", Outcome::Allowed)
                .object(party.to_owned(), Some(party))
                .details(serde_json::json!({
                    "version": version,
                    "now_reserved": new.difference(&old).collect::<Vec<_>>(),
                    "now_shared": old.difference(&new).collect::<Vec<_>>(),
                    "include_in_statistics": update.include_in_statistics,
                    "cases_reindexed": reindexed,
                    "alerts_reindexed": alerts_reindexed,
                })),
        );
        Ok(policy)
    })
}
