//! SaslHandshake (key 17): choose a SASL mechanism before authenticating.
//!
//! Versions 0..=1, never flexible: v0 is followed by raw SASL tokens on the socket, v1 by
//! SaslAuthenticate requests (KIP-152).

use crate::protocol::declare::kafka_api;

kafka_api! {
    SaslHandshake: SaslHandshakeRequest => SaslHandshakeResponse, versions 0..=1, flexible none;

    pub struct SaslHandshakeRequest {
        /// The SASL mechanism chosen by the client, e.g. `PLAIN` or `SCRAM-SHA-512`.
        mechanism: String,
    }

    pub struct SaslHandshakeResponse {
        error_code: i16,
        /// The mechanisms enabled in the server.
        mechanisms: Vec<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::encoded;

    #[test]
    fn request_bytes() {
        let r = SaslHandshakeRequest { mechanism: "PLAIN".into() };
        assert_eq!(encoded(&r, 1), [0, 5, b'P', b'L', b'A', b'I', b'N']);
    }
}
