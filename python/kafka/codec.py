"""kafka-python's ``kafka.codec``: compression functions, backed by the Rust core's codecs.

Every codec is always available (``has_gzip()`` ... ``has_zstd()`` return True): gzip, snappy
(xerial framing, as Kafka writes it), lz4 (frame format) and zstd are compiled into the core.
The functions release the GIL while they work.  Decoding raises :class:`ValueError` for corrupt
input, and refuses outputs over 1 GiB.
"""

from __future__ import annotations

import platform
from typing import Any

try:
    from kafka import _native
except ImportError:  # pragma: no cover - exercised only without the extension
    _native = None  # type: ignore[assignment]

#: kafka-python's bound on a zstd frame without a content size (it is 1 GiB here for every codec).
ZSTD_MAX_OUTPUT_SIZE = 1024 * 1024
PYPY = platform.python_implementation() == 'PyPy'


def _lib() -> Any:
    if _native is None:
        raise ImportError('kafka-python-rs: the native extension kafka._native is not available')
    return _native


def has_gzip() -> bool:
    """True: gzip is built into the core."""
    return True


def has_snappy() -> bool:
    """True: snappy is built into the core."""
    return True


def has_lz4() -> bool:
    """True: lz4 is built into the core."""
    return True


def has_zstd() -> bool:
    """True: zstd is built into the core."""
    return True


def gzip_encode(payload: bytes, compresslevel: int | None = None) -> bytes:
    """Gzip ``payload`` (level 0-9, default 6)."""
    return _lib().codec_compress('gzip', payload, compresslevel)


def gzip_decode(payload: bytes) -> bytes:
    """Gunzip ``payload``."""
    return _lib().codec_decompress('gzip', payload)


def snappy_encode(payload: bytes, xerial_compatible: bool = True, xerial_blocksize: int = 32 * 1024) -> bytes:
    """Snappy-compress ``payload``: xerial-framed (as Kafka's clients write it) or raw.

    ``xerial_blocksize`` is accepted for compatibility; the core uses 32 KiB blocks.
    """
    if xerial_compatible:
        return _lib().codec_compress('snappy', payload, None)
    return _lib().codec_snappy_raw(payload)


def snappy_decode(payload: bytes) -> bytes:
    """Decode snappy ``payload``, xerial-framed or raw."""
    return _lib().codec_decompress('snappy', payload)


def lz4_encode(payload: bytes) -> bytes:
    """Compress ``payload`` into one lz4 frame (Kafka's format for message format v1+)."""
    return _lib().codec_compress('lz4', payload, None)


def lz4_decode(payload: bytes) -> bytes:
    """Decode an lz4 frame."""
    return _lib().codec_decompress('lz4', payload)


lz4f_decode = lz4_decode


def zstd_encode(payload: bytes) -> bytes:
    """Compress ``payload`` into one zstd frame (default level 3)."""
    return _lib().codec_compress('zstd', payload, None)


def zstd_decode(payload: bytes) -> bytes:
    """Decode a zstd frame."""
    return _lib().codec_decompress('zstd', payload)


__all__ = [
    'PYPY', 'ZSTD_MAX_OUTPUT_SIZE', 'gzip_decode', 'gzip_encode', 'has_gzip', 'has_lz4', 'has_snappy', 'has_zstd',
    'lz4_decode', 'lz4_encode', 'lz4f_decode', 'snappy_decode', 'snappy_encode', 'zstd_decode', 'zstd_encode',
]
