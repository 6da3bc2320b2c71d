//! OffsetCommit (key 8): commit consumed offsets for a group.
//!
//! Versions 2..=10: v2 has the retention time (v2..=4; -1 = broker default), v3 throttle time,
//! v5 drops the retention time, v6 adds the committed leader epoch, v7 the group instance id,
//! v8 is flexible, v9 is v8 for KIP-848 members (the generation is the member epoch; adds
//! STALE_MEMBER_EPOCH), v10 names topics by id (KIP-848), which the client does not fill in: it
//! sends up to v9.

use crate::protocol::declare::kafka_api;

kafka_api! {
    OffsetCommit: OffsetCommitRequest => OffsetCommitResponse, versions 2..=10, client ..=9, flexible 8;

    pub struct OffsetCommitRequest {
        group_id: String,
        /// -1 for a simple (non-member) commit; the member epoch for a `consumer` member.
        generation_id: i32 = -1,
        /// Empty for a simple commit.
        member_id: String,
        /// v7+.
        group_instance_id: Option<String> => since(7).nullable(),
        /// v2..=4 (-1: broker default).
        retention_time_ms: i64 = -1 => versions(2, 4).ignorable(),
        topics: Vec<OffsetCommitRequestTopic>,
    }

    pub struct OffsetCommitRequestTopic {
        /// v0..=9.
        name: String => until(9).ignorable(),
        /// v10+.
        topic_id: [u8; 16] => since(10).ignorable(),
        partitions: Vec<OffsetCommitRequestPartition>,
    }

    pub struct OffsetCommitRequestPartition {
        partition_index: i32,
        committed_offset: i64,
        /// v6+ (-1: unknown).
        committed_leader_epoch: i32 = -1 => since(6).ignorable(),
        committed_metadata: Option<String> => nullable(),
    }

    pub struct OffsetCommitResponse {
        /// v3+.
        throttle_time_ms: i32 => since(3).ignorable(),
        topics: Vec<OffsetCommitResponseTopic>,
    }

    pub struct OffsetCommitResponseTopic {
        /// v0..=9.
        name: String => until(9).ignorable(),
        /// v10+.
        topic_id: [u8; 16] => since(10).ignorable(),
        partitions: Vec<OffsetCommitResponsePartition>,
    }

    pub struct OffsetCommitResponsePartition {
        partition_index: i32,
        error_code: i16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;

    #[test]
    fn v2_request_bytes() {
        let r = OffsetCommitRequest {
            group_id: "g".into(),
            generation_id: 1,
            member_id: "m".into(),
            topics: vec![OffsetCommitRequestTopic {
                name: "t".into(),
                partitions: vec![OffsetCommitRequestPartition {
                    partition_index: 0,
                    committed_offset: 42,
                    committed_leader_epoch: -1,
                    committed_metadata: Some(String::new()),
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut expect = vec![0, 1, b'g', 0, 0, 0, 1, 0, 1, b'm'];
        expect.extend((-1i64).to_be_bytes());
        expect.extend([0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 0]);
        expect.extend(42i64.to_be_bytes());
        expect.extend([0, 0]);
        assert_eq!(encoded(&r, 2), expect);
    }
}
