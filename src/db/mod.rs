//! Storage: one connection type over SQLite (always built in) and PostgreSQL (cargo feature
//! `postgres`), chosen at run time by the `DATABASE_URL` scheme; an r2d2 pool; per-backend
//! embedded migrations; and `Db::run`, which moves blocking database work off the async workers.

mod checkpoint;
pub mod lease;
pub mod schema;
mod writer;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::ApiError;

#[cfg(feature = "postgres")]
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

#[cfg(not(feature = "postgres"))]
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(diesel::SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Decide the backend from the URL scheme. Anything else is refused, so a mistyped
    /// PostgreSQL URL never silently becomes a SQLite file.
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite://") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            if cfg!(feature = "postgres") {
                Ok(Backend::Postgres)
            } else {
                Err("this build has no PostgreSQL support: rebuild with `--features postgres`".into())
            }
        } else {
            Err("must start with sqlite:// or postgres://".into())
        }
    }
}

/// Open one connection, dispatching on the URL scheme.
pub fn establish(url: &str) -> Result<DbConn, String> {
    match Backend::from_url(url)? {
        Backend::Sqlite => {
            let mut conn = diesel::SqliteConnection::establish(url).map_err(|e| e.to_string())?;
            // synchronous = FULL: a commit is on disk before it is acknowledged, so a power loss
            // or an OS crash loses nothing answered (NORMAL would keep the database consistent
            // but could roll back the last commits). PostgreSQL's default does the same.
            conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
                .map_err(|e| e.to_string())?;
            Ok(DbConn::Sqlite(conn))
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres => diesel::PgConnection::establish(url).map(DbConn::Postgres).map_err(|e| e.to_string()),
        #[cfg(not(feature = "postgres"))]
        Backend::Postgres => Err("PostgreSQL support is not built in".into()),
    }
}

/// The local file a `sqlite://` URL points at, if any (used to create its directory).
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(std::path::PathBuf::from(path))
}

/// Apply pending migrations of the connection's backend. Returns how many were applied.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, String> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        #[cfg(feature = "postgres")]
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| e.to_string())
}

/// Whether every embedded migration has been applied (readiness).
pub fn migrations_current(conn: &mut DbConn) -> Result<bool, String> {
    let pending = match conn {
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        #[cfg(feature = "postgres")]
        DbConn::Postgres(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
    };
    pending.map(|p| !p).map_err(|e| e.to_string())
}

#[allow(irrefutable_let_patterns)] // a single variant without the `postgres` feature
/// Prepare the database once before the pool opens: create the SQLite directory, switch the file
/// to WAL (a persistent setting, done once so pooled connections never race for it), migrate.
pub fn prepare(url: &str) -> Result<usize, String> {
    if let Some(path) = sqlite_path(url) {
        crate::private_fs::prepare_sqlite_file(&path)?;
    }
    let mut conn = establish(url)?;
    if let DbConn::Sqlite(c) = &mut conn {
        c.batch_execute("PRAGMA journal_mode = WAL;").map_err(|e| e.to_string())?;
    }
    run_migrations(&mut conn)
}

/// r2d2 manager that opens connections with our own scheme dispatch.
pub struct Manager {
    url: String,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    #[allow(irrefutable_let_patterns)] // a single variant without the `postgres` feature
    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        let broken = |e: String| r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(e));
        let mut conn = establish(&self.url).map_err(broken)?;
        if let DbConn::Sqlite(c) = &mut conn {
            c.batch_execute(checkpoint::POOL_PRAGMA).map_err(|e| broken(e.to_string()))?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The application's database handle: a pool plus the backend it talks to.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// SQLite: keeps the pool's WAL checkpointer running.
    _checkpointer: Option<std::sync::Arc<()>>,
}

impl Db {
    /// Open the pool (after `prepare`). SQLite gets a few connections (one writer at a time
    /// anyway); PostgreSQL gets more. With `metrics`, waits for a connection are recorded.
    pub fn open(
        url: &str,
        max_size: Option<u32>,
        metrics: Option<std::sync::Arc<crate::metrics::Metrics>>,
    ) -> Result<Self, String> {
        let backend = Backend::from_url(url)?;
        let size = max_size.unwrap_or(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        });
        // No ping on every checkout (a statement per request): a connection that broke is found
        // by its first failing statement and then discarded (`has_broken`).
        let mut builder = r2d2::Pool::builder();
        if let Some(m) = metrics {
            builder = builder.event_handler(Box::new(crate::metrics::PoolEvents(m)));
        }
        let pool = builder
            .max_size(size)
            .min_idle(Some(1))
            .test_on_check_out(false)
            // With the database unreachable a request waits this long for a connection, then
            // gets 503 with Retry-After: inside every client's timeout, never a hang.
            .connection_timeout(Duration::from_secs(3))
            .build(Manager { url: url.to_owned() })
            .map_err(|e| e.to_string())?;
        let checkpointer = match backend {
            Backend::Sqlite => Some(checkpoint::start(url)?),
            Backend::Postgres => None,
        };
        Ok(Db { pool, backend, _checkpointer: checkpointer })
    }

    /// Connections the pool holds now, and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }

    /// How many connections the pool holds at most.
    pub fn max_size(&self) -> u32 {
        self.pool.max_size()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection, for blocking contexts (CLI, background threads).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, ApiError> {
        self.pool.get().map_err(|e| {
            tracing::error!(error = %e, "database pool exhausted or unreachable");
            ApiError::Unavailable
        })
    }

    /// Run blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await
        .map_err(|_| ApiError::Internal)?
    }
}

/// Run `f` in one transaction. Errors of type `ApiError` roll back. On SQLite the transaction
/// first waits for its database's writer turn (`writer`).
pub fn transaction<T, F>(conn: &mut DbConn, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
{
    let _turn = writer::turn(conn)?;
    conn.transaction::<T, ApiError, _>(f)
}

/// Run `f` in one transaction that only reads (one snapshot): no writer turn is taken, so it
/// neither waits for writers nor holds them up.
pub fn read_transaction<T, F>(conn: &mut DbConn, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
{
    conn.transaction::<T, ApiError, _>(f)
}
