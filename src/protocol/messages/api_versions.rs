//! ApiVersions (key 18): which versions of each API the broker supports.
//!
//! We send v3 (flexible) first; a broker that does not know v3 answers with error
//! UNSUPPORTED_VERSION in a v0 body, and the connection retries with v0, as the Java client does.
//! The response header is always v0, even for flexible versions.

use crate::protocol::declare::kafka_api;

kafka_api! {
    ApiVersions: ApiVersionsRequest => ApiVersionsResponse, versions 0..=5, client ..=3, flexible 3;

    pub struct ApiVersionsRequest {
        /// v3+: the client software name and version (KIP-511).
        client_software_name: String => since(3).ignorable(),
        client_software_version: String => since(3).ignorable(),
        /// v5+: the cluster the client expects (KIP-1242), null when unknown.
        cluster_id: Option<String> => since(5).nullable().ignorable(),
        /// v5+: the node the client expects to reach (-1 when unknown).
        node_id: i32 = -1 => since(5).ignorable(),
    }

    #[derive(Copy)]
    pub struct ApiVersionRange {
        api_key: i16,
        min_version: i16,
        max_version: i16,
    }

    /// v3+ carries the broker's supported and the cluster's finalized features (KIP-584) as
    /// tagged fields, read by the admin client's `describe_features`.
    pub struct ApiVersionsResponse {
        error_code: i16,
        api_keys: Vec<ApiVersionRange>,
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        supported_features: Vec<SupportedFeatureKey> => since(3).tag(0).ignorable(),
        finalized_features_epoch: i64 = -1 => since(3).tag(1).ignorable(),
        finalized_features: Vec<FinalizedFeatureKey> => since(3).tag(2).ignorable(),
        zk_migration_ready: bool => since(3).tag(3).ignorable(),
    }

    pub struct SupportedFeatureKey {
        name: String,
        min_version: i16,
        max_version: i16,
    }

    pub struct FinalizedFeatureKey {
        name: String,
        max_version_level: i16,
        min_version_level: i16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;

    #[test]
    fn v5_request_bytes() {
        let r = ApiVersionsRequest {
            client_software_name: "a".into(),
            client_software_version: "b".into(),
            cluster_id: Some("c".into()),
            node_id: 3,
        };
        assert_eq!(encoded(&r, 5), [2, b'a', 2, b'b', 2, b'c', 0, 0, 0, 3, 0]);
        // v3 drops the (ignorable) cluster and node ids.
        assert_eq!(encoded(&r, 3), [2, b'a', 2, b'b', 0]);
    }
}
