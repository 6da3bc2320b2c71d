//! Client-side partition assignors for the classic consumer-group protocol.
//!
//! The group leader runs one of these over the subscriptions of every member and sends each member
//! its share. They are pure functions of plain data (no protocol types), and they follow the
//! semantics of Kafka's Java assignors and kafka-python's, so that a group mixing Java, librdkafka
//! and kafka-python members agrees on the protocol names and on the sticky user data:
//!
//! | protocol name  | type                     | summary                                                   |
//! |----------------|--------------------------|-----------------------------------------------------------|
//! | `"range"`      | [`RangeAssignor`]        | per topic, contiguous ranges over the sorted members      |
//! | `"roundrobin"` | [`RoundRobinAssignor`]   | all partitions dealt one by one over the sorted members   |
//! | `"sticky"`     | [`StickyAssignor`]       | balanced, and keeps previous owners as far as possible    |
//! | `"cooperative-sticky"` | [`CooperativeStickyAssignor`] | sticky, moving partitions over two rounds (KIP-429) |
//!
//! [`GroupAssignor`] (`plugin`) is what the group member uses: the built-in assignors through
//! [`Builtin`], or an application's own (the Python bindings implement it for Python assignors),
//! with [`validate_assignment`] checking what a leader's assignor returned.
//!
//! Conventions shared by all assignors:
//! - every member of the input appears as a key of the [`Assignment`], even with nothing assigned;
//! - a member's inner map only holds topics from which it got at least one partition, and the
//!   partition lists are sorted ascending;
//! - only topics that some member subscribes to *and* that appear in `partitions_per_topic` are
//!   assigned (a topic without metadata is skipped, as the reference implementations do); a
//!   non-positive partition count means the topic has no partitions;
//! - the result does not depend on the order of `members`. Member ids are expected to be unique;
//!   should one repeat, its subscriptions are merged (topics united; group instance id, user data
//!   and owned partitions taken from the first occurrence that has them).

pub mod cooperative;
mod plugin;
pub mod range;
pub mod roundrobin;
pub mod sticky;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

pub use cooperative::CooperativeStickyAssignor;
pub use plugin::{
    validate_assignment, Builtin, GroupAssignment, GroupAssignor, MemberAssignment, Subscription,
};
pub use range::RangeAssignor;
pub use roundrobin::RoundRobinAssignor;
pub use sticky::{StickyAssignor, StickyAssignorUserData, UserDataError};

/// One member's subscription as the group leader sees it in the JoinGroup response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberSubscription {
    /// The member id the coordinator gave this member.
    pub member_id: String,
    /// `group.instance.id` of a static member, `None` for a dynamic member.
    pub group_instance_id: Option<String>,
    /// The topics the member subscribes to.
    pub topics: Vec<String>,
    /// The assignor-specific user data from the member's subscription (sticky: its previous
    /// assignment and generation, see [`StickyAssignorUserData`]).
    pub user_data: Option<Bytes>,
    /// The partitions the member says it owns (ConsumerProtocolSubscription v1+), per topic.
    pub owned_partitions: Vec<(String, Vec<i32>)>,
    /// The generation of those partitions (ConsumerProtocolSubscription v2+; `None` when absent
    /// or -1).
    pub generation: Option<i32>,
    /// The version of the member's subscription.
    pub version: i16,
    /// The member's rack (ConsumerProtocolSubscription v3+).
    pub rack_id: Option<String>,
}

