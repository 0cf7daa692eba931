//! The case operations, as the API calls them. Each takes the acting subject and request
//! context, decides with `access::cases`, and returns views or response snapshots — never a
//! stored document.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::idempotency::{self, Key, Snapshot};
use super::store::{self, CaseHead, ListFilter, StoredCase, VersionInfo};
use crate::access::Subject;
use crate::access::cases::{self as rules, Access, CaseView};
use crate::access::disclosure::{self, CaseDisclosure, Decision, StoredRendering};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::error::{ApiError, FieldError};
use crate::formato::record::CaseInput;
use crate::formato::validate::FieldIssue;
use crate::matching::index::BlindIndex;
use crate::paging;
use crate::policy;

/// Most cases in one batch request.
pub const MAX_BATCH: usize = 500;

fn issues_to_errors(issues: Vec<FieldIssue>) -> Vec<FieldError> {
    issues.into_iter().map(|i| FieldError::new(i.field, i.code, i.message_en, i.message_es)).collect()
}

/// Apply server defaults and validate; the case is ready to store if this passes.
fn prepare(input: &mut CaseInput) -> Result<(), Vec<FieldError>> {
    crate::formato::validate::apply_defaults(input);
    crate::formato::validate::validate(input, crate::clock::today()).map_err(issues_to_errors)
}

fn actor_json(s: &Subject) -> Value {
    serde_json::json!({"user_id": s.user_id, "party": s.party, "role": "officer"})
}

/// The stored document: the input with derived fields plus the system fields.
/// A fixed sample case of `country` as it would be stored: what a policy preview redacts
/// (never a real case).
pub fn sample_document(country: &str) -> Value {
    let actor =
        serde_json::json!({"user_id": "00000000-0000-7000-8000-000000000001", "party": country, "role": "officer"});
    let at = "2026-01-02T03:04:05Z";
    let input = crate::formato::sample::typical_case(1, country);
    build_document(&input, "00000000-0000-7000-8000-0000000000aa", 1, (at, &actor), (at, &actor), country)
}

pub(super) fn build_document(
    input: &CaseInput,
    id: &str,
    version: i32,
    created: (&str, &Value),
    updated: (&str, &Value),
    country: &str,
) -> Value {
    let mut doc = crate::formato::derive::stored_document(input, country);
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("case_id".into(), Value::from(id));
        obj.insert("format_version".into(), Value::from(crate::formato::FORMAT_VERSION));
        obj.insert("version".into(), Value::from(version));
        obj.insert("reporting_country".into(), Value::from(country));
        obj.insert("created_at".into(), Value::from(created.0));
        obj.insert("created_by".into(), created.1.clone());
        obj.insert("updated_at".into(), Value::from(updated.0));
        obj.insert("updated_by".into(), updated.1.clone());
        obj.insert("retracted".into(), Value::Bool(false));
    }
    doc
}

pub use crate::access::cases::etag_own;

/// A view with its ETag.
pub struct Viewed {
    pub view: CaseView,
    pub etag: String,
}

fn read_event(ctx: &RequestContext, head: &CaseHead, d: &CaseDisclosure, action: &str) -> Event {
    let details = match d.decision() {
        Decision::Whole => serde_json::json!({"view": "full", "version": head.version, "withheld": d.withheld()}),
        Decision::Redacted { policy_version, .. } => serde_json::json!({
            "view": "redacted",
            "version": head.shared_version,
            "policy_version": policy_version,
            "withheld": d.withheld(),
        }),
    };
    Event::new(ctx, action, "case", Outcome::Allowed)
        .object(head.id.clone(), Some(&head.meta.reporting_country))
        .details(details)
}

fn denied(ctx: &RequestContext, action: &str, id: &str, party: Option<&str>) -> Event {
    Event::new(ctx, action, "case", Outcome::Denied).object(id.to_owned(), party)
}

