//! LeaveGroup (key 13): leave a consumer group so it rebalances at once.
//!
//! Versions 0..=5: v1 adds throttle time, v3 replaces the single `member_id` with a `members`
//! batch (with group instance ids) and per-member errors, v4 is flexible, v5 adds a reason.
//!
//! Both shapes are supported: at v3+ an empty `members` sends `[{member_id}]`; at v0..=2 an empty
//! `member_id` with exactly one entry in `members` sends that entry's member id.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 5;
const FLEXIBLE_FROM: i16 = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberIdentity {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    /// v5+.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaveGroupRequest {
    pub group_id: String,
    /// v0..=2.
    pub member_id: String,
    /// v3+.
    pub members: Vec<MemberIdentity>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberResponse {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub error_code: i16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaveGroupResponse {
    /// v1+.
    pub throttle_time_ms: i32,
    pub error_code: i16,
    /// v3+.
    pub members: Vec<MemberResponse>,
}

impl Message for LeaveGroupRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("LeaveGroupRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.group_id, flexible)?;
        if version >= 3 {
            let single;
            let members = if self.members.is_empty() {
                single = [MemberIdentity { member_id: self.member_id.clone(), ..Default::default() }];
                &single[..]
            } else {
                &self.members[..]
            };
            put_array(buf, members, flexible, |b, m| {
                put_string(b, &m.member_id, flexible)?;
                put_nullable_string(b, m.group_instance_id.as_deref(), flexible)?;
                if version >= 5 {
                    put_nullable_string(b, m.reason.as_deref(), flexible)?;
                }
                put_tags(b, flexible);
                Ok(())
            })?;
        } else {
            let member_id = match (self.member_id.is_empty(), self.members.as_slice()) {
                (true, [only]) if only.group_instance_id.is_none() => only.member_id.as_str(),
                (_, []) | (false, _) => self.member_id.as_str(),
                (true, _) => return Err(EncodeError::UnsupportedField { field: "members", version }),
            };
            put_string(buf, member_id, flexible)?;
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let group_id = get_string(buf, flexible)?;
        let mut out = Self { group_id, ..Default::default() };
        if version >= 3 {
            out.members = get_array(buf, flexible, |b| {
                let member_id = get_string(b, flexible)?;
                let group_instance_id = get_nullable_string(b, flexible)?;
                let reason = if version >= 5 { get_nullable_string(b, flexible)? } else { None };
                skip_tags(b, flexible)?;
                Ok(MemberIdentity { member_id, group_instance_id, reason })
            })?;
        } else {
            out.member_id = get_string(buf, flexible)?;
        }
        skip_tags(buf, flexible)?;
        Ok(out)
    }
}

impl Message for LeaveGroupResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("LeaveGroupResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_i16(buf, self.error_code);
        if version >= 3 {
            put_array(buf, &self.members, flexible, |b, m| {
                put_string(b, &m.member_id, flexible)?;
                put_nullable_string(b, m.group_instance_id.as_deref(), flexible)?;
                put_i16(b, m.error_code);
                put_tags(b, flexible);
                Ok(())
            })?;
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let throttle_time_ms = if version >= 1 { get_i32(buf)? } else { 0 };
        let error_code = get_i16(buf)?;
        let members = if version >= 3 {
            get_array(buf, flexible, |b| {
                let member_id = get_string(b, flexible)?;
                let group_instance_id = get_nullable_string(b, flexible)?;
                let error_code = get_i16(b)?;
                skip_tags(b, flexible)?;
                Ok(MemberResponse { member_id, group_instance_id, error_code })
            })?
        } else {
            Vec::new()
        };
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, error_code, members })
    }
}

impl Request for LeaveGroupRequest {
    const API_KEY: ApiKey = ApiKey::LeaveGroup;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = LeaveGroupResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = LeaveGroupRequest> {
        (string(), string(), vec((string(), opt_string(), opt_string()), 3)).prop_map(|(g, m, ms)| {
            LeaveGroupRequest {
                group_id: g,
                member_id: m,
                members: ms
                    .into_iter()
                    .map(|(member_id, group_instance_id, reason)| MemberIdentity {
                        member_id,
                        group_instance_id,
                        reason,
                    })
                    .collect(),
            }
        })
    }

    fn canon_request(mut r: LeaveGroupRequest, v: i16) -> LeaveGroupRequest {
        if v >= 3 {
            r.member_id.clear();
            if v < 5 {
                r.members.iter_mut().for_each(|m| m.reason = None);
            }
            // An empty batch is sent as `[{member_id}]`, i.e. `[{""}]`.
            if r.members.is_empty() {
                r.members.push(MemberIdentity::default());
            }
        } else {
            r.members.clear();
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = LeaveGroupResponse> {
        (any::<i32>(), any::<i16>(), vec((string(), opt_string(), any::<i16>()), 3)).prop_map(|(t, e, ms)| {
            LeaveGroupResponse {
                throttle_time_ms: t,
                error_code: e,
                members: ms
                    .into_iter()
                    .map(|(member_id, group_instance_id, error_code)| MemberResponse {
                        member_id,
                        group_instance_id,
                        error_code,
                    })
                    .collect(),
            }
        })
    }

    fn canon_response(mut r: LeaveGroupResponse, v: i16) -> LeaveGroupResponse {
        if v < 1 {
            r.throttle_time_ms = 0;
        }
        if v < 3 {
            r.members.clear();
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn both_shapes() {
        let r = LeaveGroupRequest { group_id: "g".into(), member_id: "m".into(), members: vec![] };
        assert_eq!(encoded(&r, 0), [0, 1, b'g', 0, 1, b'm']);
        assert_eq!(encoded(&r, 3), [0, 1, b'g', 0, 0, 0, 1, 0, 1, b'm', 0xff, 0xff]);
        // v5: compact array of 1, "m", null instance id, null reason, tags; top-level tags.
        assert_eq!(encoded(&r, 5), [2, b'g', 2, 2, b'm', 0, 0, 0, 0]);
        let batch = LeaveGroupRequest::decode(&mut Bytes::from(encoded(&r, 3)), 3).unwrap();
        assert_eq!(encoded(&batch, 1), encoded(&r, 1));
        let two = LeaveGroupRequest {
            group_id: "g".into(),
            member_id: String::new(),
            members: vec![Default::default(); 2],
        };
        assert!(two.encode(&mut BytesMut::new(), 2).is_err());
    }
}
