//! The producer: `send()` appends into the [`accumulator`]; the [`sender`] task drains ready
//! batches per leader into Produce requests, retries retriable failures in order and completes
//! each batch's [`BatchResult`](batch::BatchResult), which every record's future reads.

pub mod accumulator;
pub mod batch;
pub mod partitioner;
pub mod sender;
pub mod transaction;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::network::runtime::{block_on_until, runtime};
use crate::network::{Client, ClientConfig, TopicInfo};
pub use accumulator::{Appended, RecordRef};
pub use batch::{BatchOutcome, BatchResult};

/// Producer settings (kafka-python's names, durations already converted).
#[derive(Debug, Clone)]
pub struct ProducerConfig {
    pub client: ClientConfig,
    /// 0, 1 or -1 (all).
    pub acks: i16,
    pub compression: Compression,
    pub retries: u32,
    pub batch_size: usize,
    pub linger: Duration,
    pub buffer_memory: usize,
    pub max_block: Duration,
    pub max_request_size: usize,
    pub delivery_timeout: Duration,
    pub enable_idempotence: bool,
    /// Makes the producer transactional (implies idempotence).
    pub transactional_id: Option<String>,
    pub transaction_timeout: Duration,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        Self {
            client: ClientConfig::default(),
            acks: -1,
            compression: Compression::None,
            retries: i32::MAX as u32,
            batch_size: 16384,
            linger: Duration::from_millis(5),
            buffer_memory: 32 * 1024 * 1024,
            max_block: Duration::from_millis(60_000),
            max_request_size: 1024 * 1024,
            delivery_timeout: Duration::from_millis(120_000),
            enable_idempotence: true,
            transactional_id: None,
            transaction_timeout: Duration::from_millis(60_000),
        }
    }
}

/// State shared by the producer handle and its sender task.
pub(crate) struct Shared {
    pub config: ProducerConfig,
    pub client: Arc<Client>,
    pub acc: accumulator::Accumulator,
    pub wake: Notify,
    /// (producer id, epoch); (-1, -1) until InitProducerId succeeds or without idempotence.
    pub producer_id: Mutex<(i64, i16)>,
    /// Set when a partition's sequence state is unrecoverable: the sender bumps the epoch.
    pub bump_epoch: AtomicBool,
    pub stop: AtomicBool,
    pub sender_exited: Notify,
    /// The transactional state, for a transactional producer.
    pub txn: Option<transaction::TxnManager>,
}

/// A transactional operation that waits for the network (see [`Producer::transaction_op`]).
pub enum TxnOp {
    Init,
    SendOffsets(Vec<transaction::TxnOffset>, transaction::GroupMetadata),
    Commit,
    Abort,
}

/// The future of a [`TxnOp`].
pub type TxnFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send>>;

