//! Transactions (KIP-98) for the producer: the state machine kafka-python and the Java client
//! share, and the requests to the transaction coordinator (FindCoordinator with key type 1,
//! InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn) and to the group coordinator
//! (TxnOffsetCommit).
//!
//! The user's calls (`init_transactions`, `commit_transaction`, ...) run the coordinator
//! requests themselves; the sender only asks for partitions to be added before their first batch
//! of a transaction is drained ([`TxnManager::partitions_to_add`] / [`add_partitions`]), and reports
//! failed batches, which make the transaction abortable (or the producer unusable, when fenced).
//!
//! Transactions V2 (KIP-890 part 2) are used when the cluster finalizes `transaction.version` 2
//! or more and the coordinator serves EndTxn v5: a Produce (v12) adds its partition to the
//! transaction and a TxnOffsetCommit (v5) its group, so AddPartitionsToTxn and AddOffsetsToTxn
//! are not sent; every EndTxn bumps the producer epoch (or hands out a new producer id when the
//! epoch is exhausted), which the next transaction uses with sequences restarted at 0. With V1,
//! Produce stays at v11, TxnOffsetCommit and EndTxn at v4.
//!
//! Errors follow the Java client: abortable errors leave the producer usable once the
//! transaction is aborted; fatal ones (fenced, not authorized) make every later transactional
//! call fail with the same error. CONCURRENT_TRANSACTIONS and COORDINATOR_LOAD_IN_PROGRESS are
//! retried, NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE and lost connections look the coordinator
//! up again.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::Shared;
use crate::error::{Error, Result};
use crate::network::Connection;
use crate::protocol::error_code as ec;
use crate::protocol::messages::find_coordinator::{KEY_TYPE_GROUP, KEY_TYPE_TRANSACTION};
use crate::protocol::messages::{
    AddOffsetsToTxnRequest, AddPartitionsToTxnRequest, AddPartitionsToTxnTopic, EndTxnRequest,
    FindCoordinatorRequest, InitProducerIdRequest, TxnOffsetCommitRequest, TxnOffsetCommitRequestPartition,
    TxnOffsetCommitRequestTopic,
};

/// Where a transactional producer is (kafka-python's `TransactionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum TxnState {
    Uninitialized = 0,
    Initializing = 1,
    Ready = 2,
    InTransaction = 3,
    CommittingTransaction = 4,
    AbortingTransaction = 5,
    AbortableError = 6,
    FatalError = 7,
}

impl TxnState {
    fn from_u8(v: u8) -> TxnState {
        match v {
            0 => TxnState::Uninitialized,
            1 => TxnState::Initializing,
            2 => TxnState::Ready,
            3 => TxnState::InTransaction,
            4 => TxnState::CommittingTransaction,
            5 => TxnState::AbortingTransaction,
            6 => TxnState::AbortableError,
            _ => TxnState::FatalError,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TxnState::Uninitialized => "UNINITIALIZED",
            TxnState::Initializing => "INITIALIZING",
            TxnState::Ready => "READY",
            TxnState::InTransaction => "IN_TRANSACTION",
            TxnState::CommittingTransaction => "COMMITTING_TRANSACTION",
            TxnState::AbortingTransaction => "ABORTING_TRANSACTION",
            TxnState::AbortableError => "ABORTABLE_ERROR",
            TxnState::FatalError => "FATAL_ERROR",
        }
    }

    fn transition_valid(self, target: TxnState) -> bool {
        use TxnState::*;
        match target {
            Initializing => matches!(self, Uninitialized | Initializing),
            Ready => matches!(self, Initializing | CommittingTransaction | AbortingTransaction),
            InTransaction => self == Ready,
            CommittingTransaction => self == InTransaction,
            AbortingTransaction => matches!(self, InTransaction | AbortableError),
            AbortableError => matches!(self, InTransaction | CommittingTransaction | AbortableError),
            Uninitialized => false,
            FatalError => true,
        }
    }
}

/// Consumer group membership sent with the offsets (KIP-447).
#[derive(Debug, Clone)]
pub struct GroupMetadata {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
}

/// One committed offset: (topic, partition, offset, metadata, leader epoch).
pub type TxnOffset = (String, i32, i64, Option<String>, i32);

struct Inner {
    last_error: Option<Error>,
    /// Partitions or offsets were added: EndTxn is needed to finish the transaction.
    started: bool,
    /// The transaction coordinator's node id.
    coordinator: Option<i32>,
}

