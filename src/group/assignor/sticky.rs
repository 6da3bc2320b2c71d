//! The "sticky" assignor (KIP-54; Java `StickyAssignor`, kafka-python `StickyPartitionAssignor`).
//!
//! Goals, the first taking precedence:
//! 1. **balance**: partition counts of members differ by at most one, or else no member with two
//!    or more fewer partitions than another could take one of that member's partitions (it does
//!    not subscribe to their topics);
//! 2. **stickiness**: as many partitions as possible stay with their previous owner.
//!
//! # Previous ownership
//! Each member reports what it owned in its subscription user data, the `StickyAssignorUserData`
//! struct ([`StickyAssignorUserData`]), together with the generation in which it got it. The
//! leader resolves conflicting claims as Java's `AbstractStickyAssignor` does: the claim with the
//! highest generation wins; two claims in the same (highest) generation cancel each other and
//! the partition is assigned afresh. A claim is dropped when the partition no longer exists or
//! its owner no longer subscribes to the topic. A member with no (or undecodable) user data falls
//! back to its `owned_partitions` with generation -1 (for an eager member they are empty anyway).
//!
//! # Algorithm (deterministic, independent of member order)
//! 1. every member keeps its valid claims;
//! 2. the remaining partitions, those with the fewest potential owners first (then by topic and
//!    partition), each go to the eligible member with the fewest partitions (ties: smallest
//!    member id); on a fresh group this deals partitions like the round-robin assignor;
//! 3. while some member holds a partition that a member with at least two fewer partitions
//!    could take, the most loaded such member gives one to the least loaded eligible member,
//!    preferring partitions it did not already own in the previous generation. Every move
//!    lowers the sum of squared counts, so this ends, and it ends balanced in the sense above.
//!
//! The results match the examples of the Java documentation: a member leaving only moves its
//! own partitions, and a member joining only takes partitions from the most loaded members.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use bytes::{BufMut, Bytes, BytesMut};

use super::{
    empty_assignment, normalize, partition_count, Assignment, Member, MemberSubscription, PartitionAssignor,
};

pub(crate) const NAME: &str = "sticky";

/// The generation of a member that has never been assigned anything.
pub const DEFAULT_GENERATION: i32 = -1;

/// The "sticky" assignor; see the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct StickyAssignor;

/// Why sticky user data could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserDataError {
    /// The bytes ended inside a field.
    #[error("sticky assignor user data is truncated")]
    Truncated,
    /// A string or array length was negative (these fields are not nullable).
    #[error("sticky assignor user data has a negative length {0}")]
    NegativeLength(i32),
    /// A topic name was not UTF-8.
    #[error("sticky assignor user data has a topic name that is not UTF-8")]
    InvalidUtf8,
}

/// The sticky assignor's subscription user data (Java `StickyAssignor` schema, kafka-python
/// `StickyAssignorUserData.json`; non-flexible, big-endian):
///
/// ```text
/// v0: previous_assignment: [ topic: string(int16 length), partitions: [int32] (int32 count) ] (int32 count)
/// v1: v0 followed by generation: int32
/// ```
///
/// Members always send v1. [`decode`](Self::decode) tries v1 then v0, as Java does (so trailing
/// bytes after the fields are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StickyAssignorUserData {
    /// The partitions owned, per topic, in wire order.
    pub previous_assignment: Vec<(String, Vec<i32>)>,
    /// The generation of that assignment; `None` for v0 data.
    pub generation: Option<i32>,
}

impl StickyAssignorUserData {
    /// Encodes v1 if `generation` is set, else v0. A topic name longer than `i16::MAX` bytes
    /// (which Kafka never allows) is cut at a character boundary rather than panicking.
    pub fn encode(&self) -> Bytes {
        let mut buf = BytesMut::new();
        buf.put_i32(len_i32(self.previous_assignment.len()));
        for (topic, partitions) in &self.previous_assignment {
            let name = truncate_utf8(topic, i16::MAX as usize);
            buf.put_i16(i16::try_from(name.len()).unwrap_or(i16::MAX));
            buf.put_slice(name.as_bytes());
            buf.put_i32(len_i32(partitions.len()));
            for &p in partitions {
                buf.put_i32(p);
            }
        }
        if let Some(generation) = self.generation {
            buf.put_i32(generation);
        }
        buf.freeze()
    }

