//! DescribeGroups (key 15): state, protocol and members of consumer groups.
//!
//! v1 adds the response throttle time, v2 is identical to v1, v3 adds authorized operations
//! (requested with `include_authorized_operations`), v4 the members' group instance ids, v5 is
//! flexible.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 5;
const FLEXIBLE: i16 = 5;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeGroupsRequest {
    pub groups: Vec<String>,
    /// v3+. `true` cannot be sent below v3.
    pub include_authorized_operations: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeGroupsResponse {
    /// v1+.
    pub throttle_time_ms: i32,
    pub groups: Vec<DescribedGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribedGroup {
    pub error_code: i16,
    pub group_id: String,
    /// e.g. "Stable", "Empty", or "".
    pub group_state: String,
    /// e.g. "consumer", or "".
    pub protocol_type: String,
    /// The assignor name for consumer groups, or "".
    pub protocol_data: String,
    pub members: Vec<DescribedGroupMember>,
    /// v3+: bitfield of authorized operations (default `i32::MIN` = not requested).
    pub authorized_operations: i32,
}

impl Default for DescribedGroup {
    fn default() -> Self {
        Self {
            error_code: 0,
            group_id: String::new(),
            group_state: String::new(),
            protocol_type: String::new(),
            protocol_data: String::new(),
            members: Vec::new(),
            authorized_operations: i32::MIN,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribedGroupMember {
    pub member_id: String,
    /// v4+.
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    /// Protocol metadata (for consumers, the subscription).
    pub member_metadata: Bytes,
    /// The assignment from the leader.
    pub member_assignment: Bytes,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for DescribeGroupsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeGroupsRequest", version, 0, MAX)?;
        if version < 3 && self.include_authorized_operations {
            return Err(EncodeError::UnsupportedField { field: "include_authorized_operations", version });
        }
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.groups, flexible, |b, g| put_string(b, g, flexible))?;
        if version >= 3 {
            put_bool(buf, self.include_authorized_operations);
        }
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DescribeGroupsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let groups = get_array(buf, flexible, |b| get_string(b, flexible))?;
        let include_authorized_operations = if version >= 3 { get_bool(buf)? } else { false };
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { groups, include_authorized_operations })
    }
}

impl Message for DescribeGroupsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeGroupsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_array(buf, &self.groups, flexible, |b, g| {
            put_i16(b, g.error_code);
            put_string(b, &g.group_id, flexible)?;
            put_string(b, &g.group_state, flexible)?;
            put_string(b, &g.protocol_type, flexible)?;
            put_string(b, &g.protocol_data, flexible)?;
            put_array(b, &g.members, flexible, |b, m| {
                put_string(b, &m.member_id, flexible)?;
                if version >= 4 {
                    put_nullable_string(b, m.group_instance_id.as_deref(), flexible)?;
                }
                put_string(b, &m.client_id, flexible)?;
                put_string(b, &m.client_host, flexible)?;
                put_bytes(b, &m.member_metadata, flexible)?;
                put_bytes(b, &m.member_assignment, flexible)?;
                if flexible {
                    put_empty_tagged_fields(b);
                }
                Ok(())
            })?;
            if version >= 3 {
                put_i32(b, g.authorized_operations);
            }
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DescribeGroupsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = if version >= 1 { get_i32(buf)? } else { 0 };
        let groups = get_array(buf, flexible, |b| {
            let mut g = DescribedGroup {
                error_code: get_i16(b)?,
                group_id: get_string(b, flexible)?,
                group_state: get_string(b, flexible)?,
                protocol_type: get_string(b, flexible)?,
                protocol_data: get_string(b, flexible)?,
                ..Default::default()
            };
            g.members = get_array(b, flexible, |b| {
                let member_id = get_string(b, flexible)?;
                let group_instance_id = if version >= 4 { get_nullable_string(b, flexible)? } else { None };
                let m = DescribedGroupMember {
                    member_id,
                    group_instance_id,
                    client_id: get_string(b, flexible)?,
                    client_host: get_string(b, flexible)?,
                    member_metadata: get_bytes(b, flexible)?,
                    member_assignment: get_bytes(b, flexible)?,
                };
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(m)
            })?;
            if version >= 3 {
                g.authorized_operations = get_i32(b)?;
            }
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(g)
        })?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, groups })
    }
}

impl Request for DescribeGroupsRequest {
    const API_KEY: ApiKey = ApiKey::DescribeGroups;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = DescribeGroupsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn member() -> impl Strategy<Value = DescribedGroupMember> {
        (
            "[a-z0-9-]{0,12}",
            option::of("[a-z0-9]{0,6}"),
            "[a-z0-9-]{0,8}",
            "/[0-9.]{0,12}",
            vec(any::<u8>(), 0..16),
            vec(any::<u8>(), 0..16),
        )
            .prop_map(|(member_id, group_instance_id, client_id, client_host, md, ma)| {
                DescribedGroupMember {
                    member_id,
                    group_instance_id,
                    client_id,
                    client_host,
                    member_metadata: Bytes::from(md),
                    member_assignment: Bytes::from(ma),
                }
            })
    }

    fn group() -> impl Strategy<Value = DescribedGroup> {
        (
            (any::<i16>(), "[a-z0-9._-]{0,12}", "[A-Za-z]{0,12}", "[a-z]{0,8}", "[a-z]{0,8}"),
            vec(member(), 0..3),
            any::<i32>(),
        )
            .prop_map(
                |((error_code, group_id, group_state, protocol_type, protocol_data), members, ops)| {
                    DescribedGroup {
                        error_code,
                        group_id,
                        group_state,
                        protocol_type,
                        protocol_data,
                        members,
                        authorized_operations: ops,
                    }
                },
            )
    }

    fn arb_request() -> impl Strategy<Value = DescribeGroupsRequest> {
        (vec("[a-z0-9._-]{0,12}", 0..5), any::<bool>()).prop_map(|(groups, include_authorized_operations)| {
            DescribeGroupsRequest { groups, include_authorized_operations }
        })
    }

    fn canon_request(mut r: DescribeGroupsRequest, v: i16) -> DescribeGroupsRequest {
        if v < 3 {
            r.include_authorized_operations = false;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = DescribeGroupsResponse> {
        (any::<i32>(), vec(group(), 0..3))
            .prop_map(|(throttle_time_ms, groups)| DescribeGroupsResponse { throttle_time_ms, groups })
    }

    fn canon_response(mut r: DescribeGroupsResponse, v: i16) -> DescribeGroupsResponse {
        if v < 1 {
            r.throttle_time_ms = 0;
        }
        for g in &mut r.groups {
            if v < 3 {
                g.authorized_operations = i32::MIN;
            }
            if v < 4 {
                g.members.iter_mut().for_each(|m| m.group_instance_id = None);
            }
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn v0_request_bytes() {
        let r = DescribeGroupsRequest { groups: vec!["g".into()], include_authorized_operations: false };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        assert_eq!(&b[..], &[0, 0, 0, 1, 0, 1, b'g']);
        let r = DescribeGroupsRequest { include_authorized_operations: true, ..r };
        assert!(r.encode(&mut BytesMut::new(), 2).is_err());
        let mut b = BytesMut::new();
        r.encode(&mut b, 5).unwrap();
        assert_eq!(&b[..], &[2, 2, b'g', 1, 0]);
    }
}
