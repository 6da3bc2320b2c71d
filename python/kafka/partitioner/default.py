"""Java-compatible default partitioner and murmur2 hash."""

from __future__ import annotations

import random
import struct
from collections.abc import Sequence
from typing import Any, Callable

from kafka.partitioner.abc import Partitioner

_MASK = 0xFFFFFFFF
_M = 0x5BD1E995
_SEED = 0x9747B28C


def _murmur2_python(data: bytes | bytearray | memoryview) -> int:
    buf = bytes(data)
    length = len(buf)
    h = (_SEED ^ length) & _MASK
    body = length & ~3
    for (k,) in struct.iter_unpack('<I', buf[:body]):
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    rest = length - body
    if rest:
        if rest == 3:
            h ^= buf[body + 2] << 16
        if rest >= 2:
            h ^= buf[body + 1] << 8
        h ^= buf[body]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h


def _load_native() -> Callable[[bytes], int] | None:
    try:
        from kafka._native import murmur2 as native_murmur2
    except ImportError:
        return None
    return native_murmur2  # type: ignore[no-any-return]


_native_murmur2 = _load_native()


def murmur2(data: bytes | bytearray | memoryview) -> int:
    """Murmur2 hash of ``data``, as the Java client computes it for partitioning.

    The result is returned as an unsigned 32-bit integer, like kafka-python's
    ``murmur2``; Java's ``toPositive(murmur2(key))`` is ``murmur2(key) & 0x7fffffff``.

    Arguments:
        data (bytes): the bytes to hash.

    Returns:
        int: the hash, 0 <= hash < 2**32.
    """
    if _native_murmur2 is not None:
        return _native_murmur2(bytes(data)) & _MASK
    return _murmur2_python(data)


def partition_for_key(serialized_key: bytes | bytearray | memoryview, num_partitions: int) -> int:
    """Index of the partition Java's default partitioner picks for a key."""
    return (murmur2(serialized_key) & 0x7FFFFFFF) % num_partitions


class DefaultPartitioner(Partitioner):
    """The default partitioner: murmur2 for keyed records, random for null keys.

    Records with a key go to ``toPositive(murmur2(key)) % len(partitions)``, the
    same choice the Java client and librdkafka's ``murmur2_random`` make.
    Records without a key go to a random available partition (any partition if
    none is available).  When this partitioner is the producer's configured one,
    the Rust core applies the same rule itself (sticky for null keys) without
    calling back into Python.

    The object is also callable with kafka-python 2's signature,
    ``partitioner(serialized_key, all_partitions, available)``.
    """

    def partition(self, topic: str, key: Any, serialized_key: bytes | None, value: Any,
                  serialized_value: bytes | None, cluster: Any) -> int:
        if topic not in cluster.topics():
            raise ValueError(f'Topic {topic} not found in ClusterMetadata')
        all_partitions = sorted(cluster.partitions_for_topic(topic))
        available = list(cluster.available_partitions_for_topic(topic))
        return self(serialized_key, all_partitions, available)

    def __call__(self, key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]) -> int:
        if key is None:
            return random.choice(list(available) or list(all_partitions))
        return all_partitions[partition_for_key(key, len(all_partitions))]
