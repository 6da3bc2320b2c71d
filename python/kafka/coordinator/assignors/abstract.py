"""Base class of the partition assignors (kafka-python 3's ``AbstractPartitionAssignor``)."""

from __future__ import annotations

import abc
import enum
from typing import Any

from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment, ConsumerProtocolSubscription


class RebalanceProtocol(enum.IntEnum):
    """KIP-429 rebalance protocols.

    EAGER: every member revokes its whole assignment before rejoining. COOPERATIVE: members
    keep their partitions across the rebalance; only the partitions that move are revoked,
    and a second rebalance hands them to their new owners.
    """

    EAGER = 0
    COOPERATIVE = 1


class AbstractPartitionAssignor(abc.ABC):
    """A partition assignment strategy, announced by its protocol ``name``.

    The group leader calls :meth:`assign` with the cluster metadata and every member's
    subscription; every member calls :meth:`metadata` before joining and
    :meth:`on_assignment` with what it got.  Subclass it (or pass any object with these
    methods) in ``partition_assignment_strategy``, as a class or an instance.  The built-in
    assignors run their algorithm in the Rust core, also when called from Python.
    """

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """The protocol name identifying the assignor."""

    def supported_protocols(self) -> list[RebalanceProtocol]:
        """The :class:`RebalanceProtocol` modes this assignor supports: EAGER by default."""
        return [RebalanceProtocol.EAGER]

    @abc.abstractmethod
    def assign(self, cluster: Any, members: Any) -> Any:
        """Perform group assignment given cluster metadata and member subscriptions.

        Arguments:
            cluster (ClusterMetadata): metadata for use in assignment
                (``partitions_for_topic(topic)``).
            members ([JoinGroupResponseMember]): ``member_id``, ``group_instance_id`` and
                ``metadata`` (a decoded :class:`ConsumerProtocolSubscription`) of each member.

        Returns:
            dict: {member_id: ConsumerProtocolAssignment}
        """

    @abc.abstractmethod
    def metadata(self, topics: Any) -> Any:
        """Generate ProtocolMetadata to be submitted via JoinGroupRequest.

        Arguments:
            topics (set): a member's subscribed topics

        Returns:
            ConsumerProtocolSubscription
        """

    @abc.abstractmethod
    def on_assignment(self, assignment: Any, generation: int) -> None:
        """Callback that runs on each assignment.

        Arguments:
            assignment (ConsumerProtocolAssignment): the member's assignment
            generation (int): generation id of assignment
        """


__all__ = ['AbstractPartitionAssignor', 'ConsumerProtocolAssignment', 'ConsumerProtocolSubscription',
           'RebalanceProtocol']
