"""The ``roundrobin`` assignor."""

from __future__ import annotations

from kafka.coordinator.assignors._builtin import NativePartitionAssignor


class RoundRobinPartitionAssignor(NativePartitionAssignor):
    """All partitions, sorted, dealt one by one over the members sorted by id (static members
    first), skipping members not subscribed to a partition's topic.

    For example, with consumers C0 and C1 and topics t0 and t1 of 3 partitions each:
    C0: [t0p0, t0p2, t1p1], C1: [t0p1, t1p0, t1p2].
    """

    _native_name = 'roundrobin'
    name = 'roundrobin'
    version = 0
