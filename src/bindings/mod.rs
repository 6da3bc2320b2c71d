//! pyo3 bindings: the `kafka._native` extension module. Thin by design: argument conversion,
//! GIL release around waits, and error mapping onto `kafka.errors`; all logic lives in the core.

mod config;
mod consumer;
mod errors;
mod future;
mod producer;

use pyo3::prelude::*;

/// Java-compatible murmur2 hash of `data` (as kafka-python's `murmur2`).
#[pyfunction]
fn murmur2(data: &[u8]) -> i32 {
    crate::producer::partitioner::murmur2(data)
}

#[pymodule]
#[pyo3(name = "_native")]
fn native_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Rust `log` records go to Python's `logging` (logger names follow module paths).
    let _ = pyo3_log::try_init();
    m.add_class::<producer::PyProducer>()?;
    m.add_class::<consumer::PyConsumer>()?;
    m.add_class::<future::FutureRecordMetadata>()?;
    m.add_function(wrap_pyfunction!(murmur2, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
