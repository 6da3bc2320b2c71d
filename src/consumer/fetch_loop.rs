//! The background fetch task: resolves missing positions (committed offsets, then
//! auto_offset_reset) and keeps one Fetch request in flight per partition leader, decoding
//! responses into the per-partition buffers of [`SubscriptionState`](super::SubscriptionState).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use super::fetch_session::{FetchSession, SessionPartition};
use super::subscription::PartitionState;
use super::{fetcher, offsets};
use super::{PartitionError, Shared, TopicPartition};
use crate::network::runtime::runtime;
use crate::protocol::error_code as ec;
use crate::protocol::messages::FetchRequest;

/// Errors after which a partition's leader is looked up again.
fn refresh_metadata_error(code: i16) -> bool {
    matches!(
        code,
        ec::NOT_LEADER_OR_FOLLOWER
            | ec::UNKNOWN_TOPIC_OR_PARTITION
            | ec::LEADER_NOT_AVAILABLE
            | ec::FENCED_LEADER_EPOCH
            | ec::UNKNOWN_LEADER_EPOCH
            | ec::KAFKA_STORAGE_ERROR
            | ec::REPLICA_NOT_AVAILABLE
            | ec::OFFSET_NOT_AVAILABLE
            | ec::UNKNOWN_TOPIC_ID
    )
}

/// The background task: resolves positions and keeps fetches in flight.
pub(super) async fn fetch_loop(weak: Weak<Shared>) {
    let Some(wake) = weak.upgrade().map(|s| s.fetch_wake.clone()) else { return };
    loop {
        {
            let Some(sh) = weak.upgrade() else { return };
            if sh.closed.load(Ordering::Acquire) {
                return;
            }
            if sh.client.ensure_metadata().await.is_err() {
                tokio::time::sleep(sh.client.config().retry_backoff).await;
            }
            schedule(&sh);
        }
        let _ = tokio::time::timeout(Duration::from_millis(200), wake.notified()).await;
    }
}

/// One round of work: committed-offset lookups, resets, and a fetch per idle leader.
fn schedule(sh: &Arc<Shared>) {
    let max_buffered = usize::try_from(sh.config.max_partition_fetch_bytes).unwrap_or(1 << 20).max(1) * 2;
    let snap = sh.client.cluster();
    let mut committed = Vec::new();
    let mut resets = Vec::new();
    let mut fetches: BTreeMap<i32, Vec<Wanted>> = BTreeMap::new();
    let now = Instant::now();
    {
        let mut st = sh.state.lock();
        let busy = sh.busy_nodes.lock();
        for (tp, p) in st.assignment.iter_mut() {
            if p.inflight || p.error.is_some() {
                continue;
            }
            if p.awaiting_committed {
                p.inflight = true;
                committed.push((tp.clone(), p.epoch));
            } else if let Some(r) = p.reset {
                p.inflight = true;
                resets.push((tp.clone(), r.timestamp(), p.epoch));
            } else if p.is_fetchable(max_buffered) {
                let Some(info) = snap.topic(&tp.topic).and_then(|t| t.partition(tp.partition)) else {
                    sh.client.request_metadata_update();
                    continue;
                };
                if info.leader < 0 {
                    sh.client.request_metadata_update();
                    continue;
                }
                // KIP-392: the replica the leader pointed us to, while it is known and fresh.
                let node = match p.preferred_replica {
                    Some((n, until)) if until > now && snap.broker(n).is_some() => n,
                    _ => {
                        p.preferred_replica = None;
                        info.leader
                    }
                };
                if !busy.contains(&node) {
                    let session = SessionPartition {
                        fetch_offset: p.next_fetch,
                        last_fetched_epoch: p.fetch_epoch,
                        max_bytes: sh.config.max_partition_fetch_bytes,
                        leader_epoch: info.leader_epoch,
                    };
                    fetches.entry(node).or_default().push(Wanted { tp: tp.clone(), session, epoch: p.epoch });
                }
            }
        }
        for parts in fetches.values() {
            for w in parts {
                if let Some(p) = st.assignment.get_mut(&w.tp) {
                    p.inflight = true;
                }
            }
        }
    }
    if !committed.is_empty() {
        runtime().spawn(lookup_committed(sh.clone(), committed));
    }
    if !resets.is_empty() {
        runtime().spawn(reset_offsets(sh.clone(), resets));
    }
    for (node, parts) in fetches {
        if parts.iter().any(|w| snap.leader_for(&w.tp.topic, w.tp.partition) != Some(node)) {
            sh.metrics.follower_fetches.fetch_add(1, Ordering::Relaxed);
        }
        sh.busy_nodes.lock().insert(node);
        runtime().spawn(fetch_from(sh.clone(), node, parts));
    }
}

