//! SQLite WAL checkpoints off the request path. By default SQLite checkpoints inside the commit
//! that fills the WAL past 1,000 pages: with a case create writing ~90 pages, every tenth create
//! paid for copying the WAL into the database and two fsyncs (~20 ms on this machine's disk)
//! while every other writer waited for it. The pool's connections turn automatic checkpoints
//! off, and one thread per pool runs a PASSIVE checkpoint (which never blocks readers or
//! writers) every `INTERVAL`; it ends when the pool is dropped.

use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;

const INTERVAL: Duration = Duration::from_millis(100);

/// Pragma for the pool's connections: the checkpointer does the checkpoints.
pub const POOL_PRAGMA: &str = "PRAGMA wal_autocheckpoint = 0;";

/// Start the checkpointer of a SQLite database; it runs while the returned handle (or a clone
/// of it) lives.
pub fn start(url: &str) -> Result<Arc<()>, String> {
    let alive = Arc::new(());
    let weak: Weak<()> = Arc::downgrade(&alive);
    let mut conn = super::establish(url)?;
    std::thread::Builder::new()
        .name("enlace-wal".into())
        .spawn(move || {
            while weak.strong_count() > 0 {
                std::thread::sleep(INTERVAL);
                if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(alive)
}
