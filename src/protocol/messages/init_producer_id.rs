//! InitProducerId (key 22): obtain a producer id and epoch (idempotent or transactional producer).
//!
//! Versions 0..=4. v2 is flexible; v3 adds the current producer id/epoch so a producer can bump
//! its epoch after an error; v4 only adds the PRODUCER_FENCED error code.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 4;
const FLEXIBLE_FROM: i16 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitProducerIdRequest {
    /// `None` for an idempotent (non-transactional) producer.
    pub transactional_id: Option<String>,
    pub transaction_timeout_ms: i32,
    /// v3+ (-1: no current producer id).
    pub producer_id: i64,
    /// v3+ (-1: no current epoch).
    pub producer_epoch: i16,
}

impl Default for InitProducerIdRequest {
    fn default() -> Self {
        Self { transactional_id: None, transaction_timeout_ms: 0, producer_id: -1, producer_epoch: -1 }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InitProducerIdResponse {
    pub throttle_time_ms: i32,
    pub error_code: i16,
    pub producer_id: i64,
    pub producer_epoch: i16,
}

impl Message for InitProducerIdRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("InitProducerIdRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_nullable_string(buf, self.transactional_id.as_deref(), flexible)?;
        put_i32(buf, self.transaction_timeout_ms);
        if version >= 3 {
            put_i64(buf, self.producer_id);
            put_i16(buf, self.producer_epoch);
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let transactional_id = get_nullable_string(buf, flexible)?;
        let transaction_timeout_ms = get_i32(buf)?;
        let (producer_id, producer_epoch) =
            if version >= 3 { (get_i64(buf)?, get_i16(buf)?) } else { (-1, -1) };
        skip_tags(buf, flexible)?;
        Ok(Self { transactional_id, transaction_timeout_ms, producer_id, producer_epoch })
    }
}

impl Message for InitProducerIdResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("InitProducerIdResponse", version, 0, MAX)?;
        put_i32(buf, self.throttle_time_ms);
        put_i16(buf, self.error_code);
        put_i64(buf, self.producer_id);
        put_i16(buf, self.producer_epoch);
        put_tags(buf, version >= FLEXIBLE_FROM);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let out = Self {
            throttle_time_ms: get_i32(buf)?,
            error_code: get_i16(buf)?,
            producer_id: get_i64(buf)?,
            producer_epoch: get_i16(buf)?,
        };
        skip_tags(buf, version >= FLEXIBLE_FROM)?;
        Ok(out)
    }
}

impl Request for InitProducerIdRequest {
    const API_KEY: ApiKey = ApiKey::InitProducerId;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = InitProducerIdResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = InitProducerIdRequest> {
        (opt_string(), any::<i32>(), any::<i64>(), any::<i16>()).prop_map(|(t, timeout, pid, epoch)| {
            InitProducerIdRequest {
                transactional_id: t,
                transaction_timeout_ms: timeout,
                producer_id: pid,
                producer_epoch: epoch,
            }
        })
    }

    fn canon_request(mut r: InitProducerIdRequest, v: i16) -> InitProducerIdRequest {
        if v < 3 {
            r.producer_id = -1;
            r.producer_epoch = -1;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = InitProducerIdResponse> {
        (any::<i32>(), any::<i16>(), any::<i64>(), any::<i16>()).prop_map(|(t, e, pid, epoch)| {
            InitProducerIdResponse {
                throttle_time_ms: t,
                error_code: e,
                producer_id: pid,
                producer_epoch: epoch,
            }
        })
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response, garbage: 64);

    #[test]
    fn request_bytes() {
        let r = InitProducerIdRequest { transaction_timeout_ms: 60000, ..Default::default() };
        assert_eq!(encoded(&r, 0), [0xff, 0xff, 0, 0, 0xea, 0x60]);
        assert_eq!(encoded(&r, 2), [0, 0, 0, 0xea, 0x60, 0]);
        assert_eq!(
            encoded(&r, 4),
            [0, 0, 0, 0xea, 0x60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]
        );
        let resp = InitProducerIdResponse::decode(
            &mut Bytes::from_static(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0]),
            2,
        )
        .unwrap();
        assert_eq!(
            resp,
            InitProducerIdResponse { throttle_time_ms: 0, error_code: 0, producer_id: 9, producer_epoch: 1 }
        );
    }
}
