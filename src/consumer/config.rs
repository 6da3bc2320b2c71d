//! Consumer settings and the results of its calls.

use std::time::Duration;

use super::{OffsetReset, PartitionError, TopicPartition};
use crate::error::Error;
use crate::group::GroupConfig;
use crate::network::ClientConfig;

/// Consumer settings (kafka-python names in the comments).
#[derive(Debug, Clone)]
pub struct ConsumerConfig {
    pub client: ClientConfig,
    /// group_id and the membership settings; `None` without group_id.
    pub group: Option<GroupConfig>,
    pub enable_auto_commit: bool,
    pub auto_commit_interval: Duration,
    /// auto_offset_reset ('none' is `None`).
    pub auto_offset_reset: Option<OffsetReset>,
    pub fetch_min_bytes: i32,
    pub fetch_max_wait: Duration,
    pub fetch_max_bytes: i32,
    pub max_partition_fetch_bytes: i32,
    pub check_crcs: bool,
    /// 0 read_uncommitted, 1 read_committed.
    pub isolation_level: i8,
    /// default_api_timeout_ms: bound of blocking calls without their own timeout.
    pub default_api_timeout: Duration,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        Self {
            client: ClientConfig::default(),
            group: None,
            enable_auto_commit: true,
            auto_commit_interval: Duration::from_millis(5000),
            auto_offset_reset: Some(OffsetReset::Latest),
            fetch_min_bytes: 1,
            fetch_max_wait: Duration::from_millis(500),
            fetch_max_bytes: 52_428_800,
            max_partition_fetch_bytes: 1_048_576,
            check_crcs: true,
            isolation_level: 0,
            default_api_timeout: Duration::from_millis(60_000),
        }
    }
}

/// What poll() reports instead of records.
#[derive(Debug, Clone)]
pub enum PollError {
    Core(Error),
    Partition(TopicPartition, PartitionError),
    /// The partition is not assigned to this consumer.
    NotAssigned(TopicPartition),
}

impl From<Error> for PollError {
    fn from(e: Error) -> Self {
        PollError::Core(e)
    }
}

/// The outcome of one [`Consumer::group_step`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupStep {
    /// Nothing to do: the assignment is current.
    Stable,
    /// A join is in progress; call again.
    Pending,
    /// Call `on_partitions_revoked` with these, then call again.
    Revoke(Vec<TopicPartition>),
    /// The group assigned these; call `on_partitions_assigned`.
    Assigned(Vec<TopicPartition>),
    /// The member lost these without a clean revocation (fenced, session expired): call on_partitions_lost.
    Lost(Vec<TopicPartition>),
}