/// The outcome of a read, with the audit event to record before answering.
pub enum Read {
    /// The case as the caller may receive it (rendered when it was written).
    Visible(CaseDisclosure, Event),
    /// The case does not exist for the caller (404), with the denial to record.
    Hidden(Event),
}

/// Read one case as the subject may see it: the access decision on the case's head, then the
/// rendering of that access (no document is parsed or redacted on a read).
pub fn get(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<Read, ApiError> {
    let Some(head) = store::load_head(conn, id)? else {
        return Ok(Read::Hidden(denied(ctx, "case_read", id, None)));
    };
    let Some(access) = rules::case_access(s, &head.meta) else {
        return Ok(Read::Hidden(denied(ctx, "case_read", id, Some(&head.meta.reporting_country))));
    };
    let Some(stored) = store::load_rendered(conn, &head, access)? else {
        return Ok(Read::Hidden(denied(ctx, "case_read", id, None)));
    };
    let Some(disclosed) = disclosure::disclose(s, &head.meta, stored)? else {
        return Ok(Read::Hidden(denied(ctx, "case_read", id, Some(&head.meta.reporting_country))));
    };
    let event = read_event(ctx, &head, &disclosed, "case_read");
    Ok(Read::Visible(disclosed, event))
}

/// The result of a create: the response as sent (replayed verbatim for a retried key).
pub fn create(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    mut input: CaseInput,
    key: Option<Key>,
) -> Result<Snapshot, ApiError> {
    if !rules::may_write_cases(s) {
        return Err(ApiError::Forbidden);
    }
    if let Some(k) = &key
        && let Some(snapshot) = idempotency::replay(conn, &s.user_id, k)?
    {
        return Ok(snapshot);
    }
    prepare(&mut input).map_err(ApiError::Validation)?;
    // The case is derived, redacted and rendered before the write transaction; inside it, only if
    // the country's policy changed in between is it prepared again.
    let policy = policy::load(conn, &s.party)?;
    let prepared = prepare_case(s, &policy, idx, &mut input)?;
    audit::write(conn, |conn, events| {
        if let Some(k) = &key
            && let Some(snapshot) = idempotency::replay(conn, &s.user_id, k)?
        {
            return Ok(snapshot);
        }
        let new = current(conn, s, idx, prepared, &mut input)?;
        store::insert(conn, &new)?;
        let id = new.id.clone();
        events.push(
            Event::new(ctx, "case_create", "case", Outcome::Allowed)
                .object(id.clone(), Some(&s.party))
                .details(serde_json::json!({"version": 1})),
        );
        // The creator's own view, released by `access` like every case that leaves.
        let own = StoredRendering::Own { document: new.document_text().to_owned(), version: 1 };
        let sent = disclosure::disclose(s, &new.meta(), own)?.ok_or(ApiError::Forbidden)?;
        let snapshot = Snapshot {
            status: 201,
            body: sent.into_body(),
            location: Some(format!("/api/v1/cases/{id}")),
            etag: Some(etag_own(1)),
        };
        if let Some(k) = &key {
            idempotency::save(conn, &s.user_id, k, &snapshot)?;
        }
        Ok(snapshot)
    })
}

/// A validated case of the subject's country, ready to insert under `policy`.
fn prepare_case(
    s: &Subject,
    policy: &policy::Policy,
    idx: &BlindIndex,
    input: &mut CaseInput,
) -> Result<store::NewCase, ApiError> {
    // The policy's default applies only for this preparation: prepared again under a changed
    // policy, the case takes that policy's default.
    let defaulted = input.include_in_statistics.is_none();
    if defaulted {
        input.include_in_statistics = Some(policy.include_in_statistics);
    }
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::clock::now_text();
    let actor = actor_json(s);
    let document = build_document(input, &id, 1, (&now, &actor), (&now, &actor), &s.party);
    if defaulted {
        input.include_in_statistics = None;
    }
    let reservations = policy.reservations_of(&document);
    store::prepare_new(id, &s.party, document, &reservations, policy, idx, &s.user_id, &now)
}

/// Inside the write transaction: the prepared case, or prepared again if the country's policy
/// changed since.
fn current(
    conn: &mut DbConn,
    s: &Subject,
    idx: &BlindIndex,
    prepared: store::NewCase,
    input: &mut CaseInput,
) -> Result<store::NewCase, ApiError> {
    if policy::version(conn, &s.party)? == prepared.policy_version {
        return Ok(prepared);
    }
    let policy = policy::load(conn, &s.party)?;
    prepare_case(s, &policy, idx, input)
}

/// Insert one validated case of the subject's country inside the caller's transaction; returns
/// its id (the demo generator).
pub(crate) fn insert_case(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    policy: &policy::Policy,
    input: &mut CaseInput,
) -> Result<String, ApiError> {
    let new = prepare_case(s, policy, idx, input)?;
    store::insert(conn, &new)?;
    Ok(new.id)
}

/// Load a case for a write by the subject: it must be the subject's own country's case.
fn own_case_for_write(conn: &mut DbConn, s: &Subject, id: &str) -> Result<StoredCase, ApiError> {
    let case = store::load(conn, id)?.ok_or(ApiError::NotFound)?;
    match rules::case_access(s, &case.meta) {
        Some(Access::Own) => Ok(case),
        // Visible but another country's: it exists for the caller, who may not change it.
        Some(Access::Foreign) => Err(ApiError::Forbidden),
        None => Err(ApiError::NotFound),
    }
}

fn check_if_match(if_match: Option<&str>, version: i32) -> Result<(), ApiError> {
    crate::precondition::check_version(if_match, version, true)
}

/// Replace a case (a new version). Requires `If-Match` with the current ETag.
pub fn update(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
    mut input: CaseInput,
) -> Result<Viewed, ApiError> {
    if !rules::may_write_cases(s) {
        return Err(if rules::may_read_cases(s) { ApiError::Forbidden } else { ApiError::NotFound });
    }
    if if_match.is_none() {
        return Err(ApiError::PreconditionRequired);
    }
    prepare(&mut input).map_err(ApiError::Validation)?;
    audit::write(conn, |conn, events| {
        let case = own_case_for_write(conn, s, id)?;
        if case.meta.retracted {
            return Err(ApiError::Conflict("case_retracted"));
        }
        check_if_match(if_match, case.version)?;
        let policy = policy::load(conn, &s.party)?;
        if input.include_in_statistics.is_none() {
            input.include_in_statistics =
                case.document["include_in_statistics"].as_bool().or(Some(policy.include_in_statistics));
        }
        let now = crate::clock::now_text();
        let version = case.version + 1;
        let created =
            (case.document["created_at"].as_str().unwrap_or_default().to_owned(), case.document["created_by"].clone());
        let document = build_document(&input, id, version, (&created.0, &created.1), (&now, &actor_json(s)), &s.party);
        let reservations = policy.reservations_of(&document);
        let cols = store::index_columns(&document, &reservations, policy.version);
        let salt = case.stat_salt.clone();
        if !store::replace(
            conn,
            id,
            case.version,
            "update",
            &document,
            &cols,
            &reservations,
            None,
            salt,
            (&policy, idx),
            &s.user_id,
            &now,
        )? {
            return Err(ApiError::PreconditionFailed);
        }
        events.push(
            Event::new(ctx, "case_update", "case", Outcome::Allowed)
                .object(id.to_owned(), Some(&s.party))
                .details(serde_json::json!({"version": version})),
        );
        let view = rules::own_view(s, &case.meta, document).ok_or(ApiError::NotFound)?;
        Ok(Viewed { view, etag: etag_own(version) })
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Retraction {
    /// Why the case is retracted (kept for the reporting country and the audit trail): 1 to
    /// 1000 characters, not counting surrounding white space.
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,998}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub reason: String,
}

/// Retract a case: it stays for the reporting country and the audit trail, and disappears for
/// everyone else and from statistics.
pub fn retract(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
    body: Retraction,
) -> Result<Viewed, ApiError> {
    if !rules::may_write_cases(s) {
        return Err(if rules::may_read_cases(s) { ApiError::Forbidden } else { ApiError::NotFound });
    }
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ApiError::field(
            "reason",
            "required",
            "a reason of 1 to 1000 characters",
            "un motivo de 1 a 1000 caracteres",
        ));
    }
    audit::write(conn, |conn, events| {
        let case = own_case_for_write(conn, s, id)?;
        if case.meta.retracted {
            return Err(ApiError::Conflict("case_retracted"));
        }
        if if_match.is_some() {
            check_if_match(if_match, case.version)?;
        }
        let now = crate::clock::now_text();
        let version = case.version + 1;
        let mut document = case.document.clone();
        document["version"] = Value::from(version);
        document["updated_at"] = Value::from(now.clone());
        document["updated_by"] = actor_json(s);
        document["retracted"] = Value::Bool(true);
        document["retraction_reason"] = Value::from(reason.clone());
        let policy = policy::load(conn, &s.party)?;
        let reservations = policy.reservations_of(&document);
        let cols = store::index_columns(&document, &reservations, policy.version);
        if !store::replace(
            conn,
            id,
            case.version,
            "retract",
            &document,
            &cols,
            &reservations,
            Some(&reason),
            case.stat_salt.clone(),
            (&policy, idx),
            &s.user_id,
            &now,
        )? {
            return Err(ApiError::PreconditionFailed);
        }
        events.push(
            Event::new(ctx, "case_retract", "case", Outcome::Allowed)
                .object(id.to_owned(), Some(&s.party))
                .details(serde_json::json!({"version": version})),
        );
        let view = rules::own_view(s, &case.meta, document).ok_or(ApiError::NotFound)?;
        Ok(Viewed { view, etag: etag_own(version) })
    })
}

/// Change a stored case outside a full replacement, on behalf of a request between countries
/// (sharing it with the asking country; a repatriation's progress in section L), inside the
/// caller's transaction: a new version, recomputed like any write (renderings, search, index,
/// statistics, feed), recorded in the version history as an `update` by `actor`. `attributed`:
/// the actor becomes the document's `updated_by` (the reporting country's own officer); else
/// `updated_by` stays as it was — a receiving country's officer recording a return must not
/// appear in what other countries see of the case, nor move its shared version when only
/// reserved fields changed. Returns the new version.
pub(crate) fn amend(
    conn: &mut DbConn,
    idx: &BlindIndex,
    actor: &Subject,
    id: &str,
    attributed: bool,
    change: impl FnOnce(&mut Value) -> Result<(), ApiError>,
) -> Result<i32, ApiError> {
    let case = store::load(conn, id)?.ok_or(ApiError::NotFound)?;
    if case.meta.retracted {
        return Err(ApiError::Conflict("case_retracted"));
    }
    let now = crate::clock::now_text();
    let version = case.version + 1;
    let mut document = case.document.clone();
    change(&mut document)?;
    document["version"] = Value::from(version);
    document["updated_at"] = Value::from(now.clone());
    if attributed {
        document["updated_by"] = actor_json(actor);
    }
    let policy = policy::load(conn, &case.reporting_country)?;
    let reservations = policy.reservations_of(&document);
    let cols = store::index_columns(&document, &reservations, policy.version);
    let written = store::replace(
        conn,
        id,
        case.version,
        "update",
        &document,
        &cols,
        &reservations,
        None,
        case.stat_salt.clone(),
        (&policy, idx),
        &actor.user_id,
        &now,
    )?;
    if !written {
        return Err(ApiError::Unavailable);
    }
    Ok(version)
}

/// The history of a case (reporting country only).
pub fn versions(conn: &mut DbConn, s: &Subject, id: &str) -> Result<(Vec<VersionInfo>, String), ApiError> {
    let case = store::load(conn, id)?.ok_or(ApiError::NotFound)?;
    if rules::case_access(s, &case.meta) != Some(Access::Own) {
        return Err(ApiError::NotFound);
    }
    Ok((store::versions(conn, id)?, case.reporting_country))
}

/// One past version of a case (reporting country only).
pub fn version(conn: &mut DbConn, s: &Subject, id: &str, n: i32) -> Result<(CaseView, String), ApiError> {
    let case = store::load(conn, id)?.ok_or(ApiError::NotFound)?;
    if rules::case_access(s, &case.meta) != Some(Access::Own) {
        return Err(ApiError::NotFound);
    }
    let doc = store::version_document(conn, id, n)?.ok_or(ApiError::NotFound)?;
    let view = rules::own_view(s, &case.meta, doc).ok_or(ApiError::NotFound)?;
    Ok((view, case.reporting_country))
}

/// Query parameters of the case list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// Only cases reported by this country.
    pub reporting_country: Option<String>,
    /// Case type code (`trafficking`, `smuggling`, …).
    pub case_type: Option<String>,
    /// Case status code (`active`, `follow_up`, …).
    pub case_status: Option<String>,
    /// Detected on or after this date (YYYY, YYYY-MM or YYYY-MM-DD, year 1900 or later).
    #[param(
        pattern = "^(?:(?:19|[2-9][0-9])[0-9]{2}(?:-(?:0[1-9]|1[0-2]))?|(?:19|[2-9][0-9])[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:(?:19|[2-9][0-9])(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00)-02-29)$"
    )]
    pub detected_from: Option<String>,
    /// Detected on or before this date (same forms).
    #[param(
        pattern = "^(?:(?:19|[2-9][0-9])[0-9]{2}(?:-(?:0[1-9]|1[0-2]))?|(?:19|[2-9][0-9])[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:(?:19|[2-9][0-9])(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00)-02-29)$"
    )]
    pub detected_to: Option<String>,
    /// Updated at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub updated_since: Option<String>,
    /// Free text, matched against the fields the caller may see (at most 200 characters).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CasePage {
    /// Summaries as rendered when each case was written, as `access` released them.
    pub items: Vec<disclosure::CaseSummary>,
    pub next_cursor: Option<String>,
}

