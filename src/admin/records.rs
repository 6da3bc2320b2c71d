//! Partition-level requests at each partition's leader: DeleteRecords and ListOffsets.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use super::Admin;
use crate::error::{Error, Result};
use crate::protocol::error_code::{LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION};
use crate::protocol::messages::*;
use crate::protocol::Request;

impl Admin {
    /// Groups `partitions` by leader. Unknown topics/partitions fail with UNKNOWN_TOPIC_OR_PARTITION;
    /// partitions without a leader are retried until `deadline`.
    pub(super) async fn leaders(
        &self,
        partitions: &[(String, i32)],
        deadline: Instant,
    ) -> Result<BTreeMap<i32, Vec<(String, i32)>>> {
        loop {
            let mut topics: Vec<String> = partitions.iter().map(|(t, _)| t.clone()).collect();
            topics.sort();
            topics.dedup();
            let md = self.metadata(Some(topics)).await?;
            let mut leaders: HashMap<(&str, i32), i32> = HashMap::new();
            let mut topic_errors: HashMap<&str, i16> = HashMap::new();
            for t in &md.topics {
                let Some(name) = t.name.as_deref() else { continue };
                if t.error_code != 0 {
                    topic_errors.insert(name, t.error_code);
                }
                for p in &t.partitions {
                    leaders.insert((name, p.partition_index), p.leader_id);
                }
            }
            let mut out: BTreeMap<i32, Vec<(String, i32)>> = BTreeMap::new();
            let mut unknown = Vec::new();
            let mut leaderless = false;
            for (t, p) in partitions {
                match leaders.get(&(t.as_str(), *p)) {
                    Some(l) if *l >= 0 => out.entry(*l).or_default().push((t.clone(), *p)),
                    Some(_) => leaderless = true,
                    None => match topic_errors.get(t.as_str()) {
                        Some(&LEADER_NOT_AVAILABLE) => leaderless = true,
                        Some(&c) if c != UNKNOWN_TOPIC_OR_PARTITION => {
                            return Err(Error::broker(c, format!("topic {t}")));
                        }
                        _ => unknown.push(format!("TopicPartition(topic='{t}', partition={p})")),
                    },
                }
            }
            if !unknown.is_empty() {
                return Err(Error::broker(
                    UNKNOWN_TOPIC_OR_PARTITION,
                    format!("The following partitions are not known: {}", unknown.join(", ")),
                ));
            }
            if !leaderless {
                return Ok(out);
            }
            self.backoff_or(deadline, Error::broker(LEADER_NOT_AVAILABLE, "partition without leader"))
                .await?;
        }
    }

