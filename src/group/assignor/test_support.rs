//! Helpers shared by the assignor tests.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::{Assignment, MemberSubscription};

pub(crate) fn topics(list: &[(&str, i32)]) -> BTreeMap<String, i32> {
    list.iter().map(|&(t, n)| (t.to_owned(), n)).collect()
}

pub(crate) type Expected<'a> = &'a [(&'a str, &'a [(&'a str, &'a [i32])])];

pub(crate) fn expect(list: Expected<'_>) -> Assignment {
    list.iter()
        .map(|&(m, ts)| (m.to_owned(), ts.iter().map(|&(t, ps)| (t.to_owned(), ps.to_vec())).collect()))
        .collect()
}

/// Partition count per member.
pub(crate) fn counts(a: &Assignment) -> BTreeMap<String, usize> {
    a.iter().map(|(m, ts)| (m.clone(), ts.values().map(Vec::len).sum())).collect()
}

/// (topic, partition) -> owner.
pub(crate) fn owners(a: &Assignment) -> BTreeMap<(String, i32), String> {
    let mut out = BTreeMap::new();
    for (m, ts) in a {
        for (t, ps) in ts {
            for &p in ps {
                out.insert((t.clone(), p), m.clone());
            }
        }
    }
    out
}

pub(crate) fn shuffled(members: &[MemberSubscription], seed: u64) -> Vec<MemberSubscription> {
    let mut v = members.to_vec();
    fastrand::Rng::with_seed(seed).shuffle(&mut v);
    v
}

/// The invariants every assignor must keep.
pub(crate) fn check_valid(
    topics: &BTreeMap<String, i32>,
    members: &[MemberSubscription],
    a: &Assignment,
) -> Result<(), TestCaseError> {
    let ids: BTreeSet<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
    let keys: BTreeSet<&str> = a.keys().map(String::as_str).collect();
    prop_assert_eq!(ids, keys, "every member appears, and only members");

    let mut seen = BTreeSet::new();
    for (m, ts) in a {
        let sub = members.iter().find(|s| &s.member_id == m).map(|s| &s.topics);
        for (t, ps) in ts {
            prop_assert!(!ps.is_empty(), "no empty topic entries");
            prop_assert!(ps.windows(2).all(|w| w[0] < w[1]), "sorted partitions");
            prop_assert!(sub.is_some_and(|s| s.contains(t)), "{m} got {t} without subscribing");
            let n = topics.get(t).copied().unwrap_or(0);
            for &p in ps {
                prop_assert!((0..n).contains(&p), "{t}-{p} does not exist");
                prop_assert!(seen.insert((t.clone(), p)), "{t}-{p} assigned twice");
            }
        }
    }
    let subscribed: BTreeSet<&String> = members.iter().flat_map(|m| &m.topics).collect();
    for (t, &n) in topics {
        if subscribed.contains(t) {
            for p in 0..n {
                prop_assert!(seen.contains(&(t.clone(), p)), "{t}-{p} not assigned");
            }
        }
    }
    Ok(())
}

/// Topic names t0..t4 with 0..=8 partitions; some are left out of the metadata.
fn arb_topics() -> impl Strategy<Value = BTreeMap<String, i32>> {
    proptest::collection::vec(proptest::option::weighted(0.85, 0..=8i32), 5).prop_map(|v| {
        v.into_iter().enumerate().filter_map(|(i, n)| n.map(|n| (format!("t{i}"), n))).collect()
    })
}

fn arb_member(i: usize) -> impl Strategy<Value = MemberSubscription> {
    (proptest::collection::btree_set(0..6usize, 0..=4), proptest::option::of(0..4u8), "[a-c]{0,2}").prop_map(
        move |(ts, instance, salt)| {
            // t5 never has metadata
            let mut m =
                MemberSubscription::new(format!("{salt}m{i}"), ts.into_iter().map(|t| format!("t{t}")));
            if let Some(k) = instance {
                m = m.with_group_instance_id(format!("i{k}-{i}"));
            }
            m
        },
    )
}

fn arb_members(max: usize) -> impl Strategy<Value = Vec<MemberSubscription>> {
    (0..=max).prop_flat_map(|n| (0..n).map(arb_member).collect::<Vec<_>>())
}

/// Arbitrary topics and members with arbitrary subscriptions.
pub(crate) fn arb_case() -> impl Strategy<Value = (BTreeMap<String, i32>, Vec<MemberSubscription>)> {
    (arb_topics(), arb_members(7))
}

/// Every member subscribes to the same topics.
pub(crate) fn arb_uniform_case() -> impl Strategy<Value = (BTreeMap<String, i32>, Vec<MemberSubscription>)> {
    (arb_topics(), arb_members(7), proptest::collection::btree_set(0..6usize, 1..=4)).prop_map(
        |(topics, mut members, ts)| {
            for m in &mut members {
                m.topics = ts.iter().map(|t| format!("t{t}")).collect();
            }
            (topics, members)
        },
    )
}
