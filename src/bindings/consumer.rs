//! `kafka._native.Consumer`: the core of `kafka.KafkaConsumer`.
//!
//! Records are turned into `ConsumerRecord` namedtuples here, in one pass per poll: each record
//! is allocated as an instance of the namedtuple class and filled in place (one allocation, no
//! Python frame, see `new_namedtuple`); deserializers, if configured, are called from here too.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple, PyType};

use super::assignor::PyAssignor;
use super::cached;
use super::config::{client_config, get, millis};
use super::errors::{signal_check, to_pyerr};
use crate::consumer::{
    Consumer, ConsumerConfig, Drained, GroupStep, OffsetReset, PartitionError, PollError, TopicPartition,
};
use crate::error::Error;
use crate::group::assignor::GroupAssignor;
use crate::group::{CommitOffset, CustomAssignors, GroupConfig, GroupProtocol};

/// (topic, partition, offset, metadata, leader_epoch) as the Python layer passes commits.
type OffsetTuple = (String, i32, i64, String, i32);

const SLICE: Duration = Duration::from_millis(100);

static TP_CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static RECORD_CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn errors_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("kafka.errors")?.getattr(name)
}

fn make_err(py: Python<'_>, class: &str, arg: Bound<'_, PyAny>) -> PyErr {
    match errors_class(py, class).and_then(|c| c.call1((arg,))) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

pub(super) fn core_err(py: Python<'_>, e: Error) -> PyErr {
    if let Error::Other(m) = &e {
        if let Some(rest) = m.strip_prefix("IllegalStateError: ") {
            return make_err(py, "IllegalStateError", PyString::new(py, rest).into_any());
        }
    }
    to_pyerr(py, e)
}

pub(super) fn tp_obj<'py>(py: Python<'py>, tp: &TopicPartition) -> PyResult<Bound<'py, PyAny>> {
    cached(py, &TP_CLASS, "kafka.structs", "TopicPartition")?.call1((tp.topic.as_str(), tp.partition))
}

pub(super) fn poll_err(py: Python<'_>, e: PollError) -> PyErr {
    let r = (|| -> PyResult<PyErr> {
        Ok(match e {
            PollError::Core(e) => core_err(py, e),
            PollError::NotAssigned(tp) => make_err(
                py,
                "IllegalStateError",
                PyString::new(
                    py,
                    &format!("No current assignment for partition {}-{}", tp.topic, tp.partition),
                )
                .into_any(),
            ),
            PollError::Partition(tp, PartitionError::NoOffset) => {
                make_err(py, "NoOffsetForPartitionError", tp_obj(py, &tp)?)
            }
            PollError::Partition(tp, PartitionError::OutOfRange(offset)) => {
                let d = PyDict::new(py);
                d.set_item(tp_obj(py, &tp)?, offset)?;
                make_err(py, "OffsetOutOfRangeError", d.into_any())
            }
            PollError::Partition(tp, PartitionError::Broker(code)) => {
                to_pyerr(py, Error::broker(code, format!("fetching {}-{}", tp.topic, tp.partition)))
            }
            PollError::Partition(tp, PartitionError::Truncated { offset, leader_epoch }) => {
                let oam = py.import("kafka.structs")?.getattr("OffsetAndMetadata")?;
                let d = PyDict::new(py);
                d.set_item(tp_obj(py, &tp)?, oam.call1((offset, "", leader_epoch))?)?;
                make_err(py, "LogTruncationError", d.into_any())
            }
            PollError::Partition(tp, PartitionError::Corrupt(m)) => {
                to_pyerr(py, Error::broker(2, format!("{}-{}: {m}", tp.topic, tp.partition)))
            }
        })
    })();
    r.unwrap_or_else(|e| e)
}

/// How a deserializer is called: `f(data)`, `d(topic, headers, data)` or `d(topic, data)`.
struct Deser {
    f: Py<PyAny>,
    mode: u8,
}

impl Deser {
    fn call<'py>(
        &self,
        py: Python<'py>,
        topic: &Bound<'py, PyString>,
        headers: &Bound<'py, PyList>,
        data: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let f = self.f.bind(py);
        match self.mode {
            1 => f.call1((topic, headers, data)),
            2 => f.call1((topic, data)),
            _ => f.call1((data,)),
        }
    }
}

fn opt_deser(obj: Option<Bound<'_, PyAny>>, mode: u8) -> Option<Deser> {
    obj.filter(|o| !o.is_none()).map(|o| Deser { f: o.unbind(), mode })
}

