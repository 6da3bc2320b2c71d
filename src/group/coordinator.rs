//! The member side of the classic group protocol: FindCoordinator, JoinGroup (with the
//! MEMBER_ID_REQUIRED retry), the leader's assignment, SyncGroup, a background heartbeat that
//! also enforces `max_poll_interval_ms`, LeaveGroup, and offset commit/fetch.
//!
//! The coordinator gets its own connection (as the Java client does), so a JoinGroup the broker
//! holds for seconds does not delay fetches or metadata requests on the shared connections.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::Mutex;
use tokio::sync::Mutex as AsyncMutex;

use super::assignor::{assignor_by_name, MemberSubscription, PartitionAssignor};
use crate::consumer::subscription::TopicPartition;
use crate::error::{Error, Result};
use crate::network::{Client, Connection, ConnectionConfig};
use crate::protocol::error_code as ec;
use crate::protocol::messages::consumer_protocol::PROTOCOL_TYPE;
use crate::protocol::messages::*;
use crate::protocol::Request;

/// Settings of a group member.
#[derive(Debug, Clone)]
pub struct GroupConfig {
    pub group_id: String,
    pub group_instance_id: Option<String>,
    pub session_timeout: Duration,
    /// max_poll_interval_ms: the rebalance timeout, and how long poll() may be left uncalled.
    pub max_poll_interval: Duration,
    pub heartbeat_interval: Duration,
    pub retry_backoff: Duration,
    /// Assignor protocol names in preference order.
    pub assignors: Vec<String>,
}

/// What a completed join gave this member.
#[derive(Debug, Clone)]
pub struct JoinResult {
    pub generation: i32,
    pub member_id: String,
    pub protocol: String,
    pub leader: bool,
    pub assignment: Vec<TopicPartition>,
}

#[derive(Debug, Clone, Default)]
struct Member {
    generation: i32,
    member_id: String,
    protocol: Option<String>,
    leader: bool,
    stable: bool,
}

/// An offset to commit.
#[derive(Debug, Clone)]
pub struct CommitOffset {
    pub tp: TopicPartition,
    pub offset: i64,
    pub leader_epoch: i32,
    pub metadata: String,
}

/// A committed offset as OffsetFetch returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub offset: i64,
    pub metadata: String,
    pub leader_epoch: i32,
}

/// One consumer's membership in one group.
pub struct Coordinator {
    client: Arc<Client>,
    config: GroupConfig,
    assignors: Vec<Box<dyn PartitionAssignor>>,
    conn: AsyncMutex<Option<Arc<Connection>>>,
    member: Mutex<Member>,
    rejoin_needed: AtomicBool,
    last_poll: Mutex<Instant>,
    /// The assignment owned and its generation (sticky user data).
    owned: Mutex<(BTreeMap<String, Vec<i32>>, i32)>,
    closed: AtomicBool,
    wake: Box<dyn Fn() + Send + Sync>,
}

fn is_coordinator_error(code: i16) -> bool {
    matches!(code, ec::NOT_COORDINATOR | ec::COORDINATOR_NOT_AVAILABLE)
}

impl Coordinator {
    /// Creates the member and starts its heartbeat task. `wake` is called when a rebalance is
    /// needed, so that a waiting poll() returns to run it.
    pub fn new(
        client: Arc<Client>,
        config: GroupConfig,
        wake: Box<dyn Fn() + Send + Sync>,
    ) -> Result<Arc<Self>> {
        let mut assignors = Vec::new();
        for name in &config.assignors {
            match assignor_by_name(name) {
                Some(a) => assignors.push(a),
                None => {
                    return Err(Error::InvalidArgument(format!("unsupported partition assignor {name:?}")))
                }
            }
        }
        if assignors.is_empty() {
            return Err(Error::InvalidArgument("partition_assignment_strategy is empty".into()));
        }
        let c = Arc::new(Self {
            client,
            config,
            assignors,
            conn: AsyncMutex::new(None),
            member: Mutex::new(Member { generation: -1, ..Default::default() }),
            rejoin_needed: AtomicBool::new(true),
            last_poll: Mutex::new(Instant::now()),
            owned: Mutex::new((BTreeMap::new(), -1)),
            closed: AtomicBool::new(false),
            wake,
        });
        crate::network::runtime::runtime().spawn(heartbeat_loop(Arc::downgrade(&c)));
        Ok(c)
    }

    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    /// Records that the application called poll() (for max_poll_interval_ms).
    pub fn touch_poll(&self) {
        *self.last_poll.lock() = Instant::now();
    }

