//! ListOffsets (key 2): look up offsets by timestamp (or earliest/latest/max-timestamp).
//!
//! Versions 1..=11: v1 returns a single offset with its timestamp, v2 adds the isolation level and
//! throttle time, v4 leader epochs, v6 is flexible, v7 allows the max-timestamp query (-3), v8
//! the earliest local offset (-4, KIP-405), v9 the latest tiered offset (-5, KIP-1005), v10 adds
//! the request's `timeout_ms` (KIP-1075), v11 the earliest pending upload offset (-6, KIP-1023).
//! Special timestamps: -1 latest, -2 earliest, -3 max timestamp (v7+). The client sends up to v7.

use crate::protocol::declare::kafka_api;

pub const LATEST_TIMESTAMP: i64 = -1;
pub const EARLIEST_TIMESTAMP: i64 = -2;
pub const MAX_TIMESTAMP: i64 = -3;

kafka_api! {
    ListOffsets: ListOffsetsRequest => ListOffsetsResponse, versions 1..=11, client ..=7, flexible 6;

    pub struct ListOffsetsRequest {
        /// -1 for consumers.
        replica_id: i32 = -1,
        /// v2+: 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED.
        isolation_level: i8 => since(2).ignorable(),
        topics: Vec<ListOffsetsTopic>,
        /// v10+: how long the broker may wait for a remote-storage lookup.
        timeout_ms: i32 => since(10).ignorable(),
    }

    pub struct ListOffsetsTopic {
        name: String,
        partitions: Vec<ListOffsetsPartition>,
    }

    pub struct ListOffsetsPartition {
        partition_index: i32,
        /// v4+ (-1: unknown).
        current_leader_epoch: i32 = -1 => since(4).ignorable(),
        timestamp: i64 = LATEST_TIMESTAMP,
    }

    pub struct ListOffsetsResponse {
        /// v2+.
        throttle_time_ms: i32 => since(2).ignorable(),
        topics: Vec<ListOffsetsTopicResponse>,
    }

    pub struct ListOffsetsTopicResponse {
        name: String,
        partitions: Vec<ListOffsetsPartitionResponse>,
    }

    pub struct ListOffsetsPartitionResponse {
        partition_index: i32,
        error_code: i16,
        timestamp: i64 = -1,
        offset: i64 = -1,
        /// v4+ (-1 before).
        leader_epoch: i32 = -1 => since(4).ignorable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;

    #[test]
    fn v1_request_bytes() {
        let r = ListOffsetsRequest {
            topics: vec![ListOffsetsTopic {
                name: "t".into(),
                partitions: vec![ListOffsetsPartition {
                    partition_index: 1,
                    timestamp: EARLIEST_TIMESTAMP,
                    ..Default::default()
                }],
            }],
            ..Default::default()
        };
        let mut expect = vec![0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 1];
        expect.extend((-2i64).to_be_bytes());
        assert_eq!(encoded(&r, 1), expect);
    }
}
