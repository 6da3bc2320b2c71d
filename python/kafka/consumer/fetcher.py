"""Records handed out by :class:`~kafka.KafkaConsumer` (kafka-python compatible)."""

from __future__ import annotations

from collections import namedtuple

ConsumerRecord = namedtuple(
    'ConsumerRecord',
    ['topic', 'partition', 'leader_epoch', 'offset', 'timestamp', 'timestamp_type', 'key', 'value', 'headers',
     'checksum', 'serialized_key_size', 'serialized_value_size', 'serialized_header_size'],
)
ConsumerRecord.__doc__ = """One record read from a partition.

Keyword Arguments:
    topic (str): topic of the record
    partition (int): partition of the record
    leader_epoch (int): leader epoch of the batch that holds the record (-1 unknown)
    offset (int): offset of the record
    timestamp (int): record timestamp, ms since epoch
    timestamp_type (int): 0 CreateTime, 1 LogAppendTime
    key: the key (after key_deserializer), None if absent
    value: the value (after value_deserializer), None if absent
    headers (list of (str, bytes)): record headers
    checksum: always None for v2 record batches (as in kafka-python)
    serialized_key_size (int): key size in bytes, -1 without key
    serialized_value_size (int): value size in bytes, -1 without value
    serialized_header_size (int): total size of header keys and values, -1 without headers
"""

__all__ = ['ConsumerRecord']
