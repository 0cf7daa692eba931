//! What a new reservation policy version recomputes, in the transaction that brings it into
//! force: every case of the country (shared columns, renderings, search text, statistical
//! records) and every alert. The policy module only knows the `Dependents` trait; this module,
//! above cases and alerts, wires them to it.

use crate::db::DbConn;
use crate::error::ApiError;
use crate::policy::{Dependents, Policy};

/// Cases and alerts, the derivations of a country's policy.
pub struct PolicyDependents;

impl Dependents for PolicyDependents {
    fn recompute(
        &self,
        conn: &mut DbConn,
        party: &str,
        policy: &Policy,
        now: &str,
    ) -> Result<Vec<(&'static str, usize)>, ApiError> {
        let cases = crate::cases::store::reindex_country(conn, party, policy, now)?;
        let alerts = crate::alerts::store::reindex_country(conn, party, policy, now)?;
        Ok(vec![("cases_reindexed", cases), ("alerts_reindexed", alerts)])
    }
}
