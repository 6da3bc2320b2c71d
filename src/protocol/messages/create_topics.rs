//! CreateTopics (key 19): create topics, each with a partition count and replication factor or a
//! manual replica assignment, plus topic configs.
//!
//! v1 adds `validate_only`, v2 the response throttle time, v1 the per-topic error message. v5 is
//! flexible and the response also returns the resulting partition count, replication factor and
//! configs (and, as tagged field 0, a config error code). v7 returns topic ids.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 7;
const FLEXIBLE: i16 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTopicsRequest {
    pub topics: Vec<CreatableTopic>,
    /// How long the broker waits for the topics to be created (default 60000).
    pub timeout_ms: i32,
    /// v1+: only validate, create nothing. `true` cannot be sent at v0.
    pub validate_only: bool,
}

impl Default for CreateTopicsRequest {
    fn default() -> Self {
        Self { topics: Vec::new(), timeout_ms: 60_000, validate_only: false }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatableTopic {
    pub name: String,
    /// -1 with a manual assignment or to use the broker default.
    pub num_partitions: i32,
    /// -1 with a manual assignment or to use the broker default.
    pub replication_factor: i16,
    /// Manual assignment, or empty for automatic assignment.
    pub assignments: Vec<CreatableReplicaAssignment>,
    pub configs: Vec<CreatableTopicConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatableReplicaAssignment {
    pub partition_index: i32,
    pub broker_ids: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatableTopicConfig {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateTopicsResponse {
    /// v2+.
    pub throttle_time_ms: i32,
    pub topics: Vec<CreatableTopicResult>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatableTopicResult {
    pub name: String,
    /// v7+; all zeros when absent.
    pub topic_id: [u8; 16],
    pub error_code: i16,
    /// v1+.
    pub error_message: Option<String>,
    /// v5+, tagged field 0: config error when configs are not returned (0 = none).
    pub topic_config_error_code: i16,
    /// v5+ (default -1).
    pub num_partitions: i32,
    /// v5+ (default -1).
    pub replication_factor: i16,
    /// v5+: the topic's configuration (None when absent or null).
    pub configs: Option<Vec<CreatableTopicConfigResult>>,
}

impl Default for CreatableTopicResult {
    fn default() -> Self {
        Self {
            name: String::new(),
            topic_id: [0; 16],
            error_code: 0,
            error_message: None,
            topic_config_error_code: 0,
            num_partitions: -1,
            replication_factor: -1,
            configs: None,
        }
    }
}

/// One config of a created topic (`CreatableTopicConfigs` in the schema), v5+.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatableTopicConfigResult {
    pub name: String,
    pub value: Option<String>,
    pub read_only: bool,
    /// Config source (default -1).
    pub config_source: i8,
    pub is_sensitive: bool,
}

impl Default for CreatableTopicConfigResult {
    fn default() -> Self {
        Self { name: String::new(), value: None, read_only: false, config_source: -1, is_sensitive: false }
    }
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for CreateTopicsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("CreateTopicsRequest", version, 0, MAX)?;
        if version < 1 && self.validate_only {
            return Err(EncodeError::UnsupportedField { field: "validate_only", version });
        }
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_i32(b, t.num_partitions);
            put_i16(b, t.replication_factor);
            put_array(b, &t.assignments, flexible, |b, a| {
                put_i32(b, a.partition_index);
                put_array(b, &a.broker_ids, flexible, |b, id| {
                    put_i32(b, *id);
                    Ok(())
                })?;
                if flexible {
                    put_empty_tagged_fields(b);
                }
                Ok(())
            })?;
            put_array(b, &t.configs, flexible, |b, c| {
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
        put_i32(buf, self.timeout_ms);
        if version >= 1 {
            put_bool(buf, self.validate_only);
        }
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("CreateTopicsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let num_partitions = get_i32(b)?;
            let replication_factor = get_i16(b)?;
            let assignments = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let broker_ids = get_array(b, flexible, get_i32)?;
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(CreatableReplicaAssignment { partition_index, broker_ids })
            })?;
            let configs = get_array(b, flexible, |b| {
                let name = get_string(b, flexible)?;
                let value = get_nullable_string(b, flexible)?;
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(CreatableTopicConfig { name, value })
            })?;
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(CreatableTopic { name, num_partitions, replication_factor, assignments, configs })
        })?;
        let timeout_ms = get_i32(buf)?;
        let validate_only = if version >= 1 { get_bool(buf)? } else { false };
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { topics, timeout_ms, validate_only })
    }
}

impl Message for CreateTopicsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("CreateTopicsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        if version >= 2 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            if version >= 7 {
                put_uuid(b, &t.topic_id);
            }
            put_i16(b, t.error_code);
            if version >= 1 {
                put_nullable_string(b, t.error_message.as_deref(), flexible)?;
            }
            if version >= 5 {
                put_i32(b, t.num_partitions);
                put_i16(b, t.replication_factor);
                put_nullable_array(b, t.configs.as_deref(), flexible, |b, c| {
                    put_string(b, &c.name, flexible)?;
                    put_nullable_string(b, c.value.as_deref(), flexible)?;
                    put_bool(b, c.read_only);
                    put_i8(b, c.config_source);
                    put_bool(b, c.is_sensitive);
                    put_empty_tagged_fields(b);
                    Ok(())
                })?;
            }
            if flexible {
                if t.topic_config_error_code != 0 {
                    let data = Bytes::copy_from_slice(&t.topic_config_error_code.to_be_bytes());
                    put_tagged_fields(b, &[(0, data)])?;
                } else {
                    put_empty_tagged_fields(b);
                }
            }
            Ok(())
        })?;
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("CreateTopicsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = if version >= 2 { get_i32(buf)? } else { 0 };
        let topics = get_array(buf, flexible, |b| {
            let mut t = CreatableTopicResult { name: get_string(b, flexible)?, ..Default::default() };
            if version >= 7 {
                t.topic_id = get_uuid(b)?;
            }
            t.error_code = get_i16(b)?;
            if version >= 1 {
                t.error_message = get_nullable_string(b, flexible)?;
            }
            if version >= 5 {
                t.num_partitions = get_i32(b)?;
                t.replication_factor = get_i16(b)?;
                t.configs = get_nullable_array(b, flexible, |b| {
                    let c = CreatableTopicConfigResult {
                        name: get_string(b, flexible)?,
                        value: get_nullable_string(b, flexible)?,
                        read_only: get_bool(b)?,
                        config_source: get_i8(b)?,
                        is_sensitive: get_bool(b)?,
                    };
                    get_tagged_fields(b)?;
                    Ok(c)
                })?;
            }
            if flexible {
                for (tag, mut data) in get_tagged_fields(b)? {
                    if tag == 0 {
                        t.topic_config_error_code = get_i16(&mut data)?;
                        if !data.is_empty() {
                            return Err(DecodeError::Malformed(
                                "TopicConfigErrorCode tagged field longer than 2 bytes".into(),
                            ));
                        }
                    }
                }
            }
            Ok(t)
        })?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, topics })
    }
}

