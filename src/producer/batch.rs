//! A producer batch: the records bound for one partition, and the shared result every record's
//! future reads its metadata from (offset = base offset + the record's index in the batch).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::{Condvar, Mutex};

use crate::error::Error;
use crate::records::RecordBatchBuilder;

/// How a batch ended.
#[derive(Debug, Clone)]
pub enum BatchOutcome {
    Delivered {
        base_offset: i64,
        /// -1 unless the topic uses LogAppendTime.
        log_append_time: i64,
        log_start_offset: i64,
    },
    Failed(Error),
}

type Hook = Box<dyn FnOnce(&Arc<BatchResult>) + Send>;

/// Completion state of a batch, shared by the sender (writer) and the records' futures (readers).
pub struct BatchResult {
    pub topic: Arc<str>,
    pub partition: i32,
    outcome: Mutex<Option<BatchOutcome>>,
    done: Condvar,
    hooks: Mutex<Vec<Hook>>,
    notify: tokio::sync::Notify,
}

impl std::fmt::Debug for BatchResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchResult").field("topic", &self.topic).field("partition", &self.partition).finish()
    }
}

impl BatchResult {
    pub fn new(topic: Arc<str>, partition: i32) -> Arc<Self> {
        Arc::new(Self {
            topic,
            partition,
            outcome: Mutex::new(None),
            done: Condvar::new(),
            hooks: Mutex::new(Vec::new()),
            notify: tokio::sync::Notify::new(),
        })
    }

    /// The outcome, if the batch has completed.
    pub fn outcome(&self) -> Option<BatchOutcome> {
        self.outcome.lock().clone()
    }

    pub fn is_done(&self) -> bool {
        self.outcome.lock().is_some()
    }

    /// Records the outcome (first call wins), wakes waiters and runs completion hooks.
    pub fn complete(self: &Arc<Self>, outcome: BatchOutcome) {
        {
            let mut o = self.outcome.lock();
            if o.is_some() {
                return;
            }
            *o = Some(outcome);
            self.done.notify_all();
        }
        self.notify.notify_waiters();
        let hooks = std::mem::take(&mut *self.hooks.lock());
        for h in hooks {
            h(self);
        }
    }

    /// Blocks the calling thread until done or `timeout` passes; returns the outcome if done.
    pub fn wait(&self, timeout: Option<Duration>) -> Option<BatchOutcome> {
        let mut o = self.outcome.lock();
        match timeout {
            None => {
                while o.is_none() {
                    self.done.wait(&mut o);
                }
            }
            Some(t) => {
                let deadline = Instant::now() + t;
                while o.is_none() {
                    if self.done.wait_until(&mut o, deadline).timed_out() {
                        break;
                    }
                }
            }
        }
        o.clone()
    }

    /// Waits asynchronously for the outcome.
    pub async fn wait_async(&self) -> BatchOutcome {
        loop {
            let notified = self.notify.notified();
            if let Some(o) = self.outcome() {
                return o;
            }
            notified.await;
        }
    }

    /// Runs `hook` once the batch completes (immediately, on this thread, if it already has).
    pub fn on_complete(self: &Arc<Self>, hook: impl FnOnce(&Arc<BatchResult>) + Send + 'static) {
        {
            let o = self.outcome.lock();
            if o.is_none() {
                self.hooks.lock().push(Box::new(hook));
                return;
            }
        }
        hook(self);
    }
}

/// Records for one partition on their way to the broker.
pub struct ProducerBatch {
    /// Creation order across the producer (flush and retry ordering use it).
    pub id: u64,
    pub builder: RecordBatchBuilder,
    pub result: Arc<BatchResult>,
    pub created: Instant,
    /// Bytes reserved from buffer_memory for this batch.
    pub reserved: usize,
    /// Encoded (and compressed) batch, built when first drained and reused on retry.
    pub built: Option<Bytes>,
    pub base_sequence: i32,
    /// (producer id, epoch) the batch was built with ((-1, -1) without idempotence).
    pub producer: (i64, i16),
    pub attempts: u32,
    /// Not to be retried before this instant.
    pub retry_at: Option<Instant>,
}

impl ProducerBatch {
    pub fn record_count(&self) -> i32 {
        self.builder.record_count()
    }
}
