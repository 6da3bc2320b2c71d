//! DescribeProducers (key 61): the active producers of partitions at a replica (KIP-664).
//!
//! Version 0 only (flexible).

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 0;
const FLEXIBLE_FROM: i16 = 0;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeProducersTopic {
    pub name: String,
    pub partition_indexes: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeProducersRequest {
    pub topics: Vec<DescribeProducersTopic>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerState {
    pub producer_id: i64,
    pub producer_epoch: i32,
    pub last_sequence: i32,
    pub last_timestamp: i64,
    pub coordinator_epoch: i32,
    pub current_txn_start_offset: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeProducersPartition {
    pub partition_index: i32,
    pub error_code: i16,
    pub error_message: Option<String>,
    pub active_producers: Vec<ProducerState>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeProducersTopicResponse {
    pub name: String,
    pub partitions: Vec<DescribeProducersPartition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeProducersResponse {
    pub throttle_time_ms: i32,
    pub topics: Vec<DescribeProducersTopicResponse>,
}

impl Message for DescribeProducersRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeProducersRequest", version, 0, MAX)?;
        put_array(buf, &self.topics, true, |b, t| {
            put_string(b, &t.name, true)?;
            put_array(b, &t.partition_indexes, true, |b, p| {
                put_i32(b, *p);
                Ok(())
            })?;
            put_tags(b, true);
            Ok(())
        })?;
        put_tags(buf, true);
        Ok(())
    }

    fn decode(buf: &mut Bytes, _version: i16) -> DecodeResult<Self> {
        let topics = get_array(buf, true, |b| {
            let name = get_string(b, true)?;
            let partition_indexes = get_array(b, true, get_i32)?;
            skip_tags(b, true)?;
            Ok(DescribeProducersTopic { name, partition_indexes })
        })?;
        skip_tags(buf, true)?;
        Ok(Self { topics })
    }
}

impl Message for DescribeProducersResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeProducersResponse", version, 0, MAX)?;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.topics, true, |b, t| {
            put_string(b, &t.name, true)?;
            put_array(b, &t.partitions, true, |b, p| {
                put_i32(b, p.partition_index);
                put_i16(b, p.error_code);
                put_nullable_string(b, p.error_message.as_deref(), true)?;
                put_array(b, &p.active_producers, true, |b, s| {
                    put_i64(b, s.producer_id);
                    put_i32(b, s.producer_epoch);
                    put_i32(b, s.last_sequence);
                    put_i64(b, s.last_timestamp);
                    put_i32(b, s.coordinator_epoch);
                    put_i64(b, s.current_txn_start_offset);
                    put_tags(b, true);
                    Ok(())
                })?;
                put_tags(b, true);
                Ok(())
            })?;
            put_tags(b, true);
            Ok(())
        })?;
        put_tags(buf, true);
        Ok(())
    }

    fn decode(buf: &mut Bytes, _version: i16) -> DecodeResult<Self> {
        let throttle_time_ms = get_i32(buf)?;
        let topics = get_array(buf, true, |b| {
            let name = get_string(b, true)?;
            let partitions = get_array(b, true, |b| {
                let partition_index = get_i32(b)?;
                let error_code = get_i16(b)?;
                let error_message = get_nullable_string(b, true)?;
                let active_producers = get_array(b, true, |b| {
                    let s = ProducerState {
                        producer_id: get_i64(b)?,
                        producer_epoch: get_i32(b)?,
                        last_sequence: get_i32(b)?,
                        last_timestamp: get_i64(b)?,
                        coordinator_epoch: get_i32(b)?,
                        current_txn_start_offset: get_i64(b)?,
                    };
                    skip_tags(b, true)?;
                    Ok(s)
                })?;
                skip_tags(b, true)?;
                Ok(DescribeProducersPartition {
                    partition_index,
                    error_code,
                    error_message,
                    active_producers,
                })
            })?;
            skip_tags(b, true)?;
            Ok(DescribeProducersTopicResponse { name, partitions })
        })?;
        skip_tags(buf, true)?;
        Ok(Self { throttle_time_ms, topics })
    }
}

impl Request for DescribeProducersRequest {
    const API_KEY: ApiKey = ApiKey::DescribeProducers;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = DescribeProducersResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = DescribeProducersRequest> {
        let t = (string(), vec(any::<i32>(), 3))
            .prop_map(|(name, partition_indexes)| DescribeProducersTopic { name, partition_indexes });
        vec(t, 3).prop_map(|topics| DescribeProducersRequest { topics })
    }

    fn arb_response() -> impl Strategy<Value = DescribeProducersResponse> {
        let s = (any::<i64>(), any::<i32>(), any::<i32>(), any::<i64>(), any::<i32>(), any::<i64>())
            .prop_map(|(a, b, c, d, e, f)| ProducerState {
                producer_id: a,
                producer_epoch: b,
                last_sequence: c,
                last_timestamp: d,
                coordinator_epoch: e,
                current_txn_start_offset: f,
            });
        let p = (any::<i32>(), any::<i16>(), opt_string(), vec(s, 2)).prop_map(|(i, e, m, a)| {
            DescribeProducersPartition {
                partition_index: i,
                error_code: e,
                error_message: m,
                active_producers: a,
            }
        });
        let t = (string(), vec(p, 2))
            .prop_map(|(name, partitions)| DescribeProducersTopicResponse { name, partitions });
        (any::<i32>(), vec(t, 2))
            .prop_map(|(throttle_time_ms, topics)| DescribeProducersResponse { throttle_time_ms, topics })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);
}
