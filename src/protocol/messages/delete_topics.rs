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

use std::borrow::Cow;

use crate::protocol::declare::kafka_api;
use crate::protocol::{EncodeError, EncodeResult};

kafka_api! {
    DeleteTopics: DeleteTopicsRequest => DeleteTopicsResponse, versions 0..=6, flexible 4,
        prepare for_version;

    pub struct DeleteTopicsRequest {
        /// v6+: topics by name or id.
        topics: Vec<DeleteTopicState> => since(6),
        /// v0-v5: topic names.
        topic_names: Vec<String> => until(5),
        timeout_ms: i32,
    }

    pub struct DeleteTopicState {
        /// The topic name, or None to delete by id.
        name: Option<String> => nullable(),
        /// The topic id; all zeros to delete by name.
        topic_id: [u8; 16],
    }

    pub struct DeleteTopicsResponse {
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        responses: Vec<DeletableTopicResult>,
    }

    pub struct DeletableTopicResult {
        /// Nullable only at v6+ (a topic deleted by id may come back without a name).
        name: Option<String> => always().nullable_since(6),
        /// v6+.
        topic_id: [u8; 16] => since(6).ignorable(),
        error_code: i16,
        /// v5+.
        error_message: Option<String> => since(5).nullable().ignorable(),
    }
}

/// The request in the shape of `version`: the list the version lacks is derived from the other
/// when it is the only one set, and dropped otherwise.
fn for_version(r: &DeleteTopicsRequest, version: i16) -> EncodeResult<Cow<'_, DeleteTopicsRequest>> {
    let (topics, topic_names) = if version >= 6 {
        let topics = if r.topics.is_empty() {
            r.topic_names
                .iter()
                .map(|n| DeleteTopicState { name: Some(n.clone()), topic_id: [0; 16] })
                .collect()
        } else {
            r.topics.clone()
        };
        (topics, Vec::new())
    } else {
        let names = if r.topic_names.is_empty() {
            r.topics
                .iter()
                .map(|t| {
                    t.name
                        .clone()
                        .ok_or(EncodeError::UnsupportedField { field: "topics[].topic_id", version })
                })
                .collect::<EncodeResult<_>>()?
        } else {
            r.topic_names.clone()
        };
        (Vec::new(), names)
    };
    Ok(Cow::Owned(DeleteTopicsRequest { topics, topic_names, timeout_ms: r.timeout_ms }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

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
