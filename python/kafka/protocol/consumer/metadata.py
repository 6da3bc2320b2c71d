"""The consumer protocol's subscription and assignment, as partition assignors see them.

kafka-python 3 passes these to ``AbstractPartitionAssignor.assign()`` (each member's decoded
``metadata``) and expects them back from ``metadata()`` and ``assign()``; the bytes on the wire
are written and read by the Rust core.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from kafka.structs import TopicPartition

ConsumerProtocolType = 'consumer'


class _TopicPartitions(NamedTuple):
    """One topic's partitions (the schema's ``TopicPartition`` struct)."""

    topic: str
    partitions: list[int]


class _Data:
    """Fields by position or keyword, defaults for the rest, equality and repr by fields."""

    _FIELDS: tuple[tuple[str, Any], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = [n for n, _ in self._FIELDS]
        if len(args) > len(names):
            raise TypeError(f'{type(self).__name__} takes at most {len(names)} positional arguments')
        values = dict(zip(names, args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f'{type(self).__name__} has no field {key!r}')
            if key in values:
                raise TypeError(f'{type(self).__name__} got {key!r} twice')
            values[key] = value
        for name, default in self._FIELDS:
            value = values.get(name, default)
            setattr(self, name, list(value) if isinstance(default, list) and value is not None else value)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and all(
            getattr(self, n) == getattr(other, n) for n, _ in self._FIELDS)

    def __repr__(self) -> str:
        fields = ', '.join(f'{n}={getattr(self, n)!r}' for n, _ in self._FIELDS)
        return f'{type(self).__name__}({fields})'


class ConsumerProtocolSubscription(_Data):
    """A member's subscription (JoinGroup metadata of the ``consumer`` protocol).

    Fields: ``version``, ``topics``, ``user_data`` (bytes), ``owned_partitions`` (v1+, a list
    of ``TopicPartition(topic, partitions)``), ``generation_id`` (v2+, -1 when unknown) and
    ``rack_id`` (v3+).
    """

    TopicPartition = _TopicPartitions
    _FIELDS = (('version', 0), ('topics', []), ('user_data', b''), ('owned_partitions', []),
               ('generation_id', -1), ('rack_id', None))

    @property
    def subscription(self) -> list[str]:
        """kafka-python 2.x's name for ``topics``."""
        return self.topics

    def partitions(self) -> list[TopicPartition]:
        """The owned partitions as TopicPartitions."""
        return [TopicPartition(tp[0], p) for tp in self.owned_partitions for p in tp[1]]


class ConsumerProtocolAssignment(_Data):
    """What the leader assigns one member: ``version``, ``assigned_partitions`` (a list of
    ``(topic, [partition, ...])``) and ``user_data``."""

    TopicPartition = _TopicPartitions
    _FIELDS = (('version', 0), ('assigned_partitions', []), ('user_data', b''))

    @property
    def assignment(self) -> list[Any]:
        """kafka-python 2.x's name for ``assigned_partitions``."""
        return self.assigned_partitions

    @assignment.setter
    def assignment(self, value: list[Any]) -> None:
        self.assigned_partitions = value

    def partitions(self) -> list[TopicPartition]:
        """The assigned partitions as TopicPartitions."""
        return [TopicPartition(topic, p) for topic, parts in self.assigned_partitions for p in parts]


__all__ = ['ConsumerProtocolAssignment', 'ConsumerProtocolSubscription', 'ConsumerProtocolType']
