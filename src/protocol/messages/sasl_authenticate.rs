//! SaslAuthenticate (key 36): one SASL token exchange, wrapped in a Kafka request (KIP-152).
//!
//! Versions 0..=2: v1 adds the session lifetime (KIP-368 re-authentication), v2 is flexible.

use bytes::Bytes;

use crate::protocol::declare::kafka_api;

kafka_api! {
    SaslAuthenticate: SaslAuthenticateRequest => SaslAuthenticateResponse, versions 0..=2, flexible 2;

    pub struct SaslAuthenticateRequest {
        /// The SASL bytes from the client, as the mechanism defines them.
        auth_bytes: Bytes,
    }

    pub struct SaslAuthenticateResponse {
        error_code: i16,
        error_message: Option<String> => nullable(),
        /// The SASL bytes from the server.
        auth_bytes: Bytes,
        /// v1+: milliseconds until the session expires (0: never); re-authenticate before it.
        session_lifetime_ms: i64 => since(1).ignorable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::encoded;

    #[test]
    fn request_bytes() {
        let r = SaslAuthenticateRequest { auth_bytes: Bytes::from_static(b"\0u\0p") };
        assert_eq!(encoded(&r, 1), [0, 0, 0, 4, 0, b'u', 0, b'p']);
        assert_eq!(encoded(&r, 2), [5, 0, b'u', 0, b'p', 0]);
    }
}
