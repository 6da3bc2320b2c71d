"""Small immutable records shared by the clients (kafka-python compatible)."""

from __future__ import annotations

import enum
from collections import namedtuple

TopicPartition = namedtuple('TopicPartition', ['topic', 'partition'])
TopicPartition.__doc__ = """A (topic, partition) pair.

Keyword Arguments:
    topic (str): name of the topic
    partition (int): partition number within the topic
"""

TopicPartitionReplica = namedtuple('TopicPartitionReplica', ['topic', 'partition', 'broker_id'])
TopicPartitionReplica.__doc__ = """One replica of a partition, hosted by a given broker.

Keyword Arguments:
    topic (str): name of the topic
    partition (int): partition number within the topic
    broker_id (int): node id of the broker that holds the replica
"""

BrokerMetadata = namedtuple('BrokerMetadata', ['nodeId', 'host', 'port', 'rack'])
BrokerMetadata.__doc__ = """Identity and address of one broker of the cluster.

Keyword Arguments:
    nodeId (int): the broker's node id
    host (str): host name the broker advertises
    port (int): port the broker listens on
    rack (str): rack of the broker, or None
"""

PartitionMetadata = namedtuple(
    'PartitionMetadata',
    ['topic', 'partition', 'leader', 'leader_epoch', 'replicas', 'isr', 'offline_replicas', 'error'],
)
PartitionMetadata.__doc__ = """State of one partition, as a Metadata response describes it.

Keyword Arguments:
    topic (str): name of the topic
    partition (int): partition number
    leader (int): node id of the leader, -1 when there is none
    leader_epoch (int): epoch of the current leader, -1 when unknown
    replicas (list of int): node ids of all replicas
    isr (list of int): node ids of the in-sync replicas
    offline_replicas (list of int): node ids of replicas that are offline
    error (int): partition level error code
"""

OffsetAndMetadata = namedtuple(
    'OffsetAndMetadata', ['offset', 'metadata', 'leader_epoch'], defaults=[None, '', -1],
)
OffsetAndMetadata.__doc__ = """An offset to commit, with its metadata string.

Both kafka-python shapes are accepted: ``OffsetAndMetadata(offset, metadata)``
(2.0) and ``OffsetAndMetadata(offset, metadata, leader_epoch)`` (2.2+ / 3.x).
Omitted fields take kafka-python 3's defaults: metadata ``''`` and
leader_epoch ``-1`` (unknown).

Keyword Arguments:
    offset (int): the offset to commit
    metadata (str): free-form string stored with the commit
    leader_epoch (int): last known leader epoch of the partition, -1 if unknown
"""

OffsetAndTimestamp = namedtuple('OffsetAndTimestamp', ['offset', 'timestamp', 'leader_epoch'], defaults=[None])
OffsetAndTimestamp.__doc__ = """An offset together with the timestamp of its record.

Keyword Arguments:
    offset (int): the offset
    timestamp (int): timestamp of the record at that offset, ms since epoch
    leader_epoch (int): leader epoch of the record, or None when unknown
"""

MemberInformation = namedtuple(
    'MemberInformation', ['member_id', 'client_id', 'client_host', 'member_metadata', 'member_assignment'],
)
MemberInformation.__doc__ = """One member of a consumer group, as DescribeGroups reports it."""

GroupInformation = namedtuple(
    'GroupInformation',
    ['error_code', 'group', 'state', 'protocol_type', 'protocol', 'members', 'authorized_operations'],
)
GroupInformation.__doc__ = """A consumer group, as DescribeGroups reports it."""

RetryOptions = namedtuple('RetryOptions', ['limit', 'backoff_ms', 'retry_on_timeouts'])
RetryOptions.__doc__ = """Retry policy of kafka-python's legacy producers.

Keyword Arguments:
    limit (int): number of retries
    backoff_ms (int): pause between retries
    retry_on_timeouts (bool): whether timeouts are retried
"""


class MemberState:
    """Membership states of a group member."""

    UNJOINED = '<unjoined>'
    REBALANCING = '<rebalancing>'
    STABLE = '<stable>'


ConsumerGroupMetadata = namedtuple(
    'ConsumerGroupMetadata',
    ['group_id', 'generation_id', 'member_id', 'group_instance_id', 'state'],
    defaults=[None, -1, '', None, MemberState.UNJOINED],
)
ConsumerGroupMetadata.__doc__ = """Snapshot of a consumer's group membership (KIP-447).

Keyword Arguments:
    group_id (str): the group, or None without group management
    generation_id (int): current generation, -1 before joining
    member_id (str): member id given by the coordinator, '' before joining
    group_instance_id (str): static membership id, or None
    state (str): one of the :class:`MemberState` values
"""



class IsolationLevel(enum.IntEnum):
    """The consumer's ``isolation_level`` as kafka-python 3's enum (the wire values)."""

    READ_UNCOMMITTED = 0
    READ_COMMITTED = 1


class OffsetSpec(enum.IntEnum):
    """kafka-python 3's special ListOffsets timestamps (``KafkaAdminClient.list_partition_offsets``)."""

    LATEST = -1
    EARLIEST = -2
    MAX_TIMESTAMP = -3
    EARLIEST_LOCAL = -4
    LATEST_TIERED = -5


__all__ = [
    'BrokerMetadata', 'ConsumerGroupMetadata', 'GroupInformation', 'IsolationLevel', 'MemberInformation',
    'MemberState', 'OffsetAndMetadata', 'OffsetAndTimestamp', 'OffsetSpec', 'PartitionMetadata', 'RetryOptions',
    'TopicPartition', 'TopicPartitionReplica',
]
