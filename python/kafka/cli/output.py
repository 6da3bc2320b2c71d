"""Printing an admin command's result: ``raw`` (pprint) or ``json``."""

from __future__ import annotations

import enum
import json
import uuid
from pprint import pprint
from typing import Any, TextIO

FORMATS = ('raw', 'json')


def _key(key: Any) -> Any:
    if key is None or isinstance(key, (str, int, float, bool)):
        return key.name if isinstance(key, enum.Enum) and not isinstance(key, int) else key
    if hasattr(key, 'topic') and hasattr(key, 'partition'):
        return ':'.join(str(part) for part in key)
    if isinstance(key, tuple):
        return ':'.join(str(part) for part in key)
    return str(key)


def jsonable(value: Any) -> Any:
    """``value`` with what JSON cannot hold made plain: dict keys that are not strings or
    numbers (TopicPartition -> ``'topic:partition'``), error classes (their name), UUIDs, bytes,
    sets, enums that are not ints and objects with ``to_dict``/``_asdict``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, enum.Enum) and not isinstance(value, int):
            return value.value
        return value
    if isinstance(value, dict):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if hasattr(value, 'to_dict'):
        return jsonable(value.to_dict())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode('utf-8', errors='backslashreplace')
    if isinstance(value, BaseException):
        return f'{type(value).__name__}: {value}'
    return repr(value)


def print_result(result: Any, fmt: str, stream: TextIO) -> None:
    """Print ``result`` in ``fmt`` (``raw``: pprint, ``json``: one JSON document) and flush."""
    if fmt == 'json':
        stream.write(json.dumps(jsonable(result)))
        stream.write('\n')
    else:
        pprint(result, stream=stream)
    stream.flush()
