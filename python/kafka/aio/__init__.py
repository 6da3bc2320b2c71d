"""asyncio clients on the Rust core: ``from kafka.aio import AIOKafkaProducer, AIOKafkaConsumer``.

The classes follow aiokafka's public API (constructor keywords, defaults,
coroutines and results), so that replacing ``from aiokafka import ...`` by
``from kafka.aio import ...`` keeps a typical service working.  Awaitables are
Rust futures running on the client's shared tokio runtime; the event loop is
never blocked by network I/O, metadata waits or a full buffer.
"""

from __future__ import annotations

from kafka.aio import errors  # noqa: F401 - kafka.aio.errors, as aiokafka.errors
from kafka.aio.consumer import AIOKafkaConsumer, ConsumerRebalanceListener
from kafka.aio.errors import *
from kafka.aio.producer import AIOKafkaProducer, BatchBuilder
from kafka.aio.structs import (
    ConsumerRecord,
    OffsetAndMetadata,
    OffsetAndTimestamp,
    RecordMetadata,
    TopicPartition,
)
from kafka.errors import ConsumerStoppedError, IllegalOperation

__all__ = [
    'AIOKafkaConsumer',
    'AIOKafkaProducer',
    'BatchBuilder',
    'ConsumerRebalanceListener',
    'ConsumerRecord',
    'ConsumerStoppedError',
    'IllegalOperation',
    'OffsetAndMetadata',
    'OffsetAndTimestamp',
    'RecordMetadata',
    'TopicPartition',
]
