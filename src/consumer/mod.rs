//! The consumer: subscription state, background fetching and group membership.
//!
//! - `config`: [`ConsumerConfig`] and the results of calls ([`PollError`], [`GroupStep`]);
//! - [`subscription`]: assigned partitions, positions, pauses, pending resets, prefetch buffers;
//! - `join`: a group join running on the runtime, its result kept for the next poll;
//! - `fetch_loop`: the background task that resolves positions and keeps fetches in flight;
//! - [`fetcher`]: decoding Fetch responses (control batches, aborted transactions);
//! - [`offsets`]: ListOffsets (beginning/end offsets, offsets_for_times, resets).
//!
//! A background task on the shared runtime resolves missing positions (committed offsets, then
//! auto_offset_reset) and keeps one Fetch request in flight per partition leader, decoding the
//! responses into per-partition buffers while the application processes earlier records. The
//! application side ([`Consumer::poll_once`]) only moves records out of those buffers.
//!
//! Group membership is driven from poll(), as in kafka-python: [`Consumer::group_step`] reports
//! revocations before rejoining and the new assignment after it, so that the rebalance listener
//! runs on the application's thread. The join itself runs on the runtime and survives poll
//! timeouts; the heartbeat runs on the runtime independently of poll().

mod config;
mod fetch_loop;
mod fetch_session;
pub mod fetcher;
mod join;
pub mod offsets;
mod reconcile;
pub mod subscription;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::group::assignor::RebalanceProtocol;
use crate::group::{CommitOffset, Committed, Coordinator};
use crate::network::runtime::{block_on_until, runtime};
use crate::network::Client;
pub use config::{ConsumerConfig, GroupStep, PollError};
use fetch_session::FetchSession;
use join::{JoinOutcome, JoinSlot};
pub use offsets::OffsetAnswer;
pub use subscription::{
    Drained, OffsetReset, PartitionError, SubscriptionState, SubscriptionType, TopicPartition,
};

#[derive(Default)]
struct Metrics {
    records: AtomicU64,
    bytes: AtomicU64,
    fetches: AtomicU64,
    /// Partitions listed in Fetch requests (an incremental fetch lists only the changed ones).
    fetch_partitions_sent: AtomicU64,
    /// Fetch requests sent to a preferred read replica rather than the leader (KIP-392).
    follower_fetches: AtomicU64,
}

struct Shared {
    client: Arc<Client>,
    config: ConsumerConfig,
    state: Mutex<SubscriptionState>,
    ready: Condvar,
    /// Woken with `ready` (notify_waiters): async waiters of [`Consumer::wait_ready`].
    ready_async: Notify,
    fetch_wake: Arc<Notify>,
    coordinator: OnceLock<Arc<Coordinator>>,
    /// A join finished and waits for a group step (wakes a poll that consumes during a
    /// cooperative join). Cleared by the step.
    join_done: AtomicBool,
    closed: AtomicBool,
    busy_nodes: Mutex<HashSet<i32>>,
    /// KIP-227: one fetch session per broker fetched from.
    fetch_sessions: Mutex<HashMap<i32, FetchSession>>,
    metrics: Metrics,
}

impl Shared {
    fn wake_all(&self) {
        let _g = self.state.lock();
        self.ready.notify_all();
        drop(_g);
        self.ready_async.notify_waiters();
        self.fetch_wake.notify_one();
    }

    /// Wakes sync and async waiters for records (call with or without the state lock).
    fn notify_ready(&self) {
        self.ready.notify_all();
        self.ready_async.notify_waiters();
    }
}

/// The id of a commit_async call and its outcome.
type CommitResult = (u64, Result<()>);

/// What a step does before joining.
enum Prepare {
    /// The membership was lost: report these partitions as lost.
    Lost(Vec<TopicPartition>),
    /// Auto-commit, then revoke these (`None`: nothing to revoke, join at once).
    Revoke(Option<Vec<TopicPartition>>),
}

/// What a finished join asks of the step.
enum Next {
    Step(GroupStep),
    /// Auto-commit these partitions' positions, then report them revoked.
    CommitThenRevoke(Vec<TopicPartition>),
}

/// A cooperative join's result, applied once its revocation was handled.
struct Completion {
    assignment: Vec<TopicPartition>,
    added: Vec<TopicPartition>,
    rejoin: bool,
}

struct GroupProgress {
    revoked: bool,
    completion: Option<Completion>,
    join: Option<Arc<JoinSlot>>,
    /// A LeaveGroup sent by [`Consumer::unsubscribe_nowait`]; the next join waits for it.
    leaving: Option<JoinHandle<()>>,
    next_autocommit: Instant,
}

/// A consumer: the API the Python bindings call.
pub struct Consumer {
    shared: Arc<Shared>,
    progress: Mutex<GroupProgress>,
    commits: Arc<Mutex<Vec<CommitResult>>>,
    next_commit_id: AtomicU64,
}

