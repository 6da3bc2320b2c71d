//! `kafka._native.Producer`: the core of `kafka.KafkaProducer`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString};

use super::cached;
use super::config::{client_config, get, millis};
use super::errors::{signal_check, to_pyerr, IntoPyResult};
use super::future::{CallbackQueue, FutureRecordMetadata};
use super::record::{bytes_like, known_partition, plain_headers, timestamp, Data, RecordArgs, TopicNames};
use crate::compression::Compression;
use crate::error::Error;
use crate::producer::{now_ms, Appended, Producer, ProducerConfig, WouldBlock};

/// The producer core: batching, partitioning and delivery run in Rust; `send()` only copies the
/// record into the open batch.
#[pyclass(module = "kafka._native", name = "Producer", frozen)]
pub struct PyProducer {
    inner: Producer,
    queue: CallbackQueue,
    receiver: Mutex<Option<Receiver<Py<FutureRecordMetadata>>>>,
    closed: AtomicBool,
    /// Validated topic names (`topic_validated`) and the last topic seen.
    topics: TopicNames,
    /// Plain `f(value)` serializers, for `send_fast` (set by `set_serializers`).
    serializers: PyOnceLock<Serializers>,
}

/// Key and value serializers (`f(value) -> bytes`).
type Serializers = (Option<Py<PyAny>>, Option<Py<PyAny>>);

static SERIALIZED_TYPE_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The serialized key or value, or kafka-python's SerializedTypeError for another type.
fn serialized<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Option<Data<'py>>> {
    if let Some(d) = bytes_like(obj)? {
        return Ok(d);
    }
    let py = obj.py();
    let class = cached(py, &SERIALIZED_TYPE_ERROR, "kafka._compat", "SerializedTypeError")?;
    let message = format!("Unsupported type for serialized {what}: {}", obj.get_type().repr()?);
    Err(PyErr::from_value(class.call1((message,))?))
}

impl PyProducer {
    /// The producer core (used by the asyncio binding).
    pub(crate) fn core(&self) -> &Producer {
        &self.inner
    }

    /// Appends a record (waiting up to max_block_ms for metadata or memory); its future.
    fn append(
        &self,
        py: Python<'_>,
        topic: &str,
        args: RecordArgs<'_>,
    ) -> PyResult<Py<FutureRecordMetadata>> {
        let hdrs = args.header_refs();
        let timestamp = args.timestamp_ms.unwrap_or_else(now_ms);
        let partition = args.partition;
        let rec = args.record_ref(timestamp, &hdrs);
        let (key_slice, value_slice) = (rec.key, rec.value);
        let sizes = (
            key_slice.map_or(-1, |k| k.len() as i32),
            value_slice.map_or(-1, |v| v.len() as i32),
            if hdrs.is_empty() {
                -1
            } else {
                hdrs.iter().map(|(k, v)| k.len() + v.map_or(0, <[u8]>::len)).sum::<usize>() as i32
            },
        );
        let appended: Result<Appended, Error> = match self.inner.try_send(topic, partition, &rec) {
            Ok(a) => Ok(a),
            Err(Err(e)) => Err(e),
            Err(Ok(WouldBlock::Metadata | WouldBlock::Memory)) => {
                let inner = &self.inner;
                let mut interrupt = None;
                let r = py.detach(|| {
                    inner.send_blocking(topic, partition, &rec, &mut signal_check(&mut interrupt))
                });
                if let Some(e) = interrupt {
                    return Err(e);
                }
                r
            }
        };
        // kafka-python (current) raises MessageSizeTooLargeError and timeouts from send() itself.
        let fut = match appended {
            Ok(a) => FutureRecordMetadata::pending(a.result, a.index, timestamp, sizes, self.queue.clone()),
            Err(e) => return Err(to_pyerr(py, e)),
        };
        Py::new(py, fut)
    }
}

