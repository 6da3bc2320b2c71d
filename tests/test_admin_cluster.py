"""KafkaAdminClient's cluster, SCRAM, topic-partition and group-member methods on the session
broker (Apache Kafka; Tansu where it has the API)."""

from __future__ import annotations

import subprocess
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka import errors as Errors
from kafka.admin import (
    GroupState,
    GroupType,
    KafkaAdminClient,
    MemberToRemove,
    ScramMechanism,
    UpdateFeatureType,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)
from kafka.admin._cluster import ApiKey, BrokerVersionData
from kafka.structs import TopicPartitionReplica

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from conftest import Broker


@pytest.fixture
def admin(bootstrap_servers: str) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=15000)
    try:
        yield client
    finally:
        client.close()


def _name(prefix: str) -> str:
    return f'{prefix}-{uuid.uuid4().hex[:10]}'


@pytest.mark.tansu_skip('no DescribeLogDirs')
def test_describe_log_dirs(broker: Broker, admin: KafkaAdminClient, topic: Callable[..., str]) -> None:
    name = topic(partitions=2)

    def partitions() -> list[int]:
        result = admin.describe_log_dirs({name: [0, 1]})
        assert [r['broker'] for r in result] == [1]
        (log_dir,) = result[0]['log_dirs']
        assert log_dir['error_code'] == 0 and log_dir['log_dir']
        assert log_dir['total_bytes'] > 0 and log_dir['usable_bytes'] > 0
        return sorted(p['partition_index'] for t in log_dir['topics'] if t['name'] == name for p in t['partitions'])

    # The broker creates the partitions' logs shortly after the topic's metadata is visible.
    deadline = time.monotonic() + 20
    while partitions() != [0, 1] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert partitions() == [0, 1]
    # A list of topics means all of their partitions; brokers= restricts the brokers asked.
    assert admin.describe_log_dirs([name], brokers=[1])[0]['log_dirs'][0]['topics'][0]['name'] == name


@pytest.mark.tansu_skip('no AlterReplicaLogDirs')
def test_alter_replica_log_dirs(broker: Broker, admin: KafkaAdminClient, topic: Callable[..., str]) -> None:
    name = topic()
    log_dir = admin.describe_log_dirs({name: [0]})[0]['log_dirs'][0]['log_dir']
    # The replica is already in its only log dir: accepted; an unknown dir is LogDirNotFound.
    assert admin.alter_replica_log_dirs({TopicPartitionReplica(name, 0, 1): log_dir}) == {
        TopicPartitionReplica(name, 0, 1): Errors.NoError}
    result = admin.alter_replica_log_dirs({(name, 0, 1): '/nonexistent/dir'})
    assert result == {TopicPartitionReplica(name, 0, 1): Errors.LogDirNotFoundError}


@pytest.mark.tansu_skip('no DescribeQuorum')
def test_describe_metadata_quorum(broker: Broker, admin: KafkaAdminClient) -> None:
    quorum = admin.describe_metadata_quorum()
    (topic,) = quorum['topics']
    assert topic['topic_name'] == '__cluster_metadata'
    (part,) = topic['partitions']
    assert part['error'] is None and part['leader_id'] == 1 and part['high_watermark'] > 0
    assert [v['replica_id'] for v in part['current_voters']] == [1]
    assert uuid.UUID(part['current_voters'][0]['replica_directory_id'])
    assert [n['node_id'] for n in quorum['nodes']] == [1]


@pytest.mark.tansu_skip('no finalized features')
def test_describe_and_update_features(broker: Broker, admin: KafkaAdminClient) -> None:
    features = admin.describe_features()
    mv = features['metadata.version']
    low, high = mv['supported']
    assert low <= mv['finalized'][1] <= high
    assert isinstance(mv['finalized_epoch'], int) and mv['finalized_epoch'] >= 0
    assert admin.describe_features(send_request_to_controller=True)['metadata.version']['finalized'] == mv['finalized']
    level = mv['finalized'][1]
    # Re-finalizing the current level (validate only) is accepted; a level above the supported
    # range is refused.
    assert admin.update_features({'metadata.version': level}, validate_only=True) == {'metadata.version': 'OK'}
    assert admin.update_features({'metadata.version': ('upgrade', level)}, timeout_ms=30000) == {'metadata.version': 'OK'}
    assert admin.describe_features()['metadata.version']['finalized'] == mv['finalized']
    with pytest.raises(Errors.InvalidUpdateVersionError):
        admin.update_features({'metadata.version': (UpdateFeatureType.UPGRADE, high + 100)}, validate_only=True)
    with pytest.raises(TypeError):
        admin.update_features([('metadata.version', level)])  # type: ignore[arg-type]