impl Request for CreateTopicsRequest {
    const API_KEY: ApiKey = ApiKey::CreateTopics;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = CreateTopicsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn topic() -> impl Strategy<Value = CreatableTopic> {
        (
            "[a-z._-]{0,12}",
            any::<i32>(),
            any::<i16>(),
            vec((any::<i32>(), vec(any::<i32>(), 0..4)), 0..3),
            vec(("[a-z.]{0,10}", option::of("[a-z0-9]{0,6}")), 0..3),
        )
            .prop_map(|(name, num_partitions, replication_factor, a, c)| CreatableTopic {
                name,
                num_partitions,
                replication_factor,
                assignments: a
                    .into_iter()
                    .map(|(partition_index, broker_ids)| CreatableReplicaAssignment {
                        partition_index,
                        broker_ids,
                    })
                    .collect(),
                configs: c.into_iter().map(|(name, value)| CreatableTopicConfig { name, value }).collect(),
            })
    }

    fn arb_request() -> impl Strategy<Value = CreateTopicsRequest> {
        (vec(topic(), 0..4), any::<i32>(), any::<bool>()).prop_map(|(topics, timeout_ms, validate_only)| {
            CreateTopicsRequest { topics, timeout_ms, validate_only }
        })
    }

    fn config_result() -> impl Strategy<Value = CreatableTopicConfigResult> {
        ("[a-z.]{0,10}", option::of("[a-z0-9]{0,6}"), any::<bool>(), any::<i8>(), any::<bool>()).prop_map(
            |(name, value, read_only, config_source, is_sensitive)| CreatableTopicConfigResult {
                name,
                value,
                read_only,
                config_source,
                is_sensitive,
            },
        )
    }

    fn topic_result() -> impl Strategy<Value = CreatableTopicResult> {
        (
            ("[a-z._-]{0,12}", any::<[u8; 16]>(), any::<i16>(), option::of("[ -~]{0,16}")),
            (any::<i16>(), any::<i32>(), any::<i16>(), option::of(vec(config_result(), 0..3))),
        )
            .prop_map(|((name, topic_id, error_code, error_message), (tcec, np, rf, configs))| {
                CreatableTopicResult {
                    name,
                    topic_id,
                    error_code,
                    error_message,
                    topic_config_error_code: tcec,
                    num_partitions: np,
                    replication_factor: rf,
                    configs,
                }
            })
    }

