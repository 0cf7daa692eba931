//! Idempotency keys: a retried submission with the same key and the same body gets the original
//! response and creates nothing; the same key with a different body is refused (422). Keys are
//! scoped to the user, kept 24 hours, and checked and stored inside the write transaction.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::idempotency_keys;
use crate::error::{ApiError, FieldError};

pub const TTL_SECONDS: i64 = 24 * 3600;

/// A response as it was first sent.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub etag: Option<String>,
}

/// The key of a request and the fingerprint of what it asked.
#[derive(Debug, Clone)]
pub struct Key {
    pub key: String,
    pub request_hash: String,
}

impl Key {
    /// Validate a client-supplied key (1–200 visible ASCII characters).
    pub fn new(key: &str, what: &str) -> Result<Key, ApiError> {
        if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::Validation(vec![FieldError::new(
                "Idempotency-Key",
                "invalid_header",
                "1 to 200 visible ASCII characters",
                "de 1 a 200 caracteres ASCII visibles",
            )]));
        }
        Ok(Key { key: key.to_owned(), request_hash: crate::auth::sha256_hex(what.as_bytes()) })
    }
}

#[derive(Queryable)]
struct StoredKey {
    request_hash: String,
    status: i32,
    response: String,
    location: Option<String>,
    etag: Option<String>,
    created_at: i64,
}

/// The stored response for this key, if the request was already answered.
pub fn replay(conn: &mut DbConn, user_id: &str, key: &Key) -> Result<Option<Snapshot>, ApiError> {
    let now = crate::clock::unix_now();
    let row: Option<StoredKey> = idempotency_keys::table
        .find((user_id, &key.key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status,
            idempotency_keys::response,
            idempotency_keys::location,
            idempotency_keys::etag,
            idempotency_keys::created_at,
        ))
        .get_result(conn)
        .optional()?;
    match row {
        Some(k) if now - k.created_at < TTL_SECONDS => {
            if k.request_hash != key.request_hash {
                return Err(ApiError::IdempotencyMismatch);
            }
            Ok(Some(Snapshot { status: k.status as u16, body: k.response, location: k.location, etag: k.etag }))
        }
        Some(_) => {
            diesel::delete(idempotency_keys::table.find((user_id, &key.key))).execute(conn)?;
            Ok(None)
        }
        None => Ok(None),
    }
}

pub fn save(conn: &mut DbConn, user_id: &str, key: &Key, snapshot: &Snapshot) -> Result<(), ApiError> {
    let now = crate::clock::unix_now();
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(now - TTL_SECONDS))).execute(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user_id),
            idempotency_keys::key.eq(&key.key),
            idempotency_keys::request_hash.eq(&key.request_hash),
            idempotency_keys::status.eq(snapshot.status as i32),
            idempotency_keys::response.eq(&snapshot.body),
            idempotency_keys::location.eq(&snapshot.location),
            idempotency_keys::etag.eq(&snapshot.etag),
            idempotency_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
