"""AIOKafkaProducer transactions (aiokafka's API) on Apache Kafka."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import TYPE_CHECKING, Callable

import pytest
from kafka import TopicPartition
from kafka import errors as Errors
from kafka.aio import AIOKafkaProducer
from kafka.structs import OffsetAndMetadata

if TYPE_CHECKING:
    from conftest import Broker

pytestmark = pytest.mark.tansu_skip('transactions are checked on Apache Kafka')


def _committed_values(bootstrap: str, topic: str) -> list[bytes]:
    from test_transactions import _read

    return sorted(v for _, _, v in _read(bootstrap, topic, 'read_committed'))


@pytest.mark.asyncio
async def test_transaction_context_commits_and_aborts(broker: Broker, topic: Callable[..., str]) -> None:
    name = topic(partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id=f'a-{uuid.uuid4().hex[:8]}')
    await producer.start()
    try:
        async with producer.transaction():
            for i in range(30):
                await producer.send(name, b'c-%d' % i, key=b'%d' % i)
        with pytest.raises(RuntimeError, match='boom'):
            async with producer.transaction():
                fut = await producer.send(name, b'aborted', key=b'x')
                await fut
                raise RuntimeError('boom')
        await producer.begin_transaction()
        await producer.send(name, b'last')
        await producer.commit_transaction()
    finally:
        await producer.stop()
    assert _committed_values(broker.bootstrap, name) == sorted([b'c-%d' % i for i in range(30)] + [b'last'])


@pytest.mark.asyncio
async def test_send_offsets_and_fencing(broker: Broker, topic: Callable[..., str]) -> None:
    from kafka import KafkaConsumer

    name, out = topic(), topic()
    group = f'ag-{uuid.uuid4().hex[:8]}'
    txn_id = f'af-{uuid.uuid4().hex[:8]}'
    first = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id=txn_id)
    await first.start()
    await first.begin_transaction()
    await first.send(out, b'one')
    await first.send_offsets_to_transaction({TopicPartition(name, 0): 7}, group)
    await first.commit_transaction()

    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False)
    try:
        # The coordinator writes the offsets' commit marker after EndTxn returns: until then
        # OffsetFetch (without require_stable) shows nothing. Wait for it, boundedly.
        deadline = time.monotonic() + 30
        while consumer.committed(TopicPartition(name, 0)) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert consumer.committed(TopicPartition(name, 0)) == 7
    finally:
        consumer.close()

    await first.begin_transaction()
    await first.send(out, b'zombie')
    second = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id=txn_id)
    await second.start()  # fences the first
    try:
        with pytest.raises(Errors.ProducerFenced):
            await first.commit_transaction()
        async with second.transaction():
            await second.send(out, b'two')
            await second.send_offsets_to_transaction({TopicPartition(name, 0): OffsetAndMetadata(9, '', -1)}, group)
    finally:
        await first.stop()
        await second.stop()
    assert _committed_values(broker.bootstrap, out) == [b'one', b'two']


@pytest.mark.asyncio
async def test_consume_transform_produce_copy(broker: Broker, topic: Callable[..., str]) -> None:
    """An asyncio exactly-once copy: output == input, offsets committed in the transactions."""
    import asyncio

    from kafka import KafkaProducer
    from kafka.aio import AIOKafkaConsumer

    n = 5000
    src, dst = topic(partitions=3), topic(partitions=3)
    with KafkaProducer(bootstrap_servers=broker.bootstrap) as plain:
        for i in range(n):
            plain.send(src, b'%d' % i, key=b'%d' % i)
    group = f'acopy-{uuid.uuid4().hex[:8]}'
    consumer = AIOKafkaConsumer(src, bootstrap_servers=broker.bootstrap, group_id=group,
                                enable_auto_commit=False, auto_offset_reset='earliest',
                                isolation_level='read_committed')
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id=f'acopy-{uuid.uuid4().hex[:8]}')
    await consumer.start()
    await producer.start()
    copied = 0
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while copied < n and loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=300)
            if not batch:
                continue
            async with producer.transaction():
                for records in batch.values():
                    for r in records:
                        await producer.send(dst, b'out-' + r.value, key=r.key)
                await producer.send_offsets_to_transaction(
                    {tp: records[-1].offset + 1 for tp, records in batch.items()}, group)
            copied += sum(len(r) for r in batch.values())
    finally:
        await producer.stop()
        await consumer.stop()
    out = _committed_values(broker.bootstrap, dst)
    assert (copied, len(out), len(set(out))) == (n, n, n)
    assert out == sorted(b'out-%d' % i for i in range(n))