impl Consumer {
    /// Creates the consumer and starts its fetcher (and, with a group, the heartbeat).
    pub fn new(config: ConsumerConfig) -> Result<Consumer> {
        if config.client.bootstrap_servers.is_empty() {
            return Err(Error::InvalidArgument("bootstrap_servers is empty".into()));
        }
        let client = Client::new(config.client.clone());
        let use_committed = config.group.is_some();
        let shared = Arc::new(Shared {
            client: client.clone(),
            state: Mutex::new(SubscriptionState::new(config.auto_offset_reset, use_committed)),
            config,
            ready: Condvar::new(),
            ready_async: Notify::new(),
            fetch_wake: Arc::new(Notify::new()),
            coordinator: OnceLock::new(),
            join_done: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            busy_nodes: Mutex::new(HashSet::new()),
            fetch_sessions: Mutex::new(HashMap::new()),
            metrics: Metrics::default(),
        });
        if let Some(g) = shared.config.group.clone() {
            let weak = Arc::downgrade(&shared);
            let wake = Box::new(move || {
                if let Some(s) = weak.upgrade() {
                    s.wake_all();
                }
            });
            let c = Coordinator::new(client, g, wake)?;
            let _ = shared.coordinator.set(c);
        }
        runtime().spawn(fetch_loop::fetch_loop(Arc::downgrade(&shared)));
        let interval = shared.config.auto_commit_interval;
        Ok(Consumer {
            shared,
            progress: Mutex::new(GroupProgress {
                revoked: false,
                completion: None,
                join: None,
                leaving: None,
                next_autocommit: Instant::now() + interval,
            }),
            commits: Arc::new(Mutex::new(Vec::new())),
            next_commit_id: AtomicU64::new(1),
        })
    }

    pub fn config(&self) -> &ConsumerConfig {
        &self.shared.config
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.shared.client
    }

    fn coordinator(&self) -> Option<&Arc<Coordinator>> {
        self.shared.coordinator.get()
    }

    fn deadline(&self, timeout: Option<Duration>) -> Instant {
        Instant::now() + timeout.unwrap_or(self.shared.config.default_api_timeout)
    }

    // ---- subscription ----

    /// subscribe(topics). Changing the topic set triggers a rebalance.
    pub fn subscribe(&self, topics: Vec<String>) -> Result<()> {
        let changed = {
            let mut st = self.shared.state.lock();
            st.subscribe(topics.clone()).map_err(|m| Error::Other(format!("IllegalStateError: {m}")))?
        };
        self.shared.client.add_topics(topics.iter().map(String::as_str));
        if changed {
            if let Some(c) = self.coordinator() {
                c.request_rejoin();
            }
        }
        Ok(())
    }

    pub fn subscription(&self) -> Option<Vec<String>> {
        let st = self.shared.state.lock();
        (st.kind == SubscriptionType::AutoTopics).then(|| st.subscription.iter().cloned().collect())
    }

    /// unsubscribe(): leaves the group (if any) and forgets every partition.
    pub fn unsubscribe(&self) {
        let was_auto = {
            let mut st = self.shared.state.lock();
            let auto = st.partitions_auto_assigned();
            st.unsubscribe();
            auto
        };
        if was_auto {
            if let Some(c) = self.coordinator() {
                if let Some(j) = self.progress.lock().join.take() {
                    j.abort();
                }
                runtime().block_on(c.leave());
                c.request_rejoin();
            }
        }
        {
            let mut p = self.progress.lock();
            p.revoked = false;
            p.completion = None;
        }
        self.shared.wake_all();
    }

    pub fn assign(&self, parts: Vec<TopicPartition>) -> Result<()> {
        self.shared.client.add_topics(parts.iter().map(|tp| tp.topic.as_str()));
        self.shared
            .state
            .lock()
            .assign_from_user(parts)
            .map_err(|m| Error::Other(format!("IllegalStateError: {m}")))?;
        self.shared.wake_all();
        Ok(())
    }

    pub fn assignment(&self) -> Vec<TopicPartition> {
        self.shared.state.lock().assigned()
    }

    /// Whether poll() should return so that [`Self::group_step`] can run a rebalance.
    pub fn needs_group_step(&self) -> bool {
        self.coordinator().is_some_and(|c| c.rejoin_needed() || self.shared.join_done.load(Ordering::Acquire))
            && self.is_auto_assigned()
    }

    /// Whether a cooperative join is running while this member keeps consuming its partitions
    /// (poll() hands out records meanwhile; the join's end wakes it).
    pub fn consuming_during_join(&self) -> bool {
        let Some(c) = self.coordinator() else { return false };
        if c.rebalance_protocol() != RebalanceProtocol::Cooperative {
            return false;
        }
        let running = self.progress.lock().join.as_ref().is_some_and(|j| !j.is_done());
        running && !self.shared.state.lock().assignment.is_empty()
    }

    /// Whether the membership was lost (fenced, expired, left) since the last group step;
    /// forgets it (close() reports the partitions lost rather than revoked then).
    pub fn take_membership_lost(&self) -> bool {
        self.coordinator().is_some_and(|c| c.take_lost())
    }

    pub fn is_auto_assigned(&self) -> bool {
        self.shared.state.lock().partitions_auto_assigned()
    }

