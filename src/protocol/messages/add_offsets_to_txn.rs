//! AddOffsetsToTxn (key 25): add a consumer group's offsets topic partition to a transaction,
//! before TxnOffsetCommit.
//!
//! Versions 0..=4: v2 adds the PRODUCER_FENCED error, v3 is flexible, v4 adds the
//! TRANSACTION_ABORTABLE error (KIP-890).

use crate::protocol::declare::kafka_api;

kafka_api! {
    AddOffsetsToTxn: AddOffsetsToTxnRequest => AddOffsetsToTxnResponse, versions 0..=4, flexible 3;

    pub struct AddOffsetsToTxnRequest {
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        group_id: String,
    }

    pub struct AddOffsetsToTxnResponse {
        throttle_time_ms: i32,
        error_code: i16,
    }
}
