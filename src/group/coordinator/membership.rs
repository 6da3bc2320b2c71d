//! Group membership: JoinGroup (with the MEMBER_ID_REQUIRED retry), the leader's assignment,
//! SyncGroup, the heartbeat (which also enforces `max_poll_interval_ms`) and LeaveGroup.

use super::*;
use crate::group::assignor::{validate_assignment, MemberAssignment};

impl Coordinator {
    /// Joins the group with subscription `topics` and returns the assignment. Retriable errors are
    /// retried until `deadline`.
    pub async fn join(&self, topics: Vec<String>, deadline: Instant) -> Result<JoinResult> {
        let mut topics = topics;
        topics.sort();
        topics.dedup();
        self.rejoin_needed.store(false, Ordering::Release);
        // No heartbeats or member commits with the old generation while rejoining.
        self.member.lock().stable = false;
        loop {
            if self.closed.load(Ordering::Acquire) {
                return Err(Error::Closed("consumer closed".into()));
            }
            match self.join_once(&topics).await {
                Ok(r) => return Ok(r),
                Err(e) if (e.is_retriable() || is_rejoin_error(&e)) && Instant::now() < deadline => {
                    log::debug!("group {}: join failed ({e}); retrying", self.config.group_id);
                    if let Error::Broker { code, .. } = &e {
                        if is_coordinator_error(*code) {
                            self.mark_unknown().await;
                        }
                    }
                    if !matches!(&e, Error::Broker { code, .. } if *code == ec::MEMBER_ID_REQUIRED || *code == ec::REBALANCE_IN_PROGRESS)
                    {
                        tokio::time::sleep(self.config.retry_backoff).await;
                    }
                }
                Err(e) => {
                    self.rejoin_needed.store(true, Ordering::Release);
                    return Err(e);
                }
            }
        }
    }

