//! Fraudulent-document alerts (M1): officers publish their country's alerts to the network;
//! officers and analysts of member countries read them with the publishing country's reserved
//! fields withheld; specimen images are uploaded (PNG/JPEG by content, metadata stripped) and
//! downloaded by whoever may see the alert.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::support::{Items, audited_read, content_length, if_match, refusal};
use crate::alerts::images::{self, ImageInfo};
use crate::alerts::{self as service, AlertInput, AlertQuery, Read, Viewed, Withdrawal};
use crate::api::http::{Json, Query};
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

const OBJECT: &str = "document_alert";

fn viewed(v: Viewed) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, v.etag)).json(v.view)
}

/// Publish an alert of the caller's country (officers). Shared with the whole network unless
/// `sharing` says otherwise; `document.document_number` is withheld from other countries by
/// default, and the country's reservation policy for `documents[].*` applies to `document.*`.
#[utoipa::path(post, path = "/api/v1/document-alerts", tag = "document-alerts", security(("bearer" = [])), request_body = AlertInput,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` headers", body = Alert),
    ))]
#[post("/api/v1/document-alerts")]
pub async fn create(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<AlertInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let idx = state.matching.clone();
    let r = state.db.run(move |c| service::create(c, &idx, &s, &ctx, body)).await;
    let v = refusal(&state, &p, "alert_create", OBJECT, None, r).await?;
    let id = v.view.as_value()["alert_id"].as_str().unwrap_or_default().to_owned();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/document-alerts/{id}")))
        .insert_header((header::ETAG, v.etag))
        .json(v.view))
}

/// An alert as the caller may see it: the submitted alert (`AlertInput`) with `alert_id`,
/// `reporting_country`, `version`, `alert_status` (`active` or `withdrawn`), `created_at`,
/// `created_by`, `updated_at`, `updated_by`. For another country every reserved field is
/// `{"withheld": true, "basis": "…"}` instead, only the related cases it may itself see are
/// listed, and `version` and `updated_at` count only the changes it can see.
#[derive(Serialize, ToSchema)]
pub struct Alert {
    #[schema(format = "uuid")]
    pub alert_id: String,
    pub reporting_country: String,
    pub version: i32,
    /// `active` or `withdrawn`.
    pub alert_status: String,
}

/// A page of alerts.
#[derive(Serialize, ToSchema)]
pub struct AlertPageDoc {
    /// Alerts as the caller may see them (reserved fields as `{"withheld": true, "basis": …}`).
    #[schema(value_type = Vec<Alert>)]
    pub items: Vec<serde_json::Value>,
    pub next_cursor: Option<String>,
}

/// Alerts visible to the caller (own and shared), newest first, filtered by issuing state,
/// document type, fraud type, `active` and `since`. Filters never match another country's
/// reserved values.
#[utoipa::path(get, path = "/api/v1/document-alerts", tag = "document-alerts", security(("bearer" = [])), params(AlertQuery),
    responses(
        (status = 200, body = AlertPageDoc),
    ))]
#[get("/api/v1/document-alerts")]
pub async fn list(state: web::Data<AppState>, p: Principal, q: Query<AlertQuery>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(alert_page(&state, &p, q.into_inner()?).await?))
}

/// A page of alerts as `p` may see them, audited (the API's and the console's one path).
pub async fn alert_page(state: &AppState, p: &Principal, q: AlertQuery) -> Result<service::AlertPage, ApiError> {
    let filters = serde_json::json!({"issuing_state": q.issuing_state.is_some(), "document_type": q.document_type,
        "fraud_type": q.fraud_type, "active": q.active, "since": q.since, "reporting_country": q.reporting_country});
    let s = p.subject();
    let r = state.db.run(move |c| service::list(c, &s, q)).await;
    let (page, owners) = refusal(state, p, "alert_list", OBJECT, None, r).await?;
    state.audit.record_all(crate::audit::owner_events(&p.ctx, "alert_list", OBJECT, owners, filters)).await?;
    Ok(page)
}

