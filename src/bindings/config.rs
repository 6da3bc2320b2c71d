//! Reading the configuration dict the Python layer passes (already validated there).

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::network::ClientConfig;

pub fn get<'py, T: FromPyObjectOwned<'py>>(cfg: &Bound<'py, PyDict>, key: &str, default: T) -> PyResult<T> {
    match cfg.get_item(key)? {
        Some(v) if !v.is_none() => v.extract::<T>().map_err(|e| {
            let e: PyErr = e.into();
            pyo3::exceptions::PyValueError::new_err(format!("invalid value for {key}: {e}"))
        }),
        _ => Ok(default),
    }
}

pub fn millis(cfg: &Bound<'_, PyDict>, key: &str, default: u64) -> PyResult<Duration> {
    let v: f64 = get(cfg, key, default as f64)?;
    if v < 0.0 || !v.is_finite() {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("{key} must be a non-negative number")));
    }
    Ok(Duration::from_micros((v * 1000.0) as u64))
}

/// The settings every client shares.
pub fn client_config(cfg: &Bound<'_, PyDict>) -> PyResult<ClientConfig> {
    let d = ClientConfig::default();
    Ok(ClientConfig {
        bootstrap_servers: get(cfg, "bootstrap_servers", d.bootstrap_servers)?,
        client_id: get(cfg, "client_id", d.client_id)?,
        request_timeout: millis(cfg, "request_timeout_ms", 30_000)?,
        metadata_max_age: millis(cfg, "metadata_max_age_ms", 300_000)?,
        retry_backoff: millis(cfg, "retry_backoff_ms", 100)?,
        reconnect_backoff: millis(cfg, "reconnect_backoff_ms", 50)?,
        reconnect_backoff_max: millis(cfg, "reconnect_backoff_max_ms", 1000)?,
        max_in_flight: get(cfg, "max_in_flight_requests_per_connection", 5usize)?,
        allow_auto_create_topics: get(cfg, "allow_auto_create_topics", true)?,
        receive_message_max_bytes: get(cfg, "receive_message_max_bytes", d.receive_message_max_bytes)?,
        security: super::security::security_config(cfg)?,
    })
}
