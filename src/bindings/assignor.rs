//! Python partition assignors in the group protocol, and the built-in assignors for Python.
//!
//! An application's `AbstractPartitionAssignor` reaches the core wrapped in
//! `kafka.coordinator.assignors._adapter.AssignorAdapter`, which speaks plain data (tuples,
//! lists, dicts) and does kafka-python's object shapes on the Python side. [`PyAssignor`] calls
//! it with the GIL from the blocking thread the coordinator runs it on (the leader's join step,
//! the JoinGroup subscription, the assignment callback). [`run_assignor`] lets the Python
//! classes of the built-in assignors run their Rust algorithm (`RangePartitionAssignor.assign`).

use std::collections::BTreeMap;

use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::group::assignor::{
    assignor_by_name, GroupAssignment, GroupAssignor, MemberAssignment, MemberSubscription,
    RebalanceProtocol, Subscription,
};

type PartitionsList = Vec<(String, Vec<i32>)>;
/// (member_id, group_instance_id, version, topics, user_data, owned, generation, rack_id)
type MemberTuple =
    (String, Option<String>, i16, Vec<String>, Option<Vec<u8>>, PartitionsList, i32, Option<String>);

fn describe(py: Python<'_>, e: PyErr) -> String {
    let kind = e.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "Exception".into());
    format!("{kind}: {}", e.value(py))
}

fn member_tuple(m: &MemberSubscription) -> MemberTuple {
    (
        m.member_id.clone(),
        m.group_instance_id.clone(),
        m.version,
        m.topics.clone(),
        m.user_data.as_ref().map(|b| b.to_vec()),
        m.owned_partitions.clone(),
        m.generation.unwrap_or(-1),
        m.rack_id.clone(),
    )
}

fn member_from_tuple(t: MemberTuple) -> MemberSubscription {
    let (member_id, group_instance_id, version, topics, user_data, owned, generation, rack_id) = t;
    let mut m = MemberSubscription::new(member_id, topics);
    m.group_instance_id = group_instance_id;
    m.version = version;
    m.user_data = user_data.map(Bytes::from);
    m.owned_partitions = owned;
    m.generation = (generation >= 0).then_some(generation);
    m.rack_id = rack_id;
    m
}

/// An application's assignor (through its `AssignorAdapter`).
pub(super) struct PyAssignor {
    adapter: Py<PyAny>,
    name: String,
    protocols: Vec<RebalanceProtocol>,
}

impl PyAssignor {
    /// Reads the adapter's name and supported protocols once.
    pub(super) fn new(adapter: &Bound<'_, PyAny>) -> PyResult<Self> {
        let name: String = adapter.getattr("name")?.extract()?;
        let values: Vec<i64> = adapter.call_method0("supported_protocols")?.extract()?;
        let protocols = values.into_iter().filter_map(RebalanceProtocol::from_value).collect();
        Ok(Self { adapter: adapter.clone().unbind(), name, protocols })
    }
}

impl GroupAssignor for PyAssignor {
    fn name(&self) -> &str {
        &self.name
    }

    fn supported_protocols(&self) -> Vec<RebalanceProtocol> {
        self.protocols.clone()
    }

    fn subscription(
        &self,
        topics: &[String],
        owned: &BTreeMap<String, Vec<i32>>,
        generation: i32,
    ) -> Result<Subscription, String> {
        Python::attach(|py| {
            let owned: PartitionsList = owned.iter().map(|(t, ps)| (t.clone(), ps.clone())).collect();
            let r = self
                .adapter
                .bind(py)
                .call_method1("subscription", (topics.to_vec(), owned, generation))
                .and_then(|r| r.extract::<(i16, Vec<String>, Option<Vec<u8>>, PartitionsList, i32)>());
            let (version, topics, user_data, owned_partitions, generation) =
                r.map_err(|e| describe(py, e))?;
            Ok(Subscription {
                version,
                topics,
                user_data: user_data.map(Bytes::from),
                owned_partitions,
                generation,
            })
        })
    }

    fn assign(
        &self,
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &[MemberSubscription],
    ) -> Result<GroupAssignment, String> {
        Python::attach(|py| {
            let members: Vec<MemberTuple> = members.iter().map(member_tuple).collect();
            let r = self
                .adapter
                .bind(py)
                .call_method1("assign", (partitions_per_topic.clone(), members))
                .and_then(|r| r.extract::<BTreeMap<String, (i16, PartitionsList, Option<Vec<u8>>)>>());
            let raw = r.map_err(|e| describe(py, e))?;
            Ok(raw
                .into_iter()
                .map(|(member, (version, parts, user_data))| {
                    let mut partitions: BTreeMap<String, Vec<i32>> = BTreeMap::new();
                    for (t, ps) in parts {
                        partitions.entry(t).or_default().extend(ps);
                    }
                    (member, MemberAssignment { partitions, user_data: user_data.map(Bytes::from), version })
                })
                .collect())
        })
    }

    fn on_assignment(&self, assignment: &MemberAssignment, generation: i32) -> Result<(), String> {
        Python::attach(|py| {
            let parts: PartitionsList =
                assignment.partitions.iter().map(|(t, ps)| (t.clone(), ps.clone())).collect();
            let user_data = assignment.user_data.as_ref().map(|b| b.to_vec());
            self.adapter
                .bind(py)
                .call_method1("on_assignment", (assignment.version, parts, user_data, generation))
                .map(|_| ())
                .map_err(|e| describe(py, e))
        })
    }

    fn is_blocking(&self) -> bool {
        true
    }
}

/// `run_assignor(name, partitions_per_topic, members)`: the built-in assignor `name` over
/// member tuples; returns {member_id: [(topic, [partition, ...]), ...]}.
#[pyfunction]
pub(super) fn run_assignor<'py>(
    py: Python<'py>,
    name: &str,
    partitions_per_topic: BTreeMap<String, i32>,
    members: Vec<MemberTuple>,
) -> PyResult<Bound<'py, PyDict>> {
    let assignor = assignor_by_name(name)
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("unknown assignor {name:?}")))?;
    let members: Vec<MemberSubscription> = members.into_iter().map(member_from_tuple).collect();
    let assignment = py.detach(|| assignor.assign(&partitions_per_topic, &members));
    let out = PyDict::new(py);
    for (member, topics) in assignment {
        let list: PartitionsList = topics.into_iter().collect();
        out.set_item(member, list)?;
    }
    Ok(out)
}
