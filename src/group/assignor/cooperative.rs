//! The "cooperative-sticky" assignor (KIP-429; Java `CooperativeStickyAssignor`, kafka-python 3
//! `CooperativeStickyAssignor`).
//!
//! The target assignment is the [sticky](super::sticky) one, computed from what each member says
//! it owns: the `owned_partitions` of its subscription (v1+), in the generation it reports (the
//! subscription's `generation_id`, v2+, else the 4-byte user data Java's assignor sends, else the
//! generation inside sticky user data as librdkafka sends it, else -1).
//!
//! Members keep their partitions while the group rebalances, so a partition may only be handed
//! to a member once nobody else claims it: a partition whose target owner is not one of its
//! claimants is left out of this round. Its current owner sees it missing, revokes it and
//! rejoins; in the next round nobody claims it and it lands on its target owner. A partition
//! that stays with its owner is never withheld, so it is never revoked.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

use super::sticky::{StickyAssignorUserData, DEFAULT_GENERATION};
use super::{tidy, Assignment, MemberSubscription, PartitionAssignor, RebalanceProtocol, StickyAssignor};

pub(crate) const NAME: &str = "cooperative-sticky";

/// The "cooperative-sticky" assignor; see the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct CooperativeStickyAssignor;

/// The generation a member's claims belong to (see the module docs for the sources).
fn member_generation(m: &MemberSubscription) -> i32 {
    if let Some(g) = m.generation.filter(|&g| g >= 0) {
        return g;
    }
    match m.user_data.as_deref() {
        Some(&[a, b, c, d]) => i32::from_be_bytes([a, b, c, d]),
        Some(data) if !data.is_empty() => {
            StickyAssignorUserData::decode(data).ok().and_then(|d| d.generation).unwrap_or(DEFAULT_GENERATION)
        }
        _ => DEFAULT_GENERATION,
    }
}

impl PartitionAssignor for CooperativeStickyAssignor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn supported_protocols(&self) -> Vec<RebalanceProtocol> {
        vec![RebalanceProtocol::Cooperative]
    }

    fn assign(
        &self,
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &[MemberSubscription],
    ) -> Assignment {
        // The sticky target, from the owned partitions as claims in the reported generation.
        let as_sticky: Vec<MemberSubscription> = members
            .iter()
            .map(|m| {
                let data = StickyAssignorUserData {
                    previous_assignment: m.owned_partitions.clone(),
                    generation: Some(member_generation(m)),
                };
                MemberSubscription { user_data: Some(data.encode()), ..m.clone() }
            })
            .collect();
        let mut target = StickyAssignor.assign(partitions_per_topic, &as_sticky);

        let mut claimants: BTreeMap<(&str, i32), BTreeSet<&str>> = BTreeMap::new();
        for m in members {
            for (topic, parts) in &m.owned_partitions {
                for &p in parts {
                    claimants.entry((topic.as_str(), p)).or_default().insert(m.member_id.as_str());
                }
            }
        }
        for (member, topics) in &mut target {
            for (topic, parts) in topics.iter_mut() {
                parts.retain(|&p| {
                    claimants.get(&(topic.as_str(), p)).is_none_or(|owners| owners.contains(member.as_str()))
                });
            }
        }
        tidy(&mut target);
        target
    }

    /// Java's cooperative user data: the generation as one int32, none before the first
    /// assignment. The owned partitions travel in the subscription itself.
    fn subscription_user_data(
        &self,
        _current: &BTreeMap<String, Vec<i32>>,
        generation: i32,
    ) -> Option<Bytes> {
        (generation != DEFAULT_GENERATION).then(|| Bytes::copy_from_slice(&generation.to_be_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn owning(m: MemberSubscription, a: &Assignment, generation: i32) -> MemberSubscription {
        let owned: Vec<(String, Vec<i32>)> = a
            .get(&m.member_id)
            .map(|ts| ts.iter().map(|(t, ps)| (t.clone(), ps.clone())).collect())
            .unwrap_or_default();
        let mut m = m.with_owned_partitions(owned);
        m.generation = Some(generation);
        m
    }

    #[test]
    fn fresh_group_is_the_sticky_assignment() {
        let t = topics(&[("t", 6)]);
        let members = [MemberSubscription::new("a", ["t"]), MemberSubscription::new("b", ["t"])];
        assert_eq!(CooperativeStickyAssignor.assign(&t, &members), StickyAssignor.assign(&t, &members));
    }

    #[test]
    fn a_joining_member_gets_moved_partitions_only_in_the_second_round() {
        let t = topics(&[("t", 6)]);
        let gen1 = CooperativeStickyAssignor
            .assign(&t, &[MemberSubscription::new("a", ["t"]), MemberSubscription::new("b", ["t"])]);
        // c joins: round 1 takes partitions away from a and b but gives c nothing yet.
        let round1 = CooperativeStickyAssignor.assign(
            &t,
            &[
                owning(MemberSubscription::new("a", ["t"]), &gen1, 1),
                owning(MemberSubscription::new("b", ["t"]), &gen1, 1),
                MemberSubscription::new("c", ["t"]),
            ],
        );
        let c = counts(&round1);
        assert_eq!((c["a"], c["b"], c["c"]), (2, 2, 0));
        for m in ["a", "b"] {
            for (topic, ps) in &round1[m] {
                for p in ps {
                    assert!(gen1[m][topic].contains(p), "{m} got a partition it did not own");
                }
            }
        }
        // Round 2: a and b report what they kept; c gets the two freed partitions.
        let round2 = CooperativeStickyAssignor.assign(
            &t,
            &[
                owning(MemberSubscription::new("a", ["t"]), &round1, 2),
                owning(MemberSubscription::new("b", ["t"]), &round1, 2),
                owning(MemberSubscription::new("c", ["t"]), &round1, 2),
            ],
        );
        assert_eq!(counts(&round2).values().copied().collect::<Vec<_>>(), vec![2, 2, 2]);
        assert_eq!(round2["a"], round1["a"]);
        assert_eq!(round2["b"], round1["b"]);
    }

    #[test]
    fn stale_claims_lose_to_newer_generations() {
        let t = topics(&[("t", 2)]);
        let mut a = MemberSubscription::new("a", ["t"]).with_owned_partitions(vec![("t".into(), vec![0, 1])]);
        a.generation = Some(3);
        let mut b = MemberSubscription::new("b", ["t"]).with_owned_partitions(vec![("t".into(), vec![1])]);
        b.generation = Some(5);
        let r = CooperativeStickyAssignor.assign(&t, &[a, b]);
        // b keeps t-1 (newest claim); a keeps t-0.
        assert_eq!(r["a"]["t"], vec![0]);
        assert_eq!(r["b"]["t"], vec![1]);
    }

    #[test]
    fn generation_sources() {
        let mut m = MemberSubscription::new("m", ["t"]);
        assert_eq!(member_generation(&m), DEFAULT_GENERATION);
        m.user_data = Some(Bytes::from_static(&[0, 0, 0, 7]));
        assert_eq!(member_generation(&m), 7);
        m.user_data =
            Some(StickyAssignorUserData { previous_assignment: vec![], generation: Some(9) }.encode());
        assert_eq!(member_generation(&m), 9);
        m.generation = Some(11);
        assert_eq!(member_generation(&m), 11);
        assert_eq!(CooperativeStickyAssignor.subscription_user_data(&BTreeMap::new(), -1), None);
        assert_eq!(
            CooperativeStickyAssignor.subscription_user_data(&BTreeMap::new(), 4).as_deref(),
            Some(&[0, 0, 0, 4][..])
        );
    }
}