/// The transactional state of one producer.
pub struct TxnManager {
    pub transactional_id: String,
    pub timeout_ms: i32,
    state: AtomicU8,
    /// Transactions V2 (KIP-890), decided by `init_transactions`.
    v2: AtomicBool,
    /// Incremented at the end of every transaction: a partition whose `txn_added` mark differs
    /// is not part of the current transaction yet.
    generation: AtomicU64,
    inner: Mutex<Inner>,
    /// Serialises the user's transactional calls (a commit cannot overlap an abort).
    calls: tokio::sync::Mutex<()>,
}

fn illegal(msg: impl Into<String>) -> Error {
    Error::IllegalState(msg.into())
}

/// An error to report as kafka-python does for a fenced producer: INVALID_PRODUCER_EPOCH on a
/// transactional request means another producer with our transactional id took over.
fn fenced(code: i16, what: &str) -> Error {
    let code = if code == ec::INVALID_PRODUCER_EPOCH { ec::PRODUCER_FENCED } else { code };
    Error::broker(
        code,
        format!(
            "{what}: there is a newer producer with the same transactional_id, or the producer's transaction has been expired by the broker"
        ),
    )
}

fn is_fatal_code(code: i16) -> bool {
    matches!(
        code,
        ec::PRODUCER_FENCED
            | ec::INVALID_PRODUCER_EPOCH
            | ec::TRANSACTIONAL_ID_AUTHORIZATION_FAILED
            | ec::CLUSTER_AUTHORIZATION_FAILED
            | ec::UNSUPPORTED_VERSION
            | ec::UNSUPPORTED_FOR_MESSAGE_FORMAT
    )
}

/// How a coordinator request came out.
enum Step<T> {
    Done(T),
    /// Retry after the backoff (the coordinator is to be looked up again when `refind`).
    Retry {
        refind: bool,
        backoff: Option<Duration>,
    },
}

impl TxnManager {
    pub fn new(transactional_id: String, timeout_ms: i32) -> Self {
        Self {
            transactional_id,
            timeout_ms,
            state: AtomicU8::new(TxnState::Uninitialized as u8),
            v2: AtomicBool::new(false),
            generation: AtomicU64::new(1),
            inner: Mutex::new(Inner { last_error: None, started: false, coordinator: None }),
            calls: tokio::sync::Mutex::new(()),
        }
    }

    pub fn state(&self) -> TxnState {
        TxnState::from_u8(self.state.load(Ordering::Acquire))
    }

    /// True when the transactions use V2 (KIP-890 part 2).
    #[inline]
    pub fn is_v2(&self) -> bool {
        self.v2.load(Ordering::Acquire)
    }

    /// The highest version of a transactional request for the protocol in use: V2 requests
    /// (EndTxn v5, TxnOffsetCommit v5) only with transactions V2.
    fn max_version(&self) -> i16 {
        if self.is_v2() {
            5
        } else {
            4
        }
    }

