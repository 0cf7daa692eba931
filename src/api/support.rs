//! Helpers shared by the handlers of the companion resources: `If-Match`, recording refusals in
//! the audit log, and the usual response shapes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::audit::{Event, Outcome};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// The `If-Match` of a request, every field line joined into one list (RFC 9110 §5.3); a value
/// that is not visible ASCII is kept as an empty list, which matches nothing (412), rather than
/// taken for a missing header (428).
pub fn if_match(req: &HttpRequest) -> Option<String> {
    let lines: Vec<&str> = req.headers().get_all(header::IF_MATCH).map(|v| v.to_str().unwrap_or("")).collect();
    (!lines.is_empty()).then(|| lines.join(", "))
}

/// The declared body length, if any.
pub fn content_length(req: &HttpRequest) -> Option<u64> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

/// Record a refused operation (`Outcome::of_refusal`), then return the refusal. The one
/// refusal recorder of every handler.
pub async fn refusal<T>(
    state: &AppState,
    p: &Principal,
    action: &str,
    object_type: &str,
    id: Option<&str>,
    r: Result<T, ApiError>,
) -> Result<T, ApiError> {
    refusal_owned(state, p, action, object_type, id, None, r).await
}

/// `refusal`, naming the party that owns the object when the caller may know it (a refused
/// operation on an object the caller sees), so that the owner's auditors see the attempt.
pub async fn refusal_owned<T>(
    state: &AppState,
    p: &Principal,
    action: &str,
    object_type: &str,
    id: Option<&str>,
    owner: Option<&str>,
    r: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if let Err(e) = &r {
        let mut ev = Event::new(&p.ctx, action, object_type, Outcome::of_refusal(e))
            .details(serde_json::json!({"error": e.to_string()}));
        if let Some(id) = id {
            ev = ev.object(id.to_owned(), owner);
        } else if let Some(owner) = owner {
            ev.object_party = Some(owner.to_owned());
        }
        state.audit.record(ev).await?;
    }
    r
}

/// Record an allowed read (before the data leaves: if the event cannot be stored, nothing is sent).
pub async fn audited_read(state: &AppState, ev: Event) -> Result<(), ApiError> {
    state.audit.record(ev).await
}

/// A list read's audit event: the action, the object type and how many items were disclosed.
pub fn list_event(p: &Principal, action: &str, object_type: &str, items: usize, filters: serde_json::Value) -> Event {
    Event::new(&p.ctx, action, object_type, Outcome::Allowed)
        .details(serde_json::json!({"items": items, "filters": filters}))
}

pub fn ok_tagged(body: &impl Serialize, etag: String) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag)).json(body)
}

pub fn created(body: &impl Serialize, location: String, etag: String) -> HttpResponse {
    HttpResponse::Created().insert_header((header::LOCATION, location)).insert_header((header::ETAG, etag)).json(body)
}

/// A list, as `{"items": [...]}`.
#[derive(Serialize)]
pub struct Items<T: Serialize> {
    pub items: Vec<T>,
}
