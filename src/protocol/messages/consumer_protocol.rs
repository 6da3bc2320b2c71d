//! The "consumer" embedded protocol: the bytes inside JoinGroup protocol metadata
//! ([`ConsumerProtocolSubscription`]) and SyncGroup assignments ([`ConsumerProtocolAssignment`]).
//!
//! Versions 0..=3, never flexible. On the wire each is prefixed by its i16 version
//! ([`ConsumerProtocolSubscription::to_bytes`] / [`from_bytes`](ConsumerProtocolSubscription::from_bytes)).
//! As in the Java client, a version above 3 is read as version 3 (newer versions only append
//! fields) and trailing bytes are ignored, so members running newer clients interoperate.
//! Subscription v1 adds owned partitions (cooperative rebalancing), v2 the generation id, v3 the
//! rack id. The assignment layout is the same in every version.
//!
//! Java sorts topics and owned partitions when serializing a subscription; callers that want
//! byte-identical metadata should do the same (the order does not affect decoding).

use bytes::{Bytes, BytesMut};

use crate::protocol::declare::kafka_api;
use crate::protocol::primitives::*;
use crate::protocol::Message;

/// JoinGroup `protocol_type` of consumer groups.
pub const PROTOCOL_TYPE: &str = "consumer";
/// Highest subscription/assignment version we write and fully understand.
pub const MAX_VERSION: i16 = 3;

kafka_api! {
    data [ConsumerProtocolSubscription, ConsumerProtocolAssignment], versions 0..=3, flexible none;

    pub struct ConsumerProtocolSubscription {
        topics: Vec<String>,
        user_data: Option<Bytes> => nullable(),
        /// v1+.
        owned_partitions: Vec<TopicPartitions> => since(1).ignorable(),
        /// v2+ (-1: unknown).
        generation_id: i32 = -1 => since(2).ignorable(),
        /// v3+.
        rack_id: Option<String> => since(3).nullable().ignorable(),
    }

    pub struct ConsumerProtocolAssignment {
        assigned_partitions: Vec<TopicPartitions>,
        user_data: Option<Bytes> => nullable(),
    }

    pub struct TopicPartitions {
        topic: String,
        partitions: Vec<i32>,
    }
}

/// Reads the i16 version prefix: negative versions are rejected, versions above
/// [`MAX_VERSION`] are read as [`MAX_VERSION`].
fn get_version(buf: &mut Bytes) -> DecodeResult<i16> {
    let v = get_i16(buf)?;
    if v < 0 {
        return Err(DecodeError::Malformed(format!("consumer protocol version {v}")));
    }
    Ok(v.min(MAX_VERSION))
}

fn prefixed(msg: &impl Message, version: i16) -> EncodeResult<Bytes> {
    let mut buf = BytesMut::with_capacity(64);
    put_i16(&mut buf, version);
    msg.encode(&mut buf, version)?;
    Ok(buf.freeze())
}

impl ConsumerProtocolSubscription {
    /// Version-prefixed bytes, as put in JoinGroup protocol metadata.
    pub fn to_bytes(&self, version: i16) -> EncodeResult<Bytes> {
        prefixed(self, version)
    }

    /// Reads version-prefixed bytes; returns the (clamped) version too.
    pub fn from_bytes(mut buf: Bytes) -> DecodeResult<(i16, Self)> {
        let v = get_version(&mut buf)?;
        Ok((v, Self::decode(&mut buf, v)?))
    }
}

impl ConsumerProtocolAssignment {
    /// Version-prefixed bytes, as put in SyncGroup assignments.
    pub fn to_bytes(&self, version: i16) -> EncodeResult<Bytes> {
        prefixed(self, version)
    }

    /// Reads version-prefixed bytes; returns the (clamped) version too. An empty buffer (what
    /// the coordinator hands a member the leader assigned nothing) is an empty v0 assignment.
    pub fn from_bytes(mut buf: Bytes) -> DecodeResult<(i16, Self)> {
        if buf.is_empty() {
            return Ok((0, Self::default()));
        }
        let v = get_version(&mut buf)?;
        Ok((v, Self::decode(&mut buf, v)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_v0_bytes_as_kafka_python_writes_them() {
        // kafka-python: version 0, topics ["t"], user_data b"".
        let bytes: &[u8] = &[0, 0, 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 0];
        let (v, s) = ConsumerProtocolSubscription::from_bytes(Bytes::from_static(bytes)).unwrap();
        assert_eq!(v, 0);
        assert_eq!(s.topics, vec!["t".to_string()]);
        assert_eq!(s.user_data.as_deref(), Some(&b""[..]));
        assert_eq!(s.generation_id, -1);
        assert_eq!(&s.to_bytes(0).unwrap()[..], bytes);
    }

    #[test]
    fn subscription_v3_bytes() {
        let s = ConsumerProtocolSubscription {
            topics: vec!["t".into()],
            user_data: None,
            owned_partitions: vec![TopicPartitions { topic: "t".into(), partitions: vec![1] }],
            generation_id: 5,
            rack_id: Some("r".into()),
        };
        let expect: &[u8] = &[
            0, 3, // version
            0, 0, 0, 1, 0, 1, b't', // topics
            0xff, 0xff, 0xff, 0xff, // null user data
            0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 1, // owned t-1
            0, 0, 0, 5, // generation
            0, 1, b'r', // rack
        ];
        assert_eq!(&s.to_bytes(3).unwrap()[..], expect);
    }

    #[test]
    fn newer_versions_and_trailing_bytes_are_tolerated() {
        let s = ConsumerProtocolSubscription {
            topics: vec!["a".into(), "b".into()],
            generation_id: 9,
            rack_id: Some("r".into()),
            ..Default::default()
        };
        let mut raw = BytesMut::new();
        put_i16(&mut raw, 7); // a future version
        s.encode(&mut raw, 3).unwrap();
        raw.extend_from_slice(&[1, 2, 3, 4]); // fields we do not know
        let (v, back) = ConsumerProtocolSubscription::from_bytes(raw.freeze()).unwrap();
        assert_eq!((v, back), (3, s));
        assert!(ConsumerProtocolSubscription::from_bytes(Bytes::from_static(&[0xff, 0xff])).is_err());
    }

    #[test]
    fn assignment_bytes() {
        let a = ConsumerProtocolAssignment {
            assigned_partitions: vec![TopicPartitions { topic: "t".into(), partitions: vec![0, 2] }],
            user_data: None,
        };
        let expect: &[u8] =
            &[0, 1, 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(&a.to_bytes(1).unwrap()[..], expect);
        assert_eq!(ConsumerProtocolAssignment::from_bytes(Bytes::new()).unwrap(), (0, Default::default()));
    }
}
