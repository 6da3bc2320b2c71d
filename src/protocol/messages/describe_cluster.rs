//! DescribeCluster (key 60): cluster id, controller and brokers (KIP-700).
//!
//! Flexible from v0. v1 adds the endpoint type (1 = brokers, 2 = controllers).

use crate::protocol::declare::kafka_api;

/// `endpoint_type` values.
pub const ENDPOINT_TYPE_BROKERS: i8 = 1;
pub const ENDPOINT_TYPE_CONTROLLERS: i8 = 2;

kafka_api! {
    DescribeCluster: DescribeClusterRequest => DescribeClusterResponse, versions 0..=2, flexible 0;

    pub struct DescribeClusterRequest {
        include_cluster_authorized_operations: bool,
        /// v1+ (default 1 = brokers). Cannot be anything else at v0.
        endpoint_type: i8 = ENDPOINT_TYPE_BROKERS => since(1),
        /// v2+: list fenced brokers too (KIP-1073).
        include_fenced_brokers: bool => since(2),
    }

    pub struct DescribeClusterResponse {
        throttle_time_ms: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
        /// v1+ (default 1 = brokers).
        endpoint_type: i8 = ENDPOINT_TYPE_BROKERS => since(1).ignorable(),
        cluster_id: String,
        /// Default -1.
        controller_id: i32 = -1,
        brokers: Vec<DescribeClusterBroker>,
        /// Bitfield of authorized operations (default `i32::MIN` = not requested).
        cluster_authorized_operations: i32 = i32::MIN,
    }

    pub struct DescribeClusterBroker {
        broker_id: i32,
        host: String,
        port: i32,
        rack: Option<String> => nullable(),
        /// v2+.
        is_fenced: bool => since(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn request_bytes() {
        let mut b = BytesMut::new();
        DescribeClusterRequest::default().encode(&mut b, 0).unwrap();
        assert_eq!(&b[..], &[0, 0]);
        let mut b = BytesMut::new();
        let r = DescribeClusterRequest {
            include_cluster_authorized_operations: true,
            endpoint_type: 2,
            include_fenced_brokers: false,
        };
        r.encode(&mut b, 1).unwrap();
        assert_eq!(&b[..], &[1, 2, 0]);
        assert!(r.encode(&mut BytesMut::new(), 0).is_err());
    }
}
