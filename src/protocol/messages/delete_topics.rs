//! DeleteTopics (key 20): delete topics by name (v0-v5) or by name or topic id (v6+).
//!
//! v1 adds the response throttle time, v4 is flexible, v5 adds per-topic error messages. v6
//! replaces the list of names with `topics` entries that carry a nullable name and a topic id,
//! and the response may then carry a null name with the topic id.
//!
//! The request keeps both forms as the schema does. When encoding, whichever list is empty is
//! derived from the other, like the Java client's builder: at v6+ `topic_names` become entries
//! with a zero topic id; below v6 the names of `topics` are sent (an entry without a name cannot
//! be sent there). Decoding fills only the list that is on the wire.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 6;
const FLEXIBLE: i16 = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteTopicsRequest {
    /// v6+: topics by name or id.
    pub topics: Vec<DeleteTopicState>,
    /// v0-v5: topic names.
    pub topic_names: Vec<String>,
    pub timeout_ms: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteTopicState {
    /// The topic name, or None to delete by id.
    pub name: Option<String>,
    /// The topic id; all zeros to delete by name.
    pub topic_id: [u8; 16],
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteTopicsResponse {
    /// v1+.
    pub throttle_time_ms: i32,
    pub responses: Vec<DeletableTopicResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeletableTopicResult {
    /// Nullable only at v6+ (a topic deleted by id may come back without a name).
    pub name: Option<String>,
    /// v6+.
    pub topic_id: [u8; 16],
    pub error_code: i16,
    /// v5+.
    pub error_message: Option<String>,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for DeleteTopicsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DeleteTopicsRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        if version >= 6 {
            let put_state = |b: &mut BytesMut, name: Option<&str>, id: &[u8; 16]| -> EncodeResult {
                put_nullable_string(b, name, true)?;
                put_uuid(b, id);
                put_empty_tagged_fields(b);
                Ok(())
            };
            if self.topics.is_empty() && !self.topic_names.is_empty() {
                put_array(buf, &self.topic_names, true, |b, n| put_state(b, Some(n), &[0; 16]))?;
            } else {
                put_array(buf, &self.topics, true, |b, t| put_state(b, t.name.as_deref(), &t.topic_id))?;
            }
        } else if self.topic_names.is_empty() && !self.topics.is_empty() {
            put_array(buf, &self.topics, flexible, |b, t| match &t.name {
                Some(n) => put_string(b, n, flexible),
                None => Err(EncodeError::UnsupportedField { field: "topics[].topic_id", version }),
            })?;
        } else {
            put_array(buf, &self.topic_names, flexible, |b, n| put_string(b, n, flexible))?;
        }
        put_i32(buf, self.timeout_ms);
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DeleteTopicsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let mut out = Self::default();
        if version >= 6 {
            out.topics = get_array(buf, true, |b| {
                let t = DeleteTopicState { name: get_nullable_string(b, true)?, topic_id: get_uuid(b)? };
                get_tagged_fields(b)?;
                Ok(t)
            })?;
        } else {
            out.topic_names = get_array(buf, flexible, |b| get_string(b, flexible))?;
        }
        out.timeout_ms = get_i32(buf)?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(out)
    }
}

impl Message for DeleteTopicsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DeleteTopicsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        if version >= 1 {
            put_i32(buf, self.throttle_time_ms);
        }
        put_array(buf, &self.responses, flexible, |b, r| {
            if version >= 6 {
                put_nullable_string(b, r.name.as_deref(), flexible)?;
                put_uuid(b, &r.topic_id);
            } else {
                let name =
                    r.name.as_deref().ok_or(EncodeError::UnsupportedField { field: "null name", version })?;
                put_string(b, name, flexible)?;
            }
            put_i16(b, r.error_code);
            if version >= 5 {
                put_nullable_string(b, r.error_message.as_deref(), flexible)?;
            }
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DeleteTopicsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = if version >= 1 { get_i32(buf)? } else { 0 };
        let responses = get_array(buf, flexible, |b| {
            let mut r = DeletableTopicResult::default();
            if version >= 6 {
                r.name = get_nullable_string(b, flexible)?;
                r.topic_id = get_uuid(b)?;
            } else {
                r.name = Some(get_string(b, flexible)?);
            }
            r.error_code = get_i16(b)?;
            if version >= 5 {
                r.error_message = get_nullable_string(b, flexible)?;
            }
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(r)
        })?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, responses })
    }
}