    /// Drives group membership; see [`GroupStep`]. Waits at most `timeout` for a join.
    pub fn group_step(&self, timeout: Duration) -> Result<GroupStep> {
        if let Some(c) = self.coordinator() {
            c.touch_poll();
        }
        let (auto, topics) = self.auto_topics();
        if !auto {
            return Ok(GroupStep::Stable);
        }
        let Some(coord) = self.coordinator().cloned() else {
            return Ok(self.assign_all_locally(&topics, timeout));
        };
        if coord.consumer_group().is_some() {
            return self.consumer_group_step(&coord, topics, timeout);
        }
        let mut progress = self.progress.lock();
        if let Some(step) = self.apply_completion(&mut progress, &coord) {
            return Ok(step);
        }
        if progress.join.is_none() {
            self.shared.join_done.store(false, Ordering::Release);
        }
        if let Some(slot) = progress.join.clone() {
            let keeps = coord.rebalance_protocol() == RebalanceProtocol::Cooperative
                && !self.shared.state.lock().assignment.is_empty();
            let wait = if keeps { Duration::ZERO } else { timeout };
            let waited = runtime().block_on(async { tokio::time::timeout(wait, slot.wait()).await });
            if waited.is_err() {
                return Ok(GroupStep::Pending);
            }
            progress.join = None;
            self.shared.join_done.store(false, Ordering::Release);
            return match self.finish_join(&mut progress, &coord, slot.take())? {
                Next::Step(step) => Ok(step),
                Next::CommitThenRevoke(parts) => {
                    let offsets = self.consumed_offsets_of(&parts);
                    if let Err(e) = runtime().block_on(coord.commit(&offsets, true, self.deadline(None))) {
                        log::warn!("auto-commit of revoked partitions failed: {e}");
                    }
                    Ok(GroupStep::Revoke(parts))
                }
            };
        }
        if !coord.rejoin_needed() && coord.is_stable() {
            return Ok(GroupStep::Stable);
        }
        if !progress.revoked {
            match self.prepare_join(&coord, &topics) {
                Prepare::Lost(parts) => {
                    progress.revoked = true;
                    return Ok(GroupStep::Lost(parts));
                }
                Prepare::Revoke(parts) => {
                    if self.shared.config.enable_auto_commit && coord.is_stable() {
                        let offsets = self.consumed_offsets();
                        if let Err(e) = runtime().block_on(coord.commit(&offsets, true, self.deadline(None)))
                        {
                            log::warn!("auto-commit before rebalance failed: {e}");
                        }
                    }
                    progress.revoked = true;
                    if let Some(parts) = parts {
                        return Ok(GroupStep::Revoke(parts));
                    }
                }
            }
        }
        // The application has handled the revocation: drop the partitions and join.
        self.start_join(&mut progress, &coord, topics);
        drop(progress);
        self.group_step(timeout)
    }

