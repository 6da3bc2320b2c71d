//! OffsetForLeaderEpoch (key 23): the end offset of a leader epoch, to detect log truncation
//! after a leader change (KIP-320).
//!
//! Versions 0..=4 (Apache Kafka 4 serves 2..=4): v1 returns the leader epoch, v2 adds the current
//! leader epoch for fencing and throttle time, v3 the replica id, v4 is flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    OffsetForLeaderEpoch: OffsetForLeaderEpochRequest => OffsetForLeaderEpochResponse,
        versions 0..=4, flexible 4;

    pub struct OffsetForLeaderEpochRequest {
        /// v3+: -1 for consumers (-2: debug consumer, the default).
        replica_id: i32 = -2 => since(3).ignorable(),
        topics: Vec<OffsetForLeaderTopic>,
    }

    pub struct OffsetForLeaderTopic {
        topic: String,
        partitions: Vec<OffsetForLeaderPartition>,
    }

    pub struct OffsetForLeaderPartition {
        partition: i32,
        /// v2+ (-1: unknown).
        current_leader_epoch: i32 = -1 => since(2).ignorable(),
        /// The epoch to look up.
        leader_epoch: i32,
    }

    pub struct OffsetForLeaderEpochResponse {
        /// v2+.
        throttle_time_ms: i32 => since(2).ignorable(),
        topics: Vec<OffsetForLeaderTopicResult>,
    }

    pub struct OffsetForLeaderTopicResult {
        topic: String,
        partitions: Vec<EpochEndOffsetResult>,
    }

    /// `EpochEndOffset` in the schema.
    pub struct EpochEndOffsetResult {
        error_code: i16,
        partition: i32,
        /// v1+ (-1: unknown).
        leader_epoch: i32 = -1 => since(1).ignorable(),
        end_offset: i64 = -1,
    }
}
