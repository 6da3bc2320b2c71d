"""Abstract serializer and deserializer interfaces."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class Serializer(ABC):
    """Turns application objects into the bytes stored in a record.

    kafka-python 3 calls ``serialize(topic, headers, data)``; kafka-python 2
    called ``serialize(topic, data)``.  :class:`~kafka.KafkaProducer` accepts
    subclasses written for either: it inspects the signature once and calls
    the method with the arguments it takes.
    """

    @abstractmethod
    def serialize(self, topic: str, headers: list[tuple[str, bytes]], data: Any) -> bytes | None:
        """Return the serialized form of ``data`` for ``topic``."""

    def close(self) -> None:
        """Release resources; called when the client closes."""


class Deserializer(ABC):
    """Turns the bytes of a record back into application objects.

    Like :class:`Serializer`, both the 3.x ``deserialize(topic, headers, data)``
    and the 2.x ``deserialize(topic, data)`` shapes are supported.
    """

    @abstractmethod
    def deserialize(self, topic: str, headers: list[tuple[str, bytes]], data: bytes | None) -> Any:
        """Return the object that ``data`` encodes."""

    def close(self) -> None:
        """Release resources; called when the client closes."""
