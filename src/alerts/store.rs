//! Alerts in the database: the current document with its filter columns (a `*_shared` column is
//! NULL when the field is reserved, so other countries never match a reserved value) and the
//! countries a `listed` alert is shared with. Knows SQL, not HTTP.

use diesel::prelude::*;
use serde_json::Value;

use crate::access::alerts::{self as rules, AlertMeta};
use crate::access::cases::{CaseMeta, Scope, SharedStamp, is_reserved};
use crate::db::DbConn;
use crate::db::schema::{case_shares, cases, document_alert_shares as sh, document_alerts as a};
use crate::error::ApiError;
use crate::matching::index::{self as match_index, BlindIndex, KeyRow};
use crate::policy::Policy;

/// An alert as stored. Not serializable: responses are built by `access::alerts::view`.
#[derive(Debug, Clone)]
pub struct StoredAlert {
    pub id: String,
    pub reporting_country: String,
    pub version: i32,
    pub status: String,
    pub meta: AlertMeta,
    pub document: Value,
    /// What other countries see of the history (see `access::cases::SharedStamp`).
    pub shared_version: i32,
    pub shared_updated_at: String,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

impl StoredAlert {
    pub fn per_alert_reservations(&self) -> Vec<String> {
        per_alert(&self.document)
    }

    pub fn related_case_ids(&self) -> Vec<String> {
        strings(&self.document["related_case_ids"])
    }

    pub fn shared_stamp(&self) -> SharedStamp<'_> {
        SharedStamp { version: self.shared_version, updated_at: &self.shared_updated_at }
    }
}

