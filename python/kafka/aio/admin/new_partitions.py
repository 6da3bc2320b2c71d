"""aiokafka's ``aiokafka.admin.new_partitions``: a topic's new partition count."""

from __future__ import annotations


class NewPartitions:
    """New partitions for an existing topic (:meth:`AIOKafkaAdminClient.create_partitions`).

    Arguments:
        total_count (int): the total number of partitions the topic should have.
        new_assignments ([[int]], optional): the replicas (broker ids) of each new
            partition; as many lists as partitions are added. Default: None (the
            broker assigns them).
    """

    def __init__(self, total_count: int, new_assignments: list[list[int]] | None = None) -> None:
        self.total_count = total_count
        self.new_assignments = new_assignments

    def __repr__(self) -> str:
        return f'NewPartitions(total_count={self.total_count}, new_assignments={self.new_assignments!r})'
