"""KIP-320 on Apache Kafka: an unclean leader change truncates the log under a consumer.

Five KRaft nodes (a quorum survives two of them down). Partition 0 lives on nodes 1 (leader) and
2. With node 2 stopped, 50 records are written to node 1 alone and read by the consumer; node 1
is killed, node 2 comes back and is elected uncleanly, so its log lacks those 50 records, and 20
new records take their offsets. The consumer's next fetch carries the epoch of what it read
(``last_fetched_epoch``); the new leader reports where the logs diverged, and the consumer
continues there: it reads exactly the 20 new records, neither re-reading the log from the start
nor skipping to its end (what an out-of-range reset would do).
"""
from __future__ import annotations

import os
import time
import uuid
from typing import Any

import pytest
from brokers.apache_kafka import KafkaCluster
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError

pytestmark = [
    pytest.mark.skipif(bool(os.environ.get('KAFKA_BOOTSTRAP_SERVERS')), reason='needs the Apache Kafka harness'),
    pytest.mark.skipif('kafka' not in os.environ.get('KAFKA_TEST_BROKERS', 'tansu,kafka'),
                       reason='Apache Kafka not selected'),
    pytest.mark.timeout(600),
]


@pytest.fixture(scope='module')
def five_nodes() -> Any:
    cluster = KafkaCluster(nodes=5, heap='512m').start()
    try:
        yield cluster
    finally:
        cluster.stop()


def _partition(admin: KafkaAdminClient, topic: str) -> dict[str, Any]:
    for t in admin.describe_topics([topic]):
        for p in t['partitions']:
            if p['partition_index'] == 0:
                return p
    raise AssertionError('no partition 0')


def _wait(what: str, check: Any, timeout: float = 90.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except KafkaError:  # a node just went away; ask again
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f'timed out waiting for {what}')


def _read(consumer: KafkaConsumer, n: int, timeout: float = 60.0) -> list[bytes]:
    out: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            out.extend(r.value for r in records)
    return out


def test_unclean_leader_change_truncation_is_detected(five_nodes: KafkaCluster) -> None:
    topic = f'truncate-{uuid.uuid4().hex[:8]}'
    survivors = five_nodes.bootstrap(node_ids=[3, 4, 5])
    admin = KafkaAdminClient(bootstrap_servers=survivors)
    try:
        admin.create_topics([NewTopic(topic, replica_assignments={0: [1, 2]}, topic_configs={
            'min.insync.replicas': '1', 'unclean.leader.election.enable': 'true'})])
        _wait('leader 1 with both replicas in sync',
              lambda: (p := _partition(admin, topic))['leader_id'] == 1 and sorted(p['isr_nodes']) == [1, 2])
        tp = TopicPartition(topic, 0)
        plain = {'bootstrap_servers': survivors, 'enable_idempotence': False, 'acks': 1, 'retries': 0}
        with KafkaProducer(**{**plain, 'acks': 'all'}) as producer:
            for i in range(100):
                producer.send(topic, b'old-%d' % i, partition=0)
        consumer = KafkaConsumer(bootstrap_servers=survivors, auto_offset_reset='earliest',
                                 enable_auto_commit=False, request_timeout_ms=10000)
        try:
            consumer.assign([tp])
            assert len(_read(consumer, 100)) == 100

            five_nodes.stop_node(2)
            _wait('node 2 out of the ISR', lambda: _partition(admin, topic)['isr_nodes'] == [1])
            with KafkaProducer(**plain) as producer:
                for i in range(50):
                    producer.send(topic, b'lost-%d' % i, partition=0).get(timeout=30)
            assert _read(consumer, 50) == [b'lost-%d' % i for i in range(50)]
            assert consumer.position(tp) == 150

            five_nodes.kill_node(1)
            five_nodes.start_node(2)
            _wait('an unclean election of node 2', lambda: admin.elect_leaders(1, {topic: [0]}) is not None
                  and _partition(admin, topic)['leader_id'] == 2)
            with KafkaProducer(**plain) as producer:
                for i in range(20):
                    producer.send(topic, b'new-%d' % i, partition=0).get(timeout=30)
            got = _read(consumer, 20)
            time.sleep(1.0)
            got += [r.value for rs in consumer.poll(timeout_ms=1000).values() for r in rs]
            assert got == [b'new-%d' % i for i in range(20)], got[:5]
            assert consumer.position(tp) == 120
        finally:
            consumer.close()
    finally:
        admin.close()
