//! DescribeCluster (key 60): cluster id, controller and brokers (KIP-700).
//!
//! Flexible from v0. v1 adds the endpoint type (1 = brokers, 2 = controllers).

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 1;

/// `endpoint_type` values.
pub const ENDPOINT_TYPE_BROKERS: i8 = 1;
pub const ENDPOINT_TYPE_CONTROLLERS: i8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeClusterRequest {
    pub include_cluster_authorized_operations: bool,
    /// v1+ (default 1 = brokers). Cannot be anything else at v0.
    pub endpoint_type: i8,
}

impl Default for DescribeClusterRequest {
    fn default() -> Self {
        Self { include_cluster_authorized_operations: false, endpoint_type: ENDPOINT_TYPE_BROKERS }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeClusterResponse {
    pub throttle_time_ms: i32,
    pub error_code: i16,
    pub error_message: Option<String>,
    /// v1+ (default 1 = brokers).
    pub endpoint_type: i8,
    pub cluster_id: String,
    /// Default -1.
    pub controller_id: i32,
    pub brokers: Vec<DescribeClusterBroker>,
    /// Bitfield of authorized operations (default `i32::MIN` = not requested).
    pub cluster_authorized_operations: i32,
}

impl Default for DescribeClusterResponse {
    fn default() -> Self {
        Self {
            throttle_time_ms: 0,
            error_code: 0,
            error_message: None,
            endpoint_type: ENDPOINT_TYPE_BROKERS,
            cluster_id: String::new(),
            controller_id: -1,
            brokers: Vec::new(),
            cluster_authorized_operations: i32::MIN,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeClusterBroker {
    pub broker_id: i32,
    pub host: String,
    pub port: i32,
    pub rack: Option<String>,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for DescribeClusterRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeClusterRequest", version, 0, MAX)?;
        if version < 1 && self.endpoint_type != ENDPOINT_TYPE_BROKERS {
            return Err(EncodeError::UnsupportedField { field: "endpoint_type", version });
        }
        put_bool(buf, self.include_cluster_authorized_operations);
        if version >= 1 {
            put_i8(buf, self.endpoint_type);
        }
        put_empty_tagged_fields(buf);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DescribeClusterRequest", version)?;
        let include_cluster_authorized_operations = get_bool(buf)?;
        let endpoint_type = if version >= 1 { get_i8(buf)? } else { ENDPOINT_TYPE_BROKERS };
        get_tagged_fields(buf)?;
        Ok(Self { include_cluster_authorized_operations, endpoint_type })
    }
}

impl Message for DescribeClusterResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DescribeClusterResponse", version, 0, MAX)?;
        put_i32(buf, self.throttle_time_ms);
        put_i16(buf, self.error_code);
        put_nullable_string(buf, self.error_message.as_deref(), true)?;
        if version >= 1 {
            put_i8(buf, self.endpoint_type);
        }
        put_string(buf, &self.cluster_id, true)?;
        put_i32(buf, self.controller_id);
        put_array(buf, &self.brokers, true, |b, br| {
            put_i32(b, br.broker_id);
            put_string(b, &br.host, true)?;
            put_i32(b, br.port);
            put_nullable_string(b, br.rack.as_deref(), true)?;
            put_empty_tagged_fields(b);
            Ok(())
        })?;
        put_i32(buf, self.cluster_authorized_operations);
        put_empty_tagged_fields(buf);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DescribeClusterResponse", version)?;
        let throttle_time_ms = get_i32(buf)?;
        let error_code = get_i16(buf)?;
        let error_message = get_nullable_string(buf, true)?;
        let endpoint_type = if version >= 1 { get_i8(buf)? } else { ENDPOINT_TYPE_BROKERS };
        let cluster_id = get_string(buf, true)?;
        let controller_id = get_i32(buf)?;
        let brokers = get_array(buf, true, |b| {
            let br = DescribeClusterBroker {
                broker_id: get_i32(b)?,
                host: get_string(b, true)?,
                port: get_i32(b)?,
                rack: get_nullable_string(b, true)?,
            };
            get_tagged_fields(b)?;
            Ok(br)
        })?;
        let cluster_authorized_operations = get_i32(buf)?;
        get_tagged_fields(buf)?;
        Ok(Self {
            throttle_time_ms,
            error_code,
            error_message,
            endpoint_type,
            cluster_id,
            controller_id,
            brokers,
            cluster_authorized_operations,
        })
    }
}

impl Request for DescribeClusterRequest {
    const API_KEY: ApiKey = ApiKey::DescribeCluster;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = 0;
    type Response = DescribeClusterResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn broker() -> impl Strategy<Value = DescribeClusterBroker> {
        (any::<i32>(), "[a-z0-9.-]{0,16}", any::<i32>(), option::of("[a-z0-9-]{0,8}"))
            .prop_map(|(broker_id, host, port, rack)| DescribeClusterBroker { broker_id, host, port, rack })
    }

    fn arb_request() -> impl Strategy<Value = DescribeClusterRequest> {
        (any::<bool>(), any::<i8>()).prop_map(|(include_cluster_authorized_operations, endpoint_type)| {
            DescribeClusterRequest { include_cluster_authorized_operations, endpoint_type }
        })
    }

    fn canon_request(mut r: DescribeClusterRequest, v: i16) -> DescribeClusterRequest {
        if v < 1 {
            r.endpoint_type = ENDPOINT_TYPE_BROKERS;
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = DescribeClusterResponse> {
        (
            (any::<i32>(), any::<i16>(), option::of("[ -~]{0,16}"), any::<i8>()),
            "[A-Za-z0-9_-]{0,22}",
            any::<i32>(),
            vec(broker(), 0..4),
            any::<i32>(),
        )
            .prop_map(|((t, e, msg, et), cluster_id, controller_id, brokers, ops)| {
                DescribeClusterResponse {
                    throttle_time_ms: t,
                    error_code: e,
                    error_message: msg,
                    endpoint_type: et,
                    cluster_id,
                    controller_id,
                    brokers,
                    cluster_authorized_operations: ops,
                }
            })
    }

    fn canon_response(mut r: DescribeClusterResponse, v: i16) -> DescribeClusterResponse {
        if v < 1 {
            r.endpoint_type = ENDPOINT_TYPE_BROKERS;
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn request_bytes() {
        let mut b = BytesMut::new();
        DescribeClusterRequest::default().encode(&mut b, 0).unwrap();
        assert_eq!(&b[..], &[0, 0]);
        let mut b = BytesMut::new();
        let r = DescribeClusterRequest { include_cluster_authorized_operations: true, endpoint_type: 2 };
        r.encode(&mut b, 1).unwrap();
        assert_eq!(&b[..], &[1, 2, 0]);
        assert!(r.encode(&mut BytesMut::new(), 0).is_err());
    }
}
