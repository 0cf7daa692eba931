//! Operational metrics for the people who run enlace, in the Prometheus text format
//! (`prometheus-client`): requests by route template, method and status with their latency;
//! the database pool; the audit writer; statistics compaction; sign-in failures and throttling;
//! the file store. Labels are templates, methods, statuses and fixed words — never an id, a
//! username, a country's data or anything a request carried. This module names no other module
//! of the crate: the layers that observe something call it.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The `Content-Type` of what `encode` returns.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Request latency buckets, in seconds: half a millisecond to the request timeout.
const LATENCY: [f64; 15] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Waits for a pooled connection, in seconds (the pool gives up after 3 s).
const POOL_WAIT: [f64; 10] = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 3.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route template (`/api/v1/cases/{id}`), or `unmatched`.
    route: String,
    method: &'static str,
    status: u16,
}

/// The request methods enlace serves; anything else is `other` (a label never carries what a
/// client chose to send).
struct Method;

impl Method {
    /// The label of a request's method.
    pub fn label(method: &str) -> &'static str {
        match method {
            "GET" => "GET",
            "HEAD" => "HEAD",
            "POST" => "POST",
            "PUT" => "PUT",
            "PATCH" => "PATCH",
            "DELETE" => "DELETE",
            "OPTIONS" => "OPTIONS",
            _ => "other",
        }
    }
}

/// Where a sign-in came from.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Channel {
    Api,
    Console,
}

impl Channel {
    fn label(self) -> &'static str {
        match self {
            Channel::Api => "api",
            Channel::Console => "console",
        }
    }
}

/// A sign-in that did not open a session.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Wrong credentials or second factor (counted towards throttling).
    Failed,
    /// Refused before any password work: the account or the address is throttled.
    Throttled,
}

impl SignInRefusal {
    fn label(self) -> &'static str {
        match self {
            SignInRefusal::Failed => "failed",
            SignInRefusal::Throttled => "throttled",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SignInLabels {
    channel: &'static str,
    outcome: &'static str,
}

/// What one statistics compaction pass of this node did.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Pass {
    /// The pass ran (it may have found nothing due).
    Ran,
    /// Another node was compacting: this one left it the work.
    AnotherNode,
    Failed,
}

impl Pass {
    fn label(self) -> &'static str {
        match self {
            Pass::Ran => "ran",
            Pass::AnotherNode => "another_node",
            Pass::Failed => "failed",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PassLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    /// `idle` or `in_use`.
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreLabels {
    /// A directory of the file store: `reports`, `tmp` (uploads being received), `other`.
    area: &'static str,
}

/// Every metric of one node. Cheap to record into from any thread.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Histogram, fn() -> Histogram>,
    pool_wait: Histogram,
    pool_timeouts: Counter,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    db_up: Gauge,
    audit_batch: Histogram,
    audit_queue: Gauge,
    audit_failures: Counter,
    sign_in: Family<SignInLabels, Counter>,
    passes: Family<PassLabels, Counter>,
    rebuilt: Counter,
    lag: Gauge<f64, AtomicU64>,
    dirty: Gauge,
    stored: Family<KindLabels, Gauge>,
    store: Family<StoreLabels, Gauge>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY)
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("enlace"),
            requests: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            pool_wait: Histogram::new(POOL_WAIT),
            pool_timeouts: Counter::default(),
            pool_connections: Family::default(),
            pool_max: Gauge::default(),
            db_up: Gauge::default(),
            audit_batch: Histogram::new([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0]),
            audit_queue: Gauge::default(),
            audit_failures: Counter::default(),
            sign_in: Family::default(),
            passes: Family::default(),
            rebuilt: Counter::default(),
            lag: Gauge::default(),
            dirty: Gauge::default(),
            stored: Family::default(),
            store: Family::default(),
        };
        let r = &mut m.registry;
        r.register(
            "http_request_duration_seconds",
            "Requests answered, by route template, method and status, with their latency",
            m.requests.clone(),
        );
        r.register(
            "db_pool_wait_seconds",
            "Time spent waiting for a pooled database connection (requests and background tasks)",
            m.pool_wait.clone(),
        );
        r.register(
            "db_pool_timeouts",
            "Waits for a pooled connection that gave up (answered 503)",
            m.pool_timeouts.clone(),
        );
        r.register("db_pool_connections", "Pooled database connections, idle or in use", m.pool_connections.clone());
        r.register("db_pool_max_connections", "The most connections the pool opens", m.pool_max.clone());
        r.register("db_up", "Whether the last scrape could query the database (1) or not (0)", m.db_up.clone());
        r.register(
            "audit_batch_events",
            "Audit events stored per transaction of the audit writer",
            m.audit_batch.clone(),
        );
        r.register(
            "audit_queue_requests",
            "Requests waiting for the audit writer to store their events",
            m.audit_queue.clone(),
        );
        r.register(
            "audit_write_failures",
            "Batches of audit events that could not be stored (their requests got 503)",
            m.audit_failures.clone(),
        );
        r.register(
            "signin_refusals",
            "Sign-ins refused, by channel and reason (no account is named)",
            m.sign_in.clone(),
        );
        r.register(
            "stats_compaction_passes",
            "Statistics compaction passes of this node, by outcome",
            m.passes.clone(),
        );
        r.register(
            "stats_compaction_partitions_rebuilt",
            "Statistics partitions rebuilt by this node",
            m.rebuilt.clone(),
        );
        r.register(
            "stats_compaction_lag_seconds",
            "Age of the oldest statistics change not yet compacted (0 when none waits)",
            m.lag.clone(),
        );
        r.register("stats_dirty_partitions", "Statistics partitions waiting for compaction", m.dirty.clone());
        r.register("stored_file_bytes", "Bytes of uploaded files stored in the database, by kind", m.stored.clone());
        r.register("file_store_bytes", "Bytes in this node's file store (DATA_DIR/files), by area", m.store.clone());
        m
    }

    /// One answered request. `route` is the matched template (`None`: no route matched).
    pub fn request(&self, route: Option<&str>, method: &str, status: u16, elapsed: Duration) {
        let route = route.unwrap_or("unmatched").to_owned();
        let labels = RequestLabels { route, method: Method::label(method), status };
        self.requests.get_or_create(&labels).observe(elapsed.as_secs_f64());
    }

    pub fn pool_checkout(&self, waited: Duration) {
        self.pool_wait.observe(waited.as_secs_f64());
    }

    pub fn pool_timeout(&self) {
        self.pool_timeouts.inc();
    }

    /// A request handed its events to the audit writer.
    pub fn audit_queued(&self) {
        self.audit_queue.inc();
    }

    /// A request's events never reached the audit writer (it had stopped).
    pub fn audit_dropped(&self) {
        self.audit_queue.dec();
        self.audit_failures.inc();
    }

    /// The audit writer took `requests` requests' events (`events` in all) into one batch.
    pub fn audit_batch(&self, requests: usize, events: usize, stored: bool) {
        self.audit_queue.dec_by(requests as i64);
        self.audit_batch.observe(events as f64);
        if !stored {
            self.audit_failures.inc();
        }
    }

    pub fn sign_in_refused(&self, channel: Channel, outcome: SignInRefusal) {
        self.sign_in.get_or_create(&SignInLabels { channel: channel.label(), outcome: outcome.label() }).inc();
    }

    pub fn compaction_pass(&self, outcome: Pass, rebuilt: usize) {
        self.passes.get_or_create(&PassLabels { outcome: outcome.label() }).inc();
        self.rebuilt.inc_by(rebuilt as u64);
    }

    /// The figures read at scrape time.
    pub fn observe(&self, s: &Snapshot) {
        self.pool_connections.get_or_create(&PoolLabels { state: "idle" }).set(i64::from(s.pool_idle));
        self.pool_connections
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(i64::from(s.pool_open.saturating_sub(s.pool_idle)));
        self.pool_max.set(i64::from(s.pool_max));
        self.db_up.set(i64::from(s.stats.is_some()));
        if let Some((dirty, lag)) = s.stats {
            self.dirty.set(dirty);
            self.lag.set(lag.as_secs_f64());
        }
        for (kind, bytes) in &s.stored {
            self.stored.get_or_create(&KindLabels { kind }).set(*bytes);
        }
        for (area, bytes) in &s.store {
            self.store.get_or_create(&StoreLabels { area }).set(i64::try_from(*bytes).unwrap_or(i64::MAX));
        }
    }

    /// Everything, in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