/// Read an alert. The publishing country sees it whole; another member country in the sharing
/// scope sees reserved fields withheld and only the related cases it may itself see. Anyone else
/// gets 404.
#[utoipa::path(get, path = "/api/v1/document-alerts/{id}", tag = "document-alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Alert id")),
    responses(
        (status = 200, description = "The alert as the caller may see it; `ETag` header", body = Alert),
    ))]
#[get("/api/v1/document-alerts/{id}")]
pub async fn get(state: web::Data<AppState>, p: Principal, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(viewed(alert_of(&state, &p, id.into_inner()).await?))
}

/// One alert as `p` may see it, the read (or the refusal, as 404) audited before anything
/// leaves (the API's and the console's one path).
pub async fn alert_of(state: &AppState, p: &Principal, id: String) -> Result<Viewed, ApiError> {
    let (s, ctx) = (p.subject(), p.ctx.clone());
    match state.db.run(move |c| service::get(c, &s, &ctx, &id)).await? {
        Read::Visible(v, ev) => {
            audited_read(state, ev).await?;
            Ok(v)
        }
        Read::Hidden(ev) => {
            audited_read(state, ev).await?;
            Err(ApiError::NotFound)
        }
    }
}

/// Replace an alert with a new version (the publishing country's officers). `If-Match` with the
/// current ETag is required: 428 without it, 412 if the alert changed since.
#[utoipa::path(put, path = "/api/v1/document-alerts/{id}", tag = "document-alerts", security(("bearer" = [])), request_body = AlertInput,
    params(("id" = String, Path, description = "Alert id"), ("If-Match" = String, Header, description = "ETag of the version being replaced")),
    responses(
        (status = 200, body = Alert),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/api/v1/document-alerts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: Json<AlertInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, id, tag) = (p.subject(), p.ctx.clone(), id.into_inner(), if_match(&req));
    let id2 = id.clone();
    let idx = state.matching.clone();
    let r = state.db.run(move |c| service::update(c, &idx, &s, &ctx, &id2, tag.as_deref(), body)).await;
    Ok(viewed(refusal(&state, &p, "alert_update", OBJECT, Some(&id), r).await?))
}

/// Withdraw an alert with a reason: it stays visible to its recipients as `withdrawn`.
/// `If-Match` is honoured when sent.
#[utoipa::path(delete, path = "/api/v1/document-alerts/{id}", tag = "document-alerts", security(("bearer" = [])), request_body = Withdrawal,
    params(("id" = String, Path, description = "Alert id"), ("If-Match" = Option<String>, Header, description = "Honoured when sent: the ETag of the version this acts on")),
    responses(
        (status = 200, body = Alert),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/api/v1/document-alerts/{id}")]
pub async fn withdraw(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: Json<Withdrawal>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, id, tag) = (p.subject(), p.ctx.clone(), id.into_inner(), if_match(&req));
    let id2 = id.clone();
    let idx = state.matching.clone();
    let r = state.db.run(move |c| service::withdraw(c, &idx, &s, &ctx, &id2, tag.as_deref(), body)).await;
    Ok(viewed(refusal(&state, &p, "alert_withdraw", OBJECT, Some(&id), r).await?))
}

