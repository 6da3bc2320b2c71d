"""aiokafka's value shapes in kafka.aio (issue 14, item 2)."""

from __future__ import annotations

import asyncio
import warnings
from typing import Callable

import pytest
from kafka.aio import AIOKafkaConsumer, AIOKafkaProducer, OffsetAndTimestamp
from kafka.structs import TopicPartition


@pytest.mark.asyncio
async def test_acks_0_sends_resolve_to_none(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic()
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks=0) as producer:
        assert await producer.send_and_wait(t, b'a') is None
        futures = [await producer.send(t, b'%d' % i) for i in range(10)]
        assert await asyncio.gather(*futures) == [None] * 10
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks=1) as producer:
        md = await producer.send_and_wait(t, b'b')
        assert md is not None and md.offset >= 0


@pytest.mark.asyncio
async def test_offsets_for_times_is_aiokafkas_two_field_tuple(bootstrap_servers: str,
                                                             topic: Callable[..., str]) -> None:
    t = topic()
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers) as producer:
        await producer.send_and_wait(t, b'x', timestamp_ms=1000)
    tp = TopicPartition(t, 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers)
    await consumer.start()
    try:
        consumer.assign([tp])
        found = await consumer.offsets_for_times({tp: 0})
        assert isinstance(found[tp], OffsetAndTimestamp)
        assert found[tp]._fields == ('offset', 'timestamp')
        assert found[tp].offset == 0
    finally:
        await consumer.stop()


@pytest.mark.asyncio
async def test_unclosed_clients_give_resource_warnings(bootstrap_servers: str) -> None:
    """Finalizing a started, never stopped client warns (as aiokafka); a stopped one does not."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers)
    await consumer.start()
    with pytest.warns(ResourceWarning, match='Unclosed AIOKafkaConsumer'):
        consumer.__del__()
    await consumer.stop()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()
    with pytest.warns(ResourceWarning, match='Unclosed AIOKafkaProducer'):
        producer.__del__()  # also releases the native producer, as a finalizer does
    producer._closed = True
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        consumer.__del__()
        producer.__del__()