fn parts_from(list: Vec<(String, i32)>) -> Vec<TopicPartition> {
    list.into_iter().map(|(t, p)| TopicPartition::new(t, p)).collect()
}

fn parts_to<'py>(py: Python<'py>, parts: &[TopicPartition]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, parts.iter().map(|tp| (tp.topic.as_str(), tp.partition)))
}

/// An instance of the namedtuple class `cls` holding `items`: allocated with the class's own
/// `tp_alloc` and filled in place, which is what `tuple.__new__(cls, items)` does minus the
/// intermediate tuples. With `untrack`, the record is taken out of the cyclic GC, as CPython does
/// for plain tuples of atomic values: the caller guarantees its items cannot lead back to it.
fn new_namedtuple<'py, const N: usize>(
    cls: &Bound<'py, PyType>,
    items: [Bound<'py, PyAny>; N],
    untrack: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    if !cls.is_subclass_of::<PyTuple>()? {
        return Err(pyo3::exceptions::PyTypeError::new_err("record class must be a tuple subclass"));
    }
    // SAFETY: `cls` is a live heap type (a namedtuple class: PyType_GetSlot is valid for heap
    // types on every supported version) and the GIL is held. Its tp_alloc slot, inherited from
    // tuple, has the `allocfunc` signature.
    let alloc = unsafe { pyo3::ffi::PyType_GetSlot(cls.as_type_ptr(), pyo3::ffi::Py_tp_alloc) };
    if alloc.is_null() {
        return Err(pyo3::exceptions::PyTypeError::new_err("record class has no tp_alloc"));
    }
    // SAFETY: see above; a non-null Py_tp_alloc slot is an `allocfunc`.
    let alloc: pyo3::ffi::allocfunc = unsafe { std::mem::transmute(alloc) };
    // SAFETY: allocates a tuple-subclass instance of length N with NULL items (new reference).
    let raw = unsafe { alloc(cls.as_type_ptr(), N as pyo3::ffi::Py_ssize_t) };
    // SAFETY: `raw` is either NULL with an exception set, or a new reference we now own; a
    // partly filled tuple is valid to drop (tuple dealloc skips NULL items).
    let obj = unsafe { Bound::from_owned_ptr_or_err(py, raw)? };
    for (i, item) in items.into_iter().enumerate() {
        // SAFETY: `obj` is a tuple (subclass) of length N with refcount 1, i < N, and
        // PyTuple_SetItem steals the reference handed over by `into_ptr`.
        if unsafe { pyo3::ffi::PyTuple_SetItem(obj.as_ptr(), i as pyo3::ffi::Py_ssize_t, item.into_ptr()) }
            != 0
        {
            return Err(PyErr::fetch(py));
        }
    }
    if untrack {
        // SAFETY: a live GC object (tuples are GC types) and the GIL is held.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(obj.as_ptr().cast()) }
    }
    Ok(obj)
}

fn dur(s: Option<f64>) -> Option<Duration> {
    s.map(|s| Duration::from_secs_f64(s.max(0.0)))
}

/// The consumer core.
#[pyclass(module = "kafka._native", name = "Consumer", frozen)]
pub struct PyConsumer {
    inner: Consumer,
    key_deser: Option<Deser>,
    value_deser: Option<Deser>,
}

impl PyConsumer {
    /// The consumer core (used by `kafka._native.AioConsumer`).
    pub(crate) fn core(&self) -> &Consumer {
        &self.inner
    }

