//! DescribeGroups (key 15): state, protocol and members of consumer groups.
//!
//! v1 adds the response throttle time, v2 is identical to v1, v3 adds authorized operations
//! (requested with `include_authorized_operations`), v4 the members' group instance ids, v5 is
//! flexible.

use bytes::Bytes;

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeGroups: DescribeGroupsRequest => DescribeGroupsResponse, versions 0..=6, client ..=5, flexible 5;

    pub struct DescribeGroupsRequest {
        groups: Vec<String>,
        /// v3+. `true` cannot be sent below v3.
        /// v3+; dropped for older versions (their answers carry no authorized operations).
        include_authorized_operations: bool => since(3).ignorable(),
    }

    pub struct DescribeGroupsResponse {
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        groups: Vec<DescribedGroup>,
    }

    pub struct DescribedGroup {
        error_code: i16,
        /// v6+ (KIP-1043; v6 also answers GROUP_ID_NOT_FOUND for an unknown group where older
        /// versions describe it as "Dead", which is why the client stays at v5).
        error_message: Option<String> => since(6).nullable(),
        group_id: String,
        /// e.g. "Stable", "Empty", or "".
        group_state: String,
        /// e.g. "consumer", or "".
        protocol_type: String,
        /// The assignor name for consumer groups, or "".
        protocol_data: String,
        members: Vec<DescribedGroupMember>,
        /// v3+: bitfield of authorized operations (default `i32::MIN` = not requested).
        authorized_operations: i32 = i32::MIN => since(3).ignorable(),
    }

    pub struct DescribedGroupMember {
        member_id: String,
        /// v4+.
        group_instance_id: Option<String> => since(4).nullable().ignorable(),
        client_id: String,
        client_host: String,
        /// Protocol metadata (for consumers, the subscription).
        member_metadata: Bytes,
        /// The assignment from the leader.
        member_assignment: Bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn v0_request_bytes() {
        let r = DescribeGroupsRequest { groups: vec!["g".into()], include_authorized_operations: false };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        assert_eq!(&b[..], &[0, 0, 0, 1, 0, 1, b'g']);
        let r = DescribeGroupsRequest { include_authorized_operations: true, ..r };
        let mut b = BytesMut::new();
        r.encode(&mut b, 2).unwrap();
        assert_eq!(&b[..], &[0, 0, 0, 1, 0, 1, b'g']);
        let mut b = BytesMut::new();
        r.encode(&mut b, 5).unwrap();
        assert_eq!(&b[..], &[2, 2, b'g', 1, 0]);
    }
}
