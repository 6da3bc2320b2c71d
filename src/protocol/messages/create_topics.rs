//! CreateTopics (key 19): create topics, each with a partition count and replication factor or a
//! manual replica assignment, plus topic configs.
//!
//! v1 adds `validate_only`, v2 the response throttle time, v1 the per-topic error message. v5 is
//! flexible and the response also returns the resulting partition count, replication factor and
//! configs (and, as tagged field 0, a config error code). v7 returns topic ids.

use crate::protocol::declare::kafka_api;

kafka_api! {
    CreateTopics: CreateTopicsRequest => CreateTopicsResponse, versions 0..=7, flexible 5;

    pub struct CreateTopicsRequest {
        topics: Vec<CreatableTopic>,
        /// How long the broker waits for the topics to be created (default 60000).
        timeout_ms: i32 = 60_000,
        /// v1+: only validate, create nothing. `true` cannot be sent at v0.
        validate_only: bool => since(1),
    }

    pub struct CreatableTopic {
        name: String,
        /// -1 with a manual assignment or to use the broker default.
        num_partitions: i32,
        /// -1 with a manual assignment or to use the broker default.
        replication_factor: i16,
        /// Manual assignment, or empty for automatic assignment.
        assignments: Vec<CreatableReplicaAssignment>,
        configs: Vec<CreatableTopicConfig>,
    }

    pub struct CreatableReplicaAssignment {
        partition_index: i32,
        broker_ids: Vec<i32>,
    }

    pub struct CreatableTopicConfig {
        name: String,
        value: Option<String> => nullable(),
    }

    pub struct CreateTopicsResponse {
        /// v2+.
        throttle_time_ms: i32 => since(2).ignorable(),
        topics: Vec<CreatableTopicResult>,
    }

    pub struct CreatableTopicResult {
        name: String,
        /// v7+; all zeros when absent.
        topic_id: [u8; 16] => since(7).ignorable(),
        error_code: i16,
        /// v1+.
        error_message: Option<String> => since(1).nullable().ignorable(),
        /// v5+, tagged field 0: config error when configs are not returned (0 = none).
        topic_config_error_code: i16 => since(5).tag(0).ignorable(),
        /// v5+ (default -1).
        num_partitions: i32 = -1 => since(5).ignorable(),
        /// v5+ (default -1).
        replication_factor: i16 = -1 => since(5).ignorable(),
        /// v5+: the topic's configuration (None when absent or null).
        configs: Option<Vec<CreatableTopicConfigResult>> => since(5).nullable().ignorable(),
    }

    /// One config of a created topic (`CreatableTopicConfigs` in the schema), v5+.
    pub struct CreatableTopicConfigResult {
        name: String,
        value: Option<String> => nullable(),
        read_only: bool,
        /// Config source (default -1).
        config_source: i8 = -1,
        is_sensitive: bool,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

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
