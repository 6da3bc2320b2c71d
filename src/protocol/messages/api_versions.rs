//! ApiVersions (key 18): which versions of each API the broker supports.
//!
//! We send v3 (flexible) first; a broker that does not know v3 answers with error
//! UNSUPPORTED_VERSION in a v0 body, and the connection retries with v0, as the Java client does.
//! The response header is always v0, even for flexible versions.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiVersionsRequest {
    /// v3+: the client software name and version (KIP-511).
    pub client_software_name: String,
    pub client_software_version: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApiVersionRange {
    pub api_key: i16,
    pub min_version: i16,
    pub max_version: i16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiVersionsResponse {
    pub error_code: i16,
    pub api_keys: Vec<ApiVersionRange>,
    /// v1+.
    pub throttle_time_ms: i32,
}

impl Message for ApiVersionsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ApiVersionsRequest", version, 0, 3)?;
        if version >= 3 {
            put_string(buf, &self.client_software_name, true)?;
            put_string(buf, &self.client_software_version, true)?;
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let mut out = Self::default();
        if version >= 3 {
            out.client_software_name = get_string(buf, true)?;
            out.client_software_version = get_string(buf, true)?;
            get_tagged_fields(buf)?;
        }
        Ok(out)
    }
}

impl Message for ApiVersionsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        let flexible = version >= 3;
        put_i16(buf, self.error_code);
        put_array(buf, &self.api_keys, flexible, |b, k| {
            put_i16(b, k.api_key);
            put_i16(b, k.min_version);
            put_i16(b, k.max_version);
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= 3;
        let error_code = get_i16(buf)?;
        let api_keys = get_array(buf, flexible, |b| {
            let k =
                ApiVersionRange { api_key: get_i16(b)?, min_version: get_i16(b)?, max_version: get_i16(b)? };
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(k)
        })?;
        let throttle_time_ms = if version >= 1 { get_i32(buf)? } else { 0 };
        if flexible {
            // Tagged fields (SupportedFeatures, FinalizedFeatures, ...) are not needed by a client.
            get_tagged_fields(buf)?;
        }
        Ok(Self { error_code, api_keys, throttle_time_ms })
    }
}

impl Request for ApiVersionsRequest {
    const API_KEY: ApiKey = ApiKey::ApiVersions;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = 3;
    const FLEXIBLE_FROM: i16 = 3;
    type Response = ApiVersionsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = ApiVersionsRequest> {
        ("[a-z-]{1,12}", "[0-9.]{1,8}").prop_map(|(name, ver)| ApiVersionsRequest {
            client_software_name: name,
            client_software_version: ver,
        })
    }

    fn canon_request(r: ApiVersionsRequest, v: i16) -> ApiVersionsRequest {
        if v >= 3 {
            r
        } else {
            ApiVersionsRequest::default()
        }
    }

    fn arb_response() -> impl Strategy<Value = ApiVersionsResponse> {
        (
            proptest::collection::vec((any::<i16>(), any::<i16>(), any::<i16>()), 0..20),
            any::<i16>(),
            any::<i32>(),
        )
            .prop_map(|(keys, e, t)| ApiVersionsResponse {
                error_code: e,
                api_keys: keys
                    .into_iter()
                    .map(|(a, b, c)| ApiVersionRange { api_key: a, min_version: b, max_version: c })
                    .collect(),
                throttle_time_ms: t,
            })
    }

    fn canon_response(mut r: ApiVersionsResponse, v: i16) -> ApiVersionsResponse {
        if v < 1 {
            r.throttle_time_ms = 0;
        }
        r
    }

    // proptest's default case count, which this module's tests have always run with.
    message_proptests!(0..=3, arb_request => canon_request, arb_response => canon_response, garbage: 128,
                       cases: 256);
}
