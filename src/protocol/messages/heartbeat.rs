//! Heartbeat (key 12): keep a group membership alive; the error tells a member to rejoin.
//!
//! Versions 0..=4: v1 adds throttle time, v3 the group instance id, v4 is flexible.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 4;
const FLEXIBLE_FROM: i16 = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeartbeatRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    /// v3+.
    pub group_instance_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeartbeatResponse {
    /// v1+.
    pub throttle_time_ms: i32,
    pub error_code: i16,
}

impl Message for HeartbeatRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("HeartbeatRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.group_id, flexible)?;
        put_i32(buf, self.generation_id);
        put_string(buf, &self.member_id, flexible)?;
        if version >= 3 {
            put_nullable_string(buf, self.group_instance_id.as_deref(), flexible)?;
        } else if self.group_instance_id.is_some() {
            return Err(EncodeError::UnsupportedField { field: "group_instance_id", version });
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let group_id = get_string(buf, flexible)?;
        let generation_id = get_i32(buf)?;
        let member_id = get_string(buf, flexible)?;
        let group_instance_id = if version >= 3 { get_nullable_string(buf, flexible)? } else { None };
        skip_tags(buf, flexible)?;
        Ok(Self { group_id, generation_id, member_id, group_instance_id })
    }
}

impl Message for HeartbeatResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("HeartbeatResponse", version, 0, MAX)?;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_i16(buf, self.error_code);
        put_tags(buf, version >= FLEXIBLE_FROM);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let throttle_time_ms = if version >= 1 { get_i32(buf)? } else { 0 };
        let error_code = get_i16(buf)?;
        skip_tags(buf, version >= FLEXIBLE_FROM)?;
        Ok(Self { throttle_time_ms, error_code })
    }
}

impl Request for HeartbeatRequest {
    const API_KEY: ApiKey = ApiKey::Heartbeat;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = HeartbeatResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = HeartbeatRequest> {
        (string(), any::<i32>(), string(), opt_string()).prop_map(|(g, gen, m, gi)| HeartbeatRequest {
            group_id: g,
            generation_id: gen,
            member_id: m,
            group_instance_id: gi,
        })
    }

    fn canon_request(mut r: HeartbeatRequest, v: i16) -> HeartbeatRequest {
        if v < 3 {
            r.group_instance_id = None;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = HeartbeatResponse> {
        (any::<i32>(), any::<i16>())
            .prop_map(|(throttle_time_ms, error_code)| HeartbeatResponse { throttle_time_ms, error_code })
    }

    fn canon_response(mut r: HeartbeatResponse, v: i16) -> HeartbeatResponse {
        if v < 1 {
            r.throttle_time_ms = 0;
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 64);

    #[test]
    fn bytes() {
        let r = HeartbeatRequest {
            group_id: "g".into(),
            generation_id: 1,
            member_id: "m".into(),
            group_instance_id: None,
        };
        assert_eq!(encoded(&r, 0), [0, 1, b'g', 0, 0, 0, 1, 0, 1, b'm']);
        assert_eq!(encoded(&r, 3), [0, 1, b'g', 0, 0, 0, 1, 0, 1, b'm', 0xff, 0xff]);
        assert_eq!(encoded(&r, 4), [2, b'g', 0, 0, 0, 1, 2, b'm', 0, 0]);
        let resp = HeartbeatResponse::decode(&mut Bytes::from_static(&[0, 0, 0, 5, 0, 27]), 1).unwrap();
        assert_eq!(resp, HeartbeatResponse { throttle_time_ms: 5, error_code: 27 });
    }
}
