//! ListPartitionReassignments (key 46): the reassignments in progress (KIP-455).
//!
//! Version 0, flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    ListPartitionReassignments: ListPartitionReassignmentsRequest => ListPartitionReassignmentsResponse,
        versions 0..=0, flexible 0;

    pub struct ListPartitionReassignmentsRequest {
        timeout_ms: i32 = 60_000,
        /// The partitions to list, or null for all.
        topics: Option<Vec<ListPartitionReassignmentsTopic>> => nullable(),
    }

    pub struct ListPartitionReassignmentsTopic {
        name: String,
        partition_indexes: Vec<i32>,
    }

    pub struct ListPartitionReassignmentsResponse {
        throttle_time_ms: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
        topics: Vec<OngoingTopicReassignment>,
    }

    pub struct OngoingTopicReassignment {
        name: String,
        partitions: Vec<OngoingPartitionReassignment>,
    }

    pub struct OngoingPartitionReassignment {
        partition_index: i32,
        replicas: Vec<i32>,
        adding_replicas: Vec<i32>,
        removing_replicas: Vec<i32>,
    }
}
