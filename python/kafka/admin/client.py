"""KafkaAdminClient: kafka-python's admin API on top of the Rust core."""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections import defaultdict, namedtuple
from typing import TYPE_CHECKING, Any, ClassVar

from kafka import _fork
from kafka import errors as Errors
from kafka._compat import UnsupportedConfigError, check_unrecognized, collect_hosts
from kafka._security import native_security
from kafka.admin._acls import ACLAdminMixin, authorized_operation_names
from kafka.admin._cluster import ClusterAdminMixin
from kafka.admin._groups import GroupMembersMixin
from kafka.admin._partitions import PartitionAdminMixin
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
from kafka.admin._users import UserAdminMixin
from kafka.structs import (
    GroupInformation,
    MemberInformation,
    OffsetAndMetadata,
    OffsetAndTimestamp,
    TopicPartition,
)
from kafka.version import __version__

try:
    from kafka import _native
except ImportError as _exc:  # pragma: no cover - exercised only without the extension
    _native = None
    _NATIVE_IMPORT_ERROR: ImportError | None = _exc
else:
    _NATIVE_IMPORT_ERROR = None

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

    from typing_extensions import Self

log = logging.getLogger(__name__)

_CLIENT_SEQUENCE = itertools.count(1)
_CONSUMER_GROUP_DESCRIBE = 69  # API key
_METADATA = 3  # API key
_DELETE_TOPICS = 20  # API key
_TOPIC_MAX_LENGTH = 249
_LEGAL_TOPIC_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-')

#: kafka-python 2.x decoded consumer-protocol member data (``describe_consumer_groups``).
ConsumerProtocolMemberMetadata = namedtuple('ConsumerProtocolMemberMetadata',
                                            ['version', 'subscription', 'user_data'])
ConsumerProtocolMemberAssignment = namedtuple('ConsumerProtocolMemberAssignment',
                                              ['version', 'assignment', 'user_data'])

# Known to kafka-python but not implemented here: a non-default value raises UnsupportedConfigError.
_UNSUPPORTED_CONFIGS = ('proxy_url', 'socks5_proxy', 'kafka_client')
_SECRET_CONFIGS = frozenset(('ssl_password', 'sasl_plain_password'))
_NATIVE_INT_CONFIGS = (
    'request_timeout_ms', 'reconnect_backoff_ms', 'reconnect_backoff_max_ms', 'retry_backoff_ms',
    'metadata_max_age_ms', 'max_in_flight_requests_per_connection', 'receive_message_max_bytes',
)


def _check_topic(name: Any) -> str:
    """Reject what the broker would reject as a topic name, as kafka-python's error classes."""
    if not isinstance(name, str):
        raise TypeError(f'Topic names must be strings, got {name!r}')
    if not name or name in ('.', '..') or len(name) > _TOPIC_MAX_LENGTH or set(name) - _LEGAL_TOPIC_CHARS:
        raise Errors.InvalidTopicError(
            f'Invalid topic name {name!r}: must be 1-{_TOPIC_MAX_LENGTH} characters of [a-zA-Z0-9._-],'
            ' and not "." or ".."')
    return name


def _check_group(group_id: Any) -> str:
    if not isinstance(group_id, str):
        raise TypeError(f'Group ids must be strings, got {group_id!r}')
    if not group_id:
        raise Errors.InvalidGroupIdError('Group id must be a non-empty string')
    return group_id


def _group_list(group_ids: Any) -> list[str]:
    if isinstance(group_ids, str):
        group_ids = [group_ids]
    return [_check_group(g) for g in group_ids]


def _tp(tp: Any) -> TopicPartition:
    if not isinstance(tp, TopicPartition):
        tp = TopicPartition(*tp)
    _check_topic(tp.topic)
    if not isinstance(tp.partition, int) or isinstance(tp.partition, bool) or tp.partition < 0:
        raise Errors.UnknownTopicOrPartitionError(f'Invalid partition {tp.partition!r} for topic {tp.topic!r}')
    return tp


def _raise_for(code: int, message: str) -> None:
    if code:
        raise Errors.for_code(code)(message)


def _uuid(raw: bytes) -> uuid.UUID | None:
    return None if raw == bytes(16) else uuid.UUID(bytes=raw)


def _topic_ref(topic: str | uuid.UUID) -> dict[str, Any]:
    """A topic of a Metadata (v10+) or DeleteTopics (v6+) request: by name, or by id without one."""
    if isinstance(topic, uuid.UUID):
        return {'name': None, 'topic_id': topic.bytes}
    return {'name': topic, 'topic_id': bytes(16)}


def _topic_label(topic: dict[str, Any]) -> Any:
    """A result's topic name, or its id when it came back without one."""
    return topic['name'] if topic['name'] is not None else str(topic['topic_id'])


