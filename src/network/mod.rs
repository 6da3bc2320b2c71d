//! Connections, the shared runtime and cluster metadata.
//!
//! - [`runtime`]: the process-wide tokio runtime;
//! - [`connection`]: one pipelined TCP connection to one broker, with ApiVersions negotiation;
//! - [`client`]: bootstrap, the connection pool with reconnect backoff, and the metadata cache;
//! - [`cluster`]: the immutable metadata snapshot (brokers, topics, partition leaders).

pub mod client;
pub mod cluster;
pub mod connection;
pub mod runtime;

pub use client::{Client, ClientConfig};
pub use cluster::{BrokerInfo, ClusterSnapshot, PartitionInfo, TopicInfo};
pub use connection::{Connection, ConnectionConfig};
