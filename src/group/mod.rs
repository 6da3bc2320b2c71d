//! Consumer-group coordination: the client side of Kafka's group membership protocol.
//!
//! - [`assignor`]: the partition assignors (range, roundrobin, sticky, cooperative-sticky) and the
//!   `GroupAssignor` trait through which the coordinator also runs an application's assignors;
//! - [`coordinator`]: coordinator discovery (mod.rs), join/sync/heartbeat/leave (`membership`),
//!   offset commit/fetch (`offsets`);
//! - [`consumer_group`]: KIP-848's `consumer` protocol (ConsumerGroupHeartbeat, broker-side
//!   assignment, incremental reconciliation), on the coordinator's connection and offsets.

pub mod assignor;
pub mod consumer_group;
pub mod coordinator;

pub use consumer_group::ConsumerGroupMember;
pub use coordinator::{
    CommitOffset, Committed, Coordinator, CustomAssignors, GroupConfig, GroupProtocol, JoinResult,
};
