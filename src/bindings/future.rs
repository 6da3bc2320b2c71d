//! `FutureRecordMetadata`: the future `KafkaProducer.send()` returns.
//!
//! A record's future points at its batch's shared result plus its index in the batch, so
//! completing a batch is one operation however many records it holds; `RecordMetadata` objects
//! are built lazily, only for futures someone reads.

use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

use super::cached;
use super::errors::to_pyerr;
use crate::producer::{BatchOutcome, BatchResult};

static RECORD_METADATA: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static TOPIC_PARTITION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static PARTIAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static RETRIABLE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static AWAIT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Where finished futures with pending callbacks are sent (drained by the callback thread).
pub type CallbackQueue = Arc<Mutex<Sender<Py<FutureRecordMetadata>>>>;

#[derive(Default)]
struct Callbacks {
    list: Vec<(Py<PyAny>, bool)>,
    hooked: bool,
    fired: bool,
}

/// The result of one `send()`: resolves to `RecordMetadata` or fails with a `kafka.errors` error.
#[pyclass(module = "kafka._native", name = "FutureRecordMetadata", frozen)]
pub struct FutureRecordMetadata {
    /// The record's batch and its index in it.
    result: Arc<BatchResult>,
    index: i32,
    timestamp: i64,
    key_size: i32,
    value_size: i32,
    header_size: i32,
    outcome: PyOnceLock<(bool, Py<PyAny>)>,
    callbacks: Mutex<Callbacks>,
    queue: CallbackQueue,
}

impl FutureRecordMetadata {
    pub fn pending(
        result: Arc<BatchResult>,
        index: i32,
        timestamp: i64,
        sizes: (i32, i32, i32),
        queue: CallbackQueue,
    ) -> Self {
        Self {
            result,
            index,
            timestamp,
            key_size: sizes.0,
            value_size: sizes.1,
            header_size: sizes.2,
            outcome: PyOnceLock::new(),
            callbacks: Mutex::new(Callbacks::default()),
            queue,
        }
    }

    fn done(&self) -> bool {
        self.result.is_done()
    }

    /// (succeeded, value-or-exception) once done.
    fn resolve(&self, py: Python<'_>) -> PyResult<Option<(bool, Py<PyAny>)>> {
        if let Some((ok, v)) = self.outcome.get(py) {
            return Ok(Some((*ok, v.clone_ref(py))));
        }
        let (result, index) = (&self.result, &self.index);
        let Some(outcome) = result.outcome() else { return Ok(None) };
        let made = match outcome {
            BatchOutcome::Delivered { base_offset, log_append_time, log_start_offset } => {
                let offset = if base_offset < 0 { -1 } else { base_offset + i64::from(*index) };
                let ts = if log_append_time >= 0 { log_append_time } else { self.timestamp };
                let topic = &*result.topic;
                let tp = cached(py, &TOPIC_PARTITION, "kafka.structs", "TopicPartition")?
                    .call1((topic, result.partition))?;
                let md = cached(py, &RECORD_METADATA, "kafka.producer.future", "RecordMetadata")?.call1((
                    topic,
                    result.partition,
                    tp,
                    offset,
                    ts,
                    py.None(),
                    self.key_size,
                    self.value_size,
                    self.header_size,
                    log_start_offset,
                ))?;
                (true, md.unbind())
            }
            BatchOutcome::Failed(e) => (false, to_pyerr(py, e).into_value(py).into_any()),
        };
        let (ok, v) = self.outcome.get_or_init(py, || made);
        Ok(Some((*ok, v.clone_ref(py))))
    }

    /// Runs queued callbacks (on the callback thread, or when the future is already done).
    pub fn fire(&self, py: Python<'_>) {
        let list = {
            let mut g = self.callbacks.lock();
            g.fired = true;
            std::mem::take(&mut g.list)
        };
        if list.is_empty() {
            return;
        }
        let outcome = match self.resolve(py) {
            Ok(Some(o)) => o,
            Ok(None) => return,
            Err(e) => (false, e.into_value(py).into_any()),
        };
        for (f, errback) in list {
            call_one(py, &f, errback, &outcome);
        }
    }