    /// The current transaction's mark for partitions added to it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn last_error(&self) -> Option<Error> {
        self.inner.lock().last_error.clone()
    }

    fn transition(&self, target: TxnState, error: Option<Error>) -> Result<()> {
        let mut inner = self.inner.lock();
        let current = self.state();
        if !current.transition_valid(target) {
            return Err(Error::Other(format!(
                "TransactionalId {}: Invalid transition attempted from state {} to state {}",
                self.transactional_id,
                current.name(),
                target.name()
            )));
        }
        if matches!(target, TxnState::AbortableError | TxnState::FatalError) {
            if let Some(e) = &error {
                log::debug!(
                    "transactional id {}: {} -> {} ({e})",
                    self.transactional_id,
                    current.name(),
                    target.name()
                );
            }
            inner.last_error = error;
        } else {
            inner.last_error = None;
        }
        self.state.store(target as u8, Ordering::Release);
        Ok(())
    }

    /// The error of a transactional call in an error state. A fenced producer says so with the
    /// fencing error's own class (ProducerFencedError, a KafkaError), as Java's client does, so
    /// the outcome does not depend on whether a Produce or the call itself met the fencing first.
    fn error_state_error(&self) -> Error {
        let last = self.last_error();
        let text = last.as_ref().map_or_else(|| "unknown error".to_string(), |e| e.to_string());
        let message = format!("Cannot execute transactional method because we are in an error state: {text}");
        match last {
            Some(Error::Broker {
                code: code @ (ec::PRODUCER_FENCED | ec::INVALID_PRODUCER_EPOCH), ..
            }) => Error::broker(code, message),
            _ => Error::Other(message),
        }
    }

    /// Fails unless the producer is in a transaction (called by `send()`: one atomic load).
    #[inline]
    pub fn check_send(&self) -> Result<()> {
        match self.state() {
            TxnState::InTransaction => Ok(()),
            TxnState::AbortableError | TxnState::FatalError => {
                let last = self.last_error().map_or_else(String::new, |e| e.to_string());
                Err(Error::Other(format!(
                    "Cannot perform send because at least one previous transactional or idempotent request has failed with errors. ({last})"
                )))
            }
            TxnState::Uninitialized | TxnState::Initializing => Err(illegal(
                "Cannot perform a 'send' before completing a call to init_transactions when transactions are enabled.",
            )),
            s => Err(illegal(format!("Cannot call send in state {}", s.name()))),
        }
    }

    /// A batch of the transaction failed: the transaction must be aborted (or, when fenced,
    /// the producer is done).
    pub fn batch_failed(&self, err: &Error) {
        let fatal = matches!(err, Error::Broker { code, .. } if is_fatal_code(*code));
        if fatal {
            let e = match err {
                Error::Broker { code, .. } if *code == ec::INVALID_PRODUCER_EPOCH => fenced(*code, "Produce"),
                e => e.clone(),
            };
            let _ = self.transition(TxnState::FatalError, Some(e));
        } else if self.state() != TxnState::AbortingTransaction {
            let _ = self.transition(TxnState::AbortableError, Some(err.clone()));
        }
    }

    /// True while queued batches are to be failed rather than sent (error states, aborting).
    pub fn abandon_queued(&self) -> bool {
        matches!(
            self.state(),
            TxnState::AbortableError | TxnState::FatalError | TxnState::AbortingTransaction
        )
    }

    fn fatal(&self, e: Error) -> Error {
        let _ = self.transition(TxnState::FatalError, Some(e.clone()));
        e
    }

    fn abortable(&self, e: Error) -> Error {
        if self.state() != TxnState::AbortingTransaction {
            let _ = self.transition(TxnState::AbortableError, Some(e.clone()));
        }
        e
    }

    /// The transaction coordinator's connection, looking it up if needed.
    async fn coordinator(&self, shared: &Shared) -> Result<Arc<Connection>> {
        let known = self.inner.lock().coordinator;
        let node = match known {
            Some(n) => n,
            None => {
                let n = find_coordinator(shared, &self.transactional_id, KEY_TYPE_TRANSACTION).await?;
                self.inner.lock().coordinator = Some(n);
                n
            }
        };
        match shared.client.connection(node).await {
            Ok(c) => Ok(c),
            Err(e) => {
                self.inner.lock().coordinator = None;
                shared.client.request_metadata_update();
                Err(e)
            }
        }
    }

    fn forget_coordinator(&self) {
        self.inner.lock().coordinator = None;
    }

    /// Runs `attempt` against the transaction coordinator until it is done, retrying lost
    /// connections and coordinator moves, until `deadline`.
    async fn with_coordinator<T, F, Fut>(
        &self,
        shared: &Shared,
        deadline: Instant,
        what: &str,
        mut attempt: F,
    ) -> Result<T>
    where
        F: FnMut(Arc<Connection>) -> Fut,
        Fut: std::future::Future<Output = Result<Step<T>>>,
    {
        let backoff = shared.config.client.retry_backoff;
        loop {
            // No broker reachable right now (a stall, a restart) is retried until the deadline, as
            // kafka-python's NoBrokersAvailable is a retriable KafkaTimeoutError.
            let step = match self.coordinator(shared).await {
                Ok(conn) => match attempt(conn).await {
                    Ok(s) => s,
                    Err(e) if e.is_retriable() || matches!(e, Error::NoBrokersAvailable(_)) => {
                        log::debug!("{what}: {e}; retrying");
                        Step::Retry { refind: true, backoff: None }
                    }
                    Err(e) => return Err(e),
                },
                Err(e) if e.is_retriable() || matches!(e, Error::NoBrokersAvailable(_)) => {
                    log::debug!("{what}: transaction coordinator not available: {e}");
                    Step::Retry { refind: true, backoff: None }
                }
                Err(e) => return Err(e),
            };
            match step {
                Step::Done(v) => return Ok(v),
                Step::Retry { refind, backoff: b } => {
                    if refind {
                        self.forget_coordinator();
                    }
                    let wait = b.unwrap_or(backoff);
                    if Instant::now() + wait >= deadline {
                        return Err(Error::Timeout(format!(
                            "Timeout expired after {} ms while awaiting {what}",
                            shared.config.max_block.as_millis()
                        )));
                    }
                    if shared.client.is_closed() {
                        return Err(Error::Closed("KafkaProducer already closed!".into()));
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// InitProducerId at the transaction coordinator: a new epoch for our transactional id
    /// (fencing older producers, aborting their open transaction). With `current` (KIP-360,
    /// InitProducerId v3+) the epoch of the same producer id is bumped after an abortable
    /// sequence error.
    async fn init_producer_id(
        &self,
        shared: &Shared,
        deadline: Instant,
        current: Option<(i64, i16)>,
    ) -> Result<()> {
        let resp = self
            .with_coordinator(shared, deadline, "InitProducerId", |conn| async move {
                let v3 = conn.version_for::<InitProducerIdRequest>().is_ok_and(|v| v >= 3);
                let (pid, epoch) = current.filter(|_| v3).unwrap_or((-1, -1));
                let req = InitProducerIdRequest {
                    transactional_id: Some(self.transactional_id.clone()),
                    transaction_timeout_ms: self.timeout_ms,
                    producer_id: pid,
                    producer_epoch: epoch,
                    ..Default::default()
                };
                let version = conn.version_in::<InitProducerIdRequest>(0, 5)?;
                let resp = conn.send_version(&req, version).await?;
                match resp.error_code {
                    0 => Ok(Step::Done((resp, transactions_v2(&conn)))),
                    ec::NOT_COORDINATOR | ec::COORDINATOR_NOT_AVAILABLE => {
                        Ok(Step::Retry { refind: true, backoff: None })
                    }
                    ec::COORDINATOR_LOAD_IN_PROGRESS | ec::CONCURRENT_TRANSACTIONS => {
                        Ok(Step::Retry { refind: false, backoff: None })
                    }
                    code if is_fatal_code(code) => Err(fenced_or(code, "InitProducerId")),
                    code => Err(Error::Other(format!(
                        "Unexpected error in InitProducerIdResponse: {}",
                        Error::broker(code, "")
                    ))),
                }
            })
            .await?;
        let (resp, v2) = resp;
        *shared.producer_id.lock() = (resp.producer_id, resp.producer_epoch);
        if current.is_none() {
            self.v2.store(v2, Ordering::Release);
        }
        log::info!(
            "transactional id {}: producer id {} epoch {} (transactions V{})",
            self.transactional_id,
            resp.producer_id,
            resp.producer_epoch,
            if self.is_v2() { 2 } else { 1 }
        );
        Ok(())
    }

    /// `init_transactions()`.
    pub(crate) async fn init_transactions(&self, shared: &Shared, deadline: Instant) -> Result<()> {
        let _call = self.calls.lock().await;
        match self.state() {
            TxnState::Uninitialized | TxnState::Initializing => {}
            TxnState::FatalError => {
                return Err(self.last_error().unwrap_or_else(|| self.error_state_error()))
            }
            _ => return Ok(()), // already initialised
        }
        self.transition(TxnState::Initializing, None)?;
        match self.init_producer_id(shared, deadline, None).await {
            Ok(()) => {
                shared.bump_epoch.store(false, std::sync::atomic::Ordering::Release);
                self.transition(TxnState::Ready, None)?;
                shared.wake.notify_one();
                Ok(())
            }
            Err(Error::Timeout(_)) => Err(Error::Timeout(format!(
                "Timeout expired while initializing transactional state in {} ms.",
                shared.config.max_block.as_millis()
            ))),
            Err(e) if matches!(e, Error::Broker { code, .. } if is_fatal_code(code)) => Err(self.fatal(e)),
            Err(e) => Err(e),
        }
    }

    /// `begin_transaction()`.
    pub fn begin_transaction(&self) -> Result<()> {
        match self.state() {
            TxnState::AbortableError | TxnState::FatalError => Err(self.error_state_error()),
            TxnState::Uninitialized | TxnState::Initializing => {
                Err(illegal("Cannot begin a transaction before init_transactions() has completed."))
            }
            _ => self.transition(TxnState::InTransaction, None),
        }
    }

    /// The partitions the sender found with data for the current transaction and not added yet
    /// are added with one AddPartitionsToTxn. Returns false when the request is to be retried.
    pub(crate) async fn add_partitions(
        &self,
        shared: &Shared,
        partitions: Vec<(Arc<str>, i32)>,
    ) -> Result<bool> {
        if self.state() != TxnState::InTransaction && self.state() != TxnState::CommittingTransaction {
            return Ok(true);
        }
        if self.is_v2() {
            // The Produce request adds the partition itself (v12+).
            self.inner.lock().started = true;
            return Ok(true);
        }
        let (pid, epoch) = *shared.producer_id.lock();
        let mut topics: Vec<AddPartitionsToTxnTopic> = Vec::new();
        for (t, p) in &partitions {
            match topics.iter_mut().find(|x| *x.name == **t) {
                Some(x) => x.partitions.push(*p),
                None => topics.push(AddPartitionsToTxnTopic { name: t.to_string(), partitions: vec![*p] }),
            }
        }
        let req = AddPartitionsToTxnRequest {
            v3_and_below_transactional_id: self.transactional_id.clone(),
            v3_and_below_producer_id: pid,
            v3_and_below_producer_epoch: epoch,
            v3_and_below_topics: topics,
            ..Default::default()
        };
        let conn = match self.coordinator(shared).await {
            Ok(c) => c,
            Err(e) => {
                log::debug!("AddPartitionsToTxn: coordinator not available: {e}");
                self.forget_coordinator();
                return Ok(false);
            }
        };
        // v4+ batch transactions for brokers; a client sends the single-transaction form.
        let sent = match conn.version_in::<AddPartitionsToTxnRequest>(0, 3) {
            Ok(v) => conn.send_version(&req, v).await,
            Err(e) => Err(e),
        };
        let resp = match sent {
            Ok(r) => r,
            Err(e) if e.is_retriable() => {
                log::debug!("AddPartitionsToTxn: {e}");
                self.forget_coordinator();
                return Ok(false);
            }
            Err(e) => return Err(self.abortable(e)),
        };
        let mut retry = false;
        let mut failed: Vec<String> = Vec::new();
        for t in &resp.results_by_topic_v3_and_below {
            for r in &t.results_by_partition {
                match r.partition_error_code {
                    0 => {}
                    ec::NOT_COORDINATOR | ec::COORDINATOR_NOT_AVAILABLE => {
                        self.forget_coordinator();
                        retry = true;
                    }
                    ec::CONCURRENT_TRANSACTIONS
                    | ec::COORDINATOR_LOAD_IN_PROGRESS
                    | ec::UNKNOWN_TOPIC_OR_PARTITION => retry = true,
                    code if is_fatal_code(code)
                        || code == ec::INVALID_PRODUCER_ID_MAPPING
                        || code == ec::INVALID_TXN_STATE =>
                    {
                        return Err(self.fatal(fenced_or(code, "AddPartitionsToTxn")));
                    }
                    ec::OPERATION_NOT_ATTEMPTED => {}
                    code => failed.push(format!("{}-{}: {}", t.name, r.partition_index, ec::name(code))),
                }
            }
        }
        if !failed.is_empty() {
            return Err(self.abortable(Error::Other(format!(
                "Could not add partitions to transaction due to errors: {}",
                failed.join(", ")
            ))));
        }
        if retry {
            return Ok(false);
        }
        self.inner.lock().started = true;
        Ok(true)
    }

    /// `send_offsets_to_transaction()`: AddOffsetsToTxn, then TxnOffsetCommit at the group
    /// coordinator.
    pub(crate) async fn send_offsets(
        &self,
        shared: &Shared,
        offsets: Vec<TxnOffset>,
        group: GroupMetadata,
        deadline: Instant,
    ) -> Result<()> {
        let _call = self.calls.lock().await;
        match self.state() {
            TxnState::AbortableError | TxnState::FatalError => return Err(self.error_state_error()),
            TxnState::InTransaction => {}
            _ => {
                return Err(Error::Other(
                    "Cannot send offsets to transaction because the producer is not in an active transaction"
                        .into(),
                ))
            }
        }
        let (pid, epoch) = *shared.producer_id.lock();
        let group_id = group.group_id.clone();
        let max_version = self.max_version();
        let added = if self.is_v2() {
            // TxnOffsetCommit v5 adds the group to the transaction itself.
            Ok(())
        } else {
            self.with_coordinator(shared, deadline, "AddOffsetsToTxn", |conn| {
                let req = AddOffsetsToTxnRequest {
                    transactional_id: self.transactional_id.clone(),
                    producer_id: pid,
                    producer_epoch: epoch,
                    group_id: group_id.clone(),
                };
                async move {
                    let resp = send_up_to(&conn, &req, max_version).await?;
                    match resp.error_code {
                        0 => Ok(Step::Done(())),
                        ec::NOT_COORDINATOR | ec::COORDINATOR_NOT_AVAILABLE => {
                            Ok(Step::Retry { refind: true, backoff: None })
                        }
                        ec::COORDINATOR_LOAD_IN_PROGRESS | ec::CONCURRENT_TRANSACTIONS => {
                            Ok(Step::Retry { refind: false, backoff: None })
                        }
                        code => Err(Error::broker(code, "AddOffsetsToTxn")),
                    }
                }
            })
            .await
        };
        if let Err(e) = added {
            return Err(self.classify(e, "AddOffsetsToTxn"));
        }
        self.inner.lock().started = true;

        let mut topics: Vec<TxnOffsetCommitRequestTopic> = Vec::new();
        for (topic, partition, offset, metadata, leader_epoch) in offsets {
            let p = TxnOffsetCommitRequestPartition {
                partition_index: partition,
                committed_offset: offset,
                committed_leader_epoch: leader_epoch,
                committed_metadata: metadata,
            };
            match topics.iter_mut().find(|t| t.name == topic) {
                Some(t) => t.partitions.push(p),
                None => topics.push(TxnOffsetCommitRequestTopic {
                    name: topic,
                    partitions: vec![p],
                    ..Default::default()
                }),
            }
        }
        let req = TxnOffsetCommitRequest {
            transactional_id: self.transactional_id.clone(),
            group_id: group.group_id.clone(),
            producer_id: pid,
            producer_epoch: epoch,
            generation_id: group.generation_id,
            member_id: group.member_id.clone(),
            group_instance_id: group.group_instance_id.clone(),
            topics,
        };
        let backoff = shared.config.client.retry_backoff;
        let mut group_node: Option<i32> = None;
        loop {
            let attempt: Result<Step<()>> = async {
                let node = match group_node {
                    Some(n) => n,
                    None => find_coordinator(shared, &group.group_id, KEY_TYPE_GROUP).await?,
                };
                group_node = Some(node);
                let conn = shared.client.connection(node).await?;
                let resp = send_up_to(&conn, &req, max_version).await?;
                let mut step = Step::Done(());
                for t in &resp.topics {
                    for p in &t.partitions {
                        match p.error_code {
                            0 => {}
                            ec::NOT_COORDINATOR | ec::COORDINATOR_NOT_AVAILABLE | ec::REQUEST_TIMED_OUT => {
                                step = Step::Retry { refind: true, backoff: None }
                            }
                            ec::COORDINATOR_LOAD_IN_PROGRESS
                            | ec::UNKNOWN_TOPIC_OR_PARTITION
                            | ec::CONCURRENT_TRANSACTIONS => {
                                if matches!(step, Step::Done(_)) {
                                    step = Step::Retry { refind: false, backoff: None }
                                }
                            }
                            ec::UNKNOWN_MEMBER_ID | ec::ILLEGAL_GENERATION | ec::FENCED_INSTANCE_ID => {
                                return Err(Error::CommitFailed(format!(
                                    "Transaction offset commit failed due to consumer group metadata mismatch: {}",
                                    ec::name(p.error_code)
                                )))
                            }
                            code => return Err(Error::broker(code, "TxnOffsetCommit")),
                        }
                    }
                }
                Ok(step)
            }
            .await;
            let step = match attempt {
                Ok(s) => s,
                Err(e) if e.is_retriable() || matches!(e, Error::NoBrokersAvailable(_)) => {
                    Step::Retry { refind: true, backoff: None }
                }
                Err(e) => return Err(self.classify(e, "TxnOffsetCommit")),
            };
            match step {
                Step::Done(()) => return Ok(()),
                Step::Retry { refind, .. } => {
                    if refind {
                        group_node = None;
                    }
                    if Instant::now() + backoff >= deadline {
                        return Err(Error::Timeout(format!(
                            "Timeout expired after {} ms while awaiting TxnOffsetCommit",
                            shared.config.max_block.as_millis()
                        )));
                    }
                    tokio::time::sleep(backoff).await;
                }
            }
        }
    }

    /// Fatal or abortable, as the Java client classes a transactional request's error.
    fn classify(&self, e: Error, what: &str) -> Error {
        match &e {
            Error::Broker { code, .. } if is_fatal_code(*code) => self.fatal(fenced_or(*code, what)),
            Error::Timeout(_) | Error::Closed(_) | Error::Interrupted => e,
            _ => self.abortable(e),
        }
    }

    /// Moves to committing / aborting (resuming one that timed out earlier).
    pub fn begin_end(&self, commit: bool) -> Result<()> {
        let state = self.state();
        if commit {
            match state {
                TxnState::CommittingTransaction => Ok(()),
                TxnState::AbortableError | TxnState::FatalError => Err(self.error_state_error()),
                _ => self.transition(TxnState::CommittingTransaction, None),
            }
        } else {
            match state {
                TxnState::AbortingTransaction => Ok(()),
                TxnState::FatalError => Err(self.error_state_error()),
                _ => self.transition(TxnState::AbortingTransaction, None),
            }
        }
    }

    /// The second half of `commit_transaction()` / `abort_transaction()`, once every batch of the
    /// transaction has completed: EndTxn (when anything was added), then the KIP-360 epoch bump
    /// an abort may owe, then READY.
    pub(crate) async fn end(&self, shared: &Shared, commit: bool, deadline: Instant) -> Result<()> {
        let _call = self.calls.lock().await;
        if commit {
            match self.state() {
                TxnState::CommittingTransaction => {}
                TxnState::AbortableError | TxnState::FatalError => {
                    return Err(self.last_error().unwrap_or_else(|| self.error_state_error()))
                }
                s => return Err(illegal(format!("Cannot commit in state {}", s.name()))),
            }
        } else if self.state() != TxnState::AbortingTransaction {
            return Err(illegal(format!("Cannot abort in state {}", self.state().name())));
        }
        let started = self.inner.lock().started;
        if started {
            let (pid, epoch) = *shared.producer_id.lock();
            let max_version = self.max_version();
            let ended = self
                .with_coordinator(shared, deadline, "EndTxn", |conn| {
                    let req = EndTxnRequest {
                        transactional_id: self.transactional_id.clone(),
                        producer_id: pid,
                        producer_epoch: epoch,
                        committed: commit,
                    };
                    async move {
                        let resp = send_up_to(&conn, &req, max_version).await?;
                        match resp.error_code {
                            0 => Ok(Step::Done((resp.producer_id, resp.producer_epoch))),
                            ec::NOT_COORDINATOR | ec::COORDINATOR_NOT_AVAILABLE => {
                                Ok(Step::Retry { refind: true, backoff: None })
                            }
                            ec::COORDINATOR_LOAD_IN_PROGRESS | ec::CONCURRENT_TRANSACTIONS => {
                                Ok(Step::Retry { refind: false, backoff: None })
                            }
                            code => Err(Error::broker(code, "EndTxn")),
                        }
                    }
                })
                .await;
            match ended {
                Ok((next_pid, next_epoch)) if next_pid >= 0 => {
                    // Transactions V2: the next transaction runs under the bumped epoch (or a new
                    // producer id); partitions restart their sequences once they drain under it.
                    *shared.producer_id.lock() = (next_pid, next_epoch);
                    shared.bump_epoch.store(false, Ordering::Release);
                    log::debug!(
                        "transactional id {}: producer id {next_pid} epoch {next_epoch} for the next transaction",
                        self.transactional_id
                    );
                }
                Ok(_) => {}
                Err(e) => {
                    return Err(match &e {
                        Error::Broker { code, .. }
                            if is_fatal_code(*code) || *code == ec::INVALID_TXN_STATE =>
                        {
                            self.fatal(fenced_or(*code, "EndTxn"))
                        }
                        Error::Broker { .. } if commit => self.abortable(e),
                        _ => e,
                    })
                }
            }
        }
        if !commit && shared.bump_epoch.load(Ordering::Acquire) {
            let current = *shared.producer_id.lock();
            if let Err(e) = self.init_producer_id(shared, deadline, Some(current)).await {
                return Err(match &e {
                    Error::Broker { code, .. } if is_fatal_code(*code) => self.fatal(e),
                    _ => e,
                });
            }
            shared.bump_epoch.store(false, Ordering::Release);
        }
        self.inner.lock().started = false;
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.transition(TxnState::Ready, None)?;
        shared.wake.notify_one();
        Ok(())
    }

    /// True when a transaction is open (close() aborts it).
    pub fn has_open_transaction(&self) -> bool {
        matches!(
            self.state(),
            TxnState::InTransaction
                | TxnState::AbortableError
                | TxnState::CommittingTransaction
                | TxnState::AbortingTransaction
        )
    }
}

fn fenced_or(code: i16, what: &str) -> Error {
    if code == ec::PRODUCER_FENCED || code == ec::INVALID_PRODUCER_EPOCH {
        fenced(code, what)
    } else {
        Error::broker(code, what)
    }
}

/// FindCoordinator for `key` (group or transaction); the coordinator's node id.
pub(crate) async fn find_coordinator(shared: &Shared, key: &str, key_type: i8) -> Result<i32> {
    let req = FindCoordinatorRequest::new(key.to_string(), key_type);
    let resp = shared.client.send_any(&req).await?;
    let found = resp
        .coordinators(key)
        .into_iter()
        .next()
        .ok_or_else(|| Error::broker(ec::COORDINATOR_NOT_AVAILABLE, "no coordinator in response"))?;
    if found.error_code != 0 {
        return Err(Error::broker(found.error_code, found.error_message.unwrap_or_default()));
    }
    if shared.client.cluster().broker(found.node_id).is_none() {
        shared.client.request_metadata_update();
    }
    Ok(found.node_id)
}

/// Sends a transaction request at the highest version both sides support up to `max`.
async fn send_up_to<R: crate::protocol::Request>(
    conn: &crate::network::Connection,
    req: &R,
    max: i16,
) -> Result<R::Response> {
    let version = conn.version_in::<R>(R::MIN_VERSION, max)?;
    conn.send_version(req, version).await
}

/// Whether the transaction coordinator behind `conn` runs transactions V2 (KIP-890 part 2): the
/// cluster finalizes `transaction.version` 2+ and the broker serves EndTxn v5, TxnOffsetCommit
/// v5 and Produce v12.
fn transactions_v2(conn: &crate::network::Connection) -> bool {
    use crate::protocol::messages::ProduceRequest;
    conn.finalized_feature("transaction.version").is_some_and(|level| level >= 2)
        && conn.version_in::<EndTxnRequest>(5, 5).is_ok()
        && conn.version_in::<TxnOffsetCommitRequest>(5, 5).is_ok()
        && conn.version_in::<ProduceRequest>(12, 12).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_kafka_python() {
        use TxnState::*;
        assert!(Uninitialized.transition_valid(Initializing));
        assert!(!Uninitialized.transition_valid(InTransaction));
        assert!(Ready.transition_valid(InTransaction));
        assert!(!InTransaction.transition_valid(InTransaction));
        assert!(AbortableError.transition_valid(AbortingTransaction));
        assert!(!AbortableError.transition_valid(CommittingTransaction));
        assert!(!FatalError.transition_valid(AbortingTransaction));
        assert!(Ready.transition_valid(FatalError));
        for s in 0..8 {
            assert!(!TxnState::from_u8(s).transition_valid(Uninitialized));
        }
    }

    #[test]
    fn send_is_allowed_only_in_a_transaction() {
        let t = TxnManager::new("t".into(), 60_000);
        assert!(matches!(t.check_send(), Err(Error::IllegalState(m)) if m.contains("init_transactions")));
        t.transition(TxnState::Initializing, None).unwrap();
        t.transition(TxnState::Ready, None).unwrap();
        assert!(matches!(t.check_send(), Err(Error::IllegalState(m)) if m.contains("READY")));
        t.begin_transaction().unwrap();
        assert!(t.check_send().is_ok());
        assert!(t.begin_transaction().is_err());
    }

    #[test]
    fn failed_batches_make_the_transaction_abortable_or_fatal() {
        let t = TxnManager::new("t".into(), 60_000);
        t.transition(TxnState::Initializing, None).unwrap();
        t.transition(TxnState::Ready, None).unwrap();
        t.begin_transaction().unwrap();
        t.batch_failed(&Error::Timeout("expired".into()));
        assert_eq!(t.state(), TxnState::AbortableError);
        assert!(t.check_send().is_err());
        assert!(t.begin_end(true).is_err());
        t.begin_end(false).unwrap();
        assert_eq!(t.state(), TxnState::AbortingTransaction);
        t.batch_failed(&Error::broker(ec::INVALID_PRODUCER_EPOCH, "x"));
        assert_eq!(t.state(), TxnState::FatalError);
        assert!(matches!(t.last_error(), Some(Error::Broker { code: ec::PRODUCER_FENCED, .. })));
        assert!(t.begin_end(false).is_err());
    }
}
