//! ListTransactions (key 66): the transactions a broker coordinates (KIP-664).
//!
//! Versions 0..=2, flexible: v1 adds the duration filter (KIP-994), v2 the transactional id
//! pattern (KIP-1152, Kafka 4.1+).

use crate::protocol::declare::kafka_api;

kafka_api! {
    ListTransactions: ListTransactionsRequest => ListTransactionsResponse, versions 0..=2, flexible 0;

    pub struct ListTransactionsRequest {
        /// Only transactions in one of these states; empty for all.
        state_filters: Vec<String>,
        /// Only transactions of these producer ids; empty for all.
        producer_id_filters: Vec<i64>,
        /// v1+: only transactions running longer than this many ms (-1: all).
        duration_filter: i64 = -1 => since(1),
        /// v2+: only transactional ids matching this regular expression (None: all).
        transactional_id_pattern: Option<String> => since(2).nullable(),
    }

    pub struct ListTransactionsResponse {
        throttle_time_ms: i32,
        error_code: i16,
        /// State filters of the request the coordinator did not know.
        unknown_state_filters: Vec<String>,
        transaction_states: Vec<ListedTransaction>,
    }

    /// `TransactionState` in the schema.
    pub struct ListedTransaction {
        transactional_id: String,
        producer_id: i64,
        transaction_state: String,
    }
}
