//! DescribeTransactions (key 65): the state of transactional ids at their coordinator (KIP-664).
//!
//! Version 0 only (flexible).

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 0;
const FLEXIBLE_FROM: i16 = 0;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeTransactionsRequest {
    pub transactional_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionTopic {
    pub topic: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionState {
    pub error_code: i16,
    pub transactional_id: String,
    pub transaction_state: String,
    pub transaction_timeout_ms: i32,
    pub transaction_start_time_ms: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub topics: Vec<TransactionTopic>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeTransactionsResponse {
    pub throttle_time_ms: i32,
    pub transaction_states: Vec<TransactionState>,
}

impl Message for DescribeTransactionsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeTransactionsRequest", version, 0, MAX)?;
        put_array(buf, &self.transactional_ids, true, |b, s| put_string(b, s, true))?;
        put_tags(buf, true);
        Ok(())
    }

    fn decode(buf: &mut Bytes, _version: i16) -> DecodeResult<Self> {
        let transactional_ids = get_array(buf, true, |b| get_string(b, true))?;
        skip_tags(buf, true)?;
        Ok(Self { transactional_ids })
    }
}

impl Message for DescribeTransactionsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeTransactionsResponse", version, 0, MAX)?;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.transaction_states, true, |b, t| {
            put_i16(b, t.error_code);
            put_string(b, &t.transactional_id, true)?;
            put_string(b, &t.transaction_state, true)?;
            put_i32(b, t.transaction_timeout_ms);
            put_i64(b, t.transaction_start_time_ms);
            put_i64(b, t.producer_id);
            put_i16(b, t.producer_epoch);
            put_array(b, &t.topics, true, |b, tp| {
                put_string(b, &tp.topic, true)?;
                put_array(b, &tp.partitions, true, |b, p| {
                    put_i32(b, *p);
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
        let transaction_states = get_array(buf, true, |b| {
            let error_code = get_i16(b)?;
            let transactional_id = get_string(b, true)?;
            let transaction_state = get_string(b, true)?;
            let transaction_timeout_ms = get_i32(b)?;
            let transaction_start_time_ms = get_i64(b)?;
            let producer_id = get_i64(b)?;
            let producer_epoch = get_i16(b)?;
            let topics = get_array(b, true, |b| {
                let topic = get_string(b, true)?;
                let partitions = get_array(b, true, get_i32)?;
                skip_tags(b, true)?;
                Ok(TransactionTopic { topic, partitions })
            })?;
            skip_tags(b, true)?;
            Ok(TransactionState {
                error_code,
                transactional_id,
                transaction_state,
                transaction_timeout_ms,
                transaction_start_time_ms,
                producer_id,
                producer_epoch,
                topics,
            })
        })?;
        skip_tags(buf, true)?;
        Ok(Self { throttle_time_ms, transaction_states })
    }
}

impl Request for DescribeTransactionsRequest {
    const API_KEY: ApiKey = ApiKey::DescribeTransactions;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = DescribeTransactionsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = DescribeTransactionsRequest> {
        vec(string(), 3).prop_map(|transactional_ids| DescribeTransactionsRequest { transactional_ids })
    }

    fn arb_response() -> impl Strategy<Value = DescribeTransactionsResponse> {
        let topic = (string(), vec(any::<i32>(), 3))
            .prop_map(|(topic, partitions)| TransactionTopic { topic, partitions });
        let state = (
            (any::<i16>(), string(), string(), any::<i32>()),
            (any::<i64>(), any::<i64>(), any::<i16>(), vec(topic, 2)),
        )
            .prop_map(|((e, id, st, to), (start, pid, epoch, topics))| TransactionState {
                error_code: e,
                transactional_id: id,
                transaction_state: st,
                transaction_timeout_ms: to,
                transaction_start_time_ms: start,
                producer_id: pid,
                producer_epoch: epoch,
                topics,
            });
        (any::<i32>(), vec(state, 3)).prop_map(|(throttle_time_ms, transaction_states)| {
            DescribeTransactionsResponse { throttle_time_ms, transaction_states }
        })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);
}
