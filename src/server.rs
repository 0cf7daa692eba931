//! The application: the actix `App` (middleware, limits, routes), and the HTTPS
//! listener. `Application::build` binds (port 0 picks a free port) so tests and `serve` start
//! exactly the same server.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};

use crate::api::http;
use crate::audit::AuditWriter;
use crate::config::{Settings, Tls};
use crate::db::Db;

/// Seconds a graceful stop waits for requests in flight (a report upload still going after that
/// is cut; its client retries).
pub const SHUTDOWN_GRACE_SECS: u64 = 30;
pub use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    /// The metrics listener (`--metrics-bind`) and its port.
    metrics: Option<(u16, Server)>,
    clock: crate::clock::Clock,
}

impl Application {
    /// Prepare the database (migrations), open the pool, set up TLS and bind the listener.
    pub fn build(settings: Settings) -> Result<Application, String> {
        if let crate::private_fs::DirCheck::ReadableByOthers(mode) =
            crate::private_fs::check_data_dir(&settings.data_dir)?
        {
            tracing::warn!(
                data_dir = %settings.data_dir.display(),
                mode = format!("{mode:o}"),
                "other users can read the data directory; make it private to the service account (chmod 700)"
            );
        }
        let applied = crate::db::prepare(&settings.database_url)?;
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
        }
        let metrics = std::sync::Arc::new(crate::metrics::Metrics::new());
        let db = Db::open(&settings.database_url, settings.db_pool_size, Some(metrics.clone()))?;
        let master = std::sync::Arc::new(settings.master_key()?);
        let matching = {
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            crate::auth::tokens::ensure_key(&mut conn, &master).map_err(|e| e.to_string())?;
            crate::audit::checkpoints::ensure_key(&mut conn, &master).map_err(|e| e.to_string())?;
            let index = crate::reindex::open_blind_index(&mut conn, &master).map_err(|e| e.to_string())?;
            let index = std::sync::Arc::new(index);
            crate::admin::bootstrap::initial_admin(&mut conn, &settings.data_dir)?;
            crate::cases::store::ensure_views_current(&mut conn).map_err(|e| e.to_string())?;
            crate::statistics::store::ensure_current(&mut conn).map_err(|e| e.to_string())?;
            let moved = crate::reports::import_files(&mut conn, &settings.data_dir).map_err(|e| e.to_string())?;
            if moved > 0 {
                tracing::info!(reports = moved, "moved report files of an older version into the database");
            }
            crate::audit::tree::ensure_built(&mut conn).map_err(|e| e.to_string())?;
            index
        };
        let audit = AuditWriter::start(db.clone(), metrics.clone());
        let listener = TcpListener::bind(settings.bind).map_err(|e| format!("cannot bind {}: {e}", settings.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let metrics_listener = match settings.metrics_bind {
            Some(addr) => {
                let l = TcpListener::bind(addr).map_err(|e| format!("cannot bind the metrics listener {addr}: {e}"))?;
                if !addr.ip().is_loopback() {
                    tracing::warn!(%addr, "metrics are served over plain HTTP: keep this address on a private network");
                }
                Some(l)
            }
            None => None,
        };

        let tls = match &settings.tls {
            Tls::Off => {
                tracing::warn!("serving plain HTTP: only behind a TLS-terminating proxy");
                None
            }
            Tls::Files { cert, key } => Some(crate::tls::server_config(cert, key, settings.client_ca.as_ref())?),
            Tls::Development => {
                let (paths, created) = crate::tls::ensure_dev_certificate(&settings.data_dir)?;
                if created {
                    tracing::info!(ca = %paths.ca.display(), "generated a development CA and localhost certificate");
                }
                tracing::info!(ca = %paths.ca.display(), "development TLS: clients must trust this CA");
                Some(crate::tls::server_config(&paths.cert, &paths.key, settings.client_ca.as_ref())?)
            }
        };

        let workers = settings.workers;
        // Blocking threads per worker: enough for every pooled connection and hashing permit.
        // More would only wait for a connection, each keeping its own allocator heap (64
        // concurrent reads grew RSS by ~250 MB with actix's default of 512 / cores per worker).
        let blocking = (db.max_size() as usize).div_ceil(workers.max(1)) + settings.hash_concurrency;
        let hash_permits = std::sync::Arc::new(tokio::sync::Semaphore::new(settings.hash_concurrency));
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let stats_permits = tokio::sync::Semaphore::new((cpus / 2).max(1));
        let bulk_permits = std::sync::Arc::new(tokio::sync::Semaphore::new(cpus));
        let clock = crate::clock::Clock::default();
        let table = crate::statistics::ptable::PTable::generate(settings.stats_perturbation)?;
        let stats =
            std::sync::Arc::new(crate::statistics::service::Protection { k: u64::from(settings.stats_k), table });
        let state = web::Data::new(AppState {
            db,
            audit,
            settings,
            hash_permits,
            stats_permits,
            bulk_permits,
            clock: clock.clone(),
            stats,
            master,
            node: uuid::Uuid::new_v4().to_string(),
            metrics,
            matching,
        });
        let weak = std::sync::Arc::downgrade(&state.clone().into_inner());
        if state.settings.stats_compaction_ms > 0 {
            let every = std::time::Duration::from_millis(state.settings.stats_compaction_ms);
            periodic("enlace-stat-compaction", every, weak.clone(), |s| {
                use crate::metrics::Pass;
                let mut conn = s.db.conn()?;
                match crate::statistics::store::compact_pass(&mut conn, &s.node, 64) {
                    Ok(Some(rebuilt)) => s.metrics.compaction_pass(Pass::Ran, rebuilt),
                    Ok(None) => s.metrics.compaction_pass(Pass::AnotherNode, 0),
                    Err(e) => {
                        s.metrics.compaction_pass(Pass::Failed, 0);
                        return Err(e);
                    }
                }
                Ok(())
            });
        }
        // A signed checkpoint at least every 30 s while events arrive (none while nothing changes).
        periodic("enlace-audit-checkpoint", std::time::Duration::from_secs(30), weak.clone(), |s| {
            let mut conn = s.db.conn()?;
            crate::audit::checkpoints::make(&mut conn, &s.master).map(|_| ())
        });
        // Temporary files of uploads cut short by a crash, now and every 10 minutes.
        let sweep = |s: &AppState| {
            let removed = crate::files::remove_stale_uploads(&crate::reports::tmp_dir(&s.settings.data_dir));
            if removed > 0 {
                tracing::info!(removed, "removed temporary files of uploads that were cut short");
            }
            Ok(())
        };
        let _ = sweep(&state);
        periodic("enlace-upload-sweep", std::time::Duration::from_secs(600), weak.clone(), sweep);
        // Reservation policy versions scheduled for a later time take effect by themselves.
        periodic("enlace-policy-schedule", std::time::Duration::from_secs(1), weak, |s| {
            let mut conn = s.db.conn()?;
            let changed = crate::policy::activate_due(&mut conn, &s.clock.now_text(), &s.policy_dependents())?;
            if changed > 0 {
                tracing::info!(countries = changed, "scheduled reservation policies took effect");
            }
            Ok(())
        });
        let metrics = match metrics_listener {
            Some(l) => Some(metrics_server(l, state.clone())?),
            None => None,
        };
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(|cfg| configure_app(cfg, &state))
                .default_service(web::to(http::no_route))
                .wrap(middleware::from_fn(http::envelope))
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking)
        .client_request_timeout(std::time::Duration::from_secs(10))
        .client_disconnect_timeout(std::time::Duration::from_secs(5))
        .keep_alive(std::time::Duration::from_secs(30))
        // On SIGTERM/SIGINT (handled by the caller) requests in flight get this long to finish;
        // each waits for its own audit event, so whatever was answered is stored.
        .shutdown_timeout(SHUTDOWN_GRACE_SECS)
        .disable_signals();
        let server = match tls {
            Some(config) => server.listen_rustls_0_23(listener, config),
            None => server.listen(listener),
        }
        .map_err(|e| e.to_string())?
        .run();
        Ok(Application { port, server, metrics, clock })
    }

