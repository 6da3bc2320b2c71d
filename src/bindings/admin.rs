//! `kafka._native.Admin`: the core of `kafka.KafkaAdminClient`.
//!
//! Arguments arrive already normalised by the Python layer (plain tuples and lists); results go
//! back as dicts/tuples named after the protocol fields, which the Python layer shapes into
//! kafka-python's return values and exceptions.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::config::client_config;
use crate::admin::Admin;
use crate::error::Result;
use crate::protocol::messages::*;
use crate::protocol::ApiKey;

macro_rules! dict {
    ($py:expr, { $($k:literal => $v:expr),* $(,)? }) => {{
        let d = PyDict::new($py);
        $( d.set_item($k, $v)?; )*
        d
    }};
}

type TopicSpec = (String, i32, i16, Vec<(i32, Vec<i32>)>, Vec<(String, Option<String>)>);
type ConfigSpec = (i8, String, Vec<(String, i8, Option<String>)>);
type TopicPartitionList = Vec<(String, i32)>;

fn uuid<'py>(py: Python<'py>, id: &[u8; 16]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, id)
}

fn topic_partitions<'py>(py: Python<'py>, tps: &[TopicPartitions]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for tp in tps {
        list.append((tp.topic.as_str(), tp.partitions.clone()))?;
    }
    Ok(list)
}

fn opt_bytes<'py>(py: Python<'py>, b: &Option<Bytes>) -> Option<Bound<'py, PyBytes>> {
    b.as_ref().map(|b| PyBytes::new(py, b))
}

/// The decoded consumer-protocol subscription of a member, if it is one.
fn subscription<'py>(py: Python<'py>, raw: &Bytes) -> PyResult<Option<Bound<'py, PyDict>>> {
    if raw.is_empty() {
        return Ok(None);
    }
    match ConsumerProtocolSubscription::from_bytes(raw.clone()) {
        Ok((version, s)) => Ok(Some(dict!(py, {
            "version" => version,
            "topics" => s.topics.clone(),
            "user_data" => opt_bytes(py, &s.user_data),
            "owned_partitions" => topic_partitions(py, &s.owned_partitions)?,
            "generation_id" => s.generation_id,
            "rack_id" => s.rack_id.clone(),
        }))),
        Err(_) => Ok(None),
    }
}

fn assignment<'py>(py: Python<'py>, raw: &Bytes) -> PyResult<Option<Bound<'py, PyDict>>> {
    if raw.is_empty() {
        return Ok(None);
    }
    match ConsumerProtocolAssignment::from_bytes(raw.clone()) {
        Ok((version, a)) => Ok(Some(dict!(py, {
            "version" => version,
            "assigned_partitions" => topic_partitions(py, &a.assigned_partitions)?,
            "user_data" => opt_bytes(py, &a.user_data),
        }))),
        Err(_) => Ok(None),
    }
}

/// The admin client core.
#[pyclass(module = "kafka._native", name = "Admin", frozen)]
pub struct PyAdmin {
    inner: Admin,
}

impl PyAdmin {
    /// Runs `f(admin)` on the shared runtime with the GIL released.
    fn run<'a, T, F, Fut>(&'a self, py: Python<'_>, f: F) -> PyResult<T>
    where
        T: Send,
        F: FnOnce(&'a Admin) -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send + 'a,
    {
        super::wait::block_on_interruptibly(py, f(&self.inner))
    }
}

#[pymethods]
impl PyAdmin {
    #[new]
    fn new(config: &Bound<'_, PyDict>) -> PyResult<Self> {
        let cfg = client_config(config)?;
        Ok(Self { inner: Admin::new(cfg) })
    }

    /// Connects and loads metadata; raises NoBrokersAvailable after `timeout_ms`.
    fn bootstrap(&self, py: Python<'_>, timeout_ms: f64) -> PyResult<()> {
        let t = Duration::from_secs_f64(timeout_ms.max(0.0) / 1000.0);
        let admin = &self.inner;
        super::wait::block_on_interruptibly(py, admin.bootstrap(t))
    }

    fn bootstrap_connected(&self) -> bool {
        self.inner.client().bootstrap_connected()
    }

    fn close(&self) {
        self.inner.close();
    }

