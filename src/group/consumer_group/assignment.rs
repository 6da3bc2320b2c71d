//! Topic ids in ConsumerGroupHeartbeat assignments ↔ topic names, through the client's
//! metadata cache (Metadata v10+ carries topic ids).

use std::collections::{BTreeSet, HashMap};

use crate::consumer::subscription::TopicPartition;
use crate::network::Client;
use crate::protocol::messages::HeartbeatTopicPartitions;

/// Resolves `assigned` to names; `None` while a topic id is not in the metadata cache.
/// Learned ids are remembered in `ids` (name → id) for the owned partitions we report.
pub(super) fn resolve(
    client: &Client,
    assigned: &[HeartbeatTopicPartitions],
    ids: &mut HashMap<String, [u8; 16]>,
) -> Option<BTreeSet<TopicPartition>> {
    let snap = client.cluster();
    let by_id: HashMap<[u8; 16], &str> =
        snap.topics.values().map(|t| (t.topic_id, t.name.as_str())).collect();
    let mut out = BTreeSet::new();
    for tp in assigned {
        let name = by_id.get(&tp.topic_id)?;
        ids.insert((*name).to_string(), tp.topic_id);
        out.extend(tp.partitions.iter().map(|p| TopicPartition::new(*name, *p)));
    }
    Some(out)
}

/// The owned partitions as the request carries them (by topic id). Topics whose id is unknown
/// are looked up in the metadata cache.
pub(super) fn owned_by_id(
    client: &Client,
    owned: &BTreeSet<TopicPartition>,
    ids: &HashMap<String, [u8; 16]>,
) -> Vec<HeartbeatTopicPartitions> {
    let snap = client.cluster();
    let mut grouped: std::collections::BTreeMap<&str, Vec<i32>> = std::collections::BTreeMap::new();
    for tp in owned {
        grouped.entry(tp.topic.as_str()).or_default().push(tp.partition);
    }
    grouped
        .into_iter()
        .filter_map(|(topic, partitions)| {
            let id = ids.get(topic).copied().or_else(|| snap.topic(topic).map(|t| t.topic_id))?;
            Some(HeartbeatTopicPartitions { topic_id: id, partitions })
        })
        .collect()
}
