//! Leases of work that one node at a time does for the whole service (statistics compaction):
//! a row per kind of work naming its holder and when the lease runs out. A node takes the lease
//! when it is free, expired or already its own, in one conditional UPDATE, so two nodes never
//! both succeed; a node that stops holding it (crash, shutdown) loses it when it runs out.
//! Expiry is read on the nodes' clocks: a skew larger than the lease lets two nodes do the work
//! at once, which costs work, never correctness (the work itself is transactional).

use diesel::prelude::*;

use super::DbConn;
use super::schema::leases;
use crate::error::ApiError;

/// Take or renew the lease `name` for `holder` until `now_ms + ttl_ms`. `false`: another holder
/// has it.
pub fn take(conn: &mut DbConn, name: &str, holder: &str, now_ms: i64, ttl_ms: i64) -> Result<bool, ApiError> {
    super::transaction(conn, |c| {
        let taken = diesel::update(
            leases::table
                .filter(leases::name.eq(name))
                .filter(leases::holder.eq(holder).or(leases::expires_at.lt(now_ms))),
        )
        .set((leases::holder.eq(holder), leases::expires_at.eq(now_ms + ttl_ms)))
        .execute(c)?;
        Ok(taken == 1)
    })
}
