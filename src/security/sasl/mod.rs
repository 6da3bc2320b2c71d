//! SASL authentication: SaslHandshake v1, then SaslAuthenticate requests until the mechanism is
//! done. PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER's message are built here; a token provider
//! (OAUTHBEARER) or a whole mechanism (GSSAPI, AWS_MSK_IAM, user-registered) may come from
//! Python through [`TokenProvider`] / [`MechanismFactory`], called on a blocking thread.
//!
//! A rejected login is `Error::Broker { code: SASL_AUTHENTICATION_FAILED }` carrying the broker's
//! message: not retriable, so clients report it instead of reconnecting forever.

mod oauth;
mod plain;
mod scram;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::Secret;
use crate::error::{Error, Result};
use crate::network::Connection;
use crate::protocol::error_code;
use crate::protocol::messages::{SaslAuthenticateRequest, SaslHandshakeRequest};

pub use scram::ScramHash;

/// An OAUTHBEARER token and its SASL extensions (KIP-342).
#[derive(Debug, Clone, Default)]
pub struct OAuthToken {
    pub token: Secret,
    pub extensions: Vec<(String, String)>,
}

/// Supplies OAUTHBEARER tokens (blocking; called off the I/O threads, once per authentication).
pub trait TokenProvider: Send + Sync {
    fn token(&self) -> Result<OAuthToken>;
}

/// Starts one exchange of a mechanism implemented outside the core (blocking calls).
pub trait MechanismFactory: Send + Sync {
    /// A new exchange for a connection to `host`.
    fn start(&self, host: &str) -> Result<Box<dyn ExternalExchange>>;
}

/// kafka-python's `SaslMechanism` shape: `auth_bytes()`, `receive(bytes)`, `is_done()`.
pub trait ExternalExchange: Send {
    fn auth_bytes(&mut self) -> Result<Vec<u8>>;
    fn receive(&mut self, server: &[u8]) -> Result<()>;
    fn is_done(&mut self) -> Result<bool>;
}

/// A configured SASL mechanism.
pub enum SaslMechanism {
    Plain { username: String, password: Secret },
    Scram { hash: ScramHash, username: String, password: Secret },
    OAuthBearer { provider: Arc<dyn TokenProvider> },
    External { name: String, factory: Arc<dyn MechanismFactory> },
}

impl std::fmt::Debug for SaslMechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaslMechanism::Plain { username, .. } | SaslMechanism::Scram { username, .. } => {
                write!(f, "SaslMechanism({}, username={username:?})", self.name())
            }
            _ => write!(f, "SaslMechanism({})", self.name()),
        }
    }
}

impl SaslMechanism {
    /// The mechanism name sent in SaslHandshake.
    pub fn name(&self) -> &str {
        match self {
            SaslMechanism::Plain { .. } => "PLAIN",
            SaslMechanism::Scram { hash, .. } => hash.mechanism(),
            SaslMechanism::OAuthBearer { .. } => "OAUTHBEARER",
            SaslMechanism::External { name, .. } => name,
        }
    }

    fn start(&self, host: &str) -> Result<Box<dyn Exchange>> {
        Ok(match self {
            SaslMechanism::Plain { username, password } => Box::new(plain::Plain::new(username, password)),
            SaslMechanism::Scram { hash, username, password } => {
                Box::new(scram::Scram::new(*hash, username, password.clone()))
            }
            SaslMechanism::OAuthBearer { provider } => Box::new(oauth::OAuthBearer::new(provider.clone())),
            SaslMechanism::External { factory, .. } => Box::new(External { inner: factory.start(host)? }),
        })
    }

    /// Whether the exchange calls out to (blocking) user code.
    fn blocking(&self) -> bool {
        matches!(self, SaslMechanism::OAuthBearer { .. } | SaslMechanism::External { .. })
    }
}

/// One authentication's state machine: `initial()` is the first token, `receive()` takes the
/// broker's token and returns the next one, or None when the exchange is complete.
trait Exchange: Send {
    fn initial(&mut self) -> Result<Vec<u8>>;
    fn receive(&mut self, server: &[u8]) -> Result<Option<Vec<u8>>>;
}

