//! DeleteRecords (key 21): advance the log start offset of partitions (delete records before an
//! offset). Must be sent to each partition's leader.
//!
//! v1 is identical to v0, v2 is flexible.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 2;
const FLEXIBLE: i16 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteRecordsRequest {
    pub topics: Vec<DeleteRecordsTopic>,
    pub timeout_ms: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteRecordsTopic {
    pub name: String,
    pub partitions: Vec<DeleteRecordsPartition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteRecordsPartition {
    pub partition_index: i32,
    /// Delete records before this offset (-1 = the high watermark).
    pub offset: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteRecordsResponse {
    pub throttle_time_ms: i32,
    pub topics: Vec<DeleteRecordsTopicResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteRecordsTopicResult {
    pub name: String,
    pub partitions: Vec<DeleteRecordsPartitionResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteRecordsPartitionResult {
    pub partition_index: i32,
    pub low_watermark: i64,
    pub error_code: i16,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for DeleteRecordsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DeleteRecordsRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i64(b, p.offset);
                if flexible {
                    put_empty_tagged_fields(b);
                }
                Ok(())
            })?;
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        put_i32(buf, self.timeout_ms);
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DeleteRecordsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let p = DeleteRecordsPartition { partition_index: get_i32(b)?, offset: get_i64(b)? };
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(p)
            })?;
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(DeleteRecordsTopic { name, partitions })
        })?;
        let timeout_ms = get_i32(buf)?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { topics, timeout_ms })
    }
}

impl Message for DeleteRecordsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DeleteRecordsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i64(b, p.low_watermark);
                put_i16(b, p.error_code);
                if flexible {
                    put_empty_tagged_fields(b);
                }
                Ok(())
            })?;
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
        check_decode_version("DeleteRecordsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = get_i32(buf)?;
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let p = DeleteRecordsPartitionResult {
                    partition_index: get_i32(b)?,
                    low_watermark: get_i64(b)?,
                    error_code: get_i16(b)?,
                };
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(p)
            })?;
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(DeleteRecordsTopicResult { name, partitions })
        })?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, topics })
    }
}

impl Request for DeleteRecordsRequest {
    const API_KEY: ApiKey = ApiKey::DeleteRecords;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = DeleteRecordsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = DeleteRecordsRequest> {
        (vec(("[a-z._-]{0,12}", vec((any::<i32>(), any::<i64>()), 0..4)), 0..4), any::<i32>()).prop_map(
            |(topics, timeout_ms)| {
                let topics = topics
                    .into_iter()
                    .map(|(name, p)| DeleteRecordsTopic {
                        name,
                        partitions: p
                            .into_iter()
                            .map(|(partition_index, offset)| DeleteRecordsPartition {
                                partition_index,
                                offset,
                            })
                            .collect(),
                    })
                    .collect();
                DeleteRecordsRequest { topics, timeout_ms }
            },
        )
    }

    fn arb_response() -> impl Strategy<Value = DeleteRecordsResponse> {
        (any::<i32>(), vec(("[a-z._-]{0,12}", vec((any::<i32>(), any::<i64>(), any::<i16>()), 0..4)), 0..4))
            .prop_map(|(throttle_time_ms, topics)| {
                let topics = topics
                    .into_iter()
                    .map(|(name, p)| DeleteRecordsTopicResult {
                        name,
                        partitions: p
                            .into_iter()
                            .map(|(partition_index, low_watermark, error_code)| {
                                DeleteRecordsPartitionResult { partition_index, low_watermark, error_code }
                            })
                            .collect(),
                    })
                    .collect();
                DeleteRecordsResponse { throttle_time_ms, topics }
            })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);

    #[test]
    fn v0_request_bytes() {
        let r = DeleteRecordsRequest {
            topics: vec![DeleteRecordsTopic {
                name: "t".into(),
                partitions: vec![DeleteRecordsPartition { partition_index: 1, offset: 256 }],
            }],
            timeout_ms: 2,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        #[rustfmt::skip]
        let expected: &[u8] = &[
            0, 0, 0, 1, 0, 1, b't',
            0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0,
            0, 0, 0, 2,
        ];
        assert_eq!(&b[..], expected);
    }
}