impl MemberSubscription {
    /// A dynamic member subscribed to `topics`, without user data or owned partitions.
    pub fn new<S: Into<String>>(member_id: impl Into<String>, topics: impl IntoIterator<Item = S>) -> Self {
        Self {
            member_id: member_id.into(),
            topics: topics.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Sets the `group.instance.id` (a static member).
    pub fn with_group_instance_id(mut self, group_instance_id: impl Into<String>) -> Self {
        self.group_instance_id = Some(group_instance_id.into());
        self
    }

    /// Sets the user data.
    pub fn with_user_data(mut self, user_data: impl Into<Bytes>) -> Self {
        self.user_data = Some(user_data.into());
        self
    }

    /// Sets the owned partitions.
    pub fn with_owned_partitions(mut self, owned_partitions: Vec<(String, Vec<i32>)>) -> Self {
        self.owned_partitions = owned_partitions;
        self
    }
}

/// member id -> topic -> sorted partitions.
pub type Assignment = BTreeMap<String, BTreeMap<String, Vec<i32>>>;

/// KIP-429 rebalance protocols: EAGER revokes everything before every rejoin, COOPERATIVE only
/// what moves (kafka-python's `RebalanceProtocol`, same values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RebalanceProtocol {
    Eager = 0,
    Cooperative = 1,
}

impl RebalanceProtocol {
    /// The protocol for kafka-python's enum value.
    pub fn from_value(v: i64) -> Option<Self> {
        match v {
            0 => Some(Self::Eager),
            1 => Some(Self::Cooperative),
            _ => None,
        }
    }

    /// The highest protocol every one of `supported` lists, `None` if they share none.
    pub fn common<I: IntoIterator<Item = Vec<RebalanceProtocol>>>(supported: I) -> Option<Self> {
        let mut common: Option<BTreeSet<RebalanceProtocol>> = None;
        for s in supported {
            let s: BTreeSet<_> = s.into_iter().collect();
            common = Some(match common {
                None => s,
                Some(c) => c.intersection(&s).copied().collect(),
            });
        }
        common.and_then(|c| c.last().copied())
    }
}

/// A client-side partition assignor (`partition.assignment.strategy`).
pub trait PartitionAssignor: Send + Sync {
    /// The protocol name announced in JoinGroup ("range", "roundrobin", "sticky").
    fn name(&self) -> &'static str;

    /// The rebalance protocols this assignor supports.
    fn supported_protocols(&self) -> Vec<RebalanceProtocol> {
        vec![RebalanceProtocol::Eager]
    }

    /// Assigns the partitions of the subscribed topics to `members`.
    ///
    /// `partitions_per_topic` maps a topic to its partition count (partitions `0..count`).
    /// Every member appears in the result; see the [module docs](self) for the conventions.
    fn assign(
        &self,
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &[MemberSubscription],
    ) -> Assignment;

