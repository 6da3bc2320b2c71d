//! The assignor as a group member uses it: the subscription it sends in JoinGroup, the leader's
//! assignment (with per-member user data) and the assignment callback. Built-in assignors take
//! part through [`Builtin`]; the Python bindings implement [`GroupAssignor`] for an
//! application's `AbstractPartitionAssignor`. [`validate_assignment`] checks what a leader's
//! assignor returned before it is sent to the group.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

use super::{MemberSubscription, PartitionAssignor, RebalanceProtocol};

/// What a member sends in its JoinGroup protocol metadata (ConsumerProtocolSubscription).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscription {
    /// The ConsumerProtocolSubscription version to write (0..=3).
    pub version: i16,
    pub topics: Vec<String>,
    pub user_data: Option<Bytes>,
    /// v1+: the partitions the member owns.
    pub owned_partitions: Vec<(String, Vec<i32>)>,
    /// v2+: their generation (-1: none).
    pub generation: i32,
}

/// What the leader assigns one member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberAssignment {
    /// topic -> partitions.
    pub partitions: BTreeMap<String, Vec<i32>>,
    pub user_data: Option<Bytes>,
    /// The ConsumerProtocolAssignment version to write.
    pub version: i16,
}

/// member id -> assignment.
pub type GroupAssignment = BTreeMap<String, MemberAssignment>;

/// A partition assignor as a consumer-group member runs it. Errors are messages (an
/// application's assignor failed); they fail the join.
pub trait GroupAssignor: Send + Sync {
    /// The protocol name announced in JoinGroup.
    fn name(&self) -> &str;

    /// The rebalance protocols it supports.
    fn supported_protocols(&self) -> Vec<RebalanceProtocol>;

    /// This member's subscription to `topics`, given what it owns and in which generation.
    fn subscription(
        &self,
        topics: &[String],
        owned: &BTreeMap<String, Vec<i32>>,
        generation: i32,
    ) -> Result<Subscription, String>;

    /// The leader's assignment of the subscribed topics' partitions (`partitions_per_topic`:
    /// topic -> partition count) to `members`.
    fn assign(
        &self,
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &[MemberSubscription],
    ) -> Result<GroupAssignment, String>;

    /// Called on every member with its assignment once SyncGroup has answered.
    fn on_assignment(&self, assignment: &MemberAssignment, generation: i32) -> Result<(), String> {
        let _ = (assignment, generation);
        Ok(())
    }

    /// Whether calls may block (an application's assignor taking the GIL): the coordinator then
    /// runs them on a blocking thread rather than on the I/O runtime.
    fn is_blocking(&self) -> bool {
        false
    }
}

/// A built-in [`PartitionAssignor`] as a [`GroupAssignor`].
pub struct Builtin(pub Box<dyn PartitionAssignor>);

impl GroupAssignor for Builtin {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn supported_protocols(&self) -> Vec<RebalanceProtocol> {
        self.0.supported_protocols()
    }

    /// Eager assignors write v0 (topics and user data, as kafka-python); cooperative ones v3
    /// with the owned partitions and their generation, as Java does.
    fn subscription(
        &self,
        topics: &[String],
        owned: &BTreeMap<String, Vec<i32>>,
        generation: i32,
    ) -> Result<Subscription, String> {
        let user_data = self.0.subscription_user_data(owned, generation);
        let cooperative = self.0.supported_protocols().contains(&RebalanceProtocol::Cooperative);
        Ok(if cooperative {
            Subscription {
                version: 3,
                topics: topics.to_vec(),
                user_data,
                owned_partitions: owned.iter().map(|(t, ps)| (t.clone(), ps.clone())).collect(),
                generation,
            }
        } else {
            Subscription {
                version: 0,
                topics: topics.to_vec(),
                user_data,
                owned_partitions: Vec::new(),
                generation: -1,
            }
        })
    }

    fn assign(
        &self,
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &[MemberSubscription],
    ) -> Result<GroupAssignment, String> {
        Ok(self
            .0
            .assign(partitions_per_topic, members)
            .into_iter()
            .map(|(m, partitions)| (m, MemberAssignment { partitions, user_data: None, version: 0 }))
            .collect())
    }
}

