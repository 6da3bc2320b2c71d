"""Partitioners: choose the partition of records sent without one."""

from kafka.partitioner.abc import Partitioner
from kafka.partitioner.default import DefaultPartitioner, murmur2
from kafka.partitioner.sticky import StickyPartitioner

__all__ = ['DefaultPartitioner', 'Partitioner', 'StickyPartitioner', 'murmur2']
