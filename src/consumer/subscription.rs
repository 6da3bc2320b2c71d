//! What the consumer reads: subscribed topics or a manual assignment, and per assigned partition
//! its position, pause flag, pending offset reset and prefetched records.
//!
//! Positions only move when records are handed to the application ([`SubscriptionState::drain`]);
//! the fetcher prefetches ahead of them from `next_fetch`. Every seek or reset bumps the
//! partition's `epoch` so that a fetch or offset lookup started before it is discarded.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::records::Record;

/// A topic and partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        Self { topic: topic.into(), partition }
    }
}

/// Where to move a partition without a valid position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetReset {
    Earliest,
    Latest,
}

impl OffsetReset {
    /// The ListOffsets timestamp of the strategy.
    pub fn timestamp(self) -> i64 {
        match self {
            OffsetReset::Earliest => -2,
            OffsetReset::Latest => -1,
        }
    }
}

/// A problem with one partition that `poll()` reports to the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionError {
    /// No committed offset and auto_offset_reset='none'.
    NoOffset,
    /// The position is out of range and auto_offset_reset='none'.
    OutOfRange(i64),
    /// Any other broker error code that is not retried.
    Broker(i16),
    /// Records could not be decoded (corrupt, CRC mismatch).
    Corrupt(String),
}

/// Records of one batch waiting to be handed to the application.
#[derive(Debug, Clone)]
pub struct FetchedBatch {
    pub leader_epoch: i32,
    /// 0 CreateTime, 1 LogAppendTime.
    pub timestamp_type: i8,
    pub records: VecDeque<Record>,
    /// The position once every record of this batch is consumed (skips control records).
    pub next_offset: i64,
    pub bytes: usize,
}

/// Records of one partition handed out by [`SubscriptionState::drain`].
#[derive(Debug, Clone)]
pub struct Drained {
    pub tp: TopicPartition,
    pub leader_epoch: i32,
    pub timestamp_type: i8,
    pub records: Vec<Record>,
}

/// State of one assigned partition.
#[derive(Debug, Clone, Default)]
pub struct PartitionState {
    /// Offset of the next record to hand out; `None` until known.
    pub position: Option<i64>,
    /// Leader epoch of the last record handed out (-1 unknown).
    pub position_epoch: i32,
    /// Where the next fetch starts (position plus what is buffered).
    pub next_fetch: i64,
    /// KIP-320: the leader epoch of the record before `next_fetch` (the last fetched batch's, or
    /// the committed offset's); -1 unknown. Sent as Fetch's `last_fetched_epoch` so that the
    /// leader can report a truncated log instead of serving a diverged one.
    pub fetch_epoch: i32,
    /// Committed offset must be looked up before the position is known.
    pub awaiting_committed: bool,
    /// A reset to apply (seek_to_beginning/end or auto_offset_reset).
    pub reset: Option<OffsetReset>,
    pub paused: bool,
    pub highwater: Option<i64>,
    /// Wall-clock time (ms since the epoch) of the last fetch response that updated `highwater`.
    pub fetched_at_ms: Option<i64>,
    pub last_stable: Option<i64>,
    pub log_start: Option<i64>,
    pub buffer: VecDeque<FetchedBatch>,
    pub buffered_bytes: usize,
    /// Bumped by every seek/reset/assignment change.
    pub epoch: u64,
    /// A fetch or offset lookup for this partition is in flight.
    pub inflight: bool,
    pub error: Option<PartitionError>,
    /// KIP-392: the replica to fetch from instead of the leader, and until when.
    pub preferred_replica: Option<(i32, std::time::Instant)>,
}

impl PartitionState {
    fn clear_buffer(&mut self) {
        self.buffer.clear();
        self.buffered_bytes = 0;
        self.epoch = self.epoch.wrapping_add(1);
        self.inflight = false;
    }

