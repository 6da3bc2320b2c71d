//! SyncGroup (key 14): the leader sends the assignments; every member receives its own.
//!
//! Versions 0..=5: v1 adds throttle time, v3 the group instance id, v4 is flexible, v5 adds the
//! protocol type and name on both sides. The `assignment` bytes are a
//! [`ConsumerProtocolAssignment`](super::consumer_protocol) for protocol type "consumer".

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 5;
const FLEXIBLE_FROM: i16 = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncGroupRequestAssignment {
    pub member_id: String,
    pub assignment: Bytes,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncGroupRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    /// v3+.
    pub group_instance_id: Option<String>,
    /// v5+.
    pub protocol_type: Option<String>,
    /// v5+.
    pub protocol_name: Option<String>,
    /// Only the leader sends assignments.
    pub assignments: Vec<SyncGroupRequestAssignment>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncGroupResponse {
    /// v1+.
    pub throttle_time_ms: i32,
    pub error_code: i16,
    /// v5+.
    pub protocol_type: Option<String>,
    /// v5+.
    pub protocol_name: Option<String>,
    pub assignment: Bytes,
}

impl Message for SyncGroupRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("SyncGroupRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.group_id, flexible)?;
        put_i32(buf, self.generation_id);
        put_string(buf, &self.member_id, flexible)?;
        if version >= 3 {
            put_nullable_string(buf, self.group_instance_id.as_deref(), flexible)?;
        } else if self.group_instance_id.is_some() {
            return Err(EncodeError::UnsupportedField { field: "group_instance_id", version });
        }
        if version >= 5 {
            put_nullable_string(buf, self.protocol_type.as_deref(), flexible)?;
            put_nullable_string(buf, self.protocol_name.as_deref(), flexible)?;
        }
        put_array(buf, &self.assignments, flexible, |b, a| {
            put_string(b, &a.member_id, flexible)?;
            put_bytes(b, &a.assignment, flexible)?;
            put_tags(b, flexible);
            Ok(())
        })?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let group_id = get_string(buf, flexible)?;
        let generation_id = get_i32(buf)?;
        let member_id = get_string(buf, flexible)?;
        let group_instance_id = if version >= 3 { get_nullable_string(buf, flexible)? } else { None };
        let (protocol_type, protocol_name) = if version >= 5 {
            (get_nullable_string(buf, flexible)?, get_nullable_string(buf, flexible)?)
        } else {
            (None, None)
        };
        let assignments = get_array(buf, flexible, |b| {
            let member_id = get_string(b, flexible)?;
            let assignment = get_bytes(b, flexible)?;
            skip_tags(b, flexible)?;
            Ok(SyncGroupRequestAssignment { member_id, assignment })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
            protocol_type,
            protocol_name,
            assignments,
        })
    }
}

impl Message for SyncGroupResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("SyncGroupResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_i16(buf, self.error_code);
        if version >= 5 {
            put_nullable_string(buf, self.protocol_type.as_deref(), flexible)?;
            put_nullable_string(buf, self.protocol_name.as_deref(), flexible)?;
        }
        put_bytes(buf, &self.assignment, flexible)?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let throttle_time_ms = if version >= 1 { get_i32(buf)? } else { 0 };
        let error_code = get_i16(buf)?;
        let (protocol_type, protocol_name) = if version >= 5 {
            (get_nullable_string(buf, flexible)?, get_nullable_string(buf, flexible)?)
        } else {
            (None, None)
        };
        let assignment = get_bytes(buf, flexible)?;
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, error_code, protocol_type, protocol_name, assignment })
    }
}

impl Request for SyncGroupRequest {
    const API_KEY: ApiKey = ApiKey::SyncGroup;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = SyncGroupResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn bytes() -> impl Strategy<Value = Bytes> {
        vec(any::<u8>(), 24).prop_map(Bytes::from)
    }

    fn arb_request() -> impl Strategy<Value = SyncGroupRequest> {
        (
            (string(), any::<i32>(), string(), opt_string()),
            (opt_string(), opt_string()),
            vec((string(), bytes()), 3),
        )
            .prop_map(|((g, gen, m, gi), (pt, pn), a)| SyncGroupRequest {
                group_id: g,
                generation_id: gen,
                member_id: m,
                group_instance_id: gi,
                protocol_type: pt,
                protocol_name: pn,
                assignments: a
                    .into_iter()
                    .map(|(member_id, assignment)| SyncGroupRequestAssignment { member_id, assignment })
                    .collect(),
            })
    }

    fn canon_request(mut r: SyncGroupRequest, v: i16) -> SyncGroupRequest {
        if v < 3 {
            r.group_instance_id = None;
        }
        if v < 5 {
            r.protocol_type = None;
            r.protocol_name = None;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = SyncGroupResponse> {
        (any::<i32>(), any::<i16>(), opt_string(), opt_string(), bytes()).prop_map(|(t, e, pt, pn, a)| {
            SyncGroupResponse {
                throttle_time_ms: t,
                error_code: e,
                protocol_type: pt,
                protocol_name: pn,
                assignment: a,
            }
        })
    }

    fn canon_response(mut r: SyncGroupResponse, v: i16) -> SyncGroupResponse {
        if v < 1 {
            r.throttle_time_ms = 0;
        }
        if v < 5 {
            r.protocol_type = None;
            r.protocol_name = None;
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn request_and_response_bytes() {
        let r = SyncGroupRequest {
            group_id: "g".into(),
            generation_id: 3,
            member_id: "m".into(),
            ..Default::default()
        };
        assert_eq!(encoded(&r, 0), [0, 1, b'g', 0, 0, 0, 3, 0, 1, b'm', 0, 0, 0, 0]);
        // v5 flexible: null instance id / protocol type / protocol name are 0, empty array is 1.
        assert_eq!(encoded(&r, 5), [2, b'g', 0, 0, 0, 3, 2, b'm', 0, 0, 0, 1, 0]);
        let resp =
            SyncGroupResponse::decode(&mut Bytes::from_static(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 7, 7]), 1)
                .unwrap();
        assert_eq!(&resp.assignment[..], &[7, 7]);
    }
}
