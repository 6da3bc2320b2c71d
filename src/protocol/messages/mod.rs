//! One module per Kafka API. Each defines the request and response structs, implements
//! [`Message`](crate::protocol::Message) for both (every version in the claimed range) and
//! [`Request`](crate::protocol::Request) for the request.

pub mod api_versions;
pub mod consumer_protocol;
pub mod fetch;
pub mod find_coordinator;
pub mod heartbeat;
pub mod init_producer_id;
pub mod join_group;
pub mod leave_group;
pub mod list_offsets;
pub mod metadata;
pub mod offset_commit;
pub mod offset_fetch;
pub mod offset_fetch_groups;
pub mod produce;
pub mod sync_group;

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

// SASL and transactions
pub mod add_offsets_to_txn;
pub mod add_partitions_to_txn;
pub mod end_txn;
pub mod sasl_authenticate;
pub mod sasl_handshake;
pub mod txn_offset_commit;
pub mod write_txn_markers;

pub use add_offsets_to_txn::{AddOffsetsToTxnRequest, AddOffsetsToTxnResponse};
pub use add_partitions_to_txn::{
    AddPartitionsToTxnPartitionResult, AddPartitionsToTxnRequest, AddPartitionsToTxnResponse,
    AddPartitionsToTxnResult, AddPartitionsToTxnTopic, AddPartitionsToTxnTopicResult,
    AddPartitionsToTxnTransaction,
};
pub use end_txn::{EndTxnRequest, EndTxnResponse};
pub use sasl_authenticate::{SaslAuthenticateRequest, SaslAuthenticateResponse};
pub use sasl_handshake::{SaslHandshakeRequest, SaslHandshakeResponse};
pub use txn_offset_commit::{
    TxnOffsetCommitRequest, TxnOffsetCommitRequestPartition, TxnOffsetCommitRequestTopic,
    TxnOffsetCommitResponse, TxnOffsetCommitResponsePartition, TxnOffsetCommitResponseTopic,
};
pub use write_txn_markers::{
    WritableTxnMarker, WritableTxnMarkerTopic, WriteTxnMarkersRequest, WriteTxnMarkersResponse,
};

// Transactions, ACLs, SCRAM users, log dirs, reassignments, quorum, features, KIP-848 groups
pub mod alter_partition_reassignments;
pub mod alter_replica_log_dirs;
pub mod alter_user_scram_credentials;
pub mod consumer_group_describe;
pub mod consumer_group_heartbeat;
pub mod create_acls;
pub mod delete_acls;
pub mod describe_acls;
pub mod describe_log_dirs;
pub mod describe_producers;
pub mod describe_quorum;
pub mod describe_topic_partitions;
pub mod describe_transactions;
pub mod describe_user_scram_credentials;
pub mod elect_leaders;
pub mod list_config_resources;
pub mod list_partition_reassignments;
pub mod list_transactions;
pub mod offset_for_leader_epoch;
pub mod update_features;

pub use alter_partition_reassignments::{
    AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse,
};
pub use alter_replica_log_dirs::{AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse};
pub use alter_user_scram_credentials::{AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse};
pub use consumer_group_describe::{ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse};
pub use consumer_group_heartbeat::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, HeartbeatAssignment,
    HeartbeatTopicPartitions,
};
pub use create_acls::{CreateAclsRequest, CreateAclsResponse};
pub use delete_acls::{DeleteAclsRequest, DeleteAclsResponse};
pub use describe_acls::{DescribeAclsRequest, DescribeAclsResponse};
pub use describe_log_dirs::{DescribeLogDirsRequest, DescribeLogDirsResponse};
pub use describe_producers::{DescribeProducersRequest, DescribeProducersResponse, DescribeProducersTopic};
pub use describe_quorum::{DescribeQuorumRequest, DescribeQuorumResponse};
pub use describe_topic_partitions::{DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse};
pub use describe_transactions::{DescribeTransactionsRequest, DescribeTransactionsResponse};
pub use describe_user_scram_credentials::{
    DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse,
};
pub use elect_leaders::{ElectLeadersRequest, ElectLeadersResponse};
pub use list_config_resources::{ListConfigResourcesRequest, ListConfigResourcesResponse};
pub use list_partition_reassignments::{
    ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse,
};
pub use list_transactions::{ListTransactionsRequest, ListTransactionsResponse};
pub use offset_for_leader_epoch::{OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse};
pub use update_features::{UpdateFeaturesRequest, UpdateFeaturesResponse};

use bytes::Bytes;