    /// Moves the position (and the fetch position) to `offset`.
    pub fn seek(&mut self, offset: i64) {
        self.seek_with_epoch(offset, -1);
    }

    /// [`Self::seek`] to an offset whose preceding record's leader epoch is known.
    pub fn seek_with_epoch(&mut self, offset: i64, leader_epoch: i32) {
        self.clear_buffer();
        self.position = Some(offset);
        self.position_epoch = leader_epoch;
        self.fetch_epoch = leader_epoch;
        self.next_fetch = offset;
        self.reset = None;
        self.awaiting_committed = false;
        self.error = None;
    }

    /// Forgets the position and schedules `strategy`.
    pub fn request_reset(&mut self, strategy: OffsetReset) {
        self.clear_buffer();
        self.position = None;
        self.reset = Some(strategy);
        self.awaiting_committed = false;
        self.error = None;
    }

    /// Whether the fetcher may fetch this partition now.
    pub fn is_fetchable(&self, max_buffered: usize) -> bool {
        self.position.is_some()
            && !self.paused
            && !self.inflight
            && self.error.is_none()
            && self.reset.is_none()
            && !self.awaiting_committed
            && self.buffered_bytes < max_buffered
    }

    pub fn has_records(&self) -> bool {
        !self.paused && self.buffer.iter().any(|b| !b.records.is_empty() || b.next_offset > 0)
    }
}

/// How partitions are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubscriptionType {
    #[default]
    None,
    /// subscribe(): the group (or, without group_id, the consumer itself) assigns partitions.
    AutoTopics,
    /// assign(): the application chose the partitions.
    UserAssigned,
}

/// Mutually exclusive subscribe/assign, as kafka-python words it.
pub const EXCLUSIVE_MSG: &str = "Subscription to topics, partitions and pattern are mutually exclusive";

/// The consumer's subscription and per-partition state.
#[derive(Debug, Default)]
pub struct SubscriptionState {
    pub kind: SubscriptionType,
    pub subscription: BTreeSet<String>,
    pub assignment: BTreeMap<TopicPartition, PartitionState>,
    /// auto_offset_reset (None: 'none').
    pub default_reset: Option<OffsetReset>,
    /// Whether committed offsets are looked up for new partitions (group_id set).
    pub use_committed: bool,
    /// Rotates the partition drained first, for fairness.
    rotate: usize,
}

impl SubscriptionState {
    pub fn new(default_reset: Option<OffsetReset>, use_committed: bool) -> Self {
        Self { default_reset, use_committed, ..Default::default() }
    }

