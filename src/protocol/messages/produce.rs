//! Produce (key 0): append record batches to partitions.
//!
//! Versions 3..=9 (v3 is the first with the v2 record format and a transactional id; v9 is
//! flexible). The per-partition `records` are already-encoded RecordBatch bytes; they are written
//! with a single `put_slice` and read as zero-copy slices of the input buffer.
//! A request with `acks == 0` gets no response from the broker.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MIN: i16 = 3;
const MAX: i16 = 9;
const FLEXIBLE_FROM: i16 = 9;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionProduceData {
    pub index: i32,
    /// Encoded record batches (v2 format), or null.
    pub records: Option<Bytes>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicProduceData {
    pub name: String,
    pub partition_data: Vec<PartitionProduceData>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProduceRequest {
    pub transactional_id: Option<String>,
    /// 0, 1 or -1 (all in-sync replicas).
    pub acks: i16,
    pub timeout_ms: i32,
    pub topic_data: Vec<TopicProduceData>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchIndexAndErrorMessage {
    pub batch_index: i32,
    pub batch_index_error_message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionProduceResponse {
    pub index: i32,
    pub error_code: i16,
    pub base_offset: i64,
    /// -1 unless the topic uses LogAppendTime.
    pub log_append_time_ms: i64,
    /// v5+ (-1 before).
    pub log_start_offset: i64,
    /// v8+.
    pub record_errors: Vec<BatchIndexAndErrorMessage>,
    /// v8+.
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicProduceResponse {
    pub name: String,
    pub partition_responses: Vec<PartitionProduceResponse>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProduceResponse {
    pub responses: Vec<TopicProduceResponse>,
    pub throttle_time_ms: i32,
}

impl Message for ProduceRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ProduceRequest", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        // One reservation for the record bytes plus generous per-entry overhead.
        let payload: usize = self
            .topic_data
            .iter()
            .map(|t| {
                t.name.len()
                    + 16
                    + t.partition_data
                        .iter()
                        .map(|p| 16 + p.records.as_ref().map_or(0, Bytes::len))
                        .sum::<usize>()
            })
            .sum();
        buf.reserve(payload + 32 + self.transactional_id.as_ref().map_or(0, String::len));
        put_nullable_string(buf, self.transactional_id.as_deref(), flexible)?;
        put_i16(buf, self.acks);
        put_i32(buf, self.timeout_ms);
        put_array(buf, &self.topic_data, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partition_data, flexible, |b, p| {
                put_i32(b, p.index);
                put_nullable_bytes(b, p.records.as_deref(), flexible)?;
                put_tags(b, flexible);
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let transactional_id = get_nullable_string(buf, flexible)?;
        let acks = get_i16(buf)?;
        let timeout_ms = get_i32(buf)?;
        let topic_data = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partition_data = get_array(b, flexible, |b| {
                let index = get_i32(b)?;
                let records = get_nullable_bytes(b, flexible)?;
                skip_tags(b, flexible)?;
                Ok(PartitionProduceData { index, records })
            })?;
            skip_tags(b, flexible)?;
            Ok(TopicProduceData { name, partition_data })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { transactional_id, acks, timeout_ms, topic_data })
    }
}

impl Message for ProduceResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("ProduceResponse", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_array(buf, &self.responses, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_array(b, &t.partition_responses, flexible, |b, p| {
                put_i32(b, p.index);
                put_i16(b, p.error_code);
                put_i64(b, p.base_offset);
                put_i64(b, p.log_append_time_ms);
                if version >= 5 {
                    put_i64(b, p.log_start_offset);
                }
                if version >= 8 {
                    put_array(b, &p.record_errors, flexible, |b, e| {
                        put_i32(b, e.batch_index);
                        put_nullable_string(b, e.batch_index_error_message.as_deref(), flexible)?;
                        put_tags(b, flexible);
                        Ok(())
                    })?;
                    put_nullable_string(b, p.error_message.as_deref(), flexible)?;
                }
                put_tags(b, flexible);
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        put_i32(buf, self.throttle_time_ms);
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let responses = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let partition_responses = get_array(b, flexible, |b| {
                let index = get_i32(b)?;
                let error_code = get_i16(b)?;
                let base_offset = get_i64(b)?;
                let log_append_time_ms = get_i64(b)?;
                let log_start_offset = if version >= 5 { get_i64(b)? } else { -1 };
                let (record_errors, error_message) = if version >= 8 {
                    let errs = get_array(b, flexible, |b| {
                        let batch_index = get_i32(b)?;
                        let batch_index_error_message = get_nullable_string(b, flexible)?;
                        skip_tags(b, flexible)?;
                        Ok(BatchIndexAndErrorMessage { batch_index, batch_index_error_message })
                    })?;
                    (errs, get_nullable_string(b, flexible)?)
                } else {
                    (Vec::new(), None)
                };
                // v10+ would carry CurrentLeader here as a tagged field; not in our range.
                skip_tags(b, flexible)?;
                Ok(PartitionProduceResponse {
                    index,
                    error_code,
                    base_offset,
                    log_append_time_ms,
                    log_start_offset,
                    record_errors,
                    error_message,
                })
            })?;
            skip_tags(b, flexible)?;
            Ok(TopicProduceResponse { name, partition_responses })
        })?;
        let throttle_time_ms = get_i32(buf)?;
        skip_tags(buf, flexible)?;
        Ok(Self { responses, throttle_time_ms })
    }
}

impl Request for ProduceRequest {
    const API_KEY: ApiKey = ApiKey::Produce;
    const MIN_VERSION: i16 = MIN;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = ProduceResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = ProduceRequest> {
        let part =
            (any::<i32>(), opt_bytes()).prop_map(|(index, records)| PartitionProduceData { index, records });
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partition_data)| TopicProduceData { name, partition_data });
        (opt_string(), any::<i16>(), any::<i32>(), vec(topic, 3)).prop_map(
            |(transactional_id, acks, timeout_ms, topic_data)| ProduceRequest {
                transactional_id,
                acks,
                timeout_ms,
                topic_data,
            },
        )
    }

    fn arb_response() -> impl Strategy<Value = ProduceResponse> {
        let err = (any::<i32>(), opt_string()).prop_map(|(batch_index, batch_index_error_message)| {
            BatchIndexAndErrorMessage { batch_index, batch_index_error_message }
        });
        let part =
            (any::<i32>(), any::<i16>(), any::<i64>(), any::<i64>(), any::<i64>(), vec(err, 2), opt_string())
                .prop_map(|(index, error_code, base_offset, lat, lso, record_errors, error_message)| {
                    PartitionProduceResponse {
                        index,
                        error_code,
                        base_offset,
                        log_append_time_ms: lat,
                        log_start_offset: lso,
                        record_errors,
                        error_message,
                    }
                });
        let topic = (string(), vec(part, 3))
            .prop_map(|(name, partition_responses)| TopicProduceResponse { name, partition_responses });
        (vec(topic, 3), any::<i32>())
            .prop_map(|(responses, throttle_time_ms)| ProduceResponse { responses, throttle_time_ms })
    }

    fn canon_response(mut r: ProduceResponse, v: i16) -> ProduceResponse {
        for p in r.responses.iter_mut().flat_map(|t| t.partition_responses.iter_mut()) {
            if v < 5 {
                p.log_start_offset = -1;
            }
            if v < 8 {
                p.record_errors.clear();
                p.error_message = None;
            }
        }
        r
    }

    message_proptests!(MIN..=MAX, arb_request, arb_response => canon_response, garbage: 256);

    #[test]
    fn request_bytes_and_zero_copy() {
        let records = Bytes::from_static(b"BATCH");
        let r = ProduceRequest {
            transactional_id: None,
            acks: -1,
            timeout_ms: 30000,
            topic_data: vec![TopicProduceData {
                name: "t".into(),
                partition_data: vec![PartitionProduceData { index: 2, records: Some(records.clone()) }],
            }],
        };
        let mut expect: Vec<u8> = vec![0xff, 0xff, 0xff, 0xff, 0, 0, 0x75, 0x30, 0, 0, 0, 1, 0, 1, b't'];
        expect.extend([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 5]);
        expect.extend(b"BATCH");
        assert_eq!(encoded(&r, 3), expect);
        // v9: compact null string (0), compact arrays/bytes, tags.
        let mut expect9: Vec<u8> = vec![0, 0xff, 0xff, 0, 0, 0x75, 0x30, 2, 2, b't', 2, 0, 0, 0, 2, 6];
        expect9.extend(b"BATCH");
        expect9.extend([0, 0, 0]);
        assert_eq!(encoded(&r, 9), expect9);

        // Decoding shares the input buffer instead of copying the records.
        let input = Bytes::from(encoded(&r, 3));
        let back = ProduceRequest::decode(&mut input.clone(), 3).unwrap();
        let rec = back.topic_data[0].partition_data[0].records.as_ref().unwrap();
        assert_eq!(rec.as_ptr(), input[input.len() - 5..].as_ptr());
    }

    #[test]
    fn v8_response_bytes() {
        let mut bytes: Vec<u8> = vec![0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1];
        bytes.extend([0, 0, 0, 0, 0, 0]); // partition 0, no error
        bytes.extend(42i64.to_be_bytes()); // base offset
        bytes.extend((-1i64).to_be_bytes()); // log append time
        bytes.extend(10i64.to_be_bytes()); // log start offset
        bytes.extend([0, 0, 0, 0, 0xff, 0xff]); // no record errors, null message
        bytes.extend([0, 0, 0, 0]); // throttle
        let r = ProduceResponse::decode(&mut Bytes::from(bytes.clone()), 8).unwrap();
        let p = &r.responses[0].partition_responses[0];
        assert_eq!((p.base_offset, p.log_append_time_ms, p.log_start_offset), (42, -1, 10));
        assert_eq!(encoded(&r, 8), bytes);
    }

    #[test]
    fn unsupported_versions_rejected() {
        let r = ProduceRequest::default();
        assert!(r.encode(&mut BytesMut::new(), 2).is_err());
        assert!(r.encode(&mut BytesMut::new(), 10).is_err());
    }
}
