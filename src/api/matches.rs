//! Hit/no-hit matching: query the other member countries' data, and read the hits on one's own.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::support::{audited_read, list_event, refusal};
use crate::api::http::{Json, Query};
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::matches::{self as service, HitPage, MatchAnswer, MatchRequest};
use crate::state::AppState;

/// Ask whether other member countries hold a case or document alert matching identifiers
/// (officers). The answer lists, per identifier and holding country with a match, the country
/// and a hit reference — never the matched data; a matched case or alert is named only when the
/// caller can see it and every matched field is shared with it. Only identifiers that each
/// holder's reservation policy lets take part can match. Each query is audited, and each hit is
/// told to the holder (its feed, its auditors). Quotas per user and per country per UTC day,
/// counted in identifiers: past them, 429 with `Retry-After` and nothing recorded.
#[utoipa::path(post, path = "/api/v1/matches", tag = "matching", security(("bearer" = [])), request_body = MatchRequest,
    responses(
        (status = 200, description = "The hits (an empty list: no hit)", body = MatchAnswer),
        (status = 422, description = "Invalid identifiers: every failing field named", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "A daily quota is spent; `Retry-After` gives the seconds until it starts again", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/matches")]
pub async fn query(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<MatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (s, ctx, idx, quotas) = (p.subject(), p.ctx.clone(), state.matching.clone(), state.match_quotas());
    let r = state.db.run(move |c| service::query(c, &idx, quotas, &s, &ctx, body)).await;
    Ok(HttpResponse::Ok().json(refusal(&state, &p, "match_query", "match_query", None, r).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HitQuery {
    /// Page size, 1 to 100 [default: 50].
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub cursor: Option<String>,
}

/// The hits other countries' queries made on the caller's country's data, newest first
/// (officers, analysts and auditors of the country): who asked, why, how strongly it matched,
/// and which of the country's cases and alerts matched.
#[utoipa::path(get, path = "/api/v1/matches/hits", tag = "matching", security(("bearer" = [])), params(HitQuery),
    responses(
        (status = 200, body = HitPage),
    ))]
#[get("/api/v1/matches/hits")]
pub async fn hits(state: web::Data<AppState>, p: Principal, q: Query<HitQuery>) -> Result<HttpResponse, ApiError> {
    let s = p.subject();
    let r = (|| {
        let q = q.into_inner()?;
        Ok((crate::paging::limit(q.limit)?, crate::paging::decode_cursor(q.cursor.as_deref())?))
    })();
    let (limit, cursor) = refusal(&state, &p, "match_hits_list", "match_hit", None, r).await?;
    let r = state.db.run(move |c| service::hits_on(c, &s, cursor, limit)).await;
    let page = refusal(&state, &p, "match_hits_list", "match_hit", None, r).await?;
    let mut ev = list_event(&p, "match_hits_list", "match_hit", page.items.len(), serde_json::json!({"limit": limit}));
    ev.object_party = Some(p.subject().party);
    audited_read(&state, ev).await?;
    Ok(HttpResponse::Ok().json(page))
}
