"""aiokafka's ``aiokafka.admin.new_topic``: a topic to create."""

from __future__ import annotations

from typing import Any

from kafka.errors import IllegalArgumentError


class NewTopic:
    """A topic for :meth:`AIOKafkaAdminClient.create_topics`.

    Arguments:
        name (str): name of the topic.
        num_partitions (int): number of partitions, or -1 when
            replica_assignments is given.
        replication_factor (int): replication factor, or -1 when
            replica_assignments is given.
        replica_assignments (dict of int: [int]): partition id to the broker ids
            of its replicas.
        topic_configs (dict of str: str): topic config keys and values.

    Raises:
        IllegalArgumentError: unless exactly one of num_partitions/replication_factor
            (not -1) or replica_assignments is given.
    """

    def __init__(self, name: str, num_partitions: int, replication_factor: int,
                 replica_assignments: dict[int, list[int]] | None = None,
                 topic_configs: dict[str, Any] | None = None) -> None:
        counted = num_partitions != -1 and replication_factor != -1
        if counted == (replica_assignments is not None):
            raise IllegalArgumentError(
                'either num_partitions/replication_factor or replica_assignment must be specified')
        self.name = name
        self.num_partitions = num_partitions
        self.replication_factor = replication_factor
        self.replica_assignments = replica_assignments or {}
        self.topic_configs = topic_configs or {}

    def __repr__(self) -> str:
        return (f'NewTopic(name={self.name!r}, num_partitions={self.num_partitions},'
                f' replication_factor={self.replication_factor},'
                f' replica_assignments={self.replica_assignments!r}, topic_configs={self.topic_configs!r})')
