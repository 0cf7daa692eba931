//! SQLite WAL checkpoints off the request path. By default SQLite checkpoints inside the commit
//! that fills the WAL past 1,000 pages: with a case create writing ~90 pages, every tenth create
//! paid for copying the WAL into the database and two fsyncs (~20 ms on this machine's disk)
//! while every other writer waited for it. The pool's connections turn automatic checkpoints
//! off, and one thread per pool runs a PASSIVE checkpoint (which never blocks readers or
//! writers) every `INTERVAL`; it ends when the pool is dropped.
//!
//! A PASSIVE checkpoint copies the WAL into the database but never starts the WAL over: that
//! happens only at a moment no reader uses it, and under a steady stream of reads there is no
//! such moment. A 30-minute soak grew the WAL to 4 GB in four minutes, and every read and write
//! slowed as it grew (p99 24 → 628 ms). So once the WAL file passes `WAL_LIMIT` the checkpointer
//! runs a TRUNCATE checkpoint instead: it waits for the readers of the moment to finish (reads
//! take milliseconds; new writers wait meanwhile, within the busy timeout), copies what is
//! left, and empties the file.

use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;

const INTERVAL: Duration = Duration::from_millis(100);
/// The WAL size past which the checkpointer empties the WAL.
const WAL_LIMIT: u64 = 64 * 1024 * 1024;

/// Pragma for the pool's connections: the checkpointer does the checkpoints.
pub const POOL_PRAGMA: &str = "PRAGMA wal_autocheckpoint = 0;";

/// Start the checkpointer of a SQLite database; it runs while the returned handle (or a clone
/// of it) lives.
pub fn start(url: &str) -> Result<Arc<()>, String> {
    let alive = Arc::new(());
    let weak: Weak<()> = Arc::downgrade(&alive);
    let mut conn = super::establish(url)?;
    let wal = super::sqlite_path(url).map(|p| {
        let mut name = p.into_os_string();
        name.push("-wal");
        std::path::PathBuf::from(name)
    });
    std::thread::Builder::new()
        .name("enlace-wal".into())
        .spawn(move || {
            while weak.strong_count() > 0 {
                std::thread::sleep(INTERVAL);
                let full = wal.as_ref().and_then(|w| std::fs::metadata(w).ok()).is_some_and(|m| m.len() > WAL_LIMIT);
                let pragma = if full { "PRAGMA wal_checkpoint(TRUNCATE);" } else { "PRAGMA wal_checkpoint(PASSIVE);" };
                if let Err(e) = conn.batch_execute(pragma) {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(alive)
}
