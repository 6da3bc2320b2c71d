//! OffsetCommit (key 8): commit consumed offsets for a group.
//!
//! Versions 2..=8: v2 has the retention time (v2..=4; -1 = broker default), v3 throttle time,
//! v5 drops the retention time, v6 adds the committed leader epoch, v7 the group instance id,
//! v8 is flexible.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MIN: i16 = 2;
const MAX: i16 = 8;
const FLEXIBLE_FROM: i16 = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetCommitRequestPartition {
    pub partition_index: i32,
    pub committed_offset: i64,
    /// v6+ (-1: unknown).
    pub committed_leader_epoch: i32,
    pub committed_metadata: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetCommitRequestTopic {
    pub name: String,
    pub partitions: Vec<OffsetCommitRequestPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetCommitRequest {
    pub group_id: String,
    /// -1 for a simple (non-member) commit.
    pub generation_id: i32,
    /// Empty for a simple commit.
    pub member_id: String,
    /// v7+.
    pub group_instance_id: Option<String>,
    /// v2..=4 (-1: broker default).
    pub retention_time_ms: i64,
    pub topics: Vec<OffsetCommitRequestTopic>,
}

impl Default for OffsetCommitRequest {
    fn default() -> Self {
        Self {
            group_id: String::new(),
            generation_id: -1,
            member_id: String::new(),
            group_instance_id: None,
            retention_time_ms: -1,
            topics: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetCommitResponsePartition {
    pub partition_index: i32,
    pub error_code: i16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetCommitResponseTopic {
    pub name: String,
    pub partitions: Vec<OffsetCommitResponsePartition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetCommitResponse {
    /// v3+.
    pub throttle_time_ms: i32,
    pub topics: Vec<OffsetCommitResponseTopic>,
}

impl Message for OffsetCommitRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("OffsetCommitRequest", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.group_id, flexible)?;
        put_i32(buf, self.generation_id);
        put_string(buf, &self.member_id, flexible)?;
        if version >= 7 {
            put_nullable_string(buf, self.group_instance_id.as_deref(), flexible)?;
        } else if self.group_instance_id.is_some() {
            return Err(EncodeError::UnsupportedField { field: "group_instance_id", version });
        }
        if version <= 4 {
            put_i64(buf, self.retention_time_ms);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i64(b, p.committed_offset);
                if version >= 6 {
                    put_i32(b, p.committed_leader_epoch);
                }
                put_nullable_string(b, p.committed_metadata.as_deref(), flexible)?;
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
        let group_id = get_string(buf, flexible)?;
        let generation_id = get_i32(buf)?;
        let member_id = get_string(buf, flexible)?;
        let group_instance_id = if version >= 7 { get_nullable_string(buf, flexible)? } else { None };
        let retention_time_ms = if version <= 4 { get_i64(buf)? } else { -1 };
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let committed_offset = get_i64(b)?;
                let committed_leader_epoch = if version >= 6 { get_i32(b)? } else { -1 };
                let committed_metadata = get_nullable_string(b, flexible)?;
                skip_tags(b, flexible)?;
                Ok(OffsetCommitRequestPartition {
                    partition_index,
                    committed_offset,
                    committed_leader_epoch,
                    committed_metadata,
                })
            })?;
            skip_tags(b, flexible)?;
            Ok(OffsetCommitRequestTopic { name, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { group_id, generation_id, member_id, group_instance_id, retention_time_ms, topics })
    }
}

impl Message for OffsetCommitResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("OffsetCommitResponse", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 3 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i16(b, p.error_code);
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
        let throttle_time_ms = if version >= 3 { get_i32(buf)? } else { 0 };
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let p =
                    OffsetCommitResponsePartition { partition_index: get_i32(b)?, error_code: get_i16(b)? };
                skip_tags(b, flexible)?;
                Ok(p)
            })?;
            skip_tags(b, flexible)?;
            Ok(OffsetCommitResponseTopic { name, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, topics })
    }
}

impl Request for OffsetCommitRequest {
    const API_KEY: ApiKey = ApiKey::OffsetCommit;
    const MIN_VERSION: i16 = MIN;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = OffsetCommitResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = OffsetCommitRequest> {
        let part = (any::<i32>(), any::<i64>(), any::<i32>(), opt_string()).prop_map(|(i, o, e, m)| {
            OffsetCommitRequestPartition {
                partition_index: i,
                committed_offset: o,
                committed_leader_epoch: e,
                committed_metadata: m,
            }
        });
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partitions)| OffsetCommitRequestTopic { name, partitions });
        (string(), any::<i32>(), string(), opt_string(), any::<i64>(), vec(topic, 3)).prop_map(
            |(group_id, generation_id, member_id, group_instance_id, retention_time_ms, topics)| {
                OffsetCommitRequest {
                    group_id,
                    generation_id,
                    member_id,
                    group_instance_id,
                    retention_time_ms,
                    topics,
                }
            },
        )
    }

    fn canon_request(mut r: OffsetCommitRequest, v: i16) -> OffsetCommitRequest {
        if v < 7 {
            r.group_instance_id = None;
        }
        if v > 4 {
            r.retention_time_ms = -1;
        }
        for p in r.topics.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
            if v < 6 {
                p.committed_leader_epoch = -1;
            }
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = OffsetCommitResponse> {
        let part = (any::<i32>(), any::<i16>()).prop_map(|(partition_index, error_code)| {
            OffsetCommitResponsePartition { partition_index, error_code }
        });
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partitions)| OffsetCommitResponseTopic { name, partitions });
        (any::<i32>(), vec(topic, 3))
            .prop_map(|(throttle_time_ms, topics)| OffsetCommitResponse { throttle_time_ms, topics })
    }

    fn canon_response(mut r: OffsetCommitResponse, v: i16) -> OffsetCommitResponse {
        if v < 3 {
            r.throttle_time_ms = 0;
        }
        r
    }

    message_proptests!(MIN..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn v2_request_bytes() {
        let r = OffsetCommitRequest {
            group_id: "g".into(),
            generation_id: 1,
            member_id: "m".into(),
            topics: vec![OffsetCommitRequestTopic {
                name: "t".into(),
                partitions: vec![OffsetCommitRequestPartition {
                    partition_index: 0,
                    committed_offset: 42,
                    committed_leader_epoch: -1,
                    committed_metadata: Some(String::new()),
                }],
            }],
            ..Default::default()
        };
        let mut expect = vec![0, 1, b'g', 0, 0, 0, 1, 0, 1, b'm'];
        expect.extend((-1i64).to_be_bytes());
        expect.extend([0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 0]);
        expect.extend(42i64.to_be_bytes());
        expect.extend([0, 0]);
        assert_eq!(encoded(&r, 2), expect);
    }
}
