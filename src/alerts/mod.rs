//! Fraudulent-document alerts (SPEC §7 M1): a country's officers publish what they learnt of a
//! false or fraudulently obtained travel document (section H fields), with specimen images, to
//! the network (or listed countries); update with If-Match; withdraw. Visibility, reservations
//! and the redacted view are decided by `access::alerts`; this module stores and audits.

pub mod images;
pub mod store;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::access::Subject;
use crate::access::alerts::{self as rules, AlertView};
use crate::access::cases::Access;
use crate::access::disclosure::Decision;
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::error::{ApiError, FieldError};
use crate::formato::enums::SharingScope;
use crate::formato::record::{Document, FieldReservation, Sharing};
use crate::matching::index::BlindIndex;
use crate::paging;
use store::StoredAlert;

/// An alert as submitted (create or full replacement).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertInput {
    /// The document (section H fields; `id` and `holder_ref` are not part of an alert).
    /// `document_type` and `fraud_type` are required. `document_number` is reserved by default.
    pub document: Document,
    /// Last day the alert is current (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub valid_until: Option<String>,
    /// What the issuing authority says about the document (≤ 10,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 10000)]
    pub issuing_authority_notes: Option<String>,
    /// Countries (alpha-2) on the routes where the document was used (at most 30).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 30)]
    pub known_route_countries: Vec<String>,
    /// Ids of related cases (at most 50), each one the submitting officer may see; each reader
    /// sees only those cases it may see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 50)]
    pub related_case_ids: Vec<String>,
    /// Default `{"scope": "network"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing: Option<Sharing>,
    /// Further reservations of this alert's fields (`document.<field>`, `valid_until`,
    /// `issuing_authority_notes`, `known_route_countries`, `related_case_ids`), with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_reservations: Vec<FieldReservation>,
}

fn issue(field: impl Into<String>, code: &str, en: &str, es: &str) -> FieldError {
    FieldError::new(field, code, en, es)
}

