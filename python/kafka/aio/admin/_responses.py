"""Response objects shaped like aiokafka's protocol ``Response`` classes.

aiokafka's admin client returns some broker responses as they were decoded: an object with one
attribute per top-level field, arrays of entries as lists of tuples (in schema order) and
``to_object()`` turning the whole into dicts. These classes give the same attributes, tuples and
``to_object()`` for the responses :class:`~kafka.aio.admin.AIOKafkaAdminClient` returns; they are
built from the Rust core's answers, not decoded from the wire.
"""

from __future__ import annotations

from typing import Any, ClassVar

#: A schema: (field name, sub-schema of an array of entries, or None for a plain value) pairs.
Schema = tuple[tuple[str, Any], ...]


def _to_object(schema: Schema, values: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for (name, sub), value in zip(schema, values):
        obj[name] = value if sub is None else [_to_object(sub, entry) for entry in value]
    return obj


class Response:
    """A broker response: attributes named by ``SCHEMA``, nested arrays as lists of tuples."""

    API_KEY: ClassVar[int]
    API_VERSION: ClassVar[int]
    SCHEMA: ClassVar[Schema] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = [name for name, _ in self.SCHEMA]
        if args and len(args) != len(names):
            raise ValueError('Args must be empty or mirror schema')
        values = dict(zip(names, args)) if args else {name: kwargs.pop(name, None) for name in names}
        if kwargs:
            raise ValueError(f'Keyword(s) not in schema {names}: {", ".join(kwargs)}')
        self.__dict__.update(values)

    def get_item(self, name: str) -> Any:
        """The value of field ``name``."""
        if name not in {n for n, _ in self.SCHEMA}:
            raise KeyError(f'{name} is not in the schema')
        return self.__dict__[name]

    def to_object(self) -> dict[str, Any]:
        """The response as nested dicts (arrays of entries as lists of dicts)."""
        return _to_object(self.SCHEMA, [self.__dict__[name] for name, _ in self.SCHEMA])

    def __repr__(self) -> str:
        fields = ', '.join(f'{name}={self.__dict__[name]!r}' for name, _ in self.SCHEMA)
        return f'{type(self).__name__}({fields})'

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Response):
            return NotImplemented
        return self.SCHEMA == other.SCHEMA and all(
            self.__dict__[name] == other.__dict__[name] for name, _ in self.SCHEMA)

    __hash__ = object.__hash__


_TOPIC_ERROR = (('topic', None), ('error_code', None), ('error_message', None))
_MEMBER = (('member_id', None), ('client_id', None), ('client_host', None), ('member_metadata', None),
           ('member_assignment', None))
_GROUP = (('error_code', None), ('group', None), ('state', None), ('protocol_type', None), ('protocol', None),
          ('members', _MEMBER))
_SYNONYM = (('config_name', None), ('config_value', None), ('config_source', None))
_CONFIG_ENTRY = (('config_names', None), ('config_value', None), ('read_only', None), ('config_source', None),
                 ('is_sensitive', None), ('config_synonyms', _SYNONYM))


class CreateTopicsResponse_v3(Response):
    """CreateTopics: ``topic_errors`` is a list of ``(topic, error_code, error_message)``."""

    API_KEY = 19
    API_VERSION = 3
    SCHEMA = (('throttle_time_ms', None), ('topic_errors', _TOPIC_ERROR))


class DeleteTopicsResponse_v3(Response):
    """DeleteTopics: ``topic_error_codes`` is a list of ``(topic, error_code)``."""

    API_KEY = 20
    API_VERSION = 3
    SCHEMA = (('throttle_time_ms', None), ('topic_error_codes', (('topic', None), ('error_code', None))))


class CreatePartitionsResponse_v1(Response):
    """CreatePartitions: ``topic_errors`` is a list of ``(topic, error_code, error_message)``."""

    API_KEY = 37
    API_VERSION = 1
    SCHEMA = (('throttle_time_ms', None), ('topic_errors', _TOPIC_ERROR))


class DescribeConfigsResponse_v2(Response):
    """DescribeConfigs: ``resources`` is a list of ``(error_code, error_message, resource_type,
    resource_name, config_entries)``, each entry ``(config_names, config_value, read_only,
    config_source, is_sensitive, config_synonyms)``."""

    API_KEY = 32
    API_VERSION = 2
    SCHEMA = (('throttle_time_ms', None), ('resources', (
        ('error_code', None), ('error_message', None), ('resource_type', None), ('resource_name', None),
        ('config_entries', _CONFIG_ENTRY))))


class AlterConfigsResponse_v1(Response):
    """AlterConfigs: ``resources`` is a list of ``(error_code, error_message, resource_type,
    resource_name)``."""

    API_KEY = 33
    API_VERSION = 1
    SCHEMA = (('throttle_time_ms', None), ('resources', (
        ('error_code', None), ('error_message', None), ('resource_type', None), ('resource_name', None))))


class DescribeGroupsResponse_v2(Response):
    """DescribeGroups: ``groups`` is a list of ``(error_code, group, state, protocol_type,
    protocol, members)``, each member ``(member_id, client_id, client_host, member_metadata,
    member_assignment)`` with the raw bytes of the group protocol."""

    API_KEY = 15
    API_VERSION = 2
    SCHEMA = (('throttle_time_ms', None), ('groups', _GROUP))


class DescribeGroupsResponse_v3(Response):
    """DescribeGroups with ``authorized_operations`` last in each group."""

    API_KEY = 15
    API_VERSION = 3
    SCHEMA = (('throttle_time_ms', None), ('groups', (*_GROUP, ('authorized_operations', None))))
