//! The state shared by every worker and handler: the database pool, the audit writer, the
//! settings, the concurrency limits, the clock and the keys. It sits below the HTTP layer and
//! the application so that both can use it without depending on each other.

use crate::audit::AuditWriter;
use crate::config::Settings;
use crate::db::Db;

/// Everything a handler may need, shared by all workers.
pub struct AppState {
    pub db: Db,
    pub audit: AuditWriter,
    pub settings: Settings,
    /// Bounds concurrent password hashing (each argon2id computation holds ~19 MiB); see
    /// `auth::service` for its duty cycle.
    pub hash_permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// Bounds concurrent statistics queries (each may scan the fact tables).
    pub stats_permits: tokio::sync::Semaphore,
    /// Bounds bulk bodies parsed and processed at once (`http::BulkJson`): one per core.
    pub bulk_permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// The clock of rules that wait (recovery periods, scheduled policy versions).
    pub clock: crate::clock::Clock,
    /// How shared statistics are protected (threshold and perturbation table).
    pub stats: std::sync::Arc<crate::statistics::service::Protection>,
    /// The master key that seals the signing keys at rest.
    pub master: std::sync::Arc<crate::sealing::MasterKey>,
    /// This node's id for its lifetime (a holder of leases such as the statistics compaction).
    pub node: String,
    /// This node's operational metrics (`--metrics-bind`).
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// The key of the blind indexes of hit/no-hit matching.
    pub matching: std::sync::Arc<crate::matching::index::BlindIndex>,
}

impl AppState {
    /// What a policy coming into force recomputes.
    pub fn policy_dependents(&self) -> crate::reindex::PolicyDependents<'_> {
        crate::reindex::PolicyDependents(&self.matching)
    }

    /// The daily quotas of hit/no-hit queries.
    pub fn match_quotas(&self) -> crate::matches::Quotas {
        crate::matches::Quotas {
            per_user: i64::from(self.settings.match_quota_user),
            per_country: i64::from(self.settings.match_quota_country),
        }
    }
}

impl AppState {
    /// What sign-in, sessions and password hashing need.
    pub fn identity(&self) -> crate::auth::service::Identity<'_> {
        crate::auth::service::Identity {
            db: &self.db,
            audit: &self.audit,
            hash_permits: &self.hash_permits,
            master: &self.master,
            mfa_all_roles: self.settings.mfa_all_roles,
            metrics: &self.metrics,
        }
    }
}
