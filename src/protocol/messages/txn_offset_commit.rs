//! TxnOffsetCommit (key 28): commit consumed offsets as part of a transaction, sent to the
//! group coordinator after AddOffsetsToTxn.
//!
//! Versions 0..=3: v2 adds the committed leader epoch, v3 is flexible and adds the consumer's
//! generation, member id and group instance id (KIP-447: fencing of stale group members).

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 3;
const FLEXIBLE_FROM: i16 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxnOffsetCommitRequestPartition {
    pub partition_index: i32,
    pub committed_offset: i64,
    /// v2+ (-1: unknown).
    pub committed_leader_epoch: i32,
    pub committed_metadata: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxnOffsetCommitRequestTopic {
    pub name: String,
    pub partitions: Vec<TxnOffsetCommitRequestPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnOffsetCommitRequest {
    pub transactional_id: String,
    pub group_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// v3+ (-1: no generation).
    pub generation_id: i32,
    /// v3+ (empty: no member).
    pub member_id: String,
    /// v3+.
    pub group_instance_id: Option<String>,
    pub topics: Vec<TxnOffsetCommitRequestTopic>,
}

impl Default for TxnOffsetCommitRequest {
    fn default() -> Self {
        Self {
            transactional_id: String::new(),
            group_id: String::new(),
            producer_id: -1,
            producer_epoch: -1,
            generation_id: -1,
            member_id: String::new(),
            group_instance_id: None,
            topics: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxnOffsetCommitResponsePartition {
    pub partition_index: i32,
    pub error_code: i16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxnOffsetCommitResponseTopic {
    pub name: String,
    pub partitions: Vec<TxnOffsetCommitResponsePartition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxnOffsetCommitResponse {
    pub throttle_time_ms: i32,
    pub topics: Vec<TxnOffsetCommitResponseTopic>,
}

impl Message for TxnOffsetCommitRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("TxnOffsetCommitRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.transactional_id, flexible)?;
        put_string(buf, &self.group_id, flexible)?;
        put_i64(buf, self.producer_id);
        put_i16(buf, self.producer_epoch);
        if version >= 3 {
            put_i32(buf, self.generation_id);
            put_string(buf, &self.member_id, flexible)?;
            put_nullable_string(buf, self.group_instance_id.as_deref(), flexible)?;
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i64(b, p.committed_offset);
                if version >= 2 {
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
        let transactional_id = get_string(buf, flexible)?;
        let group_id = get_string(buf, flexible)?;
        let producer_id = get_i64(buf)?;
        let producer_epoch = get_i16(buf)?;
        let (generation_id, member_id, group_instance_id) = if version >= 3 {
            (get_i32(buf)?, get_string(buf, flexible)?, get_nullable_string(buf, flexible)?)
        } else {
            (-1, String::new(), None)
        };
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let committed_offset = get_i64(b)?;
                let committed_leader_epoch = if version >= 2 { get_i32(b)? } else { -1 };
                let committed_metadata = get_nullable_string(b, flexible)?;
                skip_tags(b, flexible)?;
                Ok(TxnOffsetCommitRequestPartition {
                    partition_index,
                    committed_offset,
                    committed_leader_epoch,
                    committed_metadata,
                })
            })?;
            skip_tags(b, flexible)?;
            Ok(TxnOffsetCommitRequestTopic { name, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self {
            transactional_id,
            group_id,
            producer_id,
            producer_epoch,
            generation_id,
            member_id,
            group_instance_id,
            topics,
        })
    }
}

impl Message for TxnOffsetCommitResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("TxnOffsetCommitResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_i32(buf, self.throttle_time_ms);
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
        let throttle_time_ms = get_i32(buf)?;
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let error_code = get_i16(b)?;
                skip_tags(b, flexible)?;
                Ok(TxnOffsetCommitResponsePartition { partition_index, error_code })
            })?;
            skip_tags(b, flexible)?;
            Ok(TxnOffsetCommitResponseTopic { name, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, topics })
    }
}

impl Request for TxnOffsetCommitRequest {
    const API_KEY: ApiKey = ApiKey::TxnOffsetCommit;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = TxnOffsetCommitResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = TxnOffsetCommitRequest> {
        let part = (any::<i32>(), any::<i64>(), any::<i32>(), opt_string()).prop_map(|(i, o, e, m)| {
            TxnOffsetCommitRequestPartition {
                partition_index: i,
                committed_offset: o,
                committed_leader_epoch: e,
                committed_metadata: m,
            }
        });
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partitions)| TxnOffsetCommitRequestTopic { name, partitions });
        (
            (string(), string(), any::<i64>(), any::<i16>()),
            (any::<i32>(), string(), opt_string(), vec(topic, 3)),
        )
            .prop_map(
                |(
                    (transactional_id, group_id, producer_id, producer_epoch),
                    (generation_id, member_id, group_instance_id, topics),
                )| TxnOffsetCommitRequest {
                    transactional_id,
                    group_id,
                    producer_id,
                    producer_epoch,
                    generation_id,
                    member_id,
                    group_instance_id,
                    topics,
                },
            )
    }

    fn canon_request(mut r: TxnOffsetCommitRequest, v: i16) -> TxnOffsetCommitRequest {
        if v < 3 {
            r.generation_id = -1;
            r.member_id = String::new();
            r.group_instance_id = None;
        }
        for p in r.topics.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
            if v < 2 {
                p.committed_leader_epoch = -1;
            }
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = TxnOffsetCommitResponse> {
        let part = (any::<i32>(), any::<i16>()).prop_map(|(partition_index, error_code)| {
            TxnOffsetCommitResponsePartition { partition_index, error_code }
        });
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partitions)| TxnOffsetCommitResponseTopic { name, partitions });
        (any::<i32>(), vec(topic, 3))
            .prop_map(|(throttle_time_ms, topics)| TxnOffsetCommitResponse { throttle_time_ms, topics })
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response, garbage: 128);

    #[test]
    fn request_bytes_v3() {
        let r = TxnOffsetCommitRequest {
            transactional_id: "t".into(),
            group_id: "g".into(),
            producer_id: 1,
            producer_epoch: 0,
            generation_id: 5,
            member_id: "m".into(),
            group_instance_id: None,
            topics: vec![],
        };
        assert_eq!(
            encoded(&r, 3),
            [2, b't', 2, b'g', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 5, 2, b'm', 0, 1, 0]
        );
    }
}
