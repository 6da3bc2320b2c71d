//! The sender task: drains ready batches (full, lingered, flushed or retried) grouped by partition
//! leader, writes Produce requests in order on each leader's connection, and handles responses:
//! success completes the batch, retriable errors requeue it in creation order after
//! retry_backoff, anything else (or an expired delivery_timeout) fails it.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::accumulator::PartitionQueue;
use super::batch::{BatchOutcome, ProducerBatch};
use super::Shared;
use crate::error::Error;
use crate::network::Connection;
use crate::protocol::messages::{
    InitProducerIdRequest, PartitionProduceData, ProduceRequest, ProduceResponse, TopicProduceData,
};
use crate::protocol::Message;
use crate::protocol::Request;

const NOT_LEADER_OR_FOLLOWER: i16 = 6;
const UNKNOWN_TOPIC_OR_PARTITION: i16 = 3;
const LEADER_NOT_AVAILABLE: i16 = 5;
const NOT_ENOUGH_REPLICAS: i16 = 19;
const UNKNOWN_PRODUCER_ID: i16 = 59;
const OUT_OF_ORDER_SEQUENCE_NUMBER: i16 = 45;
const DUPLICATE_SEQUENCE_NUMBER: i16 = 46;
const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
const CONCURRENT_TRANSACTIONS: i16 = 51;

/// Backoff of AddPartitionsToTxn retries (CONCURRENT_TRANSACTIONS right after a commit is common).
const TXN_RETRY_BACKOFF: Duration = Duration::from_millis(20);

/// Most batches in flight per partition with idempotence (the broker keeps 5 sequence windows).
const MAX_IN_FLIGHT_IDEMPOTENT: usize = 5;

type BrokerQueue = mpsc::UnboundedSender<Vec<ProducerBatch>>;

/// The sender's main loop.
pub(crate) async fn run(shared: Arc<Shared>) {
    let mut brokers: HashMap<i32, BrokerQueue> = HashMap::new();
    loop {
        let stopping = shared.stop.load(Ordering::Acquire);
        if stopping && shared.acc.incomplete_count() == 0 {
            break;
        }
        let transactional = shared.txn.is_some();
        if shared.config.enable_idempotence && !transactional && shared.producer_id.lock().0 < 0 && !stopping
        {
            if let Err(e) = init_producer_id(&shared).await {
                if shared.stop.load(Ordering::Acquire) || shared.client.is_closed() {
                    log::debug!("InitProducerId interrupted by close: {e}");
                    continue;
                }
                if e.is_retriable() {
                    log::debug!("InitProducerId: {e}; retrying");
                } else {
                    log::warn!("InitProducerId failed: {e}");
                }
                expire_batches(&shared, Instant::now());
                sleep_or_wake(&shared, shared.config.client.retry_backoff).await;
                continue;
            }
        }
        if shared.config.enable_idempotence
            && !transactional
            && shared.bump_epoch.load(Ordering::Acquire)
            && !stopping
        {
            match bump_epoch(&shared).await {
                Ok(()) => shared.bump_epoch.store(false, Ordering::Release),
                Err(e) => {
                    if !(shared.stop.load(Ordering::Acquire) || shared.client.is_closed()) {
                        log::warn!("producer epoch bump failed: {e}");
                        expire_batches(&shared, Instant::now());
                        sleep_or_wake(&shared, shared.config.client.retry_backoff).await;
                    }
                    continue;
                }
            }
        }
        // Metadata first: leaders decide where batches go.
        let _ =
            tokio::time::timeout(shared.config.client.request_timeout, shared.client.ensure_metadata()).await;
        let now = Instant::now();
        expire_batches(&shared, now);
        if let Some(txn) = shared.txn.as_ref().filter(|t| t.abandon_queued()) {
            // The transaction is being aborted or must be: nothing more of it is sent.
            let why = txn
                .last_error()
                .unwrap_or_else(|| Error::Other("Failing batch since transaction was aborted".into()));
            fail_queued(&shared, &why);
        }
        let (ready, next, to_add) = drain(&shared, now);
        if let (Some(txn), false) = (&shared.txn, to_add.is_empty()) {
            let generation = txn.generation();
            match txn.add_partitions(&shared, to_add.clone()).await {
                Ok(true) => {
                    let mut st = shared.acc.state.lock();
                    for (t, p) in &to_add {
                        if let Some(pq) =
                            st.topics.get_mut(&**t).and_then(|q| q.partitions.get_mut(*p as usize))
                        {
                            pq.txn_added = generation;
                        }
                    }
                    drop(st);
                    shared.wake.notify_one();
                }
                Ok(false) => sleep_or_wake(&shared, TXN_RETRY_BACKOFF).await,
                Err(e) => log::warn!("AddPartitionsToTxn failed: {e}"),
            }
        }
        for (leader, batches) in ready {
            let q = brokers.entry(leader).or_insert_with(|| spawn_broker_dispatcher(shared.clone(), leader));
            if let Err(mpsc::error::SendError(batches)) = q.send(batches) {
                let q2 = spawn_broker_dispatcher(shared.clone(), leader);
                let _ = q2.send(batches);
                brokers.insert(leader, q2);
            }
        }
        if shared.stop.load(Ordering::Acquire) && shared.acc.incomplete_count() == 0 {
            break;
        }
        let wait = next.map_or(Duration::from_millis(100), |t| t.saturating_duration_since(Instant::now()));
        sleep_or_wake(&shared, wait.min(Duration::from_millis(100))).await;
    }
    shared.sender_exited.notify_waiters();
}

