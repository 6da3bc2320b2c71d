//! DescribeConfigs (key 32): the configuration of topics, brokers and other resources.
//!
//! v0 reports `is_default` per entry; v1 replaces it with `config_source` and adds synonyms
//! (requested with `include_synonyms`); v2 is identical to v1; v3 adds the config type and
//! documentation (requested with `include_documentation`); v4 is flexible.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 4;
const FLEXIBLE: i16 = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeConfigsRequest {
    pub resources: Vec<DescribeConfigsResource>,
    /// v1+. `true` cannot be sent at v0.
    pub include_synonyms: bool,
    /// v3+. `true` cannot be sent below v3.
    pub include_documentation: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeConfigsResource {
    /// 2 = topic, 4 = broker, 8 = broker logger, ...
    pub resource_type: i8,
    pub resource_name: String,
    /// The keys to describe, or None for all.
    pub configuration_keys: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeConfigsResponse {
    pub throttle_time_ms: i32,
    pub results: Vec<DescribeConfigsResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeConfigsResult {
    pub error_code: i16,
    pub error_message: Option<String>,
    pub resource_type: i8,
    pub resource_name: String,
    pub configs: Vec<DescribeConfigsResourceResult>,
}

/// One config entry of a described resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeConfigsResourceResult {
    pub name: String,
    pub value: Option<String>,
    pub read_only: bool,
    /// v0 only.
    pub is_default: bool,
    /// v1+ (default -1).
    pub config_source: i8,
    pub is_sensitive: bool,
    /// v1+.
    pub synonyms: Vec<DescribeConfigsSynonym>,
    /// v3+ (default 0 = unknown).
    pub config_type: i8,
    /// v3+.
    pub documentation: Option<String>,
}

impl Default for DescribeConfigsResourceResult {
    fn default() -> Self {
        Self {
            name: String::new(),
            value: None,
            read_only: false,
            is_default: false,
            config_source: -1,
            is_sensitive: false,
            synonyms: Vec::new(),
            config_type: 0,
            documentation: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeConfigsSynonym {
    pub name: String,
    pub value: Option<String>,
    pub source: i8,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for DescribeConfigsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeConfigsRequest", version, 0, MAX)?;
        if version < 1 && self.include_synonyms {
            return Err(EncodeError::UnsupportedField { field: "include_synonyms", version });
        }
        if version < 3 && self.include_documentation {
            return Err(EncodeError::UnsupportedField { field: "include_documentation", version });
        }
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.resources, flexible, |b, r| {
            put_i8(b, r.resource_type);
            put_string(b, &r.resource_name, flexible)?;
            put_nullable_array(b, r.configuration_keys.as_deref(), flexible, |b, k| {
                put_string(b, k, flexible)
            })?;
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        if version >= 1 {
            put_bool(buf, self.include_synonyms);
        }
        if version >= 3 {
            put_bool(buf, self.include_documentation);
        }
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DescribeConfigsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let resources = get_array(buf, flexible, |b| {
            let resource_type = get_i8(b)?;
            let resource_name = get_string(b, flexible)?;
            let configuration_keys = get_nullable_array(b, flexible, |b| get_string(b, flexible))?;
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(DescribeConfigsResource { resource_type, resource_name, configuration_keys })
        })?;
        let include_synonyms = if version >= 1 { get_bool(buf)? } else { false };
        let include_documentation = if version >= 3 { get_bool(buf)? } else { false };
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { resources, include_synonyms, include_documentation })
    }
}

impl Message for DescribeConfigsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeConfigsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.results, flexible, |b, r| {
            put_i16(b, r.error_code);
            put_nullable_string(b, r.error_message.as_deref(), flexible)?;
            put_i8(b, r.resource_type);
            put_string(b, &r.resource_name, flexible)?;
            put_array(b, &r.configs, flexible, |b, c| {
                put_string(b, &c.name, flexible)?;
                put_nullable_string(b, c.value.as_deref(), flexible)?;
                put_bool(b, c.read_only);
                if version == 0 {
                    put_bool(b, c.is_default);
                } else {
                    put_i8(b, c.config_source);
                }
                put_bool(b, c.is_sensitive);
                if version >= 1 {
                    put_array(b, &c.synonyms, flexible, |b, s| {
                        put_string(b, &s.name, flexible)?;
                        put_nullable_string(b, s.value.as_deref(), flexible)?;
                        put_i8(b, s.source);
                        if flexible {
                            put_empty_tagged_fields(b);
                        }
                        Ok(())
                    })?;
                }
                if version >= 3 {
                    put_i8(b, c.config_type);
                    put_nullable_string(b, c.documentation.as_deref(), flexible)?;
                }
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
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DescribeConfigsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = get_i32(buf)?;
        let results = get_array(buf, flexible, |b| {
            let error_code = get_i16(b)?;
            let error_message = get_nullable_string(b, flexible)?;
            let resource_type = get_i8(b)?;
            let resource_name = get_string(b, flexible)?;
            let configs = get_array(b, flexible, |b| {
                let mut c = DescribeConfigsResourceResult {
                    name: get_string(b, flexible)?,
                    value: get_nullable_string(b, flexible)?,
                    read_only: get_bool(b)?,
                    ..Default::default()
                };
                if version == 0 {
                    c.is_default = get_bool(b)?;
                } else {
                    c.config_source = get_i8(b)?;
                }
                c.is_sensitive = get_bool(b)?;
                if version >= 1 {
                    c.synonyms = get_array(b, flexible, |b| {
                        let s = DescribeConfigsSynonym {
                            name: get_string(b, flexible)?,
                            value: get_nullable_string(b, flexible)?,
                            source: get_i8(b)?,
                        };
                        if flexible {
                            get_tagged_fields(b)?;
                        }
                        Ok(s)
                    })?;
                }
                if version >= 3 {
                    c.config_type = get_i8(b)?;
                    c.documentation = get_nullable_string(b, flexible)?;
                }
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(c)
            })?;
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(DescribeConfigsResult { error_code, error_message, resource_type, resource_name, configs })
        })?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, results })
    }
}

impl Request for DescribeConfigsRequest {
    const API_KEY: ApiKey = ApiKey::DescribeConfigs;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = DescribeConfigsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn resource() -> impl Strategy<Value = DescribeConfigsResource> {
        (any::<i8>(), "[a-z0-9._-]{0,12}", option::of(vec("[a-z.]{0,10}", 0..4))).prop_map(
            |(resource_type, resource_name, configuration_keys)| DescribeConfigsResource {
                resource_type,
                resource_name,
                configuration_keys,
            },
        )
    }

    fn entry() -> impl Strategy<Value = DescribeConfigsResourceResult> {
        (
            ("[a-z.]{0,10}", option::of("[a-z0-9]{0,6}"), any::<bool>(), any::<bool>(), any::<i8>()),
            (
                any::<bool>(),
                vec(("[a-z.]{0,8}", option::of("[a-z0-9]{0,6}"), any::<i8>()), 0..3),
                any::<i8>(),
                option::of("[ -~]{0,20}"),
            ),
        )
            .prop_map(
                |(
                    (name, value, read_only, is_default, config_source),
                    (is_sensitive, syn, config_type, documentation),
                )| {
                    DescribeConfigsResourceResult {
                        name,
                        value,
                        read_only,
                        is_default,
                        config_source,
                        is_sensitive,
                        synonyms: syn
                            .into_iter()
                            .map(|(name, value, source)| DescribeConfigsSynonym { name, value, source })
                            .collect(),
                        config_type,
                        documentation,
                    }
                },
            )
    }

    fn result() -> impl Strategy<Value = DescribeConfigsResult> {
        (any::<i16>(), option::of("[ -~]{0,16}"), any::<i8>(), "[a-z0-9._-]{0,12}", vec(entry(), 0..3))
            .prop_map(|(error_code, error_message, resource_type, resource_name, configs)| {
                DescribeConfigsResult { error_code, error_message, resource_type, resource_name, configs }
            })
    }

    fn arb_request() -> impl Strategy<Value = DescribeConfigsRequest> {
        (vec(resource(), 0..4), any::<bool>(), any::<bool>()).prop_map(|(resources, syn, doc)| {
            DescribeConfigsRequest { resources, include_synonyms: syn, include_documentation: doc }
        })
    }

    fn canon_request(mut r: DescribeConfigsRequest, v: i16) -> DescribeConfigsRequest {
        if v < 1 {
            r.include_synonyms = false;
        }
        if v < 3 {
            r.include_documentation = false;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = DescribeConfigsResponse> {
        (any::<i32>(), vec(result(), 0..3))
            .prop_map(|(throttle_time_ms, results)| DescribeConfigsResponse { throttle_time_ms, results })
    }

    fn canon_response(mut r: DescribeConfigsResponse, v: i16) -> DescribeConfigsResponse {
        for c in r.results.iter_mut().flat_map(|r| r.configs.iter_mut()) {
            if v == 0 {
                c.config_source = -1;
                c.synonyms.clear();
            } else {
                c.is_default = false;
            }
            if v < 3 {
                c.config_type = 0;
                c.documentation = None;
            }
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn v1_request_bytes() {
        let r = DescribeConfigsRequest {
            resources: vec![DescribeConfigsResource {
                resource_type: 2,
                resource_name: "t".into(),
                configuration_keys: None,
            }],
            include_synonyms: true,
            include_documentation: false,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 1).unwrap();
        assert_eq!(&b[..], &[0, 0, 0, 1, 2, 0, 1, b't', 0xff, 0xff, 0xff, 0xff, 1]);
        assert!(r.encode(&mut BytesMut::new(), 0).is_err());
    }
}
