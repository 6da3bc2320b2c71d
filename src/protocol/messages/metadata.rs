//! Metadata (key 3): brokers, controller and the partition layout of topics.
//!
//! Versions 0..=13 (the client sends up to 12). v0 treats an empty topic list as "all topics";
//! from v1 a null list means "all topics" and an empty one means "none". We model both with
//! `topics: Option<Vec<_>>` (`None` = all topics); at v0 `None` is written as an empty array.
//! v4 adds `allow_auto_topic_creation`, v8 the authorized-operations bitfields, v9 is flexible,
//! v10 adds topic ids (request names become nullable; only meant to be used from v12), v13 a
//! top-level error code.

use std::borrow::Cow;

use crate::protocol::declare::kafka_api;
use crate::protocol::EncodeResult;

/// "Authorized operations not requested/known" (the schema default, `i32::MIN`).
pub const AUTHORIZED_OPERATIONS_OMITTED: i32 = i32::MIN;

kafka_api! {
    Metadata: MetadataRequest => MetadataResponse, versions 0..=13, client ..=12, flexible 9, prepare for_version;

    pub struct MetadataRequest {
        /// `None`: all topics.
        topics: Option<Vec<MetadataRequestTopic>> => always().nullable_since(1),
        /// v4+ (default true).
        allow_auto_topic_creation: bool = true => since(4).ignorable(),
        /// v8..=10.
        include_cluster_authorized_operations: bool => versions(8, 10).ignorable(),
        /// v8+.
        include_topic_authorized_operations: bool => since(8).ignorable(),
    }

    pub struct MetadataRequestTopic {
        /// v10+: the topic id (all zero when asking by name).
        topic_id: [u8; 16] => since(10).ignorable(),
        /// The topic name; may be null only from v10 (ask by id).
        name: Option<String> => always().nullable_since(10),
    }

    pub struct MetadataResponse {
        /// v3+.
        throttle_time_ms: i32 => since(3).ignorable(),
        brokers: Vec<MetadataResponseBroker>,
        /// v2+.
        cluster_id: Option<String> => since(2).nullable().ignorable(),
        /// v1+ (-1 before).
        controller_id: i32 = -1 => since(1).ignorable(),
        topics: Vec<MetadataResponseTopic>,
        /// v8..=10 ([`AUTHORIZED_OPERATIONS_OMITTED`] otherwise).
        cluster_authorized_operations: i32 = AUTHORIZED_OPERATIONS_OMITTED => versions(8, 10).ignorable(),
        /// v13+: a top-level error (REBOOTSTRAP_REQUIRED, KIP-1102), which the client does not
        /// handle yet: it stays at v12.
        error_code: i16 => since(13).ignorable(),
    }

    pub struct MetadataResponseBroker {
        node_id: i32,
        host: String,
        port: i32,
        /// v1+.
        rack: Option<String> => since(1).nullable().ignorable(),
    }

    pub struct MetadataResponseTopic {
        error_code: i16,
        /// Null only from v12 (topics asked by id that do not exist).
        name: Option<String> => always().nullable_since(12),
        /// v10+.
        topic_id: [u8; 16] => since(10).ignorable(),
        /// v1+.
        is_internal: bool => since(1).ignorable(),
        partitions: Vec<MetadataResponsePartition>,
        /// v8+ ([`AUTHORIZED_OPERATIONS_OMITTED`] before).
        topic_authorized_operations: i32 = AUTHORIZED_OPERATIONS_OMITTED => since(8).ignorable(),
    }

    pub struct MetadataResponsePartition {
        error_code: i16,
        partition_index: i32,
        leader_id: i32,
        /// v7+ (-1 before).
        leader_epoch: i32 = -1 => since(7).ignorable(),
        replica_nodes: Vec<i32>,
        isr_nodes: Vec<i32>,
        /// v5+.
        offline_replicas: Vec<i32> => since(5).ignorable(),
    }
}

impl MetadataRequest {
    /// A request for the named topics (`None`: all topics).
    pub fn for_topics<S: Into<String>>(names: Option<impl IntoIterator<Item = S>>) -> Self {
        Self {
            topics: names.map(|n| {
                n.into_iter()
                    .map(|s| MetadataRequestTopic { topic_id: [0; 16], name: Some(s.into()) })
                    .collect()
            }),
            ..Self::default()
        }
    }
}

/// v0 has no null topic list: "all topics" is the empty list there.
fn for_version(r: &MetadataRequest, version: i16) -> EncodeResult<Cow<'_, MetadataRequest>> {
    if version == 0 && r.topics.is_none() {
        return Ok(Cow::Owned(MetadataRequest { topics: Some(Vec::new()), ..r.clone() }));
    }
    Ok(Cow::Borrowed(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::{Bytes, BytesMut};

    #[test]
    fn v1_request_bytes() {
        let r = MetadataRequest::for_topics(Some(["t"]));
        assert_eq!(encoded(&r, 1), [0, 0, 0, 1, 0, 1, b't']);
        // v0 "all topics" is an empty array; v1+ uses null.
        assert_eq!(encoded(&MetadataRequest::default(), 0), [0, 0, 0, 0]);
        assert_eq!(encoded(&MetadataRequest::default(), 1), [0xff, 0xff, 0xff, 0xff]);
        // v9 flexible: compact array of 1 (2), compact string "t" (2, 't'), tags, then
        // allow_auto(1), include_cluster(0), include_topic(0), tags.
        assert_eq!(encoded(&r, 9), [2, 2, b't', 0, 1, 0, 0, 0]);
        // v12: uuid before the (nullable) name; no include_cluster field.
        let mut expect = vec![2];
        expect.extend([0u8; 16]);
        expect.extend([2, b't', 0, 1, 0, 0]);
        assert_eq!(encoded(&r, 12), expect);
    }

    #[test]
    fn null_name_before_v10_is_an_error() {
        let r = MetadataRequest { topics: Some(vec![MetadataRequestTopic::default()]), ..Default::default() };
        assert!(r.encode(&mut BytesMut::new(), 9).is_err());
        assert!(r.encode(&mut BytesMut::new(), 10).is_ok());
        assert!(r.encode(&mut BytesMut::new(), 13).is_ok());
        assert!(r.encode(&mut BytesMut::new(), 14).is_err());
    }

    #[test]
    fn v0_response_bytes() {
        let bytes: &[u8] = &[
            0, 0, 0, 1, // 1 broker
            0, 0, 0, 7, 0, 1, b'h', 0, 0, 0x23, 0x84, // id 7, "h", 9092
            0, 0, 0, 1, // 1 topic
            0, 0, 0, 1, b't', // no error, "t"
            0, 0, 0, 1, // 1 partition
            0, 0, 0, 0, 0, 0, 0, 0, 0, 7, // no error, p0, leader 7
            0, 0, 0, 1, 0, 0, 0, 7, // replicas [7]
            0, 0, 0, 1, 0, 0, 0, 7, // isr [7]
        ];
        let r = MetadataResponse::decode(&mut Bytes::from_static(bytes), 0).unwrap();
        assert_eq!(
            r.brokers,
            vec![MetadataResponseBroker { node_id: 7, host: "h".into(), port: 9092, rack: None }]
        );
        assert_eq!(r.controller_id, -1);
        assert_eq!(r.topics[0].name.as_deref(), Some("t"));
        assert_eq!(r.topics[0].partitions[0].leader_id, 7);
        assert_eq!(r.topics[0].partitions[0].leader_epoch, -1);
        assert_eq!(encoded(&r, 0), bytes);
    }
}
