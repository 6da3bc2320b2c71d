"""Partition assignors, by kafka-python's class paths; the built-in algorithms run in Rust."""

from __future__ import annotations

from typing import Any


def builtin_by_name(name: str) -> Any:
    """The built-in assignor class with protocol ``name``, or None."""
    from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
    from kafka.coordinator.assignors.range import RangePartitionAssignor
    from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
    from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor
    for cls in (RangePartitionAssignor, RoundRobinPartitionAssignor, StickyPartitionAssignor,
                CooperativeStickyAssignor):
        if cls.name == name:
            return cls
    return None
