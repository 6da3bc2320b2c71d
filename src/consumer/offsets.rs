//! ListOffsets: beginning/end offsets, offsets_for_times and offset resets, sent to each
//! partition's leader and retried on leadership changes until a deadline.

use std::collections::BTreeMap;
use std::time::Instant;

use super::subscription::TopicPartition;
use crate::error::{Error, Result};
use crate::network::Client;
use crate::protocol::error_code as ec;
use crate::protocol::messages::{ListOffsetsPartition, ListOffsetsRequest, ListOffsetsTopic};

/// The answer for one partition: offset (-1: none), timestamp, leader epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetAnswer {
    pub offset: i64,
    pub timestamp: i64,
    pub leader_epoch: i32,
}

fn retriable(code: i16) -> bool {
    matches!(
        code,
        ec::NOT_LEADER_OR_FOLLOWER
            | ec::UNKNOWN_TOPIC_OR_PARTITION
            | ec::LEADER_NOT_AVAILABLE
            | ec::FENCED_LEADER_EPOCH
            | ec::UNKNOWN_LEADER_EPOCH
            | ec::OFFSET_NOT_AVAILABLE
            | ec::REQUEST_TIMED_OUT
            | ec::KAFKA_STORAGE_ERROR
    )
}

/// Looks up `(partition, timestamp)` pairs (-2 earliest, -1 latest, else a time in ms).
pub async fn list_offsets(
    client: &Client,
    queries: &[(TopicPartition, i64)],
    isolation_level: i8,
    deadline: Instant,
) -> Result<BTreeMap<TopicPartition, OffsetAnswer>> {
    let mut out = BTreeMap::new();
    let mut todo: Vec<(TopicPartition, i64)> = queries.to_vec();
    client.add_topics(queries.iter().map(|(tp, _)| tp.topic.as_str()));
    loop {
        let snap = client.ensure_metadata().await.unwrap_or_else(|_| client.cluster());
        let mut by_leader: BTreeMap<i32, Vec<(TopicPartition, i64)>> = BTreeMap::new();
        let mut retry = Vec::new();
        for (tp, ts) in todo.drain(..) {
            match snap.leader_for(&tp.topic, tp.partition) {
                Some(l) => by_leader.entry(l).or_default().push((tp, ts)),
                None => retry.push((tp, ts)),
            }
        }
        let mut last_err: Option<Error> = None;
        for (leader, parts) in by_leader {
            let mut topics: BTreeMap<&str, Vec<ListOffsetsPartition>> = BTreeMap::new();
            for (tp, ts) in &parts {
                topics.entry(tp.topic.as_str()).or_default().push(ListOffsetsPartition {
                    partition_index: tp.partition,
                    current_leader_epoch: -1,
                    timestamp: *ts,
                });
            }
            let req = ListOffsetsRequest {
                replica_id: -1,
                isolation_level,
                topics: topics
                    .into_iter()
                    .map(|(name, partitions)| ListOffsetsTopic { name: name.to_string(), partitions })
                    .collect(),
                ..ListOffsetsRequest::default()
            };
            match client.send_to(leader, &req).await {
                Ok(resp) => {
                    for t in resp.topics {
                        for p in t.partitions {
                            let tp = TopicPartition::new(t.name.clone(), p.partition_index);
                            let Some(ts) = parts.iter().find(|(q, _)| *q == tp).map(|(_, ts)| *ts) else {
                                continue;
                            };
                            match p.error_code {
                                0 => {
                                    out.insert(
                                        tp,
                                        OffsetAnswer {
                                            offset: p.offset,
                                            timestamp: p.timestamp,
                                            leader_epoch: p.leader_epoch,
                                        },
                                    );
                                }
                                c if retriable(c) => {
                                    last_err = Some(Error::broker(c, "ListOffsets"));
                                    retry.push((tp, ts));
                                }
                                c => {
                                    return Err(Error::broker(
                                        c,
                                        format!("ListOffsets for {}-{}", tp.topic, tp.partition),
                                    ))
                                }
                            }
                        }
                    }
                }
                Err(e) if e.is_retriable() => {
                    last_err = Some(e);
                    retry.extend(parts);
                }
                Err(e) => return Err(e),
            }
        }
        if retry.is_empty() {
            return Ok(out);
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout(format!(
                "Failed to get offsets by timestamps in time{}",
                last_err.map(|e| format!(": {e}")).unwrap_or_default()
            )));
        }
        client.request_metadata_update();
        tokio::time::sleep(client.config().retry_backoff).await;
        todo = retry;
    }
}
