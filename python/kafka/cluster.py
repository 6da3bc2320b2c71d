"""A read-only view of the cluster metadata a client holds.

kafka-python exposes its metadata cache as ``kafka.cluster.ClusterMetadata`` (reached through
``producer._metadata`` or ``consumer._client.cluster``) and aiokafka as ``producer.client.cluster``
/ ``consumer._client.cluster``.  Here the cache lives in the Rust core and is refreshed there
(on demand, on errors and every ``metadata_max_age_ms``); :class:`ClusterMetadata` reads the
core's current snapshot on every call, so what it returns is always current, and nothing
written to it can change what the client does.
"""

from __future__ import annotations

from typing import Any, Callable

from kafka.structs import BrokerMetadata, PartitionMetadata, TopicPartition

__all__ = ['ClusterMetadata']

_EMPTY: dict[str, Any] = {'cluster_id': None, 'controller_id': -1, 'brokers': [], 'topics': {}}


class ClusterMetadata:
    """Brokers, topics, partitions and leaders as the client last saw them (read-only).

    Arguments:
        snapshot (callable): returns the core's snapshot (a dict), or None before the client
            has connected.
    """

    def __init__(self, snapshot: Callable[[], dict[str, Any] | None]) -> None:
        self._snapshot = snapshot

    def _snap(self) -> dict[str, Any]:
        return self._snapshot() or _EMPTY

    @property
    def cluster_id(self) -> str | None:
        """The cluster id, or None before the first metadata response."""
        return self._snap()['cluster_id']

    @property
    def controller(self) -> BrokerMetadata | None:
        """The controller broker, or None when unknown."""
        snap = self._snap()
        return self._broker(snap, snap['controller_id'])

    @staticmethod
    def _broker(snap: dict[str, Any], node_id: int) -> BrokerMetadata | None:
        for nid, host, port, rack in snap['brokers']:
            if nid == node_id:
                return BrokerMetadata(nid, host, port, rack)
        return None

    def brokers(self) -> set[BrokerMetadata]:
        """Get all BrokerMetadata.

        Returns:
            set: {BrokerMetadata, ...}
        """
        return {BrokerMetadata(nid, host, port, rack) for nid, host, port, rack in self._snap()['brokers']}

    def broker_metadata(self, broker_id: int) -> BrokerMetadata | None:
        """Get BrokerMetadata.

        Arguments:
            broker_id (int): node_id for a broker to check

        Returns:
            BrokerMetadata or None if not found
        """
        return self._broker(self._snap(), broker_id)

    def _partitions(self, topic: str) -> list[tuple[Any, ...]] | None:
        entry = self._snap()['topics'].get(topic)
        return None if entry is None else entry[2]

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        """Return set of all partitions for topic (whether available or not).

        Arguments:
            topic (str): topic to check for partitions

        Returns:
            set: {partition (int), ...}, or None if the topic is unknown
        """
        parts = self._partitions(topic)
        return None if parts is None else {p[0] for p in parts}

    def available_partitions_for_topic(self, topic: str) -> set[int] | None:
        """Return set of partitions with known leaders.

        Arguments:
            topic (str): topic to check for partitions

        Returns:
            set: {partition (int), ...}, or None if the topic is unknown
        """
        parts = self._partitions(topic)
        return None if parts is None else {p[0] for p in parts if p[1] >= 0}

    def partition_metadata(self, partition: TopicPartition) -> PartitionMetadata | None:
        """The PartitionMetadata of a TopicPartition, or None if unknown."""
        for p in self._partitions(partition.topic) or ():
            if p[0] == partition.partition:
                return PartitionMetadata(partition.topic, p[0], p[1], p[2], list(p[3]), list(p[4]), list(p[5]),
                                         p[6])
        return None

    def leader_for_partition(self, partition: TopicPartition) -> int | None:
        """Return node_id of leader, -1 unavailable, None if unknown."""
        meta = self.partition_metadata(partition)
        return None if meta is None else meta.leader

    def leader_epoch_for_partition(self, partition: TopicPartition) -> int | None:
        """Return the leader epoch of a partition, None if unknown."""
        meta = self.partition_metadata(partition)
        return None if meta is None else meta.leader_epoch

    def partitions_for_broker(self, broker_id: int) -> set[TopicPartition] | None:
        """Return TopicPartitions for which the broker is a leader.

        Arguments:
            broker_id (int): node id for a broker

        Returns:
            set: {TopicPartition, ...}, or None if the broker leads nothing
        """
        led = {TopicPartition(topic, p[0]) for topic, (_, _, parts) in self._snap()['topics'].items()
               for p in parts if p[1] == broker_id}
        return led or None

    def topics(self, exclude_internal_topics: bool = True) -> set[str]:
        """Get set of known topics.

        Arguments:
            exclude_internal_topics (bool): Whether records from internal topics
                (such as offsets) should be exposed to the consumer. If set to True
                the only way to receive records from an internal topic is
                subscribing to it. Default True

        Returns:
            set: {topic (str), ...}
        """
        return {name for name, (_, internal, _) in self._snap()['topics'].items()
                if not (exclude_internal_topics and internal)}

    def __str__(self) -> str:
        snap = self._snap()
        return f"ClusterMetadata(brokers: {len(snap['brokers'])}, topics: {len(snap['topics'])})"


class ClientView:
    """What aiokafka's ``client`` attribute offers its users here: the read-only ``cluster``."""

    def __init__(self, snapshot: Callable[[], dict[str, Any] | None]) -> None:
        self.cluster = ClusterMetadata(snapshot)
