//! Byte-exact checks against real peers: `peer_vectors.txt` holds request and response frames the
//! Java client (kafka-clients 4.4) and confluent-kafka (librdkafka) exchanged with Apache Kafka 4.4,
//! captured once by `scripts/capture_peer_vectors.py` (`make vectors`).
//!
//! For each frame whose API and version we declare: the header version we would use is the
//! peer's, our header decodes and re-encodes to the peer's header bytes, and the body decodes
//! completely and re-encodes to the same bytes. Frames of versions (or APIs) we do not declare are
//! counted and listed, not failed (their header is still checked: flexibility only grows with the
//! version).

use std::collections::BTreeMap;
use std::fmt::Debug;

use bytes::{Bytes, BytesMut};

use super::*;
use crate::protocol::header::{response_header_version, RequestHeader, ResponseHeader};
use crate::protocol::{Message, Request};

const VECTORS: &str = include_str!("peer_vectors.txt");

struct Frame<'a> {
    peer: &'a str,
    key: i16,
    version: i16,
    request: bool,
    header_version: i16,
    raw: Bytes,
}

enum Outcome {
    RoundTrip,
    /// The API is declared but not this version (the range we declare).
    VersionUndeclared(i16, i16),
    /// We declare no such API.
    ApiUndeclared,
    Mismatch(String),
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd hex length".into());
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string())).collect()
}

fn frames(text: &str) -> Vec<Frame<'_>> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            assert_eq!(f.len(), 6, "bad line {:.80}", line);
            Frame {
                peer: f[0],
                key: f[1].parse().expect("api key"),
                version: f[2].parse().expect("api version"),
                request: match f[3] {
                    "req" => true,
                    "resp" => false,
                    other => panic!("bad direction {other}"),
                },
                header_version: f[4].parse().expect("header version"),
                raw: Bytes::from(unhex(f[5]).expect("hex")),
            }
        })
        .collect()
}

