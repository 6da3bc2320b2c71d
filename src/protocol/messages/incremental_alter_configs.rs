//! IncrementalAlterConfigs (key 44): set, delete, append to or subtract from individual config
//! entries of resources.
//!
//! v1 is flexible. The response has the same shape as AlterConfigs' and reuses its
//! [`AlterConfigsResourceResponse`].

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

pub use super::alter_configs::AlterConfigsResourceResponse;

const MAX: i16 = 1;
const FLEXIBLE: i16 = 1;

/// `config_operation` values.
pub const CONFIG_OP_SET: i8 = 0;
pub const CONFIG_OP_DELETE: i8 = 1;
pub const CONFIG_OP_APPEND: i8 = 2;
pub const CONFIG_OP_SUBTRACT: i8 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncrementalAlterConfigsRequest {
    pub resources: Vec<IncrementalAlterConfigsResource>,
    /// Validate only, change nothing.
    pub validate_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncrementalAlterConfigsResource {
    pub resource_type: i8,
    pub resource_name: String,
    pub configs: Vec<IncrementalAlterableConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncrementalAlterableConfig {
    pub name: String,
    /// One of the `CONFIG_OP_*` values.
    pub config_operation: i8,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncrementalAlterConfigsResponse {
    pub throttle_time_ms: i32,
    pub responses: Vec<AlterConfigsResourceResponse>,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for IncrementalAlterConfigsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("IncrementalAlterConfigsRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.resources, flexible, |b, r| {
            put_i8(b, r.resource_type);
            put_string(b, &r.resource_name, flexible)?;
            put_array(b, &r.configs, flexible, |b, c| {
                put_string(b, &c.name, flexible)?;
                put_i8(b, c.config_operation);
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
        check_decode_version("IncrementalAlterConfigsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let resources = get_array(buf, flexible, |b| {
            let resource_type = get_i8(b)?;
            let resource_name = get_string(b, flexible)?;
            let configs = get_array(b, flexible, |b| {
                let c = IncrementalAlterableConfig {
                    name: get_string(b, flexible)?,
                    config_operation: get_i8(b)?,
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
            Ok(IncrementalAlterConfigsResource { resource_type, resource_name, configs })
        })?;
        let validate_only = get_bool(buf)?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { resources, validate_only })
    }
}

impl Message for IncrementalAlterConfigsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("IncrementalAlterConfigsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.responses, flexible, |b, r| r.encode_into(b, flexible))?;
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("IncrementalAlterConfigsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = get_i32(buf)?;
        let responses = get_array(buf, flexible, |b| AlterConfigsResourceResponse::decode_from(b, flexible))?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, responses })
    }
}

impl Request for IncrementalAlterConfigsRequest {
    const API_KEY: ApiKey = ApiKey::IncrementalAlterConfigs;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = IncrementalAlterConfigsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::alter_configs::tests::resource_response;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn resource() -> impl Strategy<Value = IncrementalAlterConfigsResource> {
        (any::<i8>(), "[a-z0-9._-]{0,12}", vec(("[a-z.]{0,10}", 0i8..4, option::of("[a-z0-9,]{0,6}")), 0..4))
            .prop_map(|(resource_type, resource_name, c)| IncrementalAlterConfigsResource {
                resource_type,
                resource_name,
                configs: c
                    .into_iter()
                    .map(|(name, config_operation, value)| IncrementalAlterableConfig {
                        name,
                        config_operation,
                        value,
                    })
                    .collect(),
            })
    }

    fn arb_request() -> impl Strategy<Value = IncrementalAlterConfigsRequest> {
        (vec(resource(), 0..4), any::<bool>()).prop_map(|(resources, validate_only)| {
            IncrementalAlterConfigsRequest { resources, validate_only }
        })
    }

    fn arb_response() -> impl Strategy<Value = IncrementalAlterConfigsResponse> {
        (any::<i32>(), vec(resource_response(), 0..4)).prop_map(|(throttle_time_ms, responses)| {
            IncrementalAlterConfigsResponse { throttle_time_ms, responses }
        })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);

    #[test]
    fn v0_request_bytes() {
        let r = IncrementalAlterConfigsRequest {
            resources: vec![IncrementalAlterConfigsResource {
                resource_type: 2,
                resource_name: "t".into(),
                configs: vec![IncrementalAlterableConfig {
                    name: "k".into(),
                    config_operation: CONFIG_OP_DELETE,
                    value: None,
                }],
            }],
            validate_only: true,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        #[rustfmt::skip]
        let expected: &[u8] = &[
            0, 0, 0, 1, 2, 0, 1, b't',
            0, 0, 0, 1, 0, 1, b'k', 1, 0xff, 0xff,
            1,
        ];
        assert_eq!(&b[..], expected);
    }
}
