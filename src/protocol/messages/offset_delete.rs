//! OffsetDelete (key 47): delete committed offsets of a consumer group for some partitions.
//!
//! Only v0 exists; it is not flexible. Note the response's error code precedes the throttle
//! time.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 0;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetDeleteRequest {
    pub group_id: String,
    pub topics: Vec<OffsetDeleteRequestTopic>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetDeleteRequestTopic {
    pub name: String,
    pub partitions: Vec<OffsetDeleteRequestPartition>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OffsetDeleteRequestPartition {
    pub partition_index: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetDeleteResponse {
    pub error_code: i16,
    pub throttle_time_ms: i32,
    pub topics: Vec<OffsetDeleteResponseTopic>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetDeleteResponseTopic {
    pub name: String,
    pub partitions: Vec<OffsetDeleteResponsePartition>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OffsetDeleteResponsePartition {
    pub partition_index: i32,
    pub error_code: i16,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for OffsetDeleteRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("OffsetDeleteRequest", version, 0, MAX)?;
        put_string(buf, &self.group_id, false)?;
        put_array(buf, &self.topics, false, |b, t| {
            put_string(b, &t.name, false)?;
            put_array(b, &t.partitions, false, |b, p| {
                put_i32(b, p.partition_index);
                Ok(())
            })
        })
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("OffsetDeleteRequest", version)?;
        let group_id = get_string(buf, false)?;
        let topics = get_array(buf, false, |b| {
            Ok(OffsetDeleteRequestTopic {
                name: get_string(b, false)?,
                partitions: get_array(b, false, |b| {
                    Ok(OffsetDeleteRequestPartition { partition_index: get_i32(b)? })
                })?,
            })
        })?;
        Ok(Self { group_id, topics })
    }
}

impl Message for OffsetDeleteResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("OffsetDeleteResponse", version, 0, MAX)?;
        put_i16(buf, self.error_code);
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.topics, false, |b, t| {
            put_string(b, &t.name, false)?;
            put_array(b, &t.partitions, false, |b, p| {
                put_i32(b, p.partition_index);
                put_i16(b, p.error_code);
                Ok(())
            })
        })
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("OffsetDeleteResponse", version)?;
        let error_code = get_i16(buf)?;
        let throttle_time_ms = get_i32(buf)?;
        let topics = get_array(buf, false, |b| {
            Ok(OffsetDeleteResponseTopic {
                name: get_string(b, false)?,
                partitions: get_array(b, false, |b| {
                    Ok(OffsetDeleteResponsePartition {
                        partition_index: get_i32(b)?,
                        error_code: get_i16(b)?,
                    })
                })?,
            })
        })?;
        Ok(Self { error_code, throttle_time_ms, topics })
    }
}

impl Request for OffsetDeleteRequest {
    const API_KEY: ApiKey = ApiKey::OffsetDelete;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = i16::MAX;
    type Response = OffsetDeleteResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = OffsetDeleteRequest> {
        ("[a-z0-9._-]{0,12}", vec(("[a-z._-]{0,12}", vec(any::<i32>(), 0..4)), 0..4)).prop_map(
            |(group_id, topics)| {
                let topics = topics
                    .into_iter()
                    .map(|(name, p)| OffsetDeleteRequestTopic {
                        name,
                        partitions: p
                            .into_iter()
                            .map(|partition_index| OffsetDeleteRequestPartition { partition_index })
                            .collect(),
                    })
                    .collect();
                OffsetDeleteRequest { group_id, topics }
            },
        )
    }

    fn arb_response() -> impl Strategy<Value = OffsetDeleteResponse> {
        (any::<i16>(), any::<i32>(), vec(("[a-z._-]{0,12}", vec((any::<i32>(), any::<i16>()), 0..4)), 0..4))
            .prop_map(|(error_code, throttle_time_ms, topics)| {
                let topics = topics
                    .into_iter()
                    .map(|(name, p)| OffsetDeleteResponseTopic {
                        name,
                        partitions: p
                            .into_iter()
                            .map(|(partition_index, error_code)| OffsetDeleteResponsePartition {
                                partition_index,
                                error_code,
                            })
                            .collect(),
                    })
                    .collect();
                OffsetDeleteResponse { error_code, throttle_time_ms, topics }
            })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);

    #[test]
    fn v0_request_bytes() {
        let r = OffsetDeleteRequest {
            group_id: "g".into(),
            topics: vec![OffsetDeleteRequestTopic {
                name: "t".into(),
                partitions: vec![OffsetDeleteRequestPartition { partition_index: 3 }],
            }],
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        assert_eq!(&b[..], &[0, 1, b'g', 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 3]);
        assert!(r.encode(&mut BytesMut::new(), 1).is_err());
    }
}
