//! Fetch (key 1): read record batches from partitions.
//!
//! Versions 4..=12: v4 adds the isolation level and aborted transactions (v2 record format),
//! v5 log start offsets, v7 incremental fetch sessions (session id/epoch, forgotten topics),
//! v9 the current leader epoch, v11 the rack id and preferred read replica, v12 is flexible and
//! adds the last fetched epoch plus tagged `DivergingEpoch`/`CurrentLeader`/`SnapshotId` in the
//! response. v13+ identifies topics by id instead of name and is not claimed.
//!
//! The response `records` are zero-copy slices of the response buffer; they are not parsed here.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MIN: i16 = 4;
const MAX: i16 = 12;
const FLEXIBLE_FROM: i16 = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPartition {
    pub partition: i32,
    /// v9+ (-1: unknown).
    pub current_leader_epoch: i32,
    pub fetch_offset: i64,
    /// v12+ (-1: unknown).
    pub last_fetched_epoch: i32,
    /// v5+; only meaningful for followers (-1 for consumers).
    pub log_start_offset: i64,
    pub partition_max_bytes: i32,
}

impl Default for FetchPartition {
    fn default() -> Self {
        Self {
            partition: 0,
            current_leader_epoch: -1,
            fetch_offset: 0,
            last_fetched_epoch: -1,
            log_start_offset: -1,
            partition_max_bytes: 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchTopic {
    pub topic: String,
    pub partitions: Vec<FetchPartition>,
}

/// v7+: partitions to drop from an incremental fetch session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForgottenTopic {
    pub topic: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// -1 for consumers.
    pub replica_id: i32,
    pub max_wait_ms: i32,
    pub min_bytes: i32,
    pub max_bytes: i32,
    /// 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED.
    pub isolation_level: i8,
    /// v7+ (0: no session).
    pub session_id: i32,
    /// v7+ (-1: no session; 0: create one).
    pub session_epoch: i32,
    pub topics: Vec<FetchTopic>,
    /// v7+.
    pub forgotten_topics_data: Vec<ForgottenTopic>,
    /// v11+.
    pub rack_id: String,
}

impl Default for FetchRequest {
    fn default() -> Self {
        Self {
            replica_id: -1,
            max_wait_ms: 0,
            min_bytes: 0,
            max_bytes: i32::MAX,
            isolation_level: 0,
            session_id: 0,
            session_epoch: -1,
            topics: Vec::new(),
            forgotten_topics_data: Vec::new(),
            rack_id: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AbortedTransaction {
    pub producer_id: i64,
    pub first_offset: i64,
}

/// v12+ tagged field 0: the fetch offset diverged from the leader's log (KIP-320 truncation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochEndOffset {
    pub epoch: i32,
    pub end_offset: i64,
}

/// v12+ tagged field 1: the current leader, sent with NOT_LEADER/FENCED errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaderIdAndEpoch {
    pub leader_id: i32,
    pub leader_epoch: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchablePartitionResponse {
    pub partition_index: i32,
    pub error_code: i16,
    pub high_watermark: i64,
    pub last_stable_offset: i64,
    /// v5+ (-1 before).
    pub log_start_offset: i64,
    /// v12+ tagged.
    pub diverging_epoch: Option<EpochEndOffset>,
    /// v12+ tagged.
    pub current_leader: Option<LeaderIdAndEpoch>,
    pub aborted_transactions: Option<Vec<AbortedTransaction>>,
    /// v11+ (-1: none).
    pub preferred_read_replica: i32,
    /// Raw record batches (zero-copy), or null.
    pub records: Option<Bytes>,
}

impl Default for FetchablePartitionResponse {
    fn default() -> Self {
        Self {
            partition_index: 0,
            error_code: 0,
            high_watermark: 0,
            last_stable_offset: -1,
            log_start_offset: -1,
            diverging_epoch: None,
            current_leader: None,
            aborted_transactions: None,
            preferred_read_replica: -1,
            records: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchableTopicResponse {
    pub topic: String,
    pub partitions: Vec<FetchablePartitionResponse>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchResponse {
    pub throttle_time_ms: i32,
    /// v7+: top-level (session) error.
    pub error_code: i16,
    /// v7+.
    pub session_id: i32,
    pub responses: Vec<FetchableTopicResponse>,
}

impl Message for FetchRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("FetchRequest", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_i32(buf, self.replica_id);
        put_i32(buf, self.max_wait_ms);
        put_i32(buf, self.min_bytes);
        put_i32(buf, self.max_bytes);
        put_i8(buf, self.isolation_level);
        if version >= 7 {
            put_i32(buf, self.session_id);
            put_i32(buf, self.session_epoch);
        }
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.topic, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition);
                if version >= 9 {
                    put_i32(b, p.current_leader_epoch);
                }
                put_i64(b, p.fetch_offset);
                if version >= 12 {
                    put_i32(b, p.last_fetched_epoch);
                }
                if version >= 5 {
                    put_i64(b, p.log_start_offset);
                }
                put_i32(b, p.partition_max_bytes);
                put_tags(b, flexible);
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        if version >= 7 {
            put_array(buf, &self.forgotten_topics_data, flexible, |b, t| {
                put_string(b, &t.topic, flexible)?;
                put_array(b, &t.partitions, flexible, |b, p| {
                    put_i32(b, *p);
                    Ok(())
                })?;
                put_tags(b, flexible);
                Ok(())
            })?;
        }
        if version >= 11 {
            put_string(buf, &self.rack_id, flexible)?;
        }
        // v12 tagged ClusterId (tag 0) is for KRaft controllers only; never sent.
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let replica_id = get_i32(buf)?;
        let max_wait_ms = get_i32(buf)?;
        let min_bytes = get_i32(buf)?;
        let max_bytes = get_i32(buf)?;
        let isolation_level = get_i8(buf)?;
        let (session_id, session_epoch) = if version >= 7 { (get_i32(buf)?, get_i32(buf)?) } else { (0, -1) };
        let topics = get_array(buf, flexible, |b| {
            let topic = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition = get_i32(b)?;
                let current_leader_epoch = if version >= 9 { get_i32(b)? } else { -1 };
                let fetch_offset = get_i64(b)?;
                let last_fetched_epoch = if version >= 12 { get_i32(b)? } else { -1 };
                let log_start_offset = if version >= 5 { get_i64(b)? } else { -1 };
                let partition_max_bytes = get_i32(b)?;
                skip_tags(b, flexible)?;
                Ok(FetchPartition {
                    partition,
                    current_leader_epoch,
                    fetch_offset,
                    last_fetched_epoch,
                    log_start_offset,
                    partition_max_bytes,
                })
            })?;
            skip_tags(b, flexible)?;
            Ok(FetchTopic { topic, partitions })
        })?;
        let forgotten_topics_data = if version >= 7 {
            get_array(buf, flexible, |b| {
                let topic = get_string(b, flexible)?;
                let partitions = get_array(b, flexible, get_i32)?;
                skip_tags(b, flexible)?;
                Ok(ForgottenTopic { topic, partitions })
            })?
        } else {
            Vec::new()
        };
        let rack_id = if version >= 11 { get_string(buf, flexible)? } else { String::new() };
        skip_tags(buf, flexible)?;
        Ok(Self {
            replica_id,
            max_wait_ms,
            min_bytes,
            max_bytes,
            isolation_level,
            session_id,
            session_epoch,
            topics,
            forgotten_topics_data,
            rack_id,
        })
    }
}

const TAG_DIVERGING_EPOCH: u32 = 0;
const TAG_CURRENT_LEADER: u32 = 1;

fn put_partition_tags(buf: &mut BytesMut, p: &FetchablePartitionResponse) {
    let n = u32::from(p.diverging_epoch.is_some()) + u32::from(p.current_leader.is_some());
    put_uvarint(buf, n);
    if let Some(d) = p.diverging_epoch {
        put_uvarint(buf, TAG_DIVERGING_EPOCH);
        put_uvarint(buf, 4 + 8 + 1);
        put_i32(buf, d.epoch);
        put_i64(buf, d.end_offset);
        put_empty_tagged_fields(buf);
    }
    if let Some(l) = p.current_leader {
        put_uvarint(buf, TAG_CURRENT_LEADER);
        put_uvarint(buf, 4 + 4 + 1);
        put_i32(buf, l.leader_id);
        put_i32(buf, l.leader_epoch);
        put_empty_tagged_fields(buf);
    }
}

/// Reads a partition's tagged fields, keeping the two a client can use; others are skipped.
fn get_partition_tags(buf: &mut Bytes) -> DecodeResult<(Option<EpochEndOffset>, Option<LeaderIdAndEpoch>)> {
    let mut diverging = None;
    let mut leader = None;
    for (tag, mut data) in get_tagged_fields(buf)? {
        match tag {
            TAG_DIVERGING_EPOCH => {
                diverging =
                    Some(EpochEndOffset { epoch: get_i32(&mut data)?, end_offset: get_i64(&mut data)? });
                get_tagged_fields(&mut data)?;
            }
            TAG_CURRENT_LEADER => {
                leader = Some(LeaderIdAndEpoch {
                    leader_id: get_i32(&mut data)?,
                    leader_epoch: get_i32(&mut data)?,
                });
                get_tagged_fields(&mut data)?;
            }
            _ => {}
        }
    }
    Ok((diverging, leader))
}

impl Message for FetchResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("FetchResponse", version, MIN, MAX)?;
        let flexible = version >= FLEXIBLE_FROM;
        put_i32(buf, self.throttle_time_ms);
        if version >= 7 {
            put_i16(buf, self.error_code);
            put_i32(buf, self.session_id);
        }
        put_array(buf, &self.responses, flexible, |b, t| {
            put_string(b, &t.topic, flexible)?;
            put_array(b, &t.partitions, flexible, |b, p| {
                put_i32(b, p.partition_index);
                put_i16(b, p.error_code);
                put_i64(b, p.high_watermark);
                put_i64(b, p.last_stable_offset);
                if version >= 5 {
                    put_i64(b, p.log_start_offset);
                }
                put_nullable_array(b, p.aborted_transactions.as_deref(), flexible, |b, a| {
                    put_i64(b, a.producer_id);
                    put_i64(b, a.first_offset);
                    put_tags(b, flexible);
                    Ok(())
                })?;
                if version >= 11 {
                    put_i32(b, p.preferred_read_replica);
                }
                put_nullable_bytes(b, p.records.as_deref(), flexible)?;
                if flexible {
                    put_partition_tags(b, p);
                }
                Ok(())
            })?;
            put_tags(b, flexible);
            Ok(())
        })?;
        put_tags(buf, flexible);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let flexible = version >= FLEXIBLE_FROM;
        let throttle_time_ms = get_i32(buf)?;
        let (error_code, session_id) = if version >= 7 { (get_i16(buf)?, get_i32(buf)?) } else { (0, 0) };
        let responses = get_array(buf, flexible, |b| {
            let topic = get_string(b, flexible)?;
            let partitions = get_array(b, flexible, |b| {
                let partition_index = get_i32(b)?;
                let error_code = get_i16(b)?;
                let high_watermark = get_i64(b)?;
                let last_stable_offset = get_i64(b)?;
                let log_start_offset = if version >= 5 { get_i64(b)? } else { -1 };
                let aborted_transactions = get_nullable_array(b, flexible, |b| {
                    let a = AbortedTransaction { producer_id: get_i64(b)?, first_offset: get_i64(b)? };
                    skip_tags(b, flexible)?;
                    Ok(a)
                })?;
                let preferred_read_replica = if version >= 11 { get_i32(b)? } else { -1 };
                let records = get_nullable_bytes(b, flexible)?;
                let (diverging_epoch, current_leader) =
                    if flexible { get_partition_tags(b)? } else { (None, None) };
                Ok(FetchablePartitionResponse {
                    partition_index,
                    error_code,
                    high_watermark,
                    last_stable_offset,
                    log_start_offset,
                    diverging_epoch,
                    current_leader,
                    aborted_transactions,
                    preferred_read_replica,
                    records,
                })
            })?;
            skip_tags(b, flexible)?;
            Ok(FetchableTopicResponse { topic, partitions })
        })?;
        skip_tags(buf, flexible)?;
        Ok(Self { throttle_time_ms, error_code, session_id, responses })
    }
}

impl Request for FetchRequest {
    const API_KEY: ApiKey = ApiKey::Fetch;
    const MIN_VERSION: i16 = MIN;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = FetchResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = FetchRequest> {
        let part = (any::<i32>(), any::<i32>(), any::<i64>(), any::<i32>(), any::<i64>(), any::<i32>())
            .prop_map(|(partition, cle, fetch_offset, lfe, lso, pmb)| FetchPartition {
                partition,
                current_leader_epoch: cle,
                fetch_offset,
                last_fetched_epoch: lfe,
                log_start_offset: lso,
                partition_max_bytes: pmb,
            });
        let topic = (string(), vec(part, 3)).prop_map(|(topic, partitions)| FetchTopic { topic, partitions });
        let forgotten = (string(), vec(any::<i32>(), 3))
            .prop_map(|(topic, partitions)| ForgottenTopic { topic, partitions });
        (
            (any::<i32>(), any::<i32>(), any::<i32>(), any::<i32>(), any::<i8>(), any::<i32>(), any::<i32>()),
            vec(topic, 3),
            vec(forgotten, 2),
            string(),
        )
            .prop_map(|((r, w, mn, mx, iso, sid, sep), topics, forgotten_topics_data, rack_id)| {
                FetchRequest {
                    replica_id: r,
                    max_wait_ms: w,
                    min_bytes: mn,
                    max_bytes: mx,
                    isolation_level: iso,
                    session_id: sid,
                    session_epoch: sep,
                    topics,
                    forgotten_topics_data,
                    rack_id,
                }
            })
    }

    fn canon_request(mut r: FetchRequest, v: i16) -> FetchRequest {
        if v < 7 {
            r.session_id = 0;
            r.session_epoch = -1;
            r.forgotten_topics_data.clear();
        }
        if v < 11 {
            r.rack_id.clear();
        }
        for p in r.topics.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
            if v < 9 {
                p.current_leader_epoch = -1;
            }
            if v < 12 {
                p.last_fetched_epoch = -1;
            }
            if v < 5 {
                p.log_start_offset = -1;
            }
        }
        r
    }

    fn arb_response() -> impl Strategy<Value = FetchResponse> {
        let aborted = (any::<i64>(), any::<i64>())
            .prop_map(|(producer_id, first_offset)| AbortedTransaction { producer_id, first_offset });
        let part = (
            (any::<i32>(), any::<i16>(), any::<i64>(), any::<i64>(), any::<i64>()),
            proptest::option::of((any::<i32>(), any::<i64>())),
            proptest::option::of((any::<i32>(), any::<i32>())),
            proptest::option::of(vec(aborted, 3)),
            any::<i32>(),
            opt_bytes(),
        )
            .prop_map(|((pi, e, hw, lso, lgso), de, cl, ab, prr, records)| {
                FetchablePartitionResponse {
                    partition_index: pi,
                    error_code: e,
                    high_watermark: hw,
                    last_stable_offset: lso,
                    log_start_offset: lgso,
                    diverging_epoch: de.map(|(epoch, end_offset)| EpochEndOffset { epoch, end_offset }),
                    current_leader: cl
                        .map(|(leader_id, leader_epoch)| LeaderIdAndEpoch { leader_id, leader_epoch }),
                    aborted_transactions: ab,
                    preferred_read_replica: prr,
                    records,
                }
            });
        let topic = (string(), vec(part, 3))
            .prop_map(|(topic, partitions)| FetchableTopicResponse { topic, partitions });
        (any::<i32>(), any::<i16>(), any::<i32>(), vec(topic, 3)).prop_map(
            |(throttle_time_ms, error_code, session_id, responses)| FetchResponse {
                throttle_time_ms,
                error_code,
                session_id,
                responses,
            },
        )
    }

    fn canon_response(mut r: FetchResponse, v: i16) -> FetchResponse {
        if v < 7 {
            r.error_code = 0;
            r.session_id = 0;
        }
        for p in r.responses.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
            if v < 5 {
                p.log_start_offset = -1;
            }
            if v < 11 {
                p.preferred_read_replica = -1;
            }
            if v < 12 {
                p.diverging_epoch = None;
                p.current_leader = None;
            }
        }
        r
    }

    message_proptests!(MIN..=MAX, arb_request => canon_request, arb_response => canon_response, garbage: 256);

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
                                             // tags: current leader (1) = {leader 2, epoch 5}, unknown tag 2 skipped
        bytes.extend([2, 1, 9, 0, 0, 0, 2, 0, 0, 0, 5, 0, 2, 1, 0xaa]);
        bytes.extend([0, 0]); // topic tags, response tags
        let input = Bytes::from(bytes);
        let r = FetchResponse::decode(&mut input.clone(), 12).unwrap();
        assert_eq!(r.session_id, 7);
        let p = &r.responses[0].partitions[0];
        assert_eq!((p.partition_index, p.high_watermark, p.last_stable_offset), (3, 100, 90));
        assert_eq!(p.aborted_transactions, None);
        assert_eq!(p.current_leader, Some(LeaderIdAndEpoch { leader_id: 2, leader_epoch: 5 }));
        let rec = p.records.as_ref().unwrap();
        assert_eq!(&rec[..], b"abc");
        let at = input.iter().position(|&c| c == b'a').unwrap();
        assert_eq!(rec.as_ptr(), input[at..].as_ptr());
    }
}