fn bad_query(field: &str, en: &str, es: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, "invalid_value", en, es)])
}

fn partial_date(s: &str) -> bool {
    crate::formato::derive::PartialDate::parse(s).is_some()
}

/// Cases visible to the subject, newest first, as summaries of their views.
/// A list page and, per reporting country, the ids of its cases the page disclosed (for the
/// audit events its auditors see).
pub fn list(conn: &mut DbConn, s: &Subject, q: CaseQuery) -> Result<(CasePage, audit::Owners), ApiError> {
    if !rules::may_read_cases(s) {
        return Err(ApiError::Forbidden);
    }
    let limit = paging::limit(q.limit)?;
    let before_id = paging::decode_cursor(q.cursor.as_deref())?;
    for (name, value) in [("detected_from", &q.detected_from), ("detected_to", &q.detected_to)] {
        if value.as_deref().is_some_and(|d| !partial_date(d)) {
            return Err(bad_query(name, "a date YYYY, YYYY-MM or YYYY-MM-DD", "una fecha AAAA, AAAA-MM o AAAA-MM-DD"));
        }
    }
    let updated_since = paging::time_param("updated_since", q.updated_since.as_deref())?;
    if q.q.as_deref().is_some_and(|t| t.chars().count() > 200) {
        return Err(bad_query("q", "at most 200 characters", "como máximo 200 caracteres"));
    }
    let filter = ListFilter {
        reporting_country: q.reporting_country,
        case_type: q.case_type,
        case_status: q.case_status,
        detected_from: q.detected_from,
        detected_to: q.detected_to,
        updated_since,
        text: q.q.filter(|t| !t.trim().is_empty()).map(|t| t.trim().to_owned()),
        before_id,
        limit: limit + 1,
    };
    let mut rows = store::list(conn, &s.party, &filter)?;
    let next_cursor = paging::next_page(&mut rows, limit, |c| &c.head.id);
    let mut items = Vec::with_capacity(rows.len());
    let mut owners = audit::Owners::new();
    for case in rows {
        let Some(summary) = disclosure::summarize(s, &case.head.meta, case.summaries)? else { continue };
        owners.entry(case.head.meta.reporting_country.clone()).or_default().push(case.head.id.clone());
        items.push(summary);
    }
    Ok((CasePage { items, next_cursor }, owners))
}

