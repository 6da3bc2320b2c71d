//! OffsetFetch (key 9): read a group's committed offsets.
//!
//! Versions 1..=7 (single group): v2 allows a null topic list (all topics) and adds a top-level
//! error code, v3 throttle time, v5 the committed leader epoch, v6 is flexible, v7 adds
//! `require_stable`. v8+ is the multi-group form and is not claimed.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MIN: i16 = 1;
const MAX: i16 = 7;
const FLEXIBLE_FROM: i16 = 6;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetFetchRequestTopic {
    pub name: String,
    pub partition_indexes: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetFetchRequest {
    pub group_id: String,
    /// `None` (v2+): all topics the group has committed offsets for.
    pub topics: Option<Vec<OffsetFetchRequestTopic>>,
    /// v7+: wait for pending transactional offsets (else UNSTABLE_OFFSET_COMMIT).
    pub require_stable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetFetchResponsePartition {
    pub partition_index: i32,
    /// -1: no committed offset.
    pub committed_offset: i64,
    /// v5+ (-1 before).
    pub committed_leader_epoch: i32,
    pub metadata: Option<String>,
    pub error_code: i16,
}

impl Default for OffsetFetchResponsePartition {
    fn default() -> Self {
        Self {
            partition_index: 0,
            committed_offset: -1,
            committed_leader_epoch: -1,
            metadata: None,
            error_code: 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetFetchResponseTopic {
    pub name: String,
    pub partitions: Vec<OffsetFetchResponsePartition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetFetchResponse {
    /// v3+.
    pub throttle_time_ms: i32,
    pub topics: Vec<OffsetFetchResponseTopic>,
    /// v2+: group-level error.
    pub error_code: i16,
}

impl Message for OffsetFetchRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("OffsetFetchRequest", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.group_id, flexible)?;
        if version < 2 && self.topics.is_none() {
            return Err(EncodeError::UnsupportedField { field: "null topics (all topics)", version });
        }
        put_nullable_array(buf, self.topics.as_deref(), flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partition_indexes, flexible, |b, p| {
                put_i32(b, *p);
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        if version >= 7 {
            put_bool(buf, self.require_stable);
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let group_id = get_string(buf, flexible)?;
        let topics = get_nullable_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partition_indexes = get_array(b, flexible, get_i32)?;
            skip_tags(b, flexible)?;
            Ok(OffsetFetchRequestTopic { name, partition_indexes })
        })?;
        if version < 2 && topics.is_none() {
            return Err(DecodeError::NegativeLength(-1));
        }
        let require_stable = if version >= 7 { get_bool(buf)? } else { false };
        skip_tags(buf, flexible)?;
        Ok(Self { group_id, topics, require_stable })
    }
}

impl Message for OffsetFetchResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("OffsetFetchResponse", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 3 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i64(b, p.committed_offset);
                if version >= 5 {
                    put_i32(b, p.committed_leader_epoch);
                }
                put_nullable_string(b, p.metadata.as_deref(), flexible)?;
                put_i16(b, p.error_code);
                put_tags(b, flexible);
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        if version >= 2 {
            put_i16(buf, self.error_code);
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let throttle_time_ms = if version >= 3 { get_i32(buf)? } else { 0 };
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let committed_offset = get_i64(b)?;
                let committed_leader_epoch = if version >= 5 { get_i32(b)? } else { -1 };
                let metadata = get_nullable_string(b, flexible)?;
                let error_code = get_i16(b)?;
                skip_tags(b, flexible)?;
                Ok(OffsetFetchResponsePartition {
                    partition_index,
                    committed_offset,
                    committed_leader_epoch,
                    metadata,
                    error_code,
                })
            })?;
            skip_tags(b, flexible)?;
            Ok(OffsetFetchResponseTopic { name, partitions })
        })?;
        let error_code = if version >= 2 { get_i16(buf)? } else { 0 };
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, topics, error_code })
    }
}

impl Request for OffsetFetchRequest {
    const API_KEY: ApiKey = ApiKey::OffsetFetch;
    const MIN_VERSION: i16 = MIN;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = OffsetFetchResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = OffsetFetchRequest> {
        (string(), proptest::option::of(vec((string(), vec(any::<i32>(), 4)), 3)), any::<bool>()).prop_map(
            |(g, ts, rs)| OffsetFetchRequest {
                group_id: g,
                topics: ts.map(|ts| {
                    ts.into_iter()
                        .map(|(name, partition_indexes)| OffsetFetchRequestTopic { name, partition_indexes })
                        .collect()
                }),
                require_stable: rs,
            },
        )
    }

    fn canon_request(mut r: OffsetFetchRequest, v: i16) -> OffsetFetchRequest {
        if v < 2 {
            r.topics.get_or_insert_with(Vec::new);
        }
        if v < 7 {
            r.require_stable = false;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = OffsetFetchResponse> {
        let part = (any::<i32>(), any::<i64>(), any::<i32>(), opt_string(), any::<i16>()).prop_map(
            |(partition_index, committed_offset, committed_leader_epoch, metadata, error_code)| {
                OffsetFetchResponsePartition {
                    partition_index,
                    committed_offset,
                    committed_leader_epoch,
                    metadata,
                    error_code,
                }
            },
        );
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partitions)| OffsetFetchResponseTopic { name, partitions });
        (any::<i32>(), vec(topic, 3), any::<i16>()).prop_map(|(throttle_time_ms, topics, error_code)| {
            OffsetFetchResponse { throttle_time_ms, topics, error_code }
        })
    }

    fn canon_response(mut r: OffsetFetchResponse, v: i16) -> OffsetFetchResponse {
        if v < 3 {
            r.throttle_time_ms = 0;
        }
        if v < 2 {
            r.error_code = 0;
        }
        for p in r.topics.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
            if v < 5 {
                p.committed_leader_epoch = -1;
            }
        }
        r
    }

    message_proptests!(MIN..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn request_bytes() {
        let r = OffsetFetchRequest {
            group_id: "g".into(),
            topics: Some(vec![OffsetFetchRequestTopic { name: "t".into(), partition_indexes: vec![0, 1] }]),
            require_stable: false,
        };
        assert_eq!(encoded(&r, 1), [0, 1, b'g', 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(encoded(&r, 7), [2, b'g', 2, 2, b't', 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
        let all = OffsetFetchRequest { group_id: "g".into(), topics: None, require_stable: true };
        assert_eq!(encoded(&all, 2), [0, 1, b'g', 0xff, 0xff, 0xff, 0xff]);
        assert!(all.encode(&mut BytesMut::new(), 1).is_err());
    }
}