    pub fn rejoin_needed(&self) -> bool {
        self.rejoin_needed.load(Ordering::Acquire)
    }

    pub fn request_rejoin(&self) {
        self.rejoin_needed.store(true, Ordering::Release);
        (self.wake)();
    }

    pub fn is_stable(&self) -> bool {
        self.member.lock().stable
    }

    /// (generation, member_id, stable).
    pub fn generation(&self) -> (i32, String, bool) {
        let m = self.member.lock();
        (m.generation, m.member_id.clone(), m.stable)
    }

    pub fn protocol(&self) -> Option<String> {
        self.member.lock().protocol.clone()
    }

    fn reset_generation(&self, keep_member_id: bool) {
        let mut m = self.member.lock();
        m.generation = -1;
        m.stable = false;
        m.leader = false;
        if !keep_member_id {
            m.member_id.clear();
        }
    }

    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    fn conn_config(&self) -> ConnectionConfig {
        let c = self.client.config();
        ConnectionConfig {
            client_id: c.client_id.clone(),
            // JoinGroup may be held by the broker for up to the rebalance timeout.
            request_timeout: c.request_timeout.max(self.config.max_poll_interval + Duration::from_secs(5)),
            connect_timeout: c.request_timeout.min(Duration::from_secs(10)),
            max_in_flight: 5,
        }
    }

    /// The coordinator's connection, looking the coordinator up if needed.
    async fn coordinator(&self) -> Result<Arc<Connection>> {
        let mut guard = self.conn.lock().await;
        if let Some(c) = guard.as_ref().filter(|c| !c.is_dead()) {
            return Ok(c.clone());
        }
        let req = FindCoordinatorRequest::new(self.config.group_id.clone(), find_coordinator::KEY_TYPE_GROUP);
        let resp = self.client.send_any(&req).await?;
        let found = resp
            .coordinators(&self.config.group_id)
            .into_iter()
            .next()
            .ok_or_else(|| Error::broker(ec::COORDINATOR_NOT_AVAILABLE, "no coordinator in response"))?;
        if found.error_code != 0 {
            return Err(Error::broker(found.error_code, found.error_message.unwrap_or_default()));
        }
        let addr = crate::network::client::normalize_addr(&format!("{}:{}", found.host, found.port));
        let conn = Connection::connect(&addr, self.conn_config()).await?;
        *guard = Some(conn.clone());
        Ok(conn)
    }

    async fn mark_unknown(&self) {
        if let Some(c) = self.conn.lock().await.take() {
            c.close();
        }
    }

    /// Sends `req` to the coordinator; transport failures forget the coordinator.
    async fn send<R: Request>(&self, req: &R) -> Result<R::Response> {
        let conn = self.coordinator().await?;
        match conn.send(req).await {
            Ok(r) => Ok(r),
            Err(e) => {
                self.mark_unknown().await;
                Err(e)
            }
        }
    }

    fn subscription_metadata(&self, assignor: &dyn PartitionAssignor, topics: &[String]) -> Result<Bytes> {
        let (owned, generation) = self.owned.lock().clone();
        let sub = ConsumerProtocolSubscription {
            topics: topics.to_vec(),
            user_data: assignor.subscription_user_data(&owned, generation),
            ..Default::default()
        };
        Ok(sub.to_bytes(0)?)
    }

    /// Joins the group with subscription `topics` and returns the assignment. Retriable errors are
    /// retried until `deadline`.
    pub async fn join(&self, topics: Vec<String>, deadline: Instant) -> Result<JoinResult> {
        let mut topics = topics;
        topics.sort();
        topics.dedup();
        self.rejoin_needed.store(false, Ordering::Release);
        // No heartbeats or member commits with the old generation while rejoining.
        self.member.lock().stable = false;
        loop {
            if self.closed.load(Ordering::Acquire) {
                return Err(Error::Closed("consumer closed".into()));
            }
            match self.join_once(&topics).await {
                Ok(r) => return Ok(r),
                Err(e) if (e.is_retriable() || is_rejoin_error(&e)) && Instant::now() < deadline => {
                    log::debug!("group {}: join failed ({e}); retrying", self.config.group_id);
                    if let Error::Broker { code, .. } = &e {
                        if is_coordinator_error(*code) {
                            self.mark_unknown().await;
                        }
                    }
                    if !matches!(&e, Error::Broker { code, .. } if *code == ec::MEMBER_ID_REQUIRED || *code == ec::REBALANCE_IN_PROGRESS)
                    {
                        tokio::time::sleep(self.config.retry_backoff).await;
                    }
                }
                Err(e) => {
                    self.rejoin_needed.store(true, Ordering::Release);
                    return Err(e);
                }
            }
        }
    }

