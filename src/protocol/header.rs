//! Request header v0-v2 and response header v0-v1.
//!
//! Request header v1 adds the client id; v2 (used with flexible request versions) adds tagged
//! fields. Response header v1 (flexible responses) adds tagged fields after the correlation id.
//! ApiVersions is the exception: its response header is always v0.

use bytes::{Bytes, BytesMut};

use super::primitives::*;
use super::ApiKey;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHeader {
    pub api_key: i16,
    pub api_version: i16,
    pub correlation_id: i32,
    pub client_id: Option<String>,
}

impl RequestHeader {
    /// Header version for a request: 2 when the body is flexible, else 1.
    pub fn version_for(flexible: bool) -> i16 {
        if flexible {
            2
        } else {
            1
        }
    }

    pub fn encode(&self, buf: &mut BytesMut, header_version: i16) -> EncodeResult {
        put_i16(buf, self.api_key);
        put_i16(buf, self.api_version);
        put_i32(buf, self.correlation_id);
        if header_version >= 1 {
            // The client id stays a classic (non-compact) nullable string even in header v2.
            put_nullable_string(buf, self.client_id.as_deref(), false)?;
        }
        if header_version >= 2 {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    pub fn decode(buf: &mut Bytes, header_version: i16) -> DecodeResult<Self> {
        let api_key = get_i16(buf)?;
        let api_version = get_i16(buf)?;
        let correlation_id = get_i32(buf)?;
        let client_id = if header_version >= 1 { get_nullable_string(buf, false)? } else { None };
        if header_version >= 2 {
            get_tagged_fields(buf)?;
        }
        Ok(Self { api_key, api_version, correlation_id, client_id })
    }
}

/// Response header version for a response of `api_key` whose body is `flexible`.
pub fn response_header_version(api_key: ApiKey, flexible: bool) -> i16 {
    if flexible && api_key != ApiKey::ApiVersions {
        1
    } else {
        0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeader {
    pub correlation_id: i32,
}

impl ResponseHeader {
    pub fn encode(&self, buf: &mut BytesMut, header_version: i16) -> EncodeResult {
        put_i32(buf, self.correlation_id);
        if header_version >= 1 {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    pub fn decode(buf: &mut Bytes, header_version: i16) -> DecodeResult<Self> {
        let correlation_id = get_i32(buf)?;
        if header_version >= 1 {
            get_tagged_fields(buf)?;
        }
        Ok(Self { correlation_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn request_header_roundtrip(k: i16, v: i16, c: i32, id in proptest::option::of("[a-z0-9-]{0,20}"), hv in 0i16..=2) {
            let h = RequestHeader { api_key: k, api_version: v, correlation_id: c, client_id: if hv >= 1 { id } else { None } };
            let mut b = BytesMut::new();
            h.encode(&mut b, hv).unwrap();
            let mut r = b.freeze();
            prop_assert_eq!(RequestHeader::decode(&mut r, hv).unwrap(), h);
        }

        #[test]
        fn response_header_roundtrip(c: i32, hv in 0i16..=1) {
            let h = ResponseHeader { correlation_id: c };
            let mut b = BytesMut::new();
            h.encode(&mut b, hv).unwrap();
            let mut r = b.freeze();
            prop_assert_eq!(ResponseHeader::decode(&mut r, hv).unwrap(), h);
        }
    }
}
