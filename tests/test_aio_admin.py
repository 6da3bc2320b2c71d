"""AIOKafkaAdminClient (kafka.aio.admin, aiokafka 0.14's API) against a real broker.

Results are checked in aiokafka's shapes: response objects with its attribute names and
``to_object()``, dicts from metadata, ``{TopicPartition: ...}`` maps.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio
from conftest import LoopProbe
from kafka import KafkaProducer
from kafka import errors as Errors
from kafka.aio import AIOKafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.aio.admin import AIOKafkaAdminClient, NewPartitions, NewTopic, RecordsToDelete
from kafka.aio.admin.client import _partition_for
from kafka.aio.admin.config_resource import ConfigResource, ConfigResourceType

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from conftest import Broker


def _name(prefix: str) -> str:
    return f'aioadmin-{prefix}-{uuid.uuid4().hex[:10]}'


async def _eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.2)
    return False


@pytest_asyncio.fixture
async def admin(bootstrap_servers: str) -> AsyncIterator[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await client.start()
    try:
        yield client
    finally:
        await client.close()


def _produce(bootstrap: str, topic: str, n: int) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        for i in range(n):
            producer.send(topic, b'%d' % i, partition=0)
        producer.flush(30)
    finally:
        producer.close()


# -- lifecycle ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_start_close_lifecycle(bootstrap_servers: str) -> None:
    client = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='aio-admin-test')
    with pytest.raises(Errors.IllegalStateError, match='not started'):
        await client.list_topics()
    await client.start()
    await client.start()  # a second start is a no-op, as in aiokafka
    assert isinstance(await client.list_topics(), list)
    await client.close()
    await client.close()  # already closed: a no-op
    with pytest.raises(Errors.IllegalStateError, match='closed'):
        await client.describe_cluster()


def test_constructor_is_aiokafkas() -> None:
    with pytest.warns(DeprecationWarning, match='api_version'):
        AIOKafkaAdminClient(api_version='auto')
    with pytest.raises(ValueError, match='ssl_context'):
        AIOKafkaAdminClient(security_protocol='SSL')
    with pytest.raises(ValueError, match='sasl_plain_username'):
        AIOKafkaAdminClient(security_protocol='SASL_PLAINTEXT')
    with pytest.raises(TypeError):
        AIOKafkaAdminClient('localhost')  # type: ignore[misc]  # keyword-only, as aiokafka
    with pytest.raises(Errors.IllegalArgumentError):
        NewTopic('t', 1, 1, replica_assignments={0: [1]})
    with pytest.raises(Errors.IllegalArgumentError):
        NewTopic('t', -1, -1)
    assert ConfigResource('topic', 't').resource_type is ConfigResourceType.TOPIC


@pytest.mark.asyncio
async def test_start_fails_without_blocking_the_loop() -> None:
    """A bootstrap that cannot succeed waits on the worker thread: the loop keeps ticking, then
    start() raises aiokafka's KafkaConnectionError."""
    client = AIOKafkaAdminClient(bootstrap_servers='127.0.0.1:1', request_timeout_ms=1500)
    probe = LoopProbe()
    with pytest.raises(Errors.KafkaConnectionError, match='Unable to bootstrap'):
        await client.start()
    (await probe.stop()).assert_responsive()
    await client.close()


@pytest.mark.asyncio
@pytest.mark.tansu_skip('Tansu creates topics in about a millisecond: no wait to measure the loop across')
async def test_loop_keeps_ticking_during_admin_calls(admin: AIOKafkaAdminClient) -> None:
    """Creating and deleting a 100-partition topic (the broker answers once the partitions exist
    or are gone): the loop runs other tasks while the calls wait on the worker thread."""
    name = _name('probe')
    probe = LoopProbe()
    ticks_in_calls = 0

    async def measured(call: Awaitable[Any]) -> Any:
        nonlocal ticks_in_calls
        before = probe.ticks
        result = await call
        ticks_in_calls += probe.ticks - before
        return result

    response = await measured(admin.create_topics([NewTopic(name, 100, 1)], timeout_ms=30000))
    assert response.topic_errors[0][:2] == (name, 0)
    assert await _eventually(lambda: _partition_count(admin, name, 100))
    await measured(admin.delete_topics([name], timeout_ms=30000))
    (await probe.stop()).assert_responsive()
    # A call blocking the loop thread would leave this at 0.
    assert ticks_in_calls >= 3, ticks_in_calls


