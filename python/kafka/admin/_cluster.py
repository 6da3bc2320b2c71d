"""Cluster-level admin methods: log dirs (each broker), the KRaft quorum, features (KIP-584),
API versions, config resources (KIP-1142)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from enum import IntEnum
from typing import Any

from kafka import errors as Errors
from kafka.admin._types import ConfigResourceType, _EnumHelper
from kafka.structs import TopicPartitionReplica
from kafka.version import __version__

_API_NAMES = (
    'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'LeaderAndIsr', 'StopReplica', 'UpdateMetadata',
    'ControlledShutdown', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup', 'Heartbeat',
    'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions', 'CreateTopics',
    'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch', 'AddPartitionsToTxn',
    'AddOffsetsToTxn', 'EndTxn', 'WriteTxnMarkers', 'TxnOffsetCommit', 'DescribeAcls', 'CreateAcls',
    'DeleteAcls', 'DescribeConfigs', 'AlterConfigs', 'AlterReplicaLogDirs', 'DescribeLogDirs',
    'SaslAuthenticate', 'CreatePartitions', 'CreateDelegationToken', 'RenewDelegationToken',
    'ExpireDelegationToken', 'DescribeDelegationToken', 'DeleteGroups', 'ElectLeaders',
    'IncrementalAlterConfigs', 'AlterPartitionReassignments', 'ListPartitionReassignments', 'OffsetDelete',
    'DescribeClientQuotas', 'AlterClientQuotas', 'DescribeUserScramCredentials', 'AlterUserScramCredentials',
    'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeQuorum', 'AlterPartition', 'UpdateFeatures',
    'Envelope', 'FetchSnapshot', 'DescribeCluster', 'DescribeProducers', 'BrokerRegistration',
    'BrokerHeartbeat', 'UnregisterBroker', 'DescribeTransactions', 'ListTransactions', 'AllocateProducerIds',
    'ConsumerGroupHeartbeat', 'ConsumerGroupDescribe', 'ControllerRegistration', 'GetTelemetrySubscriptions',
    'PushTelemetry', 'AssignReplicasToDirs', 'ListConfigResources', 'DescribeTopicPartitions',
    'ShareGroupHeartbeat', 'ShareGroupDescribe', 'ShareFetch', 'ShareAcknowledge', 'AddRaftVoter',
    'RemoveRaftVoter', 'UpdateRaftVoter', 'InitializeShareGroupState', 'ReadShareGroupState',
    'WriteShareGroupState', 'DeleteShareGroupState', 'ReadShareGroupStateSummary', 'StreamsGroupHeartbeat',
    'StreamsGroupDescribe', 'DescribeShareGroupOffsets', 'AlterShareGroupOffsets', 'DeleteShareGroupOffsets',
    'StreamsGroupTopologyDescriptionUpdate', 'UnregisterController',
)
ApiKey = IntEnum('ApiKey', [(name, key) for key, name in enumerate(_API_NAMES)])
ApiKey.__doc__ = 'Kafka protocol API keys.'

# (broker version, API key, a version first supported by that broker release), newest first.
_VERSION_MARKERS = (
    ((4, 3), 35, 5), ((4, 2), 2, 11), ((4, 1), 0, 13), ((4, 0), 2, 10), ((3, 9), 1, 17),
    ((3, 8), 0, 11), ((3, 7), 1, 16), ((3, 6), 24, 4), ((3, 5), 1, 15), ((3, 3), 29, 3),
    ((3, 2), 11, 9), ((3, 1), 1, 13), ((3, 0), 2, 7), ((2, 8), 0, 9), ((2, 7), 1, 12),
    ((2, 6), 48, 0), ((2, 5), 29, 2), ((2, 4), 0, 8), ((2, 3), 1, 11), ((2, 2), 2, 5),
    ((2, 1), 1, 10), ((2, 0), 1, 8), ((1, 1), 1, 7), ((1, 0), 3, 5), ((0, 11), 3, 4),
    ((0, 10, 2), 9, 2), ((0, 10, 1), 3, 2),
)


def _infer_broker_version(api_versions: dict[int, tuple[int, int]]) -> tuple[int, ...]:
    for version, key, needed in _VERSION_MARKERS:
        if key in api_versions and api_versions[key][0] <= needed <= api_versions[key][1]:
            return version
    return (0, 10, 0)


class BrokerVersionData:
    """A broker's API versions and the release they imply (``get_broker_version_data``)."""

    __slots__ = ('api_versions', 'broker_version')

    def __init__(self, broker_version: tuple[int, ...] | None = None,
                 api_versions: dict[int, tuple[int, int]] | None = None) -> None:
        if broker_version is None and api_versions is None:
            raise ValueError('Cannot construct BrokerVersionData!')
        self.api_versions = api_versions
        self.broker_version = broker_version if broker_version is not None else _infer_broker_version(
            api_versions or {})

    def api_version(self, operation: Any, min_version: int = 0, max_version: float = float('inf')) -> int:
        """The highest version of ``operation`` (an ApiKey or key) within the broker's range and the bounds."""
        if min_version > max_version:
            raise ValueError('min_version must not be greater than max_version')
        key = int(operation)
        if not self.api_versions or key not in self.api_versions:
            raise Errors.IncompatibleBrokerVersion(f'Kafka broker does not support API key {key}')
        low, high = self.api_versions[key]
        if min_version > high or max_version < low:
            raise Errors.IncompatibleBrokerVersion(
                f'No version of API key {key} is supported by both the client [{min_version}-{max_version}]'
                f' and broker [{low}-{high}].')
        return int(min(max_version, high))

    @property
    def broker_version_str(self) -> str:
        return '.'.join(map(str, self.broker_version))

    def __str__(self) -> str:
        return f'<BrokerVersionData {self.broker_version_str}>'

    __repr__ = __str__

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, BrokerVersionData) and self.broker_version == other.broker_version
                and self.api_versions == other.api_versions)

    def __hash__(self) -> int:
        return hash(self.broker_version)


