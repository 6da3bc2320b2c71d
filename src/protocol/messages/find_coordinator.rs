//! FindCoordinator (key 10): which broker coordinates a consumer group or transactional id.
//!
//! Versions 0..=4: v1 adds the key type (0 group, 1 transaction) and error message, v3 is
//! flexible, v4 batches keys (`coordinator_keys` / `coordinators`, KIP-699) instead of the single
//! `key` / top-level node fields.
//!
//! Both shapes are supported. On encode, v4 with an empty `coordinator_keys` sends `[key]`, and
//! v0..=3 with an empty `key` and exactly one `coordinator_keys` entry sends that entry. On decode
//! each version fills only its own shape; [`FindCoordinatorResponse::coordinators`] gives a uniform
//! view of either.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 4;
const FLEXIBLE_FROM: i16 = 3;

pub const KEY_TYPE_GROUP: i8 = 0;
pub const KEY_TYPE_TRANSACTION: i8 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindCoordinatorRequest {
    /// v0..=3: the group id or transactional id.
    pub key: String,
    /// v1+.
    pub key_type: i8,
    /// v4+.
    pub coordinator_keys: Vec<String>,
}

impl FindCoordinatorRequest {
    /// A request for one key, encodable at every version.
    pub fn new(key: impl Into<String>, key_type: i8) -> Self {
        Self { key: key.into(), key_type, coordinator_keys: Vec::new() }
    }
}

/// One coordinator (v4 batch entry, or the single v0..=3 answer via `coordinators()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coordinator {
    pub key: String,
    pub node_id: i32,
    pub host: String,
    pub port: i32,
    pub error_code: i16,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindCoordinatorResponse {
    /// v1+.
    pub throttle_time_ms: i32,
    /// v0..=3.
    pub error_code: i16,
    /// v1..=3.
    pub error_message: Option<String>,
    /// v0..=3.
    pub node_id: i32,
    /// v0..=3.
    pub host: String,
    /// v0..=3.
    pub port: i32,
    /// v4+.
    pub coordinators: Vec<Coordinator>,
}

impl FindCoordinatorResponse {
    /// The answer as a list in either shape: the v4 batch, or the single v0..=3 answer with
    /// `key` set to `key`.
    pub fn coordinators(&self, key: &str) -> Vec<Coordinator> {
        if !self.coordinators.is_empty() {
            return self.coordinators.clone();
        }
        vec![Coordinator {
            key: key.to_owned(),
            node_id: self.node_id,
            host: self.host.clone(),
            port: self.port,
            error_code: self.error_code,
            error_message: self.error_message.clone(),
        }]
    }
}

impl Message for FindCoordinatorRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("FindCoordinatorRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 4 {
            put_i8(buf, self.key_type);
            if self.coordinator_keys.is_empty() {
                put_array(buf, std::slice::from_ref(&self.key), true, |b, k| put_string(b, k, true))?;
            } else {
                put_array(buf, &self.coordinator_keys, true, |b, k| put_string(b, k, true))?;
            }
        } else {
            let key = match (self.key.is_empty(), self.coordinator_keys.as_slice()) {
                (true, [only]) => only.as_str(),
                (_, []) => self.key.as_str(),
                (true, _) => {
                    return Err(EncodeError::UnsupportedField { field: "coordinator_keys", version });
                }
                (false, _) => self.key.as_str(),
            };
            put_string(buf, key, flexible)?;
            if version >= 1 {
                put_i8(buf, self.key_type);
            }
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let mut out = Self::default();
        if version >= 4 {
            out.key_type = get_i8(buf)?;
            out.coordinator_keys = get_array(buf, true, |b| get_string(b, true))?;
        } else {
            out.key = get_string(buf, flexible)?;
            if version >= 1 {
                out.key_type = get_i8(buf)?;
            }
        }
        skip_tags(buf, flexible)?;
        Ok(out)
    }
}

