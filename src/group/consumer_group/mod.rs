//! KIP-848's `consumer` group protocol, the member side: one ConsumerGroupHeartbeat request
//! joins, keeps the member alive, reports the partitions it owns and carries the assignment
//! the broker computed (`group_remote_assignor`); -1 leaves, -2 leaves temporarily (static).
//!
//! - this file: the member's state ([`ConsumerGroupMember`]) and what the consumer asks of it
//!   between polls (the reconciliation: what to revoke, what to add, what was lost);
//! - `heartbeat`: the request, the response (epoch, interval, assignment, errors) and the loop;
//! - `assignment`: topic ids in assignments ↔ topic names (from Metadata v10+);
//! - `offsets`: OffsetFetch v9 with the member id and epoch.
//!
//! The coordinator's connection and offset commits come from [`super::Coordinator`], which owns
//! this member: commits carry the member epoch as their generation (OffsetCommit v9+).
//!
//! Reconciliation follows Java's `ConsumerMembershipManager`: partitions leaving the target
//! are revoked first (the application's `on_partitions_revoked` runs while they are still
//! assigned), then released and acknowledged by the next heartbeat, which lists what the
//! member still owns; new partitions are then added (`on_partitions_assigned`) and
//! acknowledged the same way. Partitions that stay are never touched. A fenced member
//! (UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH, or `max_poll_interval_ms` exceeded) reports its
//! partitions lost and rejoins with epoch 0 under the same member id once the application has
//! handled that.

mod assignment;
mod heartbeat;
pub(crate) mod offsets;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::Notify;

pub(crate) use heartbeat::heartbeat_loop;

use crate::consumer::subscription::TopicPartition;
use crate::error::Error;

/// Epoch sent to leave the group.
const LEAVE_EPOCH: i32 = -1;
/// Epoch sent by a static member leaving temporarily (its assignment is kept for the session).
const STATIC_LEAVE_EPOCH: i32 = -2;

/// What the consumer must do next (see [`ConsumerGroupMember::next_step`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconcile {
    /// Nothing until the broker answers (joining, or the assignment is being resolved).
    Wait,
    /// The assignment is current.
    Stable,
    /// Revoke these (still assigned while the listener runs); then call
    /// [`ConsumerGroupMember::release`].
    Revoke(Vec<TopicPartition>),
    /// Add these; the full assignment is the second list.
    Assign(Vec<TopicPartition>, Vec<TopicPartition>),
    /// The member was fenced: these are gone without a revocation.
    Lost(Vec<TopicPartition>),
}

#[derive(Debug, Default)]
struct State {
    member_id: String,
    /// 0: joining; > 0: a member; the broker's value otherwise.
    epoch: i32,
    /// Topics to subscribe to; `None`: not subscribed (no heartbeats).
    subscription: Option<Vec<String>>,
    interval: Option<Duration>,
    /// The broker's latest assignment, resolved to names.
    target: Option<BTreeSet<TopicPartition>>,
    /// An assignment whose topic ids are not all known yet.
    unresolved: Option<Vec<crate::protocol::messages::HeartbeatTopicPartitions>>,
    /// What the application holds (told through its listener), acknowledged by heartbeats.
    owned: BTreeSet<TopicPartition>,
    /// Handed to the application for revocation, not yet released.
    revoking: Option<Vec<TopicPartition>>,
    /// Fenced or timed out: the owned partitions are lost; no heartbeats until handled.
    lost: bool,
    /// Left because the application did not poll within max_poll_interval_ms.
    poll_expired: bool,
    /// Whether the first assignment has been reported since (re)joining.
    reported: bool,
    fatal: Option<Error>,
    /// Bumped when the member leaves or is fenced: answers to earlier heartbeats are stale.
    session: u64,
    topic_ids: HashMap<String, [u8; 16]>,
}

/// A member of a `consumer`-protocol group.
pub struct ConsumerGroupMember {
    state: Mutex<State>,
    /// Wakes the heartbeat loop to send now (an acknowledgement, a new subscription, closing).
    kick: Notify,
    /// Woken when the state changes in a way a waiting group step cares about.
    changed: Notify,
}

impl Default for ConsumerGroupMember {
    fn default() -> Self {
        Self::new()
    }
}

