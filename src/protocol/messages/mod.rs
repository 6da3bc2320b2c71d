//! One module per Kafka API. Each defines the request and response structs, implements
//! [`Message`](crate::protocol::Message) for both (every version in the claimed range) and
//! [`Request`](crate::protocol::Request) for the request.

pub mod add_offsets_to_txn;
pub mod add_partitions_to_txn;
pub mod api_versions;
pub mod consumer_protocol;
pub mod describe_producers;
pub mod describe_transactions;
pub mod end_txn;
pub mod fetch;
pub mod find_coordinator;
pub mod heartbeat;
pub mod init_producer_id;
pub mod join_group;
pub mod leave_group;
pub mod list_offsets;
pub mod list_transactions;
pub mod metadata;
pub mod offset_commit;
pub mod offset_fetch;
pub mod produce;
pub mod sync_group;
pub mod txn_offset_commit;
pub mod write_txn_markers;

pub use api_versions::{ApiVersionRange, ApiVersionsRequest, ApiVersionsResponse};
pub use consumer_protocol::{ConsumerProtocolAssignment, ConsumerProtocolSubscription, TopicPartitions};
pub use fetch::{
    AbortedTransaction, EpochEndOffset, FetchPartition, FetchRequest, FetchResponse, FetchTopic,
    FetchablePartitionResponse, FetchableTopicResponse, ForgottenTopic, LeaderIdAndEpoch,
};
pub use find_coordinator::{Coordinator, FindCoordinatorRequest, FindCoordinatorResponse};
pub use heartbeat::{HeartbeatRequest, HeartbeatResponse};
pub use init_producer_id::{InitProducerIdRequest, InitProducerIdResponse};
pub use join_group::{
    JoinGroupRequest, JoinGroupRequestProtocol, JoinGroupResponse, JoinGroupResponseMember,
};
pub use leave_group::{LeaveGroupRequest, LeaveGroupResponse, MemberIdentity, MemberResponse};
pub use list_offsets::{
    ListOffsetsPartition, ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsResponse,
    ListOffsetsTopic, ListOffsetsTopicResponse,
};
pub use metadata::{
    MetadataRequest, MetadataRequestTopic, MetadataResponse, MetadataResponseBroker,
    MetadataResponsePartition, MetadataResponseTopic,
};
pub use offset_commit::{
    OffsetCommitRequest, OffsetCommitRequestPartition, OffsetCommitRequestTopic, OffsetCommitResponse,
    OffsetCommitResponsePartition, OffsetCommitResponseTopic,
};
pub use offset_fetch::{
    OffsetFetchRequest, OffsetFetchRequestTopic, OffsetFetchResponse, OffsetFetchResponsePartition,
    OffsetFetchResponseTopic,
};
pub use produce::{
    BatchIndexAndErrorMessage, PartitionProduceData, PartitionProduceResponse, ProduceRequest,
    ProduceResponse, TopicProduceData, TopicProduceResponse,
};
pub use sync_group::{SyncGroupRequest, SyncGroupRequestAssignment, SyncGroupResponse};
// Transactions (hand-written, to be migrated with the others).
pub use add_offsets_to_txn::{AddOffsetsToTxnRequest, AddOffsetsToTxnResponse};
pub use add_partitions_to_txn::{
    AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, AddPartitionsToTxnTopic,
};
pub use describe_producers::{DescribeProducersRequest, DescribeProducersResponse, DescribeProducersTopic};
pub use describe_transactions::{DescribeTransactionsRequest, DescribeTransactionsResponse};
pub use end_txn::{EndTxnRequest, EndTxnResponse};
pub use list_transactions::{ListTransactionsRequest, ListTransactionsResponse};
pub use txn_offset_commit::{
    TxnOffsetCommitRequest, TxnOffsetCommitRequestPartition, TxnOffsetCommitRequestTopic,
    TxnOffsetCommitResponse,
};
pub use write_txn_markers::{
    WritableTxnMarker, WritableTxnMarkerTopic, WriteTxnMarkersRequest, WriteTxnMarkersResponse,
};

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::{get_tagged_fields, put_empty_tagged_fields, DecodeResult};

/// Writes an empty tagged-field section when `flexible`.
#[inline]
pub(crate) fn put_tags(buf: &mut BytesMut, flexible: bool) {
    if flexible {
        put_empty_tagged_fields(buf);
    }
}