async fn sleep_or_wake(shared: &Shared, d: Duration) {
    if d.is_zero() {
        tokio::task::yield_now().await;
        return;
    }
    let _ = tokio::time::timeout(d, shared.wake.notified()).await;
}

async fn init_producer_id(shared: &Shared) -> Result<(), Error> {
    let req = InitProducerIdRequest {
        transactional_id: None,
        transaction_timeout_ms: i32::MAX,
        producer_id: -1,
        producer_epoch: -1,
        ..Default::default()
    };
    let conn = shared.client.any_connection().await?;
    let resp = conn.send(&req).await?;
    match resp.error_code {
        0 => {
            *shared.producer_id.lock() = (resp.producer_id, resp.producer_epoch);
            log::debug!("producer id {} epoch {}", resp.producer_id, resp.producer_epoch);
            Ok(())
        }
        COORDINATOR_LOAD_IN_PROGRESS | CONCURRENT_TRANSACTIONS => {
            Err(Error::broker(resp.error_code, "InitProducerId"))
        }
        code => Err(Error::broker(code, "InitProducerId")),
    }
}

/// KIP-360: after an unrecoverable sequence state, InitProducerId with the current producer id
/// and epoch (v3+; an older broker gets a fresh producer id). Partitions switch to the new epoch,
/// restarting their sequences at 0, once their in-flight batches of the old epoch are back.
async fn bump_epoch(shared: &Shared) -> Result<(), Error> {
    let (pid, epoch) = *shared.producer_id.lock();
    let conn = shared.client.any_connection().await?;
    let v3 = conn.version_for::<InitProducerIdRequest>().is_ok_and(|v| v >= 3);
    let req = InitProducerIdRequest {
        transactional_id: None,
        transaction_timeout_ms: i32::MAX,
        producer_id: if v3 { pid } else { -1 },
        producer_epoch: if v3 { epoch } else { -1 },
        ..Default::default()
    };
    let resp = conn.send(&req).await?;
    if resp.error_code != 0 {
        return Err(Error::broker(resp.error_code, "InitProducerId (epoch bump)"));
    }
    *shared.producer_id.lock() = (resp.producer_id, resp.producer_epoch);
    log::info!(
        "producer id {pid} epoch {epoch} bumped to producer id {} epoch {} after an unrecoverable sequence error",
        resp.producer_id,
        resp.producer_epoch
    );
    shared.wake.notify_one();
    Ok(())
}

