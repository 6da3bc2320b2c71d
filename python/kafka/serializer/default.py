"""UTF-8 string serializer."""

from __future__ import annotations

from typing import Any

from kafka.serializer.abstract import Deserializer, Serializer


class DefaultSerializer(Serializer, Deserializer):
    """Encodes str to bytes (and back) with ``encoding``; bytes-like and None pass through."""

    def __init__(self, encoding: str = 'utf-8') -> None:
        self.encoding = encoding

    def serialize(self, topic: str, headers: list[tuple[str, bytes]], data: Any) -> Any:
        if data is None or isinstance(data, (bytes, bytearray, memoryview)):
            return data
        return data.encode(self.encoding)

    def deserialize(self, topic: str, headers: list[tuple[str, bytes]], data: bytes | None) -> Any:
        if data is None:
            return None
        return data.decode(self.encoding)
