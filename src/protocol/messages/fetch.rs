//! Fetch (key 1): read record batches from partitions.
//!
//! Versions 4..=12: v4 adds the isolation level and aborted transactions (v2 record format),
//! v5 log start offsets, v7 incremental fetch sessions (session id/epoch, forgotten topics),
//! v9 the current leader epoch, v11 the rack id and preferred read replica, v12 is flexible and
//! adds the last fetched epoch plus tagged `DivergingEpoch`/`CurrentLeader`/`SnapshotId` in the
//! response. v13 identifies topics by id instead of name, v15 moves the replica id into the
//! tagged `ReplicaState` (KIP-903), v16 adds the tagged `NodeEndpoints` of new leaders (KIP-951),
//! v17 the replica directory id (KIP-853), v18 the follower's high watermark (KIP-1166). The
//! client fetches by name, so it sends up to v12.
//!
//! The response `records` are zero-copy slices of the response buffer; they are not parsed here.

use bytes::Bytes;

use crate::protocol::declare::kafka_api;

kafka_api! {
    Fetch: FetchRequest => FetchResponse, versions 4..=18, client ..=12, flexible 12;

    pub struct FetchRequest {
        /// v12+ tagged: for KRaft controllers only (the client leaves it null).
        cluster_id: Option<String> => since(12).nullable().tag(0).ignorable(),
        /// v0..=14: -1 for consumers (from v15 followers send `replica_state`).
        replica_id: i32 = -1 => until(14),
        /// v15+ tagged: the fetching follower (absent for consumers).
        replica_state: ReplicaState => since(15).tag(1),
        max_wait_ms: i32,
        min_bytes: i32,
        max_bytes: i32 = i32::MAX,
        /// 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED.
        isolation_level: i8,
        /// v7+ (0: no session).
        session_id: i32 => since(7).ignorable(),
        /// v7+ (-1: no session; 0: create one).
        session_epoch: i32 = -1 => since(7).ignorable(),
        topics: Vec<FetchTopic>,
        /// v7+.
        forgotten_topics_data: Vec<ForgottenTopic> => since(7).ignorable(),
        /// v11+.
        rack_id: String => since(11).ignorable(),
    }

    /// v15+ tagged `ReplicaState`.
    pub struct ReplicaState {
        replica_id: i32 = -1,
        replica_epoch: i64 = -1,
    }

    pub struct FetchTopic {
        /// v0..=12.
        topic: String => until(12).ignorable(),
        /// v13+.
        topic_id: [u8; 16] => since(13).ignorable(),
        partitions: Vec<FetchPartition>,
    }

    pub struct FetchPartition {
        partition: i32,
        /// v9+ (-1: unknown).
        current_leader_epoch: i32 = -1 => since(9).ignorable(),
        fetch_offset: i64,
        /// v12+ (-1: unknown).
        last_fetched_epoch: i32 = -1 => since(12).ignorable(),
        /// v5+; only meaningful for followers (-1 for consumers).
        log_start_offset: i64 = -1 => since(5).ignorable(),
        partition_max_bytes: i32,
        /// v17+ tagged: the follower's log directory (KIP-853).
        replica_directory_id: [u8; 16] => since(17).tag(0).ignorable(),
        /// v18+ tagged: the follower's high watermark (`i64::MAX`: unknown).
        high_watermark: i64 = i64::MAX => since(18).tag(1).ignorable(),
    }

    /// v7+: partitions to drop from an incremental fetch session.
    pub struct ForgottenTopic {
        /// v7..=12.
        topic: String => until(12).ignorable(),
        /// v13+.
        topic_id: [u8; 16] => since(13).ignorable(),
        partitions: Vec<i32>,
    }

    pub struct FetchResponse {
        throttle_time_ms: i32,
        /// v7+: top-level (session) error.
        error_code: i16 => since(7).ignorable(),
        /// v7+.
        session_id: i32 => since(7).ignorable(),
        responses: Vec<FetchableTopicResponse>,
        /// v16+ tagged: the endpoints of the leaders named in `current_leader` (KIP-951).
        node_endpoints: Vec<NodeEndpoint> => since(16).tag(0),
    }

    pub struct FetchableTopicResponse {
        /// v0..=12.
        topic: String => until(12).ignorable(),
        /// v13+.
        topic_id: [u8; 16] => since(13).ignorable(),
        partitions: Vec<FetchablePartitionResponse>,
    }

    pub struct FetchablePartitionResponse {
        partition_index: i32,
        error_code: i16,
        high_watermark: i64,
        last_stable_offset: i64 = -1,
        /// v5+ (-1 before).
        log_start_offset: i64 = -1 => since(5).ignorable(),
        /// v12+ tagged.
        diverging_epoch: Option<EpochEndOffset> => since(12).tag(0).ignorable(),
        /// v12+ tagged.
        current_leader: Option<LeaderIdAndEpoch> => since(12).tag(1).ignorable(),
        /// v12+ tagged: for KRaft followers (a snapshot to fetch instead).
        snapshot_id: Option<SnapshotId> => since(12).tag(2),
        aborted_transactions: Option<Vec<AbortedTransaction>> => nullable(),
        /// v11+ (-1: none).
        preferred_read_replica: i32 = -1 => since(11).ignorable(),
        /// Raw record batches (zero-copy), or null.
        records: Option<Bytes> => nullable(),
    }

    #[derive(Copy)]
    pub struct AbortedTransaction {
        producer_id: i64,
        first_offset: i64,
    }

    /// v12+ tagged field 0: the fetch offset diverged from the leader's log (KIP-320 truncation).
    #[derive(Copy)]
    pub struct EpochEndOffset {
        epoch: i32 = -1,
        end_offset: i64 = -1,
    }

    /// v12+ tagged field 1: the current leader, sent with NOT_LEADER/FENCED errors.
    #[derive(Copy)]
    pub struct LeaderIdAndEpoch {
        leader_id: i32 = -1,
        leader_epoch: i32 = -1,
    }

    /// v12+ tagged field 2.
    #[derive(Copy)]
    pub struct SnapshotId {
        end_offset: i64 = -1,
        epoch: i32 = -1,
    }

    /// v16+ tagged (top level): a broker named by `current_leader`.
    pub struct NodeEndpoint {
        node_id: i32,
        host: String,
        port: i32,
        rack: Option<String> => nullable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::Bytes;

    #[test]
    fn v4_request_bytes() {
        let r = FetchRequest {
            max_wait_ms: 500,
            min_bytes: 1,
            max_bytes: 0x100000,
            isolation_level: 1,
            topics: vec![FetchTopic {
                topic: "t".into(),
                partitions: vec![FetchPartition {
                    partition: 0,
                    fetch_offset: 5,
                    partition_max_bytes: 1024,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut expect = vec![0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0xf4, 0, 0, 0, 1, 0, 0x10, 0, 0, 1];
        expect.extend([0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 0]);
        expect.extend(5i64.to_be_bytes());
        expect.extend([0, 0, 4, 0]);
        assert_eq!(encoded(&r, 4), expect);
    }

    #[test]
    fn v12_response_tags_and_zero_copy() {
        let mut bytes = vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 7]; // throttle, error, session 7
        bytes.extend([2, 2, b't', 2]); // 1 topic "t", 1 partition
        bytes.extend([0, 0, 0, 3, 0, 0]); // partition 3, no error
        bytes.extend(100i64.to_be_bytes()); // hw
        bytes.extend(90i64.to_be_bytes()); // lso
        bytes.extend(0i64.to_be_bytes()); // log start
        bytes.push(0); // null aborted transactions
        bytes.extend([0xff, 0xff, 0xff, 0xff]); // preferred read replica
        bytes.extend([4, b'a', b'b', b'c']); // records "abc"
                                             // tags: current leader (1) = {leader 2, epoch 5}, unknown tag 3 skipped
        bytes.extend([2, 1, 9, 0, 0, 0, 2, 0, 0, 0, 5, 0, 3, 1, 0xaa]);
        bytes.extend([0, 0]); // topic tags, response tags
        let input = Bytes::from(bytes);
        let r = FetchResponse::decode(&mut input.clone(), 12).unwrap();
        assert_eq!(r.session_id, 7);
        let p = &r.responses[0].partitions[0];
        assert_eq!((p.partition_index, p.high_watermark, p.last_stable_offset), (3, 100, 90));
        assert_eq!(p.aborted_transactions, None);
        assert_eq!(p.current_leader, Some(LeaderIdAndEpoch { leader_id: 2, leader_epoch: 5 }));
        assert_eq!(p.snapshot_id, None);
        let rec = p.records.as_ref().unwrap();
        assert_eq!(&rec[..], b"abc");
        let at = input.iter().position(|&c| c == b'a').unwrap();
        assert_eq!(rec.as_ptr(), input[at..].as_ptr());
    }

    #[test]
    fn v18_request_topic_ids_and_tags() {
        let r = FetchRequest {
            replica_state: ReplicaState { replica_id: 1, replica_epoch: 2 },
            max_wait_ms: 500,
            min_bytes: 1,
            max_bytes: 0x100000,
            topics: vec![FetchTopic {
                topic_id: [7; 16],
                partitions: vec![FetchPartition {
                    partition: 0,
                    fetch_offset: 5,
                    partition_max_bytes: 1024,
                    replica_directory_id: [9; 16],
                    high_watermark: 100,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        // No replica id (v0..=14): wait, min/max bytes, isolation, session id/epoch.
        let mut expect =
            vec![0, 0, 1, 0xf4, 0, 0, 0, 1, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        expect.push(2); // one topic
        expect.extend([7; 16]);
        expect.push(2); // one partition
        expect.extend([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]); // partition, current leader epoch
        expect.extend(5i64.to_be_bytes());
        expect.extend([0xff; 4]); // last fetched epoch
        expect.extend([0xff; 8]); // log start offset
        expect.extend([0, 0, 4, 0]); // partition max bytes
        expect.extend([2, 0, 16]); // tags: directory id (0), then high watermark (1)
        expect.extend([9; 16]);
        expect.extend([1, 8]);
        expect.extend(100i64.to_be_bytes());
        expect.push(0); // topic tags
        expect.extend([1, 1]); // no forgotten topics, rack ""
        expect.extend([1, 1, 13, 0, 0, 0, 1]); // tags: replica state (1) = {1, 2}
        expect.extend(2i64.to_be_bytes());
        expect.push(0);
        assert_eq!(encoded(&r, 18), expect);
        let back = FetchRequest::decode(&mut Bytes::from(expect), 18).unwrap();
        assert_eq!(back, r);
        // v17 has no high watermark tag; v14 still has the replica id and topic names.
        let v17 = FetchRequest::decode(&mut Bytes::from(encoded(&r, 17)), 17).unwrap();
        assert_eq!(v17.topics[0].partitions[0].high_watermark, i64::MAX);
        assert!(r.encode(&mut bytes::BytesMut::new(), 14).is_err());
    }

    #[test]
    fn v16_response_node_endpoints() {
        let r = FetchResponse {
            responses: vec![FetchableTopicResponse { topic_id: [3; 16], ..Default::default() }],
            node_endpoints: vec![NodeEndpoint { node_id: 2, host: "h".into(), port: 9092, rack: None }],
            ..Default::default()
        };
        let mut expect = vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]; // throttle, error, session, 1 topic
        expect.extend([3; 16]);
        expect.extend([1, 0]); // no partitions, topic tags
        expect.extend([1, 0, 13, 2, 0, 0, 0, 2, 2, b'h', 0, 0, 0x23, 0x84, 0, 0]); // tag 0: 1 endpoint
        assert_eq!(encoded(&r, 16), expect);
        assert_eq!(FetchResponse::decode(&mut Bytes::from(expect), 16).unwrap(), r);
    }
}
