"""``kafka-python consumer`` / ``python -m kafka.consumer``: the console consumer.

One line per record on stdout (``--format``: ``str`` decodes the value, ``raw`` prints the value's
``repr``, ``full`` the whole :class:`~kafka.consumer.fetcher.ConsumerRecord`). Ctrl-C closes the
consumer (leaving the group) and exits with status 0; so does a reader that goes away
(``| head -1``). A summary line (and, on long runs, progress lines) go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import math
import select
import sys
import time
from typing import Any

from kafka.cli.common import add_common_cli_args, client_kwargs, guarded, open_client, run_and_close
from kafka.cli.progress import Progress, add_progress_cli_args

FORMATS = ('str', 'raw', 'full')

#: Longest wait for records before checking whether stdout's reader is still there.
POLL_INTERVAL_MS = 500


def main_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The consumer's argument parser."""
    parser = argparse.ArgumentParser(
        prog=prog or 'python -m kafka.consumer',
        description='Kafka console consumer: prints the records of the given topics on stdout, '
                    'one per line, until interrupted (Ctrl-C).',
    )
    add_common_cli_args(parser)
    options = parser.add_argument_group('consumer options')
    options.add_argument('-t', '--topic', type=str, action='append', dest='topics', required=True,
                         help='subscribe to topic. Can be provided multiple times.')
    options.add_argument('-g', '--group', type=str, help='consumer group')
    options.add_argument('-i', '--group-instance-id', type=str, help='static group membership identifier')
    options.add_argument('-f', '--format', type=str, default='str',
                         help='output format: str|raw|full (default: str)')
    options.add_argument('--encoding', type=str, default='utf-8',
                         help='encoding to use for str output decode() (default: utf-8)')
    options.add_argument('--max-messages', type=int, default=None,
                         help='exit after printing this many records (default: no limit)')
    add_progress_cli_args(parser)
    return parser


def format_record(record: Any, fmt: str, encoding: str) -> str:
    """One output line (without the newline) for ``record``."""
    if fmt == 'full':
        return str(record)
    if fmt == 'raw':
        return str(record.value)
    if record.value is None:
        return 'null'
    return record.value.decode(encoding, errors='backslashreplace')


def run_cli(args: list[str] | None = None, prog: str | None = None) -> int:
    """Run the console consumer; returns the exit status."""
    parser = main_parser(prog=prog)
    config = parser.parse_args(args)
    if config.format not in FORMATS:
        parser.error(f'Unrecognized format: {config.format}')
    kwargs = client_kwargs(parser, config)
    return guarded(lambda: _consume(config, kwargs))


def stdout_closed() -> bool:
    """Whether stdout is a pipe whose reader has gone (POLLERR on the write end, Linux/BSD)."""
    if not hasattr(select, 'poll'):
        return False
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), 0)
        return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in poller.poll(0))
    except (OSError, ValueError):
        return False


def _print_records(consumer: Any, config: argparse.Namespace, progress: Progress,
                   consumer_timeout_ms: Any) -> None:
    """Print records as polls return them (one flush per poll) until ``--max-messages``, the
    iterator's ``consumer_timeout_ms`` without a record, or a reader that went away."""
    out = sys.stdout
    limit = config.max_messages
    idle_limit_s = None if consumer_timeout_ms is None else float(consumer_timeout_ms) / 1000.0
    if idle_limit_s is not None and not math.isfinite(idle_limit_s):
        idle_limit_s = None
    last_record = time.monotonic()
    while limit is None or progress.count < limit:
        wait_ms = POLL_INTERVAL_MS
        if idle_limit_s is not None:
            remaining_s = idle_limit_s - (time.monotonic() - last_record)
            if remaining_s <= 0:
                return
            wait_ms = max(1, min(wait_ms, int(remaining_s * 1000)))
        batches = consumer.poll(timeout_ms=wait_ms, max_records=None if limit is None else limit - progress.count)
        if not batches:
            if stdout_closed():
                raise BrokenPipeError
            continue
        for records in batches.values():
            # Counted when taken: the position (and what close() commits) already moved past them.
            progress.add(len(records))
            for record in records:
                out.write(format_record(record, config.format, config.encoding))
                out.write('\n')
        out.flush()
        last_record = time.monotonic()


def _consume(config: argparse.Namespace, kwargs: dict[str, Any]) -> int:
    from kafka import KafkaConsumer

    logger = logging.getLogger(__name__)
    consumer = open_client(lambda: KafkaConsumer(
        group_id=config.group, group_instance_id=config.group_instance_id, **kwargs))
    if consumer is None:
        return 1
    progress = Progress('consumed', config.progress_interval, config.quiet)

    def work() -> None:
        consumer.subscribe(config.topics)
        _print_records(consumer, config, progress, kwargs.get('consumer_timeout_ms'))

    def finish(status: int) -> int:
        progress.summary(f'Processed a total of {progress.count} messages')
        return status

    return run_and_close(consumer, work, finish, logger)
