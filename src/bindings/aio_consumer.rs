//! `kafka._native.AioConsumer`: the asyncio face of the consumer core (used by
//! `kafka.aio.AIOKafkaConsumer`).
//!
//! It wraps a `kafka._native.Consumer` (whose non-blocking methods the Python layer calls
//! directly) and adds what an event loop needs:
//! * waits as awaitables on the shared tokio runtime (pyo3-async-runtimes): `wait_ready`,
//!   `group_step`, `position`, `commit`, `committed`, `list_offsets`, `topics`, `close`;
//! * `poll_list` / `poll_dict`, which only move already-fetched records out of the core's buffers
//!   (never waiting), building aiokafka-shaped `ConsumerRecord`s in one pass.
//!
//! Getting a record is "await `wait_ready` (consumes nothing), then `poll_*` synchronously on the
//! loop thread": a task cancelled while waiting cannot lose a record.

use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use super::consumer::{core_err, poll_err, tp_obj, PyConsumer};
use crate::consumer::{Drained, GroupStep, TopicPartition};
use crate::error::Error;
use crate::group::CommitOffset;

/// (topic, partition, offset, metadata, leader_epoch) as the Python layer passes commits.
type OffsetTuple = (String, i32, i64, String, i32);

fn err_to_py(e: Error) -> PyErr {
    Python::attach(|py| core_err(py, e))
}

fn secs(s: f64) -> Duration {
    if s.is_finite() {
        Duration::from_secs_f64(s.clamp(0.0, 1.0e9))
    } else {
        Duration::from_secs(1_000_000_000)
    }
}

fn opt_secs(s: Option<f64>) -> Option<Duration> {
    s.map(secs)
}

fn parts_from(list: Vec<(String, i32)>) -> Vec<TopicPartition> {
    list.into_iter().map(|(t, p)| TopicPartition::new(t, p)).collect()
}

fn pairs(parts: Vec<TopicPartition>) -> Vec<(String, i32)> {
    parts.into_iter().map(|tp| (tp.topic, tp.partition)).collect()
}

/// The asyncio consumer: a `kafka._native.Consumer` plus record building and awaitables.
#[pyclass(module = "kafka._native", name = "AioConsumer", frozen)]
pub struct AioConsumer {
    consumer: Py<PyConsumer>,
    record_class: Py<PyAny>,
    key_deserializer: Option<Py<PyAny>>,
    value_deserializer: Option<Py<PyAny>>,
}

impl AioConsumer {
    fn core(&self) -> &crate::consumer::Consumer {
        self.consumer.get().core()
    }

    /// Calls `f(record)` for every record of `drained`, built as `record_class(topic, partition,
    /// offset, timestamp, timestamp_type, key, value, checksum, serialized_key_size,
    /// serialized_value_size, headers)`.
    fn build_each<'py>(
        &self,
        py: Python<'py>,
        drained: Vec<Drained>,
        mut f: impl FnMut(&TopicPartition, Bound<'py, PyAny>) -> PyResult<()>,
    ) -> PyResult<()> {
        let cls = self.record_class.bind(py);
        let none = py.None().into_bound(py);
        let empty_headers = PyTuple::empty(py).into_any();
        let key_d = self.key_deserializer.as_ref().map(|d| d.bind(py));
        let value_d = self.value_deserializer.as_ref().map(|d| d.bind(py));
        for d in drained {
            let topic = PyString::new(py, &d.tp.topic).into_any();
            let partition = d.tp.partition.into_pyobject(py)?.into_any();
            let ts_type = d.timestamp_type.into_pyobject(py)?.into_any();
            for r in d.records {
                let headers = if r.headers.is_empty() {
                    empty_headers.clone()
                } else {
                    let mut items = Vec::with_capacity(r.headers.len());
                    for (k, v) in &r.headers {
                        let v = match v {
                            Some(v) => PyBytes::new(py, v).into_any(),
                            None => none.clone(),
                        };
                        items.push(PyTuple::new(py, [PyString::new(py, k).into_any(), v])?);
                    }
                    PyTuple::new(py, items)?.into_any()
                };
                let key_size = r.key.as_ref().map_or(-1, |k| k.len() as i64);
                let value_size = r.value.as_ref().map_or(-1, |v| v.len() as i64);
                let mut key = match &r.key {
                    Some(k) => PyBytes::new(py, k).into_any(),
                    None => none.clone(),
                };
                let mut value = match &r.value {
                    Some(v) => PyBytes::new(py, v).into_any(),
                    None => none.clone(),
                };
                if let Some(kd) = key_d {
                    key = kd.call1((key,))?;
                }
                if let Some(vd) = value_d {
                    value = vd.call1((value,))?;
                }
                let args = PyTuple::new(
                    py,
                    [
                        topic.clone(),
                        partition.clone(),
                        r.offset.into_pyobject(py)?.into_any(),
                        r.timestamp.into_pyobject(py)?.into_any(),
                        ts_type.clone(),
                        key,
                        value,
                        none.clone(),
                        key_size.into_pyobject(py)?.into_any(),
                        value_size.into_pyobject(py)?.into_any(),
                        headers,
                    ],
                )?;
                f(&d.tp, cls.call1(args)?)?;
            }
        }
        Ok(())
    }

