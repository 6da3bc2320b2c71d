"""The ``range`` assignor."""

from __future__ import annotations

from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor


class RangePartitionAssignor(AbstractPartitionAssignor):
    """Assignor with protocol name ``range`` (runs in the Rust core)."""

    name = 'range'
    version = 0
