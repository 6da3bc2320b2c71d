//! OffsetFetch (key 9): read a group's committed offsets.
//!
//! Versions 1..=7 (single group): v2 allows a null topic list (all topics) and adds a top-level
//! error code, v3 throttle time, v5 the committed leader epoch, v6 is flexible, v7 adds
//! `require_stable`. v8..=10 are the multi-group form, declared in
//! [`super::offset_fetch_groups`].

use crate::protocol::declare::kafka_api;

kafka_api! {
    OffsetFetch: OffsetFetchRequest => OffsetFetchResponse, versions 1..=7, flexible 6;

    pub struct OffsetFetchRequest {
        group_id: String,
        /// `None` (v2+): all topics the group has committed offsets for.
        topics: Option<Vec<OffsetFetchRequestTopic>> => always().nullable_since(2),
        /// v7+: wait for pending transactional offsets (else UNSTABLE_OFFSET_COMMIT).
        require_stable: bool => since(7).ignorable(),
    }

    pub struct OffsetFetchRequestTopic {
        name: String,
        partition_indexes: Vec<i32>,
    }

    pub struct OffsetFetchResponse {
        /// v3+.
        throttle_time_ms: i32 => since(3).ignorable(),
        topics: Vec<OffsetFetchResponseTopic>,
        /// v2+: group-level error.
        error_code: i16 => since(2).ignorable(),
    }

    pub struct OffsetFetchResponseTopic {
        name: String,
        partitions: Vec<OffsetFetchResponsePartition>,
    }

    pub struct OffsetFetchResponsePartition {
        partition_index: i32,
        /// -1: no committed offset.
        committed_offset: i64 = -1,
        /// v5+ (-1 before).
        committed_leader_epoch: i32 = -1 => since(5).ignorable(),
        metadata: Option<String> => nullable(),
        error_code: i16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn request_bytes() {
        let r = OffsetFetchRequest {
            group_id: "g".into(),
            topics: Some(vec![OffsetFetchRequestTopic { name: "t".into(), partition_indexes: vec![0, 1] }]),
            require_stable: false,
        };
        assert_eq!(encoded(&r, 1), [0, 1, b'g', 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(encoded(&r, 7), [2, b'g', 2, 2, b't', 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
        let all = OffsetFetchRequest { group_id: "g".into(), topics: None, require_stable: true };
        assert_eq!(encoded(&all, 2), [0, 1, b'g', 0xff, 0xff, 0xff, 0xff]);
        assert!(all.encode(&mut BytesMut::new(), 1).is_err());
    }
}
