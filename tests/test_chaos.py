"""Chaos on Apache Kafka: cut connections, stalls, kill -9, restarts and leader moves.

``make test`` runs the short form (tens of thousands of records, a few faults); ``make chaos``
(``KAFKA_CHAOS=long``) the long one (200k records, a fault every 0.5-1.5 s, a 15 s stall). Each
scenario checks delivery with an independent reader (confluent-kafka, on a listener the faults
do not touch): nothing acknowledged is lost, nothing is duplicated, keys stay in order.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
import time
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import pytest
from conftest import Record, consume_all, create_topic

if TYPE_CHECKING:
    from collections.abc import Iterator

    from brokers.apache_kafka import KafkaCluster

LONG = os.environ.get('KAFKA_CHAOS') == 'long'
RECORDS = 200_000 if LONG else 20_000
STALL_S = 15.0 if LONG else 3.0
#: Production is spread over this many seconds, so that faults hit it many times.
SPREAD_S = 60.0 if LONG else 8.0
CHUNK = 500
KEYS = 64

pytestmark = [
    pytest.mark.skipif(bool(os.environ.get('KAFKA_BOOTSTRAP_SERVERS')), reason='needs the Apache Kafka harness'),
    pytest.mark.skipif('kafka' not in os.environ.get('KAFKA_TEST_BROKERS', 'tansu,kafka'),
                       reason='Apache Kafka not selected'),
    pytest.mark.timeout(1800 if LONG else 600),
]


@pytest.fixture(scope='module')
def proxied() -> Iterator[KafkaCluster]:
    """One Apache Kafka node whose EXTERNAL listener is behind a fault proxy."""
    from brokers.apache_kafka import KafkaCluster

    cluster = KafkaCluster(nodes=1, proxied=True).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope='module')
def three_nodes() -> Iterator[KafkaCluster]:
    """Three Apache Kafka nodes (RF 3, min.insync.replicas 2), each behind a fault proxy."""
    from brokers.apache_kafka import KafkaCluster

    cluster = KafkaCluster(nodes=3, proxied=True).start()
    try:
        yield cluster
    finally:
        cluster.stop()


class Faults(threading.Thread):
    """Cuts every connection through ``proxies`` every 0.5-1.5 s; one stall of STALL_S midway."""

    def __init__(self, proxies: list[Any], stall_after: int = 3) -> None:
        super().__init__(daemon=True)
        self.proxies = proxies
        self.stall_after = stall_after
        self.done = threading.Event()
        self.cuts = 0
        self.stalls = 0

    def run(self) -> None:
        rng = random.Random(7)
        while not self.done.wait(rng.uniform(0.5, 1.5)):
            for proxy in self.proxies:
                proxy.cut()
            self.cuts += 1
            if self.cuts == self.stall_after:
                for proxy in self.proxies:
                    proxy.stall()
                self.done.wait(STALL_S)
                for proxy in self.proxies:
                    proxy.resume()
                self.stalls += 1

    def stop(self) -> None:
        self.done.set()
        self.join(30)
        for proxy in self.proxies:
            proxy.resume()


def _value(key: int, seq: int) -> bytes:
    return b'%d:%d' % (key, seq)


def check_exactly_once_in_order(records: list[Record], acked: set[tuple[int, int]], sent: int) -> dict[str, int]:
    """0 acknowledged lost, 0 duplicated, every key's sequence increasing; return the counts."""
    seen: dict[int, list[int]] = defaultdict(list)
    for r in records:
        assert r.value is not None
        key, seq = (int(x) for x in r.value.split(b':'))
        seen[key].append(seq)
    duplicates = sum(len(v) - len(set(v)) for v in seen.values())
    reordered = sum(1 for v in seen.values() for a, b in zip(v, v[1:]) if b < a)
    present = {(k, s) for k, v in seen.items() for s in v}
    lost = len(acked - present)
    counts = {'sent': sent, 'acked': len(acked), 'read': len(records), 'lost': lost, 'duplicates': duplicates,
              'reordered': reordered}
    assert (lost, duplicates, reordered) == (0, 0, 0), counts
    return counts


