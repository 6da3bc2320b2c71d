"""KIP-429 cooperative sticky partition assignor (``cooperative-sticky``)."""

from __future__ import annotations

from typing import Any

from kafka.coordinator.assignors.abstract import RebalanceProtocol
from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolSubscription


class CooperativeStickyAssignor(StickyPartitionAssignor):
    """The sticky assignment, reached by incremental cooperative rebalancing (KIP-429).

    Members keep their partitions while the group rebalances and report them in their
    subscription; the leader withholds every partition that moves to another member, its
    owner revokes just that partition and rejoins, and the next rebalance hands it to the new
    owner.  Partitions that stay are never revoked.  Interoperates with Java's and
    librdkafka's ``cooperative-sticky`` members.  Cannot be combined with eager assignors.
    """

    _native_name = 'cooperative-sticky'
    name = 'cooperative-sticky'
    version = 1

    @classmethod
    def supported_protocols(cls) -> list[RebalanceProtocol]:  # type: ignore[override]
        """COOPERATIVE only (as kafka-python 3)."""
        return [RebalanceProtocol.COOPERATIVE]

    def metadata(self, topics: Any) -> ConsumerProtocolSubscription:  # type: ignore[override]
        """The subscription with the owned partitions (v1+)."""
        by_topic: dict[str, list[int]] = {}
        for tp in self.member_assignment or ():
            by_topic.setdefault(tp.topic, []).append(tp.partition)
        owned = [ConsumerProtocolSubscription.TopicPartition(t, sorted(ps)) for t, ps in sorted(by_topic.items())]
        return ConsumerProtocolSubscription(version=self.version, topics=sorted(topics), user_data=b'',
                                            owned_partitions=owned, generation_id=self.generation)
