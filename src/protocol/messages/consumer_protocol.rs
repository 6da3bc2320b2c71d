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

use crate::protocol::primitives::*;
use crate::protocol::{check_version, Message};

/// JoinGroup `protocol_type` of consumer groups.
pub const PROTOCOL_TYPE: &str = "consumer";
/// Highest subscription/assignment version we write and fully understand.
pub const MAX_VERSION: i16 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicPartitions {
    pub topic: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerProtocolSubscription {
    pub topics: Vec<String>,
    pub user_data: Option<Bytes>,
    /// v1+.
    pub owned_partitions: Vec<TopicPartitions>,
    /// v2+ (-1: unknown).
    pub generation_id: i32,
    /// v3+.
    pub rack_id: Option<String>,
}

impl Default for ConsumerProtocolSubscription {
    fn default() -> Self {
        Self {
            topics: Vec::new(),
            user_data: None,
            owned_partitions: Vec::new(),
            generation_id: -1,
            rack_id: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerProtocolAssignment {
    pub assigned_partitions: Vec<TopicPartitions>,
    pub user_data: Option<Bytes>,
}

fn put_topic_partitions(buf: &mut BytesMut, v: &[TopicPartitions]) -> EncodeResult {
    put_array(buf, v, false, |b, tp| {
        put_string(b, &tp.topic, false)?;
        put_array(b, &tp.partitions, false, |b, p| {
            put_i32(b, *p);
            Ok(())
        })
    })
}

fn get_topic_partitions(buf: &mut Bytes) -> DecodeResult<Vec<TopicPartitions>> {
    get_array(buf, false, |b| {
        Ok(TopicPartitions { topic: get_string(b, false)?, partitions: get_array(b, false, get_i32)? })
    })
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

impl Message for ConsumerProtocolSubscription {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ConsumerProtocolSubscription", version, 0, MAX_VERSION)?;
        put_array(buf, &self.topics, false, |b, t| put_string(b, t, false))?;
        put_nullable_bytes(buf, self.user_data.as_deref(), false)?;
        if version >= 1 {
            put_topic_partitions(buf, &self.owned_partitions)?;
        }
        if version >= 2 {
            put_i32(buf, self.generation_id);
        }
        if version >= 3 {
            put_nullable_string(buf, self.rack_id.as_deref(), false)?;
        }
        Ok(())
    }

    /// Reads the body (no version prefix); bytes after the last known field are left in `buf`.
    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let topics = get_array(buf, false, |b| get_string(b, false))?;
        let user_data = get_nullable_bytes(buf, false)?;
        let owned_partitions = if version >= 1 { get_topic_partitions(buf)? } else { Vec::new() };
        let generation_id = if version >= 2 { get_i32(buf)? } else { -1 };
        let rack_id = if version >= 3 { get_nullable_string(buf, false)? } else { None };
        Ok(Self { topics, user_data, owned_partitions, generation_id, rack_id })
    }
}

impl Message for ConsumerProtocolAssignment {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ConsumerProtocolAssignment", version, 0, MAX_VERSION)?;
        put_topic_partitions(buf, &self.assigned_partitions)?;
        put_nullable_bytes(buf, self.user_data.as_deref(), false)
    }

    /// Reads the body (no version prefix); bytes after the last known field are left in `buf`.
    fn decode(buf: &mut Bytes, _version: i16) -> DecodeResult<Self> {
        let assigned_partitions = get_topic_partitions(buf)?;
        let user_data = get_nullable_bytes(buf, false)?;
        Ok(Self { assigned_partitions, user_data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_tps() -> impl Strategy<Value = Vec<TopicPartitions>> {
        vec(
            (string(), vec(any::<i32>(), 4))
                .prop_map(|(topic, partitions)| TopicPartitions { topic, partitions }),
            3,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn subscription_roundtrip(topics in vec(string(), 4), ud in opt_bytes(), owned in arb_tps(), gen: i32, rack in opt_string()) {
            for v in 0..=MAX_VERSION {
                let s = ConsumerProtocolSubscription {
                    topics: topics.clone(),
                    user_data: ud.clone(),
                    owned_partitions: if v >= 1 { owned.clone() } else { vec![] },
                    generation_id: if v >= 2 { gen } else { -1 },
                    rack_id: if v >= 3 { rack.clone() } else { None },
                };
                roundtrip(&s, v);
                truncations(&s, v);
                let bytes = s.to_bytes(v).unwrap();
                prop_assert_eq!(ConsumerProtocolSubscription::from_bytes(bytes).unwrap(), (v, s));
            }
        }

        #[test]
        fn assignment_roundtrip(tps in arb_tps(), ud in opt_bytes()) {
            for v in 0..=MAX_VERSION {
                let a = ConsumerProtocolAssignment { assigned_partitions: tps.clone(), user_data: ud.clone() };
                roundtrip(&a, v);
                truncations(&a, v);
                prop_assert_eq!(ConsumerProtocolAssignment::from_bytes(a.to_bytes(v).unwrap()).unwrap(), (v, a));
            }
        }

        #[test]
        fn garbage(data in proptest::collection::vec(any::<u8>(), 0..128)) {
            let b = Bytes::from(data);
            let _ = ConsumerProtocolSubscription::from_bytes(b.clone());
            let _ = ConsumerProtocolAssignment::from_bytes(b);
        }
    }

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
