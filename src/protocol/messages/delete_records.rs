//! DeleteRecords (key 21): advance the log start offset of partitions (delete records before an
//! offset). Must be sent to each partition's leader.
//!
//! v1 is identical to v0, v2 is flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    DeleteRecords: DeleteRecordsRequest => DeleteRecordsResponse, versions 0..=2, flexible 2;

    pub struct DeleteRecordsRequest {
        topics: Vec<DeleteRecordsTopic>,
        timeout_ms: i32,
    }

    pub struct DeleteRecordsTopic {
        name: String,
        partitions: Vec<DeleteRecordsPartition>,
    }

    pub struct DeleteRecordsPartition {
        partition_index: i32,
        /// Delete records before this offset (-1 = the high watermark).
        offset: i64,
    }

    pub struct DeleteRecordsResponse {
        throttle_time_ms: i32,
        topics: Vec<DeleteRecordsTopicResult>,
    }

    pub struct DeleteRecordsTopicResult {
        name: String,
        partitions: Vec<DeleteRecordsPartitionResult>,
    }

    pub struct DeleteRecordsPartitionResult {
        partition_index: i32,
        low_watermark: i64,
        error_code: i16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

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
