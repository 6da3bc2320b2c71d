//! The admin client core: routes admin requests to the broker the protocol requires (the
//! controller, a group's coordinator or a partition's leader), negotiates versions and retries on
//! `NOT_CONTROLLER`, coordinator moves and leader moves until a deadline.
//!
//! Methods return the protocol responses (or their per-item results); turning per-item error codes
//! into exceptions is left to the caller, which knows the user-facing shape (kafka-python raises
//! for some methods and reports codes for others).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::network::{Client, ClientConfig};
use crate::protocol::error_code::{
    COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, LEADER_NOT_AVAILABLE, NOT_CONTROLLER,
    NOT_COORDINATOR, NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
};
use crate::protocol::messages::*;
use crate::protocol::{ApiKey, Request};

/// ConfigResource type codes that are addressed to one broker (BROKER, BROKER_LOGGER).
const RESOURCE_BROKER: i8 = 4;
const RESOURCE_BROKER_LOGGER: i8 = 8;
/// IncrementalAlterConfigs operation SET.
pub const CONFIG_OP_SET: i8 = 0;

/// A group's coordinator errors that mean "find the coordinator again and retry".
fn coordinator_moved(code: i16) -> bool {
    matches!(code, NOT_COORDINATOR | COORDINATOR_NOT_AVAILABLE | COORDINATOR_LOAD_IN_PROGRESS)
}

/// Config resources split by destination: per broker id, and for any broker.
type Routed<T> = (BTreeMap<i32, Vec<T>>, Vec<T>);

/// The cluster as DescribeCluster (or Metadata on older brokers) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterDescription {
    pub cluster_id: Option<String>,
    pub controller_id: i32,
    pub brokers: Vec<DescribeClusterBroker>,
}

/// An admin client. Cheap to share behind an `Arc`.
pub struct Admin {
    client: Arc<Client>,
    controller: Mutex<Option<i32>>,
    /// group id -> coordinator address ("host:port").
    coordinators: Mutex<HashMap<String, String>>,
}

impl Admin {
    /// Creates the admin client; connections are opened lazily (see [`Admin::bootstrap`]).
    pub fn new(mut config: ClientConfig) -> Admin {
        config.allow_auto_create_topics = false;
        Admin {
            client: Client::new(config),
            controller: Mutex::new(None),
            coordinators: Mutex::new(HashMap::new()),
        }
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    pub fn close(&self) {
        self.client.close();
    }

    fn retry_backoff(&self) -> Duration {
        self.client.config().retry_backoff.max(Duration::from_millis(10))
    }

    /// The deadline for an operation: the broker-side timeout (if any) plus the request timeout.
    fn deadline(&self, timeout_ms: Option<i32>) -> Instant {
        let extra = Duration::from_millis(timeout_ms.unwrap_or(0).max(0) as u64);
        Instant::now() + self.client.config().request_timeout + extra
    }

    /// Sleeps one retry backoff, or fails with `last` if that would pass `deadline`.
    async fn backoff_or(&self, deadline: Instant, last: Error) -> Result<()> {
        let nap = self.retry_backoff();
        if Instant::now() + nap >= deadline {
            return Err(last);
        }
        tokio::time::sleep(nap).await;
        Ok(())
    }

    /// Connects to the cluster and loads broker metadata, retrying until `timeout`.
    pub async fn bootstrap(&self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.client.fetch_metadata(Some(Vec::new())).await {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() + self.retry_backoff() < deadline => {
                    log::debug!("admin bootstrap: {e}; retrying");
                    tokio::time::sleep(self.retry_backoff()).await;
                }
                Err(Error::NoBrokersAvailable(m)) => return Err(Error::NoBrokersAvailable(m)),
                Err(e) => return Err(Error::NoBrokersAvailable(e.to_string())),
            }
        }
    }

    /// Sends `req` to any broker, retrying connection failures until the request timeout.
    async fn send_any<R: Request>(&self, req: &R) -> Result<R::Response> {
        let deadline = self.deadline(None);
        loop {
            match self.client.send_any(req).await {
                Err(e @ Error::Connection(_)) => self.backoff_or(deadline, e).await?,
                other => return other,
            }
        }
    }