    /// [`Self::group_step`] for async callers: never blocks a thread, and is cancel-safe (a
    /// dropped step loses nothing: the join keeps running into its slot, and a revocation is
    /// only marked handled once it has been returned).
    ///
    /// `touch`: the step counts as a poll for `max_poll_interval_ms` (false for the asyncio
    /// consumer's background membership task, which must not keep an idle member alive).
    pub async fn group_step_async(&self, timeout: Duration, touch: bool) -> Result<GroupStep> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(c) = self.coordinator().filter(|_| touch) {
                c.touch_poll();
            }
            let (auto, topics) = self.auto_topics();
            if !auto {
                return Ok(GroupStep::Stable);
            }
            let Some(coord) = self.coordinator().cloned() else {
                return Ok(self.assign_all_locally_async(&topics, deadline).await);
            };
            if coord.consumer_group().is_some() {
                return self.consumer_group_step_async(&coord, topics, deadline).await;
            }
            if let Some(step) = self.apply_completion(&mut self.progress.lock(), &coord) {
                return Ok(step);
            }
            let running = self.progress.lock().join.clone();
            if running.is_none() {
                self.shared.join_done.store(false, Ordering::Release);
            }
            if let Some(slot) = running {
                let wait_until =
                    if touch && self.consuming_during_join() { Instant::now() } else { deadline };
                if tokio::time::timeout_at(wait_until.into(), slot.wait()).await.is_err() {
                    return Ok(GroupStep::Pending);
                }
                let next = {
                    let mut progress = self.progress.lock();
                    if !progress.join.as_ref().is_some_and(|j| Arc::ptr_eq(j, &slot)) {
                        continue; // a concurrent step took this result
                    }
                    progress.join = None;
                    self.shared.join_done.store(false, Ordering::Release);
                    self.finish_join(&mut progress, &coord, slot.take())?
                };
                return match next {
                    Next::Step(step) => Ok(step),
                    Next::CommitThenRevoke(parts) => {
                        let offsets = self.consumed_offsets_of(&parts);
                        if let Err(e) = coord.commit(&offsets, true, self.deadline(None)).await {
                            log::warn!("auto-commit of revoked partitions failed: {e}");
                        }
                        Ok(GroupStep::Revoke(parts))
                    }
                };
            }
            if !coord.rejoin_needed() && coord.is_stable() {
                return Ok(GroupStep::Stable);
            }
            let revoked = self.progress.lock().revoked;
            if !revoked {
                match self.prepare_join(&coord, &topics) {
                    Prepare::Lost(parts) => {
                        self.progress.lock().revoked = true;
                        return Ok(GroupStep::Lost(parts));
                    }
                    Prepare::Revoke(parts) => {
                        if self.shared.config.enable_auto_commit && coord.is_stable() {
                            let offsets = self.consumed_offsets();
                            if let Err(e) = coord.commit(&offsets, true, self.deadline(None)).await {
                                log::warn!("auto-commit before rebalance failed: {e}");
                            }
                        }
                        self.progress.lock().revoked = true;
                        if let Some(parts) = parts {
                            return Ok(GroupStep::Revoke(parts));
                        }
                    }
                }
            }
            let mut progress = self.progress.lock();
            if progress.join.is_none() {
                self.start_join(&mut progress, &coord, topics);
            }
        }
    }

    /// Whether [`Self::group_step_async`] has work to do (a cheap check for async callers; also
    /// records the poll for max_poll_interval_ms). Without group_id, applies the local
    /// assignment right away when the metadata of every subscribed topic is cached.
    pub fn group_work_pending(&self) -> bool {
        let topics: Vec<String> = {
            let st = self.shared.state.lock();
            if !st.partitions_auto_assigned() {
                return false;
            }
            if self.coordinator().is_none() {
                st.subscription.iter().cloned().collect()
            } else {
                Vec::new()
            }
        };
        match self.coordinator() {
            Some(c) => {
                c.touch_poll();
                if self.consuming_during_join() {
                    return false;
                }
                c.rejoin_needed() || !c.is_stable() || self.progress.lock().join.is_some()
            }
            None => {
                let snap = self.shared.client.cluster();
                if topics.iter().any(|t| snap.topic(t).is_none()) {
                    return true;
                }
                self.apply_local_assignment(&topics, &snap);
                false
            }
        }
    }

    /// Whether a group member needs a rebalance step that a background task may run: the group
    /// lost this member or is rebalancing, and the application polled within
    /// `max_poll_interval_ms` (after a poll timeout the member stays out until the next poll).
    /// Does not count as a poll.
    pub fn background_group_work(&self) -> bool {
        let Some(c) = self.coordinator() else {
            return false;
        };
        if !self.is_auto_assigned() || c.poll_expired() {
            return false;
        }
        c.rejoin_needed() || !c.is_stable() || self.progress.lock().join.is_some()
    }

    /// Waits until [`Self::background_group_work`] holds or the consumer is closed, at most until
    /// `deadline`; returns whether there is work (false: timed out or closed).
    pub async fn wait_background_group_work(&self, deadline: Instant) -> bool {
        loop {
            let notified = self.shared.ready_async.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_closed() {
                return false;
            }
            if self.background_group_work() {
                return true;
            }
            // Woken by rejoin requests and record arrivals; re-check at least every second (a
            // join that completes, or a poll timer that runs out, notifies nobody).
            let slice = (Instant::now() + Duration::from_secs(1)).min(deadline);
            let _ = tokio::time::timeout_at(slice.into(), notified).await;
            if Instant::now() >= deadline {
                return self.background_group_work();
            }
        }
    }

    fn auto_topics(&self) -> (bool, Vec<String>) {
        let st = self.shared.state.lock();
        (st.partitions_auto_assigned(), st.subscription.iter().cloned().collect::<Vec<_>>())
    }

    /// What to do before (re)joining: report the partitions lost if the membership was lost,
    /// else the partitions to revoke (eager: all; cooperative: those of topics no longer
    /// subscribed, `None` when there are none).
    fn prepare_join(&self, coord: &Coordinator, topics: &[String]) -> Prepare {
        let mut st = self.shared.state.lock();
        let owned = st.assigned();
        if coord.take_lost() && !owned.is_empty() {
            st.assign_from_subscribed(Vec::new());
            coord.clear_owned();
            return Prepare::Lost(owned);
        }
        match coord.rebalance_protocol() {
            RebalanceProtocol::Eager => Prepare::Revoke(Some(owned)),
            RebalanceProtocol::Cooperative => {
                let gone: Vec<TopicPartition> =
                    owned.into_iter().filter(|tp| !topics.contains(&tp.topic)).collect();
                Prepare::Revoke((!gone.is_empty()).then_some(gone))
            }
        }
    }

    /// Starts the join after the revocation was handled: eager drops every partition,
    /// cooperative keeps those of subscribed topics (and claims them in the join).
    fn start_join(&self, progress: &mut GroupProgress, coord: &Arc<Coordinator>, topics: Vec<String>) {
        {
            let mut st = self.shared.state.lock();
            match coord.rebalance_protocol() {
                RebalanceProtocol::Eager => st.assign_from_subscribed(Vec::new()),
                RebalanceProtocol::Cooperative => {
                    let kept: Vec<TopicPartition> =
                        st.assigned().into_iter().filter(|tp| topics.contains(&tp.topic)).collect();
                    coord.set_owned(&kept);
                    st.assign_from_subscribed(kept);
                }
            }
        }
        let deadline = Instant::now() + self.shared.config.default_api_timeout.max(Duration::from_secs(60));
        progress.join = Some(JoinSlot::start(
            coord.clone(),
            topics,
            deadline,
            progress.leaving.take(),
            Arc::downgrade(&self.shared),
        ));
    }

    /// Applies a finished join's outcome. Eager: the new assignment. Cooperative: first the
    /// partitions lost (the membership was reset during the join) or taken away, then (through
    /// [`Self::apply_completion`]) the partitions added; a revocation asks for another
    /// rebalance, which hands the revoked partitions to their new owners.
    fn finish_join(
        &self,
        progress: &mut GroupProgress,
        coord: &Coordinator,
        outcome: Option<JoinOutcome>,
    ) -> Result<Next> {
        match outcome {
            Some(JoinOutcome::Done(Ok(result))) => {
                progress.revoked = false;
                let mut parts = result.assignment;
                parts.sort();
                self.shared.client.add_topics(parts.iter().map(|tp| tp.topic.as_str()));
                progress.next_autocommit = Instant::now() + self.shared.config.auto_commit_interval;
                let lost = coord.take_lost();
                if coord.rebalance_protocol() == RebalanceProtocol::Eager {
                    self.shared.state.lock().assign_from_subscribed(parts.clone());
                    self.shared.wake_all();
                    return Ok(Next::Step(GroupStep::Assigned(parts)));
                }
                let mut st = self.shared.state.lock();
                let owned: BTreeSet<TopicPartition> = st.assigned().into_iter().collect();
                let assigned: BTreeSet<TopicPartition> = parts.iter().cloned().collect();
                let lost_parts: Vec<TopicPartition> =
                    if lost { owned.iter().cloned().collect() } else { Vec::new() };
                let still_owned = if lost { BTreeSet::new() } else { owned };
                let revoked: Vec<TopicPartition> = still_owned.difference(&assigned).cloned().collect();
                let added: Vec<TopicPartition> = assigned.difference(&still_owned).cloned().collect();
                progress.completion =
                    Some(Completion { assignment: parts, added, rejoin: !revoked.is_empty() });
                if !lost_parts.is_empty() {
                    st.assign_from_subscribed(Vec::new());
                    return Ok(Next::Step(GroupStep::Lost(lost_parts)));
                }
                drop(st);
                if !revoked.is_empty() {
                    return Ok(Next::CommitThenRevoke(revoked));
                }
                Ok(Next::Step(self.apply_completion(progress, coord).unwrap_or(GroupStep::Pending)))
            }
            Some(JoinOutcome::Done(Err(e))) if !e.is_retriable() => Err(e),
            _ => Ok(Next::Step(GroupStep::Pending)),
        }
    }

    /// The rest of a cooperative join once its revocation was handled: the new assignment, and
    /// another rebalance if partitions were revoked.
    fn apply_completion(&self, progress: &mut GroupProgress, coord: &Coordinator) -> Option<GroupStep> {
        let c = progress.completion.take()?;
        self.shared.state.lock().assign_from_subscribed(c.assignment);
        self.shared.wake_all();
        if c.rejoin {
            log::info!("partitions were revoked; rejoining so that they reach their new owners");
            coord.request_rejoin();
        }
        Some(GroupStep::Assigned(c.added))
    }

    /// Without group_id, subscribe() assigns every partition of the topics to this consumer.
    fn assign_all_locally(&self, topics: &[String], timeout: Duration) -> GroupStep {
        let client = &self.shared.client;
        let mut snap = client.cluster();
        if topics.iter().any(|t| snap.topic(t).is_none()) {
            let deadline = Instant::now() + timeout.min(Duration::from_secs(1));
            if let Ok(Ok(s)) = runtime()
                .block_on(async { tokio::time::timeout_at(deadline.into(), client.refresh_metadata()).await })
            {
                snap = s;
            }
        }
        self.apply_local_assignment(topics, &snap);
        GroupStep::Stable
    }

    async fn assign_all_locally_async(&self, topics: &[String], deadline: Instant) -> GroupStep {
        let client = &self.shared.client;
        let mut snap = client.cluster();
        if topics.iter().any(|t| snap.topic(t).is_none()) {
            let deadline = deadline.min(Instant::now() + Duration::from_secs(1));
            if let Ok(Ok(s)) = tokio::time::timeout_at(deadline.into(), client.refresh_metadata()).await {
                snap = s;
            }
        }
        self.apply_local_assignment(topics, &snap);
        GroupStep::Stable
    }

    fn apply_local_assignment(&self, topics: &[String], snap: &crate::network::ClusterSnapshot) {
        let mut parts = Vec::new();
        for t in topics {
            if let Some(info) = snap.topic(t) {
                parts.extend(info.partitions.iter().map(|p| TopicPartition::new(t.clone(), p.partition)));
            }
        }
        let mut st = self.shared.state.lock();
        let current: Vec<TopicPartition> = st.assigned();
        if current != parts {
            st.assign_from_subscribed(parts);
            drop(st);
            self.shared.wake_all();
        }
    }

    // ---- records ----

    /// Hands out up to `max` records, waiting at most `wait` for some. Returns early (empty) when
    /// the group needs a rebalance. Also runs the auto-commit when due.
    pub fn poll_once(
        &self,
        max: usize,
        wait: Duration,
        update_positions: bool,
    ) -> Result<Vec<Drained>, PollError> {
        self.maybe_autocommit();
        if let Some(c) = self.coordinator() {
            c.touch_poll();
        }
        let deadline = Instant::now() + wait;
        let mut st = self.shared.state.lock();
        loop {
            if let Some((tp, e)) = st.take_error() {
                return Err(PollError::Partition(tp, e));
            }
            if let Some(e) = self.shared.client.auth_failure() {
                return Err(PollError::Core(e));
            }
            let drained = st.drain(max, update_positions);
            if !drained.is_empty() {
                drop(st);
                self.shared.fetch_wake.notify_one();
                let n: usize = drained.iter().map(|d| d.records.len()).sum();
                self.shared.metrics.records.fetch_add(n as u64, Ordering::Relaxed);
                return Ok(drained);
            }
            if self
                .coordinator()
                .is_some_and(|c| c.rejoin_needed() || self.shared.join_done.load(Ordering::Acquire))
                && st.partitions_auto_assigned()
            {
                return Ok(Vec::new());
            }
            if self.shared.closed.load(Ordering::Acquire) {
                return Err(PollError::Core(Error::Closed("consumer is closed".into())));
            }
            if self.shared.ready.wait_until(&mut st, deadline).timed_out() {
                if let Some((tp, e)) = st.take_error() {
                    return Err(PollError::Partition(tp, e));
                }
                return Ok(st.drain(max, update_positions));
            }
        }
    }

    /// Sets positions after the application consumed records handed out without updating them.
    pub fn update_positions(&self, positions: &[(TopicPartition, i64, i32)]) {
        let mut st = self.shared.state.lock();
        for (tp, offset, epoch) in positions {
            if let Some(p) = st.assignment.get_mut(tp) {
                if p.position.is_some_and(|cur| cur <= *offset) {
                    p.position = Some(*offset);
                    p.position_epoch = *epoch;
                }
            }
        }
    }

    // ---- positions ----

    pub fn seek(&self, tp: &TopicPartition, offset: i64) -> Result<(), PollError> {
        let mut st = self.shared.state.lock();
        let p = st.assignment.get_mut(tp).ok_or_else(|| PollError::NotAssigned(tp.clone()))?;
        p.seek(offset);
        drop(st);
        self.shared.wake_all();
        Ok(())
    }

    pub fn seek_to(&self, parts: &[TopicPartition], reset: OffsetReset) -> Result<(), PollError> {
        let mut st = self.shared.state.lock();
        for tp in parts {
            st.assignment.get_mut(tp).ok_or_else(|| PollError::NotAssigned(tp.clone()))?.request_reset(reset);
        }
        drop(st);
        self.shared.wake_all();
        Ok(())
    }

    pub fn set_paused(&self, parts: &[TopicPartition], paused: bool) -> Result<(), PollError> {
        let mut st = self.shared.state.lock();
        for tp in parts {
            st.assignment.get_mut(tp).ok_or_else(|| PollError::NotAssigned(tp.clone()))?.paused = paused;
        }
        drop(st);
        self.shared.wake_all();
        Ok(())
    }

    pub fn paused(&self) -> Vec<TopicPartition> {
        self.shared
            .state
            .lock()
            .assignment
            .iter()
            .filter(|(_, s)| s.paused)
            .map(|(tp, _)| tp.clone())
            .collect()
    }

    /// The position of `tp`, waiting up to `wait` for it to be resolved (`None`: not yet).
    pub fn position_wait(&self, tp: &TopicPartition, wait: Duration) -> Result<Option<i64>, PollError> {
        let deadline = Instant::now() + wait;
        let mut st = self.shared.state.lock();
        loop {
            let p = st.assignment.get(tp).ok_or_else(|| PollError::NotAssigned(tp.clone()))?;
            if let Some(pos) = p.position {
                return Ok(Some(pos));
            }
            if let Some(e) = p.error.clone() {
                return Err(PollError::Partition(tp.clone(), e));
            }
            self.shared.fetch_wake.notify_one();
            if self.shared.ready.wait_until(&mut st, deadline).timed_out() {
                return Ok(st.assignment.get(tp).and_then(|p| p.position));
            }
        }
    }

    pub fn highwater(&self, tp: &TopicPartition) -> Result<Option<i64>, PollError> {
        let st = self.shared.state.lock();
        Ok(st.assignment.get(tp).ok_or_else(|| PollError::NotAssigned(tp.clone()))?.highwater)
    }

    /// When the last fetch response updated `tp`'s high watermark (ms since the epoch).
    pub fn last_fetch_ms(&self, tp: &TopicPartition) -> Result<Option<i64>, PollError> {
        let st = self.shared.state.lock();
        Ok(st.assignment.get(tp).ok_or_else(|| PollError::NotAssigned(tp.clone()))?.fetched_at_ms)
    }

    /// ListOffsets for `(partition, timestamp)` pairs (-2 earliest, -1 latest).
    pub fn list_offsets(
        &self,
        queries: &[(TopicPartition, i64)],
        timeout: Option<Duration>,
    ) -> Result<BTreeMap<TopicPartition, OffsetAnswer>> {
        let deadline = self.deadline(timeout);
        let iso = self.shared.config.isolation_level;
        runtime().block_on(offsets::list_offsets(&self.shared.client, queries, iso, deadline))
    }

    // ---- commits ----

    fn consumed_offsets(&self) -> Vec<CommitOffset> {
        self.shared
            .state
            .lock()
            .all_consumed()
            .into_iter()
            .map(|(tp, offset, leader_epoch)| CommitOffset {
                tp,
                offset,
                leader_epoch,
                metadata: String::new(),
            })
            .collect()
    }

    /// The consumed positions of `parts` only.
    fn consumed_offsets_of(&self, parts: &[TopicPartition]) -> Vec<CommitOffset> {
        let mut offsets = self.consumed_offsets();
        offsets.retain(|o| parts.contains(&o.tp));
        offsets
    }

    fn commit_target(&self) -> Result<(Arc<Coordinator>, bool)> {
        let c = self
            .coordinator()
            .cloned()
            .ok_or_else(|| Error::Other("IllegalStateError: Requires group_id".into()))?;
        Ok((c, self.is_auto_assigned()))
    }

    /// commit(offsets): synchronous; `None` commits the consumed positions.
    pub fn commit(&self, offsets: Option<Vec<CommitOffset>>, timeout: Option<Duration>) -> Result<()> {
        let (c, as_member) = self.commit_target()?;
        let offsets = offsets.unwrap_or_else(|| self.consumed_offsets());
        runtime().block_on(c.commit(&offsets, as_member, self.deadline(timeout)))
    }

    /// commit_async(offsets): returns an id reported by [`Self::take_commit_results`].
    pub fn commit_async(&self, offsets: Option<Vec<CommitOffset>>) -> Result<u64> {
        let (c, as_member) = self.commit_target()?;
        let offsets = offsets.unwrap_or_else(|| self.consumed_offsets());
        let id = self.next_commit_id.fetch_add(1, Ordering::Relaxed);
        let results = self.commits.clone();
        let deadline = self.deadline(None);
        let shared = Arc::downgrade(&self.shared);
        runtime().spawn(async move {
            let r = c.commit(&offsets, as_member, deadline).await;
            results.lock().push((id, r));
            if let Some(s) = shared.upgrade() {
                s.wake_all();
            }
        });
        Ok(id)
    }

    /// Results of finished commit_async calls.
    pub fn take_commit_results(&self) -> Vec<(u64, Result<()>)> {
        std::mem::take(&mut *self.commits.lock())
    }

    fn maybe_autocommit(&self) {
        if !self.shared.config.enable_auto_commit {
            return;
        }
        let Some(c) = self.coordinator().cloned() else { return };
        let mut progress = self.progress.lock();
        if Instant::now() < progress.next_autocommit {
            return;
        }
        progress.next_autocommit = Instant::now() + self.shared.config.auto_commit_interval;
        drop(progress);
        let as_member = self.is_auto_assigned();
        if as_member && !c.is_stable() {
            return;
        }
        let offsets = self.consumed_offsets();
        if offsets.is_empty() {
            return;
        }
        let deadline = Instant::now() + self.shared.config.auto_commit_interval;
        runtime().spawn(async move {
            if let Err(e) = c.commit(&offsets, as_member, deadline).await {
                log::warn!("auto offset commit failed: {e}");
            }
        });
    }

    /// committed(): the group's committed offsets of `parts`.
    pub fn committed(
        &self,
        parts: &[TopicPartition],
        timeout: Option<Duration>,
    ) -> Result<BTreeMap<TopicPartition, Option<Committed>>> {
        let (c, _) = self.commit_target()?;
        runtime().block_on(c.fetch_committed(parts, self.deadline(timeout)))
    }

    /// (generation, member_id, stable) of the group membership.
    pub fn group_generation(&self) -> Option<(i32, String, bool)> {
        self.coordinator().map(|c| c.generation())
    }

    // ---- metadata ----

    /// All topics (name -> partition ids), internal ones excluded when `exclude_internal`.
    pub fn topics(
        &self,
        exclude_internal: bool,
        timeout: Option<Duration>,
    ) -> Result<BTreeMap<String, Vec<i32>>> {
        let deadline = self.deadline(timeout);
        let client = &self.shared.client;
        let snap = runtime()
            .block_on(async { tokio::time::timeout_at(deadline.into(), client.fetch_metadata(None)).await })
            .map_err(|_| Error::Timeout("Failed to update metadata".into()))??;
        Ok(snap
            .topics
            .values()
            .filter(|t| !(exclude_internal && t.is_internal))
            .map(|t| (t.name.clone(), t.partitions.iter().map(|p| p.partition).collect()))
            .collect())
    }

    pub fn stats(&self) -> BTreeMap<&'static str, u64> {
        let m = &self.shared.metrics;
        BTreeMap::from([
            ("records-consumed-total", m.records.load(Ordering::Relaxed)),
            ("bytes-fetched-total", m.bytes.load(Ordering::Relaxed)),
            ("fetch-total", m.fetches.load(Ordering::Relaxed)),
            ("fetch-partitions-sent-total", m.fetch_partitions_sent.load(Ordering::Relaxed)),
            ("fetch-follower-total", m.follower_fetches.load(Ordering::Relaxed)),
        ])
    }

    /// close(autocommit): commits (if asked and enabled), leaves the group, stops the tasks.
    /// The commit and the leave stop waiting when `interrupted` says so (Ctrl-C).
    pub fn close(&self, autocommit: bool, timeout: Option<Duration>, interrupted: &mut dyn FnMut() -> bool) {
        if self.shared.closed.load(Ordering::Acquire) {
            return;
        }
        if let Some(c) = self.coordinator().cloned() {
            if autocommit && self.shared.config.enable_auto_commit {
                let as_member = self.is_auto_assigned();
                if !as_member || c.is_stable() {
                    let offsets = self.consumed_offsets();
                    let commit = c.commit(&offsets, as_member, self.deadline(timeout));
                    if let Some(Err(e)) = block_on_until(commit, interrupted) {
                        log::warn!("offset commit on close failed: {e}");
                    }
                }
            }
            if let Some(j) = self.progress.lock().join.take() {
                j.abort();
            }
            c.close();
            if self.is_auto_assigned() {
                let d = timeout.unwrap_or(Duration::from_secs(5));
                let _ = block_on_until(async { tokio::time::timeout(d, c.leave()).await }, interrupted);
            }
        }
        self.shared.closed.store(true, Ordering::Release);
        let d = timeout.unwrap_or(Duration::from_secs(5)).min(Duration::from_secs(2));
        let _ = block_on_until(fetch_loop::close_sessions(self.shared.clone(), d), interrupted);
        self.shared.client.close();
        self.shared.wake_all();
    }
}

