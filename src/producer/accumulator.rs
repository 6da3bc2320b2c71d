//! The record accumulator: per-partition queues of batches, filled by `send()` and drained by the
//! sender. Appending writes the record straight into the open batch's buffer (no per-record
//! allocation); memory is bounded by `buffer_memory`.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::batch::{BatchOutcome, BatchResult, ProducerBatch};
use crate::compression::Compression;
use crate::error::Error;
use crate::records::RecordBatchBuilder;

/// A record as `send()` hands it over.
pub struct RecordRef<'a> {
    pub timestamp_ms: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [(&'a str, Option<&'a [u8]>)],
}

impl RecordRef<'_> {
    /// Upper bound of the record's encoded size (varint fields at their widest).
    pub fn size_upper_bound(&self) -> usize {
        let mut n = 21 + 10 + 5 + 5; // length, attributes, timestamp/offset deltas, key/value lengths
        n += self.key.map_or(0, <[u8]>::len) + self.value.map_or(0, <[u8]>::len) + 5;
        for (k, v) in self.headers {
            n += 10 + k.len() + v.map_or(0, <[u8]>::len);
        }
        n
    }
}

/// Where an appended record went.
pub struct Appended {
    pub result: Arc<BatchResult>,
    pub index: i32,
    /// True when a new batch was opened or one became full: the sender should look.
    pub wake_sender: bool,
}

#[derive(Default)]
pub struct PartitionQueue {
    pub batches: VecDeque<ProducerBatch>,
    pub in_flight: usize,
    pub next_sequence: i32,
    /// Idempotence: the (producer id, epoch) this partition's sequences belong to; None until
    /// its first batch is drained. When the producer's epoch changes, the partition switches
    /// (sequences restart at 0) once nothing of the old epoch is in flight.
    pub producer: Option<(i64, i16)>,
    /// The sequence the next acknowledged batch should start at (last acknowledged + 1).
    pub next_acked: i32,
    /// True once a batch of the current epoch was acknowledged. Until then only one batch is in
    /// flight: a broker with no state for this producer accepts any sequence, so a second batch
    /// could be written before a first one that failed (and the first would then be out of order
    /// forever).
    pub acked: bool,
    /// A batch failed retriably: the later in-flight ones will fail too and are requeued in
    /// sequence order; one batch at a time is sent until the head of the queue is accepted.
    pub recovering: bool,
    /// The sequence state is unrecoverable (a sequenced batch failed for good, or the broker
    /// reported UNKNOWN_PRODUCER_ID / an unexplained OUT_OF_ORDER_SEQUENCE_NUMBER): nothing is
    /// sent until the epoch is bumped, then sequences restart at 0.
    pub needs_reset: bool,
    /// Transactions: the transaction generation this partition was added to (0: never).
    pub txn_added: u64,
}

pub struct TopicQueues {
    pub partitions: Vec<PartitionQueue>,
    /// The partition unkeyed records currently stick to.
    pub sticky: Option<i32>,
    /// Bytes appended to the sticky partition since it was chosen.
    pub sticky_bytes: usize,
}

/// State behind the accumulator lock.
#[derive(Default)]
pub struct AccState {
    pub topics: HashMap<Arc<str>, TopicQueues>,
    /// Ids of batches not yet completed (flush waits on these).
    pub incomplete: BTreeSet<u64>,
    /// Batches created before this id are to be sent without waiting for linger.
    pub flush_before: u64,
    pub closed: bool,
}

pub struct Accumulator {
    pub state: Mutex<AccState>,
    pub batch_size: usize,
    /// How far an open batch may grow past batch_size while its partition still has a request
    /// in flight (it could not be sent yet anyway): fewer, larger requests under load.
    pub grow_cap: usize,
    pub compression: Compression,
    buffer_memory: usize,
    used_memory: AtomicUsize,
    memory_waiters: AtomicUsize,
    memory_lock: Mutex<()>,
    memory_freed: Condvar,
    batch_completed: Condvar,
    next_batch_id: AtomicU64,
}

