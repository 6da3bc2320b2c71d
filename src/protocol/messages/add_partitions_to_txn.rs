//! AddPartitionsToTxn (key 24): add the partitions a transactional producer is about to write to
//! its ongoing transaction.
//!
//! Versions 0..=3 (the single-transaction shape used by producers); v3 is flexible. v4+ (KIP-890)
//! batches several transactions for brokers and is not used by clients.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 3;
const FLEXIBLE_FROM: i16 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddPartitionsToTxnTopic {
    pub name: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddPartitionsToTxnRequest {
    pub transactional_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub topics: Vec<AddPartitionsToTxnTopic>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddPartitionsToTxnPartitionResult {
    pub partition_index: i32,
    pub error_code: i16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddPartitionsToTxnTopicResult {
    pub name: String,
    pub results: Vec<AddPartitionsToTxnPartitionResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddPartitionsToTxnResponse {
    pub throttle_time_ms: i32,
    pub results: Vec<AddPartitionsToTxnTopicResult>,
}

impl Message for AddPartitionsToTxnRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("AddPartitionsToTxnRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.transactional_id, flexible)?;
        put_i64(buf, self.producer_id);
        put_i16(buf, self.producer_epoch);
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, *p);
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
        let producer_id = get_i64(buf)?;
        let producer_epoch = get_i16(buf)?;
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, get_i32)?;
            skip_tags(b, flexible)?;
            Ok(AddPartitionsToTxnTopic { name, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { transactional_id, producer_id, producer_epoch, topics })
    }
}

impl Message for AddPartitionsToTxnResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("AddPartitionsToTxnResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.results, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.results, flexible, |b, p| {
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
        let results = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let results = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let error_code = get_i16(b)?;
                skip_tags(b, flexible)?;
                Ok(AddPartitionsToTxnPartitionResult { partition_index, error_code })
            })?;
            skip_tags(b, flexible)?;
            Ok(AddPartitionsToTxnTopicResult { name, results })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, results })
    }
}

impl Request for AddPartitionsToTxnRequest {
    const API_KEY: ApiKey = ApiKey::AddPartitionsToTxn;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = AddPartitionsToTxnResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = AddPartitionsToTxnRequest> {
        let topic = (string(), vec(any::<i32>(), 3))
            .prop_map(|(name, partitions)| AddPartitionsToTxnTopic { name, partitions });
        (string(), any::<i64>(), any::<i16>(), vec(topic, 3)).prop_map(
            |(transactional_id, producer_id, producer_epoch, topics)| AddPartitionsToTxnRequest {
                transactional_id,
                producer_id,
                producer_epoch,
                topics,
            },
        )
    }

    fn arb_response() -> impl Strategy<Value = AddPartitionsToTxnResponse> {
        let part = (any::<i32>(), any::<i16>()).prop_map(|(partition_index, error_code)| {
            AddPartitionsToTxnPartitionResult { partition_index, error_code }
        });
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, results)| AddPartitionsToTxnTopicResult { name, results });
        (any::<i32>(), vec(topic, 3))
            .prop_map(|(throttle_time_ms, results)| AddPartitionsToTxnResponse { throttle_time_ms, results })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);

    #[test]
    fn request_bytes() {
        let r = AddPartitionsToTxnRequest {
            transactional_id: "t".into(),
            producer_id: 1,
            producer_epoch: 2,
            topics: vec![AddPartitionsToTxnTopic { name: "a".into(), partitions: vec![7] }],
        };
        assert_eq!(encoded(&r, 3), [2, b't', 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 2, b'a', 2, 0, 0, 0, 7, 0, 0]);
    }
}