/// The asyncio face of the consumer (`kafka.aio.AIOKafkaConsumer`): nothing here blocks a
/// thread. Futures are either `'static` (built from clones) or borrow the consumer, which the
/// bindings keep alive for as long as the future exists.
impl Consumer {
    /// Wakes every waiter (sync poll, [`Self::wait_ready`]) so that it re-checks its state.
    pub fn wake(&self) {
        self.shared.wake_all();
    }

    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    /// Whether records or an error of `only` (all partitions when `None`) are ready, a group
    /// step is due or the consumer is closed.
    fn ready_now(&self, only: Option<&[TopicPartition]>) -> bool {
        if self.is_closed() || self.needs_group_step() {
            return true;
        }
        let st = self.shared.state.lock();
        st.has_ready_in(only)
    }

    /// Waits until [`Self::ready_now`] holds or the consumer is woken, at most until `deadline`.
    /// Returns whether it was ready or woken (false: timed out). Consumes nothing, so it is
    /// cancel-safe: records are handed out by [`Self::poll_now`] afterwards.
    pub async fn wait_ready(&self, deadline: Instant, only: Option<Vec<TopicPartition>>) -> bool {
        let notified = self.shared.ready_async.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.ready_now(only.as_deref()) {
            return true;
        }
        self.shared.fetch_wake.notify_one();
        tokio::time::timeout_at(deadline.into(), notified).await.is_ok()
    }

