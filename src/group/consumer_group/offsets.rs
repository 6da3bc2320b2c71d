//! OffsetFetch v9 for a `consumer`-protocol member: the request carries the member id and
//! epoch, so the broker refuses a fenced member (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH: retried
//! with the epoch the heartbeat has moved to). Commits need nothing special: OffsetCommit v9's
//! generation is the member epoch ([`Coordinator::commit`]).

use std::collections::BTreeMap;
use std::time::Instant;

use crate::consumer::subscription::TopicPartition;
use crate::error::{Error, Result};
use crate::group::coordinator::{is_coordinator_error, Coordinator};
use crate::group::Committed;
use crate::protocol::error_code as ec;
use crate::protocol::messages::offset_fetch_groups::*;

/// The committed offsets of `parts` (`None` where nothing is committed).
pub(crate) async fn fetch_committed(
    c: &Coordinator,
    parts: &[TopicPartition],
    deadline: Instant,
) -> Result<BTreeMap<TopicPartition, Option<Committed>>> {
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in parts {
        by_topic.entry(tp.topic.as_str()).or_default().push(tp.partition);
    }
    let topics: Vec<OffsetFetchRequestGroupTopic> = by_topic
        .into_iter()
        .map(|(name, partition_indexes)| OffsetFetchRequestGroupTopic {
            name: name.to_string(),
            partition_indexes,
            ..Default::default()
        })
        .collect();
    let backoff = c.config().retry_backoff;
    loop {
        // As a member while it is one; a plain fetch otherwise (committed() before joining).
        let (epoch, member_id, stable) = c.generation();
        let req = OffsetFetchGroupsRequest {
            groups: vec![OffsetFetchRequestGroup {
                group_id: c.config().group_id.clone(),
                member_id: stable.then_some(member_id),
                member_epoch: if stable { epoch } else { -1 },
                topics: Some(topics.clone()),
            }],
            require_stable: c.config().require_stable,
        };
        let resp = match c.send(&req).await {
            Ok(r) => r,
            Err(e) if e.is_retriable() && Instant::now() < deadline => {
                tokio::time::sleep(backoff).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut code = 0;
        let mut out = BTreeMap::new();
        for g in resp.groups {
            code = g.error_code;
            for t in g.topics {
                for p in t.partitions {
                    if p.error_code != 0 && code == 0 {
                        code = p.error_code;
                    }
                    let committed = (p.committed_offset >= 0).then(|| Committed {
                        offset: p.committed_offset,
                        metadata: p.metadata.unwrap_or_default(),
                        leader_epoch: p.committed_leader_epoch,
                    });
                    out.insert(TopicPartition::new(t.name.clone(), p.partition_index), committed);
                }
            }
        }
        match code {
            0 => return Ok(out),
            ec::STALE_MEMBER_EPOCH if Instant::now() < deadline => tokio::time::sleep(backoff).await,
            code if ec::is_retriable(code) && Instant::now() < deadline => {
                if is_coordinator_error(code) {
                    c.mark_unknown().await;
                }
                tokio::time::sleep(backoff).await;
            }
            code => return Err(Error::broker(code, "OffsetFetch")),
        }
    }
}
