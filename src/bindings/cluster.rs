//! The cluster metadata snapshot as Python values, for the read-only `kafka.cluster` view that
//! `producer.client.cluster` / `consumer._client.cluster` give (aiokafka and kafka-python users
//! read topics, partitions, leaders and brokers there).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::network::ClusterSnapshot;

/// `{'cluster_id', 'controller_id', 'brokers': [(id, host, port, rack)], 'topics': {name:
/// (error_code, is_internal, [(partition, leader, leader_epoch, replicas, isr, offline,
/// error_code)])}}`.
pub(crate) fn snapshot_dict<'py>(py: Python<'py>, snap: &ClusterSnapshot) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("cluster_id", snap.cluster_id.as_deref())?;
    out.set_item("controller_id", snap.controller_id)?;
    let brokers = PyList::empty(py);
    for b in snap.brokers.values() {
        brokers.append((b.node_id, b.host.as_str(), b.port, b.rack.as_deref()))?;
    }
    out.set_item("brokers", brokers)?;
    let topics = PyDict::new(py);
    for (name, t) in &snap.topics {
        let parts = PyList::empty(py);
        for p in &t.partitions {
            parts.append((
                p.partition,
                p.leader,
                p.leader_epoch,
                p.replicas.clone(),
                p.isr.clone(),
                p.offline_replicas.clone(),
                p.error_code,
            ))?;
        }
        topics.set_item(name.as_str(), (t.error_code, t.is_internal, parts))?;
    }
    out.set_item("topics", topics)?;
    Ok(out)
}
