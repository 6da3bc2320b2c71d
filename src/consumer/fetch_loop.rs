//! The background fetch task: resolves missing positions (committed offsets, then
//! auto_offset_reset) and keeps one Fetch request in flight per partition leader, decoding
//! responses into the per-partition buffers of [`SubscriptionState`](super::SubscriptionState).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use super::{fetcher, offsets};
use super::{PartitionError, Shared, TopicPartition};
use crate::network::runtime::runtime;
use crate::protocol::error_code as ec;
use crate::protocol::messages::{FetchPartition, FetchRequest, FetchTopic};

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
    let mut fetches: BTreeMap<i32, Vec<(TopicPartition, i64, u64)>> = BTreeMap::new();
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
                match snap.leader_for(&tp.topic, tp.partition) {
                    Some(node) if !busy.contains(&node) => {
                        fetches.entry(node).or_default().push((tp.clone(), p.next_fetch, p.epoch));
                    }
                    Some(_) => {}
                    None => sh.client.request_metadata_update(),
                }
            }
        }
        for parts in fetches.values() {
            for (tp, _, _) in parts {
                if let Some(p) = st.assignment.get_mut(tp) {
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
        sh.busy_nodes.lock().insert(node);
        runtime().spawn(fetch_from(sh.clone(), node, parts));
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
                let offset = found.get(tp).cloned().flatten().map(|c| c.offset);
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

async fn fetch_from(sh: Arc<Shared>, node: i32, parts: Vec<(TopicPartition, i64, u64)>) {
    let cfg = &sh.config;
    let mut topics: Vec<FetchTopic> = Vec::new();
    for (tp, offset, _) in &parts {
        let fp = FetchPartition {
            partition: tp.partition,
            fetch_offset: *offset,
            partition_max_bytes: cfg.max_partition_fetch_bytes,
            ..Default::default()
        };
        match topics.last_mut() {
            Some(t) if t.topic == tp.topic => t.partitions.push(fp),
            _ => topics.push(FetchTopic { topic: tp.topic.clone(), partitions: vec![fp] }),
        }
    }
    let req = FetchRequest {
        replica_id: -1,
        max_wait_ms: i32::try_from(cfg.fetch_max_wait.as_millis()).unwrap_or(i32::MAX),
        min_bytes: cfg.fetch_min_bytes,
        max_bytes: cfg.fetch_max_bytes,
        isolation_level: cfg.isolation_level,
        session_id: 0,
        session_epoch: -1,
        topics,
        ..Default::default()
    };
    sh.metrics.fetches.fetch_add(1, Ordering::Relaxed);
    let result = sh.client.send_to(node, &req).await;
    let mut got_data = false;
    match result {
        Err(e) => {
            log::debug!("fetch from node {node} failed: {e}");
            sh.client.request_metadata_update();
            tokio::time::sleep(sh.client.config().retry_backoff).await;
            clear_inflight(&sh, parts.iter().map(|(tp, _, e)| (tp.clone(), *e)));
        }
        Ok(resp) => {
            let read_committed = cfg.isolation_level == 1;
            let mut seen = HashSet::new();
            for t in resp.responses {
                for p in t.partitions {
                    let tp = TopicPartition::new(t.topic.clone(), p.partition_index);
                    let Some((_, fetch_offset, epoch)) = parts.iter().find(|(q, _, _)| *q == tp) else {
                        continue;
                    };
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
                    match (p.error_code, parsed) {
                        (0, Some(Ok(recs))) => {
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
                        (ec::OFFSET_OUT_OF_RANGE, _) => match default_reset {
                            Some(r) => ps.request_reset(r),
                            None => {
                                ps.error = Some(PartitionError::OutOfRange(*fetch_offset));
                                got_data = true;
                            }
                        },
                        (code, _) if refresh_metadata_error(code) => sh.client.request_metadata_update(),
                        (code, _) => {
                            log::warn!("fetch of {}-{} failed: {}", tp.topic, tp.partition, ec::name(code));
                            ps.error = Some(PartitionError::Broker(code));
                            got_data = true;
                        }
                    }
                }
            }
            let missing: Vec<(TopicPartition, u64)> = parts
                .iter()
                .filter(|(tp, _, _)| !seen.contains(tp))
                .map(|(tp, _, e)| (tp.clone(), *e))
                .collect();
            clear_inflight(&sh, missing);
        }
    }
    sh.busy_nodes.lock().remove(&node);
    if got_data {
        let _g = sh.state.lock();
        sh.notify_ready();
    }
    sh.fetch_wake.notify_one();
}