impl Accumulator {
    pub fn new(
        batch_size: usize,
        buffer_memory: usize,
        compression: Compression,
        max_request_size: usize,
    ) -> Self {
        let grow_cap = max_request_size.min(1024 * 1024).saturating_sub(1024).max(batch_size);
        Self {
            grow_cap,
            state: Mutex::new(AccState::default()),
            batch_size: batch_size.max(1),
            compression,
            buffer_memory,
            used_memory: AtomicUsize::new(0),
            memory_waiters: AtomicUsize::new(0),
            memory_lock: Mutex::new(()),
            memory_freed: Condvar::new(),
            batch_completed: Condvar::new(),
            next_batch_id: AtomicU64::new(0),
        }
    }

    fn try_reserve(&self, n: usize) -> bool {
        let mut used = self.used_memory.load(Ordering::Relaxed);
        loop {
            // A record larger than the whole buffer still goes through when the buffer is empty.
            if used != 0 && used + n > self.buffer_memory {
                return false;
            }
            match self.used_memory.compare_exchange_weak(used, used + n, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(now) => used = now,
            }
        }
    }

    /// Reserves `n` bytes of buffer memory, waiting until `deadline` if the buffer is full.
    /// Returns false on timeout (at once when `deadline` is None).
    pub fn reserve(&self, n: usize, deadline: Option<Instant>) -> bool {
        if self.try_reserve(n) {
            return true;
        }
        let Some(deadline) = deadline else { return false };
        let mut guard = self.memory_lock.lock();
        self.memory_waiters.fetch_add(1, Ordering::AcqRel);
        let ok = loop {
            // Checked under the lock that release() notifies under: no lost wake-up.
            if self.try_reserve(n) {
                break true;
            }
            if self.memory_freed.wait_until(&mut guard, deadline).timed_out() {
                break self.try_reserve(n);
            }
        };
        self.memory_waiters.fetch_sub(1, Ordering::AcqRel);
        ok
    }

    pub fn release(&self, n: usize) {
        let _ =
            self.used_memory.fetch_update(Ordering::AcqRel, Ordering::Relaxed, |u| Some(u.saturating_sub(n)));
        if self.memory_waiters.load(Ordering::Acquire) > 0 {
            let _g = self.memory_lock.lock();
            self.memory_freed.notify_all();
        }
    }

    pub fn used_memory(&self) -> usize {
        self.used_memory.load(Ordering::Relaxed)
    }

