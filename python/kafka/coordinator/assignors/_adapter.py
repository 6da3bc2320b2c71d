"""Glue between partition assignors written in Python and the Rust core's group protocol.

``resolve_strategy`` turns ``partition_assignment_strategy`` (classes or instances) into what
the core takes: the protocol name of a built-in assignor (its algorithm runs in Rust), or an
:class:`AssignorAdapter` around an application's own assignor.  The adapter speaks plain data
to the core (tuples, lists, dicts) and kafka-python's objects to the assignor: the leader's
``assign(cluster, members)`` gets a cluster view and the members' decoded subscriptions, and
its result is checked for shape here and for consistency in the core.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

import kafka.errors as Errors
from kafka.coordinator.assignors.abstract import RebalanceProtocol
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment, ConsumerProtocolSubscription

try:
    from kafka import _native
except ImportError:  # pragma: no cover - reported by the consumer
    _native = None  # type: ignore[assignment]

Partitions = list[tuple[str, list[int]]]
_CALLS = ('assign', 'metadata', 'on_assignment', 'supported_protocols')


class AssignmentCluster:
    """The cluster metadata an assignor sees: the partitions of every subscribed topic."""

    def __init__(self, partitions_per_topic: Mapping[str, int]) -> None:
        self._partitions = {t: set(range(n)) for t, n in partitions_per_topic.items()}

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        """The partition ids of ``topic``, or None if it is unknown."""
        parts = self._partitions.get(topic)
        return None if parts is None else set(parts)

    available_partitions_for_topic = partitions_for_topic

    def topics(self, exclude_internal_topics: bool = True) -> set[str]:
        """The topics with known partitions."""
        return set(self._partitions)

    def __repr__(self) -> str:
        return f'AssignmentCluster({ {t: len(p) for t, p in self._partitions.items()} })'


class GroupMember:
    """A member of the group as the leader's assignor sees it (JoinGroupResponseMember)."""

    __slots__ = ('group_instance_id', 'member_id', 'metadata')

    def __init__(self, member_id: str, group_instance_id: str | None,
                 metadata: ConsumerProtocolSubscription) -> None:
        self.member_id = member_id
        self.group_instance_id = group_instance_id
        self.metadata = metadata

    def __repr__(self) -> str:
        return (f'GroupMember(member_id={self.member_id!r}, group_instance_id={self.group_instance_id!r}, '
                f'metadata={self.metadata!r})')


def _members_from_tuples(members: list[tuple[Any, ...]]) -> list[GroupMember]:
    out = []
    for member_id, instance_id, version, topics, user_data, owned, generation, rack in members:
        sub = ConsumerProtocolSubscription(
            version=version, topics=list(topics), user_data=bytes(user_data or b''),
            owned_partitions=[ConsumerProtocolSubscription.TopicPartition(t, list(ps)) for t, ps in owned],
            generation_id=generation, rack_id=rack)
        out.append(GroupMember(member_id, instance_id, sub))
    return out


def _partitions_list(value: Any) -> Partitions:
    """[(topic, [partition, ...])] from a list of such pairs or of objects with topic/partitions."""
    out: Partitions = []
    for item in value or ():
        if isinstance(item, tuple) and len(item) == 2:
            topic, parts = item
        else:
            topic, parts = item.topic, item.partitions
        out.append((_topic(topic), _ints(parts)))
    return out


def _topic(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f'topic names must be str, got {value!r}')
    return value


def _ints(values: Any) -> list[int]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f'partitions must be ints, got {v!r}')
        out.append(int(v))
    return out


def _user_data(value: Any) -> bytes | None:
    if value is None:
        return None
    if hasattr(value, 'encode') and not isinstance(value, (bytes, bytearray, memoryview, str)):
        value = value.encode()  # a kafka-python Struct (e.g. StickyAssignorUserData)
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f'user_data must be bytes, got {type(value).__name__}')
    return bytes(value)


