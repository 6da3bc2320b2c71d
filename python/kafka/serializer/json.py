"""JSON serializer."""

from __future__ import annotations

import json
from typing import Any

from kafka.serializer.default import DefaultSerializer


class JsonSerializer(DefaultSerializer):
    """Serializes objects as UTF-8 JSON documents; None stays None."""

    def serialize(self, topic: str, headers: list[tuple[str, bytes]], data: Any) -> Any:
        if data is None:
            return None
        return super().serialize(topic, headers, json.dumps(data))

    def deserialize(self, topic: str, headers: list[tuple[str, bytes]], data: bytes | None) -> Any:
        if data is None:
            return None
        return json.loads(super().deserialize(topic, headers, data))