    fn build<'py>(&self, py: Python<'py>, drained: Vec<Drained>) -> PyResult<Bound<'py, PyDict>> {
        let record_cls = cached(py, &RECORD_CLASS, "kafka.consumer.fetcher", "ConsumerRecord")?;
        let record_cls = record_cls.cast::<PyType>()?;
        // Records of bytes (no deserializer) hold nothing that could close a reference cycle.
        let untrack = self.key_deser.is_none() && self.value_deser.is_none();
        let out = PyDict::new(py);
        let none = py.None().into_bound(py);
        for d in drained {
            let tp = tp_obj(py, &d.tp)?;
            let list = match out.get_item(&tp)? {
                Some(l) => l.cast_into::<PyList>()?,
                None => {
                    let l = PyList::empty(py);
                    out.set_item(&tp, &l)?;
                    l
                }
            };
            let topic = PyString::new(py, &d.tp.topic);
            let partition = d.tp.partition.into_pyobject(py)?.into_any();
            let epoch = d.leader_epoch.into_pyobject(py)?.into_any();
            let ts_type = d.timestamp_type.into_pyobject(py)?.into_any();
            for r in d.records {
                let headers = PyList::empty(py);
                let mut header_size: i64 = -1;
                if !r.headers.is_empty() {
                    header_size = 0;
                    for (k, v) in &r.headers {
                        header_size += (k.len() + v.as_ref().map_or(0, |v| v.len())) as i64;
                        let v = match v {
                            Some(v) => PyBytes::new(py, v).into_any(),
                            None => none.clone(),
                        };
                        headers.append((PyString::new(py, k), v))?;
                    }
                }
                let key_size = r.key.as_ref().map_or(-1, |k| k.len() as i64);
                let value_size = r.value.as_ref().map_or(-1, |v| v.len() as i64);
                let key = match &r.key {
                    Some(k) => PyBytes::new(py, k).into_any(),
                    None => none.clone(),
                };
                let value = match &r.value {
                    Some(v) => PyBytes::new(py, v).into_any(),
                    None => none.clone(),
                };
                let key = match &self.key_deser {
                    Some(d) => d.call(py, &topic, &headers, key)?,
                    None => key,
                };
                let value = match &self.value_deser {
                    Some(d) => d.call(py, &topic, &headers, value)?,
                    None => value,
                };
                let record = new_namedtuple(
                    record_cls,
                    [
                        topic.clone().into_any(),
                        partition.clone(),
                        epoch.clone(),
                        r.offset.into_pyobject(py)?.into_any(),
                        r.timestamp.into_pyobject(py)?.into_any(),
                        ts_type.clone(),
                        key,
                        value,
                        headers.into_any(),
                        none.clone(),
                        key_size.into_pyobject(py)?.into_any(),
                        value_size.into_pyobject(py)?.into_any(),
                        header_size.into_pyobject(py)?.into_any(),
                    ],
                    untrack,
                )?;
                list.append(record)?;
            }
        }
        Ok(out)
    }
}

/// The `assignors` entry: protocol names of built-in assignors, or `AssignorAdapter`s of the
/// application's own (which become [`CustomAssignors`]).
fn assignors_from(config: &Bound<'_, PyDict>) -> PyResult<(Vec<String>, CustomAssignors)> {
    let Some(list) = config.get_item("assignors")? else {
        return Ok((vec!["range".to_string(), "roundrobin".to_string()], CustomAssignors::default()));
    };
    let mut names = Vec::new();
    let mut custom: Vec<Arc<dyn GroupAssignor>> = Vec::new();
    for item in list.try_iter()? {
        let item = item?;
        if let Ok(name) = item.extract::<String>() {
            names.push(name);
        } else {
            let a = PyAssignor::new(&item)?;
            names.push(a.name().to_owned());
            custom.push(Arc::new(a));
        }
    }
    Ok((names, CustomAssignors(custom)))
}