    async fn join_once(&self, topics: &[String]) -> Result<JoinResult> {
        let mut protocols = Vec::new();
        for a in &self.assignors {
            protocols.push(JoinGroupRequestProtocol {
                name: a.name().to_string(),
                metadata: self.subscription_metadata(a, topics).await?,
            });
        }
        let member_id = self.member.lock().member_id.clone();
        let req = JoinGroupRequest {
            group_id: self.config.group_id.clone(),
            session_timeout_ms: ms(self.config.session_timeout),
            rebalance_timeout_ms: ms(self.config.max_poll_interval),
            member_id,
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: PROTOCOL_TYPE.to_string(),
            protocols,
            reason: None,
        };
        let resp = self.send(&req).await?;
        match resp.error_code {
            0 => {}
            ec::MEMBER_ID_REQUIRED => {
                self.member.lock().member_id = resp.member_id.clone();
                return Err(Error::broker(ec::MEMBER_ID_REQUIRED, "retry with the assigned member id"));
            }
            ec::UNKNOWN_MEMBER_ID | ec::ILLEGAL_GENERATION => {
                self.reset_generation(resp.error_code == ec::ILLEGAL_GENERATION);
                return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "member reset; rejoining"));
            }
            code => return Err(Error::broker(code, format!("JoinGroup of group {}", self.config.group_id))),
        }
        let protocol = resp.protocol_name.clone().unwrap_or_default();
        let leader = resp.leader == resp.member_id;
        {
            let mut m = self.member.lock();
            m.generation = resp.generation_id;
            m.member_id = resp.member_id.clone();
            m.protocol = Some(protocol.clone());
            m.leader = leader;
        }
        let assignments =
            if leader { self.perform_assignment(&protocol, &resp.members).await? } else { Vec::new() };
        let sync = SyncGroupRequest {
            group_id: self.config.group_id.clone(),
            generation_id: resp.generation_id,
            member_id: resp.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: Some(PROTOCOL_TYPE.to_string()),
            protocol_name: Some(protocol.clone()),
            assignments,
        };
        let sresp = self.send(&sync).await?;
        match sresp.error_code {
            0 => {}
            ec::UNKNOWN_MEMBER_ID | ec::ILLEGAL_GENERATION => {
                self.reset_generation(sresp.error_code == ec::ILLEGAL_GENERATION);
                return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "member reset; rejoining"));
            }
            code => return Err(Error::broker(code, format!("SyncGroup of group {}", self.config.group_id))),
        }
        let (version, assignment) = ConsumerProtocolAssignment::from_bytes(sresp.assignment)?;
        let mut parts = Vec::new();
        let mut owned: BTreeMap<String, Vec<i32>> = BTreeMap::new();
        for tp in assignment.assigned_partitions {
            for p in &tp.partitions {
                parts.push(TopicPartition::new(tp.topic.clone(), *p));
            }
            owned.entry(tp.topic).or_default().extend(tp.partitions);
        }
        *self.owned.lock() = (owned.clone(), resp.generation_id);
        if let Some(a) = self.assignors.iter().find(|a| a.name() == protocol) {
            let mine = MemberAssignment { partitions: owned, user_data: assignment.user_data, version };
            let generation = resp.generation_id;
            call_assignor(a, move |a| a.on_assignment(&mine, generation)).await??;
        }
        if self.rejoin_needed.load(Ordering::Acquire) {
            // A heartbeat saw a new rebalance start while we were syncing.
            return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "rebalance restarted"));
        }
        self.member.lock().stable = true;
        self.touch_poll();
        Ok(JoinResult {
            generation: resp.generation_id,
            member_id: resp.member_id,
            protocol,
            leader,
            assignment: parts,
        })
    }

    /// The leader's job: run the assignor over every member's subscription, and check its result.
    async fn perform_assignment(
        &self,
        protocol: &str,
        members: &[JoinGroupResponseMember],
    ) -> Result<Vec<SyncGroupRequestAssignment>> {
        let assignor = self
            .assignors
            .iter()
            .find(|a| a.name() == protocol)
            .ok_or_else(|| Error::Other(format!("coordinator chose unknown assignor {protocol:?}")))?;
        let mut subs = Vec::new();
        let mut all_topics = BTreeSet::new();
        for m in members {
            let (version, s) = ConsumerProtocolSubscription::from_bytes(m.metadata.clone())?;
            all_topics.extend(s.topics.iter().cloned());
            let mut ms = MemberSubscription::new(m.member_id.clone(), s.topics);
            ms.group_instance_id.clone_from(&m.group_instance_id);
            ms.user_data = s.user_data;
            ms.owned_partitions =
                s.owned_partitions.into_iter().map(|tp| (tp.topic, tp.partitions)).collect();
            ms.generation = (version >= 2 && s.generation_id >= 0).then_some(s.generation_id);
            ms.version = version;
            ms.rack_id = s.rack_id;
            subs.push(ms);
        }
        self.client.add_topics(all_topics.iter().map(String::as_str));
        let deadline = Instant::now() + self.client.config().request_timeout.min(Duration::from_secs(10));
        let mut counts = BTreeMap::new();
        for t in &all_topics {
            if let Ok(info) = self.client.wait_for_topic(t, deadline).await {
                counts.insert(t.clone(), i32::try_from(info.partitions.len()).unwrap_or(i32::MAX));
            }
        }
        let (c, s) = (counts.clone(), subs.clone());
        let assignment = call_assignor(assignor, move |a| a.assign(&c, &s)).await??;
        validate_assignment(&assignment, &subs, &counts, self.protocol).map_err(|m| {
            Error::Other(format!(
                "IllegalStateError: partition assignor {protocol:?} returned an invalid assignment: {m}"
            ))
        })?;
        let mut out = Vec::new();
        for m in members {
            let mine = assignment.get(&m.member_id).cloned().unwrap_or_default();
            let a = ConsumerProtocolAssignment {
                assigned_partitions: mine
                    .partitions
                    .into_iter()
                    .filter(|(_, ps)| !ps.is_empty())
                    .map(|(topic, partitions)| TopicPartitions { topic, partitions })
                    .collect(),
                user_data: mine.user_data,
            };
            out.push(SyncGroupRequestAssignment {
                member_id: m.member_id.clone(),
                assignment: a.to_bytes(mine.version.clamp(0, consumer_protocol::MAX_VERSION))?,
            });
        }
        log::info!(
            "group {}: leader assigned with {protocol} to {} members",
            self.config.group_id,
            members.len()
        );
        Ok(out)
    }

    /// Sends one heartbeat; reacts to rebalance and membership errors.
    async fn heartbeat(&self) -> Result<()> {
        let (generation, member_id, stable) = self.generation();
        if !stable {
            return Ok(());
        }
        let req = HeartbeatRequest {
            group_id: self.config.group_id.clone(),
            generation_id: generation,
            member_id,
            group_instance_id: self.config.group_instance_id.clone(),
        };
        let resp = self.send(&req).await?;
        match resp.error_code {
            0 => {}
            ec::REBALANCE_IN_PROGRESS => {
                log::info!("group {}: rebalance in progress; rejoining", self.config.group_id);
                self.request_rejoin();
            }
            ec::ILLEGAL_GENERATION | ec::UNKNOWN_MEMBER_ID | ec::FENCED_INSTANCE_ID => {
                self.reset_generation(resp.error_code == ec::ILLEGAL_GENERATION);
                self.request_rejoin();
            }
            code if is_coordinator_error(code) => self.mark_unknown().await,
            code => log::warn!("group {}: heartbeat failed: {}", self.config.group_id, ec::name(code)),
        }
        Ok(())
    }

    /// Leaves the group (not for static members, whose session simply expires) and resets the
    /// member id and generation.
    pub async fn leave(&self) {
        if let Some(m) = &self.consumer_group {
            return m.leave(self).await;
        }
        let (generation, member_id, _) = self.generation();
        self.reset_generation(false);
        if member_id.is_empty() || generation < 0 || self.config.group_instance_id.is_some() {
            return;
        }
        let req = LeaveGroupRequest {
            group_id: self.config.group_id.clone(),
            member_id: member_id.clone(),
            members: vec![MemberIdentity { member_id, group_instance_id: None, reason: None }],
        };
        if let Err(e) = self.send(&req).await {
            log::debug!("group {}: LeaveGroup failed: {e}", self.config.group_id);
        }
    }
}