struct External {
    inner: Box<dyn ExternalExchange>,
}

impl Exchange for External {
    fn initial(&mut self) -> Result<Vec<u8>> {
        self.inner.auth_bytes()
    }

    fn receive(&mut self, server: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.receive(server)?;
        if self.inner.is_done()? {
            Ok(None)
        } else {
            self.inner.auth_bytes().map(Some)
        }
    }
}

/// A client-side failure of the mechanism itself (bad server message, failed proof check).
pub(crate) fn auth_failed(msg: impl Into<String>) -> Error {
    Error::broker(error_code::SASL_AUTHENTICATION_FAILED, msg.into())
}

/// Runs `f` on the exchange, on a blocking thread when the mechanism calls user code.
async fn step<T: Send + 'static>(
    blocking: bool,
    mut ex: Box<dyn Exchange>,
    f: impl FnOnce(&mut dyn Exchange) -> Result<T> + Send + 'static,
) -> Result<(Box<dyn Exchange>, T)> {
    if blocking {
        tokio::task::spawn_blocking(move || {
            let r = f(ex.as_mut());
            r.map(|v| (ex, v))
        })
        .await
        .map_err(|e| Error::Other(format!("SASL mechanism task failed: {e}")))?
    } else {
        let v = f(ex.as_mut())?;
        Ok((ex, v))
    }
}

const MAX_ROUNDS: usize = 32;

/// Authenticates `conn` (to `host`) with `mech`: returns the session lifetime the broker reported
/// (KIP-368), if any. Requests go out through `conn` without its re-authentication gate.
pub async fn authenticate(conn: &Connection, mech: &SaslMechanism, host: &str) -> Result<Option<Duration>> {
    let hv = conn.version_in::<SaslHandshakeRequest>(1, 1).map_err(|_| {
        Error::UnsupportedVersion(format!(
            "broker {} does not support SaslHandshake v1 / SaslAuthenticate (Kafka < 1.0)",
            conn.addr()
        ))
    })?;
    let hs =
        conn.send_version_ungated(&SaslHandshakeRequest { mechanism: mech.name().to_string() }, hv).await?;
    if hs.error_code != 0 {
        let msg = if hs.error_code == error_code::UNSUPPORTED_SASL_MECHANISM {
            format!(
                "the broker does not enable SASL mechanism {}; it enables {:?}",
                mech.name(),
                hs.mechanisms
            )
        } else {
            format!("SaslHandshake for {} failed", mech.name())
        };
        return Err(Error::broker(hs.error_code, msg));
    }
    let av = conn.version_for::<SaslAuthenticateRequest>()?;
    let blocking = mech.blocking();
    let ex = match mech {
        // The mechanism's constructor is user code (e.g. a Python class): off the I/O threads.
        SaslMechanism::External { factory, .. } => {
            let (factory, host) = (factory.clone(), host.to_string());
            tokio::task::spawn_blocking(move || factory.start(&host))
                .await
                .map_err(|e| Error::Other(format!("SASL mechanism task failed: {e}")))?
                .map(|inner| Box::new(External { inner }) as Box<dyn Exchange>)?
        }
        _ => mech.start(host)?,
    };
    let (mut ex, mut token) = step(blocking, ex, |e| e.initial()).await?;
    let mut lifetime = None;
    for _ in 0..MAX_ROUNDS {
        let resp = conn
            .send_version_ungated(&SaslAuthenticateRequest { auth_bytes: Bytes::from(token) }, av)
            .await?;
        if resp.error_code != 0 {
            let msg = resp
                .error_message
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| format!("SASL {} authentication failed", mech.name()));
            return Err(Error::broker(resp.error_code, msg));
        }
        if resp.session_lifetime_ms > 0 {
            lifetime = Some(Duration::from_millis(resp.session_lifetime_ms as u64));
        }
        let server = resp.auth_bytes;
        let (next_ex, next) = step(blocking, ex, move |e| e.receive(&server)).await?;
        ex = next_ex;
        match next {
            Some(t) => token = t,
            None => return Ok(lifetime),
        }
    }
    Err(auth_failed(format!("SASL {} did not finish in {MAX_ROUNDS} rounds", mech.name())))
}