#[pymethods]
impl PyConsumer {
    #[new]
    #[pyo3(signature = (config, key_deserializer=None, key_mode=0, value_deserializer=None, value_mode=0))]
    fn new(
        config: &Bound<'_, PyDict>,
        key_deserializer: Option<Bound<'_, PyAny>>,
        key_mode: u8,
        value_deserializer: Option<Bound<'_, PyAny>>,
        value_mode: u8,
    ) -> PyResult<Self> {
        let d = ConsumerConfig::default();
        let reset = match get::<String>(config, "auto_offset_reset", "latest".into())?.as_str() {
            "earliest" | "smallest" => Some(OffsetReset::Earliest),
            "latest" | "largest" => Some(OffsetReset::Latest),
            _ => None,
        };
        let group_id: Option<String> = get(config, "group_id", None)?;
        let (assignors, custom) = assignors_from(config)?;
        let client = client_config(config)?;
        let group = group_id.map(|g| -> PyResult<GroupConfig> {
            Ok(GroupConfig {
                group_id: g,
                group_instance_id: get(config, "group_instance_id", None)?,
                session_timeout: millis(config, "session_timeout_ms", 10_000)?,
                max_poll_interval: millis(config, "max_poll_interval_ms", 300_000)?,
                heartbeat_interval: millis(config, "heartbeat_interval_ms", 3_000)?,
                retry_backoff: client.retry_backoff,
                assignors: assignors.clone(),
                custom_assignors: custom.clone(),
                protocol: match get::<String>(config, "group_protocol", "classic".into())?.as_str() {
                    "classic" => GroupProtocol::Classic,
                    "consumer" => GroupProtocol::Consumer,
                    other => {
                        return Err(pyo3::exceptions::PyValueError::new_err(format!(
                            "group_protocol must be 'classic' or 'consumer', not {other:?}"
                        )))
                    }
                },
                remote_assignor: get(config, "group_remote_assignor", None)?,
                rack_id: get(config, "client_rack", String::new())?,
                require_stable: get::<String>(config, "isolation_level", "read_uncommitted".into())?
                    == "read_committed",
            })
        });
        let group = group.transpose()?;
        let cfg = ConsumerConfig {
            client,
            enable_auto_commit: get(config, "enable_auto_commit", d.enable_auto_commit)? && group.is_some(),
            group,
            auto_commit_interval: millis(config, "auto_commit_interval_ms", 5_000)?,
            auto_offset_reset: reset,
            fetch_min_bytes: get(config, "fetch_min_bytes", d.fetch_min_bytes)?,
            fetch_max_wait: millis(config, "fetch_max_wait_ms", 500)?,
            fetch_max_bytes: get(config, "fetch_max_bytes", d.fetch_max_bytes)?,
            max_partition_fetch_bytes: get(config, "max_partition_fetch_bytes", d.max_partition_fetch_bytes)?,
            check_crcs: get(config, "check_crcs", true)?,
            enable_incremental_fetch_sessions: get(config, "enable_incremental_fetch_sessions", true)?,
            client_rack: get(config, "client_rack", String::new())?,
            isolation_level: if get::<String>(config, "isolation_level", "read_uncommitted".into())?
                == "read_committed"
            {
                1
            } else {
                0
            },
            default_api_timeout: millis(config, "default_api_timeout_ms", 60_000)?,
        };
        let inner = Consumer::new(cfg).map_err(|e| Python::attach(|py| to_pyerr(py, e)))?;
        Ok(Self {
            inner,
            key_deser: opt_deser(key_deserializer, key_mode),
            value_deser: opt_deser(value_deserializer, value_mode),
        })
    }

    fn subscribe(&self, py: Python<'_>, topics: Vec<String>) -> PyResult<()> {
        self.inner.subscribe(topics).map_err(|e| core_err(py, e))
    }

    fn subscription(&self) -> Option<Vec<String>> {
        self.inner.subscription()
    }

    fn unsubscribe(&self, py: Python<'_>) {
        let inner = &self.inner;
        py.detach(|| inner.unsubscribe());
    }

    fn assign(&self, py: Python<'_>, parts: Vec<(String, i32)>) -> PyResult<()> {
        self.inner.assign(parts_from(parts)).map_err(|e| core_err(py, e))
    }

