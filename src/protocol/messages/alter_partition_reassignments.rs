//! AlterPartitionReassignments (key 45): start or cancel moving partitions to other replicas
//! (KIP-455).
//!
//! Version 0, flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    AlterPartitionReassignments: AlterPartitionReassignmentsRequest => AlterPartitionReassignmentsResponse,
        versions 0..=1, flexible 0;

    pub struct AlterPartitionReassignmentsRequest {
        timeout_ms: i32 = 60_000,
        /// v1+: whether a reassignment may change the replication factor (KIP-860).
        allow_replication_factor_change: bool = true => since(1),
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
        /// v1+: echoes the request's flag.
        allow_replication_factor_change: bool = true => since(1).ignorable(),
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