    /// The metrics listener's port, if it runs.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The application's clock (tests move it forward to cross waiting periods).
    pub fn clock(&self) -> crate::clock::Clock {
        self.clock.clone()
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serve until stopped; the metrics listener stops with the application.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            actix_web::rt::spawn(server);
            handle
        });
        let result = self.server.await;
        if let Some(handle) = metrics {
            handle.stop(true).await;
        }
        result
    }
}

/// The metrics listener: plain HTTP, one worker, `GET /metrics` and nothing else.
fn metrics_server(listener: TcpListener, state: web::Data<AppState>) -> Result<(u16, Server), String> {
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", web::get().to(scrape))
            .default_service(web::to(actix_web::HttpResponse::NotFound))
    })
    .workers(1)
    .client_request_timeout(std::time::Duration::from_secs(10))
    .shutdown_timeout(1)
    .disable_signals()
    .listen(listener)
    .map_err(|e| e.to_string())?
    .run();
    Ok((port, server))
}

/// One scrape: the figures read now (pool, statistics backlog, file store), then everything.
async fn scrape(state: web::Data<AppState>) -> actix_web::HttpResponse {
    let (pool_open, pool_idle) = state.db.pool_state();
    let read = state
        .db
        .run(|c| {
            let backlog = crate::statistics::store::backlog(c)?;
            let stored = vec![
                ("report", crate::reports::stored_bytes(c)?),
                ("alert_image", crate::alerts::images::stored_bytes(c)?),
            ];
            Ok((backlog, stored))
        })
        .await
        .ok();
    let (stats, stored) = match read {
        Some((backlog, stored)) => (Some(backlog), stored),
        None => (None, vec![]),
    };
    let files = state.settings.data_dir.join("files");
    let store = web::block(move || crate::metrics::store_bytes(&files)).await.unwrap_or_default();
    let snapshot =
        crate::metrics::Snapshot { pool_open, pool_idle, pool_max: state.db.max_size(), stats, stored, store };
    state.metrics.observe(&snapshot);
    actix_web::HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .insert_header(("cache-control", "no-store"))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(state.metrics.encode())
}

