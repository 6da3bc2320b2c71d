"""AIOKafkaConsumer's lifecycle as aiokafka's: start() resolves the subscription (and joins the
group), the membership is kept in the background, stop() ends a waiting getmany() with {}.

Group tests use session_timeout_ms=6000: Tansu completes a join only after half the session
timeout.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any, Callable

import pytest
from kafka import errors as Errors
from kafka.aio import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from kafka.structs import TopicPartition

GROUP_TIMEOUTS = {'session_timeout_ms': 6000, 'heartbeat_interval_ms': 1000}


def _group() -> str:
    return f'aio-life-{uuid.uuid4().hex[:10]}'


async def _produce(bootstrap: str, topic: str, n: int, partitions: int) -> None:
    async with AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5) as producer:
        futures = [await producer.send(topic, b'%d' % i, partition=i % partitions) for i in range(n)]
        await asyncio.gather(*futures)


class _Recorder(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, set[TopicPartition]]] = []

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.events.append(('revoked', set(revoked)))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.events.append(('assigned', set(assigned)))


@pytest.mark.asyncio
async def test_typical_aiokafka_service_runs_unchanged(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """subscribe, await start(), then at once assignment()/seek_to_beginning()/position(), consume,
    commit, stop: the shape of most aiokafka services."""
    t = topic(partitions=4)
    await _produce(bootstrap_servers, t, 40, 4)
    listener = _Recorder()
    group = _group()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group,
                                enable_auto_commit=False, **GROUP_TIMEOUTS)
    consumer.subscribe([t], listener=listener)
    await consumer.start()
    try:
        everything = {TopicPartition(t, p) for p in range(4)}
        assert consumer.assignment() == everything
        assert ('assigned', everything) in listener.events
        assert await consumer.seek_to_beginning()
        for tp in everything:
            assert await consumer.position(tp) == 0
        got: dict[TopicPartition, int] = {}
        deadline = time.monotonic() + 60
        while sum(got.values()) < 40 and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                got[tp] = got.get(tp, 0) + len(records)
        assert got == {tp: 10 for tp in everything}
        for tp in everything:
            assert consumer.last_poll_timestamp(tp) is not None
        await consumer.commit()
        assert {tp: await consumer.committed(tp) for tp in everything} == {tp: 10 for tp in everything}
        with pytest.raises(ValueError):
            await consumer.commit({})
    finally:
        await consumer.stop()


@pytest.mark.asyncio
async def test_start_without_group_assigns_every_partition(bootstrap_servers: str,
                                                           topic: Callable[..., str]) -> None:
    t = topic(partitions=3)
    async with AIOKafkaConsumer(t, bootstrap_servers=bootstrap_servers) as consumer:
        assert consumer.assignment() == {TopicPartition(t, p) for p in range(3)}
        assert await consumer.seek_to_end()


@pytest.mark.asyncio
async def test_rebalance_runs_between_getmany_calls(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """A second member joins while the first one does not call getmany(): the first one's
    membership task runs the rebalance (and its listener) in the background."""
    t = topic(partitions=2)
    group = _group()
    first_listener = _Recorder()
    first = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group, **GROUP_TIMEOUTS)
    first.subscribe([t], listener=first_listener)
    await first.start()
    try:
        assert first.assignment() == {TopicPartition(t, 0), TopicPartition(t, 1)}
        second = AIOKafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, **GROUP_TIMEOUTS)
        # second.start() returns only once the group has rebalanced, which needs the first
        # member to rejoin without any getmany() call.
        await asyncio.wait_for(second.start(), 120)
        try:
            assert len(second.assignment()) == 1
            deadline = time.monotonic() + 30
            # The new assignment is visible before the background task has awaited the
            # listener (as in aiokafka): wait for both.
            while (len(first.assignment()) != 1 or len(first_listener.events) < 4) \
                    and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert first.assignment() | second.assignment() == {TopicPartition(t, 0), TopicPartition(t, 1)}
            # As aiokafka: revoked (nothing yet), assigned (both), revoked (both), assigned (one).
            events = first_listener.events
            assert [e for e, _ in events][:4] == ['revoked', 'assigned', 'revoked', 'assigned']
            assert [len(p) for _, p in events][:4] == [0, 2, 2, 1]
        finally:
            await second.stop()
    finally:
        await first.stop()


@pytest.mark.asyncio
async def test_stop_ends_a_waiting_getmany_with_empty_dict(bootstrap_servers: str,
                                                          topic: Callable[..., str]) -> None:
    t = topic(partitions=1)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers)
    await consumer.start()
    consumer.assign([TopicPartition(t, 0)])
    waiting = asyncio.ensure_future(consumer.getmany(timeout_ms=60_000))
    await asyncio.sleep(0.5)
    await consumer.stop()
    assert await asyncio.wait_for(waiting, 30) == {}
    with pytest.raises(Errors.ConsumerStoppedError):
        await consumer.getmany()


@pytest.mark.asyncio
async def test_getmany_reports_errors_only_for_the_partitions_asked_for(
        bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=2)
    await _produce(bootstrap_servers, t, 4, 2)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, auto_offset_reset='none')
    await consumer.start()
    try:
        tp0, tp1 = TopicPartition(t, 0), TopicPartition(t, 1)
        consumer.assign([tp0, tp1])
        consumer.seek(tp0, 0)
        # tp1 has no position and no reset policy: its error must not surface for tp0.
        got: dict[TopicPartition, Any] = {}
        deadline = time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            got = await consumer.getmany(tp0, timeout_ms=1000)
        assert [r.offset for r in got[tp0]] == [0, 1]
        with pytest.raises(Errors.NoOffsetForPartitionError):
            await consumer.getmany(tp1, timeout_ms=1000)
    finally:
        await consumer.stop()
