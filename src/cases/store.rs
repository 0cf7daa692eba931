//! Cases in the database: the current document with its list/filter columns, the countries a
//! `listed` case is shared with, and every version. Knows SQL, not HTTP.

use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::access::cases::{
    Access, CaseMeta, Redacted, Rendering, Reservation, Scope, SharedStamp, is_reserved, redacted,
};
use crate::access::disclosure::{StoredRendering, StoredSummaries};
use crate::db::DbConn;
use crate::db::schema::{case_search, case_shares, case_versions, case_views, cases};
use crate::error::ApiError;
use crate::matching::index::{self as match_index, BlindIndex, KeyRow};
use crate::policy::Policy;

/// A case as stored. Not serializable: what a caller receives is built by `access`.
#[derive(Debug, Clone)]
pub struct StoredCase {
    pub id: String,
    pub reporting_country: String,
    pub version: i32,
    /// What other countries see of the history (see `access::cases::SharedStamp`).
    pub shared_version: i32,
    pub shared_updated_at: String,
    pub meta: CaseMeta,
    pub document: Value,
    /// The case's statistics salt (absent only on rows older than the salts).
    pub stat_salt: Option<String>,
}

impl StoredCase {
    pub fn shared_stamp(&self) -> SharedStamp<'_> {
        SharedStamp { version: self.shared_version, updated_at: &self.shared_updated_at }
    }

    /// The per-case reservations (catalog paths) added by the reporting officer.
    pub fn case_reservations(&self) -> Vec<String> {
        crate::policy::case_reservations(&self.document)
    }
}

/// The columns derived from a document for lists, filters and search.
pub struct IndexColumns {
    pub case_type: String,
    pub case_status: String,
    pub case_type_shared: Option<String>,
    pub case_status_shared: Option<String>,
    pub date_opened: String,
    pub date_detected: Option<String>,
    pub date_detected_shared: Option<String>,
    pub reporting_semester: String,
    pub scope: Scope,
    pub shared_with: Vec<String>,
    pub include_in_statistics: bool,
    pub search_full: String,
    pub search_shared: String,
    /// Digest of what other countries see (without the history stamp): when it changes, the
    /// shared version moves.
    pub shared_digest: String,
    /// What other countries see, without the history stamp, and what it withholds.
    pub foreign: Redacted,
    pub withheld: Vec<String>,
    /// The reporting country's policy version the reservations come from.
    pub policy_version: i32,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Every string of a document, lower-cased, one per line; markers of withheld fields are skipped.
fn search_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(&s.to_lowercase());
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|i| search_text(i, out)),
        Value::Object(obj) if obj.get("withheld") == Some(&Value::Bool(true)) => {}
        Value::Object(obj) => {
            for (k, v) in obj {
                if !matches!(k.as_str(), "created_by" | "updated_by" | "field_reservations" | "retraction_reason") {
                    search_text(v, out);
                }
            }
        }
        _ => {}
    }
}

pub fn index_columns(document: &Value, reservations: &[Reservation], policy_version: i32) -> IndexColumns {
    let shared = |path: &str| if is_reserved(reservations, path) { None } else { text(document, path) };
    let mut search_full = String::new();
    search_text(document, &mut search_full);
    let (foreign, withheld) = redacted(document.clone(), reservations);
    let mut search_shared = String::new();
    search_text(foreign.as_value(), &mut search_shared);
    let shared_digest = crate::digest::sha256_hex(foreign.as_value().to_string().as_bytes());
    let sharing = &document["sharing"];
    IndexColumns {
        case_type: text(document, "case_type").unwrap_or_default(),
        case_status: text(document, "case_status").unwrap_or_default(),
        case_type_shared: shared("case_type"),
        case_status_shared: shared("case_status"),
        date_opened: text(document, "date_opened").unwrap_or_default(),
        date_detected: text(document, "date_detected"),
        date_detected_shared: shared("date_detected"),
        reporting_semester: text(document, "reporting_semester").unwrap_or_default(),
        scope: sharing["scope"].as_str().and_then(Scope::parse).unwrap_or(Scope::National),
        shared_with: sharing["countries"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        include_in_statistics: document["include_in_statistics"].as_bool().unwrap_or(true),
        search_full,
        search_shared,
        shared_digest,
        foreign,
        withheld,
        policy_version,
    }
}

/// The rendering of a document with its index columns (the foreign view, what it withholds and
/// the policy version they come from).
fn render(document: &Value, cols: &IndexColumns, stamp: SharedStamp) -> Rendering {
    crate::access::cases::render(document, &cols.foreign, &cols.withheld, cols.policy_version, stamp)
}

fn withheld_text(r: &Rendering) -> String {
    serde_json::to_string(&r.foreign_withheld).unwrap_or_else(|_| "[]".into())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = cases)]
