//! WriteTxnMarkers (key 27): write transaction markers to partitions. Normally sent by the
//! transaction coordinator to partition leaders; the admin client sends it to abort a hanging
//! transaction (KIP-664).
//!
//! Versions 0..=1: v1 is flexible (Kafka 4 serves v1 only).

use crate::protocol::declare::kafka_api;

kafka_api! {
    WriteTxnMarkers: WriteTxnMarkersRequest => WriteTxnMarkersResponse, versions 0..=2, client ..=1, flexible 1;

    pub struct WriteTxnMarkersRequest {
        markers: Vec<WritableTxnMarker>,
    }

    pub struct WritableTxnMarker {
        producer_id: i64,
        producer_epoch: i16,
        /// True: commit, false: abort.
        transaction_result: bool,
        topics: Vec<WritableTxnMarkerTopic>,
        coordinator_epoch: i32,
        /// v2+: the transaction version of the marker (KIP-890; 0: unknown).
        transaction_version: i8 => since(2).ignorable(),
    }

    pub struct WritableTxnMarkerTopic {
        name: String,
        partition_indexes: Vec<i32>,
    }

    pub struct WriteTxnMarkersResponse {
        markers: Vec<WritableTxnMarkerResult>,
    }

    pub struct WritableTxnMarkerResult {
        producer_id: i64,
        topics: Vec<WritableTxnMarkerTopicResult>,
    }

    pub struct WritableTxnMarkerTopicResult {
        name: String,
        partitions: Vec<WritableTxnMarkerPartitionResult>,
    }

    pub struct WritableTxnMarkerPartitionResult {
        partition_index: i32,
        error_code: i16,
    }
}
