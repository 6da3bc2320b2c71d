//! Topics: CreateTopics, CreatePartitions (at the controller) and DescribeCluster. DeleteTopics
//! goes through the generic `Admin.request` (by name or topic id, from Python).

use super::{Admin, ClusterDescription};
use crate::error::{Error, Result};
use crate::protocol::messages::*;
use crate::protocol::ApiKey;

impl Admin {
    /// CreateTopics at the controller.
    pub async fn create_topics(&self, req: CreateTopicsRequest) -> Result<CreateTopicsResponse> {
        let t = Some(req.timeout_ms);
        self.send_to_controller(&req, t, |r: &CreateTopicsResponse| {
            r.topics.iter().map(|t| t.error_code).collect()
        })
        .await
    }

    /// CreatePartitions at the controller.
    pub async fn create_partitions(&self, req: CreatePartitionsRequest) -> Result<CreatePartitionsResponse> {
        let t = Some(req.timeout_ms);
        self.send_to_controller(&req, t, |r: &CreatePartitionsResponse| {
            r.results.iter().map(|t| t.error_code).collect()
        })
        .await
    }

    /// DescribeCluster, falling back to Metadata on brokers without it.
    pub async fn describe_cluster(&self) -> Result<ClusterDescription> {
        if self.supports(ApiKey::DescribeCluster).await? {
            let req = DescribeClusterRequest {
                include_cluster_authorized_operations: false,
                endpoint_type: 1,
                include_fenced_brokers: false,
            };
            let conn = self.client.any_connection().await?;
            let v = conn.version_for::<DescribeClusterRequest>()?;
            let resp = conn.send_version(&req, v).await?;
            if resp.error_code != 0 {
                return Err(Error::broker(resp.error_code, resp.error_message.unwrap_or_default()));
            }
            return Ok(ClusterDescription {
                cluster_id: Some(resp.cluster_id),
                controller_id: resp.controller_id,
                brokers: resp.brokers,
            });
        }
        let md = self.metadata(Some(Vec::new())).await?;
        Ok(ClusterDescription {
            cluster_id: md.cluster_id,
            controller_id: md.controller_id,
            brokers: md
                .brokers
                .into_iter()
                .map(|b| DescribeClusterBroker {
                    broker_id: b.node_id,
                    host: b.host,
                    port: b.port,
                    rack: b.rack,
                    is_fenced: false,
                })
                .collect(),
        })
    }
}
