//! SASL OAUTHBEARER (RFC 7628, KIP-255/342): `n,,\x01auth=Bearer <token>[\x01k=v]*\x01\x01`.
//! A non-empty server message is an error report (JSON); the broker then fails the exchange.

use std::sync::Arc;

use super::{auth_failed, Exchange, TokenProvider};
use crate::error::{Error, Result};

pub(super) struct OAuthBearer {
    provider: Arc<dyn TokenProvider>,
    failed: bool,
}

impl OAuthBearer {
    pub(super) fn new(provider: Arc<dyn TokenProvider>) -> Self {
        OAuthBearer { provider, failed: false }
    }
}

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k != "auth" && k.bytes().all(|b| b.is_ascii_alphabetic())
}

fn valid_value(v: &str) -> bool {
    v.bytes().all(|b| matches!(b, 0x21..=0x7e | b' ' | b'\t' | b'\r' | b'\n'))
}

/// The client's first message for `token` and `extensions`.
pub(super) fn message(token: &str, extensions: &[(String, String)]) -> Result<Vec<u8>> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidArgument(
            "sasl_oauth_token_provider returned an empty or malformed token".into(),
        ));
    }
    let mut m = format!("n,,\x01auth=Bearer {token}");
    for (k, v) in extensions {
        if !valid_key(k) || !valid_value(v) {
            return Err(Error::InvalidArgument(format!("invalid SASL extension {k:?}")));
        }
        m.push('\x01');
        m.push_str(k);
        m.push('=');
        m.push_str(v);
    }
    m.push_str("\x01\x01");
    Ok(m.into_bytes())
}

impl Exchange for OAuthBearer {
    fn initial(&mut self) -> Result<Vec<u8>> {
        let t = self.provider.token()?;
        message(t.token.expose(), &t.extensions)
    }

    fn receive(&mut self, server: &[u8]) -> Result<Option<Vec<u8>>> {
        if server.is_empty() || self.failed {
            return if self.failed {
                Err(auth_failed("OAUTHBEARER token rejected by the broker"))
            } else {
                Ok(None)
            };
        }
        // RFC 7628 3.2.3: acknowledge the error report with a lone \x01; the broker then fails.
        self.failed = true;
        log::warn!("OAUTHBEARER: broker reported {}", String::from_utf8_lossy(server));
        Ok(Some(vec![1]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_message() {
        assert_eq!(message("abc", &[]).unwrap(), b"n,,\x01auth=Bearer abc\x01\x01");
        assert_eq!(
            message("abc", &[("traceId".into(), "1".into())]).unwrap(),
            b"n,,\x01auth=Bearer abc\x01traceId=1\x01\x01"
        );
        assert!(message("abc", &[("auth".into(), "x".into())]).is_err());
        assert!(message("", &[]).is_err());
    }
}
