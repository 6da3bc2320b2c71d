//! DescribeLogDirs (key 35): a broker's log directories and the replicas in them.
//!
//! Versions 0..=4: v1 throttles after answering, v2 is flexible, v3 adds a top-level error, v4
//! the total and usable bytes of each directory (KIP-827).

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeLogDirs: DescribeLogDirsRequest => DescribeLogDirsResponse, versions 0..=5, flexible 2;

    pub struct DescribeLogDirsRequest {
        /// The partitions to describe, or null for all.
        topics: Option<Vec<DescribableLogDirTopic>> => nullable(),
    }

    pub struct DescribableLogDirTopic {
        topic: String,
        partitions: Vec<i32>,
    }

    pub struct DescribeLogDirsResponse {
        throttle_time_ms: i32,
        /// v3+.
        error_code: i16 => since(3).ignorable(),
        results: Vec<DescribeLogDirsResult>,
    }

    pub struct DescribeLogDirsResult {
        error_code: i16,
        log_dir: String,
        topics: Vec<DescribeLogDirsTopic>,
        /// v4+ (-1: unknown).
        total_bytes: i64 = -1 => since(4).ignorable(),
        /// v4+ (-1: unknown).
        usable_bytes: i64 = -1 => since(4).ignorable(),
        /// v5+: the log dir is cordoned (KIP-1066): no new replicas are placed on it.
        is_cordoned: bool => since(5).ignorable(),
    }

    pub struct DescribeLogDirsTopic {
        name: String,
        partitions: Vec<DescribeLogDirsPartition>,
    }

    pub struct DescribeLogDirsPartition {
        partition_index: i32,
        partition_size: i64,
        offset_lag: i64,
        /// The log is a future replica (being moved here by AlterReplicaLogDirs).
        is_future_key: bool,
    }
}