    /// subscribe(topics): returns whether the topic set changed.
    pub fn subscribe(&mut self, topics: impl IntoIterator<Item = String>) -> Result<bool, &'static str> {
        if self.kind == SubscriptionType::UserAssigned {
            return Err(EXCLUSIVE_MSG);
        }
        self.kind = SubscriptionType::AutoTopics;
        let topics: BTreeSet<String> = topics.into_iter().collect();
        let changed = topics != self.subscription;
        self.subscription = topics;
        Ok(changed)
    }

    /// assign(partitions): replaces the manual assignment, keeping the state of partitions kept.
    pub fn assign_from_user(
        &mut self,
        parts: impl IntoIterator<Item = TopicPartition>,
    ) -> Result<(), &'static str> {
        if self.kind == SubscriptionType::AutoTopics {
            return Err(EXCLUSIVE_MSG);
        }
        let parts: BTreeSet<TopicPartition> = parts.into_iter().collect();
        self.kind = if parts.is_empty() { SubscriptionType::None } else { SubscriptionType::UserAssigned };
        self.set_assignment(parts);
        Ok(())
    }

    /// The group (or local auto-assignment) gave us `parts`.
    pub fn assign_from_subscribed(&mut self, parts: impl IntoIterator<Item = TopicPartition>) {
        let parts: BTreeSet<TopicPartition> = parts.into_iter().collect();
        self.set_assignment(parts);
    }

    fn set_assignment(&mut self, parts: BTreeSet<TopicPartition>) {
        self.assignment.retain(|tp, _| parts.contains(tp));
        for tp in parts {
            let use_committed = self.use_committed;
            let reset = self.default_reset;
            self.assignment.entry(tp).or_insert_with(|| PartitionState {
                awaiting_committed: use_committed,
                reset: if use_committed { None } else { reset },
                error: if !use_committed && reset.is_none() { Some(PartitionError::NoOffset) } else { None },
                position_epoch: -1,
                ..Default::default()
            });
        }
    }

    pub fn unsubscribe(&mut self) {
        self.kind = SubscriptionType::None;
        self.subscription.clear();
        self.assignment.clear();
    }

    pub fn partitions_auto_assigned(&self) -> bool {
        self.kind == SubscriptionType::AutoTopics
    }

    pub fn assigned(&self) -> Vec<TopicPartition> {
        self.assignment.keys().cloned().collect()
    }

    /// Committed-offset lookup finished for `tp`: use `offset` (or reset when there is none).
    pub fn apply_committed(&mut self, tp: &TopicPartition, epoch: u64, offset: Option<(i64, i32)>) {
        let default_reset = self.default_reset;
        if let Some(st) = self.assignment.get_mut(tp) {
            if st.epoch != epoch || !st.awaiting_committed {
                return;
            }
            st.awaiting_committed = false;
            st.inflight = false;
            match (offset, default_reset) {
                (Some((o, leader_epoch)), _) => st.seek_with_epoch(o, leader_epoch),
                (None, Some(r)) => st.request_reset(r),
                (None, None) => st.error = Some(PartitionError::NoOffset),
            }
        }
    }

    /// An offset lookup (reset) finished for `tp`.
    pub fn apply_reset(&mut self, tp: &TopicPartition, epoch: u64, offset: i64) {
        if let Some(st) = self.assignment.get_mut(tp) {
            if st.epoch == epoch && st.reset.is_some() {
                st.seek(offset);
            }
        }
    }

    /// Offsets to commit: the position of every assigned partition that has one.
    pub fn all_consumed(&self) -> Vec<(TopicPartition, i64, i32)> {
        self.assignment
            .iter()
            .filter_map(|(tp, st)| st.position.map(|p| (tp.clone(), p, st.position_epoch)))
            .collect()
    }

    /// Whether any unpaused partition has records (or a reportable error) ready.
    pub fn has_ready(&self) -> bool {
        self.assignment
            .values()
            .any(|st| !st.paused && (st.error.is_some() || st.buffer.iter().any(|b| !b.records.is_empty())))
    }

    /// Takes the first pending partition error, if any.
    pub fn take_error(&mut self) -> Option<(TopicPartition, PartitionError)> {
        self.take_error_in(None)
    }

    /// [`Self::take_error`] restricted to the partitions in `only` (all when `None`).
    pub fn take_error_in(
        &mut self,
        only: Option<&[TopicPartition]>,
    ) -> Option<(TopicPartition, PartitionError)> {
        for (tp, st) in self.assignment.iter_mut() {
            if st.paused || only.is_some_and(|o| !o.contains(tp)) {
                continue;
            }
            if let Some(e) = st.error.clone() {
                // NoOffset stays until the application seeks; others are reported once.
                if !matches!(e, PartitionError::NoOffset) {
                    st.error = None;
                }
                return Some((tp.clone(), e));
            }
        }
        None
    }

    /// Hands out up to `max` buffered records of unpaused partitions, advancing positions when
    /// `update_positions`. Batches whose records are all consumed move the position to their end
    /// (past control records and aborted data).
    pub fn drain(&mut self, max: usize, update_positions: bool) -> Vec<Drained> {
        self.drain_only(max, update_positions, None)
    }

    /// Whether any unpaused partition of `only` (all when `None`) has records or an error ready.
    pub fn has_ready_in(&self, only: Option<&[TopicPartition]>) -> bool {
        match only {
            None => self.has_ready(),
            Some(parts) => parts.iter().any(|tp| {
                self.assignment.get(tp).is_some_and(|st| {
                    !st.paused && (st.error.is_some() || st.buffer.iter().any(|b| !b.records.is_empty()))
                })
            }),
        }
    }

    /// [`Self::drain`] restricted to the partitions in `only` (all when `None`).
    pub fn drain_only(
        &mut self,
        max: usize,
        update_positions: bool,
        only: Option<&[TopicPartition]>,
    ) -> Vec<Drained> {
        let mut out = Vec::new();
        let mut left = max;
        let n = self.assignment.len();
        if n == 0 || max == 0 {
            return out;
        }
        let start = self.rotate % n;
        self.rotate = self.rotate.wrapping_add(1);
        let keys: Vec<TopicPartition> =
            self.assignment.keys().skip(start).chain(self.assignment.keys().take(start)).cloned().collect();
        for tp in keys {
            if left == 0 {
                break;
            }
            if only.is_some_and(|o| !o.contains(&tp)) {
                continue;
            }
            let Some(st) = self.assignment.get_mut(&tp) else { continue };
            if st.paused || st.error.is_some() {
                continue;
            }
            while left > 0 {
                let Some(batch) = st.buffer.front_mut() else { break };
                let take = batch.records.len().min(left);
                if take > 0 {
                    let records: Vec<Record> = batch.records.drain(..take).collect();
                    left -= take;
                    if update_positions {
                        if let Some(last) = records.last() {
                            st.position = Some(last.offset.saturating_add(1));
                            st.position_epoch = batch.leader_epoch;
                        }
                    }
                    out.push(Drained {
                        tp: tp.clone(),
                        leader_epoch: batch.leader_epoch,
                        timestamp_type: batch.timestamp_type,
                        records,
                    });
                }
                if batch.records.is_empty() {
                    if update_positions {
                        let next = batch.next_offset;
                        if st.position.is_none_or(|p| p < next) {
                            st.position = Some(next);
                        }
                    }
                    st.buffered_bytes = st.buffered_bytes.saturating_sub(batch.bytes);
                    st.buffer.pop_front();
                } else {
                    break;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn rec(offset: i64) -> Record {
        Record {
            offset,
            timestamp: 0,
            key: None,
            value: Some(Bytes::from_static(b"v")),
            headers: vec![],
            size_in_bytes: 10,
        }
    }

    fn batch(offsets: std::ops::Range<i64>, next: i64) -> FetchedBatch {
        FetchedBatch {
            leader_epoch: 0,
            timestamp_type: 0,
            records: offsets.map(rec).collect(),
            next_offset: next,
            bytes: 100,
        }
    }

    #[test]
    fn subscribe_and_assign_are_exclusive() {
        let mut s = SubscriptionState::new(Some(OffsetReset::Earliest), true);
        assert_eq!(s.subscribe(["a".to_string()]), Ok(true));
        assert_eq!(s.subscribe(["a".to_string()]), Ok(false));
        assert!(s.assign_from_user([TopicPartition::new("a", 0)]).is_err());
        s.unsubscribe();
        assert!(s.assign_from_user([TopicPartition::new("a", 0)]).is_ok());
        assert!(s.subscribe(["a".to_string()]).is_err());
    }

    #[test]
    fn new_partitions_await_committed_or_reset() {
        let mut s = SubscriptionState::new(Some(OffsetReset::Latest), true);
        s.assign_from_subscribed([TopicPartition::new("a", 0)]);
        let tp = TopicPartition::new("a", 0);
        assert!(s.assignment[&tp].awaiting_committed);
        let epoch = s.assignment[&tp].epoch;
        s.apply_committed(&tp, epoch, None);
        assert_eq!(s.assignment[&tp].reset, Some(OffsetReset::Latest));
        let epoch = s.assignment[&tp].epoch;
        s.apply_reset(&tp, epoch, 42);
        assert_eq!(s.assignment[&tp].position, Some(42));

        let mut none = SubscriptionState::new(None, false);
        none.assign_from_user([tp.clone()]).unwrap();
        assert_eq!(none.take_error(), Some((tp.clone(), PartitionError::NoOffset)));
        none.assignment.get_mut(&tp).unwrap().seek(3);
        assert_eq!(none.take_error(), None);
    }

    #[test]
    fn stale_lookups_are_ignored_after_seek() {
        let mut s = SubscriptionState::new(Some(OffsetReset::Earliest), true);
        let tp = TopicPartition::new("a", 0);
        s.assign_from_subscribed([tp.clone()]);
        let epoch = s.assignment[&tp].epoch;
        s.assignment.get_mut(&tp).unwrap().seek(7);
        s.apply_committed(&tp, epoch, Some((1, -1)));
        assert_eq!(s.assignment[&tp].position, Some(7));
    }

    #[test]
    fn drain_advances_positions_and_skips_control_offsets() {
        let mut s = SubscriptionState::new(Some(OffsetReset::Earliest), false);
        let tp = TopicPartition::new("a", 0);
        s.assign_from_user([tp.clone()]).unwrap();
        let st = s.assignment.get_mut(&tp).unwrap();
        st.seek(0);
        st.buffer.push_back(batch(0..3, 3));
        st.buffer.push_back(batch(3..5, 6)); // offset 5 is a control record
        st.buffered_bytes = 200;
        let d = s.drain(2, true);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].records.iter().map(|r| r.offset).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(s.assignment[&tp].position, Some(2));
        let d = s.drain(10, true);
        let offs: Vec<i64> = d.iter().flat_map(|d| d.records.iter().map(|r| r.offset)).collect();
        assert_eq!(offs, vec![2, 3, 4]);
        assert_eq!(s.assignment[&tp].position, Some(6));
        assert_eq!(s.assignment[&tp].buffered_bytes, 0);
        assert_eq!(s.all_consumed(), vec![(tp.clone(), 6, 0)]);
    }

    #[test]
    fn paused_partitions_are_not_drained() {
        let mut s = SubscriptionState::new(Some(OffsetReset::Earliest), false);
        let tp = TopicPartition::new("a", 0);
        s.assign_from_user([tp.clone()]).unwrap();
        let st = s.assignment.get_mut(&tp).unwrap();
        st.seek(0);
        st.buffer.push_back(batch(0..3, 3));
        st.paused = true;
        assert!(s.drain(10, true).is_empty());
        assert!(!s.has_ready());
        s.assignment.get_mut(&tp).unwrap().paused = false;
        assert_eq!(s.drain(10, false)[0].records.len(), 3);
        assert_eq!(s.assignment[&tp].position, Some(0));
    }

    #[test]
    fn drain_only_and_has_ready_in_respect_the_filter() {
        let mut s = SubscriptionState::new(Some(OffsetReset::Earliest), false);
        let (a, b) = (TopicPartition::new("a", 0), TopicPartition::new("a", 1));
        s.assign_from_user([a.clone(), b.clone()]).unwrap();
        for tp in [&a, &b] {
            let st = s.assignment.get_mut(tp).unwrap();
            st.seek(0);
            st.buffer.push_back(batch(0..3, 3));
        }
        let only_b = [b.clone()];
        assert!(s.has_ready_in(Some(&only_b)));
        let d = s.drain_only(10, true, Some(&only_b));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].tp, b);
        assert!(!s.has_ready_in(Some(&only_b)));
        assert!(s.has_ready_in(None));
        assert_eq!(s.assignment[&a].position, Some(0));
        assert_eq!(s.drain_only(10, true, None)[0].tp, a);
    }
}
