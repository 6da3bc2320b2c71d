"""What every admin command shares: the command shape and small argument parsers."""

from __future__ import annotations

import argparse
from typing import Any, ClassVar


class Command:
    """One ``kafka-python admin GROUP COMMAND``: ``COMMAND`` and ``HELP`` name and describe it,
    :meth:`add_arguments` declares its options and :meth:`command` runs it with the admin client,
    returning what is printed (``--format raw`` pretty-prints it, ``json`` dumps it)."""

    COMMAND: ClassVar[str] = ''
    HELP: ClassVar[str] = ''

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        """Declare the command's options (none by default)."""

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        raise NotImplementedError


class CommandGroup:
    """``kafka-python admin GROUP``: a named list of commands."""

    GROUP: ClassVar[str] = ''
    HELP: ClassVar[str] = ''
    COMMANDS: ClassVar[tuple[type[Command], ...]] = ()


class UnsupportedCommand(ValueError):
    """The admin client of this build lacks what the command needs."""


def require(client: Any, method: str) -> Any:
    """``client.method``, or :class:`UnsupportedCommand` naming it when this build lacks it."""
    fn = getattr(client, method, None)
    if fn is None:
        raise UnsupportedCommand(f'KafkaAdminClient.{method} is not available in this version of kafka-python-rs')
    return fn


def admin_names(*names: str) -> list[Any]:
    """``kafka.admin`` attributes, or :class:`UnsupportedCommand` naming the first one missing."""
    import kafka.admin

    out = []
    for name in names:
        value = getattr(kafka.admin, name, None)
        if value is None:
            raise UnsupportedCommand(f'kafka.admin.{name} is not available in this version of kafka-python-rs')
        out.append(value)
    return out


def split_tp(spec: str) -> tuple[str, int]:
    """``TOPIC:PARTITION`` -> (topic, partition); the topic may itself contain ':'."""
    topic, _, partition = spec.rpartition(':')
    if not topic:
        raise ValueError(f'expected TOPIC:PARTITION, got {spec!r}')
    try:
        return topic, int(partition)
    except ValueError:
        raise ValueError(f'expected TOPIC:PARTITION, got {spec!r}') from None


def tp_key(tp: Any) -> str:
    """``'topic:partition'`` for a TopicPartition (json output cannot key by tuples)."""
    return f'{tp.topic}:{tp.partition}'


def error_name(error: Any) -> Any:
    """An error class or instance as its class name; None stays None."""
    if error is None:
        return None
    if isinstance(error, type):
        return error.__name__
    return type(error).__name__
