//! The client's view of the cluster: brokers, topics, partition leaders.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// A broker as metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerInfo {
    pub node_id: i32,
    pub host: String,
    pub port: i32,
    pub rack: Option<String>,
}

impl BrokerInfo {
    pub fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// One partition of a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    pub partition: i32,
    pub error_code: i16,
    pub leader: i32,
    pub leader_epoch: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub offline_replicas: Vec<i32>,
}

/// A topic: its error (if any) and partitions sorted by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub name: String,
    pub error_code: i16,
    pub is_internal: bool,
    pub topic_id: [u8; 16],
    pub partitions: Vec<PartitionInfo>,
}

impl TopicInfo {
    /// Partition ids that currently have a leader.
    pub fn available_partitions(&self) -> Vec<i32> {
        self.partitions.iter().filter(|p| p.leader >= 0).map(|p| p.partition).collect()
    }

    pub fn partition(&self, id: i32) -> Option<&PartitionInfo> {
        self.partitions.iter().find(|p| p.partition == id)
    }
}

/// An immutable snapshot of cluster metadata; replaced wholesale on refresh.
#[derive(Debug, Clone, Default)]
pub struct ClusterSnapshot {
    pub cluster_id: Option<String>,
    pub controller_id: i32,
    pub brokers: HashMap<i32, BrokerInfo>,
    pub topics: HashMap<String, Arc<TopicInfo>>,
    /// Topics the broker reported errors for at the last refresh (e.g. UNKNOWN_TOPIC_OR_PARTITION).
    pub topic_errors: HashMap<String, i16>,
    pub updated: Option<Instant>,
}

impl ClusterSnapshot {
    pub fn topic(&self, name: &str) -> Option<&Arc<TopicInfo>> {
        self.topics.get(name)
    }

    /// The leader of a partition, if known and present.
    pub fn leader_for(&self, topic: &str, partition: i32) -> Option<i32> {
        self.topics.get(topic)?.partition(partition).map(|p| p.leader).filter(|l| *l >= 0)
    }

    pub fn broker(&self, node_id: i32) -> Option<&BrokerInfo> {
        self.brokers.get(&node_id)
    }
}
