"""The ``roundrobin`` assignor."""

from __future__ import annotations

from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor


class RoundRobinPartitionAssignor(AbstractPartitionAssignor):
    """Assignor with protocol name ``roundrobin`` (runs in the Rust core)."""

    name = 'roundrobin'
    version = 0
