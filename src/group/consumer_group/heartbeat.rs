//! ConsumerGroupHeartbeat: building the request from the member's state, applying the
//! response, leaving, and the loop that sends one every `heartbeat_interval_ms` (the broker's
//! value once joined) or at once when the member has something to acknowledge.

use std::sync::Weak;
use std::time::Duration;

use super::{assignment, ConsumerGroupMember, State, LEAVE_EPOCH, STATIC_LEAVE_EPOCH};
use crate::error::Error;
use crate::group::coordinator::{is_coordinator_error, Coordinator};
use crate::protocol::error_code as ec;
use crate::protocol::messages::{ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse};

/// How long the loop sleeps when it has nothing to send (it is woken for anything new).
const IDLE: Duration = Duration::from_secs(1);

fn ms(d: Duration) -> i32 {
    i32::try_from(d.as_millis()).unwrap_or(i32::MAX)
}

impl ConsumerGroupMember {
    fn request(&self, c: &Coordinator, s: &State, epoch: i32) -> ConsumerGroupHeartbeatRequest {
        let cfg = c.config();
        ConsumerGroupHeartbeatRequest {
            group_id: cfg.group_id.clone(),
            member_id: s.member_id.clone(),
            member_epoch: epoch,
            instance_id: cfg.group_instance_id.clone(),
            rack_id: Some(cfg.rack_id.clone()).filter(|r| !r.is_empty()),
            rebalance_timeout_ms: ms(cfg.max_poll_interval),
            subscribed_topic_names: s.subscription.clone(),
            subscribed_topic_regex: None,
            server_assignor: cfg.remote_assignor.clone(),
            topic_partitions: Some(assignment::owned_by_id(c.client(), &s.owned, &s.topic_ids)),
        }
    }

    /// Sends one heartbeat if the member should; returns how long to wait before the next.
    async fn tick(&self, c: &Coordinator) -> Duration {
        let backoff = c.config().retry_backoff.max(Duration::from_millis(50));
        if !self.resolve_assignment(c).await {
            return backoff;
        }
        let next = {
            let s = self.state.lock();
            if s.fatal.is_some() || s.lost || s.poll_expired || s.subscription.is_none() {
                None
            } else if s.epoch > 0 && c.poll_expired() {
                Some(None)
            } else {
                Some(Some((self.request(c, &s, s.epoch), s.session)))
            }
        };
        let (req, session) = match next {
            None => return IDLE,
            Some(None) => {
                self.leave_after_poll_timeout(c).await;
                return IDLE;
            }
            Some(Some(r)) => r,
        };
        log::debug!(
            "group {}: heartbeat epoch {} owning {} topic(s)",
            req.group_id,
            req.member_epoch,
            req.topic_partitions.as_ref().map_or(0, Vec::len)
        );
        match c.send(&req).await {
            Ok(resp) => {
                if is_coordinator_error(resp.error_code) {
                    // Forget the connection; the next send looks the coordinator up again.
                    c.mark_unknown().await;
                }
                match self.apply(c, resp, session) {
                    Some(wait) => wait,
                    None if self.resolve_assignment(c).await => self.interval(c),
                    None => backoff,
                }
            }
            Err(Error::UnsupportedVersion(m)) => {
                self.fail(c, Error::UnsupportedVersion(format!("group_protocol='consumer': {m}")));
                IDLE
            }
            Err(e) => {
                log::debug!("group {}: heartbeat failed: {e}", c.config().group_id);
                backoff
            }
        }
    }

    /// Applies a response; returns the wait before the next heartbeat when it is not the
    /// interval (an error), `None` when the answer was taken (its assignment is resolved next).
    fn apply(&self, c: &Coordinator, resp: ConsumerGroupHeartbeatResponse, session: u64) -> Option<Duration> {
        let group = &c.config().group_id;
        let backoff = c.config().retry_backoff.max(Duration::from_millis(50));
        let mut s = self.state.lock();
        if s.session != session || s.subscription.is_none() {
            return Some(Duration::ZERO); // left or fenced meanwhile: this answer is stale
        }
        match resp.error_code {
            0 => {}
            ec::UNKNOWN_MEMBER_ID | ec::FENCED_MEMBER_EPOCH => {
                log::info!("group {group}: member fenced ({}); rejoining", ec::name(resp.error_code));
                self.fence(&mut s);
                drop(s);
                c.set_member_state(0, &self.member().0, false);
                c.request_rejoin();
                return Some(Duration::ZERO);
            }
            code if is_coordinator_error(code) || code == ec::COORDINATOR_LOAD_IN_PROGRESS => {
                log::debug!("group {group}: heartbeat: {}", ec::name(code));
                return Some(backoff);
            }
            code => {
                let msg = resp.error_message.unwrap_or_default();
                drop(s);
                self.fail(c, Error::broker(code, format!("ConsumerGroupHeartbeat of group {group}: {msg}")));
                return Some(IDLE);
            }
        }
        if let Some(id) = resp.member_id.filter(|id| !id.is_empty()) {
            s.member_id = id;
        }
        s.epoch = resp.member_epoch;
        if resp.heartbeat_interval_ms > 0 {
            s.interval = Some(Duration::from_millis(u64::try_from(resp.heartbeat_interval_ms).unwrap_or(0)));
        }
        log::debug!(
            "group {group}: epoch {} interval {} ms, assignment {}",
            resp.member_epoch,
            resp.heartbeat_interval_ms,
            if resp.assignment.is_some() { "received" } else { "unchanged" }
        );
        if let Some(a) = resp.assignment {
            s.unresolved = Some(a.topic_partitions);
        }
        let (id, epoch) = (s.member_id.clone(), s.epoch);
        drop(s);
        c.set_member_state(epoch, &id, epoch > 0);
        self.notify_changed();
        None
    }