impl Message for FindCoordinatorResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("FindCoordinatorResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        if version >= 4 {
            put_array(buf, &self.coordinators, true, |b, c| {
                put_string(b, &c.key, true)?;
                put_i32(b, c.node_id);
                put_string(b, &c.host, true)?;
                put_i32(b, c.port);
                put_i16(b, c.error_code);
                put_nullable_string(b, c.error_message.as_deref(), true)?;
                put_empty_tagged_fields(b);
                Ok(())
            })?;
        } else {
            put_i16(buf, self.error_code);
            if version >= 1 {
                put_nullable_string(buf, self.error_message.as_deref(), flexible)?;
            }
            put_i32(buf, self.node_id);
            put_string(buf, &self.host, flexible)?;
            put_i32(buf, self.port);
        }
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let mut out = Self::default();
        if version >= 1 {
            out.throttle_time_ms = get_i32(buf)?;
        }
        if version >= 4 {
            out.coordinators = get_array(buf, true, |b| {
                let c = Coordinator {
                    key: get_string(b, true)?,
                    node_id: get_i32(b)?,
                    host: get_string(b, true)?,
                    port: get_i32(b)?,
                    error_code: get_i16(b)?,
                    error_message: get_nullable_string(b, true)?,
                };
                skip_tags(b, true)?;
                Ok(c)
            })?;
        } else {
            out.error_code = get_i16(buf)?;
            if version >= 1 {
                out.error_message = get_nullable_string(buf, flexible)?;
            }
            out.node_id = get_i32(buf)?;
            out.host = get_string(buf, flexible)?;
            out.port = get_i32(buf)?;
        }
        skip_tags(buf, flexible)?;
        Ok(out)
    }
}

impl Request for FindCoordinatorRequest {
    const API_KEY: ApiKey = ApiKey::FindCoordinator;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = FindCoordinatorResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_coordinator() -> impl Strategy<Value = Coordinator> {
        (string(), any::<i32>(), string(), any::<i32>(), any::<i16>(), opt_string()).prop_map(
            |(key, node_id, host, port, error_code, error_message)| Coordinator {
                key,
                node_id,
                host,
                port,
                error_code,
                error_message,
            },
        )
    }

    fn arb_request() -> impl Strategy<Value = FindCoordinatorRequest> {
        (string(), any::<i8>(), vec(string(), 4)).prop_map(|(key, key_type, coordinator_keys)| {
            FindCoordinatorRequest { key, key_type, coordinator_keys }
        })
    }

    fn canon_request(mut r: FindCoordinatorRequest, v: i16) -> FindCoordinatorRequest {
        if v >= 4 {
            r.key.clear();
            // An empty batch is sent as `[key]`, i.e. `[""]`.
            if r.coordinator_keys.is_empty() {
                r.coordinator_keys.push(String::new());
            }
        } else {
            r.coordinator_keys.clear();
            if v < 1 {
                r.key_type = 0;
            }
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = FindCoordinatorResponse> {
        (
            (any::<i32>(), any::<i16>(), opt_string()),
            (any::<i32>(), string(), any::<i32>()),
            vec(arb_coordinator(), 3),
        )
            .prop_map(|((t, e, msg), (node, host, port), cs)| FindCoordinatorResponse {
                throttle_time_ms: t,
                error_code: e,
                error_message: msg,
                node_id: node,
                host,
                port,
                coordinators: cs,
            })
    }

    fn canon_response(r: FindCoordinatorResponse, v: i16) -> FindCoordinatorResponse {
        if v >= 4 {
            FindCoordinatorResponse {
                throttle_time_ms: r.throttle_time_ms,
                coordinators: r.coordinators,
                ..Default::default()
            }
        } else {
            FindCoordinatorResponse {
                throttle_time_ms: if v >= 1 { r.throttle_time_ms } else { 0 },
                error_message: if v >= 1 { r.error_message } else { None },
                coordinators: vec![],
                ..r
            }
        }
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn both_shapes() {
        let r = FindCoordinatorRequest::new("g", KEY_TYPE_GROUP);
        assert_eq!(encoded(&r, 0), [0, 1, b'g']);
        assert_eq!(encoded(&r, 1), [0, 1, b'g', 0]);
        assert_eq!(encoded(&r, 3), [2, b'g', 0, 0]);
        // v4: key type, compact array ["g"], tags.
        assert_eq!(encoded(&r, 4), [0, 2, 2, b'g', 0]);
        let back = FindCoordinatorRequest::decode(&mut Bytes::from(encoded(&r, 4)), 4).unwrap();
        assert_eq!(back.coordinator_keys, vec!["g".to_string()]);
        assert_eq!(encoded(&back, 2), [0, 1, b'g', 0]);
        let two =
            FindCoordinatorRequest { coordinator_keys: vec!["a".into(), "b".into()], ..Default::default() };
        assert!(two.encode(&mut BytesMut::new(), 3).is_err());

        // v0 response: error 0, node 1, "h", port 9092.
        static V0: [u8; 13] = [0, 0, 0, 0, 0, 1, 0, 1, b'h', 0, 0, 0x23, 0x84];
        let resp = FindCoordinatorResponse::decode(&mut Bytes::from_static(&V0), 0).unwrap();
        let cs = resp.coordinators("g");
        assert_eq!(cs.len(), 1);
        assert_eq!((cs[0].key.as_str(), cs[0].node_id, cs[0].host.as_str(), cs[0].port), ("g", 1, "h", 9092));
    }
}
