"""Base class of the partition assignors."""

from __future__ import annotations

import abc
import enum
from typing import Any, ClassVar


class RebalanceProtocol(enum.IntEnum):
    """KIP-429 rebalance protocols (kafka-python 3); the Rust core runs EAGER rebalances."""

    EAGER = 0
    COOPERATIVE = 1


class AbstractPartitionAssignor(abc.ABC):
    """A partition assignment strategy, selected by its protocol ``name``.

    kafka-python-rs runs the assignors named ``range``, ``roundrobin`` and
    ``sticky`` in its Rust core; these classes only name them for
    ``partition_assignment_strategy``.  Custom Python assignors are not
    supported.
    """

    name: ClassVar[str] = ''

    @classmethod
    def assign(cls, cluster: Any, members: Any) -> Any:
        """Not available from Python: the group leader runs the assignor in Rust."""
        raise NotImplementedError(f'kafka-python-rs runs the {cls.name} assignor in its Rust core')

    @classmethod
    def metadata(cls, topics: Any) -> Any:
        """Not available from Python: subscription metadata is built in Rust."""
        raise NotImplementedError('kafka-python-rs builds the subscription metadata in its Rust core')

    @classmethod
    def on_assignment(cls, assignment: Any, generation: int | None = None) -> None:
        """Nothing to do: the Rust core keeps the state the assignor needs."""

    @classmethod
    def supported_protocols(cls) -> list[RebalanceProtocol]:
        """The rebalance protocols this assignor supports: eager only (as kafka-python's)."""
        return [RebalanceProtocol.EAGER]

    @classmethod
    def on_generation_assignment(cls, generation: int) -> None:
        """Nothing to do: the Rust core keeps the state the assignor needs."""
