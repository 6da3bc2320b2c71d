//! Rust `log` records to Python's `logging` (through pyo3-log; logger names follow module paths).
//!
//! A record from a Python thread is handed to pyo3-log at once. A record from a thread of the
//! I/O runtime is queued (bounded; dropped when full) for a forwarding thread that takes the GIL:
//! runtime threads hold the client's locks, and a Python thread that holds the GIL can wait for
//! one of those locks (appending a record, reading the consumer's state), so a runtime thread
//! waiting for the GIL to log could deadlock. pyo3-log's level check reads its cache without the
//! GIL, so disabled records cost no queueing. Nothing is forwarded after interpreter exit starts.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, OnceLock};

use log::Log;

use parking_lot::Mutex;
use pyo3::prelude::*;

/// Records waiting for the forwarding thread at most (more are dropped).
const QUEUE: usize = 16 * 1024;

/// Set at interpreter exit: from then on Rust threads must not touch Python (no logging).
pub(crate) static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

/// The pyo3-log logger, shared by the installed logger and the forwarding thread.
static PY_LOGGER: OnceLock<Arc<pyo3_log::Logger>> = OnceLock::new();

/// The queue to the forwarding thread (replaced in a forked child, whose thread is gone).
static FORWARD: Mutex<Option<SyncSender<Owned>>> = Mutex::new(None);

/// A record taken off the runtime thread that produced it.
struct Owned {
    level: log::Level,
    target: String,
    message: String,
    module_path: Option<String>,
    file: Option<String>,
    line: Option<u32>,
}

struct Bridge;

impl log::Log for Bridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        !SHUTTING_DOWN.load(Ordering::Acquire) && PY_LOGGER.get().is_some_and(|l| l.enabled(metadata))
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let Some(logger) = PY_LOGGER.get() else { return };
        if !crate::network::runtime::on_runtime_thread() {
            logger.log(record);
            return;
        }
        let owned = Owned {
            level: record.level(),
            target: record.target().to_string(),
            message: record.args().to_string(),
            module_path: record.module_path().map(str::to_string),
            file: record.file().map(str::to_string),
            line: record.line(),
        };
        if let Some(tx) = FORWARD.lock().as_ref() {
            let _ = tx.try_send(owned);
        }
    }

    fn flush(&self) {}
}

/// Hands queued records to Python's logging until the queue's sender goes away.
fn forward(rx: Receiver<Owned>, logger: Arc<pyo3_log::Logger>) {
    for r in rx {
        if SHUTTING_DOWN.load(Ordering::Acquire) {
            continue;
        }
        let _ = Python::try_attach(|_py| {
            logger.log(
                &log::Record::builder()
                    .args(format_args!("{}", r.message))
                    .level(r.level)
                    .target(&r.target)
                    .module_path(r.module_path.as_deref())
                    .file(r.file.as_deref())
                    .line(r.line)
                    .build(),
            );
        });
    }
}

/// Starts a forwarding thread (at import, and again in a forked child).
pub(crate) fn start_forwarder() {
    let Some(logger) = PY_LOGGER.get().cloned() else { return };
    let (tx, rx) = sync_channel(QUEUE);
    let started =
        std::thread::Builder::new().name("kafka-python-rs-log".into()).spawn(move || forward(rx, logger));
    *FORWARD.lock() = started.ok().map(|_| tx);
}

/// Installs the bridge as the `log` logger (once per process).
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    let logger =
        pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels)?.filter(log::LevelFilter::Debug);
    if PY_LOGGER.set(Arc::new(logger)).is_ok() && log::set_boxed_logger(Box::new(Bridge)).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
        start_forwarder();
    }
    Ok(())
}

/// atexit: no record reaches Python from now on.
#[pyfunction]
pub(crate) fn _mark_shutdown() {
    SHUTTING_DOWN.store(true, Ordering::Release);
}