/// Validate an alert (the related cases are checked against the database separately).
fn check(input: &mut AlertInput) -> Result<(), ApiError> {
    let sharing =
        input.sharing.get_or_insert_with(|| Sharing { scope: Some(SharingScope::Network), countries: vec![] });
    let mut errors: Vec<FieldError> =
        crate::formato::validate::validate_document(&input.document, sharing, crate::clock::today())
            .into_iter()
            .map(|i| FieldError::new(i.field, i.code, i.message_en, i.message_es))
            .collect();
    let d = &input.document;
    if d.id.is_some() {
        errors.push(issue(
            "document.id",
            "not_allowed",
            "an alert's document has no id",
            "el documento de una alerta no tiene id",
        ));
    }
    if d.holder_ref.is_some() {
        errors.push(issue(
            "document.holder_ref",
            "not_allowed",
            "an alert never names the holder",
            "una alerta nunca identifica al portador",
        ));
    }
    if d.document_type.is_none() {
        errors.push(issue("document.document_type", "required", "is required", "es obligatorio"));
    }
    if d.fraud_type.is_none() {
        errors.push(issue("document.fraud_type", "required", "is required", "es obligatorio"));
    }
    if input.valid_until.as_deref().is_some_and(|v| crate::registry::parse_date(v).is_none()) {
        errors.push(issue("valid_until", "invalid_date", "a date YYYY-MM-DD", "una fecha AAAA-MM-DD"));
    }
    if input.issuing_authority_notes.as_deref().is_some_and(|n| n.chars().count() > 10_000) {
        errors.push(issue(
            "issuing_authority_notes",
            "too_long",
            "at most 10000 characters",
            "como máximo 10000 caracteres",
        ));
    }
    if input.known_route_countries.len() > 30 {
        errors.push(issue("known_route_countries", "too_many", "at most 30 countries", "como máximo 30 países"));
    }
    for (i, c) in input.known_route_countries.iter().enumerate() {
        if !crate::formato::codes::is_country(c) {
            errors.push(issue(
                format!("known_route_countries[{i}]"),
                "invalid_country",
                "an ISO 3166-1 alpha-2 code",
                "un código ISO 3166-1 alfa-2",
            ));
        }
    }
    if input.related_case_ids.len() > 50 {
        errors.push(issue("related_case_ids", "too_many", "at most 50 cases", "como máximo 50 casos"));
    }
    if input.field_reservations.len() > 50 {
        errors.push(issue("field_reservations", "too_many", "at most 50 entries", "como máximo 50 entradas"));
    }
    for (i, r) in input.field_reservations.iter().enumerate() {
        if !rules::reservable(&r.path) {
            errors.push(issue(
                format!("field_reservations[{i}].path"),
                "not_reservable",
                "not a reservable field of an alert",
                "no es un campo reservable de una alerta",
            ));
        }
        let reason = r.reason.as_deref().map(str::trim).unwrap_or("");
        if reason.is_empty() || reason.chars().count() > 500 {
            errors.push(issue(
                format!("field_reservations[{i}].reason"),
                "required",
                "a reason of 1 to 500 characters",
                "un motivo de 1 a 500 caracteres",
            ));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Every related case must be one the submitting officer may see (else it is "unknown", exactly
/// as a case that does not exist).
fn check_related(conn: &mut DbConn, s: &Subject, ids: &[String]) -> Result<(), ApiError> {
    let metas = store::case_metas(conn, ids)?;
    let visible = rules::visible_cases(s, &metas);
    let errors: Vec<FieldError> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !visible.contains(id))
        .map(|(i, _)| issue(format!("related_case_ids[{i}]"), "unknown_case", "no such case", "no existe tal caso"))
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

fn actor_json(s: &Subject) -> Value {
    serde_json::json!({"user_id": s.user_id, "party": s.party, "role": "officer"})
}

fn document_of(
    input: &AlertInput,
    id: &str,
    version: i32,
    status: &str,
    created: (&str, &Value),
    updated: (&str, &Value),
    country: &str,
) -> Result<Value, ApiError> {
    let mut doc = serde_json::to_value(input).map_err(|_| ApiError::Internal)?;
    let obj = doc.as_object_mut().ok_or(ApiError::Internal)?;
    obj.insert("alert_id".into(), Value::from(id));
    obj.insert("reporting_country".into(), Value::from(country));
    obj.insert("version".into(), Value::from(version));
    obj.insert("alert_status".into(), Value::from(status));
    for key in ["known_route_countries", "related_case_ids", "field_reservations"] {
        obj.entry(key).or_insert_with(|| Value::Array(vec![]));
    }
    obj.insert("created_at".into(), Value::from(created.0));
    obj.insert("created_by".into(), created.1.clone());
    obj.insert("updated_at".into(), Value::from(updated.0));
    obj.insert("updated_by".into(), updated.1.clone());
    Ok(doc)
}

/// The ETag of the reporting country's own view: its version.
pub use crate::precondition::etag as etag_own;

/// A view with its ETag.
pub struct Viewed {
    pub view: AlertView,
    pub etag: String,
}

/// The view of a stored alert for `s`, its ETag and the withheld paths (`None` if `s` may not
/// see it).
fn view_for(conn: &mut DbConn, s: &Subject, alert: &StoredAlert) -> Result<Option<(Viewed, Vec<String>)>, ApiError> {
    let policy = crate::policy::load(conn, &alert.reporting_country)?;
    let reservations = rules::reservations(&policy.fields, &alert.per_alert_reservations());
    let related = alert.related_case_ids();
    let visible = rules::visible_cases(s, &store::case_metas(conn, &related)?);
    let document = alert.document.clone();
    let stamp = alert.shared_stamp();
    let Some((view, withheld)) = rules::view(s, &alert.meta, document, &reservations, policy.version, &visible, stamp)
    else {
        return Ok(None);
    };
    let etag = match view.decision() {
        Decision::Whole => etag_own(alert.version),
        Decision::Redacted { .. } => {
            let digest = crate::digest::sha256_hex(view.as_value().to_string().as_bytes());
            format!("\"{}\"", &digest[..32])
        }
    };
    Ok(Some((Viewed { view, etag }, withheld)))
}

/// The reporting country's view of an alert it just wrote.
fn written(
    s: &Subject,
    reporting_country: &str,
    doc: Value,
    related: &[String],
    version: i32,
) -> Result<Viewed, ApiError> {
    let view = rules::own_view(s, reporting_country, doc, related).ok_or(ApiError::NotFound)?;
    Ok(Viewed { view, etag: etag_own(version) })
}

fn event(ctx: &RequestContext, action: &str, id: &str, party: &str, details: Value) -> Event {
    Event::new(ctx, action, "document_alert", Outcome::Allowed).object(id.to_owned(), Some(party)).details(details)
}

/// Create an alert of the caller's country (officers).
pub fn create(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    mut input: AlertInput,
) -> Result<Viewed, ApiError> {
    if !rules::may_write_alerts(s) {
        return Err(ApiError::Forbidden);
    }
    check(&mut input)?;
    audit::write(conn, |conn, events| {
        check_related(conn, s, &input.related_case_ids)?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = crate::clock::now_text();
        let actor = actor_json(s);
        let doc = document_of(&input, &id, 1, "active", (&now, &actor), (&now, &actor), &s.party)?;
        let policy = crate::policy::load(conn, &s.party)?;
        store::insert(conn, idx, &id, &s.party, &doc, &policy, &s.user_id, &now)?;
        events.push(event(ctx, "alert_create", &id, &s.party, serde_json::json!({"version": 1})));
        written(s, &s.party, doc, &input.related_case_ids, 1)
    })
}

/// Load an alert for a write by `s`: its own country's (403 for another country's visible
/// alert, 404 for one it may not see).
pub(crate) fn own_for_write(conn: &mut DbConn, s: &Subject, id: &str) -> Result<StoredAlert, ApiError> {
    let alert = store::load(conn, id)?.ok_or(ApiError::NotFound)?;
    match rules::alert_access(s, &alert.meta) {
        Some(Access::Own) if rules::may_write_alerts(s) => Ok(alert),
        Some(_) => Err(ApiError::Forbidden),
        None => Err(ApiError::NotFound),
    }
}

use crate::precondition::check_version as check_if_match;

/// Replace an alert (a new version); `If-Match` required.
pub fn update(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
    mut input: AlertInput,
) -> Result<Viewed, ApiError> {
    if !rules::may_read_alerts(s) {
        return Err(ApiError::NotFound);
    }
    if if_match.is_none() {
        return Err(ApiError::PreconditionRequired);
    }
    check(&mut input)?;
    audit::write(conn, |conn, events| {
        let before = own_for_write(conn, s, id)?;
        if before.status == "withdrawn" {
            return Err(ApiError::Conflict("alert_withdrawn"));
        }
        check_if_match(if_match, before.version, true)?;
        check_related(conn, s, &input.related_case_ids)?;
        let now = crate::clock::now_text();
        let version = before.version + 1;
        let created_at = before.document["created_at"].as_str().unwrap_or_default().to_owned();
        let doc = document_of(
            &input,
            id,
            version,
            "active",
            (&created_at, &before.document["created_by"]),
            (&now, &actor_json(s)),
            &s.party,
        )?;
        let policy = crate::policy::load(conn, &s.party)?;
        if !store::replace(conn, idx, id, before.version, &doc, &policy, &s.user_id, &now)? {
            return Err(ApiError::PreconditionFailed);
        }
        events.push(event(ctx, "alert_update", id, &s.party, serde_json::json!({"version": version})));
        written(s, &before.reporting_country, doc, &input.related_case_ids, version)
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// Why the alert is withdrawn (seen by the reporting country and the audit trail only): 1 to
    /// 1000 characters, not counting surrounding white space.
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,998}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub reason: String,
}

/// Withdraw an alert: it stays visible, marked `withdrawn`; `If-Match` honoured when sent.
pub fn withdraw(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    if_match: Option<&str>,
    body: Withdrawal,
) -> Result<Viewed, ApiError> {
    if !rules::may_read_alerts(s) {
        return Err(ApiError::NotFound);
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
        let before = own_for_write(conn, s, id)?;
        if before.status == "withdrawn" {
            return Err(ApiError::Conflict("alert_withdrawn"));
        }
        check_if_match(if_match, before.version, false)?;
        let now = crate::clock::now_text();
        let version = before.version + 1;
        let mut doc = before.document.clone();
        doc["version"] = Value::from(version);
        doc["alert_status"] = Value::from("withdrawn");
        doc["withdrawal_reason"] = Value::from(reason.clone());
        doc["updated_at"] = Value::from(now.clone());
        doc["updated_by"] = actor_json(s);
        let policy = crate::policy::load(conn, &s.party)?;
        if !store::replace(conn, idx, id, before.version, &doc, &policy, &s.user_id, &now)? {
            return Err(ApiError::PreconditionFailed);
        }
        events.push(event(ctx, "alert_withdraw", id, &s.party, serde_json::json!({"version": version})));
        let related = before.related_case_ids();
        written(s, &before.reporting_country, doc, &related, version)
    })
}

/// The outcome of a read, with the audit event to record before answering.
pub enum Read {
    Visible(Viewed, Event),
    Hidden(Event),
}

/// Read one alert as `s` may see it.
pub fn get(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<Read, ApiError> {
    let denied = |party: Option<&str>| {
        Event::new(ctx, "alert_read", "document_alert", Outcome::Denied).object(id.to_owned(), party)
    };
    let Some(alert) = store::load(conn, id)? else { return Ok(Read::Hidden(denied(None))) };
    let Some((viewed, withheld)) = view_for(conn, s, &alert)? else {
        return Ok(Read::Hidden(denied(Some(&alert.reporting_country))));
    };
    let details = match viewed.view.decision() {
        Decision::Whole => serde_json::json!({"view": "full", "version": alert.version, "withheld": withheld}),
        Decision::Redacted { .. } => {
            serde_json::json!({"view": "redacted", "version": alert.shared_version, "withheld": withheld})
        }
    };
    let ev = event(ctx, "alert_read", id, &alert.reporting_country, details);
    Ok(Read::Visible(viewed, ev))
}

/// Filters of the alert list. Another country's reserved values are never matched.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// Issuing state (ICAO code, e.g. `HND`).
    pub issuing_state: Option<String>,
    /// Document type code (e.g. `passport`).
    pub document_type: Option<String>,
    /// Fraud type code (e.g. `counterfeit`).
    pub fraud_type: Option<String>,
    /// `true`: active and not past `valid_until`; `false`: withdrawn or expired.
    pub active: Option<bool>,
    /// Created or changed at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Only this reporting country's alerts.
    pub reporting_country: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AlertPage {
    pub items: Vec<AlertView>,
    pub next_cursor: Option<String>,
}

/// Alerts visible to `s`, newest first, as `s` may see them.
pub fn list(conn: &mut DbConn, s: &Subject, q: AlertQuery) -> Result<(AlertPage, crate::audit::Owners), ApiError> {
    if !rules::may_read_alerts(s) {
        return Err(ApiError::Forbidden);
    }
    let limit = paging::limit(q.limit)?;
    let before_id = paging::decode_cursor(q.cursor.as_deref())?;
    let since = paging::time_param("since", q.since.as_deref())?;
    let filter = store::ListFilter {
        issuing_state: q.issuing_state,
        document_type: q.document_type,
        fraud_type: q.fraud_type,
        active: q.active,
        today: crate::clock::today().to_string(),
        since,
        reporting_country: q.reporting_country,
        before_id,
        limit: limit + 1,
    };
    let mut rows = store::list(conn, &s.party, &filter)?;
    let next_cursor = paging::next_page(&mut rows, limit, |a| &a.id);
    let mut items = Vec::with_capacity(rows.len());
    let mut owners = crate::audit::Owners::new();
    for alert in &rows {
        let Some((viewed, _)) = view_for(conn, s, alert)? else { continue };
        owners.entry(alert.meta.reporting_country.clone()).or_default().push(alert.id.clone());
        items.push(viewed.view);
    }
    Ok((AlertPage { items, next_cursor }, owners))
}
