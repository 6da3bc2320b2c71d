"""Kafka API keys by name (as kafka-python 3's ``kafka.protocol.api_key.ApiKey``), for the CLI."""

from __future__ import annotations

from enum import IntEnum

_NAMES = (
    'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'LeaderAndIsr', 'StopReplica', 'UpdateMetadata',
    'ControlledShutdown', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup', 'Heartbeat',
    'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions',
    'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch',
    'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn', 'WriteTxnMarkers', 'TxnOffsetCommit',
    'DescribeAcls', 'CreateAcls', 'DeleteAcls', 'DescribeConfigs', 'AlterConfigs', 'AlterReplicaLogDirs',
    'DescribeLogDirs', 'SaslAuthenticate', 'CreatePartitions', 'CreateDelegationToken',
    'RenewDelegationToken', 'ExpireDelegationToken', 'DescribeDelegationToken', 'DeleteGroups',
    'ElectLeaders', 'IncrementalAlterConfigs', 'AlterPartitionReassignments', 'ListPartitionReassignments',
    'OffsetDelete', 'DescribeClientQuotas', 'AlterClientQuotas', 'DescribeUserScramCredentials',
    'AlterUserScramCredentials', 'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeQuorum',
    'AlterPartition', 'UpdateFeatures', 'Envelope', 'FetchSnapshot', 'DescribeCluster',
    'DescribeProducers', 'BrokerRegistration', 'BrokerHeartbeat', 'UnregisterBroker',
    'DescribeTransactions', 'ListTransactions', 'AllocateProducerIds', 'ConsumerGroupHeartbeat',
    'ConsumerGroupDescribe', 'ControllerRegistration', 'GetTelemetrySubscriptions', 'PushTelemetry',
    'AssignReplicasToDirs', 'ListConfigResources', 'DescribeTopicPartitions', 'ShareGroupHeartbeat',
    'ShareGroupDescribe', 'ShareFetch', 'ShareAcknowledge', 'AddRaftVoter', 'RemoveRaftVoter',
    'UpdateRaftVoter', 'InitializeShareGroupState', 'ReadShareGroupState', 'WriteShareGroupState',
    'DeleteShareGroupState', 'ReadShareGroupStateSummary', 'StreamsGroupHeartbeat', 'StreamsGroupDescribe',
    'DescribeShareGroupOffsets', 'AlterShareGroupOffsets', 'DeleteShareGroupOffsets',
)

#: API key number by protocol name (``ApiKey.Produce == 0``).
ApiKey = IntEnum('ApiKey', [(name, key) for key, name in enumerate(_NAMES)], module=__name__)