/// Errors after which a join is simply tried again.
fn is_rejoin_error(e: &Error) -> bool {
    matches!(
        e,
        Error::Broker { code, .. } if matches!(
            *code,
            ec::MEMBER_ID_REQUIRED
                | ec::REBALANCE_IN_PROGRESS
                | ec::UNKNOWN_MEMBER_ID
                | ec::ILLEGAL_GENERATION
                | ec::COORDINATOR_LOAD_IN_PROGRESS
                | ec::COORDINATOR_NOT_AVAILABLE
                | ec::NOT_COORDINATOR
        )
    )
}

pub(super) async fn heartbeat_loop(weak: Weak<Coordinator>) {
    loop {
        let interval = match weak.upgrade() {
            Some(c) if !c.closed.load(Ordering::Acquire) => {
                let stable = c.is_stable();
                if stable && c.last_poll.lock().elapsed() > c.config.max_poll_interval {
                    log::warn!(
                        "group {}: poll() not called within max_poll_interval_ms; leaving the group",
                        c.config.group_id
                    );
                    c.leave().await;
                    c.request_rejoin();
                } else if stable {
                    if let Err(e) = c.heartbeat().await {
                        log::debug!("group {}: heartbeat failed: {e}", c.config.group_id);
                    }
                }
                c.config.heartbeat_interval
            }
            _ => return,
        };
        tokio::time::sleep(interval).await;
    }
}