impl Request for DeleteTopicsRequest {
    const API_KEY: ApiKey = ApiKey::DeleteTopics;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = DeleteTopicsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn result() -> impl Strategy<Value = DeletableTopicResult> {
        (option::of("[a-z._-]{0,12}"), any::<[u8; 16]>(), any::<i16>(), option::of("[ -~]{0,16}")).prop_map(
            |(name, topic_id, error_code, error_message)| DeletableTopicResult {
                name,
                topic_id,
                error_code,
                error_message,
            },
        )
    }

    fn arb_request() -> impl Strategy<Value = DeleteTopicsRequest> {
        (vec("[a-z._-]{0,12}", 0..5), vec((option::of("[a-z]{0,8}"), any::<[u8; 16]>()), 0..5), any::<i32>())
            .prop_map(|(topic_names, states, timeout_ms)| DeleteTopicsRequest {
                topics: states
                    .into_iter()
                    .map(|(name, topic_id)| DeleteTopicState { name, topic_id })
                    .collect(),
                topic_names,
                timeout_ms,
            })
    }

    /// v6 deletes by state (name or id), v0..=5 by name.
    fn canon_request(mut r: DeleteTopicsRequest, v: i16) -> DeleteTopicsRequest {
        if v >= 6 {
            r.topic_names.clear();
        } else {
            r.topics.clear();
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = DeleteTopicsResponse> {
        (any::<i32>(), vec(result(), 0..5))
            .prop_map(|(throttle_time_ms, responses)| DeleteTopicsResponse { throttle_time_ms, responses })
    }

    fn canon_response(mut r: DeleteTopicsResponse, v: i16) -> DeleteTopicsResponse {
        if v < 1 {
            r.throttle_time_ms = 0;
        }
        for t in &mut r.responses {
            if v < 6 {
                t.topic_id = [0; 16];
                t.name.get_or_insert_with(String::new);
            }
            if v < 5 {
                t.error_message = None;
            }
        }
        r
    }

    message_proptests!(0..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 128);

    #[test]
    fn names_and_states_convert() {
        let by_name = DeleteTopicsRequest { topic_names: vec!["a".into()], ..Default::default() };
        let mut b = BytesMut::new();
        by_name.encode(&mut b, 6).unwrap();
        let back = DeleteTopicsRequest::decode(&mut b.freeze(), 6).unwrap();
        assert_eq!(back.topics, vec![DeleteTopicState { name: Some("a".into()), topic_id: [0; 16] }]);

        let by_state = DeleteTopicsRequest { topics: back.topics.clone(), ..Default::default() };
        let mut b = BytesMut::new();
        by_state.encode(&mut b, 5).unwrap();
        let back = DeleteTopicsRequest::decode(&mut b.freeze(), 5).unwrap();
        assert_eq!(back.topic_names, vec!["a".to_string()]);

        let by_id = DeleteTopicsRequest {
            topics: vec![DeleteTopicState { name: None, topic_id: [7; 16] }],
            ..Default::default()
        };
        assert!(by_id.encode(&mut BytesMut::new(), 5).is_err());
        assert!(by_id.encode(&mut BytesMut::new(), 6).is_ok());
    }

    #[test]
    fn v0_request_bytes() {
        let r = DeleteTopicsRequest { topic_names: vec!["ab".into()], timeout_ms: 7, ..Default::default() };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        assert_eq!(&b[..], &[0, 0, 0, 1, 0, 2, b'a', b'b', 0, 0, 0, 7]);
    }
}