/// Checks a leader's assignment: every member id is in the group, every partition exists and
/// has at most one owner and, under the cooperative protocol, no member is given a partition
/// another member still owns (it must be revoked first; Java's `validateCooperativeAssignment`).
pub fn validate_assignment(
    assignment: &GroupAssignment,
    members: &[MemberSubscription],
    partitions_per_topic: &BTreeMap<String, i32>,
    protocol: RebalanceProtocol,
) -> Result<(), String> {
    let ids: BTreeSet<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
    let mut owner: BTreeMap<(&str, i32), &str> = BTreeMap::new();
    for (member, a) in assignment {
        if !ids.contains(member.as_str()) {
            return Err(format!("the assignment names {member:?}, which is not a member of the group"));
        }
        for (topic, parts) in &a.partitions {
            let count = partitions_per_topic.get(topic).copied().unwrap_or(-1);
            for &p in parts {
                if !(0..count).contains(&p) {
                    return Err(format!(
                        "the assignment gives {member:?} partition {topic}-{p}, which does not exist"
                    ));
                }
                if let Some(other) = owner.insert((topic.as_str(), p), member.as_str()) {
                    if other != member {
                        return Err(format!(
                            "partition {topic}-{p} is assigned to both {other:?} and {member:?}"
                        ));
                    }
                }
            }
        }
    }
    if protocol == RebalanceProtocol::Cooperative {
        let mut claimed: BTreeMap<(&str, i32), &str> = BTreeMap::new();
        for m in members {
            for (topic, parts) in &m.owned_partitions {
                for &p in parts {
                    claimed.insert((topic.as_str(), p), m.member_id.as_str());
                }
            }
        }
        for ((topic, p), member) in &owner {
            if let Some(current) = claimed.get(&(*topic, *p)).filter(|c| *c != member) {
                return Err(format!(
                    "the cooperative assignment gives partition {topic}-{p} to {member:?} while {current:?} \
                     still owns it (it must be revoked in an earlier rebalance)"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{assignor_by_name, test_support::topics};
    use super::*;

    fn one(member: &str, topic: &str, parts: &[i32]) -> (String, MemberAssignment) {
        let partitions = BTreeMap::from([(topic.to_owned(), parts.to_vec())]);
        (member.to_owned(), MemberAssignment { partitions, ..Default::default() })
    }

    #[test]
    fn builtin_subscriptions() {
        let owned = BTreeMap::from([("t".to_owned(), vec![1])]);
        let range = Builtin(assignor_by_name("range").expect("range"));
        let s = range.subscription(&["t".into()], &owned, 4).expect("subscription");
        assert_eq!((s.version, s.owned_partitions.len(), s.user_data), (0, 0, None));
        let coop = Builtin(assignor_by_name("cooperative-sticky").expect("cooperative-sticky"));
        let s = coop.subscription(&["t".into()], &owned, 4).expect("subscription");
        assert_eq!((s.version, s.generation), (3, 4));
        assert_eq!(s.owned_partitions, vec![("t".to_owned(), vec![1])]);
        assert_eq!(coop.supported_protocols(), vec![RebalanceProtocol::Cooperative]);
    }

    #[test]
    fn validation() {
        let t = topics(&[("t", 2)]);
        let members = [
            MemberSubscription::new("a", ["t"]).with_owned_partitions(vec![("t".into(), vec![0])]),
            MemberSubscription::new("b", ["t"]),
        ];
        let eager = RebalanceProtocol::Eager;
        let ok: GroupAssignment = [one("a", "t", &[0]), one("b", "t", &[1])].into();
        assert!(validate_assignment(&ok, &members, &t, RebalanceProtocol::Cooperative).is_ok());
        let stranger: GroupAssignment = [one("x", "t", &[0])].into();
        assert!(validate_assignment(&stranger, &members, &t, eager).unwrap_err().contains("not a member"));
        let missing: GroupAssignment = [one("a", "t", &[2])].into();
        assert!(validate_assignment(&missing, &members, &t, eager).unwrap_err().contains("does not exist"));
        let unknown: GroupAssignment = [one("a", "u", &[0])].into();
        assert!(validate_assignment(&unknown, &members, &t, eager).is_err());
        let twice: GroupAssignment = [one("a", "t", &[1]), one("b", "t", &[1])].into();
        assert!(validate_assignment(&twice, &members, &t, eager).unwrap_err().contains("both"));
        let transfer: GroupAssignment = [one("b", "t", &[0])].into();
        assert!(validate_assignment(&transfer, &members, &t, eager).is_ok());
        assert!(validate_assignment(&transfer, &members, &t, RebalanceProtocol::Cooperative)
            .unwrap_err()
            .contains("still owns"));
    }
}
