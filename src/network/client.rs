//! The client layer shared by producer, consumer and admin: bootstrap, one connection per broker
//! (reconnecting with exponential backoff), and the metadata cache (refreshed on demand, on error
//! and every `metadata_max_age`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};
use tokio::sync::Mutex as AsyncMutex;

use super::cluster::{BrokerInfo, ClusterSnapshot, PartitionInfo, TopicInfo};
use super::connection::{Connection, ConnectionConfig};
use crate::error::{Error, Result};
use crate::protocol::messages::{MetadataRequest, MetadataRequestTopic, MetadataResponse};
use crate::protocol::Request;

/// Error codes that mean "the topic is being created or its leader is moving": retry.
const UNKNOWN_TOPIC_OR_PARTITION: i16 = 3;
const LEADER_NOT_AVAILABLE: i16 = 5;

/// Settings shared by every client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub bootstrap_servers: Vec<String>,
    pub client_id: String,
    pub request_timeout: Duration,
    pub metadata_max_age: Duration,
    pub retry_backoff: Duration,
    pub reconnect_backoff: Duration,
    pub reconnect_backoff_max: Duration,
    pub max_in_flight: usize,
    pub allow_auto_create_topics: bool,
    /// Largest response accepted from a broker (kafka-python's `receive_message_max_bytes`).
    pub receive_message_max_bytes: usize,
    /// TLS and SASL for every connection.
    pub security: crate::security::SecurityConfig,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            bootstrap_servers: vec!["localhost:9092".into()],
            client_id: "kafka-python-rs".into(),
            request_timeout: Duration::from_millis(30_000),
            metadata_max_age: Duration::from_millis(300_000),
            retry_backoff: Duration::from_millis(100),
            reconnect_backoff: Duration::from_millis(50),
            reconnect_backoff_max: Duration::from_millis(1000),
            max_in_flight: 5,
            allow_auto_create_topics: true,
            receive_message_max_bytes: 100_000_000,
            security: Default::default(),
        }
    }
}

/// Normalises "host", "host:port" or "[v6]:port" to "host:port" (default port 9092).
pub fn normalize_addr(s: &str) -> String {
    let s = s.trim();
    if s.starts_with('[') {
        if s.contains("]:") {
            s.to_string()
        } else {
            format!("{s}:9092")
        }
    } else if s.matches(':').count() == 1 {
        s.to_string()
    } else {
        format!("{s}:9092")
    }
}

#[derive(Default)]
struct Backoff {
    failures: u32,
    next_attempt: Option<Instant>,
}

type Slot = Arc<AsyncMutex<Option<Arc<Connection>>>>;

/// A connection pool plus metadata cache. Cheap to share (`Arc<Client>`).
pub struct Client {
    config: ClientConfig,
    slots: Mutex<HashMap<String, Slot>>,
    backoff: Mutex<HashMap<String, Backoff>>,
    cluster: RwLock<Arc<ClusterSnapshot>>,
    wanted_topics: Mutex<HashSet<String>>,
    refresh_lock: AsyncMutex<()>,
    stale: std::sync::atomic::AtomicBool,
    closed: std::sync::atomic::AtomicBool,
    bootstrap_connected: std::sync::atomic::AtomicBool,
    /// Bumped whenever the metadata snapshot is replaced (cheap staleness check for caches).
    generation: std::sync::atomic::AtomicU64,
    /// The last TLS/SASL authentication failure, until a connection succeeds.
    auth_failure: Mutex<Option<Error>>,
}

