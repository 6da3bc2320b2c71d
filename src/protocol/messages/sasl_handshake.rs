//! SaslHandshake (key 17): choose the SASL mechanism before SaslAuthenticate.
//!
//! Versions 0..=1: v0 is followed by unframed SASL tokens, v1 by SaslAuthenticate requests
//! (the only form we use); the bodies are the same. Never flexible.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaslHandshakeRequest {
    pub mechanism: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaslHandshakeResponse {
    pub error_code: i16,
    /// The mechanisms the broker has enabled.
    pub mechanisms: Vec<String>,
}

impl Message for SaslHandshakeRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("SaslHandshakeRequest", version, 0, MAX)?;
        put_string(buf, &self.mechanism, false)
    }

    fn decode(buf: &mut Bytes, _version: i16) -> DecodeResult<Self> {
        Ok(Self { mechanism: get_string(buf, false)? })
    }
}

impl Message for SaslHandshakeResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("SaslHandshakeResponse", version, 0, MAX)?;
        put_i16(buf, self.error_code);
        put_array(buf, &self.mechanisms, false, |b, m| put_string(b, m, false))
    }

    fn decode(buf: &mut Bytes, _version: i16) -> DecodeResult<Self> {
        let error_code = get_i16(buf)?;
        let mechanisms = get_array(buf, false, |b| get_string(b, false))?;
        Ok(Self { error_code, mechanisms })
    }
}

impl Request for SaslHandshakeRequest {
    const API_KEY: ApiKey = ApiKey::SaslHandshake;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = i16::MAX;
    type Response = SaslHandshakeResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = SaslHandshakeRequest> {
        string().prop_map(|mechanism| SaslHandshakeRequest { mechanism })
    }

    fn arb_response() -> impl Strategy<Value = SaslHandshakeResponse> {
        (any::<i16>(), vec(string(), 4))
            .prop_map(|(error_code, mechanisms)| SaslHandshakeResponse { error_code, mechanisms })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 64);

    #[test]
    fn bytes() {
        let r = SaslHandshakeRequest { mechanism: "PLAIN".into() };
        assert_eq!(encoded(&r, 1), [0, 5, b'P', b'L', b'A', b'I', b'N']);
        let resp =
            SaslHandshakeResponse::decode(&mut Bytes::from_static(&[0, 33, 0, 0, 0, 1, 0, 1, b'X']), 1)
                .unwrap();
        assert_eq!(resp, SaslHandshakeResponse { error_code: 33, mechanisms: vec!["X".into()] });
    }
}
