//! IncrementalAlterConfigs (key 44): set, delete, append to or subtract from individual config
//! entries of resources.
//!
//! v1 is flexible. The response has the same shape as AlterConfigs' and reuses its
//! [`AlterConfigsResourceResponse`].

pub use super::alter_configs::AlterConfigsResourceResponse;
use crate::protocol::declare::kafka_api;

/// `config_operation` values.
pub const CONFIG_OP_SET: i8 = 0;
pub const CONFIG_OP_DELETE: i8 = 1;
pub const CONFIG_OP_APPEND: i8 = 2;
pub const CONFIG_OP_SUBTRACT: i8 = 3;

kafka_api! {
    IncrementalAlterConfigs: IncrementalAlterConfigsRequest => IncrementalAlterConfigsResponse,
        versions 0..=1, flexible 1;

    pub struct IncrementalAlterConfigsRequest {
        resources: Vec<IncrementalAlterConfigsResource>,
        /// Validate only, change nothing.
        validate_only: bool,
    }

    pub struct IncrementalAlterConfigsResource {
        resource_type: i8,
        resource_name: String,
        configs: Vec<IncrementalAlterableConfig>,
    }

    pub struct IncrementalAlterableConfig {
        name: String,
        /// One of the `CONFIG_OP_*` values.
        config_operation: i8,
        value: Option<String> => nullable(),
    }

    pub struct IncrementalAlterConfigsResponse {
        throttle_time_ms: i32,
        responses: Vec<AlterConfigsResourceResponse>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn v0_request_bytes() {
        let r = IncrementalAlterConfigsRequest {
            resources: vec![IncrementalAlterConfigsResource {
                resource_type: 2,
                resource_name: "t".into(),
                configs: vec![IncrementalAlterableConfig {
                    name: "k".into(),
                    config_operation: CONFIG_OP_DELETE,
                    value: None,
                }],
            }],
            validate_only: true,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        #[rustfmt::skip]
        let expected: &[u8] = &[
            0, 0, 0, 1, 2, 0, 1, b't',
            0, 0, 0, 1, 0, 1, b'k', 1, 0xff, 0xff,
            1,
        ];
        assert_eq!(&b[..], expected);
    }
}