impl Client {
    /// Creates a client and starts its periodic metadata refresh on the shared runtime.
    pub fn new(mut config: ClientConfig) -> Arc<Client> {
        config.bootstrap_servers = config.bootstrap_servers.iter().map(|s| normalize_addr(s)).collect();
        let client = Arc::new(Client {
            config,
            slots: Mutex::new(HashMap::new()),
            backoff: Mutex::new(HashMap::new()),
            cluster: RwLock::new(Arc::new(ClusterSnapshot::default())),
            wanted_topics: Mutex::new(HashSet::new()),
            refresh_lock: AsyncMutex::new(()),
            stale: std::sync::atomic::AtomicBool::new(true),
            closed: std::sync::atomic::AtomicBool::new(false),
            bootstrap_connected: std::sync::atomic::AtomicBool::new(false),
            generation: std::sync::atomic::AtomicU64::new(0),
            auth_failure: Mutex::new(None),
        });
        let weak = Arc::downgrade(&client);
        super::runtime::runtime().spawn(periodic_refresh(weak));
        client
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The current metadata snapshot.
    pub fn cluster(&self) -> Arc<ClusterSnapshot> {
        self.cluster.read().clone()
    }

    /// Changes whenever the metadata snapshot is replaced.
    pub fn metadata_generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Marks metadata stale so the next `ensure_metadata` refreshes it.
    pub fn request_metadata_update(&self) {
        self.stale.store(true, std::sync::atomic::Ordering::Release);
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Whether any bootstrap or broker connection has succeeded.
    pub fn bootstrap_connected(&self) -> bool {
        self.bootstrap_connected.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The last authentication failure (wrong credentials, refused certificate) if no connection
    /// succeeded since: background tasks retry, callers such as `poll()` report it.
    pub fn auth_failure(&self) -> Option<Error> {
        self.auth_failure.lock().clone()
    }

    /// Closes every connection.
    pub fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::Release);
        let slots: Vec<Slot> = self.slots.lock().values().cloned().collect();
        for slot in slots {
            if let Ok(guard) = slot.try_lock() {
                if let Some(c) = guard.as_ref() {
                    c.close();
                }
            }
        }
    }

    fn conn_config(&self) -> ConnectionConfig {
        ConnectionConfig {
            client_id: self.config.client_id.clone(),
            request_timeout: self.config.request_timeout,
            connect_timeout: self.config.request_timeout.min(Duration::from_secs(10)),
            max_in_flight: self.config.max_in_flight,
            max_response_size: self.config.receive_message_max_bytes,
            security: self.config.security.clone(),
        }
    }

    /// A live connection to `addr`, connecting (after any backoff) if needed.
    pub async fn connect_addr(&self, addr: &str) -> Result<Arc<Connection>> {
        if self.is_closed() {
            return Err(Error::Closed("client is closed".into()));
        }
        let slot = self.slots.lock().entry(addr.to_string()).or_default().clone();
        let mut guard = slot.lock().await;
        if let Some(c) = guard.as_ref() {
            if !c.is_dead() {
                return Ok(c.clone());
            }
        }
        let wait = self
            .backoff
            .lock()
            .get(addr)
            .and_then(|b| b.next_attempt)
            .map(|t| t.saturating_duration_since(Instant::now()));
        if let Some(w) = wait.filter(|w| !w.is_zero()) {
            tokio::time::sleep(w).await;
        }
        match Connection::connect(addr, self.conn_config()).await {
            Ok(c) => {
                self.auth_failure.lock().take();
                self.backoff.lock().remove(addr);
                self.bootstrap_connected.store(true, std::sync::atomic::Ordering::Release);
                *guard = Some(c.clone());
                Ok(c)
            }
            Err(e) => {
                if e.is_auth_failure() {
                    *self.auth_failure.lock() = Some(e.clone());
                }
                let mut backoffs = self.backoff.lock();
                let b = backoffs.entry(addr.to_string()).or_default();
                b.failures = b.failures.saturating_add(1);
                let base = self.config.reconnect_backoff.as_millis() as f64;
                let max = self.config.reconnect_backoff_max.as_millis() as f64;
                let exp = (base * 2f64.powi(b.failures.saturating_sub(1).min(20) as i32)).min(max.max(base));
                let jitter = 0.8 + fastrand::f64() * 0.4;
                b.next_attempt = Some(Instant::now() + Duration::from_millis((exp * jitter) as u64));
                Err(e)
            }
        }
    }

    /// A live connection to broker `node_id` (its address comes from metadata).
    pub async fn connection(&self, node_id: i32) -> Result<Arc<Connection>> {
        let addr = self.cluster().broker(node_id).map(BrokerInfo::addr);
        match addr {
            Some(a) => self.connect_addr(&a).await,
            None => {
                self.request_metadata_update();
                Err(Error::Connection(format!("broker {node_id} is not in the cluster metadata")))
            }
        }
    }

    /// Any live connection: an open one if there is one, else known brokers, then bootstrap servers.
    pub async fn any_connection(&self) -> Result<Arc<Connection>> {
        let open: Vec<Slot> = self.slots.lock().values().cloned().collect();
        for slot in open {
            if let Ok(g) = slot.try_lock() {
                if let Some(c) = g.as_ref().filter(|c| !c.is_dead()) {
                    return Ok(c.clone());
                }
            }
        }
        let mut candidates: Vec<String> = self.cluster().brokers.values().map(BrokerInfo::addr).collect();
        fastrand::shuffle(&mut candidates);
        for b in &self.config.bootstrap_servers {
            if !candidates.contains(b) {
                candidates.push(b.clone());
            }
        }
        let mut last = None;
        for addr in candidates {
            match self.connect_addr(&addr).await {
                Ok(c) => return Ok(c),
                // Wrong credentials or a refused certificate: the same everywhere, report it.
                Err(e) if e.is_auth_failure() => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(Error::NoBrokersAvailable(match last {
            Some(e) => e.to_string(),
            None => "no bootstrap servers configured".into(),
        }))
    }

    /// Sends `req` to broker `node_id` at the negotiated version.
    pub async fn send_to<R: Request>(&self, node_id: i32, req: &R) -> Result<R::Response> {
        let conn = self.connection(node_id).await?;
        conn.send(req).await
    }

    /// Sends `req` to any broker.
    pub async fn send_any<R: Request>(&self, req: &R) -> Result<R::Response> {
        let conn = self.any_connection().await?;
        conn.send(req).await
    }

    /// Adds topics to the set whose metadata is kept.
    pub fn add_topics<'a>(&self, topics: impl IntoIterator<Item = &'a str>) {
        let mut w = self.wanted_topics.lock();
        for t in topics {
            if !w.contains(t) {
                w.insert(t.to_string());
                self.request_metadata_update();
            }
        }
    }

    /// Refreshes metadata for the wanted topics (single-flight: concurrent callers share one request).
    pub async fn refresh_metadata(&self) -> Result<Arc<ClusterSnapshot>> {
        let before = self.cluster().updated;
        let _g = self.refresh_lock.lock().await;
        if self.cluster().updated != before {
            // Somebody else refreshed while we waited.
            return Ok(self.cluster());
        }
        let topics: Vec<String> = self.wanted_topics.lock().iter().cloned().collect();
        self.fetch_metadata(Some(topics)).await
    }

    /// Connects and loads broker metadata (no topics), retrying until `timeout`; then
    /// `NoBrokersAvailable`, as kafka-python's constructors raise when no broker answers.
    pub async fn bootstrap(&self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let backoff = self.config.retry_backoff.max(Duration::from_millis(10));
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let err = match tokio::time::timeout(left, self.fetch_metadata(Some(Vec::new()))).await {
                Ok(Ok(_)) => return Ok(()),
                // Wrong credentials or a refused certificate: retrying cannot help.
                Ok(Err(e)) if e.is_auth_failure() => return Err(e),
                Ok(Err(e)) => e,
                Err(_) => Error::Timeout("metadata request timed out".into()),
            };
            if Instant::now() + backoff >= deadline {
                return Err(match err {
                    Error::NoBrokersAvailable(m) => Error::NoBrokersAvailable(m),
                    e => Error::NoBrokersAvailable(format!("no broker answered within {timeout:?}: {e}")),
                });
            }
            log::debug!("bootstrap: {err}; retrying");
            tokio::time::sleep(backoff).await;
        }
    }

    /// Fetches metadata for `topics` (None: all topics) and merges it into the cache.
    pub async fn fetch_metadata(&self, topics: Option<Vec<String>>) -> Result<Arc<ClusterSnapshot>> {
        let conn = self.any_connection().await?;
        let req = MetadataRequest {
            topics: topics.map(|ts| {
                ts.into_iter()
                    .map(|name| MetadataRequestTopic { topic_id: [0; 16], name: Some(name) })
                    .collect()
            }),
            allow_auto_topic_creation: self.config.allow_auto_create_topics,
            include_cluster_authorized_operations: false,
            include_topic_authorized_operations: false,
        };
        let resp = conn.send(&req).await;
        let resp = match resp {
            Ok(r) => r,
            Err(e) => {
                conn.close();
                return Err(e);
            }
        };
        let snap = self.merge_metadata(resp);
        self.stale.store(false, std::sync::atomic::Ordering::Release);
        Ok(snap)
    }

    fn merge_metadata(&self, resp: MetadataResponse) -> Arc<ClusterSnapshot> {
        let mut guard = self.cluster.write();
        let mut snap = (**guard).clone();
        snap.brokers = resp
            .brokers
            .into_iter()
            .map(|b| (b.node_id, BrokerInfo { node_id: b.node_id, host: b.host, port: b.port, rack: b.rack }))
            .collect();
        snap.cluster_id = resp.cluster_id;
        snap.controller_id = resp.controller_id;
        for t in resp.topics {
            let Some(name) = t.name else { continue };
            if t.error_code != 0 && t.partitions.is_empty() {
                snap.topics.remove(&name);
                snap.topic_errors.insert(name, t.error_code);
                continue;
            }
            snap.topic_errors.remove(&name);
            let mut partitions: Vec<PartitionInfo> = t
                .partitions
                .into_iter()
                .map(|p| PartitionInfo {
                    partition: p.partition_index,
                    error_code: p.error_code,
                    leader: p.leader_id,
                    leader_epoch: p.leader_epoch,
                    replicas: p.replica_nodes,
                    isr: p.isr_nodes,
                    offline_replicas: p.offline_replicas,
                })
                .collect();
            partitions.sort_by_key(|p| p.partition);
            snap.topics.insert(
                name.clone(),
                Arc::new(TopicInfo {
                    name,
                    error_code: t.error_code,
                    is_internal: t.is_internal,
                    topic_id: t.topic_id,
                    partitions,
                }),
            );
        }
        snap.updated = Some(Instant::now());
        let snap = Arc::new(snap);
        *guard = snap.clone();
        self.generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        snap
    }

    /// Waits until metadata for `topic` has partitions, refreshing as needed, until `deadline`.
    pub async fn wait_for_topic(&self, topic: &str, deadline: Instant) -> Result<Arc<TopicInfo>> {
        self.add_topics([topic]);
        let start = Instant::now();
        loop {
            if let Some(t) = self.cluster().topic(topic).filter(|t| !t.partitions.is_empty()) {
                return Ok(t.clone());
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::Timeout(format!(
                    "Failed to update metadata after {:.1} secs.",
                    start.elapsed().as_secs_f64()
                )));
            }
            match tokio::time::timeout(remaining, self.refresh_metadata()).await {
                Ok(Ok(snap)) => {
                    if let Some(code) = snap.topic_errors.get(topic).copied() {
                        if code != UNKNOWN_TOPIC_OR_PARTITION && code != LEADER_NOT_AVAILABLE {
                            return Err(Error::broker(code, format!("topic {topic}")));
                        }
                    }
                    if snap.topic(topic).is_some_and(|t| !t.partitions.is_empty()) {
                        continue;
                    }
                }
                Ok(Err(Error::NoBrokersAvailable(m))) if !self.bootstrap_connected() => {
                    // Keep trying until the deadline, then report the bootstrap failure.
                    if deadline <= Instant::now() + self.config.retry_backoff {
                        return Err(Error::NoBrokersAvailable(m));
                    }
                }
                Ok(Err(e)) if e.is_auth_failure() => return Err(e),
                Ok(Err(_)) | Err(_) => {}
            }
            let nap = self.config.retry_backoff.min(deadline.saturating_duration_since(Instant::now()));
            tokio::time::sleep(nap).await;
        }
    }

    /// Refreshes metadata if it was marked stale or is older than metadata_max_age.
    pub async fn ensure_metadata(&self) -> Result<Arc<ClusterSnapshot>> {
        let snap = self.cluster();
        let old = snap.updated.is_none_or(|t| t.elapsed() >= self.config.metadata_max_age);
        if old || self.stale.load(std::sync::atomic::Ordering::Acquire) {
            self.refresh_metadata().await
        } else {
            Ok(snap)
        }
    }
}

async fn periodic_refresh(client: Weak<Client>) {
    loop {
        let period = match client.upgrade() {
            Some(c) if !c.is_closed() => {
                let age = c.config.metadata_max_age;
                if c.cluster().updated.is_some_and(|t| t.elapsed() >= age) {
                    let _ = c.refresh_metadata().await;
                }
                age.min(Duration::from_secs(30)).max(Duration::from_millis(100))
            }
            _ => return,
        };
        tokio::time::sleep(period).await;
    }
}
