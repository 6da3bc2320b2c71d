//! `kafka._native.AioProducer`: the asyncio face of the producer core (used by
//! `kafka.aio.AIOKafkaProducer`).
//!
//! * `try_send` appends without ever blocking the event loop: it returns None when the topic's
//!   metadata or buffer memory is missing, and the caller awaits `wait_capacity` (a Rust future on
//!   the shared tokio runtime, through pyo3-async-runtimes) before trying again.
//! * Delivery futures are plain `asyncio.Future`s created on the producer's loop. Completed
//!   batches are queued by their `on_complete` hooks (on tokio threads, without the GIL) and the
//!   loop is woken through a socket pair registered with `loop.add_reader`: one wake-up and one
//!   `drain()` call per burst of completed batches, however many records they hold.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString};

use super::errors::to_pyerr;
use super::producer::PyProducer;
use crate::error::Error;
use crate::producer::{now_ms, BatchOutcome, BatchResult, Producer, RecordRef, WouldBlock};

static TOPIC_PARTITION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static INVALID_STATE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn topic_partition_class(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    TOPIC_PARTITION
        .get_or_try_init(py, || py.import("kafka.structs")?.getattr("TopicPartition").map(Bound::unbind))
        .map(|c| c.bind(py).clone())
}

fn is_invalid_state(py: Python<'_>, e: &PyErr) -> bool {
    INVALID_STATE
        .get_or_try_init(py, || py.import("asyncio")?.getattr("InvalidStateError").map(Bound::unbind))
        .is_ok_and(|c| e.is_instance(py, c.bind(py)))
}

/// One record waiting for its batch: its asyncio future and what its metadata needs.
struct Pending {
    fut: Py<PyAny>,
    index: i32,
    timestamp: i64,
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
                if super::SHUTTING_DOWN.load(Ordering::Acquire) {
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
    /// `loop.create_future`, set by `attach`.
    create_future: PyOnceLock<Py<PyAny>>,
    /// `aiokafka.structs.RecordMetadata`-shaped class, set by `attach`.
    metadata_class: PyOnceLock<Py<PyAny>>,
}

impl AioProducer {
    fn core(&self) -> &Producer {
        self.producer.get().core()
    }

    fn resolve_group(&self, py: Python<'_>, group: Group) -> PyResult<()> {
        let Some(outcome) = group.result.outcome() else { return Ok(()) };
        let set = |fut: &Py<PyAny>, method: &Bound<'_, PyString>, arg: Bound<'_, PyAny>| {
            if let Err(e) = fut.bind(py).call_method1(method, (arg,)) {
                // The awaiting task was cancelled: the future is done, the record is not affected.
                if !is_invalid_state(py, &e) {
                    e.print(py);
                }
            }
        };
        match outcome {
            BatchOutcome::Delivered { base_offset, log_append_time, log_start_offset } => {
                let topic = PyString::new(py, &group.result.topic);
                let partition = group.result.partition;
                let tp = topic_partition_class(py)?.call1((&topic, partition))?;
                let class = self
                    .metadata_class
                    .get(py)
                    .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("AioProducer not attached"))?
                    .bind(py);
                let method = pyo3::intern!(py, "set_result");
                let ts_type = i32::from(log_append_time >= 0);
                for p in group.records {
                    let offset = if base_offset < 0 { -1 } else { base_offset + i64::from(p.index) };
                    let ts = if log_append_time >= 0 { log_append_time } else { p.timestamp };
                    match class.call1((&topic, partition, &tp, offset, ts, ts_type, log_start_offset)) {
                        Ok(md) => set(&p.fut, method, md),
                        Err(e) => set(
                            &p.fut,
                            pyo3::intern!(py, "set_exception"),
                            e.into_value(py).into_any().into_bound(py),
                        ),
                    }
                }
            }
            BatchOutcome::Failed(e) => {
                let method = pyo3::intern!(py, "set_exception");
                for p in group.records {
                    let exc = to_pyerr(py, e.clone()).into_value(py).into_any();
                    set(&p.fut, method, exc.into_bound(py));
                }
            }
        }
        Ok(())
    }
}

/// Key/value bytes: borrowed from `bytes` (zero-copy) or copied from another buffer.
fn bytes_arg<'py>(obj: Option<&Bound<'py, PyAny>>) -> PyResult<Option<BytesArg<'py>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => match o.cast::<PyBytes>() {
            Ok(b) => Ok(Some(BytesArg::Borrowed(b.clone()))),
            Err(_) if !o.is_instance_of::<PyString>() => Ok(Some(BytesArg::Owned(o.extract::<Vec<u8>>()?))),
            Err(_) => Err(pyo3::exceptions::PyTypeError::new_err("key and value must be bytes-like")),
        },
    }
}