    /// DeleteRecords at each partition's leader (or at `node` for all), retrying leader moves.
    /// Returns (topic, result) per partition.
    pub async fn delete_records(
        &self,
        records: &[(String, i32, i64)],
        timeout_ms: i32,
        node: Option<i32>,
    ) -> Result<Vec<(String, DeleteRecordsPartitionResult)>> {
        let deadline = self.deadline(Some(timeout_ms));
        let offsets: HashMap<(&str, i32), i64> =
            records.iter().map(|(t, p, o)| ((t.as_str(), *p), *o)).collect();
        let mut pending: Vec<(String, i32)> = records.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
        let mut out = Vec::new();
        while !pending.is_empty() {
            let routes = match node {
                Some(id) => BTreeMap::from([(id, std::mem::take(&mut pending))]),
                None => self.leaders(&pending, deadline).await?,
            };
            pending.clear();
            for (leader, parts) in routes {
                let mut by_topic: BTreeMap<String, Vec<DeleteRecordsPartition>> = BTreeMap::new();
                for (t, p) in &parts {
                    let offset = offsets.get(&(t.as_str(), *p)).copied().unwrap_or(-1);
                    by_topic
                        .entry(t.clone())
                        .or_default()
                        .push(DeleteRecordsPartition { partition_index: *p, offset });
                }
                let req = DeleteRecordsRequest {
                    topics: by_topic
                        .into_iter()
                        .map(|(name, partitions)| DeleteRecordsTopic { name, partitions })
                        .collect(),
                    timeout_ms,
                };
                let resp = match self.send_node(leader, &req).await {
                    Ok(r) => r,
                    Err(e @ Error::Connection(_)) if node.is_none() && Instant::now() < deadline => {
                        log::debug!("delete_records: {e}; retrying");
                        pending.extend(parts);
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                for t in resp.topics {
                    for p in t.partitions {
                        let retry = matches!(p.error_code, NOT_LEADER_OR_FOLLOWER | LEADER_NOT_AVAILABLE);
                        if retry && node.is_none() && Instant::now() < deadline {
                            pending.push((t.name.clone(), p.partition_index));
                        } else {
                            out.push((t.name.clone(), p));
                        }
                    }
                }
            }
            if !pending.is_empty() {
                self.backoff_or(deadline, Error::broker(NOT_LEADER_OR_FOLLOWER, "delete_records")).await?;
            }
        }
        Ok(out)
    }

    /// ListOffsets at each partition's leader; `specs` are (topic, partition, timestamp or
    /// sentinel: -1 latest, -2 earliest, -3 max timestamp). Returns (topic, result) per partition.
    pub async fn list_offsets(
        &self,
        specs: &[(String, i32, i64)],
        isolation_level: i8,
    ) -> Result<Vec<(String, ListOffsetsPartitionResponse)>> {
        let deadline = self.deadline(None);
        let wanted: HashMap<(&str, i32), i64> =
            specs.iter().map(|(t, p, ts)| ((t.as_str(), *p), *ts)).collect();
        let mut pending: Vec<(String, i32)> = specs.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
        let mut out = Vec::new();
        while !pending.is_empty() {
            let routes = self.leaders(&pending, deadline).await?;
            pending.clear();
            for (leader, parts) in routes {
                let mut by_topic: BTreeMap<String, Vec<ListOffsetsPartition>> = BTreeMap::new();
                let mut min_version = if isolation_level != 0 { 2 } else { ListOffsetsRequest::MIN_VERSION };
                for (t, p) in &parts {
                    let timestamp = wanted.get(&(t.as_str(), *p)).copied().unwrap_or(-1);
                    if timestamp == -3 {
                        min_version = min_version.max(7);
                    }
                    by_topic.entry(t.clone()).or_default().push(ListOffsetsPartition {
                        partition_index: *p,
                        current_leader_epoch: -1,
                        timestamp,
                    });
                }
                let req = ListOffsetsRequest {
                    replica_id: -1,
                    isolation_level,
                    topics: by_topic
                        .into_iter()
                        .map(|(name, partitions)| ListOffsetsTopic { name, partitions })
                        .collect(),
                    ..ListOffsetsRequest::default()
                };
                let conn = match self.client.connection(leader).await {
                    Ok(c) => c,
                    Err(e) => {
                        self.client.request_metadata_update();
                        self.backoff_or(deadline, e).await?;
                        pending.extend(parts);
                        continue;
                    }
                };
                let v = conn
                    .version_in::<ListOffsetsRequest>(min_version, ListOffsetsRequest::CLIENT_MAX_VERSION)?;
                let resp = conn.send_version(&req, v).await?;
                for t in resp.topics {
                    for p in t.partitions {
                        let retry = matches!(p.error_code, NOT_LEADER_OR_FOLLOWER | LEADER_NOT_AVAILABLE);
                        if retry && Instant::now() < deadline {
                            pending.push((t.name.clone(), p.partition_index));
                        } else {
                            out.push((t.name.clone(), p));
                        }
                    }
                }
            }
            if !pending.is_empty() {
                self.backoff_or(deadline, Error::broker(NOT_LEADER_OR_FOLLOWER, "list_offsets")).await?;
            }
        }
        Ok(out)
    }
}
