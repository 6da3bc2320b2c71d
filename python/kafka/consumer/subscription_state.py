"""The rebalance listener interface (kafka-python's ``kafka.consumer.subscription_state``)."""

from __future__ import annotations

import abc
from typing import Any


class ConsumerRebalanceListener(abc.ABC):
    """Callbacks run when the group changes this consumer's partitions.

    Both methods are called from inside :meth:`~kafka.KafkaConsumer.poll`
    (or iteration), on the thread that polls: ``on_partitions_revoked`` before
    the consumer rejoins the group (commit offsets here to avoid duplicates),
    ``on_partitions_assigned`` once the new assignment is known.
    """

    @abc.abstractmethod
    def on_partitions_revoked(self, revoked: Any) -> None:
        """Called with the set of TopicPartitions this consumer gives up."""

    @abc.abstractmethod
    def on_partitions_assigned(self, assigned: Any) -> None:
        """Called with the set of TopicPartitions assigned to this consumer."""


__all__ = ['ConsumerRebalanceListener']