struct CaseRow {
    id: String,
    reporting_country: String,
    version: i32,
    shared_version: i32,
    shared_updated_at: String,
    sharing_scope: String,
    retracted: bool,
    document: String,
    stat_salt: Option<String>,
}

fn shares_of(conn: &mut DbConn, ids: &[String]) -> Result<Vec<(String, String)>, ApiError> {
    Ok(case_shares::table
        .filter(case_shares::case_id.eq_any(ids))
        .select((case_shares::case_id, case_shares::country))
        .load(conn)?)
}

fn to_stored(row: CaseRow, shares: &[(String, String)]) -> Result<StoredCase, ApiError> {
    let document: Value = serde_json::from_str(&row.document).map_err(|_| ApiError::Internal)?;
    Ok(StoredCase {
        meta: CaseMeta {
            reporting_country: row.reporting_country.clone(),
            scope: Scope::parse(&row.sharing_scope).unwrap_or(Scope::National),
            shared_with: shares.iter().filter(|(c, _)| *c == row.id).map(|(_, p)| p.clone()).collect(),
            retracted: row.retracted,
        },
        id: row.id,
        reporting_country: row.reporting_country,
        version: row.version,
        shared_version: row.shared_version,
        shared_updated_at: row.shared_updated_at,
        document,
        stat_salt: row.stat_salt,
    })
}

pub fn load(conn: &mut DbConn, id: &str) -> Result<Option<StoredCase>, ApiError> {
    let row: Option<CaseRow> = cases::table.find(id).select(CaseRow::as_select()).get_result(conn).optional()?;
    match row {
        None => Ok(None),
        Some(row) => {
            let shares = shares_of(conn, std::slice::from_ref(&row.id))?;
            Ok(Some(to_stored(row, &shares)?))
        }
    }
}

/// Everything a new case writes, computed before its transaction, so that the CPU work of a
/// create (derivation, redaction, rendering, the statistical record) is not done while holding
/// the database's write lock.
pub struct NewCase {
    pub id: String,
    pub country: String,
    /// The reservation policy version the case was prepared with.
    pub policy_version: i32,
    pub document: Value,
    doc: String,
    user_id: String,
    now: String,
    cols: IndexColumns,
    rendering: Rendering,
    record: Option<(String, Vec<u8>)>,
    /// Its rows of the blind index (what takes part in hit/no-hit matching).
    keys: Vec<KeyRow>,
    /// The case's statistics salt (its units' record keys derive from it; never exposed).
    salt: String,
}

impl NewCase {
    /// The stored document as text (the reporting country's view of it).
    pub fn document_text(&self) -> &str {
        &self.doc
    }

    /// What the access decision on the new case needs.
    pub fn meta(&self) -> CaseMeta {
        CaseMeta {
            reporting_country: self.country.clone(),
            scope: self.cols.scope,
            shared_with: self.cols.shared_with.clone(),
            retracted: false,
        }
    }
}

/// Prepare a new case (version 1) of `country` from its stored document, under the country's
/// policy (`reservations` are the policy's and the case's own).
#[allow(clippy::too_many_arguments)]
pub fn prepare_new(
    id: String,
    country: &str,
    document: Value,
    reservations: &[Reservation],
    policy: &Policy,
    idx: &BlindIndex,
    user_id: &str,
    now: &str,
) -> Result<NewCase, ApiError> {
    let policy_version = policy.version;
    let cols = index_columns(&document, reservations, policy_version);
    let keys = match_index::case_keys(idx, &document, &policy.matching, reservations);
    let rendering = render(&document, &cols, SharedStamp { version: 1, updated_at: now });
    let salt = crate::statistics::store::new_salt()?;
    let record = crate::statistics::store::record_of(&document, reservations, &salt)?;
    Ok(NewCase {
        id,
        country: country.to_owned(),
        policy_version,
        doc: document.to_string(),
        document,
        user_id: user_id.to_owned(),
        now: now.to_owned(),
        cols,
        rendering,
        record,
        keys,
        salt,
    })
}

