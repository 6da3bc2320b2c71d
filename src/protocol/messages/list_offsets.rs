//! ListOffsets (key 2): look up offsets by timestamp (or earliest/latest/max-timestamp).
//!
//! Versions 1..=7: v1 returns a single offset with its timestamp, v2 adds the isolation level and
//! throttle time, v4 leader epochs, v6 is flexible, v7 allows the max-timestamp query (-3).
//! Special timestamps: -1 latest, -2 earliest, -3 max timestamp (v7+).

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MIN: i16 = 1;
const MAX: i16 = 7;
const FLEXIBLE_FROM: i16 = 6;

pub const LATEST_TIMESTAMP: i64 = -1;
pub const EARLIEST_TIMESTAMP: i64 = -2;
pub const MAX_TIMESTAMP: i64 = -3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOffsetsPartition {
    pub partition_index: i32,
    /// v4+ (-1: unknown).
    pub current_leader_epoch: i32,
    pub timestamp: i64,
}

impl Default for ListOffsetsPartition {
    fn default() -> Self {
        Self { partition_index: 0, current_leader_epoch: -1, timestamp: LATEST_TIMESTAMP }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOffsetsTopic {
    pub name: String,
    pub partitions: Vec<ListOffsetsPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOffsetsRequest {
    /// -1 for consumers.
    pub replica_id: i32,
    /// v2+: 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED.
    pub isolation_level: i8,
    pub topics: Vec<ListOffsetsTopic>,
}

impl Default for ListOffsetsRequest {
    fn default() -> Self {
        Self { replica_id: -1, isolation_level: 0, topics: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOffsetsPartitionResponse {
    pub partition_index: i32,
    pub error_code: i16,
    pub timestamp: i64,
    pub offset: i64,
    /// v4+ (-1 before).
    pub leader_epoch: i32,
}

impl Default for ListOffsetsPartitionResponse {
    fn default() -> Self {
        Self { partition_index: 0, error_code: 0, timestamp: -1, offset: -1, leader_epoch: -1 }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOffsetsTopicResponse {
    pub name: String,
    pub partitions: Vec<ListOffsetsPartitionResponse>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOffsetsResponse {
    /// v2+.
    pub throttle_time_ms: i32,
    pub topics: Vec<ListOffsetsTopicResponse>,
}

impl Message for ListOffsetsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ListOffsetsRequest", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_i32(buf, self.replica_id);
        if version >= 2 {
            put_i8(buf, self.isolation_level);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                if version >= 4 {
                    put_i32(b, p.current_leader_epoch);
                }
                put_i64(b, p.timestamp);
                put_tags(b, flexible);
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let replica_id = get_i32(buf)?;
        let isolation_level = if version >= 2 { get_i8(buf)? } else { 0 };
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let current_leader_epoch = if version >= 4 { get_i32(b)? } else { -1 };
                let timestamp = get_i64(b)?;
                skip_tags(b, flexible)?;
                Ok(ListOffsetsPartition { partition_index, current_leader_epoch, timestamp })
            })?;
            skip_tags(b, flexible)?;
            Ok(ListOffsetsTopic { name, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { replica_id, isolation_level, topics })
    }
}

impl Message for ListOffsetsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ListOffsetsResponse", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 2 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i16(b, p.error_code);
                put_i64(b, p.timestamp);
                put_i64(b, p.offset);
                if version >= 4 {
                    put_i32(b, p.leader_epoch);
                }
                put_tags(b, flexible);
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let throttle_time_ms = if version >= 2 { get_i32(buf)? } else { 0 };
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let error_code = get_i16(b)?;
                let timestamp = get_i64(b)?;
                let offset = get_i64(b)?;
                let leader_epoch = if version >= 4 { get_i32(b)? } else { -1 };
                skip_tags(b, flexible)?;
                Ok(ListOffsetsPartitionResponse {
                    partition_index,
                    error_code,
                    timestamp,
                    offset,
                    leader_epoch,
                })
            })?;
            skip_tags(b, flexible)?;
            Ok(ListOffsetsTopicResponse { name, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, topics })
    }
}

impl Request for ListOffsetsRequest {
    const API_KEY: ApiKey = ApiKey::ListOffsets;
    const MIN_VERSION: i16 = MIN;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = ListOffsetsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = ListOffsetsRequest> {
        let part = (any::<i32>(), any::<i32>(), any::<i64>()).prop_map(|(partition_index, e, timestamp)| {
            ListOffsetsPartition { partition_index, current_leader_epoch: e, timestamp }
        });
        let topic =
            (string(), vec(part, 3)).prop_map(|(name, partitions)| ListOffsetsTopic { name, partitions });
        (any::<i32>(), any::<i8>(), vec(topic, 3)).prop_map(|(replica_id, isolation_level, topics)| {
            ListOffsetsRequest { replica_id, isolation_level, topics }
        })
    }

    fn canon_request(mut r: ListOffsetsRequest, v: i16) -> ListOffsetsRequest {
        if v < 2 {
            r.isolation_level = 0;
        }
        for p in r.topics.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
            if v < 4 {
                p.current_leader_epoch = -1;
            }
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = ListOffsetsResponse> {
        let part = (any::<i32>(), any::<i16>(), any::<i64>(), any::<i64>(), any::<i32>()).prop_map(
            |(partition_index, error_code, timestamp, offset, leader_epoch)| ListOffsetsPartitionResponse {
                partition_index,
                error_code,
                timestamp,
                offset,
                leader_epoch,
            },
        );
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partitions)| ListOffsetsTopicResponse { name, partitions });
        (any::<i32>(), vec(topic, 3))
            .prop_map(|(throttle_time_ms, topics)| ListOffsetsResponse { throttle_time_ms, topics })
    }

    fn canon_response(mut r: ListOffsetsResponse, v: i16) -> ListOffsetsResponse {
        if v < 2 {
            r.throttle_time_ms = 0;
        }
        for p in r.topics.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
            if v < 4 {
                p.leader_epoch = -1;
            }
        }
        r
    }

    message_proptests!(MIN..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn v1_request_bytes() {
        let r = ListOffsetsRequest {
            topics: vec![ListOffsetsTopic {
                name: "t".into(),
                partitions: vec![ListOffsetsPartition {
                    partition_index: 1,
                    timestamp: EARLIEST_TIMESTAMP,
                    ..Default::default()
                }],
            }],
            ..Default::default()
        };
        let mut expect = vec![0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 1];
        expect.extend((-2i64).to_be_bytes());
        assert_eq!(encoded(&r, 1), expect);
    }
}
