//! LeaveGroup (key 13): leave a consumer group so it rebalances at once.
//!
//! Versions 0..=5: v1 adds throttle time, v3 replaces the single `member_id` with a `members`
//! batch (with group instance ids) and per-member errors, v4 is flexible, v5 adds a reason.
//!
//! Both shapes are supported: at v3+ an empty `members` sends `[{member_id}]`; at v0..=2 an empty
//! `member_id` with exactly one entry in `members` sends that entry's member id.

use std::borrow::Cow;

use crate::protocol::declare::kafka_api;
use crate::protocol::{EncodeError, EncodeResult};

kafka_api! {
    LeaveGroup: LeaveGroupRequest => LeaveGroupResponse, versions 0..=5, flexible 4, prepare for_version;

    pub struct LeaveGroupRequest {
        group_id: String,
        /// v0..=2.
        member_id: String => until(2),
        /// v3+.
        members: Vec<MemberIdentity> => since(3),
    }

    pub struct MemberIdentity {
        member_id: String,
        group_instance_id: Option<String> => nullable(),
        /// v5+.
        reason: Option<String> => since(5).nullable().ignorable(),
    }

    pub struct LeaveGroupResponse {
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        error_code: i16,
        /// v3+.
        members: Vec<MemberResponse> => since(3),
    }

    pub struct MemberResponse {
        member_id: String,
        group_instance_id: Option<String> => nullable(),
        error_code: i16,
    }
}

/// The request in the shape of `version`: v3+ send an empty `members` as `[{member_id}]`;
/// v0..=2 send `member_id`, or the only member's id when `member_id` is empty.
fn for_version(r: &LeaveGroupRequest, version: i16) -> EncodeResult<Cow<'_, LeaveGroupRequest>> {
    let (member_id, members) = if version >= 3 {
        let members = if r.members.is_empty() {
            vec![MemberIdentity { member_id: r.member_id.clone(), ..Default::default() }]
        } else {
            r.members.clone()
        };
        (String::new(), members)
    } else {
        let member_id = match (r.member_id.is_empty(), r.members.as_slice()) {
            (true, [only]) if only.group_instance_id.is_none() => only.member_id.clone(),
            (_, []) | (false, _) => r.member_id.clone(),
            (true, _) => return Err(EncodeError::UnsupportedField { field: "members", version }),
        };
        (member_id, Vec::new())
    };
    Ok(Cow::Owned(LeaveGroupRequest { group_id: r.group_id.clone(), member_id, members }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::{Bytes, BytesMut};

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
