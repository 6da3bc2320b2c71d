//! DescribeQuorum (key 55): the KRaft metadata quorum: leader, voters and observers (KIP-595).
//!
//! Versions 0..=2, flexible: v1 adds the replicas' last fetch and caught-up times (KIP-836), v2
//! error messages, replica directory ids and the voters' endpoints (KIP-853).

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeQuorum: DescribeQuorumRequest => DescribeQuorumResponse, versions 0..=2, flexible 0;

    pub struct DescribeQuorumRequest {
        topics: Vec<DescribeQuorumTopic>,
    }

    pub struct DescribeQuorumTopic {
        topic_name: String,
        partitions: Vec<DescribeQuorumPartition>,
    }

    pub struct DescribeQuorumPartition {
        partition_index: i32,
    }

    pub struct DescribeQuorumResponse {
        error_code: i16,
        /// v2+.
        error_message: Option<String> => since(2).nullable().ignorable(),
        topics: Vec<QuorumTopicData>,
        /// v2+: the endpoints of the voters.
        nodes: Vec<QuorumNode> => since(2).ignorable(),
    }

    pub struct QuorumTopicData {
        topic_name: String,
        partitions: Vec<QuorumPartitionData>,
    }

    pub struct QuorumPartitionData {
        partition_index: i32,
        error_code: i16,
        /// v2+.
        error_message: Option<String> => since(2).nullable().ignorable(),
        /// -1: unknown.
        leader_id: i32,
        leader_epoch: i32,
        high_watermark: i64,
        current_voters: Vec<ReplicaState>,
        observers: Vec<ReplicaState>,
    }

    pub struct ReplicaState {
        replica_id: i32,
        /// v2+.
        replica_directory_id: [u8; 16] => since(2).ignorable(),
        /// -1: unknown.
        log_end_offset: i64,
        /// v1+ (-1: unknown).
        last_fetch_timestamp: i64 = -1 => since(1).ignorable(),
        /// v1+ (-1: unknown).
        last_caught_up_timestamp: i64 = -1 => since(1).ignorable(),
    }

    pub struct QuorumNode {
        node_id: i32,
        listeners: Vec<QuorumListener>,
    }

    pub struct QuorumListener {
        name: String,
        host: String,
        port: u16,
    }
}
