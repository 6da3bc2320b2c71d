"""Abstract partitioner interface (kafka-python 3 shape)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class Partitioner(ABC):
    """Chooses the partition of records sent without an explicit partition.

    Pass an instance as the ``partitioner`` config of
    :class:`~kafka.KafkaProducer`.  Plain callables with kafka-python 2's
    shape, ``partitioner(serialized_key, all_partitions, available_partitions)``,
    are accepted as well.

    A partitioner may also define ``on_new_batch(topic, cluster, prev_partition)``;
    it is optional and looked up with ``getattr``.
    """

    @abstractmethod
    def partition(self, topic: str, key: Any, serialized_key: bytes | None, value: Any,
                  serialized_value: bytes | None, cluster: Any) -> int:
        """Return the partition for a record.

        Arguments:
            topic (str): destination topic.
            key: the key as given to ``send()``.
            serialized_key (bytes or None): the key after serialization.
            value: the value as given to ``send()``.
            serialized_value (bytes or None): the value after serialization.
            cluster: cluster view; ``cluster.partitions_for_topic(topic)`` gives
                every partition id and ``cluster.available_partitions_for_topic(topic)``
                those whose leader is known.
        """
