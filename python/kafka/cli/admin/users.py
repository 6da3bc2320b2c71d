"""``kafka-python admin users``: SCRAM credentials."""

from __future__ import annotations

import argparse
from typing import Any

from kafka.cli.admin._base import Arg, Command, CommandGroup, admin_names, calling, require

DescribeUserScramCredentials = calling(
    'describe-scram-credentials', 'Describe SCRAM credentials for Kafka users',
    'describe_user_scram_credentials', 'users',
    args=(Arg('--user', type=str, action='append', dest='users', default=[],
              help='User name to describe (repeatable). If omitted, describes all users.'),))


class AlterUserScramCredentials(Command, name='alter-scram-credentials',
                                help='Alter SCRAM credentials for Kafka users', args=(
        Arg('--delete', type=str, action='append', dest='deletions', default=[],
            help='USER:MECHANISM pair to delete (e.g. alice:SCRAM-SHA-256)'),
        Arg('--upsert', type=str, action='append', dest='upsertions', default=[],
            help='USER:MECHANISM:PASSWORD triple to insert or update'),
        Arg('--iterations', type=int, default=None,
            help='PBKDF2 iteration count for upsertions (default: 4096)'))):
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