/// Fails queued (not in-flight) batches whose delivery_timeout has passed.
fn expire_batches(shared: &Shared, now: Instant) {
    let timeout = shared.config.delivery_timeout;
    let mut expired = Vec::new();
    {
        let mut st = shared.acc.state.lock();
        for (topic, tq) in st.topics.iter_mut() {
            for (p, pq) in tq.partitions.iter_mut().enumerate() {
                while pq.batches.front().is_some_and(|b| now.duration_since(b.created) >= timeout) {
                    if let Some(b) = pq.batches.pop_front() {
                        if same_epoch(pq, &b) {
                            // Sent before and maybe written: its sequence range is unresolved.
                            pq.needs_reset = true;
                            shared.bump_epoch.store(true, Ordering::Release);
                        }
                        expired.push((topic.clone(), p, b));
                    }
                }
            }
        }
    }
    for (topic, p, b) in expired {
        let msg = format!(
            "Expiring {} record(s) for {topic}-{p}: {} ms has passed since batch creation",
            b.record_count(),
            now.duration_since(b.created).as_millis()
        );
        let err = Error::Timeout(msg);
        if let Some(txn) = &shared.txn {
            // A record of the transaction is lost: it must not commit.
            txn.batch_failed(&err);
        }
        shared.acc.batch_done(&b, BatchOutcome::Failed(err));
    }
}

/// Fails every queued batch (close without a successful flush).
pub(crate) fn abort_queued(shared: &Shared, why: &str) {
    let mut all = Vec::new();
    {
        let mut st = shared.acc.state.lock();
        for tq in st.topics.values_mut() {
            for pq in tq.partitions.iter_mut() {
                all.extend(pq.batches.drain(..));
            }
        }
    }
    for b in all {
        shared.acc.batch_done(&b, BatchOutcome::Failed(Error::Closed(why.to_string())));
    }
}

/// Fails every queued (not in-flight) batch with `err` (an aborted or failed transaction). A
/// batch sent before (a retry) leaves its partition's sequence unresolved: the epoch is bumped.
pub(crate) fn fail_queued(shared: &Shared, err: &Error) {
    let mut all = Vec::new();
    {
        let mut st = shared.acc.state.lock();
        for tq in st.topics.values_mut() {
            for pq in tq.partitions.iter_mut() {
                let batches: Vec<ProducerBatch> = pq.batches.drain(..).collect();
                for b in batches {
                    if same_epoch(pq, &b) {
                        pq.needs_reset = true;
                        shared.bump_epoch.store(true, Ordering::Release);
                    }
                    all.push(b);
                }
            }
        }
    }
    for b in all {
        shared.acc.batch_done(&b, BatchOutcome::Failed(err.clone()));
    }
}

/// Partitions with data for the current transaction that are not added to it yet.
type ToAdd = Vec<(Arc<str>, i32)>;