def _member_assignment(member_id: Any, value: Any) -> tuple[int, Partitions, bytes | None]:
    """(version, partitions, user_data) from what an assignor returned for one member."""
    version, user_data = 0, None
    if hasattr(value, 'assigned_partitions') or hasattr(value, 'assignment'):
        parts_value = getattr(value, 'assigned_partitions', None)
        if parts_value is None:
            parts_value = value.assignment
        version = int(getattr(value, 'version', 0) or 0)
        user_data = _user_data(getattr(value, 'user_data', None))
        parts = _partitions_list(parts_value)
    elif isinstance(value, Mapping):
        parts = [(_topic(t), _ints(ps)) for t, ps in value.items()]
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = list(value)
        if all(hasattr(i, 'topic') and hasattr(i, 'partition') for i in items):
            by_topic: dict[str, list[int]] = {}
            for tp in items:
                by_topic.setdefault(_topic(tp.topic), []).extend(_ints([tp.partition]))
            parts = list(by_topic.items())
        else:
            parts = _partitions_list(items)
    else:
        raise TypeError(f'the assignment of member {member_id!r} is a {type(value).__name__}, expected a '
                        'ConsumerProtocolAssignment')
    return version, parts, user_data


class AssignorAdapter:
    """An application's assignor as the Rust core calls it (see the module docs)."""

    def __init__(self, assignor: Any) -> None:
        self.assignor = assignor
        name = assignor.name
        if not isinstance(name, str) or not name:
            raise Errors.KafkaConfigurationError(f'partition assignor {assignor!r} has no protocol name')
        self.name = name
        self._dict_members = _takes_member_metadata(assignor.assign)
        self._generation_arg = _takes_generation(assignor.on_assignment)

    def supported_protocols(self) -> list[int]:
        """The assignor's rebalance protocols, as ints."""
        method = getattr(self.assignor, 'supported_protocols', None)
        return [int(p) for p in method()] if method is not None else [int(RebalanceProtocol.EAGER)]

    def subscription(self, topics: list[str], owned: Partitions,
                     generation: int) -> tuple[int, list[str], bytes | None, Partitions, int]:
        """(version, topics, user_data, owned_partitions, generation) from ``metadata(topics)``."""
        md = self.assignor.metadata(set(topics))
        version = int(getattr(md, 'version', 0) or 0)
        sub_topics = getattr(md, 'topics', None)
        if sub_topics is None:
            sub_topics = getattr(md, 'subscription', None)
        sub_topics = sorted(_topic(t) for t in (sub_topics if sub_topics is not None else topics))
        owned_partitions = _partitions_list(getattr(md, 'owned_partitions', None) or owned)
        gen = getattr(md, 'generation_id', None)
        return (version, sub_topics, _user_data(getattr(md, 'user_data', None)), owned_partitions,
                generation if gen is None or gen < 0 else int(gen))

    def assign(self, partitions_per_topic: dict[str, int],
               members: list[tuple[Any, ...]]) -> dict[str, tuple[int, Partitions, bytes | None]]:
        """The leader's assignment: {member_id: (version, partitions, user_data)}."""
        cluster = AssignmentCluster(partitions_per_topic)
        group = _members_from_tuples(members)
        if self._dict_members:
            result = self.assignor.assign(cluster, {m.member_id: m.metadata for m in group})
        else:
            result = self.assignor.assign(cluster, group)
        if not isinstance(result, Mapping):
            raise TypeError(f'assign() returned a {type(result).__name__}, expected a dict '
                            '{member_id: ConsumerProtocolAssignment}')
        out = {}
        for member_id, value in result.items():
            if not isinstance(member_id, str):
                raise TypeError(f'assign() returned member id {member_id!r}, expected str')
            out[member_id] = _member_assignment(member_id, value)
        return out

    def on_assignment(self, version: int, partitions: Partitions, user_data: bytes | None,
                      generation: int) -> None:
        """Hands the member's assignment to the assignor."""
        assignment = ConsumerProtocolAssignment(version, partitions, user_data or b'')
        if self._generation_arg:
            self.assignor.on_assignment(assignment, generation)
        else:
            self.assignor.on_assignment(assignment)


def _params(method: Any) -> list[inspect.Parameter]:
    try:
        return list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):
        return []


def _takes_member_metadata(assign: Any) -> bool:
    """kafka-python 2.x / aiokafka: ``assign(cluster, member_metadata)`` with a dict."""
    return any(p.name == 'member_metadata' for p in _params(assign))


