"""The admin client: ``from kafka.admin import KafkaAdminClient, NewTopic, ...``."""

from __future__ import annotations

from kafka.admin._acls import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)
from kafka.admin._cluster import UpdateFeatureType
from kafka.admin._groups import MemberToRemove
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
from kafka.admin._users import ScramMechanism, UserScramCredentialDeletion, UserScramCredentialUpsertion
from kafka.admin.client import KafkaAdminClient

__all__ = [
    'ACL',
    'ACLFilter',
    'ACLOperation',
    'ACLPermissionType',
    'ACLResourcePatternType',
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
    'MemberToRemove',
    'NewPartitions',
    'NewTopic',
    'OffsetSpec',
    'OffsetTimestamp',
    'PartitionProducerState',
    'ProducerState',
    'ResourcePattern',
    'ResourcePatternFilter',
    'ResourceType',
    'ScramMechanism',
    'TransactionDescription',
    'TransactionListing',
    'TransactionState',
    'UpdateFeatureType',
    'UserScramCredentialDeletion',
    'UserScramCredentialUpsertion',
]
