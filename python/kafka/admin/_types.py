"""Argument and enum types of kafka-python's admin API (2.x objects and 3.x enums)."""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import Any


class _EnumHelper:
    """``build_from`` / ``value_for``: accept a member, its name (any case, ``-`` or ``_``) or value."""

    @classmethod
    def build_from(cls, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            key = value.upper().replace('-', '_')
            members = cls.__members__  # type: ignore[attr-defined]
            if key in members:
                return members[key]
        try:
            return cls(value)  # type: ignore[call-arg]
        except ValueError:
            raise ValueError(f'{value!r} is not a valid {cls.__name__}') from None

    @classmethod
    def value_for(cls, value: Any) -> Any:
        return cls.build_from(value).value


class ConfigResourceType(_EnumHelper, IntEnum):
    """Types of resources that have configs."""

    UNKNOWN = 0
    TOPIC = 2
    BROKER = 4
    BROKER_LOGGER = 8
    CLIENT_METRICS = 16
    GROUP = 32


class AlterConfigOp(_EnumHelper, IntEnum):
    """IncrementalAlterConfigs operations."""

    SET = 0
    DELETE = 1
    APPEND = 2
    SUBTRACT = 3


class ConfigSourceType(_EnumHelper, IntEnum):
    """Where a config value comes from."""

    UNKNOWN = 0
    DYNAMIC_TOPIC_CONFIG = 1
    DYNAMIC_BROKER_CONFIG = 2
    DYNAMIC_DEFAULT_BROKER_CONFIG = 3
    STATIC_BROKER_CONFIG = 4
    DEFAULT_CONFIG = 5
    DYNAMIC_BROKER_LOGGER_CONFIG = 6
    DYNAMIC_CLIENT_METRICS_CONFIG = 7
    DYNAMIC_GROUP_CONFIG = 8

    def is_modified(self) -> bool:
        """Whether a value from this source differs from the default."""
        return self.value not in (3, 4, 5)

    @classmethod
    def dynamic_for_resource_type(cls, resource_type: ConfigResourceType) -> ConfigSourceType:
        """The dynamic source matching a resource type."""
        return {
            ConfigResourceType.TOPIC: cls.DYNAMIC_TOPIC_CONFIG,
            ConfigResourceType.BROKER: cls.DYNAMIC_BROKER_CONFIG,
            ConfigResourceType.BROKER_LOGGER: cls.DYNAMIC_BROKER_LOGGER_CONFIG,
            ConfigResourceType.CLIENT_METRICS: cls.DYNAMIC_CLIENT_METRICS_CONFIG,
            ConfigResourceType.GROUP: cls.DYNAMIC_GROUP_CONFIG,
        }.get(resource_type, cls.UNKNOWN)


class ConfigFilterType(_EnumHelper, IntEnum):
    """Which configs describe_configs returns."""

    ALL = 0
    DYNAMIC = 1
    MODIFIED = 2
    DEFAULT = 3
    STATIC = 4

    def should_skip(self, config_source: ConfigSourceType) -> bool:
        """Whether a config from ``config_source`` is filtered out."""
        if self is ConfigFilterType.MODIFIED:
            return not config_source.is_modified()
        if self is ConfigFilterType.DEFAULT:
            return config_source.is_modified()
        if self is ConfigFilterType.STATIC:
            return config_source is not ConfigSourceType.STATIC_BROKER_CONFIG
        return False


class ConfigType(_EnumHelper, IntEnum):
    """Value types of configs (DescribeConfigs v3+)."""

    UNKNOWN = 0
    BOOLEAN = 1
    STRING = 2
    INT = 3
    SHORT = 4
    LONG = 5
    DOUBLE = 6
    LIST = 7
    CLASS = 8
    PASSWORD = 9


class ConfigResource:
    """A resource whose configs to describe or alter.

    Arguments:
        resource_type (ConfigResourceType or str): the type of kafka resource
        name (str): the name of the kafka resource
        configs ([key] or {key: value}): config keys (values required to alter)
    """

    def __init__(self, resource_type: Any, name: str, configs: Any = None) -> None:
        if not isinstance(resource_type, ConfigResourceType):
            resource_type = ConfigResourceType[str(resource_type).upper()]
        self.resource_type = resource_type
        self.name = name
        self.configs = configs

    def __str__(self) -> str:
        return f'ConfigResource {self.name}={self.resource_type}'

    def __repr__(self) -> str:
        return f'ConfigResource({self.resource_type}, {self.name}, {self.configs})'


class NewTopic:
    """A topic to create (kafka-python 2.x argument object, still accepted by 3.x).

    Arguments:
        name (str): name of the topic
        num_partitions (int): number of partitions, or -1 for the broker default
        replication_factor (int): replication factor, or -1 for the broker default
        replica_assignments (dict of int: [int]): partition id -> replica broker ids
        topic_configs (dict of str: str): topic config overrides
    """

    def __init__(self, name: str, num_partitions: int = -1, replication_factor: int = -1,
                 replica_assignments: dict[int, list[int]] | None = None,
                 topic_configs: dict[str, Any] | None = None) -> None:
        self.name = name
        self.num_partitions = num_partitions
        self.replication_factor = replication_factor
        self.replica_assignments = replica_assignments or {}
        self.topic_configs = topic_configs or {}

    def __repr__(self) -> str:
        return (f'NewTopic(name={self.name!r}, num_partitions={self.num_partitions}, '
                f'replication_factor={self.replication_factor}, '
                f'replica_assignments={self.replica_assignments}, topic_configs={self.topic_configs})')


class NewPartitions:
    """A new total partition count for an existing topic (2.x argument object).

    Arguments:
        total_count (int): the total number of partitions the topic should have
        new_assignments ([[int]]): replica broker ids for each new partition, or None
    """

    def __init__(self, total_count: int, new_assignments: list[list[int]] | None = None) -> None:
        self.total_count = total_count
        self.new_assignments = new_assignments

    def __repr__(self) -> str:
        return f'NewPartitions(total_count={self.total_count}, new_assignments={self.new_assignments})'


class OffsetSpec(_EnumHelper, IntEnum):
    """Which offset of a partition list_partition_offsets looks up (any int >= 0 is a timestamp)."""

    LATEST = -1
    EARLIEST = -2
    MAX_TIMESTAMP = -3
    EARLIEST_LOCAL = -4
    LATEST_TIERED = -5


class OffsetTimestamp(int):
    """A millisecond timestamp to look an offset up by (distinct from a bare offset)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f'OffsetTimestamp({int(self)})'


class IsolationLevel(_EnumHelper, IntEnum):
    """Which records ListOffsets considers."""

    READ_UNCOMMITTED = 0
    READ_COMMITTED = 1


class GroupState(_EnumHelper, str, Enum):
    """Consumer group states as reported by the broker."""

    UNKNOWN = 'Unknown'
    PREPARING_REBALANCE = 'PreparingRebalance'
    COMPLETING_REBALANCE = 'CompletingRebalance'
    STABLE = 'Stable'
    DEAD = 'Dead'
    EMPTY = 'Empty'
    ASSIGNING = 'Assigning'
    RECONCILING = 'Reconciling'


class GroupType(_EnumHelper, str, Enum):
    """Group protocol types."""

    UNKNOWN = 'Unknown'
    CLASSIC = 'classic'
    CONSUMER = 'consumer'
    SHARE = 'share'
