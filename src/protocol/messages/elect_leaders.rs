//! ElectLeaders (key 43): elect the preferred (or, unclean, any live) replica as leader.
//!
//! Versions 0..=2: v1 adds the election type and a top-level error (KIP-460), v2 is flexible.

use crate::protocol::declare::kafka_api;

/// `election_type` values.
pub const ELECTION_PREFERRED: i8 = 0;
pub const ELECTION_UNCLEAN: i8 = 1;

kafka_api! {
    ElectLeaders: ElectLeadersRequest => ElectLeadersResponse, versions 0..=2, flexible 2;

    pub struct ElectLeadersRequest {
        /// v1+ (0: preferred, 1: unclean).
        election_type: i8 => since(1),
        /// The partitions, or null for all.
        topic_partitions: Option<Vec<ElectLeadersTopicPartitions>> => nullable(),
        timeout_ms: i32 = 60_000,
    }

    pub struct ElectLeadersTopicPartitions {
        topic: String,
        partition_id: Vec<i32>,
    }

    pub struct ElectLeadersResponse {
        throttle_time_ms: i32,
        /// v1+.
        error_code: i16 => since(1),
        replica_election_results: Vec<ReplicaElectionResult>,
    }

    pub struct ReplicaElectionResult {
        topic: String,
        partition_result: Vec<ElectLeadersPartitionResult>,
    }

    pub struct ElectLeadersPartitionResult {
        partition_id: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
    }
}
