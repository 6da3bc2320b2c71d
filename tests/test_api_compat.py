"""Small kafka-python 3 / aiokafka names added for drop-in fidelity (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from kafka import (
    AsyncConsumerRebalanceListener,
    ConsumerRebalanceListener,
    IsolationLevel,
    KafkaConsumer,
    KafkaProducer,
    OffsetSpec,
)
from kafka import errors as Errors
from kafka.coordinator.assignors.abstract import RebalanceProtocol
from kafka.coordinator.assignors.range import RangePartitionAssignor


def test_enums_have_kafka_python_values() -> None:
    assert (IsolationLevel.READ_UNCOMMITTED, IsolationLevel.READ_COMMITTED) == (0, 1)
    assert (OffsetSpec.LATEST, OffsetSpec.EARLIEST, OffsetSpec.MAX_TIMESTAMP) == (-1, -2, -3)
    assert RangePartitionAssignor.supported_protocols() == [RebalanceProtocol.EAGER]


def test_listeners_default_on_partitions_lost_to_revoked() -> None:
    seen: list[Any] = []

    class Sync(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked: Any) -> None:
            seen.append(('revoked', revoked))

        def on_partitions_assigned(self, assigned: Any) -> None:
            pass

    Sync().on_partitions_lost({1})
    assert seen == [('revoked', {1})]
    assert AsyncConsumerRebalanceListener.on_partitions_lost is not None


def test_max_usable_produce_magic_and_check_error() -> None:
    assert KafkaProducer.max_usable_produce_magic((4, 0)) == 2
    assert KafkaProducer.max_usable_produce_magic((0, 10, 1)) == 1
    assert KafkaProducer.max_usable_produce_magic((0, 9)) == 0
    assert KafkaProducer.DEPRECATED_CONFIGS == ()
    assert KafkaConsumer.DEFAULT_SESSION_TIMEOUT_MS_0_9 == 30000

    class Response:
        error = 3

    with pytest.raises(Errors.UnknownTopicOrPartitionError):
        Errors.check_error(Response())
    Response.error = 0
    Errors.check_error(Response())


def test_aiokafka_names_from_kafka_aio() -> None:
    import kafka.aio
    import kafka.aio.errors
    from kafka.aio import ConsumerStoppedError, IllegalOperation, OffsetAndTimestamp
    from kafka.aio.abc import ConsumerRebalanceListener as AioListener
    from kafka.aio.structs import BrokerMetadata, PartitionMetadata

    assert ConsumerStoppedError is Errors.ConsumerStoppedError
    assert IllegalOperation is Errors.IllegalOperation
    for name in kafka.aio.errors.__all__:
        assert getattr(kafka.aio, name) is getattr(Errors, name)
    assert OffsetAndTimestamp(5, 1000) == (5, 1000)
    assert AioListener is kafka.aio.ConsumerRebalanceListener
    assert BrokerMetadata._fields == ('nodeId', 'host', 'port', 'rack')
    assert PartitionMetadata._fields == ('topic', 'partition', 'leader', 'replicas', 'isr', 'error')


def test_consumer_bootstrap(bootstrap_servers: str) -> None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers)
    try:
        consumer.bootstrap(timeout_ms=30000)
        assert consumer.bootstrap_connected()
        consumer.bootstrap(timeout_ms=30000, refresh=True)
        assert consumer.next_v2 is not None
    finally:
        consumer.close()


def test_consumer_bootstrap_times_out() -> None:
    consumer = KafkaConsumer(bootstrap_servers='127.0.0.1:1', api_version=(2, 5))
    try:
        with pytest.raises(Errors.KafkaTimeoutError):
            consumer.bootstrap(timeout_ms=500)
    finally:
        consumer.close()


def test_codec_functions_round_trip_on_the_core_codecs() -> None:
    import gzip

    from kafka import codec

    payload = b'kafka-python-rs ' * 1000
    assert codec.has_gzip() and codec.has_snappy() and codec.has_lz4() and codec.has_zstd()
    assert gzip.decompress(codec.gzip_encode(payload, compresslevel=9)) == payload
    assert codec.gzip_decode(gzip.compress(payload)) == payload
    for encode, decode in ((codec.snappy_encode, codec.snappy_decode), (codec.lz4_encode, codec.lz4_decode),
                           (codec.zstd_encode, codec.zstd_decode)):
        packed = encode(payload)
        assert len(packed) < len(payload)
        assert decode(packed) == payload
    raw = codec.snappy_encode(payload, xerial_compatible=False)
    assert raw != codec.snappy_encode(payload)
    assert codec.snappy_decode(raw) == payload
    with pytest.raises(ValueError):
        codec.zstd_decode(b'not zstd')


def test_kafka_python_2_config_keys_are_accepted() -> None:
    old = {'api_version_auto_timeout_ms': 1000, 'sock_chunk_bytes': 8192, 'sock_chunk_buffer_count': 10,
           'bootstrap_topics_filter': {'a'}}
    consumer = KafkaConsumer(bootstrap_servers='127.0.0.1:1', api_version=(2, 5), legacy_iterator=True, **old)
    consumer.close()
    producer = KafkaProducer(bootstrap_servers='127.0.0.1:1', api_version=(2, 5), **old)
    producer.close(timeout=0)


def test_consumer_timeouts_are_validated_as_kafka_python() -> None:
    with pytest.raises(Errors.KafkaConfigurationError, match='fetch-max-wait-ms'):
        KafkaConsumer(bootstrap_servers='127.0.0.1:1', api_version=(2, 5), fetch_max_wait_ms=40000,
                      request_timeout_ms=40000)
    with pytest.raises(Errors.KafkaConfigurationError, match='connections_max_idle_ms'):
        KafkaConsumer(bootstrap_servers='127.0.0.1:1', api_version=(2, 5), request_timeout_ms=600000)


def test_kafka_future_is_awaitable() -> None:
    import asyncio
    import threading

    from kafka.future import Future

    async def main() -> None:
        ok = Future()
        threading.Timer(0.05, ok.success, args=(42,)).start()
        assert await ok == 42
        bad = Future()
        asyncio.get_running_loop().call_later(0.05, bad.failure, Errors.KafkaTimeoutError)
        with pytest.raises(Errors.KafkaTimeoutError):
            await bad
        assert await Future().success('done') == 'done'

    asyncio.run(main())


def test_send_future_is_a_kafka_future(bootstrap_servers: str, topic: Any) -> None:
    from kafka.future import Future

    t = topic()
    producer = KafkaProducer(bootstrap_servers=bootstrap_servers)
    try:
        future = producer.send(t, b'v')
        assert isinstance(future, Future)
        assert future.get(timeout=30).offset == 0
        assert not future.retriable()
        assert future.args[0] == 0
        chained = Future()
        future.chain(chained)
        assert chained.succeeded() and chained.value.offset == 0
        with pytest.raises(AssertionError):
            future.success(None)

        async def awaited() -> Any:
            return await producer.send(t, b'w')

        import asyncio
        assert asyncio.run(awaited()).offset == 1
    finally:
        producer.close()
