//! CreatePartitions (key 37): raise the partition count of existing topics, optionally with
//! a manual assignment for the new partitions.
//!
//! v1 is identical to v0 (throttling behaviour changed), v2 is flexible, v3 is identical to v2.

use crate::protocol::declare::kafka_api;

kafka_api! {
    CreatePartitions: CreatePartitionsRequest => CreatePartitionsResponse, versions 0..=3, flexible 2;

    pub struct CreatePartitionsRequest {
        topics: Vec<CreatePartitionsTopic>,
        timeout_ms: i32,
        /// Validate only, change nothing.
        validate_only: bool,
    }

    pub struct CreatePartitionsTopic {
        name: String,
        /// The new total partition count.
        count: i32,
        /// Broker ids for each new partition, or None for automatic assignment.
        assignments: Option<Vec<CreatePartitionsAssignment>> => nullable(),
    }

    pub struct CreatePartitionsAssignment {
        broker_ids: Vec<i32>,
    }

    pub struct CreatePartitionsResponse {
        throttle_time_ms: i32,
        results: Vec<CreatePartitionsTopicResult>,
    }

    pub struct CreatePartitionsTopicResult {
        name: String,
        error_code: i16,
        error_message: Option<String> => nullable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn v0_request_bytes() {
        let r = CreatePartitionsRequest {
            topics: vec![CreatePartitionsTopic { name: "t".into(), count: 4, assignments: None }],
            timeout_ms: 1,
            validate_only: true,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        #[rustfmt::skip]
        let expected: &[u8] = &[
            0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 4,
            0xff, 0xff, 0xff, 0xff, // assignments null
            0, 0, 0, 1, 1,
        ];
        assert_eq!(&b[..], expected);
    }
}