    fn assignment<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        parts_to(py, &self.inner.assignment())
    }

    /// One step of group membership: ("stable"|"pending"|"revoke"|"assigned"|"lost", partitions),
    /// or "joining" when a cooperative join runs while the member keeps consuming.
    fn group_step<'py>(
        &self,
        py: Python<'py>,
        timeout_s: f64,
    ) -> PyResult<(&'static str, Bound<'py, PyList>)> {
        let deadline = Instant::now() + Duration::from_secs_f64(timeout_s.max(0.0));
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let inner = &self.inner;
            let step = py.detach(|| inner.group_step(left.min(SLICE))).map_err(|e| core_err(py, e))?;
            match step {
                GroupStep::Stable => return Ok(("stable", PyList::empty(py))),
                GroupStep::Revoke(p) => return Ok(("revoke", parts_to(py, &p)?)),
                GroupStep::Assigned(p) => return Ok(("assigned", parts_to(py, &p)?)),
                GroupStep::Lost(p) => return Ok(("lost", parts_to(py, &p)?)),
                GroupStep::Pending if inner.consuming_during_join() => {
                    return Ok(("joining", PyList::empty(py)));
                }
                GroupStep::Pending => {
                    py.check_signals()?;
                    if Instant::now() >= deadline {
                        return Ok(("pending", PyList::empty(py)));
                    }
                }
            }
        }
    }

    /// Waits up to `timeout_s` for records; returns {TopicPartition: [ConsumerRecord]} (empty on
    /// timeout, or early when the group must rebalance).
    fn poll<'py>(
        &self,
        py: Python<'py>,
        max_records: usize,
        timeout_s: f64,
        update_offsets: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let deadline = Instant::now() + Duration::from_secs_f64(timeout_s.max(0.0));
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let inner = &self.inner;
            let got = py.detach(|| inner.poll_once(max_records, left.min(SLICE), update_offsets));
            let drained = match got {
                Ok(drained) => drained,
                // No broker reachable (yet): kafka-python's poll() keeps trying until its timeout
                // and returns nothing, so a retry loop around it never spins.
                Err(PollError::Core(e @ (Error::NoBrokersAvailable(_) | Error::Connection(_))))
                    if !left.is_zero() =>
                {
                    log::debug!("poll: {e}; retrying until the poll timeout");
                    py.detach(|| std::thread::sleep(left.min(SLICE)));
                    Vec::new()
                }
                Err(PollError::Core(Error::NoBrokersAvailable(_) | Error::Connection(_))) => Vec::new(),
                Err(e) => return Err(poll_err(py, e)),
            };
            if !drained.is_empty() {
                return self.build(py, drained);
            }
            py.check_signals()?;
            if Instant::now() >= deadline || self.inner.needs_group_step() {
                return Ok(PyDict::new(py));
            }
        }
    }

    /// Whether the membership was lost since the last group step (and forgets it).
    fn take_membership_lost(&self) -> bool {
        self.inner.take_membership_lost()
    }

    fn needs_group_step(&self) -> bool {
        self.inner.needs_group_step()
    }

    fn update_positions(&self, positions: Vec<(String, i32, i64, i32)>) {
        let p: Vec<(TopicPartition, i64, i32)> =
            positions.into_iter().map(|(t, p, o, e)| (TopicPartition::new(t, p), o, e)).collect();
        self.inner.update_positions(&p);
    }

    fn seek(&self, py: Python<'_>, topic: String, partition: i32, offset: i64) -> PyResult<()> {
        self.inner.seek(&TopicPartition::new(topic, partition), offset).map_err(|e| poll_err(py, e))
    }

    fn seek_to(&self, py: Python<'_>, parts: Vec<(String, i32)>, to_end: bool) -> PyResult<()> {
        let r = if to_end { OffsetReset::Latest } else { OffsetReset::Earliest };
        self.inner.seek_to(&parts_from(parts), r).map_err(|e| poll_err(py, e))
    }

    fn set_paused(&self, py: Python<'_>, parts: Vec<(String, i32)>, paused: bool) -> PyResult<()> {
        self.inner.set_paused(&parts_from(parts), paused).map_err(|e| poll_err(py, e))
    }

    fn paused<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        parts_to(py, &self.inner.paused())
    }

    #[pyo3(signature = (topic, partition, timeout_s=None))]
    fn position(
        &self,
        py: Python<'_>,
        topic: String,
        partition: i32,
        timeout_s: Option<f64>,
    ) -> PyResult<Option<i64>> {
        let tp = TopicPartition::new(topic, partition);
        let deadline = dur(timeout_s).map(|d| Instant::now() + d);
        loop {
            let inner = &self.inner;
            let tpr = &tp;
            let got = py.detach(|| inner.position_wait(tpr, SLICE)).map_err(|e| poll_err(py, e))?;
            if got.is_some() {
                return Ok(got);
            }
            py.check_signals()?;
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(None);
            }
        }
    }

    fn highwater(&self, py: Python<'_>, topic: String, partition: i32) -> PyResult<Option<i64>> {
        self.inner.highwater(&TopicPartition::new(topic, partition)).map_err(|e| poll_err(py, e))
    }

    /// When the last fetch response updated the partition's high watermark (ms since the epoch).
    fn last_fetch_ms(&self, py: Python<'_>, topic: String, partition: i32) -> PyResult<Option<i64>> {
        self.inner.last_fetch_ms(&TopicPartition::new(topic, partition)).map_err(|e| poll_err(py, e))
    }

    /// {(topic, partition): (offset, timestamp, leader_epoch)} for (topic, partition, timestamp).
    #[pyo3(signature = (queries, timeout_s=None))]
    fn list_offsets<'py>(
        &self,
        py: Python<'py>,
        queries: Vec<(String, i32, i64)>,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let q: Vec<(TopicPartition, i64)> =
            queries.into_iter().map(|(t, p, ts)| (TopicPartition::new(t, p), ts)).collect();
        let inner = &self.inner;
        let found = py.detach(|| inner.list_offsets(&q, dur(timeout_s))).map_err(|e| core_err(py, e))?;
        let d = PyDict::new(py);
        for (tp, a) in found {
            d.set_item((tp.topic, tp.partition), (a.offset, a.timestamp, a.leader_epoch))?;
        }
        Ok(d)
    }

    #[pyo3(signature = (offsets=None, timeout_s=None))]
    fn commit(
        &self,
        py: Python<'_>,
        offsets: Option<Vec<OffsetTuple>>,
        timeout_s: Option<f64>,
    ) -> PyResult<()> {
        let offsets = offsets.map(to_commit);
        let inner = &self.inner;
        py.detach(|| inner.commit(offsets, dur(timeout_s))).map_err(|e| core_err(py, e))
    }

    #[pyo3(signature = (offsets=None))]
    fn commit_async(&self, py: Python<'_>, offsets: Option<Vec<OffsetTuple>>) -> PyResult<u64> {
        self.inner.commit_async(offsets.map(to_commit)).map_err(|e| core_err(py, e))
    }

    /// [(id, exception or None)] of finished commit_async calls.
    fn take_commit_results<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for (id, r) in self.inner.take_commit_results() {
            let exc = match r {
                Ok(()) => py.None(),
                Err(e) => core_err(py, e).into_value(py).into_any(),
            };
            out.append((id, exc))?;
        }
        Ok(out)
    }

    /// [(offset, metadata, leader_epoch) or None] for each partition.
    #[pyo3(signature = (parts, timeout_s=None))]
    fn committed<'py>(
        &self,
        py: Python<'py>,
        parts: Vec<(String, i32)>,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let parts = parts_from(parts);
        let inner = &self.inner;
        let found = py.detach(|| inner.committed(&parts, dur(timeout_s))).map_err(|e| core_err(py, e))?;
        let out = PyList::empty(py);
        for tp in &parts {
            match found.get(tp).cloned().flatten() {
                Some(c) => out.append((c.offset, c.metadata, c.leader_epoch))?,
                None => out.append(py.None())?,
            }
        }
        Ok(out)
    }

    #[pyo3(signature = (exclude_internal=true, timeout_s=None))]
    fn topics<'py>(
        &self,
        py: Python<'py>,
        exclude_internal: bool,
        timeout_s: Option<f64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let inner = &self.inner;
        let t = py.detach(|| inner.topics(exclude_internal, dur(timeout_s))).map_err(|e| core_err(py, e))?;
        let d = PyDict::new(py);
        for (name, parts) in t {
            d.set_item(name, parts)?;
        }
        Ok(d)
    }

    /// (generation, member_id, stable), or None without group_id.
    fn group_generation(&self) -> Option<(i32, String, bool)> {
        self.inner.group_generation()
    }

    /// Connects and loads metadata (kafka-python's eager bootstrap); raises NoBrokersAvailable
    /// after `timeout_ms`, KeyboardInterrupt on Ctrl-C.
    fn bootstrap(&self, py: Python<'_>, timeout_ms: f64) -> PyResult<()> {
        let t = Duration::from_secs_f64(timeout_ms.max(0.0) / 1000.0);
        let client = self.inner.client().clone();
        super::wait::block_on_interruptibly(py, async move { client.bootstrap(t).await })
    }

    fn bootstrap_connected(&self) -> bool {
        self.inner.client().bootstrap_connected()
    }

    /// The client's cached cluster metadata (see `bindings::cluster`).
    fn cluster_snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        super::cluster::snapshot_dict(py, &self.inner.client().cluster())
    }

    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.inner.stats() {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// Commits (if asked), leaves the group, disconnects; Ctrl-C cuts the waits short and is
    /// raised once the consumer is closed.
    #[pyo3(signature = (autocommit=true, timeout_s=None))]
    fn close(&self, py: Python<'_>, autocommit: bool, timeout_s: Option<f64>) -> PyResult<()> {
        let inner = &self.inner;
        let mut interrupt = None;
        py.detach(|| inner.close(autocommit, dur(timeout_s), &mut signal_check(&mut interrupt)));
        interrupt.map_or(Ok(()), Err)
    }
}

fn to_commit(offsets: Vec<OffsetTuple>) -> Vec<CommitOffset> {
    offsets
        .into_iter()
        .map(|(t, p, offset, metadata, leader_epoch)| CommitOffset {
            tp: TopicPartition::new(t, p),
            offset,
            leader_epoch,
            metadata,
        })
        .collect()
}
