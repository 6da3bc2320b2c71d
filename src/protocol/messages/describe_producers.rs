//! DescribeProducers (key 61): the active producers of partitions (KIP-664). Sent to each
//! partition's leader.
//!
//! Version 0 only, flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeProducers: DescribeProducersRequest => DescribeProducersResponse, versions 0..=0, flexible 0;

    pub struct DescribeProducersRequest {
        topics: Vec<DescribeProducersTopic>,
    }

    pub struct DescribeProducersTopic {
        name: String,
        partition_indexes: Vec<i32>,
    }

    pub struct DescribeProducersResponse {
        throttle_time_ms: i32 => always().ignorable(),
        topics: Vec<DescribeProducersTopicResponse>,
    }

    pub struct DescribeProducersTopicResponse {
        name: String,
        partitions: Vec<DescribeProducersPartitionResponse>,
    }

    pub struct DescribeProducersPartitionResponse {
        partition_index: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
        active_producers: Vec<ProducerState>,
    }

    pub struct ProducerState {
        producer_id: i64,
        producer_epoch: i32,
        last_sequence: i32 = -1,
        last_timestamp: i64 = -1,
        coordinator_epoch: i32,
        current_txn_start_offset: i64 = -1,
    }
}
