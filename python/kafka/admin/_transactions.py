"""Result types of the admin client's transaction methods (KIP-664), with kafka-python 3's shapes."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from kafka.structs import TopicPartition


class TransactionState(str, Enum):
    """A transaction's state as brokers report it (ListTransactions / DescribeTransactions)."""

    EMPTY = 'Empty'
    ONGOING = 'Ongoing'
    PREPARE_COMMIT = 'PrepareCommit'
    PREPARE_ABORT = 'PrepareAbort'
    COMPLETE_COMMIT = 'CompleteCommit'
    COMPLETE_ABORT = 'CompleteAbort'
    DEAD = 'Dead'
    PREPARE_EPOCH_FENCE = 'PrepareEpochFence'
    UNKNOWN = 'Unknown'

    @classmethod
    def parse(cls, value: str) -> TransactionState:
        """The member for a wire value (UNKNOWN for a state this version does not know)."""
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN


class TransactionListing(NamedTuple):
    """One transaction of a ListTransactions answer."""

    transactional_id: str
    producer_id: int
    state: TransactionState


class TransactionDescription(NamedTuple):
    """A transactional id's state at its coordinator (DescribeTransactions)."""

    coordinator_id: int
    state: TransactionState
    producer_id: int
    producer_epoch: int
    transaction_timeout_ms: int
    transaction_start_time_ms: int
    topic_partitions: set[TopicPartition]


class ProducerState(NamedTuple):
    """An active producer of a partition (DescribeProducers)."""

    producer_id: int
    producer_epoch: int
    last_sequence: int
    last_timestamp: int
    coordinator_epoch: int
    current_transaction_start_offset: int


class PartitionProducerState(NamedTuple):
    """The active producers of one partition."""

    active_producers: list[ProducerState]


class AbortTransactionSpec(NamedTuple):
    """What ``KafkaAdminClient.abort_transaction`` aborts: the open transaction of
    (producer_id, producer_epoch) on ``topic_partition``; ``coordinator_epoch=-1`` skips the
    coordinator epoch check (the leader still checks the producer id and epoch)."""

    topic_partition: TopicPartition
    producer_id: int
    producer_epoch: int
    coordinator_epoch: int = -1


__all__ = [
    'AbortTransactionSpec', 'PartitionProducerState', 'ProducerState', 'TransactionDescription',
    'TransactionListing', 'TransactionState',
]
