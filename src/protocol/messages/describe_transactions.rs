//! DescribeTransactions (key 65): the state of transactions by transactional id (KIP-664).
//!
//! Version 0 only, flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeTransactions: DescribeTransactionsRequest => DescribeTransactionsResponse,
        versions 0..=0, flexible 0;

    pub struct DescribeTransactionsRequest {
        transactional_ids: Vec<String>,
    }

    pub struct DescribeTransactionsResponse {
        throttle_time_ms: i32 => always().ignorable(),
        transaction_states: Vec<DescribedTransaction>,
    }

    /// `TransactionState` in the schema.
    pub struct DescribedTransaction {
        error_code: i16,
        transactional_id: String,
        /// e.g. "Ongoing", "PrepareCommit", "CompleteAbort".
        transaction_state: String,
        transaction_timeout_ms: i32,
        transaction_start_time_ms: i64,
        producer_id: i64,
        producer_epoch: i16,
        /// The partitions in the transaction (without markers yet when it is ending).
        topics: Vec<DescribedTransactionTopic>,
    }

    pub struct DescribedTransactionTopic {
        topic: String,
        partitions: Vec<i32>,
    }
}