impl ConsumerGroupMember {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State { member_id: new_member_id(), ..Default::default() }),
            kick: Notify::new(),
            changed: Notify::new(),
        }
    }

    pub(crate) fn wake_heartbeat(&self) {
        self.kick.notify_one();
    }

    fn notify_changed(&self) {
        self.changed.notify_waiters();
    }

    /// Waits (cancel-safe) until the member's state changes or `deadline` passes.
    pub async fn wait_changed(&self, deadline: std::time::Instant) {
        let n = self.changed.notified();
        tokio::pin!(n);
        n.as_mut().enable();
        let _ = tokio::time::timeout_at(deadline.into(), n).await;
    }

    /// (member id, epoch).
    pub fn member(&self) -> (String, i32) {
        let s = self.state.lock();
        (s.member_id.clone(), s.epoch)
    }

    /// Sets the subscription; a change is sent at once. Clears a poll timeout (the
    /// application is polling again).
    pub fn set_subscription(&self, mut topics: Vec<String>) {
        topics.sort();
        topics.dedup();
        let mut s = self.state.lock();
        let changed = s.subscription.as_ref() != Some(&topics);
        let resume = s.poll_expired && !s.lost;
        s.poll_expired = false;
        s.subscription = Some(topics);
        drop(s);
        if changed || resume {
            self.kick.notify_one();
        }
    }

    /// A fatal error the heartbeat met, for the application (reported once).
    pub fn take_fatal(&self) -> Option<Error> {
        self.state.lock().fatal.take()
    }

    /// What the consumer must do next. `Revoke` and `Lost` are reported once: the consumer
    /// calls [`Self::release`] after the listener ran; `Assign` is done by [`Self::acquire`].
    pub fn next_step(&self) -> Reconcile {
        let mut s = self.state.lock();
        if let Some(r) = &s.revoking {
            return Reconcile::Revoke(r.clone());
        }
        if s.lost {
            let lost: Vec<TopicPartition> = std::mem::take(&mut s.owned).into_iter().collect();
            s.lost = false;
            s.target = None;
            s.reported = false;
            drop(s);
            self.kick.notify_one();
            return Reconcile::Lost(lost);
        }
        let Some(target) = s.target.clone() else {
            return if s.epoch > 0 && s.reported { Reconcile::Stable } else { Reconcile::Wait };
        };
        let revoked: Vec<TopicPartition> = s.owned.difference(&target).cloned().collect();
        if !revoked.is_empty() {
            s.revoking = Some(revoked.clone());
            return Reconcile::Revoke(revoked);
        }
        let added: Vec<TopicPartition> = target.difference(&s.owned).cloned().collect();
        if !added.is_empty() || !s.reported {
            return Reconcile::Assign(added, target.into_iter().collect());
        }
        Reconcile::Stable
    }

    /// The revocation handed out by [`Self::next_step`], if any (its listener has run once the
    /// consumer asks again).
    pub fn revoking(&self) -> Option<Vec<TopicPartition>> {
        self.state.lock().revoking.clone()
    }

    /// The revocation handed out by [`Self::next_step`] is done: the partitions are released
    /// and the next heartbeat (sent now) acknowledges it.
    pub fn release(&self) -> Vec<TopicPartition> {
        let mut s = self.state.lock();
        let released = s.revoking.take().unwrap_or_default();
        for tp in &released {
            s.owned.remove(tp);
        }
        drop(s);
        self.kick.notify_one();
        released
    }

    /// The application now holds `parts` (the assignment reported by [`Self::next_step`]).
    pub fn acquire(&self, parts: &[TopicPartition]) {
        let mut s = self.state.lock();
        s.owned.extend(parts.iter().cloned());
        s.reported = true;
        drop(s);
        self.kick.notify_one();
    }

    /// Whether the consumer has a step to run (a new assignment, a revocation, a loss, an error).
    pub fn step_needed(&self) -> bool {
        let s = self.state.lock();
        if s.revoking.is_some() || s.lost || s.fatal.is_some() {
            return true;
        }
        match &s.target {
            Some(t) => *t != s.owned || !s.reported,
            None => false,
        }
    }

    /// Forgets the membership after leaving (or being told to leave).
    fn reset(&self, s: &mut State) {
        s.epoch = 0;
        s.target = None;
        s.unresolved = None;
        s.owned.clear();
        s.revoking = None;
        s.lost = false;
        s.reported = false;
        self.notify_changed();
    }
}

/// A member id as Kafka's `Uuid.toString()` prints one: 16 random bytes, URL-safe base64.
fn new_member_id() -> String {
    use base64::Engine;
    let mut b = [0u8; 16];
    if getrandom::getrandom(&mut b).is_err() {
        b = fastrand::u128(..).to_be_bytes();
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

#[cfg(test)]
mod tests;
