"""The admin client: ``from kafka.admin import KafkaAdminClient, NewTopic, ...``."""

from __future__ import annotations

from kafka.admin._types import (
    AlterConfigOp,
    ConfigFilterType,
    ConfigResource,
    ConfigResourceType,
    ConfigSourceType,
    ConfigType,
    GroupState,
    GroupType,
    IsolationLevel,
    NewPartitions,
    NewTopic,
    OffsetSpec,
    OffsetTimestamp,
)
from kafka.admin.client import KafkaAdminClient

__all__ = [
    'AlterConfigOp', 'ConfigFilterType', 'ConfigResource', 'ConfigResourceType', 'ConfigSourceType',
    'ConfigType', 'GroupState', 'GroupType', 'IsolationLevel', 'KafkaAdminClient', 'NewPartitions',
    'NewTopic', 'OffsetSpec', 'OffsetTimestamp',
]
