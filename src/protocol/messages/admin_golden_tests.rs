//! Cross-implementation check of the admin API messages: every vector in
//! `admin_golden_vectors.txt` (encoded by kafka-python from the Kafka schemas, covering every
//! version of each request and response) must decode completely and re-encode to the same bytes.

use bytes::{Bytes, BytesMut};

use super::*;
use crate::protocol::Message;

const VECTORS: &str = include_str!("admin_golden_vectors.txt");

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn check<M: Message + std::fmt::Debug>(name: &str, version: i16, raw: &[u8]) {
    let mut b = Bytes::copy_from_slice(raw);
    let m = M::decode(&mut b, version).unwrap_or_else(|e| panic!("{name} v{version}: {e}"));
    assert!(b.is_empty(), "{name} v{version}: {} trailing bytes", b.len());
    let mut out = BytesMut::new();
    m.encode(&mut out, version).unwrap_or_else(|e| panic!("{name} v{version}: {e}"));
    assert_eq!(&out[..], raw, "{name} v{version}: re-encoding differs; decoded {m:?}");
}

/// The `<message type> <version> <hex>` lines of a vector file (comments and blanks skipped).
fn vectors(text: &str) -> impl Iterator<Item = (&str, i16, Vec<u8>)> {
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(|line| {
        let mut parts = line.split(' ');
        let (Some(name), Some(v), Some(hex)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("bad line {line:?}");
        };
        (name, v.parse().expect("version"), unhex(hex))
    })
}

#[test]
fn golden_vectors_roundtrip_bytes() {
    let mut n = 0;
    for (name, v, raw) in vectors(VECTORS) {
        match name {
            "CreateTopicsRequest" => check::<CreateTopicsRequest>(name, v, &raw),
            "CreateTopicsResponse" => check::<CreateTopicsResponse>(name, v, &raw),
            "DeleteTopicsRequest" => check::<DeleteTopicsRequest>(name, v, &raw),
            "DeleteTopicsResponse" => check::<DeleteTopicsResponse>(name, v, &raw),
            "CreatePartitionsRequest" => check::<CreatePartitionsRequest>(name, v, &raw),
            "CreatePartitionsResponse" => check::<CreatePartitionsResponse>(name, v, &raw),
            "DescribeConfigsRequest" => check::<DescribeConfigsRequest>(name, v, &raw),
            "DescribeConfigsResponse" => check::<DescribeConfigsResponse>(name, v, &raw),
            "AlterConfigsRequest" => check::<AlterConfigsRequest>(name, v, &raw),
            "AlterConfigsResponse" => check::<AlterConfigsResponse>(name, v, &raw),
            "IncrementalAlterConfigsRequest" => check::<IncrementalAlterConfigsRequest>(name, v, &raw),
            "IncrementalAlterConfigsResponse" => check::<IncrementalAlterConfigsResponse>(name, v, &raw),
            "DescribeGroupsRequest" => check::<DescribeGroupsRequest>(name, v, &raw),
            "DescribeGroupsResponse" => check::<DescribeGroupsResponse>(name, v, &raw),
            "ListGroupsRequest" => check::<ListGroupsRequest>(name, v, &raw),
            "ListGroupsResponse" => check::<ListGroupsResponse>(name, v, &raw),
            "DeleteGroupsRequest" => check::<DeleteGroupsRequest>(name, v, &raw),
            "DeleteGroupsResponse" => check::<DeleteGroupsResponse>(name, v, &raw),
            "DeleteRecordsRequest" => check::<DeleteRecordsRequest>(name, v, &raw),
            "DeleteRecordsResponse" => check::<DeleteRecordsResponse>(name, v, &raw),
            "OffsetDeleteRequest" => check::<OffsetDeleteRequest>(name, v, &raw),
            "OffsetDeleteResponse" => check::<OffsetDeleteResponse>(name, v, &raw),
            "DescribeClusterRequest" => check::<DescribeClusterRequest>(name, v, &raw),
            "DescribeClusterResponse" => check::<DescribeClusterResponse>(name, v, &raw),
            other => panic!("unknown message {other}"),
        }
        n += 1;
    }
    assert_eq!(n, 200);
}

/// Spot checks of decoded values (kafka-python filled ints from the field name, strings with it).
#[test]
fn golden_vector_values() {
    let line = VECTORS.lines().find(|l| l.starts_with("DescribeGroupsResponse 5 ")).expect("vector");
    let raw = unhex(line.rsplit(' ').next().expect("hex"));
    let r = DescribeGroupsResponse::decode(&mut Bytes::from(raw), 5).expect("decode");
    assert_eq!(r.groups.len(), 2);
    let g = &r.groups[0];
    assert_eq!(g.group_id, "group_id");
    assert_eq!(g.protocol_data, "protocol_data");
    assert_eq!(g.authorized_operations, 0b1100);
    assert_eq!(g.members[1].group_instance_id.as_deref(), Some("group_instance_id"));
    assert_eq!(&g.members[1].member_assignment[..], b"member_assignment");
}

