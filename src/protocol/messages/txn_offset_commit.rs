//! TxnOffsetCommit (key 28): commit consumer offsets as part of a transaction (sent to the
//! group coordinator after AddOffsetsToTxn).
//!
//! Versions 0..=5: v2 adds the committed leader epoch, v3 is flexible and adds the member id,
//! group instance id and generation (KIP-447), v4 the TRANSACTION_ABORTABLE error, v5 is the
//! KIP-890 part 2 version (it adds the group to the transaction itself, replacing AddOffsetsToTxn,
//! and is only sent with transactions V2), v6 names topics by id (KIP-1319).

use crate::protocol::declare::kafka_api;

kafka_api! {
    TxnOffsetCommit: TxnOffsetCommitRequest => TxnOffsetCommitResponse, versions 0..=6, client ..=5, flexible 3;

    pub struct TxnOffsetCommitRequest {
        transactional_id: String,
        group_id: String,
        producer_id: i64,
        producer_epoch: i16,
        /// v3+ (-1: unknown).
        generation_id: i32 = -1 => since(3),
        /// v3+.
        member_id: String => since(3),
        /// v3+.
        group_instance_id: Option<String> => since(3).nullable(),
        topics: Vec<TxnOffsetCommitRequestTopic>,
    }

    pub struct TxnOffsetCommitRequestTopic {
        /// Until v5.
        name: String => until(5).ignorable(),
        /// v6+.
        topic_id: [u8; 16] => since(6).ignorable(),
        partitions: Vec<TxnOffsetCommitRequestPartition>,
    }

    pub struct TxnOffsetCommitRequestPartition {
        partition_index: i32,
        committed_offset: i64,
        /// v2+ (-1: unknown).
        committed_leader_epoch: i32 = -1 => since(2).ignorable(),
        committed_metadata: Option<String> => nullable(),
    }

    pub struct TxnOffsetCommitResponse {
        throttle_time_ms: i32,
        topics: Vec<TxnOffsetCommitResponseTopic>,
    }

    pub struct TxnOffsetCommitResponseTopic {
        /// Until v5.
        name: String => until(5).ignorable(),
        /// v6+.
        topic_id: [u8; 16] => since(6).ignorable(),
        partitions: Vec<TxnOffsetCommitResponsePartition>,
    }

    pub struct TxnOffsetCommitResponsePartition {
        partition_index: i32,
        error_code: i16,
    }
}
