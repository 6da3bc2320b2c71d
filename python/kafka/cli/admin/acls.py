"""``kafka-python admin acls``: describe, create, delete."""

from __future__ import annotations

import argparse
from typing import Any

from kafka.cli.admin._base import Command, CommandGroup, admin_names, require

# The names of kafka-python 3's ACL enums (lower case), so that --help needs no admin class.
OPERATIONS = ('unknown', 'any', 'all', 'read', 'write', 'create', 'delete', 'alter', 'describe',
              'cluster_action', 'describe_configs', 'alter_configs', 'idempotent_write', 'create_tokens',
              'describe_tokens')
PERMISSION_TYPES = ('unknown', 'any', 'deny', 'allow')
RESOURCE_TYPES = ('unknown', 'any', 'topic', 'group', 'cluster', 'transactional_id', 'delegation_token', 'user')
PATTERN_TYPES = ('unknown', 'any', 'match', 'literal', 'prefixed')


def add_acl_filter_args(parser: argparse._ArgumentGroup) -> None:
    """Options of an ACL filter (describe, delete): unset fields match anything."""
    parser.add_argument('--principal', type=str, default=None, help='ACL principal (e.g. User:alice)')
    parser.add_argument('--host', type=str, default=None, help='ACL host (default: match any)')
    parser.add_argument('--operation', type=str, default='any', choices=OPERATIONS,
                        help='ACL operation (default: any)')
    parser.add_argument('--permission-type', type=str, default='any', choices=PERMISSION_TYPES,
                        help='ACL permission type (default: any)')
    parser.add_argument('--resource-type', type=str, default='any', choices=RESOURCE_TYPES,
                        help='Resource type (default: any)')
    parser.add_argument('--resource-name', type=str, default=None, help='Resource name (* wildcards accepted)')
    parser.add_argument('--pattern-type', type=str, default='any', choices=PATTERN_TYPES,
                        help='Resource pattern type (default: any)')


def add_acl_args(parser: argparse._ArgumentGroup, required: bool = False) -> None:
    """Options of one concrete ACL (create)."""
    parser.add_argument('--principal', type=str, required=required, help='ACL principal (e.g. User:alice)')
    parser.add_argument('--host', type=str, default='*', help='ACL host (default: *)')
    parser.add_argument('--operation', type=str, required=required, choices=OPERATIONS, help='ACL operation')
    parser.add_argument('--permission-type', type=str, default='allow', choices=PERMISSION_TYPES,
                        help='ACL permission type (default: allow)')
    parser.add_argument('--resource-type', type=str, required=required, choices=RESOURCE_TYPES,
                        help='Resource type')
    parser.add_argument('--resource-name', type=str, required=required,
                        help='Resource name (* wildcards accepted)')
    parser.add_argument('--pattern-type', type=str, default='literal', choices=PATTERN_TYPES,
                        help='Resource pattern type (default: literal)')


def _acl_fields(args: argparse.Namespace, pattern_class: str) -> dict[str, Any]:
    operation, permission, resource_type, pattern_type, pattern = admin_names(
        'ACLOperation', 'ACLPermissionType', 'ResourceType', 'ACLResourcePatternType', pattern_class)
    return {
        'principal': args.principal,
        'operation': operation[args.operation.upper()],
        'permission_type': permission[args.permission_type.upper()],
        'resource_pattern': pattern(
            resource_type=resource_type[args.resource_type.upper()],
            resource_name=args.resource_name,
            pattern_type=pattern_type[args.pattern_type.upper()],
        ),
    }


def acl_filter_from_args(args: argparse.Namespace) -> Any:
    """An ``ACLFilter`` from the filter options."""
    (acl_filter,) = admin_names('ACLFilter')
    return acl_filter(host=args.host, **_acl_fields(args, 'ResourcePatternFilter'))


def acl_from_args(args: argparse.Namespace) -> Any:
    """An ``ACL`` from the ACL options."""
    (acl,) = admin_names('ACL')
    return acl(host=args.host or '*', **_acl_fields(args, 'ResourcePattern'))


class DescribeACLs(Command):
    COMMAND = 'describe'
    HELP = 'Describe Kafka ACLs'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        add_acl_filter_args(parser)

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        describe = require(client, 'describe_acls')
        acls, _error = describe(acl_filter_from_args(args))
        return [repr(acl) for acl in acls]


class CreateACLs(Command):
    COMMAND = 'create'
    HELP = 'Create Kafka ACLs'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        add_acl_args(parser, required=True)

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        create = require(client, 'create_acls')
        result = create([acl_from_args(args)])
        return {'succeeded': [repr(a) for a in result['succeeded']],
                'failed': [str(e) for e in result['failed']]}


class DeleteACLs(Command):
    COMMAND = 'delete'
    HELP = 'Delete Kafka ACLs'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        add_acl_filter_args(parser)

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        delete = require(client, 'delete_acls')
        return [{'filter': repr(acl_filter), 'deleted': [repr(acl) for acl in matching], 'error': str(error)}
                for acl_filter, matching, error in delete([acl_filter_from_args(args)])]


class ACLsCommandGroup(CommandGroup):
    GROUP = 'acls'
    HELP = 'Manage Kafka ACLs'
    COMMANDS = (DescribeACLs, CreateACLs, DeleteACLs)
