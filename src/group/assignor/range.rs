//! The "range" assignor (Java `RangeAssignor`, kafka-python `RangePartitionAssignor`).
//!
//! Works topic by topic: the topic's partitions in numeric order are cut into contiguous ranges,
//! one per subscribed member, with members in Java's `MemberInfo` order (static members first by
//! group instance id, then dynamic members by member id). With `n` partitions and `m` members each
//! member gets `n / m` partitions and the first `n % m` members one more.
//!
//! Example: members C0 and C1, topics t0 and t1 with 3 partitions each:
//! C0 gets t0p0, t0p1, t1p0, t1p1 and C1 gets t0p2, t1p2.
//!
//! Rack-aware placement (KIP-881) is not implemented: members here carry no rack.

use std::collections::BTreeMap;

use super::{
    empty_assignment, java_member_order, normalize, partition_count, tidy, Assignment, MemberSubscription,
    PartitionAssignor,
};

pub(crate) const NAME: &str = "range";

/// The "range" assignor; see the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct RangeAssignor;

impl PartitionAssignor for RangeAssignor {
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

        // topic -> subscribed members as (member id, group instance id)
        let mut per_topic: BTreeMap<&str, Vec<(&str, Option<&str>)>> = BTreeMap::new();
        for (&id, m) in &members {
            for topic in &m.topics {
                per_topic.entry(topic.as_str()).or_default().push((id, m.group_instance_id.as_deref()));
            }
        }

        for (topic, mut consumers) in per_topic {
            let Some(n) = partition_count(partitions_per_topic, topic) else {
                log::warn!("no partition metadata for topic {topic}");
                continue;
            };
            consumers.sort_by(|a, b| java_member_order(a.0, a.1, b.0, b.1));
            let m = consumers.len() as i32; // at least one: the topic came from a subscription
            let (per_consumer, with_extra) = (n / m, n % m);
            let mut start = 0;
            for (i, (id, _)) in consumers.into_iter().enumerate() {
                let len = per_consumer + i32::from((i as i32) < with_extra);
                if len > 0 {
                    if let Some(topics) = assignment.get_mut(id) {
                        topics.insert(topic.to_owned(), (start..start + len).collect());
                    }
                }
                start += len;
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
    fn java_doc_example() {
        let topics = topics(&[("t0", 3), ("t1", 3)]);
        let members =
            [MemberSubscription::new("C0", ["t0", "t1"]), MemberSubscription::new("C1", ["t0", "t1"])];
        let a = RangeAssignor.assign(&topics, &members);
        assert_eq!(
            a,
            expect(&[("C0", &[("t0", &[0, 1]), ("t1", &[0, 1])]), ("C1", &[("t0", &[2]), ("t1", &[2])])])
        );
    }

    #[test]
    fn uneven_three_members() {
        // 7 partitions over 3 members: 3, 2, 2.
        let topics = topics(&[("t", 7)]);
        let members = [
            MemberSubscription::new("c", ["t"]),
            MemberSubscription::new("a", ["t"]),
            MemberSubscription::new("b", ["t"]),
        ];
        let a = RangeAssignor.assign(&topics, &members);
        assert_eq!(
            a,
            expect(&[("a", &[("t", &[0, 1, 2])]), ("b", &[("t", &[3, 4])]), ("c", &[("t", &[5, 6])])])
        );
    }

    #[test]
    fn more_members_than_partitions_and_partial_subscriptions() {
        let topics = topics(&[("t0", 2), ("t1", 1)]);
        let members = [
            MemberSubscription::new("m1", ["t0"]),
            MemberSubscription::new("m2", ["t0", "t1"]),
            MemberSubscription::new("m3", ["t0", "t1", "missing"]),
        ];
        let a = RangeAssignor.assign(&topics, &members);
        assert_eq!(a, expect(&[("m1", &[("t0", &[0])]), ("m2", &[("t0", &[1]), ("t1", &[0])]), ("m3", &[])]));
    }

    #[test]
    fn static_members_sort_first_by_instance_id() {
        let topics = topics(&[("t", 3)]);
        let members = [
            MemberSubscription::new("a-dynamic", ["t"]),
            MemberSubscription::new("z", ["t"]).with_group_instance_id("i1"),
            MemberSubscription::new("y", ["t"]).with_group_instance_id("i2"),
        ];
        let a = RangeAssignor.assign(&topics, &members);
        assert_eq!(a, expect(&[("z", &[("t", &[0])]), ("y", &[("t", &[1])]), ("a-dynamic", &[("t", &[2])])]));
    }

    #[test]
    fn no_members_and_no_topics() {
        assert!(RangeAssignor.assign(&topics(&[("t", 3)]), &[]).is_empty());
        let a = RangeAssignor.assign(&BTreeMap::new(), &[MemberSubscription::new("m", ["t"])]);
        assert_eq!(a, expect(&[("m", &[])]));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn prop_valid_and_order_independent(case in arb_case(), seed in any::<u64>()) {
            let (topics, members) = case;
            let a = RangeAssignor.assign(&topics, &members);
            check_valid(&topics, &members, &a)?;
            prop_assert_eq!(&a, &RangeAssignor.assign(&topics, &shuffled(&members, seed)));
        }

        #[test]
        fn prop_balanced_per_topic(case in arb_uniform_case()) {
            let (topics, members) = case;
            let a = RangeAssignor.assign(&topics, &members);
            check_valid(&topics, &members, &a)?;
            for topic in topics.keys() {
                let counts: Vec<usize> =
                    a.values().map(|t| t.get(topic).map_or(0, Vec::len)).collect();
                let (min, max) = (counts.iter().min(), counts.iter().max());
                prop_assert!(max.zip(min).is_none_or(|(max, min)| max - min <= 1));
                // ranges are contiguous
                for parts in a.values().filter_map(|t| t.get(topic)) {
                    prop_assert!(parts.windows(2).all(|w| w[1] == w[0] + 1));
                }
            }
        }
    }
}
