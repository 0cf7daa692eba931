//! Country activity reports (R13): upload (streamed to a temporary file while hashed, then
//! stored in the database), list, metadata, streamed download, publication to observers by the
//! ST, deletion.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::support::{Items, audited_read, content_length, list_event, refusal};
use crate::api::http::{Json, Query};
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::reports::{self as service, Publication, ReportInfo, ReportQuery, ReportUpload};
use crate::state::AppState;

const OBJECT: &str = "country_report";

/// Upload a report of the caller's country (member `officer` or `country_admin`; `st_admin` for
/// the ST's own): the raw file as the body, `title`, `period` and `language` as query
/// parameters. PDF, DOCX or ODT, recognised by content (415 otherwise, whatever the name or
/// declared type); at most `max_report_bytes` (50 MiB by default; 413 beyond). The SHA-256 is
/// recorded. Nothing is stored when the upload is refused.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])), params(ReportUpload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The report file (PDF, DOCX or ODT), its type recognised from its content"),
    responses(
        (status = 201, description = "Stored; `Location` header", body = ReportInfo),
        (status = 422, description = "Invalid report metadata or file: every failing parameter named in `errors`", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/reports")]
pub async fn upload(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    q: Query<ReportUpload>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (s, q) = (p.subject(), q.into_inner()?);
    refusal(&state, &p, "report_upload", OBJECT, None, service::check_upload(&s, &q)).await?;
    let data_dir = state.settings.data_dir.clone();
    let r = crate::files::receive_to_file(
        payload,
        content_length(&req),
        &service::tmp_dir(&data_dir),
        state.settings.max_report_bytes,
    )
    .await;
    let received = refusal(&state, &p, "report_upload", OBJECT, None, r).await?;
    let ctx = p.ctx.clone();
    let r = state.db.run(move |c| service::store(c, &s, &ctx, q, received)).await;
    let info = refusal(&state, &p, "report_upload", OBJECT, None, r).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/reports/{}", info.report_id)))
        .json(info))
}

#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportInfo>,
}

/// Reports the caller may see, newest first: every report for member countries and the ST;
/// those published to observers for observers.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses(
        (status = 200, body = ReportList),
    ))]
#[get("/api/v1/reports")]
pub async fn list(state: web::Data<AppState>, p: Principal, q: Query<ReportQuery>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(Items { items: reports_of(&state, &p, q.into_inner()?).await? }))
}

/// The reports `p` may see matching `q`, audited (the API's and the console's one path).
pub async fn reports_of(state: &AppState, p: &Principal, q: ReportQuery) -> Result<Vec<ReportInfo>, ApiError> {
    let filters = serde_json::json!({"country": q.country, "period": q.period, "language": q.language});
    let s = p.subject();
    let r = state.db.run(move |c| service::list(c, &s, q)).await;
    let items = refusal(state, p, "report_list", OBJECT, None, r).await?;
    audited_read(state, list_event(p, "report_list", OBJECT, items.len(), filters)).await?;
    Ok(items)
}

/// A report's metadata.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, body = ReportInfo),
    ))]
#[get("/api/v1/reports/{id}")]
pub async fn get(state: web::Data<AppState>, p: Principal, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::get(c, &s, &ctx, &id2)).await;
    let (info, ev) = refusal(&state, &p, "report_read", OBJECT, Some(&id), r).await?;
    audited_read(&state, ev).await?;
    Ok(HttpResponse::Ok().json(info))
}

/// Download a report's file, streamed (`Content-Disposition: attachment`, the type recognised
/// at upload, `ETag` = its SHA-256).
#[utoipa::path(get, path = "/api/v1/reports/{id}/file", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, description = "The file, of the type recognised at upload (PDF, DOCX or ODT)", content_type = "application/pdf"),
    ))]
#[get("/api/v1/reports/{id}/file")]
pub async fn download(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    file_of(&state, &p, id.into_inner()).await
}

/// A report's file as a download, audited (the API's and the console's one path).
pub async fn file_of(state: &AppState, p: &Principal, id: String) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id2) = (p.subject(), p.ctx.clone(), id.clone());
    let r = state.db.run(move |c| service::open(c, &s, &ctx, &id2)).await;
    let (info, ev) = refusal(state, p, "report_download", OBJECT, Some(&id), r).await?;
    audited_read(state, ev).await?;
    let kind = info.doc_type();
    Ok(HttpResponse::Ok()
        .content_type(kind.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"report-{}.{}\"", info.report_id, kind.as_str()),
        ))
        .insert_header((header::ETAG, format!("\"{}\"", info.sha256)))
        .body(service::content(state.db.clone(), info.report_id.clone(), info.size_bytes as u64)))
}

/// Publish a report to observers or withdraw the publication (ST administrators).
#[utoipa::path(put, path = "/api/v1/reports/{id}/publication", tag = "reports", security(("bearer" = [])), request_body = Publication,
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, body = ReportInfo),
    ))]
#[put("/api/v1/reports/{id}/publication")]
pub async fn publish(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<String>,
    body: Json<Publication>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::publish(c, &s, &ctx, &id2, body)).await;
    let info = refusal(&state, &p, "report_publish", OBJECT, Some(&id), r).await?;
    Ok(HttpResponse::Ok().json(info))
}

/// Delete a report and its file (the uploading party's officers and administrators).
#[utoipa::path(delete, path = "/api/v1/reports/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 204, description = "Deleted"),
    ))]
#[delete("/api/v1/reports/{id}")]
pub async fn remove(state: web::Data<AppState>, p: Principal, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (s, ctx, id) = (p.subject(), p.ctx.clone(), id.into_inner());
    let id2 = id.clone();
    let r = state.db.run(move |c| service::delete(c, &s, &ctx, &id2)).await;
    refusal(&state, &p, "report_delete", OBJECT, Some(&id), r).await?;
    Ok(HttpResponse::NoContent().finish())
}
