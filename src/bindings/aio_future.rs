//! `DeliveryFuture`: the asyncio future `AIOKafkaProducer.send()` returns, implemented in Rust.
//!
//! It speaks asyncio's future protocol (`_asyncio_future_blocking`, `get_loop`,
//! `add_done_callback(fn, *, context=None)`, `result`, `exception`, `cancel`, `__await__`), so
//! `await`, `asyncio.gather`, `wait`, `wait_for`, `shield` and tasks accept it like an
//! `asyncio.Future` (`asyncio.isfuture()` is true). What it saves is asyncio's per-future
//! machinery: a completed batch marks its records' futures done in one pass and their done
//! callbacks run from one `loop.call_soon` for the whole burst, where `asyncio.Future.set_result`
//! schedules one loop handle per callback. `RecordMetadata` objects are built lazily, when
//! `result()` is read. As with asyncio, callbacks always run in a later loop iteration (never
//! inside the call that completed the future), each in its `contextvars` context, and an
//! exception from one is reported to the loop's exception handler.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use pyo3::exceptions::{PyKeyboardInterrupt, PyStopIteration, PySystemExit};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use pyo3::PyTraverseError;

use super::cached;
use super::errors::to_pyerr;
use crate::producer::{BatchOutcome, BatchResult};

static CANCELLED_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static INVALID_STATE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static TOPIC_PARTITION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn invalid_state(py: Python<'_>, message: &str) -> PyErr {
    match cached(py, &INVALID_STATE, "asyncio", "InvalidStateError").and_then(|c| c.call1((message,))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

fn cancelled_error(py: Python<'_>, msg: Option<&Py<PyAny>>) -> PyErr {
    let made = cached(py, &CANCELLED_ERROR, "asyncio", "CancelledError").and_then(|c| match msg {
        Some(m) => c.call1((m,)),
        None => c.call0(),
    });
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// A done callback and the `contextvars.Context` it runs in.
struct Callback {
    func: Py<PyAny>,
    context: Py<PyAny>,
}

/// A callback ready to run: the callback and the future it is called with.
pub struct Ready {
    callback: Callback,
    future: Py<PyAny>,
}

/// The producer's link to its event loop: runs done callbacks, builds `RecordMetadata`.
#[pyclass(module = "kafka._native", name = "AioLoop", frozen)]
pub struct AioLoop {
    event_loop: Py<PyAny>,
    copy_context: Py<PyAny>,
    metadata_class: Py<PyAny>,
    /// acks=0: sends resolve to None (as aiokafka: nothing is acknowledged).
    acks_zero: bool,
    /// Callbacks waiting for the `call_soon` scheduled when the queue became non-empty.
    queue: Mutex<Vec<Ready>>,
    scheduled: AtomicBool,
    /// The batch whose topic string and TopicPartition were built last (futures of one batch
    /// are usually read one after another). Holding the `Arc` keeps the key from being reused.
    last_batch: Mutex<Option<BatchNames>>,
}

/// A batch with its topic as a Python string and its TopicPartition.
type BatchNames = (Arc<BatchResult>, Py<PyString>, Py<PyAny>);

impl AioLoop {
    pub fn new(
        py: Python<'_>,
        event_loop: Py<PyAny>,
        metadata_class: Py<PyAny>,
        acks_zero: bool,
    ) -> PyResult<Self> {
        let copy_context = py.import("contextvars")?.getattr("copy_context")?.unbind();
        Ok(Self {
            event_loop,
            copy_context,
            metadata_class,
            acks_zero,
            queue: Mutex::new(Vec::new()),
            scheduled: AtomicBool::new(false),
            last_batch: Mutex::new(None),
        })
    }

    pub fn event_loop(&self) -> &Py<PyAny> {
        &self.event_loop
    }

    /// Queues callbacks for the next loop iteration (one `call_soon` per burst).
    pub fn schedule(slf: &Bound<'_, Self>, ready: Vec<Ready>) -> PyResult<()> {
        if ready.is_empty() {
            return Ok(());
        }
        let this = slf.get();
        this.queue.lock().extend(ready);
        if !this.scheduled.swap(true, Ordering::AcqRel) {
            if let Err(e) = this.event_loop.bind(slf.py()).call_method1("call_soon", (slf,)) {
                this.scheduled.store(false, Ordering::Release);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Runs callbacks (from `__call__`, a loop callback outside any task). An exception from a
    /// callback goes to the loop's exception handler; KeyboardInterrupt and SystemExit propagate,
    /// and the callbacks after it are scheduled rather than lost.
    fn run(slf: &Bound<'_, Self>, ready: Vec<Ready>) -> PyResult<()> {
        let py = slf.py();
        let run = pyo3::intern!(py, "run");
        let mut it = ready.into_iter();
        while let Some(r) = it.next() {
            let Err(e) = r.callback.context.bind(py).call_method1(run, (&r.callback.func, &r.future)) else {
                continue;
            };
            if e.is_instance_of::<PyKeyboardInterrupt>(py) || e.is_instance_of::<PySystemExit>(py) {
                Self::schedule(slf, it.collect())?;
                return Err(e);
            }
            let context = PyDict::new(py);
            let report = (|| {
                let func = r.callback.func.bind(py).repr()?;
                context.set_item("message", format!("Exception in callback {func}"))?;
                context.set_item("exception", e.value(py))?;
                context.set_item("future", &r.future)?;
                slf.get().event_loop.bind(py).call_method1("call_exception_handler", (&context,))
            })();
            if let Err(report_err) = report {
                report_err.print(py);
            }
        }
        Ok(())
    }

    fn topic_partition(
        &self,
        py: Python<'_>,
        batch: &Arc<BatchResult>,
    ) -> PyResult<(Py<PyString>, Py<PyAny>)> {
        if let Some((b, topic, tp)) = self.last_batch.lock().as_ref() {
            if Arc::ptr_eq(b, batch) {
                return Ok((topic.clone_ref(py), tp.clone_ref(py)));
            }
        }
        let topic = PyString::new(py, &batch.topic);
        let tp = cached(py, &TOPIC_PARTITION, "kafka.structs", "TopicPartition")?
            .call1((&topic, batch.partition))?;
        let (topic, tp) = (topic.unbind(), tp.unbind());
        *self.last_batch.lock() = Some((batch.clone(), topic.clone_ref(py), tp.clone_ref(py)));
        Ok((topic, tp))
    }
}

#[pymethods]
impl AioLoop {
    /// Runs the queued callbacks (the target of `loop.call_soon`).
    fn __call__(slf: &Bound<'_, Self>) -> PyResult<()> {
        let this = slf.get();
        this.scheduled.store(false, Ordering::Release);
        let ready = std::mem::take(&mut *this.queue.lock());
        Self::run(slf, ready)
    }
}

enum Phase {
    Pending,
    /// Completed with its batch: the outcome is read from the batch when asked for.
    Batch,
    Result(Py<PyAny>),
    Exception(Py<PyAny>),
    Cancelled(Option<Py<PyAny>>),
}

struct State {
    phase: Phase,
    /// The first callback inline: nearly every future gets exactly one (gather's or a task's).
    first: Option<Callback>,
    rest: Vec<Callback>,
}

impl State {
    fn take_callbacks(&mut self, future: &Py<PyAny>, py: Python<'_>, out: &mut Vec<Ready>) {
        if let Some(callback) = self.first.take() {
            out.push(Ready { callback, future: future.clone_ref(py) });
        }
        for callback in self.rest.drain(..) {
            out.push(Ready { callback, future: future.clone_ref(py) });
        }
    }
}

/// The delivery future of one record: resolves to RecordMetadata or fails with a
/// `kafka.errors` exception.
#[pyclass(module = "kafka._native", name = "DeliveryFuture", frozen)]
pub struct DeliveryFuture {
    batch: Arc<BatchResult>,
    index: i32,
    timestamp: i64,
    aio_loop: Py<AioLoop>,
    blocking: AtomicBool,
    /// Whether the cyclic GC tracks the object (changed only with the GIL held). A future is
    /// untracked while it holds no Python object that could close a cycle (pending without
    /// callbacks, or done with its batch's outcome not yet built), so the hundreds of
    /// thousands of futures a fast producer keeps in flight cost the collector nothing.
    tracked: AtomicBool,
    state: Mutex<State>,
}

impl DeliveryFuture {
    pub fn new(batch: Arc<BatchResult>, index: i32, timestamp: i64, aio_loop: Py<AioLoop>) -> Self {
        Self {
            batch,
            index,
            timestamp,
            aio_loop,
            blocking: AtomicBool::new(false),
            tracked: AtomicBool::new(true),
            state: Mutex::new(State { phase: Phase::Pending, first: None, rest: Vec::new() }),
        }
    }

    /// Takes a new future out of the cyclic GC: it holds no Python object yet.
    pub fn untrack(slf: &Bound<'_, Self>) {
        if slf.get().tracked.swap(false, Ordering::Relaxed) {
            // SAFETY: `slf` is a live object of a GC type (pyo3 classes have Py_TPFLAGS_HAVE_GC)
            // and the GIL is held; untracking only hides it from cycle detection.
            unsafe { pyo3::ffi::PyObject_GC_UnTrack(slf.as_ptr().cast()) }
        }
    }

    /// Puts the future back under the cyclic GC before it stores a Python object.
    fn track(slf: &Bound<'_, Self>) {
        if !slf.get().tracked.swap(true, Ordering::Relaxed) {
            // SAFETY: as in `untrack`; the flag (only changed with the GIL held) says the object
            // is not tracked, and tracking an already tracked object is what must not happen.
            unsafe { pyo3::ffi::PyObject_GC_Track(slf.as_ptr().cast()) }
        }
    }

    /// Marks the future done with its batch's outcome (loop thread); its callbacks go to `out`.
    pub fn complete(slf: &Bound<'_, Self>, out: &mut Vec<Ready>) {
        let mut st = slf.get().state.lock();
        if matches!(st.phase, Phase::Pending) {
            st.phase = Phase::Batch;
            st.take_callbacks(slf.as_any().as_unbound(), slf.py(), out);
        }
    }

    /// Sets a final phase if still pending and schedules the callbacks; false if already done.
    fn finish(slf: &Bound<'_, Self>, phase: Phase) -> PyResult<bool> {
        let py = slf.py();
        Self::track(slf);
        let mut ready = Vec::new();
        {
            let mut st = slf.get().state.lock();
            if !matches!(st.phase, Phase::Pending) {
                return Ok(false);
            }
            st.phase = phase;
            st.take_callbacks(slf.as_any().as_unbound(), py, &mut ready);
        }
        AioLoop::schedule(slf.get().aio_loop.bind(py), ready)?;
        Ok(true)
    }

    /// Builds the outcome of a batch-completed future and caches it as Result or Exception.
    fn materialize(slf: &Bound<'_, Self>) -> PyResult<()> {
        let (py, this) = (slf.py(), slf.get());
        let made = match this.batch.outcome() {
            Some(BatchOutcome::Delivered { .. }) if this.aio_loop.get().acks_zero => Phase::Result(py.None()),
            Some(BatchOutcome::Delivered { base_offset, log_append_time, log_start_offset }) => {
                let offset = if base_offset < 0 { -1 } else { base_offset + i64::from(this.index) };
                let (ts, ts_type) =
                    if log_append_time >= 0 { (log_append_time, 1) } else { (this.timestamp, 0) };
                let aio_loop = this.aio_loop.get();
                let (topic, tp) = aio_loop.topic_partition(py, &this.batch)?;
                let md = aio_loop.metadata_class.bind(py).call1((
                    topic,
                    this.batch.partition,
                    tp,
                    offset,
                    ts,
                    ts_type,
                    log_start_offset,
                ))?;
                Phase::Result(md.unbind())
            }
            Some(BatchOutcome::Failed(e)) => Phase::Exception(to_pyerr(py, e).into_value(py).into_any()),
            None => return Err(invalid_state(py, "the record's batch has not completed")),
        };
        if matches!(made, Phase::Exception(_)) {
            // An exception's traceback can lead back to this future; RecordMetadata cannot.
            Self::track(slf);
        }
        let mut st = this.state.lock();
        if matches!(st.phase, Phase::Batch) {
            st.phase = made;
        }
        Ok(())
    }

    /// `Ok(Ok(result))`, `Ok(Err(exception))`, or Err(CancelledError / InvalidStateError).
    fn outcome(slf: &Bound<'_, Self>, not_ready: &str) -> PyResult<Result<Py<PyAny>, Py<PyAny>>> {
        let py = slf.py();
        loop {
            {
                let st = slf.get().state.lock();
                match &st.phase {
                    Phase::Pending => return Err(invalid_state(py, not_ready)),
                    Phase::Result(v) => return Ok(Ok(v.clone_ref(py))),
                    Phase::Exception(e) => return Ok(Err(e.clone_ref(py))),
                    Phase::Cancelled(msg) => return Err(cancelled_error(py, msg.as_ref())),
                    Phase::Batch => {}
                }
            }
            Self::materialize(slf)?;
        }
    }
}

fn stop_iteration(value: Py<PyAny>) -> PyErr {
    // A 1-tuple of args: StopIteration.value is the value even when it is itself a tuple.
    PyStopIteration::new_err((value,))
}

#[pymethods]
impl DeliveryFuture {
    /// asyncio's marker: present on the class (so `asyncio.isfuture()` is true), set to True on
    /// an instance while a task waits for it.
    #[getter(_asyncio_future_blocking)]
    fn get_blocking(&self) -> bool {
        self.blocking.load(Ordering::Relaxed)
    }

    #[setter(_asyncio_future_blocking)]
    fn set_blocking(&self, value: bool) {
        self.blocking.store(value, Ordering::Relaxed);
    }

    /// The event loop the future belongs to.
    fn get_loop(&self, py: Python<'_>) -> Py<PyAny> {
        self.aio_loop.get().event_loop.clone_ref(py)
    }

    fn done(&self) -> bool {
        !matches!(self.state.lock().phase, Phase::Pending)
    }

    fn cancelled(&self) -> bool {
        matches!(self.state.lock().phase, Phase::Cancelled(_))
    }

    /// The RecordMetadata; raises the delivery error, CancelledError, or InvalidStateError if
    /// the record is still in flight.
    fn result(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        match Self::outcome(slf, "Result is not ready.")? {
            Ok(v) => Ok(v),
            Err(e) => Err(PyErr::from_value(e.into_bound(slf.py()))),
        }
    }

    /// The delivery error, or None once delivered.
    fn exception(slf: &Bound<'_, Self>) -> PyResult<Option<Py<PyAny>>> {
        Ok(Self::outcome(slf, "Exception is not set.")?.err())
    }

    /// Adds a callback run with the future once it is done (scheduled at once if it is).
    #[pyo3(signature = (callback, /, *, context=None))]
    fn add_done_callback(
        slf: &Bound<'_, Self>,
        callback: Py<PyAny>,
        context: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        let py = slf.py();
        let this = slf.get();
        let context = match context {
            Some(c) if !c.is_none(py) => c,
            _ => this.aio_loop.get().copy_context.call0(py)?,
        };
        let callback = Callback { func: callback, context };
        if !this.done() {
            Self::track(slf);
        }
        {
            let mut st = this.state.lock();
            if matches!(st.phase, Phase::Pending) {
                if st.first.is_none() {
                    st.first = Some(callback);
                } else {
                    st.rest.push(callback);
                }
                return Ok(());
            }
        }
        let ready = vec![Ready { callback, future: slf.as_any().clone().unbind() }];
        AioLoop::schedule(this.aio_loop.bind(py), ready)
    }

    /// Removes every registration of `callback`; returns how many were removed.
    #[pyo3(signature = (callback, /))]
    fn remove_done_callback(&self, py: Python<'_>, callback: &Bound<'_, PyAny>) -> PyResult<usize> {
        let (first, rest) = {
            let mut st = self.state.lock();
            (st.first.take(), std::mem::take(&mut st.rest))
        };
        let mut kept = Vec::new();
        let mut removed = 0;
        for cb in first.into_iter().chain(rest) {
            if cb.func.bind(py).eq(callback)? {
                removed += 1;
            } else {
                kept.push(cb);
            }
        }
        let mut st = self.state.lock();
        let mut kept = kept.into_iter();
        // Callbacks added while comparing (by __eq__ code) come after the kept ones.
        let added: Vec<Callback> = st.first.take().into_iter().chain(st.rest.drain(..)).collect();
        st.first = kept.next();
        st.rest = kept.chain(added).collect();
        Ok(removed)
    }

    /// Cancels the future (not the record: it is still delivered). False if already done.
    #[pyo3(signature = (msg=None))]
    fn cancel(slf: &Bound<'_, Self>, msg: Option<Py<PyAny>>) -> PyResult<bool> {
        Self::finish(slf, Phase::Cancelled(msg))
    }

    /// asyncio.Future API: completes the future with `result` (InvalidStateError if done).
    fn set_result(slf: &Bound<'_, Self>, result: Py<PyAny>) -> PyResult<()> {
        if Self::finish(slf, Phase::Result(result))? {
            Ok(())
        } else {
            Err(invalid_state(slf.py(), "invalid state"))
        }
    }

    /// asyncio.Future API: fails the future with `exception` (InvalidStateError if done).
    fn set_exception(slf: &Bound<'_, Self>, exception: &Bound<'_, PyAny>) -> PyResult<()> {
        let exc = if exception.is_instance_of::<pyo3::types::PyType>() {
            exception.call0()?
        } else {
            exception.clone()
        };
        if Self::finish(slf, Phase::Exception(exc.unbind()))? {
            Ok(())
        } else {
            Err(invalid_state(slf.py(), "invalid state"))
        }
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        // The collector runs with the GIL, and the lock is never held across Python calls: a
        // held lock (never expected) only hides these references, which is safe.
        let Some(st) = self.state.try_lock() else { return Ok(()) };
        for cb in st.first.iter().chain(st.rest.iter()) {
            visit.call(&cb.func)?;
            visit.call(&cb.context)?;
        }
        match &st.phase {
            Phase::Result(o) | Phase::Exception(o) | Phase::Cancelled(Some(o)) => visit.call(o),
            _ => Ok(()),
        }
    }

    fn __clear__(&self) {
        let taken = {
            let mut st = self.state.lock();
            let callbacks: Vec<Callback> = st.first.take().into_iter().chain(st.rest.drain(..)).collect();
            let phase = match &st.phase {
                Phase::Result(_) | Phase::Exception(_) | Phase::Cancelled(Some(_)) => {
                    Some(std::mem::replace(&mut st.phase, Phase::Cancelled(None)))
                }
                _ => None,
            };
            (callbacks, phase)
        };
        drop(taken); // decref outside the lock
    }

    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// One step of `await`: yields the future itself while pending (the task then waits for
    /// it), returns its result once done.
    fn __next__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let this = slf.get();
        if !this.done() {
            this.blocking.store(true, Ordering::Relaxed);
            return Ok(slf.as_any().clone().unbind());
        }
        Err(stop_iteration(Self::result(slf)?))
    }

    fn __repr__(&self) -> String {
        let state = match self.state.lock().phase {
            Phase::Pending => "pending",
            Phase::Cancelled(_) => "cancelled",
            _ => "finished",
        };
        format!("<DeliveryFuture {state} {}-{}>", self.batch.topic, self.batch.partition)
    }
}

/// What `AIOKafkaProducer.send()` returns on its fast path: an awaitable (and a coroutine for
/// `asyncio.create_task`) that completes at once with the delivery future, or raises the error
/// the append failed with.
#[pyclass(module = "kafka._native", name = "SendAwaitable", frozen)]
pub struct SendAwaitable {
    outcome: Result<Py<PyAny>, Py<PyAny>>,
}

impl SendAwaitable {
    /// The awaitable of an appended record, out of the cyclic GC: it only holds the future,
    /// whose own cycles (through done callbacks) end when it completes.
    pub fn ready(py: Python<'_>, future: Py<PyAny>) -> PyResult<Py<Self>> {
        let aw = Bound::new(py, Self { outcome: Ok(future) })?;
        // SAFETY: a live object of a GC type, just created and tracked by pyo3, GIL held.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(aw.as_ptr().cast()) }
        Ok(aw.unbind())
    }

    pub fn failed(py: Python<'_>, err: PyErr) -> Self {
        Self { outcome: Err(err.into_value(py).into_any()) }
    }

    fn step(&self, py: Python<'_>) -> PyErr {
        match &self.outcome {
            Ok(f) => stop_iteration(f.clone_ref(py)),
            Err(e) => PyErr::from_value(e.bind(py).clone()),
        }
    }
}

#[pymethods]
impl SendAwaitable {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        match &self.outcome {
            Ok(o) | Err(o) => visit.call(o),
        }
    }

    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<()> {
        Err(self.step(py))
    }

    /// Coroutine protocol: the first step completes.
    #[pyo3(signature = (_value, /))]
    fn send(&self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(self.step(py))
    }

    /// Coroutine protocol: raises what is thrown in.
    #[pyo3(signature = (typ, val=None, _tb=None, /))]
    fn throw(
        &self,
        typ: &Bound<'_, PyAny>,
        val: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let exc = match val {
            Some(v) if !v.is_none() => v.clone(),
            _ if typ.is_instance_of::<pyo3::types::PyType>() => typ.call0()?,
            _ => typ.clone(),
        };
        Err(PyErr::from_value(exc))
    }

    fn close(&self) {}
}
