"""ACL admin methods on an Apache Kafka node with an authorizer (StandardAuthorizer; ``admin`` and
the PLAINTEXT listener's ANONYMOUS are super users, ``alice`` logs in with SASL/PLAIN and gets only
what the ACLs created here allow)."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from kafka import errors as Errors
from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    KafkaAdminClient,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)
from kafka.errors import IllegalArgumentError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Broker

AUTHORIZER = {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin;User:ANONYMOUS',
}


@pytest.fixture(scope='module')
def secured() -> Iterator[Any]:
    from brokers.apache_kafka import KafkaCluster, KafkaUnavailable

    try:
        cluster = KafkaCluster(nodes=1, secure=True, extra_config=AUTHORIZER).start()
    except KafkaUnavailable as exc:
        pytest.skip(f'Apache Kafka cannot run here: {exc}')
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def admin(secured: Any) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(bootstrap_servers=secured.bootstrap_servers, request_timeout_ms=15000)
    try:
        yield client
    finally:
        client.close()


def _alice(cluster: Any) -> KafkaAdminClient:
    from brokers.apache_kafka import USERS

    return KafkaAdminClient(bootstrap_servers=cluster.bootstrap('SASL_PLAINTEXT'), security_protocol='SASL_PLAINTEXT',
                            sasl_mechanism='PLAIN', sasl_plain_username='alice',
                            sasl_plain_password=USERS['alice'], request_timeout_ms=10000)


def _wait(predicate: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return bool(predicate())


def _topic_filter(name: str | None, pattern: ACLResourcePatternType = ACLResourcePatternType.ANY) -> ACLFilter:
    return ACLFilter(principal=None, host=None, operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,
                     resource_pattern=ResourcePatternFilter(ResourceType.TOPIC, name, pattern))


def test_acls_grant_and_revoke_access(secured: Any, admin: KafkaAdminClient) -> None:
    topic = f'acl-{uuid.uuid4().hex[:8]}'
    admin.create_topics({topic: {'num_partitions': 1, 'replication_factor': 1}})
    assert admin.describe_acls(_topic_filter(topic)) == ([], Errors.NoError)
    with _alice(secured) as alice:
        assert topic not in alice.list_topics()
        allow = ACL('User:alice', '*', ACLOperation.DESCRIBE, ACLPermissionType.ALLOW,
                    ResourcePattern(ResourceType.TOPIC, topic))
        prefixed = ACL('User:alice', '*', ACLOperation.READ, ACLPermissionType.ALLOW,
                       ResourcePattern(ResourceType.TOPIC, 'acl-', ACLResourcePatternType.PREFIXED))
        assert admin.create_acls([allow, prefixed]) == {'succeeded': [allow, prefixed], 'failed': []}
        assert _wait(lambda: topic in alice.list_topics())

        # What alice may do with the topic, as the broker's authorizer computes it.
        (described,) = alice.describe_topic_partitions([topic])['topics']
        assert described['topic_authorized_operations'] == {ACLOperation.READ, ACLOperation.DESCRIBE}
        acls, error = admin.describe_acls(_topic_filter(topic, ACLResourcePatternType.MATCH))
        assert error is Errors.NoError and set(acls) == {allow, prefixed}
        literal, _ = admin.describe_acls(_topic_filter(topic, ACLResourcePatternType.LITERAL))
        assert literal == [allow]
        by_principal = ACLFilter('User:alice', None, ACLOperation.READ, ACLPermissionType.ALLOW,
                                 ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
        assert admin.describe_acls(by_principal)[0] == [prefixed]

        ((flt, deleted, err),) = admin.delete_acls([_topic_filter(topic, ACLResourcePatternType.LITERAL)])
        assert flt.resource_pattern.resource_name == topic and deleted == [allow] and err is Errors.NoError
        assert _wait(lambda: admin.describe_acls(_topic_filter(topic, ACLResourcePatternType.MATCH))[0] == [prefixed])
        # READ on the prefix still implies DESCRIBE; deleting it revokes alice's access.
        results = admin.delete_acls([_topic_filter(None, ACLResourcePatternType.PREFIXED), _topic_filter('none-such')])
        assert [(r[1], r[2]) for r in results] == [([prefixed], Errors.NoError), ([], Errors.NoError)]
        assert _wait(lambda: topic not in alice.list_topics())
    assert admin.describe_acls(_topic_filter(None))[0] == []


def test_acls_for_groups_users_and_cluster(secured: Any, admin: KafkaAdminClient) -> None:
    group_acl = ACL('User:alice', '127.0.0.1', ACLOperation.READ, ACLPermissionType.DENY,
                    ResourcePattern(ResourceType.GROUP, 'g-acl'))
    user_acl = ACL('User:alice', '*', ACLOperation.CREATE_TOKENS, ACLPermissionType.ALLOW,
                   ResourcePattern(ResourceType.USER, 'User:bob'))
    bad_cluster = ACL('User:alice', '*', ACLOperation.ALTER, ACLPermissionType.ALLOW,
                      ResourcePattern(ResourceType.CLUSTER, 'not-the-cluster'))
    result = admin.create_acls([group_acl, user_acl, bad_cluster])
    assert result['succeeded'] == [group_acl, user_acl]
    assert len(result['failed']) == 1 and issubclass(result['failed'][0], Errors.KafkaError)
    everything = ACLFilter(None, None, ACLOperation.ANY, ACLPermissionType.ANY,
                           ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
    # The broker answers DescribeAcls from its copy of the metadata log: wait for the creations.
    assert _wait(lambda: {group_acl, user_acl} <= set(admin.describe_acls(everything)[0]))
    ((_, deleted, err),) = admin.delete_acls([everything])
    assert err is Errors.NoError and {group_acl, user_acl} <= set(deleted)
    assert _wait(lambda: admin.describe_acls(everything)[0] == [])


def test_acl_argument_checks(secured: Any, admin: KafkaAdminClient) -> None:
    with pytest.raises(IllegalArgumentError):
        ResourcePattern(ResourceType.ANY, 'x')
    with pytest.raises(IllegalArgumentError):
        ResourcePattern(ResourceType.TOPIC, 'x', ACLResourcePatternType.MATCH)
    with pytest.raises(IllegalArgumentError):
        ACL('User:a', '*', ACLOperation.ANY, ACLPermissionType.ALLOW, ResourcePattern(ResourceType.TOPIC, 'x'))
    with pytest.raises(IllegalArgumentError):
        admin.create_acls([_topic_filter('x')])  # type: ignore[list-item]
    with pytest.raises(IllegalArgumentError):
        admin.delete_acls(['x'])  # type: ignore[list-item]


def test_alice_cannot_manage_acls(secured: Any) -> None:
    with _alice(secured) as alice, pytest.raises(Errors.ClusterAuthorizationFailedError):
        alice.describe_acls(_topic_filter(None))


@pytest.mark.tansu_skip('no ACL APIs')
def test_describe_acls_without_authorizer(broker: Broker) -> None:
    with KafkaAdminClient(bootstrap_servers=broker.bootstrap) as client, pytest.raises(Errors.SecurityDisabledError):
        client.describe_acls(_topic_filter(None))


def test_kafka_python_2_import_paths() -> None:
    import kafka.admin
    from kafka.admin.acl_resource import ACL as ACL2
    from kafka.admin.config_resource import ConfigResource, ConfigResourceType
    from kafka.admin.new_partitions import NewPartitions
    from kafka.admin.new_topic import NewTopic

    assert ACL2 is ACL and ConfigResource is kafka.admin.ConfigResource
    assert ConfigResourceType.TOPIC == 2 and NewTopic is kafka.admin.NewTopic
    assert NewPartitions is kafka.admin.NewPartitions
