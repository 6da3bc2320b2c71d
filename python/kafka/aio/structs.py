"""Result types of :mod:`kafka.aio`, shaped like aiokafka's (``aiokafka.structs``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from kafka.structs import BrokerMetadata, OffsetAndMetadata, TopicPartition

KT = TypeVar('KT')
VT = TypeVar('VT')


class RecordMetadata(NamedTuple):
    """Metadata of a record the broker acknowledged (what ``AIOKafkaProducer.send()`` resolves to)."""

    topic: str
    partition: int
    topic_partition: Any
    offset: int
    #: Record timestamp in ms: the producer's (CreateTime) or the broker's (LogAppendTime).
    timestamp: int | None
    #: 0 = CreateTime, 1 = LogAppendTime.
    timestamp_type: int
    log_start_offset: int | None


@dataclass
class ConsumerRecord(Generic[KT, VT]):
    """A record returned by ``AIOKafkaConsumer.getone()`` / ``getmany()`` / ``async for``."""

    topic: str
    partition: int
    offset: int
    timestamp: int
    timestamp_type: int
    key: KT | None
    value: VT | None
    checksum: int | None
    serialized_key_size: int
    serialized_value_size: int
    headers: Sequence[tuple[str, bytes]]


class OffsetAndTimestamp(NamedTuple):
    """aiokafka's ``offsets_for_times()`` result: 2 fields (kafka-python's ``kafka.structs``
    one has a third, ``leader_epoch``)."""

    offset: int
    timestamp: int


class PartitionMetadata(NamedTuple):
    """aiokafka's partition metadata (6 fields; kafka-python's has leader_epoch and
    offline_replicas too)."""

    topic: str
    partition: int
    leader: int
    replicas: list[int]
    isr: list[int]
    error: Any


class BatchRecordMetadata(NamedTuple):
    """What :meth:`BatchBuilder.append` returns: the record's place in the batch."""

    offset: int
    size: int
    timestamp: int
    crc: int | None = None


__all__ = [
    'BatchRecordMetadata', 'BrokerMetadata', 'ConsumerRecord', 'OffsetAndMetadata', 'OffsetAndTimestamp',
    'PartitionMetadata', 'RecordMetadata', 'TopicPartition',
]
