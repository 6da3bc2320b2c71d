//! FindCoordinator (key 10): which broker coordinates a consumer group or transactional id.
//!
//! Versions 0..=6: v1 adds the key type (0 group, 1 transaction) and error message, v3 is
//! flexible, v4 batches keys (`coordinator_keys` / `coordinators`, KIP-699) instead of the single
//! `key` / top-level node fields. v5 (TRANSACTION_ABORTABLE, KIP-890) and v6 (share group keys,
//! KIP-932) change no field; the client stays at v4.
//!
//! Both shapes are supported. On encode, v4 with an empty `coordinator_keys` sends `[key]`, and
//! v0..=3 with an empty `key` and exactly one `coordinator_keys` entry sends that entry. On decode
//! each version fills only its own shape; [`FindCoordinatorResponse::coordinators`] gives a uniform
//! view of either.

use std::borrow::Cow;

use crate::protocol::declare::kafka_api;
use crate::protocol::{EncodeError, EncodeResult};

pub const KEY_TYPE_GROUP: i8 = 0;
pub const KEY_TYPE_TRANSACTION: i8 = 1;

kafka_api! {
    FindCoordinator: FindCoordinatorRequest => FindCoordinatorResponse, versions 0..=6, client ..=4, flexible 3,
        prepare for_version;

    pub struct FindCoordinatorRequest {
        /// v0..=3: the group id or transactional id.
        key: String => until(3),
        /// v1+.
        key_type: i8 => since(1).ignorable(),
        /// v4+.
        coordinator_keys: Vec<String> => since(4),
    }

    /// One coordinator (v4 batch entry, or the single v0..=3 answer via `coordinators()`).
    pub struct Coordinator {
        key: String,
        node_id: i32,
        host: String,
        port: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
    }

    pub struct FindCoordinatorResponse {
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        /// v0..=3.
        error_code: i16 => until(3),
        /// v1..=3.
        error_message: Option<String> => versions(1, 3).nullable().ignorable(),
        /// v0..=3.
        node_id: i32 => until(3),
        /// v0..=3.
        host: String => until(3),
        /// v0..=3.
        port: i32 => until(3),
        /// v4+.
        coordinators: Vec<Coordinator> => since(4),
    }
}

impl FindCoordinatorRequest {
    /// A request for one key, encodable at every version.
    pub fn new(key: impl Into<String>, key_type: i8) -> Self {
        Self { key: key.into(), key_type, coordinator_keys: Vec::new() }
    }
}

/// The request in the shape of `version`: v4 sends an empty batch as `[key]`; v0..=3 send `key`,
/// or the batch's only key when `key` is empty.
fn for_version(r: &FindCoordinatorRequest, version: i16) -> EncodeResult<Cow<'_, FindCoordinatorRequest>> {
    let (key, coordinator_keys) = if version >= 4 {
        let keys =
            if r.coordinator_keys.is_empty() { vec![r.key.clone()] } else { r.coordinator_keys.clone() };
        (String::new(), keys)
    } else {
        let key = match (r.key.is_empty(), r.coordinator_keys.as_slice()) {
            (true, [only]) => only.clone(),
            (true, [_, _, ..]) => {
                return Err(EncodeError::UnsupportedField { field: "coordinator_keys", version });
            }
            _ => r.key.clone(),
        };
        (key, Vec::new())
    };
    Ok(Cow::Owned(FindCoordinatorRequest { key, key_type: r.key_type, coordinator_keys }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::{Bytes, BytesMut};

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
