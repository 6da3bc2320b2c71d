//! pyo3 bindings: the `kafka._native` extension module. Thin by design: argument conversion,
//! GIL release around waits, and error mapping onto `kafka.errors`; all logic lives in the core.

mod admin;
mod admin_requests;
mod aio;
mod aio_consumer;
mod aio_future;
mod aio_runtime;
mod assignor;
mod cluster;
mod codec;
mod config;
mod consumer;
mod errors;
mod future;
mod logging;
mod producer;
pub(crate) mod protocol_dict;
mod record;
mod security;
mod wait;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// `module.name`, imported once per interpreter and kept in `cell`.
pub(crate) fn cached<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    module: &str,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || py.import(module)?.getattr(name).map(Bound::unbind))
        .map(|c| c.bind(py).clone())
}

/// Java-compatible murmur2 hash of `data` (as kafka-python's `murmur2`).
#[pyfunction]
fn murmur2(data: &[u8]) -> i32 {
    crate::producer::partitioner::murmur2(data)
}

/// `os.register_at_fork(after_in_child=...)`: the child builds a runtime of its own on next use.
#[pyfunction]
fn _after_fork_in_child() {
    crate::network::runtime::after_fork_in_child();
    logging::start_forwarder();
}

/// The fork generation of this process (0 in the process that imported `kafka`).
#[pyfunction]
fn _fork_generation() -> u64 {
    crate::network::runtime::generation()
}

#[pymodule]
#[pyo3(name = "_native")]
fn native_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    // Rust `log` records go to Python's `logging` until interpreter exit: atexit flips the guard
    // before Python finalizes.
    logging::install(py)?;
    let shutdown = wrap_pyfunction!(logging::_mark_shutdown, m)?;
    py.import("atexit")?.call_method1("register", (shutdown,))?;
    m.add_class::<producer::PyProducer>()?;
    m.add_class::<aio::AioProducer>()?;
    m.add_class::<aio_consumer::AioConsumer>()?;
    m.add_class::<aio_future::DeliveryFuture>()?;
    m.add_class::<aio_future::SendAwaitable>()?;
    m.add_class::<aio_future::AioLoop>()?;
    m.add_class::<admin::PyAdmin>()?;
    m.add_class::<consumer::PyConsumer>()?;
    m.add_class::<future::FutureRecordMetadata>()?;
    m.add_function(wrap_pyfunction!(murmur2, m)?)?;
    m.add_function(wrap_pyfunction!(assignor::run_assignor, m)?)?;
    m.add_function(wrap_pyfunction!(codec::codec_compress, m)?)?;
    m.add_function(wrap_pyfunction!(codec::codec_decompress, m)?)?;
    m.add_function(wrap_pyfunction!(codec::codec_snappy_raw, m)?)?;
    m.add_function(wrap_pyfunction!(_after_fork_in_child, m)?)?;
    m.add_function(wrap_pyfunction!(_fork_generation, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
