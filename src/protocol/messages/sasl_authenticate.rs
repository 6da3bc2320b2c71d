//! SaslAuthenticate (key 36): one SASL token each way, after SaslHandshake v1.
//!
//! Versions 0..=2: v1 adds the session lifetime (KIP-368), v2 is flexible. `Debug` never shows
//! the tokens: they carry passwords, proofs and bearer tokens.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 2;
const FLEXIBLE_FROM: i16 = 2;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct SaslAuthenticateRequest {
    pub auth_bytes: Bytes,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct SaslAuthenticateResponse {
    pub error_code: i16,
    pub error_message: Option<String>,
    pub auth_bytes: Bytes,
    /// v1+: milliseconds until the broker ends the session unless it is re-authenticated; 0 = never.
    pub session_lifetime_ms: i64,
}

impl std::fmt::Debug for SaslAuthenticateRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaslAuthenticateRequest")
            .field("auth_bytes", &format_args!("<{} bytes>", self.auth_bytes.len()))
            .finish()
    }
}

impl std::fmt::Debug for SaslAuthenticateResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaslAuthenticateResponse")
            .field("error_code", &self.error_code)
            .field("error_message", &self.error_message)
            .field("auth_bytes", &format_args!("<{} bytes>", self.auth_bytes.len()))
            .field("session_lifetime_ms", &self.session_lifetime_ms)
            .finish()
    }
}

impl Message for SaslAuthenticateRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("SaslAuthenticateRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_bytes(buf, &self.auth_bytes, flexible)?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let auth_bytes = get_bytes(buf, flexible)?;
        skip_tags(buf, flexible)?;
        Ok(Self { auth_bytes })
    }
}

impl Message for SaslAuthenticateResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("SaslAuthenticateResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_i16(buf, self.error_code);
        put_nullable_string(buf, self.error_message.as_deref(), flexible)?;
        put_bytes(buf, &self.auth_bytes, flexible)?;
        if version >= 1 {
            put_i64(buf, self.session_lifetime_ms);
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let error_code = get_i16(buf)?;
        let error_message = get_nullable_string(buf, flexible)?;
        let auth_bytes = get_bytes(buf, flexible)?;
        let session_lifetime_ms = if version >= 1 { get_i64(buf)? } else { 0 };
        skip_tags(buf, flexible)?;
        Ok(Self { error_code, error_message, auth_bytes, session_lifetime_ms })
    }
}

impl Request for SaslAuthenticateRequest {
    const API_KEY: ApiKey = ApiKey::SaslAuthenticate;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = SaslAuthenticateResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_bytes() -> impl Strategy<Value = Bytes> {
        proptest::collection::vec(any::<u8>(), 0..32).prop_map(Bytes::from)
    }

    fn arb_request() -> impl Strategy<Value = SaslAuthenticateRequest> {
        arb_bytes().prop_map(|auth_bytes| SaslAuthenticateRequest { auth_bytes })
    }

    fn arb_response() -> impl Strategy<Value = SaslAuthenticateResponse> {
        (any::<i16>(), opt_string(), arb_bytes(), any::<i64>()).prop_map(
            |(error_code, error_message, auth_bytes, session_lifetime_ms)| SaslAuthenticateResponse {
                error_code,
                error_message,
                auth_bytes,
                session_lifetime_ms,
            },
        )
    }

    fn canon_response(mut r: SaslAuthenticateResponse, v: i16) -> SaslAuthenticateResponse {
        if v < 1 {
            r.session_lifetime_ms = 0;
        }
        r
    }

    message_proptests!(0..=MAX, arb_request, arb_response => canon_response, garbage: 64);

    #[test]
    fn bytes_and_debug() {
        let r = SaslAuthenticateRequest { auth_bytes: Bytes::from_static(b"\0u\0secret") };
        assert_eq!(encoded(&r, 0), [0, 0, 0, 9, 0, b'u', 0, b's', b'e', b'c', b'r', b'e', b't']);
        assert_eq!(encoded(&r, 2)[0], 10);
        assert!(!format!("{r:?}").contains("secret"));
        let resp = SaslAuthenticateResponse::decode(
            &mut Bytes::from_static(&[0, 58, 0, 3, b'b', b'a', b'd', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]),
            1,
        )
        .unwrap();
        assert_eq!(resp.error_code, 58);
        assert_eq!(resp.error_message.as_deref(), Some("bad"));
        assert_eq!(resp.session_lifetime_ms, 9);
    }
}