    /// Appends a record to `partition` of `topic` (whose partition count is `num_partitions`);
    /// `None` means the topic's sticky partition, re-chosen with `pick` when unset or when its open
    /// batch is full, so unkeyed records fill one partition's batch at a time (KIP-480).
    /// `reserved` bytes were already taken from buffer memory for the record.
    pub fn append(
        &self,
        topic: &str,
        num_partitions: usize,
        partition: Option<i32>,
        pick: impl Fn() -> i32,
        rec: &RecordRef<'_>,
        reserved: usize,
    ) -> Result<Appended, Error> {
        let mut st = self.state.lock();
        if st.closed {
            return Err(Error::Closed("KafkaProducer already closed!".into()));
        }
        let next_id = &self.next_batch_id;
        let tq = match st.topics.get_mut(topic) {
            Some(t) => t,
            None => st.topics.entry(Arc::from(topic)).or_insert_with(|| TopicQueues {
                partitions: Vec::new(),
                sticky: None,
                sticky_bytes: 0,
            }),
        };
        if tq.partitions.len() < num_partitions {
            tq.partitions.resize_with(num_partitions, PartitionQueue::default);
        }
        let partition = match partition {
            Some(p) => p,
            None => {
                let p = self.sticky(tq, pick);
                tq.sticky_bytes += rec.size_upper_bound();
                p
            }
        };
        let idx = usize::try_from(partition)
            .ok()
            .filter(|i| *i < tq.partitions.len())
            .ok_or_else(|| Error::InvalidArgument(format!("Unrecognized partition {partition}")))?;
        let pq = &mut tq.partitions[idx];
        let size = rec.size_upper_bound();
        let mut wake = false;
        let need_new = match pq.batches.back() {
            None => true,
            Some(b) => {
                b.built.is_some()
                    || (!b.builder.is_empty() && {
                        let after = b.builder.uncompressed_size() + size;
                        after > self.batch_size && (pq.in_flight == 0 || after > self.grow_cap)
                    })
            }
        };
        let mut new_id = None;
        if need_new {
            let id = next_id.fetch_add(1, Ordering::Relaxed);
            let t: Arc<str> = Arc::from(topic);
            pq.batches.push_back(ProducerBatch {
                id,
                builder: RecordBatchBuilder::new(self.compression),
                result: BatchResult::new(t, partition),
                created: Instant::now(),
                reserved: 0,
                built: None,
                base_sequence: -1,
                producer: (-1, -1),
                attempts: 0,
                retry_at: None,
            });
            new_id = Some(id);
            wake = true;
        }
        let Some(batch) = pq.batches.back_mut() else {
            return Err(Error::Other("accumulator queue unexpectedly empty".into()));
        };
        let index = batch.builder.append(rec.timestamp_ms, rec.key, rec.value, rec.headers);
        batch.reserved += reserved;
        let full_at = if pq.in_flight == 0 { self.batch_size } else { self.grow_cap };
        if batch.builder.uncompressed_size() >= full_at {
            wake = true;
        }
        let result = batch.result.clone();
        if let Some(id) = new_id {
            st.incomplete.insert(id);
        }
        Ok(Appended { result, index, wake_sender: wake })
    }

    /// The sticky partition: kept until batch_size bytes went to it (KIP-794's rule, which
    /// spreads load evenly even while batches grow past batch_size under load), then re-picked.
    fn sticky(&self, tq: &mut TopicQueues, pick: impl Fn() -> i32) -> i32 {
        match tq.sticky {
            Some(p) if tq.sticky_bytes < self.batch_size => p,
            previous => {
                let mut next = pick();
                // Move on to a different partition when there is more than one.
                for _ in 0..4 {
                    if Some(next) != previous {
                        break;
                    }
                    next = pick();
                }
                tq.sticky = Some(next);
                tq.sticky_bytes = 0;
                next
            }
        }
    }

    /// Called by the sender when a batch has completed: frees memory and wakes flushers.
    pub fn batch_done(&self, batch: &ProducerBatch, outcome: BatchOutcome) {
        batch.result.complete(outcome);
        self.release(batch.reserved);
        let mut st = self.state.lock();
        st.incomplete.remove(&batch.id);
        self.batch_completed.notify_all();
    }

    /// Asks for every batch that exists now to be sent immediately; returns the flush mark.
    pub fn begin_flush(&self) -> u64 {
        let mark = self.next_batch_id.load(Ordering::Relaxed);
        let mut st = self.state.lock();
        st.flush_before = st.flush_before.max(mark);
        mark
    }

    /// Waits until every batch created before `mark` has completed. False on timeout.
    pub fn await_flush(&self, mark: u64, timeout: Option<Duration>) -> bool {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut st = self.state.lock();
        loop {
            if st.incomplete.first().is_none_or(|first| *first >= mark) {
                return true;
            }
            match deadline {
                None => self.batch_completed.wait(&mut st),
                Some(d) => {
                    if self.batch_completed.wait_until(&mut st, d).timed_out() {
                        return st.incomplete.first().is_none_or(|first| *first >= mark);
                    }
                }
            }
        }
    }

    /// Number of batches not yet completed.
    pub fn incomplete_count(&self) -> usize {
        self.state.lock().incomplete.len()
    }
}
