//! ListTransactions (key 66): the transactions a broker coordinates (KIP-664).
//!
//! Versions 0..=2, all flexible: v1 adds the duration filter, v2 the transactional id pattern
//! (KIP-1152).

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 2;
const FLEXIBLE_FROM: i16 = 0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListTransactionsRequest {
    pub state_filters: Vec<String>,
    pub producer_id_filters: Vec<i64>,
    /// v1+ (-1: no filter).
    pub duration_filter: i64,
    /// v2+.
    pub transactional_id_pattern: Option<String>,
}

impl Default for ListTransactionsRequest {
    fn default() -> Self {
        Self {
            state_filters: Vec::new(),
            producer_id_filters: Vec::new(),
            duration_filter: -1,
            transactional_id_pattern: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionListing {
    pub transactional_id: String,
    pub producer_id: i64,
    pub transaction_state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListTransactionsResponse {
    pub throttle_time_ms: i32,
    pub error_code: i16,
    pub unknown_state_filters: Vec<String>,
    pub transaction_states: Vec<TransactionListing>,
}

impl Message for ListTransactionsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ListTransactionsRequest", version, 0, MAX)?;
        put_array(buf, &self.state_filters, true, |b, s| put_string(b, s, true))?;
        put_array(buf, &self.producer_id_filters, true, |b, p| {
            put_i64(b, *p);
            Ok(())
        })?;
        if version >= 1 {
            put_i64(buf, self.duration_filter);
        }
        if version >= 2 {
            put_nullable_string(buf, self.transactional_id_pattern.as_deref(), true)?;
        }
        put_tags(buf, true);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let state_filters = get_array(buf, true, |b| get_string(b, true))?;
        let producer_id_filters = get_array(buf, true, get_i64)?;
        let duration_filter = if version >= 1 { get_i64(buf)? } else { -1 };
        let transactional_id_pattern = if version >= 2 { get_nullable_string(buf, true)? } else { None };
        skip_tags(buf, true)?;
        Ok(Self { state_filters, producer_id_filters, duration_filter, transactional_id_pattern })
    }
}

impl Message for ListTransactionsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ListTransactionsResponse", version, 0, MAX)?;
        put_i32(buf, self.throttle_time_ms);
        put_i16(buf, self.error_code);
        put_array(buf, &self.unknown_state_filters, true, |b, s| put_string(b, s, true))?;
        put_array(buf, &self.transaction_states, true, |b, t| {
            put_string(b, &t.transactional_id, true)?;
            put_i64(b, t.producer_id);
            put_string(b, &t.transaction_state, true)?;
            put_tags(b, true);
            Ok(())
        })?;
        put_tags(buf, true);
        Ok(())
    }

    fn decode(buf: &mut Bytes, _version: i16) -> DecodeResult<Self> {
        let throttle_time_ms = get_i32(buf)?;
        let error_code = get_i16(buf)?;
        let unknown_state_filters = get_array(buf, true, |b| get_string(b, true))?;
        let transaction_states = get_array(buf, true, |b| {
            let transactional_id = get_string(b, true)?;
            let producer_id = get_i64(b)?;
            let transaction_state = get_string(b, true)?;
            skip_tags(b, true)?;
            Ok(TransactionListing { transactional_id, producer_id, transaction_state })
        })?;
        skip_tags(buf, true)?;
        Ok(Self { throttle_time_ms, error_code, unknown_state_filters, transaction_states })
    }
}

impl Request for ListTransactionsRequest {
    const API_KEY: ApiKey = ApiKey::ListTransactions;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = ListTransactionsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = ListTransactionsRequest> {
        (vec(string(), 3), vec(any::<i64>(), 3), any::<i64>(), opt_string()).prop_map(|(s, p, d, pat)| {
            ListTransactionsRequest {
                state_filters: s,
                producer_id_filters: p,
                duration_filter: d,
                transactional_id_pattern: pat,
            }
        })
    }

    fn canon_request(mut r: ListTransactionsRequest, v: i16) -> ListTransactionsRequest {
        if v < 1 {
            r.duration_filter = -1;
        }
        if v < 2 {
            r.transactional_id_pattern = None;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = ListTransactionsResponse> {
        let t = (string(), any::<i64>(), string()).prop_map(
            |(transactional_id, producer_id, transaction_state)| TransactionListing {
                transactional_id,
                producer_id,
                transaction_state,
            },
        );
        (any::<i32>(), any::<i16>(), vec(string(), 2), vec(t, 3)).prop_map(|(th, e, u, ts)| {
            ListTransactionsResponse {
                throttle_time_ms: th,
                error_code: e,
                unknown_state_filters: u,
                transaction_states: ts,
            }
        })
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response, garbage: 128);
}
