//! Waiting on the core from Python: with the GIL released, and interruptible by Ctrl-C.

use std::future::Future;
use std::time::Duration;

use pyo3::prelude::*;

use super::errors::IntoPyResult;
use crate::error::Result;
use crate::network::runtime::runtime;

/// How often a wait looks at Python's pending signals.
const SIGNAL_SLICE: Duration = Duration::from_millis(100);

/// Runs `fut` to completion on the runtime with the GIL released, checking for Ctrl-C every
/// 100 ms: a pending KeyboardInterrupt (or any signal handler's exception) ends the wait and is
/// raised instead; the future is dropped (cancelled).
pub(crate) fn block_on_interruptibly<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = Result<T>> + Send,
{
    let mut interrupted: Option<PyErr> = None;
    let slot = &mut interrupted;
    let outcome = py.detach(move || {
        runtime().block_on(async move {
            tokio::pin!(fut);
            loop {
                tokio::select! {
                    out = &mut fut => return Some(out),
                    () = tokio::time::sleep(SIGNAL_SLICE) => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            *slot = Some(e);
                            return None;
                        }
                    }
                }
            }
        })
    });
    match (outcome, interrupted) {
        (Some(out), _) => out.py_err(py),
        (None, Some(e)) => Err(e),
        (None, None) => Err(pyo3::exceptions::PyKeyboardInterrupt::new_err(())),
    }
}
