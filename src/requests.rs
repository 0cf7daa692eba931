//! Requests between member countries (`/api/v1/requests`), the second step after a hit or about
//! any case a country can see: access to a case (the holder shares it with the asking country,
//! or declines with a reason), information about a case (answered in messages), and the
//! coordination of a victim's repatriation (the asking country sends the receiving country's
//! repatriation liaison only the fields it chooses of that person's record; the receiver
//! accepts or declines and records the return's progress, which updates section L of the case).
//!
//! A request, its messages and its person fields exist for its two countries only. Every change
//! is one transaction with its audit event (whose object party is the other side, so both
//! countries' auditors see it — the events carry kinds and states, never the texts) and an item
//! in the other side's feed. Who may do what, in which state: `access::requests`.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::access::Subject;
use crate::access::cases::{Access, case_access};
use crate::access::requests::{
    self as rules, REPATRIATION_FIELDS, RequestAction, RequestKind, RequestState, may_message, may_read,
};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::{country_request_messages as m, country_requests as r, directory_entries as dc};
use crate::error::{ApiError, FieldError};
use crate::matching::index::BlindIndex;

/// A new request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    pub kind: RequestKind,
    /// The hit it follows (`case_access`, `information`): the holder is the hit's country.
    #[serde(default)]
    pub hit_ref: Option<String>,
    /// The case it is about: for `case_access` and `information` a case the caller can see (the
    /// holder is its reporting country); for `repatriation` one of the caller's own cases.
    #[serde(default)]
    pub case_id: Option<String>,
    /// What is asked, for the other country (1 to 2000 characters).
    #[schema(max_length = 2000)]
    pub subject: String,
    /// When an answer is needed (`YYYY-MM-DD`, today or later).
    #[serde(default)]
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// Repatriation: the person of the case (`persons[].id`).
    #[serde(default)]
    pub person_id: Option<String>,
    /// Repatriation: the receiving country's repatriation liaison (a directory entry id).
    #[serde(default)]
    pub liaison_id: Option<String>,
    /// Repatriation: which fields of the person's record to send (see `REPATRIATION_FIELDS`).
    #[serde(default)]
    pub person_fields: Vec<String>,
}

/// A message in a request's thread.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// 1 to 4000 characters.
    #[schema(max_length = 4000)]
    pub body: String,
}

/// An action on a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub action: RequestAction,
    /// `accept` of a `case_access` request that follows a hit on several cases: which one to
    /// share.
    #[serde(default)]
    pub case_id: Option<String>,
    /// `decline`: why (1 to 1000 characters), for the asking country.
    #[serde(default)]
    pub reason: Option<String>,
    /// `progress` and `complete` of a repatriation: the return's status (E51) and date.
    #[serde(default)]
    pub return_status: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    pub return_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    pub from_country: String,
    pub body: String,
    pub created_at: String,
}

/// A request as its two countries see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestView {
    pub request_id: String,
    pub kind: RequestKind,
    pub state: RequestState,
    pub from_country: String,
    pub to_country: String,
    pub hit_ref: Option<String>,
    /// The case, once the caller can see it (a `case_access` request names it to the asking
    /// country only after the holder shared it).
    pub case_id: Option<String>,
    pub subject: String,
    pub due_date: Option<String>,
    /// The due date passed while the request was still open or accepted.
    pub overdue: bool,
    /// Repatriation: the fields of the person's record the asking country chose to send.
    #[schema(value_type = Option<Object>)]
    pub person: Option<Value>,
    pub liaison_id: Option<String>,
    pub decline_reason: Option<String>,
    pub messages: Vec<Message>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = r)]
struct Row {
    id: String,
    kind: String,
    state: String,
    from_party: String,
    to_party: String,
    hit_ref: Option<String>,
    case_id: Option<String>,
    subject: String,
    due_date: Option<String>,
    person_id: Option<String>,
    liaison_id: Option<String>,
    person_fields: Option<String>,
    decline_reason: Option<String>,
    version: i32,
    created_at: String,
    updated_at: String,
}

impl Row {
    fn kind(&self) -> RequestKind {
        RequestKind::parse(&self.kind).unwrap_or(RequestKind::Information)
    }

    fn state(&self) -> RequestState {
        RequestState::parse(&self.state).unwrap_or(RequestState::Withdrawn)
    }

    fn other(&self, party: &str) -> String {
        if party == self.from_party { self.to_party.clone() } else { self.from_party.clone() }
    }
}

fn issue(field: &str, code: &str, en: &str, es: &str) -> FieldError {
    FieldError::new(field, code, en, es)
}

fn text_ok(s: &str, max: usize) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().count() <= max
}

