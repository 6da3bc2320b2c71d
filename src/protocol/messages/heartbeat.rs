//! Heartbeat (key 12): keep a group membership alive; the error tells a member to rejoin.
//!
//! Versions 0..=4: v1 adds throttle time, v3 the group instance id, v4 is flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    Heartbeat: HeartbeatRequest => HeartbeatResponse, versions 0..=4, flexible 4;

    pub struct HeartbeatRequest {
        group_id: String,
        generation_id: i32,
        member_id: String,
        /// v3+.
        group_instance_id: Option<String> => since(3).nullable(),
    }

    pub struct HeartbeatResponse {
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        error_code: i16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::Bytes;

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
