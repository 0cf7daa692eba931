//! The feed of what concerns each member country (`GET /api/v1/feed`): items written in the
//! transaction of what they tell of, each carrying ids, codes and kinds only — never personal
//! data or a reserved value; a reader fetches details through the API, audited as usual.
//!
//! Kinds: `case_shared` (a case became visible to the country), `case_changed` (what the
//! country sees of it changed), `case_retracted`, each with the reasons the case concerns the
//! country (`access::feed::concerns`); `match_hit` (a query hit the country's data);
//! `policy_changed` (another country's reservation policy changed what the country sees);
//! `request_received` and `request_updated` (a request between countries, from the other side).
//! The cursor is the `seq` of the last item read. Each country's items are numbered 1, 2, 3, …
//! on their own, under the audit chain lock every writer holds (so a later item never commits
//! before an earlier one, and a cursor reveals nothing of what other countries were told).

use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::access::Subject;
use crate::access::cases::{CaseMeta, Redacted};
use crate::access::feed::{case_recipients, concerns, may_read_feed};
use crate::db::DbConn;
use crate::db::schema::{feed_items as fi, feed_positions as fp, parties};
use crate::error::ApiError;

/// Every kind of item, as the `kind` filter accepts it.
pub const KINDS: [&str; 7] = [
    "case_shared",
    "case_changed",
    "case_retracted",
    "match_hit",
    "policy_changed",
    "request_received",
    "request_updated",
];