/// The leader reports that our log diverged from its own after `end_offset` (the end of
/// `epoch`, the last epoch we share). As Java's consumer: if records past that point were
/// fetched, they are gone from the log; continue at `end_offset` when auto_offset_reset is set,
/// else report the truncation (LogTruncationError, as kafka-python 3).
fn truncated(
    ps: &mut PartitionState,
    tp: &TopicPartition,
    epoch: i32,
    end_offset: i64,
    fetched: i64,
    reset: bool,
) {
    if end_offset >= fetched {
        // Nothing we fetched is lost; the epoch we sent is just older: refetch from there.
        ps.fetch_epoch = epoch;
        return;
    }
    if ps.position.is_some_and(|pos| end_offset >= pos) {
        // Only records still buffered are gone: drop them and fetch again from the divergence.
        log::warn!(
            "log truncation detected for {}-{} at {end_offset}; dropping buffered records",
            tp.topic,
            tp.partition
        );
        for b in ps.buffer.iter_mut() {
            b.records.retain(|r| r.offset < end_offset);
            b.next_offset = b.next_offset.min(end_offset);
        }
        ps.buffer.retain(|b| !b.records.is_empty());
        ps.buffered_bytes = ps.buffer.iter().map(|b| b.bytes).sum();
        ps.next_fetch = end_offset;
        ps.fetch_epoch = epoch;
        return;
    }
    if reset {
        log::warn!(
            "log truncation detected for {}-{}: fetch position {fetched} is past the end {end_offset} \
             of leader epoch {epoch}; continuing at {end_offset}",
            tp.topic,
            tp.partition
        );
        ps.seek_with_epoch(end_offset, epoch);
    } else {
        log::warn!(
            "log truncation detected for {}-{} at {end_offset} (fetched up to {fetched})",
            tp.topic,
            tp.partition
        );
        ps.error = Some(PartitionError::Truncated { offset: end_offset, leader_epoch: epoch });
    }
}

/// A fetch from `node` failed: partitions read from it as a preferred replica go back to
/// their leader.
fn forget_preferred_replicas(sh: &Shared, node: i32, parts: &[Wanted]) {
    let mut st = sh.state.lock();
    for w in parts {
        if let Some(p) = st.assignment.get_mut(&w.tp) {
            if p.preferred_replica.is_some_and(|(n, _)| n == node) {
                p.preferred_replica = None;
            }
        }
    }
}

fn clear_inflight(sh: &Shared, parts: impl IntoIterator<Item = (TopicPartition, u64)>) {
    let mut st = sh.state.lock();
    for (tp, epoch) in parts {
        if let Some(p) = st.assignment.get_mut(&tp) {
            if p.epoch == epoch {
                p.inflight = false;
            }
        }
    }
}

async fn lookup_committed(sh: Arc<Shared>, parts: Vec<(TopicPartition, u64)>) {
    let Some(c) = sh.coordinator.get().cloned() else {
        clear_inflight(&sh, parts);
        return;
    };
    let tps: Vec<TopicPartition> = parts.iter().map(|(tp, _)| tp.clone()).collect();
    let deadline = Instant::now() + sh.config.default_api_timeout;
    match c.fetch_committed(&tps, deadline).await {
        Ok(found) => {
            let mut st = sh.state.lock();
            for (tp, epoch) in &parts {
                let offset = found.get(tp).cloned().flatten().map(|c| (c.offset, c.leader_epoch));
                st.apply_committed(tp, *epoch, offset);
            }
            sh.notify_ready();
        }
        Err(e) => {
            log::warn!("fetching committed offsets failed: {e}");
            tokio::time::sleep(sh.client.config().retry_backoff).await;
            clear_inflight(&sh, parts);
        }
    }
    sh.fetch_wake.notify_one();
}

