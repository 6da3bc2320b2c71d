"""KafkaProducer against a real broker; everything is read back with confluent-kafka."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

import kafka.errors as Errors
import pytest
from conftest import Record, free_port, run_python, tansu_broker
from kafka import KafkaProducer, TopicPartition
from kafka.partitioner import Partitioner, murmur2
from kafka.producer.future import RecordMetadata
from kafka.serializer import Serializer

TopicFactory = Callable[..., str]
Consume = Callable[..., list[Record]]


@pytest.fixture
def producer_factory(bootstrap_servers: str) -> Any:
    """``make(**configs)`` -> KafkaProducer on the session broker, closed after the test."""
    made: list[KafkaProducer] = []

    def make(**configs: Any) -> KafkaProducer:
        configs.setdefault('bootstrap_servers', bootstrap_servers)
        producer = KafkaProducer(**configs)
        made.append(producer)
        return producer

    yield make
    for producer in made:
        producer.close(timeout=10)


def java_partition(key: bytes, num_partitions: int) -> int:
    return (murmur2(key) & 0x7FFFFFFF) % num_partitions


# --- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize('compression_type', [None, 'gzip', 'snappy', 'lz4', 'zstd'])
def test_compression_round_trip(producer_factory: Any, topic: TopicFactory, consume: Consume,
                                compression_type: str | None) -> None:
    n, partitions = 10_000, 4
    name = topic(partitions)
    producer = producer_factory(compression_type=compression_type, linger_ms=5)
    base_ts = 1_700_000_000_000
    sent = {}
    futures = []
    for i in range(n):
        key = f'key-{i % 997}'.encode()
        value = (f'value-{i}-'.encode() * (1 + i % 7))[: 1 + (i * 31) % 300] if i % 50 else b''
        headers = [('idx', str(i).encode()), ('kind', b'\x00\xffbinary'), ('empty', b'')]
        ts = base_ts + i
        futures.append(producer.send(name, value=value, key=key, headers=headers, timestamp_ms=ts))
        sent[i] = (key, value, headers, ts)
    producer.flush(timeout=120)
    metas = [f.get(timeout=30) for f in futures]
    records = consume(name, n, timeout=120, extra_wait=1.0)
    assert len(records) == n
    by_idx = {int(dict(r.headers)['idx']): r for r in records}
    assert len(by_idx) == n
    for i, meta in enumerate(metas):
        key, value, headers, ts = sent[i]
        rec = by_idx[i]
        assert rec.key == key
        assert rec.value == value
        assert rec.headers == headers
        assert rec.timestamp == ts
        assert rec.partition == meta.partition == java_partition(key, partitions)
        assert rec.offset == meta.offset
        assert meta.topic == name
        assert meta.timestamp == ts


def test_keyed_partitioning_matches_confluent_murmur2_random(producer_factory: Any, topic: TopicFactory,
                                                             consume: Consume, bootstrap_servers: str) -> None:
    from confluent_kafka import Producer

    partitions = 7
    ours, theirs = topic(partitions, prefix='ours'), topic(partitions, prefix='confluent')
    keys = [f'user-{i}'.encode() for i in range(300)] + [b'', b'\x00', bytes(range(256))]
    producer = producer_factory()
    for key in keys:
        producer.send(ours, value=b'v', key=key)
    producer.flush(timeout=60)
    confluent = Producer({'bootstrap.servers': bootstrap_servers, 'partitioner': 'murmur2_random'})
    for key in keys:
        confluent.produce(theirs, value=b'v', key=key)
    assert confluent.flush(60) == 0
    got_ours = {r.key: r.partition for r in consume(ours, len(keys), timeout=60)}
    got_theirs = {r.key: r.partition for r in consume(theirs, len(keys), timeout=60)}
    assert len(got_ours) == len(keys)
    assert got_ours == got_theirs
    assert all(got_ours[k] == java_partition(k, partitions) for k in keys)


def test_idempotent_order_and_no_duplicates(producer_factory: Any, topic: TopicFactory, consume: Consume) -> None:
    n, partitions = 100_000, 3
    name = topic(partitions)
    producer = producer_factory(enable_idempotence=True, linger_ms=5)
    for i in range(n):
        producer.send(name, value=str(i).encode(), key=str(i % 101).encode())
    producer.flush(timeout=300)
    records = consume(name, n, timeout=300, extra_wait=2.0)
    assert len(records) == n
    values = [int(r.value) for r in records]  # type: ignore[arg-type]
    assert len(set(values)) == n
    for p in range(partitions):
        seq = [int(r.value) for r in records if r.partition == p]  # type: ignore[arg-type]
        assert seq == sorted(seq), f'partition {p} out of order'
        offsets = [r.offset for r in records if r.partition == p]
        assert offsets == list(range(offsets[0], offsets[0] + len(offsets)))


def test_null_value_and_null_key(producer_factory: Any, topic: TopicFactory, consume: Consume) -> None:
    name = topic(1)
    producer = producer_factory()
    producer.send(name, key=b'tombstone')
    producer.send(name, value=b'no key')
    producer.send(name, value=bytearray(b'bytearray'), key=memoryview(b'mv'))
    producer.flush(timeout=30)
    got = [(r.key, r.value) for r in consume(name, 3, timeout=30)]
    assert got == [(b'tombstone', None), (None, b'no key'), (b'mv', b'bytearray')]


# --- serializers and partitioners -----------------------------------------------------------

def test_callable_serializers(producer_factory: Any, topic: TopicFactory, consume: Consume) -> None:
    import json

    name = topic(1)
    producer = producer_factory(key_serializer=lambda k: k.encode() if k is not None else None,
                                value_serializer=lambda v: json.dumps(v).encode('utf-8'))
    producer.send(name, {'a': 1}, key='k1')
    producer.send(name, [1, 2])
    producer.flush(timeout=30)
    got = [(r.key, r.value) for r in consume(name, 2, timeout=30)]
    assert got == [(b'k1', b'{"a": 1}'), (None, b'[1, 2]')]


def test_serializer_classes_2x_and_3x(producer_factory: Any, topic: TopicFactory, consume: Consume) -> None:
    calls: list[tuple[Any, ...]] = []

    class New(Serializer):
        def serialize(self, topic: str, headers: list[tuple[str, bytes]], data: Any) -> bytes | None:
            calls.append(('new', topic, list(headers), data))
            return None if data is None else str(data).encode()

    class Old(Serializer):
        def serialize(self, topic: str, data: Any) -> bytes | None:  # type: ignore[override]
            calls.append(('old', topic, data))
            return None if data is None else str(data).upper().encode()

    name = topic(1)
    producer = producer_factory(key_serializer=Old(), value_serializer=New())
    producer.send(name, 42, key='abc', headers=[('h', b'1')])
    producer.flush(timeout=30)
    assert calls == [('old', name, 'abc'), ('new', name, [('h', b'1')], 42)]
    (rec,) = consume(name, 1, timeout=30)
    assert (rec.key, rec.value) == (b'ABC', b'42')


def test_serializer_exception_propagates_unchanged(producer_factory: Any, topic: TopicFactory) -> None:
    class Boom(Exception):
        pass

    def bad(_value: Any) -> bytes:
        raise Boom('nope')

    producer = producer_factory(value_serializer=bad)
    with pytest.raises(Boom, match='nope'):
        producer.send(topic(1), 'x')


def test_legacy_callable_partitioner(producer_factory: Any, topic: TopicFactory, consume: Consume) -> None:
    seen: list[tuple[Any, ...]] = []

    def last_partition(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
        seen.append((key, list(all_partitions), sorted(available)))
        return all_partitions[-1]

    name = topic(3)
    producer = producer_factory(partitioner=last_partition)
    producer.send(name, b'v', key=b'k')
    producer.flush(timeout=30)
    assert seen == [(b'k', [0, 1, 2], [0, 1, 2])]
    (rec,) = consume(name, 1, timeout=30)
    assert rec.partition == 2


def test_partitioner_abc(producer_factory: Any, topic: TopicFactory, consume: Consume) -> None:
    class First(Partitioner):
        def partition(self, topic: str, key: Any, serialized_key: bytes | None, value: Any,
                      serialized_value: bytes | None, cluster: Any) -> int:
            assert topic in cluster.topics()
            assert cluster.partitions_for_topic(topic) == {0, 1, 2}
            return 1

    name = topic(3)
    producer = producer_factory(partitioner=First())
    producer.send(name, b'v', key=b'k')
    producer.flush(timeout=30)
    (rec,) = consume(name, 1, timeout=30)
    assert rec.partition == 1


def test_explicit_partition(producer_factory: Any, topic: TopicFactory, consume: Consume) -> None:
    name = topic(3)
    producer = producer_factory()
    assert producer.send(name, b'v', key=b'k', partition=2).get(timeout=30).partition == 2
    with pytest.raises(ValueError, match='Unrecognized partition 3') as info:
        producer.send(name, b'v', partition=3)
    assert isinstance(info.value, AssertionError)  # kafka-python 2.x asserted
    with pytest.raises(ValueError, match='partition must be >= 0'):
        producer.send(name, b'v', partition=-1)


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize('warm', [False, True], ids=['first-send', 'topic-known'])
def test_bad_input(producer_factory: Any, topic: TopicFactory, warm: bool) -> None:
    """The same errors whether send() takes the general path or the core's fast path (topic
    already validated, metadata cached)."""
    name = topic(1)
    producer = producer_factory()
    if warm:
        producer.send(name, b'ok', headers=[('h', b'v')], partition=0).get(timeout=30)
    with pytest.raises(TypeError, match=r"Unsupported type for serialized value: <class 'str'>") as info:
        producer.send(name, 'a str value')
    assert isinstance(info.value, AssertionError)
    with pytest.raises(TypeError, match=r"Unsupported type for serialized key: <class 'str'>"):
        producer.send(name, b'v', key='a str key')
    with pytest.raises(TypeError):
        producer.send(name, 12345)
    with pytest.raises(ValueError, match='Need at least one: key or value') as vinfo:
        producer.send(name)
    assert isinstance(vinfo.value, AssertionError)
    with pytest.raises(AssertionError):
        producer.send(name, None, key=None)
    with pytest.raises(TypeError, match='headers must be list-type'):
        producer.send(name, b'v', headers=(('a', b'b'),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r'\(str, bytes\) tuples'):
        producer.send(name, b'v', headers=[('a', 'str')])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r'\(str, bytes\) tuples'):
        producer.send(name, b'v', headers=[(b'a', b'b')])  # type: ignore[list-item]
    with pytest.raises(ValueError, match='illegal'):
        producer.send('bad topic name!', b'v')
    with pytest.raises(ValueError, match='Unrecognized partition 7'):
        producer.send(name, b'v', partition=7)
    with pytest.raises(ZeroDivisionError):
        producer_factory(value_serializer=lambda v: 1 / 0).send(name, b'v')


def test_unknown_config_is_value_error(bootstrap_servers: str) -> None:
    with pytest.raises(ValueError, match='Unrecognized configs'):
        KafkaProducer(bootstrap_servers=bootstrap_servers, not_a_config=1)


def test_record_larger_than_max_request_size(producer_factory: Any, topic: TopicFactory) -> None:
    # kafka-python raises MessageSizeTooLargeError from send() itself.
    producer = producer_factory(max_request_size=1000)
    with pytest.raises(Errors.MessageSizeTooLargeError):
        producer.send(topic(1), b'x' * 2000)


def test_send_after_close(producer_factory: Any, topic: TopicFactory) -> None:
    name = topic(1)
    producer = producer_factory()
    producer.close()
    producer.close()  # idempotent
    with pytest.raises(Errors.IllegalStateError, match='already closed') as info:
        producer.send(name, b'v')
    assert isinstance(info.value, AssertionError)


def _send_or_construct(configs: dict[str, Any]) -> tuple[BaseException | None, float, KafkaProducer | None]:
    start = time.monotonic()
    producer = None
    try:
        producer = KafkaProducer(**configs)
        producer.send('some-topic', b'value')
    except Exception as exc:  # noqa: BLE001 - returned to the test
        return exc, time.monotonic() - start, producer
    return None, time.monotonic() - start, producer


@pytest.mark.parametrize('configs', [
    {'bootstrap_timeout_ms': 2000},             # kafka-python 3: bootstrap in the constructor
    {'api_version_auto_timeout_ms': 2000},      # kafka-python 2: version probe in the constructor
    {'api_version': (2, 6), 'max_block_ms': 2000},  # no eager bootstrap: send() waits max_block_ms
], ids=['3.x', '2.x', 'api_version'])
def test_unreachable_bootstrap(configs: dict[str, Any]) -> None:
    port = free_port()  # nothing listens there
    exc, elapsed, producer = _send_or_construct({'bootstrap_servers': f'127.0.0.1:{port}', **configs})
    try:
        # 2.x raised NoBrokersAvailable, 3.x KafkaTimeoutError; NoBrokersAvailable is both.
        assert isinstance(exc, Errors.KafkaTimeoutError), exc
        if 'api_version' in configs:
            assert producer is not None  # raised by send()
        else:
            assert producer is None and isinstance(exc, Errors.NoBrokersAvailable)
        assert elapsed >= 2.0 * 0.9
    finally:
        if producer is not None:
            producer.close()


def test_constructor_retry_loop_until_broker_appears(bootstrap_servers: str) -> None:
    """The Docker-compose pattern: retry the constructor on NoBrokersAvailable until it works."""
    attempts = 0
    target = f'127.0.0.1:{free_port()}'
    while True:
        try:
            producer = KafkaProducer(bootstrap_servers=target, bootstrap_timeout_ms=300)
            break
        except Errors.NoBrokersAvailable:
            attempts += 1
            if attempts == 2:
                target = bootstrap_servers  # the broker "comes up"
    assert attempts == 2
    assert producer.bootstrap_connected()
    producer.close()


def test_backpressure_unreachable_broker() -> None:
    port = free_port()
    configs = {'bootstrap_servers': f'127.0.0.1:{port}', 'buffer_memory': 1024, 'batch_size': 512,
               'max_block_ms': 1500, 'api_version': (2, 6)}
    start = time.monotonic()
    producer = None
    try:
        producer = KafkaProducer(**configs)
        with pytest.raises(Errors.KafkaTimeoutError):
            for _ in range(100):
                producer.send('backpressure', b'x' * 100)
    except Errors.KafkaTimeoutError:
        pass  # raised by the constructor: equally acceptable
    elapsed = time.monotonic() - start
    assert 1.5 * 0.9 <= elapsed < 1.5 + 5.0
    if producer is not None:
        start = time.monotonic()
        producer.close()
        assert time.monotonic() - start < 5.0


def test_backpressure_when_broker_stops() -> None:
    """Metadata known, then the broker dies: the tiny buffer fills and send() blocks max_block_ms."""
    with tansu_broker() as (bootstrap, proc):
        from conftest import create_topic

        name = create_topic(bootstrap, 'bp-topic', 1)
        producer = KafkaProducer(bootstrap_servers=bootstrap, buffer_memory=4096, batch_size=1024,
                                 max_block_ms=1500, linger_ms=0, request_timeout_ms=1000,
                                 delivery_timeout_ms=3000, retry_backoff_ms=50)
        try:
            producer.send(name, b'first').get(timeout=30)
            proc.kill()
            proc.wait()
            start = time.monotonic()
            with pytest.raises(Errors.KafkaTimeoutError):
                for _ in range(10_000):
                    producer.send(name, b'x' * 200)
            assert 1.5 * 0.9 <= time.monotonic() - start < 1.5 + 10.0
        finally:
            start = time.monotonic()
            producer.close(timeout=5)
            assert time.monotonic() - start < 5.0 + 5.0


# --- futures and callbacks --------------------------------------------------------------------

def test_future_get_returns_record_metadata(producer_factory: Any, topic: TopicFactory) -> None:
    name = topic(1)
    producer = producer_factory()
    metas = [producer.send(name, b'value', key=b'key', headers=[('h', b'12')], timestamp_ms=1_600_000_000_000 + i)
             .get(timeout=30) for i in range(3)]
    for i, meta in enumerate(metas):
        assert isinstance(meta, RecordMetadata)
        assert isinstance(meta, tuple) and len(meta) == 9
        assert meta.topic == name
        assert meta.partition == 0
        assert meta.topic_partition == TopicPartition(name, 0)
        assert meta.offset == i
        assert meta.timestamp == 1_600_000_000_000 + i
        assert meta.serialized_key_size == 3
        assert meta.serialized_value_size == 5
        assert meta.serialized_header_size > 0
        assert isinstance(meta.log_start_offset, int)
    fut = producer.send(name, b'v')
    fut.get(timeout=30)
    assert fut.is_done and fut.succeeded() and not fut.failed()
    assert isinstance(fut.value, RecordMetadata) and fut.exception is None


def test_callbacks_run_on_the_callback_thread(producer_factory: Any, topic: TopicFactory) -> None:
    name = topic(1)
    producer = producer_factory(client_id='cb-test', linger_ms=500)
    seen: list[tuple[str, Any, Any]] = []
    done = threading.Event()

    def on_success(tag: str, meta: RecordMetadata) -> None:
        seen.append((tag, threading.current_thread().name, meta))
        done.set()

    fut = producer.send(name, b'v')
    fut.add_callback(on_success, 'pending')
    fut.add_errback(lambda exc: seen.append(('errback', None, exc)))
    producer.flush(timeout=30)
    assert done.wait(10)
    assert seen[0][0] == 'pending'
    assert seen[0][1] == 'kafka-python-rs-producer-callbacks-cb-test'
    assert isinstance(seen[0][2], RecordMetadata) and seen[0][2].topic == name
    # Already done: runs immediately in the caller's thread.
    fut.add_callback(on_success, 'done')
    assert seen[-1][0] == 'done' and seen[-1][1] == threading.current_thread().name
    both: list[Any] = []
    fut.add_both(both.append)
    assert both and isinstance(both[0], RecordMetadata)
    assert not any(tag == 'errback' for tag, _, _ in seen)


def test_errback_when_delivery_fails() -> None:
    with tansu_broker() as (bootstrap, proc):
        from conftest import create_topic

        name = create_topic(bootstrap, 'errback-topic', 1)
        producer = KafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=1000, delivery_timeout_ms=3000,
                                 linger_ms=0, retry_backoff_ms=50, max_block_ms=5000)
        try:
            producer.send(name, b'first').get(timeout=30)
            proc.kill()
            proc.wait()
            errors: list[BaseException] = []
            got = threading.Event()
            fut = producer.send(name, b'lost')
            fut.add_errback(lambda exc: (errors.append(exc), got.set()))
            fut.add_callback(lambda meta: pytest.fail(f'unexpected success {meta}'))
            with pytest.raises(Errors.KafkaError):
                fut.get(timeout=30)
            assert got.wait(10)
            assert fut.failed() and isinstance(fut.exception, Errors.KafkaError)
            assert errors == [fut.exception]
        finally:
            producer.close(timeout=5)


# --- misc API -----------------------------------------------------------------------------------

def test_partitions_for_metrics_and_context_manager(bootstrap_servers: str, topic: TopicFactory) -> None:
    name = topic(3)
    with KafkaProducer(bootstrap_servers=[bootstrap_servers], acks=1) as producer:
        assert producer.config['acks'] == 1
        assert producer.config['enable_idempotence'] is False  # acks=1 switches the 3.x default off
        assert producer.partitions_for(name) == {0, 1, 2}
        producer.send(name, b'v').get(timeout=30)
        assert producer.bootstrap_connected() is True
        metrics = producer.metrics()
        assert isinstance(metrics, dict)
        assert all(isinstance(group, dict) for group in metrics.values())
        assert isinstance(producer.metrics(raw=True), dict)
    with pytest.raises(Errors.IllegalStateError):
        producer.send(name, b'v')
    quiet = KafkaProducer(bootstrap_servers=bootstrap_servers, metrics_enabled=False)
    try:
        assert quiet.metrics() is None
    finally:
        quiet.close()


def test_acks_all_and_buffer_memory_accepted(producer_factory: Any, topic: TopicFactory) -> None:
    producer = producer_factory(acks='all', buffer_memory=33554432, api_version=(2, 5),
                                api_version_auto_timeout_ms=1000, metrics_num_samples=3)
    assert producer.config['acks'] == -1
    assert producer.send(topic(1), b'v').get(timeout=30).offset == 0


def test_unflushed_records_are_delivered_at_exit(bootstrap_servers: str, topic: TopicFactory,
                                                 consume: Consume) -> None:
    name = topic(2)
    code = (
        'from kafka import KafkaProducer\n'
        f'p = KafkaProducer(bootstrap_servers={bootstrap_servers!r}, linger_ms=200)\n'
        'for i in range(500):\n'
        f'    p.send({name!r}, str(i).encode(), key=str(i).encode())\n'
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    records = consume(name, 500, timeout=60, extra_wait=1.0)
    assert sorted(int(r.value) for r in records) == list(range(500))  # type: ignore[arg-type]
