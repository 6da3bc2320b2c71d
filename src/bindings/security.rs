//! The `security` settings the Python layer prepares (`kafka/_security.py`) → the core's
//! [`SecurityConfig`]; Python token providers and SASL mechanisms behind the core's traits.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::config::get;
use crate::error::{Error, Result};
use crate::security::sasl::ScramHash;
use crate::security::{
    ExternalExchange, MechanismFactory, OAuthToken, SaslMechanism, Secret, SecurityConfig, SecurityProtocol,
    TlsConnector, TlsOptions, TokenProvider,
};

fn config_error(py: Python<'_>, msg: String) -> PyErr {
    match py
        .import("kafka.errors")
        .and_then(|m| m.getattr("KafkaConfigurationError"))
        .and_then(|c| c.call1((msg.clone(),)))
    {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// A Python exception as a core error, without its traceback.
fn py_failure(py: Python<'_>, what: &str, e: PyErr) -> Error {
    let kind = e.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "Exception".into());
    Error::Authentication(format!("{what} raised {kind}: {}", e.value(py)))
}

/// Reads `cfg["security_protocol"]`, `cfg["ssl"]` and `cfg["sasl"]`.
pub fn security_config(cfg: &Bound<'_, PyDict>) -> PyResult<SecurityConfig> {
    let py = cfg.py();
    let protocol: String = get(cfg, "security_protocol", "PLAINTEXT".to_string())?;
    let protocol = SecurityProtocol::parse(&protocol).map_err(|e| config_error(py, e.to_string()))?;
    let tls = match cfg.get_item("ssl")? {
        Some(d) if protocol.uses_tls() && !d.is_none() => {
            let d = d.cast_into::<PyDict>().map_err(PyErr::from)?;
            let opts = tls_options(&d)?;
            Some(Arc::new(TlsConnector::new(&opts).map_err(|e| config_error(py, e.to_string()))?))
        }
        _ => None,
    };
    let sasl = match cfg.get_item("sasl")? {
        Some(d) if protocol.uses_sasl() && !d.is_none() => {
            let d = d.cast_into::<PyDict>().map_err(PyErr::from)?;
            Some(Arc::new(sasl_mechanism(&d)?))
        }
        _ => None,
    };
    SecurityConfig::new(protocol, tls, sasl).map_err(|e| config_error(py, e.to_string()))
}

fn tls_options(d: &Bound<'_, PyDict>) -> PyResult<TlsOptions> {
    let dflt = TlsOptions::default();
    let ca_certs: Vec<Vec<u8>> = get(d, "ca_certs_der", Vec::new())?;
    let password: Option<String> = get(d, "password", None)?;
    Ok(TlsOptions {
        cafile: get(d, "cafile", None)?,
        ca_certs_der: ca_certs,
        use_system_roots: get(d, "use_system_roots", dflt.use_system_roots)?,
        certfile: get(d, "certfile", None)?,
        keyfile: get(d, "keyfile", None)?,
        password: password.map(Secret::new),
        verify: get(d, "verify", true)?,
        check_hostname: get(d, "check_hostname", true)?,
        crlfile: get(d, "crlfile", None)?,
        ciphers: get(d, "ciphers", None)?,
        tls13_only: get(d, "tls13_only", false)?,
    })
}

fn sasl_mechanism(d: &Bound<'_, PyDict>) -> PyResult<SaslMechanism> {
    let py = d.py();
    let name: String = get(d, "mechanism", "PLAIN".to_string())?;
    if let Some(factory) = d.get_item("factory")?.filter(|f| !f.is_none()) {
        return Ok(SaslMechanism::External { name, factory: Arc::new(PyMechanismFactory(factory.unbind())) });
    }
    let username: Option<String> = get(d, "username", None)?;
    let password: Option<String> = get(d, "password", None)?;
    let credentials = |name: &str| -> PyResult<(String, Secret)> {
        match (username.clone(), password.clone()) {
            (Some(u), Some(p)) => Ok((u, Secret::new(p))),
            _ => Err(config_error(
                py,
                format!("sasl_plain_username and sasl_plain_password are required for {name}"),
            )),
        }
    };
    match name.as_str() {
        "PLAIN" => {
            let (username, password) = credentials("PLAIN")?;
            Ok(SaslMechanism::Plain { username, password })
        }
        "SCRAM-SHA-256" | "SCRAM-SHA-512" => {
            let (username, password) = credentials(&name)?;
            let hash = if name == "SCRAM-SHA-256" { ScramHash::Sha256 } else { ScramHash::Sha512 };
            Ok(SaslMechanism::Scram { hash, username, password })
        }
        "OAUTHBEARER" => match d.get_item("token_provider")?.filter(|p| !p.is_none()) {
            Some(p) => Ok(SaslMechanism::OAuthBearer { provider: Arc::new(PyTokenProvider(p.unbind())) }),
            None => Err(config_error(py, "sasl_oauth_token_provider is required for OAUTHBEARER".into())),
        },
        other => Err(config_error(py, format!("SASL mechanism {other} has no implementation"))),
    }
}

/// A Python callable returning `(token, [(key, value), ...])`.
struct PyTokenProvider(Py<PyAny>);

impl TokenProvider for PyTokenProvider {
    fn token(&self) -> Result<OAuthToken> {
        Python::attach(|py| {
            let got = self.0.call0(py).map_err(|e| py_failure(py, "sasl_oauth_token_provider.token()", e))?;
            let (token, extensions): (String, Vec<(String, String)>) = got.extract(py).map_err(|_| {
                Error::Authentication("sasl_oauth_token_provider.token() did not return a string".into())
            })?;
            Ok(OAuthToken { token: Secret::new(token), extensions })
        })
    }
}

/// A Python callable `factory(host)` returning an object with `auth_bytes()`, `receive(bytes)`
/// and `is_done()` (kafka-python's SaslMechanism shape).
struct PyMechanismFactory(Py<PyAny>);

impl MechanismFactory for PyMechanismFactory {
    fn start(&self, host: &str) -> Result<Box<dyn ExternalExchange>> {
        Python::attach(|py| {
            let obj = self.0.call1(py, (host,)).map_err(|e| py_failure(py, "the SASL mechanism", e))?;
            Ok(Box::new(PyExchange(obj)) as Box<dyn ExternalExchange>)
        })
    }
}

struct PyExchange(Py<PyAny>);

impl ExternalExchange for PyExchange {
    fn auth_bytes(&mut self) -> Result<Vec<u8>> {
        Python::attach(|py| {
            let b =
                self.0.call_method0(py, "auth_bytes").map_err(|e| py_failure(py, "SASL auth_bytes()", e))?;
            b.extract::<Vec<u8>>(py)
                .map_err(|_| Error::Authentication("SASL auth_bytes() must return bytes".into()))
        })
    }

    fn receive(&mut self, server: &[u8]) -> Result<()> {
        Python::attach(|py| {
            self.0
                .call_method1(py, "receive", (PyBytes::new(py, server),))
                .map(|_| ())
                .map_err(|e| py_failure(py, "SASL receive()", e))
        })
    }

    fn is_done(&mut self) -> Result<bool> {
        Python::attach(|py| {
            let b = self.0.call_method0(py, "is_done").map_err(|e| py_failure(py, "SASL is_done()", e))?;
            b.is_truthy(py).map_err(|e| py_failure(py, "SASL is_done()", e))
        })
    }
}