/// Takes the batches that are ready to go, grouped by leader; returns them, the next instant
/// at which a lingering batch becomes ready, and (transactions) the partitions to add first.
fn drain(shared: &Shared, now: Instant) -> (HashMap<i32, Vec<ProducerBatch>>, Option<Instant>, ToAdd) {
    let cfg = &shared.config;
    let snapshot = shared.client.cluster();
    let (pid, epoch) = *shared.producer_id.lock();
    let idempotent = cfg.enable_idempotence && pid >= 0;
    let per_partition_limit = if idempotent {
        MAX_IN_FLIGHT_IDEMPOTENT.min(cfg.client.max_in_flight.max(1))
    } else {
        cfg.client.max_in_flight.max(1)
    };
    let mut out: HashMap<i32, Vec<ProducerBatch>> = HashMap::new();
    let mut sizes: HashMap<i32, usize> = HashMap::new();
    let mut next: Option<Instant> = None;
    let mut missing_leader = false;
    let mut to_add: ToAdd = Vec::new();
    let mut restarted = 0usize;
    let txn_generation = shared.txn.as_ref().map(|t| t.generation());
    let mut st = shared.acc.state.lock();
    let flush_before = st.flush_before;
    let closing = st.closed;
    for (topic, tq) in st.topics.iter_mut() {
        for (p, pq) in tq.partitions.iter_mut().enumerate() {
            if pq.batches.front().is_none() {
                continue;
            }
            let mut limit = per_partition_limit;
            if idempotent {
                if pq.producer != Some((pid, epoch)) {
                    if pq.in_flight > 0 {
                        continue; // batches of the old epoch are still out
                    }
                    restarted += usize::from(reset_sequences(pq, (pid, epoch)));
                } else if pq.needs_reset {
                    continue; // waiting for the epoch bump
                }
                if pq.recovering || !pq.acked {
                    limit = 1;
                }
            }
            let Some(front) = pq.batches.front() else { continue };
            if front.builder.is_empty() || pq.in_flight >= limit {
                continue;
            }
            if txn_generation.is_some_and(|g| pq.txn_added != g) {
                to_add.push((topic.clone(), p as i32));
                continue;
            }
            if let Some(t) = front.retry_at.filter(|t| *t > now) {
                next = Some(next.map_or(t, |n| n.min(t)));
                continue;
            }
            let linger_done = front.created + cfg.linger;
            // While a request for this partition is in flight, the open batch keeps growing
            // (see Accumulator::grow_cap) until the response comes back or linger expires.
            let full_at = if pq.in_flight == 0 { shared.acc.batch_size } else { shared.acc.grow_cap };
            let ready = pq.batches.len() > 1
                || front.builder.uncompressed_size() >= full_at
                || front.built.is_some()
                || now >= linger_done
                || front.id < flush_before
                || closing;
            if !ready {
                next = Some(next.map_or(linger_done, |n| n.min(linger_done)));
                continue;
            }
            let Some(leader) = snapshot.leader_for(topic, p as i32) else {
                missing_leader = true;
                continue;
            };
            let size = sizes.entry(leader).or_default();
            let batch_bytes = front.builder.uncompressed_size() + 100;
            if *size > 0 && *size + batch_bytes > cfg.max_request_size {
                continue;
            }
            let Some(mut b) = pq.batches.pop_front() else { continue };
            *size += batch_bytes;
            if b.built.is_none() && idempotent {
                b.base_sequence = pq.next_sequence;
                b.producer = (pid, epoch);
                pq.next_sequence = pq.next_sequence.wrapping_add(b.record_count()) & i32::MAX;
            }
            pq.in_flight += 1;
            out.entry(leader).or_default().push(b);
        }
    }
    drop(st);
    // Logged outside the lock: a log call may take the GIL, which a thread appending records
    // (and so waiting for this lock) holds.
    if restarted > 0 {
        log::debug!("{restarted} partition(s) restart their sequences at 0 under producer ({pid}, {epoch})");
    }
    if missing_leader {
        shared.client.request_metadata_update();
        let t = now + cfg.client.retry_backoff;
        next = Some(next.map_or(t, |n| n.min(t)));
    }
    // Build (and compress) outside the accumulator lock.
    let transactional = shared.txn.is_some();
    let mut failed = Vec::new();
    for batches in out.values_mut() {
        let mut i = 0;
        while i < batches.len() {
            let b = &mut batches[i];
            if b.built.is_none() {
                let (p, e) = if idempotent { b.producer } else { (-1, -1) };
                let seq = if idempotent { b.base_sequence } else { -1 };
                match b.builder.build(p, e, seq, transactional) {
                    Ok(bytes) => b.built = Some(bytes),
                    Err(err) => {
                        failed.push((batches.swap_remove(i), err.to_string()));
                        continue;
                    }
                }
            }
            i += 1;
        }
    }
    for (b, why) in failed {
        settle_failed(shared, b, Error::Other(format!("cannot encode batch: {why}")));
    }
    out.retain(|_, v| !v.is_empty());
    (out, next, to_add)
}

/// Starts a partition's sequences over under `producer` (after an epoch bump): queued batches
/// built with the old epoch are rebuilt with new sequences when next drained, in queue order.
/// Called under the accumulator lock, so it never logs; true when sequences restarted (the
/// partition had a producer before).
fn reset_sequences(pq: &mut PartitionQueue, producer: (i64, i16)) -> bool {
    let restarted = pq.producer.is_some();
    pq.producer = Some(producer);
    pq.next_sequence = 0;
    pq.next_acked = 0;
    pq.acked = false;
    pq.recovering = false;
    pq.needs_reset = false;
    for b in pq.batches.iter_mut() {
        if b.base_sequence >= 0 {
            b.built = None;
            b.base_sequence = -1;
        }
    }
    restarted
}

/// Runs `f` on the partition queue of `b` (under the accumulator lock).
fn with_queue<R>(shared: &Shared, b: &ProducerBatch, f: impl FnOnce(&mut PartitionQueue) -> R) -> Option<R> {
    let mut st = shared.acc.state.lock();
    st.topics.get_mut(&*b.result.topic).and_then(|t| t.partitions.get_mut(b.result.partition as usize)).map(f)
}

