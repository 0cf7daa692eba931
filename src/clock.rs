//! Time helpers: one textual timestamp format for the whole system (UTC, microseconds, fixed
//! width so that text order is time order) and Unix seconds for arithmetic.

use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Now, as stored in the database: `2026-11-23T12:00:00.123456Z`.
pub fn now_text() -> String {
    format_ts(OffsetDateTime::now_utc())
}

pub fn format_ts(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(TIMESTAMP).unwrap_or_default()
}

/// Parse an RFC 3339 timestamp given by a client (any offset) into the stored format.
pub fn parse_rfc3339(s: &str) -> Option<String> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok().map(format_ts)
}

pub fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}
