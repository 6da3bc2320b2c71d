//! Offset commit and fetch through the group coordinator.

use super::*;

/// An offset to commit.
#[derive(Debug, Clone)]
pub struct CommitOffset {
    pub tp: TopicPartition,
    pub offset: i64,
    pub leader_epoch: i32,
    pub metadata: String,
}

/// A committed offset as OffsetFetch returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub offset: i64,
    pub metadata: String,
    pub leader_epoch: i32,
}

impl Coordinator {
    /// Commits `offsets`. With `as_member`, the commit carries the generation and member id and
    /// fails with ILLEGAL_GENERATION if the member is not in a stable group.
    pub async fn commit(&self, offsets: &[CommitOffset], as_member: bool, deadline: Instant) -> Result<()> {
        if offsets.is_empty() {
            return Ok(());
        }
        let mut topics: BTreeMap<&str, Vec<OffsetCommitRequestPartition>> = BTreeMap::new();
        for o in offsets {
            topics.entry(o.tp.topic.as_str()).or_default().push(OffsetCommitRequestPartition {
                partition_index: o.tp.partition,
                committed_offset: o.offset,
                committed_leader_epoch: o.leader_epoch,
                committed_metadata: Some(o.metadata.clone()),
            });
        }
        let topics: Vec<OffsetCommitRequestTopic> = topics
            .into_iter()
            .map(|(name, partitions)| OffsetCommitRequestTopic {
                name: name.to_string(),
                partitions,
                ..Default::default()
            })
            .collect();
        loop {
            let (generation, member_id) = if as_member {
                let (g, m, stable) = self.generation();
                if !stable {
                    return Err(Error::broker(ec::REBALANCE_IN_PROGRESS, "the group is rebalancing"));
                }
                (g, m)
            } else {
                (-1, String::new())
            };
            let req = OffsetCommitRequest {
                group_id: self.config.group_id.clone(),
                generation_id: generation,
                member_id,
                group_instance_id: if as_member { self.config.group_instance_id.clone() } else { None },
                retention_time_ms: -1,
                topics: topics.clone(),
            };
            let code = match self.send(&req).await {
                Ok(resp) => resp
                    .topics
                    .iter()
                    .flat_map(|t| t.partitions.iter())
                    .map(|p| p.error_code)
                    .find(|c| *c != 0)
                    .unwrap_or(0),
                Err(e) if e.is_retriable() && Instant::now() < deadline => {
                    tokio::time::sleep(self.config.retry_backoff).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match code {
                0 => return Ok(()),
                c if is_coordinator_error(c) || c == ec::COORDINATOR_LOAD_IN_PROGRESS => {
                    if is_coordinator_error(c) {
                        self.mark_unknown().await;
                    }
                    if Instant::now() >= deadline {
                        return Err(Error::broker(c, "OffsetCommit"));
                    }
                    tokio::time::sleep(self.config.retry_backoff).await;
                }
                // `consumer` protocol: the epoch moved on since the commit was built; retry
                // with the current one (Java's commit manager does the same).
                ec::STALE_MEMBER_EPOCH if Instant::now() < deadline => {
                    tokio::time::sleep(self.config.retry_backoff).await;
                }
                c @ (ec::UNKNOWN_MEMBER_ID
                | ec::ILLEGAL_GENERATION
                | ec::REBALANCE_IN_PROGRESS
                | ec::FENCED_MEMBER_EPOCH) => {
                    if c != ec::REBALANCE_IN_PROGRESS && self.consumer_group.is_none() {
                        self.reset_generation(c == ec::ILLEGAL_GENERATION);
                    }
                    self.request_rejoin();
                    return Err(Error::broker(c, "OffsetCommit"));
                }
                c => return Err(Error::broker(c, "OffsetCommit")),
            }
        }
    }

    /// The committed offsets of `parts` (`None` where nothing is committed).
    pub async fn fetch_committed(
        &self,
        parts: &[TopicPartition],
        deadline: Instant,
    ) -> Result<BTreeMap<TopicPartition, Option<Committed>>> {
        if self.consumer_group.is_some() {
            return crate::group::consumer_group::offsets::fetch_committed(self, parts, deadline).await;
        }
        let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
        for tp in parts {
            by_topic.entry(tp.topic.as_str()).or_default().push(tp.partition);
        }
        let req = OffsetFetchRequest {
            group_id: self.config.group_id.clone(),
            topics: Some(
                by_topic
                    .into_iter()
                    .map(|(name, partition_indexes)| OffsetFetchRequestTopic {
                        name: name.to_string(),
                        partition_indexes,
                    })
                    .collect(),
            ),
            require_stable: self.config.require_stable,
        };
        loop {
            let resp = match self.send(&req).await {
                Ok(r) => r,
                Err(e) if e.is_retriable() && Instant::now() < deadline => {
                    tokio::time::sleep(self.config.retry_backoff).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let mut code = resp.error_code;
            let mut out = BTreeMap::new();
            for t in resp.topics {
                for p in t.partitions {
                    if p.error_code != 0 && code == 0 {
                        code = p.error_code;
                    }
                    let c = (p.committed_offset >= 0).then(|| Committed {
                        offset: p.committed_offset,
                        metadata: p.metadata.unwrap_or_default(),
                        leader_epoch: p.committed_leader_epoch,
                    });
                    out.insert(TopicPartition::new(t.name.clone(), p.partition_index), c);
                }
            }
            match code {
                0 => return Ok(out),
                c if ec::is_retriable(c) && Instant::now() < deadline => {
                    if is_coordinator_error(c) {
                        self.mark_unknown().await;
                    }
                    tokio::time::sleep(self.config.retry_backoff).await;
                }
                c => return Err(Error::broker(c, "OffsetFetch")),
            }
        }
    }
}
