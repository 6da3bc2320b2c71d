"""The ``sticky`` assignor."""

from __future__ import annotations

from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor


class StickyPartitionAssignor(AbstractPartitionAssignor):
    """Assignor with protocol name ``sticky`` (runs in the Rust core).

    Balanced like round robin, and keeps partitions with their previous
    owners across rebalances as far as balance allows.
    """

    name = 'sticky'
    version = 0