use crate::protocol::{ApiKey, DecodeResult, Message, Request};

/// One declared API, type-erased: its key, version range and decoders (the fuzzer and the
/// registry tests go through [`APIS`]).
#[derive(Clone, Copy)]
pub struct DeclaredApi {
    pub key: ApiKey,
    pub min_version: i16,
    pub max_version: i16,
    /// The highest version the client negotiates ([`Request::CLIENT_MAX_VERSION`]).
    pub client_max_version: i16,
    pub decode_request: fn(&mut Bytes, i16) -> DecodeResult<()>,
    pub decode_response: fn(&mut Bytes, i16) -> DecodeResult<()>,
}

fn decode_request<R: Request>(b: &mut Bytes, v: i16) -> DecodeResult<()> {
    R::decode(b, v).map(drop)
}

fn decode_response<R: Request>(b: &mut Bytes, v: i16) -> DecodeResult<()> {
    R::Response::decode(b, v).map(drop)
}

/// The registry entry of one `kafka_api!` declaration.
const fn declared<R: Request>() -> DeclaredApi {
    DeclaredApi {
        key: R::API_KEY,
        min_version: R::MIN_VERSION,
        max_version: R::MAX_VERSION,
        client_max_version: R::CLIENT_MAX_VERSION,
        decode_request: decode_request::<R>,
        decode_response: decode_response::<R>,
    }
}

/// OffsetFetch is declared twice, by shape: single group (versions 1..=7) and multi-group
/// (8..=10); its entry spans both and decodes each version through the declaration that has it.
const OFFSET_FETCH: DeclaredApi = {
    type Single = OffsetFetchRequest;
    type Groups = offset_fetch_groups::OffsetFetchGroupsRequest;
    assert!(Single::MAX_VERSION + 1 == Groups::MIN_VERSION);
    DeclaredApi {
        key: Single::API_KEY,
        min_version: Single::MIN_VERSION,
        max_version: Groups::MAX_VERSION,
        client_max_version: Groups::CLIENT_MAX_VERSION,
        decode_request: |b, v| {
            if v >= Groups::MIN_VERSION {
                decode_request::<Groups>(b, v)
            } else {
                decode_request::<Single>(b, v)
            }
        },
        decode_response: |b, v| {
            if v >= Groups::MIN_VERSION {
                decode_response::<Groups>(b, v)
            } else {
                decode_response::<Single>(b, v)
            }
        },
    }
};

/// Every API declared in this module, in API key order.
pub const APIS: &[DeclaredApi] = &[
    declared::<ProduceRequest>(),
    declared::<FetchRequest>(),
    declared::<ListOffsetsRequest>(),
    declared::<MetadataRequest>(),
    declared::<OffsetCommitRequest>(),
    OFFSET_FETCH,
    declared::<FindCoordinatorRequest>(),
    declared::<JoinGroupRequest>(),
    declared::<HeartbeatRequest>(),
    declared::<LeaveGroupRequest>(),
    declared::<SyncGroupRequest>(),
    declared::<DescribeGroupsRequest>(),
    declared::<ListGroupsRequest>(),
    declared::<SaslHandshakeRequest>(),
    declared::<ApiVersionsRequest>(),
    declared::<CreateTopicsRequest>(),
    declared::<DeleteTopicsRequest>(),
    declared::<DeleteRecordsRequest>(),
    declared::<InitProducerIdRequest>(),
    declared::<OffsetForLeaderEpochRequest>(),
    declared::<AddPartitionsToTxnRequest>(),
    declared::<AddOffsetsToTxnRequest>(),
    declared::<EndTxnRequest>(),
    declared::<WriteTxnMarkersRequest>(),
    declared::<TxnOffsetCommitRequest>(),
    declared::<DescribeAclsRequest>(),
    declared::<CreateAclsRequest>(),
    declared::<DeleteAclsRequest>(),
    declared::<DescribeConfigsRequest>(),
    declared::<AlterConfigsRequest>(),
    declared::<AlterReplicaLogDirsRequest>(),
    declared::<DescribeLogDirsRequest>(),
    declared::<SaslAuthenticateRequest>(),
    declared::<CreatePartitionsRequest>(),
    declared::<DeleteGroupsRequest>(),
    declared::<ElectLeadersRequest>(),
    declared::<IncrementalAlterConfigsRequest>(),
    declared::<AlterPartitionReassignmentsRequest>(),
    declared::<ListPartitionReassignmentsRequest>(),
    declared::<OffsetDeleteRequest>(),
    declared::<DescribeUserScramCredentialsRequest>(),
    declared::<AlterUserScramCredentialsRequest>(),
    declared::<DescribeQuorumRequest>(),
    declared::<UpdateFeaturesRequest>(),
    declared::<DescribeClusterRequest>(),
    declared::<DescribeProducersRequest>(),
    declared::<DescribeTransactionsRequest>(),
    declared::<ListTransactionsRequest>(),
    declared::<ConsumerGroupHeartbeatRequest>(),
    declared::<ConsumerGroupDescribeRequest>(),
    declared::<ListConfigResourcesRequest>(),
    declared::<DescribeTopicPartitionsRequest>(),
];

