"""Fetch sessions (KIP-227): request bytes and broker CPU with and without them.

A fresh Apache Kafka node (tests/brokers/apache_kafka.py) with a proxy in front of it that counts
bytes; one consumer reads a topic of ``--partitions`` partitions for ``--seconds`` while a
producer writes a trickle to a few of them. Reported per mode: Fetch requests, partitions listed
per request, bytes sent to the broker per request, broker CPU seconds (from /proc) per second.

    .venv/bin/python bench/fetch_sessions.py --partitions 200 --seconds 20
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tests'))

from brokers.apache_kafka import KafkaCluster
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic


def cpu_seconds(pid: int) -> float:
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def run(cluster: KafkaCluster, topic: str, partitions: int, seconds: float, sessions: bool) -> dict[str, float]:
    proxy = cluster.proxies[1]
    node = cluster.node(1)
    assert node.process is not None
    stop = threading.Event()

    def trickle() -> None:
        with KafkaProducer(bootstrap_servers=cluster.bootstrap()) as producer:
            i = 0
            while not stop.is_set():
                producer.send(topic, value=b'x' * 100, partition=i % 4)
                i += 1
                time.sleep(0.01)

    consumer = KafkaConsumer(bootstrap_servers=cluster.bootstrap('EXTERNAL'), auto_offset_reset='latest',
                             enable_incremental_fetch_sessions=sessions)
    consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
    consumer.poll(timeout_ms=1000)
    writer = threading.Thread(target=trickle)
    writer.start()
    up0, cpu0, t0 = proxy.bytes_up, cpu_seconds(node.process.pid), time.monotonic()
    stats0 = dict(consumer.metrics()['consumer-fetch-manager-metrics'])
    records = 0
    while time.monotonic() - t0 < seconds:
        records += sum(len(v) for v in consumer.poll(timeout_ms=200).values())
    stats = consumer.metrics()['consumer-fetch-manager-metrics']
    elapsed = time.monotonic() - t0
    up, cpu = proxy.bytes_up - up0, cpu_seconds(node.process.pid) - cpu0
    stop.set()
    writer.join()
    consumer.close()
    fetches = stats['fetch-total'] - stats0['fetch-total']
    listed = stats['fetch-partitions-sent-total'] - stats0['fetch-partitions-sent-total']
    return {'records': records, 'fetches': fetches, 'partitions_per_fetch': listed / max(fetches, 1),
            'bytes_per_fetch': up / max(fetches, 1), 'broker_cpu_per_s': cpu / elapsed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--partitions', type=int, default=200)
    ap.add_argument('--seconds', type=float, default=20.0)
    args = ap.parse_args()
    cluster = KafkaCluster(nodes=1, proxied=True).start()
    try:
        topic = 'fetch-sessions'
        with KafkaAdminClient(bootstrap_servers=cluster.bootstrap()) as admin:
            admin.create_topics([NewTopic(topic, args.partitions, 1)])
        time.sleep(2)
        for sessions in (False, True, False, True):
            r = run(cluster, topic, args.partitions, args.seconds, sessions)
            print(f"sessions={'on ' if sessions else 'off'} records={r['records']:6d} fetches={r['fetches']:5d} "
                  f"partitions/fetch={r['partitions_per_fetch']:7.1f} bytes/fetch={r['bytes_per_fetch']:8.0f} "
                  f"broker CPU={r['broker_cpu_per_s'] * 100:5.1f}%", flush=True)
    finally:
        cluster.stop()


if __name__ == '__main__':
    main()
