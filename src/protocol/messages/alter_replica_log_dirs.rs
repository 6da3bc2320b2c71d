//! AlterReplicaLogDirs (key 34): move replicas between a broker's log directories.
//!
//! Versions 0..=2: v1 throttles after answering, v2 is flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    AlterReplicaLogDirs: AlterReplicaLogDirsRequest => AlterReplicaLogDirsResponse,
        versions 0..=2, flexible 2;

    pub struct AlterReplicaLogDirsRequest {
        dirs: Vec<AlterReplicaLogDir>,
    }

    pub struct AlterReplicaLogDir {
        /// The absolute directory path.
        path: String,
        topics: Vec<AlterReplicaLogDirTopic>,
    }

    pub struct AlterReplicaLogDirTopic {
        name: String,
        partitions: Vec<i32>,
    }

    pub struct AlterReplicaLogDirsResponse {
        throttle_time_ms: i32,
        results: Vec<AlterReplicaLogDirTopicResult>,
    }

    pub struct AlterReplicaLogDirTopicResult {
        topic_name: String,
        partitions: Vec<AlterReplicaLogDirPartitionResult>,
    }

    pub struct AlterReplicaLogDirPartitionResult {
        partition_index: i32,
        error_code: i16,
    }
}
