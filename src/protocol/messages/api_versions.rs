//! ApiVersions (key 18): which versions of each API the broker supports.
//!
//! We send v3 (flexible) first; a broker that does not know v3 answers with error
//! UNSUPPORTED_VERSION in a v0 body, and the connection retries with v0, as the Java client does.
//! The response header is always v0, even for flexible versions.

use crate::protocol::declare::kafka_api;

kafka_api! {
    ApiVersions: ApiVersionsRequest => ApiVersionsResponse, versions 0..=3, flexible 3;

    pub struct ApiVersionsRequest {
        /// v3+: the client software name and version (KIP-511).
        client_software_name: String => since(3).ignorable(),
        client_software_version: String => since(3).ignorable(),
    }

    #[derive(Copy)]
    pub struct ApiVersionRange {
        api_key: i16,
        min_version: i16,
        max_version: i16,
    }

    /// The tagged fields of v3+ (supported and finalized features, ZK migration readiness) are not
    /// needed by a client and are skipped.
    pub struct ApiVersionsResponse {
        error_code: i16,
        api_keys: Vec<ApiVersionRange>,
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
    }
}
