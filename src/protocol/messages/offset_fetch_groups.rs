//! OffsetFetch (key 9) in its multi-group form, versions 8..=10: v9 adds the member id and
//! epoch that KIP-848 members send (the broker then answers STALE_MEMBER_EPOCH or
//! UNKNOWN_MEMBER_ID for a fenced member), v10 names topics by id (KIP-848), which the client
//! does not fill in: it sends up to v9.
//!
//! A separate declaration from [`super::offset_fetch`] (versions 1..=7), whose single-group
//! shape the admin client and classic members keep; `consumer`-protocol members use this one.
//! The schema's versions 1..=7 fields (`GroupId`, `Topics`, top-level `ErrorCode`) are absent
//! from 8 on, and this one's `Groups` absent before 8, so the two declarations together are the
//! schema's 1..=10; [`super::APIS`] has one entry for key 9 that decodes through either.

use crate::protocol::declare::kafka_api;

kafka_api! {
    OffsetFetch: OffsetFetchGroupsRequest => OffsetFetchGroupsResponse, versions 8..=10, client ..=9, flexible 8;

    pub struct OffsetFetchGroupsRequest {
        groups: Vec<OffsetFetchRequestGroup>,
        /// Wait for pending transactional offsets (else UNSTABLE_OFFSET_COMMIT).
        require_stable: bool,
    }

    pub struct OffsetFetchRequestGroup {
        group_id: String,
        /// v9+: the member id of a `consumer`-protocol member (null otherwise).
        member_id: Option<String> => since(9).nullable().ignorable(),
        /// v9+: its member epoch (-1 otherwise).
        member_epoch: i32 = -1 => since(9).ignorable(),
        /// `None`: every topic with committed offsets.
        topics: Option<Vec<OffsetFetchRequestGroupTopic>> => nullable(),
    }

    /// `OffsetFetchRequestTopics` in the schema.
    pub struct OffsetFetchRequestGroupTopic {
        /// v8..=9.
        name: String => until(9).ignorable(),
        /// v10+.
        topic_id: [u8; 16] => since(10).ignorable(),
        partition_indexes: Vec<i32>,
    }

    pub struct OffsetFetchGroupsResponse {
        throttle_time_ms: i32,
        groups: Vec<OffsetFetchResponseGroup>,
    }

    pub struct OffsetFetchResponseGroup {
        group_id: String,
        topics: Vec<OffsetFetchResponseGroupTopic>,
        error_code: i16,
    }

    /// `OffsetFetchResponseTopics` in the schema.
    pub struct OffsetFetchResponseGroupTopic {
        /// v8..=9.
        name: String => until(9).ignorable(),
        /// v10+.
        topic_id: [u8; 16] => since(10).ignorable(),
        partitions: Vec<OffsetFetchResponseGroupPartition>,
    }

    /// `OffsetFetchResponsePartitions` in the schema.
    pub struct OffsetFetchResponseGroupPartition {
        partition_index: i32,
        committed_offset: i64 = -1,
        committed_leader_epoch: i32 = -1,
        metadata: Option<String> => nullable(),
        error_code: i16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;

    #[test]
    fn v9_request_bytes() {
        let r = OffsetFetchGroupsRequest {
            groups: vec![OffsetFetchRequestGroup {
                group_id: "g".into(),
                member_id: Some("m".into()),
                member_epoch: 3,
                topics: Some(vec![OffsetFetchRequestGroupTopic {
                    name: "t".into(),
                    partition_indexes: vec![1],
                    ..Default::default()
                }]),
            }],
            require_stable: true,
        };
        let expect = [2, 2, b'g', 2, b'm', 0, 0, 0, 3, 2, 2, b't', 2, 0, 0, 0, 1, 0, 0, 1, 0];
        assert_eq!(encoded(&r, 9), expect);
    }

    #[test]
    fn v10_request_topic_ids() {
        let r = OffsetFetchGroupsRequest {
            groups: vec![OffsetFetchRequestGroup {
                group_id: "g".into(),
                topics: Some(vec![OffsetFetchRequestGroupTopic {
                    topic_id: [5; 16],
                    partition_indexes: vec![1],
                    ..Default::default()
                }]),
                ..Default::default()
            }],
            require_stable: false,
        };
        let mut expect = vec![2, 2, b'g', 0, 0xff, 0xff, 0xff, 0xff, 2];
        expect.extend([5; 16]);
        expect.extend([2, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(encoded(&r, 10), expect);
    }
}