async def _partition_count(admin: AIOKafkaAdminClient, name: str, count: int) -> bool:
    (described,) = await admin.describe_topics([name])
    return described['error_code'] == 0 and len(described['partitions']) == count and \
        all(p['leader'] >= 0 for p in described['partitions'])


# -- topics ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_create_and_delete_topics(admin: AIOKafkaAdminClient) -> None:
    name = _name('topics')
    response = await admin.create_topics([NewTopic(name, 3, 1, topic_configs={'retention.ms': '3600000'})])
    assert [(t, code) for t, code, _msg in response.topic_errors] == [(name, 0)]
    assert response.to_object()['topic_errors'][0]['topic'] == name
    assert await _eventually(lambda: _partition_count(admin, name, 3))

    # Errors are reported in the response, not raised (as aiokafka).
    again = await admin.create_topics([NewTopic(name, 3, 1)])
    assert again.topic_errors[0][1] == Errors.TopicAlreadyExistsError.errno
    zero = _name('zero')
    refused = await admin.create_topics([NewTopic('bad name!', 1, 1), NewTopic(zero, 0, 1)])
    assert [(t, code) for t, code, _msg in refused.topic_errors] == [
        ('bad name!', Errors.InvalidTopicError.errno), (zero, Errors.InvalidPartitionsError.errno)]

    deleted = await admin.delete_topics([name])
    assert deleted.topic_error_codes == [(name, 0)]
    assert deleted.to_object() == {'throttle_time_ms': 0, 'topic_error_codes': [{'topic': name, 'error_code': 0}]}

    async def gone() -> bool:
        return name not in await admin.list_topics()

    assert await _eventually(gone)
    missing = await admin.delete_topics([name])
    assert missing.topic_error_codes == [(name, Errors.UnknownTopicOrPartitionError.errno)]


@pytest.mark.asyncio
@pytest.mark.tansu_skip('Tansu 0.6 creates no partitions from replica assignments alone')
async def test_create_topics_with_replica_assignments(admin: AIOKafkaAdminClient) -> None:
    name = _name('assigned')
    node = (await admin.describe_cluster())['brokers'][0]['node_id']
    response = await admin.create_topics([NewTopic(name, -1, -1, replica_assignments={0: [node], 1: [node]})])
    assert response.topic_errors[0][:2] == (name, 0)
    assert await _eventually(lambda: _partition_count(admin, name, 2))
    (described,) = await admin.describe_topics([name])
    assert all(p['replicas'] == [node] for p in described['partitions'])
    await admin.delete_topics([name])


@pytest.mark.asyncio
async def test_list_and_describe_topics(admin: AIOKafkaAdminClient, topic: Callable[..., str]) -> None:
    name = topic(2, prefix='aioadmin-describe')
    assert name in await admin.list_topics()
    (described,) = await admin.describe_topics([name])
    assert set(described) == {'error_code', 'topic', 'is_internal', 'partitions'}
    assert described['topic'] == name
    assert described['is_internal'] is False
    assert sorted(p['partition'] for p in described['partitions']) == [0, 1]
    assert set(described['partitions'][0]) == {'error_code', 'partition', 'leader', 'replicas', 'isr',
                                                'offline_replicas'}
    everything = await admin.describe_topics()
    assert name in [t['topic'] for t in everything]
    (unknown,) = await admin.describe_topics([_name('missing')])
    assert unknown['error_code'] == Errors.UnknownTopicOrPartitionError.errno


@pytest.mark.asyncio
async def test_describe_cluster(admin: AIOKafkaAdminClient, broker: Broker) -> None:
    cluster = await admin.describe_cluster()
    assert set(cluster) == {'throttle_time_ms', 'brokers', 'cluster_id', 'controller_id'}
    assert cluster['brokers']
    assert set(cluster['brokers'][0]) == {'node_id', 'host', 'port', 'rack'}
    ports = {b['port'] for b in cluster['brokers']}
    assert int(broker.bootstrap.rsplit(':', 1)[1]) in ports