/// Insert a prepared case with its first version record, rendering, search texts and
/// statistical record.
pub fn insert(conn: &mut DbConn, c: &NewCase) -> Result<(), ApiError> {
    let (id, cols, now, user_id) = (c.id.as_str(), &c.cols, c.now.as_str(), c.user_id.as_str());
    diesel::insert_into(cases::table)
        .values((
            cases::id.eq(id),
            cases::reporting_country.eq(&c.country),
            cases::version.eq(1),
            cases::format_version.eq(crate::formato::FORMAT_VERSION),
            cases::case_type.eq(&cols.case_type),
            cases::case_status.eq(&cols.case_status),
            cases::case_type_shared.eq(&cols.case_type_shared),
            cases::case_status_shared.eq(&cols.case_status_shared),
            cases::date_opened.eq(&cols.date_opened),
            cases::date_detected.eq(&cols.date_detected),
            cases::date_detected_shared.eq(&cols.date_detected_shared),
            cases::reporting_semester.eq(&cols.reporting_semester),
            cases::sharing_scope.eq(cols.scope.as_str()),
            cases::include_in_statistics.eq(cols.include_in_statistics),
            cases::retracted.eq(false),
            cases::document.eq(&c.doc),
            cases::created_at.eq(now),
            cases::created_by.eq(user_id),
            cases::updated_at.eq(now),
            cases::updated_by.eq(user_id),
            cases::shared_version.eq(1),
            cases::shared_updated_at.eq(now),
            cases::shared_digest.eq(&cols.shared_digest),
            cases::stat_salt.eq(&c.salt),
        ))
        .execute(conn)?;
    write_rendering(conn, id, &c.rendering)?;
    write_search(conn, id, cols)?;
    write_shares(conn, id, &cols.shared_with)?;
    crate::statistics::store::write_record(conn, id, c.record.clone())?;
    match_index::insert(conn, "case", id, &c.country, &c.keys)?;
    crate::feed::case_written(conn, id, &c.meta(), &cols.foreign, None, now)?;
    insert_version(conn, id, 1, "create", &c.doc, user_id, now)
}

/// The countries a `listed` case is shared with (a country listed twice is shared with once).
fn write_shares(conn: &mut DbConn, id: &str, countries: &[String]) -> Result<(), ApiError> {
    diesel::delete(case_shares::table.filter(case_shares::case_id.eq(id))).execute(conn)?;
    let unique: std::collections::BTreeSet<&String> = countries.iter().collect();
    for c in unique {
        diesel::insert_into(case_shares::table)
            .values((case_shares::case_id.eq(id), case_shares::country.eq(c)))
            .execute(conn)?;
    }
    Ok(())
}

