"""``kafka-python admin users``: SCRAM credentials."""

from __future__ import annotations

import argparse
from typing import Any

from kafka.cli.admin._base import Command, CommandGroup, admin_names, require


class DescribeUserScramCredentials(Command):
    COMMAND = 'describe-scram-credentials'
    HELP = 'Describe SCRAM credentials for Kafka users'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('--user', type=str, action='append', dest='users', default=[],
                            help='User name to describe (repeatable). If omitted, describes all users.')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return require(client, 'describe_user_scram_credentials')(args.users or None)


class AlterUserScramCredentials(Command):
    COMMAND = 'alter-scram-credentials'
    HELP = 'Alter SCRAM credentials for Kafka users'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('--delete', type=str, action='append', dest='deletions', default=[],
                            help='USER:MECHANISM pair to delete (e.g. alice:SCRAM-SHA-256)')
        parser.add_argument('--upsert', type=str, action='append', dest='upsertions', default=[],
                            help='USER:MECHANISM:PASSWORD triple to insert or update')
        parser.add_argument('--iterations', type=int, default=None,
                            help='PBKDF2 iteration count for upsertions (default: 4096)')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        alter = require(client, 'alter_user_scram_credentials')
        deletion, upsertion = admin_names('UserScramCredentialDeletion', 'UserScramCredentialUpsertion')
        alterations = []
        for spec in args.deletions:
            user, sep, mechanism = spec.partition(':')
            if not sep:
                raise ValueError(f'expected USER:MECHANISM, got {spec!r}')
            alterations.append(deletion(user, mechanism))
        for spec in args.upsertions:
            parts = spec.split(':', 2)
            if len(parts) != 3:
                raise ValueError('expected USER:MECHANISM:PASSWORD')
            user, mechanism, password = parts
            alterations.append(upsertion(user, mechanism, password, iterations=args.iterations))
        if not alterations:
            raise ValueError('At least one --delete or --upsert is required.')
        return alter(alterations)


class UsersCommandGroup(CommandGroup):
    GROUP = 'users'
    HELP = 'Manage Kafka Users'
    COMMANDS = (DescribeUserScramCredentials, AlterUserScramCredentials)
