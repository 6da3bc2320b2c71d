//! AlterConfigs (key 33): replace the whole configuration of resources (the non-incremental,
//! legacy form; see IncrementalAlterConfigs).
//!
//! v1 is identical to v0, v2 is flexible.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 2;
const FLEXIBLE: i16 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlterConfigsRequest {
    pub resources: Vec<AlterConfigsResource>,
    /// Validate only, change nothing.
    pub validate_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlterConfigsResource {
    pub resource_type: i8,
    pub resource_name: String,
    pub configs: Vec<AlterableConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlterableConfig {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlterConfigsResponse {
    pub throttle_time_ms: i32,
    pub responses: Vec<AlterConfigsResourceResponse>,
}

/// Per-resource result; shared with IncrementalAlterConfigs, whose response has the same shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlterConfigsResourceResponse {
    pub error_code: i16,
    pub error_message: Option<String>,
    pub resource_type: i8,
    pub resource_name: String,
}

impl AlterConfigsResourceResponse {
    pub(crate) fn encode_into(&self, b: &mut BytesMut, flexible: bool) -> EncodeResult {
        put_i16(b, self.error_code);
        put_nullable_string(b, self.error_message.as_deref(), flexible)?;
        put_i8(b, self.resource_type);
        put_string(b, &self.resource_name, flexible)?;
        if flexible {
            put_empty_tagged_fields(b);
        }
        Ok(())
    }

    pub(crate) fn decode_from(b: &mut Bytes, flexible: bool) -> DecodeResult<Self> {
        let r = Self {
            error_code: get_i16(b)?,
            error_message: get_nullable_string(b, flexible)?,
            resource_type: get_i8(b)?,
            resource_name: get_string(b, flexible)?,
        };
        if flexible {
            get_tagged_fields(b)?;
        }
        Ok(r)
    }
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for AlterConfigsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("AlterConfigsRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.resources, flexible, |b, r| {
            put_i8(b, r.resource_type);
            put_string(b, &r.resource_name, flexible)?;
            put_array(b, &r.configs, flexible, |b, c| {
                put_string(b, &c.name, flexible)?;
                put_nullable_string(b, c.value.as_deref(), flexible)?;
                if flexible {
                    put_empty_tagged_fields(b);
                }
                Ok(())
            })?;
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        put_bool(buf, self.validate_only);
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("AlterConfigsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let resources = get_array(buf, flexible, |b| {
            let resource_type = get_i8(b)?;
            let resource_name = get_string(b, flexible)?;
            let configs = get_array(b, flexible, |b| {
                let c = AlterableConfig {
                    name: get_string(b, flexible)?,
                    value: get_nullable_string(b, flexible)?,
                };
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(c)
            })?;
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(AlterConfigsResource { resource_type, resource_name, configs })
        })?;
        let validate_only = get_bool(buf)?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { resources, validate_only })
    }
}

impl Message for AlterConfigsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("AlterConfigsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.responses, flexible, |b, r| r.encode_into(b, flexible))?;
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("AlterConfigsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = get_i32(buf)?;
        let responses = get_array(buf, flexible, |b| AlterConfigsResourceResponse::decode_from(b, flexible))?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, responses })
    }
}

impl Request for AlterConfigsRequest {
    const API_KEY: ApiKey = ApiKey::AlterConfigs;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = AlterConfigsResponse;
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    pub(crate) fn resource_response() -> impl Strategy<Value = AlterConfigsResourceResponse> {
        (any::<i16>(), option::of("[ -~]{0,16}"), any::<i8>(), "[a-z0-9._-]{0,12}").prop_map(
            |(error_code, error_message, resource_type, resource_name)| AlterConfigsResourceResponse {
                error_code,
                error_message,
                resource_type,
                resource_name,
            },
        )
    }

    fn resource() -> impl Strategy<Value = AlterConfigsResource> {
        (any::<i8>(), "[a-z0-9._-]{0,12}", vec(("[a-z.]{0,10}", option::of("[a-z0-9]{0,6}")), 0..4)).prop_map(
            |(resource_type, resource_name, c)| AlterConfigsResource {
                resource_type,
                resource_name,
                configs: c.into_iter().map(|(name, value)| AlterableConfig { name, value }).collect(),
            },
        )
    }

    fn arb_request() -> impl Strategy<Value = AlterConfigsRequest> {
        (vec(resource(), 0..4), any::<bool>())
            .prop_map(|(resources, validate_only)| AlterConfigsRequest { resources, validate_only })
    }

    fn arb_response() -> impl Strategy<Value = AlterConfigsResponse> {
        (any::<i32>(), vec(resource_response(), 0..4))
            .prop_map(|(throttle_time_ms, responses)| AlterConfigsResponse { throttle_time_ms, responses })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);

    #[test]
    fn v2_request_bytes() {
        let r = AlterConfigsRequest {
            resources: vec![AlterConfigsResource {
                resource_type: 2,
                resource_name: "t".into(),
                configs: vec![AlterableConfig { name: "k".into(), value: Some("v".into()) }],
            }],
            validate_only: false,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 2).unwrap();
        assert_eq!(&b[..], &[2, 2, 2, b't', 2, 2, b'k', 2, b'v', 0, 0, 0, 0]);
    }
}