enum BytesArg<'py> {
    Borrowed(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
}

impl BytesArg<'_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            BytesArg::Borrowed(b) => b.as_bytes(),
            BytesArg::Owned(v) => v,
        }
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
            create_future: PyOnceLock::new(),
            metadata_class: PyOnceLock::new(),
        }
    }

    /// Binds the producer to `event_loop` (its futures are created there) and to the
    /// RecordMetadata class to resolve them with.
    fn attach(
        &self,
        py: Python<'_>,
        event_loop: &Bound<'_, PyAny>,
        metadata_class: Py<PyAny>,
    ) -> PyResult<()> {
        let cf = event_loop.getattr("create_future")?.unbind();
        if self.create_future.set(py, cf).is_err() || self.metadata_class.set(py, metadata_class).is_err() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "AioProducer is already attached to a loop",
            ));
        }
        Ok(())
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

    /// Appends a serialized record without blocking. Returns an asyncio future resolved with
    /// RecordMetadata (or failed with a `kafka.errors` error) once the broker has answered, or
    /// None when metadata or buffer memory is missing (await `wait_capacity`, then retry).
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
    ) -> PyResult<Option<Py<PyAny>>> {
        let create_future = self
            .create_future
            .get(py)
            .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("AioProducer not started"))?;
        let topic = topic.to_cow()?;
        let key = bytes_arg(key)?;
        let value = bytes_arg(value)?;
        let mut owned_headers: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        if let Some(h) = headers.filter(|h| !h.is_none()) {
            for item in h.try_iter()? {
                owned_headers.push(item?.extract()?);
            }
        }
        let hdrs: Vec<(&str, Option<&[u8]>)> =
            owned_headers.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect();
        let timestamp = timestamp_ms.unwrap_or_else(now_ms);
        let rec = RecordRef {
            timestamp_ms: timestamp,
            key: key.as_ref().map(BytesArg::as_slice),
            value: value.as_ref().map(BytesArg::as_slice),
            headers: &hdrs,
        };
        let appended = match self.core().try_send(&topic, partition, &rec) {
            Ok(a) => a,
            Err(Ok(WouldBlock::Metadata | WouldBlock::Memory)) => return Ok(None),
            Err(Err(e)) => return Err(to_pyerr(py, e)),
        };
        let fut = create_future.call0(py)?;
        let key = Arc::as_ptr(&appended.result) as usize;
        let new_group = {
            let mut open = self.bridge.open.lock();
            let pending = Pending { fut: fut.clone_ref(py), index: appended.index, timestamp };
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
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
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
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let client = producer.get().core().client().clone();
            let deadline = Instant::now() + Duration::from_millis(timeout_ms);
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                let err = match tokio::time::timeout(left, client.refresh_metadata()).await {
                    Ok(Ok(_)) => return Ok(()),
                    Ok(Err(e)) => e,
                    Err(_) => Error::Timeout("metadata request timed out".into()),
                };
                if Instant::now() + client.config().retry_backoff >= deadline {
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
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
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

    /// Awaitable: sends every record appended so far without waiting for linger and completes
    /// when all of them are done. Call `drain()` afterwards to resolve their futures.
    fn flush<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pending: Vec<(usize, Arc<BatchResult>)> =
            self.bridge.open.lock().iter().map(|(k, g)| (*k, g.result.clone())).collect();
        let bridge = self.bridge.clone();
        // A zero timeout only marks the current batches for immediate sending and wakes the sender.
        let core = self.core();
        let _ = py.detach(|| core.flush(Some(Duration::ZERO)));
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
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

    /// Resolves the futures of every completed batch (run on the loop thread when woken).
    fn drain(&self, py: Python<'_>) -> PyResult<usize> {
        let groups = self.bridge.take_done();
        let mut n = 0;
        let mut first_err = None;
        for g in groups {
            n += g.records.len();
            // One group's failure (e.g. no TopicPartition class) must not strand the others.
            if let Err(e) = self.resolve_group(py, g) {
                first_err.get_or_insert(e);
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(n),
        }
    }

    /// Number of records whose futures are not resolved yet.
    fn pending_count(&self) -> usize {
        self.bridge.open.lock().values().map(|g| g.records.len()).sum::<usize>()
            + self.bridge.done.lock().iter().map(|g| g.records.len()).sum::<usize>()
    }

    /// Stops the producer: what is still buffered fails, connections close. Does not wait.
    fn close(&self, py: Python<'_>) {
        let core = self.core();
        py.detach(|| core.close(Some(Duration::ZERO)));
        if let Waker::Callback(cb) = &self.bridge.waker {
            let _ = cb.lock().take();
        }
    }
}