class KafkaAdminClient(ACLAdminMixin, ClusterAdminMixin, GroupMembersMixin, PartitionAdminMixin,
                       UserAdminMixin):
    """A client for administering the Kafka cluster (kafka-python 3.x API, 2.x names kept).

    Requests go to the broker the protocol requires: topic changes to the
    controller, group operations to the group's coordinator, record deletion and
    offset lookups to each partition's leader; versions are negotiated with
    ApiVersions.  Every method blocks until the broker answers (at most about
    ``request_timeout_ms`` plus any ``timeout_ms`` argument).

    Keyword Arguments:
        bootstrap_servers: 'host[:port]' string (or list of them) to bootstrap
            cluster metadata from. Default port is 9092. Default: 'localhost'.
        client_id (str): a name for this client, sent in each request.
            Default: 'kafka-python-{version}'.
        request_timeout_ms (int): client request timeout. Default: 30000.
        reconnect_backoff_ms (int): base backoff before reconnecting to a broker.
            Default: 50.
        reconnect_backoff_max_ms (int): maximum reconnect backoff. Default: 30000.
        retry_backoff_ms (int): backoff between retries of retriable errors
            (NOT_CONTROLLER, coordinator moves, leader moves). Default: 100.
        max_in_flight_requests_per_connection (int): pipelined requests per
            broker connection. Default: 5.
        metadata_max_age_ms (int): period after which metadata is refreshed.
            Default: 300000.
        bootstrap_timeout_ms (int): how long __init__ waits for the first
            successful bootstrap before raising NoBrokersAvailable. Default: 30000.

    The other kafka-python settings (socket options, metrics, api_version, ...)
    are accepted and ignored; security settings (SSL/SASL, proxies) raise
    UnsupportedConfigError when set, as this client speaks PLAINTEXT only.
    """

    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        'bootstrap_servers': 'localhost',
        'client_id': 'kafka-python-' + __version__,
        'request_timeout_ms': 30000,
        'connections_max_idle_ms': 9 * 60 * 1000,
        'reconnect_backoff_ms': 50,
        'reconnect_backoff_max_ms': 30000,
        'max_in_flight_requests_per_connection': 5,
        'receive_message_max_bytes': 100_000_000,
        'receive_buffer_bytes': None,
        'send_buffer_bytes': None,
        'socket_options': None,
        'sock_chunk_bytes': 4096,
        'sock_chunk_buffer_count': 1000,
        'retry_backoff_ms': 100,
        'metadata_max_age_ms': 300000,
        'client_dns_lookup': 'use_all_dns_ips',
        'security_protocol': 'PLAINTEXT',
        'ssl_context': None,
        'ssl_check_hostname': True,
        'ssl_cafile': None,
        'ssl_certfile': None,
        'ssl_keyfile': None,
        'ssl_password': None,
        'ssl_crlfile': None,
        'api_version': None,
        'api_version_auto_timeout_ms': 2000,
        'bootstrap_timeout_ms': 30000,
        'bootstrap_topics_filter': set(),
        'selector': None,
        'sasl_mechanism': None,
        'sasl_plain_username': None,
        'sasl_plain_password': None,
        'sasl_kerberos_name': None,
        'sasl_kerberos_service_name': 'kafka',
        'sasl_kerberos_domain_name': None,
        'sasl_oauth_token_provider': None,
        'proxy_url': None,
        'socks5_proxy': None,
        'metric_reporters': [],
        'metrics_num_samples': 2,
        'metrics_sample_window_ms': 30000,
        'metric_group_prefix': 'admin',
        'kafka_client': None,
    }

    def __init__(self, **configs: Any) -> None:
        self._closed = True  # until fully constructed: close() is then a no-op
        check_unrecognized(configs, self.DEFAULT_CONFIG)
        config = dict(self.DEFAULT_CONFIG)
        config.update(configs)
        self.config = config
        for key in _UNSUPPORTED_CONFIGS:
            if key in configs and configs[key] != self.DEFAULT_CONFIG[key]:
                shown = '<hidden>' if key in _SECRET_CONFIGS else repr(configs[key])
                raise UnsupportedConfigError(
                    f'KafkaAdminClient config {key}={shown} is not supported by kafka-python-rs yet;'
                    f' leave {key} at its default ({self.DEFAULT_CONFIG[key]!r})')
        if _native is None:
            raise ImportError(
                'kafka-python-rs: the native extension kafka._native is not available') from _NATIVE_IMPORT_ERROR
        native_config: dict[str, Any] = {
            'bootstrap_servers': collect_hosts(config['bootstrap_servers']),
            'client_id': str(config['client_id'] or f'kafka-python-admin-{next(_CLIENT_SEQUENCE)}'),
        }
        for key in _NATIVE_INT_CONFIGS:
            native_config[key] = int(config[key])
        native_config.update(native_security(config))
        self._native = _native.Admin(native_config)
        self._closed = False
        self._inherited = False
        _fork.track(self)
        try:
            self._native.bootstrap(float(config['bootstrap_timeout_ms']))
        except BaseException:
            self.close()
            raise
        log.debug('KafkaAdminClient started.')

    # -- lifecycle -------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_val: BaseException | None,
                 exc_tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the KafkaAdminClient's connections."""
        if getattr(self, '_closed', True):
            return
        self._closed = True
        if not self._inherited:
            self._native.close()
        log.debug('KafkaAdminClient is now closed.')

    def _on_fork(self) -> None:
        """In a forked child: this client belongs to the parent (see :mod:`kafka._fork`)."""
        self._inherited = True

    def _ensure_open(self) -> Any:
        if self._closed:
            raise Errors.IllegalStateError('KafkaAdminClient is closed')
        if self._inherited:
            raise _fork.inherited_error(self)
        return self._native

    def _validate_timeout(self, timeout_ms: Any) -> int:
        timeout = self.config['request_timeout_ms'] if timeout_ms is None else timeout_ms
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout < 0:
            raise ValueError(f'timeout_ms must be a non-negative number, got {timeout_ms!r}')
        return int(min(timeout, 2**31 - 1))

    # -- topics ----------------------------------------------------------------

    def _metadata(self, topics: list[str] | None) -> dict[str, Any]:
        metadata = self._ensure_open().metadata(topics)
        for topic in metadata['topics']:
            topic['topic_id'] = _uuid(topic['topic_id'])
        return metadata

    def list_topics(self) -> list[str]:
        """Retrieve the names of all topics in the cluster.

        Returns:
            A list of topic name strings.
        """
        return [t['name'] for t in self._metadata(None)['topics'] if t['error_code'] == 0]

    def describe_topics(self, topics: list[str | uuid.UUID] | None = None) -> list[dict[str, Any]]:
        """Fetch metadata for the given topics, or all topics if None.

        Keyword Arguments:
            topics (list, optional): topic names and/or :class:`uuid.UUID` topic ids
                (KIP-516; by id needs Metadata v12). Default: None (all topics).

        Returns:
            A list of dicts describing each topic (name, topic_id, is_internal,
            error_code, and partitions with partition_index, leader_id,
            leader_epoch, replica_nodes, isr_nodes, offline_replicas).

        Raises:
            UnknownTopicOrPartitionError: if a named topic does not exist.
            UnknownTopicIdError: if a topic id does not exist.
            IncompatibleBrokerVersion: topic ids and a broker without Metadata v12.
        """
        if topics is None:
            return self._metadata(None)['topics']
        names = [_check_topic(t) for t in topics if not isinstance(t, uuid.UUID)]
        ids = [t for t in topics if isinstance(t, uuid.UUID)]
        # Apache Kafka answers a Metadata request with ids for those ids only (it drops the
        # names), so names and ids are asked for separately.
        result = self._metadata(names)['topics'] if names or not ids else []
        if ids:
            result.extend(self._metadata_by_id(ids))
        for topic in result:
            if topic['error_code'] not in (0, Errors.LeaderNotAvailableError.errno):
                _raise_for(topic['error_code'], f'describe_topics failed for topic {_topic_label(topic)!r}')
        return result

    def _require_api_version(self, api_key: int, version: int, purpose: str) -> None:
        """IncompatibleBrokerVersion unless the broker supports ``version`` of API ``api_key``."""
        low, high = self._ensure_open().api_versions().get(api_key, (0, -1))
        if not low <= version <= high:
            raise Errors.IncompatibleBrokerVersion(
                f'{purpose} needs version {version} of API key {api_key}; the broker supports {low}-{high}')

    def _metadata_by_id(self, topic_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        """The topics of a Metadata request by topic id (v12+), in the shape of :meth:`_metadata`'s."""
        self._require_api_version(_METADATA, 12, 'Describing topics by id')
        request = {
            'topics': [_topic_ref(t) for t in topic_ids],
            'allow_auto_topic_creation': False,
            'include_cluster_authorized_operations': False,
            'include_topic_authorized_operations': False,
        }
        response = self._ensure_open().request('Metadata', 'any', request)
        for topic in response['topics']:
            topic['topic_id'] = _uuid(topic['topic_id'])
            topic.pop('topic_authorized_operations', None)
        return response['topics']

    @staticmethod
    def _topic_specs(new_topics: Any) -> list[tuple[Any, ...]]:
        specs: list[tuple[Any, ...]] = []
        if isinstance(new_topics, (NewTopic, str)):
            new_topics = [new_topics]
        if isinstance(new_topics, dict):
            for name, data in new_topics.items():
                specs.append((name, data.get('num_partitions', -1), data.get('replication_factor', -1),
                              data.get('assignments', {}), data.get('configs', {})))
        else:
            for topic in new_topics:
                if isinstance(topic, str):
                    specs.append((topic, -1, -1, {}, {}))
                elif isinstance(topic, NewTopic):
                    specs.append((topic.name, topic.num_partitions, topic.replication_factor,
                                  topic.replica_assignments, topic.topic_configs))
                else:
                    raise TypeError(f'new_topics must be topic names, NewTopic objects or a dict; got {topic!r}')
        if not specs:
            raise ValueError(f'No valid topics found in new_topics: {new_topics}')
        out = []
        for name, partitions, replication, assignments, configs in specs:
            _check_topic(name)
            if not isinstance(partitions, int) or (partitions < 1 and partitions != -1):
                raise Errors.InvalidPartitionsError(
                    f'Number of partitions must be at least 1 (or -1 for the broker default), got {partitions!r}'
                    f' for topic {name!r}')
            if not isinstance(replication, int) or (replication < 1 and replication != -1):
                raise Errors.InvalidReplicationFactorError(
                    f'Replication factor must be at least 1 (or -1 for the broker default), got {replication!r}'
                    f' for topic {name!r}')
            out.append((
                name, partitions, replication,
                [(int(p), [int(b) for b in replicas]) for p, replicas in (assignments or {}).items()],
                [(str(k), None if v is None else str(v)) for k, v in (configs or {}).items()],
            ))
        return out

    def create_topics(self, new_topics: Any, timeout_ms: int | None = None, validate_only: bool = False,
                      raise_errors: bool = True, wait_for_metadata: bool = False) -> dict[str, Any]:
        """Create new topics in the cluster.

        Arguments:
            new_topics: a list of topic names, a list of :class:`NewTopic`, or a dict
                ``{name: {num_partitions, replication_factor, assignments: {partition: [broker_ids]},
                configs: {key: value}}}`` (all keys optional).

        Keyword Arguments:
            timeout_ms (numeric, optional): milliseconds the broker waits for the
                topics to be created. Default: request_timeout_ms.
            validate_only (bool, optional): only validate the request. Default: False.
            raise_errors (bool, optional): raise the first per-topic error. Default: True.
            wait_for_metadata (bool, optional): block until the topics are visible in
                metadata with a leader for every partition. Default: False.

        Returns:
            dict ``{'topics': [{name, topic_id, error_code, error_message, num_partitions,
            replication_factor, configs: {key: {...}}}]}``.

        Raises:
            TopicAlreadyExistsError, InvalidPartitionsError, InvalidReplicationFactorError,
            InvalidConfigurationError, ...: the broker's per-topic error (raise_errors=True).
        """
        if validate_only and wait_for_metadata:
            raise ValueError('validate_only and wait_for_metadata are mutually exclusive')
        timeout_ms = self._validate_timeout(timeout_ms)
        specs = self._topic_specs(new_topics)
        topics = self._ensure_open().create_topics(specs, timeout_ms, bool(validate_only))
        for topic in topics:
            topic['topic_id'] = _uuid(topic['topic_id'])
            configs = topic.pop('configs', None)
            if configs:
                processed = {}
                for config in configs:
                    name = config.pop('name')
                    config['config_source'] = ConfigSourceType(config['config_source']).name
                    processed[name] = config
                topic['configs'] = processed
        if raise_errors:
            for topic in topics:
                _raise_for(topic['error_code'],
                           f"CreateTopics failed for topic {topic['name']!r}: {topic['error_message'] or ''}")
        if wait_for_metadata:
            self.wait_for_topics([t['name'] for t in topics if t['error_code'] == 0])
        return {'topics': topics}

    def wait_for_topics(self, topic_names: Iterable[str], timeout_ms: int = 10000) -> None:
        """Block until each topic is in metadata with a leader for every partition.

        Raises:
            KafkaTimeoutError: if a topic is still not ready at the deadline.
        """
        names = list(topic_names)
        if not names:
            return
        deadline = time.monotonic() + timeout_ms / 1000.0
        while True:
            pending = {}
            try:
                by_name = {t['name']: t for t in self._metadata(names)['topics']}
            except Errors.KafkaError as exc:
                by_name = {}
                log.debug('metadata failed while waiting for topics: %s', exc)
            for name in names:
                topic = by_name.get(name)
                if topic is None or topic['error_code'] != 0 or not topic['partitions']:
                    pending[name] = 'not in metadata'
                elif any(p['error_code'] != 0 or p['leader_id'] < 0 for p in topic['partitions']):
                    pending[name] = 'partition without leader'
            if not pending:
                return
            if time.monotonic() >= deadline:
                raise Errors.KafkaTimeoutError(f'Topics not ready after {timeout_ms}ms: {pending}')
            time.sleep(0.1)

    def delete_topics(self, topics: Iterable[str | uuid.UUID], timeout_ms: int | None = None,
                      raise_errors: bool = True) -> dict[str, Any]:
        """Delete topics from the cluster.

        Arguments:
            topics (list): topic names and/or :class:`uuid.UUID` topic ids (KIP-516; by id
                needs DeleteTopics v6).

        Keyword Arguments:
            timeout_ms (numeric, optional): milliseconds the broker waits for the
                deletion. Default: request_timeout_ms.
            raise_errors (bool, optional): raise the first per-topic error. Default: True.

        Returns:
            dict ``{'topics': [{name, topic_id, error_code, error_message}]}`` (a topic deleted
            by id may come back without its name).

        Raises:
            UnknownTopicOrPartitionError: a topic does not exist (raise_errors=True).
            UnknownTopicIdError: a topic id does not exist (raise_errors=True).
            IncompatibleBrokerVersion: topic ids and a broker without DeleteTopics v6.
        """
        timeout_ms = self._validate_timeout(timeout_ms)
        if isinstance(topics, (str, uuid.UUID)):
            topics = [topics]
        refs = [t if isinstance(t, uuid.UUID) else _check_topic(t) for t in topics]
        if not refs:
            return {'topics': []}
        if any(isinstance(t, uuid.UUID) for t in refs):
            self._require_api_version(_DELETE_TOPICS, 6, 'Deleting topics by id')
        request = {'topics': [_topic_ref(t) for t in refs], 'timeout_ms': timeout_ms}
        results = self._ensure_open().request('DeleteTopics', 'controller', request, timeout_ms=timeout_ms)['responses']
        for result in results:
            result['topic_id'] = _uuid(result['topic_id'])
        if raise_errors:
            for result in results:
                _raise_for(result['error_code'], f'DeleteTopics failed for topic {_topic_label(result)!r}: '
                                                 f"{result['error_message'] or ''}")
        return {'topics': results}

    def create_partitions(self, topic_partitions: dict[str, Any], timeout_ms: int | None = None,
                          validate_only: bool = False, raise_errors: bool = True) -> dict[str, Any]:
        """Grow existing topics to a new total partition count.

        Arguments:
            topic_partitions: dict of topic name to the new total count (int), to
                ``{'count': int, 'assignments': [[broker_ids]]}``, or (2.x) to a
                :class:`NewPartitions`.

        Keyword Arguments:
            timeout_ms (numeric, optional): milliseconds the broker waits.
                Default: request_timeout_ms.
            validate_only (bool, optional): only validate the request. Default: False.
            raise_errors (bool, optional): raise the first per-topic error. Default: True.

        Returns:
            dict ``{'results': [{name, error_code, error_message}]}``.

        Raises:
            InvalidPartitionsError: the count is not larger than the current one.
            UnknownTopicOrPartitionError: the topic does not exist.
            UnsupportedVersionError: the broker does not implement CreatePartitions.
        """
        timeout_ms = self._validate_timeout(timeout_ms)
        specs = []
        for name, spec in topic_partitions.items():
            _check_topic(name)
            if isinstance(spec, NewPartitions):
                count, assignments = spec.total_count, spec.new_assignments
            elif isinstance(spec, dict):
                count, assignments = spec.get('count'), spec.get('assignments')
            else:
                count, assignments = spec, None
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise Errors.InvalidPartitionsError(
                    f'New partition count for topic {name!r} must be a positive integer, got {count!r}')
            specs.append((name, count, None if assignments is None else [list(a) for a in assignments]))
        if not specs:
            return {'results': []}
        results = self._ensure_open().create_partitions(specs, timeout_ms, bool(validate_only))
        if raise_errors:
            for result in results:
                _raise_for(result['error_code'],
                           f"CreatePartitions failed for topic {result['name']!r}: {result['error_message'] or ''}")
        return {'results': results}

    # -- configs ---------------------------------------------------------------

    @staticmethod
    def _config_source(config: dict[str, Any], resource_type: ConfigResourceType) -> ConfigSourceType:
        source = config.get('config_source', -1)
        if source is not None and source >= 0:
            return ConfigSourceType.build_from(source)
        if config['read_only'] and resource_type is ConfigResourceType.BROKER:
            return ConfigSourceType.STATIC_BROKER_CONFIG
        if config.get('is_default', False):
            return ConfigSourceType.DEFAULT_CONFIG
        return ConfigSourceType.dynamic_for_resource_type(resource_type)

    def _describe_configs(self, config_resources: list[ConfigResource], include_synonyms: bool,
                          config_filter: Any) -> dict[str, dict[str, dict[str, Any]]]:
        config_filter = ConfigFilterType.build_from(config_filter)
        specs = []
        for resource in config_resources:
            if not isinstance(resource, ConfigResource):
                raise TypeError(f'config_resources must be ConfigResource objects, got {resource!r}')
            if resource.resource_type is ConfigResourceType.TOPIC:
                _check_topic(resource.name)
            keys = resource.configs
            if isinstance(keys, dict):
                keys = list(keys)
            specs.append((int(resource.resource_type), str(resource.name), None if keys is None else list(keys)))
        results = self._ensure_open().describe_configs(specs, bool(include_synonyms), False)
        ret: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for result in results:
            resource_type = ConfigResourceType(result['resource_type'])
            _raise_for(result['error_code'],
                       f"DescribeConfigs failed for {resource_type.name} {result['resource_name']!r}:"
                       f" {result['error_message'] or ''}")
            configs = {}
            for config in result['configs']:
                name = config.pop('name')
                source = self._config_source(config, resource_type)
                if config_filter is ConfigFilterType.DYNAMIC and config['read_only']:
                    continue
                if config_filter.should_skip(source):
                    continue
                config['config_source'] = source.name
                config.pop('is_default', None)
                if include_synonyms:
                    for synonym in config['synonyms']:
                        synonym['source'] = ConfigSourceType.build_from(synonym['source']).name
                else:
                    config.pop('synonyms', None)
                config['config_type'] = ConfigType.build_from(config['config_type']).name \
                    if config['config_type'] in ConfigType._value2member_map_ else ConfigType.UNKNOWN.name
                configs[name] = config
            ret[resource_type.name.lower()][result['resource_name']] = configs
        return dict(ret)

    def describe_configs(self, config_resources: list[ConfigResource], include_synonyms: bool = False,
                         config_filter: Any = 'modified') -> dict[str, dict[str, dict[str, Any]]]:
        """Fetch the configs of one or more resources.

        Arguments:
            config_resources: a list of :class:`ConfigResource`. Keys in a resource's
                ``configs`` restrict the result to those keys (None: all keys).

        Keyword Arguments:
            include_synonyms (bool, optional): also return synonyms. Default: False.
            config_filter (ConfigFilterType or str): 'modified' (non-default values),
                'dynamic', 'default', 'static' or 'all'. Default: 'modified'.

        Returns:
            dict ``{resource_type: {resource_name: {config_key: {value, read_only,
            config_source, is_sensitive, config_type, documentation, ...}}}}``.

        Raises:
            UnknownTopicOrPartitionError: a topic resource does not exist.
        """
        return self._describe_configs(list(config_resources), include_synonyms, config_filter)

    @staticmethod
    def _config_entries(configs: Any) -> list[tuple[str, int, str | None]]:
        if not configs:
            return []
        if not isinstance(configs, dict):
            raise TypeError('alter_configs requires configs as a dict of {key: (op, value)} or {key: value}')
        entries = []
        for name, op_value in configs.items():
            if isinstance(op_value, tuple):
                op, value = op_value
            else:
                op, value = AlterConfigOp.SET, op_value
            op_code = AlterConfigOp.value_for(op)
            if op_code == AlterConfigOp.DELETE.value:
                value = None
            entries.append((str(name), int(op_code), None if value is None else str(value)))
        return entries

    def _alter(self, config_resources: list[ConfigResource], validate_only: bool,
               incremental: bool | None) -> dict[str, dict[str, str]]:
        specs = [(int(r.resource_type), str(r.name), self._config_entries(r.configs)) for r in config_resources]
        results = self._ensure_open().alter_configs(specs, bool(validate_only), incremental)
        ret: dict[str, dict[str, str]] = defaultdict(dict)
        for result in results:
            code = result['error_code']
            outcome = 'OK' if code == 0 else str(Errors.for_code(code)(result['error_message']))
            ret[ConfigResourceType(result['resource_type']).name.lower()][result['resource_name']] = outcome
        return dict(ret)

    def _modified_configs(self, config_resources: list[ConfigResource]) -> list[dict[str, Any]]:
        lookups = [ConfigResource(r.resource_type, r.name) for r in config_resources]
        described = self._describe_configs(lookups, False, 'modified')
        return [described.get(r.resource_type.name.lower(), {}).get(r.name, {}) for r in config_resources]

    def alter_configs(self, config_resources: list[ConfigResource], validate_only: bool = False,
                      raise_on_unknown: bool = True, incremental: bool | None = None) -> dict[str, dict[str, str]]:
        """Alter the configs of one or more resources.

        Uses IncrementalAlterConfigs when the broker has it (only the given keys
        change), otherwise AlterConfigs with every other modified key filled in
        (AlterConfigs resets omitted keys).

        Arguments:
            config_resources: a list of :class:`ConfigResource` whose ``configs`` map
                each key to a value (SET) or to ``(AlterConfigOp, value)``.

        Keyword Arguments:
            validate_only (bool, optional): only validate the changes. Default: False.
            raise_on_unknown (bool, optional): raise ValueError for keys the broker
                does not describe for the resource. Default: True.
            incremental (bool, optional): force IncrementalAlterConfigs (True) or
                AlterConfigs (False). Default: None (use the broker's best).

        Returns:
            dict ``{resource_type: {resource_name: 'OK' or the error string}}``.
        """
        config_resources = list(config_resources)
        for resource in config_resources:
            if not isinstance(resource, ConfigResource):
                raise TypeError(f'config_resources must be ConfigResource objects, got {resource!r}')
            if resource.resource_type is ConfigResourceType.TOPIC:
                _check_topic(resource.name)
        if raise_on_unknown:
            lookups = [ConfigResource(r.resource_type, r.name) for r in config_resources]
            described = self._describe_configs(lookups, False, 'all')
            for resource in config_resources:
                known = described.get(resource.resource_type.name.lower(), {}).get(resource.name, {})
                unknown = set(resource.configs or ()) - set(known)
                if known and unknown:
                    raise ValueError(f'Unrecognized configs: {unknown}')
        if incremental is None:
            incremental = bool(self._ensure_open().supports_incremental_alter_configs())
        if not incremental:
            for resource, missing in zip(config_resources, self._modified_configs(config_resources)):
                merged = {k: v['value'] for k, v in missing.items() if v['value'] is not None}
                merged.update(resource.configs or {})
                resource.configs = merged
        return self._alter(config_resources, validate_only, incremental)

    def reset_configs(self, config_resources: list[ConfigResource], validate_only: bool = False,
                      raise_on_unknown: bool = True, incremental: bool | None = None) -> dict[str, dict[str, str]]:
        """Reset configs of one or more resources to their defaults.

        Arguments:
            config_resources: a list of :class:`ConfigResource` whose ``configs`` list
                the keys to reset (empty or None: every modified key).

        Returns:
            dict ``{resource_type: {resource_name: 'OK' or the error string}}``.
        """
        config_resources = list(config_resources)
        current = self._modified_configs(config_resources)
        if incremental is None:
            incremental = bool(self._ensure_open().supports_incremental_alter_configs())
        for resource, modified in zip(config_resources, current):
            keys = list(resource.configs or modified)
            if raise_on_unknown and resource.configs:
                described = self._describe_configs([ConfigResource(resource.resource_type, resource.name)],
                                                   False, 'all')
                known = described.get(resource.resource_type.name.lower(), {}).get(resource.name, {})
                unknown = set(keys) - set(known)
                if known and unknown:
                    raise ValueError(f'Unrecognized configs: {unknown}')
            if incremental:
                resource.configs = {key: (AlterConfigOp.DELETE, None) for key in keys}
            else:
                resource.configs = {k: v['value'] for k, v in modified.items()
                                    if k not in keys and v['value'] is not None}
        return self._alter(config_resources, validate_only, incremental)

    # -- cluster ---------------------------------------------------------------

    def describe_cluster(self) -> dict[str, Any]:
        """Fetch cluster-wide metadata: brokers, controller id and cluster id.

        Uses DescribeCluster, or Metadata on brokers without it.

        Returns:
            dict ``{'cluster_id', 'controller_id', 'brokers': [{broker_id, host, port, rack}]}``.
        """
        return self._ensure_open().describe_cluster()

    # -- groups (3.x names) ----------------------------------------------------

    def _described_groups(self, group_ids: Any, group_coordinator_id: int | None) -> list[dict[str, Any]]:
        groups = _group_list(group_ids)
        if not groups:
            return []
        native = self._ensure_open()
        described = native.describe_groups(groups, group_coordinator_id)
        # DescribeGroups shows a KIP-848 (consumer protocol) group as dead or not found: ask
        # ConsumerGroupDescribe for those, where the broker has it.
        for i, group in enumerate(described):
            unknown = group['error_code'] == Errors.GroupIdNotFoundError.errno or (
                group['group_state'] == 'Dead' and not group['members'] and not group['protocol_type'])
            if unknown and _CONSUMER_GROUP_DESCRIBE in native.api_versions(group_coordinator_id):
                modern = self._consumer_group_describe(group['group_id'], group_coordinator_id)
                if modern is not None:
                    described[i] = modern
        return described

    def _consumer_group_describe(self, group_id: str, coordinator: int | None) -> dict[str, Any] | None:
        """A KIP-848 group in DescribeGroups' shape (plus its epochs and each member's target assignment)."""
        request = {'group_ids': [group_id], 'include_authorized_operations': True}
        native = self._ensure_open()
        if coordinator is None:
            response = native.request('ConsumerGroupDescribe', 'coordinator', request, group_id)
        else:
            response = native.request('ConsumerGroupDescribe', 'node', request, coordinator)
        (group,) = response['groups']
        if group['error_code']:
            return None

        def partitions(assignment: dict[str, Any]) -> list[tuple[str, list[int]]]:
            return [(tp['topic_name'], tp['partitions']) for tp in assignment['topic_partitions']]

        members = []
        for m in group['members']:
            members.append({
                'member_id': m['member_id'], 'group_instance_id': m['instance_id'], 'client_id': m['client_id'],
                'client_host': m['client_host'], 'member_metadata': b'', 'member_assignment': b'',
                'subscription': {'version': -1, 'topics': m['subscribed_topic_names'], 'user_data': None,
                                 'owned_partitions': [], 'generation_id': m['member_epoch'], 'rack_id': m['rack_id'],
                                 'topic_regex': m['subscribed_topic_regex'] or None},
                'assignment': {'version': -1, 'assigned_partitions': partitions(m['assignment']), 'user_data': None},
                'member_epoch': m['member_epoch'],
                'target_assignment': [{'topic': t, 'partitions': p} for t, p in partitions(m['target_assignment'])],
            })
        return {'error_code': 0, 'group_id': group['group_id'], 'group_state': group['group_state'],
                'protocol_type': 'consumer', 'protocol_data': group['assignor_name'], 'members': members,
                'authorized_operations': group['authorized_operations'], 'group_type': 'consumer',
                'group_epoch': group['group_epoch'], 'assignment_epoch': group['assignment_epoch']}

    def describe_groups(self, group_ids: Any, group_coordinator_id: int | None = None,
                        include_authorized_operations: bool = False) -> dict[str, dict[str, Any]]:
        """Describe consumer groups.

        Arguments:
            group_ids ([str]): group ids.

        Keyword Arguments:
            group_coordinator_id (int, optional): the coordinator's node id, if known
                (all groups must share it). Default: None (look it up).

        Returns:
            dict ``{group_id: {group_id, group_state, protocol_type, protocol_data,
            members: [{member_id, group_instance_id, client_id, client_host,
            member_metadata, member_assignment}], authorized_operations (operation names, or None
            when the broker reports none), error}}``;
            consumer members' metadata/assignment are decoded to dicts. KIP-848 groups
            (ConsumerGroupDescribe) also have ``group_type``, ``group_epoch``,
            ``assignment_epoch`` and per member ``member_epoch`` and ``target_assignment``.
        """
        results = {}
        for group in self._described_groups(group_ids, group_coordinator_id):
            code = group.pop('error_code')
            for member in group['members']:
                subscription = member.pop('subscription')
                assignment = member.pop('assignment')
                if subscription is not None:
                    subscription['owned_partitions'] = [
                        {'topic': t, 'partitions': p} for t, p in subscription['owned_partitions']]
                    member['member_metadata'] = subscription
                if assignment is not None:
                    assignment['assigned_partitions'] = [
                        {'topic': t, 'partitions': p} for t, p in assignment['assigned_partitions']]
                    member['member_assignment'] = assignment
            group['error'] = str(Errors.for_code(code)()) if code else None
            group['authorized_operations'] = authorized_operation_names(group['authorized_operations'])
            results[group['group_id']] = group
        return results

    def list_groups(self, broker_ids: list[int] | None = None, states_filter: list[Any] | None = None,
                    types_filter: list[Any] | None = None) -> list[dict[str, Any]]:
        """List the groups known to the cluster.

        Keyword Arguments:
            broker_ids ([int], optional): brokers to ask. Default: None (all).
            states_filter (list, optional): :class:`GroupState` values or names
                (ListGroups v4+). Default: None.
            types_filter (list, optional): :class:`GroupType` values or names
                (ListGroups v5+). Default: None.

        Returns:
            A list of dicts ``{group_id, protocol_type, group_state, group_type}``.
        """
        states = [GroupState.value_for(s) for s in states_filter or ()]
        types = [GroupType.value_for(t) for t in types_filter or ()]
        return self._ensure_open().list_groups(broker_ids, states, types)

    def _group_offsets(self, group_id: str, partitions: Any, coordinator: int | None) -> dict[Any, Any]:
        tps = None if partitions is None else [tuple(_tp(tp)) for tp in partitions]
        code, rows = self._ensure_open().fetch_offsets(group_id, tps, coordinator)
        _raise_for(code, f'OffsetFetch failed for group {group_id!r}')
        offsets = {}
        for topic, partition, offset, epoch, metadata, error in rows:
            _raise_for(error, f'OffsetFetch failed for group {group_id!r}, topic {topic!r} partition {partition}')
            offsets[TopicPartition(topic, partition)] = OffsetAndMetadata(offset, metadata, epoch)
        return offsets

    def list_group_offsets(self, group_specs: Any) -> dict[str, dict[TopicPartition, OffsetAndMetadata]]:
        """Fetch committed offsets of one or more groups.

        Arguments:
            group_specs: dict of group id to a list of :class:`~kafka.TopicPartition`
                (or None for every committed offset), or one group id, or a list of them.

        Returns:
            dict ``{group_id: {TopicPartition: OffsetAndMetadata}}``.
        """
        if isinstance(group_specs, str):
            group_specs = {group_specs: None}
        elif not isinstance(group_specs, dict):
            group_specs = {g: None for g in group_specs}
        if not group_specs:
            raise ValueError('Empty group_specs!')
        return {_check_group(g): self._group_offsets(g, parts, None) for g, parts in group_specs.items()}

    def delete_groups(self, group_ids: Any, group_coordinator_id: int | None = None) -> dict[str, str]:
        """Delete consumer groups (they must be empty).

        Returns:
            dict ``{group_id: 'OK' or the error class name}`` (e.g. 'GroupIdNotFoundError',
            'NonEmptyGroupError').
        """
        groups = _group_list(group_ids)
        if not groups:
            return {}
        results = self._ensure_open().delete_groups(groups, group_coordinator_id)
        return {g: 'OK' if code == 0 else Errors.for_code(code).__name__ for g, code in results}

    def alter_group_offsets(self, group_id: str, offsets: dict[Any, Any],
                            group_coordinator_id: int | None = None) -> dict[TopicPartition, type]:
        """Commit offsets for a group that has no active members.

        Arguments:
            group_id (str): the group id.
            offsets (dict): :class:`~kafka.TopicPartition` to
                :class:`~kafka.structs.OffsetAndMetadata` (or a plain int offset).

        Returns:
            dict ``{TopicPartition: error class}`` (``NoError`` on success).
        """
        _check_group(group_id)
        if not offsets:
            return {}
        rows = []
        for tp, oam in offsets.items():
            tp = _tp(tp)
            if isinstance(oam, int):
                oam = OffsetAndMetadata(oam, '', -1)
            epoch = getattr(oam, 'leader_epoch', -1)
            rows.append((tp.topic, tp.partition, int(oam.offset), -1 if epoch is None else int(epoch),
                         oam.metadata))
        results = self._ensure_open().commit_offsets(group_id, rows, group_coordinator_id)
        return {TopicPartition(t, p): Errors.for_code(code) for t, p, code in results}

    def delete_group_offsets(self, group_id: str, partitions: Iterable[Any],
                             group_coordinator_id: int | None = None) -> dict[TopicPartition, type]:
        """Delete committed offsets of a group.

        Returns:
            dict ``{TopicPartition: error class}`` (``NoError`` on success).

        Raises:
            GroupIdNotFoundError, NonEmptyGroupError, ...: a group-level error.
        """
        _check_group(group_id)
        tps = [tuple(_tp(tp)) for tp in partitions]
        if not tps:
            return {}
        code, rows = self._ensure_open().delete_offsets(group_id, tps, group_coordinator_id)
        _raise_for(code, f'OffsetDelete failed for group {group_id!r}')
        return {TopicPartition(t, p): Errors.for_code(c) for t, p, c in rows}

    def reset_group_offsets(self, group_id: str, offset_specs: dict[Any, Any],
                            group_coordinator_id: int | None = None) -> dict[TopicPartition, dict[str, Any]]:
        """Reset a group's committed offsets to specs clamped to [earliest, latest].

        Arguments:
            group_id (str): the group id.
            offset_specs (dict): :class:`~kafka.TopicPartition` to an :class:`OffsetSpec`,
                an :class:`OffsetTimestamp`, or a plain int offset.

        Returns:
            dict ``{TopicPartition: {'error': error class, 'offset': int}}``.
        """
        _check_group(group_id)
        specs = {_tp(tp): v for tp, v in offset_specs.items()}
        if not specs:
            return {}
        earliest = self.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in specs})
        latest = self.list_partition_offsets({tp: OffsetSpec.LATEST for tp in specs})
        lookups = {tp: v for tp, v in specs.items() if isinstance(v, (OffsetSpec, OffsetTimestamp))}
        resolved = self.list_partition_offsets(lookups) if lookups else {}
        targets = {}
        for tp, value in specs.items():
            if tp in resolved:
                raw = resolved[tp].offset
            elif isinstance(value, int) and not isinstance(value, bool):
                raw = value
            else:
                raise TypeError(f'Unsupported reset target for {tp}: {value!r}')
            low, high = earliest[tp].offset, latest[tp].offset
            targets[tp] = high if raw < 0 or raw > high else max(raw, low)
        errors = self.alter_group_offsets(group_id, {tp: OffsetAndMetadata(o, '', -1) for tp, o in targets.items()},
                                          group_coordinator_id)
        return {tp: {'error': errors.get(tp, Errors.NoError), 'offset': targets[tp]} for tp in targets}

    # -- groups (2.x names and shapes) -----------------------------------------

    def describe_consumer_groups(self, group_ids: Any, group_coordinator_id: int | None = None,
                                 include_authorized_operations: bool = False) -> list[GroupInformation]:
        """Describe consumer groups (kafka-python 2.x shape).

        Returns:
            A list of :class:`~kafka.structs.GroupInformation`, members as
            :class:`~kafka.structs.MemberInformation` with decoded consumer metadata.

        Raises:
            KafkaError: the first group-level error.
        """
        out = []
        for group in self._described_groups(group_ids, group_coordinator_id):
            _raise_for(group['error_code'], f"DescribeGroups failed for group {group['group_id']!r}")
            members = []
            for m in group['members']:
                sub, asg = m['subscription'], m['assignment']
                metadata = m['member_metadata'] if sub is None else ConsumerProtocolMemberMetadata(
                    sub['version'], sub['topics'], sub['user_data'])
                assignment = m['member_assignment'] if asg is None else ConsumerProtocolMemberAssignment(
                    asg['version'], asg['assigned_partitions'], asg['user_data'])
                members.append(MemberInformation(m['member_id'], m['client_id'], m['client_host'], metadata,
                                                 assignment))
            out.append(GroupInformation(group['error_code'], group['group_id'], group['group_state'],
                                        group['protocol_type'], group['protocol_data'], members, []))
        return out

    def list_consumer_groups(self, broker_ids: list[int] | None = None) -> list[tuple[str, str]]:
        """List groups (kafka-python 2.x shape).

        Returns:
            A list of ``(group_id, protocol_type)`` tuples.
        """
        return [(g['group_id'], g['protocol_type']) for g in self._ensure_open().list_groups(broker_ids, [], [])]

    def list_consumer_group_offsets(self, group_id: str, group_coordinator_id: int | None = None,
                                    partitions: list[TopicPartition] | None = None,
                                    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """Fetch one group's committed offsets (kafka-python 2.x shape).

        Returns:
            dict ``{TopicPartition: OffsetAndMetadata}``; an offset of -1 means no
            commit for an explicitly requested partition.
        """
        return self._group_offsets(_check_group(group_id), partitions, group_coordinator_id)

    def delete_consumer_groups(self, group_ids: Any, group_coordinator_id: int | None = None,
                               ) -> list[tuple[str, type]]:
        """Delete consumer groups (kafka-python 2.x shape).

        Returns:
            A list of ``(group_id, error class)`` tuples (``NoError`` on success).
        """
        groups = _group_list(group_ids)
        if not groups:
            return []
        return [(g, Errors.for_code(code)) for g, code in self._ensure_open().delete_groups(groups,
                                                                                             group_coordinator_id)]

    # -- records and offsets ---------------------------------------------------

    def delete_records(self, records_to_delete: dict[Any, int], timeout_ms: int | None = None,
                       partition_leader_id: int | None = None) -> dict[TopicPartition, dict[str, Any]]:
        """Delete records before the given offsets (moves the log start offset).

        Arguments:
            records_to_delete ({TopicPartition: int}): the new first offset of each
                partition (-1: the high watermark, i.e. delete everything).

        Keyword Arguments:
            timeout_ms (numeric, optional): milliseconds the brokers wait.
                Default: request_timeout_ms.
            partition_leader_id (int, optional): send everything to this broker.

        Returns:
            dict ``{TopicPartition: {'partition_index', 'low_watermark', 'error_code'}}``.

        Raises:
            UnknownTopicOrPartitionError: a partition does not exist.
            OffsetOutOfRangeError: an offset is beyond the high watermark.
        """
        timeout_ms = self._validate_timeout(timeout_ms)
        rows = []
        for tp, offset in records_to_delete.items():
            tp = _tp(tp)
            if not isinstance(offset, int) or isinstance(offset, bool) or offset < -1:
                raise Errors.OffsetOutOfRangeError(f'Invalid offset {offset!r} to delete records before in {tp}')
            rows.append((tp.topic, tp.partition, int(offset)))
        if not rows:
            return {}
        results = self._ensure_open().delete_records(rows, timeout_ms, partition_leader_id)
        out = {}
        errors = {}
        for topic, partition, low_watermark, code in results:
            tp = TopicPartition(topic, partition)
            out[tp] = {'partition_index': partition, 'low_watermark': low_watermark, 'error_code': code}
            if code:
                errors[tp] = code
        if len(errors) == 1:
            (tp, code), = errors.items()
            raise Errors.for_code(code)(f'Error deleting records from topic {tp.topic} partition {tp.partition}')
        if errors:
            raise Errors.BrokerResponseError(
                'The following errors occured when trying to delete records: ' + ', '.join(
                    f'{tp.topic}(partition={tp.partition}): {Errors.for_code(code).__name__}'
                    for tp, code in errors.items()))
        return out

    # -- transactions (KIP-664) -----------------------------------------------------------

    def list_transactions(self, broker_ids: list[int] | None = None, producer_id_filters: list[int] | None = None,
                          state_filters: list[Any] | None = None, duration_filter_ms: int | None = None,
                          transactional_id_pattern: str | None = None) -> dict[int, list[TransactionListing]]:
        """List the transactions every broker (or each of ``broker_ids``) coordinates.

        Keyword Arguments:
            broker_ids ([int], optional): brokers to ask. Default: all.
            producer_id_filters ([int], optional): only these producer ids.
            state_filters ([str or TransactionState], optional): only these states.
            duration_filter_ms (int, optional): only transactions open longer than this
                (ListTransactions v1+, Kafka 3.8+).
            transactional_id_pattern (str, optional): only transactional ids matching this
                regular expression (ListTransactions v2+, Kafka 4.1+).

        Returns:
            dict: ``{broker_id: [TransactionListing]}``.
        """
        states = [s.value if isinstance(s, TransactionState) else str(s) for s in state_filters or ()]
        results = self._ensure_open().list_transactions(
            broker_ids, states, [int(p) for p in producer_id_filters or ()],
            -1 if duration_filter_ms is None else int(duration_filter_ms), transactional_id_pattern)
        out: dict[int, list[TransactionListing]] = {}
        for broker, code, rows in results:
            _raise_for(code, f'ListTransactionsRequest failed at broker {broker}')
            out[broker] = [TransactionListing(txn_id, pid, TransactionState.parse(state))
                           for txn_id, pid, state in rows]
        return out

    def describe_transactions(self, transactional_ids: Iterable[str]) -> dict[str, TransactionDescription]:
        """Describe transactional ids at their coordinators.

        Returns:
            dict: ``{transactional_id: TransactionDescription}``.

        Raises:
            TransactionalIdNotFoundError: a transactional id is unknown.
        """
        ids = list(transactional_ids)
        if not ids:
            return {}
        out = {}
        for coordinator, code, txn_id, state, timeout_ms, start_ms, pid, epoch, tps in \
                self._ensure_open().describe_transactions(ids):
            _raise_for(code, f"DescribeTransactionsRequest failed for transactional id '{txn_id}'.")
            out[txn_id] = TransactionDescription(
                coordinator, TransactionState.parse(state), pid, epoch, timeout_ms, start_ms,
                {TopicPartition(t, p) for t, p in tps})
        return out

    def describe_producers(self, partitions: Iterable[Any],
                           broker_id: int | None = None) -> dict[TopicPartition, PartitionProducerState]:
        """The active producers of ``partitions`` at their leaders (or at ``broker_id``).

        Returns:
            dict: ``{TopicPartition: PartitionProducerState}``.
        """
        tps = [_tp(tp) for tp in partitions]
        if not tps:
            return {}
        out = {}
        for topic, partition, code, message, producers in self._ensure_open().describe_producers(
                [(tp.topic, tp.partition) for tp in tps], broker_id):
            tp = TopicPartition(topic, partition)
            _raise_for(code, f'DescribeProducersRequest failed for {tp}: {message}')
            out[tp] = PartitionProducerState([ProducerState(*p) for p in producers])
        return out

    def abort_transaction(self, spec: AbortTransactionSpec) -> None:
        """Abort a hanging transaction on one partition (an ABORT marker written by its leader).

        Arguments:
            spec (AbortTransactionSpec): the partition, the producer id and epoch, and the
                coordinator epoch (-1: not checked).
        """
        tp = _tp(spec.topic_partition)
        code = self._ensure_open().abort_transaction(tp.topic, tp.partition, int(spec.producer_id),
                                                     int(spec.producer_epoch), int(spec.coordinator_epoch))
        _raise_for(code, f'WriteTxnMarkers (abort) failed for {tp}')

    def find_hanging_transactions(self, broker_ids: list[int] | None = None,
                                  max_transaction_timeout_ms: int = 900000) -> list[dict[str, Any]]:
        """Transactions open for longer than ``max_transaction_timeout_ms`` plus 5 minutes.

        Returns:
            list: one dict per suspect with ``transactional_id``, ``producer_id``,
            ``producer_epoch``, ``state``, ``age_ms``, ``coordinator_id``, ``topic_partitions``.
        """
        threshold = max_transaction_timeout_ms + 5 * 60 * 1000
        listed = self.list_transactions(broker_ids=broker_ids)
        ids = sorted({t.transactional_id for rows in listed.values() for t in rows})
        if not ids:
            return []
        now_ms = int(time.time() * 1000)
        finished = (TransactionState.EMPTY, TransactionState.COMPLETE_COMMIT, TransactionState.COMPLETE_ABORT,
                    TransactionState.DEAD)
        hanging = []
        for txn_id, desc in self.describe_transactions(ids).items():
            if desc.state in finished or desc.transaction_start_time_ms < 0:
                continue
            age = now_ms - desc.transaction_start_time_ms
            if age < threshold:
                continue
            hanging.append({
                'transactional_id': txn_id, 'producer_id': desc.producer_id,
                'producer_epoch': desc.producer_epoch, 'state': desc.state.value, 'age_ms': age,
                'coordinator_id': desc.coordinator_id, 'topic_partitions': sorted(desc.topic_partitions),
            })
        return hanging

    def list_partition_offsets(self, topic_partition_specs: dict[Any, Any],
                               isolation_level: Any = IsolationLevel.READ_UNCOMMITTED,
                               timeout_ms: int | None = None) -> dict[TopicPartition, OffsetAndTimestamp]:
        """Look up offsets of partitions at their leaders.

        Arguments:
            topic_partition_specs: dict of :class:`~kafka.TopicPartition` to an
                :class:`OffsetSpec` or a timestamp in ms.

        Keyword Arguments:
            isolation_level (IsolationLevel, optional): Default: READ_UNCOMMITTED.
            timeout_ms: accepted for compatibility; retries are bounded by
                request_timeout_ms.

        Returns:
            dict ``{TopicPartition: OffsetAndTimestamp}``.

        Raises:
            UnknownTopicOrPartitionError: a partition does not exist.
        """
        level = IsolationLevel.value_for(isolation_level)
        rows = []
        for tp, spec in topic_partition_specs.items():
            tp = _tp(tp)
            if not isinstance(spec, int) or isinstance(spec, bool):
                raise TypeError(f'Unsupported ts type {type(spec)}, expected int or OffsetSpec')
            rows.append((tp.topic, tp.partition, int(spec)))
        results = self._ensure_open().list_offsets(rows, level) if rows else []
        out = {}
        for topic, partition, code, offset, timestamp, epoch in results:
            tp = TopicPartition(topic, partition)
            _raise_for(code, f'ListOffsets failed for {tp}')
            out[tp] = OffsetAndTimestamp(offset, timestamp, epoch if epoch >= 0 else None)
        return out