/// True when `pq`'s sequences still belong to the epoch `b` was built with.
fn same_epoch(pq: &PartitionQueue, b: &ProducerBatch) -> bool {
    b.base_sequence >= 0 && pq.producer == Some(b.producer)
}

/// An in-flight batch was written (or found written: DUPLICATE_SEQUENCE_NUMBER): completes it.
fn settle_delivered(shared: &Shared, b: ProducerBatch, outcome: BatchOutcome) {
    with_queue(shared, &b, |pq| {
        pq.in_flight = pq.in_flight.saturating_sub(1);
        if same_epoch(pq, &b) {
            pq.next_acked = b.base_sequence.wrapping_add(b.record_count()) & i32::MAX;
            pq.acked = true;
            if pq.in_flight == 0 {
                pq.recovering = false;
            }
        }
    });
    shared.acc.batch_done(&b, outcome);
}

/// An in-flight batch failed for good. A sequenced batch leaves a hole (or an unknown outcome)
/// in its partition's sequence: the epoch is bumped and the partition's sequences restart.
fn settle_failed(shared: &Shared, b: ProducerBatch, err: Error) {
    let reset = with_queue(shared, &b, |pq| {
        pq.in_flight = pq.in_flight.saturating_sub(1);
        if same_epoch(pq, &b) {
            pq.needs_reset = true;
            true
        } else {
            false
        }
    });
    if reset == Some(true) {
        shared.bump_epoch.store(true, Ordering::Release);
    }
    if let Some(txn) = &shared.txn {
        txn.batch_failed(&err);
    }
    shared.acc.batch_done(&b, BatchOutcome::Failed(err));
}

/// Puts an in-flight batch back at its place (creation order, which is sequence order) at the
/// head of its partition queue, to be retried after `backoff`. With idempotence the partition
/// then recovers with one batch in flight; `reset` also asks for an epoch bump first.
fn requeue(shared: &Shared, mut b: ProducerBatch, backoff: Duration, reset: bool) {
    b.attempts += 1;
    b.retry_at = Some(Instant::now() + backoff);
    let mut bump = false;
    let mut st = shared.acc.state.lock();
    if let Some(pq) =
        st.topics.get_mut(&*b.result.topic).and_then(|t| t.partitions.get_mut(b.result.partition as usize))
    {
        pq.in_flight = pq.in_flight.saturating_sub(1);
        if same_epoch(pq, &b) {
            pq.recovering = true;
            if reset {
                pq.needs_reset = true;
                bump = true;
            }
        }
        let pos = pq.batches.iter().position(|x| x.id > b.id).unwrap_or(pq.batches.len());
        pq.batches.insert(pos, b);
    }
    drop(st);
    if bump {
        shared.bump_epoch.store(true, Ordering::Release);
    }
}

fn spawn_broker_dispatcher(shared: Arc<Shared>, leader: i32) -> BrokerQueue {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<ProducerBatch>>();
    tokio::spawn(async move {
        while let Some(mut batches) = rx.recv().await {
            // Everything that queued up while the previous request waited for an in-flight slot
            // goes out together: fewer, fuller requests.
            while let Ok(more) = rx.try_recv() {
                batches.extend(more);
            }
            for request in group_for_requests(batches, shared.config.max_request_size) {
                dispatch(&shared, leader, request).await;
            }
        }
    });
    tx
}

/// Splits batches into requests holding at most one batch per partition (the k-th batch of a
/// partition goes into the k-th request, so per-partition order is kept) and about
/// `max_request_size` bytes.
fn group_for_requests(batches: Vec<ProducerBatch>, max_request_size: usize) -> Vec<Vec<ProducerBatch>> {
    let mut requests: Vec<(Vec<ProducerBatch>, usize)> = Vec::new();
    let mut seen: HashMap<(Arc<str>, i32), usize> = HashMap::new();
    for b in batches {
        let size = b.built.as_ref().map_or(0, |x| x.len()) + 64;
        let slot = seen.entry((b.result.topic.clone(), b.result.partition)).or_insert(0);
        let mut i = *slot;
        while i < requests.len() && !requests[i].0.is_empty() && requests[i].1 + size > max_request_size {
            i += 1;
        }
        if i == requests.len() {
            requests.push((Vec::new(), 0));
        }
        requests[i].1 += size;
        requests[i].0.push(b);
        *slot = i + 1;
    }
    requests.into_iter().map(|(r, _)| r).collect()
}