    /// The heartbeat interval: the broker's once joined, heartbeat_interval_ms before.
    fn interval(&self, c: &Coordinator) -> Duration {
        self.state.lock().interval.unwrap_or(c.config().heartbeat_interval)
    }

    /// Resolves a received assignment's topic ids (refreshing metadata if needed); returns
    /// false while some are still unknown. Asks the consumer for a step when there is one.
    async fn resolve_assignment(&self, c: &Coordinator) -> bool {
        for attempt in 0..2 {
            {
                let mut s = self.state.lock();
                let Some(raw) = s.unresolved.take() else { return true };
                let mut ids = std::mem::take(&mut s.topic_ids);
                let resolved = assignment::resolve(c.client(), &raw, &mut ids);
                s.topic_ids = ids;
                match resolved {
                    Some(target) => {
                        s.target = Some(target);
                        drop(s);
                        if self.step_needed() {
                            c.request_rejoin();
                        }
                        self.notify_changed();
                        return true;
                    }
                    None => s.unresolved = Some(raw),
                }
            }
            if attempt == 0 {
                if let Err(e) = c.client().refresh_metadata().await {
                    log::debug!("group {}: metadata for the assignment: {e}", c.config().group_id);
                }
            }
        }
        false
    }

    /// The member was fenced: what it owned is lost; it rejoins once the consumer handled that.
    pub(super) fn fence(&self, s: &mut State) {
        s.session += 1;
        s.epoch = 0;
        s.target = None;
        s.unresolved = None;
        s.revoking = None;
        s.reported = false;
        s.lost = !s.owned.is_empty();
        self.notify_changed();
    }

    fn fail(&self, c: &Coordinator, e: Error) {
        log::warn!("group {}: {e}", c.config().group_id);
        self.state.lock().fatal = Some(e);
        self.notify_changed();
        c.request_rejoin();
    }

    /// poll() was not called within max_poll_interval_ms: leave (Java does the same); the
    /// partitions are lost and the member rejoins on the next poll.
    async fn leave_after_poll_timeout(&self, c: &Coordinator) {
        log::warn!(
            "group {}: poll() not called within max_poll_interval_ms; leaving the group",
            c.config().group_id
        );
        let req = {
            let mut s = self.state.lock();
            let epoch = if c.config().group_instance_id.is_some() { STATIC_LEAVE_EPOCH } else { LEAVE_EPOCH };
            let req = self.request(c, &s, epoch);
            self.fence(&mut s);
            s.poll_expired = true;
            req
        };
        c.set_member_state(0, &req.member_id, false);
        c.request_rejoin();
        if let Err(e) = c.send(&req).await {
            log::debug!("group {}: leave heartbeat failed: {e}", c.config().group_id);
        }
    }

    /// Leaves the group (epoch -1; -2 for a static member, whose assignment the broker keeps
    /// for the session timeout) and forgets the membership; heartbeats stop until the next
    /// subscription.
    pub(crate) async fn leave(&self, c: &Coordinator) {
        let req = {
            let mut s = self.state.lock();
            let joined = s.epoch > 0 && s.subscription.is_some();
            let epoch = if c.config().group_instance_id.is_some() { STATIC_LEAVE_EPOCH } else { LEAVE_EPOCH };
            let req = joined.then(|| self.request(c, &s, epoch));
            s.session += 1;
            s.subscription = None;
            s.poll_expired = false;
            self.reset(&mut s);
            req
        };
        let id = self.member().0;
        c.set_member_state(-1, &id, false);
        let Some(req) = req else { return };
        match c.send(&req).await {
            Ok(r) if r.error_code != 0 => {
                log::debug!("group {}: leave: {}", c.config().group_id, ec::name(r.error_code))
            }
            Ok(_) => log::info!("group {}: member {id} left", c.config().group_id),
            Err(e) => log::debug!("group {}: leave heartbeat failed: {e}", c.config().group_id),
        }
    }
}

pub(crate) async fn heartbeat_loop(weak: Weak<Coordinator>) {
    loop {
        let Some(c) = weak.upgrade() else { return };
        if c.is_closed() {
            return;
        }
        let Some(m) = c.consumer_group() else { return };
        let wait = m.tick(&c).await;
        if c.is_closed() {
            return;
        }
        tokio::select! {
            _ = m.kick.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