def _takes_generation(on_assignment: Any) -> bool:
    """kafka-python 3: ``on_assignment(assignment, generation)``; 2.x / aiokafka: one argument."""
    params = _params(on_assignment)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return True
    return len([p for p in params if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                 inspect.Parameter.POSITIONAL_OR_KEYWORD)]) >= 2


def _native_name(cls: type) -> str | None:
    """The Rust assignor a class runs, when it is (or derives without overriding) a built-in."""
    mro = cls.__mro__
    for i, base in enumerate(mro):
        native = base.__dict__.get('_native_name')
        if not native:
            continue
        for attr in _CALLS + ('name',):
            owner = next((j for j, c in enumerate(mro) if attr in c.__dict__), None)
            if owner is not None and owner < i:
                return None
        return str(native)
    return None


def resolve_strategy(strategy: Any) -> tuple[list[Any], RebalanceProtocol]:
    """The core's ``assignors`` entry for ``partition_assignment_strategy``, and the rebalance
    protocol all of them support (the highest such, as kafka-python 3).

    Raises:
        KafkaConfigurationError: empty, unusable, or without a common protocol.
    """
    if isinstance(strategy, (str, bytes)) or not isinstance(strategy, Iterable):
        strategy = [strategy]
    entries: list[Any] = []
    common: set[int] | None = None
    for item in strategy:
        if isinstance(item, str):
            from kafka.coordinator.assignors import builtin_by_name
            builtin = builtin_by_name(item)
            if builtin is None:
                raise Errors.KafkaConfigurationError(f'unknown partition assignor {item!r}')
            item = builtin
        cls = item if isinstance(item, type) else type(item)
        native = _native_name(cls)
        if native is not None:
            entries.append(native)
            instance = item() if isinstance(item, type) else item
            supported = {int(p) for p in instance.supported_protocols()}
        else:
            instance = item
            if isinstance(item, type):
                try:
                    instance = item()
                except TypeError as e:
                    raise Errors.KafkaConfigurationError(f'cannot create partition assignor {item!r}: {e}') from e
            for attr in ('name', 'assign', 'metadata', 'on_assignment'):
                if not hasattr(instance, attr):
                    raise Errors.KafkaConfigurationError(
                        f'partition assignor {item!r} lacks {attr}; subclass AbstractPartitionAssignor')
            adapter = AssignorAdapter(instance)
            entries.append(adapter)
            supported = set(adapter.supported_protocols())
        common = supported if common is None else common & supported
    if not entries:
        raise Errors.KafkaConfigurationError('partition_assignment_strategy must not be empty')
    if not common:
        names = [e if isinstance(e, str) else e.name for e in entries]
        raise Errors.KafkaConfigurationError(
            f'Specified partition_assignment_strategy assignors {names} do not support a common '
            'RebalanceProtocol. Mixing EAGER and COOPERATIVE assignors in a single consumer is not supported.')
    return entries, RebalanceProtocol(max(common))


def run_builtin(name: str, cluster: Any, members: Any) -> dict[str, list[tuple[str, list[int]]]]:
    """Runs the Rust assignor ``name`` over kafka-python-shaped ``members`` (a list of
    JoinGroupResponseMember-likes, or 2.x's {member_id: metadata}); {member_id: partitions}."""
    if _native is None:
        raise ImportError('kafka._native is not available')
    items = members.items() if isinstance(members, Mapping) else [(m.member_id, m) for m in members]
    tuples = []
    topics: set[str] = set()
    for member_id, m in items:
        md = getattr(m, 'metadata', m)
        sub_topics = getattr(md, 'topics', None)
        if sub_topics is None:
            sub_topics = getattr(md, 'subscription', ())
        topics.update(sub_topics)
        gen = getattr(md, 'generation_id', -1)
        tuples.append((member_id, getattr(m, 'group_instance_id', None), int(getattr(md, 'version', 0) or 0),
                       list(sub_topics), _user_data(getattr(md, 'user_data', None)),
                       _partitions_list(getattr(md, 'owned_partitions', None)),
                       -1 if gen is None else int(gen), getattr(md, 'rack_id', None)))
    counts = {}
    for t in topics:
        parts = cluster.partitions_for_topic(t)
        if parts is not None:
            counts[t] = len(parts)
    return dict(_native.run_assignor(name, counts, tuples))
