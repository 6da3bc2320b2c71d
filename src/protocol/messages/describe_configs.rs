//! DescribeConfigs (key 32): the configuration of topics, brokers and other resources.
//!
//! v0 reports `is_default` per entry; v1 replaces it with `config_source` and adds synonyms
//! (requested with `include_synonyms`); v2 is identical to v1; v3 adds the config type and
//! documentation (requested with `include_documentation`); v4 is flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeConfigs: DescribeConfigsRequest => DescribeConfigsResponse, versions 0..=4, flexible 4;

    pub struct DescribeConfigsRequest {
        resources: Vec<DescribeConfigsResource>,
        /// v1+. `true` cannot be sent at v0.
        include_synonyms: bool => since(1),
        /// v3+. `true` cannot be sent below v3.
        include_documentation: bool => since(3),
    }

    pub struct DescribeConfigsResource {
        /// 2 = topic, 4 = broker, 8 = broker logger, ...
        resource_type: i8,
        resource_name: String,
        /// The keys to describe, or None for all.
        configuration_keys: Option<Vec<String>> => nullable(),
    }

    pub struct DescribeConfigsResponse {
        throttle_time_ms: i32,
        results: Vec<DescribeConfigsResult>,
    }

    pub struct DescribeConfigsResult {
        error_code: i16,
        error_message: Option<String> => nullable(),
        resource_type: i8,
        resource_name: String,
        configs: Vec<DescribeConfigsResourceResult>,
    }

    /// One config entry of a described resource.
    pub struct DescribeConfigsResourceResult {
        name: String,
        value: Option<String> => nullable(),
        read_only: bool,
        /// v0 only.
        is_default: bool => until(0).ignorable(),
        /// v1+ (default -1).
        config_source: i8 = -1 => since(1).ignorable(),
        is_sensitive: bool,
        /// v1+.
        synonyms: Vec<DescribeConfigsSynonym> => since(1).ignorable(),
        /// v3+ (default 0 = unknown).
        config_type: i8 => since(3).ignorable(),
        /// v3+.
        documentation: Option<String> => since(3).nullable().ignorable(),
    }

    pub struct DescribeConfigsSynonym {
        name: String,
        value: Option<String> => nullable(),
        source: i8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn v1_request_bytes() {
        let r = DescribeConfigsRequest {
            resources: vec![DescribeConfigsResource {
                resource_type: 2,
                resource_name: "t".into(),
                configuration_keys: None,
            }],
            include_synonyms: true,
            include_documentation: false,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 1).unwrap();
        assert_eq!(&b[..], &[0, 0, 0, 1, 2, 0, 1, b't', 0xff, 0xff, 0xff, 0xff, 1]);
        assert!(r.encode(&mut BytesMut::new(), 0).is_err());
    }
}
