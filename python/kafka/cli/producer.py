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

from kafka.cli.common import add_common_cli_args, build_connect_kwargs, configure_logging, guarded
from kafka.cli.progress import Progress


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
    output = parser.add_argument_group('progress')
    output.add_argument('-q', '--quiet', action='store_true',
                        help='no progress or summary lines on stderr')
    output.add_argument('--progress-interval', type=float, default=10.0,
                        help='seconds between progress lines on stderr during long runs; '
                             '0 disables them (default: 10)')
    return parser


def run_cli(args: list[str] | None = None, prog: str | None = None) -> int:
    """Run the console producer; returns the exit status."""
    parser = main_parser(prog=prog)
    config = parser.parse_args(args)
    try:
        configure_logging(config)
        kwargs = build_connect_kwargs(config)
    except ValueError as exc:
        parser.error(str(exc))
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
    from kafka.errors import KafkaError

    logger = logging.getLogger(__name__)
    try:
        producer = KafkaProducer(**kwargs)
    except (KafkaError, ValueError, TypeError) as exc:
        sys.stderr.write(f'{type(exc).__name__}: {exc}\n')
        return 1
    progress = Progress('sent', config.progress_interval, config.quiet)
    deliveries = _Deliveries(progress, logger)
    status = 0
    try:
        for line in sys.stdin:
            value = line.removesuffix('\n')
            producer.send(config.topic, value=value.encode(config.encoding)).add_both(deliveries.done)
            progress.add()
    except KeyboardInterrupt:
        logger.info('Bye!')
    except Exception:
        logger.critical('Error!', exc_info=True)
        status = 1
    finally:
        try:
            producer.close()
        except KeyboardInterrupt:
            status = 130
        if progress.failed:
            status = status or 1
            progress.summary(f'Sent {progress.count - progress.failed} of {progress.count} messages, '
                             f'{progress.failed} failed: {deliveries.first_error}')
        else:
            progress.summary(f'Sent a total of {progress.count} messages')
    return status
