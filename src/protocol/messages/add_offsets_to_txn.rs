//! AddOffsetsToTxn (key 25): tell the transaction coordinator that the transaction will commit
//! offsets of a consumer group (the group's offsets partition joins the transaction).
//!
//! Versions 0..=3; v3 is flexible.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 3;
const FLEXIBLE_FROM: i16 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddOffsetsToTxnRequest {
    pub transactional_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub group_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddOffsetsToTxnResponse {
    pub throttle_time_ms: i32,
    pub error_code: i16,
}

impl Message for AddOffsetsToTxnRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("AddOffsetsToTxnRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.transactional_id, flexible)?;
        put_i64(buf, self.producer_id);
        put_i16(buf, self.producer_epoch);
        put_string(buf, &self.group_id, flexible)?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let out = Self {
            transactional_id: get_string(buf, flexible)?,
            producer_id: get_i64(buf)?,
            producer_epoch: get_i16(buf)?,
            group_id: get_string(buf, flexible)?,
        };
        skip_tags(buf, flexible)?;
        Ok(out)
    }
}

impl Message for AddOffsetsToTxnResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("AddOffsetsToTxnResponse", version, 0, MAX)?;
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

impl Request for AddOffsetsToTxnRequest {
    const API_KEY: ApiKey = ApiKey::AddOffsetsToTxn;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = AddOffsetsToTxnResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = AddOffsetsToTxnRequest> {
        (string(), any::<i64>(), any::<i16>(), string()).prop_map(
            |(transactional_id, producer_id, producer_epoch, group_id)| AddOffsetsToTxnRequest {
                transactional_id,
                producer_id,
                producer_epoch,
                group_id,
            },
        )
    }

    fn arb_response() -> impl Strategy<Value = AddOffsetsToTxnResponse> {
        (any::<i32>(), any::<i16>()).prop_map(|(throttle_time_ms, error_code)| AddOffsetsToTxnResponse {
            throttle_time_ms,
            error_code,
        })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 64);

    #[test]
    fn request_bytes() {
        let r = AddOffsetsToTxnRequest {
            transactional_id: "t".into(),
            producer_id: 1,
            producer_epoch: 0,
            group_id: "g".into(),
        };
        assert_eq!(encoded(&r, 0), [0, 1, b't', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, b'g']);
    }
}