async fn reset_offsets(sh: Arc<Shared>, parts: Vec<(TopicPartition, i64, u64)>) {
    let queries: Vec<(TopicPartition, i64)> = parts.iter().map(|(tp, ts, _)| (tp.clone(), *ts)).collect();
    let deadline = Instant::now() + sh.client.config().request_timeout;
    match offsets::list_offsets(&sh.client, &queries, sh.config.isolation_level, deadline).await {
        Ok(found) => {
            let mut st = sh.state.lock();
            for (tp, _, epoch) in &parts {
                match found.get(tp) {
                    Some(a) if a.offset >= 0 => st.apply_reset(tp, *epoch, a.offset),
                    _ => {
                        if let Some(p) = st.assignment.get_mut(tp) {
                            if p.epoch == *epoch {
                                p.inflight = false;
                            }
                        }
                    }
                }
            }
            sh.notify_ready();
        }
        Err(e) => {
            log::warn!("offset reset lookup failed: {e}");
            tokio::time::sleep(sh.client.config().retry_backoff).await;
            clear_inflight(&sh, parts.into_iter().map(|(tp, _, e)| (tp, e)));
        }
    }
    sh.fetch_wake.notify_one();
}

/// A partition scheduled for a fetch: what the session should hold for it and the partition's
/// epoch (seeks since).
struct Wanted {
    tp: TopicPartition,
    session: SessionPartition,
    epoch: u64,
}

/// How long a preferred read replica (KIP-392) is used before asking the leader again.
fn preferred_replica_ttl(sh: &Shared) -> Duration {
    sh.client.config().metadata_max_age
}

