//! AddPartitionsToTxn (key 24): add partitions to an ongoing transaction before producing to them.
//!
//! Versions 0..=5: v2 adds the PRODUCER_FENCED error, v3 is flexible. v4 batches transactions
//! (`transactions`, `results_by_transaction`, a top-level error) and is sent by brokers only;
//! clients send the v0..=3 single-transaction fields (`v3_and_below_*`). v5 adds the
//! TRANSACTION_ABORTABLE error (KIP-890).

use crate::protocol::declare::kafka_api;

kafka_api! {
    AddPartitionsToTxn: AddPartitionsToTxnRequest => AddPartitionsToTxnResponse,
        versions 0..=5, flexible 3;

    pub struct AddPartitionsToTxnRequest {
        /// v4+ (brokers): the transactions to add partitions to.
        transactions: Vec<AddPartitionsToTxnTransaction> => since(4),
        /// v0..=3: the transactional id.
        v3_and_below_transactional_id: String => until(3),
        /// v0..=3: the producer id in use by the transactional id.
        v3_and_below_producer_id: i64 => until(3),
        /// v0..=3: the producer's current epoch.
        v3_and_below_producer_epoch: i16 => until(3),
        /// v0..=3: the partitions to add.
        v3_and_below_topics: Vec<AddPartitionsToTxnTopic> => until(3),
    }

    pub struct AddPartitionsToTxnTransaction {
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        /// Only check that the partitions are in the transaction.
        verify_only: bool,
        topics: Vec<AddPartitionsToTxnTopic>,
    }

    pub struct AddPartitionsToTxnTopic {
        name: String,
        partitions: Vec<i32>,
    }

    pub struct AddPartitionsToTxnResponse {
        throttle_time_ms: i32,
        /// v4+: the top-level error.
        error_code: i16 => since(4).ignorable(),
        /// v4+.
        results_by_transaction: Vec<AddPartitionsToTxnResult> => since(4),
        /// v0..=3.
        results_by_topic_v3_and_below: Vec<AddPartitionsToTxnTopicResult> => until(3),
    }

    pub struct AddPartitionsToTxnResult {
        transactional_id: String,
        topic_results: Vec<AddPartitionsToTxnTopicResult>,
    }

    pub struct AddPartitionsToTxnTopicResult {
        name: String,
        results_by_partition: Vec<AddPartitionsToTxnPartitionResult>,
    }

    pub struct AddPartitionsToTxnPartitionResult {
        partition_index: i32,
        partition_error_code: i16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::encoded;
    use crate::protocol::{EncodeError, Message};
    use bytes::BytesMut;

    #[test]
    fn client_request_bytes() {
        let r = AddPartitionsToTxnRequest {
            v3_and_below_transactional_id: "t".into(),
            v3_and_below_producer_id: 7,
            v3_and_below_producer_epoch: 1,
            v3_and_below_topics: vec![AddPartitionsToTxnTopic { name: "a".into(), partitions: vec![0] }],
            ..Default::default()
        };
        let mut v3 = vec![2, b't', 0, 0, 0, 0, 0, 0, 0, 7, 0, 1];
        v3.extend([2, 2, b'a', 2, 0, 0, 0, 0, 0, 0]);
        assert_eq!(encoded(&r, 3), v3);
        // The client fields do not exist in the broker-only versions.
        assert!(matches!(
            r.encode(&mut BytesMut::new(), 4),
            Err(EncodeError::UnsupportedField { field: "v3_and_below_transactional_id", version: 4 })
        ));
    }
}