class UpdateFeatureType(_EnumHelper, IntEnum):
    """How ``update_features`` may change a feature's level (KIP-584 / KIP-778)."""

    UNKNOWN = 0
    UPGRADE = 1
    SAFE_DOWNGRADE = 2
    UNSAFE_DOWNGRADE = 3


def _error_text(code: int, message: str | None) -> str | None:
    if not code:
        return None
    return str(Errors.for_code(code)(message or ''))


class ClusterAdminMixin:
    """Log dirs, quorum, features, API versions and config resources of KafkaAdminClient."""

    def _ensure_open(self) -> Any:  # provided by KafkaAdminClient
        raise NotImplementedError

    def describe_topics(self, topics: list[str] | None = None) -> list[dict[str, Any]]:  # provided by the client
        raise NotImplementedError

    def _topic_partitions(self, topic_partitions: Any) -> list[tuple[str, list[int]]]:
        """kafka-python's ``{topic: [partitions]}`` / ``[topic]`` / None (all topics) as pairs."""
        if isinstance(topic_partitions, dict):
            return [(topic, list(parts)) for topic, parts in topic_partitions.items()]
        return [(t['name'], [p['partition_index'] for p in t['partitions']])
                for t in self.describe_topics(topic_partitions)]

    # -- log dirs (every broker) -------------------------------------------------

    def describe_log_dirs(self, topic_partitions: Any = None, brokers: list[int] | None = None) -> list[dict[str, Any]]:
        """Describe the brokers' log directories and the replicas in them.

        Keyword Arguments:
            topic_partitions (dict or list, optional): ``{topic: [partition ids]}``, or a list of
                topics (all their partitions), or None (all topics). Default: None.
            brokers ([int], optional): the brokers to ask. Default: None (all).

        Returns:
            list of ``{'broker': node_id, 'log_dirs': [{error_code, log_dir, topics: [{name,
            partitions: [{partition_index, partition_size, offset_lag, is_future_key}]}],
            total_bytes, usable_bytes}]}``.
        """
        native = self._ensure_open()
        pairs = self._topic_partitions(topic_partitions)
        request = {'topics': [{'topic': t, 'partitions': p} for t, p in pairs]}
        out = []
        for node_id in brokers if brokers is not None else native.broker_ids():
            response = native.request('DescribeLogDirs', 'node', request, node_id)
            if response['error_code']:
                raise Errors.for_code(response['error_code'])(f'DescribeLogDirs failed at broker {node_id}')
            out.append({'broker': node_id, 'log_dirs': response['results']})
        return out

    def alter_replica_log_dirs(self, replica_assignments: dict[Any, str]) -> dict[TopicPartitionReplica, Any]:
        """Move replicas between log directories of the brokers that host them.

        Arguments:
            replica_assignments: ``{TopicPartitionReplica (or (topic, partition, broker_id)):
                absolute log dir path}``.

        Returns:
            dict ``{TopicPartitionReplica: KafkaError class}`` (NoError on success).
        """
        native = self._ensure_open()
        per_broker: dict[int, dict[str, dict[str, list[int]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        for replica, path in replica_assignments.items():
            tpr = replica if isinstance(replica, TopicPartitionReplica) else TopicPartitionReplica(*replica)
            per_broker[tpr.broker_id][path][tpr.topic].append(tpr.partition)
        result = {}
        for broker_id, dirs in per_broker.items():
            request = {'dirs': [{'path': path, 'topics': [{'name': t, 'partitions': p} for t, p in topics.items()]}
                                for path, topics in dirs.items()]}
            response = native.request('AlterReplicaLogDirs', 'node', request, broker_id)
            for topic in response['results']:
                for part in topic['partitions']:
                    tpr = TopicPartitionReplica(topic['topic_name'], part['partition_index'], broker_id)
                    result[tpr] = Errors.for_code(part['error_code'])
        return result

    # -- quorum ------------------------------------------------------------------

    def describe_metadata_quorum(self) -> dict[str, Any]:
        """Describe the KRaft quorum of the cluster metadata log (``__cluster_metadata``-0).

        Returns:
            dict ``{'topics': [{topic_name, partitions: [{partition_index, leader_id,
            leader_epoch, high_watermark, current_voters, observers, error}]}], 'nodes': [...]}``
            (voters/observers: ``{replica_id, replica_directory_id (UUID string), log_end_offset,
            last_fetch_timestamp, last_caught_up_timestamp}``; nodes from Kafka 3.8).
        """
        request = {'topics': [{'topic_name': '__cluster_metadata', 'partitions': [{'partition_index': 0}]}]}
        response = self._ensure_open().request('DescribeQuorum', 'any', request)
        if response['error_code']:
            raise Errors.for_code(response['error_code'])(response['error_message'] or '')
        for topic in response['topics']:
            for part in topic['partitions']:
                part['error'] = _error_text(part.pop('error_code'), part.pop('error_message'))
                for replica in part['current_voters'] + part['observers']:
                    replica['replica_directory_id'] = str(uuid.UUID(bytes=replica['replica_directory_id']))
        return {'topics': response['topics'], 'nodes': response['nodes']}

    # -- API versions ------------------------------------------------------------

    def api_versions(self) -> dict[Any, tuple[int, int]]:
        """The API versions of the broker the client talks to: ``{ApiKey: (min, max)}``."""
        return {(ApiKey(k) if k in ApiKey._value2member_map_ else k): tuple(v)
                for k, v in sorted(self._ensure_open().api_versions().items())}

    def get_broker_version_data(self, broker_id: int) -> BrokerVersionData:
        """The API versions of broker ``broker_id`` and the Kafka release they imply."""
        versions = {k: tuple(v) for k, v in self._ensure_open().api_versions(broker_id).items()}
        return BrokerVersionData(api_versions=versions)

    # -- features (KIP-584) ------------------------------------------------------

    def describe_features(self, send_request_to_controller: bool = False) -> dict[str, dict[str, Any]]:
        """The cluster's feature flags (e.g. ``metadata.version``).

        Keyword Arguments:
            send_request_to_controller (bool): ask the controller instead of any broker.
                Default: False.

        Returns:
            dict ``{feature: {'supported': (min, max), 'finalized': (min_level, max_level),
            'finalized_epoch': int or None}}`` (a feature has the keys that apply).
        """
        request = {'client_software_name': 'kafka-python-rs', 'client_software_version': __version__}
        route = 'controller' if send_request_to_controller else 'any'
        response = self._ensure_open().request('ApiVersions', route, request)
        if response['error_code']:
            raise Errors.for_code(response['error_code'])('ApiVersionsRequest failed')
        epoch = response['finalized_features_epoch']
        features: dict[str, dict[str, Any]] = defaultdict(dict)
        for f in response['supported_features']:
            features[f['name']]['supported'] = (f['min_version'], f['max_version'])
        for f in response['finalized_features']:
            features[f['name']]['finalized'] = (f['min_version_level'], f['max_version_level'])
            features[f['name']]['finalized_epoch'] = epoch if epoch is not None and epoch >= 0 else None
        return dict(features)

    def update_features(self, feature_updates: dict[str, Any], validate_only: bool = False,
                        timeout_ms: int = 60000) -> dict[str, str]:
        """Change finalized feature levels (at the controller).

        Arguments:
            feature_updates: ``{feature: max_version_level}`` (an upgrade) or
                ``{feature: (UpdateFeatureType or name or value, max_version_level)}``;
                a level below 1 deletes the finalized feature.

        Keyword Arguments:
            validate_only (bool): only validate. Default: False.
            timeout_ms (int): the broker-side timeout. Default: 60000.

        Returns:
            dict ``{feature: 'OK' or error message}``.
        """
        if not isinstance(feature_updates, dict):
            raise TypeError('feature_updates must be a dict of {feature_name: (upgrade_type, max_version_level)}'
                            ' or {feature_name: max_version_level}')
        updates = []
        for feature, spec in feature_updates.items():
            kind, level = spec if isinstance(spec, tuple) else (UpdateFeatureType.UPGRADE, spec)
            code = UpdateFeatureType.value_for(kind)
            updates.append({'feature': feature, 'max_version_level': int(level), 'upgrade_type': code,
                            'allow_downgrade': code in (UpdateFeatureType.SAFE_DOWNGRADE,
                                                        UpdateFeatureType.UNSAFE_DOWNGRADE)})
        request = {'timeout_ms': int(timeout_ms), 'feature_updates': updates, 'validate_only': bool(validate_only)}
        response = self._ensure_open().request('UpdateFeatures', 'controller', request, timeout_ms=int(timeout_ms))
        if response['error_code']:
            raise Errors.for_code(response['error_code'])(response['error_message'] or '')
        out = {r['feature']: _error_text(r['error_code'], r['error_message']) or 'OK' for r in response['results']}
        for feature in feature_updates:
            out.setdefault(feature, 'OK')
        return out

    # -- config resources (KIP-1142) ----------------------------------------------

    def list_config_resources(self, resource_types: list[Any] | None = None) -> dict[str, list[str]]:
        """List the config resources the cluster knows (Kafka 4.1+ for types other than CLIENT_METRICS).

        Keyword Arguments:
            resource_types (list, optional): ConfigResourceType members or names. Default: None (all).

        Returns:
            dict ``{resource type name in lower case: [resource names]}``.
        """
        types = [ConfigResourceType.value_for(t) for t in resource_types or ()]
        response = self._ensure_open().request('ListConfigResources', 'any', {'resource_types': types})
        if response['error_code']:
            raise Errors.for_code(response['error_code'])('ListConfigResourcesRequest failed')
        out: dict[str, list[str]] = defaultdict(list)
        for r in response['config_resources']:
            out[ConfigResourceType(r['resource_type']).name.lower()].append(r['resource_name'])
        return dict(out)
