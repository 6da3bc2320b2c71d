//! EndTxn (key 26): commit or abort the producer's ongoing transaction.
//!
//! Versions 0..=3; v3 is flexible. (v4+ is Transactions V2, KIP-890, not used yet.)

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 3;
const FLEXIBLE_FROM: i16 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndTxnRequest {
    pub transactional_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// True to commit, false to abort.
    pub committed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndTxnResponse {
    pub throttle_time_ms: i32,
    pub error_code: i16,
}

impl Message for EndTxnRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("EndTxnRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.transactional_id, flexible)?;
        put_i64(buf, self.producer_id);
        put_i16(buf, self.producer_epoch);
        put_bool(buf, self.committed);
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let out = Self {
            transactional_id: get_string(buf, flexible)?,
            producer_id: get_i64(buf)?,
            producer_epoch: get_i16(buf)?,
            committed: get_bool(buf)?,
        };
        skip_tags(buf, flexible)?;
        Ok(out)
    }
}

impl Message for EndTxnResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("EndTxnResponse", version, 0, MAX)?;
        put_i32(buf, self.throttle_time_ms);
        put_i16(buf, self.error_code);
        put_tags(buf, version >= FLEXIBLE_FROM);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let out = Self { throttle_time_ms: get_i32(buf)?, error_code: get_i16(buf)? };
        skip_tags(buf, version >= FLEXIBLE_FROM)?;
        Ok(out)
    }
}

impl Request for EndTxnRequest {
    const API_KEY: ApiKey = ApiKey::EndTxn;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = EndTxnResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = EndTxnRequest> {
        (string(), any::<i64>(), any::<i16>(), any::<bool>()).prop_map(
            |(transactional_id, producer_id, producer_epoch, committed)| EndTxnRequest {
                transactional_id,
                producer_id,
                producer_epoch,
                committed,
            },
        )
    }

    fn arb_response() -> impl Strategy<Value = EndTxnResponse> {
        (any::<i32>(), any::<i16>())
            .prop_map(|(throttle_time_ms, error_code)| EndTxnResponse { throttle_time_ms, error_code })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 64);

    #[test]
    fn request_bytes() {
        let r = EndTxnRequest {
            transactional_id: "t".into(),
            producer_id: 1,
            producer_epoch: 0,
            committed: true,
        };
        assert_eq!(encoded(&r, 3), [2, b't', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
    }
}
