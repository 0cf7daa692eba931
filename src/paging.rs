//! Keyset pagination shared by the lists (cases, document alerts, users): the page size
//! parameter, and the cursor, which is the id of the last item of the previous page (ids are
//! time-ordered UUIDv7, so "older than the cursor" is "id below it"). A cursor is exactly a
//! lower-case hyphenated UUID, as [`CURSOR_PATTERN`] documents; anything else is refused.

use crate::error::{ApiError, FieldError};

/// The one shape of a cursor, for the OpenAPI document.
pub const CURSOR_PATTERN: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// Largest page a list returns.
pub const MAX_PAGE: i64 = 100;

fn bad(field: &str, en: &str, es: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, "invalid_value", en, es)])
}

/// The `limit` parameter: 1 to `MAX_PAGE`, 50 when absent.
pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    let limit = requested.unwrap_or(50);
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(bad("limit", "must be between 1 and 100", "debe estar entre 1 y 100"))
    }
}

/// Whether `c` has the shape of a cursor (a lower-case hyphenated UUID).
pub fn is_cursor(c: &str) -> bool {
    uuid::Uuid::try_parse(c).is_ok_and(|u| u.hyphenated().to_string() == c)
}

/// The id a `cursor` parameter stands for; anything not shaped like a cursor is refused.
pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(c) = cursor else { return Ok(None) };
    if is_cursor(c) {
        Ok(Some(c.to_owned()))
    } else {
        Err(bad("cursor", "not a cursor returned by this API", "no es un cursor devuelto por esta API"))
    }
}

/// Cut `rows` (fetched with `limit + 1`) to one page; the cursor of the next page, if any.
pub fn next_page<T>(rows: &mut Vec<T>, limit: i64, id: impl Fn(&T) -> &str) -> Option<String> {
    if rows.len() as i64 <= limit {
        return None;
    }
    rows.truncate(limit as usize);
    rows.last().map(|r| id(r).to_owned())
}

/// An RFC 3339 time parameter, normalized.
pub fn time_param(field: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    value
        .map(|t| {
            crate::clock::parse_rfc3339(t).ok_or_else(|| bad(field, "an RFC 3339 time", "una fecha y hora RFC 3339"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let id = "019a0000-0000-7000-8000-000000000001";
        let mut rows = vec![id, "b", "c"];
        let cursor = next_page(&mut rows, 1, |r| r).unwrap();
        assert_eq!(rows, [id]);
        assert_eq!(decode_cursor(Some(&cursor)).unwrap().as_deref(), Some(id));
        assert!(decode_cursor(Some("AAAA")).is_err());
        assert!(decode_cursor(Some("' OR 1=1")).is_err());
        assert!(decode_cursor(Some(&id.to_uppercase())).is_err());
        assert!(decode_cursor(Some(&id.replace('-', ""))).is_err());
        assert_eq!(next_page(&mut vec!["a"], 1, |r| r), None);
        assert!(limit(Some(0)).is_err() && limit(Some(101)).is_err() && limit(None).ok() == Some(50));
    }
}
