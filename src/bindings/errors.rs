//! Maps core errors onto `kafka.errors` classes.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

use crate::error::Error;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS.get_or_try_init(py, || py.import("kafka.errors").map(Bound::unbind)).map(|m| m.bind(py))
}

fn instantiate(py: Python<'_>, class: &str, msg: String) -> PyErr {
    match errors_module(py).and_then(|m| m.getattr(class)).and_then(|c| c.call1((msg.clone(),))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// The `kafka.errors` exception for a core error.
pub fn to_pyerr(py: Python<'_>, err: Error) -> PyErr {
    match err {
        Error::Broker { code, message } => {
            let made = errors_module(py)
                .and_then(|m| m.getattr("for_code"))
                .and_then(|f| f.call1((code,)))
                .and_then(|cls| cls.call1((message,)));
            match made {
                Ok(exc) => PyErr::from_value(exc),
                Err(e) => e,
            }
        }
        Error::Timeout(m) => instantiate(py, "KafkaTimeoutError", m),
        Error::NoBrokersAvailable(m) => instantiate(py, "NoBrokersAvailable", m),
        Error::Connection(m) => instantiate(py, "KafkaConnectionError", m),
        Error::MessageSizeTooLarge(m) => instantiate(py, "MessageSizeTooLargeError", m),
        Error::Closed(m) => instantiate(py, "KafkaError", m),
        Error::Decode(e) => instantiate(py, "KafkaProtocolError", e.to_string()),
        Error::Encode(e) => instantiate(py, "KafkaError", e.to_string()),
        Error::UnsupportedVersion(m) => instantiate(py, "UnsupportedVersionError", m),
        Error::InvalidArgument(m) => pyo3::exceptions::PyValueError::new_err(m),
        Error::IllegalState(m) => instantiate(py, "IllegalStateError", m),
        Error::CommitFailed(m) => instantiate(py, "CommitFailedError", m),
        Error::Other(m) => instantiate(py, "KafkaError", m),
        Error::Authentication(m) => instantiate(py, "AuthenticationFailedError", m),
        Error::Interrupted => {
            py.check_signals().err().unwrap_or_else(|| pyo3::exceptions::PyKeyboardInterrupt::new_err(()))
        }
    }
}

/// A check for pending signals (Ctrl-C) to call from code that runs with the GIL released: it
/// re-acquires the GIL briefly and runs Python's signal handlers. The raised exception is kept in
/// `slot` and the check reports `true` (stop waiting).
pub fn signal_check(slot: &mut Option<PyErr>) -> impl FnMut() -> bool + Send + '_ {
    move || {
        Python::attach(|py| match py.check_signals() {
            Ok(()) => false,
            Err(e) => {
                *slot = Some(e);
                true
            }
        })
    }
}

/// Shorthand: run `f`'s result through [`to_pyerr`].
pub trait IntoPyResult<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, e))
    }
}
