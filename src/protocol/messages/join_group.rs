//! JoinGroup (key 11): join (or rejoin) a consumer group; the leader receives all members'
//! subscription metadata.
//!
//! Versions 0..=9: v1 adds the rebalance timeout, v2 throttle time, v4 MEMBER_ID_REQUIRED,
//! v5 static membership (group instance id), v6 is flexible, v7 protocol type in the response
//! (protocol name nullable), v8 a reason, v9 `skip_assignment`.
//! The `metadata` bytes are a [`ConsumerProtocolSubscription`](super::consumer_protocol) for
//! protocol type "consumer".

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 9;
const FLEXIBLE_FROM: i16 = 6;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinGroupRequestProtocol {
    /// The assignor name ("range", "roundrobin", "cooperative-sticky", ...).
    pub name: String,
    pub metadata: Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupRequest {
    pub group_id: String,
    pub session_timeout_ms: i32,
    /// v1+ (-1 before: the session timeout is used).
    pub rebalance_timeout_ms: i32,
    /// Empty on the first join.
    pub member_id: String,
    /// v5+.
    pub group_instance_id: Option<String>,
    /// "consumer" for consumer groups.
    pub protocol_type: String,
    pub protocols: Vec<JoinGroupRequestProtocol>,
    /// v8+.
    pub reason: Option<String>,
}

impl Default for JoinGroupRequest {
    fn default() -> Self {
        Self {
            group_id: String::new(),
            session_timeout_ms: 0,
            rebalance_timeout_ms: -1,
            member_id: String::new(),
            group_instance_id: None,
            protocol_type: String::new(),
            protocols: Vec::new(),
            reason: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinGroupResponseMember {
    pub member_id: String,
    /// v5+.
    pub group_instance_id: Option<String>,
    pub metadata: Bytes,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinGroupResponse {
    /// v2+.
    pub throttle_time_ms: i32,
    pub error_code: i16,
    pub generation_id: i32,
    /// v7+.
    pub protocol_type: Option<String>,
    /// Nullable from v7 (non-null before).
    pub protocol_name: Option<String>,
    pub leader: String,
    /// v9+.
    pub skip_assignment: bool,
    pub member_id: String,
    /// Non-empty only for the leader.
    pub members: Vec<JoinGroupResponseMember>,
}

impl Message for JoinGroupRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("JoinGroupRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_string(buf, &self.group_id, flexible)?;
        put_i32(buf, self.session_timeout_ms);
        if version >= 1 {
            put_i32(buf, self.rebalance_timeout_ms);
        }
        put_string(buf, &self.member_id, flexible)?;
        if version >= 5 {
            put_nullable_string(buf, self.group_instance_id.as_deref(), flexible)?;
        } else if self.group_instance_id.is_some() {
            return Err(EncodeError::UnsupportedField { field: "group_instance_id", version });
        }
        put_string(buf, &self.protocol_type, flexible)?;
        put_array(buf, &self.protocols, flexible, |b, p| {
            put_string(b, &p.name, flexible)?;
            put_bytes(b, &p.metadata, flexible)?;
            put_tags(b, flexible);
            Ok(())
        })?;
        if version >= 8 {
            put_nullable_string(buf, self.reason.as_deref(), flexible)?;
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let group_id = get_string(buf, flexible)?;
        let session_timeout_ms = get_i32(buf)?;
        let rebalance_timeout_ms = if version >= 1 { get_i32(buf)? } else { -1 };
        let member_id = get_string(buf, flexible)?;
        let group_instance_id = if version >= 5 { get_nullable_string(buf, flexible)? } else { None };
        let protocol_type = get_string(buf, flexible)?;
        let protocols = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let metadata = get_bytes(b, flexible)?;
            skip_tags(b, flexible)?;
            Ok(JoinGroupRequestProtocol { name, metadata })
        })?;
        let reason = if version >= 8 { get_nullable_string(buf, flexible)? } else { None };
        skip_tags(buf, flexible)?;
        Ok(Self {
            group_id,
            session_timeout_ms,
            rebalance_timeout_ms,
            member_id,
            group_instance_id,
            protocol_type,
            protocols,
            reason,
        })
    }
}

impl Message for JoinGroupResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("JoinGroupResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 2 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_i16(buf, self.error_code);
        put_i32(buf, self.generation_id);
        if version >= 7 {
            put_nullable_string(buf, self.protocol_type.as_deref(), flexible)?;
            put_nullable_string(buf, self.protocol_name.as_deref(), flexible)?;
        } else {
            put_string(buf, self.protocol_name.as_deref().unwrap_or_default(), flexible)?;
        }
        put_string(buf, &self.leader, flexible)?;
        if version >= 9 {
            put_bool(buf, self.skip_assignment);
        }
        put_string(buf, &self.member_id, flexible)?;
        put_array(buf, &self.members, flexible, |b, m| {
            put_string(b, &m.member_id, flexible)?;
            if version >= 5 {
                put_nullable_string(b, m.group_instance_id.as_deref(), flexible)?;
            }
            put_bytes(b, &m.metadata, flexible)?;
            put_tags(b, flexible);
            Ok(())
        })?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let throttle_time_ms = if version >= 2 { get_i32(buf)? } else { 0 };
        let error_code = get_i16(buf)?;
        let generation_id = get_i32(buf)?;
        let (protocol_type, protocol_name) = if version >= 7 {
            (get_nullable_string(buf, flexible)?, get_nullable_string(buf, flexible)?)
        } else {
            (None, Some(get_string(buf, flexible)?))
        };
        let leader = get_string(buf, flexible)?;
        let skip_assignment = if version >= 9 { get_bool(buf)? } else { false };
        let member_id = get_string(buf, flexible)?;
        let members = get_array(buf, flexible, |b| {
            let member_id = get_string(b, flexible)?;
            let group_instance_id = if version >= 5 { get_nullable_string(b, flexible)? } else { None };
            let metadata = get_bytes(b, flexible)?;
            skip_tags(b, flexible)?;
            Ok(JoinGroupResponseMember { member_id, group_instance_id, metadata })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self {
            throttle_time_ms,
            error_code,
            generation_id,
            protocol_type,
            protocol_name,
            leader,
            skip_assignment,
            member_id,
            members,
        })
    }
}

impl Request for JoinGroupRequest {
    const API_KEY: ApiKey = ApiKey::JoinGroup;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = JoinGroupResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn bytes() -> impl Strategy<Value = Bytes> {
        vec(any::<u8>(), 24).prop_map(Bytes::from)
    }

    fn arb_request() -> impl Strategy<Value = JoinGroupRequest> {
        let proto =
            (string(), bytes()).prop_map(|(name, metadata)| JoinGroupRequestProtocol { name, metadata });
        (string(), any::<i32>(), any::<i32>(), string(), opt_string(), string(), vec(proto, 3), opt_string())
            .prop_map(|(group_id, s, r, member_id, group_instance_id, protocol_type, protocols, reason)| {
                JoinGroupRequest {
                    group_id,
                    session_timeout_ms: s,
                    rebalance_timeout_ms: r,
                    member_id,
                    group_instance_id,
                    protocol_type,
                    protocols,
                    reason,
                }
            })
    }

    fn canon_request(mut r: JoinGroupRequest, v: i16) -> JoinGroupRequest {
        if v < 1 {
            r.rebalance_timeout_ms = -1;
        }
        if v < 5 {
            r.group_instance_id = None;
        }
        if v < 8 {
            r.reason = None;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = JoinGroupResponse> {
        let member =
            (string(), opt_string(), bytes()).prop_map(|(member_id, group_instance_id, metadata)| {
                JoinGroupResponseMember { member_id, group_instance_id, metadata }
            });
        (
            (any::<i32>(), any::<i16>(), any::<i32>()),
            opt_string(),
            opt_string(),
            string(),
            any::<bool>(),
            string(),
            vec(member, 3),
        )
            .prop_map(
                |((t, e, g), protocol_type, protocol_name, leader, skip_assignment, member_id, members)| {
                    JoinGroupResponse {
                        throttle_time_ms: t,
                        error_code: e,
                        generation_id: g,
                        protocol_type,
                        protocol_name,
                        leader,
                        skip_assignment,
                        member_id,
                        members,
                    }
                },
            )
    }

    fn canon_response(mut r: JoinGroupResponse, v: i16) -> JoinGroupResponse {
        if v < 2 {
            r.throttle_time_ms = 0;
        }
        if v < 7 {
            r.protocol_type = None;
            r.protocol_name.get_or_insert_with(String::new);
        }
        if v < 9 {
            r.skip_assignment = false;
        }
        if v < 5 {
            for m in &mut r.members {
                m.group_instance_id = None;
            }
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn v1_request_bytes() {
        let r = JoinGroupRequest {
            group_id: "g".into(),
            session_timeout_ms: 10000,
            rebalance_timeout_ms: 300000,
            protocol_type: "consumer".into(),
            protocols: vec![JoinGroupRequestProtocol {
                name: "range".into(),
                metadata: Bytes::from_static(&[9, 9]),
            }],
            ..Default::default()
        };
        let mut expect = vec![0, 1, b'g', 0, 0, 0x27, 0x10, 0, 0x04, 0x93, 0xe0, 0, 0];
        expect.extend([0, 8]);
        expect.extend(b"consumer");
        expect.extend([0, 0, 0, 1, 0, 5]);
        expect.extend(b"range");
        expect.extend([0, 0, 0, 2, 9, 9]);
        assert_eq!(encoded(&r, 1), expect);
        let static_member = JoinGroupRequest { group_instance_id: Some("i".into()), ..r };
        assert!(static_member.encode(&mut BytesMut::new(), 4).is_err());
    }
}
