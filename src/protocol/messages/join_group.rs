//! JoinGroup (key 11): join (or rejoin) a consumer group; the leader receives all members'
//! subscription metadata.
//!
//! Versions 0..=9: v1 adds the rebalance timeout, v2 throttle time, v4 MEMBER_ID_REQUIRED,
//! v5 static membership (group instance id), v6 is flexible, v7 protocol type in the response
//! (protocol name nullable), v8 a reason, v9 `skip_assignment`.
//! The `metadata` bytes are a [`ConsumerProtocolSubscription`](super::consumer_protocol) for
//! protocol type "consumer".

use bytes::Bytes;

use crate::protocol::declare::kafka_api;

kafka_api! {
    JoinGroup: JoinGroupRequest => JoinGroupResponse, versions 0..=9, flexible 6;

    pub struct JoinGroupRequest {
        group_id: String,
        session_timeout_ms: i32,
        /// v1+ (-1 before: the session timeout is used).
        rebalance_timeout_ms: i32 = -1 => since(1).ignorable(),
        /// Empty on the first join.
        member_id: String,
        /// v5+.
        group_instance_id: Option<String> => since(5).nullable(),
        /// "consumer" for consumer groups.
        protocol_type: String,
        protocols: Vec<JoinGroupRequestProtocol>,
        /// v8+.
        reason: Option<String> => since(8).nullable().ignorable(),
    }

    pub struct JoinGroupRequestProtocol {
        /// The assignor name ("range", "roundrobin", "cooperative-sticky", ...).
        name: String,
        metadata: Bytes,
    }

    pub struct JoinGroupResponse {
        /// v2+.
        throttle_time_ms: i32 => since(2).ignorable(),
        error_code: i16,
        generation_id: i32,
        /// v7+.
        protocol_type: Option<String> => since(7).nullable().ignorable(),
        /// Nullable from v7 (non-null before).
        protocol_name: Option<String> => always().nullable_since(7),
        leader: String,
        /// v9+.
        skip_assignment: bool => since(9).ignorable(),
        member_id: String,
        /// Non-empty only for the leader.
        members: Vec<JoinGroupResponseMember>,
    }

    pub struct JoinGroupResponseMember {
        member_id: String,
        /// v5+.
        group_instance_id: Option<String> => since(5).nullable().ignorable(),
        metadata: Bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::{Bytes, BytesMut};

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
