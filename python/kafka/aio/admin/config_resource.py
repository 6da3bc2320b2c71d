"""aiokafka's ``aiokafka.admin.config_resource``: resources whose configs are described or altered."""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ConfigResourceType(IntEnum):
    """The kinds of config resources (their DescribeConfigs / AlterConfigs codes)."""

    BROKER = 4
    TOPIC = 2


class ConfigResource:
    """A resource for :meth:`AIOKafkaAdminClient.describe_configs` / ``alter_configs``.

    Arguments:
        resource_type (ConfigResourceType or str): 'TOPIC' or 'BROKER'.
        name (str): the topic name, or the broker id as a string.
        configs (dict, optional): config keys to values (alter_configs), or whose
            keys restrict describe_configs (None: every key).
    """

    def __init__(self, resource_type: Any, name: str, configs: dict[str, Any] | None = None) -> None:
        if not isinstance(resource_type, ConfigResourceType):
            resource_type = ConfigResourceType[str(resource_type).upper()]
        self.resource_type = resource_type
        self.name = name
        self.configs = configs

    def __repr__(self) -> str:
        return f'ConfigResource({self.resource_type.name}, {self.name!r}, {self.configs!r})'