def _produce_keyed(producer: Any, topic: str, n: int) -> tuple[list[Any], list[tuple[int, int]]]:
    """Send ``n`` keyed records spread over SPREAD_S seconds (in chunks of CHUNK)."""
    futures, ids = [], []
    pause = SPREAD_S / max(1, n // CHUNK)
    for i in range(n):
        key, seq = i % KEYS, i // KEYS
        futures.append(producer.send(topic, _value(key, seq), key=b'%d' % key))
        ids.append((key, seq))
        if i % CHUNK == CHUNK - 1:
            time.sleep(pause)
    return futures, ids


def _acked(futures: list[Any], ids: list[tuple[int, int]]) -> set[tuple[int, int]]:
    acked = set()
    for fut, ident in zip(futures, ids):
        if fut.succeeded():
            acked.add(ident)
        else:
            assert fut.exception is not None and str(fut.exception), 'a failed record must say why'
    return acked


def test_idempotent_producer_through_cuts_and_a_stall(proxied: KafkaCluster) -> None:
    from kafka import KafkaProducer

    topic = create_topic(proxied.bootstrap_servers, f'chaos-produce-{uuid.uuid4().hex[:8]}', 4)
    faults = Faults(list(proxied.proxies.values()))
    producer = KafkaProducer(bootstrap_servers=proxied.bootstrap('EXTERNAL'), linger_ms=5,
                             request_timeout_ms=5000, delivery_timeout_ms=120_000)
    started = time.monotonic()
    faults.start()
    try:
        futures, ids = _produce_keyed(producer, topic, RECORDS)
        producer.flush(timeout=300)
    finally:
        faults.stop()
        producer.close(timeout=30)
    acked = _acked(futures, ids)
    assert faults.cuts >= 3 and faults.stalls == 1, (faults.cuts, faults.stalls)
    assert len(acked) == RECORDS, f'{RECORDS - len(acked)} records failed (idempotent retries must cover cuts)'
    counts = check_exactly_once_in_order(consume_all(proxied.bootstrap_servers, topic, RECORDS, extra_wait=2.0),
                                         acked, RECORDS)
    print(f'idempotent producer through faults: {counts} cuts {faults.cuts} stalls {faults.stalls} '
          f'in {time.monotonic() - started:.1f}s')


def test_confluent_kafka_control_through_cuts_and_a_stall(proxied: KafkaCluster) -> None:
    """The control: confluent-kafka's idempotent producer through the same faults.

    Its figures are printed next to ours (``make chaos`` runs with ``-s``); the assertion is that it
    ran through the faults and lost nothing acknowledged, so a broken harness shows up here too.
    """
    confluent_kafka = pytest.importorskip('confluent_kafka')
    topic = create_topic(proxied.bootstrap_servers, f'chaos-control-{uuid.uuid4().hex[:8]}', 4)
    faults = Faults(list(proxied.proxies.values()))
    producer = confluent_kafka.Producer({'bootstrap.servers': proxied.bootstrap('EXTERNAL'), 'linger.ms': 5,
                                         'enable.idempotence': True, 'request.timeout.ms': 5000,
                                         'delivery.timeout.ms': 120_000})
    acked: set[tuple[int, int]] = set()
    failed: list[str] = []

    def report(ident: tuple[int, int]) -> Any:
        def on_delivery(err: Any, _msg: Any) -> None:
            if err is None:
                acked.add(ident)
            else:
                failed.append(str(err))
        return on_delivery

    started = time.monotonic()
    faults.start()
    try:
        pause = SPREAD_S / max(1, RECORDS // CHUNK)
        for i in range(RECORDS):
            key, seq = i % KEYS, i // KEYS
            while True:
                try:
                    producer.produce(topic, _value(key, seq), key=b'%d' % key, on_delivery=report((key, seq)))
                    break
                except BufferError:
                    producer.poll(0.05)
            if i % CHUNK == CHUNK - 1:
                producer.poll(0)
                time.sleep(pause)
        left = producer.flush(300)
    finally:
        faults.stop()
    elapsed = time.monotonic() - started
    assert left == 0 and faults.cuts >= 3 and faults.stalls == 1, (left, faults.cuts, faults.stalls)
    records = consume_all(proxied.bootstrap_servers, topic, len(acked), extra_wait=2.0)
    seen: dict[int, list[int]] = defaultdict(list)
    for r in records:
        assert r.value is not None
        k, q = (int(x) for x in r.value.split(b':'))
        seen[k].append(q)
    counts = {'sent': RECORDS, 'acked': len(acked), 'failed': len(failed), 'read': len(records),
              'lost': len(acked - {(k, q) for k, v in seen.items() for q in v}),
              'duplicates': sum(len(v) - len(set(v)) for v in seen.values()),
              'reordered': sum(1 for v in seen.values() for a, b in zip(v, v[1:]) if b < a)}
    print(f'CONTROL confluent-kafka through faults: {counts} cuts {faults.cuts} in {elapsed:.1f}s')
    assert counts['lost'] == 0, counts


def test_asyncio_producer_through_cuts_and_a_stall(proxied: KafkaCluster) -> None:
    from kafka.aio import AIOKafkaProducer

    topic = create_topic(proxied.bootstrap_servers, f'chaos-aio-{uuid.uuid4().hex[:8]}', 4)
    faults = Faults(list(proxied.proxies.values()))

    async def run() -> tuple[list[Any], list[tuple[int, int]]]:
        # aiokafka's producer is not idempotent by default (acks=1): ask for it, as its users do.
        async with AIOKafkaProducer(bootstrap_servers=proxied.bootstrap('EXTERNAL'), linger_ms=5,
                                    request_timeout_ms=5000, enable_idempotence=True) as producer:
            futures, ids = [], []
            pause = SPREAD_S / max(1, RECORDS // CHUNK)
            for i in range(RECORDS):
                key, seq = i % KEYS, i // KEYS
                futures.append(await producer.send(topic, _value(key, seq), key=b'%d' % key))
                ids.append((key, seq))
                if i % CHUNK == CHUNK - 1:
                    await asyncio.sleep(pause)
            await asyncio.gather(*futures, return_exceptions=True)
            return futures, ids

    faults.start()
    try:
        futures, ids = asyncio.run(run())
    finally:
        faults.stop()
    acked = {ident for fut, ident in zip(futures, ids) if fut.exception() is None}
    assert faults.cuts >= 3 and faults.stalls == 1, (faults.cuts, faults.stalls)
    assert len(acked) == RECORDS
    counts = check_exactly_once_in_order(consume_all(proxied.bootstrap_servers, topic, RECORDS, extra_wait=2.0),
                                         acked, RECORDS)
    print('asyncio producer through faults:', counts, 'cuts', faults.cuts)


def test_broker_restart_with_records_in_flight(proxied: KafkaCluster) -> None:
    from kafka import KafkaProducer

    topic = create_topic(proxied.bootstrap_servers, f'chaos-restart-{uuid.uuid4().hex[:8]}', 2)
    producer = KafkaProducer(bootstrap_servers=proxied.bootstrap('EXTERNAL'), linger_ms=20,
                             request_timeout_ms=5000)
    try:
        futures, ids = _produce_keyed(producer, topic, RECORDS // 2)
        proxied.stop_node(1)
        time.sleep(1.0)
        proxied.start_node(1)
        producer.flush(timeout=300)
    finally:
        producer.close(timeout=30)
    acked = _acked(futures, ids)
    assert len(acked) == RECORDS // 2
    check_exactly_once_in_order(consume_all(proxied.bootstrap_servers, topic, RECORDS // 2, extra_wait=2.0),
                                acked, RECORDS // 2)


def _leader_of(cluster: KafkaCluster, topic: str, partition: int, timeout: float = 60.0) -> int:
    """The partition's leader, once every node's metadata knows the topic (brokers learn of a new
    topic at slightly different times)."""
    from kafka import errors as Errors
    from kafka.admin import KafkaAdminClient

    deadline = time.monotonic() + timeout
    with KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers) as admin:
        while True:
            try:
                described = admin.describe_topics([topic])[0]
                leader = next(p['leader_id'] for p in described['partitions'] if p['partition_index'] == partition)
                if leader >= 0:
                    return int(leader)
            except Errors.UnknownTopicOrPartitionError:
                pass
            assert time.monotonic() < deadline, f'no leader for {topic}-{partition}'
            time.sleep(0.2)


def test_acks_all_survives_kill_9_of_the_leader_and_leader_moves(three_nodes: KafkaCluster) -> None:
    from brokers.apache_kafka import run_tool
    from kafka import KafkaProducer

    cluster = three_nodes
    topic = create_topic(cluster.bootstrap_servers, f'chaos-failover-{uuid.uuid4().hex[:8]}', 3,
                         replication_factor=3)
    producer = KafkaProducer(bootstrap_servers=cluster.bootstrap_servers, acks='all', linger_ms=5,
                             request_timeout_ms=5000)
    victim = _leader_of(cluster, topic, 0)
    futures: list[Any] = []
    ids: list[tuple[int, int]] = []
    pause = SPREAD_S / max(1, RECORDS // CHUNK)
    try:
        for i in range(RECORDS):
            key, seq = i % KEYS, i // KEYS
            futures.append(producer.send(topic, _value(key, seq), key=b'%d' % key))
            ids.append((key, seq))
            if i % CHUNK == CHUNK - 1:
                time.sleep(pause)
            if i == RECORDS // 3:
                cluster.kill_node(victim)
            elif i == 2 * RECORDS // 3:
                cluster.start_node(victim)
                # Move leadership back to the preferred replicas.
                out = run_tool('org.apache.kafka.tools.LeaderElectionCommand', '--bootstrap-server',
                               cluster.bootstrap_servers, '--election-type', 'preferred', '--all-topic-partitions')
                assert out.returncode == 0, out.stdout + out.stderr
        producer.flush(timeout=300)
    finally:
        producer.close(timeout=30)
    acked = _acked(futures, ids)
    counts = check_exactly_once_in_order(consume_all(cluster.bootstrap_servers, topic, len(acked), extra_wait=2.0),
                                         acked, RECORDS)
    print('kill -9 of the leader, restart, preferred election:', counts)


def _java_hash(s: str) -> int:
    h = 0
    for ch in s.encode('utf-16-be').decode('utf-16-be'):
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def _group_coordinator(cluster: KafkaCluster, group: str, offsets_partitions: int = 10) -> int:
    """The node leading the __consumer_offsets partition of ``group`` (Kafka's coordinator)."""
    partition = (_java_hash(group) & 0x7FFFFFFF) % offsets_partitions
    return _leader_of(cluster, '__consumer_offsets', partition)


@pytest.mark.parametrize('group_protocol', ['classic', 'consumer'])
def test_consumer_group_through_cuts_and_coordinator_failover(three_nodes: KafkaCluster, group_protocol: str) -> None:
    """A group of 3 committing after processing: every record processed, none processed again
    after its offset was committed, through connection cuts and a kill -9 of the coordinator.
    With both group protocols (KIP-848's `consumer`: heartbeats and commits with the member
    epoch move to the new coordinator)."""
    from confluent_kafka import Producer
    from kafka import KafkaConsumer

    cluster = three_nodes
    topic = create_topic(cluster.bootstrap_servers, f'chaos-group-{uuid.uuid4().hex[:8]}', 6, replication_factor=3)
    n = RECORDS // 2
    producer = Producer({'bootstrap.servers': cluster.bootstrap_servers, 'linger.ms': 5})
    for i in range(n):
        producer.produce(topic, value=b'%d' % i, partition=i % 6)
    assert producer.flush(60) == 0
    group = f'chaos-group-{uuid.uuid4().hex[:8]}'
    lock = threading.Lock()
    processed: list[tuple[int, int]] = []
    committed: dict[int, int] = {}
    replayed_after_commit: list[tuple[int, int]] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def member() -> None:
        from kafka import OffsetAndMetadata
        from kafka import errors as Errors

        consumer = KafkaConsumer(topic, bootstrap_servers=cluster.bootstrap('EXTERNAL'), group_id=group,
                                 enable_auto_commit=False, auto_offset_reset='earliest',
                                 session_timeout_ms=10000, heartbeat_interval_ms=1000, request_timeout_ms=8000,
                                 group_protocol=group_protocol)
        try:
            while not stop.is_set():
                batch = consumer.poll(timeout_ms=300)
                if not batch:
                    continue
                with lock:
                    for tp, recs in batch.items():
                        for r in recs:
                            if r.offset < committed.get(tp.partition, 0):
                                replayed_after_commit.append((tp.partition, r.offset))
                            processed.append((tp.partition, r.offset))
                offsets = {tp: OffsetAndMetadata(recs[-1].offset + 1, '', -1) for tp, recs in batch.items()}
                try:
                    consumer.commit(offsets)
                except (Errors.CommitFailedError, Errors.KafkaError):
                    continue  # not committed: these records may be processed again
                with lock:
                    for tp, om in offsets.items():
                        committed[tp.partition] = max(committed.get(tp.partition, 0), om.offset)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            consumer.close(timeout_ms=10000)

    threads = [threading.Thread(target=member, daemon=True) for _ in range(3)]
    faults = Faults(list(cluster.proxies.values()), stall_after=10**9)
    for t in threads:
        t.start()
    faults.start()
    try:
        deadline = time.monotonic() + (900 if LONG else 300)
        killed = False
        while time.monotonic() < deadline:
            with lock:
                done = len(set(processed))
            if not killed and done >= n // 3:
                victim = _group_coordinator(cluster, group)
                cluster.kill_node(victim)
                time.sleep(2.0)
                cluster.start_node(victim)
                killed = True
            if done >= n and killed:
                break
            time.sleep(0.5)
    finally:
        faults.stop()
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors
    unique = set(processed)
    assert len(unique) == n, f'{n - len(unique)} records never processed'
    assert replayed_after_commit == [], f'{len(replayed_after_commit)} records processed again after their commit'
    print('group through faults:', {'records': n, 'processed': len(processed), 'cuts': faults.cuts})


def _finish_transaction(method: Any) -> None:
    """commit/abort, retried while it times out (the outcome is then unknown: Java's rule)."""
    from kafka import errors as Errors

    for _ in range(20):
        try:
            method()
            return
        except Errors.KafkaTimeoutError:
            continue
    method()


def test_transactional_copy_through_cuts_and_a_stall(proxied: KafkaCluster) -> None:
    """A consume-transform-produce copy with transactions while every connection is cut every
    0.5-1.5 s (and stalled once): the application aborts and rewinds to the committed offsets
    when a transaction fails, and the output read with read_committed (by confluent-kafka) is
    exactly the input: nothing missing, nothing twice."""
    import hashlib

    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka import errors as Errors
    from kafka.structs import OffsetAndMetadata

    n = 100_000 if LONG else 10_000
    src = create_topic(proxied.bootstrap_servers, f'chaos-txn-in-{uuid.uuid4().hex[:8]}', 4)
    dst = create_topic(proxied.bootstrap_servers, f'chaos-txn-out-{uuid.uuid4().hex[:8]}', 4)
    with KafkaProducer(bootstrap_servers=proxied.bootstrap_servers, linger_ms=5) as filler:
        for i in range(n):
            filler.send(src, b'%d' % i, key=b'%d' % (i % KEYS))
    bootstrap = proxied.bootstrap('EXTERNAL')
    consumer = KafkaConsumer(src, bootstrap_servers=bootstrap, group_id=f'chaos-copy-{uuid.uuid4().hex[:8]}',
                             enable_auto_commit=False, auto_offset_reset='earliest', isolation_level='read_committed',
                             request_timeout_ms=10000, session_timeout_ms=30000, max_poll_records=250)
    producer = KafkaProducer(bootstrap_servers=bootstrap, transactional_id=f'chaos-copy-{uuid.uuid4().hex[:8]}',
                             linger_ms=5, request_timeout_ms=5000)
    producer.init_transactions()
    partitions = [TopicPartition(src, p) for p in range(4)]
    ends = consumer.end_offsets(partitions)
    commits = aborts = 0
    pause = SPREAD_S / (n / 250)  # spread the copy so that cuts land inside transactions
    faults = Faults(list(proxied.proxies.values()))
    started = time.monotonic()
    faults.start()
    try:
        deadline = started + (900 if LONG else 300)
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500)
            if not batch:
                assigned = consumer.assignment()
                if len(assigned) == 4 and all(consumer.position(tp) >= ends[tp] for tp in assigned):
                    break
                continue
            try:
                producer.begin_transaction()
                for records in batch.values():
                    for r in records:
                        producer.send(dst, r.value, key=r.key)
                offsets = {tp: OffsetAndMetadata(rs[-1].offset + 1, '', -1) for tp, rs in batch.items()}
                time.sleep(pause)
                producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
                _finish_transaction(producer.commit_transaction)
                commits += 1
            except (Errors.ProducerFencedError, Errors.TransactionalIdAuthorizationFailedError):
                raise
            except Errors.KafkaError as exc:
                aborts += 1
                print(f'transaction failed ({exc!r}); aborting and rewinding')
                _finish_transaction(producer.abort_transaction)
                for tp in consumer.assignment():
                    committed = consumer.committed(tp)
                    consumer.seek(tp, committed if committed is not None else 0)
    finally:
        faults.stop()
        producer.close(timeout=30)
        consumer.close()
    elapsed = time.monotonic() - started
    out = [r.value for r in consume_all(proxied.bootstrap_servers, dst, n, extra_wait=2.0)]
    expected = [b'%d' % i for i in range(n)]
    missing, duplicates = len(set(expected) - set(out)), len(out) - len(set(out))
    print(f'transactional copy through faults: {n} in, {len(out)} out, missing {missing}, duplicates {duplicates}; '
          f'{commits} transactions committed, {aborts} aborted, cuts {faults.cuts}, in {elapsed:.1f}s')
    assert (missing, duplicates, len(out)) == (0, 0, n)
    assert hashlib.sha256(b''.join(sorted(out))).digest() == hashlib.sha256(b''.join(sorted(expected))).digest()
    assert faults.cuts >= 3


def test_asyncio_transactional_copy_through_cuts_and_a_stall(proxied: KafkaCluster) -> None:
    """The asyncio copy (AIOKafkaConsumer + AIOKafkaProducer with ``transaction()``) through the
    same faults: a failed transaction is aborted by the context manager and the consumer rewinds
    to the committed offsets; the read_committed output is exactly the input."""
    from kafka import KafkaProducer, TopicPartition
    from kafka.aio import AIOKafkaConsumer, AIOKafkaProducer
    from kafka.aio import errors as AioErrors

    n = 50_000 if LONG else 5_000
    src = create_topic(proxied.bootstrap_servers, f'chaos-atxn-in-{uuid.uuid4().hex[:8]}', 3)
    dst = create_topic(proxied.bootstrap_servers, f'chaos-atxn-out-{uuid.uuid4().hex[:8]}', 3)
    with KafkaProducer(bootstrap_servers=proxied.bootstrap_servers, linger_ms=5) as filler:
        for i in range(n):
            filler.send(src, b'%d' % i, key=b'%d' % (i % KEYS))
    bootstrap = proxied.bootstrap('EXTERNAL')
    group = f'chaos-acopy-{uuid.uuid4().hex[:8]}'
    faults = Faults(list(proxied.proxies.values()))
    stats = {'commits': 0, 'aborts': 0}

    async def copy() -> None:
        consumer = AIOKafkaConsumer(src, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                    auto_offset_reset='earliest', isolation_level='read_committed',
                                    session_timeout_ms=30000, request_timeout_ms=10000)
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=f'chaos-acopy-{uuid.uuid4().hex[:8]}',
                                    request_timeout_ms=5000)
        await consumer.start()
        await producer.start()
        try:
            partitions = [TopicPartition(src, p) for p in range(3)]
            ends = await consumer.end_offsets(partitions)
            pause = SPREAD_S / (n / 250)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + (900 if LONG else 300)
            while loop.time() < deadline:
                batch = await consumer.getmany(timeout_ms=500, max_records=250)
                if not batch:
                    assigned = consumer.assignment()
                    positions = [await consumer.position(tp) for tp in assigned]
                    if len(assigned) == 3 and all(p >= ends[tp] for p, tp in zip(positions, assigned)):
                        return
                    continue
                try:
                    async with producer.transaction():
                        for records in batch.values():
                            for r in records:
                                await producer.send(dst, r.value, key=r.key)
                        await asyncio.sleep(pause)
                        await producer.send_offsets_to_transaction(
                            {tp: records[-1].offset + 1 for tp, records in batch.items()}, group)
                    stats['commits'] += 1
                except (AioErrors.ProducerFenced, AioErrors.TransactionalIdAuthorizationFailed):
                    raise
                except AioErrors.KafkaError as exc:
                    stats['aborts'] += 1
                    print(f'asyncio transaction failed ({exc!r}); rewinding')
                    for tp in consumer.assignment():
                        committed = await consumer.committed(tp)
                        consumer.seek(tp, committed if committed is not None else 0)
        finally:
            await producer.stop()
            await consumer.stop()

    started = time.monotonic()
    faults.start()
    try:
        asyncio.run(copy())
    finally:
        faults.stop()
    out = [r.value for r in consume_all(proxied.bootstrap_servers, dst, n, extra_wait=2.0)]
    expected = {b'%d' % i for i in range(n)}
    missing, duplicates = len(expected - set(out)), len(out) - len(set(out))
    print(f'asyncio transactional copy through faults: {n} in, {len(out)} out, missing {missing}, '
          f'duplicates {duplicates}; {stats} cuts {faults.cuts}, in {time.monotonic() - started:.1f}s')
    assert (missing, duplicates, len(out)) == (0, 0, n)
    assert faults.cuts >= 3
