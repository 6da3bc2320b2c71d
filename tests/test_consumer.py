"""KafkaConsumer against a real broker: positions, offsets, codecs, transactions, commits."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any, Callable

import pytest
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka import errors as Errors
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import OffsetAndTimestamp

if TYPE_CHECKING:
    from conftest import Broker


def produce(bootstrap: str, topic: str, records: list[dict[str, Any]], **config: Any) -> None:
    """Write ``records`` (kwargs of confluent-kafka's produce) and wait for delivery."""
    from confluent_kafka import Producer

    producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': 5, **config})
    for r in records:
        producer.produce(topic, **r)
    assert producer.flush(30) == 0


def confluent_offset_for_time(bootstrap: str, topic: str, ts: int) -> int:
    from confluent_kafka import Consumer
    from confluent_kafka import TopicPartition as CTopicPartition

    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'oft-{uuid.uuid4().hex}'})
    try:
        (found,) = c.offsets_for_times([CTopicPartition(topic, 0, ts)], timeout=10)
        return int(found.offset)
    finally:
        c.close()


def confluent_read_committed(bootstrap: str, topic: str, n: int) -> list[bytes]:
    from confluent_kafka import Consumer
    from confluent_kafka import TopicPartition as CTopicPartition

    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'rc-{uuid.uuid4().hex}',
                  'isolation.level': 'read_committed'})
    try:
        c.assign([CTopicPartition(topic, 0, 0)])
        out: list[bytes] = []
        deadline = time.monotonic() + 10
        while len(out) < n and time.monotonic() < deadline:
            out.extend(m.value() for m in c.consume(100, timeout=0.5) if m.error() is None)
        return out
    finally:
        c.close()


def drain(consumer: KafkaConsumer, n: int, timeout: float = 30.0) -> list[Any]:
    """Poll until ``n`` records arrived (or ``timeout``); records in arrival order."""
    out: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        for recs in consumer.poll(timeout_ms=500).values():
            out.extend(recs)
    return out


def test_consumer_record_fields_and_deserializers(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(1)
    produce(bootstrap_servers, t, [
        {'key': b'k', 'value': b'hello', 'headers': [('a', b'1'), ('b', b'')], 'timestamp': 1700000000000},
        {'value': b'no-key'},
    ])
    seen_keys: list[Any] = []

    def key_deser(k: bytes | None) -> Any:
        seen_keys.append(k)
        return k.decode() if k is not None else None

    with KafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='earliest',
                       key_deserializer=key_deser, value_deserializer=bytes.upper) as c:
        c.assign([TopicPartition(t, 0)])
        first, second = drain(c, 2)
    assert isinstance(first, ConsumerRecord)
    assert first._fields == ('topic', 'partition', 'leader_epoch', 'offset', 'timestamp', 'timestamp_type', 'key',
                             'value', 'headers', 'checksum', 'serialized_key_size', 'serialized_value_size',
                             'serialized_header_size')
    assert (first.topic, first.partition, first.offset) == (t, 0, 0)
    assert (first.timestamp, first.timestamp_type) == (1700000000000, 0)
    assert (first.key, first.value) == ('k', b'HELLO')
    assert first.headers == [('a', b'1'), ('b', b'')]
    assert (first.serialized_key_size, first.serialized_value_size, first.serialized_header_size) == (1, 5, 3)
    assert first.checksum is None
    # kafka-python calls a plain deserializer for a missing key too.
    assert (second.key, second.serialized_key_size, second.serialized_header_size) == (None, -1, -1)
    assert seen_keys == [b'k', None]


def test_seek_positions_offsets_for_times_pause_resume(bootstrap_servers: str, topic: Callable[..., str],
                                                      broker: Broker) -> None:
    t = topic(1)
    base = 1700000000000
    records = [{'value': b'%d' % i, 'timestamp': base + i * 1000} for i in range(20)]
    produce(bootstrap_servers, t, records[:19])
    # The last record in a batch of its own: Tansu answers ListOffsets(latest) with the base offset
    # of the last batch + 1, which is the end offset only for a one-record batch.
    produce(bootstrap_servers, t, records[19:])
    tp = TopicPartition(t, 0)
    with KafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='earliest') as c:
        c.assign([tp])
        assert c.assignment() == {tp}
        assert c.beginning_offsets([tp]) == {tp: 0}
        assert c.end_offsets([tp]) == {tp: 20}
        assert c.position(tp) == 0
        got = drain(c, 20)
        assert [r.offset for r in got] == list(range(20))
        assert c.position(tp) == 20
        assert c.highwater(tp) == 20

        c.seek(tp, 10)
        assert c.position(tp) == 10
        assert [r.offset for r in drain(c, 10)] == list(range(10, 20))

        c.seek_to_beginning()
        assert c.position(tp) == 0
        assert drain(c, 1)[0].offset == 0

        c.seek_to_end(tp)
        assert c.position(tp) == 20
        assert c.poll(timeout_ms=500) == {}

        found = c.offsets_for_times({tp: base + 5000})
        assert isinstance(found[tp], OffsetAndTimestamp)
        # Tansu answers timestamp lookups with offset 0; compare with what librdkafka gets.
        assert found[tp].offset == confluent_offset_for_time(bootstrap_servers, t, base + 5000)
        if broker.name != 'tansu':
            assert (found[tp].offset, found[tp].timestamp) == (5, base + 5000)
            between = c.offsets_for_times({tp: base + 5500})[tp]
            assert (between.offset, between.timestamp) == (6, base + 6000)
            assert c.offsets_for_times({tp: base + 10**9}) == {tp: None}
        with pytest.raises(ValueError):
            c.offsets_for_times({tp: -5})

        c.seek(tp, 3)
        c.pause(tp)
        assert c.paused() == {tp}
        assert c.poll(timeout_ms=700) == {}
        c.resume(tp)
        assert c.paused() == set()
        assert drain(c, 1)[0].offset == 3

        with pytest.raises(AssertionError):
            c.seek(TopicPartition(t, 7), 0)
        with pytest.raises(TypeError):
            c.seek((t, 0), 0)