fn per_alert(doc: &Value) -> Vec<String> {
    doc["field_reservations"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["path"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = a)]
struct Row {
    id: String,
    reporting_country: String,
    version: i32,
    alert_status: String,
    sharing_scope: String,
    document: String,
    shared_version: i32,
    shared_updated_at: String,
}

fn to_stored(row: Row, shares: &[(String, String)]) -> Result<StoredAlert, ApiError> {
    let document: Value = serde_json::from_str(&row.document).map_err(|_| ApiError::Internal)?;
    Ok(StoredAlert {
        meta: AlertMeta {
            reporting_country: row.reporting_country.clone(),
            scope: Scope::parse(&row.sharing_scope).unwrap_or(Scope::National),
            shared_with: shares.iter().filter(|(id, _)| *id == row.id).map(|(_, c)| c.clone()).collect(),
        },
        id: row.id,
        reporting_country: row.reporting_country,
        version: row.version,
        status: row.alert_status,
        document,
        shared_version: row.shared_version,
        shared_updated_at: row.shared_updated_at,
    })
}

fn shares_of(conn: &mut DbConn, ids: &[String]) -> Result<Vec<(String, String)>, ApiError> {
    Ok(sh::table.filter(sh::alert_id.eq_any(ids)).select((sh::alert_id, sh::country)).load(conn)?)
}

pub fn load(conn: &mut DbConn, id: &str) -> Result<Option<StoredAlert>, ApiError> {
    let Some(row) = a::table.find(id).select(Row::as_select()).get_result(conn).optional()? else {
        return Ok(None);
    };
    let shares = shares_of(conn, &[id.to_owned()])?;
    to_stored(row, &shares).map(Some)
}

/// The filter columns of a document under the country's policy and its own reservations.
struct Columns {
    scope: Scope,
    shared_with: Vec<String>,
    status: String,
    valid_until: (Option<String>, Option<String>),
    issuing_state: (Option<String>, Option<String>),
    document_type: (Option<String>, Option<String>),
    fraud_type: (Option<String>, Option<String>),
    /// Digest of what every other country sees (without the history stamp): when it changes, the
    /// shared version moves.
    shared_digest: String,
    /// Its rows of the blind index.
    keys: Vec<KeyRow>,
}

fn columns(conn: &mut DbConn, doc: &Value, policy: &Policy, idx: &BlindIndex) -> Result<Columns, ApiError> {
    let reservations = rules::reservations(&policy.fields, &per_alert(doc));
    let keys = match_index::alert_keys(idx, doc, &policy.matching, &reservations);
    let pair = |path: &str, value: &Value| {
        let raw = value.as_str().map(str::to_owned);
        let shared = if is_reserved(&reservations, path) { None } else { raw.clone() };
        (raw, shared)
    };
    let field = |field: &str| pair(&format!("document.{field}"), &doc["document"][field]);
    // Related cases are shown to each reader as far as it may see them; the digest counts those
    // every member may see (`network`, not retracted), so a change to the others moves nobody's
    // shared version: a reader never learns of a case it may not see.
    let related = strings(&doc["related_case_ids"]);
    let for_everyone: Vec<String> = case_metas(conn, &related)?
        .into_iter()
        .filter(|(_, m)| m.scope == Scope::Network && !m.retracted)
        .map(|(id, _)| id)
        .collect();
    let (foreign, _) = rules::redacted(doc.clone(), &reservations, &for_everyone);
    Ok(Columns {
        scope: doc["sharing"]["scope"].as_str().and_then(Scope::parse).unwrap_or(Scope::Network),
        shared_with: strings(&doc["sharing"]["countries"]),
        status: doc["alert_status"].as_str().unwrap_or("active").to_owned(),
        valid_until: pair("valid_until", &doc["valid_until"]),
        issuing_state: field("issuing_state"),
        document_type: field("document_type"),
        fraud_type: field("fraud_type"),
        shared_digest: crate::auth::sha256_hex(foreign.as_value().to_string().as_bytes()),
        keys,
    })
}

/// Move the shared version and time of an alert if what other countries see has changed.
fn stamp_shared_change(conn: &mut DbConn, id: &str, digest: &str, now: &str) -> Result<(), ApiError> {
    diesel::update(a::table.filter(a::id.eq(id)).filter(a::shared_digest.ne(digest)))
        .set((a::shared_version.eq(a::shared_version + 1), a::shared_updated_at.eq(now), a::shared_digest.eq(digest)))
        .execute(conn)?;
    Ok(())
}

fn write_shares(conn: &mut DbConn, id: &str, c: &Columns) -> Result<(), ApiError> {
    diesel::delete(sh::table.filter(sh::alert_id.eq(id))).execute(conn)?;
    if c.scope == Scope::Listed {
        // A country listed twice is shared with once.
        let unique: std::collections::BTreeSet<&String> = c.shared_with.iter().collect();
        for country in unique {
            diesel::insert_into(sh::table).values((sh::alert_id.eq(id), sh::country.eq(country))).execute(conn)?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &mut DbConn,
    idx: &BlindIndex,
    id: &str,
    country: &str,
    doc: &Value,
    policy: &Policy,
    user: &str,
    now: &str,
) -> Result<(), ApiError> {
    let c = columns(conn, doc, policy, idx)?;
    diesel::insert_into(a::table)
        .values((
            a::id.eq(id),
            a::reporting_country.eq(country),
            a::version.eq(1),
            a::alert_status.eq(&c.status),
            a::valid_until.eq(&c.valid_until.0),
            a::valid_until_shared.eq(&c.valid_until.1),
            a::sharing_scope.eq(c.scope.as_str()),
            a::issuing_state.eq(&c.issuing_state.0),
            a::issuing_state_shared.eq(&c.issuing_state.1),
            a::document_type.eq(&c.document_type.0),
            a::document_type_shared.eq(&c.document_type.1),
            a::fraud_type.eq(&c.fraud_type.0),
            a::fraud_type_shared.eq(&c.fraud_type.1),
            a::document.eq(doc.to_string()),
            a::created_at.eq(now),
            a::created_by.eq(user),
            a::updated_at.eq(now),
            a::updated_by.eq(user),
            a::shared_version.eq(1),
            a::shared_updated_at.eq(now),
            a::shared_digest.eq(&c.shared_digest),
        ))
        .execute(conn)?;
    match_index::insert(conn, "alert", id, country, &c.keys)?;
    write_shares(conn, id, &c)
}

/// Replace the document if the stored version is still `old_version`; false otherwise.
#[allow(clippy::too_many_arguments)]
pub fn replace(
    conn: &mut DbConn,
    idx: &BlindIndex,
    id: &str,
    old_version: i32,
    doc: &Value,
    policy: &Policy,
    user: &str,
    now: &str,
) -> Result<bool, ApiError> {
    let c = columns(conn, doc, policy, idx)?;
    let n = diesel::update(a::table.filter(a::id.eq(id)).filter(a::version.eq(old_version)))
        .set((
            a::version.eq(old_version + 1),
            a::alert_status.eq(&c.status),
            a::valid_until.eq(&c.valid_until.0),
            a::valid_until_shared.eq(&c.valid_until.1),
            a::sharing_scope.eq(c.scope.as_str()),
            a::issuing_state.eq(&c.issuing_state.0),
            a::issuing_state_shared.eq(&c.issuing_state.1),
            a::document_type.eq(&c.document_type.0),
            a::document_type_shared.eq(&c.document_type.1),
            a::fraud_type.eq(&c.fraud_type.0),
            a::fraud_type_shared.eq(&c.fraud_type.1),
            a::document.eq(doc.to_string()),
            a::updated_at.eq(now),
            a::updated_by.eq(user),
        ))
        .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    stamp_shared_change(conn, id, &c.shared_digest, now)?;
    write_shares(conn, id, &c)?;
    match_index::write(conn, "alert", id, &policy.party, &c.keys)?;
    Ok(true)
}

/// Recompute the shared columns of a country's alerts after its policy changed; an alert whose
/// view for other countries changed gets a new shared version.
pub fn reindex_country(
    conn: &mut DbConn,
    country: &str,
    policy: &Policy,
    idx: &BlindIndex,
    now: &str,
) -> Result<usize, ApiError> {
    let rows: Vec<(String, String)> =
        a::table.filter(a::reporting_country.eq(country)).select((a::id, a::document)).load(conn)?;
    for (id, document) in &rows {
        let doc: Value = serde_json::from_str(document).map_err(|_| ApiError::Internal)?;
        let c = columns(conn, &doc, policy, idx)?;
        match_index::write(conn, "alert", id, country, &c.keys)?;
        diesel::update(a::table.filter(a::id.eq(id)))
            .set((
                a::valid_until_shared.eq(&c.valid_until.1),
                a::issuing_state_shared.eq(&c.issuing_state.1),
                a::document_type_shared.eq(&c.document_type.1),
                a::fraud_type_shared.eq(&c.fraud_type.1),
            ))
            .execute(conn)?;
        stamp_shared_change(conn, id, &c.shared_digest, now)?;
    }
    Ok(rows.len())
}

/// Write the blind index rows of every alert of a country (see `reindex::index_all_for_matching`).
pub fn index_for_matching(
    conn: &mut DbConn,
    country: &str,
    policy: &Policy,
    idx: &BlindIndex,
) -> Result<usize, ApiError> {
    let rows: Vec<(String, String)> =
        a::table.filter(a::reporting_country.eq(country)).select((a::id, a::document)).load(conn)?;
    for (id, document) in &rows {
        let doc: Value = serde_json::from_str(document).map_err(|_| ApiError::Internal)?;
        let reservations = rules::reservations(&policy.fields, &per_alert(&doc));
        match_index::write(
            conn,
            "alert",
            id,
            country,
            &match_index::alert_keys(idx, &doc, &policy.matching, &reservations),
        )?;
    }
    Ok(rows.len())
}

/// The access metadata of the existing cases among `ids`.
pub fn case_metas(conn: &mut DbConn, ids: &[String]) -> Result<Vec<(String, CaseMeta)>, ApiError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(String, String, String, bool)> = cases::table
        .filter(cases::id.eq_any(ids))
        .select((cases::id, cases::reporting_country, cases::sharing_scope, cases::retracted))
        .load(conn)?;
    let shares: Vec<(String, String)> = case_shares::table
        .filter(case_shares::case_id.eq_any(ids))
        .select((case_shares::case_id, case_shares::country))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, country, scope, retracted)| {
            let meta = CaseMeta {
                reporting_country: country,
                scope: Scope::parse(&scope).unwrap_or(Scope::National),
                shared_with: shares.iter().filter(|(c, _)| *c == id).map(|(_, p)| p.clone()).collect(),
                retracted,
            };
            (id, meta)
        })
        .collect())
}

