"""Incremental fetch sessions (KIP-227) and fetching from the closest replica (KIP-392).

The consumer's ``metrics()`` count the Fetch requests sent (``fetch-total``), the partitions they
listed (``fetch-partitions-sent-total``: a full fetch lists every partition, an incremental one
only those that changed) and the fetches sent to a follower (``fetch-follower-total``).
"""
from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from brokers.apache_kafka import KafkaCluster
from conftest import create_topic
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

PARTITIONS = 120


def _produce(bootstrap: str, topic: str, partitions: list[int], per_partition: int) -> set[bytes]:
    sent = set()
    with KafkaProducer(bootstrap_servers=bootstrap, linger_ms=5) as producer:
        for p in partitions:
            for i in range(per_partition):
                value = f'{p}-{i}'.encode()
                producer.send(topic, value=value, partition=p)
                sent.add(value)
        producer.flush(timeout=60)
    return sent


def _consume(consumer: KafkaConsumer, expected: int, timeout: float = 90.0) -> list[bytes]:
    seen: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(seen) < expected and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            seen.extend(r.value for r in records)
    return seen


def _fetch_stats(consumer: KafkaConsumer) -> dict[str, Any]:
    return consumer.metrics()['consumer-fetch-manager-metrics']


def _idle_fetch_stats(bootstrap: str, topic: str, sessions: bool) -> tuple[int, int, int]:
    """(records, fetches, partitions listed) while reading 120 partitions, then idling."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset='earliest',
                             enable_incremental_fetch_sessions=sessions, fetch_max_wait_ms=100)
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        got = _consume(consumer, 2 * 10)
        idle_until = time.monotonic() + 3
        while time.monotonic() < idle_until:
            got.extend(r.value for rs in consumer.poll(timeout_ms=200).values() for r in rs)
        stats = _fetch_stats(consumer)
        return len(got), stats['fetch-total'], stats['fetch-partitions-sent-total']
    finally:
        consumer.close()


@pytest.mark.tansu_skip('Tansu has no incremental fetch sessions')
def test_incremental_fetches_list_only_changed_partitions(broker: Any) -> None:
    bootstrap = broker.bootstrap
    topic = f'sessions-{uuid.uuid4().hex[:8]}'
    create_topic(bootstrap, topic, partitions=PARTITIONS)
    _produce(bootstrap, topic, [3, 77], 10)

    records, fetches, listed = _idle_fetch_stats(bootstrap, topic, sessions=True)
    assert records == 20
    legacy_records, legacy_fetches, legacy_listed = _idle_fetch_stats(bootstrap, topic, sessions=False)
    assert legacy_records == 20
    # Without sessions every fetch lists all 120 partitions; with them only the first does, and
    # the later ones list the partitions whose offset moved.
    assert legacy_listed >= PARTITIONS * legacy_fetches * 0.9
    assert fetches >= 3
    assert listed < PARTITIONS + 10 * fetches


@pytest.mark.tansu_skip('Tansu has no incremental fetch sessions')
def test_sessions_deliver_every_record_once_while_positions_move(broker: Any) -> None:
    """Seeks, pauses and new records change what an incremental fetch must carry."""
    bootstrap = broker.bootstrap
    topic = f'sessions-{uuid.uuid4().hex[:8]}'
    create_topic(bootstrap, topic, partitions=8)
    sent = _produce(bootstrap, topic, list(range(8)), 200)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset='earliest', max_poll_records=50,
                             fetch_max_wait_ms=100, max_partition_fetch_bytes=512)
    try:
        tps = [TopicPartition(topic, p) for p in range(8)]
        consumer.assign(tps)
        first = _consume(consumer, 400)
        consumer.pause(tps[0], tps[1])
        rest = _consume(consumer, len(sent) - len(first) - 2 * 200, timeout=60)
        consumer.resume(tps[0], tps[1])
        rest += _consume(consumer, len(sent) - len(first) - len(rest), timeout=60)
        seen = first + rest
        assert sorted(seen) == sorted(sent)
        # A seek back re-reads from that offset, through the same session.
        consumer.seek(tps[5], 150)
        again = _consume(consumer, 50, timeout=30)
        assert sorted(again) == sorted(f'5-{i}'.encode() for i in range(150, 200))
        assert _fetch_stats(consumer)['fetch-total'] > 2
    finally:
        consumer.close()


@pytest.fixture(scope='module')
def small_session_cache() -> Any:
    """A node that keeps at most one fetch session, evicting the smaller one right away."""
    cluster = KafkaCluster(nodes=1, extra_config={
        'max.incremental.fetch.session.cache.slots': '1',
        'min.incremental.fetch.session.eviction.ms': '0',
    }).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.mark.timeout(240)
def test_evicted_sessions_lose_nothing(small_session_cache: KafkaCluster) -> None:
    """Two consumers compete for one session slot: each eviction (FETCH_SESSION_ID_NOT_FOUND)
    starts over with a full fetch, and both read every record exactly once."""
    bootstrap = small_session_cache.bootstrap()
    topic = f'evict-{uuid.uuid4().hex[:8]}'
    create_topic(bootstrap, topic, partitions=12)
    consumers = [KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset='earliest', fetch_max_wait_ms=50)
                 for _ in range(2)]
    try:
        consumers[0].assign([TopicPartition(topic, p) for p in range(4)])
        consumers[1].assign([TopicPartition(topic, p) for p in range(12)])
        seen: list[list[bytes]] = [[], []]
        sent: set[bytes] = set()
        with KafkaProducer(bootstrap_servers=bootstrap, linger_ms=2) as producer:
            for round_ in range(20):
                for p in range(12):
                    value = f'{p}-{round_}'.encode()
                    producer.send(topic, value=value, partition=p)
                    sent.add(value)
                producer.flush(timeout=30)
                for i, c in enumerate(consumers):
                    seen[i].extend(r.value for rs in c.poll(timeout_ms=100).values() for r in rs)
        want = [{v for v in sent if int(v.split(b'-')[0]) < 4}, sent]
        deadline = time.monotonic() + 60
        while any(len(seen[i]) < len(want[i]) for i in range(2)) and time.monotonic() < deadline:
            for i, c in enumerate(consumers):
                seen[i].extend(r.value for rs in c.poll(timeout_ms=100).values() for r in rs)
        for i in range(2):
            assert len(seen[i]) == len(want[i]), f'consumer {i}: duplicates or losses'
            assert set(seen[i]) == want[i]
    finally:
        for c in consumers:
            c.close()


@pytest.fixture(scope='module')
def racked_cluster() -> Any:
    """Three nodes in racks rack-0..rack-2 with the rack-aware replica selector (KIP-392)."""
    cluster = KafkaCluster(nodes=3, extra_config={
        'broker.rack': 'rack-{node_id}',
        'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
    }).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.mark.timeout(240)
def test_client_rack_fetches_from_the_local_replica(racked_cluster: KafkaCluster) -> None:
    from kafka.admin import KafkaAdminClient

    bootstrap = racked_cluster.bootstrap()
    topic = f'racks-{uuid.uuid4().hex[:8]}'
    create_topic(bootstrap, topic, partitions=3, replication_factor=3)
    sent = _produce(bootstrap, topic, [0, 1, 2], 300)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        leaders = {p['partition_index']: p['leader_id'] for t in admin.describe_topics([topic]) for p in t['partitions']}
    finally:
        admin.close()

    def read(rack: str, partition: int) -> tuple[list[bytes], int]:
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset='earliest', client_rack=rack,
                                 max_partition_fetch_bytes=1024, fetch_max_wait_ms=100)
        try:
            consumer.assign([TopicPartition(topic, partition)])
            got = _consume(consumer, 300)
            return got, _fetch_stats(consumer)['fetch-follower-total']
        finally:
            consumer.close()

    partition = 0
    leader = leaders[partition]
    other_rack = f'rack-{next(n for n in range(1, 4) if n != leader)}'
    got, follower_fetches = read(other_rack, partition)
    assert sorted(got) == sorted(v for v in sent if v.startswith(b'0-'))
    assert follower_fetches > 0, 'the leader did not send the consumer to its rack-local replica'
    got, follower_fetches = read(f'rack-{leader}', partition)
    assert len(got) == 300
    assert follower_fetches == 0