    /// Sends a request of API `api` (Kafka's name), given as a dict of the declared message,
    /// along `route` ("any", "node", "controller", "coordinator"; `target`: node id or group id);
    /// returns the response as a dict.
    #[pyo3(signature = (api, route, request, target=None, timeout_ms=None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        api: &str,
        route: &str,
        request: &Bound<'py, PyDict>,
        target: Option<&Bound<'py, PyAny>>,
        timeout_ms: Option<i32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let route = super::admin_requests::route(route, target)?;
        super::admin_requests::request(py, &self.inner, api, route, request, timeout_ms)
    }

    /// The node ids of every broker.
    fn broker_ids(&self, py: Python<'_>) -> PyResult<Vec<i32>> {
        self.run(py, |a| a.broker_ids())
    }

    /// {api_key: (min, max)} of broker `node_id` (None: any broker).
    #[pyo3(signature = (node_id=None))]
    fn api_versions(
        &self,
        py: Python<'_>,
        node_id: Option<i32>,
    ) -> PyResult<std::collections::HashMap<i16, (i16, i16)>> {
        self.run(py, move |a| a.api_versions(node_id))
    }

    fn supports_incremental_alter_configs(&self, py: Python<'_>) -> PyResult<bool> {
        self.run(py, |a| a.supports(ApiKey::IncrementalAlterConfigs))
    }