/// What a scrape reads from the pool, the database and the disk.
pub struct Snapshot {
    pub pool_open: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    /// Partitions waiting for compaction and the age of the oldest change; `None` if the
    /// database could not be read.
    pub stats: Option<(i64, Duration)>,
    /// Bytes of files stored in the database, by kind (`report`, `alert_image`).
    pub stored: Vec<(&'static str, i64)>,
    /// Bytes per area of this node's file store (uploads being received).
    pub store: Vec<(&'static str, u64)>,
}

/// The pool's events, recorded: how long each checkout waited, and the waits that timed out.
pub struct PoolEvents(pub Arc<Metrics>);

impl std::fmt::Debug for PoolEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PoolEvents")
    }
}

impl diesel::r2d2::HandleEvent for PoolEvents {
    fn handle_checkout(&self, event: diesel::r2d2::event::CheckoutEvent) {
        self.0.pool_checkout(event.duration());
    }
    fn handle_timeout(&self, _event: diesel::r2d2::event::TimeoutEvent) {
        self.0.pool_timeout();
    }
}

/// Bytes under each area of a file store directory (`files/tmp`, `files/reports` of older
/// versions, the rest).
pub fn store_bytes(files: &std::path::Path) -> Vec<(&'static str, u64)> {
    fn walk(dir: &std::path::Path) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
        entries
            .flatten()
            .map(|e| match e.metadata() {
                Ok(m) if m.is_dir() => walk(&e.path()),
                Ok(m) => m.len(),
                Err(_) => 0,
            })
            .sum()
    }
    let mut areas = vec![("reports", 0), ("tmp", 0), ("other", 0)];
    if let Ok(entries) = std::fs::read_dir(files) {
        for e in entries.flatten() {
            let bytes = match e.metadata() {
                Ok(m) if m.is_dir() => walk(&e.path()),
                Ok(m) => m.len(),
                Err(_) => 0,
            };
            let area = match e.file_name().to_str() {
                Some("reports") => 0,
                Some("tmp") => 1,
                _ => 2,
            };
            areas[area].1 += bytes;
        }
    }
    areas
}
