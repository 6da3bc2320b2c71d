//! Waiting on the core from Python: with the GIL released, and interruptible by Ctrl-C.

use std::future::Future;

use pyo3::prelude::*;

use super::errors::{signal_check, IntoPyResult};
use crate::error::Result;
use crate::network::runtime::block_on_until;

/// Runs `fut` to completion on the runtime with the GIL released, checking for Ctrl-C every
/// 100 ms: a pending KeyboardInterrupt (or any signal handler's exception) ends the wait and is
/// raised instead; the future is dropped (cancelled).
pub(crate) fn block_on_interruptibly<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = Result<T>> + Send,
{
    let mut interrupted: Option<PyErr> = None;
    let outcome = py.detach(|| block_on_until(fut, &mut signal_check(&mut interrupted)));
    match (outcome, interrupted) {
        (Some(out), _) => out.py_err(py),
        (None, Some(e)) => Err(e),
        (None, None) => Err(pyo3::exceptions::PyKeyboardInterrupt::new_err(())),
    }
}
