//! AlterConfigs (key 33): replace the whole configuration of resources (the non-incremental,
//! legacy form; see IncrementalAlterConfigs).
//!
//! v1 is identical to v0, v2 is flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    AlterConfigs: AlterConfigsRequest => AlterConfigsResponse, versions 0..=2, flexible 2;

    pub struct AlterConfigsRequest {
        resources: Vec<AlterConfigsResource>,
        /// Validate only, change nothing.
        validate_only: bool,
    }

    pub struct AlterConfigsResource {
        resource_type: i8,
        resource_name: String,
        configs: Vec<AlterableConfig>,
    }

    pub struct AlterableConfig {
        name: String,
        value: Option<String> => nullable(),
    }

    pub struct AlterConfigsResponse {
        throttle_time_ms: i32,
        responses: Vec<AlterConfigsResourceResponse>,
    }

    /// Per-resource result; shared with IncrementalAlterConfigs, whose response has the same shape.
    pub struct AlterConfigsResourceResponse {
        error_code: i16,
        error_message: Option<String> => nullable(),
        resource_type: i8,
        resource_name: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn v2_request_bytes() {
        let r = AlterConfigsRequest {
            resources: vec![AlterConfigsResource {
                resource_type: 2,
                resource_name: "t".into(),
                configs: vec![AlterableConfig { name: "k".into(), value: Some("v".into()) }],
            }],
            validate_only: false,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 2).unwrap();
        assert_eq!(&b[..], &[2, 2, 2, b't', 2, 2, b'k', 2, b'v', 0, 0, 0, 0]);
    }
}
