//! pyo3 bindings: the `kafka._native` extension module.
