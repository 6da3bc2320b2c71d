"""AIOKafkaAdminClient: aiokafka's admin API on top of :class:`kafka.admin.KafkaAdminClient`.

Admin calls run on a worker thread: each coroutine hands the synchronous client's call (a
blocking call into the Rust core, which releases the GIL while it waits for the brokers) to the
admin client's own :class:`~concurrent.futures.ThreadPoolExecutor` through
``loop.run_in_executor``, so the event loop keeps running while the brokers answer. Results are
shaped as aiokafka 0.14 returns them: response objects with aiokafka's attribute names
(``response.topic_errors``, ``response.topic_error_codes``, ``response.resources``, ...) and
``to_object()``, or the plain values and dicts aiokafka builds from them.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import itertools
import logging
import warnings
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from kafka import errors as Errors
from kafka._security import TOKEN_TIMEOUT_S, aiokafka_security
from kafka.admin import KafkaAdminClient
from kafka.aio.admin._responses import (
    AlterConfigsResponse_v1,
    CreatePartitionsResponse_v1,
    CreateTopicsResponse_v3,
    DeleteTopicsResponse_v3,
    DescribeConfigsResponse_v2,
    DescribeGroupsResponse_v2,
    DescribeGroupsResponse_v3,
    Response,
)
from kafka.aio.admin.config_resource import ConfigResource, ConfigResourceType
from kafka.aio.admin.new_partitions import NewPartitions
from kafka.aio.admin.new_topic import NewTopic
from kafka.aio.admin.records_to_delete import RecordsToDelete
from kafka.structs import OffsetAndMetadata, TopicPartition

if TYPE_CHECKING:
    from collections.abc import Callable
    from ssl import SSLContext

log = logging.getLogger(__name__)

T = TypeVar('T')

_AIOKAFKA_VERSION = '0.14.0'
_SEQUENCE = itertools.count(1)
#: Worker threads per admin client: a second one lets a short call pass a slow one.
_WORKERS = 2
#: The internal topics whose partition leaders coordinate groups (0) and transactions (1).
_COORDINATOR_TOPICS = {0: '__consumer_offsets', 1: '__transaction_state'}
_SET = 0  # AlterConfigOp.SET


def _java_string_hash(value: str) -> int:
    """Java's ``String.hashCode()`` (over UTF-16 code units, 32-bit wrapping)."""
    h = 0
    data = value.encode('utf-16-be')
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def _partition_for(key: str, partitions: int) -> int:
    """The internal-topic partition a broker maps a group or transactional id to
    (``Utils.abs(key.hashCode()) % partitions``, as the coordinators compute it)."""
    h = _java_string_hash(key)
    return (0 if h == -(1 << 31) else abs(h)) % partitions


