//! Shared statistics: the general table query, the semester false-passport report and route
//! flows. JSON by default, CSV with `format=csv` or `Accept: text/csv`. Every query is audited.

use crate::api::http::Query;
use crate::api::support::refusal;
use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::{Event, Outcome};
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Problem};
use crate::state::AppState;
use crate::statistics::query::Measure;
use crate::statistics::service::{self, FigureSource, StatisticsResult};

fn wants_csv(req: &HttpRequest, params: &BTreeMap<String, String>) -> bool {
    params.get("format").is_some_and(|f| f == "csv")
        || req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/csv"))
}

async fn audited(state: &AppState, p: &Principal, action: &str, results: &[&StatisticsResult]) -> Result<(), ApiError> {
    let details: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            serde_json::json!({
                "measure": r.measure, "dimensions": r.dimensions, "filters": r.filters, "mode": r.mode,
                "suppressed_cells": r.table.suppressed_cells, "suppressed_margins": r.table.suppressed_margins,
            })
        })
        .collect();
    state
        .audit
        .record(
            Event::new(&p.ctx, action, "statistics", Outcome::Allowed).details(serde_json::json!({"queries": details})),
        )
        .await
}

/// Wait up to 5 s for a statistics slot; a caller that cannot get one is told to retry (429).
async fn slot(state: &AppState) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
    match tokio::time::timeout(std::time::Duration::from_secs(5), state.stats_permits.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(ApiError::TooManyRequests { retry_after: 5 }),
    }
}

/// The result as CSV, or as JSON with its dimensions and values labelled in the request's
/// language (`Content-Language` says which).
fn respond(req: &HttpRequest, params: &BTreeMap<String, String>, mut r: StatisticsResult) -> HttpResponse {
    if wants_csv(req, params) {
        return HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(service::to_csv(&r));
    }
    let spanish = crate::api::http::prefers_spanish(req);
    service::label(&mut r, spanish);
    HttpResponse::Ok().insert_header((header::CONTENT_LANGUAGE, if spanish { "es" } else { "en" })).json(r)
}

/// A statistics table: `measure` (`cases`, `persons`, `victims`, `smuggled_persons`, `minors`,
/// `suspects`, `false_documents`), up to three `group_by` dimensions (comma-separated), a period
/// (`from`, `to`: `YYYY`, `YYYY-S1`, `YYYY-MM`), and equality filters on any dimension
/// (e.g. `reporting_country=GT&case_type=trafficking`). Dimensions: reporting_country, year,
/// semester, month, case_type, detection_setting, offence_type, traveller_indicator,
/// smuggling_mode, person_role, sex, age_band, is_minor, origin_class, return_status,
/// citizenship, exploitation_type, means_of_control, recruitment_method, suspect_role,
/// procedural_status, verdict, document_type, fraud_type, issuing_state, route,
/// transport_means, border_crossing_type. Values of fields reserved on a case count as
/// `not_disclosed`.
///
/// **What a published figure means.** Except for a reporting country filtering on its own cases
/// (`mode: exact`), every count — each cell and each margin — is the true count plus a small
/// noise of at most `disclosure.max_deviation` (D), fixed for the units it counts (the cell key
/// method): the same units always give the same figure, in every table and every repetition, so
/// comparing tables reveals nothing. A margin is perturbed on its own, so cells need not add up
/// to their margins (`disclosure.additive: false`). No figure from 1 to `disclosure.js` is ever
/// published, and a perturbed figure from 1 to k−1 is withheld as `"<k"`; an empty cell is 0.
///
/// **Qué significa una cifra publicada.** Salvo para un país que filtra sus propios casos
/// (`mode: exact`), cada conteo — cada celda y cada total marginal — es el conteo real más un
/// pequeño ruido de a lo sumo `disclosure.max_deviation` (D), fijo para las unidades que cuenta
/// (método de la clave de celda): las mismas unidades dan siempre la misma cifra, en toda tabla y
/// toda repetición, por lo que comparar tablas no revela nada. Un total marginal se perturba por
/// sí mismo, de modo que las celdas no tienen por qué sumar su total (`disclosure.additive:
/// false`). Nunca se publica una cifra de 1 a `disclosure.js`, y una cifra perturbada de 1 a k−1
/// se retiene como `"<k"`; una celda vacía es 0.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "statistics", security(("bearer" = [])),
    params(
        ("measure" = String, Query, description = "What to count"),
        ("group_by" = Option<String>, Query, description = "Up to three dimensions, comma-separated"),
        ("from" = Option<String>, Query, description = "Period start: YYYY, YYYY-S1/S2 or YYYY-MM"),
        ("to" = Option<String>, Query, description = "Period end (inclusive)"),
        ("format" = Option<String>, Query, description = "`json` (default) or `csv`"),
    ),
    responses(
        (status = 200, content((StatisticsResult = "application/json"), (String = "text/csv"))),
        (status = 429, description = "Too many statistics queries at once; retry after `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/statistics")]