fn load(conn: &mut DbConn, id: &str) -> Result<Option<Row>, ApiError> {
    Ok(r::table.find(id).select(Row::as_select()).get_result(conn).optional()?)
}

/// The row of a request `s` may see (404 otherwise).
fn visible(conn: &mut DbConn, s: &Subject, id: &str) -> Result<Row, ApiError> {
    load(conn, id)?.filter(|row| may_read(s, &row.from_party, &row.to_party)).ok_or(ApiError::NotFound)
}

fn view(conn: &mut DbConn, s: &Subject, row: Row) -> Result<RequestView, ApiError> {
    let case_id = match &row.case_id {
        Some(id) => {
            crate::cases::store::load_head(conn, id)?.filter(|h| case_access(s, &h.meta).is_some()).map(|h| h.id)
        }
        None => None,
    };
    let messages: Vec<(String, String, String)> = m::table
        .filter(m::request_id.eq(&row.id))
        .order(m::seq.asc())
        .select((m::party, m::body, m::created_at))
        .load(conn)?;
    let live = matches!(row.state(), RequestState::Open | RequestState::Accepted);
    let today = crate::clock::today().to_string();
    Ok(RequestView {
        kind: row.kind(),
        state: row.state(),
        overdue: live && row.due_date.as_deref().is_some_and(|d| d < today.as_str()),
        request_id: row.id,
        from_country: row.from_party,
        to_country: row.to_party,
        hit_ref: row.hit_ref,
        case_id,
        subject: row.subject,
        due_date: row.due_date,
        person: row.person_fields.as_deref().map(serde_json::from_str).transpose().map_err(|_| ApiError::Internal)?,
        liaison_id: row.liaison_id,
        decline_reason: row.decline_reason,
        messages: messages
            .into_iter()
            .map(|(from_country, body, created_at)| Message { from_country, body, created_at })
            .collect(),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn event(ctx: &RequestContext, action: &str, row: &Row, party: &str, details: Value) -> Event {
    Event::new(ctx, action, "country_request", Outcome::Allowed).object(row.id.clone(), Some(&row.other(party))).details(
        serde_json::json!({"kind": row.kind, "state": row.state, "from": row.from_party, "to": row.to_party, "more": details}),
    )
}

fn tell(conn: &mut DbConn, row: &Row, party: &str, kind: &str, now: &str) -> Result<(), ApiError> {
    let details = serde_json::json!({"request_kind": row.kind, "state": row.state, "from": row.from_party});
    crate::feed::push(conn, &row.other(party), kind, "country_request", &row.id, details, now)
}

/// The holder, case and person fields of a new request, checked against the database.
struct Target {
    to: String,
    case_id: Option<String>,
    person_fields: Option<String>,
}

fn target(conn: &mut DbConn, s: &Subject, req: &NewRequest) -> Result<Target, ApiError> {
    let not_found = |field: &str| {
        ApiError::Validation(vec![issue(
            field,
            "not_found",
            "nothing you can refer to",
            "nada a lo que pueda referirse",
        )])
    };
    match req.kind {
        RequestKind::CaseAccess | RequestKind::Information => {
            if let Some(hit_ref) = &req.hit_ref {
                let hit = crate::matches::hit(conn, hit_ref)?
                    .filter(|h| h.requester == s.party)
                    .ok_or_else(|| not_found("hit_ref"))?;
                return Ok(Target { to: hit.holder, case_id: None, person_fields: None });
            }
            let id = req.case_id.as_deref().ok_or_else(|| {
                ApiError::Validation(vec![issue(
                    "hit_ref",
                    "required",
                    "a hit reference or a case id",
                    "una referencia de coincidencia o un id de caso",
                )])
            })?;
            let head = crate::cases::store::load_head(conn, id)?
                .filter(|h| case_access(s, &h.meta) == Some(Access::Foreign))
                .ok_or_else(|| not_found("case_id"))?;
            Ok(Target { to: head.meta.reporting_country, case_id: Some(head.id), person_fields: None })
        }
        RequestKind::Repatriation => {
            let id = req.case_id.as_deref().ok_or_else(|| not_found("case_id"))?;
            let case = crate::cases::store::load(conn, id)?
                .filter(|c| case_access(s, &c.meta) == Some(Access::Own) && !c.meta.retracted)
                .ok_or_else(|| not_found("case_id"))?;
            let person = case.document["persons"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| req.person_id.is_some() && p["id"].as_str() == req.person_id.as_deref())
                .ok_or_else(|| not_found("person_id"))?;
            let liaison: Option<(String, String)> = match &req.liaison_id {
                Some(l) => dc::table.find(l).select((dc::country, dc::contact_role)).get_result(conn).optional()?,
                None => None,
            };
            let (country, role) = liaison.ok_or_else(|| not_found("liaison_id"))?;
            if !role.starts_with("repatriation_liaison") || country == s.party {
                return Err(ApiError::Validation(vec![issue(
                    "liaison_id",
                    "not_a_repatriation_liaison",
                    "another country's repatriation liaison of the directory",
                    "el enlace de repatriación de otro país en el directorio",
                )]));
            }
            let chosen: serde_json::Map<String, Value> =
                req.person_fields.iter().filter_map(|f| person.get(f).map(|v| (f.clone(), v.clone()))).collect();
            Ok(Target { to: country, case_id: Some(case.id), person_fields: Some(Value::Object(chosen).to_string()) })
        }
    }
}

fn check_new(req: &NewRequest) -> Result<(), ApiError> {
    let mut errors = vec![];
    if !text_ok(&req.subject, 2000) {
        errors.push(issue("subject", "invalid_length", "1 to 2000 characters", "de 1 a 2000 caracteres"));
    }
    if let Some(d) = &req.due_date
        && crate::registry::parse_date(d).is_none_or(|d| d < crate::clock::today())
    {
        errors.push(issue(
            "due_date",
            "invalid_date",
            "a date YYYY-MM-DD, today or later",
            "una fecha AAAA-MM-DD, hoy o posterior",
        ));
    }
    let repatriation = req.kind == RequestKind::Repatriation;
    for (field, given) in [
        ("person_id", req.person_id.is_some()),
        ("liaison_id", req.liaison_id.is_some()),
        ("person_fields", !req.person_fields.is_empty()),
    ] {
        if given != repatriation {
            errors.push(if repatriation {
                issue(field, "required", "is required for a repatriation", "es obligatorio para una repatriación")
            } else {
                issue(field, "not_allowed", "only for a repatriation", "solo para una repatriación")
            });
        }
    }
    if repatriation && req.hit_ref.is_some() {
        errors.push(issue("hit_ref", "not_allowed", "not for a repatriation", "no para una repatriación"));
    }
    for (i, f) in req.person_fields.iter().enumerate() {
        if !REPATRIATION_FIELDS.contains(&f.as_str()) {
            errors.push(issue(
                &format!("person_fields[{i}]"),
                "invalid_value",
                "a field of the person's record that may be sent (see the schema)",
                "un campo del registro de la persona que puede enviarse (vea el esquema)",
            ));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Open a request from the caller's country.
pub fn open(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, req: NewRequest) -> Result<RequestView, ApiError> {
    if !rules::may_open(s) {
        return Err(ApiError::Forbidden);
    }
    check_new(&req)?;
    audit::write(conn, |conn, events| {
        let t = target(conn, s, &req)?;
        let now = crate::clock::now_text();
        let row = Row {
            id: uuid::Uuid::now_v7().to_string(),
            kind: req.kind.as_str().to_owned(),
            state: RequestState::Open.as_str().to_owned(),
            from_party: s.party.clone(),
            to_party: t.to,
            hit_ref: req.hit_ref.clone(),
            case_id: t.case_id,
            subject: req.subject.trim().to_owned(),
            due_date: req.due_date.clone(),
            person_id: req.person_id.clone(),
            liaison_id: req.liaison_id.clone(),
            person_fields: t.person_fields,
            decline_reason: None,
            version: 1,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        diesel::insert_into(r::table)
            .values((
                r::id.eq(&row.id),
                r::kind.eq(&row.kind),
                r::state.eq(&row.state),
                r::from_party.eq(&row.from_party),
                r::to_party.eq(&row.to_party),
                r::hit_ref.eq(&row.hit_ref),
                r::case_id.eq(&row.case_id),
                r::subject.eq(&row.subject),
                r::due_date.eq(&row.due_date),
                r::person_id.eq(&row.person_id),
                r::liaison_id.eq(&row.liaison_id),
                r::person_fields.eq(&row.person_fields),
                r::version.eq(1),
                r::created_at.eq(&now),
                r::created_by.eq(&s.user_id),
                r::updated_at.eq(&now),
            ))
            .execute(conn)?;
        let fields: Vec<&str> = req.person_fields.iter().map(String::as_str).collect();
        events.push(event(ctx, "request_open", &row, &s.party, serde_json::json!({"person_fields": fields})));
        tell(conn, &row, &s.party, "request_received", &now)?;
        view(conn, s, row)
    })
}

/// Read one request (its two countries only).
pub fn get(conn: &mut DbConn, s: &Subject, id: &str) -> Result<RequestView, ApiError> {
    let row = visible(conn, s, id)?;
    view(conn, s, row)
}

/// The requests of the caller's country, sent and received, newest first.
pub fn list(conn: &mut DbConn, s: &Subject, limit: i64) -> Result<Vec<RequestView>, ApiError> {
    if !may_read(s, &s.party, &s.party) {
        return Err(ApiError::Forbidden);
    }
    let rows: Vec<Row> = r::table
        .filter(r::from_party.eq(&s.party).or(r::to_party.eq(&s.party)))
        .order(r::id.desc())
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?;
    rows.into_iter().map(|row| view(conn, s, row)).collect()
}

fn bump(conn: &mut DbConn, row: &mut Row, state: RequestState, now: &str) -> Result<(), ApiError> {
    let n = diesel::update(r::table.find(&row.id).filter(r::version.eq(row.version)))
        .set((
            r::state.eq(state.as_str()),
            r::decline_reason.eq(&row.decline_reason),
            r::version.eq(row.version + 1),
            r::updated_at.eq(now),
        ))
        .execute(conn)?;
    if n != 1 {
        return Err(ApiError::Unavailable);
    }
    row.version += 1;
    row.state = state.as_str().to_owned();
    row.updated_at = now.to_owned();
    Ok(())
}

/// Add a message to a request's thread.
pub fn message(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    msg: NewMessage,
) -> Result<RequestView, ApiError> {
    if !text_ok(&msg.body, 4000) {
        return Err(ApiError::field("body", "invalid_length", "1 to 4000 characters", "de 1 a 4000 caracteres"));
    }
    audit::write(conn, |conn, events| {
        let mut row = visible(conn, s, id)?;
        may_message(s, &row.from_party, &row.to_party, row.state())?;
        let seq: Option<i32> =
            m::table.filter(m::request_id.eq(id)).select(diesel::dsl::max(m::seq)).get_result(conn)?;
        let now = crate::clock::now_text();
        diesel::insert_into(m::table)
            .values((
                m::request_id.eq(id),
                m::seq.eq(seq.unwrap_or(0) + 1),
                m::party.eq(&s.party),
                m::user_id.eq(&s.user_id),
                m::body.eq(msg.body.trim()),
                m::created_at.eq(&now),
            ))
            .execute(conn)?;
        let state = row.state();
        bump(conn, &mut row, state, &now)?;
        events.push(event(
            ctx,
            "request_message",
            &row,
            &s.party,
            serde_json::json!({"message": seq.unwrap_or(0) + 1}),
        ));
        tell(conn, &row, &s.party, "request_updated", &now)?;
        view(conn, s, row)
    })
}

const RETURN_STATUSES: [&str; 4] = ["requested", "in_process", "completed", "cancelled"];

/// Section L of the asking country's case: the person's assistance entry gets the receiving
/// country, its liaison and the return's status and date (an entry is added if there is none).
fn record_return(doc: &mut Value, row: &Row, status: &str, date: Option<&str>) -> Result<(), ApiError> {
    let person = row.person_id.clone().ok_or(ApiError::Internal)?;
    let list =
        doc.as_object_mut().ok_or(ApiError::Internal)?.entry("assistance").or_insert_with(|| Value::Array(vec![]));
    let items = list.as_array_mut().ok_or(ApiError::Internal)?;
    let at = match items.iter().position(|a| a["person_ref"].as_str() == Some(person.as_str())) {
        Some(i) => i,
        None => {
            items.push(serde_json::json!({"person_ref": person}));
            items.len() - 1
        }
    };
    let entry = items[at].as_object_mut().ok_or(ApiError::Internal)?;
    entry.insert("receiving_country".into(), Value::from(row.to_party.clone()));
    if let Some(l) = &row.liaison_id {
        entry.insert("receiving_liaison_id".into(), Value::from(l.clone()));
    }
    entry.insert("return_status".into(), Value::from(status));
    if let Some(d) = date {
        entry.insert("return_date".into(), Value::from(d));
    }
    Ok(())
}

fn check_transition(t: &Transition) -> Result<(), ApiError> {
    let mut errors = vec![];
    if t.action == RequestAction::Decline && !t.reason.as_deref().is_some_and(|r| text_ok(r, 1000)) {
        errors.push(issue(
            "reason",
            "required",
            "a reason of 1 to 1000 characters",
            "un motivo de 1 a 1000 caracteres",
        ));
    }
    if t.action == RequestAction::Progress && !t.return_status.as_deref().is_some_and(|s| RETURN_STATUSES.contains(&s))
    {
        errors.push(issue(
            "return_status",
            "invalid_value",
            "requested, in_process, completed or cancelled",
            "requested, in_process, completed o cancelled",
        ));
    }
    if let Some(d) = &t.return_date
        && crate::registry::parse_date(d).is_none()
    {
        errors.push(issue("return_date", "invalid_date", "a date YYYY-MM-DD", "una fecha AAAA-MM-DD"));
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Accept, decline, record progress, complete or withdraw a request.
pub fn act(
    conn: &mut DbConn,
    idx: &BlindIndex,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    t: Transition,
) -> Result<RequestView, ApiError> {
    check_transition(&t)?;
    audit::write(conn, |conn, events| {
        let mut row = visible(conn, s, id)?;
        let next = rules::transition(s, (&row.from_party, &row.to_party), row.kind(), row.state(), t.action)?;
        let now = crate::clock::now_text();
        let details = serde_json::json!({"action": t.action});
        match (row.kind(), t.action) {
            (RequestKind::CaseAccess, RequestAction::Accept) => {
                let case_id = share_target(conn, s, &row, t.case_id.as_deref())?;
                let asker = row.from_party.clone();
                crate::cases::service::amend(conn, idx, s, &case_id, true, |doc| {
                    let sharing = &mut doc["sharing"];
                    match sharing["scope"].as_str() {
                        Some("network") => {}
                        Some("listed") => {
                            let list = sharing["countries"].as_array_mut().ok_or(ApiError::Internal)?;
                            if !list.iter().any(|c| c.as_str() == Some(asker.as_str())) {
                                list.push(Value::from(asker.clone()));
                            }
                        }
                        _ => *sharing = serde_json::json!({"scope": "listed", "countries": [asker.clone()]}),
                    }
                    Ok(())
                })?;
                diesel::update(r::table.find(&row.id)).set(r::case_id.eq(&case_id)).execute(conn)?;
                row.case_id = Some(case_id.clone());
            }
            (RequestKind::Repatriation, RequestAction::Accept | RequestAction::Progress | RequestAction::Complete) => {
                let status = match t.action {
                    RequestAction::Accept => "in_process",
                    RequestAction::Complete => "completed",
                    _ => t.return_status.as_deref().unwrap_or("in_process"),
                };
                let case_id = row.case_id.clone().ok_or(ApiError::Internal)?;
                crate::cases::service::amend(conn, idx, s, &case_id, false, |doc| {
                    record_return(doc, &row, status, t.return_date.as_deref())
                })
                .map_err(closed)?;
                // Neither the status nor the case's real version goes into the audit event, which
                // other auditors than the reporting country's see: the version counts its edits
                // of reserved fields, the status may be reserved.
            }
            (_, RequestAction::Decline) => {
                row.decline_reason = t.reason.as_deref().map(|r| r.trim().to_owned());
            }
            _ => {}
        }
        bump(conn, &mut row, next, &now)?;
        events.push(event(ctx, "request_update", &row, &s.party, details));
        tell(conn, &row, &s.party, "request_updated", &now)?;
        view(conn, s, row)
    })
}

/// A receiving country never learns that the asking country retracted the case (which it may
/// not see): the request cannot move on, that is all it is told.
fn closed(e: ApiError) -> ApiError {
    match e {
        ApiError::Conflict("case_retracted") => ApiError::Conflict("request_closed"),
        e => e,
    }
}

/// The case a `case_access` acceptance shares: the one the request names, or, after a hit, the
/// one given among the hit's cases (which may be left out when the hit matched one case).
fn share_target(conn: &mut DbConn, s: &Subject, row: &Row, chosen: Option<&str>) -> Result<String, ApiError> {
    let candidates: Vec<String> = match (&row.case_id, &row.hit_ref) {
        (Some(id), _) => vec![id.clone()],
        (None, Some(hit)) => crate::matches::hit(conn, hit)?
            .map(|h| h.objects.into_iter().filter(|(t, _)| t == "case").map(|(_, id)| id).collect())
            .unwrap_or_default(),
        (None, None) => vec![],
    };
    let pick = match chosen {
        Some(c) => candidates.iter().find(|x| x.as_str() == c).cloned(),
        None if candidates.len() == 1 => candidates.first().cloned(),
        None => None,
    };
    let own = match &pick {
        Some(id) => {
            crate::cases::store::load_head(conn, id)?.is_some_and(|h| case_access(s, &h.meta) == Some(Access::Own))
        }
        None => false,
    };
    match pick {
        Some(id) if own => Ok(id),
        _ => Err(ApiError::field(
            "case_id",
            "invalid_value",
            "one of your cases this request is about",
            "uno de sus casos al que se refiere esta solicitud",
        )),
    }
}
