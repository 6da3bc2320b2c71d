//! The ceiling a Python client can reach through this broker on this machine: the Rust core
//! alone, with no Python in the loop, producing or consuming 100-byte records the way the
//! benchmark's clients do. Used by `bench/run.py` next to `tansu perf`.
//!
//! ```sh
//! cargo run --release --example core_ceiling -- produce BOOTSTRAP TOPIC RECORDS
//! cargo run --release --example core_ceiling -- consume BOOTSTRAP TOPIC RECORDS
//! ```
//!
//! Prints one JSON line: `{"records": n, "seconds": s, "cpu_seconds": c}` (cpu = user + sys of
//! this process, every thread).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use kafka_core::consumer::{Consumer, ConsumerConfig, OffsetReset, TopicPartition};
use kafka_core::network::client::ClientConfig;
use kafka_core::producer::{Producer, ProducerConfig, RecordRef};

const VALUE_SIZE: usize = 100;

fn cpu_seconds() -> f64 {
    // /proc/self/stat fields 14 and 15: utime and stime in clock ticks (100 per second on Linux).
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    let Some(rest) = stat.rsplit(')').next() else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn client(bootstrap: &str) -> ClientConfig {
    ClientConfig { bootstrap_servers: vec![bootstrap.to_string()], ..ClientConfig::default() }
}

fn produce(bootstrap: &str, topic: &str, n: u64) -> Result<(u64, f64, f64), String> {
    let producer = Producer::new(ProducerConfig {
        client: client(bootstrap),
        acks: 1,
        batch_size: 131_072,
        linger: Duration::from_millis(5),
        enable_idempotence: false,
        ..ProducerConfig::default()
    })
    .map_err(|e| e.to_string())?;
    producer.partitions_for(topic, &mut || false).map_err(|e| e.to_string())?;
    let mut value = vec![b'x'; VALUE_SIZE];
    let (start, cpu0) = (Instant::now(), cpu_seconds());
    for i in 0..n {
        value[..8].copy_from_slice(&i.to_be_bytes());
        let rec = RecordRef { timestamp_ms: 0, key: None, value: Some(&value), headers: &[] };
        producer.send_blocking(topic, None, &rec, &mut || false).map_err(|e| e.to_string())?;
    }
    if !producer.flush(Some(Duration::from_secs(300))) {
        return Err("flush timed out".into());
    }
    let out = (n, start.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
    producer.close(Some(Duration::from_secs(10)), &mut || false);
    Ok(out)
}

fn consume(bootstrap: &str, topic: &str, n: u64) -> Result<(u64, f64, f64), String> {
    let consumer = Consumer::new(ConsumerConfig {
        client: client(bootstrap),
        enable_auto_commit: false,
        auto_offset_reset: Some(OffsetReset::Earliest),
        fetch_max_wait: Duration::from_millis(100),
        ..ConsumerConfig::default()
    })
    .map_err(|e| e.to_string())?;
    let topics = consumer.topics(true, Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    let parts = topics.get(topic).ok_or_else(|| format!("topic {topic} not found"))?;
    let tps: Vec<TopicPartition> =
        parts.iter().map(|&p| TopicPartition { topic: topic.to_string(), partition: p }).collect();
    consumer.assign(tps.clone()).map_err(|e| e.to_string())?;
    consumer.seek_to(&tps, OffsetReset::Earliest).map_err(|e| format!("{e:?}"))?;
    let (start, cpu0) = (Instant::now(), cpu_seconds());
    let mut got = 0u64;
    let mut last = Instant::now();
    while got < n && last.elapsed() < Duration::from_secs(30) {
        let drained = consumer.poll_once(500, Duration::from_secs(1), true).map_err(|e| format!("{e:?}"))?;
        let count: usize = drained.iter().map(|d| d.records.len()).sum();
        if count > 0 {
            last = Instant::now();
        }
        got += count as u64;
    }
    let out = (got, start.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
    consumer.close(false, Some(Duration::from_secs(5)), &mut || false);
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(bootstrap), Some(topic), Some(n)) =
        (args.get(1), args.get(2), args.get(3), args.get(4).and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: core_ceiling produce|consume BOOTSTRAP TOPIC RECORDS");
        return ExitCode::from(2);
    };
    let result = match mode.as_str() {
        "produce" => produce(bootstrap, topic, n),
        "consume" => consume(bootstrap, topic, n),
        _ => Err(format!("unknown mode {mode}")),
    };
    match result {
        Ok((records, seconds, cpu)) => {
            println!("{{\"records\": {records}, \"seconds\": {seconds:.6}, \"cpu_seconds\": {cpu:.6}}}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("core_ceiling {mode}: {e}");
            ExitCode::FAILURE
        }
    }
}
