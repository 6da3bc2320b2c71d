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
    /// Encodes v1 if `generation` is set, else v0.
    ///
    /// # Panics
    /// Never; a topic name longer than `i16::MAX` bytes (which Kafka rejects) is truncated to a
    /// character boundary at that length.
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
            let receiver = self.least_loaded(
                self.held[donor]
                    .keys()
                    .flat_map(|&t| self.subscribers[t].iter().copied())
                    .filter(|&m| m != donor),
            );
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