pub async fn table(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    q: Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let params = q.into_inner()?;
    let result = query_table(&state, &p, &params).await?;
    Ok(respond(&req, &params, result))
}

/// Run a statistics table query under disclosure control, audited: the one path of the API and
/// the web console.
pub async fn query_table(
    state: &AppState,
    p: &Principal,
    params: &BTreeMap<String, String>,
) -> Result<StatisticsResult, ApiError> {
    let (query, _) = refusal(state, p, "statistics_query", "statistics", None, service::parse(params, None)).await?;
    let (s, k) = (p.subject(), state.stats.clone());
    let _slot = refusal(state, p, "statistics_query", "statistics", None, slot(state).await).await?;
    let r = state.db.run(move |c| service::run(c, &s, &query, &k)).await;
    let result = refusal(state, p, "statistics_query", "statistics", None, r).await?;
    audited(state, p, "statistics_query", &[&result]).await?;
    Ok(result)
}

/// Route legs as from-country → to-country flows (`route`, as `GT > MX`) with transport means
/// and border-crossing type; unofficial crossings are the blind spots to map. Same filters and
/// disclosure control as `/api/v1/statistics`.
#[utoipa::path(get, path = "/api/v1/statistics/routes", tag = "statistics", security(("bearer" = [])),
    params(
        ("from" = Option<String>, Query, description = "Period start"),
        ("to" = Option<String>, Query, description = "Period end (inclusive)"),
        ("format" = Option<String>, Query, description = "`json` (default) or `csv`"),
    ),
    responses(
        (status = 200, content((StatisticsResult = "application/json"), (String = "text/csv"))),
        (status = 429, description = "Too many statistics queries at once; retry after `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/statistics/routes")]
pub async fn routes(
    state: web::Data<AppState>,
    p: Principal,
    req: HttpRequest,
    q: Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut params = q.into_inner()?;
    if params.contains_key("group_by") {
        return refusal(
            &state,
            &p,
            "statistics_routes",
            "statistics",
            None,
            Err(ApiError::Validation(vec![FieldError::new(
                "group_by",
                "invalid_value",
                "routes are grouped by route, transport_means and border_crossing_type",
                "las rutas se agrupan por ruta, medio de transporte y tipo de cruce",
            )])),
        )
        .await;
    }
    params.insert("group_by".into(), "route,transport_means,border_crossing_type".into());
    let (query, _) =
        refusal(&state, &p, "statistics_routes", "statistics", None, service::parse(&params, Some(Measure::RouteLegs)))
            .await?;
    let (s, k) = (p.subject(), state.stats.clone());
    let _slot = refusal(&state, &p, "statistics_routes", "statistics", None, slot(&state).await).await?;
    let r = state.db.run(move |c| service::run(c, &s, &query, &k)).await;
    let result = refusal(&state, &p, "statistics_routes", "statistics", None, r).await?;
    audited(&state, &p, "statistics_routes", &[&result]).await?;
    Ok(respond(&req, &params, result))
}

/// The semester report of persons detected with false passports.
#[derive(Debug, Serialize, ToSchema)]
pub struct FalsePassportReport {
    /// Per reporting country.
    pub totals: StatisticsResult,
    /// Per reporting country and: nationality in the document, issuing state, fraud type,
    /// detection setting, origin class.
    pub breakdowns: BTreeMap<String, StatisticsResult>,
    /// Where each country's semester figure comes from: `manual_report` (the country's
    /// aggregate, which replaces its figure derived from cases for that semester) or `cases`.
    pub sources: Vec<FigureSource>,
}