/// Writes one Produce request for `batches` to `leader` and spawns the wait for its response.
async fn dispatch(shared: &Arc<Shared>, leader: i32, batches: Vec<ProducerBatch>) {
    let conn = match shared.client.connection(leader).await {
        Ok(c) => c,
        Err(e) => {
            shared.client.request_metadata_update();
            for b in batches {
                handle_error(shared, b, e.clone(), true);
            }
            shared.wake.notify_one();
            return;
        }
    };
    let cfg = &shared.config;
    let mut topics: Vec<TopicProduceData> = Vec::new();
    for b in &batches {
        let data = PartitionProduceData { index: b.result.partition, records: b.built.clone() };
        match topics.iter_mut().find(|t| *t.name == *b.result.topic) {
            Some(t) => t.partition_data.push(data),
            None => topics.push(TopicProduceData {
                name: b.result.topic.to_string(),
                partition_data: vec![data],
                ..Default::default()
            }),
        }
    }
    let req = ProduceRequest {
        transactional_id: shared.txn.as_ref().map(|t| t.transactional_id.clone()),
        acks: cfg.acks,
        timeout_ms: i32::try_from(cfg.client.request_timeout.as_millis()).unwrap_or(i32::MAX),
        topic_data: topics,
    };
    // v13 names topics by id (not sent yet). A transactional producer sends v12+ only with
    // transactions V2, where a Produce adds its partition to the transaction (KIP-890).
    let max_version = match &shared.txn {
        Some(txn) if !txn.is_v2() => 11,
        _ => 12,
    };
    let version = match conn.version_in::<ProduceRequest>(ProduceRequest::MIN_VERSION, max_version) {
        Ok(v) => v,
        Err(e) => {
            for b in batches {
                handle_error(shared, b, e.clone(), false);
            }
            return;
        }
    };
    if cfg.acks == 0 {
        let r = conn.send_no_response(&req, version).await;
        for b in batches {
            match &r {
                Ok(()) => settle_delivered(
                    shared,
                    b,
                    BatchOutcome::Delivered { base_offset: -1, log_append_time: -1, log_start_offset: -1 },
                ),
                Err(e) => handle_error(shared, b, e.clone(), true),
            }
        }
        shared.wake.notify_one();
        return;
    }
    match conn.submit(&req, version).await {
        Ok(reply) => {
            let shared = shared.clone();
            // delivery_timeout_ms bounds every record, in flight too (as the Java client): the
            // oldest batch's deadline ends the wait even if the broker never answers.
            let deadline = batches.iter().map(|b| b.created + cfg.delivery_timeout).min();
            tokio::spawn(async move {
                let waited = match deadline {
                    Some(d) => tokio::time::timeout_at(d.into(), reply).await,
                    None => Ok(reply.await),
                };
                let Ok(answer) = waited else {
                    expire_in_flight(&shared, batches);
                    shared.wake.notify_one();
                    return;
                };
                let resp = answer
                    .and_then(|mut body| ProduceResponse::decode(&mut body, version).map_err(Error::from));
                handle_response(&shared, &conn, batches, resp);
                shared.wake.notify_one();
            });
        }
        Err(e) => {
            for b in batches {
                handle_error(shared, b, e.clone(), true);
            }
            shared.wake.notify_one();
        }
    }
}

/// In-flight batches whose delivery_timeout passed before the broker answered fail with
/// KafkaTimeoutError. Whether the broker wrote them is unknown, so with idempotence their
/// partitions' sequences restart under a bumped epoch ([`settle_failed`]): nothing sent later is
/// rejected as out of order or written twice. A late answer finds nobody waiting.
fn expire_in_flight(shared: &Shared, batches: Vec<ProducerBatch>) {
    for b in batches {
        let err = Error::Timeout(format!(
            "Expiring {} record(s) for {}-{}: {} ms has passed since batch creation (in flight)",
            b.record_count(),
            b.result.topic,
            b.result.partition,
            b.created.elapsed().as_millis()
        ));
        settle_failed(shared, b, err);
    }
}