    fn arb_response() -> impl Strategy<Value = CreateTopicsResponse> {
        (any::<i32>(), vec(topic_result(), 0..4))
            .prop_map(|(throttle_time_ms, topics)| CreateTopicsResponse { throttle_time_ms, topics })
    }

    /// Resets the fields that `version` does not carry to the values decode produces.
    fn canon_request(mut r: CreateTopicsRequest, v: i16) -> CreateTopicsRequest {
        if v < 1 {
            r.validate_only = false;
        }
        r
    }

    fn canon_response(mut r: CreateTopicsResponse, v: i16) -> CreateTopicsResponse {
        if v < 2 {
            r.throttle_time_ms = 0;
        }
        for t in &mut r.topics {
            if v < 7 {
                t.topic_id = [0; 16];
            }
            if v < 1 {
                t.error_message = None;
            }
            if v < 5 {
                t.topic_config_error_code = 0;
                t.num_partitions = -1;
                t.replication_factor = -1;
                t.configs = None;
            }
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn v0_request_bytes() {
        let r = CreateTopicsRequest {
            topics: vec![CreatableTopic {
                name: "t1".into(),
                num_partitions: 3,
                replication_factor: 1,
                assignments: vec![],
                configs: vec![CreatableTopicConfig { name: "a".into(), value: Some("b".into()) }],
            }],
            timeout_ms: 1000,
            validate_only: false,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        #[rustfmt::skip]
        let expected: &[u8] = &[
            0, 0, 0, 1,             // topics: 1
            0, 2, b't', b'1',       // name "t1"
            0, 0, 0, 3,             // num_partitions 3
            0, 1,                   // replication_factor 1
            0, 0, 0, 0,             // assignments: 0
            0, 0, 0, 1,             // configs: 1
            0, 1, b'a',             // name "a"
            0, 1, b'b',             // value "b"
            0, 0, 0x03, 0xe8,       // timeout_ms 1000
        ];
        assert_eq!(&b[..], expected);
        assert_eq!(CreateTopicsRequest::decode(&mut b.freeze(), 0).unwrap(), r);
    }

    #[test]
    fn v5_request_bytes() {
        let r = CreateTopicsRequest {
            topics: vec![CreatableTopic {
                name: "t".into(),
                num_partitions: -1,
                replication_factor: -1,
                assignments: vec![CreatableReplicaAssignment { partition_index: 0, broker_ids: vec![1] }],
                configs: vec![CreatableTopicConfig { name: "k".into(), value: None }],
            }],
            timeout_ms: 5,
            validate_only: true,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 5).unwrap();
        #[rustfmt::skip]
        let expected: &[u8] = &[
            2,                      // topics: compact 1
            2, b't',                // name "t"
            0xff, 0xff, 0xff, 0xff, // num_partitions -1
            0xff, 0xff,             // replication_factor -1
            2,                      // assignments: 1
            0, 0, 0, 0,             // partition 0
            2, 0, 0, 0, 1,          // broker_ids [1]
            0,                      // tagged fields
            2,                      // configs: 1
            2, b'k',                // name "k"
            0,                      // value null
            0,                      // tagged fields
            0,                      // topic tagged fields
            0, 0, 0, 5,             // timeout_ms
            1,                      // validate_only
            0,                      // tagged fields
        ];
        assert_eq!(&b[..], expected);
    }

    #[test]
    fn validate_only_rejected_at_v0() {
        let r = CreateTopicsRequest { validate_only: true, ..Default::default() };
        assert!(r.encode(&mut BytesMut::new(), 0).is_err());
        assert!(r.encode(&mut BytesMut::new(), 1).is_ok());
        assert!(r.encode(&mut BytesMut::new(), 8).is_err());
    }

    #[test]
    fn response_tagged_config_error_code() {
        let r = CreateTopicsResponse {
            throttle_time_ms: 0,
            topics: vec![CreatableTopicResult {
                name: "t".into(),
                topic_config_error_code: 29,
                ..Default::default()
            }],
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 5).unwrap();
        // ... num_partitions, replication_factor, configs null, then 1 tagged field: tag 0, len 2, 29.
        assert!(b.ends_with(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 2, 0, 29, 0]), "{b:?}");
        assert_eq!(CreateTopicsResponse::decode(&mut b.freeze(), 5).unwrap(), r);
    }
}