/// Append one item to `party`'s feed.
pub fn push(
    conn: &mut DbConn,
    party: &str,
    kind: &str,
    object_type: &str,
    object_id: &str,
    details: Value,
    now: &str,
) -> Result<(), ApiError> {
    let last: Option<i64> = fi::table.filter(fi::party.eq(party)).select(diesel::dsl::max(fi::seq)).get_result(conn)?;
    diesel::insert_into(fi::table)
        .values((
            fi::party.eq(party),
            fi::seq.eq(last.unwrap_or(0) + 1),
            fi::kind.eq(kind),
            fi::object_type.eq(object_type),
            fi::object_id.eq(object_id),
            fi::details.eq(details.to_string()),
            fi::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The active member countries.
pub fn members(conn: &mut DbConn) -> Result<Vec<String>, ApiError> {
    Ok(parties::table
        .filter(parties::kind.eq("member"))
        .filter(parties::active.eq(true))
        .select(parties::code)
        .load(conn)?)
}

/// Every member country, active or not.
pub fn all_members(conn: &mut DbConn) -> Result<Vec<String>, ApiError> {
    Ok(parties::table.filter(parties::kind.eq("member")).select(parties::code).load(conn)?)
}

/// Tell the countries concerned of a case written. `before` is, for a replacement, the access
/// metadata the case had and whether what other countries see of it changed (`None` for a
/// new case). Those that now see it for the first time get `case_shared`; those that saw it and
/// still do get `case_changed` if their view changed; those that saw it before a retraction get
/// `case_retracted`. A change confined to reserved fields tells nobody anything.
pub fn case_written(
    conn: &mut DbConn,
    id: &str,
    meta: &CaseMeta,
    view: &Redacted,
    before: Option<(&CaseMeta, bool)>,
    now: &str,
) -> Result<(), ApiError> {
    let members = members(conn)?;
    let now_seeing = case_recipients(meta, &members);
    let saw = before.map(|(m, _)| case_recipients(m, &members)).unwrap_or_default();
    let changed = before.is_none_or(|(_, changed)| changed);
    let mut items = vec![];
    for country in &now_seeing {
        let kind = if !saw.contains(country) {
            "case_shared"
        } else if changed {
            "case_changed"
        } else {
            continue;
        };
        let details =
            serde_json::json!({"reporting_country": meta.reporting_country, "concerns": concerns(view, country)});
        items.push((country.clone(), kind, details));
    }
    if meta.retracted {
        for country in &saw {
            items.push((
                country.clone(),
                "case_retracted",
                serde_json::json!({"reporting_country": meta.reporting_country}),
            ));
        }
    }
    for (country, kind, details) in items {
        push(conn, &country, kind, "case", id, details, now)?;
    }
    Ok(())
}

/// Tell every other member country that `party`'s policy now in force changed what it sees.
pub fn policy_changed(conn: &mut DbConn, party: &str, version: i32, now: &str) -> Result<(), ApiError> {
    for country in members(conn)?.iter().filter(|c| *c != party) {
        let details = serde_json::json!({"country": party, "version": version});
        push(conn, country, "policy_changed", "reservation_policy", party, details, now)?;
    }
    Ok(())
}

/// One item of a feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedItem {
    /// Its position: pass it as `after` to read what follows.
    pub cursor: String,
    pub kind: String,
    /// `case`, `match_hit`, `reservation_policy` or `country_request`.
    pub object_type: String,
    /// The case id, hit reference, request id, or the country whose policy changed.
    pub object_id: String,
    /// Codes only: `reporting_country`, `concerns`, `requester`, `purpose`, `strength`, `version`,
    /// `request_kind`, `state`, `from`.
    #[schema(value_type = Object)]
    pub details: Value,
    pub created_at: String,
}

/// A page of the feed, oldest first. `next_cursor` is the cursor to pass next time (the last
/// item's, or the one given when nothing is new).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    pub next_cursor: Option<String>,
    /// Whether more items follow right away.
    pub more: bool,
}

type ItemRow = (i64, String, String, String, String, String);

fn item_of((seq, kind, object_type, object_id, details, created_at): ItemRow) -> FeedItem {
    FeedItem {
        cursor: seq.to_string(),
        kind,
        object_type,
        object_id,
        details: serde_json::from_str(&details).unwrap_or(Value::Null),
        created_at,
    }
}

/// The cursor parameter: the decimal `seq` of an item.
pub fn parse_cursor(after: Option<&str>) -> Result<i64, ApiError> {
    match after {
        None => Ok(0),
        Some(a) if !a.is_empty() && a.len() <= 18 && a.bytes().all(|b| b.is_ascii_digit()) => {
            a.parse().map_err(|_| ApiError::Internal)
        }
        Some(_) => Err(ApiError::field(
            "after",
            "invalid_value",
            "a cursor returned by this API",
            "un cursor devuelto por esta API",
        )),
    }
}

/// The items of the caller's country after the cursor, of the given kinds (all when empty).
pub fn read(conn: &mut DbConn, s: &Subject, after: i64, kinds: &[String], limit: i64) -> Result<FeedPage, ApiError> {
    if !may_read_feed(s) {
        return Err(ApiError::Forbidden);
    }
    let mut q = fi::table
        .filter(fi::party.eq(&s.party))
        .filter(fi::seq.gt(after))
        .order(fi::seq.asc())
        .select((fi::seq, fi::kind, fi::object_type, fi::object_id, fi::details, fi::created_at))
        .limit(limit + 1)
        .into_boxed();
    if !kinds.is_empty() {
        q = q.filter(fi::kind.eq_any(kinds.to_vec()));
    }
    let mut rows: Vec<ItemRow> = q.load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = rows.last().map(|r| r.0.to_string()).or_else(|| (after > 0).then(|| after.to_string()));
    let items = rows.into_iter().map(item_of).collect();
    Ok(FeedPage { items, next_cursor, more })
}

/// The console's inbox: the newest items of the caller's country (newest first), and how many
/// it has not marked as read.
pub struct Inbox {
    pub items: Vec<FeedItem>,
    pub unread: i64,
    /// The newest item's cursor (what "mark as read" records).
    pub newest: i64,
}

pub fn inbox(conn: &mut DbConn, s: &Subject, limit: i64) -> Result<Inbox, ApiError> {
    if !may_read_feed(s) {
        return Err(ApiError::Forbidden);
    }
    let seen: i64 = fp::table.find(&s.user_id).select(fp::seq).get_result(conn).optional()?.unwrap_or(0);
    let unread = fi::table.filter(fi::party.eq(&s.party)).filter(fi::seq.gt(seen)).count().get_result(conn)?;
    let rows: Vec<ItemRow> = fi::table
        .filter(fi::party.eq(&s.party))
        .order(fi::seq.desc())
        .limit(limit)
        .select((fi::seq, fi::kind, fi::object_type, fi::object_id, fi::details, fi::created_at))
        .load(conn)?;
    let newest = rows.first().map_or(seen, |r| r.0);
    let items = rows.into_iter().map(item_of).collect();
    Ok(Inbox { items, unread, newest })
}

/// Record that the caller read its country's feed up to `seq` (never backwards).
pub fn mark_read(conn: &mut DbConn, s: &Subject, seq: i64) -> Result<(), ApiError> {
    if !may_read_feed(s) {
        return Err(ApiError::Forbidden);
    }
    crate::db::transaction(conn, |conn| {
        let seen: Option<i64> = fp::table.find(&s.user_id).select(fp::seq).get_result(conn).optional()?;
        match seen {
            Some(old) if old >= seq => {}
            Some(_) => {
                diesel::update(fp::table.find(&s.user_id)).set(fp::seq.eq(seq)).execute(conn)?;
            }
            None => {
                diesel::insert_into(fp::table).values((fp::user_id.eq(&s.user_id), fp::seq.eq(seq))).execute(conn)?;
            }
        }
        Ok(())
    })
}
