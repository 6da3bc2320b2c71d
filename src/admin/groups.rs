//! Consumer groups at their coordinator: DescribeGroups, ListGroups, OffsetFetch, OffsetCommit,
//! OffsetDelete, DeleteGroups; coordinator lookups are cached until the coordinator moves.

use std::time::Instant;

use super::Admin;
use crate::error::{Error, Result};
use crate::protocol::error_code::{COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR};
use crate::protocol::messages::*;
use crate::protocol::Request;

/// A group's coordinator errors that mean "find the coordinator again and retry".
fn coordinator_moved(code: i16) -> bool {
    matches!(code, NOT_COORDINATOR | COORDINATOR_NOT_AVAILABLE | COORDINATOR_LOAD_IN_PROGRESS)
}

impl Admin {
    /// The coordinator address of `group` (cached until it moves).
    async fn coordinator(&self, group: &str, deadline: Instant) -> Result<String> {
        if let Some(a) = self.coordinators.lock().get(group) {
            return Ok(a.clone());
        }
        loop {
            let resp =
                self.send_any(&FindCoordinatorRequest::new(group, find_coordinator::KEY_TYPE_GROUP)).await?;
            let found = resp.coordinators(group).into_iter().next();
            let (code, msg) = match found {
                Some(c) if c.error_code == 0 && c.node_id >= 0 => {
                    let addr = format!("{}:{}", c.host, c.port);
                    self.coordinators.lock().insert(group.to_string(), addr.clone());
                    return Ok(addr);
                }
                Some(c) => (c.error_code, c.error_message.unwrap_or_default()),
                None => (COORDINATOR_NOT_AVAILABLE, String::new()),
            };
            let err = Error::broker(code, format!("FindCoordinator for group {group:?}: {msg}"));
            if !coordinator_moved(code) {
                return Err(err);
            }
            self.backoff_or(deadline, err).await?;
        }
    }

