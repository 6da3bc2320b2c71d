"""The ``range`` assignor."""

from __future__ import annotations

from kafka.coordinator.assignors._builtin import NativePartitionAssignor


class RangePartitionAssignor(NativePartitionAssignor):
    """Per topic, contiguous ranges of partitions over the members sorted by id (static
    members first); the first members get one more when it does not divide evenly.

    For example, with consumers C0 and C1 and topics t0 and t1 of 3 partitions each:
    C0: [t0p0, t0p1, t1p0, t1p1], C1: [t0p2, t1p2].
    """

    _native_name = 'range'
    name = 'range'
    version = 0
