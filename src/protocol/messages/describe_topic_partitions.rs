//! DescribeTopicPartitions (key 75): topics and their partitions, paginated, with eligible
//! leader replicas (KIP-966).
//!
//! Version 0, flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeTopicPartitions: DescribeTopicPartitionsRequest => DescribeTopicPartitionsResponse,
        versions 0..=0, flexible 0;

    pub struct DescribeTopicPartitionsRequest {
        topics: Vec<TopicRequest>,
        /// The most partitions in one response.
        response_partition_limit: i32 = 2000,
        /// Where to start (from a previous response's `next_cursor`), or null.
        cursor: Option<Cursor> => nullable(),
    }

    pub struct TopicRequest {
        name: String,
    }

    pub struct Cursor {
        topic_name: String,
        partition_index: i32,
    }

    pub struct DescribeTopicPartitionsResponse {
        throttle_time_ms: i32 => always().ignorable(),
        topics: Vec<DescribeTopicPartitionsResponseTopic>,
        /// Where the next request should start, or null when done.
        next_cursor: Option<Cursor> => nullable(),
    }

    pub struct DescribeTopicPartitionsResponseTopic {
        error_code: i16,
        name: Option<String> => nullable(),
        topic_id: [u8; 16] => always().ignorable(),
        is_internal: bool => always().ignorable(),
        partitions: Vec<DescribeTopicPartitionsResponsePartition>,
        topic_authorized_operations: i32 = i32::MIN,
    }

    pub struct DescribeTopicPartitionsResponsePartition {
        error_code: i16,
        partition_index: i32,
        leader_id: i32,
        leader_epoch: i32 = -1 => always().ignorable(),
        replica_nodes: Vec<i32>,
        isr_nodes: Vec<i32>,
        eligible_leader_replicas: Option<Vec<i32>> => nullable(),
        last_known_elr: Option<Vec<i32>> => nullable(),
        offline_replicas: Vec<i32> => always().ignorable(),
    }
}
