//! Hanging-transaction tooling (KIP-664): ListTransactions at every broker, DescribeTransactions
//! at each transactional id's coordinator, DescribeProducers at partition leaders, and an abort
//! of a transaction on one partition with WriteTxnMarkers at its leader.

use std::collections::BTreeMap;

use super::Admin;
use crate::error::{Error, Result};
use crate::protocol::error_code::{COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR};
use crate::protocol::messages::describe_transactions::DescribedTransaction as TransactionState;
use crate::protocol::messages::*;

impl Admin {
    /// ListTransactions at each of `brokers` (None: every broker); (broker id, response) pairs.
    pub async fn list_transactions(
        &self,
        brokers: Option<Vec<i32>>,
        req: ListTransactionsRequest,
    ) -> Result<Vec<(i32, ListTransactionsResponse)>> {
        let brokers = match brokers {
            Some(b) => b,
            None => {
                self.client.fetch_metadata(Some(Vec::new())).await?;
                let mut ids: Vec<i32> = self.client.cluster().brokers.keys().copied().collect();
                ids.sort_unstable();
                ids
            }
        };
        let mut out = Vec::new();
        for id in brokers {
            out.push((id, self.send_node(id, &req).await?));
        }
        Ok(out)
    }

    /// DescribeTransactions at the coordinator of each transactional id; (coordinator, state).
    pub async fn describe_transactions(&self, ids: &[String]) -> Result<Vec<(i32, TransactionState)>> {
        let deadline = self.deadline(None);
        let mut by_node: BTreeMap<i32, Vec<String>> = BTreeMap::new();
        for id in ids {
            let node = loop {
                let req = FindCoordinatorRequest::new(id.clone(), find_coordinator::KEY_TYPE_TRANSACTION);
                let resp = self.send_any(&req).await?;
                match resp.coordinators(id).into_iter().next() {
                    Some(c) if c.error_code == 0 && c.node_id >= 0 => break c.node_id,
                    Some(c)
                        if matches!(
                            c.error_code,
                            NOT_COORDINATOR | COORDINATOR_NOT_AVAILABLE | COORDINATOR_LOAD_IN_PROGRESS
                        ) =>
                    {
                        self.backoff_or(
                            deadline,
                            Error::broker(c.error_code, format!("transactional id {id:?}")),
                        )
                        .await?
                    }
                    Some(c) => return Err(Error::broker(c.error_code, c.error_message.unwrap_or_default())),
                    None => {
                        self.backoff_or(deadline, Error::broker(COORDINATOR_NOT_AVAILABLE, "no coordinator"))
                            .await?
                    }
                }
            };
            by_node.entry(node).or_default().push(id.clone());
        }
        let mut out = Vec::new();
        for (node, transactional_ids) in by_node {
            let resp = self.send_node(node, &DescribeTransactionsRequest { transactional_ids }).await?;
            out.extend(resp.transaction_states.into_iter().map(|s| (node, s)));
        }
        Ok(out)
    }

    /// DescribeProducers of `partitions` at their leaders (or at `broker` for all).
    pub async fn describe_producers(
        &self,
        partitions: &[(String, i32)],
        broker: Option<i32>,
    ) -> Result<Vec<DescribeProducersResponse>> {
        let routes: BTreeMap<i32, Vec<(String, i32)>> = match broker {
            Some(b) => BTreeMap::from([(b, partitions.to_vec())]),
            None => self.leaders(partitions, self.deadline(None)).await?,
        };
        let mut out = Vec::new();
        for (node, parts) in routes {
            let mut topics: Vec<DescribeProducersTopic> = Vec::new();
            for (t, p) in parts {
                match topics.iter_mut().find(|x| x.name == t) {
                    Some(x) => x.partition_indexes.push(p),
                    None => topics.push(DescribeProducersTopic { name: t, partition_indexes: vec![p] }),
                }
            }
            out.push(self.send_node(node, &DescribeProducersRequest { topics }).await?);
        }
        Ok(out)
    }

    /// Aborts the transaction of (`producer_id`, `producer_epoch`) on one partition: an ABORT
    /// marker written by the partition's leader. Returns the partition's error code.
    pub async fn abort_transaction(
        &self,
        topic: String,
        partition: i32,
        producer_id: i64,
        producer_epoch: i16,
        coordinator_epoch: i32,
    ) -> Result<i16> {
        let routes = self.leaders(&[(topic.clone(), partition)], self.deadline(None)).await?;
        let Some(leader) = routes.keys().next().copied() else {
            return Err(Error::Other(format!("no leader for {topic}-{partition}")));
        };
        let req = WriteTxnMarkersRequest {
            markers: vec![WritableTxnMarker {
                producer_id,
                producer_epoch,
                transaction_result: false,
                topics: vec![WritableTxnMarkerTopic { name: topic, partition_indexes: vec![partition] }],
                coordinator_epoch,
                ..WritableTxnMarker::default()
            }],
        };
        let resp = self.send_node(leader, &req).await?;
        Ok(resp
            .markers
            .iter()
            .flat_map(|m| m.topics.iter())
            .flat_map(|t| t.partitions.iter())
            .map(|p| p.error_code)
            .find(|c| *c != 0)
            .unwrap_or(0))
    }
}
