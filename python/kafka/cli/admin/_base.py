"""What every admin command shares: the command shape, the options several commands take, and
small parsers of their values.

A command is a :class:`Command` subclass that names itself in its class statement
(``class X(Command, name='list', help='...', args=(GROUP_ID, ...))``) and implements
:meth:`Command.command`; one that only calls a client method is declared with :func:`calling`.
Options are :class:`Arg` declarations, shared through the constants below when several commands
take the same option (a variant with another help text or requiredness is ``GROUP_ID(help=...)``).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any, Callable, ClassVar, Union

from kafka.structs import TopicPartition


class Arg:
    """One argparse option: ``Arg('-g', '--group-id', type=str, required=True, help='group id')``.

    ``help`` may be a function returning the text (called when the parser is built, for texts
    that need imports)."""

    def __init__(self, *flags: str, **options: Any) -> None:
        self.flags = flags
        self.options = options

    def __call__(self, **changes: Any) -> Arg:
        """This option with some keywords changed (its help text, requiredness, ...)."""
        return Arg(*self.flags, **{**self.options, **changes})

    def add_to(self, parser: Any) -> None:
        options = dict(self.options)
        if callable(options.get('help')):
            options['help'] = options['help']()
        parser.add_argument(*self.flags, **options)


class OneOf:
    """Options of which at most one (``required``: exactly one) may be given."""

    def __init__(self, *options: Arg, required: bool = False) -> None:
        self.options = options
        self.required = required

    def add_to(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group(required=self.required)
        for option in self.options:
            option.add_to(group)


Option = Union[Arg, OneOf]


class Command:
    """One ``kafka-python admin GROUP COMMAND``: ``COMMAND`` and ``HELP`` name and describe it,
    ``ARGS`` are its options and :meth:`command` runs it with the admin client, returning what
    is printed (``--format raw`` pretty-prints it, ``json`` dumps it). Subclasses set the three
    in their class statement: ``class X(Command, name=..., help=..., args=(...))``."""

    COMMAND: ClassVar[str] = ''
    HELP: ClassVar[str] = ''
    ARGS: ClassVar[tuple[Option, ...]] = ()

    def __init_subclass__(cls, name: str = '', help: str = '', args: Iterable[Option] = (),
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if name:
            cls.COMMAND = name
            cls.HELP = help
            cls.ARGS = tuple(args)

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        """Declare the command's options."""
        for option in cls.ARGS:
            option.add_to(parser)

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        raise NotImplementedError


def calling(name: str, help: str, method: str, *params: str, args: Iterable[Option] = (),
            **keywords: str) -> type[Command]:
    """A command that returns ``client.method(...)`` called with option values: the options
    named (by dest) in ``params`` positionally, those in ``keywords`` by keyword; an option
    given as an empty list is passed as None. The method may be missing from this build
    (:class:`UnsupportedCommand`)."""

    def value(ns: argparse.Namespace, dest: str) -> Any:
        given = getattr(ns, dest)
        return None if given == [] else given

    class Calling(Command, name=name, help=help, args=args):
        @classmethod
        def command(cls, client: Any, ns: argparse.Namespace) -> Any:
            call: Callable[..., Any] = require(client, method)
            return call(*(value(ns, p) for p in params), **{k: value(ns, d) for k, d in keywords.items()})

    Calling.__name__ = Calling.__qualname__ = f'Calling_{method}'
    return Calling


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


# -- options several commands take -----------------------------------------------------------

#: One group (``args.group_id``) / several (``args.groups``).
GROUP_ID = Arg('-g', '--group-id', type=str, required=True, help='group id')
GROUP_IDS = Arg('-g', '--group-id', type=str, action='append', dest='groups', required=True,
                help='group id (repeatable)')
GROUP_COORDINATOR_ID = Arg('--group-coordinator-id', type=int, default=None,
                           help='Send directly to this broker id, skipping coordinator lookup')
#: Topic names (``args.topics``, repeatable).
TOPICS = Arg('-t', '--topic', type=str, action='append', dest='topics', default=[])
#: One required topic (``args.topic``).
TOPIC = Arg('-t', '--topic', type=str, required=True, help='Topic name.')
#: ``TOPIC:PARTITION`` pairs (``args.partitions`` / ``args.topic_partitions``).
PARTITIONS = Arg('-p', '--partition', type=str, action='append', dest='partitions', default=[])
TOPIC_PARTITIONS = Arg('-p', '--topic-partition', type=str, action='append', dest='topic_partitions',
                       default=[])
TIMEOUT_MS = Arg('--timeout-ms', type=int, default=None, help='Request timeout in milliseconds')
BROKER_IDS = Arg('--broker-id', type=int, action='append', dest='broker_ids')
FEATURES = Arg('-f', '--feature', type=str, action='append', dest='features', default=[])

OFFSET_SPEC_HELP = 'earliest, latest, max-timestamp, earliest-local, latest-tiered, or a millisecond timestamp'


# -- option values ---------------------------------------------------------------------------

def split_tp(spec: str) -> tuple[str, int]:
    """``TOPIC:PARTITION`` -> (topic, partition); the topic may itself contain ':'."""
    topic, _, partition = spec.rpartition(':')
    if not topic:
        raise ValueError(f'expected TOPIC:PARTITION, got {spec!r}')
    try:
        return topic, int(partition)
    except ValueError:
        raise ValueError(f'expected TOPIC:PARTITION, got {spec!r}') from None


def parse_tp(spec: str) -> TopicPartition:
    """``TOPIC:PARTITION`` -> TopicPartition."""
    return TopicPartition(*split_tp(spec))


def tp_offsets(specs: Iterable[str]) -> dict[TopicPartition, int]:
    """``['TOPIC:PARTITION:OFFSET', ...]`` -> ``{TopicPartition: offset}``."""
    out = {}
    for spec in specs:
        tp_spec, _, offset = spec.rpartition(':')
        out[parse_tp(tp_spec)] = int(offset)
    return out


def offset_spec(text: str) -> Any:
    """An :class:`OffsetSpec` name, or a millisecond timestamp as :class:`OffsetTimestamp`."""
    from kafka.admin import OffsetSpec, OffsetTimestamp

    try:
        return OffsetSpec.build_from(text)
    except (ValueError, KeyError):
        try:
            return OffsetTimestamp(int(text))
        except ValueError:
            raise ValueError(f'Invalid offset spec: {text}') from None


# -- results ---------------------------------------------------------------------------------

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


def errors_by_tp(result: dict[Any, Any]) -> dict[str, Any]:
    """``{TopicPartition: error}`` -> ``{'topic:partition': error name or None}``."""
    return {tp_key(tp): error_name(err) for tp, err in result.items()}
