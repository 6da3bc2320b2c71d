//! TLS and SASL for broker connections.
//!
//! `security_protocol` picks the layers: PLAINTEXT (neither), SSL (TLS), SASL_PLAINTEXT (SASL)
//! and SASL_SSL (SASL inside TLS). [`tls`] builds a rustls client configuration once per client
//! (certificates and keys are read and checked when the client is created); [`sasl`] runs
//! SaslHandshake + SaslAuthenticate on every new connection before any other request is sent,
//! and again before the broker's session lifetime runs out (KIP-368).
//!
//! Secrets (passwords, keys, tokens) live in [`Secret`]s, whose `Debug` shows nothing, and never
//! enter an error message.

pub mod keys;
pub mod sasl;
pub mod tls;

use std::sync::Arc;

use crate::error::{Error, Result};

pub use sasl::{ExternalExchange, MechanismFactory, OAuthToken, SaslMechanism, TokenProvider};
pub use tls::{TlsConnector, TlsOptions};

/// kafka-python's `security_protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecurityProtocol {
    #[default]
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

impl SecurityProtocol {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "PLAINTEXT" => Ok(Self::Plaintext),
            "SSL" => Ok(Self::Ssl),
            "SASL_PLAINTEXT" => Ok(Self::SaslPlaintext),
            "SASL_SSL" => Ok(Self::SaslSsl),
            other => Err(Error::InvalidArgument(format!(
                "security_protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, not {other:?}"
            ))),
        }
    }

    pub fn uses_tls(self) -> bool {
        matches!(self, Self::Ssl | Self::SaslSsl)
    }

    pub fn uses_sasl(self) -> bool {
        matches!(self, Self::SaslPlaintext | Self::SaslSsl)
    }
}

/// A password, key or token: cleared from memory when dropped, never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(zeroize::Zeroizing<String>);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(zeroize::Zeroizing::new(s.into()))
    }

    /// The secret itself: only for the code that sends or uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// Everything a connection needs to secure itself; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct SecurityConfig {
    pub protocol: SecurityProtocol,
    /// Set when `protocol` uses TLS.
    pub tls: Option<Arc<TlsConnector>>,
    /// Set when `protocol` uses SASL.
    pub sasl: Option<Arc<SaslMechanism>>,
}

impl SecurityConfig {
    /// Checks that the layers `protocol` needs are configured.
    pub fn new(
        protocol: SecurityProtocol,
        tls: Option<Arc<TlsConnector>>,
        sasl: Option<Arc<SaslMechanism>>,
    ) -> Result<Self> {
        if protocol.uses_tls() && tls.is_none() {
            return Err(Error::InvalidArgument(format!("{protocol:?} needs TLS settings")));
        }
        if protocol.uses_sasl() && sasl.is_none() {
            return Err(Error::InvalidArgument(format!("{protocol:?} needs a SASL mechanism")));
        }
        Ok(SecurityConfig {
            protocol,
            tls: tls.filter(|_| protocol.uses_tls()),
            sasl: sasl.filter(|_| protocol.uses_sasl()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_hidden() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "<hidden>");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn protocols() {
        assert!(SecurityProtocol::parse("SASL_SSL").unwrap().uses_tls());
        assert!(SecurityProtocol::parse("SASL_SSL").unwrap().uses_sasl());
        assert!(!SecurityProtocol::parse("SSL").unwrap().uses_sasl());
        assert!(SecurityProtocol::parse("ssl").is_err());
        assert!(SecurityConfig::new(SecurityProtocol::Ssl, None, None).is_err());
        assert!(SecurityConfig::new(SecurityProtocol::Plaintext, None, None).is_ok());
    }
}
