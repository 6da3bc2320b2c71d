//! EndTxn (key 26): commit or abort a transaction.
//!
//! Versions 0..=5: v2 adds the PRODUCER_FENCED error, v3 is flexible, v4 adds the
//! TRANSACTION_ABORTABLE error, v5 bumps the epoch on every transaction (KIP-890 part 2) and
//! returns the producer id and epoch to use next.

use crate::protocol::declare::kafka_api;

kafka_api! {
    EndTxn: EndTxnRequest => EndTxnResponse, versions 0..=5, flexible 3;

    pub struct EndTxnRequest {
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        /// True to commit, false to abort.
        committed: bool,
    }

    pub struct EndTxnResponse {
        throttle_time_ms: i32,
        error_code: i16,
        /// v5+: the producer id for the next transaction (-1: unchanged).
        producer_id: i64 = -1 => since(5).ignorable(),
        /// v5+: the producer epoch for the next transaction (-1: unchanged).
        producer_epoch: i16 = -1 => since(5).ignorable(),
    }
}
