"""The ``sticky`` assignor (KIP-54)."""

from __future__ import annotations

import struct
from typing import Any

from kafka.coordinator.assignors._builtin import NativePartitionAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolSubscription
from kafka.structs import TopicPartition


def encode_user_data(partitions: Any, generation: int) -> bytes:
    """StickyAssignorUserData v1: the previous assignment per topic, then the generation."""
    by_topic: dict[str, list[int]] = {}
    for tp in partitions:
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    out = [struct.pack('>i', len(by_topic))]
    for topic, parts in sorted(by_topic.items()):
        name = topic.encode()
        out.append(struct.pack('>h', len(name)) + name + struct.pack('>i', len(parts)))
        out.append(struct.pack(f'>{len(parts)}i', *sorted(parts)))
    out.append(struct.pack('>i', generation))
    return b''.join(out)


class StickyPartitionAssignor(NativePartitionAssignor):
    """Balanced like round robin, and keeps partitions with their previous owners across
    rebalances as far as balance allows (KIP-54).  Each member reports its previous
    assignment and generation in its subscription's user data.
    """

    DEFAULT_GENERATION_ID = -1
    _native_name = 'sticky'
    name = 'sticky'
    version = 0

    def __init__(self) -> None:
        self.member_assignment: list[TopicPartition] | None = None
        self.generation = self.DEFAULT_GENERATION_ID

    def metadata(self, topics: Any) -> ConsumerProtocolSubscription:  # type: ignore[override]
        """The subscription, with the previous assignment and generation as user data."""
        if self.member_assignment is None:
            user_data = b''
        else:
            user_data = encode_user_data(self.member_assignment, self.generation)
        return ConsumerProtocolSubscription(self.version, sorted(topics), user_data)

    def on_assignment(self, assignment: Any, generation: int | None = None) -> None:  # type: ignore[override]
        """Remembers the assignment and its generation for the next subscription."""
        self.member_assignment = assignment.partitions()
        if generation is not None:
            self.generation = generation

    def on_generation_assignment(self, generation: int) -> None:
        """kafka-python 2.x: the generation of the last assignment."""
        self.generation = generation