#[cfg(test)]
mod registry_tests {
    use super::APIS;

    #[test]
    fn one_entry_per_key_in_key_order() {
        assert!(APIS.windows(2).all(|w| w[0].key < w[1].key));
        assert!(APIS.iter().all(|a| a.min_version <= a.client_max_version));
        assert!(APIS.iter().all(|a| a.client_max_version <= a.max_version));
    }

    /// The versions the client negotiates stay where its logic fills every field in (topic ids,
    /// new top-level errors and changed semantics above these); raising one is a deliberate act.
    #[test]
    fn client_caps() {
        use crate::protocol::ApiKey::*;
        let caps = [
            (Fetch, 12, 18),
            (ListOffsets, 7, 11),
            (Metadata, 12, 13),
            (OffsetCommit, 9, 10),
            (OffsetFetch, 9, 10),
            (FindCoordinator, 4, 6),
            (DescribeGroups, 5, 6),
            (ApiVersions, 3, 5),
            (WriteTxnMarkers, 1, 2),
            (Produce, 12, 13),
            (InitProducerId, 5, 6),
            (TxnOffsetCommit, 5, 6),
        ];
        for (key, cap, max) in caps {
            let api = APIS.iter().find(|a| a.key == key).expect("declared");
            assert_eq!((api.client_max_version, api.max_version), (cap, max), "{key:?}");
        }
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use crate::protocol::Message;
    use bytes::{Bytes, BytesMut};

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

    /// Generates the property tests of one declared message (`kafka_api!` calls it for each
    /// request, response and data message; 64 cases each): `roundtrip` ([`declared_roundtrip`] of
    /// a sampled message at every version, `prepare`d as the encoder does) and `garbage` (fewer
    /// than 256 random bytes never make the decoder panic, at any version).
    ///
    /// ```ignore
    /// message_proptests!(MIN..=MAX, FLEXIBLE_FROM, FetchRequest => unchanged);
    /// ```
    macro_rules! message_proptests {
        ($versions:expr, $flexible_from:expr, $ty:ty => $prepare:expr) => {
            ::proptest::proptest! {
                #![proptest_config(::proptest::prelude::ProptestConfig::with_cases(64))]

                #[test]
                fn roundtrip(seed: u64) {
                    $crate::protocol::messages::test_util::declared_roundtrip::<$ty>(
                        seed, $versions, $flexible_from, $prepare,
                    );
                }

                #[test]
                fn mutated(seed: u64) {
                    $crate::protocol::messages::test_util::declared_mutations::<$ty>(
                        seed, $versions, $flexible_from,
                    );
                }

                #[test]
                fn garbage(
                    data in ::proptest::collection::vec(::proptest::prelude::any::<u8>(), 0..256)
                ) {
                    let data = ::bytes::Bytes::from(data);
                    for v in $versions {
                        let _ = <$ty as $crate::protocol::Message>::decode(&mut data.clone(), v);
                    }
                }
            }
        };
    }
    pub(crate) use message_proptests;

    /// A random value of a declared type (the sampling of `declared` [`message_proptests`]), and
    /// its canonical form at a version: what decoding its encoding gives back.
    pub trait Sample: Sized {
        fn sample(rng: &mut fastrand::Rng) -> Self;
        fn canonicalise(&mut self, _version: i16, _flexible: bool) {}
    }

    macro_rules! sample_ints {
        ($($ty:ty => $f:ident),*) => {$(
            impl Sample for $ty {
                fn sample(rng: &mut fastrand::Rng) -> Self {
                    // Small values half the time: they hit defaults and short varints.
                    if rng.bool() { rng.$f(..) } else { rng.$f(-1 as $ty..3) }
                }
            }
        )*};
    }
    sample_ints!(i8 => i8, i16 => i16, i32 => i32, i64 => i64);

    impl Sample for u16 {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            rng.u16(..)
        }
    }

