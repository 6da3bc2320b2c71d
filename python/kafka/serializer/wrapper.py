"""Adapters from plain callables to the serializer interfaces."""

from __future__ import annotations

from typing import Any, Callable

from kafka.serializer.abstract import Deserializer, Serializer


class SerializeWrapper(Serializer):
    """A :class:`Serializer` that calls ``fn(data)``; with ``fn=None`` data passes through."""

    def __init__(self, fn: Callable[[Any], Any] | None) -> None:
        self.fn = fn

    def serialize(self, topic: str, headers: list[tuple[str, bytes]], data: Any) -> Any:
        if self.fn is None:
            return data
        return self.fn(data)


class DeserializeWrapper(Deserializer):
    """A :class:`Deserializer` that calls ``fn(data)``; with ``fn=None`` data passes through."""

    def __init__(self, fn: Callable[[Any], Any] | None) -> None:
        self.fn = fn

    def deserialize(self, topic: str, headers: list[tuple[str, bytes]], data: bytes | None) -> Any:
        if self.fn is None:
            return data
        return self.fn(data)
