//! One module per Kafka API. Each defines the request and response structs, implements
//! [`Message`](crate::protocol::Message) for both (every version in the claimed range) and
//! [`Request`](crate::protocol::Request) for the request.

pub mod api_versions;

pub use api_versions::{ApiVersionRange, ApiVersionsRequest, ApiVersionsResponse};

#[cfg(test)]
pub(crate) mod test_util {
    use crate::protocol::Message;
    use bytes::BytesMut;

    /// Encodes `msg` at `version`, decodes it back and checks equality and full consumption.
    pub fn roundtrip<M: Message + PartialEq + std::fmt::Debug>(msg: &M, version: i16) {
        let mut b = BytesMut::new();
        msg.encode(&mut b, version).expect("encode");
        let mut r = b.freeze();
        let back = M::decode(&mut r, version).expect("decode");
        assert_eq!(&back, msg, "version {version}");
        assert!(r.is_empty(), "{} trailing bytes at version {version}", r.len());
    }
}

// Admin APIs
#[cfg(test)]
mod admin_golden_tests;
#[cfg(test)]
mod admin_test_util;
pub mod alter_configs;
pub mod create_partitions;
pub mod create_topics;
pub mod delete_groups;
pub mod delete_records;
pub mod delete_topics;
pub mod describe_cluster;
pub mod describe_configs;
pub mod describe_groups;
pub mod incremental_alter_configs;
pub mod list_groups;
pub mod offset_delete;

pub use alter_configs::{
    AlterConfigsRequest, AlterConfigsResource, AlterConfigsResourceResponse, AlterConfigsResponse,
    AlterableConfig,
};
pub use create_partitions::{
    CreatePartitionsAssignment, CreatePartitionsRequest, CreatePartitionsResponse, CreatePartitionsTopic,
    CreatePartitionsTopicResult,
};
pub use create_topics::{
    CreatableReplicaAssignment, CreatableTopic, CreatableTopicConfig, CreatableTopicConfigResult,
    CreatableTopicResult, CreateTopicsRequest, CreateTopicsResponse,
};
pub use delete_groups::{DeletableGroupResult, DeleteGroupsRequest, DeleteGroupsResponse};
pub use delete_records::{
    DeleteRecordsPartition, DeleteRecordsPartitionResult, DeleteRecordsRequest, DeleteRecordsResponse,
    DeleteRecordsTopic, DeleteRecordsTopicResult,
};
pub use delete_topics::{DeletableTopicResult, DeleteTopicState, DeleteTopicsRequest, DeleteTopicsResponse};
pub use describe_cluster::{DescribeClusterBroker, DescribeClusterRequest, DescribeClusterResponse};
pub use describe_configs::{
    DescribeConfigsRequest, DescribeConfigsResource, DescribeConfigsResourceResult, DescribeConfigsResponse,
    DescribeConfigsResult, DescribeConfigsSynonym,
};
pub use describe_groups::{
    DescribeGroupsRequest, DescribeGroupsResponse, DescribedGroup, DescribedGroupMember,
};
pub use incremental_alter_configs::{
    IncrementalAlterConfigsRequest, IncrementalAlterConfigsResource, IncrementalAlterConfigsResponse,
    IncrementalAlterableConfig,
};
pub use list_groups::{ListGroupsRequest, ListGroupsResponse, ListedGroup};
pub use offset_delete::{
    OffsetDeleteRequest, OffsetDeleteRequestPartition, OffsetDeleteRequestTopic, OffsetDeleteResponse,
    OffsetDeleteResponsePartition, OffsetDeleteResponseTopic,
};