/// Run `task` every `period` on a thread of its own for as long as the application lives (each
/// node runs its own; the tasks are safe to run on several nodes at once). A failure is logged
/// and retried at the next period.
fn periodic(
    name: &str,
    period: std::time::Duration,
    state: std::sync::Weak<AppState>,
    task: impl Fn(&AppState) -> Result<(), crate::error::ApiError> + Send + 'static,
) {
    let thread_name = name.to_owned();
    let spawned = std::thread::Builder::new().name(thread_name).spawn(move || {
        loop {
            std::thread::sleep(period);
            let Some(state) = state.upgrade() else { return };
            if let Err(e) = task(&state) {
                tracing::warn!(error = %e, task = %std::thread::current().name().unwrap_or(""), "background task failed; will retry");
            }
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, task = name, "cannot start a background task");
    }
}

/// Extractor configuration and routes, shared by the server and in-process tests.
pub fn configure_app(cfg: &mut web::ServiceConfig, state: &web::Data<AppState>) {
    let limit = state.settings.max_body_bytes;
    cfg.app_data(web::PayloadConfig::new(limit))
        .app_data(http::query_config())
        .app_data(http::path_config())
        .app_data(web::Data::new(http::TrustedProxies(state.settings.trusted_proxies.clone())))
        .configure(crate::api::configure)
        .configure(crate::console::configure);
    if state.settings.docs {
        cfg.service(
            utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                .config(utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])),
        );
    }
}