/// Reads and discards a tagged-field section when `flexible` (no tag we skip is needed by a client).
#[inline]
pub(crate) fn skip_tags(buf: &mut Bytes, flexible: bool) -> DecodeResult<()> {
    if flexible {
        get_tagged_fields(buf)?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_util {
    use crate::protocol::Message;
    use bytes::{Bytes, BytesMut};
    use proptest::prelude::*;

    /// Encodes `msg` at `version`, decodes it back and checks equality and full consumption.
    pub fn roundtrip<M: Message + PartialEq + std::fmt::Debug>(msg: &M, version: i16) {
        let mut b = BytesMut::new();
        msg.encode(&mut b, version).expect("encode");
        let mut r = b.freeze();
        let back = M::decode(&mut r, version).expect("decode");
        assert_eq!(&back, msg, "version {version}");
        assert!(r.is_empty(), "{} trailing bytes at version {version}", r.len());
    }

    /// Encodes `msg` at `version`; every strict prefix must fail to decode, never panic.
    pub fn truncations<M: Message + std::fmt::Debug>(msg: &M, version: i16) {
        let mut b = BytesMut::new();
        msg.encode(&mut b, version).expect("encode");
        let full = b.freeze();
        for n in 0..full.len() {
            let mut p = full.slice(..n);
            assert!(
                M::decode(&mut p, version).is_err(),
                "prefix {n} of {} decoded at v{version}",
                full.len()
            );
        }
    }

    /// For each version `v` in `versions`: `canon(msg, v)` (`msg` with the fields `v` does not carry
    /// set to what decoding gives back) must [`roundtrip`] at `v`, and its [`truncations`] must fail.
    pub fn roundtrip_versions<M: Message + Clone + PartialEq + std::fmt::Debug>(
        msg: &M,
        versions: impl IntoIterator<Item = i16>,
        canon: impl Fn(M, i16) -> M,
    ) {
        for v in versions {
            let m = canon(msg.clone(), v);
            roundtrip(&m, v);
            truncations(&m, v);
        }
    }

    /// Decodes `data` at each version in `versions` as the message type `_strategy` generates,
    /// ignoring the result: garbage may fail to decode, but must not panic.
    pub fn decode_garbage<S: Strategy>(_strategy: &S, data: &Bytes, versions: impl IntoIterator<Item = i16>)
    where
        S::Value: Message,
    {
        for v in versions {
            let _ = S::Value::decode(&mut data.clone(), v);
        }
    }

    /// The canonicalisation of a message whose every field is carried by every version.
    pub fn unchanged<M>(msg: M, _version: i16) -> M {
        msg
    }

    /// Generates a message module's three standard property tests (32 cases each, unless
    /// `cases: n` follows), from the module's version range, its request and response strategy
    /// functions, each with an optional `=> canonicalisation` (see [`roundtrip_versions`]; none
    /// when every version carries every field), and the bound on the garbage length:
    ///
    /// - `request_roundtrip`: a generated request, canonicalised for each version in the range,
    ///   round-trips at that version and no strict prefix of its encoding decodes
    ///   ([`roundtrip_versions`]);
    /// - `response_roundtrip`: the same for a generated response;
    /// - `garbage`: fewer than `garbage` random bytes make neither decoder panic, at any version in
    ///   the range ([`decode_garbage`]).
    ///
    /// The message types are the strategies' value types.
    ///
    /// ```ignore
    /// message_proptests!(MIN..=MAX, arb_request => canon_request, arb_response, garbage: 256);
    /// ```
    macro_rules! message_proptests {
        (
            $versions:expr,
            $arb_req:expr $(=> $canon_req:expr)?,
            $arb_resp:expr $(=> $canon_resp:expr)?,
            garbage: $garbage:expr
            $(, cases: $cases:expr)? $(,)?
        ) => {
            ::proptest::proptest! {
                #![proptest_config(::proptest::prelude::ProptestConfig::with_cases(
                    $crate::protocol::messages::test_util::message_proptests!(@cases $($cases)?)
                ))]

                #[test]
                fn request_roundtrip(m in ($arb_req)()) {
                    use $crate::protocol::messages::test_util::{message_proptests, roundtrip_versions};
                    roundtrip_versions(&m, $versions, message_proptests!(@canon $($canon_req)?));
                }

                #[test]
                fn response_roundtrip(m in ($arb_resp)()) {
                    use $crate::protocol::messages::test_util::{message_proptests, roundtrip_versions};
                    roundtrip_versions(&m, $versions, message_proptests!(@canon $($canon_resp)?));
                }

                #[test]
                fn garbage(
                    data in ::proptest::collection::vec(::proptest::prelude::any::<u8>(), 0..$garbage)
                ) {
                    use $crate::protocol::messages::test_util::decode_garbage;
                    let data = ::bytes::Bytes::from(data);
                    decode_garbage(&($arb_req)(), &data, $versions);
                    decode_garbage(&($arb_resp)(), &data, $versions);
                }
            }
        };
        // The case count, 32 unless given.
        (@cases) => {
            32
        };
        (@cases $cases:expr) => {
            $cases
        };
        // The canonicalisation, none unless given.
        (@canon) => {
            $crate::protocol::messages::test_util::unchanged
        };
        (@canon $canon:expr) => {
            $canon
        };
    }
    pub(crate) use message_proptests;

    /// Encodes `msg` at `version` and returns the bytes.
    pub fn encoded<M: Message>(msg: &M, version: i16) -> Vec<u8> {
        let mut b = BytesMut::new();
        msg.encode(&mut b, version).expect("encode");
        b.to_vec()
    }

    pub fn string() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9._-]{0,12}"
    }

    pub fn opt_string() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(string())
    }

    pub fn uuid() -> impl Strategy<Value = [u8; 16]> {
        any::<[u8; 16]>()
    }

    pub fn opt_bytes() -> impl Strategy<Value = Option<Bytes>> {
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..48).prop_map(Bytes::from))
    }

    pub fn vec<T: std::fmt::Debug>(s: impl Strategy<Value = T>, max: usize) -> impl Strategy<Value = Vec<T>> {
        proptest::collection::vec(s, 0..=max)
    }
}

// Admin APIs
#[cfg(test)]
mod admin_golden_tests;
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