# -- configs -----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_describe_configs(admin: AIOKafkaAdminClient, broker: Broker) -> None:
    name = _name('configs')
    await admin.create_topics([NewTopic(name, 1, 1, topic_configs={'retention.ms': '3600000'})])
    assert await _eventually(lambda: _partition_count(admin, name, 1))
    node = (await admin.describe_cluster())['brokers'][0]['node_id']
    responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name),
                                              ConfigResource(ConfigResourceType.BROKER, str(node))])
    # One response per broker resource's broker, then one for the topics (as aiokafka).
    assert len(responses) == 2
    broker_response, topic_response = responses
    ((code, _msg, rtype, rname, entries),) = topic_response.resources
    assert (code, rtype, rname) == (0, ConfigResourceType.TOPIC, name)
    by_name = {e[0]: e for e in entries}
    assert 'retention.ms' in by_name
    assert by_name['retention.ms'][1] == '3600000'
    assert len(by_name['retention.ms']) == 6
    assert broker_response.resources[0][3] == str(node)
    if broker.is_kafka:  # Tansu 0.6 describes no broker configs and drops a request naming keys
        assert broker_response.to_object()['resources'][0]['config_entries']
        only = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name,
                                                            {'retention.ms': None})])
        assert [e[0] for e in only[0].resources[0][4]] == ['retention.ms']
    await admin.delete_topics([name])


@pytest.mark.asyncio
@pytest.mark.tansu_skip('Tansu describes no synonyms')
async def test_describe_configs_synonyms(admin: AIOKafkaAdminClient, topic: Callable[..., str]) -> None:
    name = topic(1, prefix='aioadmin-synonyms')
    (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name, {'retention.ms': None})],
                                               include_synonyms=True)
    entry = response.to_object()['resources'][0]['config_entries'][0]
    assert entry['config_names'] == 'retention.ms'
    assert entry['config_synonyms']
    assert set(entry['config_synonyms'][0]) == {'config_name', 'config_value', 'config_source'}


@pytest.mark.asyncio
@pytest.mark.tansu_skip('Tansu does not persist AlterConfigs')
async def test_alter_configs(admin: AIOKafkaAdminClient, topic: Callable[..., str]) -> None:
    name = topic(1, prefix='aioadmin-alter')
    (before,) = await admin.describe_configs([ConfigResource('TOPIC', name, {'retention.ms': None})])
    default_retention = before.resources[0][4][0][1]
    responses = await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name,
                                                          {'retention.ms': '7200000'})])
    assert len(responses) == 1
    assert responses[0].resources == [(0, None, ConfigResourceType.TOPIC, name)] or \
        [r[:1] + r[2:] for r in responses[0].resources] == [(0, ConfigResourceType.TOPIC, name)]

    async def altered() -> bool:
        (response,) = await admin.describe_configs([ConfigResource('TOPIC', name, {'retention.ms': None})])
        return bool(response.resources[0][4][0][1] == '7200000')

    assert await _eventually(altered)
    # AlterConfigs replaces the whole set: retention.ms goes back to its default.
    await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, {'cleanup.policy': 'compact'})])

    async def reset() -> bool:
        (response,) = await admin.describe_configs([ConfigResource('TOPIC', name, {'retention.ms': None,
                                                                                   'cleanup.policy': None})])
        values = {e[0]: e[1] for e in response.resources[0][4]}
        return values == {'retention.ms': default_retention, 'cleanup.policy': 'compact'}

    assert await _eventually(reset)


# -- partitions --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_create_partitions(admin: AIOKafkaAdminClient, topic: Callable[..., str], broker: Broker) -> None:
    name = topic(1, prefix='aioadmin-partitions')
    if broker.name == 'tansu':
        # Tansu 0.6 has no CreatePartitions: the error says so.
        with pytest.raises(Errors.UnsupportedVersionError):
            await admin.create_partitions({name: NewPartitions(3)})
        return
    response = await admin.create_partitions({name: NewPartitions(3)})
    assert response.topic_errors == [(name, 0, None)] or [e[:2] for e in response.topic_errors] == [(name, 0)]
    assert await _eventually(lambda: _partition_count(admin, name, 3))
    # A per-topic error is raised, as aiokafka does.
    with pytest.raises(Errors.InvalidPartitionsError, match='Could not create partitions'):
        await admin.create_partitions({name: NewPartitions(2)})


