//! A group join running on the runtime, whose result survives the caller giving up on it
//! (a poll() timeout, a cancelled await).

use std::sync::{Arc, Weak};
use std::time::Instant;

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::Shared;
use crate::error::Result;
use crate::group::{Coordinator, JoinResult};
use crate::network::runtime::runtime;

/// How a join task ended.
pub(super) enum JoinOutcome {
    Done(Result<JoinResult>),
    /// The task was aborted or panicked before producing a result.
    Lost,
}

/// A join running on the runtime. Its result lands here (not in a `JoinHandle` that a cancelled
/// await could drop), and `done` wakes whoever waits for it, sync or async.
pub(super) struct JoinSlot {
    outcome: Mutex<Option<JoinOutcome>>,
    done: Notify,
    task: Mutex<Option<JoinHandle<()>>>,
}

/// Records `Lost` if the join task ends without a result (aborted or panicked).
struct FinishOnDrop(Arc<JoinSlot>);

impl Drop for FinishOnDrop {
    fn drop(&mut self) {
        self.0.finish(JoinOutcome::Lost);
    }
}

impl JoinSlot {
    /// Spawns `c.join(topics)` after `after` (a leave still in flight) has finished.
    pub(super) fn start(
        c: Arc<Coordinator>,
        topics: Vec<String>,
        deadline: Instant,
        after: Option<JoinHandle<()>>,
        shared: Weak<Shared>,
    ) -> Arc<JoinSlot> {
        let slot =
            Arc::new(JoinSlot { outcome: Mutex::new(None), done: Notify::new(), task: Mutex::new(None) });
        let guard = FinishOnDrop(slot.clone());
        let handle = runtime().spawn(async move {
            if let Some(leave) = after {
                let _ = leave.await;
            }
            let r = c.join(topics, deadline).await;
            guard.0.finish(JoinOutcome::Done(r));
            if let Some(s) = shared.upgrade() {
                s.join_done.store(true, std::sync::atomic::Ordering::Release);
                s.wake_all();
            }
        });
        *slot.task.lock() = Some(handle);
        slot
    }

    /// Stores the first outcome and wakes the waiters.
    fn finish(&self, outcome: JoinOutcome) {
        let mut o = self.outcome.lock();
        if o.is_none() {
            *o = Some(outcome);
        }
        drop(o);
        self.done.notify_waiters();
    }

    pub(super) fn is_done(&self) -> bool {
        self.outcome.lock().is_some()
    }

    /// Waits until the join has finished (cancel-safe: consumes nothing).
    pub(super) async fn wait(&self) {
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_done() {
                return;
            }
            notified.await;
        }
    }

    pub(super) fn take(&self) -> Option<JoinOutcome> {
        self.outcome.lock().take()
    }

    pub(super) fn abort(&self) {
        if let Some(t) = self.task.lock().take() {
            t.abort();
        }
    }
}