/// One item of a batch result.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchItem {
    pub index: usize,
    /// `created` or `rejected`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    pub created: usize,
    pub rejected: usize,
    pub results: Vec<BatchItem>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// 1 to 500 cases, each validated and stored or rejected on its own (an invalid one is
    /// reported in the results, not refused with the batch).
    #[schema(value_type = Vec<CaseInput>, min_items = 1, max_items = 500)]
    pub cases: Vec<Value>,
}

/// Create up to 500 cases: each is validated on its own; the valid ones are stored together in
/// one transaction (one audit event each), the invalid ones are reported with their errors.
pub fn batch(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    req: BatchRequest,
    key: Option<Key>,
) -> Result<Snapshot, ApiError> {
    if !rules::may_write_cases(s) {
        return Err(ApiError::Forbidden);
    }
    if req.cases.is_empty() || req.cases.len() > MAX_BATCH {
        return Err(ApiError::field("cases", "too_many", "1 to 500 cases", "de 1 a 500 casos"));
    }
    if let Some(k) = &key
        && let Some(snapshot) = idempotency::replay(conn, &s.user_id, k)?
    {
        return Ok(snapshot);
    }
    let policy = policy::load(conn, &s.party)?;
    let mut prepared: Vec<Result<(CaseInput, store::NewCase), Vec<FieldError>>> = Vec::with_capacity(req.cases.len());
    for (i, mut value) in req.cases.into_iter().enumerate() {
        crate::json::whole_numbers(&mut value);
        let parsed = serde_path_to_error::deserialize::<_, CaseInput>(value).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            vec![FieldError::new(format!("cases[{i}].{path}"), "invalid_value", message, "valor no válido")]
        });
        let item = match parsed.and_then(|mut input| prepare(&mut input).map(|_| input)) {
            Ok(mut input) => prepare_case(s, &policy, idx, &mut input).map(|new| Ok((input, new)))?,
            Err(errors) => Err(errors),
        };
        prepared.push(item);
    }
    audit::write(conn, |conn, events| {
        if let Some(k) = &key
            && let Some(snapshot) = idempotency::replay(conn, &s.user_id, k)?
        {
            return Ok(snapshot);
        }
        let mut results = Vec::with_capacity(prepared.len());
        for (index, item) in prepared.into_iter().enumerate() {
            match item {
                Ok((mut input, new)) => {
                    let new = current(conn, s, idx, new, &mut input)?;
                    store::insert(conn, &new)?;
                    events.push(
                        Event::new(ctx, "case_create", "case", Outcome::Allowed)
                            .object(new.id.clone(), Some(&s.party))
                            .details(serde_json::json!({"version": 1, "batch_index": index})),
                    );
                    results.push(BatchItem {
                        index,
                        status: "created",
                        id: Some(new.id),
                        etag: Some(etag_own(1)),
                        errors: vec![],
                    });
                }
                Err(errors) => results.push(BatchItem { index, status: "rejected", id: None, etag: None, errors }),
            }
        }
        let created = results.iter().filter(|r| r.status == "created").count();
        let result = BatchResult { created, rejected: results.len() - created, results };
        let snapshot = Snapshot {
            status: 200,
            body: serde_json::to_string(&result).map_err(|_| ApiError::Internal)?,
            location: None,
            etag: None,
        };
        if let Some(k) = &key {
            idempotency::save(conn, &s.user_id, k, &snapshot)?;
        }
        Ok(snapshot)
    })
}
