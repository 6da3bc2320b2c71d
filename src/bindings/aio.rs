//! `kafka._native.AioProducer`: the asyncio face of the producer core (used by
//! `kafka.aio.AIOKafkaProducer`).
//!
//! * `send` is `AIOKafkaProducer.send()`: the common case (bytes after serialization, a
//!   validated topic, metadata and buffer memory available) appends in Rust and returns an
//!   awaitable that completes at once; anything else hands over to the Python coroutine
//!   `_send_slow`, which raises the right error or awaits what is missing.
//! * `try_send` appends without ever blocking the event loop: it returns None when the topic's
//!   metadata or buffer memory is missing, and the caller awaits `wait_capacity` (a Rust future on
//!   the shared tokio runtime, through pyo3-async-runtimes) before trying again.
//! * Delivery futures are `DeliveryFuture`s (see `aio_future`). Completed batches are queued by
//!   their `on_complete` hooks (on tokio threads, without the GIL) and the loop is woken through
//!   a socket pair registered with `loop.add_reader`: one wake-up and one `drain()` call per burst
//!   of completed batches, however many records they hold, and one `call_soon` for all their
//!   futures' done callbacks.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;

use super::aio_future::{AioLoop, DeliveryFuture, SendAwaitable};
use super::errors::to_pyerr;
use super::producer::PyProducer;
use super::record::{bytes_like, known_partition, plain_headers, timestamp, RecordArgs, TopicNames};
use crate::error::Error;
use crate::producer::transaction::GroupMetadata;
use crate::producer::{now_ms, BatchResult, Producer, TxnOp, WouldBlock};

/// One record waiting for its batch: its delivery future.
struct Pending {
    fut: Py<DeliveryFuture>,
}

/// Records of one batch that are still waiting.
struct Group {
    result: Arc<BatchResult>,
    records: Vec<Pending>,
}

/// How a tokio thread tells the event loop that completed batches are queued.
enum Waker {
    #[cfg(unix)]
    Socket { tx: std::os::unix::net::UnixStream, rx: std::os::unix::net::UnixStream },
    /// A Python callable (e.g. `loop.call_soon_threadsafe` bound to the drain), set by Python
    /// when the loop cannot watch file descriptors.
    Callback(Mutex<Option<Py<PyAny>>>),
}

/// Completed batches on their way from tokio threads to the event loop.
struct Bridge {
    /// Batches with waiting records, keyed by the address of their `BatchResult` (kept alive by
    /// the `Arc` in the group, so the key cannot be reused while the entry exists).
    open: Mutex<HashMap<usize, Group>>,
    done: Mutex<Vec<Group>>,
    wake_pending: AtomicBool,
    waker: Waker,
}

impl Bridge {
    fn new() -> Self {
        #[cfg(unix)]
        let waker = match std::os::unix::net::UnixStream::pair() {
            Ok((tx, rx)) if tx.set_nonblocking(true).is_ok() && rx.set_nonblocking(true).is_ok() => {
                Waker::Socket { tx, rx }
            }
            _ => Waker::Callback(Mutex::new(None)),
        };
        #[cfg(not(unix))]
        let waker = Waker::Callback(Mutex::new(None));
        Self {
            open: Mutex::new(HashMap::new()),
            done: Mutex::new(Vec::new()),
            wake_pending: AtomicBool::new(false),
            waker,
        }
    }

    /// Called from a batch's completion hook (any thread).
    fn completed(&self, key: usize) {
        let Some(group) = self.open.lock().remove(&key) else { return };
        self.done.lock().push(group);
        if self.wake_pending.swap(true, Ordering::AcqRel) {
            return; // a wake-up is already on its way
        }
        match &self.waker {
            #[cfg(unix)]
            Waker::Socket { tx, .. } => {
                use std::io::Write;
                // WouldBlock means bytes are already pending: the loop will wake anyway.
                let _ = (&*tx).write(&[1]);
            }
            Waker::Callback(cb) => {
                if super::logging::SHUTTING_DOWN.load(Ordering::Acquire) {
                    return;
                }
                Python::attach(|py| {
                    let f = cb.lock().as_ref().map(|f| f.clone_ref(py));
                    if let Some(f) = f {
                        if let Err(e) = f.call0(py) {
                            e.print(py);
                        }
                    }
                });
            }
        }
    }