    /// Decodes v1, or v0 if that fails. Never panics on bad input.
    pub fn decode(data: &[u8]) -> Result<Self, UserDataError> {
        let mut v1 = Reader(data);
        let v1_result = v1.assignment().and_then(|a| Ok((a, v1.i32()?)));
        match v1_result {
            Ok((previous_assignment, generation)) => {
                Ok(Self { previous_assignment, generation: Some(generation) })
            }
            Err(_) => Ok(Self { previous_assignment: Reader(data).assignment()?, generation: None }),
        }
    }
}

fn len_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn truncate_utf8(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A bounds-checked big-endian reader.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], UserDataError> {
        let (head, rest) = self.0.split_first_chunk::<N>().ok_or(UserDataError::Truncated)?;
        self.0 = rest;
        Ok(*head)
    }

    fn i32(&mut self) -> Result<i32, UserDataError> {
        self.take::<4>().map(i32::from_be_bytes)
    }

    /// A non-nullable array length, checked against the bytes left (`min_size` per element).
    fn len(&mut self, min_size: usize) -> Result<usize, UserDataError> {
        let n = self.i32()?;
        let n = usize::try_from(n).map_err(|_| UserDataError::NegativeLength(n))?;
        if n.saturating_mul(min_size) > self.0.len() {
            return Err(UserDataError::Truncated);
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, UserDataError> {
        let n = i16::from_be_bytes(self.take::<2>()?);
        let n = usize::try_from(n).map_err(|_| UserDataError::NegativeLength(i32::from(n)))?;
        if n > self.0.len() {
            return Err(UserDataError::Truncated);
        }
        let (s, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8(s.to_vec()).map_err(|_| UserDataError::InvalidUtf8)
    }

    fn assignment(&mut self) -> Result<Vec<(String, Vec<i32>)>, UserDataError> {
        let topics = self.len(6)?;
        let mut out = Vec::with_capacity(topics);
        for _ in 0..topics {
            let topic = self.string()?;
            let count = self.len(4)?;
            let partitions = (0..count).map(|_| self.i32()).collect::<Result<Vec<_>, _>>()?;
            out.push((topic, partitions));
        }
        Ok(out)
    }
}

/// What a member claims to own, and in which generation.
fn member_claims(member_id: &str, m: &Member) -> (BTreeSet<(String, i32)>, i32) {
    let flatten = |list: &[(String, Vec<i32>)]| -> BTreeSet<(String, i32)> {
        list.iter().flat_map(|(t, ps)| ps.iter().map(move |&p| (t.clone(), p))).collect()
    };
    if let Some(data) = m.user_data.as_ref().filter(|d| !d.is_empty()) {
        match StickyAssignorUserData::decode(data) {
            Ok(d) => {
                return (flatten(&d.previous_assignment), d.generation.unwrap_or(DEFAULT_GENERATION));
            }
            Err(e) => log::warn!("ignoring the sticky user data of member {member_id}: {e}"),
        }
    }
    (flatten(&m.owned_partitions), DEFAULT_GENERATION)
}

/// A partition: (index into the sorted topic list, partition).
type Tp = (usize, i32);

struct State {
    /// member index -> topic index -> partitions held
    held: Vec<BTreeMap<usize, BTreeSet<i32>>>,
    count: Vec<usize>,
    /// member index -> partitions kept from the previous assignment
    kept: Vec<BTreeSet<Tp>>,
    /// topic index -> subscribed member indexes, ascending
    subscribers: Vec<Vec<usize>>,
}

impl State {
    fn add(&mut self, member: usize, (t, p): Tp) {
        if self.held[member].entry(t).or_default().insert(p) {
            self.count[member] += 1;
        }
    }

    fn remove(&mut self, member: usize, (t, p): Tp) {
        if let Some(ps) = self.held[member].get_mut(&t) {
            if ps.remove(&p) {
                self.count[member] -= 1;
            }
            if ps.is_empty() {
                self.held[member].remove(&t);
            }
        }
    }

    /// The eligible member with the fewest partitions (ties: lowest index).
    fn least_loaded(&self, candidates: impl IntoIterator<Item = usize>) -> Option<usize> {
        candidates.into_iter().min_by_key(|&m| (self.count[m], m))
    }

    /// One balancing move, if any member could give a partition to one with 2+ fewer.
    fn balance_step(&mut self) -> bool {
        let mut donors: Vec<usize> = (0..self.count.len()).filter(|&m| self.count[m] >= 2).collect();
        donors.sort_by_key(|&m| (Reverse(self.count[m]), m));
        for donor in donors {
            let may_take =
                |m: usize| self.held[donor].keys().any(|&t| self.subscribers[t].binary_search(&m).is_ok());
            // Fast path: the least loaded member of all, if it can take any of the donor's topics.
            let receiver = match self.least_loaded((0..self.count.len()).filter(|&m| m != donor)) {
                Some(m) if may_take(m) => Some(m),
                _ => self.least_loaded(
                    self.held[donor]
                        .keys()
                        .flat_map(|&t| self.subscribers[t].iter().copied())
                        .filter(|&m| m != donor),
                ),
            };
            let Some(receiver) = receiver else { continue };
            if self.count[donor] <= self.count[receiver] + 1 {
                continue;
            }
            // What the receiver may take, preferring what the donor did not own before; among
            // equals the last in (topic, partition) order.
            let mut choice: Option<(bool, Tp)> = None;
            for (&t, ps) in &self.held[donor] {
                if self.subscribers[t].binary_search(&receiver).is_err() {
                    continue;
                }
                for &p in ps {
                    let key = (!self.kept[donor].contains(&(t, p)), (t, p));
                    if choice.is_none_or(|c| key > c) {
                        choice = Some(key);
                    }
                }
            }
            if let Some((_, tp)) = choice {
                self.remove(donor, tp);
                self.add(receiver, tp);
                return true;
            }
        }
        false
    }
}

impl PartitionAssignor for StickyAssignor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn assign(
        &self,
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &[MemberSubscription],
    ) -> Assignment {
        let members = normalize(members);
        let ids: Vec<&str> = members.keys().copied().collect();
        let mut assignment = empty_assignment(ids.iter().copied());

        // Topics someone subscribes to and that have metadata.
        let topics: Vec<(&str, i32)> = members
            .values()
            .flat_map(|m| m.topics.iter().map(String::as_str))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter_map(|t| match partition_count(partitions_per_topic, t) {
                Some(n) => Some((t, n)),
                None => {
                    log::warn!("no partition metadata for topic {t}");
                    None
                }
            })
            .collect();
        let topic_index = |name: &str| topics.binary_search_by(|(t, _)| (*t).cmp(name)).ok();

        let mut state = State {
            held: vec![BTreeMap::new(); ids.len()],
            count: vec![0; ids.len()],
            kept: vec![BTreeSet::new(); ids.len()],
            subscribers: topics
                .iter()
                .map(|(t, _)| (0..ids.len()).filter(|&i| members[ids[i]].topics.contains(*t)).collect())
                .collect(),
        };

        // Previous owners: the highest generation wins; a tie at the top cancels the claims.
        let mut claims: BTreeMap<Tp, Vec<(i32, usize)>> = BTreeMap::new();
        for (i, (&id, m)) in members.iter().enumerate() {
            let (owned, generation) = member_claims(id, m);
            for (topic, p) in owned {
                // Claims on topics nobody subscribes to, or that do not exist, are dropped here.
                if let Some(t) = topic_index(&topic).filter(|&t| (0..topics[t].1).contains(&p)) {
                    claims.entry((t, p)).or_default().push((generation, i));
                }
            }
        }
        for (tp, mut claimants) in claims {
            claimants.sort_unstable_by_key(|&(generation, i)| (Reverse(generation), i));
            if let [(top, owner), rest @ ..] = claimants.as_slice() {
                if rest.first().is_some_and(|(g, _)| g == top) {
                    log::warn!(
                        "partition {}-{} is claimed by several members in generation {top}; reassigning it",
                        topics[tp.0].0,
                        tp.1
                    );
                } else if state.subscribers[tp.0].binary_search(owner).is_ok() {
                    state.add(*owner, tp);
                    state.kept[*owner].insert(tp);
                }
            }
        }

        // Everything else goes to the least loaded eligible member, scarce partitions first.
        let kept: BTreeSet<Tp> = state.kept.iter().flatten().copied().collect();
        let mut unassigned: Vec<Tp> = Vec::new();
        for (t, &(_, n)) in topics.iter().enumerate() {
            unassigned.extend((0..n).map(|p| (t, p)).filter(|tp| !kept.contains(tp)));
        }
        unassigned.sort_by_key(|&(t, p)| (state.subscribers[t].len(), t, p));
        for tp in unassigned {
            if let Some(m) = state.least_loaded(state.subscribers[tp.0].iter().copied()) {
                state.add(m, tp);
            }
        }

        while state.balance_step() {}

        for (i, held) in state.held.iter().enumerate() {
            if let Some(out) = assignment.get_mut(ids[i]) {
                for (&t, ps) in held {
                    out.insert(topics[t].0.to_owned(), ps.iter().copied().collect());
                }
            }
        }
        assignment
    }

    /// v1 user data with `current` and `generation`; `None` before the first assignment (nothing
    /// owned and generation -1), as Java sends no user data then.
    fn subscription_user_data(&self, current: &BTreeMap<String, Vec<i32>>, generation: i32) -> Option<Bytes> {
        if current.is_empty() && generation == DEFAULT_GENERATION {
            return None;
        }
        let data = StickyAssignorUserData {
            previous_assignment: current.iter().map(|(t, ps)| (t.clone(), ps.clone())).collect(),
            generation: Some(generation),
        };
        Some(data.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    /// `m` reporting `prev`'s share of `member` as its previous assignment in `generation`.
    fn with_prev(m: MemberSubscription, prev: &Assignment, generation: i32) -> MemberSubscription {
        let current = prev.get(&m.member_id).cloned().unwrap_or_default();
        match StickyAssignor.subscription_user_data(&current, generation) {
            Some(data) => m.with_user_data(data),
            None => m,
        }
    }

    /// No member holds a partition that a member with two or more fewer partitions could take.
    fn check_balanced(members: &[MemberSubscription], a: &Assignment) -> Result<(), TestCaseError> {
        let c = counts(a);
        for (owner_id, ts) in a {
            for t in ts.keys() {
                for other in members.iter().filter(|m| m.topics.contains(t) && &m.member_id != owner_id) {
                    prop_assert!(
                        c[owner_id] <= c[&other.member_id] + 1,
                        "{} ({}) could give {} to {} ({})",
                        owner_id,
                        c[owner_id],
                        t,
                        other.member_id,
                        c[&other.member_id]
                    );
                }
            }
        }
        Ok(())
    }

    fn check_uniform_balanced(a: &Assignment) -> Result<(), TestCaseError> {
        let c = counts(a);
        let (min, max) = (c.values().min(), c.values().max());
        prop_assert!(max.zip(min).is_none_or(|(max, min)| max - min <= 1), "unbalanced {:?}", c);
        Ok(())
    }

    const ALL4: [&str; 4] = ["t0", "t1", "t2", "t3"];

    #[test]
    fn user_data_wire_format() {
        let d = StickyAssignorUserData {
            previous_assignment: vec![("t".into(), vec![0, 1])],
            generation: Some(5),
        };
        let bytes = d.encode();
        let expected: &[u8] = &[0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5];
        assert_eq!(&bytes[..], expected);
        assert_eq!(StickyAssignorUserData::decode(&bytes), Ok(d.clone()));

        // v0: no generation
        let v0 = StickyAssignorUserData { generation: None, ..d };
        assert_eq!(&v0.encode()[..], &expected[..expected.len() - 4]);
        assert_eq!(StickyAssignorUserData::decode(&expected[..expected.len() - 4]), Ok(v0));
        // trailing bytes after v1 are ignored, as Java does
        let mut long = expected.to_vec();
        long.extend_from_slice(&[9, 9]);
        assert_eq!(StickyAssignorUserData::decode(&long).map(|d| d.generation), Ok(Some(5)));
    }

    #[test]
    fn user_data_errors() {
        assert_eq!(StickyAssignorUserData::decode(&[]), Err(UserDataError::Truncated));
        assert_eq!(StickyAssignorUserData::decode(&[0, 0, 0]), Err(UserDataError::Truncated));
        assert_eq!(
            StickyAssignorUserData::decode(&[0xff, 0xff, 0xff, 0xff]),
            Err(UserDataError::NegativeLength(-1))
        );
        // a huge count is rejected before allocating
        assert_eq!(StickyAssignorUserData::decode(&[0x7f, 0xff, 0xff, 0xff]), Err(UserDataError::Truncated));
        assert_eq!(
            StickyAssignorUserData::decode(&[0, 0, 0, 1, 0xff, 0xfe, 0, 0, 0, 0]),
            Err(UserDataError::NegativeLength(-2))
        );
        assert_eq!(
            StickyAssignorUserData::decode(&[0, 0, 0, 1, 0, 1, 0xff, 0, 0, 0, 0]),
            Err(UserDataError::InvalidUtf8)
        );
        // an empty v0 assignment
        assert_eq!(StickyAssignorUserData::decode(&[0, 0, 0, 0]), Ok(StickyAssignorUserData::default()));
    }

    #[test]
    fn no_user_data_before_the_first_assignment() {
        assert_eq!(StickyAssignor.subscription_user_data(&BTreeMap::new(), DEFAULT_GENERATION), None);
        let data = StickyAssignor.subscription_user_data(&BTreeMap::new(), 3).expect("user data");
        assert_eq!(
            StickyAssignorUserData::decode(&data),
            Ok(StickyAssignorUserData { previous_assignment: vec![], generation: Some(3) })
        );
    }

    #[test]
    fn java_doc_example_1() {
        // Fresh: like round robin. Then C1 leaves and only its partitions move.
        let topics = topics(&[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)]);
        let members: Vec<_> = ["C0", "C1", "C2"].map(|id| MemberSubscription::new(id, ALL4)).into();
        let first = StickyAssignor.assign(&topics, &members);
        assert_eq!(
            first,
            expect(&[
                ("C0", &[("t0", &[0]), ("t1", &[1]), ("t3", &[0])]),
                ("C1", &[("t0", &[1]), ("t2", &[0]), ("t3", &[1])]),
                ("C2", &[("t1", &[0]), ("t2", &[1])]),
            ])
        );
        let members = [
            with_prev(MemberSubscription::new("C0", ALL4), &first, 1),
            with_prev(MemberSubscription::new("C2", ALL4), &first, 1),
        ];
        let second = StickyAssignor.assign(&topics, &members);
        assert_eq!(
            second,
            expect(&[
                ("C0", &[("t0", &[0]), ("t1", &[1]), ("t2", &[0]), ("t3", &[0])]),
                ("C2", &[("t0", &[1]), ("t1", &[0]), ("t2", &[1]), ("t3", &[1])]),
            ])
        );
    }

    #[test]
    fn java_doc_example_2() {
        let topics = topics(&[("t0", 1), ("t1", 2), ("t2", 3)]);
        let members = [
            MemberSubscription::new("C0", ["t0"]),
            MemberSubscription::new("C1", ["t0", "t1"]),
            MemberSubscription::new("C2", ["t0", "t1", "t2"]),
        ];
        let first = StickyAssignor.assign(&topics, &members);
        assert_eq!(
            first,
            expect(&[("C0", &[("t0", &[0])]), ("C1", &[("t1", &[0, 1])]), ("C2", &[("t2", &[0, 1, 2])])])
        );
        // C0 leaves: sticky keeps 5 of 6 (round robin would keep 3).
        let members = [with_prev(members[1].clone(), &first, 1), with_prev(members[2].clone(), &first, 1)];
        let second = StickyAssignor.assign(&topics, &members);
        assert_eq!(
            second,
            expect(&[("C1", &[("t0", &[0]), ("t1", &[0, 1])]), ("C2", &[("t2", &[0, 1, 2])])])
        );
    }

    #[test]
    fn join_takes_only_from_the_most_loaded() {
        let topics = topics(&[("t", 10)]);
        let prev = expect(&[("a", &[("t", &[0, 1, 2, 3, 4])]), ("b", &[("t", &[5, 6, 7, 8, 9])])]);
        let members = [
            with_prev(MemberSubscription::new("a", ["t"]), &prev, 4),
            with_prev(MemberSubscription::new("b", ["t"]), &prev, 4),
            MemberSubscription::new("c", ["t"]),
        ];
        let a = StickyAssignor.assign(&topics, &members);
        // a and b (tied at 5) alternate giving to c until the counts are 3, 4, 3
        let c = counts(&a);
        assert_eq!((c["a"], c["b"], c["c"]), (3, 4, 3));
        for (m, ts) in &a {
            if let Some(old) = prev.get(m).and_then(|t| t.get("t")) {
                assert!(ts["t"].iter().all(|p| old.contains(p)), "{m} received a partition");
            }
        }
    }

    #[test]
    fn generation_conflicts() {
        let topics = topics(&[("t", 4)]);
        let data = |parts: &[i32], generation| {
            StickyAssignorUserData { previous_assignment: vec![("t".into(), parts.to_vec())], generation }
                .encode()
        };
        // b's claim on t-0 is newer than a's; c and d both claim t-3 in generation 7.
        let members = [
            MemberSubscription::new("a", ["t"]).with_user_data(data(&[0, 1], Some(6))),
            MemberSubscription::new("b", ["t"]).with_user_data(data(&[0, 2], Some(7))),
            MemberSubscription::new("c", ["t"]).with_user_data(data(&[3], Some(7))),
            MemberSubscription::new("d", ["t"]).with_user_data(data(&[3], Some(7))),
        ];
        let a = StickyAssignor.assign(&topics, &members);
        let o = owners(&a);
        assert_eq!(o[&("t".to_owned(), 0)], "b");
        assert_eq!(o[&("t".to_owned(), 1)], "a");
        // t-3 is cancelled, then goes to the least loaded member with the smallest id
        assert_eq!(o[&("t".to_owned(), 3)], "c");
        // b has two and d none: b gives its last partition to d
        assert_eq!(o[&("t".to_owned(), 2)], "d");
        check_valid(&topics, &members, &a).unwrap();
        check_uniform_balanced(&a).unwrap();
    }

    #[test]
    fn v0_user_data_and_owned_partitions_fallback() {
        let topics = topics(&[("t", 4)]);
        let v0 =
            StickyAssignorUserData { previous_assignment: vec![("t".into(), vec![2, 3])], generation: None };
        let members = [
            MemberSubscription::new("a", ["t"]).with_user_data(v0.encode()),
            // garbage user data: falls back to owned partitions
            MemberSubscription::new("b", ["t"])
                .with_user_data(Bytes::from_static(&[1, 2, 3]))
                .with_owned_partitions(vec![("t".into(), vec![0, 1])]),
        ];
        let a = StickyAssignor.assign(&topics, &members);
        assert_eq!(a, expect(&[("a", &[("t", &[2, 3])]), ("b", &[("t", &[0, 1])])]));
    }

    #[test]
    fn unsubscribed_and_vanished_claims_are_dropped() {
        let topics = topics(&[("t0", 2), ("t1", 2)]);
        let prev =
            expect(&[("a", &[("t0", &[0, 1]), ("t1", &[0]), ("gone", &[0])]), ("b", &[("t1", &[1, 7])])]);
        let members = [
            with_prev(MemberSubscription::new("a", ["t1"]), &prev, 2),
            with_prev(MemberSubscription::new("b", ["t0", "t1"]), &prev, 2),
        ];
        let a = StickyAssignor.assign(&topics, &members);
        // a keeps only t1-0 (it left t0; "gone" and t1-7 do not exist), b keeps t1-1 and is the
        // only taker for t0; then b (3) gives t1-1 to a (1) to balance.
        assert_eq!(a, expect(&[("a", &[("t1", &[0, 1])]), ("b", &[("t0", &[0, 1])])]));
    }

    #[test]
    fn empty_inputs() {
        assert!(StickyAssignor.assign(&topics(&[("t", 3)]), &[]).is_empty());
        let a = StickyAssignor.assign(&BTreeMap::new(), &[MemberSubscription::new("m", ["t"])]);
        assert_eq!(a, expect(&[("m", &[])]));
    }

    #[test]
    fn larger_group_is_fast_and_balanced() {
        let topics: BTreeMap<String, i32> = (0..20).map(|i| (format!("topic-{i}"), 50)).collect();
        let names: Vec<String> = topics.keys().cloned().collect();
        let members: Vec<_> =
            (0..100).map(|i| MemberSubscription::new(format!("m{i:03}"), names.clone())).collect();
        let first = StickyAssignor.assign(&topics, &members);
        check_uniform_balanced(&first).unwrap();
        // a fifth of the members leave, then come back
        let fewer: Vec<_> = members
            .iter()
            .filter(|m| !m.member_id.ends_with('0'))
            .map(|m| with_prev(m.clone(), &first, 1))
            .collect();
        let second = StickyAssignor.assign(&topics, &fewer);
        check_valid(&topics, &fewer, &second).unwrap();
        check_uniform_balanced(&second).unwrap();
        let all: Vec<_> = members.iter().map(|m| with_prev(m.clone(), &second, 2)).collect();
        let third = StickyAssignor.assign(&topics, &all);
        check_valid(&topics, &all, &third).unwrap();
        check_uniform_balanced(&third).unwrap();
    }

    /// Random previous-ownership data for a member: none, garbage, owned partitions, or user data.
    fn arb_prev() -> impl Strategy<Value = (u8, Vec<(u8, i32)>, i32, Vec<u8>)> {
        (
            0..4u8,
            proptest::collection::vec((0..6u8, -1..9i32), 0..8),
            -1..3i32,
            proptest::collection::vec(any::<u8>(), 0..12),
        )
    }

    fn apply_prev(
        m: &mut MemberSubscription,
        (kind, claims, generation, garbage): (u8, Vec<(u8, i32)>, i32, Vec<u8>),
    ) {
        let mut per_topic: BTreeMap<String, Vec<i32>> = BTreeMap::new();
        for (t, p) in claims {
            per_topic.entry(format!("t{t}")).or_default().push(p);
        }
        let list: Vec<(String, Vec<i32>)> = per_topic.into_iter().collect();
        match kind {
            0 => {}
            1 => m.user_data = Some(garbage.into()),
            2 => m.owned_partitions = list,
            _ => {
                let d = StickyAssignorUserData { previous_assignment: list, generation: Some(generation) };
                m.user_data = Some(d.encode());
            }
        }
    }

    fn arb_case_with_prev() -> impl Strategy<Value = (BTreeMap<String, i32>, Vec<MemberSubscription>)> {
        (arb_case(), proptest::collection::vec(arb_prev(), 8)).prop_map(|((topics, mut members), prevs)| {
            for (m, p) in members.iter_mut().zip(prevs) {
                apply_prev(m, p);
            }
            (topics, members)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn prop_user_data_roundtrip(
            assignment in proptest::collection::vec(("[a-z.-]{0,8}", proptest::collection::vec(any::<i32>(), 0..5)), 0..5),
            generation in proptest::option::of(any::<i32>()),
        ) {
            let d = StickyAssignorUserData { previous_assignment: assignment, generation };
            prop_assert_eq!(StickyAssignorUserData::decode(&d.encode()), Ok(d));
        }

        #[test]
        fn prop_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = StickyAssignorUserData::decode(&bytes);
        }

        #[test]
        fn prop_valid_balanced_order_independent(case in arb_case_with_prev(), seed in any::<u64>()) {
            let (topics, members) = case;
            let a = StickyAssignor.assign(&topics, &members);
            check_valid(&topics, &members, &a)?;
            check_balanced(&members, &a)?;
            prop_assert_eq!(&a, &StickyAssignor.assign(&topics, &shuffled(&members, seed)));
        }

        #[test]
        fn prop_reassigning_is_a_fixed_point(case in arb_case_with_prev()) {
            let (topics, members) = case;
            let first = StickyAssignor.assign(&topics, &members);
            let again: Vec<_> = members.iter().map(|m| with_prev(m.clone(), &first, 9)).collect();
            prop_assert_eq!(&first, &StickyAssignor.assign(&topics, &again));
        }

        #[test]
        fn prop_uniform_balanced(case in arb_uniform_case()) {
            let (topics, members) = case;
            let a = StickyAssignor.assign(&topics, &members);
            check_valid(&topics, &members, &a)?;
            check_uniform_balanced(&a)?;
        }

        /// Members leave: the survivors keep everything they had.
        #[test]
        fn prop_leave_moves_only_departed_partitions(case in arb_uniform_case(), leave in any::<u8>()) {
            let (topics, members) = case;
            let first = StickyAssignor.assign(&topics, &members);
            let stay: Vec<_> = members
                .iter()
                .enumerate()
                .filter(|(i, _)| leave & (1 << (i % 8)) == 0)
                .map(|(_, m)| with_prev(m.clone(), &first, 1))
                .collect();
            let second = StickyAssignor.assign(&topics, &stay);
            check_valid(&topics, &stay, &second)?;
            check_uniform_balanced(&second)?;
            let (before, after) = (owners(&first), owners(&second));
            for (tp, owner) in &before {
                if stay.iter().any(|m| &m.member_id == owner) {
                    prop_assert_eq!(after.get(tp), Some(owner), "{:?} moved", tp);
                }
            }
        }

        /// Members join: existing members only give partitions away.
        #[test]
        fn prop_join_only_takes_from_existing(case in arb_uniform_case(), joiners in 1..4usize) {
            let (topics, members) = case;
            let first = StickyAssignor.assign(&topics, &members);
            let subscription = members.first().map(|m| m.topics.clone()).unwrap_or_default();
            let mut all: Vec<_> = members.iter().map(|m| with_prev(m.clone(), &first, 1)).collect();
            all.extend((0..joiners).map(|i| MemberSubscription::new(format!("new{i}"), subscription.clone())));
            let second = StickyAssignor.assign(&topics, &all);
            check_valid(&topics, &all, &second)?;
            check_uniform_balanced(&second)?;
            let before = owners(&first);
            for (tp, owner) in owners(&second) {
                if !owner.starts_with("new") {
                    prop_assert_eq!(before.get(&tp), Some(&owner), "{:?} moved between old members", tp);
                }
            }
        }
    }
}
