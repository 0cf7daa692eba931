//! The feed of what concerns the caller's country.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::support::{audited_read, list_event, refusal};
use crate::api::http::Query;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::feed::{self, FeedPage};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// The `next_cursor` of the previous read: only later items.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub after: Option<String>,
    /// Only items of these kinds, comma-separated: `case_shared`, `case_changed`,
    /// `case_retracted`, `match_hit`, `policy_changed`, `request_received`, `request_updated`.
    #[param(
        pattern = "^(?:case_shared|case_changed|case_retracted|match_hit|policy_changed|request_received|request_updated)(?:,(?:case_shared|case_changed|case_retracted|match_hit|policy_changed|request_received|request_updated))*$"
    )]
    pub kind: Option<String>,
    /// Page size, 1 to 100 [default: 50].
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

fn kinds(k: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(k) = k else { return Ok(vec![]) };
    let list: Vec<String> = k.split(',').map(str::to_owned).collect();
    if list.iter().any(|k| !feed::KINDS.contains(&k.as_str())) {
        return Err(ApiError::field(
            "kind",
            "invalid_value",
            "kinds among case_shared, case_changed, case_retracted, match_hit, policy_changed, request_received, request_updated",
            "tipos entre case_shared, case_changed, case_retracted, match_hit, policy_changed, request_received, request_updated",
        ));
    }
    Ok(list)
}

/// What concerns the caller's country, oldest first from the cursor (a member country's
/// officers and analysts): cases newly shared with it or changed in
/// what it sees, with why they concern it (its territory on a route, its nationals, documents
/// it issued — judged on what it sees only); hits of other countries' queries on its data;
/// reservation policy changes of other countries; requests from and to it. Items carry ids, codes and kinds only: the
/// details are read through the API, audited as usual. Poll with `after` = `next_cursor`.
#[utoipa::path(get, path = "/api/v1/feed", tag = "matching", security(("bearer" = [])), params(FeedQuery),
    responses(
        (status = 200, body = FeedPage),
    ))]
#[get("/api/v1/feed")]
pub async fn read(state: web::Data<AppState>, p: Principal, q: Query<FeedQuery>) -> Result<HttpResponse, ApiError> {
    let s = p.subject();
    let r = (|| {
        let q = q.into_inner()?;
        Ok((feed::parse_cursor(q.after.as_deref())?, kinds(q.kind.as_deref())?, crate::paging::limit(q.limit)?))
    })();
    let (after, kinds, limit) = refusal(&state, &p, "feed_read", "feed", None, r).await?;
    let filter = serde_json::json!({"after": after, "kinds": kinds, "limit": limit});
    let r = state.db.run(move |c| feed::read(c, &s, after, &kinds, limit)).await;
    let page: FeedPage = refusal(&state, &p, "feed_read", "feed", None, r).await?;
    let mut ev = list_event(&p, "feed_read", "feed", page.items.len(), filter);
    ev.object_party = Some(p.subject().party);
    audited_read(&state, ev).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The caller's inbox (the console's start page), audited as a read of the feed.
pub async fn inbox(state: &AppState, p: &Principal, limit: i64) -> Result<feed::Inbox, ApiError> {
    let s = p.subject();
    let r = state.db.run(move |c| feed::inbox(c, &s, limit)).await;
    let inbox = refusal(state, p, "feed_read", "feed", None, r).await?;
    let mut ev = list_event(p, "feed_read", "feed", inbox.items.len(), serde_json::json!({"inbox": limit}));
    ev.object_party = Some(p.subject().party);
    audited_read(state, ev).await?;
    Ok(inbox)
}

/// Mark the caller's inbox read up to `seq`.
pub async fn mark_read(state: &AppState, p: &Principal, seq: i64) -> Result<(), ApiError> {
    let s = p.subject();
    let r = state.db.run(move |c| feed::mark_read(c, &s, seq)).await;
    refusal(state, p, "feed_mark_read", "feed", None, r).await
}