def test_auto_offset_reset_latest_and_none(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    from kafka.errors import NoOffsetForPartitionError

    t = topic(1)
    produce(bootstrap_servers, t, [{'value': b'old'}])
    tp = TopicPartition(t, 0)
    with KafkaConsumer(bootstrap_servers=bootstrap_servers) as c:  # default: latest
        c.assign([tp])
        assert c.position(tp) == 1
        produce(bootstrap_servers, t, [{'value': b'new'}])
        assert [r.value for r in drain(c, 1)] == [b'new']
    with KafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='none') as c:
        c.assign([tp])
        with pytest.raises(NoOffsetForPartitionError):
            c.poll(timeout_ms=2000)
        c.seek(tp, 0)
        assert [r.value for r in drain(c, 2)] == [b'old', b'new']


@pytest.mark.parametrize('codec', ['gzip', 'snappy', 'lz4', 'zstd'])
def test_compression_codecs_from_confluent(bootstrap_servers: str, topic: Callable[..., str], codec: str) -> None:
    t = topic(2)
    records = [{'key': b'key-%d' % i, 'value': (b'value-%d-' % i) * 20, 'partition': i % 2,
                'headers': [('i', b'%d' % i)]} for i in range(500)]
    produce(bootstrap_servers, t, records, **{'compression.type': codec, 'linger.ms': 50})
    with KafkaConsumer(t, bootstrap_servers=bootstrap_servers, auto_offset_reset='earliest') as c:
        got = drain(c, 500)
    assert len(got) == 500
    assert sorted((r.key, r.value, r.headers[0][1]) for r in got) == \
        sorted((r['key'], r['value'], r['headers'][0][1]) for r in records)
    for p in (0, 1):
        offsets = [r.offset for r in got if r.partition == p]
        assert offsets == list(range(250))


def test_read_committed_skips_aborted_transaction(bootstrap_servers: str, topic: Callable[..., str],
                                                  broker: Broker) -> None:
    from confluent_kafka import Producer

    t = topic(1)
    producer = Producer({'bootstrap.servers': bootstrap_servers, 'transactional.id': f'tx-{uuid.uuid4().hex}'})
    producer.init_transactions(30)
    producer.begin_transaction()
    for i in range(5):
        producer.produce(t, value=b'aborted-%d' % i)
    producer.flush(30)
    producer.abort_transaction(30)
    producer.begin_transaction()
    for i in range(5):
        producer.produce(t, value=b'committed-%d' % i)
    producer.commit_transaction(30)
    tp = TopicPartition(t, 0)
    with KafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='earliest',
                       isolation_level='read_committed') as c:
        c.assign([tp])
        got = [r.value for r in drain(c, 10, timeout=5)]
    # The aborted records are dropped when the broker lists the aborted transaction in its Fetch
    # responses (Kafka does; Tansu does not, and then librdkafka returns them too). The filtering
    # itself is covered by the Rust unit tests of consumer::fetcher.
    assert got == confluent_read_committed(bootstrap_servers, t, 10)
    assert got[-5:] == [b'committed-%d' % i for i in range(5)]
    if broker.name != 'tansu':
        assert got == [b'committed-%d' % i for i in range(5)]
    if len(got) == 5:
        assert got == [b'committed-%d' % i for i in range(5)]
    with KafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='earliest') as c:
        c.assign([tp])
        got = drain(c, 10)
        assert [r.value for r in got] == [b'aborted-%d' % i for i in range(5)] + [b'committed-%d' % i
                                                                                 for i in range(5)]


GROUP_CONFIG = {'session_timeout_ms': 6000, 'heartbeat_interval_ms': 1000, 'auto_offset_reset': 'earliest'}