    /// Sends `req` to broker `node_id`, refreshing metadata when the broker is not known yet.
    async fn send_node<R: Request>(&self, node_id: i32, req: &R) -> Result<R::Response> {
        if self.client.cluster().broker(node_id).is_none() {
            self.client.fetch_metadata(Some(Vec::new())).await?;
            if self.client.cluster().broker(node_id).is_none() {
                return Err(Error::broker(
                    crate::protocol::error_code::BROKER_NOT_AVAILABLE,
                    format!("broker {node_id} is not in the cluster"),
                ));
            }
        }
        self.client.send_to(node_id, req).await
    }

    /// Raw cluster metadata for `topics` (None: all topics), never auto-creating topics.
    pub async fn metadata(&self, topics: Option<Vec<String>>) -> Result<MetadataResponse> {
        let req = MetadataRequest {
            topics: topics.map(|ts| {
                ts.into_iter()
                    .map(|name| MetadataRequestTopic { topic_id: [0; 16], name: Some(name) })
                    .collect()
            }),
            allow_auto_topic_creation: false,
            include_cluster_authorized_operations: false,
            include_topic_authorized_operations: false,
        };
        self.send_any(&req).await
    }

    /// Whether the broker we talk to supports API `key` at all.
    pub async fn supports(&self, key: ApiKey) -> Result<bool> {
        let conn = self.client.any_connection().await?;
        Ok(conn.broker_versions(key).is_some())
    }

    /// The controller's node id (cached until a NOT_CONTROLLER answer).
    async fn controller(&self, deadline: Instant) -> Result<i32> {
        if let Some(id) = *self.controller.lock() {
            return Ok(id);
        }
        loop {
            let snap = self.client.fetch_metadata(Some(Vec::new())).await?;
            if snap.controller_id >= 0 {
                *self.controller.lock() = Some(snap.controller_id);
                return Ok(snap.controller_id);
            }
            let e = Error::broker(crate::protocol::error_code::BROKER_NOT_AVAILABLE, "no controller elected");
            self.backoff_or(deadline, e).await?;
        }
    }