async fn fetch_from(sh: Arc<Shared>, node: i32, parts: Vec<Wanted>) {
    let cfg = &sh.config;
    let wanted: Vec<(TopicPartition, SessionPartition)> =
        parts.iter().map(|w| (w.tp.clone(), w.session)).collect();
    let sent = {
        let mut sessions = sh.fetch_sessions.lock();
        let session =
            sessions.entry(node).or_insert_with(|| FetchSession::new(cfg.enable_incremental_fetch_sessions));
        session.build(&wanted)
    };
    let req = FetchRequest {
        replica_id: -1,
        max_wait_ms: i32::try_from(cfg.fetch_max_wait.as_millis()).unwrap_or(i32::MAX),
        min_bytes: cfg.fetch_min_bytes,
        max_bytes: cfg.fetch_max_bytes,
        isolation_level: cfg.isolation_level,
        session_id: sent.metadata.id,
        session_epoch: sent.metadata.epoch,
        topics: sent.topics.clone(),
        forgotten_topics_data: sent.forgotten.clone(),
        rack_id: cfg.client_rack.clone(),
        ..FetchRequest::default()
    };
    sh.metrics.fetches.fetch_add(1, Ordering::Relaxed);
    let sent_partitions: usize = req.topics.iter().map(|t| t.partitions.len()).sum();
    sh.metrics.fetch_partitions_sent.fetch_add(sent_partitions as u64, Ordering::Relaxed);
    let result = sh.client.send_to(node, &req).await;
    let result = match result {
        Ok(resp) => {
            let usable = match sh.fetch_sessions.lock().get_mut(&node) {
                Some(session) => session.handle_response(sent, resp.error_code, resp.session_id),
                None => resp.error_code == 0,
            };
            if usable {
                Ok(resp)
            } else {
                log::debug!(
                    "fetch session on node {node} answered {}; starting a new one",
                    ec::name(resp.error_code)
                );
                Err(crate::error::Error::broker(resp.error_code, "fetch session"))
            }
        }
        Err(e) => {
            if let Some(session) = sh.fetch_sessions.lock().get_mut(&node) {
                session.handle_error();
            }
            Err(e)
        }
    };
    let mut got_data = false;
    let mut failed: Vec<(TopicPartition, i16)> = Vec::new();
    match result {
        Err(e) => {
            log::debug!("fetch from node {node} failed: {e}");
            let session_error = matches!(
                e,
                crate::error::Error::Broker {
                    code: ec::FETCH_SESSION_ID_NOT_FOUND | ec::INVALID_FETCH_SESSION_EPOCH,
                    ..
                }
            );
            if !session_error {
                sh.client.request_metadata_update();
                forget_preferred_replicas(&sh, node, &parts);
                tokio::time::sleep(sh.client.config().retry_backoff).await;
            }
            clear_inflight(&sh, parts.iter().map(|w| (w.tp.clone(), w.epoch)));
        }
        Ok(resp) => {
            let read_committed = cfg.isolation_level == 1;
            let mut seen = HashSet::new();
            for t in resp.responses {
                for p in t.partitions {
                    let tp = TopicPartition::new(t.topic.clone(), p.partition_index);
                    let Some(w) = parts.iter().find(|w| w.tp == tp) else {
                        continue;
                    };
                    let (fetch_offset, epoch) = (&w.session.fetch_offset, &w.epoch);
                    seen.insert(tp.clone());
                    let parsed = if p.error_code == 0 {
                        let n = p.records.as_ref().map_or(0, |r| r.len());
                        sh.metrics.bytes.fetch_add(n as u64, Ordering::Relaxed);
                        Some(fetcher::parse_partition_records(
                            p.records.clone(),
                            *fetch_offset,
                            cfg.check_crcs,
                            read_committed,
                            p.aborted_transactions.as_deref(),
                        ))
                    } else {
                        None
                    };
                    let mut st = sh.state.lock();
                    let default_reset = st.default_reset;
                    let Some(ps) = st.assignment.get_mut(&tp) else { continue };
                    if ps.epoch != *epoch || ps.next_fetch != *fetch_offset {
                        continue;
                    }
                    ps.inflight = false;
                    let from_follower = ps.preferred_replica.is_some_and(|(n, _)| n == node);
                    match (p.error_code, parsed) {
                        // KIP-320: the log diverged from what we fetched (an unclean leader
                        // change truncated it): go back to where it diverged, or report it.
                        (0, _) if p.diverging_epoch.is_some_and(|d| d.epoch >= 0 && d.end_offset >= 0) => {
                            if let Some(d) = p.diverging_epoch {
                                truncated(
                                    ps,
                                    &tp,
                                    d.epoch,
                                    d.end_offset,
                                    *fetch_offset,
                                    default_reset.is_some(),
                                );
                                got_data = true;
                            }
                        }
                        (0, Some(Ok(recs))) => {
                            if p.preferred_read_replica >= 0 && p.preferred_read_replica != node {
                                let until = Instant::now() + preferred_replica_ttl(&sh);
                                ps.preferred_replica = Some((p.preferred_read_replica, until));
                            }
                            ps.highwater = Some(p.high_watermark);
                            ps.fetched_at_ms = std::time::SystemTime::now()
                                .duration_since(std::time::UNIX_EPOCH)
                                .ok()
                                .and_then(|d| i64::try_from(d.as_millis()).ok());
                            if p.last_stable_offset >= 0 {
                                ps.last_stable = Some(p.last_stable_offset);
                            }
                            if p.log_start_offset >= 0 {
                                ps.log_start = Some(p.log_start_offset);
                            }
                            ps.next_fetch = recs.next_fetch;
                            if let Some(last) = recs.batches.last() {
                                ps.fetch_epoch = last.leader_epoch;
                            }
                            for b in recs.batches {
                                ps.buffered_bytes += b.bytes;
                                ps.buffer.push_back(b);
                                got_data = true;
                            }
                        }
                        (0, Some(Err(e))) => {
                            ps.error = Some(PartitionError::Corrupt(e.to_string()));
                            got_data = true;
                        }
                        // A follower may lag the leader: ask the leader before resetting.
                        (ec::OFFSET_OUT_OF_RANGE, _) if from_follower => ps.preferred_replica = None,
                        (ec::OFFSET_OUT_OF_RANGE, _) => match default_reset {
                            Some(r) => ps.request_reset(r),
                            None => {
                                ps.error = Some(PartitionError::OutOfRange(*fetch_offset));
                                got_data = true;
                            }
                        },
                        (code, _) if refresh_metadata_error(code) => {
                            ps.preferred_replica = None;
                            sh.client.request_metadata_update();
                        }
                        (code, _) => {
                            failed.push((tp.clone(), code));
                            ps.error = Some(PartitionError::Broker(code));
                            got_data = true;
                        }
                    }
                }
            }
            let missing: Vec<(TopicPartition, u64)> =
                parts.iter().filter(|w| !seen.contains(&w.tp)).map(|w| (w.tp.clone(), w.epoch)).collect();
            clear_inflight(&sh, missing);
        }
    }
    // Logged outside the state lock: a log call may take the GIL, which a thread waiting for
    // that lock (a consumer call from Python) can hold.
    for (tp, code) in failed {
        log::warn!("fetch of {}-{} failed: {}", tp.topic, tp.partition, ec::name(code));
    }
    sh.busy_nodes.lock().remove(&node);
    if got_data {
        let _g = sh.state.lock();
        sh.notify_ready();
    }
    sh.fetch_wake.notify_one();
}