def test_at_least_once_resume_after_commit(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(2)
    produce(bootstrap_servers, t, [{'value': b'%d' % i, 'partition': i % 2} for i in range(100)])
    group = f'resume-{uuid.uuid4().hex[:8]}'
    first: list[Any] = []
    c = KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                      **GROUP_CONFIG)
    deadline = time.monotonic() + 30
    while len(first) < 50 and time.monotonic() < deadline:
        for recs in c.poll(timeout_ms=500, max_records=50 - len(first)).values():
            first.extend(recs)
    assert len(first) == 50
    c.commit()
    committed = {p: c.committed(TopicPartition(t, p)) for p in (0, 1)}
    meta = c.committed(TopicPartition(t, 0), metadata=True)
    assert isinstance(meta, OffsetAndMetadata)
    c.close()
    for p in (0, 1):
        consumed = [r.offset for r in first if r.partition == p]
        # Like kafka-python, every assigned partition with a position is committed.
        assert committed[p] == (max(consumed) + 1 if consumed else 0)
    with KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, **GROUP_CONFIG) as c2:
        rest = drain(c2, 50)
        assert c2.poll(timeout_ms=500) == {}
    seen = sorted((r.partition, r.offset) for r in first + rest)
    assert seen == sorted((p, o) for p in (0, 1) for o in range(50))
    for p in (0, 1):
        resumed = [r.offset for r in rest if r.partition == p]
        assert resumed == list(range(committed[p] or 0, 50))


def test_commit_async_callback_runs_in_poll(bootstrap_servers: str, topic: Callable[..., str],
                                            broker: Broker) -> None:
    t = topic(1)
    produce(bootstrap_servers, t, [{'value': b'x'}] * 3)
    tp = TopicPartition(t, 0)
    calls: list[Any] = []
    with KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=f'async-{uuid.uuid4().hex[:8]}',
                       auto_offset_reset='earliest', enable_auto_commit=False) as c:
        c.assign([tp])
        drain(c, 3)
        future = c.commit_async({tp: OffsetAndMetadata(2, 'meta', -1)},
                                callback=lambda offsets, resp: calls.append((offsets, resp)))
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            c.poll(timeout_ms=100)
        assert calls == [({tp: OffsetAndMetadata(2, 'meta', -1)}, None)]
        assert future.succeeded()
        # (Tansu does not store commit metadata, so only the offset is checked there.)
        assert c.committed(tp, metadata=True).offset == 2
        if broker.name != 'tansu':
            assert c.committed(tp, metadata=True).metadata == 'meta'


def test_topics_partitions_and_config_errors(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    from kafka._compat import UnsupportedConfigError

    t = topic(3)
    with KafkaConsumer(bootstrap_servers=bootstrap_servers) as c:
        assert t in c.topics()
        assert c.partitions_for_topic(t) == {0, 1, 2}
        assert c.partitions_for_topic(f'missing-{uuid.uuid4().hex}') is None
        assert c.bootstrap_connected()
        assert c.subscription() is None
        c.subscribe([t])
        assert c.subscription() == {t}
        with pytest.raises(AssertionError):
            c.assign([TopicPartition(t, 0)])
        c.unsubscribe()
        assert c.subscription() is None
    with pytest.raises(ValueError, match='Unrecognized configs'):
        KafkaConsumer(bootstrap_servers=bootstrap_servers, no_such_option=1)
    with pytest.raises(UnsupportedConfigError):
        KafkaConsumer(bootstrap_servers=bootstrap_servers, proxy_url='socks5://proxy:1080')
    with pytest.raises(Errors.KafkaConfigurationError, match='sasl_plain_username'):
        KafkaConsumer(bootstrap_servers=bootstrap_servers, security_protocol='SASL_SSL')


def test_iterator_positions_commit_and_seek(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """Positions follow what the iterator handed out (not what was prefetched), across seek."""
    t = topic(2)
    produce(bootstrap_servers, t, [{'value': b'%d' % i, 'partition': i % 2} for i in range(200)])
    group = f'iter-{uuid.uuid4().hex[:8]}'
    c = KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                      consumer_timeout_ms=10000, max_poll_records=30, **GROUP_CONFIG)
    taken: list[Any] = []
    for msg in c:
        taken.append(msg)
        if len(taken) == 45:
            break
    c.commit()
    for p in (0, 1):
        offsets = [r.offset for r in taken if r.partition == p]
        expected = max(offsets) + 1 if offsets else None
        if expected is not None:
            assert c.position(TopicPartition(t, p)) == expected
            assert c.committed(TopicPartition(t, p)) == expected
    # A seek during iteration drops that partition's prefetched records.
    tp0 = TopicPartition(t, 0)
    c.seek(tp0, 0)
    again = []
    for msg in c:
        if msg.partition == 0:
            again.append(msg.offset)
            if len(again) == 3:
                break
    assert again == [0, 1, 2]
    # next() and for-loops share the iterator state.
    nxt = next(c)
    assert (nxt.partition, nxt.offset) != (0, 2)
    c.close()