class _LoopTokenProvider:
    """aiokafka's token provider (``async def token()``) for the synchronous client.

    The core calls ``token()`` on one of its threads; the coroutine runs on the admin client's
    event loop, which keeps running while the worker thread waits for the core.
    """

    def __init__(self, provider: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.provider = provider
        self.loop = loop

    def _resolve(self, value: Any) -> Any:
        if not inspect.isawaitable(value):
            return value

        async def wait() -> Any:
            return await value

        if self.loop.is_running() and not self.loop.is_closed():
            return asyncio.run_coroutine_threadsafe(wait(), self.loop).result(timeout=TOKEN_TIMEOUT_S)
        return asyncio.run(wait())

    def token(self) -> Any:
        return self._resolve(self.provider.token())

    def extensions(self) -> Any:
        extensions = getattr(self.provider, 'extensions', None)
        return self._resolve(extensions()) if callable(extensions) else {}


class AIOKafkaAdminClient:
    """A client for administering the Kafka cluster from asyncio code (aiokafka's API).

    Every admin call runs the synchronous :class:`kafka.admin.KafkaAdminClient` on this
    client's own worker thread (the Rust core releases the GIL while it waits), so the event
    loop is never blocked. Call :meth:`start` before anything else and :meth:`close` at the end.

    Keyword Arguments:
        bootstrap_servers: 'host[:port]' string (or list of them) to bootstrap cluster
            metadata from. Default port is 9092. Default: 'localhost'.
        client_id (str): a name for this client, sent in each request.
            Default: 'aiokafka-0.14.0'.
        request_timeout_ms (int): client request timeout in milliseconds, also the
            default ``timeout_ms`` of the calls that take one. Default: 40000.
        connections_max_idle_ms (int): close idle connections after this many
            milliseconds. Default: 540000.
        retry_backoff_ms (int): backoff when retrying on errors. Default: 100.
        metadata_max_age_ms (int): period after which metadata is refreshed.
            Default: 300000.
        security_protocol (str): PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
            Default: PLAINTEXT.
        ssl_context (ssl.SSLContext): pre-configured SSLContext (required for SSL
            and SASL_SSL). Default: None.
        api_version: deprecated and ignored (as in aiokafka 0.13+).
        sasl_mechanism (str): PLAIN, GSSAPI, SCRAM-SHA-256, SCRAM-SHA-512 or
            OAUTHBEARER. Default: PLAIN.
        sasl_plain_username (str), sasl_plain_password (str): PLAIN / SCRAM credentials.
        sasl_kerberos_service_name (str): Default: 'kafka'.
        sasl_kerberos_domain_name (str): Default: None.
        sasl_oauth_token_provider (kafka.aio.abc.AbstractTokenProvider): OAUTHBEARER
            tokens; its ``token()`` coroutine runs on the client's event loop.
    """

    def __init__(
        self, *, loop: asyncio.AbstractEventLoop | None = None, bootstrap_servers: str | list[str] = 'localhost',
        client_id: str = 'aiokafka-' + _AIOKAFKA_VERSION, request_timeout_ms: int = 40000,
        connections_max_idle_ms: int = 540000, retry_backoff_ms: int = 100, metadata_max_age_ms: int = 300000,
        security_protocol: str = 'PLAINTEXT', ssl_context: SSLContext | None = None, api_version: None = None,
        sasl_mechanism: str = 'PLAIN', sasl_plain_username: str | None = None,
        sasl_plain_password: str | None = None, sasl_kerberos_service_name: str = 'kafka',
        sasl_kerberos_domain_name: str | None = None, sasl_oauth_token_provider: Any = None,
    ) -> None:
        if api_version is not None:
            warnings.warn('The `api_version` parameter has been deprecated since 0.13.0. '
                          'It is now a no-op and will be removed in a future release. ',
                          DeprecationWarning, stacklevel=2)
        # aiokafka's checks of the security settings (its ValueErrors), before anything connects.
        aiokafka_security(security_protocol, ssl_context, sasl_mechanism, sasl_plain_username,
                          sasl_plain_password, sasl_kerberos_service_name, sasl_kerberos_domain_name,
                          sasl_oauth_token_provider)
        self._loop = loop
        self._closed = False
        self._started = False
        self._request_timeout_ms = request_timeout_ms
        self._config: dict[str, Any] = {
            'bootstrap_servers': bootstrap_servers,
            'client_id': client_id,
            'request_timeout_ms': int(request_timeout_ms),
            'connections_max_idle_ms': int(connections_max_idle_ms),
            'retry_backoff_ms': int(retry_backoff_ms),
            'metadata_max_age_ms': int(metadata_max_age_ms),
            'bootstrap_timeout_ms': int(request_timeout_ms),
            'security_protocol': security_protocol,
            'ssl_context': ssl_context,
            'sasl_mechanism': sasl_mechanism,
            'sasl_plain_username': sasl_plain_username,
            'sasl_plain_password': sasl_plain_password,
            'sasl_kerberos_service_name': sasl_kerberos_service_name,
            'sasl_kerberos_domain_name': sasl_kerberos_domain_name,
            'sasl_oauth_token_provider': sasl_oauth_token_provider,
        }
        self._client: KafkaAdminClient | None = None
        self._executor: ThreadPoolExecutor | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to the cluster and load its metadata (on the worker thread).

        Raises:
            KafkaConnectionError: no bootstrap server answered within request_timeout_ms.
        """
        if self._started:
            return
        loop = asyncio.get_running_loop()
        if self._loop is not None and self._loop is not loop:
            raise RuntimeError('Please create objects with the same loop as running with')
        self._loop = loop
        config = dict(self._config)
        if config['sasl_oauth_token_provider'] is not None:
            config['sasl_oauth_token_provider'] = _LoopTokenProvider(config['sasl_oauth_token_provider'], loop)
        executor = ThreadPoolExecutor(max_workers=_WORKERS,
                                      thread_name_prefix=f'kafka-python-rs-aio-admin-{next(_SEQUENCE)}')
        future = loop.run_in_executor(executor, functools.partial(KafkaAdminClient, **config))
        try:
            client = await future
        except asyncio.CancelledError:
            # The worker still finishes the bootstrap: close what it makes.
            def discard(done: asyncio.Future[KafkaAdminClient]) -> None:
                if not done.cancelled() and done.exception() is None:
                    executor.submit(done.result().close)
                executor.shutdown(wait=False)

            future.add_done_callback(discard)
            raise
        except Errors.AuthenticationFailedError:
            executor.shutdown(wait=False)
            raise
        except Errors.KafkaError as exc:
            executor.shutdown(wait=False)
            raise Errors.KafkaConnectionError(
                f"Unable to bootstrap from {self._config['bootstrap_servers']}") from exc
        except BaseException:
            executor.shutdown(wait=False)
            raise
        self._client, self._executor = client, executor
        self._started = True
        log.debug('AIOKafkaAdminClient started')

    async def close(self) -> None:
        """Close the AIOKafkaAdminClient's connections and its worker thread."""
        if self._closed:
            log.info('AIOKafkaAdminClient already closed.')
            return
        self._closed = True
        client, executor = self._client, self._executor
        self._client = self._executor = None
        if client is not None and executor is not None:
            try:
                await asyncio.get_running_loop().run_in_executor(executor, client.close)
            finally:
                executor.shutdown(wait=False)
        log.debug('AIOKafkaAdminClient is now closed.')

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs ``fn(client, *args)`` on the worker thread."""
        client, executor = self._client, self._executor
        if client is None or executor is None:
            state = 'closed' if self._closed else 'not started'
            raise Errors.IllegalStateError(f'AIOKafkaAdminClient is {state}')
        return await asyncio.get_running_loop().run_in_executor(executor, functools.partial(fn, client, *args))

    def _timeout(self, timeout_ms: int | None) -> int:
        return timeout_ms or self._request_timeout_ms

    # -- topics ------------------------------------------------------------------------------

    async def create_topics(self, new_topics: list[NewTopic], timeout_ms: int | None = None,
                            validate_only: bool = False) -> Response:
        """Create new topics in the cluster.

        Arguments:
            new_topics: a list of :class:`NewTopic`.

        Keyword Arguments:
            timeout_ms (int, optional): milliseconds the broker waits for the topics to
                be created. Default: request_timeout_ms.
            validate_only (bool, optional): only validate the request. Default: False.

        Returns:
            A CreateTopics response: ``topic_errors`` lists ``(topic, error_code,
            error_message)`` per topic (errors are reported there, not raised).
        """
        specs = {}
        refused: dict[str, tuple[str, int, str]] = {}
        for topic in new_topics:
            spec = {
                'num_partitions': topic.num_partitions,
                'replication_factor': topic.replication_factor,
                'assignments': dict(topic.replica_assignments or {}),
                'configs': dict(topic.topic_configs or {}),
            }
            try:
                KafkaAdminClient._topic_specs({topic.name: spec})
            except Errors.KafkaError as exc:
                # What the broker would refuse (bad name, partition count or replication
                # factor) is reported in the response with the broker's code, as aiokafka does.
                refused[topic.name] = (topic.name, exc.errno, str(exc))
                continue
            specs[topic.name] = spec
        log.debug('Attempting to send create topic request for %r', new_topics)
        answered: dict[str, tuple[str, int, str]] = {}
        if specs:
            result = await self._run(KafkaAdminClient.create_topics, specs, self._timeout(timeout_ms),
                                     validate_only, False)
            answered = {t['name']: (t['name'], t['error_code'], t['error_message']) for t in result['topics']}
        order = list(dict.fromkeys(t.name for t in new_topics))
        return CreateTopicsResponse_v3(0, [answered.get(n) or refused[n] for n in order if n in answered or n in refused])

    async def delete_topics(self, topics: list[str], timeout_ms: int | None = None) -> Response:
        """Delete topics from the cluster.

        Arguments:
            topics ([str]): topic names.

        Keyword Arguments:
            timeout_ms (int, optional): milliseconds the broker waits for the topics to
                be deleted. Default: request_timeout_ms.

        Returns:
            A DeleteTopics response: ``topic_error_codes`` lists ``(topic, error_code)``
            per topic (errors are reported there, not raised).
        """
        result = await self._run(KafkaAdminClient.delete_topics, list(topics), self._timeout(timeout_ms), False)
        return DeleteTopicsResponse_v3(0, [(t['name'], t['error_code']) for t in result['topics']])

    @staticmethod
    def _metadata(client: KafkaAdminClient, topics: list[str] | None) -> dict[str, Any]:
        return client._metadata(topics)

    async def list_topics(self) -> list[str]:
        """The names of all topics in the cluster."""
        metadata = await self._run(self._metadata, None)
        return [t['name'] for t in metadata['topics']]

    async def describe_topics(self, topics: list[str] | None = None) -> list[Any]:
        """Metadata of the given topics (None: every topic).

        Returns:
            A list of dicts ``{error_code, topic, is_internal, partitions: [{error_code,
            partition, leader, replicas, isr, offline_replicas}]}``; a topic that does not
            exist has a non-zero ``error_code``.
        """
        metadata = await self._run(self._metadata, None if topics is None else list(topics))
        return [{
            'error_code': t['error_code'],
            'topic': t['name'],
            'is_internal': t['is_internal'],
            'partitions': [{
                'error_code': p['error_code'],
                'partition': p['partition_index'],
                'leader': p['leader_id'],
                'replicas': list(p['replica_nodes']),
                'isr': list(p['isr_nodes']),
                'offline_replicas': list(p['offline_replicas']),
            } for p in t['partitions']],
        } for t in metadata['topics']]

    async def describe_cluster(self) -> dict[str, Any]:
        """The cluster's brokers, id and controller.

        Returns:
            dict ``{throttle_time_ms, brokers: [{node_id, host, port, rack}], cluster_id,
            controller_id}``.
        """
        metadata = await self._run(self._metadata, [])
        return {
            'throttle_time_ms': 0,
            'brokers': [dict(b) for b in metadata['brokers']],
            'cluster_id': metadata['cluster_id'],
            'controller_id': metadata['controller_id'],
        }

    # -- configs -----------------------------------------------------------------------------

    @staticmethod
    def _split_by_broker(config_resources: list[ConfigResource]) -> tuple[dict[int, list[ConfigResource]],
                                                                          list[ConfigResource]]:
        """Broker resources by broker id (each goes to its broker), and the topic resources."""
        brokers: dict[int, list[ConfigResource]] = defaultdict(list)
        topics = []
        for resource in config_resources:
            if int(resource.resource_type) == ConfigResourceType.BROKER:
                brokers[int(resource.name)].append(resource)
            else:
                topics.append(resource)
        return brokers, topics

    @staticmethod
    def _describe_configs(client: KafkaAdminClient, groups: list[list[ConfigResource]],
                          include_synonyms: bool) -> list[Response]:
        responses = []
        for resources in groups:
            specs = [(int(r.resource_type), str(r.name), list(r.configs) if r.configs else None)
                     for r in resources]
            results = client._ensure_open().describe_configs(specs, bool(include_synonyms), False)
            entries = []
            for result in results:
                resource_type = result['resource_type']
                configs = []
                for c in result['configs']:
                    source = c.get('config_source')
                    if source is None or source < 0:
                        source = int(KafkaAdminClient._config_source(c, ConfigResourceType(resource_type)))
                    synonyms = [(s['name'], s['value'], s['source']) for s in c['synonyms']]
                    configs.append((c['name'], c['value'], c['read_only'], source, c['is_sensitive'], synonyms))
                entries.append((result['error_code'], result['error_message'], resource_type,
                                result['resource_name'], configs))
            responses.append(DescribeConfigsResponse_v2(0, entries))
        return responses

    async def describe_configs(self, config_resources: list[ConfigResource],
                               include_synonyms: bool = False) -> list[Response]:
        """Fetch the configs of one or more resources.

        Arguments:
            config_resources: a list of :class:`ConfigResource`; keys of a resource's
                ``configs`` restrict the result to them (None: every key).

        Keyword Arguments:
            include_synonyms (bool, optional): also return synonyms. Default: False.

        Returns:
            A list of DescribeConfigs responses: one per broker named by a BROKER
            resource, then one for the TOPIC resources. ``resources`` lists
            ``(error_code, error_message, resource_type, resource_name, config_entries)``,
            each config entry ``(config_names, config_value, read_only, config_source,
            is_sensitive, config_synonyms)``.
        """
        brokers, topics = self._split_by_broker(list(config_resources))
        groups = list(brokers.values()) + ([topics] if topics else [])
        return await self._run(self._describe_configs, groups, include_synonyms)

    @staticmethod
    def _alter_configs(client: KafkaAdminClient, groups: list[list[ConfigResource]]) -> list[Response]:
        responses = []
        for resources in groups:
            if not resources:
                responses.append(AlterConfigsResponse_v1(0, []))
                continue
            specs = [(int(r.resource_type), str(r.name),
                      [(str(k), _SET, None if v is None else str(v)) for k, v in (r.configs or {}).items()])
                     for r in resources]
            results = client._ensure_open().alter_configs(specs, False, False)
            responses.append(AlterConfigsResponse_v1(0, [
                (r['error_code'], r['error_message'], r['resource_type'], r['resource_name']) for r in results]))
        return responses

    async def alter_configs(self, config_resources: list[ConfigResource]) -> list[Response]:
        """Set the configs of one or more resources (AlterConfigs).

        As AlterConfigs does, the given ``configs`` replace the resource's dynamic
        configs: keys left out return to their defaults.

        Arguments:
            config_resources: a list of :class:`ConfigResource` whose ``configs`` map keys
                to values.

        Returns:
            A list of AlterConfigs responses: one for the TOPIC resources (first, even
            when there are none), then one per broker named by a BROKER resource.
            ``resources`` lists ``(error_code, error_message, resource_type, resource_name)``.
        """
        brokers, topics = self._split_by_broker(list(config_resources))
        return await self._run(self._alter_configs, [topics, *brokers.values()])

    # -- partitions --------------------------------------------------------------------------

    async def create_partitions(self, topic_partitions: dict[str, NewPartitions], timeout_ms: int | None = None,
                                validate_only: bool = False) -> Response:
        """Grow existing topics to a new total partition count.

        Arguments:
            topic_partitions: dict of topic name to :class:`NewPartitions`.

        Keyword Arguments:
            timeout_ms (int, optional): milliseconds the broker waits for the partitions
                to be created. Default: request_timeout_ms.
            validate_only (bool, optional): only validate the request. Default: False.

        Returns:
            A CreatePartitions response: ``topic_errors`` lists ``(topic, error_code,
            error_message)``.

        Raises:
            InvalidPartitionsError, UnknownTopicOrPartitionError, ...: the first topic's
                error, as aiokafka raises it.
        """
        specs = {name: {'count': p.total_count, 'assignments': p.new_assignments}
                 for name, p in topic_partitions.items()}
        result = await self._run(KafkaAdminClient.create_partitions, specs, self._timeout(timeout_ms),
                                 validate_only, False)
        response = CreatePartitionsResponse_v1(0, [(r['name'], r['error_code'], r['error_message'])
                                                   for r in result['results']])
        for topic, code, message in response.topic_errors:
            if code:
                raise Errors.for_code(code)(f'Could not create partitions for {topic}: {message}')
        return response

    # -- groups ------------------------------------------------------------------------------

    @staticmethod
    def _find_coordinator(client: KafkaAdminClient, key: str, coordinator_type: int) -> int:
        topic = _COORDINATOR_TOPICS.get(coordinator_type)
        if topic is None:
            raise Errors.InvalidRequestError(f'Unknown coordinator type {coordinator_type}')
        metadata = client._metadata([])
        if len(metadata['brokers']) == 1:
            return int(metadata['brokers'][0]['node_id'])
        for attempt in range(2):
            found = next((t for t in client._metadata([topic])['topics'] if t['name'] == topic), None)
            if found is not None and found['error_code'] == 0 and found['partitions']:
                index = _partition_for(key, len(found['partitions']))
                leader = next((p['leader_id'] for p in found['partitions'] if p['partition_index'] == index), -1)
                if leader >= 0:
                    return int(leader)
            if attempt == 0:
                # The brokers create the internal topic on the first FindCoordinator for it:
                # a lookup through the core (which waits for the coordinator) makes sure of that.
                try:
                    if coordinator_type == 0:
                        client._described_groups([key], None)
                    else:
                        client.describe_transactions([key])
                except Errors.KafkaError as exc:
                    log.debug('coordinator lookup for %r failed: %s', key, exc)
        raise Errors.GroupCoordinatorNotAvailableError(f'Unable to get coordinator id for {key}')

    async def find_coordinator(self, group_id: str, coordinator_type: int = 0) -> int:
        """The node id of the broker coordinating a group (or a transactional id).

        Arguments:
            group_id (str): the group id (or transactional id).

        Keyword Arguments:
            coordinator_type (int): 0 for a group, 1 for a transaction. Default: 0.

        Returns:
            int: the coordinator's node id.
        """
        return await self._run(self._find_coordinator, group_id, coordinator_type)

    @staticmethod
    def _describe_groups(client: KafkaAdminClient, group_ids: list[str], coordinator: int | None,
                         include_authorized_operations: bool) -> list[Response]:
        # Without a coordinator id the core finds each group's coordinator (and follows it when
        # it moves): the groups come back in one response.
        groups = list(dict.fromkeys(group_ids))
        responses: list[Response] = []
        if groups:
            entries = []
            for g in client._described_groups(groups, coordinator):
                members = [(m['member_id'], m['client_id'], m['client_host'], bytes(m['member_metadata']),
                            bytes(m['member_assignment'])) for m in g['members']]
                entry = (g['error_code'], g['group_id'], g['group_state'], g['protocol_type'],
                         g['protocol_data'], members)
                if include_authorized_operations:
                    entry = (*entry, g['authorized_operations'])
                entries.append(entry)
            response_class = DescribeGroupsResponse_v3 if include_authorized_operations \
                else DescribeGroupsResponse_v2
            responses.append(response_class(0, entries))
        return responses

    async def describe_consumer_groups(self, group_ids: list[str], group_coordinator_id: int | None = None,
                                       include_authorized_operations: bool = False) -> list[Response]:
        """Describe consumer groups.

        Arguments:
            group_ids ([str]): group ids.

        Keyword Arguments:
            group_coordinator_id (int, optional): the node id of every group's coordinator,
                if known. Default: None (found for each group).
            include_authorized_operations (bool, optional): also return the operations
                the client may perform on each group. Default: False.

        Returns:
            A list of DescribeGroups responses (one per coordinator id given): ``groups`` lists
            ``(error_code, group, state, protocol_type, protocol, members)``, each member
            ``(member_id, client_id, client_host, member_metadata, member_assignment)``
            (raw bytes); with include_authorized_operations each group ends with
            ``authorized_operations``.
        """
        return await self._run(self._describe_groups, list(group_ids), group_coordinator_id,
                               include_authorized_operations)

    async def list_consumer_groups(self, broker_ids: list[int] | None = None) -> list[tuple[Any, ...]]:
        """List the groups the brokers coordinate.

        Keyword Arguments:
            broker_ids ([int], optional): brokers to ask. Default: None (all brokers).

        Returns:
            A list of ``(group_id, protocol_type)`` tuples.

        Raises:
            GroupCoordinatorNotAvailableError, GroupLoadInProgressError, ...: a broker's error.
        """
        groups = await self._run(KafkaAdminClient.list_consumer_groups, broker_ids)
        return list(dict.fromkeys(tuple(g) for g in groups))

    @staticmethod
    def _group_offsets(client: KafkaAdminClient, group_id: str, coordinator: int | None,
                       partitions: list[TopicPartition] | None) -> dict[TopicPartition, OffsetAndMetadata]:
        offsets = client.list_consumer_group_offsets(group_id, coordinator, partitions or None)
        return {TopicPartition(tp.topic, tp.partition): OffsetAndMetadata(o.offset, o.metadata)
                for tp, o in offsets.items()}

    async def list_consumer_group_offsets(self, group_id: str, group_coordinator_id: int | None = None,
                                          partitions: list[TopicPartition] | None = None,
                                          ) -> dict[TopicPartition, OffsetAndMetadata]:
        """Fetch one group's committed offsets.

        Arguments:
            group_id (str): the group id.

        Keyword Arguments:
            group_coordinator_id (int, optional): the group coordinator's node id, if
                known. Default: None (found first).
            partitions ([TopicPartition], optional): the partitions to fetch. Default:
                None (every partition the group committed).

        Returns:
            dict ``{TopicPartition: OffsetAndMetadata(offset, metadata)}``; an offset of -1
            means no commit for an explicitly requested partition.
        """
        return await self._run(self._group_offsets, group_id, group_coordinator_id,
                               None if partitions is None else list(partitions))

    # -- records -----------------------------------------------------------------------------

    async def delete_records(self, records_to_delete: dict[TopicPartition, RecordsToDelete],
                             timeout_ms: int | None = None) -> dict[TopicPartition, int]:
        """Delete the records before the given offsets (moves the log start offsets).

        Arguments:
            records_to_delete: dict of :class:`~kafka.aio.structs.TopicPartition` to
                :class:`RecordsToDelete`.

        Keyword Arguments:
            timeout_ms (int, optional): milliseconds the brokers wait. Default:
                request_timeout_ms.

        Returns:
            dict ``{TopicPartition: low_watermark}``.

        Raises:
            UnknownTopicOrPartitionError, OffsetOutOfRangeError, ...: a partition's error.
        """
        offsets = {TopicPartition(tp.topic, tp.partition): r.before_offset for tp, r in records_to_delete.items()}
        result = await self._run(KafkaAdminClient.delete_records, offsets, self._timeout(timeout_ms))
        return {tp: r['low_watermark'] for tp, r in result.items()}