def test_api_versions(broker: Broker, admin: KafkaAdminClient) -> None:
    versions = admin.api_versions()
    assert versions[ApiKey.Metadata][1] >= 9 and versions[ApiKey.Produce][0] >= 0
    data = admin.get_broker_version_data(admin.describe_cluster()['brokers'][0]['broker_id'])
    assert isinstance(data, BrokerVersionData)
    assert data.api_versions[ApiKey.ApiVersions] == versions[ApiKey.ApiVersions]
    if broker.is_kafka:
        assert data.broker_version >= (4, 0)
    assert data.api_version(ApiKey.Metadata, max_version=5) == 5


@pytest.mark.tansu_skip('no ListConfigResources')
def test_list_config_resources(broker: Broker, admin: KafkaAdminClient, topic: Callable[..., str]) -> None:
    name = topic()
    listed = admin.list_config_resources(['TOPIC'])
    assert name in listed['topic']
    assert set(listed) == {'topic'}
    everything = admin.list_config_resources()
    assert name in everything['topic'] and '1' in everything['broker']


@pytest.mark.tansu_skip('no DescribeTopicPartitions')
def test_describe_topic_partitions_pages(broker: Broker, admin: KafkaAdminClient,
                                         topic: Callable[..., str]) -> None:
    name = topic(partitions=5)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = admin.describe_topic_partitions([name], response_partition_limit=2, cursor=cursor)
        (described,) = page['topics']
        assert described['name'] == name and described['error_code'] == 0
        assert isinstance(described['topic_id'], uuid.UUID)
        seen += [p['partition_index'] for p in described['partitions']]
        assert all(p['leader_id'] == 1 and p['replica_nodes'] == [1] for p in described['partitions'])
        pages += 1
        cursor = page['next_cursor']
        if cursor is None:
            break
        assert cursor['topic_name'] == name
    assert seen == [0, 1, 2, 3, 4] and pages == 3
    missing = admin.describe_topic_partitions([_name('missing')])['topics'][0]
    assert missing['error_code'] == Errors.UnknownTopicOrPartitionError.errno


