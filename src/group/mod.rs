//! Consumer-group coordination: the client side of Kafka's group membership protocol.
//!
//! Currently only the partition assignors live here ([`assignor`]); the group coordinator
//! state machine (join/sync/heartbeat, offset commits) is added alongside them.

pub mod assignor;