    /// Empties the wake-up channel, then takes the completed groups.
    fn take_done(&self) -> Vec<Group> {
        #[cfg(unix)]
        if let Waker::Socket { rx, .. } = &self.waker {
            use std::io::Read;
            let mut buf = [0u8; 256];
            while matches!((&*rx).read(&mut buf), Ok(n) if n > 0) {}
        }
        self.wake_pending.store(false, Ordering::Release);
        std::mem::take(&mut *self.done.lock())
    }
}

/// The asyncio producer: a `kafka._native.Producer` plus the delivery bridge.
#[pyclass(module = "kafka._native", name = "AioProducer", frozen)]
pub struct AioProducer {
    producer: Py<PyProducer>,
    bridge: Arc<Bridge>,
    /// The event loop, its callback runner and the RecordMetadata class; set by `attach`.
    aio_loop: PyOnceLock<Py<AioLoop>>,
    /// What `send()` needs from the Python object, set by `attach`.
    send_config: PyOnceLock<SendConfig>,
    closed: AtomicBool,
    /// Validated topic names (`topic_validated`) and the last topic seen.
    topics: TopicNames,
}

/// The serializers and partitioner of the Python producer, for the native `send()`.
struct SendConfig {
    key_serializer: Option<Py<PyAny>>,
    value_serializer: Option<Py<PyAny>>,
    /// A user partitioner is a Python callable: records then take the Python path.
    custom_partitioner: bool,
}

impl AioProducer {
    fn core(&self) -> &Producer {
        self.producer.get().core()
    }

    fn aio_loop<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, AioLoop>> {
        self.aio_loop
            .get(py)
            .map(|l| l.bind(py))
            .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("AioProducer not started"))
    }

    /// Appends a record whose checks passed; Ok(None) when metadata or buffer memory is missing.
    fn append(
        &self,
        py: Python<'_>,
        topic: &str,
        args: RecordArgs<'_>,
    ) -> PyResult<Option<Py<DeliveryFuture>>> {
        let aio_loop = self.aio_loop(py)?;
        let timestamp = args.timestamp_ms.unwrap_or_else(now_ms);
        let headers = args.header_refs();
        let rec = args.record_ref(timestamp, &headers);
        let appended = match self.core().try_send(topic, args.partition, &rec) {
            Ok(a) => a,
            Err(Ok(WouldBlock::Metadata | WouldBlock::Memory)) => return Ok(None),
            Err(Err(e)) => return Err(to_pyerr(py, e)),
        };
        let key = Arc::as_ptr(&appended.result) as usize;
        let fut = Bound::new(
            py,
            DeliveryFuture::new(
                appended.result.clone(),
                appended.index,
                timestamp,
                aio_loop.clone().unbind(),
            ),
        )?;
        DeliveryFuture::untrack(&fut);
        let fut = fut.unbind();
        let new_group = {
            let mut open = self.bridge.open.lock();
            let pending = Pending { fut: fut.clone_ref(py) };
            match open.get_mut(&key) {
                Some(g) => {
                    g.records.push(pending);
                    false
                }
                None => {
                    open.insert(key, Group { result: appended.result.clone(), records: vec![pending] });
                    true
                }
            }
        };
        if new_group {
            let bridge = self.bridge.clone();
            appended.result.on_complete(move |_| bridge.completed(key));
        }
        Ok(Some(fut))
    }

    /// The fast path of `send()`: Ok(None) when the record needs the Python path (a check to
    /// raise, a user partitioner, missing metadata or memory); serialized key and value are
    /// returned in `serialized` once the serializers ran, so they never run twice.
    #[allow(clippy::too_many_arguments)] // mirrors send()
    fn send_fast<'py>(
        &self,
        py: Python<'py>,
        topic: &Bound<'py, PyAny>,
        value: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
        partition: &Bound<'py, PyAny>,
        timestamp_ms: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        serialized: &mut Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    ) -> PyResult<Option<Py<DeliveryFuture>>> {
        let Some(cfg) = self.send_config.get(py) else { return Ok(None) };
        if self.closed.load(Ordering::Acquire) || (key.is_none() && value.is_none()) {
            return Ok(None);
        }
        let key = match &cfg.key_serializer {
            Some(f) => f.bind(py).call1((key,))?,
            None => key.clone(),
        };
        let value = match &cfg.value_serializer {
            Some(f) => f.bind(py).call1((value,))?,
            None => value.clone(),
        };
        let (Some(key_arg), Some(value_arg)) = (bytes_like(&key)?, bytes_like(&value)?) else {
            *serialized = Some((key, value));
            return Ok(None);
        };
        *serialized = Some((key.clone(), value.clone()));
        let Some(topic) = self.topics.known(topic)? else { return Ok(None) };
        if cfg.custom_partitioner && partition.is_none() {
            return Ok(None);
        }
        let Some(partition) = known_partition(self.core(), &topic, Some(partition)) else { return Ok(None) };
        let Some(timestamp_ms) = timestamp(Some(timestamp_ms)) else { return Ok(None) };
        let headers = if headers.is_none() || !headers.is_truthy()? {
            Vec::new()
        } else {
            match plain_headers(headers, true, true)? {
                Some(list) => list,
                None => return Ok(None),
            }
        };
        self.append(
            py,
            &topic,
            RecordArgs { partition, key: key_arg, value: value_arg, headers, timestamp_ms },
        )
    }
}