/// Where two byte strings first differ, with a little context, for mismatch messages.
fn first_difference(ours: &[u8], theirs: &[u8]) -> String {
    let at = ours.iter().zip(theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
    let window = |b: &[u8]| {
        let end = (at + 12).min(b.len());
        b[at.saturating_sub(4).min(end)..end].iter().map(|x| format!("{x:02x}")).collect::<String>()
    };
    format!(
        "{} bytes vs peer's {}, first difference at offset {at}: ours ..{}.. peer ..{}..",
        ours.len(),
        theirs.len(),
        window(ours),
        window(theirs)
    )
}

/// Known deviations of a peer from the schema, which the broker tolerates (it ignores bytes after
/// a request): (peer, api key, version, request, the bytes some of its frames have after the
/// message, why). Such a frame must end with exactly one of these after what we decode.
type Quirk = (&'static str, i16, i16, bool, &'static [&'static [u8]], &'static str);
const PEER_QUIRKS: &[Quirk] = &[
    (
        "librdkafka",
        ApiKey::AlterUserScramCredentials as i16,
        0,
        true,
        &[&[0]],
        "librdkafka 2.16 writes one more empty tagged-field section after the request",
    ),
    (
        "librdkafka",
        ApiKey::Metadata as i16,
        13,
        true,
        &[&[1, 0, 0], &[0, 0, 0]],
        "librdkafka 2.16's all-topics Metadata request (v9+) keeps the 4-byte placeholder of the \
         topics count (rd_kafka_MetadataRequest0 never finalizes it in that case): a null compact \
         array (00) then 3 stray zero bytes, which the broker reads as allow_auto_topic_creation=false, \
         include_topic_authorized_operations=false and no tags; the intended allow_auto_topic_creation, \
         include_topic_authorized_operations and tags are the 3 bytes it ignores",
    ),
];

fn quirk(frame: &Frame<'_>) -> &'static [&'static [u8]] {
    PEER_QUIRKS
        .iter()
        .find(|q| (q.0, q.1, q.2, q.3) == (frame.peer, frame.key, frame.version, frame.request))
        .map_or(&[], |q| q.4)
}

/// Decodes `body` as `M` at `version` (all of it, or all but one of the peer's known `trailers`,
/// see [`PEER_QUIRKS`]), re-encodes it and compares.
fn body_roundtrip<M: Message + Debug>(body: Bytes, version: i16, trailers: &[&[u8]]) -> Result<(), String> {
    let mut b = body.clone();
    let m = M::decode(&mut b, version).map_err(|e| format!("decode: {e}"))?;
    if !b.is_empty() && !trailers.iter().any(|t| b[..] == **t) {
        return Err(format!("decode left {} of {} body bytes unread", b.len(), body.len()));
    }
    let trailing = b.len();
    let body = body.slice(..body.len() - trailing);
    let mut out = BytesMut::new();
    m.encode(&mut out, version).map_err(|e| format!("encode: {e}"))?;
    if out[..] != body[..] {
        return Err(format!("re-encoding differs: {}; decoded {m:.300?}", first_difference(&out, &body)));
    }
    Ok(())
}

/// The outcome of `frame` checked against `R`, or `None` if `R` does not declare its version.
fn check_api<R>(frame: &Frame<'_>) -> Option<Outcome>
where
    R: Request + Debug,
    R::Response: Debug,
{
    let v = frame.version;
    if v < R::MIN_VERSION || v > R::MAX_VERSION {
        return None;
    }
    let flexible = R::is_flexible(v);
    let mut b = frame.raw.clone();
    let result = if frame.request {
        let hv = RequestHeader::version_for(flexible);
        check_request_header(frame, hv, &mut b).and_then(|()| body_roundtrip::<R>(b, v, quirk(frame)))
    } else {
        let hv = response_header_version(R::API_KEY, flexible);
        check_response_header(frame, hv, &mut b)
            .and_then(|()| body_roundtrip::<R::Response>(b, v, quirk(frame)))
    };
    Some(match result {
        Ok(()) => Outcome::RoundTrip,
        Err(e) => Outcome::Mismatch(e),
    })
}

/// The header of a frame of a version `R` does not declare: the body is not ours to read, but
/// the header is (flexible from `FLEXIBLE_FROM` on).
fn check_header_only<R: Request>(frame: &Frame<'_>) -> Result<(), String> {
    let flexible = R::is_flexible(frame.version);
    let mut b = frame.raw.clone();
    if frame.raw.is_empty() {
        Ok(())
    } else if frame.request {
        check_request_header(frame, RequestHeader::version_for(flexible), &mut b)
    } else {
        check_response_header(frame, response_header_version(R::API_KEY, flexible), &mut b)
    }
}

fn check_request_header(frame: &Frame<'_>, hv: i16, b: &mut Bytes) -> Result<(), String> {
    if hv != frame.header_version {
        return Err(format!("request header v{hv}, the peer's is v{}", frame.header_version));
    }
    let h = RequestHeader::decode(b, hv).map_err(|e| format!("request header: {e}"))?;
    if (h.api_key, h.api_version) != (frame.key, frame.version) {
        return Err(format!("request header says {} v{}", h.api_key, h.api_version));
    }
    let theirs = &frame.raw[..frame.raw.len() - b.len()];
    let mut ours = BytesMut::new();
    h.encode(&mut ours, hv).map_err(|e| format!("request header: {e}"))?;
    if ours[..] != theirs[..] {
        return Err(format!("request header differs: {}", first_difference(&ours, theirs)));
    }
    Ok(())
}

fn check_response_header(frame: &Frame<'_>, hv: i16, b: &mut Bytes) -> Result<(), String> {
    if hv != frame.header_version {
        return Err(format!("response header v{hv}, the peer's is v{}", frame.header_version));
    }
    let h = ResponseHeader::decode(b, hv).map_err(|e| format!("response header: {e}"))?;
    let theirs = &frame.raw[..frame.raw.len() - b.len()];
    let mut ours = BytesMut::new();
    h.encode(&mut ours, hv).map_err(|e| format!("response header: {e}"))?;
    if ours[..] != theirs[..] {
        return Err(format!("response header differs: {}", first_difference(&ours, theirs)));
    }
    Ok(())
}

/// Checks `frame` against the declaration of its API that covers its version (OffsetFetch has
/// two); frames of other versions get their header checked and count as undeclared.
macro_rules! dispatch {
    ($frame:expr; $($req:ty),* $(,)?) => {{
        let frame = $frame;
        let mut undeclared: Option<(i16, i16, Result<(), String>)> = None;
        $(if frame.key == <$req as Request>::API_KEY as i16 {
            if let Some(outcome) = check_api::<$req>(frame) {
                return outcome;
            }
            let (min, max) = (<$req as Request>::MIN_VERSION, <$req as Request>::MAX_VERSION);
            undeclared = Some(match undeclared {
                None => (min, max, check_header_only::<$req>(frame)),
                Some((lo, hi, header)) => (lo.min(min), hi.max(max), header),
            });
        })*
        match undeclared {
            None => Outcome::ApiUndeclared,
            Some((_, _, Err(e))) => Outcome::Mismatch(e),
            Some((lo, hi, Ok(()))) => Outcome::VersionUndeclared(lo, hi),
        }
    }};
}

fn check(frame: &Frame<'_>) -> Outcome {
    dispatch!(frame;
        ProduceRequest,
        FetchRequest,
        ListOffsetsRequest,
        MetadataRequest,
        OffsetCommitRequest,
        OffsetFetchRequest,
        offset_fetch_groups::OffsetFetchGroupsRequest,
        FindCoordinatorRequest,
        JoinGroupRequest,
        HeartbeatRequest,
        LeaveGroupRequest,
        SyncGroupRequest,
        DescribeGroupsRequest,
        ListGroupsRequest,
        SaslHandshakeRequest,
        ApiVersionsRequest,
        CreateTopicsRequest,
        DeleteTopicsRequest,
        DeleteRecordsRequest,
        InitProducerIdRequest,
        OffsetForLeaderEpochRequest,
        AddPartitionsToTxnRequest,
        AddOffsetsToTxnRequest,
        EndTxnRequest,
        WriteTxnMarkersRequest,
        TxnOffsetCommitRequest,
        DescribeAclsRequest,
        CreateAclsRequest,
        DeleteAclsRequest,
        DescribeConfigsRequest,
        AlterConfigsRequest,
        AlterReplicaLogDirsRequest,
        DescribeLogDirsRequest,
        SaslAuthenticateRequest,
        CreatePartitionsRequest,
        DeleteGroupsRequest,
        ElectLeadersRequest,
        IncrementalAlterConfigsRequest,
        AlterPartitionReassignmentsRequest,
        ListPartitionReassignmentsRequest,
        OffsetDeleteRequest,
        DescribeUserScramCredentialsRequest,
        AlterUserScramCredentialsRequest,
        DescribeQuorumRequest,
        UpdateFeaturesRequest,
        DescribeClusterRequest,
        DescribeProducersRequest,
        DescribeTransactionsRequest,
        ListTransactionsRequest,
        ConsumerGroupHeartbeatRequest,
        ConsumerGroupDescribeRequest,
        ListConfigResourcesRequest,
        DescribeTopicPartitionsRequest,
    )
}

/// Every API in [`APIS`] is dispatched above (a new declaration must be added to `check`).
#[test]
fn every_declared_api_is_dispatched() {
    for api in APIS {
        let frame = Frame {
            peer: "-",
            key: api.key as i16,
            version: i16::MAX,
            request: true,
            header_version: 2,
            raw: Bytes::new(),
        };
        assert!(
            matches!(check(&frame), Outcome::VersionUndeclared(..)),
            "{:?} is not in peer_vector_tests::check",
            api.key
        );
    }
}

#[test]
fn peer_vectors_roundtrip_bytes() {
    let frames = frames(VECTORS);
    assert!(frames.len() >= 150, "only {} frames in peer_vectors.txt", frames.len());
    for peer in ["java", "librdkafka"] {
        assert!(frames.iter().any(|f| f.peer == peer), "no frames of {peer}");
    }
    let (mut ok, mut mismatches) = (0, Vec::new());
    // (api key, "min..=max" declared or "-") -> peer versions seen above/below/outside it.
    let mut undeclared: BTreeMap<(i16, String), BTreeMap<&str, std::collections::BTreeSet<i16>>> =
        BTreeMap::new();
    let mut undeclared_frames = 0;
    for f in &frames {
        let dir = if f.request { "request" } else { "response" };
        match check(f) {
            Outcome::RoundTrip => ok += 1,
            Outcome::Mismatch(e) => {
                mismatches.push(format!("{} api {} v{} {dir}: {e}", f.peer, f.key, f.version))
            }
            Outcome::VersionUndeclared(min, max) => {
                undeclared_frames += 1;
                let e = undeclared.entry((f.key, format!("{min}..={max}"))).or_default();
                e.entry(f.peer).or_default().insert(f.version);
            }
            Outcome::ApiUndeclared => {
                undeclared_frames += 1;
                let e = undeclared.entry((f.key, "-".into())).or_default();
                e.entry(f.peer).or_default().insert(f.version);
            }
        }
    }
    println!(
        "peer vectors: {} frames, {ok} round-trip, {} mismatch, {undeclared_frames} of undeclared versions",
        frames.len(),
        mismatches.len()
    );
    for ((key, declared), peers) in &undeclared {
        println!("  undeclared: api {key} (declared {declared}): {peers:?}");
    }
    for m in &mismatches {
        println!("  MISMATCH {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} frames do not round-trip:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The check itself catches what it must: a trailing body byte, a missing one, a header of the
/// wrong version.
#[test]
fn mismatches_are_detected() {
    let frames = frames(VECTORS);
    let f = frames
        .iter()
        .find(|f| !f.request && matches!(check(f), Outcome::RoundTrip))
        .expect("a response that round-trips");
    let variant = |raw: Vec<u8>, header_version: i16| Frame { raw: Bytes::from(raw), header_version, ..*f };
    let mut longer = f.raw.to_vec();
    longer.push(0);
    assert!(
        matches!(check(&variant(longer, f.header_version)), Outcome::Mismatch(e) if e.contains("unread"))
    );
    assert!(matches!(check(&variant(f.raw.to_vec(), 1 - f.header_version)), Outcome::Mismatch(_)));
    let shorter = f.raw[..f.raw.len() - 1].to_vec();
    assert!(
        matches!(check(&variant(shorter, f.header_version)), Outcome::Mismatch(e) if e.contains("decode"))
    );
}
