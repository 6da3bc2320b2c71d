"""What the built-in assignors share: their Python methods call the Rust algorithm."""

from __future__ import annotations

from typing import Any, ClassVar

from kafka.coordinator.assignors._adapter import run_builtin
from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor, RebalanceProtocol
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment, ConsumerProtocolSubscription


class NativePartitionAssignor(AbstractPartitionAssignor):
    """A built-in assignor: in ``partition_assignment_strategy`` the consumer runs it in Rust;
    called from Python (or through ``super()`` in a subclass) it runs the same algorithm."""

    _native_name: ClassVar[str] = ''
    name: ClassVar[str] = ''  # type: ignore[misc]
    version: ClassVar[int] = 0

    @classmethod
    def assign(cls, cluster: Any, members: Any) -> dict[str, ConsumerProtocolAssignment]:
        """Assign the partitions of ``cluster`` to ``members`` (see AbstractPartitionAssignor)."""
        result = run_builtin(cls._native_name, cluster, members)
        ids = members.keys() if isinstance(members, dict) else [m.member_id for m in members]
        return {m: ConsumerProtocolAssignment(cls.version, sorted(result.get(m, [])), b'') for m in ids}

    @classmethod
    def supported_protocols(cls) -> list[RebalanceProtocol]:  # type: ignore[override]
        """EAGER (the cooperative-sticky assignor: COOPERATIVE)."""
        return [RebalanceProtocol.EAGER]

    @classmethod
    def metadata(cls, topics: Any) -> ConsumerProtocolSubscription:
        """The subscription to ``topics`` (no user data)."""
        return ConsumerProtocolSubscription(cls.version, sorted(topics), b'')

    @classmethod
    def on_assignment(cls, assignment: Any, generation: int | None = None) -> None:
        """Nothing to keep."""