    fn add(slf: &Bound<'_, Self>, f: Py<PyAny>, errback: bool) {
        let py = slf.py();
        let me = slf.get();
        let mut need_hook = false;
        let call_now = {
            let mut g = me.callbacks.lock();
            if g.fired || (me.done() && !g.hooked) {
                true
            } else {
                g.list.push((f.clone_ref(py), errback));
                if !g.hooked {
                    g.hooked = true;
                    need_hook = true;
                }
                false
            }
        };
        if call_now {
            match me.resolve(py) {
                Ok(Some(o)) => call_one(py, &f, errback, &o),
                Ok(None) => {}
                Err(e) => call_one(py, &f, errback, &(false, e.into_value(py).into_any())),
            }
            return;
        }
        if need_hook {
            let target: Py<FutureRecordMetadata> = slf.clone().unbind();
            let queue = me.queue.clone();
            me.result.on_complete(move |_| {
                let _ = queue.lock().send(target);
            });
        }
    }
}

fn call_one(py: Python<'_>, f: &Py<PyAny>, errback: bool, outcome: &(bool, Py<PyAny>)) {
    if outcome.0 == errback {
        return;
    }
    if let Err(e) = f.call1(py, (outcome.1.clone_ref(py),)) {
        // kafka-python logs callback errors and carries on; so do we.
        let logged = cached(py, &LOGGER, "logging", "getLogger")
            .and_then(|g| g.call1(("kafka.producer.future",)))
            .and_then(|l| l.call_method1("error", ("Error processing callback: %r", e.value(py))));
        if logged.is_err() {
            e.print(py);
        }
    }
}

fn bind_args(
    py: Python<'_>,
    f: Py<PyAny>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    if args.is_empty() && kwargs.is_none_or(|k| k.is_empty()) {
        return Ok(f);
    }
    let partial = cached(py, &PARTIAL, "functools", "partial")?;
    let mut all: Vec<Bound<'_, PyAny>> = vec![f.into_bound(py)];
    all.extend(args.iter());
    Ok(partial.call(PyTuple::new(py, all)?, kwargs)?.unbind())
}

#[pymethods]
impl FutureRecordMetadata {
    /// True once the record was delivered or failed.
    #[getter]
    fn is_done(&self) -> bool {
        self.done()
    }