# -- groups ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_consumer_groups(admin: AIOKafkaAdminClient, bootstrap_servers: str, topic: Callable[..., str],
                               broker: Broker) -> None:
    name = topic(2, prefix='aioadmin-groups')
    group = _name('group')
    consumer = AIOKafkaConsumer(name, bootstrap_servers=bootstrap_servers, group_id=group,
                                auto_offset_reset='earliest', enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=200)
        tp0, tp1 = TopicPartition(name, 0), TopicPartition(name, 1)
        await consumer.commit({tp0: 0})

        coordinator = await admin.find_coordinator(group)
        nodes = [b['node_id'] for b in (await admin.describe_cluster())['brokers']]
        assert coordinator in nodes

        groups = await admin.list_consumer_groups()
        assert (group, 'consumer') in groups
        assert (group, 'consumer') in await admin.list_consumer_groups(broker_ids=[coordinator])

        for coordinator_id in (None, coordinator):
            responses = await admin.describe_consumer_groups([group], group_coordinator_id=coordinator_id)
            assert len(responses) == 1
            ((code, group_id, state, protocol_type, _protocol, members),) = responses[0].groups
            assert (code, group_id, state, protocol_type) == (0, group, 'Stable', 'consumer')
            assert len(members) == 1
            member_id, client_id, _host, metadata, assignment = members[0]
            assert member_id
            if broker.name != 'tansu':  # Tansu 0.6 reports no client id
                assert client_id
            assert isinstance(metadata, bytes) and isinstance(assignment, bytes)
            if broker.name != 'tansu':  # Tansu 0.6 sends the member data empty
                assert name.encode() in metadata
        obj = responses[0].to_object()
        assert obj['groups'][0]['group'] == group
        assert set(obj['groups'][0]['members'][0]) == {'member_id', 'client_id', 'client_host', 'member_metadata',
                                                       'member_assignment'}
        with_ops = await admin.describe_consumer_groups([group], include_authorized_operations=True)
        assert len(with_ops[0].groups[0]) == 7

        offsets = await admin.list_consumer_group_offsets(group)
        assert offsets == {tp0: OffsetAndMetadata(0, '')}
        offsets = await admin.list_consumer_group_offsets(group, group_coordinator_id=coordinator,
                                                          partitions=[tp0, tp1])
        assert offsets[tp0] == OffsetAndMetadata(0, '')
        assert offsets[tp1].offset == -1
    finally:
        await consumer.stop()


def test_coordinator_partition_is_javas() -> None:
    """Utils.abs(String.hashCode()) % partitions, as the brokers map ids to coordinators."""
    assert _partition_for('', 50) == 0
    assert _partition_for('hello', 50) == 99162322 % 50
    assert _partition_for('polygenelubricants', 50) == 0  # hashCode() == Integer.MIN_VALUE
    assert _partition_for('é-group', 7) == abs(_java_hash_reference('é-group')) % 7


def _java_hash_reference(value: str) -> int:
    h = 0
    for ch in value:  # BMP characters: one UTF-16 unit each
        h = (31 * h + ord(ch)) % (1 << 32)
    return h - (1 << 32) if h >= 1 << 31 else h


@pytest.fixture(scope='module')
def three_node_cluster(broker: Broker) -> Any:
    if broker.name == 'tansu':
        pytest.skip('Tansu: no multi-node cluster')
    from brokers.apache_kafka import KafkaCluster

    cluster = KafkaCluster(nodes=3).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.mark.asyncio
