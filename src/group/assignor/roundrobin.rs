//! The "roundrobin" assignor (Java `RoundRobinAssignor`, kafka-python
//! `RoundRobinPartitionAssignor`).
//!
//! All partitions of all subscribed topics, sorted by (topic, partition), are dealt one at a time
//! to the members in a circle, in Java's `MemberInfo` order (static members first by group
//! instance id, then dynamic members by member id). A member that does not subscribe to the
//! partition's topic is skipped, and the circle resumes after whoever got the partition.
//!
//! Example: members C0 and C1 both subscribed to t0 and t1 with 3 partitions each:
//! C0 gets t0p0, t0p2, t1p1 and C1 gets t0p1, t1p0, t1p2.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    empty_assignment, java_member_order, normalize, partition_count, tidy, Assignment, MemberSubscription,
    PartitionAssignor,
};

pub(crate) const NAME: &str = "roundrobin";

/// The "roundrobin" assignor; see the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct RoundRobinAssignor;

impl PartitionAssignor for RoundRobinAssignor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn assign(
        &self,
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &[MemberSubscription],
    ) -> Assignment {
        let members = normalize(members);
        let mut assignment = empty_assignment(members.keys().copied());

        let mut circle: Vec<(&str, &super::Member)> = members.iter().map(|(&id, m)| (id, m)).collect();
        circle.sort_by(|a, b| {
            java_member_order(a.0, a.1.group_instance_id.as_deref(), b.0, b.1.group_instance_id.as_deref())
        });

        let all_topics: BTreeSet<&str> =
            members.values().flat_map(|m| m.topics.iter().map(String::as_str)).collect();
        let mut next = 0usize;
        for topic in all_topics {
            let Some(n) = partition_count(partitions_per_topic, topic) else {
                log::warn!("no partition metadata for topic {topic}");
                continue;
            };
            for partition in 0..n {
                // Someone subscribes to `topic` (it came from a subscription), so this finds a
                // member within one turn of the circle.
                let found = (0..circle.len())
                    .map(|k| (next + k) % circle.len())
                    .find(|&idx| circle[idx].1.topics.contains(topic));
                let Some(idx) = found else { break };
                if let Some(topics) = assignment.get_mut(circle[idx].0) {
                    topics.entry(topic.to_owned()).or_default().push(partition);
                }
                next = (idx + 1) % circle.len();
            }
        }
        tidy(&mut assignment);
        assignment
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn two_members_two_topics() {
        let topics = topics(&[("t0", 3), ("t1", 3)]);
        let members =
            [MemberSubscription::new("C1", ["t0", "t1"]), MemberSubscription::new("C0", ["t1", "t0"])];
        let a = RoundRobinAssignor.assign(&topics, &members);
        assert_eq!(
            a,
            expect(&[("C0", &[("t0", &[0, 2]), ("t1", &[1])]), ("C1", &[("t0", &[1]), ("t1", &[0, 2])])])
        );
    }

    #[test]
    fn java_doc_uneven_subscriptions() {
        // From the Java docs: C0 subscribes t0; C1 t0, t1; C2 t0, t1, t2; t0, t1, t2 have 1, 2, 3
        // partitions. Result: C0 [t0p0], C1 [t1p0], C2 [t1p1, t2p0, t2p1, t2p2].
        let topics = topics(&[("t0", 1), ("t1", 2), ("t2", 3)]);
        let members = [
            MemberSubscription::new("C0", ["t0"]),
            MemberSubscription::new("C1", ["t0", "t1"]),
            MemberSubscription::new("C2", ["t0", "t1", "t2"]),
        ];
        let a = RoundRobinAssignor.assign(&topics, &members);
        assert_eq!(
            a,
            expect(&[
                ("C0", &[("t0", &[0])]),
                ("C1", &[("t1", &[0])]),
                ("C2", &[("t1", &[1]), ("t2", &[0, 1, 2])]),
            ])
        );
    }

    #[test]
    fn three_members_eight_partitions() {
        // Java docs example 1 of the sticky assignor: t0..t3 with 2 partitions, three members.
        let topics = topics(&[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)]);
        let all = ["t0", "t1", "t2", "t3"];
        let members = [
            MemberSubscription::new("C0", all),
            MemberSubscription::new("C1", all),
            MemberSubscription::new("C2", all),
        ];
        let a = RoundRobinAssignor.assign(&topics, &members);
        assert_eq!(
            a,
            expect(&[
                ("C0", &[("t0", &[0]), ("t1", &[1]), ("t3", &[0])]),
                ("C1", &[("t0", &[1]), ("t2", &[0]), ("t3", &[1])]),
                ("C2", &[("t1", &[0]), ("t2", &[1])]),
            ])
        );
    }

    #[test]
    fn static_members_lead_the_circle() {
        let topics = topics(&[("t", 3)]);
        let members = [
            MemberSubscription::new("a", ["t"]),
            MemberSubscription::new("b", ["t"]).with_group_instance_id("x"),
        ];
        let a = RoundRobinAssignor.assign(&topics, &members);
        assert_eq!(a, expect(&[("b", &[("t", &[0, 2])]), ("a", &[("t", &[1])])]));
    }

    #[test]
    fn unsubscribed_and_unknown_topics() {
        let topics = topics(&[("t0", 2), ("other", 4)]);
        let members = [
            MemberSubscription::new("m", ["t0", "nometa"]),
            MemberSubscription::new("n", Vec::<String>::new()),
        ];
        let a = RoundRobinAssignor.assign(&topics, &members);
        assert_eq!(a, expect(&[("m", &[("t0", &[0, 1])]), ("n", &[])]));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn prop_valid_and_order_independent(case in arb_case(), seed in any::<u64>()) {
            let (topics, members) = case;
            let a = RoundRobinAssignor.assign(&topics, &members);
            check_valid(&topics, &members, &a)?;
            prop_assert_eq!(&a, &RoundRobinAssignor.assign(&topics, &shuffled(&members, seed)));
        }

        #[test]
        fn prop_balanced_when_uniform(case in arb_uniform_case()) {
            let (topics, members) = case;
            let a = RoundRobinAssignor.assign(&topics, &members);
            check_valid(&topics, &members, &a)?;
            let c = counts(&a);
            let (min, max) = (c.values().min(), c.values().max());
            prop_assert!(max.zip(min).is_none_or(|(max, min)| max - min <= 1));
        }
    }
}