impl AioProducer {
    fn txn_awaitable<'py>(&self, py: Python<'py>, op: TxnOp) -> PyResult<Bound<'py, PyAny>> {
        let fut = self.core().transaction_op(op);
        pyo3_async_runtimes::tokio::future_into_py(py, async move { fut.await.map_err(err_to_py) })
    }
}

fn err_to_py(e: Error) -> PyErr {
    Python::attach(|py| to_pyerr(py, e))
}

#[pymethods]
impl AioProducer {
    #[new]
    fn new(producer: Py<PyProducer>) -> Self {
        Self {
            producer,
            bridge: Arc::new(Bridge::new()),
            aio_loop: PyOnceLock::new(),
            send_config: PyOnceLock::new(),
            closed: AtomicBool::new(false),
            topics: TopicNames::default(),
        }
    }

    /// Binds the producer to `event_loop` (its futures belong to it), to the RecordMetadata
    /// class to resolve them with, and to the serializers `send()` applies.
    #[pyo3(signature = (event_loop, metadata_class, key_serializer=None, value_serializer=None, custom_partitioner=false))]
    fn attach(
        &self,
        py: Python<'_>,
        event_loop: Py<PyAny>,
        metadata_class: Py<PyAny>,
        key_serializer: Option<Py<PyAny>>,
        value_serializer: Option<Py<PyAny>>,
        custom_partitioner: bool,
    ) -> PyResult<()> {
        let acks_zero = self.core().config().acks == 0;
        let aio_loop = Py::new(py, AioLoop::new(py, event_loop, metadata_class, acks_zero)?)?;
        let cfg = SendConfig { key_serializer, value_serializer, custom_partitioner };
        if self.aio_loop.set(py, aio_loop).is_err() || self.send_config.set(py, cfg).is_err() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "AioProducer is already attached to a loop",
            ));
        }
        Ok(())
    }

    /// Marks `topic` as a valid topic name (checked by the Python layer) for the fast path.
    fn topic_validated(&self, topic: String) {
        self.topics.validated(topic);
    }

    /// `AIOKafkaProducer.send()`: returns an awaitable completing with the record's delivery
    /// future. The common case (bytes after serialization, validated topic, no user
    /// partitioner, metadata and memory available) appends here; anything else returns the
    /// coroutine `owner._send_slow(...)`, which raises the right error or waits.
    #[pyo3(signature = (owner, topic, value=None, key=None, partition=None, timestamp_ms=None, headers=None))]
    #[allow(clippy::too_many_arguments)] // aiokafka's send() signature plus the owner
    fn send(
        &self,
        py: Python<'_>,
        owner: &Bound<'_, PyAny>,
        topic: &Bound<'_, PyAny>,
        value: Option<&Bound<'_, PyAny>>,
        key: Option<&Bound<'_, PyAny>>,
        partition: Option<&Bound<'_, PyAny>>,
        timestamp_ms: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let none = py.None().into_bound(py);
        let (value, key) = (value.unwrap_or(&none), key.unwrap_or(&none));
        let (partition, timestamp_ms) = (partition.unwrap_or(&none), timestamp_ms.unwrap_or(&none));
        let headers = headers.unwrap_or(&none);
        let mut serialized = None;
        match self.send_fast(py, topic, value, key, partition, timestamp_ms, headers, &mut serialized) {
            Ok(Some(fut)) => Ok(SendAwaitable::ready(py, fut.into_any())?.into_any()),
            Err(e) => Ok(Py::new(py, SendAwaitable::failed(py, e))?.into_any()),
            Ok(None) => {
                let (key, value, done) = match serialized {
                    Some((k, v)) => (k, v, true),
                    None => (key.clone(), value.clone(), false),
                };
                let slow = pyo3::intern!(py, "_send_slow");
                Ok(owner
                    .call_method1(slow, (topic, value, key, partition, timestamp_ms, headers, done))?
                    .unbind())
            }
        }
    }

    /// The file descriptor the loop should watch (`loop.add_reader(fd, drain)`), or None when
    /// `set_wake_callback` must be used instead.
    fn wake_fd(&self) -> Option<i64> {
        match &self.bridge.waker {
            #[cfg(unix)]
            Waker::Socket { rx, .. } => {
                use std::os::fd::AsRawFd;
                Some(i64::from(rx.as_raw_fd()))
            }
            Waker::Callback(_) => None,
        }
    }

    /// Sets the callable run (from a tokio thread, with the GIL) when batches complete, for
    /// loops without `add_reader`; it must schedule `drain()` on the loop thread-safely.
    fn set_wake_callback(&self, callback: Py<PyAny>) -> PyResult<()> {
        match &self.bridge.waker {
            Waker::Callback(cb) => {
                *cb.lock() = Some(callback);
                Ok(())
            }
            #[cfg(unix)]
            Waker::Socket { .. } => {
                Err(pyo3::exceptions::PyRuntimeError::new_err("use wake_fd() with add_reader"))
            }
        }
    }

    /// Appends a serialized record without blocking. Returns its delivery future (resolved
    /// with RecordMetadata, or failed with a `kafka.errors` error, once the broker answered),
    /// or None when metadata or buffer memory is missing (await `wait_capacity`, then retry).
    #[pyo3(signature = (topic, partition, key, value, headers=None, timestamp_ms=None))]
    #[allow(clippy::too_many_arguments)] // mirrors send()
    fn try_send(
        &self,
        py: Python<'_>,
        topic: &Bound<'_, PyString>,
        partition: Option<i32>,
        key: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        timestamp_ms: Option<i64>,
    ) -> PyResult<Option<Py<DeliveryFuture>>> {
        let topic = self.topics.intern(topic)?;
        self.append(py, &topic, RecordArgs::checked(partition, key, value, headers, timestamp_ms)?)
    }

    /// Awaitable: waits (on the tokio runtime) until `topic`'s metadata is known and `size` bytes
    /// of buffer memory are free, for at most `timeout_ms`; raises KafkaTimeoutError otherwise.
    fn wait_capacity<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        size: usize,
        timeout_ms: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer.clone_ref(py);
        super::aio_runtime::future_into_py(py, async move {
            let core = producer.get().core();
            let deadline = Instant::now() + Duration::from_millis(timeout_ms);
            if core.cached_topic(&topic).is_none() {
                core.client().wait_for_topic(&topic, deadline).await.map_err(err_to_py)?;
            }
            let limit = core.config().buffer_memory;
            loop {
                let used = core.stats().0;
                if used == 0 || used + size <= limit || core.is_closed() {
                    return Ok(());
                }
                if Instant::now() >= deadline {
                    return Err(err_to_py(Error::Timeout(format!(
                        "Failed to allocate memory within the configured max blocking time {timeout_ms} ms."
                    ))));
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    }

    /// Awaitable: connects and loads cluster metadata, retrying until `timeout_ms`.
    fn bootstrap<'py>(&self, py: Python<'py>, timeout_ms: u64) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer.clone_ref(py);
        super::aio_runtime::future_into_py(py, async move {
            let client = producer.get().core().client().clone();
            let deadline = Instant::now() + Duration::from_millis(timeout_ms);
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                let err = match tokio::time::timeout(left, client.refresh_metadata()).await {
                    Ok(Ok(_)) => return Ok(()),
                    Ok(Err(e)) => e,
                    Err(_) => Error::Timeout("metadata request timed out".into()),
                };
                if err.is_auth_failure() || Instant::now() + client.config().retry_backoff >= deadline {
                    return Err(err_to_py(err));
                }
                tokio::time::sleep(client.config().retry_backoff).await;
            }
        })
    }

    /// Awaitable: partition ids of `topic`, waiting up to `timeout_ms` for its metadata.
    fn partitions_for<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        timeout_ms: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let producer = self.producer.clone_ref(py);
        super::aio_runtime::future_into_py(py, async move {
            let core = producer.get().core();
            let info = match core.cached_topic(&topic) {
                Some(t) => t,
                None => {
                    let deadline = Instant::now() + Duration::from_millis(timeout_ms);
                    core.client().wait_for_topic(&topic, deadline).await.map_err(err_to_py)?
                }
            };
            Ok(info.partitions.iter().map(|p| p.partition).collect::<Vec<i32>>())
        })
    }

    /// Partition ids of `topic` from cached metadata (None if unknown), and those with a leader.
    fn cached_partitions(&self, topic: &str) -> Option<(Vec<i32>, Vec<i32>)> {
        self.core()
            .cached_topic(topic)
            .map(|t| (t.partitions.iter().map(|p| p.partition).collect(), t.available_partitions()))
    }

    /// Awaitable: `init_transactions()` of the core (also run by `start()` with a transactional id).
    fn init_transactions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.txn_awaitable(py, TxnOp::Init)
    }

    fn begin_transaction(&self, py: Python<'_>) -> PyResult<()> {
        self.core().begin_transaction().map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable: commits the open transaction once its records are acknowledged.
    fn commit_transaction<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.txn_awaitable(py, TxnOp::Commit)
    }

    /// Awaitable: aborts the open transaction.
    fn abort_transaction<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.txn_awaitable(py, TxnOp::Abort)
    }

    /// Awaitable: `offsets` [(topic, partition, offset, metadata, leader_epoch)] committed in the
    /// transaction for `group_id`.
    fn send_offsets_to_transaction<'py>(
        &self,
        py: Python<'py>,
        offsets: Vec<(String, i32, i64, Option<String>, i32)>,
        group_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let group =
            GroupMetadata { group_id, generation_id: -1, member_id: String::new(), group_instance_id: None };
        self.txn_awaitable(py, TxnOp::SendOffsets(offsets, group))
    }

    /// The transactional state's name (None without a transactional id).
    fn transaction_state(&self) -> Option<&'static str> {
        self.core().transaction_state()
    }

    /// Awaitable: sends every record appended so far without waiting for linger and completes
    /// when all of them are done. Call `drain()` afterwards to resolve their futures.
    fn flush<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pending: Vec<(usize, Arc<BatchResult>)> =
            self.bridge.open.lock().iter().map(|(k, g)| (*k, g.result.clone())).collect();
        let bridge = self.bridge.clone();
        // A zero timeout only marks the current batches for immediate sending and wakes the sender.
        let core = self.core();
        let _ = py.detach(|| core.flush(Some(Duration::ZERO)));
        super::aio_runtime::future_into_py(py, async move {
            for (_, r) in &pending {
                r.wait_async().await;
            }
            // Completion hooks run right after waiters are woken: wait until they have queued
            // every group, so that the caller's drain() resolves all of them.
            while pending.iter().any(|(k, _)| bridge.open.lock().contains_key(k)) {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            Ok(())
        })
    }

    /// Marks the futures of every completed batch done and schedules their callbacks (one
    /// `call_soon` for all of them). Run on the loop thread when woken.
    fn drain(&self, py: Python<'_>) -> PyResult<usize> {
        let groups = self.bridge.take_done();
        let mut n = 0;
        let mut ready = Vec::new();
        for g in groups {
            n += g.records.len();
            for p in g.records {
                DeliveryFuture::complete(p.fut.bind(py), &mut ready);
            }
        }
        if let Some(aio_loop) = self.aio_loop.get(py) {
            AioLoop::schedule(aio_loop.bind(py), ready)?;
        }
        Ok(n)
    }

    /// Number of records whose futures are not resolved yet.
    fn pending_count(&self) -> usize {
        self.bridge.open.lock().values().map(|g| g.records.len()).sum::<usize>()
            + self.bridge.done.lock().iter().map(|g| g.records.len()).sum::<usize>()
    }

    /// Stops the producer: what is still buffered fails, connections close. Does not wait.
    fn close(&self, py: Python<'_>) {
        self.closed.store(true, Ordering::Release);
        let core = self.core();
        py.detach(|| core.close(Some(Duration::ZERO), &mut || false));
        if let Waker::Callback(cb) = &self.bridge.waker {
            let _ = cb.lock().take();
        }
    }
}
