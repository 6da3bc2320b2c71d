//! ListConfigResources (key 74, KIP-1142; ListClientMetricsResources before Kafka 4.1): the config
//! resources the cluster knows, optionally of some types.
//!
//! Versions 0..=1, flexible from 0: v0 lists client-metrics resources only; v1 adds the type
//! filter and each resource's type.

use crate::protocol::declare::kafka_api;

/// ConfigResource type code of client-metrics resources (v0's only kind).
pub const RESOURCE_CLIENT_METRICS: i8 = 16;

kafka_api! {
    ListConfigResources: ListConfigResourcesRequest => ListConfigResourcesResponse, versions 0..=1, flexible 0;

    pub struct ListConfigResourcesRequest {
        /// v1+: the types to list (empty: every type).
        resource_types: Vec<i8> => since(1),
    }

    pub struct ListConfigResourcesResponse {
        throttle_time_ms: i32,
        error_code: i16,
        config_resources: Vec<ListedConfigResource>,
    }

    pub struct ListedConfigResource {
        resource_name: String,
        /// v1+.
        resource_type: i8 = RESOURCE_CLIENT_METRICS => since(1).ignorable(),
    }
}
