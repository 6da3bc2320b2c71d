"""Controller-routed partition admin on a 3-node Apache Kafka cluster: a reassignment observed to
complete, a preferred leader election after a node restart, and the per-broker methods."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from kafka import TopicPartition
from kafka import errors as Errors
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.admin._partitions import ElectionType

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope='module')
def cluster() -> Iterator[Any]:
    from brokers.apache_kafka import KafkaCluster, KafkaUnavailable

    try:
        c = KafkaCluster(nodes=3, extra_config={'auto.leader.rebalance.enable': 'false'}).start()
    except KafkaUnavailable as exc:
        pytest.skip(f'Apache Kafka cannot run here: {exc}')
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def admin(cluster: Any) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers, request_timeout_ms=20000)
    try:
        yield client
    finally:
        client.close()


def _wait(predicate: Any, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Errors.KafkaError:
            pass
        time.sleep(0.3)
    return bool(predicate())


def _partition(admin: KafkaAdminClient, topic: str) -> dict[str, Any]:
    return admin.describe_topics([topic])[0]['partitions'][0]


def _topic(admin: KafkaAdminClient, replicas: list[int]) -> str:
    name = f'reassign-{uuid.uuid4().hex[:8]}'
    admin.create_topics([NewTopic(name, num_partitions=-1, replication_factor=-1,
                                  replica_assignments={0: replicas})])
    assert _wait(lambda: _partition(admin, name)['leader_id'] == replicas[0])
    return name


def test_reassignment_completes(cluster: Any, admin: KafkaAdminClient) -> None:
    name = _topic(admin, [1])
    tp = TopicPartition(name, 0)
    assert admin.alter_partition_reassignments({tp: [2, 3]}) == {tp: None}
    ongoing = admin.list_partition_reassignments()
    if tp in ongoing:  # it may already be done
        assert set(ongoing[tp]['adding_replicas']) <= {2, 3}
    assert _wait(lambda: sorted(_partition(admin, name)['replica_nodes']) == [2, 3])
    assert _wait(lambda: tp not in admin.list_partition_reassignments({name: [0]}))
    assert admin.list_partition_reassignments([tp]) == {}
    assert sorted(_partition(admin, name)['isr_nodes']) == [2, 3]
    # Nothing to cancel: a per-partition error, not an exception.
    assert admin.alter_partition_reassignments({tp: None}) == {tp: Errors.NoReassignmentInProgressError}
    with pytest.raises(ValueError):
        admin.alter_partition_reassignments({tp: []})
    result = admin.alter_partition_reassignments({TopicPartition('no-such-topic-x', 0): [1]})
    assert result == {TopicPartition('no-such-topic-x', 0): Errors.UnknownTopicOrPartitionError}


def test_preferred_leader_election_after_restart(cluster: Any, admin: KafkaAdminClient) -> None:
    name = _topic(admin, [1, 2, 3])
    assert _wait(lambda: sorted(_partition(admin, name)['isr_nodes']) == [1, 2, 3])
    # Already led by its preferred replica: ELECTION_NOT_NEEDED is not raised.
    response = admin.elect_leaders(ElectionType.PREFERRED, {name: [0]})
    ((result,),) = [r.partition_result for r in response.replica_election_results]
    assert result.error_code == Errors.ElectionNotNeededError.errno
    cluster.stop_node(1)
    try:
        assert _wait(lambda: _partition(admin, name)['leader_id'] in (2, 3))
    finally:
        cluster.start_node(1)
    assert _wait(lambda: 1 in _partition(admin, name)['isr_nodes'], timeout=120)
    assert _partition(admin, name)['leader_id'] != 1  # no automatic rebalance in this cluster
    response = admin.elect_leaders(0, [name])
    assert response.error_code == 0
    assert response.to_dict()['replica_election_results'][0]['partition_result'][0]['error_code'] == 0
    assert _wait(lambda: _partition(admin, name)['leader_id'] == 1)
    # raise_errors=False reports what raise_errors=True raises.
    missing = admin.elect_leaders(ElectionType.PREFERRED, {'no-such-topic-y': [0]}, raise_errors=False)
    code = missing.replica_election_results[0].partition_result[0].error_code
    assert code == Errors.UnknownTopicOrPartitionError.errno
    with pytest.raises(Errors.UnknownTopicOrPartitionError):
        admin.elect_leaders(ElectionType.PREFERRED, {'no-such-topic-y': [0]})


def test_per_broker_methods_on_three_nodes(cluster: Any, admin: KafkaAdminClient) -> None:
    name = _topic(admin, [3, 1])

    def hosting() -> list[int]:
        dirs = admin.describe_log_dirs({name: [0]})
        assert [d['broker'] for d in dirs] == [1, 2, 3]
        return sorted(d['broker'] for d in dirs if any(t['name'] == name for ld in d['log_dirs'] for t in ld['topics']))

    # A replica's log appears on its broker shortly after CreateTopics returns.
    assert _wait(lambda: hosting() == [1, 3]), hosting()
    quorum = admin.describe_metadata_quorum()
    part = quorum['topics'][0]['partitions'][0]
    assert sorted(v['replica_id'] for v in part['current_voters']) == [1, 2, 3]
    assert part['leader_id'] in (1, 2, 3)
    versions = {b['broker_id']: admin.get_broker_version_data(b['broker_id']).broker_version
                for b in admin.describe_cluster()['brokers']}
    assert sorted(versions) == [1, 2, 3] and len(set(versions.values())) == 1
