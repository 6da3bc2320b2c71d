//! ListGroups (key 16): the groups a broker coordinates.
//!
//! v1 adds the response throttle time, v2 is identical to v1, v3 is flexible, v4 adds a group
//! state filter and returns each group's state, v5 adds a group type filter and returns each
//! group's type.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 5;
const FLEXIBLE: i16 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListGroupsRequest {
    /// v4+: only groups in these states; empty for all. Cannot be non-empty below v4.
    pub states_filter: Vec<String>,
    /// v5+: only groups of these types; empty for all. Cannot be non-empty below v5.
    pub types_filter: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListGroupsResponse {
    /// v1+.
    pub throttle_time_ms: i32,
    pub error_code: i16,
    pub groups: Vec<ListedGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedGroup {
    pub group_id: String,
    pub protocol_type: String,
    /// v4+.
    pub group_state: String,
    /// v5+.
    pub group_type: String,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for ListGroupsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ListGroupsRequest", version, 0, MAX)?;
        if version < 4 && !self.states_filter.is_empty() {
            return Err(EncodeError::UnsupportedField { field: "states_filter", version });
        }
        if version < 5 && !self.types_filter.is_empty() {
            return Err(EncodeError::UnsupportedField { field: "types_filter", version });
        }
        let flexible = version >= FLEXIBLE;
        if version >= 4 {
            put_array(buf, &self.states_filter, flexible, |b, s| put_string(b, s, flexible))?;
        }
        if version >= 5 {
            put_array(buf, &self.types_filter, flexible, |b, s| put_string(b, s, flexible))?;
        }
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("ListGroupsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let mut out = Self::default();
        if version >= 4 {
            out.states_filter = get_array(buf, flexible, |b| get_string(b, flexible))?;
        }
        if version >= 5 {
            out.types_filter = get_array(buf, flexible, |b| get_string(b, flexible))?;
        }
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(out)
    }
}

impl Message for ListGroupsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ListGroupsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_i16(buf, self.error_code);
        put_array(buf, &self.groups, flexible, |b, g| {
            put_string(b, &g.group_id, flexible)?;
            put_string(b, &g.protocol_type, flexible)?;
            if version >= 4 {
                put_string(b, &g.group_state, flexible)?;
            }
            if version >= 5 {
                put_string(b, &g.group_type, flexible)?;
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
        check_decode_version("ListGroupsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = if version >= 1 { get_i32(buf)? } else { 0 };
        let error_code = get_i16(buf)?;
        let groups = get_array(buf, flexible, |b| {
            let mut g = ListedGroup {
                group_id: get_string(b, flexible)?,
                protocol_type: get_string(b, flexible)?,
                ..Default::default()
            };
            if version >= 4 {
                g.group_state = get_string(b, flexible)?;
            }
            if version >= 5 {
                g.group_type = get_string(b, flexible)?;
            }
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(g)
        })?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, error_code, groups })
    }
}

impl Request for ListGroupsRequest {
    const API_KEY: ApiKey = ApiKey::ListGroups;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = ListGroupsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = ListGroupsRequest> {
        (vec("[A-Za-z]{0,12}", 0..4), vec("[a-z]{0,8}", 0..3))
            .prop_map(|(states_filter, types_filter)| ListGroupsRequest { states_filter, types_filter })
    }

    fn canon_request(mut r: ListGroupsRequest, v: i16) -> ListGroupsRequest {
        if v < 4 {
            r.states_filter.clear();
        }
        if v < 5 {
            r.types_filter.clear();
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = ListGroupsResponse> {
        (
            any::<i32>(),
            any::<i16>(),
            vec(("[a-z0-9._-]{0,12}", "[a-z]{0,8}", "[A-Za-z]{0,12}", "[a-z]{0,8}"), 0..5),
        )
            .prop_map(|(throttle_time_ms, error_code, groups)| {
                let groups = groups
                    .into_iter()
                    .map(|(group_id, protocol_type, group_state, group_type)| ListedGroup {
                        group_id,
                        protocol_type,
                        group_state,
                        group_type,
                    })
                    .collect();
                ListGroupsResponse { throttle_time_ms, error_code, groups }
            })
    }

    fn canon_response(mut r: ListGroupsResponse, v: i16) -> ListGroupsResponse {
        if v < 1 {
            r.throttle_time_ms = 0;
        }
        for g in &mut r.groups {
            if v < 4 {
                g.group_state.clear();
            }
            if v < 5 {
                g.group_type.clear();
            }
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn request_bytes() {
        let mut b = BytesMut::new();
        ListGroupsRequest::default().encode(&mut b, 0).unwrap();
        assert!(b.is_empty());
        ListGroupsRequest::default().encode(&mut b, 3).unwrap();
        assert_eq!(&b[..], &[0]);
        let r = ListGroupsRequest { states_filter: vec!["Stable".into()], types_filter: vec![] };
        assert!(r.encode(&mut BytesMut::new(), 3).is_err());
        let mut b = BytesMut::new();
        r.encode(&mut b, 4).unwrap();
        assert_eq!(&b[..], b"\x02\x07Stable\x00");
    }
}