fn insert_version(
    conn: &mut DbConn,
    id: &str,
    version: i32,
    change: &str,
    doc: &str,
    user_id: &str,
    now: &str,
) -> Result<(), ApiError> {
    diesel::insert_into(case_versions::table)
        .values((
            case_versions::case_id.eq(id),
            case_versions::version.eq(version),
            case_versions::change.eq(change),
            case_versions::document.eq(doc),
            case_versions::created_at.eq(now),
            case_versions::created_by.eq(user_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Store a new version of a case, only if it is still at `expected_version` (else `false`).
#[allow(clippy::too_many_arguments)]
pub fn replace(
    conn: &mut DbConn,
    id: &str,
    expected_version: i32,
    change: &str,
    document: &Value,
    cols: &IndexColumns,
    reservations: &[Reservation],
    retraction: Option<&str>,
    salt: Option<String>,
    (policy, idx): (&Policy, &BlindIndex),
    user_id: &str,
    now: &str,
) -> Result<bool, ApiError> {
    let doc = document.to_string();
    let version = expected_version + 1;
    let Some(before) = load_head(conn, id)? else { return Ok(false) };
    let Some(stamp) = shared_stamp_after(conn, id, Some(expected_version), &cols.shared_digest, now)? else {
        return Ok(false);
    };
    let r = render(document, cols, SharedStamp { version: stamp.0, updated_at: &stamp.1 });
    let updated = diesel::update(cases::table.filter(cases::id.eq(id)).filter(cases::version.eq(expected_version)))
        .set((
            cases::version.eq(version),
            cases::case_type.eq(&cols.case_type),
            cases::case_status.eq(&cols.case_status),
            cases::case_type_shared.eq(&cols.case_type_shared),
            cases::case_status_shared.eq(&cols.case_status_shared),
            cases::date_opened.eq(&cols.date_opened),
            cases::date_detected.eq(&cols.date_detected),
            cases::date_detected_shared.eq(&cols.date_detected_shared),
            cases::reporting_semester.eq(&cols.reporting_semester),
            cases::sharing_scope.eq(cols.scope.as_str()),
            cases::include_in_statistics.eq(cols.include_in_statistics),
            cases::retracted.eq(retraction.is_some()),
            cases::retraction_reason.eq(retraction),
            cases::document.eq(&doc),
            cases::updated_at.eq(now),
            cases::updated_by.eq(user_id),
            cases::shared_version.eq(stamp.0),
            cases::shared_updated_at.eq(&stamp.1),
            cases::shared_digest.eq(&cols.shared_digest),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Ok(false);
    }
    write_rendering(conn, id, &r)?;
    write_search(conn, id, cols)?;
    write_shares(conn, id, &cols.shared_with)?;
    let country = &before.meta.reporting_country;
    match_index::write(
        conn,
        "case",
        id,
        country,
        &match_index::case_keys(idx, document, &policy.matching, reservations),
    )?;
    let meta = CaseMeta {
        reporting_country: country.clone(),
        scope: cols.scope,
        shared_with: cols.shared_with.clone(),
        retracted: retraction.is_some(),
    };
    let changed = stamp.0 != before.shared_version;
    crate::feed::case_written(conn, id, &meta, &cols.foreign, Some((&before.meta, changed)), now)?;
    let salt = crate::statistics::store::salt_of(conn, id, salt)?;
    crate::statistics::store::replace(conn, id, document, reservations, &salt)?;
    insert_version(conn, id, version, change, &doc, user_id, now)?;
    Ok(true)
}

/// The shared history stamp a case gets with a new shared digest: the next shared version and
/// `now` if what other countries see changes, else the current stamp. `None` if the case is not
/// at `expected_version` (when given).
fn shared_stamp_after(
    conn: &mut DbConn,
    id: &str,
    expected_version: Option<i32>,
    digest: &str,
    now: &str,
) -> Result<Option<(i32, String)>, ApiError> {
    let mut q = cases::table
        .filter(cases::id.eq(id))
        .select((cases::shared_version, cases::shared_updated_at, cases::shared_digest))
        .into_boxed();
    if let Some(v) = expected_version {
        q = q.filter(cases::version.eq(v));
    }
    let current: Option<(i32, String, String)> = q.get_result(conn).optional()?;
    Ok(current.map(|(v, at, d)| if d == digest { (v, at) } else { (v + 1, now.to_owned()) }))
}

/// Keep the rendering of a case (what reads and lists send) in step with its document.
fn write_rendering(conn: &mut DbConn, id: &str, r: &Rendering) -> Result<(), ApiError> {
    diesel::delete(case_views::table.find(id)).execute(conn)?;
    diesel::insert_into(case_views::table)
        .values((
            case_views::case_id.eq(id),
            case_views::foreign_etag.eq(&r.foreign_etag),
            case_views::foreign_withheld.eq(withheld_text(r)),
            case_views::summary_own.eq(&r.own_summary),
            case_views::summary_foreign.eq(&r.foreign_summary),
            case_views::foreign_view.eq(&r.foreign_view),
            case_views::policy_version.eq(r.policy_version),
        ))
        .execute(conn)?;
    Ok(())
}

/// Keep the search texts of a case in step with its document.
fn write_search(conn: &mut DbConn, id: &str, cols: &IndexColumns) -> Result<(), ApiError> {
    diesel::delete(case_search::table.find(id)).execute(conn)?;
    diesel::insert_into(case_search::table)
        .values((
            case_search::case_id.eq(id),
            case_search::search_full.eq(&cols.search_full),
            case_search::search_shared.eq(&cols.search_shared),
        ))
        .execute(conn)?;
    Ok(())
}

/// One entry of a case's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    pub version: i32,
    /// `create`, `update` or `retract`.
    pub change: String,
    pub created_at: String,
    pub created_by: String,
}

pub fn versions(conn: &mut DbConn, id: &str) -> Result<Vec<VersionInfo>, ApiError> {
    let rows: Vec<(i32, String, String, String)> = case_versions::table
        .filter(case_versions::case_id.eq(id))
        .order(case_versions::version.asc())
        .select((case_versions::version, case_versions::change, case_versions::created_at, case_versions::created_by))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(version, change, created_at, created_by)| VersionInfo { version, change, created_at, created_by })
        .collect())
}

pub fn version_document(conn: &mut DbConn, id: &str, version: i32) -> Result<Option<Value>, ApiError> {
    let doc: Option<String> =
        case_versions::table.find((id, version)).select(case_versions::document).get_result(conn).optional()?;
    doc.map(|d| serde_json::from_str(&d).map_err(|_| ApiError::Internal)).transpose()
}

/// Filters of a case list. Every filter on a field another country may reserve uses the
/// `*_shared` column for other countries' cases.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub reporting_country: Option<String>,
    pub case_type: Option<String>,
    pub case_status: Option<String>,
    pub detected_from: Option<String>,
    pub detected_to: Option<String>,
    pub updated_since: Option<String>,
    pub text: Option<String>,
    /// Only cases older than this id (cursor).
    pub before_id: Option<String>,
    pub limit: i64,
}

type CaseQuery<'a> = cases::BoxedQuery<'a, crate::db::MultiBackend, diesel::sql_types::Text>;

/// Apply the list filters. On the reader's own cases the real columns are used; on other
/// countries' cases the `*_shared` columns, which are NULL where the field is reserved.
fn filtered<'a>(mut q: CaseQuery<'a>, f: &'a ListFilter, own: bool) -> CaseQuery<'a> {
    if let Some(c) = &f.reporting_country {
        q = q.filter(cases::reporting_country.eq(c));
    }
    if let Some(t) = &f.case_type {
        q = if own { q.filter(cases::case_type.eq(t)) } else { q.filter(cases::case_type_shared.eq(t)) };
    }
    if let Some(st) = &f.case_status {
        q = if own { q.filter(cases::case_status.eq(st)) } else { q.filter(cases::case_status_shared.eq(st)) };
    }
    if let Some(d) = &f.detected_from {
        q = if own { q.filter(cases::date_detected.ge(d)) } else { q.filter(cases::date_detected_shared.ge(d)) };
    }
    if let Some(d) = &f.detected_to {
        q = if own { q.filter(cases::date_detected.le(d)) } else { q.filter(cases::date_detected_shared.le(d)) };
    }
    if let Some(u) = &f.updated_since {
        q = if own { q.filter(cases::updated_at.ge(u)) } else { q.filter(cases::shared_updated_at.ge(u)) };
    }
    if let Some(t) = &f.text {
        let pattern = format!("%{}%", t.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let (full, shared) = (case_search::search_full, case_search::search_shared);
        q = if own {
            q.filter(
                cases::id
                    .eq_any(case_search::table.filter(full.like(pattern).escape('\\')).select(case_search::case_id)),
            )
        } else {
            q.filter(
                cases::id
                    .eq_any(case_search::table.filter(shared.like(pattern).escape('\\')).select(case_search::case_id)),
            )
        };
    }
    if let Some(b) = &f.before_id {
        q = q.filter(cases::id.lt(b));
    }
    q
}

/// A case as a list or a read needs it before the access decision: no document.
#[derive(Debug, Clone)]
pub struct CaseHead {
    pub id: String,
    pub version: i32,
    pub shared_version: i32,
    pub meta: CaseMeta,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = cases)]
struct HeadRow {
    id: String,
    reporting_country: String,
    version: i32,
    shared_version: i32,
    sharing_scope: String,
    retracted: bool,
}

fn to_head(row: HeadRow, shares: &[(String, String)]) -> CaseHead {
    CaseHead {
        meta: CaseMeta {
            reporting_country: row.reporting_country,
            scope: Scope::parse(&row.sharing_scope).unwrap_or(Scope::National),
            shared_with: shares.iter().filter(|(c, _)| *c == row.id).map(|(_, p)| p.clone()).collect(),
            retracted: row.retracted,
        },
        id: row.id,
        version: row.version,
        shared_version: row.shared_version,
    }
}

/// What the access decision on one case needs.
pub fn load_head(conn: &mut DbConn, id: &str) -> Result<Option<CaseHead>, ApiError> {
    let row: Option<HeadRow> = cases::table.find(id).select(HeadRow::as_select()).get_result(conn).optional()?;
    let Some(row) = row else { return Ok(None) };
    let shares = if row.sharing_scope == Scope::Listed.as_str() {
        shares_of(conn, std::slice::from_ref(&row.id))?
    } else {
        vec![]
    };
    Ok(Some(to_head(row, &shares)))
}

/// The stored rendering of a case for `access`: the reporting country's document, or the view
/// other countries receive with the policy version it was redacted under and the one in force,
/// read by one statement (so the two come from one snapshot). `access::disclosure` decides
/// whether it may be sent.
pub fn load_rendered(conn: &mut DbConn, head: &CaseHead, access: Access) -> Result<Option<StoredRendering>, ApiError> {
    use crate::db::schema::reservation_policies as rp;
    if access == Access::Own {
        return Ok(cases::table
            .find(&head.id)
            .select(cases::document)
            .get_result::<String>(conn)
            .optional()?
            .map(|document| StoredRendering::Own { document, version: head.version }));
    }
    let in_force = rp::table.filter(rp::party_code.eq(&head.meta.reporting_country)).select(rp::version);
    let row: Option<(String, String, String, i32, Option<i32>)> = case_views::table
        .find(&head.id)
        .select((
            case_views::foreign_view,
            case_views::foreign_etag,
            case_views::foreign_withheld,
            case_views::policy_version,
            in_force.single_value(),
        ))
        .get_result(conn)
        .optional()?;
    Ok(row.map(|(view, etag, withheld, policy_version, in_force)| StoredRendering::Foreign {
        view,
        etag,
        withheld: serde_json::from_str(&withheld).unwrap_or_default(),
        policy_version,
        policy_in_force: in_force.unwrap_or(0),
    }))
}

/// A listed case: its head and both stored summaries (`access::disclosure` picks the one the
/// caller may receive).
pub struct Listed {
    pub head: CaseHead,
    pub summaries: StoredSummaries,
}

/// A listed case as read: its head, both summaries with the policy version they were redacted
/// under, and the reporting country's policy version in force.
type ListedRow = (HeadRow, (String, String, i32), Option<i32>);

/// Cases visible to a member country's reader, newest first. Three index walks — the country's
/// own cases, other countries' `network` cases, and `listed` cases naming the country — each
/// stopping after `limit` ids, merged; then the page's heads and summaries are loaded together,
/// and the countries a `listed` case is shared with only when the page holds one.
pub fn list(conn: &mut DbConn, party: &str, f: &ListFilter) -> Result<Vec<Listed>, ApiError> {
    let own: Vec<String> = filtered(cases::table.select(cases::id).into_boxed(), f, true)
        .filter(cases::reporting_country.eq(party))
        .order(cases::id.desc())
        .limit(f.limit)
        .load(conn)?;
    let network: Vec<String> = filtered(cases::table.select(cases::id).into_boxed(), f, false)
        .filter(cases::sharing_scope.eq("network"))
        .filter(cases::reporting_country.ne(party))
        .filter(cases::retracted.eq(false))
        .order(cases::id.desc())
        .limit(f.limit)
        .load(conn)?;
    let listed: Vec<String> = filtered(cases::table.select(cases::id).into_boxed(), f, false)
        .filter(cases::sharing_scope.eq("listed"))
        .filter(cases::reporting_country.ne(party))
        .filter(cases::retracted.eq(false))
        // Correlated, so that the walk down `(sharing_scope, id)` checks each case against the
        // share key and stops after a page; `id IN (…)` made SQLite first collect every case
        // shared with the country (56,000 at 1M cases) on every request.
        .filter(diesel::dsl::exists(
            case_shares::table.filter(case_shares::case_id.eq(cases::id)).filter(case_shares::country.eq(party)),
        ))
        .order(cases::id.desc())
        .limit(f.limit)
        .load(conn)?;
    let mut ids: Vec<String> = own.into_iter().chain(network).chain(listed).collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    ids.truncate(f.limit.max(0) as usize);
    // The heads, both summaries and the policy version in force of each reporting country, in
    // one statement (so the versions and the summaries come from one snapshot).
    use crate::db::schema::reservation_policies as rp;
    let rows: Vec<ListedRow> = cases::table
        .inner_join(case_views::table)
        .left_join(rp::table.on(rp::party_code.eq(cases::reporting_country)))
        .filter(cases::id.eq_any(&ids))
        .select((
            HeadRow::as_select(),
            (case_views::summary_own, case_views::summary_foreign, case_views::policy_version),
            rp::version.nullable(),
        ))
        .load(conn)?;
    let listed: Vec<String> =
        rows.iter().filter(|(h, ..)| h.sharing_scope == Scope::Listed.as_str()).map(|(h, ..)| h.id.clone()).collect();
    let shares = if listed.is_empty() { vec![] } else { shares_of(conn, &listed)? };
    let mut out: Vec<Listed> = rows
        .into_iter()
        .map(|(row, (own, foreign, policy_version), in_force)| Listed {
            head: to_head(row, &shares),
            summaries: StoredSummaries { own, foreign, policy_version, policy_in_force: in_force.unwrap_or(0) },
        })
        .collect();
    out.sort_unstable_by(|a, b| b.head.id.cmp(&a.head.id));
    Ok(out)
}

/// Recompute the shared columns and the rendering of every case of a country after its policy
/// changed.
pub fn reindex_country(
    conn: &mut DbConn,
    party: &str,
    policy: &Policy,
    idx: &BlindIndex,
    now: &str,
) -> Result<usize, ApiError> {
    let rows: Vec<(String, String, Option<String>)> = cases::table
        .filter(cases::reporting_country.eq(party))
        .select((cases::id, cases::document, cases::stat_salt))
        .load(conn)?;
    for (id, doc, salt) in &rows {
        let document: Value = serde_json::from_str(doc).map_err(|_| ApiError::Internal)?;
        let reservations = policy.reservations_of(&document);
        let cols = index_columns(&document, &reservations, policy.version);
        let salt = crate::statistics::store::salt_of(conn, id, salt.clone())?;
        crate::statistics::store::replace(conn, id, &document, &reservations, &salt)?;
        match_index::write(
            conn,
            "case",
            id,
            party,
            &match_index::case_keys(idx, &document, &policy.matching, &reservations),
        )?;
        let Some(stamp) = shared_stamp_after(conn, id, None, &cols.shared_digest, now)? else { continue };
        let r = render(&document, &cols, SharedStamp { version: stamp.0, updated_at: &stamp.1 });
        diesel::update(cases::table.find(id))
            .set((
                cases::case_type_shared.eq(&cols.case_type_shared),
                cases::case_status_shared.eq(&cols.case_status_shared),
                cases::date_detected_shared.eq(&cols.date_detected_shared),
                cases::shared_version.eq(stamp.0),
                cases::shared_updated_at.eq(&stamp.1),
                cases::shared_digest.eq(&cols.shared_digest),
            ))
            .execute(conn)?;
        write_rendering(conn, id, &r)?;
        write_search(conn, id, &cols)?;
    }
    Ok(rows.len())
}

/// Write the blind index rows of every case of a country (see `reindex::index_all_for_matching`).
pub fn index_for_matching(
    conn: &mut DbConn,
    party: &str,
    policy: &Policy,
    idx: &BlindIndex,
) -> Result<usize, ApiError> {
    let rows: Vec<(String, String)> =
        cases::table.filter(cases::reporting_country.eq(party)).select((cases::id, cases::document)).load(conn)?;
    for (id, doc) in &rows {
        let document: Value = serde_json::from_str(doc).map_err(|_| ApiError::Internal)?;
        let reservations = policy.reservations_of(&document);
        match_index::write(
            conn,
            "case",
            id,
            party,
            &match_index::case_keys(idx, &document, &policy.matching, &reservations),
        )?;
    }
    Ok(rows.len())
}

/// How the stored rendering of a document is made.
type RenderFn = fn(&Value, &[Reservation], i32, SharedStamp) -> (Rendering, IndexColumns);

/// The rendering and index columns this code stores for a document.
fn render_stored(
    document: &Value,
    reservations: &[Reservation],
    policy_version: i32,
    stamp: SharedStamp,
) -> (Rendering, IndexColumns) {
    let cols = index_columns(document, reservations, policy_version);
    (render(document, &cols, stamp), cols)
}

/// Fixed documents under fixed reservations, rendered to name the renderer: fully filled and
/// typical sample cases (every section, several persons, per-case reservations), under the
/// catalog defaults, a policy that reserves and releases fields, and per-case additions.
fn samples() -> Vec<(Value, Vec<Reservation>)> {
    use crate::access::cases::{PolicyEntry, reservations};
    use crate::formato::{Flag, sample};
    let actor =
        serde_json::json!({"user_id": "00000000-0000-7000-8000-000000000001", "party": "GT", "role": "officer"});
    let at = "2026-01-02T03:04:05Z";
    let policy = vec![
        PolicyEntry {
            path: "persons[].sex".into(),
            flag: Flag::Reserved,
            legal_basis: Some("Ley 1, art. 2".into()),
            legislation_topic: None,
        },
        PolicyEntry { path: "summary".into(), flag: Flag::Shared, legal_basis: None, legislation_topic: None },
    ];
    let inputs = [sample::full_case(1, "GT"), sample::full_case(2, "GT"), sample::typical_case(3, "GT")];
    let mut out = vec![];
    for (i, input) in inputs.iter().enumerate() {
        let id = format!("00000000-0000-7000-8000-00000000010{i}");
        let document = super::service::build_document(input, &id, 3, (at, &actor), (at, &actor), "GT");
        let per_case = crate::policy::case_reservations(&document);
        out.push((document.clone(), reservations(&[], &[])));
        out.push((document, reservations(&policy, &per_case)));
    }
    out
}

/// A digest of everything `render` makes of the samples: any change to redaction, rendering,
/// summaries, ETags or search text gives another version.
fn version_of(render: RenderFn) -> String {
    let mut all = String::new();
    for (document, reservations) in samples() {
        let (r, cols) =
            render(&document, &reservations, 7, SharedStamp { version: 2, updated_at: "2026-01-03T00:00:00Z" });
        for part in [&r.own_summary, &r.foreign_view, &r.foreign_etag, &r.foreign_summary, &cols.search_shared] {
            all.push_str(part);
            all.push('\u{0}');
        }
        all.push_str(&withheld_text(&r));
        all.push_str(&r.policy_version.to_string());
        all.push('\u{1}');
    }
    crate::digest::sha256_hex(all.as_bytes())
}

/// The version of the renderings this code stores, derived from the code itself (computed once):
/// a change to what a rendering contains changes it, and the stored renderings are rebuilt at the
/// next start-up without anyone remembering to bump a number.
pub fn views_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| version_of(render_stored))
}

