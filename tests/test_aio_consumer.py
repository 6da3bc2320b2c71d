"""AIOKafkaConsumer (kafka.aio) against a real broker.

Every test runs under the default event loop and under uvloop (see
``pytest_asyncio_loop_factories`` in conftest.py).  Group tests use
session_timeout_ms=6000: Tansu completes a join only after half the session
timeout.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any, Callable

import pytest
from conftest import LoopProbe
from kafka import KafkaProducer
from kafka import errors as Errors
from kafka.aio import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    OffsetAndTimestamp,
)
from kafka.structs import TopicPartition
from test_consumer import confluent_offset_for_time

GROUP_TIMEOUTS = {'session_timeout_ms': 6000, 'heartbeat_interval_ms': 1000}


def _group() -> str:
    return f'aio-group-{uuid.uuid4().hex[:10]}'


async def _produce(bootstrap: str, topic: str, values: list[bytes], spread: int | None = None) -> None:
    """Send ``values`` (round-robin over ``spread`` partitions if given) and wait for all acks."""
    async with AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5) as producer:
        futures = [await producer.send(topic, v, partition=None if spread is None else i % spread)
                   for i, v in enumerate(values)]
        await asyncio.gather(*futures)


async def _assigned_consumer(bootstrap: str, topic: str, partitions: int, **kwargs: Any) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset='earliest', **kwargs)
    await consumer.start()
    consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
    return consumer


@pytest.mark.asyncio
async def test_10k_gathered_sends_consumed_once_with_async_for_in_group(
        bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=4)
    n = 10_000
    await _produce(bootstrap_servers, t, [b'%d' % i for i in range(n)])
    group = _group()
    seen: dict[bytes, int] = {}
    next_offsets: dict[TopicPartition, int] = {}
    async with AIOKafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group,
                                auto_offset_reset='earliest', **GROUP_TIMEOUTS) as consumer:
        async def read() -> None:
            async for msg in consumer:
                assert isinstance(msg, ConsumerRecord)
                seen[msg.value] = seen.get(msg.value, 0) + 1
                next_offsets[TopicPartition(msg.topic, msg.partition)] = msg.offset + 1
                if len(seen) == n:
                    return

        await asyncio.wait_for(read(), 60)
        # Nothing more arrives (no duplicates pending).
        extra = await consumer.getmany(timeout_ms=500)
        assert extra == {}
        assert consumer.assignment() == {TopicPartition(t, p) for p in range(4)}
        await consumer.commit()
        committed = {tp: await consumer.committed(tp) for tp in consumer.assignment()}
        assert committed == next_offsets
        assert sum(committed.values()) == n
    assert set(seen) == {b'%d' % i for i in range(n)}
    assert all(c == 1 for c in seen.values())

    # A new member of the same group resumes after the committed offsets: nothing is redelivered.
    await _produce(bootstrap_servers, t, [b'late'])
    async with AIOKafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group,
                                auto_offset_reset='earliest', **GROUP_TIMEOUTS) as consumer:
        msg = await asyncio.wait_for(consumer.getone(), 30)
        assert msg.value == b'late'
        assert await consumer.getmany(timeout_ms=300) == {}


class _Recorder(ConsumerRebalanceListener):
    """Records rebalance callbacks; ``is_async`` makes them coroutines."""

    def __init__(self, name: str, events: list[tuple[str, str, frozenset[TopicPartition]]], is_async: bool) -> None:
        self.name = name
        self.events = events
        self.is_async = is_async

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> Any:
        if self.is_async:
            return self._record_async('revoked', revoked)
        self.events.append((self.name, 'revoked', frozenset(revoked)))
        return None

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> Any:
        if self.is_async:
            return self._record_async('assigned', assigned)
        self.events.append((self.name, 'assigned', frozenset(assigned)))
        return None

    async def _record_async(self, kind: str, parts: set[TopicPartition]) -> None:
        await asyncio.sleep(0.01)
        self.events.append((self.name, kind, frozenset(parts)))


@pytest.mark.asyncio
async def test_two_consumers_split_partitions_and_one_takes_over(
        bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=4)
    everything = {TopicPartition(t, p) for p in range(4)}
    group = _group()
    events: list[tuple[str, str, frozenset[TopicPartition]]] = []
    received: dict[str, list[bytes]] = {'a': [], 'b': []}
    consumers = {
        name: AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group, auto_offset_reset='earliest',
                               auto_commit_interval_ms=200, **GROUP_TIMEOUTS)
        for name in ('a', 'b')
    }
    consumers['a'].subscribe([t], listener=_Recorder('a', events, is_async=True))
    consumers['b'].subscribe([t], listener=_Recorder('b', events, is_async=False))

    async def run(name: str) -> None:
        consumer = consumers[name]
        async for msg in consumer:
            received[name].append(msg.value)

    async def wait_for(cond: Callable[[], bool], what: str, timeout: float = 40.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, what
            await asyncio.sleep(0.05)

    for c in consumers.values():
        await c.start()
    tasks = {name: asyncio.ensure_future(run(name)) for name in consumers}
    try:
        await wait_for(lambda: bool(consumers['a'].assignment()) and bool(consumers['b'].assignment())
                       and consumers['a'].assignment() | consumers['b'].assignment() == everything,
                       'both members assigned')
        a_parts, b_parts = consumers['a'].assignment(), consumers['b'].assignment()
        assert not a_parts & b_parts
        n = 400
        await _produce(bootstrap_servers, t, [b'first-%d' % i for i in range(n)], spread=4)
        await wait_for(lambda: len(received['a']) + len(received['b']) >= n, 'first batch consumed')
        assert len(received['a']) == len(received['b']) == n // 2  # two partitions each
        # 'a' leaves (committing what it consumed); 'b' takes every partition over.
        await consumers['a'].stop()
        assert await asyncio.wait_for(tasks['a'], 5) is None  # async for ended at stop()
        await wait_for(lambda: consumers['b'].assignment() == everything, 'b owns every partition')
        await _produce(bootstrap_servers, t, [b'second-%d' % i for i in range(n)], spread=4)
        await wait_for(lambda: sum(v.startswith(b'second') for v in received['b']) >= n, 'b got the second batch')
        await asyncio.sleep(0.3)
    finally:
        for c in consumers.values():
            await c.stop()
        for task in tasks.values():
            await asyncio.wait_for(task, 10)
    everything_received = received['a'] + received['b']
    expected = {b'first-%d' % i for i in range(n)} | {b'second-%d' % i for i in range(n)}
    assert set(everything_received) == expected
    assert len(everything_received) == len(expected), 'records delivered twice'
    # Listeners ran, sync and async, with the partitions of each step.
    assert ('a', 'assigned', frozenset(a_parts)) in events
    assert ('b', 'assigned', frozenset(b_parts)) in events
    assert ('b', 'assigned', frozenset(everything)) in events
    assert any(e[0] == 'b' and e[1] == 'revoked' and e[2] == frozenset(b_parts) for e in events)


@pytest.mark.asyncio
async def test_cancelled_getone_loses_nothing(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=2)
    consumer = await _assigned_consumer(bootstrap_servers, t, 2)
    try:
        # A getone() waiting for records is cancelled; the consumer stays usable.
        pending = asyncio.ensure_future(consumer.getone())
        await asyncio.sleep(0.3)
        assert not pending.done()
        pending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await pending
        await _produce(bootstrap_servers, t, [b'only'])
        msg = await asyncio.wait_for(consumer.getone(), 10)
        assert msg.value == b'only'

        # Cancel getone() at random points while records stream in: each record is returned
        # exactly once, to a call that was not cancelled.
        n = 3000
        producer_task = asyncio.ensure_future(_produce(bootstrap_servers, t, [b'%d' % i for i in range(n)], spread=2))
        got: list[bytes] = []
        cancelled = 0
        deadline = time.monotonic() + 60
        i = 0
        while len(got) < n and time.monotonic() < deadline:
            i += 1
            task = asyncio.ensure_future(consumer.getone())
            for _ in range(i % 3):
                await asyncio.sleep(0)
            if i % 4 == 0:
                await asyncio.sleep(0.001)
            task.cancel()
            try:
                got.append((await task).value)
            except asyncio.CancelledError:
                cancelled += 1
        await producer_task
        assert cancelled > 0
        assert sorted(got, key=int) == [b'%d' % i for i in range(n)]
        assert await consumer.getmany(timeout_ms=200) == {}
    finally:
        await consumer.stop()


@pytest.mark.asyncio
async def test_event_loop_stays_responsive_producing_and_consuming_100k(
        bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=4)
    n = 100_000
    probe = LoopProbe()
    consumer = await _assigned_consumer(bootstrap_servers, t, 4)
    count = 0

    async def consume() -> None:
        nonlocal count
        async for _msg in consumer:
            count += 1
            if count == n:
                return

    async def produce() -> None:
        async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=5) as producer:
            pending = []
            for i in range(n):
                pending.append(await producer.send(t, b'%d' % i))
                if len(pending) == 2000:
                    await asyncio.gather(*pending)
                    pending.clear()
            await asyncio.gather(*pending)

    try:
        await asyncio.wait_for(asyncio.gather(consume(), produce()), 120)
    finally:
        await probe.stop()
        await consumer.stop()
    assert count == n
    probe.assert_responsive()


@pytest.mark.asyncio
async def test_sync_producer_and_async_consumer_share_the_core(
        bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=2)
    consumer = AIOKafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=_group(),
                                auto_offset_reset='earliest', **GROUP_TIMEOUTS)
    await consumer.start()
    producer = KafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=5)
    try:
        n = 1000
        # From a worker thread while the loop consumes, and from the loop thread itself.
        sender = asyncio.ensure_future(asyncio.to_thread(
            lambda: [producer.send(t, b'thread-%d' % i) for i in range(n)] and producer.flush(10)))
        got: set[bytes] = set()
        deadline = time.monotonic() + 60
        while len(got) < n and time.monotonic() < deadline:
            batch = await asyncio.wait_for(consumer.getmany(timeout_ms=500), 30)
            got.update(r.value for records in batch.values() for r in records)
        await asyncio.wait_for(sender, 30)
        producer.send(t, b'loop').get(timeout=10)
        msg = await asyncio.wait_for(consumer.getone(), 30)
        got.add(msg.value)
        assert got == {b'thread-%d' % i for i in range(n)} | {b'loop'}
    finally:
        producer.close(timeout=10)
        await consumer.stop()


@pytest.mark.asyncio
async def test_stop_wakes_pending_getone(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic()
    consumer = await _assigned_consumer(bootstrap_servers, t, 1)
    waiting = asyncio.ensure_future(consumer.getone())
    getmany = asyncio.ensure_future(consumer.getmany(timeout_ms=30_000))
    await asyncio.sleep(0.2)
    await asyncio.wait_for(consumer.stop(), 10)
    with pytest.raises(Errors.ConsumerStoppedError):
        await asyncio.wait_for(waiting, 5)
    assert await asyncio.wait_for(getmany, 5) == {}  # as aiokafka
    with pytest.raises(Errors.ConsumerStoppedError):
        await consumer.getone()
    await consumer.stop()  # idempotent


@pytest.mark.asyncio
async def test_positions_seeks_offsets_pause_and_metadata(bootstrap_servers: str,
                                                          topic: Callable[..., str]) -> None:
    t = topic(partitions=2)
    tp0, tp1 = TopicPartition(t, 0), TopicPartition(t, 1)
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers) as producer:
        for i in range(10):
            await producer.send_and_wait(t, b'%d' % i, key=b'k', partition=0, timestamp_ms=1000 + i,
                                         headers=[('h', b'%d' % i)])
        await producer.send_and_wait(t, b'p1', partition=1)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='earliest',
                                key_deserializer=lambda b: None if b is None else b.decode(),
                                value_deserializer=lambda b: b.decode())
    await consumer.start()
    try:
        assert t in await consumer.topics()
        assert consumer.partitions_for_topic(t) == {0, 1}
        consumer.assign([tp0, tp1])
        assert consumer.assignment() == {tp0, tp1}
        assert consumer.subscription() == frozenset()
        assert await consumer.position(tp0) == 0
        assert await consumer.beginning_offsets([tp0, tp1]) == {tp0: 0, tp1: 0}
        assert await consumer.end_offsets([tp0, tp1]) == {tp0: 10, tp1: 1}
        found = await consumer.offsets_for_times({tp0: 1005})
        assert isinstance(found[tp0], OffsetAndTimestamp)
        assert len(found[tp0]) == 2  # aiokafka's shape: (offset, timestamp)
        # Tansu answers timestamp lookups with offset 0; compare with what librdkafka gets.
        assert found[tp0].offset == confluent_offset_for_time(bootstrap_servers, t, 1005)
        with pytest.raises(ValueError):
            await consumer.offsets_for_times({tp0: -1})

        msg = await consumer.getone(tp0)
        assert (msg.topic, msg.partition, msg.offset, msg.key, msg.value) == (t, 0, 0, 'k', '0')
        assert (msg.timestamp, msg.timestamp_type, msg.checksum) == (1000, 0, None)
        assert (msg.serialized_key_size, msg.serialized_value_size, msg.headers) == (1, 1, (('h', b'0'),))
        assert await consumer.position(tp0) == 1
        assert consumer.highwater(tp0) == 10

        consumer.pause(tp0)
        assert consumer.paused() == {tp0}
        batch = await consumer.getmany(timeout_ms=2000)
        assert list(batch) == [tp1] and [r.value for r in batch[tp1]] == ['p1']
        assert await consumer.getmany(timeout_ms=100) == {}
        consumer.resume(tp0)
        batch = await consumer.getmany(tp0, timeout_ms=2000, max_records=3)
        assert [r.offset for r in batch[tp0]] == [1, 2, 3]

        consumer.seek(tp0, 8)
        assert [r.offset for r in (await consumer.getmany(tp0, timeout_ms=2000))[tp0]] == [8, 9]
        assert await consumer.seek_to_beginning(tp0) is True
        assert await consumer.position(tp0) == 0
        assert await consumer.seek_to_end() is True
        assert await consumer.position(tp0) == 10 and await consumer.position(tp1) == 1
        with pytest.raises(Errors.IllegalStateError):
            await consumer.position(TopicPartition(t, 7))
        with pytest.raises(Errors.IllegalOperation):
            await consumer.commit()
        with pytest.raises(ValueError, match='max_records'):
            await consumer.getmany(max_records=0)
        with pytest.raises(Errors.IllegalStateError):
            consumer.subscribe([t])
    finally:
        await consumer.stop()


@pytest.mark.asyncio
async def test_group_commit_committed_and_seek_to_committed(bootstrap_servers: str,
                                                            topic: Callable[..., str]) -> None:
    t = topic()
    tp = TopicPartition(t, 0)
    await _produce(bootstrap_servers, t, [b'%d' % i for i in range(20)])
    group = _group()
    async with AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                                auto_offset_reset='earliest', **GROUP_TIMEOUTS) as consumer:
        consumer.assign([tp])
        assert await consumer.committed(tp) is None
        for _ in range(5):
            await consumer.getone()
        await consumer.commit()
        assert await consumer.committed(tp) == 5
        await consumer.commit({tp: 12})
        assert await consumer.committed(tp) == 12
        with pytest.raises(Errors.IllegalStateError):
            await consumer.commit({TopicPartition(t, 3): 1})
        assert await consumer.seek_to_committed(tp) == {tp: 12}
        assert (await consumer.getone()).offset == 12
    # enable_auto_commit=False: stop() committed nothing more.
    async with AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                                auto_offset_reset='earliest', **GROUP_TIMEOUTS) as consumer:
        consumer.assign([tp])
        assert await consumer.committed(tp) == 12
        assert (await consumer.getone()).offset == 12


@pytest.mark.asyncio
async def test_subscribe_without_group_pattern_and_unsubscribe(bootstrap_servers: str,
                                                               topic: Callable[..., str]) -> None:
    prefix = f'aiopat{uuid.uuid4().hex[:6]}'
    t1, t2 = topic(partitions=2, prefix=prefix), topic(prefix=prefix)
    await _produce(bootstrap_servers, t1, [b'a', b'b'])
    await _produce(bootstrap_servers, t2, [b'c'])
    async with AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='earliest') as consumer:
        consumer.subscribe(pattern=f'^{prefix}-.*')
        got: set[bytes] = set()
        deadline = time.monotonic() + 20
        while len(got) < 3 and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            got.update(r.value for records in batch.values() for r in records)
        assert got == {b'a', b'b', b'c'}
        assert consumer.subscription() == {t1, t2}
        consumer.unsubscribe()
        assert consumer.assignment() == set()
        assert consumer.subscription() == frozenset()
        with pytest.raises(TypeError):
            consumer.subscribe()
        with pytest.raises(TypeError):
            consumer.subscribe(t1)  # a string, not a list
        consumer.subscribe([t2])
        consumer.seek_to_beginning  # noqa: B018 - exists
        msg = await asyncio.wait_for(consumer.getone(), 20)
        assert msg.value == b'c'
