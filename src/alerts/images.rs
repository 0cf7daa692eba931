//! Specimen images of an alert: PNG or JPEG, recognised by content and stored without their
//! metadata (EXIF, GPS, text chunks, comments). Masking the holder's face is the submitting
//! officer's responsibility. Readable by whoever may see the alert.

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::Subject;
use crate::access::alerts as rules;
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::document_alert_images as i;
use crate::error::ApiError;
use crate::files::sniff::ImageType;

/// Most images of one alert.
pub const MAX_IMAGES: i64 = 10;

#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = i)]
pub struct ImageInfo {
    #[diesel(column_name = id)]
    pub image_id: String,
    pub alert_id: String,
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    /// Size after metadata removal.
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: String,
}

/// May `s` add an image to this alert (its own country's active alert, officers)?
pub fn authorize_upload(conn: &mut DbConn, s: &Subject, alert_id: &str) -> Result<(), ApiError> {
    if !rules::may_read_alerts(s) {
        return Err(ApiError::NotFound);
    }
    let alert = super::own_for_write(conn, s, alert_id)?;
    if alert.status == "withdrawn" {
        return Err(ApiError::Conflict("alert_withdrawn"));
    }
    Ok(())
}

/// Store an image (already stripped) of an alert.
pub fn add(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    alert_id: &str,
    kind: ImageType,
    data: Vec<u8>,
) -> Result<ImageInfo, ApiError> {
    audit::write(conn, |conn, events| {
        authorize_upload(conn, s, alert_id)?;
        let count: i64 = i::table.filter(i::alert_id.eq(alert_id)).count().get_result(conn)?;
        if count >= MAX_IMAGES {
            return Err(ApiError::Conflict("too_many_images"));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let now = crate::clock::now_text();
        let sha = crate::auth::sha256_hex(&data);
        diesel::insert_into(i::table)
            .values((
                i::id.eq(&id),
                i::alert_id.eq(alert_id),
                i::content_type.eq(kind.content_type()),
                i::size_bytes.eq(data.len() as i64),
                i::sha256.eq(&sha),
                i::data.eq(&data),
                i::created_at.eq(&now),
                i::created_by.eq(&s.user_id),
            ))
            .execute(conn)?;
        events.push(
            Event::new(ctx, "alert_image_add", "document_alert", Outcome::Allowed)
                .object(alert_id.to_owned(), Some(&s.party))
                .details(serde_json::json!({"image_id": id, "content_type": kind.content_type(), "size_bytes": data.len(), "sha256": sha})),
        );
        Ok(ImageInfo {
            image_id: id,
            alert_id: alert_id.to_owned(),
            content_type: kind.content_type().to_owned(),
            size_bytes: data.len() as i64,
            sha256: sha,
            created_at: now,
        })
    })
}

/// The alert, if `s` may see it (404 otherwise).
fn visible(conn: &mut DbConn, s: &Subject, alert_id: &str) -> Result<String, ApiError> {
    let alert = super::store::load(conn, alert_id)?.ok_or(ApiError::NotFound)?;
    rules::alert_access(s, &alert.meta).ok_or(ApiError::NotFound)?;
    Ok(alert.reporting_country)
}

/// The images of an alert `s` may see, with the read event.
pub fn list(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    alert_id: &str,
) -> Result<(Vec<ImageInfo>, Event), ApiError> {
    let party = visible(conn, s, alert_id)?;
    let items: Vec<ImageInfo> =
        i::table.filter(i::alert_id.eq(alert_id)).select(ImageInfo::as_select()).order(i::id.asc()).load(conn)?;
    let ev = Event::new(ctx, "alert_image_list", "document_alert", Outcome::Allowed)
        .object(alert_id.to_owned(), Some(&party))
        .details(serde_json::json!({"items": items.len()}));
    Ok((items, ev))
}

/// One image's bytes and content type, with the read event.
pub fn get(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    alert_id: &str,
    image_id: &str,
) -> Result<(String, Vec<u8>, Event), ApiError> {
    let party = visible(conn, s, alert_id)?;
    let (content_type, data): (String, Vec<u8>) = i::table
        .filter(i::id.eq(image_id))
        .filter(i::alert_id.eq(alert_id))
        .select((i::content_type, i::data))
        .get_result(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let ev = Event::new(ctx, "alert_image_read", "document_alert", Outcome::Allowed)
        .object(alert_id.to_owned(), Some(&party))
        .details(serde_json::json!({"image_id": image_id}));
    Ok((content_type, data, ev))
}

/// Remove an image (the alert's country's officers).
pub fn delete(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    alert_id: &str,
    image_id: &str,
) -> Result<(), ApiError> {
    audit::write(conn, |conn, events| {
        if !rules::may_read_alerts(s) {
            return Err(ApiError::NotFound);
        }
        super::own_for_write(conn, s, alert_id)?;
        let n = diesel::delete(i::table.filter(i::id.eq(image_id)).filter(i::alert_id.eq(alert_id))).execute(conn)?;
        if n == 0 {
            return Err(ApiError::NotFound);
        }
        events.push(
            Event::new(ctx, "alert_image_delete", "document_alert", Outcome::Allowed)
                .object(alert_id.to_owned(), Some(&s.party))
                .details(serde_json::json!({"image_id": image_id})),
        );
        Ok(())
    })
}

/// Bytes of every specimen image stored (metrics).
pub fn stored_bytes(conn: &mut DbConn) -> Result<i64, ApiError> {
    let sum = diesel::dsl::sql::<diesel::sql_types::BigInt>("COALESCE(CAST(SUM(size_bytes) AS BIGINT), 0)");
    Ok(i::table.select(sum).get_result(conn)?)
}