    /// Sends `req` to `group`'s coordinator (or to broker `node` when given), retrying when
    /// `code` of the response says the coordinator moved or is loading.
    pub(super) async fn send_to_coordinator<R, F>(
        &self,
        group: &str,
        node: Option<i32>,
        req: &R,
        code: F,
    ) -> Result<R::Response>
    where
        R: Request,
        F: Fn(&R::Response) -> i16,
    {
        let deadline = self.deadline(None);
        loop {
            let sent = match node {
                Some(id) => self.send_node(id, req).await,
                None => {
                    let addr = self.coordinator(group, deadline).await?;
                    match self.client.connect_addr(&addr).await {
                        Ok(conn) => conn.send(req).await,
                        Err(e) => Err(e),
                    }
                }
            };
            match sent {
                Ok(resp) => {
                    let c = code(&resp);
                    if !coordinator_moved(c) {
                        return Ok(resp);
                    }
                    self.coordinators.lock().remove(group);
                    self.backoff_or(deadline, Error::broker(c, format!("group {group:?}"))).await?;
                }
                Err(e @ Error::Connection(_)) => {
                    self.coordinators.lock().remove(group);
                    self.backoff_or(deadline, e).await?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// DescribeGroups, one request per group (groups may live on different coordinators).
    pub async fn describe_groups(&self, groups: &[String], node: Option<i32>) -> Result<Vec<DescribedGroup>> {
        let mut out = Vec::new();
        for g in groups {
            let req = DescribeGroupsRequest { groups: vec![g.clone()], include_authorized_operations: true };
            let resp = self
                .send_to_coordinator(g, node, &req, |r: &DescribeGroupsResponse| {
                    r.groups.first().map_or(0, |x| x.error_code)
                })
                .await?;
            out.extend(resp.groups);
        }
        Ok(out)
    }

    /// ListGroups on each of `brokers` (None: every broker), de-duplicated by group id.
    pub async fn list_groups(
        &self,
        brokers: Option<Vec<i32>>,
        states_filter: Vec<String>,
        types_filter: Vec<String>,
    ) -> Result<Vec<ListedGroup>> {
        let brokers = match brokers {
            Some(b) => b,
            None => {
                let snap = self.client.fetch_metadata(Some(Vec::new())).await?;
                let mut ids: Vec<i32> = snap.brokers.keys().copied().collect();
                ids.sort_unstable();
                ids
            }
        };
        let req = ListGroupsRequest { states_filter, types_filter };
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for id in brokers {
            let resp = self.send_node(id, &req).await?;
            if resp.error_code != 0 {
                return Err(Error::broker(resp.error_code, format!("ListGroups on broker {id}")));
            }
            for g in resp.groups {
                if seen.insert(g.group_id.clone()) {
                    out.push(g);
                }
            }
        }
        Ok(out)
    }

    /// OffsetFetch of one group (`topics` None: every committed offset).
    pub async fn fetch_offsets(
        &self,
        group: &str,
        topics: Option<Vec<OffsetFetchRequestTopic>>,
        node: Option<i32>,
    ) -> Result<OffsetFetchResponse> {
        let all = topics.is_none();
        let req = OffsetFetchRequest { group_id: group.to_string(), topics, require_stable: false };
        match self.send_to_coordinator(group, node, &req, |r: &OffsetFetchResponse| r.error_code).await {
            Err(Error::Decode(e)) if all => {
                // Some brokers (Tansu 0.6) answer "all topics" with a malformed body: ask for
                // every partition of every topic instead and keep the committed ones.
                log::debug!(
                    "OffsetFetch for all topics of {group:?} undecodable ({e}); listing topics explicitly"
                );
                let md = self.metadata(None).await?;
                let topics = md
                    .topics
                    .into_iter()
                    .filter(|t| t.error_code == 0 && !t.is_internal)
                    .filter_map(|t| {
                        let parts = t.partitions.iter().map(|p| p.partition_index).collect();
                        t.name.map(|name| OffsetFetchRequestTopic { name, partition_indexes: parts })
                    })
                    .collect();
                let req = OffsetFetchRequest {
                    group_id: group.to_string(),
                    topics: Some(topics),
                    require_stable: false,
                };
                let mut resp = self
                    .send_to_coordinator(group, node, &req, |r: &OffsetFetchResponse| r.error_code)
                    .await?;
                for t in &mut resp.topics {
                    t.partitions.retain(|p| p.error_code != 0 || p.committed_offset >= 0);
                }
                resp.topics.retain(|t| !t.partitions.is_empty());
                Ok(resp)
            }
            other => other,
        }
    }

    /// DeleteGroups, one request per group.
    pub async fn delete_groups(
        &self,
        groups: &[String],
        node: Option<i32>,
    ) -> Result<Vec<DeletableGroupResult>> {
        let mut out = Vec::new();
        for g in groups {
            let req = DeleteGroupsRequest { groups_names: vec![g.clone()] };
            let resp = self
                .send_to_coordinator(g, node, &req, |r: &DeleteGroupsResponse| {
                    r.results.first().map_or(0, |x| x.error_code)
                })
                .await?;
            out.extend(resp.results);
        }
        Ok(out)
    }

    /// OffsetCommit outside any generation (the group must be empty).
    pub async fn commit_offsets(
        &self,
        group: &str,
        topics: Vec<OffsetCommitRequestTopic>,
        node: Option<i32>,
    ) -> Result<OffsetCommitResponse> {
        let req = OffsetCommitRequest {
            group_id: group.to_string(),
            generation_id: -1,
            member_id: String::new(),
            group_instance_id: None,
            retention_time_ms: -1,
            topics,
        };
        self.send_to_coordinator(group, node, &req, |r: &OffsetCommitResponse| {
            r.topics
                .iter()
                .flat_map(|t| t.partitions.iter())
                .map(|p| p.error_code)
                .find(|c| coordinator_moved(*c))
                .unwrap_or(0)
        })
        .await
    }

    /// OffsetDelete.
    pub async fn delete_offsets(
        &self,
        group: &str,
        topics: Vec<OffsetDeleteRequestTopic>,
        node: Option<i32>,
    ) -> Result<OffsetDeleteResponse> {
        let req = OffsetDeleteRequest { group_id: group.to_string(), topics };
        self.send_to_coordinator(group, node, &req, |r: &OffsetDeleteResponse| r.error_code).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinator_errors_are_retried() {
        assert!(coordinator_moved(NOT_COORDINATOR));
        assert!(coordinator_moved(COORDINATOR_LOAD_IN_PROGRESS));
        assert!(!coordinator_moved(0));
        assert!(!coordinator_moved(69));
    }
}