const MORE_VECTORS: &str = include_str!("admin_golden_vectors_more.txt");

#[test]
fn golden_vectors_of_the_other_admin_apis_roundtrip_bytes() {
    let mut n = 0;
    for (name, v, raw) in vectors(MORE_VECTORS) {
        match name {
            "AlterPartitionReassignmentsRequest" => {
                check::<AlterPartitionReassignmentsRequest>(name, v, &raw)
            }
            "AlterPartitionReassignmentsResponse" => {
                check::<AlterPartitionReassignmentsResponse>(name, v, &raw)
            }
            "AlterReplicaLogDirsRequest" => check::<AlterReplicaLogDirsRequest>(name, v, &raw),
            "AlterReplicaLogDirsResponse" => check::<AlterReplicaLogDirsResponse>(name, v, &raw),
            "AlterUserScramCredentialsRequest" => check::<AlterUserScramCredentialsRequest>(name, v, &raw),
            "AlterUserScramCredentialsResponse" => check::<AlterUserScramCredentialsResponse>(name, v, &raw),
            "ApiVersionsRequest" => check::<ApiVersionsRequest>(name, v, &raw),
            "ApiVersionsResponse" => check::<ApiVersionsResponse>(name, v, &raw),
            "CreateAclsRequest" => check::<CreateAclsRequest>(name, v, &raw),
            "CreateAclsResponse" => check::<CreateAclsResponse>(name, v, &raw),
            "DeleteAclsRequest" => check::<DeleteAclsRequest>(name, v, &raw),
            "DeleteAclsResponse" => check::<DeleteAclsResponse>(name, v, &raw),
            "DescribeAclsRequest" => check::<DescribeAclsRequest>(name, v, &raw),
            "DescribeAclsResponse" => check::<DescribeAclsResponse>(name, v, &raw),
            "DescribeLogDirsRequest" => check::<DescribeLogDirsRequest>(name, v, &raw),
            "DescribeLogDirsResponse" => check::<DescribeLogDirsResponse>(name, v, &raw),
            "DescribeProducersRequest" => check::<DescribeProducersRequest>(name, v, &raw),
            "DescribeProducersResponse" => check::<DescribeProducersResponse>(name, v, &raw),
            "DescribeQuorumRequest" => check::<DescribeQuorumRequest>(name, v, &raw),
            "DescribeQuorumResponse" => check::<DescribeQuorumResponse>(name, v, &raw),
            "DescribeTopicPartitionsRequest" => check::<DescribeTopicPartitionsRequest>(name, v, &raw),
            "DescribeTopicPartitionsResponse" => check::<DescribeTopicPartitionsResponse>(name, v, &raw),
            "DescribeTransactionsRequest" => check::<DescribeTransactionsRequest>(name, v, &raw),
            "DescribeTransactionsResponse" => check::<DescribeTransactionsResponse>(name, v, &raw),
            "DescribeUserScramCredentialsRequest" => {
                check::<DescribeUserScramCredentialsRequest>(name, v, &raw)
            }
            "DescribeUserScramCredentialsResponse" => {
                check::<DescribeUserScramCredentialsResponse>(name, v, &raw)
            }
            "ElectLeadersRequest" => check::<ElectLeadersRequest>(name, v, &raw),
            "ElectLeadersResponse" => check::<ElectLeadersResponse>(name, v, &raw),
            "LeaveGroupRequest" => check::<LeaveGroupRequest>(name, v, &raw),
            "LeaveGroupResponse" => check::<LeaveGroupResponse>(name, v, &raw),
            "ListConfigResourcesRequest" => check::<ListConfigResourcesRequest>(name, v, &raw),
            "ListConfigResourcesResponse" => check::<ListConfigResourcesResponse>(name, v, &raw),
            "ListPartitionReassignmentsRequest" => check::<ListPartitionReassignmentsRequest>(name, v, &raw),
            "ListPartitionReassignmentsResponse" => {
                check::<ListPartitionReassignmentsResponse>(name, v, &raw)
            }
            "ListTransactionsRequest" => check::<ListTransactionsRequest>(name, v, &raw),
            "ListTransactionsResponse" => check::<ListTransactionsResponse>(name, v, &raw),
            "UpdateFeaturesRequest" => check::<UpdateFeaturesRequest>(name, v, &raw),
            "UpdateFeaturesResponse" => check::<UpdateFeaturesResponse>(name, v, &raw),
            other => panic!("unknown message {other}"),
        }
        n += 1;
    }
    assert_eq!(n, 184);
}
