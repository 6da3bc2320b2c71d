//! Micro-benchmark of the protocol hot paths: encoding Produce requests and decoding Fetch
//! responses (and the small messages around them), without a broker.
//!
//! ```sh
//! cargo run --release --example protocol_bench
//! ```
//!
//! Prints one line per case: nanoseconds per message. `PROTOCOL_BENCH_ITERS=n` runs every case
//! `n` times (for instruction counts under `valgrind --tool=callgrind`), `PROTOCOL_BENCH_ONLY=s`
//! only the cases whose name contains `s`.

use std::hint::black_box;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use kafka_core::protocol::messages::FetchablePartitionResponse;
use kafka_core::protocol::messages::{
    FetchPartition, FetchRequest, FetchResponse, FetchTopic, FetchableTopicResponse, PartitionProduceData,
    PartitionProduceResponse, ProduceRequest, ProduceResponse, TopicProduceData, TopicProduceResponse,
};
use kafka_core::protocol::Message;

fn time(name: &str, iters: u32, mut f: impl FnMut()) {
    if std::env::var("PROTOCOL_BENCH_ONLY").is_ok_and(|only| !name.contains(&only)) {
        return;
    }
    let iters = std::env::var("PROTOCOL_BENCH_ITERS").ok().and_then(|n| n.parse().ok()).unwrap_or(iters);
    for _ in 0..iters / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(iters);
    println!("{name:<40} {ns:>10.0} ns");
}

fn produce_request(records: &Bytes) -> ProduceRequest {
    ProduceRequest {
        transactional_id: None,
        acks: -1,
        timeout_ms: 30_000,
        topic_data: (0..4)
            .map(|t| TopicProduceData {
                name: format!("topic-{t}"),
                partition_data: (0..8)
                    .map(|p| PartitionProduceData { index: p, records: Some(records.clone()) })
                    .collect(),
                ..Default::default()
            })
            .collect(),
    }
}

fn fetch_response(records: &Bytes) -> FetchResponse {
    FetchResponse {
        responses: (0..4)
            .map(|t| FetchableTopicResponse {
                topic: format!("topic-{t}"),
                partitions: (0..8)
                    .map(|p| FetchablePartitionResponse {
                        partition_index: p,
                        high_watermark: 1_000_000,
                        last_stable_offset: 1_000_000,
                        log_start_offset: 0,
                        aborted_transactions: Some(Vec::new()),
                        records: Some(records.clone()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn main() {
    let records = Bytes::from(vec![7u8; 16 * 1024]);
    for v in [9i16, 3] {
        let req = produce_request(&records);
        let mut check = BytesMut::new();
        if let Err(e) = req.encode(&mut check, v) {
            panic!("produce v{v}: {e}");
        }
        time(&format!("produce request encode v{v} (32 x 16 KiB)"), 20_000, || {
            let mut buf = BytesMut::new();
            req.encode(&mut buf, v).ok();
            black_box(buf);
        });
        let resp = ProduceResponse {
            responses: (0..4)
                .map(|t| TopicProduceResponse {
                    name: format!("topic-{t}"),
                    partition_responses: (0..8)
                        .map(|p| PartitionProduceResponse { index: p, base_offset: 42, ..Default::default() })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            throttle_time_ms: 0,
            ..Default::default()
        };
        let mut buf = BytesMut::new();
        resp.encode(&mut buf, v).expect("encode");
        let bytes = buf.freeze();
        assert!(ProduceResponse::decode(&mut bytes.clone(), v).is_ok());
        time(&format!("produce response decode v{v} (32 partitions)"), 200_000, || {
            black_box(ProduceResponse::decode(&mut bytes.clone(), v).ok());
        });
    }
    for v in [12i16, 11] {
        let resp = fetch_response(&records);
        let mut buf = BytesMut::new();
        resp.encode(&mut buf, v).expect("encode");
        let bytes = buf.freeze();
        assert!(FetchResponse::decode(&mut bytes.clone(), v).is_ok());
        time(&format!("fetch response decode v{v} (32 x 16 KiB)"), 200_000, || {
            black_box(FetchResponse::decode(&mut bytes.clone(), v).ok());
        });
        let req = FetchRequest {
            topics: (0..4)
                .map(|t| FetchTopic {
                    topic: format!("topic-{t}"),
                    partitions: (0..8)
                        .map(|p| FetchPartition { partition: p, fetch_offset: 1000, ..Default::default() })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        assert!(req.encode(&mut BytesMut::new(), v).is_ok());
        time(&format!("fetch request encode v{v} (32 partitions)"), 200_000, || {
            let mut buf = BytesMut::new();
            req.encode(&mut buf, v).ok();
            black_box(buf);
        });
    }
}