/// Render every case again (renderings and shared search text) if the stored ones come from a
/// renderer of another version (or none, as right after the migration that introduced them).
/// History stamps are kept as they are.
pub fn ensure_views_current(conn: &mut DbConn) -> Result<usize, ApiError> {
    rebuild_views(conn, views_version(), render_stored)
}

fn rebuild_views(conn: &mut DbConn, version: &str, render: RenderFn) -> Result<usize, ApiError> {
    use crate::db::schema::derived_versions as dv;
    let stored: Option<String> = dv::table.find("case_views").select(dv::value).get_result(conn).optional()?;
    if stored.as_deref() == Some(version) {
        return Ok(0);
    }
    let countries: Vec<String> = cases::table.select(cases::reporting_country).distinct().load(conn)?;
    let mut n = 0;
    for country in countries {
        let policy = crate::policy::load(conn, &country)?;
        let mut after = String::new();
        loop {
            let page: Vec<(String, String, i32, String)> = cases::table
                .filter(cases::reporting_country.eq(&country))
                .filter(cases::id.gt(&after))
                .order(cases::id)
                .limit(500)
                .select((cases::id, cases::document, cases::shared_version, cases::shared_updated_at))
                .load(conn)?;
            let Some((last, ..)) = page.last() else { break };
            after = last.clone();
            crate::db::transaction(conn, |c| {
                for (id, doc, version, updated_at) in &page {
                    let document: Value = serde_json::from_str(doc).map_err(|_| ApiError::Internal)?;
                    let reservations = policy.reservations_of(&document);
                    let stamp = SharedStamp { version: *version, updated_at };
                    let (rendering, cols) = render(&document, &reservations, policy.version, stamp);
                    write_rendering(c, id, &rendering)?;
                    write_search(c, id, &cols)?;
                }
                Ok(())
            })?;
            n += page.len();
        }
    }
    diesel::delete(dv::table.find("case_views")).execute(conn)?;
    diesel::insert_into(dv::table).values((dv::key.eq("case_views"), dv::value.eq(version))).execute(conn)?;
    if n > 0 {
        tracing::info!(cases = n, version, "case renderings rebuilt");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> DbConn {
        let dir = std::env::temp_dir().join(format!("enlace-views-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut conn = crate::db::establish(&format!("sqlite://{}", dir.join("v.db").display())).unwrap();
        crate::db::run_migrations(&mut conn).unwrap();
        conn
    }

    fn foreign_view(conn: &mut DbConn, id: &str) -> Value {
        let text: String = case_views::table.find(id).select(case_views::foreign_view).get_result(conn).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// A redaction that also withholds `case_status`: what a change to the redaction code does.
    fn stricter(d: &Value, r: &[Reservation], v: i32, stamp: SharedStamp) -> (Rendering, IndexColumns) {
        let mut r = r.to_vec();
        r.push(Reservation { path: "case_status".into(), basis: "changed redaction".into() });
        render_stored(d, &r, v, stamp)
    }

    #[test]
    fn the_rendering_version_is_derived_from_the_code_and_stable() {
        assert_eq!(views_version(), version_of(render_stored), "computed from fixed inputs only");
        assert_eq!(views_version().len(), 64);
        assert_ne!(version_of(stricter), views_version(), "another redaction is another version");
    }

    #[test]
    fn a_changed_redaction_rebuilds_the_stored_views_by_itself() {
        let mut conn = database();
        let (document, reservations) = samples().remove(0);
        let id = document["case_id"].as_str().unwrap().to_owned();
        let now = "2026-01-02T03:04:05Z";
        let policy = crate::policy::load(&mut conn, "GT").unwrap();
        let idx = BlindIndex::for_tests();
        let new = prepare_new(id.clone(), "GT", document, &reservations, &policy, &idx, "u", now).unwrap();
        insert(&mut conn, &new).unwrap();
        ensure_views_current(&mut conn).unwrap();
        assert_eq!(ensure_views_current(&mut conn).unwrap(), 0, "current");
        let shared = foreign_view(&mut conn, &id);
        assert!(shared["case_status"].is_string());

        // The code's redaction changes: its version differs, so the next start-up re-renders.
        let changed = version_of(stricter);
        assert_eq!(rebuild_views(&mut conn, &changed, stricter).unwrap(), 1);
        assert_eq!(foreign_view(&mut conn, &id)["case_status"]["withheld"], true);
        assert_eq!(rebuild_views(&mut conn, &changed, stricter).unwrap(), 0);
        // And back: the same bytes as before.
        assert_eq!(ensure_views_current(&mut conn).unwrap(), 1);
        assert_eq!(foreign_view(&mut conn, &id), shared);
    }
}