/// `commit_transaction()` / `abort_transaction()`: an abort fails the records not sent yet;
/// then every batch of the transaction completes (delivery_timeout bounds each), then EndTxn.
async fn end_transaction(
    shared: &Shared,
    txn: &transaction::TxnManager,
    commit: bool,
    deadline: Instant,
) -> Result<()> {
    txn.begin_end(commit)?;
    if !commit {
        sender::fail_queued(shared, &Error::Other("Failing batch since transaction was aborted".into()));
    }
    let mark = shared.acc.begin_flush();
    shared.wake.notify_one();
    while !shared.acc.await_flush(mark, Some(Duration::ZERO)) {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    txn.end(shared, commit, deadline).await
}

/// A Kafka producer (the Rust core of `kafka.KafkaProducer`).
pub struct Producer {
    shared: Arc<Shared>,
    closed: AtomicBool,
    /// (metadata generation, topic) of the last lookup: repeated sends skip the map lookup.
    last_topic: Mutex<Option<(u64, Arc<TopicInfo>)>>,
}

/// Why `try_send` could not append without blocking.
pub enum WouldBlock {
    /// The topic's metadata is not known yet.
    Metadata,
    /// buffer_memory is exhausted.
    Memory,
}

/// Current wall-clock time in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl Producer {
    /// Creates the producer and starts its sender on the shared runtime. Connecting happens in
    /// the background; the first `send()` waits for metadata up to `max_block`.
    pub fn new(config: ProducerConfig) -> Result<Producer> {
        let client = Client::new(config.client.clone());
        let txn = config.transactional_id.clone().map(|id| {
            let timeout = i32::try_from(config.transaction_timeout.as_millis()).unwrap_or(i32::MAX);
            transaction::TxnManager::new(id, timeout)
        });
        let shared = Arc::new(Shared {
            txn,
            acc: accumulator::Accumulator::new(
                config.batch_size,
                config.buffer_memory,
                config.compression,
                config.max_request_size,
            ),
            client,
            wake: Notify::new(),
            producer_id: Mutex::new((-1, -1)),
            bump_epoch: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            sender_exited: Notify::new(),
            config,
        });
        runtime().spawn(sender::run(shared.clone()));
        Ok(Producer { shared, closed: AtomicBool::new(false), last_topic: Mutex::new(None) })
    }

    pub fn config(&self) -> &ProducerConfig {
        &self.shared.config
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.shared.client
    }

    /// Checks the record against max_request_size and buffer_memory.
    pub fn check_record_size(&self, rec: &RecordRef<'_>) -> Result<usize> {
        // Record batch overhead (61 bytes) plus the record at its widest.
        let size = 61 + rec.size_upper_bound();
        let c = &self.shared.config;
        if size > c.max_request_size {
            return Err(Error::MessageSizeTooLarge(format!(
                "The message is {size} bytes when serialized which is larger than the maximum request size you have configured with the max_request_size configuration"
            )));
        }
        if size > c.buffer_memory {
            return Err(Error::MessageSizeTooLarge(format!(
                "The message is {size} bytes when serialized which is larger than the total memory buffer you have configured with the buffer_memory configuration."
            )));
        }
        Ok(size)
    }

    /// Cached metadata for `topic`, if present.
    pub fn cached_topic(&self, topic: &str) -> Option<Arc<TopicInfo>> {
        let generation = self.shared.client.metadata_generation();
        let mut last = self.last_topic.lock();
        if let Some((g, info)) = last.as_ref() {
            if *g == generation && info.name == topic {
                return Some(info.clone());
            }
        }
        let found = self.shared.client.cluster().topic(topic).filter(|t| !t.partitions.is_empty()).cloned();
        if let Some(info) = &found {
            *last = Some((generation, info.clone()));
        }
        found
    }

    /// Waits (blocking this thread) for metadata of `topic` until `deadline`. Every 100 ms
    /// `interrupted()` is asked whether to give up (Ctrl-C in the bindings).
    pub fn wait_for_topic(
        &self,
        topic: &str,
        deadline: Instant,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> Result<Arc<TopicInfo>> {
        if let Some(t) = self.cached_topic(topic) {
            return Ok(t);
        }
        let client = self.shared.client.clone();
        let name = topic.to_string();
        let mut task = runtime().spawn(async move { client.wait_for_topic(&name, deadline).await });
        loop {
            match runtime()
                .block_on(async { tokio::time::timeout(Duration::from_millis(100), &mut task).await })
            {
                Ok(Ok(result)) => return result,
                Ok(Err(join)) => return Err(Error::Other(format!("metadata wait failed: {join}"))),
                Err(_) if interrupted() => {
                    task.abort();
                    return Err(Error::Interrupted);
                }
                Err(_) => {}
            }
        }
    }

    /// Appends without blocking. `Err(Ok(WouldBlock))` tells the caller to retry with
    /// [`send_blocking`](Self::send_blocking) (after releasing the GIL).
    pub fn try_send(
        &self,
        topic: &str,
        partition: Option<i32>,
        rec: &RecordRef<'_>,
    ) -> std::result::Result<Appended, std::result::Result<WouldBlock, Error>> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Err(Error::Closed("KafkaProducer already closed!".into())));
        }
        if let Some(txn) = &self.shared.txn {
            txn.check_send().map_err(Err)?;
        }
        let size = self.check_record_size(rec).map_err(Err)?;
        let Some(info) = self.cached_topic(topic) else {
            return Err(Ok(WouldBlock::Metadata));
        };
        let partition = self.resolve_partition(&info, partition, rec.key).map_err(Err)?;
        if !self.shared.acc.reserve(size, None) {
            return Err(Ok(WouldBlock::Memory));
        }
        self.append_reserved(&info, partition, rec, size).map_err(Err)
    }

    /// Explicit partition (validated), murmur2 of the key, or None for the sticky partition.
    fn resolve_partition(
        &self,
        info: &TopicInfo,
        partition: Option<i32>,
        key: Option<&[u8]>,
    ) -> Result<Option<i32>> {
        match (partition, key) {
            (Some(p), _) if info.partition(p).is_none() => {
                Err(Error::InvalidArgument(format!("Unrecognized partition {p}")))
            }
            (Some(p), _) => Ok(Some(p)),
            (None, Some(k)) => Ok(Some(partitioner::partition_for_key(k, info.partitions.len()))),
            (None, None) => Ok(None),
        }
    }

    fn append_reserved(
        &self,
        info: &TopicInfo,
        partition: Option<i32>,
        rec: &RecordRef<'_>,
        size: usize,
    ) -> Result<Appended> {
        let pick = || partitioner::random_partition(&info.available_partitions(), info.partitions.len());
        match self.shared.acc.append(&info.name, info.partitions.len(), partition, pick, rec, size) {
            Ok(a) => {
                if a.wake_sender {
                    self.shared.wake.notify_one();
                }
                Ok(a)
            }
            Err(e) => {
                self.shared.acc.release(size);
                Err(e)
            }
        }
    }

    /// Appends, blocking this thread up to max_block for metadata and buffer memory; every 100 ms
    /// `interrupted()` is asked whether to give up.
    pub fn send_blocking(
        &self,
        topic: &str,
        partition: Option<i32>,
        rec: &RecordRef<'_>,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> Result<Appended> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::Closed("KafkaProducer already closed!".into()));
        }
        if let Some(txn) = &self.shared.txn {
            txn.check_send()?;
        }
        let start = Instant::now();
        let deadline = start + self.shared.config.max_block;
        let size = self.check_record_size(rec)?;
        let info = self.wait_for_topic(topic, deadline, interrupted)?;
        let partition = self.resolve_partition(&info, partition, rec.key)?;
        loop {
            let slice = deadline.min(Instant::now() + Duration::from_millis(100));
            if self.shared.acc.reserve(size, Some(slice)) {
                break;
            }
            if Instant::now() >= deadline {
                return Err(Error::Timeout(format!(
                    "Failed to allocate memory within the configured max blocking time {} ms.",
                    self.shared.config.max_block.as_millis()
                )));
            }
            if interrupted() {
                return Err(Error::Interrupted);
            }
        }
        self.append_reserved(&info, partition, rec, size)
    }

    /// Partition ids of `topic`, waiting up to max_block for metadata.
    pub fn partitions_for(&self, topic: &str, interrupted: &mut dyn FnMut() -> bool) -> Result<Vec<i32>> {
        let deadline = Instant::now() + self.shared.config.max_block;
        Ok(self
            .wait_for_topic(topic, deadline, interrupted)?
            .partitions
            .iter()
            .map(|p| p.partition)
            .collect())
    }

    /// Like [`Self::flush`] until `deadline` (None: no limit), in 100 ms slices that ask
    /// `interrupted` whether to stop. False when it did not complete.
    fn flush_until(&self, deadline: Option<Instant>, interrupted: &mut dyn FnMut() -> bool) -> bool {
        let mark = self.shared.acc.begin_flush();
        self.shared.wake.notify_one();
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let slice = left.map_or(Duration::from_millis(100), |l| l.min(Duration::from_millis(100)));
            if self.shared.acc.await_flush(mark, Some(slice)) {
                return true;
            }
            if left.is_some_and(|l| l <= slice) || interrupted() {
                return false;
            }
        }
    }

    /// Sends everything buffered now and waits for it to complete. False on timeout.
    pub fn flush(&self, timeout: Option<Duration>) -> bool {
        let mark = self.shared.acc.begin_flush();
        self.shared.wake.notify_one();
        self.shared.acc.await_flush(mark, timeout)
    }

    /// Flushes within `timeout`, then fails what is left and stops the sender. Idempotent.
    /// An open transaction is aborted first (as the Java client does).
    /// Every wait stops early when `interrupted` says so (Ctrl-C): what is left then fails.
    pub fn close(&self, timeout: Option<Duration>, interrupted: &mut dyn FnMut() -> bool) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut stopped = false;
        if self.shared.txn.as_ref().is_some_and(transaction::TxnManager::has_open_transaction) {
            log::info!("Aborting incomplete transaction due to shutdown");
            let bound = deadline
                .map_or(self.shared.config.max_block, |d| d.saturating_duration_since(Instant::now()));
            let abort = self.transaction_op(TxnOp::Abort);
            match block_on_until(async { tokio::time::timeout(bound, abort).await }, interrupted) {
                None => stopped = true,
                Some(waited) => {
                    if let Err(e) = waited.unwrap_or_else(|_| Err(Error::Timeout("abort timed out".into()))) {
                        log::warn!("could not abort the open transaction at close: {e}");
                    }
                }
            }
        }
        let flushed = !stopped && self.flush_until(deadline, interrupted);
        {
            let mut st = self.shared.acc.state.lock();
            st.closed = true;
        }
        if !flushed {
            sender::abort_queued(&self.shared, "Producer is closed forcefully.");
        }
        self.shared.stop.store(true, Ordering::Release);
        self.shared.wake.notify_one();
        self.shared.client.close();
    }

    fn txn(&self) -> Result<&transaction::TxnManager> {
        self.shared.txn.as_ref().ok_or_else(|| {
            Error::IllegalState("Transactional method invoked on a non-transactional producer.".into())
        })
    }

    /// Runs a transactional operation on the runtime, asking `interrupted()` every 100 ms.
    fn run_txn(&self, interrupted: &mut dyn FnMut() -> bool, op: TxnFuture) -> Result<()> {
        let mut task = runtime().spawn(op);
        loop {
            match runtime()
                .block_on(async { tokio::time::timeout(Duration::from_millis(100), &mut task).await })
            {
                Ok(Ok(result)) => return result,
                Ok(Err(join)) => return Err(Error::Other(format!("transactional request failed: {join}"))),
                Err(_) if interrupted() => {
                    task.abort();
                    return Err(Error::Interrupted);
                }
                Err(_) => {}
            }
        }
    }

    /// A transactional operation as a future on the shared runtime (the asyncio producer awaits
    /// it; the blocking methods below run it with Ctrl-C checks). Operations other than
    /// `begin_transaction` are bounded by max_block.
    pub fn transaction_op(&self, op: TxnOp) -> TxnFuture {
        let shared = self.shared.clone();
        let deadline = Instant::now() + shared.config.max_block;
        Box::pin(async move {
            let Some(txn) = &shared.txn else {
                return Err(Error::IllegalState(
                    "Transactional method invoked on a non-transactional producer.".into(),
                ));
            };
            match op {
                TxnOp::Init => txn.init_transactions(&shared, deadline).await,
                TxnOp::SendOffsets(offsets, group) => {
                    txn.send_offsets(&shared, offsets, group, deadline).await
                }
                TxnOp::Commit => end_transaction(&shared, txn, true, deadline).await,
                TxnOp::Abort => end_transaction(&shared, txn, false, deadline).await,
            }
        })
    }

    /// `init_transactions()`: a producer id and epoch for the transactional id (fencing older
    /// producers with the same id), within max_block.
    pub fn init_transactions(&self, interrupted: &mut dyn FnMut() -> bool) -> Result<()> {
        self.txn()?;
        self.run_txn(interrupted, self.transaction_op(TxnOp::Init))
    }

    /// `begin_transaction()`.
    pub fn begin_transaction(&self) -> Result<()> {
        self.txn()?.begin_transaction()
    }

    /// `send_offsets_to_transaction()`.
    pub fn send_offsets_to_transaction(
        &self,
        offsets: Vec<transaction::TxnOffset>,
        group: transaction::GroupMetadata,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> Result<()> {
        self.txn()?;
        self.run_txn(interrupted, self.transaction_op(TxnOp::SendOffsets(offsets, group)))
    }

    /// `commit_transaction()`: waits for every record of the transaction, then EndTxn(commit).
    pub fn commit_transaction(&self, interrupted: &mut dyn FnMut() -> bool) -> Result<()> {
        self.txn()?;
        self.run_txn(interrupted, self.transaction_op(TxnOp::Commit))
    }

    /// `abort_transaction()`: fails the records not sent yet, waits for those in flight, then
    /// EndTxn(abort).
    pub fn abort_transaction(&self, interrupted: &mut dyn FnMut() -> bool) -> Result<()> {
        self.txn()?;
        self.run_txn(interrupted, self.transaction_op(TxnOp::Abort))
    }

    /// The transactional state's name (kafka-python's `TransactionState`), None without a
    /// transactional id.
    pub fn transaction_state(&self) -> Option<&'static str> {
        self.shared.txn.as_ref().map(|t| t.state().name())
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Bytes of buffer memory in use and batches not yet completed (for metrics()).
    pub fn stats(&self) -> (usize, usize) {
        (self.shared.acc.used_memory(), self.shared.acc.incomplete_count())
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        if !self.closed.load(Ordering::Acquire) {
            self.shared.stop.store(true, Ordering::Release);
            self.shared.wake.notify_one();
            self.shared.client.close();
        }
    }
}
