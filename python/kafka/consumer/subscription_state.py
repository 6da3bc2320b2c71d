"""The rebalance listener interface (kafka-python's ``kafka.consumer.subscription_state``)."""

from __future__ import annotations

import abc
from typing import Any


class ConsumerRebalanceListener(abc.ABC):
    """Callbacks run when the group changes this consumer's partitions.

    The methods are called from inside :meth:`~kafka.KafkaConsumer.poll`
    (or iteration), on the thread that polls: ``on_partitions_revoked`` before
    the partitions are given up (commit offsets here to avoid duplicates),
    ``on_partitions_assigned`` once the new assignment is known.  With the
    eager protocol every rebalance revokes the whole assignment and assigns
    the whole new one; with ``CooperativeStickyAssignor`` (KIP-429) only the
    partitions that move are revoked and only the added ones are assigned.
    ``on_partitions_lost`` replaces ``on_partitions_revoked`` when the group
    already dropped this member (its offsets can no longer be committed).
    """

    @abc.abstractmethod
    def on_partitions_revoked(self, revoked: Any) -> None:
        """Called with the set of TopicPartitions this consumer gives up."""

    @abc.abstractmethod
    def on_partitions_assigned(self, assigned: Any) -> None:
        """Called with the set of TopicPartitions assigned to this consumer."""

    def on_partitions_lost(self, lost: Any) -> Any:
        """KIP-429: the partitions were lost (the member was evicted) and cannot be committed.

        Defaults to :meth:`on_partitions_revoked`, as kafka-python 3.
        """
        return self.on_partitions_revoked(lost)


class AsyncConsumerRebalanceListener(abc.ABC):
    """kafka-python 3's listener whose callbacks are coroutines (``async def``).

    Accepted by :class:`kafka.aio.AIOKafkaConsumer`, which awaits the
    callbacks on its event loop.
    """

    @abc.abstractmethod
    async def on_partitions_revoked(self, revoked: Any) -> None:
        """Awaited with the set of TopicPartitions this consumer gives up."""

    @abc.abstractmethod
    async def on_partitions_assigned(self, assigned: Any) -> None:
        """Awaited with the set of TopicPartitions assigned to this consumer."""

    async def on_partitions_lost(self, lost: Any) -> None:
        """KIP-429: the partitions were lost; defaults to :meth:`on_partitions_revoked`."""
        await self.on_partitions_revoked(lost)


__all__ = ['AsyncConsumerRebalanceListener', 'ConsumerRebalanceListener']
