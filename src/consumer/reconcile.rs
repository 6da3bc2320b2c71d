//! [`Consumer::group_step`] for KIP-848's `consumer` protocol: the broker computes the
//! assignment ([`ConsumerGroupMember`]); this side applies it to the subscription state in
//! the order the listener needs. Partitions leaving the assignment are reported for
//! revocation while still assigned; on the next step (the listener has run) they are
//! committed (with auto-commit) and released, which the next heartbeat acknowledges. Added
//! partitions are then assigned; partitions that stay keep their positions and buffers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Consumer, GroupStep, TopicPartition};
use crate::error::Result;
use crate::group::consumer_group::Reconcile;
use crate::group::{ConsumerGroupMember, Coordinator};
use crate::network::runtime::runtime;

/// How long a waiting step sleeps before looking again (it is also woken by the member).
const SLICE: Duration = Duration::from_millis(200);

impl Consumer {
    /// One step without waiting; `None`: nothing to do until the broker answers.
    async fn consumer_group_step_now(
        &self,
        coord: &Arc<Coordinator>,
        m: &ConsumerGroupMember,
        topics: Vec<String>,
    ) -> Result<Option<GroupStep>> {
        coord.clear_rejoin();
        m.set_subscription(topics);
        if let Some(e) = m.take_fatal() {
            return Err(e);
        }
        if let Some(revoked) = m.revoking() {
            // The listener has run: commit what was consumed, then let the partitions go.
            if self.shared.config.enable_auto_commit && coord.is_stable() {
                let offsets = self.consumed_offsets();
                if let Err(e) = coord.commit(&offsets, true, self.deadline(None)).await {
                    log::warn!("auto-commit before revocation failed: {e}");
                }
            }
            self.drop_partitions(&revoked);
            m.release();
        }
        Ok(match m.next_step() {
            Reconcile::Wait => None,
            Reconcile::Stable => Some(GroupStep::Stable),
            Reconcile::Revoke(parts) => Some(GroupStep::Revoke(parts)),
            Reconcile::Lost(parts) => {
                self.drop_partitions(&parts);
                Some(GroupStep::Lost(parts))
            }
            Reconcile::Assign(added, full) => {
                self.shared.client.add_topics(full.iter().map(|tp| tp.topic.as_str()));
                self.shared.state.lock().assign_from_subscribed(full);
                m.acquire(&added);
                self.progress.lock().next_autocommit =
                    Instant::now() + self.shared.config.auto_commit_interval;
                self.shared.wake_all();
                Some(GroupStep::Assigned(added))
            }
        })
    }

    fn drop_partitions(&self, parts: &[TopicPartition]) {
        let mut st = self.shared.state.lock();
        let keep: Vec<TopicPartition> = st.assigned().into_iter().filter(|tp| !parts.contains(tp)).collect();
        st.assign_from_subscribed(keep);
        drop(st);
        self.shared.wake_all();
    }

    /// [`Self::group_step`] for a `consumer` member: waits at most `timeout` for something to do.
    pub(super) fn consumer_group_step(
        &self,
        coord: &Arc<Coordinator>,
        topics: Vec<String>,
        timeout: Duration,
    ) -> Result<GroupStep> {
        let deadline = Instant::now() + timeout;
        runtime().block_on(self.consumer_group_step_async(coord, topics, deadline))
    }

    /// The async form; cancel-safe (a revocation is only released on the step after the one
    /// that reported it).
    pub(super) async fn consumer_group_step_async(
        &self,
        coord: &Arc<Coordinator>,
        topics: Vec<String>,
        deadline: Instant,
    ) -> Result<GroupStep> {
        let Some(m) = coord.consumer_group() else {
            return Ok(GroupStep::Stable);
        };
        loop {
            if let Some(step) = self.consumer_group_step_now(coord, m, topics.clone()).await? {
                return Ok(step);
            }
            if Instant::now() >= deadline || self.is_closed() {
                return Ok(GroupStep::Pending);
            }
            m.wait_changed(deadline.min(Instant::now() + SLICE)).await;
        }
    }
}