    impl Sample for u32 {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            rng.u32(..)
        }
    }

    impl Sample for bool {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            rng.bool()
        }
    }

    impl Sample for [u8; 16] {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            std::array::from_fn(|_| rng.u8(..))
        }
    }

    impl Sample for String {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            let n = rng.usize(0..10);
            (0..n).map(|_| rng.alphanumeric()).collect()
        }
    }

    impl Sample for Bytes {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            let n = rng.usize(0..40);
            (0..n).map(|_| rng.u8(..)).collect::<Vec<u8>>().into()
        }
    }

    impl<T: Sample> Sample for Vec<T> {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            let n = rng.usize(0..4);
            (0..n).map(|_| T::sample(rng)).collect()
        }
        fn canonicalise(&mut self, version: i16, flexible: bool) {
            self.iter_mut().for_each(|x| x.canonicalise(version, flexible));
        }
    }

    impl<T: Sample> Sample for Option<T> {
        fn sample(rng: &mut fastrand::Rng) -> Self {
            rng.bool().then(|| T::sample(rng))
        }
        fn canonicalise(&mut self, version: i16, flexible: bool) {
            if let Some(x) = self {
                x.canonicalise(version, flexible);
            }
        }
    }

    /// For each version: the sampled message (seed `seed`), encoded as the caller set it, either
    /// fails with `UnsupportedField` or decodes to its canonical form; the canonical form
    /// round-trips and every strict prefix of its encoding fails to decode.
    pub fn declared_roundtrip<M>(
        seed: u64,
        versions: impl IntoIterator<Item = i16>,
        flexible_from: i16,
        prepare: impl for<'a> Fn(&'a M, i16) -> crate::protocol::EncodeResult<std::borrow::Cow<'a, M>>,
    ) where
        M: Message + Sample + Clone + PartialEq + std::fmt::Debug,
    {
        let raw = M::sample(&mut fastrand::Rng::with_seed(seed));
        for v in versions {
            let Ok(prepared) = prepare(&raw, v) else { continue };
            let mut canon = prepared.into_owned();
            canon.canonicalise(v, v >= flexible_from);
            let mut b = BytesMut::new();
            match raw.encode(&mut b, v) {
                Ok(()) => {
                    let back = M::decode(&mut b.freeze(), v).expect("decode");
                    assert_eq!(back, canon, "as set, version {v}");
                }
                Err(crate::protocol::EncodeError::UnsupportedField { .. }) => {}
                Err(e) => panic!("encoding at version {v}: {e}"),
            }
            roundtrip(&canon, v);
            truncations(&canon, v);
        }
    }

    /// Encodes a sample at every version, then decodes mutated copies of the bytes (bytes set,
    /// flipped, inserted, removed): decoding, and re-encoding what decodes, must return, never
    /// panic. `KAFKA_PROTO_MUTATIONS` sets the copies per version (default 4).
    pub fn declared_mutations<M>(seed: u64, versions: impl IntoIterator<Item = i16>, flexible_from: i16)
    where
        M: Message + Sample + Clone,
    {
        let per_version: usize =
            std::env::var("KAFKA_PROTO_MUTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
        let mut rng = fastrand::Rng::with_seed(seed);
        let raw = M::sample(&mut rng);
        for v in versions {
            let mut canon = raw.clone();
            canon.canonicalise(v, v >= flexible_from);
            let mut b = BytesMut::new();
            if canon.encode(&mut b, v).is_err() {
                continue;
            }
            let clean = b.to_vec();
            for _ in 0..per_version {
                let mut m = clean.clone();
                for _ in 0..rng.usize(1..=4) {
                    let at = rng.usize(0..=m.len());
                    match rng.u8(0..5) {
                        0 if at < m.len() => m[at] = rng.u8(..),
                        1 if at < m.len() => m[at] ^= 1 << rng.u8(0..8),
                        2 if at < m.len() => m[at] = [0, 0x7f, 0x80, 0xff][rng.usize(0..4)],
                        3 if at < m.len() => drop(m.remove(at)),
                        _ => m.insert(at, rng.u8(..)),
                    }
                }
                if let Ok(back) = M::decode(&mut bytes::Bytes::from(m), v) {
                    let _ = back.encode(&mut BytesMut::new(), v);
                }
            }
        }
    }

    /// Encodes `msg` at `version` and returns the bytes.
    pub fn encoded<M: Message>(msg: &M, version: i16) -> Vec<u8> {
        let mut b = BytesMut::new();
        msg.encode(&mut b, version).expect("encode");
        b.to_vec()
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
#[cfg(test)]
mod peer_vector_tests;

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
