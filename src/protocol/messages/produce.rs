//! Produce (key 0): append record batches to partitions.
//!
//! Versions 3..=13 (v3 is the first with the v2 record format and a transactional id; v9 is
//! flexible; v10 adds the current leader to errors (KIP-951); v11 may answer
//! TRANSACTION_ABORTABLE; v12 adds a transactional partition to the transaction implicitly
//! (transactions V2, KIP-890); v13 names topics by id). The per-partition `records` are already-encoded RecordBatch bytes; they are written
//! with a single `put_slice` and read as zero-copy slices of the input buffer.
//! A request with `acks == 0` gets no response from the broker.

use bytes::Bytes;

use crate::protocol::declare::kafka_api;
use crate::protocol::messages::fetch::LeaderIdAndEpoch;

kafka_api! {
    Produce: ProduceRequest => ProduceResponse, versions 3..=13, client ..=12, flexible 9;

    pub struct ProduceRequest {
        transactional_id: Option<String> => nullable(),
        /// 0, 1 or -1 (all in-sync replicas).
        acks: i16,
        timeout_ms: i32,
        topic_data: Vec<TopicProduceData>,
    }

    pub struct TopicProduceData {
        /// Until v12.
        name: String => until(12).ignorable(),
        /// v13+.
        topic_id: [u8; 16] => since(13).ignorable(),
        partition_data: Vec<PartitionProduceData>,
    }

    pub struct PartitionProduceData {
        index: i32,
        /// Encoded record batches (v2 format), or null.
        records: Option<Bytes> => nullable(),
    }

    pub struct ProduceResponse {
        responses: Vec<TopicProduceResponse>,
        throttle_time_ms: i32,
        /// v10+ tagged field 0: the endpoints of the leaders named in `current_leader`.
        node_endpoints: Vec<NodeEndpoint> => since(10).tag(0).ignorable(),
    }

    /// A broker's address (KIP-951).
    pub struct NodeEndpoint {
        node_id: i32,
        host: String,
        port: i32,
        rack: Option<String> => nullable(),
    }

    pub struct TopicProduceResponse {
        /// Until v12.
        name: String => until(12).ignorable(),
        /// v13+.
        topic_id: [u8; 16] => since(13).ignorable(),
        partition_responses: Vec<PartitionProduceResponse>,
    }

    pub struct PartitionProduceResponse {
        index: i32,
        error_code: i16,
        base_offset: i64,
        /// -1 unless the topic uses LogAppendTime.
        log_append_time_ms: i64 = -1,
        /// v5+ (-1 before).
        log_start_offset: i64 = -1 => since(5).ignorable(),
        /// v8+.
        record_errors: Vec<BatchIndexAndErrorMessage> => since(8).ignorable(),
        /// v8+.
        error_message: Option<String> => since(8).nullable().ignorable(),
        /// v10+ tagged field 0: the new leader, sent with NOT_LEADER_OR_FOLLOWER (KIP-951).
        current_leader: Option<LeaderIdAndEpoch> => since(10).tag(0).ignorable(),
    }

    pub struct BatchIndexAndErrorMessage {
        batch_index: i32,
        batch_index_error_message: Option<String> => nullable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::{Bytes, BytesMut};

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
                ..Default::default()
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
        assert!(r.encode(&mut BytesMut::new(), 14).is_err());
    }
}
