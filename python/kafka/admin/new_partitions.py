"""kafka-python 2.x import path of ``NewPartitions`` (``kafka.admin.new_partitions``)."""

from kafka.admin._types import NewPartitions

__all__ = ['NewPartitions']
