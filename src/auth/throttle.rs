//! Sign-in throttling with counters in the database (shared by every node). Failures are counted
//! per account and per client address; past a free allowance each further failure blocks the key
//! for an exponentially growing time, capped, so a legitimate user can always sign in again after
//! the cool-down (no permanent lock-out), and an account sees at most ~12 failed attempts an hour.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::throttle;
use crate::error::ApiError;

/// One throttling rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Failures counted over this window (seconds).
    pub window: i64,
    /// Failures allowed in a window before blocking starts.
    pub free: i32,
    /// First block (seconds); doubles with every further failure.
    pub base_block: i64,
    /// Longest block (seconds).
    pub max_block: i64,
}

pub const ACCOUNT: Rule = Rule { window: 3600, free: 5, base_block: 60, max_block: 900 };
pub const ADDRESS: Rule = Rule { window: 3600, free: 30, base_block: 60, max_block: 1800 };

pub fn account_key(username: &str) -> String {
    format!("acct:{}", username.trim().to_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{addr}")
}

/// Seconds until the key may try again, if it is blocked now.
pub fn blocked_for(conn: &mut DbConn, key: &str, now: i64) -> Result<Option<i64>, ApiError> {
    let until: Option<i64> = throttle::table.find(key).select(throttle::blocked_until).get_result(conn).optional()?;
    Ok(until.filter(|u| *u > now).map(|u| u - now))
}

/// Count one failure (call inside a write transaction).
pub fn record_failure(conn: &mut DbConn, key: &str, rule: Rule, now: i64) -> Result<(), ApiError> {
    let row: Option<(i32, i64)> =
        throttle::table.find(key).select((throttle::failures, throttle::window_start)).get_result(conn).optional()?;
    let (failures, window_start) = match row {
        Some((f, start)) if now - start < rule.window => (f + 1, start),
        _ => (1, now),
    };
    let blocked_until = if failures > rule.free {
        let exp = (failures - rule.free - 1).min(20) as u32;
        now + (rule.base_block.saturating_mul(1i64 << exp)).min(rule.max_block)
    } else {
        0
    };
    if row.is_some() {
        diesel::update(throttle::table.find(key))
            .set((
                throttle::failures.eq(failures),
                throttle::window_start.eq(window_start),
                throttle::blocked_until.eq(blocked_until),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(throttle::table)
            .values((
                throttle::key.eq(key),
                throttle::failures.eq(failures),
                throttle::window_start.eq(window_start),
                throttle::blocked_until.eq(blocked_until),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forget the failures of a key (after a successful sign-in).
pub fn reset(conn: &mut DbConn, key: &str) -> Result<(), ApiError> {
    diesel::delete(throttle::table.find(key)).execute(conn)?;
    Ok(())
}
