"""Helpers shared by the clients to behave like both kafka-python 2.x and 3.x.

kafka-python 2.x reported many usage errors with ``assert`` (AssertionError),
while 3.x raises ValueError, TypeError, IllegalStateError or
KafkaConfigurationError.  The exception classes below derive from both, so
``except`` clauses written for either generation keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kafka.errors import IllegalStateError, KafkaConfigurationError

DEFAULT_KAFKA_PORT = 9092
TOPIC_MAX_LENGTH = 249
_TOPIC_LEGAL_CHARS = re.compile(r'^[a-zA-Z0-9._-]+$')


class UnrecognizedConfigsError(KafkaConfigurationError, ValueError, AssertionError):
    """A client was given configuration keys it does not know.

    ``str()`` is the bare message, ``Unrecognized configs: {...}``, as for the
    ValueError / AssertionError it stands for.
    """

    def __str__(self) -> str:
        return Exception.__str__(self)


class UnsupportedConfigError(KafkaConfigurationError, NotImplementedError):
    """A known configuration key is set to a value kafka-python-rs does not support yet."""


class ClientClosedError(IllegalStateError, AssertionError):
    """The client has been closed (IllegalStateError in 3.x, AssertionError in 2.x)."""


class NullRecordError(ValueError, AssertionError):
    """A record has neither key nor value."""


class SerializedTypeError(TypeError, AssertionError):
    """A serialized key or value is not bytes, bytearray, memoryview or None."""


class InvalidHeadersError(TypeError, AssertionError):
    """Record headers are not a list of (str, bytes) tuples."""


class InvalidPartitionError(ValueError, AssertionError):
    """An explicit partition is negative or not a partition of the topic."""


def check_unrecognized(configs: Iterable[str], known: Iterable[str]) -> None:
    """Raise :class:`UnrecognizedConfigsError` for keys of ``configs`` not in ``known``."""
    extra = set(configs).difference(known)
    if extra:
        listed = ', '.join(repr(k) for k in sorted(extra))
        raise UnrecognizedConfigsError(f'Unrecognized configs: {{{listed}}}')


class _InvalidBootstrapServer(KafkaConfigurationError, ValueError):
    """A malformed ``bootstrap_servers`` entry (kafka-python raises ValueError)."""


def collect_hosts(servers: Any) -> list[str]:
    """Normalize ``bootstrap_servers`` to a list of ``'host:port'`` strings.

    Accepts a string (comma separated entries allowed) or an iterable of
    strings.  Entries without a port get :data:`DEFAULT_KAFKA_PORT`; IPv6
    literals may be written ``[addr]:port`` or bare.
    """
    if isinstance(servers, str):
        entries = servers.split(',')
    else:
        try:
            entries = [part for entry in servers for part in str(entry).split(',')]
        except TypeError:
            raise KafkaConfigurationError(
                f'bootstrap_servers must be a str or a list of str, got {servers!r}') from None
    hosts = []
    for entry in entries:
        spec = entry.strip()
        if not spec:
            continue
        if '://' in spec:
            spec = spec.split('://', 1)[1]
        if spec.startswith('['):
            addr, _, rest = spec[1:].partition(']')
            port = rest[1:] if rest.startswith(':') else ''
            host = f'[{addr}]'
        elif spec.count(':') == 1:
            host, port = spec.split(':')
        elif spec.count(':') > 1:
            host, port = f'[{spec}]', ''
        else:
            host, port = spec, ''
        if port:
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise _InvalidBootstrapServer(f'Invalid port in bootstrap server {entry.strip()!r}')
        else:
            port = str(DEFAULT_KAFKA_PORT)
        hosts.append(f'{host}:{port}')
    if not hosts:
        raise KafkaConfigurationError(f'No bootstrap servers in {servers!r}')
    return hosts


def ensure_valid_topic_name(topic: Any) -> None:
    """Raise TypeError / ValueError when ``topic`` is not a legal Kafka topic name."""
    if topic is None:
        raise TypeError('All topics must not be None')
    if not isinstance(topic, str):
        raise TypeError('All topics must be strings')
    if not topic:
        raise ValueError('All topics must be non-empty strings')
    if topic in ('.', '..'):
        raise ValueError('Topic name cannot be "." or ".."')
    if len(topic) > TOPIC_MAX_LENGTH:
        raise ValueError(
            f'Topic name is illegal, it can\'t be longer than {TOPIC_MAX_LENGTH} characters, topic: "{topic}"')
    if not _TOPIC_LEGAL_CHARS.match(topic):
        raise ValueError(
            f'Topic name "{topic}" is illegal, it contains a character other than ASCII alphanumerics,'
            ' ".", "_" and "-"')


def eager_bootstrap_timeout_ms(config: dict[str, Any], user_keys: Iterable[str]) -> float | None:
    """How long a constructor waits for the first broker, as kafka-python does it.

    kafka-python bootstraps in the constructor only when ``api_version`` is not given: 3.x for
    ``bootstrap_timeout_ms``, 2.x for ``api_version_auto_timeout_ms`` (used here when a script
    sets it and not the 3.x key). None: no eager bootstrap.
    """
    if config.get('api_version') not in (None, 'auto'):
        return None
    keys = set(user_keys)
    if 'api_version_auto_timeout_ms' in keys and 'bootstrap_timeout_ms' not in keys:
        return float(config['api_version_auto_timeout_ms'])
    return float(config['bootstrap_timeout_ms'])
