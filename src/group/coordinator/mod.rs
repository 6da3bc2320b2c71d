//! The member side of the classic group protocol: FindCoordinator, JoinGroup (with the
//! MEMBER_ID_REQUIRED retry), the leader's assignment, SyncGroup, a background heartbeat that
//! also enforces `max_poll_interval_ms`, LeaveGroup, and offset commit/fetch.
//!
//! - this file: the member's state, coordinator discovery and its dedicated connection;
//! - `membership`: join (with the leader's assignment), sync, heartbeat, leave;
//! - `offsets`: offset commit and fetch.
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

mod membership;
mod offsets;

pub use offsets::{CommitOffset, Committed};

use super::assignor::{assignor_by_name, Builtin, GroupAssignor, MemberSubscription, RebalanceProtocol};
use super::consumer_group::{self, ConsumerGroupMember};
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
    /// The application's own assignors, used for the names in `assignors` that they carry.
    pub custom_assignors: CustomAssignors,
    /// group_protocol: the classic protocol (JoinGroup/SyncGroup) or KIP-848's `consumer`.
    pub protocol: GroupProtocol,
    /// group_remote_assignor: the broker-side assignor asked for by a `consumer` member.
    pub remote_assignor: Option<String>,
    /// client_rack, sent in ConsumerGroupHeartbeat for rack-aware broker assignors ('' none).
    pub rack_id: String,
    /// KIP-447: OffsetFetch asks for stable offsets (a read_committed consumer, as Java's): the
    /// coordinator answers UNSTABLE_OFFSET_COMMIT, retried, while a transaction that commits
    /// offsets for the group is pending, so the position never starts before its outcome.
    pub require_stable: bool,
}

/// Which group membership protocol a member speaks (Java's `group.protocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupProtocol {
    #[default]
    Classic,
    /// KIP-848: ConsumerGroupHeartbeat with broker-side assignment.
    Consumer,
}

/// The application's assignors (e.g. Python `AbstractPartitionAssignor`s), by their names.
#[derive(Clone, Default)]
pub struct CustomAssignors(pub Vec<Arc<dyn GroupAssignor>>);

impl std::fmt::Debug for CustomAssignors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|a| a.name().to_owned())).finish()
    }
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

/// One consumer's membership in one group.
pub struct Coordinator {
    client: Arc<Client>,
    config: GroupConfig,
    assignors: Vec<Arc<dyn GroupAssignor>>,
    /// The rebalance protocol all assignors support (the highest such).
    protocol: RebalanceProtocol,
    /// The membership was reset (fenced, expired, left) while established; its partitions are
    /// lost. Taken by the consumer's next group step.
    lost: AtomicBool,
    conn: AsyncMutex<Option<Arc<Connection>>>,
    member: Mutex<Member>,
    rejoin_needed: AtomicBool,
    last_poll: Mutex<Instant>,
    /// The assignment owned and its generation (sticky user data).
    owned: Mutex<(BTreeMap<String, Vec<i32>>, i32)>,
    closed: AtomicBool,
    wake: Box<dyn Fn() + Send + Sync>,
    /// The KIP-848 membership when `protocol` is `consumer` (this struct then only provides
    /// discovery, the connection and offsets).
    consumer_group: Option<ConsumerGroupMember>,
}

