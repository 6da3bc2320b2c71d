//! SyncGroup (key 14): the leader sends the assignments; every member receives its own.
//!
//! Versions 0..=5: v1 adds throttle time, v3 the group instance id, v4 is flexible, v5 adds the
//! protocol type and name on both sides. The `assignment` bytes are a
//! [`ConsumerProtocolAssignment`](super::consumer_protocol) for protocol type "consumer".

use bytes::Bytes;

use crate::protocol::declare::kafka_api;

kafka_api! {
    SyncGroup: SyncGroupRequest => SyncGroupResponse, versions 0..=5, flexible 4;

    pub struct SyncGroupRequest {
        group_id: String,
        generation_id: i32,
        member_id: String,
        /// v3+.
        group_instance_id: Option<String> => since(3).nullable(),
        /// v5+.
        protocol_type: Option<String> => since(5).nullable().ignorable(),
        /// v5+.
        protocol_name: Option<String> => since(5).nullable().ignorable(),
        /// Only the leader sends assignments.
        assignments: Vec<SyncGroupRequestAssignment>,
    }

    pub struct SyncGroupRequestAssignment {
        member_id: String,
        assignment: Bytes,
    }

    pub struct SyncGroupResponse {
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        error_code: i16,
        /// v5+.
        protocol_type: Option<String> => since(5).nullable().ignorable(),
        /// v5+.
        protocol_name: Option<String> => since(5).nullable().ignorable(),
        assignment: Bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::Bytes;

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