    /// Sends `req` to the controller; on NOT_CONTROLLER (any item code, as `codes` lists them) or a
    /// lost connection, looks the controller up again and retries until the deadline.
    async fn send_to_controller<R, F>(
        &self,
        req: &R,
        timeout_ms: Option<i32>,
        codes: F,
    ) -> Result<R::Response>
    where
        R: Request,
        F: Fn(&R::Response) -> Vec<i16>,
    {
        let deadline = self.deadline(timeout_ms);
        loop {
            let id = self.controller(deadline).await?;
            match self.send_node(id, req).await {
                Ok(resp) if codes(&resp).contains(&NOT_CONTROLLER) => {
                    *self.controller.lock() = None;
                    self.backoff_or(deadline, Error::broker(NOT_CONTROLLER, "controller moved")).await?;
                }
                Ok(resp) => return Ok(resp),
                Err(e @ Error::Connection(_)) => {
                    *self.controller.lock() = None;
                    self.backoff_or(deadline, e).await?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// CreateTopics at the controller.
    pub async fn create_topics(&self, req: CreateTopicsRequest) -> Result<CreateTopicsResponse> {
        let t = Some(req.timeout_ms);
        self.send_to_controller(&req, t, |r: &CreateTopicsResponse| {
            r.topics.iter().map(|t| t.error_code).collect()
        })
        .await
    }

    /// DeleteTopics (by name) at the controller.
    pub async fn delete_topics(&self, names: Vec<String>, timeout_ms: i32) -> Result<DeleteTopicsResponse> {
        let req = DeleteTopicsRequest {
            topics: names
                .iter()
                .map(|n| DeleteTopicState { name: Some(n.clone()), topic_id: [0; 16] })
                .collect(),
            topic_names: names,
            timeout_ms,
        };
        self.send_to_controller(&req, Some(timeout_ms), |r: &DeleteTopicsResponse| {
            r.responses.iter().map(|t| t.error_code).collect()
        })
        .await
    }

    /// CreatePartitions at the controller.
    pub async fn create_partitions(&self, req: CreatePartitionsRequest) -> Result<CreatePartitionsResponse> {
        let t = Some(req.timeout_ms);
        self.send_to_controller(&req, t, |r: &CreatePartitionsResponse| {
            r.results.iter().map(|t| t.error_code).collect()
        })
        .await
    }

    /// Splits config resources into per-broker batches (BROKER / BROKER_LOGGER resources go to the
    /// broker they name) and one batch for any broker.
    fn route_resources<T>(resources: Vec<T>, kind: impl Fn(&T) -> (i8, &str)) -> Result<Routed<T>> {
        let mut per_broker: BTreeMap<i32, Vec<T>> = BTreeMap::new();
        let mut any = Vec::new();
        for r in resources {
            let (ty, name) = kind(&r);
            if ty == RESOURCE_BROKER || ty == RESOURCE_BROKER_LOGGER {
                if name.is_empty() {
                    // The cluster-wide default broker config: any broker answers.
                    any.push(r);
                    continue;
                }
                let id: i32 = name.trim().parse().map_err(|_| {
                    Error::InvalidArgument(format!(
                        "Broker resource names must be an integer or a string represented integer, got {name:?}"
                    ))
                })?;
                per_broker.entry(id).or_default().push(r);
            } else {
                any.push(r);
            }
        }
        Ok((per_broker, any))
    }

    /// DescribeConfigs, routed per resource.
    pub async fn describe_configs(
        &self,
        resources: Vec<DescribeConfigsResource>,
        include_synonyms: bool,
        include_documentation: bool,
    ) -> Result<Vec<DescribeConfigsResult>> {
        let (per_broker, any) = Self::route_resources(resources, |r: &DescribeConfigsResource| {
            (r.resource_type, &r.resource_name)
        })?;
        let mut out = Vec::new();
        let mut batches: Vec<(Option<i32>, Vec<DescribeConfigsResource>)> =
            per_broker.into_iter().map(|(k, v)| (Some(k), v)).collect();
        if !any.is_empty() {
            batches.push((None, any));
        }
        for (node, batch) in batches {
            let req = DescribeConfigsRequest { resources: batch, include_synonyms, include_documentation };
            let conn = match node {
                Some(id) => self.client.connection(id).await,
                None => self.client.any_connection().await,
            };
            let conn = match conn {
                Ok(c) => c,
                Err(_) if node.is_some() => {
                    self.client.fetch_metadata(Some(Vec::new())).await?;
                    self.client.connection(node.unwrap_or_default()).await?
                }
                Err(e) => return Err(e),
            };
            let min = match (include_documentation, include_synonyms) {
                (true, _) => 3,
                (false, true) => 1,
                _ => 0,
            };
            let v = conn.version_in::<DescribeConfigsRequest>(min, DescribeConfigsRequest::MAX_VERSION)?;
            out.extend(conn.send_version(&req, v).await?.results);
        }
        Ok(out)
    }

    /// Alters configs: IncrementalAlterConfigs when `incremental` (None: when the broker has it),
    /// else AlterConfigs (SET only; the caller must pass every key to keep).
    pub async fn alter_configs(
        &self,
        resources: Vec<IncrementalAlterConfigsResource>,
        validate_only: bool,
        incremental: Option<bool>,
    ) -> Result<Vec<AlterConfigsResourceResponse>> {
        let incremental = match incremental {
            Some(b) => b,
            None => self.supports(ApiKey::IncrementalAlterConfigs).await?,
        };
        let (per_broker, any) = Self::route_resources(resources, |r: &IncrementalAlterConfigsResource| {
            (r.resource_type, &r.resource_name)
        })?;
        let mut batches: Vec<(Option<i32>, Vec<IncrementalAlterConfigsResource>)> =
            per_broker.into_iter().map(|(k, v)| (Some(k), v)).collect();
        if !any.is_empty() {
            batches.push((None, any));
        }
        let mut out = Vec::new();
        for (node, batch) in batches {
            let responses = if incremental {
                let req = IncrementalAlterConfigsRequest { resources: batch, validate_only };
                match node {
                    Some(id) => self.send_node(id, &req).await?.responses,
                    None => self.send_any(&req).await?.responses,
                }
            } else {
                let mut legacy = Vec::new();
                for r in batch {
                    if let Some(c) = r.configs.iter().find(|c| c.config_operation != CONFIG_OP_SET) {
                        return Err(Error::InvalidArgument(format!(
                            "Non-incremental AlterConfigsRequest does not support operation {} on {} (SET only)",
                            c.config_operation, c.name
                        )));
                    }
                    legacy.push(AlterConfigsResource {
                        resource_type: r.resource_type,
                        resource_name: r.resource_name,
                        configs: r
                            .configs
                            .into_iter()
                            .map(|c| AlterableConfig { name: c.name, value: c.value })
                            .collect(),
                    });
                }
                let req = AlterConfigsRequest { resources: legacy, validate_only };
                match node {
                    Some(id) => self.send_node(id, &req).await?.responses,
                    None => self.send_any(&req).await?.responses,
                }
            };
            out.extend(responses);
        }
        Ok(out)
    }

    /// DescribeCluster, falling back to Metadata on brokers without it.
    pub async fn describe_cluster(&self) -> Result<ClusterDescription> {
        if self.supports(ApiKey::DescribeCluster).await? {
            let req =
                DescribeClusterRequest { include_cluster_authorized_operations: false, endpoint_type: 1 };
            let conn = self.client.any_connection().await?;
            let v = conn.version_for::<DescribeClusterRequest>()?;
            let resp = conn.send_version(&req, v).await?;
            if resp.error_code != 0 {
                return Err(Error::broker(resp.error_code, resp.error_message.unwrap_or_default()));
            }
            return Ok(ClusterDescription {
                cluster_id: Some(resp.cluster_id),
                controller_id: resp.controller_id,
                brokers: resp.brokers,
            });
        }
        let md = self.metadata(Some(Vec::new())).await?;
        Ok(ClusterDescription {
            cluster_id: md.cluster_id,
            controller_id: md.controller_id,
            brokers: md
                .brokers
                .into_iter()
                .map(|b| DescribeClusterBroker {
                    broker_id: b.node_id,
                    host: b.host,
                    port: b.port,
                    rack: b.rack,
                })
                .collect(),
        })
    }

    /// The coordinator address of `group` (cached until it moves).
    async fn coordinator(&self, group: &str, deadline: Instant) -> Result<String> {
        if let Some(a) = self.coordinators.lock().get(group) {
            return Ok(a.clone());
        }
        loop {
            let resp =
                self.send_any(&FindCoordinatorRequest::new(group, find_coordinator::KEY_TYPE_GROUP)).await?;
            let found = resp.coordinators(group).into_iter().next();
            let (code, msg) = match found {
                Some(c) if c.error_code == 0 && c.node_id >= 0 => {
                    let addr = format!("{}:{}", c.host, c.port);
                    self.coordinators.lock().insert(group.to_string(), addr.clone());
                    return Ok(addr);
                }
                Some(c) => (c.error_code, c.error_message.unwrap_or_default()),
                None => (COORDINATOR_NOT_AVAILABLE, String::new()),
            };
            let err = Error::broker(code, format!("FindCoordinator for group {group:?}: {msg}"));
            if !coordinator_moved(code) {
                return Err(err);
            }
            self.backoff_or(deadline, err).await?;
        }
    }

    /// Sends `req` to `group`'s coordinator (or to broker `node` when given), retrying when
    /// `code` of the response says the coordinator moved or is loading.
    async fn send_to_coordinator<R, F>(
        &self,
        group: &str,
        node: Option<i32>,
        req: &R,
        code: F,
    ) -> Result<R::Response>
    where
        R: Request,
        F: Fn(&R::Response) -> i16,
    {
        let deadline = self.deadline(None);
        loop {
            let sent = match node {
                Some(id) => self.send_node(id, req).await,
                None => {
                    let addr = self.coordinator(group, deadline).await?;
                    match self.client.connect_addr(&addr).await {
                        Ok(conn) => conn.send(req).await,
                        Err(e) => Err(e),
                    }
                }
            };
            match sent {
                Ok(resp) => {
                    let c = code(&resp);
                    if !coordinator_moved(c) {
                        return Ok(resp);
                    }
                    self.coordinators.lock().remove(group);
                    self.backoff_or(deadline, Error::broker(c, format!("group {group:?}"))).await?;
                }
                Err(e @ Error::Connection(_)) => {
                    self.coordinators.lock().remove(group);
                    self.backoff_or(deadline, e).await?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// DescribeGroups, one request per group (groups may live on different coordinators).
    pub async fn describe_groups(&self, groups: &[String], node: Option<i32>) -> Result<Vec<DescribedGroup>> {
        let mut out = Vec::new();
        for g in groups {
            let req = DescribeGroupsRequest { groups: vec![g.clone()], include_authorized_operations: false };
            let resp = self
                .send_to_coordinator(g, node, &req, |r: &DescribeGroupsResponse| {
                    r.groups.first().map_or(0, |x| x.error_code)
                })
                .await?;
            out.extend(resp.groups);
        }
        Ok(out)
    }

    /// ListGroups on each of `brokers` (None: every broker), de-duplicated by group id.
    pub async fn list_groups(
        &self,
        brokers: Option<Vec<i32>>,
        states_filter: Vec<String>,
        types_filter: Vec<String>,
    ) -> Result<Vec<ListedGroup>> {
        let brokers = match brokers {
            Some(b) => b,
            None => {
                let snap = self.client.fetch_metadata(Some(Vec::new())).await?;
                let mut ids: Vec<i32> = snap.brokers.keys().copied().collect();
                ids.sort_unstable();
                ids
            }
        };
        let req = ListGroupsRequest { states_filter, types_filter };
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for id in brokers {
            let resp = self.send_node(id, &req).await?;
            if resp.error_code != 0 {
                return Err(Error::broker(resp.error_code, format!("ListGroups on broker {id}")));
            }
            for g in resp.groups {
                if seen.insert(g.group_id.clone()) {
                    out.push(g);
                }
            }
        }
        Ok(out)
    }

    /// OffsetFetch of one group (`topics` None: every committed offset).
    pub async fn fetch_offsets(
        &self,
        group: &str,
        topics: Option<Vec<OffsetFetchRequestTopic>>,
        node: Option<i32>,
    ) -> Result<OffsetFetchResponse> {
        let all = topics.is_none();
        let req = OffsetFetchRequest { group_id: group.to_string(), topics, require_stable: false };
        match self.send_to_coordinator(group, node, &req, |r: &OffsetFetchResponse| r.error_code).await {
            Err(Error::Decode(e)) if all => {
                // Some brokers (Tansu 0.6) answer "all topics" with a malformed body: ask for
                // every partition of every topic instead and keep the committed ones.
                log::debug!(
                    "OffsetFetch for all topics of {group:?} undecodable ({e}); listing topics explicitly"
                );
                let md = self.metadata(None).await?;
                let topics = md
                    .topics
                    .into_iter()
                    .filter(|t| t.error_code == 0 && !t.is_internal)
                    .filter_map(|t| {
                        let parts = t.partitions.iter().map(|p| p.partition_index).collect();
                        t.name.map(|name| OffsetFetchRequestTopic { name, partition_indexes: parts })
                    })
                    .collect();
                let req = OffsetFetchRequest {
                    group_id: group.to_string(),
                    topics: Some(topics),
                    require_stable: false,
                };
                let mut resp = self
                    .send_to_coordinator(group, node, &req, |r: &OffsetFetchResponse| r.error_code)
                    .await?;
                for t in &mut resp.topics {
                    t.partitions.retain(|p| p.error_code != 0 || p.committed_offset >= 0);
                }
                resp.topics.retain(|t| !t.partitions.is_empty());
                Ok(resp)
            }
            other => other,
        }
    }

    /// DeleteGroups, one request per group.
    pub async fn delete_groups(
        &self,
        groups: &[String],
        node: Option<i32>,
    ) -> Result<Vec<DeletableGroupResult>> {
        let mut out = Vec::new();
        for g in groups {
            let req = DeleteGroupsRequest { groups_names: vec![g.clone()] };
            let resp = self
                .send_to_coordinator(g, node, &req, |r: &DeleteGroupsResponse| {
                    r.results.first().map_or(0, |x| x.error_code)
                })
                .await?;
            out.extend(resp.results);
        }
        Ok(out)
    }

    /// OffsetCommit outside any generation (the group must be empty).
    pub async fn commit_offsets(
        &self,
        group: &str,
        topics: Vec<OffsetCommitRequestTopic>,
        node: Option<i32>,
    ) -> Result<OffsetCommitResponse> {
        let req = OffsetCommitRequest {
            group_id: group.to_string(),
            generation_id: -1,
            member_id: String::new(),
            group_instance_id: None,
            retention_time_ms: -1,
            topics,
        };
        self.send_to_coordinator(group, node, &req, |r: &OffsetCommitResponse| {
            r.topics
                .iter()
                .flat_map(|t| t.partitions.iter())
                .map(|p| p.error_code)
                .find(|c| coordinator_moved(*c))
                .unwrap_or(0)
        })
        .await
    }

    /// OffsetDelete.
    pub async fn delete_offsets(
        &self,
        group: &str,
        topics: Vec<OffsetDeleteRequestTopic>,
        node: Option<i32>,
    ) -> Result<OffsetDeleteResponse> {
        let req = OffsetDeleteRequest { group_id: group.to_string(), topics };
        self.send_to_coordinator(group, node, &req, |r: &OffsetDeleteResponse| r.error_code).await
    }

    /// Groups `partitions` by leader. Unknown topics/partitions fail with UNKNOWN_TOPIC_OR_PARTITION;
    /// partitions without a leader are retried until `deadline`.
    async fn leaders(
        &self,
        partitions: &[(String, i32)],
        deadline: Instant,
    ) -> Result<BTreeMap<i32, Vec<(String, i32)>>> {
        loop {
            let mut topics: Vec<String> = partitions.iter().map(|(t, _)| t.clone()).collect();
            topics.sort();
            topics.dedup();
            let md = self.metadata(Some(topics)).await?;
            let mut leaders: HashMap<(&str, i32), i32> = HashMap::new();
            let mut topic_errors: HashMap<&str, i16> = HashMap::new();
            for t in &md.topics {
                let Some(name) = t.name.as_deref() else { continue };
                if t.error_code != 0 {
                    topic_errors.insert(name, t.error_code);
                }
                for p in &t.partitions {
                    leaders.insert((name, p.partition_index), p.leader_id);
                }
            }
            let mut out: BTreeMap<i32, Vec<(String, i32)>> = BTreeMap::new();
            let mut unknown = Vec::new();
            let mut leaderless = false;
            for (t, p) in partitions {
                match leaders.get(&(t.as_str(), *p)) {
                    Some(l) if *l >= 0 => out.entry(*l).or_default().push((t.clone(), *p)),
                    Some(_) => leaderless = true,
                    None => match topic_errors.get(t.as_str()) {
                        Some(&LEADER_NOT_AVAILABLE) => leaderless = true,
                        Some(&c) if c != UNKNOWN_TOPIC_OR_PARTITION => {
                            return Err(Error::broker(c, format!("topic {t}")));
                        }
                        _ => unknown.push(format!("TopicPartition(topic='{t}', partition={p})")),
                    },
                }
            }
            if !unknown.is_empty() {
                return Err(Error::broker(
                    UNKNOWN_TOPIC_OR_PARTITION,
                    format!("The following partitions are not known: {}", unknown.join(", ")),
                ));
            }
            if !leaderless {
                return Ok(out);
            }
            self.backoff_or(deadline, Error::broker(LEADER_NOT_AVAILABLE, "partition without leader"))
                .await?;
        }
    }

    /// DeleteRecords at each partition's leader (or at `node` for all), retrying leader moves.
    /// Returns (topic, result) per partition.
    pub async fn delete_records(
        &self,
        records: &[(String, i32, i64)],
        timeout_ms: i32,
        node: Option<i32>,
    ) -> Result<Vec<(String, DeleteRecordsPartitionResult)>> {
        let deadline = self.deadline(Some(timeout_ms));
        let offsets: HashMap<(&str, i32), i64> =
            records.iter().map(|(t, p, o)| ((t.as_str(), *p), *o)).collect();
        let mut pending: Vec<(String, i32)> = records.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
        let mut out = Vec::new();
        while !pending.is_empty() {
            let routes = match node {
                Some(id) => BTreeMap::from([(id, std::mem::take(&mut pending))]),
                None => self.leaders(&pending, deadline).await?,
            };
            pending.clear();
            for (leader, parts) in routes {
                let mut by_topic: BTreeMap<String, Vec<DeleteRecordsPartition>> = BTreeMap::new();
                for (t, p) in &parts {
                    let offset = offsets.get(&(t.as_str(), *p)).copied().unwrap_or(-1);
                    by_topic
                        .entry(t.clone())
                        .or_default()
                        .push(DeleteRecordsPartition { partition_index: *p, offset });
                }
                let req = DeleteRecordsRequest {
                    topics: by_topic
                        .into_iter()
                        .map(|(name, partitions)| DeleteRecordsTopic { name, partitions })
                        .collect(),
                    timeout_ms,
                };
                let resp = match self.send_node(leader, &req).await {
                    Ok(r) => r,
                    Err(e @ Error::Connection(_)) if node.is_none() && Instant::now() < deadline => {
                        log::debug!("delete_records: {e}; retrying");
                        pending.extend(parts);
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                for t in resp.topics {
                    for p in t.partitions {
                        let retry = matches!(p.error_code, NOT_LEADER_OR_FOLLOWER | LEADER_NOT_AVAILABLE);
                        if retry && node.is_none() && Instant::now() < deadline {
                            pending.push((t.name.clone(), p.partition_index));
                        } else {
                            out.push((t.name.clone(), p));
                        }
                    }
                }
            }
            if !pending.is_empty() {
                self.backoff_or(deadline, Error::broker(NOT_LEADER_OR_FOLLOWER, "delete_records")).await?;
            }
        }
        Ok(out)
    }

    /// ListOffsets at each partition's leader; `specs` are (topic, partition, timestamp or
    /// sentinel: -1 latest, -2 earliest, -3 max timestamp). Returns (topic, result) per partition.
    pub async fn list_offsets(
        &self,
        specs: &[(String, i32, i64)],
        isolation_level: i8,
    ) -> Result<Vec<(String, ListOffsetsPartitionResponse)>> {
        let deadline = self.deadline(None);
        let wanted: HashMap<(&str, i32), i64> =
            specs.iter().map(|(t, p, ts)| ((t.as_str(), *p), *ts)).collect();
        let mut pending: Vec<(String, i32)> = specs.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
        let mut out = Vec::new();
        while !pending.is_empty() {
            let routes = self.leaders(&pending, deadline).await?;
            pending.clear();
            for (leader, parts) in routes {
                let mut by_topic: BTreeMap<String, Vec<ListOffsetsPartition>> = BTreeMap::new();
                let mut min_version = if isolation_level != 0 { 2 } else { ListOffsetsRequest::MIN_VERSION };
                for (t, p) in &parts {
                    let timestamp = wanted.get(&(t.as_str(), *p)).copied().unwrap_or(-1);
                    if timestamp == -3 {
                        min_version = min_version.max(7);
                    }
                    by_topic.entry(t.clone()).or_default().push(ListOffsetsPartition {
                        partition_index: *p,
                        current_leader_epoch: -1,
                        timestamp,
                    });
                }
                let req = ListOffsetsRequest {
                    replica_id: -1,
                    isolation_level,
                    topics: by_topic
                        .into_iter()
                        .map(|(name, partitions)| ListOffsetsTopic { name, partitions })
                        .collect(),
                };
                let conn = match self.client.connection(leader).await {
                    Ok(c) => c,
                    Err(e) => {
                        self.client.request_metadata_update();
                        self.backoff_or(deadline, e).await?;
                        pending.extend(parts);
                        continue;
                    }
                };
                let v =
                    conn.version_in::<ListOffsetsRequest>(min_version, ListOffsetsRequest::MAX_VERSION)?;
                let resp = conn.send_version(&req, v).await?;
                for t in resp.topics {
                    for p in t.partitions {
                        let retry = matches!(p.error_code, NOT_LEADER_OR_FOLLOWER | LEADER_NOT_AVAILABLE);
                        if retry && Instant::now() < deadline {
                            pending.push((t.name.clone(), p.partition_index));
                        } else {
                            out.push((t.name.clone(), p));
                        }
                    }
                }
            }
            if !pending.is_empty() {
                self.backoff_or(deadline, Error::broker(NOT_LEADER_OR_FOLLOWER, "list_offsets")).await?;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_broker_resources_to_their_broker() {
        let res =
            vec![(RESOURCE_BROKER, "1"), (2, "topic"), (RESOURCE_BROKER_LOGGER, "2"), (RESOURCE_BROKER, "")];
        let (per, any) = Admin::route_resources(res, |r| (r.0, r.1)).unwrap_or_default();
        assert_eq!(per.get(&1).map(Vec::len), Some(1));
        assert_eq!(per.get(&2).map(Vec::len), Some(1));
        assert_eq!(any.len(), 2);
        let bad = Admin::route_resources(vec![(RESOURCE_BROKER, "x")], |r| (r.0, r.1));
        assert!(matches!(bad, Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn coordinator_errors_are_retried() {
        assert!(coordinator_moved(NOT_COORDINATOR));
        assert!(coordinator_moved(COORDINATOR_LOAD_IN_PROGRESS));
        assert!(!coordinator_moved(0));
        assert!(!coordinator_moved(69));
    }
}
