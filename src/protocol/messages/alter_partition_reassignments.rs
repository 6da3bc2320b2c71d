//! AlterPartitionReassignments (key 45): start or cancel moving partitions to other replicas
//! (KIP-455).
//!
//! Version 0, flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    AlterPartitionReassignments: AlterPartitionReassignmentsRequest => AlterPartitionReassignmentsResponse,
        versions 0..=0, flexible 0;

    pub struct AlterPartitionReassignmentsRequest {
        timeout_ms: i32 = 60_000,
        topics: Vec<ReassignableTopic>,
    }

    pub struct ReassignableTopic {
        name: String,
        partitions: Vec<ReassignablePartition>,
    }

    pub struct ReassignablePartition {
        partition_index: i32,
        /// The target replicas, or null to cancel a pending reassignment.
        replicas: Option<Vec<i32>> => nullable(),
    }

    pub struct AlterPartitionReassignmentsResponse {
        throttle_time_ms: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
        responses: Vec<ReassignableTopicResponse>,
    }

    pub struct ReassignableTopicResponse {
        name: String,
        partitions: Vec<ReassignablePartitionResponse>,
    }

    pub struct ReassignablePartitionResponse {
        partition_index: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
    }
}
