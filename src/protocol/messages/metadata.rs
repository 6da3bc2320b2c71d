//! Metadata (key 3): brokers, controller and the partition layout of topics.
//!
//! Versions 0..=12. v0 treats an empty topic list as "all topics"; from v1 a null list means "all
//! topics" and an empty one means "none". We model both with `topics: Option<Vec<_>>` (`None` =
//! all topics); at v0 `None` is written as an empty array and an empty array decodes as `None`.
//! v4 adds `allow_auto_topic_creation`, v8 the authorized-operations bitfields, v9 is flexible,
//! v10 adds topic ids (request names become nullable; only meant to be used from v12).

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const FLEXIBLE_FROM: i16 = 9;

/// "Authorized operations not requested/known" (the schema default, `i32::MIN`).
pub const AUTHORIZED_OPERATIONS_OMITTED: i32 = i32::MIN;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataRequestTopic {
    /// v10+: the topic id (all zero when asking by name).
    pub topic_id: [u8; 16],
    /// The topic name; may be null only from v10 (ask by id).
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataRequest {
    /// `None`: all topics.
    pub topics: Option<Vec<MetadataRequestTopic>>,
    /// v4+ (default true).
    pub allow_auto_topic_creation: bool,
    /// v8..=10.
    pub include_cluster_authorized_operations: bool,
    /// v8+.
    pub include_topic_authorized_operations: bool,
}

impl Default for MetadataRequest {
    fn default() -> Self {
        Self {
            topics: None,
            allow_auto_topic_creation: true,
            include_cluster_authorized_operations: false,
            include_topic_authorized_operations: false,
        }
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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataResponseBroker {
    pub node_id: i32,
    pub host: String,
    pub port: i32,
    /// v1+.
    pub rack: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataResponsePartition {
    pub error_code: i16,
    pub partition_index: i32,
    pub leader_id: i32,
    /// v7+ (-1 before).
    pub leader_epoch: i32,
    pub replica_nodes: Vec<i32>,
    pub isr_nodes: Vec<i32>,
    /// v5+.
    pub offline_replicas: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataResponseTopic {
    pub error_code: i16,
    /// Null only from v12 (topics asked by id that do not exist).
    pub name: Option<String>,
    /// v10+.
    pub topic_id: [u8; 16],
    /// v1+.
    pub is_internal: bool,
    pub partitions: Vec<MetadataResponsePartition>,
    /// v8+ ([`AUTHORIZED_OPERATIONS_OMITTED`] before).
    pub topic_authorized_operations: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataResponse {
    /// v3+.
    pub throttle_time_ms: i32,
    pub brokers: Vec<MetadataResponseBroker>,
    /// v2+.
    pub cluster_id: Option<String>,
    /// v1+ (-1 before).
    pub controller_id: i32,
    pub topics: Vec<MetadataResponseTopic>,
    /// v8..=10 ([`AUTHORIZED_OPERATIONS_OMITTED`] otherwise).
    pub cluster_authorized_operations: i32,
}

impl Message for MetadataRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("MetadataRequest", version, 0, 12)?;
        let flexible = version >= FLEXIBLE_FROM;
        let put_topic = |b: &mut BytesMut, t: &MetadataRequestTopic| -> EncodeResult {
            if version >= 10 {
                put_uuid(b, &t.topic_id);
                put_nullable_string(b, t.name.as_deref(), flexible)?;
            } else {
                let name = t
                    .name
                    .as_deref()
                    .ok_or(EncodeError::UnsupportedField { field: "null topic name", version })?;
                put_string(b, name, flexible)?;
            }
            put_tags(b, flexible);
            Ok(())
        };
        match (&self.topics, version) {
            (None, 0) => put_array::<MetadataRequestTopic>(buf, &[], false, put_topic)?,
            (Some(t), _) => put_array(buf, t, flexible, put_topic)?,
            (None, _) => put_nullable_array(buf, None, flexible, put_topic)?,
        }
        if version >= 4 {
            put_bool(buf, self.allow_auto_topic_creation);
        }
        if (8..=10).contains(&version) {
            put_bool(buf, self.include_cluster_authorized_operations);
        }
        if version >= 8 {
            put_bool(buf, self.include_topic_authorized_operations);
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let mut topics = get_nullable_array(buf, flexible, |b| {
            let topic_id = if version >= 10 { get_uuid(b)? } else { [0; 16] };
            let name = if version >= 10 {
                get_nullable_string(b, flexible)?
            } else {
                Some(get_string(b, flexible)?)
            };
            skip_tags(b, flexible)?;
            Ok(MetadataRequestTopic { topic_id, name })
        })?;
        if version == 0 && topics.as_ref().is_some_and(Vec::is_empty) {
            topics = None;
        }
        let allow_auto_topic_creation = if version >= 4 { get_bool(buf)? } else { true };
        let include_cluster_authorized_operations =
            if (8..=10).contains(&version) { get_bool(buf)? } else { false };
        let include_topic_authorized_operations = if version >= 8 { get_bool(buf)? } else { false };
        skip_tags(buf, flexible)?;
        Ok(Self {
            topics,
            allow_auto_topic_creation,
            include_cluster_authorized_operations,
            include_topic_authorized_operations,
        })
    }
}

impl Message for MetadataResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("MetadataResponse", version, 0, 12)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 3 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_array(buf, &self.brokers, flexible, |b, br| {
            put_i32(b, br.node_id);
            put_string(b, &br.host, flexible)?;
            put_i32(b, br.port);
            if version >= 1 {
                put_nullable_string(b, br.rack.as_deref(), flexible)?;
            }
            put_tags(b, flexible);
            Ok(())
        })?;
        if version >= 2 {
            put_nullable_string(buf, self.cluster_id.as_deref(), flexible)?;
        }
        if version >= 1 {
            put_i32(buf, self.controller_id);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_i16(b, t.error_code);
            if version >= 12 {
                put_nullable_string(b, t.name.as_deref(), flexible)?;
            } else {
                let name = t
                    .name
                    .as_deref()
                    .ok_or(EncodeError::UnsupportedField { field: "null topic name", version })?;
                put_string(b, name, flexible)?;
            }
            if version >= 10 {
                put_uuid(b, &t.topic_id);
            }
            if version >= 1 {
                put_bool(b, t.is_internal);
            }
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i16(b, p.error_code);
                put_i32(b, p.partition_index);
                put_i32(b, p.leader_id);
                if version >= 7 {
                    put_i32(b, p.leader_epoch);
                }
                put_i32_array(b, &p.replica_nodes, flexible)?;
                put_i32_array(b, &p.isr_nodes, flexible)?;
                if version >= 5 {
                    put_i32_array(b, &p.offline_replicas, flexible)?;
                }
                put_tags(b, flexible);
                Ok(())
            })?;
            if version >= 8 {
                put_i32(b, t.topic_authorized_operations);
            }
            put_tags(b, flexible);
            Ok(())
        })?;
        if (8..=10).contains(&version) {
            put_i32(buf, self.cluster_authorized_operations);
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let throttle_time_ms = if version >= 3 { get_i32(buf)? } else { 0 };
        let brokers = get_array(buf, flexible, |b| {
            let node_id = get_i32(b)?;
            let host = get_string(b, flexible)?;
            let port = get_i32(b)?;
            let rack = if version >= 1 { get_nullable_string(b, flexible)? } else { None };
            skip_tags(b, flexible)?;
            Ok(MetadataResponseBroker { node_id, host, port, rack })
        })?;
        let cluster_id = if version >= 2 { get_nullable_string(buf, flexible)? } else { None };
        let controller_id = if version >= 1 { get_i32(buf)? } else { -1 };
        let topics = get_array(buf, flexible, |b| {
            let error_code = get_i16(b)?;
            let name = if version >= 12 {
                get_nullable_string(b, flexible)?
            } else {
                Some(get_string(b, flexible)?)
            };
            let topic_id = if version >= 10 { get_uuid(b)? } else { [0; 16] };
            let is_internal = if version >= 1 { get_bool(b)? } else { false };
            let partitions = get_array(b, flexible, |b| {
                let error_code = get_i16(b)?;
                let partition_index = get_i32(b)?;
                let leader_id = get_i32(b)?;
                let leader_epoch = if version >= 7 { get_i32(b)? } else { -1 };
                let replica_nodes = get_array(b, flexible, get_i32)?;
                let isr_nodes = get_array(b, flexible, get_i32)?;
                let offline_replicas =
                    if version >= 5 { get_array(b, flexible, get_i32)? } else { Vec::new() };
                skip_tags(b, flexible)?;
                Ok(MetadataResponsePartition {
                    error_code,
                    partition_index,
                    leader_id,
                    leader_epoch,
                    replica_nodes,
                    isr_nodes,
                    offline_replicas,
                })
            })?;
            let topic_authorized_operations =
                if version >= 8 { get_i32(b)? } else { AUTHORIZED_OPERATIONS_OMITTED };
            skip_tags(b, flexible)?;
            Ok(MetadataResponseTopic {
                error_code,
                name,
                topic_id,
                is_internal,
                partitions,
                topic_authorized_operations,
            })
        })?;
        let cluster_authorized_operations =
            if (8..=10).contains(&version) { get_i32(buf)? } else { AUTHORIZED_OPERATIONS_OMITTED };
        skip_tags(buf, flexible)?;
        Ok(Self {
            throttle_time_ms,
            brokers,
            cluster_id,
            controller_id,
            topics,
            cluster_authorized_operations,
        })
    }
}

fn put_i32_array(buf: &mut BytesMut, v: &[i32], flexible: bool) -> EncodeResult {
    put_array(buf, v, flexible, |b, x| {
        put_i32(b, *x);
        Ok(())
    })
}

impl Request for MetadataRequest {
    const API_KEY: ApiKey = ApiKey::Metadata;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = 12;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = MetadataResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = MetadataRequest> {
        (proptest::option::of(vec((uuid(), opt_string()), 5)), any::<bool>(), any::<bool>(), any::<bool>())
            .prop_map(|(t, a, c, o)| MetadataRequest {
                topics: t.map(|t| {
                    t.into_iter().map(|(id, n)| MetadataRequestTopic { topic_id: id, name: n }).collect()
                }),
                allow_auto_topic_creation: a,
                include_cluster_authorized_operations: c,
                include_topic_authorized_operations: o,
            })
    }

    fn canon_request(mut r: MetadataRequest, v: i16) -> MetadataRequest {
        if let Some(t) = r.topics.as_mut() {
            for t in t.iter_mut() {
                if v < 10 {
                    t.topic_id = [0; 16];
                    t.name.get_or_insert_with(String::new);
                }
            }
        }
        if v == 0 && r.topics.as_ref().is_some_and(Vec::is_empty) {
            r.topics = None;
        }
        if v < 4 {
            r.allow_auto_topic_creation = true;
        }
        if !(8..=10).contains(&v) {
            r.include_cluster_authorized_operations = false;
        }
        if v < 8 {
            r.include_topic_authorized_operations = false;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = MetadataResponse> {
        let broker = (any::<i32>(), string(), any::<i32>(), opt_string())
            .prop_map(|(node_id, host, port, rack)| MetadataResponseBroker { node_id, host, port, rack });
        let partition = (
            any::<i16>(),
            any::<i32>(),
            any::<i32>(),
            any::<i32>(),
            vec(any::<i32>(), 4),
            vec(any::<i32>(), 4),
            vec(any::<i32>(), 2),
        )
            .prop_map(|(e, i, l, ep, r, isr, off)| MetadataResponsePartition {
                error_code: e,
                partition_index: i,
                leader_id: l,
                leader_epoch: ep,
                replica_nodes: r,
                isr_nodes: isr,
                offline_replicas: off,
            });
        let topic = (any::<i16>(), opt_string(), uuid(), any::<bool>(), vec(partition, 3), any::<i32>())
            .prop_map(|(error_code, name, topic_id, is_internal, partitions, ops)| MetadataResponseTopic {
                error_code,
                name,
                topic_id,
                is_internal,
                partitions,
                topic_authorized_operations: ops,
            });
        (any::<i32>(), vec(broker, 3), opt_string(), any::<i32>(), vec(topic, 3), any::<i32>()).prop_map(
            |(t, brokers, cluster_id, controller_id, topics, ops)| MetadataResponse {
                throttle_time_ms: t,
                brokers,
                cluster_id,
                controller_id,
                topics,
                cluster_authorized_operations: ops,
            },
        )
    }

    fn canon_response(mut r: MetadataResponse, v: i16) -> MetadataResponse {
        if v < 3 {
            r.throttle_time_ms = 0;
        }
        for b in &mut r.brokers {
            if v < 1 {
                b.rack = None;
            }
        }
        if v < 2 {
            r.cluster_id = None;
        }
        if v < 1 {
            r.controller_id = -1;
        }
        for t in &mut r.topics {
            if v < 12 {
                t.name.get_or_insert_with(String::new);
            }
            if v < 10 {
                t.topic_id = [0; 16];
            }
            if v < 1 {
                t.is_internal = false;
            }
            if v < 8 {
                t.topic_authorized_operations = AUTHORIZED_OPERATIONS_OMITTED;
            }
            for p in &mut t.partitions {
                if v < 7 {
                    p.leader_epoch = -1;
                }
                if v < 5 {
                    p.offline_replicas.clear();
                }
            }
        }
        if !(8..=10).contains(&v) {
            r.cluster_authorized_operations = AUTHORIZED_OPERATIONS_OMITTED;
        }
        r
    }

    message_proptests!(0..=12, arb_request => canon_request, arb_response => canon_response, garbage: 256);

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
        assert!(r.encode(&mut BytesMut::new(), 13).is_err());
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
