"""The admin client: ``from kafka.admin import KafkaAdminClient, NewTopic, ...``."""

from __future__ import annotations

from kafka.admin._transactions import (
    AbortTransactionSpec,
    PartitionProducerState,
    ProducerState,
    TransactionDescription,
    TransactionListing,
    TransactionState,
)
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
    'AbortTransactionSpec',
    'AlterConfigOp',
    'ConfigFilterType',
    'ConfigResource',
    'ConfigResourceType',
    'ConfigSourceType',
    'ConfigType',
    'GroupState',
    'GroupType',
    'IsolationLevel',
    'KafkaAdminClient',
    'NewPartitions',
    'NewTopic',
    'OffsetSpec',
    'OffsetTimestamp',
    'PartitionProducerState',
    'ProducerState',
    'TransactionDescription',
    'TransactionListing',
    'TransactionState',
]
