//! `kafka.codec`'s functions on the core's codecs: `codec_compress` / `codec_decompress` by codec
//! name, and raw (unframed) snappy for `snappy_encode(xerial_compatible=False)`.

use bytes::BytesMut;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::compression::{self, Compression, CompressionError};

/// Decompressed payloads larger than this are refused (kafka-python's ZSTD_MAX_OUTPUT_SIZE is
/// 1 GiB too): a small corrupt or hostile input cannot exhaust memory.
const MAX_OUTPUT: usize = 1 << 30;

fn codec_err(e: CompressionError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn codec(name: &str) -> PyResult<Compression> {
    Compression::from_name(name).map_err(codec_err)
}

/// `data` compressed with codec `name` ('gzip', 'snappy' (xerial framing), 'lz4' (frame),
/// 'zstd'); `level` for gzip and zstd. Releases the GIL while compressing.
#[pyfunction]
#[pyo3(signature = (name, data, level=None))]
pub fn codec_compress<'py>(
    py: Python<'py>,
    name: &str,
    data: &[u8],
    level: Option<i32>,
) -> PyResult<Bound<'py, PyBytes>> {
    let codec = codec(name)?;
    let mut out = BytesMut::with_capacity(data.len() / 2 + 64);
    py.detach(|| compression::compress_with_level(codec, data, level, &mut out)).map_err(codec_err)?;
    Ok(PyBytes::new(py, &out))
}

/// Raw snappy (no xerial framing) of `data`.
#[pyfunction]
pub fn codec_snappy_raw<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let mut out = BytesMut::with_capacity(data.len() / 2 + 64);
    py.detach(|| compression::snappy::compress_raw(data, &mut out)).map_err(codec_err)?;
    Ok(PyBytes::new(py, &out))
}

/// `data` decompressed with codec `name` (snappy: xerial-framed or raw). Raises ValueError for
/// corrupt input or an output over 1 GiB. Releases the GIL while decompressing.
#[pyfunction]
pub fn codec_decompress<'py>(py: Python<'py>, name: &str, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let codec = codec(name)?;
    let out = py.detach(|| compression::decompress(codec, data, MAX_OUTPUT)).map_err(codec_err)?;
    Ok(PyBytes::new(py, &out))
}
