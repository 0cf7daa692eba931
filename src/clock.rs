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

/// The service's clock for rules that wait: recovery waiting periods and policy versions that
/// take effect at a future time. Real time, plus an offset that only in-process tests move
/// (`advance`), so that a 72-hour wait is tested without waiting. Nothing outside the process
/// can move it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_seconds: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        let offset = self.offset_seconds.load(std::sync::atomic::Ordering::Relaxed);
        OffsetDateTime::now_utc() + time::Duration::seconds(offset)
    }

    /// Now, in the stored format.
    pub fn now_text(&self) -> String {
        format_ts(self.now())
    }

    /// Move this clock forward (tests).
    pub fn advance(&self, by: time::Duration) {
        self.offset_seconds.fetch_add(by.whole_seconds(), std::sync::atomic::Ordering::Relaxed);
    }
}

/// Parse a stored timestamp.
pub fn parse_stored(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}