/// A transactional call's result; a Ctrl-C seen while waiting is re-raised.
fn txn_result(py: Python<'_>, r: Result<(), Error>, pending: Option<PyErr>) -> PyResult<()> {
    match r {
        Ok(()) => Ok(()),
        Err(Error::Interrupted) => Err(pending.unwrap_or_else(|| to_pyerr(py, Error::Interrupted))),
        Err(e) => Err(to_pyerr(py, e)),
    }
}

#[pymethods]
impl PyProducer {
    #[new]
    fn new(config: &Bound<'_, PyDict>) -> PyResult<Self> {
        let d = ProducerConfig::default();
        let compression = match get::<Option<String>>(config, "compression_type", None)? {
            None => Compression::None,
            Some(name) => Compression::from_name(&name).map_err(|_| {
                pyo3::exceptions::PyValueError::new_err(format!("Not supported codec: {name}"))
            })?,
        };
        let cfg = ProducerConfig {
            client: client_config(config)?,
            acks: get(config, "acks", d.acks)?,
            compression,
            retries: get::<i64>(config, "retries", i64::from(i32::MAX))?.clamp(0, i64::from(u32::MAX)) as u32,
            batch_size: get(config, "batch_size", d.batch_size)?,
            linger: millis(config, "linger_ms", 5)?,
            buffer_memory: get(config, "buffer_memory", d.buffer_memory)?,
            max_block: millis(config, "max_block_ms", 60_000)?,
            max_request_size: get(config, "max_request_size", d.max_request_size)?,
            delivery_timeout: millis(config, "delivery_timeout_ms", 120_000)?,
            enable_idempotence: get(config, "enable_idempotence", d.enable_idempotence)?,
            transactional_id: get::<Option<String>>(config, "transactional_id", None)?,
            transaction_timeout: millis(config, "transaction_timeout_ms", 60_000)?,
        };
        let (tx, rx) = channel();
        let inner = Producer::new(cfg).map_err(|e| Python::attach(|py| to_pyerr(py, e)))?;
        Ok(Self {
            inner,
            queue: Arc::new(Mutex::new(tx)),
            receiver: Mutex::new(Some(rx)),
            closed: AtomicBool::new(false),
            topics: TopicNames::default(),
            serializers: PyOnceLock::new(),
        })
    }

    /// Appends one serialized record; returns its `FutureRecordMetadata`. Waits (GIL released) up
    /// to max_block_ms for metadata or buffer memory.
    #[pyo3(signature = (topic, partition, key, value, headers=None, timestamp_ms=None))]
    #[allow(clippy::too_many_arguments)] // mirrors kafka-python's send() signature
    fn send(
        &self,
        py: Python<'_>,
        topic: &Bound<'_, PyString>,
        partition: Option<i32>,
        key: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        timestamp_ms: Option<i64>,
    ) -> PyResult<Py<FutureRecordMetadata>> {
        let topic = self.topics.intern(topic)?;
        self.append(py, &topic, RecordArgs::checked(partition, key, value, headers, timestamp_ms)?)
    }