def _wait_assigned(consumer: KafkaConsumer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not consumer.assignment() and time.monotonic() < deadline:
        consumer.poll(timeout_ms=200)
    assert consumer.assignment()


@pytest.mark.tansu_skip('no static group membership')
def test_remove_group_members(broker: Broker, admin: KafkaAdminClient, topic: Callable[..., str]) -> None:
    name = topic()
    group = _name('remove')
    consumer = KafkaConsumer(name, bootstrap_servers=broker.bootstrap, group_id=group,
                             group_instance_id='static-1', session_timeout_ms=30000)
    try:
        _wait_assigned(consumer)
        described = admin.describe_groups([group])[group]
        (member,) = described['members']
        assert member['group_instance_id'] == 'static-1'
        # Without an authorizer everything is allowed: the group's operations, by name.
        assert {'DESCRIBE', 'READ', 'DELETE'} <= set(described['authorized_operations'])
        result = admin.remove_group_members(group, [MemberToRemove(group_instance_id='static-1', reason='test')])
        # The broker echoes the identity it was given: the instance id of a static member.
        assert result == {'static-1': Errors.NoError}
        deadline = time.monotonic() + 20
        while admin.describe_groups([group])[group]['members'] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert admin.describe_groups([group])[group]['members'] == []
        unknown = admin.remove_group_members(group, [MemberToRemove(member_id='no-such-member')])
        assert unknown == {'no-such-member': Errors.UnknownMemberIdError}
    finally:
        consumer.close()
    assert admin.remove_group_members(group, []) == {}


@pytest.mark.tansu_skip('no KIP-848 consumer groups')
def test_kip848_group_listed_and_described(broker: Broker, admin: KafkaAdminClient,
                                           topic: Callable[..., str]) -> None:
    from brokers.apache_kafka import java_command

    name = topic(partitions=2)
    group = _name('kip848')
    java = subprocess.Popen(java_command(
        'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', broker.bootstrap, '--topic', name,
        '--group', group, '--timeout-ms', '90000', '--command-property', 'group.protocol=consumer', heap='256m'),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def listed(**filters: Any) -> list[str]:
        return [g['group_id'] for g in admin.list_groups(**filters)]

    try:
        deadline = time.monotonic() + 60
        while group not in listed(types_filter=['consumer'], states_filter=[GroupState.STABLE]):
            assert java.poll() is None, java.stderr.read().decode(errors='replace')[-2000:]  # type: ignore[union-attr]
            assert time.monotonic() < deadline, 'the Java consumer never became a stable member'
            time.sleep(0.5)
        assert group not in listed(types_filter=[GroupType.CLASSIC])
        assert group not in listed(states_filter=['empty'])
        (entry,) = [g for g in admin.list_groups() if g['group_id'] == group]
        assert entry['group_type'] == 'consumer' and entry['group_state'] == 'Stable'

        described = admin.describe_groups([group])[group]
        assert described['error'] is None and described['group_type'] == 'consumer'
        assert described['group_state'] == 'Stable' and described['protocol_type'] == 'consumer'
        assert described['group_epoch'] >= 1 and described['protocol_data']  # the server-side assignor
        assert {'DESCRIBE', 'READ', 'DELETE'} <= set(described['authorized_operations'])
        (member,) = described['members']
        assert member['client_id'] == 'console-consumer' and member['member_epoch'] >= 1
        assert member['member_metadata']['topics'] == [name]
        assert member['member_assignment']['assigned_partitions'] == [{'topic': name, 'partitions': [0, 1]}]
        (info,) = admin.describe_consumer_groups([group])
        assert info.state == 'Stable' and info.members[0].client_id == 'console-consumer'
    finally:
        java.kill()
        java.communicate()


# -- SCRAM credentials (KIP-554): created, used to log in, deleted ---------------------------


def _scram_login(broker: Broker, user: str, password: str, mechanism: str) -> Any:
    cluster = broker.cluster
    return KafkaAdminClient(bootstrap_servers=cluster.bootstrap('SASL_PLAINTEXT'), security_protocol='SASL_PLAINTEXT',
                            sasl_mechanism=mechanism, sasl_plain_username=user, sasl_plain_password=password,
                            request_timeout_ms=10000, bootstrap_timeout_ms=10000)


def _described_eventually(admin: KafkaAdminClient, user: str, predicate: Callable[[dict[str, Any]], bool],
                          timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described = admin.describe_user_scram_credentials([user])[user]
        if predicate(described) or time.monotonic() > deadline:
            assert predicate(described), described
            return described
        time.sleep(0.2)


@pytest.mark.tansu_skip('no SCRAM credentials')
def test_scram_credentials_lifecycle(broker: Broker, admin: KafkaAdminClient) -> None:
    user = _name('user')
    other = _name('user')
    result = admin.alter_user_scram_credentials([
        UserScramCredentialUpsertion(user, ScramMechanism.SCRAM_SHA_256, 'pw-256'),
        UserScramCredentialUpsertion(other, 'SCRAM-SHA-512', b'other'),
    ])
    assert result == {user: None, other: None}
    # One alteration per user and request: the broker refuses two in one.
    twice = admin.alter_user_scram_credentials([UserScramCredentialDeletion(other, 'SCRAM-SHA-512'),
                                                UserScramCredentialUpsertion(other, 'SCRAM-SHA-256', 'x')])
    assert 'twice' in twice[other]
    result = admin.alter_user_scram_credentials([
        UserScramCredentialUpsertion(user, 'SCRAM-SHA-512', b'pw-512', iterations=8192)])
    assert result == {user: None}
    # Alterations are committed by the controller; brokers describe them once they have them.
    expected = [(ScramMechanism.SCRAM_SHA_256, 4096), (ScramMechanism.SCRAM_SHA_512, 8192)]
    described = _described_eventually(
        admin, user, lambda d: sorted((c['mechanism'], c['iterations']) for c in d['credential_infos']) == expected)
    assert described['error'] is None
    assert user in admin.describe_user_scram_credentials()

    # The new user logs in with either mechanism; a wrong password does not.
    deadline = time.monotonic() + 20
    while True:  # credentials reach the broker through the metadata log
        try:
            with _scram_login(broker, user, 'pw-256', 'SCRAM-SHA-256') as client:
                assert client.list_topics() is not None
            break
        except Errors.KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    with _scram_login(broker, user, 'pw-512', 'SCRAM-SHA-512') as client:
        assert client.describe_cluster()['brokers']
    with pytest.raises(Errors.KafkaError):
        _scram_login(broker, user, 'wrong', 'SCRAM-SHA-256')

    assert admin.alter_user_scram_credentials([UserScramCredentialDeletion(user, 'SCRAM-SHA-256')]) == {user: None}
    _described_eventually(
        admin, user, lambda d: [c['mechanism'] for c in d['credential_infos']] == [ScramMechanism.SCRAM_SHA_512])
    admin.alter_user_scram_credentials([UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512)])
    gone = _described_eventually(admin, user, lambda d: d['error'] is not None)
    assert gone['credential_infos'] == [] and 'not exist' in gone['error'].lower()
    # Deleting a credential that does not exist is reported per user, not raised.
    missing = admin.alter_user_scram_credentials([UserScramCredentialDeletion(user, 'SCRAM-SHA-256')])
    assert missing[user] is not None


def test_scram_argument_checks() -> None:
    from kafka.errors import IllegalArgumentError

    with pytest.raises(IllegalArgumentError):
        UserScramCredentialUpsertion('u', ScramMechanism.UNKNOWN, 'p')
    upsert = UserScramCredentialUpsertion('u', 1, 'p', salt=b'salt', iterations=4096)
    assert upsert.mechanism is ScramMechanism.SCRAM_SHA_256 and len(upsert.salted_password) == 32
    assert repr(UserScramCredentialDeletion('u', 'scram-sha-512')) == 'UserScramCredentialDeletion(u, SCRAM_SHA_512)'


def test_topic_partition_helpers_need_known_topics(broker: Broker, admin: KafkaAdminClient) -> None:
    with pytest.raises(Errors.UnknownTopicOrPartitionError):
        admin.describe_log_dirs([_name('missing')])
    assert TopicPartition('t', 0) == ('t', 0)


def test_shaping_helpers() -> None:
    from kafka.admin._acls import authorized_operation_names
    from kafka.admin._partitions import Response

    assert authorized_operation_names(-2**31) is None
    assert authorized_operation_names((1 << 3) | (1 << 8) | (1 << 2)) == ['DESCRIBE', 'READ']  # ALL (2) dropped
    r = Response({'error_code': 0, 'results': [{'topic': 't', 'parts': [{'id': 1}]}]}, 'X')
    assert r.error_code == 0 and r.results[0].parts[0].id == 1 and r.to_dict()['results'][0]['topic'] == 't'
    with pytest.raises(AttributeError):
        _ = r.missing
    data = BrokerVersionData(api_versions={0: (0, 13), 1: (4, 17), 2: (1, 10)})
    assert data.broker_version == (4, 1) and str(data) == '<BrokerVersionData 4.1>'
    assert data.api_version(ApiKey.Fetch) == 17 and data.api_version(ApiKey.Fetch, max_version=12) == 12
    with pytest.raises(Errors.IncompatibleBrokerVersion):
        data.api_version(ApiKey.DescribeAcls)
    assert BrokerVersionData(api_versions={}).broker_version == (0, 10, 0)
    assert ApiKey(74).name == 'ListConfigResources'