pub struct ListFilter {
    pub issuing_state: Option<String>,
    pub document_type: Option<String>,
    pub fraud_type: Option<String>,
    pub active: Option<bool>,
    /// `YYYY-MM-DD`, for `active`.
    pub today: String,
    pub since: Option<String>,
    pub reporting_country: Option<String>,
    pub before_id: Option<String>,
    pub limit: i64,
}

/// Alerts visible to `party` (own, network, listed for it), newest first. Equality filters use
/// the raw column on the party's own alerts and the shared column on everyone else's.
pub fn list(conn: &mut DbConn, party: &str, f: &ListFilter) -> Result<Vec<StoredAlert>, ApiError> {
    let listed_for_me: Vec<String> = sh::table.filter(sh::country.eq(party)).select(sh::alert_id).load(conn)?;
    let me = party.to_owned();
    let mut q = a::table
        .select(Row::as_select())
        .filter(
            a::reporting_country
                .eq(me.clone())
                .or(a::sharing_scope.eq("network"))
                .or(a::sharing_scope.eq("listed").and(a::id.eq_any(listed_for_me))),
        )
        .into_boxed();
    if let Some(v) = &f.issuing_state {
        q = q.filter(
            a::reporting_country
                .eq(me.clone())
                .and(a::issuing_state.eq(v.clone()))
                .or(a::reporting_country.ne(me.clone()).and(a::issuing_state_shared.eq(v.clone()))),
        );
    }
    if let Some(v) = &f.document_type {
        q = q.filter(
            a::reporting_country
                .eq(me.clone())
                .and(a::document_type.eq(v.clone()))
                .or(a::reporting_country.ne(me.clone()).and(a::document_type_shared.eq(v.clone()))),
        );
    }
    if let Some(v) = &f.fraud_type {
        q = q.filter(
            a::reporting_country
                .eq(me.clone())
                .and(a::fraud_type.eq(v.clone()))
                .or(a::reporting_country.ne(me.clone()).and(a::fraud_type_shared.eq(v.clone()))),
        );
    }
    // `valid_until` may be reserved on an alert: other countries' expiry is the shared column.
    let own = a::reporting_country.eq(me.clone());
    match f.active {
        Some(true) => {
            q = q.filter(a::alert_status.eq("active")).filter(
                own.clone().and(a::valid_until.is_null().or(a::valid_until.ge(f.today.clone()))).or(
                    a::reporting_country
                        .ne(me.clone())
                        .and(a::valid_until_shared.is_null().or(a::valid_until_shared.ge(f.today.clone()))),
                ),
            );
        }
        Some(false) => {
            q = q.filter(
                a::alert_status.eq("withdrawn").or(own
                    .clone()
                    .and(a::valid_until.lt(f.today.clone()))
                    .or(a::reporting_country.ne(me.clone()).and(a::valid_until_shared.lt(f.today.clone())))),
            );
        }
        None => {}
    }
    // Changes others cannot see do not move the time they filter on.
    if let Some(t) = &f.since {
        q = q.filter(
            own.clone()
                .and(a::updated_at.ge(t.clone()))
                .or(a::reporting_country.ne(me.clone()).and(a::shared_updated_at.ge(t.clone()))),
        );
    }
    if let Some(c) = &f.reporting_country {
        q = q.filter(a::reporting_country.eq(c.clone()));
    }
    if let Some(b) = &f.before_id {
        q = q.filter(a::id.lt(b.clone()));
    }
    let rows: Vec<Row> = q.order(a::id.desc()).limit(f.limit).load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let shares = shares_of(conn, &ids)?;
    rows.into_iter().map(|r| to_stored(r, &shares)).collect()
}
