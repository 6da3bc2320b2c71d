//! SASL PLAIN (RFC 4616): `authzid NUL authcid NUL password`, with an empty authzid as Java sends.

use super::Exchange;
use crate::error::Result;
use crate::security::Secret;

pub(super) struct Plain {
    message: Option<zeroize::Zeroizing<Vec<u8>>>,
}

impl Plain {
    pub(super) fn new(username: &str, password: &Secret) -> Plain {
        let mut m = Vec::with_capacity(2 + username.len() + password.expose().len());
        m.push(0);
        m.extend_from_slice(username.as_bytes());
        m.push(0);
        m.extend_from_slice(password.expose().as_bytes());
        Plain { message: Some(zeroize::Zeroizing::new(m)) }
    }
}

impl Exchange for Plain {
    fn initial(&mut self) -> Result<Vec<u8>> {
        Ok(self.message.take().map(|m| m.to_vec()).unwrap_or_default())
    }

    fn receive(&mut self, _server: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message() {
        let mut p = Plain::new("alice", &Secret::new("pw"));
        assert_eq!(p.initial().unwrap(), b"\0alice\0pw");
        assert_eq!(p.receive(b"").unwrap(), None);
    }
}