pub(crate) fn is_coordinator_error(code: i16) -> bool {
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
        let mut assignors: Vec<Arc<dyn GroupAssignor>> = Vec::new();
        for name in &config.assignors {
            if let Some(a) = config.custom_assignors.0.iter().find(|a| a.name() == name) {
                assignors.push(a.clone());
            } else if let Some(a) = assignor_by_name(name) {
                assignors.push(Arc::new(Builtin(a)));
            } else {
                return Err(Error::InvalidArgument(format!("unsupported partition assignor {name:?}")));
            }
        }
        if assignors.is_empty() && config.protocol == GroupProtocol::Classic {
            return Err(Error::InvalidArgument("partition_assignment_strategy is empty".into()));
        }
        let protocol = RebalanceProtocol::common(assignors.iter().map(|a| a.supported_protocols()))
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "partition assignors {:?} do not support a common rebalance protocol",
                    config.assignors
                ))
            })?;
        let c = Arc::new(Self {
            client,
            assignors,
            protocol,
            lost: AtomicBool::new(false),
            conn: AsyncMutex::new(None),
            member: Mutex::new(Member { generation: -1, ..Default::default() }),
            rejoin_needed: AtomicBool::new(true),
            last_poll: Mutex::new(Instant::now()),
            owned: Mutex::new((BTreeMap::new(), -1)),
            closed: AtomicBool::new(false),
            wake,
            consumer_group: (config.protocol == GroupProtocol::Consumer).then(ConsumerGroupMember::new),
            config,
        });
        let rt = crate::network::runtime::runtime();
        if c.consumer_group.is_some() {
            rt.spawn(consumer_group::heartbeat_loop(Arc::downgrade(&c)));
        } else {
            rt.spawn(membership::heartbeat_loop(Arc::downgrade(&c)));
        }
        Ok(c)
    }

    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    /// Records that the application called poll() (for max_poll_interval_ms).
    pub fn touch_poll(&self) {
        *self.last_poll.lock() = Instant::now();
    }

    /// Whether the application has not polled within `max_poll_interval_ms`.
    pub fn poll_expired(&self) -> bool {
        self.last_poll.lock().elapsed() > self.config.max_poll_interval
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

    /// The rebalance protocol of this member's assignors.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
        self.protocol
    }

    /// Whether the membership was lost since the last call (and forgets it).
    pub fn take_lost(&self) -> bool {
        self.lost.swap(false, Ordering::AcqRel)
    }

    /// The partitions this member owns now (cooperative: what its next JoinGroup claims); keeps
    /// their generation.
    pub fn set_owned(&self, parts: &[TopicPartition]) {
        let mut map: BTreeMap<String, Vec<i32>> = BTreeMap::new();
        for tp in parts {
            map.entry(tp.topic.clone()).or_default().push(tp.partition);
        }
        for ps in map.values_mut() {
            ps.sort_unstable();
        }
        self.owned.lock().0 = map;
    }

    /// Forgets the owned partitions and their generation (they were lost).
    pub fn clear_owned(&self) {
        *self.owned.lock() = (BTreeMap::new(), -1);
    }

    fn reset_generation(&self, keep_member_id: bool) {
        let mut m = self.member.lock();
        if m.generation >= 0 {
            self.lost.store(true, Ordering::Release);
            if self.protocol == RebalanceProtocol::Cooperative {
                *self.owned.lock() = (BTreeMap::new(), -1);
            }
        }
        m.generation = -1;
        m.stable = false;
        m.leader = false;
        if !keep_member_id {
            m.member_id.clear();
        }
    }

    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        if let Some(m) = &self.consumer_group {
            m.wake_heartbeat();
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The KIP-848 membership (`group_protocol='consumer'`), if this member uses it.
    pub fn consumer_group(&self) -> Option<&ConsumerGroupMember> {
        self.consumer_group.as_ref()
    }

    pub(crate) fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// Mirrors a `consumer` member's epoch and id into the fields that commits and
    /// [`Self::generation`] read.
    pub(crate) fn set_member_state(&self, epoch: i32, member_id: &str, stable: bool) {
        let mut m = self.member.lock();
        m.generation = epoch;
        m.member_id = member_id.to_string();
        m.stable = stable;
    }

    /// Clears the flag that makes poll() return for a group step.
    pub(crate) fn clear_rejoin(&self) {
        self.rejoin_needed.store(false, Ordering::Release);
    }

    fn conn_config(&self) -> ConnectionConfig {
        let c = self.client.config();
        ConnectionConfig {
            client_id: c.client_id.clone(),
            // JoinGroup may be held by the broker for up to the rebalance timeout.
            request_timeout: c.request_timeout.max(self.config.max_poll_interval + Duration::from_secs(5)),
            connect_timeout: c.request_timeout.min(Duration::from_secs(10)),
            max_in_flight: 5,
            max_response_size: c.receive_message_max_bytes,
            security: c.security.clone(),
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

    pub(crate) async fn mark_unknown(&self) {
        if let Some(c) = self.conn.lock().await.take() {
            c.close();
        }
    }

    /// Sends `req` to the coordinator; transport failures forget the coordinator.
    pub(crate) async fn send<R: Request>(&self, req: &R) -> Result<R::Response> {
        let conn = self.coordinator().await?;
        match conn.send(req).await {
            Ok(r) => Ok(r),
            Err(e) => {
                self.mark_unknown().await;
                Err(e)
            }
        }
    }

    /// The JoinGroup metadata of `assignor` for `topics`. Under the cooperative protocol the
    /// owned partitions and their generation are always this member's own (an application's
    /// assignor cannot know what was revoked or lost).
    async fn subscription_metadata(
        &self,
        assignor: &Arc<dyn GroupAssignor>,
        topics: &[String],
    ) -> Result<Bytes> {
        let (owned, generation) = self.owned.lock().clone();
        let (t, o) = (topics.to_vec(), owned.clone());
        let mut sub = call_assignor(assignor, move |a| a.subscription(&t, &o, generation)).await??;
        if self.protocol == RebalanceProtocol::Cooperative {
            sub.owned_partitions = owned.into_iter().collect();
            sub.generation = generation;
            sub.version = sub.version.max(2);
        }
        let version = sub.version.clamp(0, consumer_protocol::MAX_VERSION);
        let wire = ConsumerProtocolSubscription {
            topics: sub.topics,
            user_data: sub.user_data,
            owned_partitions: sub
                .owned_partitions
                .into_iter()
                .map(|(topic, partitions)| TopicPartitions { topic, partitions })
                .collect(),
            generation_id: if version >= 2 { sub.generation } else { -1 },
            rack_id: None,
        };
        Ok(wire.to_bytes(version)?)
    }
}

/// Runs `f` on `assignor`: on a blocking thread when the assignor may block (an application's
/// assignor taking the GIL), inline otherwise. An assignor's failure is an error message.
async fn call_assignor<T: Send + 'static>(
    assignor: &Arc<dyn GroupAssignor>,
    f: impl FnOnce(&dyn GroupAssignor) -> std::result::Result<T, String> + Send + 'static,
) -> Result<Result<T>> {
    let name = assignor.name().to_owned();
    let wrap = move |r: std::result::Result<T, String>| {
        r.map_err(|m| Error::Other(format!("partition assignor {name:?} failed: {m}")))
    };
    if !assignor.is_blocking() {
        return Ok(wrap(f(assignor.as_ref())));
    }
    let a = assignor.clone();
    let r = tokio::task::spawn_blocking(move || f(a.as_ref()))
        .await
        .map_err(|e| Error::Other(format!("partition assignor task failed: {e}")))?;
    Ok(wrap(r))
}

fn ms(d: Duration) -> i32 {
    i32::try_from(d.as_millis()).unwrap_or(i32::MAX)
}