/// Add a specimen image (the publishing country's officers): the raw PNG or JPEG file as the
/// body. The type is decided by the content (415 otherwise, whatever the name or declared type);
/// at most `max_image_bytes` (5 MiB by default; 413 beyond); metadata (EXIF, GPS, text chunks,
/// comments) is removed before storage; at most 10 images per alert. **The holder's face must be
/// masked by the submitter before upload.** Nothing is stored when the upload is refused.
#[utoipa::path(post, path = "/api/v1/document-alerts/{id}/images", tag = "document-alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Alert id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "A PNG or JPEG image, its type recognised from its content"),
    responses(
        (status = 201, description = "Stored; `Location` header", body = ImageInfo),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/document-alerts/{id}/images")]
pub async fn add_image(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (s, id) = (p.subject(), id.into_inner());
    let (s2, id2) = (s.clone(), id.clone());
    let r = state.db.run(move |c| images::authorize_upload(c, &s2, &id2)).await;
    refusal(&state, &p, "alert_image_add", OBJECT, Some(&id), r).await?;
    let limit = state.settings.max_image_bytes;
    let r = crate::files::read_limited(payload, content_length(&req), limit).await;
    let body = refusal(&state, &p, "alert_image_add", OBJECT, Some(&id), r).await?;
    let r = crate::files::sniff::strip_image(&body).ok_or(ApiError::UnsupportedMediaType);
    let (kind, data) = refusal(&state, &p, "alert_image_add", OBJECT, Some(&id), r).await?;
    drop(body);
    let (ctx, id2) = (p.ctx.clone(), id.clone());
    let r = state.db.run(move |c| images::add(c, &s, &ctx, &id2, kind, data)).await;
    let info = refusal(&state, &p, "alert_image_add", OBJECT, Some(&id), r).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/document-alerts/{id}/images/{}", info.image_id)))
        .json(info))
}

#[derive(Serialize, ToSchema)]
pub struct ImageList {
    pub items: Vec<ImageInfo>,
}

/// The specimen images of an alert (whoever may see the alert).
#[utoipa::path(get, path = "/api/v1/document-alerts/{id}/images", tag = "document-alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Alert id")),
    responses(
        (status = 200, body = ImageList),
    ))]
#[get("/api/v1/document-alerts/{id}/images")]
pub async fn list_images(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(Items { items: images_of(&state, &p, id.into_inner()).await? }))
}

/// The specimen images of an alert `p` may see (the API's and the console's one path).
pub async fn images_of(state: &AppState, p: &Principal, id: String) -> Result<Vec<ImageInfo>, ApiError> {
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let id2 = id.clone();
    let r = state.db.run(move |c| images::list(c, &s, &ctx, &id2)).await;
    let (items, ev) = refusal(state, p, "alert_image_list", OBJECT, Some(&id), r).await?;
    audited_read(state, ev).await?;
    Ok(items)
}

/// Download a specimen image (whoever may see the alert).
#[utoipa::path(get, path = "/api/v1/document-alerts/{id}/images/{image_id}", tag = "document-alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Alert id"), ("image_id" = String, Path, description = "Image id")),
    responses(
        (status = 200, description = "The image (`image/png` or `image/jpeg`)", content_type = "image/png"),
    ))]
#[get("/api/v1/document-alerts/{id}/images/{image_id}")]
pub async fn get_image(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, image_id) = path.into_inner();
    let (content_type, data) = image_of(&state, &p, id, image_id).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, "attachment"))
        .body(data))
}

/// A specimen image of an alert `p` may see, audited (the API's and the console's one path).
pub async fn image_of(
    state: &AppState,
    p: &Principal,
    id: String,
    image_id: String,
) -> Result<(String, Vec<u8>), ApiError> {
    let (s, ctx) = (p.subject(), p.ctx.clone());
    let id2 = id.clone();
    let r = state.db.run(move |c| images::get(c, &s, &ctx, &id2, &image_id)).await;
    let (content_type, data, ev) = refusal(state, p, "alert_image_read", OBJECT, Some(&id), r).await?;
    audited_read(state, ev).await?;
    Ok((content_type, data))
}

/// Remove a specimen image (the publishing country's officers).
#[utoipa::path(delete, path = "/api/v1/document-alerts/{id}/images/{image_id}", tag = "document-alerts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Alert id"), ("image_id" = String, Path, description = "Image id")),
    responses(
        (status = 204, description = "Removed"),
    ))]
#[delete("/api/v1/document-alerts/{id}/images/{image_id}")]
pub async fn delete_image(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, (id, image_id)) = (p.subject(), p.ctx.clone(), path.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| images::delete(c, &s, &ctx, &id2, &image_id)).await;
    refusal(&state, &p, "alert_image_delete", OBJECT, Some(&id), r).await?;
    Ok(HttpResponse::NoContent().finish())
}