@pytest.mark.tansu_skip('needs a 3-node cluster')
async def test_find_coordinator_on_three_nodes(three_node_cluster: Any) -> None:
    """find_coordinator names the broker that really coordinates each group (which lists it) and
    each transactional id."""
    admin = AIOKafkaAdminClient(bootstrap_servers=three_node_cluster.bootstrap_servers)
    await admin.start()
    try:
        from kafka.admin import KafkaAdminClient

        groups = [_name(f'coord{i}') for i in range(6)]
        name = _name('coord-topic')
        sync = KafkaAdminClient(bootstrap_servers=three_node_cluster.bootstrap_servers)
        try:
            sync.create_topics({name: {'num_partitions': 1, 'replication_factor': 1}}, wait_for_metadata=True)
            for group in groups:  # a group with committed offsets, at its coordinator
                sync.alter_group_offsets(group, {TopicPartition(name, 0): 0})
        finally:
            sync.close()
        # Leaders of the internal topics may still move in a new cluster (and the coordinators
        # with them): each check is retried until the answers agree.
        for group in groups:
            async def coordinates(group: str = group) -> bool:
                coordinator = await admin.find_coordinator(group)
                listed = [g for g, _ in await admin.list_consumer_groups(broker_ids=[coordinator])]
                responses = await admin.describe_consumer_groups([group], group_coordinator_id=coordinator)
                return group in listed and responses[0].groups[0][0] == 0

            assert await _eventually(coordinates), group

        # Transactional ids: the coordinator DescribeTransactions reports.
        for i in range(3):
            transactional_id = _name(f'txn{i}')
            producer = KafkaProducer(bootstrap_servers=three_node_cluster.bootstrap_servers,
                                     transactional_id=transactional_id)
            try:
                producer.init_transactions()
            finally:
                producer.close()

            async def coordinates(transactional_id: str = transactional_id) -> bool:
                sync = KafkaAdminClient(bootstrap_servers=three_node_cluster.bootstrap_servers)
                try:
                    expected = sync.describe_transactions([transactional_id])[transactional_id].coordinator_id
                finally:
                    sync.close()
                return bool(await admin.find_coordinator(transactional_id, coordinator_type=1) == expected)

            assert await _eventually(coordinates), transactional_id
    finally:
        await admin.close()


# -- records -----------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.tansu_skip('Tansu 0.6 answers DeleteRecords with NOT_LEADER_OR_FOLLOWER')
async def test_delete_records(admin: AIOKafkaAdminClient, bootstrap_servers: str,
                              topic: Callable[..., str]) -> None:
    name = topic(1, prefix='aioadmin-records')
    _produce(bootstrap_servers, name, 10)
    tp0 = TopicPartition(name, 0)
    assert await admin.delete_records({tp0: RecordsToDelete(4)}, timeout_ms=5000) == {tp0: 4}
    with pytest.raises(Errors.OffsetOutOfRangeError):
        await admin.delete_records({tp0: RecordsToDelete(1000)})


# -- security ----------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.tansu_skip('the secure listeners are in the Apache Kafka harness')
@pytest.mark.parametrize(('listener', 'mechanism'), [('SASL_SSL', 'SCRAM-SHA-512'),
                                                     ('SASL_PLAINTEXT', 'OAUTHBEARER')])
async def test_secure_listeners(broker: Broker, listener: str, mechanism: str) -> None:
    """TLS and SASL as aiokafka takes them; aiokafka's coroutine token() runs on the client's loop."""
    from test_security import AsyncTokenProvider, aio_config, sasl_config

    provider = AsyncTokenProvider()
    cfg = aio_config(sasl_config(broker.cluster, listener, mechanism, provider=provider))
    admin = AIOKafkaAdminClient(**cfg)
    await admin.start()
    try:
        assert (await admin.describe_cluster())['brokers']
        assert isinstance(await admin.list_topics(), list)
    finally:
        await admin.close()
    if mechanism == 'OAUTHBEARER':
        assert provider.calls >= 1
        assert provider.loops == {id(asyncio.get_running_loop())}

    cfg['sasl_plain_password'] = 'nope'
    if mechanism != 'OAUTHBEARER':
        admin = AIOKafkaAdminClient(**cfg)
        with pytest.raises(Errors.SaslAuthenticationFailedError):
            await admin.start()
        await admin.close()
