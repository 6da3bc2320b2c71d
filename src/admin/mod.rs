//! The admin client core: routes admin requests to the broker the protocol requires (the
//! controller, a group's coordinator or a partition's leader), negotiates versions and retries on
//! `NOT_CONTROLLER`, coordinator moves and leader moves until a deadline.
//!
//! Methods return the protocol responses (or their per-item results); turning per-item error codes
//! into exceptions is left to the caller, which knows the user-facing shape (kafka-python raises
//! for some methods and reports codes for others).

mod configs;
mod groups;
mod records;
mod routing;
mod topics;
mod transactions;

pub use configs::CONFIG_OP_SET;
pub use routing::Route;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::network::{Client, ClientConfig};
use crate::protocol::error_code::NOT_CONTROLLER;
use crate::protocol::messages::*;
use crate::protocol::{ApiKey, Request};

/// The cluster as DescribeCluster (or Metadata on older brokers) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterDescription {
    pub cluster_id: Option<String>,
    pub controller_id: i32,
    pub brokers: Vec<DescribeClusterBroker>,
}

/// An admin client. Cheap to share behind an `Arc`.
pub struct Admin {
    client: Arc<Client>,
    controller: Mutex<Option<i32>>,
    /// group id -> coordinator address ("host:port").
    coordinators: Mutex<HashMap<String, String>>,
}

impl Admin {
    /// Creates the admin client; connections are opened lazily (see [`Admin::bootstrap`]).
    pub fn new(mut config: ClientConfig) -> Admin {
        config.allow_auto_create_topics = false;
        Admin {
            client: Client::new(config),
            controller: Mutex::new(None),
            coordinators: Mutex::new(HashMap::new()),
        }
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    pub fn close(&self) {
        self.client.close();
    }

    fn retry_backoff(&self) -> Duration {
        self.client.config().retry_backoff.max(Duration::from_millis(10))
    }

    /// The deadline for an operation: the broker-side timeout (if any) plus the request timeout.
    fn deadline(&self, timeout_ms: Option<i32>) -> Instant {
        let extra = Duration::from_millis(timeout_ms.unwrap_or(0).max(0) as u64);
        Instant::now() + self.client.config().request_timeout + extra
    }

    /// Sleeps one retry backoff, or fails with `last` if that would pass `deadline`.
    async fn backoff_or(&self, deadline: Instant, last: Error) -> Result<()> {
        let nap = self.retry_backoff();
        if Instant::now() + nap >= deadline {
            return Err(last);
        }
        tokio::time::sleep(nap).await;
        Ok(())
    }

    /// Connects to the cluster and loads broker metadata, retrying until `timeout`.
    pub async fn bootstrap(&self, timeout: Duration) -> Result<()> {
        self.client.bootstrap(timeout).await
    }

    /// Sends `req` to any broker, retrying connection failures until the request timeout.
    async fn send_any<R: Request>(&self, req: &R) -> Result<R::Response> {
        let deadline = self.deadline(None);
        loop {
            match self.client.send_any(req).await {
                Err(e @ Error::Connection(_)) => self.backoff_or(deadline, e).await?,
                other => return other,
            }
        }
    }

    /// Sends `req` to broker `node_id`, refreshing metadata when the broker is not known yet.
    async fn send_node<R: Request>(&self, node_id: i32, req: &R) -> Result<R::Response> {
        if self.client.cluster().broker(node_id).is_none() {
            self.client.fetch_metadata(Some(Vec::new())).await?;
            if self.client.cluster().broker(node_id).is_none() {
                return Err(Error::broker(
                    crate::protocol::error_code::BROKER_NOT_AVAILABLE,
                    format!("broker {node_id} is not in the cluster"),
                ));
            }
        }
        self.client.send_to(node_id, req).await
    }

    /// Raw cluster metadata for `topics` (None: all topics), never auto-creating topics.
    pub async fn metadata(&self, topics: Option<Vec<String>>) -> Result<MetadataResponse> {
        let req = MetadataRequest {
            topics: topics.map(|ts| {
                ts.into_iter()
                    .map(|name| MetadataRequestTopic { topic_id: [0; 16], name: Some(name) })
                    .collect()
            }),
            allow_auto_topic_creation: false,
            include_cluster_authorized_operations: false,
            include_topic_authorized_operations: false,
        };
        self.send_any(&req).await
    }

    /// Whether the broker we talk to supports API `key` at all.
    pub async fn supports(&self, key: ApiKey) -> Result<bool> {
        let conn = self.client.any_connection().await?;
        Ok(conn.broker_versions(key).is_some())
    }

    /// The controller's node id (cached until a NOT_CONTROLLER answer).
    async fn controller(&self, deadline: Instant) -> Result<i32> {
        if let Some(id) = *self.controller.lock() {
            return Ok(id);
        }
        loop {
            let snap = self.client.fetch_metadata(Some(Vec::new())).await?;
            if snap.controller_id >= 0 {
                *self.controller.lock() = Some(snap.controller_id);
                return Ok(snap.controller_id);
            }
            let e = Error::broker(crate::protocol::error_code::BROKER_NOT_AVAILABLE, "no controller elected");
            self.backoff_or(deadline, e).await?;
        }
    }

    /// Sends `req` to the controller; on NOT_CONTROLLER (any item code, as `codes` lists them) or a
    /// lost connection, looks the controller up again and retries until the deadline.
    async fn send_to_controller<R, F>(
        &self,
        req: &R,
        timeout_ms: Option<i32>,
        codes: F,
    ) -> Result<R::Response>
    where
        R: Request,
        F: Fn(&R::Response) -> Vec<i16>,
    {
        let deadline = self.deadline(timeout_ms);
        loop {
            let id = self.controller(deadline).await?;
            match self.send_node(id, req).await {
                Ok(resp) if codes(&resp).contains(&NOT_CONTROLLER) => {
                    *self.controller.lock() = None;
                    self.backoff_or(deadline, Error::broker(NOT_CONTROLLER, "controller moved")).await?;
                }
                Ok(resp) => return Ok(resp),
                Err(e @ Error::Connection(_)) => {
                    *self.controller.lock() = None;
                    self.backoff_or(deadline, e).await?;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