    fn succeeded(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.resolve(py)?.is_some_and(|(ok, _)| ok))
    }

    fn failed(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.resolve(py)?.is_some_and(|(ok, _)| !ok))
    }

    /// The `RecordMetadata` once delivered, else None.
    #[getter]
    fn value(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        Ok(self.resolve(py)?.and_then(|(ok, v)| ok.then_some(v)))
    }

    /// The exception once failed, else None.
    #[getter]
    fn exception(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        Ok(self.resolve(py)?.and_then(|(ok, v)| (!ok).then_some(v)))
    }

    /// Waits for the record (releasing the GIL; Ctrl-C interrupts) and returns its
    /// `RecordMetadata`, or raises the send's error. Raises KafkaTimeoutError after `timeout` secs.
    #[pyo3(signature = (timeout=None))]
    fn get(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Py<PyAny>> {
        {
            let result = &self.result;
            let deadline = timeout.map(|t| Instant::now() + Duration::from_secs_f64(t.max(0.0)));
            while !result.is_done() {
                let slice = match deadline {
                    Some(d) => {
                        let left = d.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            return Err(to_pyerr(
                                py,
                                crate::error::Error::Timeout(format!(
                                    "Timeout after waiting for {} secs.",
                                    timeout.unwrap_or_default()
                                )),
                            ));
                        }
                        left.min(Duration::from_millis(100))
                    }
                    None => Duration::from_millis(100),
                };
                py.detach(|| result.wait(Some(slice)));
                py.check_signals()?;
            }
        }
        match self.resolve(py)? {
            Some((true, v)) => Ok(v),
            Some((false, exc)) => Err(PyErr::from_value(exc.into_bound(py))),
            None => Err(pyo3::exceptions::PyRuntimeError::new_err("future not done")),
        }
    }

    /// Calls `f(*args, metadata, **kwargs)` when the record is delivered. Returns self.
    #[pyo3(signature = (f, *args, **kwargs))]
    fn add_callback<'py>(
        slf: &Bound<'py, Self>,
        f: Py<PyAny>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, Self>> {
        let f = bind_args(slf.py(), f, args, kwargs)?;
        Self::add(slf, f, false);
        Ok(slf.clone())
    }

    /// Calls `f(*args, exception, **kwargs)` when the send fails. Returns self.
    #[pyo3(signature = (f, *args, **kwargs))]
    fn add_errback<'py>(
        slf: &Bound<'py, Self>,
        f: Py<PyAny>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, Self>> {
        let f = bind_args(slf.py(), f, args, kwargs)?;
        Self::add(slf, f, true);
        Ok(slf.clone())
    }

    /// Adds `f` as both callback and errback. Returns self.
    #[pyo3(signature = (f, *args, **kwargs))]
    fn add_both<'py>(
        slf: &Bound<'py, Self>,
        f: Py<PyAny>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, Self>> {
        let f = bind_args(slf.py(), f, args, kwargs)?;
        Self::add(slf, f.clone_ref(slf.py()), false);
        Self::add(slf, f, true);
        Ok(slf.clone())
    }

    /// kafka-python's `Future.error_on_callbacks`: callback errors are logged, not raised.
    #[classattr]
    fn error_on_callbacks() -> bool {
        false
    }

    /// True when the send failed with a retriable error (`kafka.errors.RetriableError`).
    fn retriable(&self, py: Python<'_>) -> PyResult<bool> {
        match self.resolve(py)? {
            Some((false, exc)) => {
                exc.bind(py).is_instance(&cached(py, &RETRIABLE, "kafka.errors", "RetriableError")?)
            }
            _ => Ok(false),
        }
    }

    /// Resolves `future` (a `kafka.future.Future`) the way this one resolves. Returns self.
    fn chain<'py>(slf: &Bound<'py, Self>, future: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        Self::add(slf, future.getattr("success")?.unbind(), false);
        Self::add(slf, future.getattr("failure")?.unbind(), true);
        Ok(slf.clone())
    }

    /// kafka-python's `(batch_index, timestamp_ms, checksum, serialized_key_size,
    /// serialized_value_size, serialized_header_size)`.
    #[getter]
    fn args(&self) -> (i32, i64, Option<i64>, i32, i32, i32) {
        (self.index, self.timestamp, None, self.key_size, self.value_size, self.header_size)
    }

    /// The producer completes this future: calling it raises AssertionError (kafka-python raises
    /// the same for a future that is already complete).
    fn success(&self, value: Py<PyAny>) -> PyResult<()> {
        drop(value);
        Err(pyo3::exceptions::PyAssertionError::new_err("the producer completes this future"))
    }

    /// See [`Self::success`].
    fn failure(&self, e: Py<PyAny>) -> PyResult<()> {
        drop(e);
        Err(pyo3::exceptions::PyAssertionError::new_err("the producer completes this future"))
    }

    /// `await future` in a coroutine: the `RecordMetadata`, without blocking the event loop.
    fn __await__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        cached(py, &AWAIT, "kafka.future", "_await")?.call1((slf,))?.call_method0("__await__")
    }

    fn __repr__(&self) -> String {
        format!(
            "<FutureRecordMetadata {}-{} #{} done={}>",
            self.result.topic,
            self.result.partition,
            self.index,
            self.result.is_done()
        )
    }
}