    fn drain(
        &self,
        py: Python<'_>,
        max_records: usize,
        update_positions: bool,
        only: Option<Vec<(String, i32)>>,
    ) -> PyResult<Vec<Drained>> {
        let only = only.map(parts_from);
        self.core().poll_now(max_records, update_positions, only.as_deref()).map_err(|e| poll_err(py, e))
    }
}

#[pymethods]
impl AioConsumer {
    #[new]
    #[pyo3(signature = (consumer, record_class, key_deserializer=None, value_deserializer=None))]
    fn new(
        consumer: Py<PyConsumer>,
        record_class: Py<PyAny>,
        key_deserializer: Option<Py<PyAny>>,
        value_deserializer: Option<Py<PyAny>>,
    ) -> Self {
        Self { consumer, record_class, key_deserializer, value_deserializer }
    }

    /// The wrapped `kafka._native.Consumer` (for its non-blocking methods).
    #[getter]
    fn consumer(&self, py: Python<'_>) -> Py<PyConsumer> {
        self.consumer.clone_ref(py)
    }

    /// Up to `max_records` fetched records of `only` (all partitions when None), in order, as a
    /// flat list; never waits. Raises a pending partition error.
    #[pyo3(signature = (max_records, update_positions, only=None))]
    fn poll_list<'py>(
        &self,
        py: Python<'py>,
        max_records: usize,
        update_positions: bool,
        only: Option<Vec<(String, i32)>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let drained = self.drain(py, max_records, update_positions, only)?;
        let out = PyList::empty(py);
        self.build_each(py, drained, |_, rec| out.append(rec))?;
        Ok(out)
    }

    /// Like `poll_list`, grouped: {TopicPartition: [ConsumerRecord]}.
    #[pyo3(signature = (max_records, update_positions, only=None))]
    fn poll_dict<'py>(
        &self,
        py: Python<'py>,
        max_records: usize,
        update_positions: bool,
        only: Option<Vec<(String, i32)>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let drained = self.drain(py, max_records, update_positions, only)?;
        let out = PyDict::new(py);
        let mut current: Option<(TopicPartition, Bound<'py, PyList>)> = None;
        self.build_each(py, drained, |tp, rec| {
            if current.as_ref().is_none_or(|(c, _)| c != tp) {
                let key = tp_obj(py, tp)?;
                let list = match out.get_item(&key)? {
                    Some(l) => l.cast_into::<PyList>()?,
                    None => {
                        let l = PyList::empty(py);
                        out.set_item(&key, &l)?;
                        l
                    }
                };
                current = Some((tp.clone(), list));
            }
            match &current {
                Some((_, list)) => list.append(rec),
                None => Ok(()),
            }
        })?;
        Ok(out)
    }

    /// Whether `group_step` has work to do (cheap; no waiting).
    fn group_work_pending(&self) -> bool {
        self.core().group_work_pending()
    }

    /// Awaitable: True once the group needs a rebalance step that may run in the background
    /// (see `Consumer::background_group_work`), False after `timeout_s` or on close.
    fn wait_group_work<'py>(&self, py: Python<'py>, timeout_s: f64) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer.clone_ref(py);
        let deadline = Instant::now() + secs(timeout_s);
        super::aio_runtime::future_into_py(py, async move {
            Ok(consumer.get().core().wait_background_group_work(deadline).await)
        })
    }

    /// Wakes pending `wait_ready` awaitables (e.g. when the consumer is being stopped).
    fn wake(&self) {
        self.core().wake();
    }

    fn is_closed(&self) -> bool {
        self.core().is_closed()
    }

    /// Partition ids of `topic` from cached metadata, or None (a refresh is requested).
    fn cached_partitions(&self, topic: &str) -> Option<Vec<i32>> {
        self.core().cached_partitions(topic)
    }

    /// unsubscribe() without waiting for the LeaveGroup.
    fn unsubscribe(&self) {
        self.core().unsubscribe_nowait();
    }

    /// Awaitable: True once records (of `only`), an error, a group step or a close is pending,
    /// or the consumer was woken; False after `timeout_s`. Consumes nothing.
    #[pyo3(signature = (timeout_s, only=None))]
    fn wait_ready<'py>(
        &self,
        py: Python<'py>,
        timeout_s: f64,
        only: Option<Vec<(String, i32)>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer.clone_ref(py);
        let deadline = Instant::now() + secs(timeout_s);
        let only = only.map(parts_from);
        super::aio_runtime::future_into_py(py, async move {
            Ok(consumer.get().core().wait_ready(deadline, only).await)
        })
    }

    /// Awaitable: one step of group membership, waiting up to `timeout_s` for a join:
    /// ("stable"|"pending"|"revoke"|"assigned", [(topic, partition)]).
    /// `touch=False` (the background membership task) does not count as a poll.
    #[pyo3(signature = (timeout_s, touch=true))]
    fn group_step<'py>(&self, py: Python<'py>, timeout_s: f64, touch: bool) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer.clone_ref(py);
        let timeout = secs(timeout_s);
        super::aio_runtime::future_into_py(py, async move {
            let step = consumer.get().core().group_step_async(timeout, touch).await.map_err(err_to_py)?;
            Ok(match step {
                GroupStep::Stable => ("stable", Vec::new()),
                GroupStep::Pending => ("pending", Vec::new()),
                GroupStep::Revoke(p) => ("revoke", pairs(p)),
                GroupStep::Assigned(p) => ("assigned", pairs(p)),
                GroupStep::Lost(p) => ("lost", pairs(p)),
            })
        })
    }

    /// Awaitable: the position of (topic, partition), waiting up to `timeout_s` for it to be
    /// resolved (None if it is not by then).
    fn position<'py>(
        &self,
        py: Python<'py>,
        topic: String,
        partition: i32,
        timeout_s: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer.clone_ref(py);
        let deadline = Instant::now() + secs(timeout_s);
        super::aio_runtime::future_into_py(py, async move {
            let tp = TopicPartition::new(topic, partition);
            consumer
                .get()
                .core()
                .position_async(&tp, deadline)
                .await
                .map_err(|e| Python::attach(|py| poll_err(py, e)))
        })
    }

    /// Awaitable: commits `offsets` (None: the consumed positions, taken now).
    #[pyo3(signature = (offsets=None, timeout_s=None))]
    fn commit<'py>(
        &self,
        py: Python<'py>,
        offsets: Option<Vec<OffsetTuple>>,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let offsets = offsets.map(|o| {
            o.into_iter()
                .map(|(t, p, offset, metadata, leader_epoch)| CommitOffset {
                    tp: TopicPartition::new(t, p),
                    offset,
                    leader_epoch,
                    metadata,
                })
                .collect()
        });
        let fut = self.core().commit_future(offsets, opt_secs(timeout_s)).map_err(|e| core_err(py, e))?;
        super::aio_runtime::future_into_py(py, async move { fut.await.map_err(err_to_py) })
    }

    /// Awaitable: [(offset, metadata, leader_epoch) or None] for each partition.
    #[pyo3(signature = (parts, timeout_s=None))]
    fn committed<'py>(
        &self,
        py: Python<'py>,
        parts: Vec<(String, i32)>,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let parts = parts_from(parts);
        let fut =
            self.core().committed_future(parts.clone(), opt_secs(timeout_s)).map_err(|e| core_err(py, e))?;
        super::aio_runtime::future_into_py(py, async move {
            let found = fut.await.map_err(err_to_py)?;
            Ok(parts
                .iter()
                .map(|tp| found.get(tp).cloned().flatten().map(|c| (c.offset, c.metadata, c.leader_epoch)))
                .collect::<Vec<_>>())
        })
    }

    /// Awaitable: [(topic, partition, offset, timestamp, leader_epoch)] for (topic, partition,
    /// timestamp) queries (-2 earliest, -1 latest).
    #[pyo3(signature = (queries, timeout_s=None))]
    fn list_offsets<'py>(
        &self,
        py: Python<'py>,
        queries: Vec<(String, i32, i64)>,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let q: Vec<(TopicPartition, i64)> =
            queries.into_iter().map(|(t, p, ts)| (TopicPartition::new(t, p), ts)).collect();
        let fut = self.core().list_offsets_future(q, opt_secs(timeout_s));
        super::aio_runtime::future_into_py(py, async move {
            let found = fut.await.map_err(err_to_py)?;
            Ok(found
                .into_iter()
                .map(|(tp, a)| (tp.topic, tp.partition, a.offset, a.timestamp, a.leader_epoch))
                .collect::<Vec<_>>())
        })
    }

    /// Awaitable: {topic: [partition ids]} from a fresh metadata request for all topics.
    #[pyo3(signature = (exclude_internal=true, timeout_s=None))]
    fn topics<'py>(
        &self,
        py: Python<'py>,
        exclude_internal: bool,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fut = self.core().topics_future(exclude_internal, opt_secs(timeout_s));
        super::aio_runtime::future_into_py(py, async move { fut.await.map_err(err_to_py) })
    }

    /// Awaitable: connects and loads the metadata of all topics, retrying until `timeout_s`.
    fn bootstrap<'py>(&self, py: Python<'py>, timeout_s: f64) -> PyResult<Bound<'py, PyAny>> {
        let client = self.core().client().clone();
        let deadline = Instant::now() + secs(timeout_s);
        super::aio_runtime::future_into_py(py, async move {
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                let err = match tokio::time::timeout(left, client.fetch_metadata(None)).await {
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

    /// Awaitable: commits (if `autocommit` and enabled), leaves the group, closes connections.
    #[pyo3(signature = (autocommit=true, timeout_s=None))]
    fn close<'py>(
        &self,
        py: Python<'py>,
        autocommit: bool,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let consumer = self.consumer.clone_ref(py);
        let timeout = opt_secs(timeout_s);
        super::aio_runtime::future_into_py(py, async move {
            consumer.get().core().close_async(autocommit, timeout).await;
            Ok(())
        })
    }
}
