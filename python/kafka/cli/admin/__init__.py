"""``kafka-python admin`` / ``python -m kafka.admin``: the admin command line.

``kafka-python admin [options] GROUP COMMAND [command options]``; the groups and commands are
kafka-python 3's (topics, configs, groups, partitions, cluster, acls, users, transactions).
The result is printed on stdout (``--format raw``: pprint, ``json``: one JSON document); errors
go to stderr with exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable
from typing import Any

from kafka.cli.admin._base import CommandGroup, UnsupportedCommand
from kafka.cli.admin.acls import ACLsCommandGroup
from kafka.cli.admin.cluster import ClusterCommandGroup
from kafka.cli.admin.configs import ConfigsCommandGroup
from kafka.cli.admin.groups import GroupsCommandGroup
from kafka.cli.admin.partitions import PartitionsCommandGroup
from kafka.cli.admin.topics import TopicsCommandGroup
from kafka.cli.admin.transactions import TransactionsCommandGroup
from kafka.cli.admin.users import UsersCommandGroup
from kafka.cli.common import add_common_cli_args, client_kwargs, guarded, open_client
from kafka.cli.output import FORMATS, print_result

DEFAULT_COMMAND_GROUPS: tuple[type[CommandGroup], ...] = (
    ACLsCommandGroup, ClusterCommandGroup, ConfigsCommandGroup, TopicsCommandGroup, PartitionsCommandGroup,
    GroupsCommandGroup, TransactionsCommandGroup, UsersCommandGroup,
)


def build_parser(groups: Iterable[type[CommandGroup]] = (), prog: str | None = None) -> argparse.ArgumentParser:
    """The admin parser with ``groups`` as sub-commands (each with its commands)."""
    parser = argparse.ArgumentParser(prog=prog or 'python -m kafka.admin', description='Kafka Admin Client')
    add_common_cli_args(parser, bootstrap_required=False)
    parser.add_argument_group('output').add_argument(
        '--format', type=str, default='raw', help='output format: raw|json (default: raw)')
    groups_sub = parser.add_subparsers(dest='group', metavar='GROUP', title='Available command groups')
    for group in groups:
        group_parser = groups_sub.add_parser(group.GROUP, help=group.HELP, description=group.HELP)
        group_parser.set_defaults(group=group_parser)
        commands_sub = group_parser.add_subparsers(dest='command', metavar='COMMAND', title='Available commands')
        for cmd in group.COMMANDS:
            command_parser = commands_sub.add_parser(cmd.COMMAND, help=cmd.HELP, description=cmd.HELP)
            cmd.add_arguments(command_parser.add_argument_group('command options'))
            command_parser.set_defaults(command=cmd.command)
    return parser


def main_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The admin parser with every command group."""
    return build_parser(DEFAULT_COMMAND_GROUPS, prog=prog)


def run_cli(args: list[str] | None = None, prog: str | None = None) -> int:
    """Run one admin command; returns the exit status."""
    parser = main_parser(prog=prog)
    config = parser.parse_args(args)
    if not config.group:
        parser.print_help()
        return 1
    if not config.command:
        config.group.print_help()
        return 1
    if config.format not in FORMATS:
        sys.stderr.write(f'Unrecognized format: {config.format}\n')
        return 1
    kwargs = client_kwargs(parser, config)
    return guarded(lambda: _run(config, kwargs))


def _run(config: argparse.Namespace, kwargs: dict[str, Any]) -> int:
    from kafka.admin import KafkaAdminClient
    from kafka.errors import BrokerResponseError, KafkaError

    logger = logging.getLogger(__name__)
    client = open_client(lambda: KafkaAdminClient(**kwargs))
    if client is None:
        return 1
    try:
        result = config.command(client, config)
        print_result(result, config.format, sys.stdout)
        return 0
    except (BrokerResponseError, UnsupportedCommand) as exc:
        sys.stderr.write(f'{exc}\n')
        return 1
    except ValueError as exc:
        sys.stderr.write(f'{exc.args[0] if exc.args else exc}\n')
        return 1
    except (KafkaError, TypeError, RuntimeError) as exc:
        sys.stderr.write(f'{type(exc).__name__}: {exc}\n')
        return 1
    except BrokenPipeError:
        raise
    except Exception:
        logger.critical('Error!', exc_info=True)
        return 1
    finally:
        client.close()