    /// Hands out up to `max` buffered records of `only` (all when `None`) without waiting; also
    /// runs the auto-commit when due. Raises pending partition errors.
    pub fn poll_now(
        &self,
        max: usize,
        update_positions: bool,
        only: Option<&[TopicPartition]>,
    ) -> Result<Vec<Drained>, PollError> {
        self.maybe_autocommit();
        if let Some(c) = self.coordinator() {
            c.touch_poll();
        }
        let mut st = self.shared.state.lock();
        // Only the errors of the partitions asked for (aiokafka's getmany(*partitions)).
        if let Some((tp, e)) = st.take_error_in(only) {
            return Err(PollError::Partition(tp, e));
        }
        let drained = st.drain_only(max, update_positions, only);
        drop(st);
        if !drained.is_empty() {
            self.shared.fetch_wake.notify_one();
            let n: usize = drained.iter().map(|d| d.records.len()).sum();
            self.shared.metrics.records.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(drained)
    }

    /// The position of `tp`, waiting until `deadline` for it to be resolved (`None`: not yet).
    pub async fn position_async(
        &self,
        tp: &TopicPartition,
        deadline: Instant,
    ) -> Result<Option<i64>, PollError> {
        loop {
            let notified = self.shared.ready_async.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let st = self.shared.state.lock();
                let p = st.assignment.get(tp).ok_or_else(|| PollError::NotAssigned(tp.clone()))?;
                if let Some(pos) = p.position {
                    return Ok(Some(pos));
                }
                if let Some(e) = p.error.clone() {
                    return Err(PollError::Partition(tp.clone(), e));
                }
            }
            self.shared.fetch_wake.notify_one();
            if tokio::time::timeout_at(deadline.into(), notified).await.is_err() {
                return Ok(self.shared.state.lock().assignment.get(tp).and_then(|p| p.position));
            }
        }
    }