    /// Plain `f(value)` serializers `send_fast` applies (None: the value is already bytes).
    #[pyo3(signature = (key_serializer=None, value_serializer=None))]
    fn set_serializers(
        &self,
        py: Python<'_>,
        key_serializer: Option<Py<PyAny>>,
        value_serializer: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        self.serializers
            .set(py, (key_serializer, value_serializer))
            .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("serializers are already set"))
    }

    /// The client's cached cluster metadata (see `bindings::cluster`).
    fn cluster_snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        super::cluster::snapshot_dict(py, &self.inner.client().cluster())
    }

    /// Marks `topic` as a valid topic name (checked by the Python layer) for `send_fast`.
    fn topic_validated(&self, topic: String) {
        self.topics.validated(topic);
    }

    /// `KafkaProducer.send()` for the common case, in one call: returns the future, or None
    /// (before any serializer ran) when the record needs the Python path: an unvalidated topic,
    /// headers or partition to check, no key and no value, or a closed producer.
    #[pyo3(signature = (topic, value=None, key=None, headers=None, partition=None, timestamp_ms=None))]
    #[allow(clippy::too_many_arguments)] // kafka-python's send() signature
    fn send_fast(
        &self,
        py: Python<'_>,
        topic: &Bound<'_, PyAny>,
        value: Option<&Bound<'_, PyAny>>,
        key: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        partition: Option<&Bound<'_, PyAny>>,
        timestamp_ms: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Py<FutureRecordMetadata>>> {
        let none = py.None().into_bound(py);
        let (value, key) = (value.unwrap_or(&none), key.unwrap_or(&none));
        if self.closed.load(Ordering::Acquire) || (value.is_none() && key.is_none()) {
            return Ok(None);
        }
        let Some((key_serializer, value_serializer)) = self.serializers.get(py) else { return Ok(None) };
        let Some(topic) = self.topics.known(topic)? else { return Ok(None) };
        let headers = match headers.filter(|h| !h.is_none()) {
            None => Vec::new(),
            Some(h) => match plain_headers(h, false, false)? {
                Some(list) => list,
                None => return Ok(None),
            },
        };
        let Some(partition) = known_partition(&self.inner, &topic, partition) else { return Ok(None) };
        let Some(timestamp_ms) = timestamp(timestamp_ms) else { return Ok(None) };
        let key = match key_serializer {
            Some(f) => f.bind(py).call1((key,))?,
            None => key.clone(),
        };
        let value = match value_serializer {
            Some(f) => f.bind(py).call1((value,))?,
            None => value.clone(),
        };
        let key = serialized(&key, "key")?;
        let value = serialized(&value, "value")?;
        self.append(py, &topic, RecordArgs { partition, key, value, headers, timestamp_ms }).map(Some)
    }

    /// Partition ids of `topic` (waits up to max_block_ms for metadata).
    fn partitions_for<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyList>> {
        let inner = &self.inner;
        let mut interrupt = None;
        let parts = py.detach(|| inner.partitions_for(&topic, &mut signal_check(&mut interrupt)));
        if let Some(e) = interrupt {
            return Err(e);
        }
        let parts = parts.py_err(py)?;
        PyList::new(py, parts)
    }

    /// Partition ids of `topic` that currently have a leader (from cached metadata).
    fn available_partitions_for<'py>(&self, py: Python<'py>, topic: String) -> PyResult<Bound<'py, PyList>> {
        let parts = self.inner.cached_topic(&topic).map(|t| t.available_partitions()).unwrap_or_default();
        PyList::new(py, parts)
    }

    /// Sends everything buffered and waits for completion; KafkaTimeoutError after `timeout_s`.
    #[pyo3(signature = (timeout_s=None))]
    fn flush(&self, py: Python<'_>, timeout_s: Option<f64>) -> PyResult<()> {
        let deadline = timeout_s.map(|t| Instant::now() + Duration::from_secs_f64(t.max(0.0)));
        loop {
            let slice = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(to_pyerr(
                            py,
                            Error::Timeout(format!(
                                "Timeout after waiting for {} secs.",
                                timeout_s.unwrap_or_default()
                            )),
                        ));
                    }
                    left.min(Duration::from_millis(100))
                }
                None => Duration::from_millis(100),
            };
            let inner = &self.inner;
            if py.detach(|| inner.flush(Some(slice))) {
                return Ok(());
            }
            py.check_signals()?;
        }
    }

    /// Flushes within `timeout_s` (None: wait for everything), fails what is left, disconnects.
    /// The wait runs in 100 ms slices: Ctrl-C closes at once (pending records fail) and raises.
    #[pyo3(signature = (timeout_s=None))]
    fn close(&self, py: Python<'_>, timeout_s: Option<f64>) -> PyResult<()> {
        let timeout = timeout_s.map(|t| Duration::from_secs_f64(t.max(0.0)));
        let inner = &self.inner;
        let mut interrupt = None;
        py.detach(|| inner.close(timeout, &mut signal_check(&mut interrupt)));
        self.closed.store(true, Ordering::Release);
        interrupt.map_or(Ok(()), Err)
    }

    /// Connects and loads metadata (kafka-python's eager bootstrap); raises NoBrokersAvailable
    /// after `timeout_ms`, KeyboardInterrupt on Ctrl-C.
    fn bootstrap(&self, py: Python<'_>, timeout_ms: f64) -> PyResult<()> {
        let t = Duration::from_secs_f64(timeout_ms.max(0.0) / 1000.0);
        let client = self.inner.client().clone();
        super::wait::block_on_interruptibly(py, async move { client.bootstrap(t).await })
    }

    /// `init_transactions()` (GIL released, Ctrl-C aware).
    fn init_transactions(&self, py: Python<'_>) -> PyResult<()> {
        let mut pending = None;
        let inner = &self.inner;
        let r = py.detach(|| inner.init_transactions(&mut signal_check(&mut pending)));
        txn_result(py, r, pending)
    }

    fn begin_transaction(&self, py: Python<'_>) -> PyResult<()> {
        self.inner.begin_transaction().py_err(py)
    }

    fn commit_transaction(&self, py: Python<'_>) -> PyResult<()> {
        let mut pending = None;
        let inner = &self.inner;
        let r = py.detach(|| inner.commit_transaction(&mut signal_check(&mut pending)));
        txn_result(py, r, pending)
    }

    fn abort_transaction(&self, py: Python<'_>) -> PyResult<()> {
        let mut pending = None;
        let inner = &self.inner;
        let r = py.detach(|| inner.abort_transaction(&mut signal_check(&mut pending)));
        txn_result(py, r, pending)
    }

    /// `offsets`: [(topic, partition, offset, metadata, leader_epoch)]; then the consumer
    /// group's id, generation, member id and group instance id (KIP-447).
    #[pyo3(signature = (offsets, group_id, generation_id=-1, member_id=String::new(), group_instance_id=None))]
    fn send_offsets_to_transaction(
        &self,
        py: Python<'_>,
        offsets: Vec<(String, i32, i64, Option<String>, i32)>,
        group_id: String,
        generation_id: i32,
        member_id: String,
        group_instance_id: Option<String>,
    ) -> PyResult<()> {
        let group = crate::producer::transaction::GroupMetadata {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
        };
        let mut pending = None;
        let inner = &self.inner;
        let r =
            py.detach(|| inner.send_offsets_to_transaction(offsets, group, &mut signal_check(&mut pending)));
        txn_result(py, r, pending)
    }

    /// The transactional state's name, None without a transactional id.
    fn transaction_state(&self) -> Option<&'static str> {
        self.inner.transaction_state()
    }

    fn bootstrap_connected(&self) -> bool {
        self.inner.client().bootstrap_connected()
    }

    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (used, incomplete) = self.inner.stats();
        let d = PyDict::new(py);
        d.set_item("buffer-total-bytes", self.inner.config().buffer_memory)?;
        d.set_item("buffer-available-bytes", self.inner.config().buffer_memory.saturating_sub(used))?;
        d.set_item("incomplete-batches", incomplete)?;
        Ok(d)
    }

    /// Runs callbacks of futures as they complete until the producer is closed. Meant to be the
    /// target of one Python thread (KafkaProducer starts it); the GIL is released while waiting.
    fn run_callbacks(&self, py: Python<'_>) -> PyResult<()> {
        let Some(mut rx) = self.receiver.lock().take() else {
            return Err(pyo3::exceptions::PyRuntimeError::new_err("callback thread already running"));
        };
        loop {
            let (back, got) = py.detach(move || {
                let r = rx.recv_timeout(Duration::from_millis(100));
                (rx, r)
            });
            rx = back;
            match got {
                Ok(fut) => {
                    fut.get().fire(py);
                    while let Ok(more) = rx.try_recv() {
                        more.get().fire(py);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if self.closed.load(Ordering::Acquire) {
                        return Ok(());
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
    }
}
