//! What a new reservation policy version recomputes, in the transaction that brings it into
//! force: every case of the country (shared columns, renderings, search text, statistical
//! records) and every alert. The policy module only knows the `Dependents` trait; this module,
//! above cases and alerts, wires them to it.

use crate::db::DbConn;
use crate::error::ApiError;
use crate::matching::index::BlindIndex;
use crate::policy::{Dependents, Policy};

/// Cases and alerts, the derivations of a country's policy (their blind index rows under `0`).
pub struct PolicyDependents<'a>(pub &'a crate::matching::index::BlindIndex);

impl Dependents for PolicyDependents<'_> {
    fn recompute(
        &self,
        conn: &mut DbConn,
        party: &str,
        policy: &Policy,
        now: &str,
    ) -> Result<Vec<(&'static str, usize)>, ApiError> {
        let cases = crate::cases::store::reindex_country(conn, party, policy, self.0, now)?;
        let alerts = crate::alerts::store::reindex_country(conn, party, policy, self.0, now)?;
        Ok(vec![("cases_reindexed", cases), ("alerts_reindexed", alerts)])
    }
}

/// Index every case and alert for hit/no-hit matching under its country's policy in force (a
/// database from before matching existed, or after the index key changed). Returns how many.
pub fn index_all_for_matching(conn: &mut DbConn, idx: &BlindIndex) -> Result<usize, ApiError> {
    crate::db::transaction(conn, |conn| {
        let mut n = 0;
        for party in crate::feed::all_members(conn)? {
            let policy = crate::policy::load(conn, &party)?;
            n += crate::cases::store::index_for_matching(conn, &party, &policy, idx)?;
            n += crate::alerts::store::index_for_matching(conn, &party, &policy, idx)?;
        }
        Ok(n)
    })
}

/// The service's blind index key, made at first start; a database that held cases and alerts
/// before the key existed (an older version) has them indexed at once.
pub fn open_blind_index(conn: &mut DbConn, master: &crate::sealing::MasterKey) -> Result<BlindIndex, ApiError> {
    let (index, created) = BlindIndex::ensure(conn, master)?;
    if created {
        let n = index_all_for_matching(conn, &index)?;
        if n > 0 {
            tracing::info!(objects = n, "indexed the existing cases and alerts for hit/no-hit matching");
        }
    }
    Ok(index)
}
