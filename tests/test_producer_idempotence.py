"""The idempotent producer's sequence handling through leader trouble (issue 17, defect 0).

A just-created topic's partitions answer the first Produce with NOT_LEADER_OR_FOLLOWER while
their leader is getting ready, and a leader move does the same to every batch in flight: the
retried batches must go back in sequence order, with one in flight until the head is accepted,
so that no record is lost, duplicated or reordered.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Callable

import pytest
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient

if TYPE_CHECKING:
    from conftest import Broker, Record


def _create_topic_now(admin: KafkaAdminClient, name: str, partitions: int, replication: int = 1) -> None:
    """Create ``name`` without waiting for its partitions to be ready (producing follows at once)."""
    admin.create_topics({name: {'num_partitions': partitions, 'replication_factor': replication}},
                        timeout_ms=30000)


def _acknowledged(futures: list[tuple[bytes, int, Any]]) -> dict[bytes, list[int]]:
    """key -> the sequence numbers of its records whose send succeeded."""
    sent: dict[bytes, list[int]] = defaultdict(list)
    for key, i, future in futures:
        if future.succeeded():
            sent[key].append(i)
    return sent


def _check_exactly_once(records: list[Record], sent: dict[bytes, list[int]]) -> tuple[int, int, int]:
    """(lost, duplicated, reordered) of ``records`` read back against the acknowledged ``sent``."""
    seen: dict[bytes, list[int]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        assert r.key is not None and r.value is not None
        seen[r.key].append(int(r.value))
    lost = duplicated = reordered = 0
    for key, expected in sent.items():
        got = seen.get(key, [])
        duplicated += len(got) - len(set(got))
        lost += len(set(expected) - set(got))
        reordered += sum(1 for a, b in zip(got, got[1:]) if b < a)
    return lost, duplicated, reordered


@pytest.mark.timeout(900)
def test_fresh_topics_every_record_once(broker: Broker, consume: Callable[..., list[Record]]) -> None:
    """Produce to freshly created multi-partition topics at once, many times: each record once."""
    rounds, partitions, per_round = 10, 6, 3000
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, batch_size=1024, linger_ms=0,
                             max_in_flight_requests_per_connection=5, delivery_timeout_ms=15000)
    failures: list[str] = []
    totals = [0, 0, 0]
    try:
        with KafkaAdminClient(bootstrap_servers=broker.bootstrap) as admin:
            for _ in range(rounds):
                name = f'idem-fresh-{uuid.uuid4().hex[:10]}'
                _create_topic_now(admin, name, partitions)
                futures = []
                for i in range(per_round):
                    key = b'k%d' % (i % 24)
                    futures.append((key, i, producer.send(name, value=b'%d' % i, key=key)))
                producer.flush(timeout=60)
                failures.extend(repr(f.exception) for _, _, f in futures if f.failed())
                sent = _acknowledged(futures)
                records = consume(name, sum(map(len, sent.values())), timeout=30, extra_wait=0.5)
                for i, n in enumerate(_check_exactly_once(records, sent)):
                    totals[i] += n
    finally:
        producer.close(timeout=10)
    summary = (f'{rounds} topics x {per_round} records: {len(failures)} failed;'
               f' lost, duplicated, reordered: {totals}')
    print(summary)
    assert failures == [], f'{summary}; first failure: {failures[0]}'
    assert totals == [0, 0, 0], summary


@pytest.fixture(scope='module')
def three_node_cluster(broker: Broker) -> Any:
    """A 3-node Apache Kafka cluster (replication factor 3, min.insync.replicas=2)."""
    if broker.name == 'tansu':
        pytest.skip('Tansu: no multi-node cluster')
    from brokers.apache_kafka import KafkaCluster

    cluster = KafkaCluster(nodes=3).start()
    try:
        yield cluster
    finally:
        cluster.stop()


def _leaders(bootstrap: str, topic: str) -> dict[int, int]:
    from confluent_kafka.admin import AdminClient

    md = AdminClient({'bootstrap.servers': bootstrap}).list_topics(topic, timeout=10)
    return {p: pm.leader for p, pm in md.topics[topic].partitions.items()}


@pytest.mark.tansu_skip('needs a 3-node cluster to move leaders')
def test_leader_moves_acks_all(three_node_cluster: Any) -> None:
    """acks='all' through stopped, killed and restarted leaders: 0 lost, 0 dup, 0 reordered."""
    from conftest import consume_all

    cluster = three_node_cluster
    bootstrap = cluster.bootstrap_servers
    name = f'idem-moves-{uuid.uuid4().hex[:10]}'
    with KafkaAdminClient(bootstrap_servers=bootstrap) as admin:
        _create_topic_now(admin, name, 6, replication=3)
        admin.wait_for_topics([name], timeout_ms=30000)

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', linger_ms=2, batch_size=4096,
                             delivery_timeout_ms=120000, request_timeout_ms=10000,
                             metadata_max_age_ms=5000)
    futures: list[tuple[bytes, int, Any]] = []
    stop = threading.Event()

    def produce() -> None:
        i = 0
        while not stop.is_set():
            key = b'k%d' % (i % 60)
            futures.append((key, i, producer.send(name, value=b'%d' % i, key=key)))
            i += 1
            if i % 50 == 0:
                time.sleep(0.01)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        time.sleep(2)
        for action in ('stop', 'kill', 'stop'):
            leader = _leaders(bootstrap.split(',')[0], name)[0]
            if action == 'stop':
                cluster.stop_node(leader)
            else:
                cluster.kill_node(leader)
            time.sleep(3)
            cluster.start_node(leader)
            time.sleep(3)
    finally:
        stop.set()
        thread.join()
        producer.flush(timeout=120)
        producer.close(timeout=10)
    failed = [f for _, _, f in futures if f.failed()]
    sent = _acknowledged(futures)
    records = consume_all(bootstrap, name, sum(map(len, sent.values())), timeout=120, extra_wait=1.0)
    lost, duplicated, reordered = _check_exactly_once(records, sent)
    summary = (f'{len(futures)} records sent, {len(failed)} failed; acknowledged: lost {lost},'
               f' duplicated {duplicated}, reordered {reordered}')
    print(summary)
    assert (lost, duplicated, reordered) == (0, 0, 0), summary
    assert failed == [], f'{summary}; first failure: {failed[0].exception!r}'
