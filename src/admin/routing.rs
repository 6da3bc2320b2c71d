//! Requests the admin client sends as built by its caller, routed where the protocol requires:
//! any broker, one broker, the controller (retrying `NOT_CONTROLLER`) or a group's coordinator
//! (retrying coordinator moves). The ACL, SCRAM, reassignment, leader election, log-dir, quorum,
//! feature, topic-partition and config-resource APIs go through here; their requests and
//! responses are shaped by the caller.

use std::collections::HashMap;

use super::Admin;
use crate::error::Result;
use crate::protocol::Request;

/// Where an admin request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Any broker (the least loaded connection).
    Any,
    /// One broker, by node id.
    Node(i32),
    /// The controller (in KRaft, a broker that forwards to the active controller).
    Controller,
    /// The coordinator of a consumer group, by group id.
    Coordinator(String),
}

impl Admin {
    /// Sends `req` along `route`. `codes` lists the response's error codes that decide a retry:
    /// `NOT_CONTROLLER` for the controller, the coordinator-moved codes for a coordinator (its
    /// first code is the one checked).
    pub async fn send_routed<R, F>(
        &self,
        route: Route,
        req: &R,
        timeout_ms: Option<i32>,
        codes: F,
    ) -> Result<R::Response>
    where
        R: Request,
        F: Fn(&R::Response) -> Vec<i16>,
    {
        match route {
            Route::Any => self.send_any(req).await,
            Route::Node(id) => self.send_node(id, req).await,
            Route::Controller => self.send_to_controller(req, timeout_ms, codes).await,
            Route::Coordinator(group) => {
                self.send_to_coordinator(&group, None, req, |r| codes(r).first().copied().unwrap_or(0)).await
            }
        }
    }

    /// The node ids of every broker, sorted (metadata refreshed first).
    pub async fn broker_ids(&self) -> Result<Vec<i32>> {
        self.client.fetch_metadata(Some(Vec::new())).await?;
        let mut ids: Vec<i32> = self.client.cluster().brokers.keys().copied().collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// The API versions (key -> (min, max)) broker `node` (None: any broker) supports.
    pub async fn api_versions(&self, node: Option<i32>) -> Result<HashMap<i16, (i16, i16)>> {
        let conn = match node {
            Some(id) => {
                if self.client.cluster().broker(id).is_none() {
                    self.client.fetch_metadata(Some(Vec::new())).await?;
                }
                self.client.connection(id).await?
            }
            None => self.client.any_connection().await?,
        };
        Ok(conn.api_versions().clone())
    }
}