    /// commit(offsets) as a future; `None` commits the consumed positions (taken now).
    pub fn commit_future(
        &self,
        offsets: Option<Vec<CommitOffset>>,
        timeout: Option<Duration>,
    ) -> Result<impl std::future::Future<Output = Result<()>> + Send + 'static> {
        let (c, as_member) = self.commit_target()?;
        let offsets = offsets.unwrap_or_else(|| self.consumed_offsets());
        let deadline = self.deadline(timeout);
        Ok(async move { c.commit(&offsets, as_member, deadline).await })
    }

    /// committed(parts) as a future.
    pub fn committed_future(
        &self,
        parts: Vec<TopicPartition>,
        timeout: Option<Duration>,
    ) -> Result<
        impl std::future::Future<Output = Result<BTreeMap<TopicPartition, Option<Committed>>>> + Send + 'static,
    > {
        let (c, _) = self.commit_target()?;
        let deadline = self.deadline(timeout);
        Ok(async move { c.fetch_committed(&parts, deadline).await })
    }

    /// ListOffsets as a future (see [`Self::list_offsets`]).
    pub fn list_offsets_future(
        &self,
        queries: Vec<(TopicPartition, i64)>,
        timeout: Option<Duration>,
    ) -> impl std::future::Future<Output = Result<BTreeMap<TopicPartition, OffsetAnswer>>> + Send + 'static
    {
        let deadline = self.deadline(timeout);
        let iso = self.shared.config.isolation_level;
        let client = self.shared.client.clone();
        async move { offsets::list_offsets(&client, &queries, iso, deadline).await }
    }

    /// Fetches metadata of all topics (cached afterwards) as a future: name -> partition ids.
    pub fn topics_future(
        &self,
        exclude_internal: bool,
        timeout: Option<Duration>,
    ) -> impl std::future::Future<Output = Result<BTreeMap<String, Vec<i32>>>> + Send + 'static {
        let deadline = self.deadline(timeout);
        let client = self.shared.client.clone();
        async move {
            let snap = tokio::time::timeout_at(deadline.into(), client.fetch_metadata(None))
                .await
                .map_err(|_| Error::Timeout("Failed to update metadata".into()))??;
            Ok(snap
                .topics
                .values()
                .filter(|t| !(exclude_internal && t.is_internal))
                .map(|t| (t.name.clone(), t.partitions.iter().map(|p| p.partition).collect()))
                .collect())
        }
    }

    /// Partition ids of `topic` from cached metadata; `None` (and a metadata refresh for it is
    /// requested) when unknown.
    pub fn cached_partitions(&self, topic: &str) -> Option<Vec<i32>> {
        let found = self
            .shared
            .client
            .cluster()
            .topic(topic)
            .map(|t| t.partitions.iter().map(|p| p.partition).collect());
        if found.is_none() {
            self.shared.client.add_topics([topic]);
            self.shared.client.request_metadata_update();
            self.shared.fetch_wake.notify_one();
        }
        found
    }

    /// unsubscribe() without waiting: the LeaveGroup runs on the runtime and the next join
    /// waits for it.
    pub fn unsubscribe_nowait(&self) {
        let was_auto = {
            let mut st = self.shared.state.lock();
            let auto = st.partitions_auto_assigned();
            st.unsubscribe();
            auto
        };
        let mut progress = self.progress.lock();
        if was_auto {
            if let Some(c) = self.coordinator().cloned() {
                if let Some(j) = progress.join.take() {
                    j.abort();
                }
                let leaving = c.clone();
                let previous = progress.leaving.take();
                progress.leaving = Some(runtime().spawn(async move {
                    if let Some(p) = previous {
                        let _ = p.await;
                    }
                    leaving.leave().await;
                }));
                c.request_rejoin();
            }
        }
        progress.revoked = false;
        progress.completion = None;
        drop(progress);
        self.shared.wake_all();
    }

    /// close() for async callers: commits (if asked and enabled), leaves the group, stops.
    pub async fn close_async(&self, autocommit: bool, timeout: Option<Duration>) {
        if self.is_closed() {
            return;
        }
        if let Some(c) = self.coordinator().cloned() {
            if autocommit && self.shared.config.enable_auto_commit {
                let as_member = self.is_auto_assigned();
                if !as_member || c.is_stable() {
                    let offsets = self.consumed_offsets();
                    if let Err(e) = c.commit(&offsets, as_member, self.deadline(timeout)).await {
                        log::warn!("offset commit on close failed: {e}");
                    }
                }
            }
            let join = self.progress.lock().join.take();
            if let Some(j) = join {
                j.abort();
            }
            c.close();
            if self.is_auto_assigned() {
                let d = timeout.unwrap_or(Duration::from_secs(5));
                let _ = tokio::time::timeout(d, c.leave()).await;
            }
        }
        self.shared.closed.store(true, Ordering::Release);
        self.shared.client.close();
        self.shared.wake_all();
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
        if let Some(c) = self.coordinator() {
            c.close();
        }
        self.shared.fetch_wake.notify_one();
    }
}
