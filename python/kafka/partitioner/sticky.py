"""Sticky partitioner (KIP-480)."""

from __future__ import annotations

import random
import threading
from typing import Any

from kafka.partitioner.abc import Partitioner
from kafka.partitioner.default import partition_for_key


class StickyPartitioner(Partitioner):
    """Keyed records are hashed like :class:`DefaultPartitioner`; records
    without a key stick to one partition per topic until a new batch starts
    (``on_new_batch``), then move to another random available partition.
    """

    def __init__(self) -> None:
        self._current: dict[str, int] = {}
        self._lock = threading.Lock()

    def partition(self, topic: str, key: Any, serialized_key: bytes | None, value: Any,
                  serialized_value: bytes | None, cluster: Any) -> int:
        """Choose a partition for the next record.

        Raises:
            ValueError: if topic is not in the cluster metadata.

        Returns:
            int: the partition id.
        """
        if topic not in cluster.topics():
            raise ValueError(f'Topic {topic} not found in ClusterMetadata')
        if serialized_key is not None:
            all_partitions = sorted(cluster.partitions_for_topic(topic))
            return all_partitions[partition_for_key(serialized_key, len(all_partitions))]
        with self._lock:
            current = self._current.get(topic)
            if current is not None:
                available = cluster.available_partitions_for_topic(topic) or ()
                # Keep the sticky partition while it has a leader (or while none has one).
                if current in available or (not available and current in (cluster.partitions_for_topic(topic) or ())):
                    return current
            return self._pick(topic, cluster, None)

    def on_new_batch(self, topic: str, cluster: Any, prev_partition: int) -> None:
        """Move ``topic``'s sticky partition away from ``prev_partition``."""
        with self._lock:
            if self._current.get(topic) == prev_partition:
                self._pick(topic, cluster, prev_partition)

    def _pick(self, topic: str, cluster: Any, avoid: int | None) -> int:
        available = list(cluster.available_partitions_for_topic(topic) or ())
        pool = available or list(cluster.partitions_for_topic(topic))
        if len(pool) > 1 and avoid is not None:
            pool = [p for p in pool if p != avoid]
        choice = random.choice(pool)
        self._current[topic] = choice
        return choice
