"""``kafka-python producer`` / ``python -m kafka.producer``: the console producer.

Each line read from stdin (without its newline) is sent as one record's value, encoded with
``--encoding``. End of input or Ctrl-C flushes what was sent and closes the producer. A summary
line (and, on long runs, progress lines) go to stderr; the exit status is 1 when a record could
not be delivered.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from kafka.cli.common import add_common_cli_args, client_kwargs, guarded, open_client, run_and_close
from kafka.cli.progress import Progress, add_progress_cli_args


def main_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The producer's argument parser."""
    parser = argparse.ArgumentParser(
        prog=prog or 'python -m kafka.producer',
        description='Kafka console producer: sends each line of stdin as one record.',
    )
    add_common_cli_args(parser)
    options = parser.add_argument_group('producer options')
    options.add_argument('-t', '--topic', type=str, required=True, help='publish to topic')
    options.add_argument('--encoding', type=str, default='utf-8',
                         help='byte encoding for produced messages (default: utf-8)')
    add_progress_cli_args(parser)
    return parser


def run_cli(args: list[str] | None = None, prog: str | None = None) -> int:
    """Run the console producer; returns the exit status."""
    parser = main_parser(prog=prog)
    config = parser.parse_args(args)
    kwargs = client_kwargs(parser, config)
    return guarded(lambda: _produce(config, kwargs))


class _Deliveries:
    """Delivery outcomes, counted from the producer's callback thread."""

    def __init__(self, progress: Progress, logger: logging.Logger) -> None:
        self.progress = progress
        self.logger = logger
        self.first_error: BaseException | None = None

    def done(self, result: Any) -> None:
        if isinstance(result, BaseException):
            self.progress.failed += 1
            if self.first_error is None:
                self.first_error = result
            self.logger.error('Error producing message', exc_info=result)
        else:
            self.logger.info('Message produced: %s', result)


def _produce(config: argparse.Namespace, kwargs: dict[str, Any]) -> int:
    from kafka import KafkaProducer

    logger = logging.getLogger(__name__)
    producer = open_client(lambda: KafkaProducer(**kwargs))
    if producer is None:
        return 1
    progress = Progress('sent', config.progress_interval, config.quiet)
    deliveries = _Deliveries(progress, logger)

    def work() -> None:
        for line in sys.stdin:
            value = line.removesuffix('\n')
            producer.send(config.topic, value=value.encode(config.encoding)).add_both(deliveries.done)
            progress.add()

    def finish(status: int) -> int:
        if progress.failed:
            progress.summary(f'Sent {progress.count - progress.failed} of {progress.count} messages, '
                             f'{progress.failed} failed: {deliveries.first_error}')
            return status or 1
        progress.summary(f'Sent a total of {progress.count} messages')
        return status

    return run_and_close(producer, work, finish, logger)