/// Semester counts of false passports (passports whose fraud type is neither `genuine_no_fraud`
/// nor `unknown`) per reporting country, with breakdowns. `semester=2025-S1`, or a range with
/// `from`/`to`. A country's manual aggregate for a semester (`PUT
/// /api/v1/false-passport-reports/{country}/{semester}`) replaces the figure derived from its
/// cases for that semester, never adds to it; `sources` says which applies. Same disclosure
/// control as `/api/v1/statistics`.
#[utoipa::path(get, path = "/api/v1/statistics/false-passports", tag = "statistics", security(("bearer" = [])),
    params(
        ("semester" = Option<String>, Query, description = "One semester: YYYY-S1 or YYYY-S2 (instead of `from`/`to`)"),
        ("from" = Option<String>, Query, description = "First semester of a range"),
        ("to" = Option<String>, Query, description = "Last semester of a range"),
        ("reporting_country" = Option<String>, Query, description = "One reporting country"),
    ),
    responses(
        (status = 200, body = FalsePassportReport),
        (status = 429, description = "Too many statistics queries at once; retry after `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/statistics/false-passports")]
pub async fn false_passports(
    state: web::Data<AppState>,
    p: Principal,
    q: Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut params = q.into_inner()?;
    if let Some(sem) = params.remove("semester") {
        let problem = if params.contains_key("from") || params.contains_key("to") {
            Some((
                "one semester, or a range with from/to, not both",
                "un semestre, o un intervalo con from/to, no ambos",
            ))
        } else if !crate::statistics::manual::is_semester(&sem) {
            Some(("a semester YYYY-S1 or YYYY-S2", "un semestre AAAA-S1 o AAAA-S2"))
        } else {
            None
        };
        if let Some((en, es)) = problem {
            let e = ApiError::Validation(vec![FieldError::new("semester", "invalid_value", en, es)]);
            return refusal(&state, &p, "statistics_false_passports", "statistics", None, Err(e)).await;
        }
        params.insert("from".into(), sem.clone());
        params.insert("to".into(), sem);
    }
    let allowed = ["from", "to", "reporting_country"];
    if let Some(k) = params.keys().find(|k| !allowed.contains(&k.as_str())) {
        let e = ApiError::Validation(vec![FieldError::new(
            k.clone(),
            "unknown_parameter",
            "not a parameter of this report",
            "no es un parámetro de este informe",
        )]);
        return refusal(&state, &p, "statistics_false_passports", "statistics", None, Err(e)).await;
    }
    let mut queries = vec![];
    for breakdown in [
        None,
        Some("nationality_in_document"),
        Some("issuing_state"),
        Some("fraud_type"),
        Some("document_setting"),
        Some("origin_class"),
    ] {
        let mut ps = params.clone();
        ps.insert(
            "group_by".into(),
            breakdown.map(|b| format!("reporting_country,{b}")).unwrap_or_else(|| "reporting_country".into()),
        );
        let (query, _) = refusal(
            &state,
            &p,
            "statistics_false_passports",
            "statistics",
            None,
            service::parse(&ps, Some(Measure::FalsePassports)),
        )
        .await?;
        queries.push((breakdown, query));
    }
    let (s, k) = (p.subject(), state.stats.clone());
    let _slot = refusal(&state, &p, "statistics_false_passports", "statistics", None, slot(&state).await).await?;
    let r = state
        .db
        .run(move |c| {
            let first = queries.first().map(|(_, q)| q.clone()).ok_or(ApiError::Internal)?;
            let country = first.filters.iter().find(|(d, _)| d == "reporting_country").map(|(_, v)| v.clone());
            let manual =
                crate::statistics::manual::in_range(c, country.as_deref(), first.from.as_ref(), first.to.as_ref())?;
            queries
                .into_iter()
                .map(|(b, q)| service::run_false_passports(c, &s, &q, &k, &manual).map(|r| (b, r)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await;
    let results = refusal(&state, &p, "statistics_false_passports", "statistics", None, r).await?;
    let mut totals = None;
    let mut sources = vec![];
    let mut breakdowns = BTreeMap::new();
    for (b, (r, src)) in results {
        match b {
            None => {
                totals = Some(r);
                sources = src;
            }
            Some(name) => {
                breakdowns.insert(name.to_owned(), r);
            }
        }
    }
    let totals = totals.ok_or(ApiError::Internal)?;
    let all: Vec<&StatisticsResult> = std::iter::once(&totals).chain(breakdowns.values()).collect();
    audited(&state, &p, "statistics_false_passports", &all).await?;
    Ok(HttpResponse::Ok().json(FalsePassportReport { totals, breakdowns, sources }))
}