    /// Metadata for `topics` (None: all).
    #[pyo3(signature = (topics=None))]
    fn metadata<'py>(&self, py: Python<'py>, topics: Option<Vec<String>>) -> PyResult<Bound<'py, PyDict>> {
        let md = self.run(py, move |a| a.metadata(topics))?;
        let brokers = PyList::empty(py);
        for b in &md.brokers {
            brokers.append(dict!(py, {"node_id" => b.node_id, "host" => b.host.as_str(), "port" => b.port, "rack" => b.rack.clone()}))?;
        }
        let topics = PyList::empty(py);
        for t in &md.topics {
            let parts = PyList::empty(py);
            for p in &t.partitions {
                parts.append(dict!(py, {
                    "error_code" => p.error_code,
                    "partition_index" => p.partition_index,
                    "leader_id" => p.leader_id,
                    "leader_epoch" => p.leader_epoch,
                    "replica_nodes" => p.replica_nodes.clone(),
                    "isr_nodes" => p.isr_nodes.clone(),
                    "offline_replicas" => p.offline_replicas.clone(),
                }))?;
            }
            topics.append(dict!(py, {
                "error_code" => t.error_code,
                "name" => t.name.clone(),
                "topic_id" => uuid(py, &t.topic_id),
                "is_internal" => t.is_internal,
                "partitions" => parts,
            }))?;
        }
        Ok(dict!(py, {
            "brokers" => brokers,
            "cluster_id" => md.cluster_id.clone(),
            "controller_id" => md.controller_id,
            "topics" => topics,
        }))
    }

    fn create_topics<'py>(
        &self,
        py: Python<'py>,
        topics: Vec<TopicSpec>,
        timeout_ms: i32,
        validate_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let req = CreateTopicsRequest {
            topics: topics
                .into_iter()
                .map(|(name, num_partitions, replication_factor, assignments, configs)| CreatableTopic {
                    name,
                    num_partitions,
                    replication_factor,
                    assignments: assignments
                        .into_iter()
                        .map(|(partition_index, broker_ids)| CreatableReplicaAssignment {
                            partition_index,
                            broker_ids,
                        })
                        .collect(),
                    configs: configs
                        .into_iter()
                        .map(|(name, value)| CreatableTopicConfig { name, value })
                        .collect(),
                })
                .collect(),
            timeout_ms,
            validate_only,
        };
        let resp = self.run(py, move |a| a.create_topics(req))?;
        let out = PyList::empty(py);
        for t in &resp.topics {
            let configs = match &t.configs {
                None => None,
                Some(cs) => {
                    let l = PyList::empty(py);
                    for c in cs {
                        l.append(dict!(py, {
                            "name" => c.name.as_str(),
                            "value" => c.value.clone(),
                            "read_only" => c.read_only,
                            "config_source" => c.config_source,
                            "is_sensitive" => c.is_sensitive,
                        }))?;
                    }
                    Some(l)
                }
            };
            out.append(dict!(py, {
                "name" => t.name.as_str(),
                "topic_id" => uuid(py, &t.topic_id),
                "error_code" => t.error_code,
                "error_message" => t.error_message.clone(),
                "topic_config_error_code" => t.topic_config_error_code,
                "num_partitions" => t.num_partitions,
                "replication_factor" => t.replication_factor,
                "configs" => configs,
            }))?;
        }
        Ok(out)
    }

    #[allow(clippy::type_complexity)] // (name, total count, new assignments)
    fn create_partitions<'py>(
        &self,
        py: Python<'py>,
        topics: Vec<(String, i32, Option<Vec<Vec<i32>>>)>,
        timeout_ms: i32,
        validate_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let req = CreatePartitionsRequest {
            topics: topics
                .into_iter()
                .map(|(name, count, assignments)| CreatePartitionsTopic {
                    name,
                    count,
                    assignments: assignments.map(|a| {
                        a.into_iter().map(|broker_ids| CreatePartitionsAssignment { broker_ids }).collect()
                    }),
                })
                .collect(),
            timeout_ms,
            validate_only,
        };
        let resp = self.run(py, move |a| a.create_partitions(req))?;
        let out = PyList::empty(py);
        for r in &resp.results {
            out.append(dict!(py, {
                "name" => r.name.as_str(),
                "error_code" => r.error_code,
                "error_message" => r.error_message.clone(),
            }))?;
        }
        Ok(out)
    }

    #[allow(clippy::type_complexity)] // (resource type, name, keys)
    fn describe_configs<'py>(
        &self,
        py: Python<'py>,
        resources: Vec<(i8, String, Option<Vec<String>>)>,
        include_synonyms: bool,
        include_documentation: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let resources = resources
            .into_iter()
            .map(|(resource_type, resource_name, configuration_keys)| DescribeConfigsResource {
                resource_type,
                resource_name,
                configuration_keys,
            })
            .collect();
        let results =
            self.run(py, move |a| a.describe_configs(resources, include_synonyms, include_documentation))?;
        let out = PyList::empty(py);
        for r in &results {
            let configs = PyList::empty(py);
            for c in &r.configs {
                let synonyms = PyList::empty(py);
                for s in &c.synonyms {
                    synonyms.append(dict!(py, {"name" => s.name.as_str(), "value" => s.value.clone(), "source" => s.source}))?;
                }
                configs.append(dict!(py, {
                    "name" => c.name.as_str(),
                    "value" => c.value.clone(),
                    "read_only" => c.read_only,
                    "is_default" => c.is_default,
                    "config_source" => c.config_source,
                    "is_sensitive" => c.is_sensitive,
                    "synonyms" => synonyms,
                    "config_type" => c.config_type,
                    "documentation" => c.documentation.clone(),
                }))?;
            }
            out.append(dict!(py, {
                "error_code" => r.error_code,
                "error_message" => r.error_message.clone(),
                "resource_type" => r.resource_type,
                "resource_name" => r.resource_name.as_str(),
                "configs" => configs,
            }))?;
        }
        Ok(out)
    }

    #[pyo3(signature = (resources, validate_only, incremental=None))]
    fn alter_configs<'py>(
        &self,
        py: Python<'py>,
        resources: Vec<ConfigSpec>,
        validate_only: bool,
        incremental: Option<bool>,
    ) -> PyResult<Bound<'py, PyList>> {
        let resources = resources
            .into_iter()
            .map(|(resource_type, resource_name, configs)| IncrementalAlterConfigsResource {
                resource_type,
                resource_name,
                configs: configs
                    .into_iter()
                    .map(|(name, config_operation, value)| IncrementalAlterableConfig {
                        name,
                        config_operation,
                        value,
                    })
                    .collect(),
            })
            .collect();
        let results = self.run(py, move |a| a.alter_configs(resources, validate_only, incremental))?;
        let out = PyList::empty(py);
        for r in &results {
            out.append(dict!(py, {
                "error_code" => r.error_code,
                "error_message" => r.error_message.clone(),
                "resource_type" => r.resource_type,
                "resource_name" => r.resource_name.as_str(),
            }))?;
        }
        Ok(out)
    }

    fn describe_cluster<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.run(py, |a| a.describe_cluster())?;
        let brokers = PyList::empty(py);
        for b in &c.brokers {
            brokers.append(dict!(py, {"broker_id" => b.broker_id, "host" => b.host.as_str(), "port" => b.port, "rack" => b.rack.clone()}))?;
        }
        Ok(
            dict!(py, {"cluster_id" => c.cluster_id.clone(), "controller_id" => c.controller_id, "brokers" => brokers}),
        )
    }

    #[pyo3(signature = (groups, coordinator=None))]
    fn describe_groups<'py>(
        &self,
        py: Python<'py>,
        groups: Vec<String>,
        coordinator: Option<i32>,
    ) -> PyResult<Bound<'py, PyList>> {
        let described =
            self.run(py, move |a| async move { a.describe_groups(&groups, coordinator).await })?;
        let out = PyList::empty(py);
        for g in &described {
            let members = PyList::empty(py);
            let consumer = g.protocol_type.is_empty() || g.protocol_type == "consumer";
            for m in &g.members {
                let (sub, asg) = if consumer {
                    (subscription(py, &m.member_metadata)?, assignment(py, &m.member_assignment)?)
                } else {
                    (None, None)
                };
                members.append(dict!(py, {
                    "member_id" => m.member_id.as_str(),
                    "group_instance_id" => m.group_instance_id.clone(),
                    "client_id" => m.client_id.as_str(),
                    "client_host" => m.client_host.as_str(),
                    "member_metadata" => PyBytes::new(py, &m.member_metadata),
                    "member_assignment" => PyBytes::new(py, &m.member_assignment),
                    "subscription" => sub,
                    "assignment" => asg,
                }))?;
            }
            out.append(dict!(py, {
                "error_code" => g.error_code,
                "group_id" => g.group_id.as_str(),
                "group_state" => g.group_state.as_str(),
                "protocol_type" => g.protocol_type.as_str(),
                "protocol_data" => g.protocol_data.as_str(),
                "members" => members,
                "authorized_operations" => g.authorized_operations,
            }))?;
        }
        Ok(out)
    }

    #[pyo3(signature = (brokers=None, states_filter=Vec::new(), types_filter=Vec::new()))]
    fn list_groups<'py>(
        &self,
        py: Python<'py>,
        brokers: Option<Vec<i32>>,
        states_filter: Vec<String>,
        types_filter: Vec<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let groups = self.run(py, move |a| a.list_groups(brokers, states_filter, types_filter))?;
        let out = PyList::empty(py);
        for g in &groups {
            out.append(dict!(py, {
                "group_id" => g.group_id.as_str(),
                "protocol_type" => g.protocol_type.as_str(),
                "group_state" => g.group_state.as_str(),
                "group_type" => g.group_type.as_str(),
            }))?;
        }
        Ok(out)
    }

    /// Committed offsets: (group error code, [(topic, partition, offset, leader_epoch, metadata,
    /// error_code)]).
    #[pyo3(signature = (group, partitions=None, coordinator=None))]
    #[allow(clippy::type_complexity)]
    fn fetch_offsets(
        &self,
        py: Python<'_>,
        group: String,
        partitions: Option<TopicPartitionList>,
        coordinator: Option<i32>,
    ) -> PyResult<(i16, Vec<(String, i32, i64, i32, Option<String>, i16)>)> {
        let topics = partitions.map(|tps| {
            let mut by_topic: std::collections::BTreeMap<String, Vec<i32>> = Default::default();
            for (t, p) in tps {
                by_topic.entry(t).or_default().push(p);
            }
            by_topic
                .into_iter()
                .map(|(name, partition_indexes)| OffsetFetchRequestTopic { name, partition_indexes })
                .collect()
        });
        let resp =
            self.run(py, move |a| async move { a.fetch_offsets(&group, topics, coordinator).await })?;
        let mut rows = Vec::new();
        for t in resp.topics {
            for p in t.partitions {
                rows.push((
                    t.name.clone(),
                    p.partition_index,
                    p.committed_offset,
                    p.committed_leader_epoch,
                    p.metadata,
                    p.error_code,
                ));
            }
        }
        Ok((resp.error_code, rows))
    }

    #[pyo3(signature = (groups, coordinator=None))]
    fn delete_groups(
        &self,
        py: Python<'_>,
        groups: Vec<String>,
        coordinator: Option<i32>,
    ) -> PyResult<Vec<(String, i16)>> {
        let results = self.run(py, move |a| async move { a.delete_groups(&groups, coordinator).await })?;
        Ok(results.into_iter().map(|r| (r.group_id, r.error_code)).collect())
    }

    /// Commits (topic, partition, offset, leader_epoch, metadata) rows; returns (topic, partition,
    /// error_code) rows.
    #[pyo3(signature = (group, offsets, coordinator=None))]
    #[allow(clippy::type_complexity)]
    fn commit_offsets(
        &self,
        py: Python<'_>,
        group: String,
        offsets: Vec<(String, i32, i64, i32, Option<String>)>,
        coordinator: Option<i32>,
    ) -> PyResult<Vec<(String, i32, i16)>> {
        let mut by_topic: std::collections::BTreeMap<String, Vec<OffsetCommitRequestPartition>> =
            Default::default();
        for (t, p, offset, epoch, metadata) in offsets {
            by_topic.entry(t).or_default().push(OffsetCommitRequestPartition {
                partition_index: p,
                committed_offset: offset,
                committed_leader_epoch: epoch,
                committed_metadata: metadata,
            });
        }
        let topics = by_topic
            .into_iter()
            .map(|(name, partitions)| OffsetCommitRequestTopic { name, partitions, ..Default::default() })
            .collect();
        let resp =
            self.run(py, move |a| async move { a.commit_offsets(&group, topics, coordinator).await })?;
        Ok(resp
            .topics
            .into_iter()
            .flat_map(|t| {
                let name = t.name;
                t.partitions.into_iter().map(move |p| (name.clone(), p.partition_index, p.error_code))
            })
            .collect())
    }

    #[pyo3(signature = (group, partitions, coordinator=None))]
    #[allow(clippy::type_complexity)]
    fn delete_offsets(
        &self,
        py: Python<'_>,
        group: String,
        partitions: TopicPartitionList,
        coordinator: Option<i32>,
    ) -> PyResult<(i16, Vec<(String, i32, i16)>)> {
        let mut by_topic: std::collections::BTreeMap<String, Vec<OffsetDeleteRequestPartition>> =
            Default::default();
        for (t, p) in partitions {
            by_topic.entry(t).or_default().push(OffsetDeleteRequestPartition { partition_index: p });
        }
        let topics = by_topic
            .into_iter()
            .map(|(name, partitions)| OffsetDeleteRequestTopic { name, partitions })
            .collect();
        let resp =
            self.run(py, move |a| async move { a.delete_offsets(&group, topics, coordinator).await })?;
        let rows = resp
            .topics
            .into_iter()
            .flat_map(|t| {
                let name = t.name;
                t.partitions.into_iter().map(move |p| (name.clone(), p.partition_index, p.error_code))
            })
            .collect();
        Ok((resp.error_code, rows))
    }

    /// Deletes records before (topic, partition, offset); returns (topic, partition,
    /// low_watermark, error_code) rows.
    #[pyo3(signature = (records, timeout_ms, leader=None))]
    #[allow(clippy::type_complexity)]
    fn delete_records(
        &self,
        py: Python<'_>,
        records: Vec<(String, i32, i64)>,
        timeout_ms: i32,
        leader: Option<i32>,
    ) -> PyResult<Vec<(String, i32, i64, i16)>> {
        let rows =
            self.run(py, move |a| async move { a.delete_records(&records, timeout_ms, leader).await })?;
        Ok(rows.into_iter().map(|(t, p)| (t, p.partition_index, p.low_watermark, p.error_code)).collect())
    }

    /// ListTransactions at each broker: {broker: (error_code, [(transactional_id, producer_id,
    /// state)])}.
    #[pyo3(signature = (brokers=None, state_filters=Vec::new(), producer_id_filters=Vec::new(), duration_filter_ms=-1, pattern=None))]
    #[allow(clippy::type_complexity)]
    fn list_transactions(
        &self,
        py: Python<'_>,
        brokers: Option<Vec<i32>>,
        state_filters: Vec<String>,
        producer_id_filters: Vec<i64>,
        duration_filter_ms: i64,
        pattern: Option<String>,
    ) -> PyResult<Vec<(i32, i16, Vec<(String, i64, String)>)>> {
        let req = ListTransactionsRequest {
            state_filters,
            producer_id_filters,
            duration_filter: duration_filter_ms,
            transactional_id_pattern: pattern,
        };
        let got = self.run(py, move |a| a.list_transactions(brokers, req))?;
        Ok(got
            .into_iter()
            .map(|(b, r)| {
                let rows = r
                    .transaction_states
                    .into_iter()
                    .map(|t| (t.transactional_id, t.producer_id, t.transaction_state))
                    .collect();
                (b, r.error_code, rows)
            })
            .collect())
    }

    /// DescribeTransactions: [(coordinator, error_code, transactional_id, state, timeout_ms,
    /// start_time_ms, producer_id, producer_epoch, [(topic, partition)])].
    #[allow(clippy::type_complexity)]
    fn describe_transactions(
        &self,
        py: Python<'_>,
        transactional_ids: Vec<String>,
    ) -> PyResult<Vec<(i32, i16, String, String, i32, i64, i64, i16, Vec<(String, i32)>)>> {
        let got = self.run(py, move |a| async move { a.describe_transactions(&transactional_ids).await })?;
        Ok(got
            .into_iter()
            .map(|(node, t)| {
                let tps = t
                    .topics
                    .iter()
                    .flat_map(|tp| tp.partitions.iter().map(move |p| (tp.topic.clone(), *p)))
                    .collect();
                (
                    node,
                    t.error_code,
                    t.transactional_id,
                    t.transaction_state,
                    t.transaction_timeout_ms,
                    t.transaction_start_time_ms,
                    t.producer_id,
                    t.producer_epoch,
                    tps,
                )
            })
            .collect())
    }

    /// DescribeProducers: [(topic, partition, error_code, error_message, [(producer_id, epoch,
    /// last_sequence, last_timestamp, coordinator_epoch, current_txn_start_offset)])].
    #[pyo3(signature = (partitions, broker=None))]
    #[allow(clippy::type_complexity)]
    fn describe_producers(
        &self,
        py: Python<'_>,
        partitions: Vec<(String, i32)>,
        broker: Option<i32>,
    ) -> PyResult<Vec<(String, i32, i16, Option<String>, Vec<(i64, i32, i32, i64, i32, i64)>)>> {
        let got = self.run(py, move |a| async move { a.describe_producers(&partitions, broker).await })?;
        let mut out = Vec::new();
        for resp in got {
            for t in resp.topics {
                for p in t.partitions {
                    let producers = p
                        .active_producers
                        .iter()
                        .map(|s| {
                            (
                                s.producer_id,
                                s.producer_epoch,
                                s.last_sequence,
                                s.last_timestamp,
                                s.coordinator_epoch,
                                s.current_txn_start_offset,
                            )
                        })
                        .collect();
                    out.push((t.name.clone(), p.partition_index, p.error_code, p.error_message, producers));
                }
            }
        }
        Ok(out)
    }

    /// WriteTxnMarkers (abort) for one partition at its leader; the partition's error code.
    fn abort_transaction(
        &self,
        py: Python<'_>,
        topic: String,
        partition: i32,
        producer_id: i64,
        producer_epoch: i16,
        coordinator_epoch: i32,
    ) -> PyResult<i16> {
        self.run(py, move |a| {
            a.abort_transaction(topic, partition, producer_id, producer_epoch, coordinator_epoch)
        })
    }

    /// Offsets for (topic, partition, timestamp/sentinel); returns (topic, partition, error_code,
    /// offset, timestamp, leader_epoch) rows.
    #[allow(clippy::type_complexity)]
    fn list_offsets(
        &self,
        py: Python<'_>,
        specs: Vec<(String, i32, i64)>,
        isolation_level: i8,
    ) -> PyResult<Vec<(String, i32, i16, i64, i64, i32)>> {
        let rows = self.run(py, move |a| async move { a.list_offsets(&specs, isolation_level).await })?;
        Ok(rows
            .into_iter()
            .map(|(t, p)| (t, p.partition_index, p.error_code, p.offset, p.timestamp, p.leader_epoch))
            .collect())
    }
}
