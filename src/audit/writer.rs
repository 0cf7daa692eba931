//! Group commit of audit events: requests hand their event to one writer thread, which appends
//! everything pending in one transaction and then releases every waiting request. Throughput is
//! one transaction per batch instead of one per request; no request is answered before its
//! event is stored.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use std::sync::Arc;

use super::Event;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::metrics::Metrics;

const MAX_BATCH: usize = 512;
/// Under continuous load (the previous batch ended less than `BUSY` before the next event
/// arrived) the writer lingers up to `LINGER` for more events before it writes: a transaction
/// costs about the same for 1 event as for 20 (the commit writes the same table and index pages),
/// so fuller batches cost less CPU per event. An isolated event is written at once.
const BUSY: Duration = Duration::from_millis(2);
const LINGER: Duration = Duration::from_micros(500);

/// The events of one request (stored together) and who waits for them.
type Job = (Vec<Event>, oneshot::Sender<bool>);

#[derive(Clone)]
pub struct AuditWriter {
    tx: mpsc::SyncSender<Job>,
    metrics: Arc<Metrics>,
}

impl AuditWriter {
    /// Start the writer thread. It ends when every `AuditWriter` clone is dropped.
    pub fn start(db: Db, metrics: Arc<Metrics>) -> Self {
        let (tx, rx) = mpsc::sync_channel::<Job>(16 * MAX_BATCH);
        let observed = metrics.clone();
        let spawned = std::thread::Builder::new().name("audit-writer".into()).spawn(move || run(db, rx, &observed));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the audit writer; audited reads will fail");
        }
        AuditWriter { tx, metrics }
    }

    /// Record an event durably. Errors with `Unavailable` if it could not be stored, in which
    /// case the caller must not send the data it was about to disclose.
    pub async fn record(&self, event: Event) -> Result<(), ApiError> {
        self.record_all(vec![event]).await
    }

    /// Record the events of one request durably, all in the same transaction.
    pub async fn record_all(&self, events: Vec<Event>) -> Result<(), ApiError> {
        if events.is_empty() {
            return Ok(());
        }
        let (done_tx, done_rx) = oneshot::channel();
        // Counted before it is sent, so the writer never takes it out of the queue first.
        self.metrics.audit_queued();
        // Hand the event over without leaving this thread; only when the bounded channel is full
        // (overload) wait for room on the blocking pool.
        match self.tx.try_send((events, done_tx)) {
            Ok(()) => {}
            Err(mpsc::TrySendError::Full(job)) => {
                let tx = self.tx.clone();
                let sent = actix_web::web::block(move || tx.send(job).is_ok()).await;
                if !matches!(sent, Ok(true)) {
                    self.metrics.audit_dropped();
                    return Err(ApiError::Unavailable);
                }
            }
            Err(mpsc::TrySendError::Disconnected(_)) => {
                self.metrics.audit_dropped();
                return Err(ApiError::Unavailable);
            }
        }
        match done_rx.await {
            Ok(true) => Ok(()),
            _ => Err(ApiError::Unavailable),
        }
    }
}

fn run(db: Db, rx: mpsc::Receiver<Job>, metrics: &Metrics) {
    let mut last_write: Option<Instant> = None;
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        let deadline = last_write.is_some_and(|t| t.elapsed() < BUSY).then(|| Instant::now() + LINGER);
        while jobs.len() < MAX_BATCH {
            let next = match deadline {
                Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())).ok(),
                None => rx.try_recv().ok(),
            };
            match next {
                Some(job) => jobs.push(job),
                None => break,
            }
        }
        let requests = jobs.len();
        let (batches, waiters): (Vec<Vec<Event>>, Vec<_>) = jobs.into_iter().unzip();
        let events: Vec<Event> = batches.into_iter().flatten().collect();
        let stored = db.conn().and_then(|mut conn| db::transaction(&mut conn, |c| super::append(c, &events))).is_ok();
        if !stored {
            tracing::error!(events = events.len(), "audit events could not be stored");
        }
        metrics.audit_batch(requests, events.len(), stored);
        for done in waiters {
            let _ = done.send(stored);
        }
        last_write = Some(Instant::now());
    }
}