    /// The user data a member sends in its subscription, given its current assignment and the
    /// generation in which it got it. `None` means "no user data" (an empty field on the wire).
    ///
    /// Only the sticky assignor sends any: its current assignment and generation.
    fn subscription_user_data(&self, current: &BTreeMap<String, Vec<i32>>, generation: i32) -> Option<Bytes> {
        let _ = (current, generation);
        None
    }
}

/// The assignor for a protocol name ("range", "roundrobin", "sticky"), or `None` if unknown.
pub fn assignor_by_name(name: &str) -> Option<Box<dyn PartitionAssignor>> {
    match name {
        range::NAME => Some(Box::new(RangeAssignor)),
        roundrobin::NAME => Some(Box::new(RoundRobinAssignor)),
        sticky::NAME => Some(Box::new(StickyAssignor)),
        cooperative::NAME => Some(Box::new(CooperativeStickyAssignor)),
        _ => None,
    }
}

/// The protocol names of all assignors this crate implements.
pub const ASSIGNOR_NAMES: [&str; 4] = [range::NAME, roundrobin::NAME, sticky::NAME, cooperative::NAME];

/// A member after de-duplication, keyed by member id in [`normalize`]'s map.
#[derive(Debug, Clone, Default)]
pub(crate) struct Member {
    pub(crate) group_instance_id: Option<String>,
    pub(crate) topics: BTreeSet<String>,
    pub(crate) user_data: Option<Bytes>,
    pub(crate) owned_partitions: Vec<(String, Vec<i32>)>,
}

/// Members keyed (and therefore sorted) by member id, duplicates merged.
pub(crate) fn normalize(members: &[MemberSubscription]) -> BTreeMap<&str, Member> {
    let mut out: BTreeMap<&str, Member> = BTreeMap::new();
    for m in members {
        let entry = out.entry(m.member_id.as_str()).or_default();
        entry.topics.extend(m.topics.iter().cloned());
        if entry.group_instance_id.is_none() {
            entry.group_instance_id.clone_from(&m.group_instance_id);
        }
        if entry.user_data.as_ref().is_none_or(|d| d.is_empty()) {
            entry.user_data.clone_from(&m.user_data);
        }
        if entry.owned_partitions.is_empty() {
            entry.owned_partitions.clone_from(&m.owned_partitions);
        }
    }
    out
}

/// The number of partitions of `topic`, or `None` without metadata for it.
pub(crate) fn partition_count(partitions_per_topic: &BTreeMap<String, i32>, topic: &str) -> Option<i32> {
    partitions_per_topic.get(topic).map(|&n| n.max(0))
}

/// The member order of Java's `AbstractPartitionAssignor.MemberInfo`: static members first, by
/// group instance id, then dynamic members by member id (ties broken by member id).
pub(crate) fn java_member_order(
    a_id: &str,
    a_instance: Option<&str>,
    b_id: &str,
    b_instance: Option<&str>,
) -> Ordering {
    match (a_instance, b_instance) {
        (Some(a), Some(b)) => a.cmp(b).then_with(|| a_id.cmp(b_id)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a_id.cmp(b_id),
    }
}

/// An assignment with an empty entry for every member.
pub(crate) fn empty_assignment<'a>(member_ids: impl IntoIterator<Item = &'a str>) -> Assignment {
    member_ids.into_iter().map(|id| (id.to_owned(), BTreeMap::new())).collect()
}

/// Sorts every partition list of `assignment` and drops empty topic entries.
pub(crate) fn tidy(assignment: &mut Assignment) {
    for topics in assignment.values_mut() {
        topics.retain(|_, parts| !parts.is_empty());
        for parts in topics.values_mut() {
            parts.sort_unstable();
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_name() {
        for name in ASSIGNOR_NAMES {
            let a = assignor_by_name(name).expect("known assignor");
            assert_eq!(a.name(), name);
        }
        assert!(assignor_by_name("cooperative").is_none());
        assert!(assignor_by_name("").is_none());
    }

    #[test]
    fn common_protocol() {
        use RebalanceProtocol::*;
        assert_eq!(RebalanceProtocol::common([vec![Eager], vec![Eager, Cooperative]]), Some(Eager));
        assert_eq!(RebalanceProtocol::common([vec![Cooperative, Eager]]), Some(Cooperative));
        assert_eq!(RebalanceProtocol::common([vec![Eager], vec![Cooperative]]), None);
    }

    #[test]
    fn java_member_ordering() {
        let mut v = vec![("b", None), ("a", Some("z")), ("c", Some("y")), ("a0", None)];
        v.sort_by(|x, y| java_member_order(x.0, x.1, y.0, y.1));
        assert_eq!(v, vec![("c", Some("y")), ("a", Some("z")), ("a0", None), ("b", None)]);
    }

    #[test]
    fn only_sticky_sends_user_data() {
        let cur = BTreeMap::from([("t".to_owned(), vec![0, 1])]);
        assert!(RangeAssignor.subscription_user_data(&cur, 3).is_none());
        assert!(RoundRobinAssignor.subscription_user_data(&cur, 3).is_none());
        assert!(StickyAssignor.subscription_user_data(&cur, 3).is_some());
    }

    #[test]
    fn duplicate_members_are_merged() {
        let members = [
            MemberSubscription::new("m", ["a"]),
            MemberSubscription::new("m", ["b"]).with_group_instance_id("i"),
        ];
        let n = normalize(&members);
        assert_eq!(n.len(), 1);
        let m = &n["m"];
        assert_eq!(m.topics.iter().map(String::as_str).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.group_instance_id.as_deref(), Some("i"));
    }
}
