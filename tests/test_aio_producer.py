"""AIOKafkaProducer (kafka.aio) against a real broker.

Every test runs under the default event loop and under uvloop (see
``pytest_asyncio_loop_factories`` in conftest.py).
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import TYPE_CHECKING, Any, Callable

import pytest
from conftest import LoopProbe
from kafka import KafkaProducer
from kafka import errors as Errors
from kafka._native import murmur2
from kafka.aio import AIOKafkaProducer, RecordMetadata
from kafka.structs import TopicPartition

if TYPE_CHECKING:
    from conftest import Record

def _by_value(records: list[Record]) -> dict[bytes | None, list[Record]]:
    seen: dict[bytes | None, list[Record]] = {}
    for r in records:
        seen.setdefault(r.value, []).append(r)
    return seen


@pytest.mark.asyncio
async def test_send_and_wait_returns_metadata(bootstrap_servers: str, topic: Callable[..., str],
                                              consume: Callable[..., list[Record]]) -> None:
    t = topic(partitions=3)
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers) as producer:
        md = await producer.send_and_wait(t, b'value', key=b'key', headers=[('h', b'v')], timestamp_ms=1234567)
        assert isinstance(md, RecordMetadata)
        assert md.topic == t
        assert md.partition == (murmur2(b'key') & 0x7FFFFFFF) % 3
        assert md.topic_partition == TopicPartition(t, md.partition)
        assert md.offset == 0
        assert md.timestamp == 1234567
        assert md.timestamp_type == 0
        assert await producer.partitions_for(t) == {0, 1, 2}
        fut = await producer.send(t, b'second', partition=1)
        assert asyncio.isfuture(fut)
        md2 = await fut
        assert (md2.partition, md2.offset) == (1, 1 if md.partition == 1 else 0)
    records = consume(t, 2)
    got = {(r.value, r.key, r.partition) for r in records}
    assert got == {(b'value', b'key', md.partition), (b'second', None, 1)}
    first = next(r for r in records if r.value == b'value')
    assert first.headers == [('h', b'v')] and first.timestamp == 1234567


@pytest.mark.asyncio
async def test_10k_gathered_sends_delivered_exactly_once(bootstrap_servers: str, topic: Callable[..., str],
                                                         consume: Callable[..., list[Record]]) -> None:
    t = topic(partitions=4)
    n = 10_000
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=5) as producer:
        futures = [await producer.send(t, b'%d' % i, key=b'%d' % (i % 97)) for i in range(n)]
        results = await asyncio.gather(*futures)
    assert len({(md.partition, md.offset) for md in results}) == n
    for i, md in enumerate(results):
        assert md.partition == (murmur2(b'%d' % (i % 97)) & 0x7FFFFFFF) % 4
    records = consume(t, n, extra_wait=1.0)
    by_value = _by_value(records)
    assert len(records) == n
    assert set(by_value) == {b'%d' % i for i in range(n)}
    for i, md in enumerate(results):
        (rec,) = by_value[b'%d' % i]
        assert (rec.partition, rec.offset) == (md.partition, md.offset)


@pytest.mark.asyncio
async def test_flush_resolves_every_future(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic()
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=10_000) as producer:
        futures = [await producer.send(t, b'x%d' % i) for i in range(500)]
        await producer.flush()
        assert all(f.done() for f in futures)
        assert [f.result().offset for f in futures] == list(range(500))


@pytest.mark.asyncio
async def test_cancelling_send_and_wait_loses_and_duplicates_nothing(
        bootstrap_servers: str, topic: Callable[..., str], consume: Callable[..., list[Record]]) -> None:
    t = topic(partitions=2)
    n = 2000
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=20) as producer:
        # Metadata first: a send still waiting for the topic's metadata when cancelled is
        # withdrawn (as in aiokafka); this test is about records already appended.
        await producer.partitions_for(t)
        tasks = [asyncio.ensure_future(producer.send_and_wait(t, b'%d' % i)) for i in range(n)]
        await asyncio.sleep(0)  # every task has appended its record and now awaits delivery
        for task in tasks[::2]:
            task.cancel()
        done = await asyncio.gather(*tasks, return_exceptions=True)
        assert sum(isinstance(d, asyncio.CancelledError) for d in done) == n // 2
        assert all(isinstance(d, RecordMetadata) for d in done[1::2])
        # The producer is still usable afterwards.
        md = await producer.send_and_wait(t, b'after', partition=0)
        assert md.offset >= 0
    records = consume(t, n + 1, extra_wait=1.0)
    by_value = _by_value(records)
    assert len(records) == n + 1
    assert all(len(by_value[b'%d' % i]) == 1 for i in range(n))


@pytest.mark.asyncio
async def test_cancelling_send_waiting_for_buffer_memory(
        bootstrap_servers: str, topic: Callable[..., str], consume: Callable[..., list[Record]]) -> None:
    t = topic()
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, buffer_memory=4000,
                                linger_ms=60_000) as producer:
        first = await producer.send(t, b'1' * 3000)  # lingers, holding most of the buffer
        task = asyncio.ensure_future(producer.send_and_wait(t, b'2' * 3000))
        await asyncio.sleep(0.1)
        assert not task.done()  # waiting for buffer memory, off the event loop
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await producer.flush()
        assert first.result().offset == 0
        third = await producer.send(t, b'3')
        await producer.flush()
        assert third.result().offset == 1
    assert [r.value[:1] for r in consume(t, 2, extra_wait=0.5)] == [b'1', b'3']


@pytest.mark.asyncio
async def test_full_buffer_waits_without_blocking_the_loop(
        bootstrap_servers: str, topic: Callable[..., str], consume: Callable[..., list[Record]]) -> None:
    t = topic(partitions=2)
    n = 5000
    value = b'v' * 1000
    probe = LoopProbe()
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, buffer_memory=64 * 1024,
                                max_batch_size=16 * 1024) as producer:
        before = probe.ticks
        futures = [await producer.send(t, value + b'%d' % i) for i in range(n)]
        ticks_while_sending = probe.ticks - before
        await asyncio.gather(*futures)
    (await probe.stop()).assert_responsive()
    # 5 MB through a 64 KiB buffer: the sends waited for memory off the loop, which ran the probe
    # meanwhile (a send blocking the loop thread would leave this at 0).
    assert ticks_while_sending >= 3, ticks_while_sending
    assert len(consume(t, n, extra_wait=0.5)) == n


@pytest.mark.asyncio
async def test_event_loop_stays_responsive_while_producing_100k(bootstrap_servers: str,
                                                                topic: Callable[..., str]) -> None:
    t = topic(partitions=4)
    n = 100_000
    probe = LoopProbe()
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers) as producer:
        pending: list[asyncio.Future[RecordMetadata]] = []
        for i in range(n):
            pending.append(await producer.send(t, b'%d' % i))
            if len(pending) == 2000:
                # Yield to the loop between bursts, as a service handling requests would.
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    (await probe.stop()).assert_responsive()


@pytest.mark.asyncio
async def test_send_batch(bootstrap_servers: str, topic: Callable[..., str],
                          consume: Callable[..., list[Record]]) -> None:
    t = topic(partitions=2)
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, value_serializer=str.encode) as producer:
        batch = producer.create_batch()
        for i in range(10):
            meta = batch.append(key=None, value=f'b{i}', timestamp=None)
            assert meta is not None and meta.offset == i
        assert batch.record_count() == 10
        fut = await producer.send_batch(batch, t, partition=1)
        md = await fut
        assert (md.partition, md.offset) == (1, 0)
        small = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, max_batch_size=200).create_batch()
        assert small.append(key=None, value=b'x' * 100, timestamp=None) is not None
        assert small.append(key=None, value=b'x' * 100, timestamp=None) is None  # full
    records = consume(t, 10)
    assert [r.value for r in records] == [f'b{i}'.encode() for i in range(10)]
    assert {r.partition for r in records} == {1}


@pytest.mark.asyncio
async def test_errors(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, max_request_size=1000)
    with pytest.raises(Errors.KafkaError):
        await producer.send(t, b'v')  # not started
    await producer.start()
    with pytest.raises(Errors.MessageSizeTooLargeError):
        await producer.send(t, b'x' * 2000)
    with pytest.raises(AssertionError):
        await producer.send(t, b'v', partition=5)
    with pytest.raises(AssertionError):
        await producer.send(t)
    with pytest.raises(TypeError):
        await producer.send(t, 'not bytes')
    with pytest.raises(Errors.IllegalOperation):
        async with producer.transaction():
            pass
    await producer.stop()
    await producer.stop()
    with pytest.raises(Errors.ProducerClosed):
        await producer.send(t, b'v')
    with pytest.raises(ValueError):
        AIOKafkaProducer(acks=2)
    with pytest.raises(ValueError):
        AIOKafkaProducer(enable_idempotence=True, acks=1)
    with pytest.raises(ValueError, match='ssl_context'):
        AIOKafkaProducer(security_protocol='SSL')


@pytest.mark.asyncio
async def test_bootstrap_failure_raises_connection_error() -> None:
    from conftest import free_port

    producer = AIOKafkaProducer(bootstrap_servers=f'127.0.0.1:{free_port()}', request_timeout_ms=1000)
    with pytest.raises(Errors.KafkaConnectionError):
        await producer.start()


@pytest.mark.asyncio
async def test_custom_partitioner_and_serializers(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=3)
    calls: list[tuple[Any, list[int], list[int]]] = []

    def last_partition(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
        calls.append((key, all_partitions, available))
        return all_partitions[-1]

    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, partitioner=last_partition,
                                key_serializer=str.encode, value_serializer=lambda v: repr(v).encode(),
                                acks='all', enable_idempotence=True, compression_type='gzip') as producer:
        md = await producer.send_and_wait(t, {'a': 1}, key='k')
    assert md.partition == 2
    assert calls == [(b'k', [0, 1, 2], [0, 1, 2])]


@pytest.mark.asyncio
async def test_sync_and_async_producers_share_the_core(bootstrap_servers: str, topic: Callable[..., str],
                                                       consume: Callable[..., list[Record]]) -> None:
    t = topic(partitions=2)
    sync = KafkaProducer(bootstrap_servers=bootstrap_servers)
    try:
        async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers) as producer:
            async_futs = []
            for i in range(1000):
                async_futs.append(await producer.send(t, b'a%d' % i))
                sync.send(t, b's%d' % i)
            sync.flush(timeout=30)
            await asyncio.gather(*async_futs)
    finally:
        sync.close(timeout=10)
    assert len(consume(t, 2000, extra_wait=0.5)) == 2000


@pytest.mark.asyncio
async def test_unstopped_producer_is_released(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()
    await producer.send_and_wait(t, b'v')
    del producer
    gc.collect()
    start = time.monotonic()
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers) as again:
        await again.send_and_wait(t, b'w')
    assert time.monotonic() - start < 10