fn handle_response(
    shared: &Shared,
    conn: &Arc<Connection>,
    batches: Vec<ProducerBatch>,
    resp: Result<ProduceResponse, Error>,
) {
    let resp = match resp {
        Ok(r) => r,
        Err(e) => {
            conn.close();
            for b in batches {
                handle_error(shared, b, e.clone(), true);
            }
            return;
        }
    };
    for b in batches {
        let part = resp
            .responses
            .iter()
            .find(|t| *t.name == *b.result.topic)
            .and_then(|t| t.partition_responses.iter().find(|p| p.index == b.result.partition));
        let Some(part) = part else {
            handle_error(shared, b, Error::Other("partition missing from Produce response".into()), true);
            continue;
        };
        match part.error_code {
            0 => settle_delivered(
                shared,
                b,
                BatchOutcome::Delivered {
                    base_offset: part.base_offset,
                    log_append_time: part.log_append_time_ms,
                    log_start_offset: part.log_start_offset,
                },
            ),
            // Already written by an earlier attempt whose response was lost.
            DUPLICATE_SEQUENCE_NUMBER => settle_delivered(
                shared,
                b,
                BatchOutcome::Delivered { base_offset: -1, log_append_time: -1, log_start_offset: -1 },
            ),
            // The broker lost this producer's state, or the batch is out of order although every
            // earlier one was acknowledged: retrying cannot help, a new epoch can (KIP-360).
            code if code == UNKNOWN_PRODUCER_ID
                || (code == OUT_OF_ORDER_SEQUENCE_NUMBER && is_next_in_line(shared, &b)) =>
            {
                let msg = part.error_message.clone().unwrap_or_default();
                log::warn!(
                    "{}-{}: {} for sequence {}: bumping the producer epoch",
                    b.result.topic,
                    b.result.partition,
                    crate::protocol::error_code::name(code),
                    b.base_sequence
                );
                // A transaction cannot continue with a new epoch: it becomes abortable (the
                // abort bumps the epoch).
                let retriable = shared.txn.is_none();
                retry_or_fail(shared, b, Error::broker(code, msg), retriable, true);
            }
            code => {
                let msg = part.error_message.clone().unwrap_or_default();
                if matches!(code, NOT_LEADER_OR_FOLLOWER | UNKNOWN_TOPIC_OR_PARTITION | LEADER_NOT_AVAILABLE)
                {
                    shared.client.request_metadata_update();
                }
                // An OUT_OF_ORDER_SEQUENCE_NUMBER reaching here follows an earlier batch of the
                // partition that is not acknowledged yet (it failed, or is being retried).
                let retriable = crate::protocol::error_code::is_retriable(code)
                    || code == OUT_OF_ORDER_SEQUENCE_NUMBER
                    || code == NOT_ENOUGH_REPLICAS;
                handle_error(shared, b, Error::broker(code, msg), retriable);
            }
        }
    }
}

/// True when `b` (idempotent) starts at the sequence its partition expects next: every earlier
/// batch was acknowledged, so an OUT_OF_ORDER_SEQUENCE_NUMBER for it is not explained by one.
fn is_next_in_line(shared: &Shared, b: &ProducerBatch) -> bool {
    b.base_sequence >= 0
        && with_queue(shared, b, |pq| same_epoch(pq, b) && pq.next_acked == b.base_sequence).unwrap_or(false)
}

/// Retries `b` if allowed (retriable, attempts left, delivery_timeout not passed), else fails it.
fn handle_error(shared: &Shared, b: ProducerBatch, err: Error, retriable: bool) {
    retry_or_fail(shared, b, err, retriable, false);
}

/// [`handle_error`]; `reset`: the partition's sequence state is unrecoverable (bump the epoch
/// before the retry).
fn retry_or_fail(shared: &Shared, b: ProducerBatch, err: Error, retriable: bool, reset: bool) {
    let cfg = &shared.config;
    let can_retry = retriable
        && b.attempts < cfg.retries
        && b.created.elapsed() < cfg.delivery_timeout
        && !shared.stop.load(Ordering::Acquire);
    if can_retry {
        log::debug!("retrying batch for {}-{}: {err}", b.result.topic, b.result.partition);
        requeue(shared, b, cfg.client.retry_backoff, reset);
        shared.wake.notify_one();
    } else {
        settle_failed(shared, b, err);
        shared.wake.notify_one();
    }
}
