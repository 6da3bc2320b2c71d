//! Configs: DescribeConfigs, AlterConfigs / IncrementalAlterConfigs, routed per resource.

use std::collections::BTreeMap;

use super::Admin;
use crate::error::{Error, Result};
use crate::protocol::messages::*;
use crate::protocol::{ApiKey, Request};

/// ConfigResource type codes that are addressed to one broker (BROKER, BROKER_LOGGER).
const RESOURCE_BROKER: i8 = 4;
const RESOURCE_BROKER_LOGGER: i8 = 8;
/// IncrementalAlterConfigs operation SET.
pub const CONFIG_OP_SET: i8 = 0;

/// Config resources split by destination: per broker id, and for any broker.
type Routed<T> = (BTreeMap<i32, Vec<T>>, Vec<T>);

impl Admin {
    /// Splits config resources into per-broker batches (BROKER / BROKER_LOGGER resources go to the
    /// broker they name) and one batch for any broker.
    fn route_resources<T>(resources: Vec<T>, kind: impl Fn(&T) -> (i8, &str)) -> Result<Routed<T>> {
        let mut per_broker: BTreeMap<i32, Vec<T>> = BTreeMap::new();
        let mut any = Vec::new();
        for r in resources {
            let (ty, name) = kind(&r);
            if ty == RESOURCE_BROKER || ty == RESOURCE_BROKER_LOGGER {
                if name.is_empty() {
                    // The cluster-wide default broker config: any broker answers.
                    any.push(r);
                    continue;
                }
                let id: i32 = name.trim().parse().map_err(|_| {
                    Error::InvalidArgument(format!(
                        "Broker resource names must be an integer or a string represented integer, got {name:?}"
                    ))
                })?;
                per_broker.entry(id).or_default().push(r);
            } else {
                any.push(r);
            }
        }
        Ok((per_broker, any))
    }

    /// DescribeConfigs, routed per resource.
    pub async fn describe_configs(
        &self,
        resources: Vec<DescribeConfigsResource>,
        include_synonyms: bool,
        include_documentation: bool,
    ) -> Result<Vec<DescribeConfigsResult>> {
        let (per_broker, any) = Self::route_resources(resources, |r: &DescribeConfigsResource| {
            (r.resource_type, &r.resource_name)
        })?;
        let mut out = Vec::new();
        let mut batches: Vec<(Option<i32>, Vec<DescribeConfigsResource>)> =
            per_broker.into_iter().map(|(k, v)| (Some(k), v)).collect();
        if !any.is_empty() {
            batches.push((None, any));
        }
        for (node, batch) in batches {
            let req = DescribeConfigsRequest { resources: batch, include_synonyms, include_documentation };
            let conn = match node {
                Some(id) => self.client.connection(id).await,
                None => self.client.any_connection().await,
            };
            let conn = match conn {
                Ok(c) => c,
                Err(_) if node.is_some() => {
                    self.client.fetch_metadata(Some(Vec::new())).await?;
                    self.client.connection(node.unwrap_or_default()).await?
                }
                Err(e) => return Err(e),
            };
            let min = match (include_documentation, include_synonyms) {
                (true, _) => 3,
                (false, true) => 1,
                _ => 0,
            };
            let v =
                conn.version_in::<DescribeConfigsRequest>(min, DescribeConfigsRequest::CLIENT_MAX_VERSION)?;
            out.extend(conn.send_version(&req, v).await?.results);
        }
        Ok(out)
    }

    /// Alters configs: IncrementalAlterConfigs when `incremental` (None: when the broker has it),
    /// else AlterConfigs (SET only; the caller must pass every key to keep).
    pub async fn alter_configs(
        &self,
        resources: Vec<IncrementalAlterConfigsResource>,
        validate_only: bool,
        incremental: Option<bool>,
    ) -> Result<Vec<AlterConfigsResourceResponse>> {
        let incremental = match incremental {
            Some(b) => b,
            None => self.supports(ApiKey::IncrementalAlterConfigs).await?,
        };
        let (per_broker, any) = Self::route_resources(resources, |r: &IncrementalAlterConfigsResource| {
            (r.resource_type, &r.resource_name)
        })?;
        let mut batches: Vec<(Option<i32>, Vec<IncrementalAlterConfigsResource>)> =
            per_broker.into_iter().map(|(k, v)| (Some(k), v)).collect();
        if !any.is_empty() {
            batches.push((None, any));
        }
        let mut out = Vec::new();
        for (node, batch) in batches {
            let responses = if incremental {
                let req = IncrementalAlterConfigsRequest { resources: batch, validate_only };
                match node {
                    Some(id) => self.send_node(id, &req).await?.responses,
                    None => self.send_any(&req).await?.responses,
                }
            } else {
                let mut legacy = Vec::new();
                for r in batch {
                    if let Some(c) = r.configs.iter().find(|c| c.config_operation != CONFIG_OP_SET) {
                        return Err(Error::InvalidArgument(format!(
                            "Non-incremental AlterConfigsRequest does not support operation {} on {} (SET only)",
                            c.config_operation, c.name
                        )));
                    }
                    legacy.push(AlterConfigsResource {
                        resource_type: r.resource_type,
                        resource_name: r.resource_name,
                        configs: r
                            .configs
                            .into_iter()
                            .map(|c| AlterableConfig { name: c.name, value: c.value })
                            .collect(),
                    });
                }
                let req = AlterConfigsRequest { resources: legacy, validate_only };
                match node {
                    Some(id) => self.send_node(id, &req).await?.responses,
                    None => self.send_any(&req).await?.responses,
                }
            };
            out.extend(responses);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_broker_resources_to_their_broker() {
        let res =
            vec![(RESOURCE_BROKER, "1"), (2, "topic"), (RESOURCE_BROKER_LOGGER, "2"), (RESOURCE_BROKER, "")];
        let (per, any) = Admin::route_resources(res, |r| (r.0, r.1)).unwrap_or_default();
        assert_eq!(per.get(&1).map(Vec::len), Some(1));
        assert_eq!(per.get(&2).map(Vec::len), Some(1));
        assert_eq!(any.len(), 2);
        let bad = Admin::route_resources(vec![(RESOURCE_BROKER, "x")], |r| (r.0, r.1));
        assert!(matches!(bad, Err(Error::InvalidArgument(_))));
    }
}
