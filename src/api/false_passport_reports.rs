//! Manual semester false-passport aggregates (M2): a country's officers or administrators submit
//! its aggregate for a semester; the statistics use it instead of the figure derived from cases.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, put, web};

use super::support::{audited_read, if_match, refusal};
use crate::api::http::Json;
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::statistics::manual::{self as service, ManualReport, ManualReportInput, etag};

const OBJECT: &str = "false_passport_report";

/// Submit or replace the caller's country's aggregate for a semester (`officer` or
/// `country_admin` of that country). Creating needs no `If-Match` (and fails with 412 if one is
/// sent); replacing requires it (428 without, 412 if stale). In
/// `/api/v1/statistics/false-passports` it replaces the figure derived from the country's cases
/// for that semester.
#[utoipa::path(put, path = "/api/v1/false-passport-reports/{country}/{semester}", tag = "statistics", security(("bearer" = [])),
    request_body = ManualReportInput,
    params(
        ("country" = String, Path, description = "Member country code (the caller's)"),
        ("semester" = String, Path, description = "YYYY-S1 or YYYY-S2", pattern = "^[0-9]{4}-S[12]$"),
        ("If-Match" = Option<String>, Header, description = "ETag of the aggregate being replaced"),
    ),
    responses(
        (status = 200, description = "Replaced; `ETag` header", body = ManualReport),
        (status = 201, description = "Created; `ETag` header", body = ManualReport),
        (status = 428, description = "Replacing an existing aggregate requires `If-Match`", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/api/v1/false-passport-reports/{country}/{semester}")]
pub async fn put(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Json<ManualReportInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, (country, semester), tag) = (p.subject(), p.ctx.clone(), path.into_inner(), if_match(&req));
    let object = format!("{country}/{semester}");
    let r = state.db.run(move |c| service::put(c, &s, &ctx, &country, &semester, tag.as_deref(), body)).await;
    let (report, created) = refusal(&state, &p, "false_passport_report_put", OBJECT, Some(&object), r).await?;
    let mut b = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    Ok(b.insert_header((header::ETAG, etag(report.version))).json(report))
}

/// The caller's country's aggregate for a semester (404 for anyone else: other countries see it
/// only through the disclosure-controlled statistics).
#[utoipa::path(get, path = "/api/v1/false-passport-reports/{country}/{semester}", tag = "statistics", security(("bearer" = [])),
    params(("country" = String, Path, description = "Member country code"), ("semester" = String, Path, description = "YYYY-S1 or YYYY-S2", pattern = "^[0-9]{4}-S[12]$")),
    responses(
        (status = 200, description = "The aggregate; `ETag` header", body = ManualReport),
    ))]
#[get("/api/v1/false-passport-reports/{country}/{semester}")]
pub async fn get(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, (country, semester)) = (p.subject(), p.ctx.clone(), path.into_inner());
    let object = format!("{country}/{semester}");
    let r = state.db.run(move |c| service::get(c, &s, &ctx, &country, &semester)).await;
    let (report, ev) = refusal(&state, &p, "false_passport_report_read", OBJECT, Some(&object), r).await?;
    audited_read(&state, ev).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(report.version))).json(report))
}

/// Withdraw the aggregate: the figure derived from cases applies again. `If-Match` honoured.
#[utoipa::path(delete, path = "/api/v1/false-passport-reports/{country}/{semester}", tag = "statistics", security(("bearer" = [])),
    params(("country" = String, Path, description = "Member country code"), ("semester" = String, Path, description = "YYYY-S1 or YYYY-S2", pattern = "^[0-9]{4}-S[12]$"), ("If-Match" = Option<String>, Header, description = "Honoured when sent: the ETag of the version this acts on")),
    responses(
        (status = 204, description = "Withdrawn"),
    ))]
#[delete("/api/v1/false-passport-reports/{country}/{semester}")]
pub async fn remove(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (s, ctx, (country, semester), tag) = (p.subject(), p.ctx.clone(), path.into_inner(), if_match(&req));
    let object = format!("{country}/{semester}");
    let r = state.db.run(move |c| service::delete(c, &s, &ctx, &country, &semester, tag.as_deref())).await;
    refusal(&state, &p, "false_passport_report_delete", OBJECT, Some(&object), r).await?;
    Ok(HttpResponse::NoContent().finish())
}