/// Closes the consumer's fetch sessions (a Fetch with the final epoch to each broker holding
/// one), freeing their slots in the brokers' session caches. Bounded by `wait`.
pub(super) async fn close_sessions(sh: Arc<Shared>, wait: Duration) {
    let ids: Vec<(i32, i32)> =
        sh.fetch_sessions.lock().iter().map(|(n, s)| (*n, s.id())).filter(|(_, id)| *id != 0).collect();
    let mut closes = tokio::task::JoinSet::new();
    for (node, id) in ids {
        let sh = sh.clone();
        closes.spawn(async move {
            let req = FetchRequest {
                replica_id: -1,
                max_wait_ms: 0,
                min_bytes: 0,
                isolation_level: sh.config.isolation_level,
                session_id: id,
                session_epoch: -1,
                ..Default::default()
            };
            if let Err(e) = sh.client.send_to(node, &req).await {
                log::debug!("closing fetch session {id} on node {node} failed: {e}");
            }
        });
    }
    let _ = tokio::time::timeout(wait, async { while closes.join_next().await.is_some() {} }).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consumer::subscription::FetchedBatch;
    use crate::records::Record;
    use std::collections::VecDeque;

    fn record(offset: i64) -> Record {
        Record { offset, timestamp: 0, key: None, value: None, headers: Vec::new(), size_in_bytes: 10 }
    }

    /// Position 10, records 10..20 buffered (epoch 5), next fetch at 20.
    fn partition() -> PartitionState {
        let mut ps = PartitionState::default();
        ps.seek_with_epoch(10, 4);
        ps.buffer.push_back(FetchedBatch {
            leader_epoch: 5,
            timestamp_type: 0,
            records: (10..20).map(record).collect::<VecDeque<_>>(),
            next_offset: 20,
            bytes: 100,
        });
        ps.buffered_bytes = 100;
        ps.next_fetch = 20;
        ps.fetch_epoch = 5;
        ps
    }

    #[test]
    fn divergence_inside_the_buffer_drops_only_the_lost_records() {
        let mut ps = partition();
        let tp = TopicPartition::new(String::from("t"), 0);
        truncated(&mut ps, &tp, 4, 15, 20, true);
        assert_eq!(ps.position, Some(10));
        assert_eq!(ps.next_fetch, 15);
        assert_eq!(ps.fetch_epoch, 4);
        let offsets: Vec<i64> = ps.buffer.iter().flat_map(|b| b.records.iter().map(|r| r.offset)).collect();
        assert_eq!(offsets, (10..15).collect::<Vec<_>>());
        assert_eq!(ps.buffer[0].next_offset, 15);
    }

    #[test]
    fn divergence_before_the_position_seeks_or_reports() {
        let tp = TopicPartition::new(String::from("t"), 0);
        let mut ps = partition();
        truncated(&mut ps, &tp, 3, 7, 20, true);
        assert_eq!((ps.position, ps.next_fetch, ps.fetch_epoch), (Some(7), 7, 3));
        assert!(ps.buffer.is_empty() && ps.error.is_none());

        let mut ps = partition();
        truncated(&mut ps, &tp, 3, 7, 20, false);
        assert!(matches!(ps.error, Some(PartitionError::Truncated { offset: 7, leader_epoch: 3 })));
    }

    #[test]
    fn divergence_past_what_was_fetched_only_updates_the_epoch() {
        let tp = TopicPartition::new(String::from("t"), 0);
        let mut ps = partition();
        truncated(&mut ps, &tp, 6, 25, 20, true);
        assert_eq!((ps.next_fetch, ps.fetch_epoch, ps.buffer.len()), (20, 6, 1));
    }
}
