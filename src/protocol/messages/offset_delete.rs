//! OffsetDelete (key 47): delete committed offsets of a consumer group for some partitions.
//!
//! Only v0 exists; it is not flexible. Note the response's error code precedes the throttle
//! time.

use crate::protocol::declare::kafka_api;

kafka_api! {
    OffsetDelete: OffsetDeleteRequest => OffsetDeleteResponse, versions 0..=0, flexible none;

    pub struct OffsetDeleteRequest {
        group_id: String,
        topics: Vec<OffsetDeleteRequestTopic>,
    }

    pub struct OffsetDeleteRequestTopic {
        name: String,
        partitions: Vec<OffsetDeleteRequestPartition>,
    }

    #[derive(Copy)]
    pub struct OffsetDeleteRequestPartition {
        partition_index: i32,
    }

    pub struct OffsetDeleteResponse {
        error_code: i16,
        throttle_time_ms: i32,
        topics: Vec<OffsetDeleteResponseTopic>,
    }

    pub struct OffsetDeleteResponseTopic {
        name: String,
        partitions: Vec<OffsetDeleteResponsePartition>,
    }

    #[derive(Copy)]
    pub struct OffsetDeleteResponsePartition {
        partition_index: i32,
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