    async fn join_once(&self, topics: &[String]) -> Result<JoinResult> {
        let mut protocols = Vec::new();
        for a in &self.assignors {
            protocols.push(JoinGroupRequestProtocol {
                name: a.name().to_string(),
                metadata: self.subscription_metadata(a.as_ref(), topics)?,
            });
        }
        let member_id = self.member.lock().member_id.clone();
        let req = JoinGroupRequest {
            group_id: self.config.group_id.clone(),
            session_timeout_ms: ms(self.config.session_timeout),
            rebalance_timeout_ms: ms(self.config.max_poll_interval),
            member_id,
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: PROTOCOL_TYPE.to_string(),
            protocols,
            reason: None,
        };
        let resp = self.send(&req).await?;
        match resp.error_code {
            0 => {}
            ec::MEMBER_ID_REQUIRED => {
                self.member.lock().member_id = resp.member_id.clone();
                return Err(Error::broker(ec::MEMBER_ID_REQUIRED, "retry with the assigned member id"));
            }
            ec::UNKNOWN_MEMBER_ID | ec::ILLEGAL_GENERATION => {
                self.reset_generation(resp.error_code == ec::ILLEGAL_GENERATION);
                return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "member reset; rejoining"));
            }
            code => return Err(Error::broker(code, format!("JoinGroup of group {}", self.config.group_id))),
        }
        let protocol = resp.protocol_name.clone().unwrap_or_default();
        let leader = resp.leader == resp.member_id;
        {
            let mut m = self.member.lock();
            m.generation = resp.generation_id;
            m.member_id = resp.member_id.clone();
            m.protocol = Some(protocol.clone());
            m.leader = leader;
        }
        let assignments =
            if leader { self.perform_assignment(&protocol, &resp.members).await? } else { Vec::new() };
        let sync = SyncGroupRequest {
            group_id: self.config.group_id.clone(),
            generation_id: resp.generation_id,
            member_id: resp.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: Some(PROTOCOL_TYPE.to_string()),
            protocol_name: Some(protocol.clone()),
            assignments,
        };
        let sresp = self.send(&sync).await?;
        match sresp.error_code {
            0 => {}
            ec::UNKNOWN_MEMBER_ID | ec::ILLEGAL_GENERATION => {
                self.reset_generation(sresp.error_code == ec::ILLEGAL_GENERATION);
                return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "member reset; rejoining"));
            }
            code => return Err(Error::broker(code, format!("SyncGroup of group {}", self.config.group_id))),
        }
        let (_, assignment) = ConsumerProtocolAssignment::from_bytes(sresp.assignment)?;
        let mut parts = Vec::new();
        let mut owned = BTreeMap::new();
        for tp in assignment.assigned_partitions {
            for p in &tp.partitions {
                parts.push(TopicPartition::new(tp.topic.clone(), *p));
            }
            owned.insert(tp.topic, tp.partitions);
        }
        *self.owned.lock() = (owned, resp.generation_id);
        if self.rejoin_needed.load(Ordering::Acquire) {
            // A heartbeat saw a new rebalance start while we were syncing.
            return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "rebalance restarted"));
        }
        self.member.lock().stable = true;
        self.touch_poll();
        Ok(JoinResult {
            generation: resp.generation_id,
            member_id: resp.member_id,
            protocol,
            leader,
            assignment: parts,
        })
    }

    /// The leader's job: run the assignor over every member's subscription.
    async fn perform_assignment(
        &self,
        protocol: &str,
        members: &[JoinGroupResponseMember],
    ) -> Result<Vec<SyncGroupRequestAssignment>> {
        let assignor = self
            .assignors
            .iter()
            .find(|a| a.name() == protocol)
            .ok_or_else(|| Error::Other(format!("coordinator chose unknown assignor {protocol:?}")))?;
        let mut subs = Vec::new();
        let mut all_topics = BTreeSet::new();
        for m in members {
            let (_, s) = ConsumerProtocolSubscription::from_bytes(m.metadata.clone())?;
            all_topics.extend(s.topics.iter().cloned());
            let mut ms = MemberSubscription::new(m.member_id.clone(), s.topics);
            if let Some(id) = &m.group_instance_id {
                ms = ms.with_group_instance_id(id.clone());
            }
            if let Some(ud) = s.user_data {
                ms = ms.with_user_data(ud);
            }
            if !s.owned_partitions.is_empty() {
                ms = ms.with_owned_partitions(
                    s.owned_partitions.into_iter().map(|tp| (tp.topic, tp.partitions)).collect(),
                );
            }
            subs.push(ms);
        }
        self.client.add_topics(all_topics.iter().map(String::as_str));
        let deadline = Instant::now() + self.client.config().request_timeout.min(Duration::from_secs(10));
        let mut counts = BTreeMap::new();
        for t in &all_topics {
            if let Ok(info) = self.client.wait_for_topic(t, deadline).await {
                counts.insert(t.clone(), i32::try_from(info.partitions.len()).unwrap_or(i32::MAX));
            }
        }
        let assignment = assignor.assign(&counts, &subs);
        let mut out = Vec::new();
        for m in members {
            let parts = assignment.get(&m.member_id).cloned().unwrap_or_default();
            let a = ConsumerProtocolAssignment {
                assigned_partitions: parts
                    .into_iter()
                    .map(|(topic, partitions)| TopicPartitions { topic, partitions })
                    .collect(),
                user_data: None,
            };
            out.push(SyncGroupRequestAssignment {
                member_id: m.member_id.clone(),
                assignment: a.to_bytes(0)?,
            });
        }
        log::info!(
            "group {}: leader assigned with {protocol} to {} members",
            self.config.group_id,
            members.len()
        );
        Ok(out)
    }

    /// Sends one heartbeat; reacts to rebalance and membership errors.
    async fn heartbeat(&self) -> Result<()> {
        let (generation, member_id, stable) = self.generation();
        if !stable {
            return Ok(());
        }
        let req = HeartbeatRequest {
            group_id: self.config.group_id.clone(),
            generation_id: generation,
            member_id,
            group_instance_id: self.config.group_instance_id.clone(),
        };
        let resp = self.send(&req).await?;
        match resp.error_code {
            0 => {}
            ec::REBALANCE_IN_PROGRESS => {
                log::info!("group {}: rebalance in progress; rejoining", self.config.group_id);
                self.request_rejoin();
            }
            ec::ILLEGAL_GENERATION | ec::UNKNOWN_MEMBER_ID | ec::FENCED_INSTANCE_ID => {
                self.reset_generation(resp.error_code == ec::ILLEGAL_GENERATION);
                self.request_rejoin();
            }
            code if is_coordinator_error(code) => self.mark_unknown().await,
            code => log::warn!("group {}: heartbeat failed: {}", self.config.group_id, ec::name(code)),
        }
        Ok(())
    }

    /// Leaves the group (not for static members, whose session simply expires) and resets the
    /// member id and generation.
    pub async fn leave(&self) {
        let (generation, member_id, _) = self.generation();
        self.reset_generation(false);
        if member_id.is_empty() || generation < 0 || self.config.group_instance_id.is_some() {
            return;
        }
        let req = LeaveGroupRequest {
            group_id: self.config.group_id.clone(),
            member_id: member_id.clone(),
            members: vec![MemberIdentity { member_id, group_instance_id: None, reason: None }],
        };
        if let Err(e) = self.send(&req).await {
            log::debug!("group {}: LeaveGroup failed: {e}", self.config.group_id);
        }
    }

    /// Commits `offsets`. With `as_member`, the commit carries the generation and member id and
    /// fails with ILLEGAL_GENERATION if the member is not in a stable group.
    pub async fn commit(&self, offsets: &[CommitOffset], as_member: bool, deadline: Instant) -> Result<()> {
        if offsets.is_empty() {
            return Ok(());
        }
        let mut topics: BTreeMap<&str, Vec<OffsetCommitRequestPartition>> = BTreeMap::new();
        for o in offsets {
            topics.entry(o.tp.topic.as_str()).or_default().push(OffsetCommitRequestPartition {
                partition_index: o.tp.partition,
                committed_offset: o.offset,
                committed_leader_epoch: o.leader_epoch,
                committed_metadata: Some(o.metadata.clone()),
            });
        }
        let topics: Vec<OffsetCommitRequestTopic> = topics
            .into_iter()
            .map(|(name, partitions)| OffsetCommitRequestTopic { name: name.to_string(), partitions })
            .collect();
        loop {
            let (generation, member_id) = if as_member {
                let (g, m, stable) = self.generation();
                if !stable {
                    return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "the group is rebalancing"));
                }
                (g, m)
            } else {
                (-1, String::new())
            };
            let req = OffsetCommitRequest {
                group_id: self.config.group_id.clone(),
                generation_id: generation,
                member_id,
                group_instance_id: if as_member { self.config.group_instance_id.clone() } else { None },
                retention_time_ms: -1,
                topics: topics.clone(),
            };
            let code = match self.send(&req).await {
                Ok(resp) => resp
                    .topics
                    .iter()
                    .flat_map(|t| t.partitions.iter())
                    .map(|p| p.error_code)
                    .find(|c| *c != 0)
                    .unwrap_or(0),
                Err(e) if e.is_retriable() && Instant::now() < deadline => {
                    tokio::time::sleep(self.config.retry_backoff).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match code {
                0 => return Ok(()),
                c if is_coordinator_error(c) || c == ec::COORDINATOR_LOAD_IN_PROGRESS => {
                    if is_coordinator_error(c) {
                        self.mark_unknown().await;
                    }
                    if Instant::now() >= deadline {
                        return Err(Error::broker(c, "OffsetCommit"));
                    }
                    tokio::time::sleep(self.config.retry_backoff).await;
                }
                c @ (ec::UNKNOWN_MEMBER_ID | ec::ILLEGAL_GENERATION | ec::REBALANCE_IN_PROGRESS) => {
                    if c != ec::REBALANCE_IN_PROGRESS {
                        self.reset_generation(c == ec::ILLEGAL_GENERATION);
                    }
                    self.request_rejoin();
                    return Err(Error::broker(c, "OffsetCommit"));
                }
                c => return Err(Error::broker(c, "OffsetCommit")),
            }
        }
    }

    /// The committed offsets of `parts` (`None` where nothing is committed).
    pub async fn fetch_committed(
        &self,
        parts: &[TopicPartition],
        deadline: Instant,
    ) -> Result<BTreeMap<TopicPartition, Option<Committed>>> {
        let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
        for tp in parts {
            by_topic.entry(tp.topic.as_str()).or_default().push(tp.partition);
        }
        let req = OffsetFetchRequest {
            group_id: self.config.group_id.clone(),
            topics: Some(
                by_topic
                    .into_iter()
                    .map(|(name, partition_indexes)| OffsetFetchRequestTopic {
                        name: name.to_string(),
                        partition_indexes,
                    })
                    .collect(),
            ),
            require_stable: false,
        };
        loop {
            let resp = match self.send(&req).await {
                Ok(r) => r,
                Err(e) if e.is_retriable() && Instant::now() < deadline => {
                    tokio::time::sleep(self.config.retry_backoff).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let mut code = resp.error_code;
            let mut out = BTreeMap::new();
            for t in resp.topics {
                for p in t.partitions {
                    if p.error_code != 0 && code == 0 {
                        code = p.error_code;
                    }
                    let c = (p.committed_offset >= 0).then(|| Committed {
                        offset: p.committed_offset,
                        metadata: p.metadata.unwrap_or_default(),
                        leader_epoch: p.committed_leader_epoch,
                    });
                    out.insert(TopicPartition::new(t.name.clone(), p.partition_index), c);
                }
            }
            match code {
                0 => return Ok(out),
                c if ec::is_retriable(c) && Instant::now() < deadline => {
                    if is_coordinator_error(c) {
                        self.mark_unknown().await;
                    }
                    tokio::time::sleep(self.config.retry_backoff).await;
                }
                c => return Err(Error::broker(c, "OffsetFetch")),
            }
        }
    }
}

/// Errors after which a join is simply tried again.
fn is_rejoin_error(e: &Error) -> bool {
    matches!(
        e,
        Error::Broker { code, .. } if matches!(
            *code,
            ec::MEMBER_ID_REQUIRED
                | ec::REBALANCE_IN_PROGRESS
                | ec::UNKNOWN_MEMBER_ID
                | ec::ILLEGAL_GENERATION
                | ec::COORDINATOR_LOAD_IN_PROGRESS
                | ec::COORDINATOR_NOT_AVAILABLE
                | ec::NOT_COORDINATOR
        )
    )
}

fn ms(d: Duration) -> i32 {
    i32::try_from(d.as_millis()).unwrap_or(i32::MAX)
}

async fn heartbeat_loop(weak: Weak<Coordinator>) {
    loop {
        let interval = match weak.upgrade() {
            Some(c) if !c.closed.load(Ordering::Acquire) => {
                let stable = c.is_stable();
                if stable && c.last_poll.lock().elapsed() > c.config.max_poll_interval {
                    log::warn!(
                        "group {}: poll() not called within max_poll_interval_ms; leaving the group",
                        c.config.group_id
                    );
                    c.leave().await;
                    c.request_rejoin();
                } else if stable {
                    if let Err(e) = c.heartbeat().await {
                        log::debug!("group {}: heartbeat failed: {e}", c.config.group_id);
                    }
                }
                c.config.heartbeat_interval
            }
            _ => return,
        };
        tokio::time::sleep(interval).await;
    }
}
